/* store/migration_runs.c — SQL for migration_runs. */
#include "store/migration_runs.h"

#include <string.h>

#include "pg/query.h"
#include "store/datastores.h" /* store_announce */

#define RUN "universe_id = $1 AND datastore = $2"
#define BEHIND "NOT deleted AND schema_version >= 0 AND schema_version < $3"

const struct pg_statement migration_runs_statements[] = {
    {"run_start",
     "INSERT INTO migration_runs (universe_id, datastore, target_version,"
     " state, total, started_us, updated_us)"
     " SELECT $1, $2, $3, 'running', count(*), $4, $4 FROM entries WHERE " RUN " AND " BEHIND
     " ON CONFLICT (universe_id, datastore) DO UPDATE SET"
     " target_version = EXCLUDED.target_version, state = 'running', total = EXCLUDED.total,"
     " done = 0, failed = 0, skipped_locked = 0, cursor_scope = '', cursor_key = '',"
     " errors = '[]', started_us = EXCLUDED.started_us, updated_us = EXCLUDED.updated_us"
     " WHERE migration_runs.state = 'finished' RETURNING 1"},
    {"run_get",
     "SELECT target_version, state, total, done, failed, skipped_locked, errors, started_us,"
     " updated_us, cursor_scope, cursor_key FROM migration_runs WHERE " RUN},
    {"runs_running", "SELECT universe_id, datastore FROM migration_runs WHERE state = 'running'"},
    {"run_batch", "SELECT scope, key FROM entries WHERE " RUN " AND " BEHIND
                  " AND (scope, key) > ($4, $5) ORDER BY scope, key LIMIT $6"},
    {"run_progress",
     "UPDATE migration_runs SET done = done + $3, failed = failed + $4,"
     " skipped_locked = skipped_locked + $5, cursor_scope = $6, cursor_key = $7,"
     " errors = (SELECT coalesce(jsonb_agg(e), '[]'::jsonb)::text FROM (SELECT e FROM"
     "  jsonb_array_elements(errors::jsonb || $8::jsonb) e LIMIT 100) x),"
     " state = CASE WHEN $9 THEN 'finished' ELSE state END, updated_us = $10 WHERE " RUN},
    {"migration_runner_try_lock", "SELECT pg_try_advisory_lock(7238906237383271)"},
    {"migration_runner_unlock", "SELECT pg_advisory_unlock(7238906237383271)"},
    {NULL, NULL},
};

ds_status store_run_start(struct pg_conn *db, int64_t universe, const char *datastore, int target,
                          int64_t now_us, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    pgp_i64(&p, target);
    pgp_i64(&p, now_us);
    /* The start and its announcement to every instance's runner, in one transaction. */
    if (pg_command(db, "BEGIN", err) != DS_OK) return DS_ERR;
    PGresult *r = pg_run(db, "run_start", &p, err);
    ds_status st = r ? DS_OK : DS_ERR;
    if (r && PQntuples(r) == 1) st = store_announce(db, RUNS_CHANNEL, "", err);
    PQclear(r);
    if (st == DS_OK) return pg_command(db, "COMMIT", err);
    pg_rollback(db);
    return DS_ERR;
}

ds_status store_run_get(struct pg_conn *db, int64_t universe, const char *datastore,
                        struct migration_run *out, struct ds_error *err)
{
    memset(out, 0, sizeof *out);
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    PGresult *r = pg_run(db, "run_get", &p, err);
    if (!r) return DS_ERR;
    out->res = r;
    out->found = PQntuples(r) == 1;
    if (!out->found) return DS_OK;
    out->target_version = (int)pg_i64(r, 0, 0);
    out->state = PQgetvalue(r, 0, 1);
    out->total = pg_i64(r, 0, 2);
    out->done = pg_i64(r, 0, 3);
    out->failed = pg_i64(r, 0, 4);
    out->skipped_locked = pg_i64(r, 0, 5);
    out->errors = PQgetvalue(r, 0, 6);
    out->started_us = pg_i64(r, 0, 7);
    out->updated_us = pg_i64(r, 0, 8);
    out->cursor_scope = PQgetvalue(r, 0, 9);
    out->cursor_key = PQgetvalue(r, 0, 10);
    return DS_OK;
}

void migration_run_clear(struct migration_run *run)
{
    PQclear(run->res);
    memset(run, 0, sizeof *run);
}

ds_status store_runs_running(struct pg_conn *db, running_run_fn fn, void *arg, struct ds_error *err)
{
    PGresult *r = pg_run(db, "runs_running", NULL, err);
    if (!r) return DS_ERR;
    bool more = true;
    for (int i = 0; more && i < PQntuples(r); i++) {
        struct running_run_row row = {pg_i64(r, i, 0), pg_str(r, i, 1)};
        more = fn(&row, arg);
    }
    return pg_rows_done(r, more, err);
}

ds_status store_run_batch(struct pg_conn *db, int64_t universe, const char *datastore, int target,
                          const char *after_scope, const char *after_key, int limit,
                          key_list_row_fn fn, void *arg, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    pgp_i64(&p, target);
    pgp_text(&p, after_scope);
    pgp_text(&p, after_key);
    pgp_i64(&p, limit);
    PGresult *r = pg_run(db, "run_batch", &p, err);
    if (!r) return DS_ERR;
    bool more = true;
    for (int i = 0; more && i < PQntuples(r); i++) {
        struct key_list_row row = {pg_str(r, i, 0), pg_str(r, i, 1), false};
        more = fn(&row, arg);
    }
    return pg_rows_done(r, more, err);
}

ds_status store_runner_try_lock(struct pg_conn *db, bool *mine, struct ds_error *err)
{
    PGresult *r = pg_run(db, "migration_runner_try_lock", NULL, err);
    *mine = r && pg_bool(r, 0, 0);
    PQclear(r);
    return r ? DS_OK : DS_ERR;
}

void store_runner_unlock(struct pg_conn *db)
{
    struct ds_error err;
    PQclear(pg_run(db, "migration_runner_unlock", NULL, &err));
}

ds_status store_run_progress(struct pg_conn *db, int64_t universe, const char *datastore,
                             int64_t done, int64_t failed, int64_t skipped, const char *scope,
                             const char *key, const char *new_errors, bool finished, int64_t now_us,
                             struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    pgp_i64(&p, done);
    pgp_i64(&p, failed);
    pgp_i64(&p, skipped);
    pgp_text(&p, scope);
    pgp_text(&p, key);
    pgp_text(&p, new_errors);
    pgp_bool(&p, finished);
    pgp_i64(&p, now_us);
    return pg_exec(db, "run_progress", &p, err);
}
