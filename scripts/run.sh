#!/usr/bin/env bash
# The run command: installs what building needs (scripts/setup-build.sh), makes the release
# build (scripts/build.sh) and serves PartWatch at http://127.0.0.1:3000 (or LEPTOS_SITE_ADDR)
# with demo data on an empty database.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

addr="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
# Say at once, not after a build, that the address is taken.
port_taken() {
  local host="${1%:*}" port="${1##*:}"
  [ "$host" = "0.0.0.0" ] && host=127.0.0.1
  (exec 3<> "/dev/tcp/${host//[\[\]]/}/$port") 2> /dev/null
}
if port_taken "$addr"; then
  echo "PartWatch cannot start: $addr is already in use by another program. Stop that program, or choose another address, e.g. LEPTOS_SITE_ADDR=127.0.0.1:3001 scripts/run.sh" >&2
  exit 1
fi

scripts/setup-build.sh
step "building the release build (the first time about 6 minutes on 2 cores; seconds when up to date)"
scripts/build.sh
step_end

export PARTWATCH_DEMO_DATA="${PARTWATCH_DEMO_DATA:-1}"
export LEPTOS_SITE_ADDR="$addr"
export LEPTOS_ENV=PROD
exec target/release/partwatch
