#!/usr/bin/env bash
# Dependency audit with cargo-deny (deny.toml): licenses, banned sources (crates.io only, no git)
# and wildcard versions are checked offline, always. Security advisories need the RustSec
# database, which lives on github.com: when it can be fetched (or an earlier copy exists) they
# are checked too; when it cannot, this says so plainly and checks the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
if timeout 60 cargo deny fetch db > /dev/null 2>&1 || ls "$cargo_home"/advisory-dbs/*/crates > /dev/null 2>&1; then
  cargo deny --offline check advisories bans licenses sources
else
  echo "audit: the RustSec advisory database (github.com) cannot be fetched from here; advisories NOT checked"
  cargo deny --offline check bans licenses sources
fi
