#!/usr/bin/env bash
# Installs dsrun's Luau VM (luau-web, pinned by clients/dsrun/package-lock.json) from the npm
# registry and, as root, links /usr/local/bin/dsrun to it; otherwise says how to run it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f clients/dsrun/node_modules/luau-web/package.json ]; then
  npm ci --prefix clients/dsrun --no-audit --no-fund --loglevel=error >/dev/null
fi
if [ "$(id -u)" -eq 0 ]; then
  ln -sf "$PWD/clients/dsrun/bin/dsrun.mjs" /usr/local/bin/dsrun
else
  echo "dsrun: run it as $PWD/clients/dsrun/bin/dsrun.mjs (or link it into your PATH)" >&2
fi
