#!/usr/bin/env bash
# The release build that users run: server binary target/release/partwatch and the site
# (wasm, JS, CSS, static files) in target/site. Used by scripts/run.sh and the test command,
# so the tests prove exactly the build the run command serves. Nothing happens when the build
# is up to date.
#
#   scripts/build.sh              the SQLite server and the site
#   scripts/build.sh --postgres   also the PostgreSQL server (cargo feature `postgres`):
#                                 target/postgres/release/partwatch, in a target directory of
#                                 its own so that neither build replaces or rebuilds the
#                                 other's; it serves the same site (its hash.txt is copied
#                                 beside it, see src/server/assets.rs)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
cargo leptos build --release --precompress
if [ "${1:-}" = --postgres ]; then
  CARGO_TARGET_DIR="$PWD/target/postgres" \
    cargo leptos build --release --server-only --bin-features postgres
  cp target/release/hash.txt target/postgres/release/hash.txt
fi
