#!/usr/bin/env bash
# tests/luau/run.sh — the Luau module's checks:
#   1. it compiles with the real Luau compiler (luau-web) and reads no global Roblox does
#      not provide (checked on the bytecode listing of luac5.1, as the module keeps to the
#      Lua 5.1 subset of Luau);
#   2. its spec suite (tests/luau/specs, TestEZ style) runs in the real Luau VM through
#      dsrun against real datastored servers: one open (virtual clock, every version kept),
#      one that needs an API key; tests/luau/virtual runs on dsrun's virtual clock.
# Servers use a fresh database on DATABASE_URL (without it, a throwaway PostgreSQL is
# started). DATASTORED_BIN picks the binary (default build/datastored).
set -euo pipefail
cd "$(dirname "$0")/../.."
module=clients/luau/DataStoreService.lua
bin=${DATASTORED_BIN:-build/datastored}
tmp=$(mktemp -d)
. scripts/lib/server.sh
cleanup() { ds_stop_all; rm -rf "$tmp"; }
trap cleanup EXIT

# dsrun and its Luau VM (pinned in clients/dsrun/package-lock.json).
if [ ! -f clients/dsrun/node_modules/luau-web/package.json ]; then
  npm ci --prefix clients/dsrun --no-audit --no-fund --loglevel=error >/dev/null
fi

# 1. The Luau compiler, and globals: read (GETGLOBAL) from the bytecode listing; none set.
LUAU_WEB=clients/dsrun/node_modules/luau-web node tests/luau/luau_compile.mjs "$module"
allowed=" error game ipairs math next pairs pcall select setmetatable getmetatable string table task tonumber tostring type typeof wait rawget rawset assert os DateTime coroutine "
bad=0
while read -r op name; do
  if [ "$op" = SETGLOBAL ]; then echo "luau: $module sets global '$name'"; bad=1; fi
  case "$allowed" in *" $name "*) ;; *) echo "luau: $module reads global '$name' (not in Luau/Roblox)"; bad=1 ;; esac
done < <(luac5.1 -p -l "$module" | sed -n 's/.*\([GS]ETGLOBAL\).*; \([A-Za-z_][A-Za-z0-9_]*\)$/\1 \2/p' | sort -u)
libs=" string.byte string.find string.format string.gsub string.lower string.match string.sub string.rep math.floor math.huge math.max math.min math.random table.concat os.clock os.time coroutine.create coroutine.resume "
for f in $(grep -oE '\b(string|math|table|os|coroutine|debug|io)\.[a-z]+' "$module" | sort -u); do
  case "$libs" in *" $f "*) ;; *) echo "luau: $module uses $f (not checked as available in Luau)"; bad=1 ;; esac
done
[ $bad -eq 0 ] || exit 1
echo "luau: $module uses only Luau globals"

# 2. The spec suite in real Luau against real servers.
ds_fresh_database ds_luau
ds_start open "${db[@]}" --clock virtual --write-cooldown 0 --keep-all-versions --seed 5
open_url=$url
ds_start keyed "${db[@]}" --api-key luau-test-key-0123456789 --write-cooldown 0
export DATASTORED_KEYED_URL=$url DATASTORED_KEY=luau-test-key-0123456789
node clients/dsrun/bin/dsrun.mjs test tests/luau/specs --server "$open_url" --timeout 60
# The runner's virtual clock, which moves datastored's (virtual) clock along with it.
node clients/dsrun/bin/dsrun.mjs test tests/luau/virtual --server "$open_url" --clock virtual
