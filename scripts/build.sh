#!/usr/bin/env bash
# The release build that users run: server binary target/release/partwatch and the site
# (wasm, JS, CSS, static files) in target/site. Used by scripts/run.sh and the test command,
# so the tests prove exactly the build the run command serves. Nothing happens when the build
# is up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
cargo leptos build --release --precompress
