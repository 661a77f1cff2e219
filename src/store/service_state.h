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

/* The virtual time shared by every instance (0 when none is stored yet). */
ds_status store_clock_get(struct pg_conn *db, int64_t *virtual_us,
                          struct ds_error *err) DS_MUSTCHECK;
/* The shared virtual time, storing candidate_us first when none is stored (so the first
 * instance to start decides it and later ones adopt it). */
ds_status store_clock_start(struct pg_conn *db, int64_t candidate_us, int64_t *virtual_us,
                            struct ds_error *err) DS_MUSTCHECK;
/* Moves the shared time forward by delta_us (advance; now_us stands in when none is stored)
 * or up to at least time_us (raise); never backwards. Announces the new time on channel
 * datastored_clock. */
ds_status store_clock_advance(struct pg_conn *db, int64_t delta_us, int64_t now_us,
                              int64_t *virtual_us, struct ds_error *err) DS_MUSTCHECK;
ds_status store_clock_raise(struct pg_conn *db, int64_t time_us, int64_t *virtual_us,
                            struct ds_error *err) DS_MUSTCHECK;
/* store_clock_get on a bare connection (the listener thread's). */
bool store_clock_get_conn(PGconn *conn, int64_t *virtual_us);

#endif
