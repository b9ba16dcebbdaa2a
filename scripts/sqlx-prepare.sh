#!/usr/bin/env bash
# Regenerates .sqlx/, the query data that lets the query macros (`db_query!` and friends, see
# src/db_macros.rs) check their SQL at compile time without a database, for both engines
# (builds read it: SQLX_OFFLINE=true in .cargo/config.toml). Run it after changing a checked
# query or adding a migration, and commit .sqlx/ with the change: a build with stale data
# fails ("no cached data for this query", or a type error).
#
# How: deletes the old query files; then per engine applies the migrations to a fresh
# database (SQLite: a file, through Python's sqlite3; PostgreSQL: a new database on the server
# scripts/postgres.sh starts) and checks every target with the macros online and
# SQLX_OFFLINE_DIR set, which makes sqlx-macros (0.8) write one `query-<hash>.json` per query
# (a PostgreSQL build's query texts end in a comment, so they get files of their own). Last,
# checks each engine again offline to prove the data is complete.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir="$PWD/.sqlx"
mkdir -p "$dir"
rm -f "$dir"/query-*.json

for engine in sqlite postgres; do
  case $engine in
  sqlite)
    python3 - "$tmp/schema.db" migrations/sqlite/*.sql <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
for migration in sys.argv[2:]:
    db.executescript(open(migration, encoding="utf-8").read())
db.close()
PY
    url="sqlite://$tmp/schema.db"
    features=ssr
    ;;
  postgres)
    server=$(scripts/postgres.sh start)
    psql -q "$server" -c "DROP DATABASE IF EXISTS partwatch_schema" -c "CREATE DATABASE partwatch_schema"
    url="${server%/*}/partwatch_schema"
    for migration in migrations/postgres/*.sql; do
      psql -q -v ON_ERROR_STOP=1 "$url" -f "$migration"
    done
    features=postgres
    ;;
  esac
  # sqlx-macros reads its environment without telling cargo, so cargo would reuse the last
  # expansion: make it compile this crate's targets again.
  touch src/lib.rs src/main.rs
  SQLX_OFFLINE=false DATABASE_URL="$url" SQLX_OFFLINE_DIR="$dir" \
    cargo check --features "$features" --all-targets
done
for features in ssr postgres; do
  touch src/lib.rs src/main.rs
  SQLX_OFFLINE=true cargo check --features "$features" --all-targets
done
echo "$(ls "$dir" | wc -l) query files in .sqlx/"
