/* service/shared_clock.h — moving the virtual clock every instance shares. */
#ifndef DS_SERVICE_SHARED_CLOCK_H
#define DS_SERVICE_SHARED_CLOCK_H

#include <stdint.h>

#include "context.h"
#include "core/error.h"

/* Moves the shared virtual clock forward by delta_us, or up to time_us (never back), in
 * PostgreSQL (announced to every instance with NOTIFY), then adopts it here and wakes the
 * requests that wait on service time. */
ds_status shared_clock_advance(struct ds_ctx *ctx, struct pg_conn *db, int64_t delta_us,
                               struct ds_error *err) DS_MUSTCHECK;
ds_status shared_clock_raise(struct ds_ctx *ctx, struct pg_conn *db, int64_t time_us,
                             struct ds_error *err) DS_MUSTCHECK;

#endif
