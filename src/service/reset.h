/* service/reset.h — POST /admin/v1/reset's use cases. */
#ifndef DS_SERVICE_RESET_H
#define DS_SERVICE_RESET_H

#include <stdint.h>

#include "context.h"
#include "core/error.h"

/* Deletes one universe's data; *entries says how many entries went. */
ds_status reset_universe(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe, int64_t *entries,
                         struct ds_error *err) DS_MUSTCHECK;
/* Deletes every universe's data and every fault rule (announced to all instances), reloads
 * this instance's fault rules and clears its fault event log. API keys and the clock stay. */
ds_status reset_everything(struct ds_ctx *ctx, struct pg_conn *db,
                           struct ds_error *err) DS_MUSTCHECK;

#endif
