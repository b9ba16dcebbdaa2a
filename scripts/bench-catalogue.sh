#!/usr/bin/env bash
# Measures catalogue response times on the demo data: starts the built server (release if
# built, else debug) on a fresh database, then times sequential requests per URL with curl
# and prints p50/p90/p99 in milliseconds. Loopback only; bounded in count.
#
#   scripts/bench-catalogue.sh [requests-per-url]     (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200}"
bin=target/release/partwatch
[ -x "$bin" ] || bin=target/debug/partwatch
[ -x "$bin" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
data=$(mktemp -d)
addr=127.0.0.1:3300
DATABASE_URL="sqlite://$data/bench.db?mode=rwc" UPLOAD_DIR="$data/uploads" PARTWATCH_DEMO_DATA=1 \
  LEPTOS_SITE_ADDR=$addr LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=partwatch RUST_LOG=warn \
  "$bin" > "$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://$addr/" && break; sleep 0.2; done
echo "server: $bin, $n requests per URL"
for path in "/catalogue" "/catalogue?q=brake+disc" "/catalogue?q=bp123" "/catalogue?m=Bosch&stock=1&sort=price_asc" "/catalogue?page=2" "/parts/1"; do
  for _ in 1 2 3 4 5; do curl -fs -o /dev/null "http://$addr$path"; done
  for _ in $(seq 1 "$n"); do curl -fs -o /dev/null -w '%{time_total}\n' "http://$addr$path"; done |
    python3 -c '
import sys
t = sorted(float(x) * 1000 for x in sys.stdin)
q = lambda p: t[min(len(t) - 1, int(p * len(t)))]
print(f"{sys.argv[1]:<45} p50 {q(0.5):6.2f} ms  p90 {q(0.9):6.2f} ms  p99 {q(0.99):6.2f} ms")
' "$path"
done
