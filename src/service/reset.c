/* service/reset.c — see reset.h. */
#include "service/reset.h"

#include "service/datastores.h"
#include "service/fault_events.h"
#include "service/faults.h"
#include "store/transfer.h"

ds_status reset_universe(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe, int64_t *entries,
                         struct ds_error *err)
{
    ds_status st = store_reset_universe(db, universe, entries, err);
    datastores_forget(ctx, universe, NULL);
    return st;
}

ds_status reset_everything(struct ds_ctx *ctx, struct pg_conn *db, struct ds_error *err)
{
    if (store_reset_all(db, err) != DS_OK || faults_reload(ctx->faults, db->conn, err) != DS_OK)
        return DS_ERR;
    datastores_forget(ctx, -1, NULL);
    fault_events_clear(&ctx->faults->events);
    return DS_OK;
}
