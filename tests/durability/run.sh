#!/usr/bin/env bash
# tests/durability/run.sh — no acknowledged write is lost to kill -9. Under write load
# (tests/durability/lib.sh: every write its own key, 2xx answers recorded):
#   1. kill -9 the embedded PostgreSQL's postmaster, three times: datastored restarts it
#      on the same data directory by itself (no process restart) and serves again;
#   2. kill -9 datastored itself, three times, starting it again each time.
# Afterwards every acknowledged write must read back, and every answer during the chaos
# must have been 200, 503 or no connection. Prints the recovery times. Needs DATASTORED_BIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${DATASTORED_BIN:?set DATASTORED_BIN to the datastored binary}
unset DATABASE_URL DATASTORED_DATABASE_URL # this test is about the embedded PostgreSQL
tmp=$(mktemp -d /tmp/ds-durability.XXXXXX)
chmod 755 "$tmp" # the embedded PostgreSQL runs as user postgres when we are root
. scripts/lib/server.sh
. tests/durability/lib.sh
trap 'load_stop 2>/dev/null; ds_stop_all; [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
flags=(--data-dir "$tmp/data" --write-cooldown 0)

ds_start ds "${flags[@]}"
echo "$url" >"$tmp/url"
load_start 4
sleep 2

echo "== kill -9 of the postmaster (datastored restarts it)"
for round in 1 2 3; do
  pm=$(head -1 "$tmp/data/pg/postmaster.pid")
  kill -9 "$pm"
  echo "round $round: postmaster $pm killed; writes succeed again after $(await_write "$url") s"
  curl -fsS "$url/readyz" >/dev/null
  sleep 2
done
grep -c "embedded PostgreSQL is back" "$tmp/ds.log" | xargs echo "restarts logged:"

echo "== kill -9 of datastored (started again)"
for round in 1 2 3; do
  kill -9 "${pids[-1]}"
  wait "${pids[-1]}" 2>/dev/null || true
  t0=$(date +%s.%N)
  ds_start ds "${flags[@]}"
  echo "$url" >"$tmp/url"
  echo "round $round: serving again after $(echo "$(date +%s.%N) $t0" | awk '{printf "%.2f", $1 - $2}') s" \
       "(first write $(await_write "$url") s later)"
  sleep 2
done

load_stop
load_verify "$url"
