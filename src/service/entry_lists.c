/* service/entry_lists.c — key and version listings: the store's typed rows, unchanged. */
#include "service/entry_lists.h"

ds_status entries_list_keys(struct pg_conn *db, const struct entry_ref *ref, const char *prefix,
                            const char *after_scope, const char *after_key, bool include_deleted,
                            int limit, key_list_row_fn fn, void *arg, struct ds_error *err)
{
    return store_entries_list(db, ref->universe, ref->datastore, ref->scope, prefix, after_scope,
                              after_key, include_deleted, limit, fn, arg, err);
}

ds_status entries_list_versions(struct pg_conn *db, const struct entry_ref *ref, int64_t start_us,
                                int64_t end_us, bool descending, int64_t after, int limit,
                                version_list_row_fn fn, void *arg, struct ds_error *err)
{
    return store_versions_list(db, ref, start_us, end_us, descending, after, limit, fn, arg, err);
}
