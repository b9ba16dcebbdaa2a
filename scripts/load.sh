#!/usr/bin/env bash
# Load test: a mixed workload (catalogue searches, part pages, add to cart, cart, checkout)
# from 64 logged-in customers on 64 connections for a minute against the release build, then
# checks there were no 5xx answers, no oversold stock and no lost or half-written orders, and
# reports throughput and p50/p90/p99 latency. Uses wrk (installed from Debian if missing).
#
#   scripts/load.sh [seconds] [connections]        (defaults 60 and 64)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
conns="${2:-64}"
command -v wrk > /dev/null || { echo "installing wrk (apt)"; apt-get install -y wrk > /dev/null; }
scripts/setup-build.sh
. scripts/lib.sh
echo "release build (scripts/build.sh)"
scripts/build.sh > /dev/null 2>&1
data=$(mktemp -d)
addr=127.0.0.1:3400
# 127.0.0.1 is named the trusted proxy so the 64 customers can register and log in from
# addresses of their own (X-Forwarded-For) without meeting the per-address limits.
DATABASE_URL="sqlite://$data/load.db?mode=rwc" UPLOAD_DIR="$data/uploads" PARTWATCH_DEMO_DATA=1 \
  PARTWATCH_TRUSTED_PROXY=127.0.0.1 LEPTOS_SITE_ADDR=$addr LEPTOS_ENV=PROD \
  RUST_LOG=warn target/release/partwatch > "$data/server.log" 2>&1 &
pid=$!
finish() {
  kill $pid 2>/dev/null || true
  if grep -q ERROR "$data/server.log" 2>/dev/null; then
    echo "server errors (first 10):"
    grep ERROR "$data/server.log" | sort | uniq -c | sort -rn | head -10
  fi
  rm -rf "$data"
}
trap finish EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://$addr/" && break; sleep 0.2; done

echo "registering $conns customers"
: > "$data/cookies"
for i in $(seq 1 "$conns"); do
  curl -fs -o /dev/null -D "$data/h" -H 'Accept: application/json' -H "X-Forwarded-For: 10.77.$((i / 250)).$((i % 250))" \
    --data-urlencode "username=load$i" --data-urlencode "email=load$i@example.com" \
    --data-urlencode "password=load-test-password" --data-urlencode "password_confirm=load-test-password" \
    --data-urlencode "role=customer" "http://$addr/api/register"
  grep -i '^set-cookie: pw_session=' "$data/h" | sed -E 's/^[Ss]et-[Cc]ookie: (pw_session=[^;]*).*/\1/' >> "$data/cookies"
done
[ "$(wc -l < "$data/cookies")" -eq "$conns" ] || { echo "registration failed" >&2; exit 1; }

snapshot() {
  python3 - "$data/load.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for pid, stock, sold in db.execute(
    "SELECT p.id, p.stock, COALESCE((SELECT SUM(quantity) FROM purchases u WHERE u.part_id = p.id), 0) FROM parts p ORDER BY p.id"):
    print(pid, stock + sold)
PY
}
snapshot > "$data/before"
parts=$(wc -l < "$data/before")
echo "running: ${secs}s, $conns connections, $parts parts"
LOAD_COOKIES="$data/cookies" LOAD_PARTS="$parts" wrk -t "$conns" -c "$conns" -d "${secs}s" --timeout 10s \
  --latency -s scripts/load.lua "http://$addr" | tee "$data/wrk.out" | grep '^LOAD'
snapshot > "$data/after"

python3 - "$data/load.db" "$data/wrk.out" "$data/before" "$data/after" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
out = open(sys.argv[2]).read()
placed = int(re.search(r"orders_placed=(\d+)", out).group(1))
fivexx = int(re.search(r" 5xx=(\d+)", out).group(1))
problems = []
if fivexx:
    problems.append(f"{fivexx} answers were 5xx")
if open(sys.argv[3]).read() != open(sys.argv[4]).read():
    problems.append("stock + sold changed: stock was oversold or lost")
neg = db.execute("SELECT COUNT(*) FROM parts WHERE stock < 0").fetchone()[0]
if neg:
    problems.append(f"{neg} parts with negative stock")
lineless = db.execute("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM purchases p WHERE p.order_id = o.id)").fetchone()[0]
if lineless:
    problems.append(f"{lineless} orders without lines")
checkouts = db.execute("SELECT COUNT(*) FROM checkouts").fetchone()[0]
if checkouts != placed:
    problems.append(f"{placed} checkouts answered 200 but {checkouts} are stored")
orders = db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
print(f"LOAD checked: {checkouts} checkouts ({orders} orders) stored for {placed} confirmed; stock + sold unchanged for every part")
if problems:
    print("LOAD FAILED: " + "; ".join(problems))
    sys.exit(1)
print("LOAD OK")
PY
