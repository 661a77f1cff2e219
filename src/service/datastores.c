/* service/datastores.c — see datastores.h. One statement each: the rules are in the SQL. */
#include "service/datastores.h"

ds_status datastores_list(struct pg_conn *db, int64_t universe, const char *prefix,
                          const char *after_name, bool include_deleted, int limit,
                          datastore_row_fn fn, void *arg, struct ds_error *err)
{
    return store_datastores_list(db, universe, prefix, after_name, include_deleted, limit, fn, arg,
                                 err);
}

ds_status datastores_set_deleted(struct pg_conn *db, int64_t universe, const char *name,
                                 int64_t now_us, bool *found, struct datastore_row *out,
                                 struct ds_error *err)
{
    return store_datastore_set_deleted(db, universe, name, now_us, found, out, err);
}

ds_status datastores_state(struct pg_conn *db, int64_t universe, const char *name,
                           enum store_state *state, struct ds_error *err)
{
    return store_datastore_state(db, universe, name, state, err);
}
