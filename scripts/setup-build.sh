#!/usr/bin/env bash
# Installs what building and serving PartWatch needs and this machine lacks; nothing for the
# tests (scripts/setup-test.sh adds those). Idempotent: about a second when all is present.
#
#   wasm32 target · cargo-leptos 0.3.10 · wasm-bindgen-cli 0.2.130 (matches the pinned crate)
#   binaryen's wasm-opt (npm, in scripts/wasm-opt/node_modules), for --release builds
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# The tools are compiled with a lighter release profile than their own (no LTO, opt-level 1,
# 16 codegen units): they run for seconds per build, and it cuts cargo-leptos's install from
# 25-40 minutes to about 10 on 2 cores.
light_profile=(env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "setup: adding the wasm32-unknown-unknown Rust target (under a minute)"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  step "setup: installing cargo-leptos 0.3.10 (once; about 10 minutes on 2 cores)"
  "${light_profile[@]}" cargo install cargo-leptos --version 0.3.10 --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q '0\.2\.130'; then
  step "setup: installing wasm-bindgen-cli 0.2.130 (once; under 2 minutes)"
  # Not --locked: its lock file names a crate version the registry no longer has.
  "${light_profile[@]}" cargo install wasm-bindgen-cli --version 0.2.130 --force
fi

if [ ! -f scripts/wasm-opt/node_modules/.install-stamp ] ||
  [ scripts/wasm-opt/package-lock.json -nt scripts/wasm-opt/node_modules/.install-stamp ]; then
  step "setup: installing binaryen's wasm-opt from npm (seconds)"
  (cd scripts/wasm-opt && npm ci --no-audit --no-fund --loglevel=error)
  touch scripts/wasm-opt/node_modules/.install-stamp
fi
step_end
