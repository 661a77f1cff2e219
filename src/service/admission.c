/* service/admission.c — see admission.h. */
#include "service/admission.h"

#include <stdio.h>
#include <string.h>

#include "service/throughput.h"

static void admit_init(struct admission *a)
{
    memset(a, 0, sizeof *a);
    a->action = ADMIT_PROCEED;
    a->retry_after_s = -1;
}

static int64_t whole_seconds(int64_t us)
{
    return us > 0 ? (us + 999999) / 1000000 : 0;
}

void admit_budget(struct ds_ctx *ctx, int64_t universe, const char *server_id,
                  const enum budget_type *types, int n_types, struct admission *out)
{
    admit_init(out);
    budgets_check(ctx->budgets, universe, server_id, types, n_types, &out->budget);
    if (out->budget.allowed) return;
    const struct budget_verdict *v = &out->budget;
    out->action = ADMIT_REJECT;
    out->counted = THROTTLED_BUDGET;
    out->retry_after_s = whole_seconds(v->retry_after_us);
    ds_fail(&out->err, 429, budget_throttle_code(v->type, v->per_server),
            "%s budget exhausted for this %s; retry in %lld s.", budget_type_name(v->type),
            v->per_server ? "game server" : "experience", (long long)out->retry_after_s);
}

void admit_throughput(struct ds_ctx *ctx, const struct entry_ref *ref, bool write, size_t bytes,
                      bool check_only, struct admission *out)
{
    admit_init(out);
    if (!ctx->throughput) return;
    char key[256];
    snprintf(key, sizeof key, "%lld\x1f%s\x1f%s\x1f%s", (long long)ref->universe, ref->datastore,
             ref->scope, ref->key);
    if (throughput_admit(ctx->throughput, key, write, bytes, check_only, clock_now_us(&ctx->clock),
                         &out->err))
        return;
    out->action = ADMIT_REJECT;
    out->counted = THROTTLED_THROUGHPUT;
    out->retry_after_s = 60; /* the window is a sliding minute */
}

bool admit_cooldown_blocks(const struct ds_ctx *ctx, int64_t last_write_us, int64_t now_us,
                           struct ds_error *err)
{
    int64_t window = (int64_t)(ctx->write_cooldown * 1e6);
    if (window <= 0 || now_us >= last_write_us + window) return false;
    ds_fail(err, 429, "TooManyRequests",
            "Writes to the same key are limited to one per %.3g s; retry after the cooldown.",
            ctx->write_cooldown);
    err->retry_at_us = last_write_us + window;
    return true;
}

void admit_after_write_failure(const struct ds_ctx *ctx, const struct ds_error *err,
                               const char *kind, const struct entry_ref *ref, struct admission *out)
{
    admit_init(out);
    out->action = ADMIT_REJECT;
    out->err = *err;
    if (err->http_status != 429 || err->retry_at_us <= 0) return; /* not a cooldown */
    if (ctx->cfg->throttle == THROTTLE_REJECT || !ctx->park) {
        out->counted = THROTTLED_COOLDOWN_REJECTED;
        out->retry_after_s = whole_seconds(err->retry_at_us - clock_now_us(&ctx->clock));
        return;
    }
    out->action = ADMIT_QUEUE;
    out->counted = THROTTLED_COOLDOWN_QUEUED;
    out->open_at_us = err->retry_at_us;
    snprintf(out->queue, sizeof out->queue, "%s\x1f%lld\x1f%s\x1f%s\x1f%s", kind,
             (long long)ref->universe, ref->datastore, ref->scope, ref->key);
    snprintf(out->what, sizeof out->what, "a write to %s %s/%s/%s (universe %lld)", kind,
             ref->datastore, ref->scope, ref->key, (long long)ref->universe);
}
