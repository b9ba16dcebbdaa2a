#!/usr/bin/env bash
# Dependency audit with cargo-deny (deny.toml), offline: security advisories (RustSec), licenses,
# sources (crates.io only, no git) and wildcard requirements.
#
# Advisories need the RustSec database, which scripts/advisory-db.sh installs: fetched live where
# github.com can be reached, else from a snapshot that an operator brings in (audit/README.md).
#
# First a self-test: audit/selftest/Cargo.lock pins smallvec 1.6.0, which RUSTSEC-2021-0003
# affects, and the audit fails unless cargo-deny, with deny.toml's own policy, reports that
# advisory for it. It runs against the RustSec data when installed, else against a one-advisory
# fixture (audit/selftest/advisory-db), so every run proves that the advisory check works here.
# Then the real check. Without RustSec data the audit says so plainly, checks the rest and
# passes; AUDIT_REQUIRE_ADVISORIES=1 makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

db_status=0
scripts/advisory-db.sh || db_status=$?
if [ "$db_status" != 0 ] && [ "$db_status" != 3 ]; then
  exit "$db_status"
fi

# The self-test's policy is deny.toml's, pointed at the database in use.
selftest=target/audit-selftest
rm -rf "$selftest"
mkdir -p "$selftest"
if [ "$db_status" = 0 ]; then
  db_root="$cargo_home/advisory-dbs"
  against="the installed RustSec data"
else
  db_root="$PWD/$selftest/advisory-dbs"
  # The directory name is cargo-deny's for its default URL, as in scripts/advisory-db.sh.
  fixture="$db_root/advisory-db-3157b0e258782691"
  mkdir -p "$fixture/.git"
  cp -R audit/selftest/advisory-db/crates "$fixture/"
  touch "$fixture/.git/FETCH_HEAD"
  against="the fixture database audit/selftest/advisory-db, no RustSec data being here"
fi
awk -v root="$db_root" '{ print } /^\[advisories\]$/ { print "db-path = \"" root "\"" }' \
  deny.toml > "$selftest/deny.toml"
cargo fetch --locked --quiet --manifest-path audit/selftest/Cargo.toml
if out=$(cargo deny --offline --color never --manifest-path audit/selftest/Cargo.toml \
  --config "$selftest/deny.toml" check advisories 2>&1); then
  printf '%s\n' "$out"
  echo "audit: SELF-TEST FAILED: smallvec 1.6.0 (RUSTSEC-2021-0003) in audit/selftest/Cargo.lock" \
    "passed the advisory check ($against): advisories are not being checked"
  exit 1
elif ! grep -q 'RUSTSEC-2021-0003' <<< "$out"; then
  printf '%s\n' "$out"
  echo "audit: SELF-TEST FAILED: the advisory check of audit/selftest/Cargo.lock failed" \
    "without reporting RUSTSEC-2021-0003 ($against); see its output above"
  exit 1
fi
echo "audit: self-test passed: cargo-deny reports RUSTSEC-2021-0003 for smallvec 1.6.0 in" \
  "audit/selftest/Cargo.lock, checked against $against"

if [ "$db_status" = 0 ]; then
  cargo deny --offline check advisories bans licenses sources
else
  cargo deny --offline check bans licenses sources
  echo "audit: advisories NOT checked against RustSec: no copy of its database is installed and" \
    "github.com cannot be reached (no package registry carries it); licenses, bans and sources" \
    "were checked. To check advisories, bring in a snapshot: audit/README.md"
  if [ "${AUDIT_REQUIRE_ADVISORIES:-0}" = 1 ]; then
    echo "audit: failing, as AUDIT_REQUIRE_ADVISORIES=1 asks"
    exit 1
  fi
fi
