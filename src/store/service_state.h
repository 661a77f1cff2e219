/* store/service_state.h — SQL for service-wide values (signing secret, schema version). */
#ifndef DS_STORE_SERVICE_STATE_H
#define DS_STORE_SERVICE_STATE_H

#include <stddef.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement service_state_statements[];

/* Highest applied schema migration. */
ds_status store_schema_version(struct pg_conn *db, int *version, struct ds_error *err) DS_MUSTCHECK;
/* Returns the shared secret called name, creating it from candidate (hex) if absent, so
 * every instance over one database ends up with the same value. */
ds_status store_shared_secret(struct pg_conn *db, const char *name, const char *candidate,
                              char *out, size_t cap, struct ds_error *err) DS_MUSTCHECK;

#endif
