#!/usr/bin/env bash
# The test command: setup, formatting, unit + data-layer + HTTP integration tests, then a build
# of the app and the browser tests in Chromium. Fails if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== unit, data-layer and HTTP integration tests"
cargo test --features ssr

echo "== build (server + wasm) for the browser tests"
cargo leptos build

echo "== browser tests (Playwright, Debian Chromium)"
(cd end2end && npx playwright test)
