/* api/admission.c — see admission.h. */
#include "api/admission.h"

#include <stdio.h>

#include "http/park.h"
#include "http/reply.h"
#include "http/route.h"
#include "log.h"

/* Roblox's "request dropped" error for a full write queue, by operation. */
static void reply_queue_full(struct ds_request *req)
{
    static const struct {
        enum ds_op op;
        int number;
        const char *name, *api;
    } codes[] = {
        {OP_SET, 302, "SetAsyncThrottle", "SetAsync"},
        {OP_INCREMENT, 303, "IncreAsyncThrottle", "IncrementAsync"},
        {OP_UPDATE, 304, "UpdateAsyncThrottle", "UpdateAsync"},
        {OP_REMOVE, 306, "RemoveAsyncThrottle", "RemoveAsync"},
    };
    size_t i = 0;
    while (i + 1 < sizeof codes / sizeof codes[0] && codes[i].op != req->route->op)
        i++;
    reply_fail(req, 429, codes[i].name,
               "%d: %s request dropped. Request was throttled, but throttled request queue was "
               "full.",
               codes[i].number, codes[i].api);
}

static void park_or_reply(struct ds_request *req, const struct admission *a)
{
    struct ds_ctx *ctx = req->ctx;
    switch (park_request(ctx->park, req, a->queue, a->open_at_us, ADMIT_QUEUE_DEPTH)) {
    case PARK_OK:
        metrics_throttled(ctx->metrics, a->counted);
        req->cooldown_since_us = clock_monotonic_us();
        if (park_notice_due(ctx->park, a->queue, req->cooldown_since_us))
            log_info("%s waits %.1f s behind the %g s per-key write cooldown (--write-cooldown "
                     "0 turns it off; noted once a minute per key)",
                     a->what, (double)(a->open_at_us - clock_now_us(&ctx->clock)) / 1e6,
                     ctx->write_cooldown);
        return;
    case PARK_QUEUE_FULL:
        metrics_throttled(ctx->metrics, THROTTLED_QUEUE_FULL);
        reply_queue_full(req);
        return;
    case PARK_CLOSED:
        reply_fail(req, 503, NULL, "The server is shutting down; retry.");
        return;
    }
}

bool admitted_or_reply(struct ds_request *req, const struct admission *a)
{
    switch (a->action) {
    case ADMIT_PROCEED:
        return true;
    case ADMIT_QUEUE:
        park_or_reply(req, a);
        return false;
    case ADMIT_REJECT:
        break;
    }
    if (a->retry_after_s >= 0) { /* a throttle, not an error passed through */
        metrics_throttled(req->ctx->metrics, a->counted);
        char secs[24];
        snprintf(secs, sizeof secs, "%lld", (long long)a->retry_after_s);
        reply_header(req, "Retry-After", secs);
    }
    reply_error(req, &a->err);
    return false;
}

bool throughput_or_reply(struct ds_request *req, const struct entry_ref *ref, bool write,
                         size_t bytes, bool check_only)
{
    struct admission a;
    admit_throughput(req->ctx, ref, write, bytes, check_only, &a);
    return admitted_or_reply(req, &a);
}

void reply_write_failure(struct ds_request *req, const struct ds_error *err, const char *kind,
                         const struct entry_ref *ref)
{
    struct admission a;
    admit_after_write_failure(req->ctx, err, kind, ref, &a);
    (void)admitted_or_reply(req, &a);
}
