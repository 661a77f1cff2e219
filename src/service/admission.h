/* service/admission.h — whether a request may go ahead under Roblox's rate rules, decided in
 * one place: the per-experience (and per-game-server) request budgets, the current
 * profile's per-key throughput, and the per-key write cooldown. Each check gives a verdict —
 * proceed, reject with a Retry-After, or queue behind the key until its window opens — that
 * the HTTP side carries out (api/admission.c). No I/O here. */
#ifndef DS_SERVICE_ADMISSION_H
#define DS_SERVICE_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "core/budget.h"
#include "core/error.h"
#include "metrics.h"
#include "service/budgets.h"
#include "store/entries.h" /* struct entry_ref */

enum admit_action { ADMIT_PROCEED, ADMIT_REJECT, ADMIT_QUEUE };

/* Longest queue Roblox keeps per key: the next write gets the "queue was full" error. */
#define ADMIT_QUEUE_DEPTH 30

struct admission {
    enum admit_action action;
    enum metrics_throttle counted; /* REJECT and QUEUE: the throttled counter to bump */
    struct ds_error err;           /* REJECT: the 429 to answer */
    int64_t retry_after_s;         /* REJECT: the Retry-After value */
    int64_t open_at_us;            /* QUEUE: service time when the key's window opens */
    char queue[256];               /* QUEUE: the key's FIFO */
    char what[200];                /* QUEUE: "a write to standard ds/scope/key (universe u)" */
    struct budget_verdict budget;  /* admit_budget: the x-ratelimit-* figures */
};

/* Spends one request of each of types from the universe's budget (and server_id's, when
 * non-NULL); over budget → REJECT with Roblox's throttle name. */
void admit_budget(struct ds_ctx *ctx, int64_t universe, const char *server_id,
                  const enum budget_type *types, int n_types, struct admission *out);
/* The key's read or write throughput (current profile; proceed otherwise): charges bytes,
 * or with check_only only refuses a key already over its limit. Over → REJECT, 60 s. */
void admit_throughput(struct ds_ctx *ctx, const struct entry_ref *ref, bool write, size_t bytes,
                      bool check_only, struct admission *out);
/* Inside a write's transaction: false when the key's last write at last_write_us leaves the
 * write free to go ahead, else fills err (429 TooManyRequests, retry_at_us). */
bool admit_cooldown_blocks(const struct ds_ctx *ctx, int64_t last_write_us, int64_t now_us,
                           struct ds_error *err);
/* What becomes of a write that failed with err: a cooldown refusal (429 with retry_at_us)
 * is queued behind the key of its kind ("standard", "ordered") or, with --throttle reject
 * (or no parking lot), rejected with the wait as Retry-After; any other error is answered
 * as it is (REJECT, retry_after_s < 0). */
void admit_after_write_failure(const struct ds_ctx *ctx, const struct ds_error *err,
                               const char *kind, const struct entry_ref *ref,
                               struct admission *out);

#endif
