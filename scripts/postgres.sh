#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for tests and benchmarks and prints its URL:
#   scripts/postgres.sh start [DIR] [PORT]   (default target/pg, port 55432)
#   scripts/postgres.sh stop  [DIR]
# The cluster is made with initdb on first start (trust auth on 127.0.0.1 only, fsync off:
# it holds nothing worth keeping). Idempotent: starting a running server only prints its URL.
# As root, the server runs as the `postgres` user (initdb refuses root).
# PG_SHARED_BUFFERS sets its buffer cache (default 256MB; the benchmark gives it room for the
# whole 1M-part catalogue, as a production server would have).
set -euo pipefail
cd "$(dirname "$0")/.."

action=${1:-start}
dir=$(realpath -m "${2:-target/pg}")
port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install -y postgresql)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir" -w -l "$dir/server.log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=${PG_SHARED_BUFFERS:-256MB}" \
      start >/dev/null
  fi
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  ;;
stop)
  as_owner "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
  ;;
*)
  echo "usage: $0 start|stop [DIR] [PORT]" >&2
  exit 2
  ;;
esac
