/* service/datastores.h — listing standard data stores, and their soft delete and undelete. */
#ifndef DS_SERVICE_DATASTORES_H
#define DS_SERVICE_DATASTORES_H

#include "store/datastores.h"

/* Whether a data store exists and is active. */
ds_status datastores_state(struct pg_conn *db, int64_t universe, const char *name,
                           enum store_state *state, struct ds_error *err) DS_MUSTCHECK;
/* A page of data stores (see store_datastores_list). */
ds_status datastores_list(struct pg_conn *db, int64_t universe, const char *prefix,
                          const char *after_name, bool include_deleted, int limit,
                          datastore_row_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
/* Soft-deletes a data store at now_us (entry operations answer 404 until undeleted; the
 * purge removes it 30 days later), or with now_us < 0 undeletes it. *found false: none. */
ds_status datastores_set_deleted(struct pg_conn *db, int64_t universe, const char *name,
                                 int64_t now_us, bool *found, struct datastore_row *out,
                                 struct ds_error *err) DS_MUSTCHECK;

#endif
