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

/* Lists data stores whose name starts with prefix, after after_name, ordered by name.
 * Result columns: 0 name, 1 created_us, 2 deleted_us (NULL while active). */
ds_status store_datastores_list(struct pg_conn *db, int64_t universe, const char *prefix,
                                const char *after_name, bool include_deleted, int limit,
                                PGresult **out, struct ds_error *err) DS_MUSTCHECK;
/* Marks a data store deleted at now_us (kept if already deleted) or, with now_us < 0,
 * active again. *out has one row (same columns as the list) or none if it does not exist. */
ds_status store_datastore_set_deleted(struct pg_conn *db, int64_t universe, const char *name,
                                      int64_t now_us, PGresult **out,
                                      struct ds_error *err) DS_MUSTCHECK;

/* Existence and state of one data store. */
ds_status store_datastore_state(struct pg_conn *db, int64_t universe, const char *name,
                                enum store_state *state, struct ds_error *err) DS_MUSTCHECK;

#endif
