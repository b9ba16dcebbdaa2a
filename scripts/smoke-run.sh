#!/usr/bin/env bash
# Proves the README's run command: starts scripts/run.sh as a user would (on a spare port and
# a fresh database), waits for it, and checks that it serves the home page with the demo data,
# the wasm, the JS and the CSS; that it prints the URL and the demo logins; and that a taken
# port or an unusable database path is refused in one clear line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

data=$(mktemp -d)
addr=127.0.0.1:3210
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill -- "-$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT
fail() {
  echo "smoke test FAILED: $*" >&2
  echo "--- run.sh output:" >&2
  cat "$data/run.log" >&2 || true
  exit 1
}

DATABASE_URL="sqlite://$data/smoke.db?mode=rwc" UPLOAD_DIR="$data/uploads" LEPTOS_SITE_ADDR=$addr \
  setsid scripts/run.sh > "$data/run.log" 2>&1 &
pid=$!
# run.sh builds first if the build is not up to date: allow for that.
for _ in $(seq 1 1800); do
  curl -fs -o /dev/null "http://$addr/" && break
  kill -0 "$pid" 2> /dev/null || fail "run.sh exited before serving"
  sleep 1
done

get() { curl -fsS --max-time 10 -o "$data/body" -D "$data/headers" "http://$addr$1" || fail "GET $1"; }

get /
grep -q '<title>' "$data/body" || fail "/ has no title"
grep -q 'PartWatch' "$data/body" || fail "/ does not say PartWatch"
grep -q 'href="/parts/' "$data/body" || fail "/ shows no demo parts"
# The bundle's names as the page gives them: partwatch.<hash of the content>.wasm/.js/.css.
bundle() { grep -o "/pkg/partwatch\.[A-Za-z0-9_-]*\.$1" "$data/body" | head -n 1; }
wasm=$(bundle wasm) && js=$(bundle js) && css=$(bundle css) ||
  fail "/ does not load the app bundle under hashed names"
immutable() {
  grep -qi '^cache-control: public, max-age=31536000, immutable' "$data/headers" ||
    fail "$1 is not cached as immutable"
}

get "$wasm"
[ "$(head -c 4 "$data/body" | od -An -tx1 | tr -d ' \n')" = 0061736d ] || fail "$wasm is not WebAssembly"
grep -qi '^content-type: application/wasm' "$data/headers" || fail "$wasm is not served as application/wasm"
immutable "$wasm"
get "$js"
grep -q 'hydrate' "$data/body" || fail "$js has no hydrate entry"
immutable "$js"
get "$css"
[ -s "$data/body" ] || fail "$css is empty"
immutable "$css"
get /catalogue
grep -q 'href="/parts/' "$data/body" || fail "/catalogue lists no parts"

grep -q "PartWatch is serving at http://$addr" "$data/run.log" || fail "run.sh did not print the URL"
grep -q 'customer@partwatch.example' "$data/run.log" || fail "run.sh did not print the demo logins"
echo "smoke: run.sh serves /, the catalogue, partwatch.wasm, .js and .css at http://$addr"

# A second run on the same address: refused at once, in one line.
if LEPTOS_SITE_ADDR=$addr scripts/run.sh > "$data/taken.log" 2>&1; then
  fail "a second run.sh on a taken port did not fail"
fi
[ "$(wc -l < "$data/taken.log")" -eq 1 ] && grep -q "$addr is already in use" "$data/taken.log" ||
  { cat "$data/taken.log" >&2; fail "a taken port is not reported in one clear line"; }
# The same for the binary started directly (someone took the port between check and start).
if LEPTOS_SITE_ADDR=$addr DATABASE_URL="sqlite://$data/other.db?mode=rwc" UPLOAD_DIR="$data/uploads" \
  target/release/partwatch > "$data/taken2.log" 2>&1; then
  fail "the binary started on a taken port"
fi
[ "$(wc -l < "$data/taken2.log")" -eq 1 ] && grep -q "already in use" "$data/taken2.log" ||
  { cat "$data/taken2.log" >&2; fail "the binary does not report a taken port in one clear line"; }

# A database path that cannot be written: one line naming the variable and the path.
touch "$data/not-a-folder"
if DATABASE_URL="sqlite://$data/not-a-folder/x.db?mode=rwc" UPLOAD_DIR="$data/uploads" \
  LEPTOS_SITE_ADDR=127.0.0.1:3211 target/release/partwatch > "$data/db.log" 2>&1; then
  fail "the binary started on an unusable database path"
fi
[ "$(wc -l < "$data/db.log")" -eq 1 ] && grep -q "DATABASE_URL" "$data/db.log" && grep -q "not-a-folder" "$data/db.log" ||
  { cat "$data/db.log" >&2; fail "an unusable database path is not reported in one clear line"; }
echo "smoke: a taken port and an unusable database path are each refused in one clear line"
