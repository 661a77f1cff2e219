# scripts/lib/server.sh — start datastored processes for script-driven tests. Source it after
# setting bin (the binary) and tmp (a scratch directory); ds_start NAME FLAGS... starts one on
# a free loopback port, sets url to its base URL, and records its pid in pids for ds_stop_all
# (which also stops a PostgreSQL that ds_fresh_database started).
pids=()

ds_start() {
  local name=$1 port; shift
  : >"$tmp/$name.log" # now, not in the background shell: never read an earlier server's port
  "$bin" --listen 127.0.0.1:0 "$@" >>"$tmp/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do
    # (the log may not exist yet: the background shell opens it)
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/$name.log" 2>/dev/null || true)
    if [ -n "$port" ]; then url="http://127.0.0.1:$port"; return; fi
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.05
  done
  echo "datastored ($name) did not start:" >&2; cat "$tmp/$name.log" >&2; exit 1
}

ds_stop_all() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "${ds_own_pg:-}" ]; then pg_throwaway_stop; fi
}

# A fresh database NAME on DATABASE_URL (a throwaway cluster is started when it is unset);
# sets db to the flags that point datastored at it.
ds_fresh_database() {
  if [ -z "${DATABASE_URL:-}" ]; then
    . scripts/lib/pg.sh
    pg_throwaway_start
    ds_own_pg=1 # ds_stop_all stops it
  fi
  psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null >/dev/null
  db=(--database-url "$DATABASE_URL dbname=$1")
}
