#!/usr/bin/env bash
# First command of the README: install what is missing, build (release), install dsrun (the
# Luau runner) as `dsrun` when run as root, and start the service on 127.0.0.1:8080 with
# its embedded PostgreSQL in ./var/datastored.
# Extra arguments go to datastored (see build/datastored --help).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDATASTORED_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
./scripts/dsrun-install.sh
exec ./build/datastored "$@"
