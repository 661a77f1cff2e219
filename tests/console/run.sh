#!/usr/bin/env bash
# tests/console/run.sh — the web console in headless Chromium (Debian's, driven by
# playwright-core from npm): console.mjs against a real datastored (virtual clock, every
# version kept, no write cooldown) on a fresh database, and a second one with API keys. Screenshots of every screen go to
# DATASTORED_SCREENSHOTS (ctest: build-test/ui-screenshots/). Needs DATASTORED_BIN.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
bin=${DATASTORED_BIN:?set DATASTORED_BIN to the datastored binary}
shots=${DATASTORED_SCREENSHOTS:-$(dirname "$bin")/ui-screenshots}
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.installed-lock.json" 2>/dev/null; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error &&
     cp package-lock.json node_modules/.installed-lock.json)
fi
tmp=$(mktemp -d)
. scripts/lib/server.sh
trap 'ds_stop_all; rm -rf "$tmp"' EXIT
export CONSOLE_DATA_KEY=console-data-key-0123456789 CONSOLE_ADMIN_KEY=console-admin-key-0123456789
ds_fresh_database ds_console_keyed
ds_start keyed "${db[@]}" --write-cooldown 0 --api-key "$CONSOLE_DATA_KEY" \
  --admin-key "$CONSOLE_ADMIN_KEY"
keyed=$url
ds_fresh_database ds_console
ds_start console "${db[@]}" --clock virtual --write-cooldown 0 --keep-all-versions
node "$here/console.mjs" "$url" "$shots" "$keyed"
