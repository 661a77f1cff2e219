/* dispatch/fault_stage.c — see fault_stage.h. */
#include "dispatch/fault_stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/budget.h"
#include "http/park.h"
#include "http/reply.h"
#include "dispatch/router.h"
#include "log.h"
#include "metrics.h"
#include "service/faults.h"

static const struct {
    enum ds_op op;
    enum fault_op fault;
} op_map[] = {
    {OP_GET, FAULT_OP_GET},
    {OP_SET, FAULT_OP_SET},
    {OP_UPDATE, FAULT_OP_UPDATE},
    {OP_INCREMENT, FAULT_OP_INCREMENT},
    {OP_REMOVE, FAULT_OP_REMOVE},
    {OP_LIST, FAULT_OP_LIST},
    {OP_LIST_VERSIONS, FAULT_OP_LIST_VERSIONS},
    {OP_GET_VERSION, FAULT_OP_GET_VERSION},
    {OP_SORTED, FAULT_OP_SORTED},
    {OP_LOCK, FAULT_OP_LOCK},
    {OP_LIST_STORES, FAULT_OP_LIST_STORES},
    {OP_DELETE_STORE, FAULT_OP_DELETE_STORE},
};

/* What the request addresses, in the fault model; false for routes outside the data API. */
static bool describe(struct ds_request *req, struct fault_request *out)
{
    const struct route *r = req->route;
    memset(out, 0, sizeof *out);
    switch (r->family) {
    case FAMILY_V1:
        out->family = FAULT_FAMILY_V1;
        break;
    case FAMILY_V2:
        out->family = FAULT_FAMILY_V2;
        break;
    case FAMILY_ORDERED_V1:
    case FAMILY_ORDERED_V2:
        out->family = FAULT_FAMILY_ORDERED;
        break;
    default:
        return false;
    }
    for (size_t i = 0; i < sizeof op_map / sizeof op_map[0]; i++)
        if (op_map[i].op == r->op) out->op = op_map[i].fault;
    if (!out->op) return false;
    out->universe = req->universe_id;
    out->datastore = req->ref.datastore;
    out->scope = req->ref.scope;
    out->key = req->ref.key;
    return true;
}

static void add_fault_header(struct ds_request *req, int64_t rule_id)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)rule_id);
    reply_header(req, "x-datastored-fault", id);
}

/* The fault's error reply, in the family's error format. */
static void reply_fault(struct ds_request *req, const struct fault_fired *f)
{
    const struct fault_effect *e = &f->effect;
    char buf[24];
    add_fault_header(req, f->rule_id);
    const char *detail = e->roblox_code[0] ? e->roblox_code : NULL;
    if (e->type == FAULT_THROTTLE) {
        enum budget_type types[2];
        if (!detail && route_budget_types(req->route, types) > 0)
            detail = budget_throttle_code(types[0], false);
        reply_header(req, "x-ratelimit-remaining", "0");
    }
    if (e->status == 429 || e->status == 503) {
        snprintf(buf, sizeof buf, "%lld", (long long)e->retry_after_s);
        reply_header(req, "Retry-After", buf);
    }
    struct ds_error err;
    err.http_status = e->status;
    err.code = e->code;
    err.detail = detail;
    err.retry_at_us = 0;
    snprintf(err.message, sizeof err.message, "%s", e->message);
    req->fault_reply = true;
    reply_error(req, &err);
}

bool fault_stage(struct ds_request *req)
{
    struct fault_injector *fi = req->ctx->faults;
    struct fault_request fr;
    if (!fi || atomic_load(&fi->n_rules) == 0 || !describe(req, &fr)) return true;
    struct fault_fired f;
    if (!faults_decide(fi, &fr, req->method, req->path, &f)) return true;
    log_debug("fault rule %lld fires on %s %s: %s", (long long)f.rule_id, req->method, req->path,
              fault_effect_name(f.effect.type));
    metrics_fault(req->ctx->metrics, f.effect.type);
    switch (f.effect.type) {
    case FAULT_ERROR:
    case FAULT_THROTTLE:
        reply_fault(req, &f);
        return false;
    case FAULT_DROP:
        req->close_now = true;
        return false;
    case FAULT_TIMEOUT:
    case FAULT_LATENCY:
        if (park_request_for(req->ctx->park, req, f.delay_ms) != PARK_OK) {
            reply_fail(req, 503, NULL, "The server is shutting down; retry.");
            return false;
        }
        if (f.effect.type == FAULT_TIMEOUT)
            req->close_on_wake = true;
        else
            add_fault_header(req, f.rule_id);
        return false; /* the pipeline resumes at the database stage */
    case FAULT_AFTER_COMMIT:
        req->after_commit = malloc(sizeof f);
        if (!req->after_commit) {
            reply_fail(req, 500, NULL, "Out of memory.");
            return false;
        }
        *req->after_commit = f;
        req->fault_headers_mark = req->n_resp_headers;
        return true;
    }
    return true;
}

bool fault_replace_success(struct ds_request *req, unsigned status)
{
    if (!req->after_commit || status >= 300) return false;
    struct fault_fired *f = req->after_commit;
    req->after_commit = NULL;
    /* Headers of the success (etag, version) would tell the client what happened. */
    while (req->n_resp_headers > req->fault_headers_mark) {
        req->n_resp_headers--;
        free(req->resp_headers[req->n_resp_headers].name);
        free(req->resp_headers[req->n_resp_headers].value);
    }
    reply_fault(req, f);
    free(f);
    return true;
}
