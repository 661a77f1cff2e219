/* service/datastores.h — listing standard data stores, and their soft delete and undelete. */
#ifndef DS_SERVICE_DATASTORES_H
#define DS_SERVICE_DATASTORES_H

#include "context.h"
#include "service/meta_cache.h"
#include "store/datastores.h"

/* A data store's state and the head of its _version chain in force, from the instance's
 * metadata cache when it holds them (see service/meta_cache.h for how stale that can be). */
ds_status datastores_meta(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                          const char *name, struct meta_cache_value *out,
                          struct ds_error *err) DS_MUSTCHECK;
/* Forgets what this instance remembers of a data store (name NULL: of the universe; universe
 * < 0: of all) after this instance changed it: its own next Get reads it afresh, without
 * waiting for the announcement. */
void datastores_forget(struct ds_ctx *ctx, int64_t universe, const char *name);
/* Whether a data store exists and is active. */
ds_status datastores_state(struct pg_conn *db, int64_t universe, const char *name,
                           enum store_state *state, struct ds_error *err) DS_MUSTCHECK;
/* A page of data stores (see store_datastores_list). */
ds_status datastores_list(struct pg_conn *db, int64_t universe, const char *prefix,
                          const char *after_name, bool include_deleted, int limit,
                          datastore_row_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
/* Soft-deletes a data store at now_us (entry operations answer 404 until undeleted; the
 * purge removes it 30 days later), or with now_us < 0 undeletes it. *found false: none. */
ds_status datastores_set_deleted(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                                 const char *name, int64_t now_us, bool *found,
                                 struct datastore_row *out, struct ds_error *err) DS_MUSTCHECK;

#endif
