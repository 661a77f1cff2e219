#!/usr/bin/env bash
# tests/failover/run.sh — datastored rides a PostgreSQL failover without losing an
# acknowledged write. Two local PostgreSQL servers on unix sockets: a primary and a
# streaming standby made with `pg_basebackup -R`, synchronous replication on
# (synchronous_standby_names='*', synchronous_commit=on). datastored gets the multi-host URL
# `host=PRIMARY,STANDBY target_session_attrs=read-write`. Under write load
# (tests/durability/lib.sh) the primary is stopped with `pg_ctl stop -m immediate` and the
# standby promoted; datastored must serve writes again within 10 s, and every write it
# acknowledged, before and after, must be on the new primary. Needs DATASTORED_BIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${DATASTORED_BIN:?set DATASTORED_BIN to the datastored binary}
. scripts/lib/pg.sh
. scripts/lib/server.sh
tmp=$(mktemp -d /tmp/ds-failover.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp"
chmod 755 "$tmp"
. tests/durability/lib.sh
PG_BINDIR=$(pg_find_bindir)
pgctl() { pg_as_owner "$PG_BINDIR/pg_ctl" "$@"; }
cleanup() {
  load_stop 2>/dev/null || true
  ds_stop_all
  for d in primary standby; do pgctl -D "$tmp/$d" -m immediate -w stop >/dev/null 2>&1 || true; done
  [ -n "${KEEP_TMP:-}" ] && { echo "kept $tmp"; return; }
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== primary and synchronous standby"
pg_as_owner "$PG_BINDIR/initdb" -D "$tmp/primary" -U datastored -A trust -E UTF8 --locale=C \
  --no-sync >/dev/null
mkdir -p "$tmp/sock-primary" "$tmp/sock-standby"
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp/sock-primary" "$tmp/sock-standby"
pgctl -D "$tmp/primary" -l "$tmp/primary.log" -w start \
  -o "-k $tmp/sock-primary -c listen_addresses= -c wal_level=replica -c max_wal_senders=4 \
      -c synchronous_standby_names=* -c synchronous_commit=on" >/dev/null
pg_as_owner "$PG_BINDIR/pg_basebackup" -h "$tmp/sock-primary" -U datastored -D "$tmp/standby" \
  -R -X stream >/dev/null
pgctl -D "$tmp/standby" -l "$tmp/standby.log" -w start \
  -o "-k $tmp/sock-standby -c listen_addresses= -c hot_standby=on" >/dev/null
psql_p() { "$PG_BINDIR/psql" -h "$tmp/sock-primary" -U datastored -d postgres -Atqc "$1"; }
for _ in $(seq 100); do
  [ "$(psql_p "SELECT sync_state FROM pg_stat_replication" 2>/dev/null)" = sync ] && break
  sleep 0.1
done
echo "replication: $(psql_p "SELECT state || ', ' || sync_state FROM pg_stat_replication")"
psql_p "CREATE DATABASE ds"

# migrations/citus/setup.sql must refuse, clearly, a database without the citus extension.
if "$PG_BINDIR/psql" -h "$tmp/sock-primary" -U datastored -d ds -qf migrations/citus/setup.sql \
     >"$tmp/citus.out" 2>&1; then
  echo "FAIL: migrations/citus/setup.sql ran on a database without citus"; exit 1
fi
grep -q "the citus extension is not installed" "$tmp/citus.out" ||
  { echo "FAIL: setup.sql did not say why:"; cat "$tmp/citus.out"; exit 1; }
echo "migrations/citus/setup.sql refuses a database without citus: ok"

url_db="host=$tmp/sock-primary,$tmp/sock-standby port=5432 user=datastored dbname=ds"
url_db+=" target_session_attrs=read-write connect_timeout=2"
ds_start other --database-url "$url_db" --write-cooldown 0
other=$url
ds_start ds --database-url "$url_db" --write-cooldown 0
echo "$url" >"$tmp/url"
load_start 4
sleep 3

echo "== failover"
t0=$(date +%s.%N)
pgctl -D "$tmp/primary" -m immediate -w stop >/dev/null
pgctl -D "$tmp/standby" -w promote >/dev/null
promoted=$(echo "$(date +%s.%N) $t0" | awk '{printf "%.2f", $1 - $2}')
back=$(await_write "$url")
total=$(echo "$(date +%s.%N) $t0" | awk '{printf "%.2f", $1 - $2}')
echo "primary stopped and standby promoted in $promoted s; writes served again $back s later" \
     "($total s after the primary went down)"
awk -v t="$total" 'BEGIN { exit !(t <= 10) }' || { echo "FAIL: not served within 10 s"; exit 1; }
sleep 3
load_stop
load_verify "$url"

# The second instance's LISTEN connection found the new primary too: a fault rule made on
# the first one reaches it (announced by NOTIFY on the new primary).
curl -fsS -X POST "$url/admin/v1/faults" -o /dev/null \
  -d '{"match":{"datastore":"Faulty"},"effect":{"type":"error","status":503}}'
seen=no
for _ in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' \
    "$other/datastores/v1/universes/$LOAD_UNIVERSE/standard-datastores/datastore/entries/entry?datastoreName=Faulty&entryKey=k")
  [ "$code" = 503 ] && { seen=yes; break; }
  sleep 0.1
done
[ $seen = yes ] || { echo "FAIL: the other instance never heard of the new fault rule"; exit 1; }
echo "the other instance's listener follows the new primary: ok"
echo "new primary: $("$PG_BINDIR/psql" -h "$tmp/sock-standby" -U datastored -d ds -Atqc \
  "SELECT CASE WHEN pg_is_in_recovery() THEN 'still a standby' ELSE 'primary' END")"
