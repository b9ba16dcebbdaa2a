#!/usr/bin/env bash
# Installs what building and serving PartWatch needs and this machine lacks; nothing for the
# tests (scripts/setup-test.sh adds those). Idempotent: about a second when all is present.
#
#   wasm32 target · wasm-bindgen-cli 0.2.130 (matches the pinned crate)
#   binaryen's wasm-opt and esbuild (npm, in scripts/web-tools/node_modules), which
#   scripts/site.mjs runs to make the site
#
# No cargo-leptos: scripts/build.sh takes its steps with plain cargo (cargo-leptos took half
# an hour to install on a fresh 2-core machine). Install it yourself only for `cargo leptos
# watch` (README, "Develop").
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# Tools are compiled with a lighter release profile than their own (no LTO, opt-level 1,
# 16 codegen units): they run for seconds per build, and it cuts their install time by half.
light_profile=(env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "setup: adding the wasm32-unknown-unknown Rust target (under a minute)"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q '0\.2\.130'; then
  step "setup: installing wasm-bindgen-cli 0.2.130 (once; under 2 minutes)"
  # Not --locked: its lock file names a crate version the registry no longer has.
  "${light_profile[@]}" cargo install wasm-bindgen-cli --version 0.2.130 --force
fi

if [ ! -f scripts/web-tools/node_modules/.install-stamp ] ||
  [ scripts/web-tools/package-lock.json -nt scripts/web-tools/node_modules/.install-stamp ]; then
  step "setup: installing binaryen's wasm-opt and esbuild from npm (seconds)"
  (cd scripts/web-tools && npm ci --no-audit --no-fund --loglevel=error)
  touch scripts/web-tools/node_modules/.install-stamp
fi
step_end
