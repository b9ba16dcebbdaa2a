#!/usr/bin/env bash
# Installs what the test command needs on top of scripts/setup-build.sh. Idempotent: a second
# or two when all is present.
#
#   cargo-deny 0.20.2 (dependency audit) · Debian's Chromium (browser tests)
#   Playwright (npm, in end2end/node_modules; it never downloads a browser of its own)
#   PostgreSQL 15 from Debian (the test command runs the Rust tests on it too)
#   moto_server (PyPI: moto[s3] with flask and flask-cors; the S3 server the picture-storage
#   tests start, tests/it/common/moto.rs; not moto[server], which pulls every AWS service)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-build.sh
. scripts/lib.sh

if ! cargo deny --version 2>/dev/null | grep -q '0\.20\.2'; then
  step "setup: installing cargo-deny 0.20.2 (once; about 3 minutes)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install cargo-deny --version 0.20.2 --locked
fi

if ! command -v chromium > /dev/null 2>&1; then
  step "setup: installing Debian's Chromium for the browser tests (about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium
fi

if ! ls /usr/lib/postgresql/*/bin/pg_ctl > /dev/null 2>&1; then
  step "setup: installing Debian's PostgreSQL for the tests on PostgreSQL (about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends postgresql postgresql-contrib
fi

if ! command -v moto_server > /dev/null 2>&1 ||
  ! python3 -c 'import moto.server, flask, flask_cors' > /dev/null 2>&1; then
  step "setup: installing moto_server from PyPI for the S3 storage tests (about 20 seconds)"
  python3 -m pip install --quiet --disable-pip-version-check 'moto[s3]' flask flask-cors
  # pyenv's shims (moto_server) appear after a rehash; elsewhere pip's bin folder is on PATH.
  if command -v pyenv > /dev/null 2>&1; then pyenv rehash; fi
  command -v moto_server > /dev/null 2>&1 || {
    echo "setup: moto_server was installed but is not on PATH (add pip's bin folder)" >&2
    exit 1
  }
fi

if [ ! -f end2end/node_modules/.install-stamp ] ||
  [ end2end/package-lock.json -nt end2end/node_modules/.install-stamp ]; then
  step "setup: installing Playwright from npm (seconds)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  touch end2end/node_modules/.install-stamp
fi
step_end
