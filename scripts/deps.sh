#!/usr/bin/env bash
# Installs the Debian packages datastored needs to build, run and test, when missing.
# As root it runs apt-get; otherwise it names what is missing and fails.
set -euo pipefail
# Usage: scripts/deps.sh [test]  — "test" adds what only the test command needs (clang and
# its libFuzzer runtime for the fuzz targets, wrk for the benchmark smoke run, lua5.1 for the
# Luau module's globals check, Node.js and npm for dsrun and its Luau VM, Chromium for the
# browser tests, clang-format and cppcheck for scripts/check-tree.sh). It also installs web/'s npm packages (Swagger UI, compiled into the binary
# for /docs) when they are missing or stale.
packages=(build-essential cmake pkg-config libmicrohttpd-dev libpq-dev libjson-c-dev
          libcurl4-openssl-dev libssl-dev check postgresql curl nodejs python3 python3-yaml)
if [ "${1:-}" = test ]; then
  packages+=(clang libclang-rt-14-dev wrk lua5.1 chromium clang-format cppcheck)
fi
# npm ships inside some nodejs builds (NodeSource); Debian packages it apart.
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages: ${missing[*]} — run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# web/: npm packages the build compiles into the binary (pinned by web/package-lock.json).
# --ignore-scripts: no install-time scripts (swagger-ui-dist's would phone home).
web=$(dirname "$0")/../web
if ! cmp -s "$web/package-lock.json" "$web/node_modules/.installed-lock.json" 2>/dev/null; then
  echo "installing web/ npm packages" >&2
  (cd "$web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error &&
     cp package-lock.json node_modules/.installed-lock.json)
fi
