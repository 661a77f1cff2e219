/* dispatch/pipeline.c — the order a request flows through, in one table:
 *   route → authenticate → validate → authorize → address → budget → fault → database → handler
 * Each stage either lets the request continue or replies and stops it. Rules that must be
 * atomic with the write itself (preconditions, and the per-key checks that join later) are
 * not stages: they run inside the write transaction (service/entries.c). */
#include "dispatch/pipeline.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "api/admission.h"
#include "core/assert.h"
#include "core/budget.h"
#include "core/limits.h"
#include "dispatch/address.h"
#include "dispatch/auth_stage.h"
#include "http/cors.h"
#include "dispatch/fault_stage.h"
#include "http/reply.h"
#include "dispatch/router.h"
#include "log.h"
#include "metrics.h"

/* Returns true to continue, false once it has replied. */
typedef bool (*stage_fn)(struct ds_request *req);

static bool stage_route(struct ds_request *req)
{
    bool bad_escape;
    if (router_match(req, &bad_escape)) {
        address_read(req);
        return true;
    }
    if (bad_escape) {
        reply_fail(req, 400, NULL, "The path has a malformed percent-escape or a NUL byte.");
    } else if (req->allowed[0] && !strcmp(req->method, "OPTIONS")) {
        cors_answer_options(req); /* no key needed: browsers send none in a preflight */
    } else if (req->allowed[0]) {
        reply_header(req, "Allow", req->allowed);
        reply_fail(req, 405, NULL, "Method %s is not allowed here; allowed: %s.", req->method,
                   req->allowed);
    } else {
        reply_fail(req, 404, NULL, "No such route: %s %s.", req->method, req->path);
    }
    return false;
}

/* Checks common to every route: the universe id and the query string. */
static bool stage_validate(struct ds_request *req)
{
    const char *universe = req_param(req, "universe_id");
    if (universe) {
        int64_t v;
        if (!parse_decimal(universe, &v) || v <= 0) {
            reply_fail(req, 400, "InvalidUniverseId",
                       "The universe id must be a positive 64-bit integer.");
            return false;
        }
        req->universe_id = (int64_t)v;
    }
    (void)req_query(req, ""); /* parse the query string now so its errors surface here */
    if (req->query_invalid) {
        reply_fail(req, 400, NULL,
                   "The query string has a malformed escape, a NUL byte or over %d arguments.",
                   REQ_MAX_QUERY);
        return false;
    }
    return true;
}

/* --budgets on: spends the request's budget (in memory, no database round trip) and adds
 * the x-ratelimit-* headers; over budget → 429 with Roblox's throttle name. */
static bool stage_budget(struct ds_request *req)
{
    enum budget_type types[2];
    int n;
    if (!req->ctx->cfg->budgets || !req->universe_id ||
        !(n = route_budget_types(req->route, types)))
        return true;
    struct admission a;
    admit_budget(req->ctx, req->universe_id, req_header(req, "x-server-id"), types, n, &a);
    char buf[32];
    snprintf(buf, sizeof buf, "%.0f", a.budget.limit_per_min);
    reply_header(req, "x-ratelimit-limit", buf);
    snprintf(buf, sizeof buf, "%.0f", a.budget.remaining < 0 ? 0 : a.budget.remaining - 0.4999);
    reply_header(req, "x-ratelimit-remaining", buf);
    snprintf(buf, sizeof buf, "%lld", (long long)((a.budget.reset_us + 999999) / 1000000));
    reply_header(req, "x-ratelimit-reset", buf);
    return admitted_or_reply(req, &a);
}

static bool stage_database(struct ds_request *req)
{
    if (!(req->route->flags & ROUTE_DB)) return true;
    struct ds_error err;
    req->db = pg_pool_acquire(&req->ctx->pool, 5000, &err);
    if (req->db) return true;
    int64_t down_us = ctx_database_down_us(req->ctx);
    if (down_us > 0) /* say why: the supervisor is bringing it back */
        snprintf(err.message, sizeof err.message,
                 "The embedded PostgreSQL stopped %.1f s ago and is being restarted; retry "
                 "later.",
                 (double)down_us / 1e6);
    reply_error(req, &err);
    return false;
}

static bool stage_handler(struct ds_request *req)
{
    req->route->handler(req);
    return false;
}

static const struct {
    const char *name;
    stage_fn run;
} stages[] = {
    /* clang-format off */
    {"route", stage_route},
    {"authenticate", auth_authenticate_stage},
    {"validate", stage_validate},
    {"authorize", auth_authorize_stage},
    {"address", address_stage},
    {"budget", stage_budget},
    {"fault", fault_stage},
    {"database", stage_database},
    {"handler", stage_handler},
    /* clang-format on */
};

static void run_from(struct ds_request *req, const char *first)
{
    size_t i = 0, n = sizeof stages / sizeof stages[0];
    while (first && i < n && strcmp(stages[i].name, first) != 0)
        i++;
    DS_ASSERT(i < n); /* resuming names a stage of the table */
    for (; i < n; i++) {
        if (!stages[i].run(req)) break;
    }
    if (req->db) { /* never held while parked */
        pg_pool_release(&req->ctx->pool, req->db);
        req->db = NULL;
    }
    DS_ASSERT(req->replied || req->parked || req->close_now); /* every stage path replies */
    if (!req->replied && !req->parked && !req->close_now) {
        log_error("no reply from %s %s (handler bug)", req->method, req->path);
        reply_fail(req, 500, NULL, "The server produced no response.");
    }
}

void pipeline_run(struct ds_request *req)
{
    run_from(req, NULL);
}

void pipeline_resume(struct ds_request *req)
{
    run_from(req, "database");
}
