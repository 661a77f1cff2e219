/* service/shared_clock.c — see shared_clock.h. */
#include "service/shared_clock.h"

#include "store/service_state.h"

static void adopt(struct ds_ctx *ctx, int64_t virtual_us)
{
    if (clock_observe_virtual(&ctx->clock, virtual_us)) ctx_clock_changed(ctx);
}

ds_status shared_clock_advance(struct ds_ctx *ctx, struct pg_conn *db, int64_t delta_us,
                               struct ds_error *err)
{
    int64_t virtual_us;
    if (store_clock_advance(db, delta_us, clock_now_us(&ctx->clock), &virtual_us, err) != DS_OK)
        return DS_ERR;
    adopt(ctx, virtual_us);
    return DS_OK;
}

ds_status shared_clock_raise(struct ds_ctx *ctx, struct pg_conn *db, int64_t time_us,
                             struct ds_error *err)
{
    int64_t virtual_us;
    if (store_clock_raise(db, time_us, &virtual_us, err) != DS_OK) return DS_ERR;
    adopt(ctx, virtual_us);
    return DS_OK;
}
