#!/usr/bin/env bash
# The test command: installs the build and test tooling (scripts/setup-test.sh), then runs
# formatting, lints, the dependency audit, the release build that scripts/run.sh serves and a
# smoke test of run.sh itself, the unit + data-layer + HTTP integration tests on SQLite and
# again on PostgreSQL (a throwaway server started here), and the browser tests against that
# release build. Fails if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/setup-test.sh
. scripts/lib.sh

step "fetching every crate Cargo.lock names, for every target (the audit runs offline)"
cargo fetch --locked

step "cargo fmt --check"
cargo fmt --all -- --check

step "no import cycles among the modules of src/ (ARCHITECTURE.md)"
python3 scripts/module-cycles.py

step "clippy, server half (ssr)"
cargo clippy --locked --features ssr --all-targets -- -D warnings
step "clippy, browser half (hydrate, wasm32)"
cargo clippy --locked --lib --no-default-features --features hydrate \
  --target wasm32-unknown-unknown --target-dir target/front -- -D warnings
step "clippy, server half on PostgreSQL (feature postgres)"
cargo clippy --locked --features postgres --all-targets -- -D warnings

step "dependency audit (cargo-deny)"
scripts/audit.sh

step "release build (exactly what scripts/run.sh builds)"
scripts/build.sh
step "smoke test of the run command (scripts/run.sh)"
scripts/smoke-run.sh

step "unit, data-layer and HTTP integration tests (SQLite)"
# In parallel: the unit tests in the library, every integration test in one binary (tests/it).
cargo test --locked --features ssr

step "the same tests on PostgreSQL (a fresh throwaway server in target/pg-test)"
scripts/postgres.sh stop target/pg-test
rm -rf target/pg-test
# A free port: another PostgreSQL (a developer's, another checkout's tests) may hold any fixed one.
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg_url=$(scripts/postgres.sh start target/pg-test "$pg_port")
trap 'scripts/postgres.sh stop target/pg-test' EXIT
DATABASE_URL=$pg_url cargo test --locked --features postgres
scripts/postgres.sh stop target/pg-test
trap - EXIT

step "browser tests (Playwright, Debian Chromium, against the release build)"
(cd end2end && npx playwright test)
step_end
echo "all tests passed in $(($(date +%s) - started))s"
