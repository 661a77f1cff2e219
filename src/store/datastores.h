/* store/datastores.h — SQL for standard data stores: listing and soft delete/undelete. */
#ifndef DS_STORE_DATASTORES_H
#define DS_STORE_DATASTORES_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"
#include "store/entries.h"

extern const struct pg_statement datastores_statements[];

/* The channel on which changes to what an instance caches about data stores (state, the
 * _version chain head) are announced; payload "universe/name", "universe/" (all of the
 * universe's) or "*" (everything). */
#define META_CHANNEL "datastored_meta"

/* One data store; name is valid during the callback only. */
struct datastore_row {
    const char *name;
    int64_t created_us;
    bool deleted;
    int64_t deleted_us; /* when deleted */
};
typedef bool (*datastore_row_fn)(const struct datastore_row *row, void *arg); /* false: stop */

/* Data stores whose name starts with prefix, after after_name, by name, at most limit, each
 * passed to fn (stopping when it returns false: 500). */
ds_status store_datastores_list(struct pg_conn *db, int64_t universe, const char *prefix,
                                const char *after_name, bool include_deleted, int limit,
                                datastore_row_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
/* Marks a data store deleted at now_us (kept if already deleted) or, with now_us < 0,
 * active again; *found false when it does not exist, else *out is the store afterwards
 * (out->name is the caller's name). */
ds_status store_datastore_set_deleted(struct pg_conn *db, int64_t universe, const char *name,
                                      int64_t now_us, bool *found, struct datastore_row *out,
                                      struct ds_error *err) DS_MUSTCHECK;

/* Existence and state of one data store. */
ds_status store_datastore_state(struct pg_conn *db, int64_t universe, const char *name,
                                enum store_state *state, struct ds_error *err) DS_MUSTCHECK;

/* What an instance caches about a data store: its state, the head of the _version chain in
 * force (its universe's own chain, else the default chain) and whether any of its keys has a
 * lock row. */
ds_status store_datastore_meta(struct pg_conn *db, int64_t universe, const char *name,
                               enum store_state *state, int *schema_latest, bool *has_locks,
                               struct ds_error *err) DS_MUSTCHECK;
/* Announces on META_CHANNEL that a data store's state or chain changed (datastore NULL: every
 * data store of the universe; universe < 0: everything), delivered when the caller's
 * transaction commits (at once outside one). */
ds_status store_meta_announce(struct pg_conn *db, int64_t universe, const char *datastore,
                              struct ds_error *err) DS_MUSTCHECK;
/* NOTIFY channel with payload, in the caller's transaction, from a statement of its own. */
ds_status store_announce(struct pg_conn *db, const char *channel, const char *payload,
                         struct ds_error *err) DS_MUSTCHECK;

#endif
