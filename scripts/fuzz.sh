#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UndefinedBehaviorSanitizer) into
# build-fuzz/ and runs each for SECONDS (default 30), two at a time, starting from the seed
# corpus in tests/fuzz/corpus/<target> (new inputs go to build-fuzz/corpus/<target>, so the
# repository is not modified). Prints executions per target; fails on any finding (the
# crashing input is kept in build-fuzz/ as crash-*/leak-*/timeout-*).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   e.g. scripts/fuzz.sh 3600 fuzz_jsonpatch
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
[ "$seconds" = 0 ] && { echo "fuzzing skipped (0 s)"; exit 0; }
shift || true
CC=clang cmake -S . -B build-fuzz -DDATASTORED_FUZZ=ON -DDATASTORED_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
run_one() {
  local t=$1 log=build-fuzz/$1.log
  mkdir -p "build-fuzz/corpus/$t"
  if (cd build-fuzz && "./$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
      -rss_limit_mb=2048 "corpus/$t" "../tests/fuzz/corpus/$t") >"$log" 2>&1; then
    printf '%-22s %12s executions, %s corpus inputs: ok\n' "$t" \
      "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" \
      "$(find "build-fuzz/corpus/$t" -type f | wc -l)"
  else
    echo "$t: FINDING — see $log"; tail -n 40 "$log"; return 1
  fi
}
status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!)
  if [ ${#pids[@]} -ge "$(nproc)" ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
