#!/usr/bin/env bash
# tests/luau/run.sh — the Luau module's checks:
#   1. it compiles with the real Luau compiler (luau-web from npm, cached in build dir);
#   2. it uses only globals and library functions Luau (and Roblox) provide, and sets none;
#   3. its busted suite passes under lua5.1 against real datastored servers (one open, with a
#      virtual clock; one that needs an API key), over a luasocket transport.
# Servers use a fresh database on DATABASE_URL (without it, a throwaway PostgreSQL is
# started). DATASTORED_BIN picks the binary (default build/datastored).
set -euo pipefail
cd "$(dirname "$0")/../.."
module=clients/luau/DataStoreService.lua
bin=${DATASTORED_BIN:-build/datastored}
cache=${LUAU_CACHE:-$(dirname "$bin")/luau-web}
tmp=$(mktemp -d)
. scripts/lib/server.sh
cleanup() { ds_stop_all; rm -rf "$tmp"; }
trap cleanup EXIT

# 1. The Luau compiler.
if [ ! -f "$cache/node_modules/luau-web/src/index.js" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error luau-web@1.4.0 >/dev/null
fi
LUAU_WEB="$cache/node_modules/luau-web" node tests/luau/luau_compile.mjs "$module"

# 2. Globals: read (GETGLOBAL) from the bytecode listing; none may be set.
allowed=" error game ipairs math next pairs pcall select setmetatable getmetatable string table task tonumber tostring type typeof wait rawget rawset assert "
bad=0
while read -r op name; do
  if [ "$op" = SETGLOBAL ]; then echo "luau: $module sets global '$name'"; bad=1; fi
  case "$allowed" in *" $name "*) ;; *) echo "luau: $module reads global '$name' (not in Luau/Roblox)"; bad=1 ;; esac
done < <(luac5.1 -p -l "$module" | sed -n 's/.*\([GS]ETGLOBAL\).*; \([A-Za-z_][A-Za-z0-9_]*\)$/\1 \2/p' | sort -u)
libs=" string.byte string.find string.format string.gsub string.lower string.match string.sub math.floor math.huge math.max math.min math.random table.concat "
for f in $(grep -oE '\b(string|math|table|os|coroutine|debug|io)\.[a-z]+' "$module" | sort -u); do
  case "$libs" in *" $f "*) ;; *) echo "luau: $module uses $f (not checked as available in Luau)"; bad=1 ;; esac
done
[ $bad -eq 0 ] || exit 1
echo "luau: $module uses only Luau globals"

# 3. The busted suite against real servers.
ds_fresh_database ds_luau
ds_start open "${db[@]}" --clock virtual --write-cooldown 0 --seed 5
open_url=$url
ds_start keyed "${db[@]}" --api-key luau-test-key-0123456789 --write-cooldown 0
keyed_url=$url
export DATASTORED_URL=$open_url DATASTORED_KEYED_URL=$keyed_url DATASTORED_KEY=luau-test-key-0123456789
export LUAU_MODULE=$PWD/$module
lua5.1 "$(command -v busted)" -o utfTerminal tests/luau/
