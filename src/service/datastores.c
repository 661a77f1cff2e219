/* service/datastores.c — see datastores.h. One statement each: the rules are in the SQL. */
#include "service/datastores.h"

ds_status datastores_list(struct pg_conn *db, int64_t universe, const char *prefix,
                          const char *after_name, bool include_deleted, int limit,
                          datastore_row_fn fn, void *arg, struct ds_error *err)
{
    return store_datastores_list(db, universe, prefix, after_name, include_deleted, limit, fn, arg,
                                 err);
}

ds_status datastores_set_deleted(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                                 const char *name, int64_t now_us, bool *found,
                                 struct datastore_row *out, struct ds_error *err)
{
    ds_status st = store_datastore_set_deleted(db, universe, name, now_us, found, out, err);
    datastores_forget(ctx, universe, name);
    return st;
}

ds_status datastores_state(struct pg_conn *db, int64_t universe, const char *name,
                           enum store_state *state, struct ds_error *err)
{
    return store_datastore_state(db, universe, name, state, err);
}

ds_status datastores_meta(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                          const char *name, struct meta_cache_value *out, struct ds_error *err)
{
    uint64_t generation = 0;
    if (ctx->meta && meta_cache_get(ctx->meta, universe, name, out, &generation)) return DS_OK;
    if (store_datastore_meta(db, universe, name, &out->state, &out->schema_latest, &out->has_locks,
                             err) != DS_OK)
        return DS_ERR;
    if (ctx->meta) meta_cache_put(ctx->meta, universe, name, out, generation);
    return DS_OK;
}

void datastores_forget(struct ds_ctx *ctx, int64_t universe, const char *name)
{
    if (ctx->meta) meta_cache_forget(ctx->meta, universe, name);
}
