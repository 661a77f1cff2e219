/* store/purge.c — batched deletes of expired rows under a session advisory lock. */
#include "store/purge.h"

#include <stdlib.h>
#include <string.h>

#include "pg/query.h"

#define PURGE_BATCH "1000"

const struct pg_statement purge_statements[] = {
    {"purge_try_lock", "SELECT pg_try_advisory_lock(7238906237383269)"},
    {"purge_unlock", "SELECT pg_advisory_unlock(7238906237383269)"},
    {"purge_versions",
     "DELETE FROM entry_versions v USING ("
     "  SELECT universe_id, datastore, scope, key, version_seq FROM entry_versions"
     "  WHERE superseded_us < $1 LIMIT " PURGE_BATCH ") x"
     " WHERE v.universe_id = x.universe_id AND v.datastore = x.datastore AND v.scope = x.scope"
     "   AND v.key = x.key AND v.version_seq = x.version_seq"},
    {"purge_tombstones",
     "DELETE FROM entries e USING ("
     "  SELECT universe_id, datastore, scope, key FROM entries"
     "  WHERE tombstone_us < $1 LIMIT " PURGE_BATCH ") x"
     " WHERE e.universe_id = x.universe_id AND e.datastore = x.datastore AND e.scope = x.scope"
     "   AND e.key = x.key"},
    {"purge_store_entries",
     "DELETE FROM entries e USING ("
     "  SELECT en.universe_id, en.datastore, en.scope, en.key FROM datastores d"
     "  JOIN entries en ON en.universe_id = d.universe_id AND en.datastore = d.name"
     "  WHERE d.deleted_us < $1 LIMIT " PURGE_BATCH ") x"
     " WHERE e.universe_id = x.universe_id AND e.datastore = x.datastore AND e.scope = x.scope"
     "   AND e.key = x.key"},
    {"purge_stores",
     "DELETE FROM datastores d WHERE d.deleted_us < $1 AND NOT EXISTS ("
     "  SELECT 1 FROM entries e WHERE e.universe_id = d.universe_id AND e.datastore = d.name)"},
    {NULL, NULL},
};

/* Runs statement with cutoff until a batch deletes fewer rows than the batch size. */
static ds_status drain_batches(struct pg_conn *db, const char *statement, int64_t cutoff,
                               long *total, struct ds_error *err)
{
    long batch = strtol(PURGE_BATCH, NULL, 10);
    for (;;) {
        struct pg_params p;
        pgp_init(&p);
        pgp_i64(&p, cutoff);
        PGresult *r = pg_run(db, statement, &p, err);
        if (!r) return DS_ERR;
        long n = strtol(PQcmdTuples(r), NULL, 10);
        PQclear(r);
        *total += n;
        if (n < batch) return DS_OK;
    }
}

ds_status store_purge_expired(struct pg_conn *db, int64_t now_us, struct purge_counts *out,
                              struct ds_error *err)
{
    memset(out, 0, sizeof *out);
    PGresult *r = pg_run(db, "purge_try_lock", NULL, err);
    if (!r) return DS_ERR;
    bool locked = pg_bool(r, 0, 0);
    PQclear(r);
    if (!locked) return DS_OK;
    int64_t cutoff = now_us - RETENTION_US;
    long store_entries = 0;
    ds_status st = drain_batches(db, "purge_versions", cutoff, &out->versions, err);
    if (st == DS_OK) st = drain_batches(db, "purge_tombstones", cutoff, &out->tombstones, err);
    if (st == DS_OK) st = drain_batches(db, "purge_store_entries", cutoff, &store_entries, err);
    if (st == DS_OK) st = drain_batches(db, "purge_stores", cutoff, &out->datastores, err);
    struct ds_error ignored;
    r = pg_run(db, "purge_unlock", NULL, &ignored);
    PQclear(r);
    return st;
}
