#!/usr/bin/env bash
# Second command of the README: the whole test suite. Installs what is missing, builds with
# AddressSanitizer + UndefinedBehaviorSanitizer, starts a throwaway PostgreSQL (unix socket
# in a temp dir, removed afterwards), runs the unit and integration suites (Check), and
# validates docker-compose.yml when docker-compose is installed, checks the tree
# (scripts/check-tree.sh: clang-format, cppcheck, layering, a Release build), then runs every fuzz target
# for DATASTORED_FUZZ_SECONDS (default 30) under ASan/UBSan (scripts/fuzz.sh), and smoke-runs
# the benchmark (bench/run --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh test

build=build-test
cmake -S . -B "$build" -DDATASTORED_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j"$(nproc)"

. scripts/lib/pg.sh
trap pg_throwaway_stop EXIT
pg_throwaway_start -c fsync=off
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

status=0
ctest --test-dir "$build" --output-on-failure || status=$?

if command -v docker-compose >/dev/null 2>&1; then
  if docker-compose -f docker-compose.yml config -q; then
    echo "docker-compose.yml: valid"
  else
    echo "docker-compose.yml: INVALID"; status=1
  fi
fi
# The tree's habits: format, static analysis, layering and include cycles, a Release build.
./scripts/check-tree.sh || status=1
./scripts/fuzz.sh "${DATASTORED_FUZZ_SECONDS:-30}" || status=1
# Benchmark smoke run (speeds are printed, never asserted; the run itself must work).
if [ -z "${CK_RUN_SUITE:-}" ]; then bench/run --quick || status=1; fi
exit $status
