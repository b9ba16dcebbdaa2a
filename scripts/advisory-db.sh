#!/usr/bin/env bash
# Installs the RustSec advisory database where cargo-deny reads it, and says where its data came
# from and how old it is. scripts/audit.sh runs it; run it by hand to bring in a snapshot:
#
#   scripts/advisory-db.sh [SNAPSHOT]
#
# SNAPSHOT is a copy of the RustSec advisory-db git repository (a clone, or a directory holding its
# `crates/` folder), or a tar archive of one such as GitHub's tarball of its main branch. Without
# the argument: $RUSTSEC_ADVISORY_DB, else ../shared/advisory-db or ../shared/advisory-db.tar.gz
# beside this checkout, when present. How an operator makes one: audit/README.md.
#
# The database is only published as that git repository on github.com, and no package registry
# carries a copy (crates.io, npm, PyPI and Debian checked on 2026-12-01), so where github.com
# cannot be reached the data comes from a snapshot brought in by hand. In order:
#   1. a live fetch (`cargo deny fetch db`), where github.com can be reached;
#   2. the snapshot, when its newest advisory is newer than the installed copy's;
#   3. the copy installed earlier.
# Exit status: 0 when a database is installed (a line says which, and how old), 3 when there is
# none.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
# A caller's git variables (a hook, say) would point the commands below at another repository.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY

url=https://github.com/RustSec/advisory-db
# Where cargo-deny 0.20.2 keeps the database of its default URL ($url) under its default db-path:
# the directory name hashes the URL. The audit's self-test fails if this stops matching.
db="$cargo_home/advisory-dbs/advisory-db-3157b0e258782691"

# The date of a database's newest advisory (YYYY-MM-DD), read from the advisories themselves:
# how fresh the data is, whatever the file times of a copy say.
data_date() {
  { grep -rhoE --include='*.md' '^date = "[0-9]{4}-[0-9]{2}-[0-9]{2}"' "$1/crates" 2> /dev/null ||
    true; } | cut -d'"' -f2 | sort | tail -n 1
}
source_of() { cat "$1/.git/partwatch-source" 2> /dev/null || echo "an earlier fetch"; }

# Installs the database in directory $1 (which holds `crates/`), described as $2. It becomes a
# git repository with `origin` at $url, so that a later live fetch updates it in place.
install_copy() {
  local from=$1 description=$2 date new
  date=$(data_date "$from")
  new="$(dirname "$db")/.advisory-db-new.$$"
  rm -rf "$new"
  mkdir -p "$new"
  cp -R "$from/crates" "$new/"
  git -C "$new" init -q -b main
  git -C "$new" remote add origin "$url"
  git -C "$new" add -A
  GIT_AUTHOR_DATE="${date}T00:00:00Z" GIT_COMMITTER_DATE="${date}T00:00:00Z" \
    git -C "$new" -c user.name=PartWatch -c user.email=audit@partwatch.invalid \
    -c commit.gpgsign=false -c core.hooksPath=/dev/null \
    commit -q -m "RustSec advisory data of $date, from $description"
  printf '%s\t\tbranch '\''main'\'' of %s\n' "$(git -C "$new" rev-parse HEAD)" "$url" \
    > "$new/.git/FETCH_HEAD"
  echo "$description" > "$new/.git/partwatch-source"
  rm -rf "$db"
  mv "$new" "$db"
}

if timeout 60 cargo deny fetch db > /dev/null 2>&1; then
  echo "live fetch from $url on $(date -u +%F)" > "$db/.git/partwatch-source"
else
  snapshot="${1:-${RUSTSEC_ADVISORY_DB:-}}"
  if [ -z "$snapshot" ]; then
    for candidate in ../shared/advisory-db ../shared/advisory-db.tar.gz; do
      if [ -e "$candidate" ]; then
        snapshot=$candidate
        break
      fi
    done
  elif [ ! -e "$snapshot" ]; then
    echo "advisory-db: no snapshot at '$snapshot'" >&2
    exit 1
  fi
  if [ -n "$snapshot" ]; then
    snapshot=$(realpath "$snapshot")
    snapshot_dir=
    if [ -d "$snapshot" ]; then
      description=$snapshot
      snapshot_dir=$snapshot
    else
      # An archive: unpacked unless it is the one installed last (same path, size and time).
      description="$snapshot ($(stat -c '%s bytes, modified %y' "$snapshot" | cut -d. -f1))"
      if [ "$(source_of "$db")" != "$description" ]; then
        unpacked=target/advisory-db-unpacked
        rm -rf "$unpacked"
        mkdir -p "$unpacked"
        tar -xf "$snapshot" -C "$unpacked"
        for d in "$unpacked" "$unpacked"/*; do
          if [ -d "$d/crates" ]; then
            snapshot_dir=$d
            break
          fi
        done
        if [ -z "$snapshot_dir" ]; then
          echo "advisory-db: '$snapshot' has no crates/ folder at its top or one level down" >&2
          rm -rf "$unpacked"
          exit 1
        fi
      fi
    fi
    if [ -n "$snapshot_dir" ]; then
      count=$(find "$snapshot_dir/crates" -name 'RUSTSEC-*.md' | wc -l)
      # The real database holds over 1,200 advisories: refuse a fragment, which would pass
      # nearly everything while looking like a check.
      if [ "$count" -lt 500 ]; then
        echo "advisory-db: '$snapshot' holds $count RustSec advisories (crates/*/RUSTSEC-*.md)," \
          "so it is not a copy of the RustSec database" >&2
        rm -rf target/advisory-db-unpacked
        exit 1
      fi
      # Installed when there is no copy yet, when it is newer, or when it is as new but another
      # snapshot (so that the source named below is the one in use).
      new_date=$(data_date "$snapshot_dir")
      old_date=$(data_date "$db")
      if [[ "$new_date" > "$old_date" ]] ||
        { [ "$new_date" = "$old_date" ] && [ "$(source_of "$db")" != "$description" ]; }; then
        install_copy "$snapshot_dir" "$description"
        echo "advisory-db: installed $count advisories from $description"
      fi
      rm -rf target/advisory-db-unpacked
    fi
  fi
fi

if [ ! -d "$db/crates" ]; then
  echo "advisory-db: no RustSec advisory database here: github.com cannot be reached and no" \
    "snapshot was given (\$RUSTSEC_ADVISORY_DB, ../shared/advisory-db); see audit/README.md"
  exit 3
fi
date=$(data_date "$db")
# cargo-deny judges staleness by FETCH_HEAD's time, which any fetch attempt resets, even a failed
# one: date it by the data itself, whatever brought it in.
touch -d "${date}T00:00:00Z" "$db/.git/FETCH_HEAD"
age=$((($(date -u +%s) - $(date -u -d "$date" +%s)) / 86400))
echo "advisory-db: RustSec advisories up to $date ($age days old), from $(source_of "$db")"
if [ "$age" -gt 90 ]; then
  echo "advisory-db: WARNING: that data is over 90 days old; bring in a newer snapshot" \
    "(audit/README.md)"
fi
