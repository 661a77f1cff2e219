/* store/migrations.c — SQL for datastore_migrations. Changes to one chain serialize on a
 * transaction-scoped advisory lock keyed by the data store. */
#include "store/migrations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/query.h"
#include "store/datastores.h" /* store_meta_announce */

#define CHAIN "universe_id = $1 AND datastore = $2"
#define IN_FORCE                                                                                   \
    "(CASE WHEN EXISTS (SELECT 1 FROM datastore_migrations WHERE universe_id = $1"                 \
    " AND datastore = $2) THEN $1 ELSE 0 END)"

const struct pg_statement migrations_statements[] = {
    {"migrations_list", /* the chain in force: the universe's own, else the default (0) */
     "SELECT step, patch, backwards_compatible, applied FROM datastore_migrations"
     " WHERE universe_id = " IN_FORCE " AND datastore = $2 ORDER BY step"},
    {"migrations_lock",
     "SELECT pg_advisory_xact_lock(hashtextextended($1::text || '/' || $2, 7238906237383270))"},
    /* The universe's own chain: latest step, is step $3 applied, is it already ($4, $5)? */
    {"migrations_state",
     "SELECT coalesce(max(step), 0), coalesce(bool_or(applied) FILTER (WHERE step = $3), false),"
     " coalesce(bool_or(patch = $4 AND backwards_compatible = $5) FILTER (WHERE step = $3),"
     " false) FROM datastore_migrations WHERE " CHAIN},
    {"migration_upsert",
     "INSERT INTO datastore_migrations (universe_id, datastore, step, patch,"
     " backwards_compatible, created_us) VALUES ($1, $2, $3, $4, $5, $6)"
     " ON CONFLICT (universe_id, datastore, step) DO UPDATE SET patch = EXCLUDED.patch,"
     " backwards_compatible = EXCLUDED.backwards_compatible, created_us = EXCLUDED.created_us"},
    {"migration_delete", "DELETE FROM datastore_migrations WHERE " CHAIN " AND step = $3"},
    {"migrations_mark_applied",
     "UPDATE datastore_migrations SET applied = true WHERE universe_id = " IN_FORCE
     " AND datastore = $2 AND step > $3 AND step <= $4 AND NOT applied"},
    {NULL, NULL},
};

ds_status store_migration_steps(struct pg_conn *db, int64_t universe, const char *datastore,
                                migration_step_fn fn, void *arg, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    PGresult *r = pg_run(db, "migrations_list", &p, err);
    if (!r) return DS_ERR;
    bool more = true;
    for (int i = 0; more && i < PQntuples(r); i++) {
        struct migration_step_row row = {(int)pg_i64(r, i, 0), PQgetvalue(r, i, 1), pg_len(r, i, 1),
                                         pg_bool(r, i, 2), pg_bool(r, i, 3)};
        more = fn(&row, arg);
    }
    return pg_rows_done(r, more, err);
}

/* BEGIN; lock the chain; read the latest step, whether step is applied and whether it
 * already holds (patch, compatible) (patch NULL: never). */
static ds_status begin_chain(struct pg_conn *db, int64_t universe, const char *datastore, int step,
                             const char *patch, bool compatible, int *latest, bool *applied,
                             bool *same, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    if (pg_command(db, "BEGIN", err) != DS_OK) return DS_ERR;
    PGresult *r = pg_run(db, "migrations_lock", &p, err);
    if (r) {
        PQclear(r);
        pgp_i64(&p, step);
        pgp_text(&p, patch);
        pgp_bool(&p, compatible);
        r = pg_run(db, "migrations_state", &p, err);
    }
    if (!r) {
        pg_rollback(db);
        return DS_ERR;
    }
    *latest = (int)pg_i64(r, 0, 0);
    *applied = pg_bool(r, 0, 1);
    *same = pg_bool(r, 0, 2);
    PQclear(r);
    return DS_OK;
}

static ds_status end_chain(struct pg_conn *db, ds_status st, struct ds_error *err)
{
    if (st == DS_OK) return pg_command(db, "COMMIT", err);
    pg_rollback(db);
    return st;
}

ds_status store_migration_put(struct pg_conn *db, int64_t universe, const char *datastore, int step,
                              const char *patch, bool backwards_compatible, int64_t now_us,
                              struct ds_error *err)
{
    int latest;
    bool applied;
    bool same;
    if (begin_chain(db, universe, datastore, step, patch, backwards_compatible, &latest, &applied,
                    &same, err) != DS_OK)
        return DS_ERR;
    ds_status st = DS_OK;
    if (same) return end_chain(db, DS_OK, err); /* unchanged: a no-op, even when applied */
    if (step > latest + 1)
        st = ds_fail(err, 400, NULL,
                     "Steps must be contiguous from 1: the chain ends at %d, so the next step is "
                     "%d, not %d.",
                     latest, latest + 1, step);
    else if (applied)
        st = ds_fail(err, 409, NULL,
                     "Step %d has already migrated stored data and cannot be replaced; add step "
                     "%d instead.",
                     step, latest + 1);
    if (st == DS_OK) {
        struct pg_params p;
        pgp_init(&p);
        pgp_i64(&p, universe);
        pgp_text(&p, datastore);
        pgp_i64(&p, step);
        pgp_text(&p, patch);
        pgp_bool(&p, backwards_compatible);
        pgp_i64(&p, now_us);
        st = pg_exec(db, "migration_upsert", &p, err);
    }
    if (st == DS_OK) st = store_meta_announce(db, universe ? universe : -1, datastore, err);
    return end_chain(db, st, err);
}

ds_status store_migration_delete(struct pg_conn *db, int64_t universe, const char *datastore,
                                 int step, struct ds_error *err)
{
    int latest;
    bool applied;
    bool same;
    if (begin_chain(db, universe, datastore, step, NULL, false, &latest, &applied, &same, err) !=
        DS_OK)
        return DS_ERR;
    ds_status st = DS_OK;
    if (step < 1 || step > latest)
        st = ds_fail(err, 404, NULL, "There is no step %d (the chain ends at %d).", step, latest);
    else if (step != latest)
        st = ds_fail(err, 409, NULL, "Only the last step (%d) can be deleted.", latest);
    else if (applied)
        st = ds_fail(err, 409, NULL, "Step %d has already migrated stored data.", step);
    if (st == DS_OK) {
        struct pg_params p;
        pgp_init(&p);
        pgp_i64(&p, universe);
        pgp_text(&p, datastore);
        pgp_i64(&p, step);
        st = pg_exec(db, "migration_delete", &p, err);
    }
    if (st == DS_OK) st = store_meta_announce(db, universe ? universe : -1, datastore, err);
    return end_chain(db, st, err);
}

ds_status store_migrations_mark_applied(struct pg_conn *db, int64_t universe, const char *datastore,
                                        int from, int to, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    pgp_i64(&p, from);
    pgp_i64(&p, to);
    return pg_exec(db, "migrations_mark_applied", &p, err);
}
