#!/usr/bin/env bash
# Starts the release build (what scripts/run.sh serves) on a fresh database with demo data,
# for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
data=target/e2e-data
rm -rf "$data"
mkdir -p "$data"
export DATABASE_URL="sqlite://$data/e2e.db?mode=rwc"
export UPLOAD_DIR="$data/uploads"
export PARTWATCH_DEMO_DATA=1
export LEPTOS_SITE_ADDR="${E2E_ADDR:-127.0.0.1:3100}"
export LEPTOS_ENV=PROD
export RUST_LOG="${RUST_LOG:-warn,partwatch=info}"
exec target/release/partwatch
