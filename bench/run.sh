#!/usr/bin/env bash
# The benchmark (not part of the test command): release build, generated catalogues of 10,000
# and 1,000,000 parts, wrk at 1 and 32 connections against every page and search shape, a
# checkout run, asset sizes and Lighthouse. Writes bench/results.md (the previous run is kept
# as bench/results.previous.md).
#
#   bench/run.sh [--sizes 10000,1000000] [--seconds 10] [--no-lighthouse]
#   bench/run.sh --database postgres://postgres@127.0.0.1:55432/postgres [--sizes …] [--seconds …]
#   bench/run.sh [--database …] --only 'fits a' [--sizes 1000000]   (some rows, their own section)
#
# About 25 minutes on 2 cores, most of it the 1M-part catalogue (generated once and kept in
# target/bench/, reused while the schema is unchanged). With --database the same rows run on
# that PostgreSQL server (scripts/postgres.sh starts one) with the PostgreSQL build, and only
# the PostgreSQL sections of bench/results.md are replaced (see bench/bench.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-build.sh
. scripts/lib.sh

step "bench: tools (wrk from Debian, Python's brotli, Lighthouse from npm)"
command -v wrk > /dev/null || { apt-get update -q && apt-get install -y -q wrk; }
python3 -c 'import brotli' 2> /dev/null || pip install -q brotli
if [[ " $* " != *" --no-lighthouse "* && " $* " != *" --database "* && " $* " != *" --only "* ]]; then
  command -v chromium > /dev/null || { apt-get update -q && apt-get install -y -q chromium; }
  if [ ! -f bench/node_modules/.install-stamp ] || [ bench/package-lock.json -nt bench/node_modules/.install-stamp ]; then
    (cd bench && npm ci --no-audit --no-fund --loglevel=error)
    touch bench/node_modules/.install-stamp
  fi
fi

step "bench: release build"
if [[ " $* " == *" --database "* ]]; then
  scripts/build.sh --postgres
else
  scripts/build.sh
fi
step_end
exec python3 bench/bench.py "$@"
