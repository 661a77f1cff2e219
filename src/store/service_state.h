/* store/service_state.h — SQL for service-wide values (signing secret, schema version). */
#ifndef DS_STORE_SERVICE_STATE_H
#define DS_STORE_SERVICE_STATE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement service_state_statements[];

/* Highest applied schema migration. */
ds_status store_schema_version(struct pg_conn *db, int *version, struct ds_error *err) DS_MUSTCHECK;
/* Returns the shared secret called name, creating it from candidate (hex) if absent, so
 * every instance over one database ends up with the same value. */
ds_status store_shared_secret(struct pg_conn *db, const char *name, const char *candidate,
                              char *out, size_t cap, struct ds_error *err) DS_MUSTCHECK;

/* The virtual clock offset shared by every instance (0 when never set). */
ds_status store_clock_offset(struct pg_conn *db, int64_t *offset_us,
                             struct ds_error *err) DS_MUSTCHECK;
/* Moves the offset forward by delta_us (advance) or up to at least offset_us (set); never
 * backwards. Announces the new offset on channel datastored_clock. */
ds_status store_clock_advance(struct pg_conn *db, int64_t delta_us, int64_t *new_offset_us,
                              struct ds_error *err) DS_MUSTCHECK;
ds_status store_clock_raise(struct pg_conn *db, int64_t offset_us, int64_t *new_offset_us,
                            struct ds_error *err) DS_MUSTCHECK;
/* Same read on a bare connection (the listener thread's). */
bool store_clock_offset_conn(PGconn *conn, int64_t *offset_us);

#endif
