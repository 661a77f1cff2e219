#!/usr/bin/env bash
# tests/examples.sh — runs the README's client examples against a real server and checks what
# they print: the C library example (build/client_example), the Luau example in the real Luau
# VM (dsrun), and the dsctl walk-through. BIN_DIR holds the built binaries (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir=${BIN_DIR:-build}
bin=$bin_dir/datastored
tmp=$(mktemp -d)
. scripts/lib/server.sh
cleanup() { ds_stop_all; rm -rf "$tmp"; }
trap cleanup EXIT
ds_fresh_database ds_examples
ds_start examples "${db[@]}" --write-cooldown 0
fail() { echo "examples: $*" >&2; exit 1; }

out=$("$bin_dir/client_example" "$url" 4242)
echo "$out"
grep -q '^saved {"coins":25} as version ' <<<"$out" || fail "client_example did not save 25 coins"
grep -q '^#1 user_269323 100$' <<<"$out" || fail "client_example leaderboard"
grep -q '^stale write refused: HTTP 412$' <<<"$out" || fail "client_example stale write"

[ -f clients/dsrun/node_modules/luau-web/package.json ] ||
  npm ci --prefix clients/dsrun --no-audit --no-fund --loglevel=error >/dev/null
out=$(node clients/dsrun/bin/dsrun.mjs script examples/luau/quickstart.server.luau --server "$url" \
  --universe 4243)
echo "$out"
grep -q '^coins 35 version .* region eu$' <<<"$out" || fail "luau quickstart UpdateAsync"
grep -q '^1 user_269323 35$' <<<"$out" || fail "luau quickstart leaderboard"
grep -q '^too big: false 105: ' <<<"$out" || fail "luau quickstart size error"

export DATASTORED_URL=$url DATASTORED_UNIVERSE=4244 DATASTORED_DATASTORE=Players
dsctl=$bin_dir/dsctl
"$dsctl" set user_1 '{"coins":10}' --user-ids 269323 >/dev/null
[ "$("$dsctl" incr visits)" = 1 ] || fail "dsctl incr"
[ "$("$dsctl" update user_1 '[{"op":"replace","path":"/coins","value":15}]')" = '{"coins":15}' ] ||
  fail "dsctl update"
set +e; "$dsctl" get nobody 2>/dev/null; code=$?; set -e
[ $code -eq 1 ] || fail "dsctl get of a missing key exited $code, not 1"
echo "examples: all printed what the README says"
