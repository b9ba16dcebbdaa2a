#!/usr/bin/env bash
# The test command: setup, formatting, lints, unit + data-layer + HTTP integration tests, then a build
# of the app and the browser tests in Chromium. Fails if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== clippy, server half (ssr) and browser half (hydrate, wasm32)"
cargo clippy --features ssr --all-targets -- -D warnings
# target/front is where cargo-leptos builds the wasm half: its artifacts are reused.
cargo clippy --lib --no-default-features --features hydrate \
  --target wasm32-unknown-unknown --target-dir target/front -- -D warnings

echo "== dependency audit (cargo-deny)"
scripts/audit.sh

echo "== unit, data-layer and HTTP integration tests"
# One test at a time: each test runs its own Tokio runtime, and with several of them rendering
# pages at once in one process a render now and then never completed (seen only in tests; the
# server runs a single runtime). See the README's "Known issues".
cargo test --features ssr -- --test-threads=1

echo "== build (server + wasm) for the browser tests"
cargo leptos build

echo "== browser tests (Playwright, Debian Chromium)"
(cd end2end && npx playwright test)
