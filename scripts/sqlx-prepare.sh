#!/usr/bin/env bash
# Regenerates .sqlx/, the query data that lets `sqlx::query!` and friends check their SQL at
# compile time without a database (builds read it: SQLX_OFFLINE=true in .cargo/config.toml).
# Run it after changing a checked query or adding a migration, and commit .sqlx/ with the
# change: a build with stale data fails ("no cached data for this query", or a type error).
#
# How: applies migrations/ in order to a fresh SQLite file (Python's sqlite3, so nothing but
# python3 is needed), deletes every old query file, then checks every target with the macros
# online against that file and SQLX_OFFLINE_DIR set, which makes sqlx-macros (0.8) write one
# `query-<hash>.json` per query. Last, checks again offline to prove the data is complete.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/schema.db" migrations/*.sql <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
for migration in sys.argv[2:]:
    db.executescript(open(migration, encoding="utf-8").read())
db.close()
PY

mkdir -p .sqlx
rm -f .sqlx/query-*.json
# sqlx-macros reads its environment without telling cargo, so cargo would reuse the last
# expansion: make it compile this crate's targets again.
touch src/lib.rs src/main.rs
SQLX_OFFLINE=false DATABASE_URL="sqlite://$tmp/schema.db" SQLX_OFFLINE_DIR="$PWD/.sqlx" \
  cargo check --features ssr --all-targets "$@"

touch src/lib.rs src/main.rs
SQLX_OFFLINE=true cargo check --features ssr --all-targets "$@"
echo "$(ls .sqlx | wc -l) queries in .sqlx/"
