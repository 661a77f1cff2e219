/* service/transfer.c — see transfer.h. */
#include "service/transfer.h"

#include "pg/query.h"
#include "service/datastores.h"

ds_status export_snapshot_begin(struct ds_ctx *ctx, struct export_snapshot *s, struct ds_error *err)
{
    s->ctx = ctx;
    s->db = pg_pool_acquire(&ctx->pool, 5000, err);
    if (!s->db) return DS_ERR;
    if (pg_command(s->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err) == DS_OK)
        return DS_OK;
    export_snapshot_end(s);
    return DS_ERR;
}

ds_status export_snapshot_commit(struct export_snapshot *s, struct ds_error *err)
{
    return pg_command(s->db, "COMMIT", err);
}

void export_snapshot_end(struct export_snapshot *s)
{
    if (s->db) pg_pool_release(&s->ctx->pool, s->db); /* rolls back an unfinished read */
    s->db = NULL;
}

ds_status export_stores(struct export_snapshot *s, int64_t universe, const char *only, bool ordered,
                        export_store_fn fn, void *arg, struct ds_error *err)
{
    return ordered ? store_export_ordered_stores(s->db, universe, only, fn, arg, err)
                   : store_export_stores(s->db, universe, only, fn, arg, err);
}

ds_status export_entries(struct export_snapshot *s, int64_t universe, const char *datastore,
                         const char *after_scope, const char *after_key, int limit,
                         export_entry_fn fn, void *arg, struct ds_error *err)
{
    return store_export_entries(s->db, universe, datastore, after_scope, after_key, limit, fn, arg,
                                err);
}

ds_status export_versions(struct export_snapshot *s, int64_t universe, const char *datastore,
                          const char *scope, const char *key, export_version_fn fn, void *arg,
                          struct ds_error *err)
{
    return store_export_versions(s->db, universe, datastore, scope, key, fn, arg, err);
}

ds_status export_ordered(struct export_snapshot *s, int64_t universe, const char *datastore,
                         const char *after_scope, const char *after_key, int limit,
                         export_ordered_fn fn, void *arg, struct ds_error *err)
{
    return store_export_ordered(s->db, universe, datastore, after_scope, after_key, limit, fn, arg,
                                err);
}

ds_status import_begin(struct import_batch *b, struct ds_ctx *ctx, struct pg_conn *db,
                       struct ds_error *err)
{
    b->ctx = ctx;
    b->db = db;
    b->in_batch = 0;
    /* Rows are queued, not waited for: a batch (BEGIN, its rows, COMMIT) is one round trip. */
    if (pg_queue_begin(db, err) != DS_OK) return DS_ERR;
    return pg_command(db, "BEGIN", err);
}

/* After a row was queued (st): every IMPORT_BATCH rows, commit and begin the next batch; a
 * failure of any row of the batch shows here. */
static ds_status row_written(struct import_batch *b, ds_status st, struct ds_error *err)
{
    if (st != DS_OK || ++b->in_batch < IMPORT_BATCH) return st;
    b->in_batch = 0;
    if (pg_command(b->db, "COMMIT", err) != DS_OK || pg_queue_flush(b->db, err) != DS_OK)
        return DS_ERR;
    return pg_command(b->db, "BEGIN", err);
}

ds_status import_put_store(struct import_batch *b, int64_t universe, const char *name,
                           int64_t created_us, struct ds_error *err)
{
    ds_status st = row_written(b, store_import_store(b->db, universe, name, created_us, err), err);
    datastores_forget(b->ctx, universe, name); /* it may have been deleted */
    return st;
}

ds_status import_put_entry(struct import_batch *b, const struct import_row *r, struct ds_error *err)
{
    return row_written(b, store_import_entry(b->db, r, err), err);
}

ds_status import_put_version(struct import_batch *b, const struct import_row *r,
                             int64_t superseded_us, struct ds_error *err)
{
    return row_written(b, store_import_version(b->db, r, superseded_us, err), err);
}

ds_status import_put_ordered(struct import_batch *b, int64_t universe, const char *datastore,
                             const char *scope, const char *key, int64_t value, int64_t updated_us,
                             struct ds_error *err)
{
    return row_written(
        b, store_import_ordered(b->db, universe, datastore, scope, key, value, updated_us, err),
        err);
}

ds_status import_finish(struct import_batch *b, bool failed, struct ds_error *err)
{
    bool ok =
        !failed && pg_command(b->db, "COMMIT", err) == DS_OK && pg_queue_flush(b->db, err) == DS_OK;
    pg_queue_end(b->db);
    if (ok) return DS_OK;
    pg_rollback(b->db);
    return DS_ERR;
}
