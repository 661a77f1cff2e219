# tests/durability/lib.sh — write load with acknowledged-write accounting, for the kill -9
# and failover tests. Source it after setting tmp; write the service's base URL to
# $tmp/url (writers re-read it, so a restarted service on a new port is followed).
#   load_start N     N writers, each POSTing to keys of its own, one key per write
#   load_stop        stop them and wait
#   load_verify URL  every acknowledged (2xx) write must read back its value through URL's
#                    export; prints the counts; fails on a lost write or an answer other
#                    than 200, 503 or no connection during the test
#   await_write URL  seconds until a write through URL succeeds (gives up after 30 s)
LOAD_UNIVERSE=${LOAD_UNIVERSE:-4242}
load_pids=()

load_writer() {
  local id=$1 i=0 u code
  while [ ! -e "$tmp/stop" ]; do
    i=$((i + 1))
    u=$(cat "$tmp/url")
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -X POST \
      "$u/datastores/v1/universes/$LOAD_UNIVERSE/standard-datastores/datastore/entries/entry?datastoreName=Load&entryKey=w$id-$i" \
      -d "$i") || true
    case $code in
      200) echo "w$id-$i $i" >>"$tmp/acked.$id" ;;
      503 | 000) ;;
      *) echo "writer $id, write $i: HTTP $code" >>"$tmp/unexpected" ;;
    esac
  done
}

load_start() {
  rm -f "$tmp/stop"
  for id in $(seq "$1"); do load_writer "$id" & load_pids+=($!); done
}

load_stop() {
  touch "$tmp/stop"
  local p
  for p in "${load_pids[@]}"; do wait "$p" || true; done
  load_pids=()
}

await_write() {
  local t0 code
  t0=$(date +%s.%N)
  for _ in $(seq 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 -X POST \
      "$1/datastores/v1/universes/$LOAD_UNIVERSE/standard-datastores/datastore/entries/entry?datastoreName=Probe&entryKey=p" \
      -d 1) || true
    if [ "$code" = 200 ]; then
      echo "$(date +%s.%N) $t0" | awk '{printf "%.2f", $1 - $2}'
      return 0
    fi
    sleep 0.1
  done
  echo "no successful write within 30 s" >&2
  return 1
}

load_verify() {
  curl -fsS "$1/admin/v1/export?universe=$LOAD_UNIVERSE&datastore=Load" >"$tmp/export.json"
  cat "$tmp"/acked.* 2>/dev/null >"$tmp/acked" || true
  python3 - "$tmp/export.json" "$tmp/acked" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
stored = {}
for ds in doc["dataStores"]:
    for e in ds["entries"]:
        stored[e["key"]] = e["value"]
acked = [line.split() for line in open(sys.argv[2]) if line.strip()]
lost = [(k, v) for k, v in acked if stored.get(k) != int(v)]
print(f"acknowledged writes: {len(acked)}, stored keys: {len(stored)}, lost: {len(lost)}")
for k, v in lost[:10]:
    print(f"  lost: {k} = {v} (stored: {stored.get(k)})")
sys.exit(1 if lost or not acked else 0)
PY
  if [ -s "$tmp/unexpected" ]; then
    echo "answers other than 200, 503 or no connection:"; head "$tmp/unexpected"; return 1
  fi
}
