#!/usr/bin/env bash
# Installs everything PartWatch needs that this machine lacks. Idempotent, and quick (a few
# seconds) when everything is already there.
#
#   wasm32 target · cargo-leptos 0.3.10 · wasm-bindgen-cli 0.2.130 (matches the pinned crate)
#   cargo-deny 0.20.2 (dependency audit)
#   Chromium (Debian) · Playwright and binaryen's wasm-opt (npm, in end2end/node_modules)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== setup: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  step "installing cargo-leptos 0.3.10 (about 20 minutes on 2 cores, once)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q '0\.2\.130'; then
  step "installing wasm-bindgen-cli 0.2.130 (a few minutes, once)"
  # Not --locked: its lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version 0.2.130 --force
fi

if ! cargo deny --version 2>/dev/null | grep -q '0\.20\.2'; then
  step "installing cargo-deny 0.20.2 (about 2 minutes, once)"
  cargo install cargo-deny --version 0.20.2 --locked
fi

if ! command -v chromium >/dev/null 2>&1; then
  step "installing Debian's Chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium
fi

# Playwright (driving Debian's Chromium; never its own download) and binaryen's wasm-opt, which
# cargo-leptos runs for --release builds.
if [ ! -f end2end/node_modules/.install-stamp ] ||
  [ end2end/package-lock.json -nt end2end/node_modules/.install-stamp ]; then
  step "installing end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  touch end2end/node_modules/.install-stamp
fi
