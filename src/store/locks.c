/* store/locks.c — SQL for entry_locks. */
#include "store/locks.h"

#include <string.h>

#include "pg/query.h"
#include "store/datastores.h" /* store_meta_announce */

#define KEY_MATCH "universe_id = $1 AND datastore = $2 AND scope = $3 AND key = $4"

const struct pg_statement locks_statements[] = {
    {"lock_ensure",
     "INSERT INTO entry_locks (universe_id, datastore, scope, key, owner, token, expires_us,"
     " released) VALUES ($1, $2, $3, $4, '', 0, 0, true) ON CONFLICT DO NOTHING RETURNING 1"},
    /* Lock order, the same as every write: entry_locks first, then entries. */
    {"lock_read_for_update",
     "SELECT l.owner, l.token, l.expires_us, l.released,"
     " (SELECT value::bigint FROM service_state WHERE name = 'clock_virtual_us')"
     " FROM entry_locks l WHERE " KEY_MATCH " FOR UPDATE"},
    {"lock_entry_row", "SELECT 1 FROM entries WHERE " KEY_MATCH " FOR UPDATE"},
    {"lock_write", "UPDATE entry_locks SET owner = $5, token = $6, expires_us = $7, released = $8"
                   " WHERE " KEY_MATCH},
    /* Its own statement, not a function call in RETURNING: Citus refuses volatile functions
     * there (docs/scaling.md). Delivered at commit, like the write. */
    {"lock_notify_released", "SELECT pg_notify('datastored_locks', $1)"},
    {NULL, NULL},
};

void lock_row_clear(struct lock_row *row)
{
    PQclear(row->res);
    memset(row, 0, sizeof *row);
}

ds_status store_lock_read_for_update(struct pg_conn *db, const struct entry_ref *ref,
                                     struct lock_row *out, struct ds_error *err)
{
    struct pg_params p;
    memset(out, 0, sizeof *out);
    store_key_params(&p, ref);
    PGresult *r = pg_run(db, "lock_ensure", &p, err);
    if (!r) return DS_ERR;
    bool created = PQntuples(r) == 1;
    PQclear(r);
    /* The data store's first lock row changes what every instance's metadata cache says of
     * it (whether a Get must look for locks): announced at commit. */
    if (created && store_meta_announce(db, ref->universe, ref->datastore, err) != DS_OK)
        return DS_ERR;
    r = pg_run(db, "lock_read_for_update", &p, err);
    if (!r) return DS_ERR;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return ds_fail(err, 500, NULL, "lock row vanished");
    }
    out->res = r;
    out->created = created;
    out->state.exists = true;
    out->state.owner = pg_str(r, 0, 0);
    out->state.token = pg_i64(r, 0, 1);
    out->state.expires_us = pg_i64(r, 0, 2);
    out->state.released = pg_bool(r, 0, 3);
    out->clock_virtual_us = pg_i64(r, 0, 4);
    /* Then wait for writes of the entry in flight (they hold its row), so a grant never
     * overtakes a write that read the lock as free. */
    PGresult *e = pg_run(db, "lock_entry_row", &p, err);
    if (!e) {
        lock_row_clear(out);
        return DS_ERR;
    }
    PQclear(e);
    return DS_OK;
}

ds_status store_lock_write(struct pg_conn *db, const struct entry_ref *ref, const char *owner,
                           int64_t token, int64_t expires_us, bool released, const char *notify_key,
                           struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    pgp_text(&p, owner);
    pgp_i64(&p, token);
    pgp_i64(&p, expires_us);
    pgp_bool(&p, released);
    if (pg_exec(db, "lock_write", &p, err) != DS_OK) return DS_ERR;
    if (!released) return DS_OK;
    struct pg_params n;
    pgp_init(&n);
    pgp_text(&n, notify_key);
    return pg_exec(db, "lock_notify_released", &n, err);
}
