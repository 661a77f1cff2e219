#!/usr/bin/env bash
# tests/readme/run.sh — every ```sh block of README.md, run in order as written, against a
# real datastored on 127.0.0.1:8080 (the address the README uses), each under `bash -e -o
# pipefail` and checked for its exit status. An HTML comment on the line before a block
# says how to run it:
#   <!-- readme-test: skip (reason) -->         not run (the reason is printed)
#   <!-- readme-test: own-server -->            the block starts its own server (on a fresh
#                                               database); it is stopped afterwards
#   <!-- readme-test: flags=--a,b -->           run against a server started with these flags
#   <!-- readme-test: ... exit=N -->            the block must exit N (default 0)
# Other blocks run against a server with the default flags. `build/` is the binary
# directory (BUILD_DIR, default build-test); DATABASE_URL is required (scripts/test.sh
# starts a throwaway PostgreSQL); every block works in a scratch directory that links the
# repository's build, examples, tests and clients.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
build=${BUILD_DIR:-build-test}
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL (scripts/test.sh starts one)}"
tmp=$(mktemp -d)
work=$tmp/work
mkdir -p "$work" "$tmp/bin" "$tmp/blocks"
case $build in /*) ;; *) build=$repo/$build ;; esac
ln -s "$build" "$work/build"
for d in examples tests clients scripts; do ln -s "$repo/$d" "$work/$d"; done
# dsrun as the first command installs it, from this checkout.
if [ ! -f clients/dsrun/node_modules/luau-web/package.json ]; then
  npm ci --prefix clients/dsrun --no-audit --no-fund --loglevel=error >/dev/null
fi
printf '#!/bin/sh\nexec node %q "$@"\n' "$repo/clients/dsrun/bin/dsrun.mjs" >"$tmp/bin/dsrun"
# An HTTP error from a README curl fails its block (curl -s alone would exit 0).
real_curl=$(command -v curl)
cat >"$tmp/bin/curl" <<EOF
#!/bin/sh
for a; do case \$a in --fail*|-[!-]*f*) exec $real_curl "\$@" ;; esac; done
exec $real_curl --fail-with-body "\$@"
EOF
chmod +x "$tmp/bin/dsrun" "$tmp/bin/curl"
export PATH="$tmp/bin:$PATH"

server_pid=
server_flags="(none)"
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
  server_flags="(none)"
}
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT

if curl -s -o /dev/null --max-time 2 http://127.0.0.1:8080/healthz; then
  echo "readme: something already listens on 127.0.0.1:8080; stop it first" >&2
  exit 1
fi

n_db=0
. scripts/lib/server.sh # ds_fresh_database
fresh_db() { # sets fresh to the conninfo of a new, empty database
  n_db=$((n_db + 1))
  ds_fresh_database "ds_readme_$n_db"
  fresh=${db[1]}
}

# Servers a block started itself (`build/datastored … &`): stopped, and waited for.
stop_own_servers() {
  local pids
  pids=$(pgrep -f "^build/datastored( |$)" || true)
  [ -z "$pids" ] && return 0
  kill $pids 2>/dev/null || true # one word per pid
  for _ in $(seq 150); do
    pids=$(pgrep -f "^build/datastored( |$)" || true)
    [ -z "$pids" ] && return 0
    sleep 0.1
  done
  kill -9 $pids 2>/dev/null || true
}

wait_ready() {
  for _ in $(seq 300); do
    curl -sf -o /dev/null http://127.0.0.1:8080/readyz && return 0
    sleep 0.1
  done
  return 1
}

fresh_db
shared_db=$fresh
start_server() { # $1: comma-separated flags
  [ "$server_flags" = "$1" ] && return 0
  stop_server
  local flags=()
  [ -n "$1" ] && IFS=, read -r -a flags <<<"$1"
  "$work/build/datastored" --database-url "$shared_db" "${flags[@]}" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  server_flags=$1
  if ! wait_ready || ! kill -0 "$server_pid" 2>/dev/null; then
    echo "readme: datastored ${flags[*]} did not start:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
}

# Blocks: blocks/N.sh, and blocks/N.meta (the readme-test comment, if any) and N.line.
awk -v dir="$tmp/blocks" '
  /^<!-- readme-test:/ { meta = $0; next }
  /^```sh$/ { n++; f = dir "/" n; print meta > (f ".meta"); print NR > (f ".line"); meta = "";
              inblock = 1; next }
  /^```/ { if (inblock) close(f ".sh"); inblock = 0; meta = ""; next }
  inblock { print > (f ".sh") }
  { if (!inblock && $0 != "") meta = "" }
' README.md

failed=0 ran=0 skipped=0
for meta_file in $(ls "$tmp"/blocks/*.meta | sort -V); do
  n=$(basename "$meta_file" .meta)
  meta=$(cat "$meta_file")
  line=$(cat "$tmp/blocks/$n.line")
  block="$tmp/blocks/$n.sh"
  where="README.md:$line"
  if [[ $meta == *"readme-test: skip"* ]]; then
    echo "skip $where ${meta#*skip }" | sed 's/ -->$//'
    skipped=$((skipped + 1))
    continue
  fi
  want=0
  [[ $meta =~ exit=([0-9]+) ]] && want=${BASH_REMATCH[1]}
  env_db=$DATABASE_URL
  if [[ $meta == *own-server* ]]; then
    stop_server
    fresh_db
    env_db=$fresh
  else
    block_flags=
    [[ $meta =~ flags=([^ ]+) ]] && block_flags=${BASH_REMATCH[1]}
    start_server "$block_flags"
  fi
  set +e
  (cd "$work" && DATABASE_URL=$env_db timeout 300 setsid bash -e -o pipefail "$block") \
    >"$tmp/out" 2>&1 &
  pid=$!
  wait "$pid"
  rc=$?
  set -e
  if [[ $meta == *own-server* ]]; then stop_own_servers; fi
  ran=$((ran + 1))
  if [ "$rc" -eq "$want" ]; then
    echo "ok   $where (exit $rc)"
  else
    echo "FAIL $where: exit $rc, expected $want; its output:"
    sed 's/^/    /' "$tmp/out" | head -40
    failed=$((failed + 1))
  fi
done
echo "readme: $ran blocks run, $skipped skipped, $failed failed"
[ "$failed" -eq 0 ]
