# scripts/lib/pg.sh — start/stop a throwaway PostgreSQL (unix socket in a temp dir, as user
# postgres when run as root). Source it, then: pg_throwaway_start [extra -c options];
# it exports DATABASE_URL, PG_BINDIR and PG_TMP and registers cleanup with pg_throwaway_stop.

pg_find_bindir() {
  local d
  d=$(pg_config --bindir 2>/dev/null || true)
  if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_throwaway_start() {
  PG_BINDIR=$(pg_find_bindir)
  PG_TMP=$(mktemp -d /tmp/datastored-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_TMP"
  pg_as_owner "$PG_BINDIR/initdb" -D "$PG_TMP/data" -U datastored -A trust -E UTF8 \
    --locale=C --no-sync >/dev/null
  pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" -w \
    -o "-k $PG_TMP -c listen_addresses= -c max_connections=400 $*" start >/dev/null
  export DATABASE_URL="host=$PG_TMP port=5432 user=datastored dbname=postgres"
  export PG_BINDIR PG_TMP
}

pg_throwaway_stop() {
  [ -n "${PG_TMP:-}" ] || return 0
  pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
  PG_TMP=
}
