#!/usr/bin/env bash
# tests/dsrun/run.sh — dsrun itself: the Roblox-like environment (every service and global a
# script gets, on a fixture Rojo project); its answers to bad input — a script that raises,
# one that does not compile, a test that never ends, a BindToClose that never returns: each
# a clear message and a non-zero exit, never a hang; and `dsrun sim` on the two example
# DataManagers with a fixed seed, hops, a shutdown and a DataStore outage: the naive one
# loses data (exit 1), the session-locked one loses none (exit 0), counts from the report.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${DATASTORED_BIN:-build/datastored}
tmp=$(mktemp -d)
. scripts/lib/server.sh
cleanup() { ds_stop_all; rm -rf "$tmp"; }
trap cleanup EXIT
./scripts/dsrun-install.sh 2>/dev/null || true
dsrun=(node clients/dsrun/bin/dsrun.mjs)
ds_fresh_database ds_dsrun
ds_start dsrun "${db[@]}" --clock virtual --write-cooldown 0
fail() { echo "dsrun tests: $*" >&2; exit 1; }

"${dsrun[@]}" test tests/dsrun/project/specs --project tests/dsrun/project --server "$url"

# expect_failure NAME PATTERN CMD...: CMD exits non-zero within 60 s and prints PATTERN.
expect_failure() {
  local name=$1 pattern=$2; shift 2
  local out code=0 start=$SECONDS
  out=$(timeout 60 "$@" 2>&1) || code=$?
  [ $code -ne 0 ] || fail "$name: exit 0"
  [ $code -ne 124 ] || fail "$name: hung (killed after 60 s)"
  grep -q -- "$pattern" <<<"$out" || fail "$name: no '$pattern' in: $out"
  echo "dsrun: $name: exit $code after $((SECONDS - start)) s, said: $(grep -m1 -- "$pattern" <<<"$out")"
}
expect_failure "a script that raises" "errors.server.luau:3" \
  "${dsrun[@]}" script tests/dsrun/bad/errors.server.luau --server "$url"
expect_failure "a script that does not compile" "syntax.server.luau" \
  "${dsrun[@]}" script tests/dsrun/bad/syntax.server.luau --server "$url"
expect_failure "a test that never ends" "timed out after 2 s" \
  "${dsrun[@]}" test tests/dsrun/bad/never.spec.luau --server "$url" --timeout 2
out=$(timeout 60 "${dsrun[@]}" test tests/dsrun/bad/never.spec.luau --server "$url" --timeout 2 2>&1 || true)
grep -q '^1 passed, 1 failed' <<<"$out" || fail "the test after a stuck one did not run: $out"
expect_failure "a BindToClose that never returns" "did not finish within 30 s" \
  "${dsrun[@]}" script tests/dsrun/bad/stuck_close.server.luau --server "$url" --clock virtual
expect_failure "a bad option" "unknown option" "${dsrun[@]}" test --frobnicate
expect_failure "a sim without its counts" "needs --servers" \
  "${dsrun[@]}" sim examples/luau/naive/bootstrap.server.luau --server "$url"
echo "dsrun: bad input answered"

# The simulator, on datastored's classic rules (6 s cooldown; a write inside it answered 429).
ds_start sim "${db[@]}" --clock virtual --throttle reject
scenario=(--servers 4 --players 40 --duration 120 --hop 3 --churn 1 --shutdown-at 60
          --faults examples/luau/outage.json --seed 42 --clock virtual --server "$url")
json() { node -e "const r=require(process.argv[1]); console.log(eval('r.'+process.argv[2]))" "$@"; }
code=0
"${dsrun[@]}" sim examples/luau/naive/bootstrap.server.luau "${scenario[@]}" --report "$tmp/naive.json" || code=$?
[ $code -eq 1 ] || fail "naive DataManager: exit $code, not 1"
[ "$(json "$tmp/naive.json" 'lostUpdates > 0')" = true ] || fail "naive DataManager lost nothing"
[ "$(json "$tmp/naive.json" 'doubleOwnership > 0')" = true ] || fail "naive: no double ownership seen"
[ "$(json "$tmp/naive.json" 'faults[0].fired > 0 && r.scriptErrors > 0')" = true ] ||
  fail "the outage from 20 s to 35 s left no trace in the naive report"
"${dsrun[@]}" sim examples/luau/locked/bootstrap.server.luau "${scenario[@]}" --report "$tmp/locked.json" ||
  fail "session-locked DataManager: exit $?"
[ "$(json "$tmp/locked.json" 'lostUpdates')" = 0 ] || fail "session-locked DataManager lost data"
[ "$(json "$tmp/locked.json" 'doubleOwnership')" = 0 ] || fail "session-locked: double ownership"
[ "$(json "$tmp/locked.json" 'faults[0].fired > 0 && r.scriptErrors > 0')" = true ] ||
  fail "the outage left no trace in the locked report"
code=0
"${dsrun[@]}" sim tests/dsrun/sim/slow_close.server.luau --servers 1 --players 2 --duration 5 \
  --seed 1 --clock virtual --server "$url" --report "$tmp/slow.json" >/dev/null || code=$?
[ "$(json "$tmp/slow.json" 'bindToCloseUnfinished')" = 1 ] ||
  fail "a BindToClose save of 40 s was not reported unfinished"
echo "dsrun: sim: naive lost $(json "$tmp/naive.json" lostUpdates), locked lost 0; slow BindToClose reported"
