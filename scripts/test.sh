#!/usr/bin/env bash
# Second command of the README: the whole test suite. Installs what is missing, builds with
# AddressSanitizer + UndefinedBehaviorSanitizer, starts a throwaway PostgreSQL (unix socket
# in a temp dir, removed afterwards), runs the unit and integration suites (Check), and
# validates docker-compose.yml when docker-compose is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh

build=build-test
cmake -S . -B "$build" -DDATASTORED_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j"$(nproc)"

bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/initdb" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgtmp=$(mktemp -d /tmp/datastored-test-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$pgtmp"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgtmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pgtmp"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$pgtmp/data" -U datastored -A trust -E UTF8 --locale=C \
  --no-sync >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$pgtmp/data" -l "$pgtmp/postgres.log" -w \
  -o "-k $pgtmp -c listen_addresses= -c max_connections=400 -c fsync=off" start >/dev/null
export DATABASE_URL="host=$pgtmp port=5432 user=datastored dbname=postgres"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

status=0
ctest --test-dir "$build" --output-on-failure || status=$?

if command -v docker-compose >/dev/null 2>&1; then
  if docker-compose -f docker-compose.yml config -q; then
    echo "docker-compose.yml: valid"
  else
    echo "docker-compose.yml: INVALID"; status=1
  fi
fi
exit $status
