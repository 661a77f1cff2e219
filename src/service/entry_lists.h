/* service/entry_lists.h — listing the keys of a data store and the retained versions of a
 * key, as typed rows (see store/entries.h). */
#ifndef DS_SERVICE_ENTRY_LISTS_H
#define DS_SERVICE_ENTRY_LISTS_H

#include "store/entries.h"

/* Keys of one scope, or of every scope when scope is NULL (see store_entries_list). */
ds_status entries_list_keys(struct pg_conn *db, const struct entry_ref *ref, const char *prefix,
                            const char *after_scope, const char *after_key, bool include_deleted,
                            int limit, key_list_row_fn fn, void *arg,
                            struct ds_error *err) DS_MUSTCHECK;
/* Retained versions of ref's key in a time range (see store_versions_list). */
ds_status entries_list_versions(struct pg_conn *db, const struct entry_ref *ref, int64_t start_us,
                                int64_t end_us, bool descending, int64_t after, int limit,
                                version_list_row_fn fn, void *arg,
                                struct ds_error *err) DS_MUSTCHECK;

#endif
