#!/usr/bin/env bash
# The release build that users run: server binary target/release/partwatch and the site
# (wasm, JS, CSS, static files) in target/site. Used by scripts/run.sh and the test command,
# so the tests prove exactly the build the run command serves. Seconds when it is up to date.
#
#   scripts/build.sh              the SQLite server and the site
#   scripts/build.sh --postgres   also the PostgreSQL server (cargo feature `postgres`):
#                                 target/postgres/release/partwatch, in a target directory of
#                                 its own so that neither build replaces or rebuilds the
#                                 other's; it serves the same site (a hash.txt is written
#                                 beside it too, see src/server/assets.rs)
#
# Plain cargo, wasm-bindgen and scripts/site.mjs: the same steps `cargo leptos build
# --release --precompress` takes with this project's settings, without installing
# cargo-leptos (half an hour on a fresh 2-core machine). The browser half is compiled in
# target/front with the `wasm-release` profile, as clippy's browser-half check does.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
cargo build --locked --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  --profile wasm-release --target-dir target/front
bins=(target/release)
cargo build --locked --release --bin partwatch --no-default-features --features ssr
if [ "${1:-}" = --postgres ]; then
  CARGO_TARGET_DIR="$PWD/target/postgres" \
    cargo build --locked --release --bin partwatch --no-default-features --features postgres
  bins+=(target/postgres/release)
fi
node scripts/site.mjs "${bins[@]}"
