#!/usr/bin/env bash
# examples/retry-demo.sh — why DataStore retry logic needs matchVersion (or etag).
#
# Turns on a 30% failure rate for writes in a fresh universe — half of the failures are
# after_commit (the write committed, the client still sees 500), the rest plain 503s that
# did not commit — and runs three clients that each add 1 to a counter N times:
#   naive-retry   retries :increment until it gets a 2xx  → duplicates (after_commit)
#   naive-giveup  calls :increment once and moves on       → loses the 503s
#   safe          read → write with matchVersion, value carrying the id of the operation
#                 that wrote it; after any error it re-reads and stops if its own operation
#                 is already there                          → exactly N
# The seed is fixed, so every run prints the same numbers.
#
# Against a running server: DATASTORED_URL=http://127.0.0.1:8080 examples/retry-demo.sh
# (it must run with --write-cooldown 0, else every write to a key waits 6 s; the demo
# resets the fault seed to 2024). Without DATASTORED_URL it starts its own datastored
# (DATASTORED_BIN, default build/datastored) on DATABASE_URL or a private embedded
# PostgreSQL. Exits 1 if the safe client's count is not N.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100}
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

URL=${DATASTORED_URL:-}
if [ -z "$URL" ]; then
  bin=${DATASTORED_BIN:-build/datastored}
  if [ -n "${DATABASE_URL:-}" ]; then db=(--database-url "$DATABASE_URL"); else
    mkdir -p "$tmp/data"; db=(--data-dir "$tmp/data"); fi
  "$bin" --listen 127.0.0.1:0 --write-cooldown 0 "${db[@]}" >"$tmp/log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/log" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; exit 1; }
    sleep 0.05
  done
  [ -n "$port" ] || { echo "datastored did not start"; cat "$tmp/log"; exit 1; }
  URL="http://127.0.0.1:$port"
fi

U=2024                          # fixed, so the rules (and their draws) are the same each run
run=$(date +%s%N)               # fresh keys each run
V1="$URL/datastores/v1/universes/$U/standard-datastores/datastore/entries/entry?datastoreName=Demo"
V2="$URL/cloud/v2/universes/$U/data-stores/Demo/entries"
WRITES='"match":{"universe":'$U',"operations":["set","increment"]}'

rule() { curl -sf -X POST "$URL/admin/v1/faults" -d "$1" | sed -n 's/^{"id":\([0-9]*\).*/\1/p'; }
curl -sf -X POST "$URL/admin/v1/faults:seed" -d '{"seed":2024}' >/dev/null
r1=$(rule "{$WRITES,\"effect\":{\"type\":\"after_commit\",\"status\":500},\"probability\":0.15}")
r2=$(rule "{$WRITES,\"effect\":{\"type\":\"error\",\"status\":503},\"probability\":0.18}")

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

for _ in $(seq "$N"); do   # naive: retry until it works
  until [ "$(code -X POST "$V2/naive-retry-$run:increment" -d '{"amount":1}')" = 200 ]; do :; done
done
for _ in $(seq "$N"); do   # naive: one attempt, errors ignored
  code -X POST "$V2/naive-giveup-$run:increment" -d '{"amount":1}' >/dev/null
done

safe_increment() { # $1: this operation's id
  local op=$1 status count cond
  while :; do
    status=$(curl -s -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$V1&entryKey=safe-$run")
    if [ "$status" = 200 ]; then
      grep -q "\"lastOp\":\"$op\"" "$tmp/b" && return 0 # it landed though we saw an error
      count=$(sed -n 's/.*"count":\([0-9]*\).*/\1/p' "$tmp/b")
      cond="&matchVersion=$(tr -d '\r' <"$tmp/h" | sed -n 's/^roblox-entry-version: //Ip')"
    elif [ "$status" = 404 ]; then
      count=0 cond="&exclusiveCreate=true"
    else
      continue
    fi
    status=$(code -X POST "$V1&entryKey=safe-$run$cond" -H 'content-type: application/json' \
      -d "{\"count\":$((count + 1)),\"lastOp\":\"$op\"}")
    [ "$status" = 200 ] && return 0
  done
}
for i in $(seq "$N"); do safe_increment "op-$i"; done

for id in $r1 $r2; do curl -sf -X DELETE "$URL/admin/v1/faults/$id" >/dev/null; done
value() { curl -s "$V1&entryKey=$1"; }
retry=$(value "naive-retry-$run") giveup=$(value "naive-giveup-$run")
safe=$(value "safe-$run" | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
printf '%-14s %5s increments → %5s\n' naive-retry "$N" "$retry" naive-giveup "$N" "$giveup" \
  safe "$N" "$safe"
[ "$safe" = "$N" ] && [ "$retry" -gt "$N" ] && [ "$giveup" -lt "$N" ]
