#!/usr/bin/env bash
# The run command: setup, release build, serve at http://127.0.0.1:3000 with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
export PARTWATCH_DEMO_DATA="${PARTWATCH_DEMO_DATA:-1}"
exec cargo leptos serve --release
