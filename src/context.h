/* context.h — the server context: the only mutable state shared between threads. Built by
 * main.c before the HTTP server starts, torn down after it stops. Thread safety: fields are
 * read-only after start-up unless their own comment says otherwise. */
#ifndef DS_CONTEXT_H
#define DS_CONTEXT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "core/clock.h"
#include "pg/pool.h"
#include "pg/supervisor.h"

struct park_lot;
struct budgets;
struct throughput;
struct fault_injector;
struct keyring;
struct metrics;
struct wire_guard;
struct ds_request;

/* How the HTTP layer hands requests on without knowing the application (dispatch/ fills it
 * in main.c): run a received request, resume a parked one, and ask, before a success goes
 * out, whether an after-commit fault answers instead (true: it replied). */
struct ds_dispatch {
    void (*run)(struct ds_request *req);
    void (*resume)(struct ds_request *req);
    bool (*replace_success)(struct ds_request *req, unsigned status);
};

struct meta_cache;

struct ds_ctx {
    const struct ds_config *cfg;      /* effective configuration; borrowed from main */
    struct ds_clock clock;            /* service clock (offset is atomic) */
    struct pg_pool pool;              /* database connections (internally locked) */
    unsigned char cursor_key[32];     /* HMAC key signing cursors/page tokens, shared via the DB */
    double write_cooldown;            /* seconds; 0 = off */
    _Atomic int inflight;             /* requests between first callback and completion */
    _Atomic bool draining;            /* set on SIGTERM: /readyz answers 503 */
    struct park_lot *park;            /* suspended requests (http/park.c); internally locked */
    struct budgets *budgets;          /* request budgets (service/budgets.c); internally locked */
    struct throughput *throughput;    /* per-key limits of the current profile; NULL otherwise */
    struct fault_injector *faults;    /* fault rules (service/faults.c); internally locked */
    struct keyring *keyring;          /* API keys (service/keyring.c); internally locked */
    struct meta_cache *meta;          /* data store state and chain heads (service/meta_cache.c);
                                       * internally locked; NULL: read them every time */
    struct metrics *metrics;          /* counters for /metrics (metrics.c); atomics only */
    struct wire_guard *wire;          /* set by http_server_start; its counters are atomics */
    struct pg_supervisor *supervisor; /* embedded PostgreSQL's; NULL with --database-url */
    char boot_id[9];                  /* hex, names this process in generated request ids */
    _Atomic uint64_t request_seq;     /* generated request ids */
    void (*on_clock_change)(struct ds_ctx *ctx); /* set by main: wakes time-based waiters */
    struct ds_dispatch dispatch;                 /* set by main before the server starts */
};

/* How long the embedded PostgreSQL has been down, in µs (0 while up, or when external). */
static inline int64_t ctx_database_down_us(struct ds_ctx *ctx)
{
    return ctx->supervisor ? pg_supervisor_down_us(ctx->supervisor) : 0;
}

/* Tells whoever waits on service time that the (virtual) clock moved. */
static inline void ctx_clock_changed(struct ds_ctx *ctx)
{
    if (ctx->on_clock_change) ctx->on_clock_change(ctx);
}

#endif
