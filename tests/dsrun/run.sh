#!/usr/bin/env bash
# tests/dsrun/run.sh — dsrun itself: the Roblox-like environment (every service and global a
# script gets, on a fixture Rojo project) and its answers to bad input — a script that
# raises, one that does not compile, a test that never ends, a BindToClose that never
# returns: each a clear message and a non-zero exit, never a hang.
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
echo "dsrun: bad input answered"
