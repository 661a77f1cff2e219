/* api/admin_faults.c — see admin_faults.h. Changes are written to PostgreSQL (which
 * announces them to every instance) and this instance reloads before answering, so a rule
 * is in force here when its POST returns and on the other instances a moment later. */
#include "api/admin_faults.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "api/params.h"
#include "core/clock.h"
#include "core/faults.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/fault_rules.h"
#include "service/faults.h"

/* Reloads the cache from the database; replies on failure. */
static bool reload_or_reply(struct ds_request *req)
{
    struct ds_error err;
    if (fault_rules_reload(req->ctx, req->db, &err) == DS_OK) return true;
    reply_error(req, &err);
    return false;
}

static void reply_rule(struct ds_request *req, int64_t id)
{
    bool found;
    struct json_object *o = faults_view(req->ctx->faults, id, &found);
    if (!found)
        reply_fail(req, 404, NULL, "There is no fault rule %lld.", (long long)id);
    else if (!o)
        reply_fail(req, 500, NULL, "Out of memory.");
    else
        reply_json(req, 200, o);
}

static bool rule_id_or_reply(struct ds_request *req, int64_t *id)
{
    const char *s = req_param(req, "fault_id");
    int64_t v;
    if (!parse_decimal(s, &v) || v <= 0) {
        reply_fail(req, 400, NULL, "A fault rule id is a positive integer.");
        return false;
    }
    *id = v;
    return true;
}

void admin_faults_list(struct ds_request *req)
{
    if (!reload_or_reply(req)) return;
    bool found;
    struct json_object *o = faults_view(req->ctx->faults, 0, &found);
    if (o)
        reply_json(req, 200, o);
    else
        reply_fail(req, 500, NULL, "Out of memory.");
}

void admin_faults_create(struct ds_request *req)
{
    struct json_object *doc;
    if (!body_object_or_reply(req, &doc)) return;
    struct fault_rule rule;
    struct ds_error err;
    int64_t now = clock_now_us(&req->ctx->clock);
    ds_status st = fault_rule_parse(doc, now, &rule, &err);
    json_object_put(doc);
    if (st != DS_OK) {
        reply_error(req, &err);
        return;
    }
    int64_t id = 0;
    if (fault_rules_add(req->ctx, req->db, &rule, now, &id, &err) != DS_OK)
        reply_error(req, &err);
    else
        reply_rule(req, id);
}

void admin_faults_clear(struct ds_request *req)
{
    int64_t deleted;
    struct ds_error err;
    if (fault_rules_clear(req->ctx, req->db, &deleted, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    struct json_object *o = json_object_new_object();
    if (o) json_object_object_add(o, "deleted", json_object_new_int64(deleted));
    reply_json(req, 200, o);
}

void admin_fault_get(struct ds_request *req)
{
    int64_t id;
    if (rule_id_or_reply(req, &id) && reload_or_reply(req)) reply_rule(req, id);
}

void admin_fault_delete(struct ds_request *req)
{
    int64_t id, deleted;
    struct ds_error err;
    if (!rule_id_or_reply(req, &id)) return;
    if (fault_rules_delete(req->ctx, req->db, id, &deleted, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (!deleted)
        reply_fail(req, 404, NULL, "There is no fault rule %lld.", (long long)id);
    else
        reply_json(req, 200, json_object_new_object());
}

void admin_faults_seed(struct ds_request *req)
{
    struct json_object *doc, *v = NULL;
    if (!body_object_or_reply(req, &doc)) return;
    bool ok = json_object_object_get_ex(doc, "seed", &v) && json_object_is_type(v, json_type_int);
    errno = 0;
    int64_t seed = ok ? json_object_get_int64(v) : -1;
    json_object_put(doc);
    if (!ok || errno || seed < 0) {
        reply_fail(req, 400, NULL,
                   "The body must be {\"seed\": N}, N an integer from 0 to 2^63-1.");
        return;
    }
    struct ds_error err;
    if (fault_rules_seed(req->ctx, req->db, seed, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    struct json_object *o = json_object_new_object();
    if (o) json_object_object_add(o, "seed", json_object_new_int64(seed));
    reply_json(req, 200, o);
}

void admin_fault_events_get(struct ds_request *req)
{
    const char *rule = req_query(req, "ruleId");
    int64_t rule_id = 0;
    if (rule) {
        int64_t v;
        if (!parse_decimal(rule, &v) || v <= 0) {
            reply_fail(req, 400, NULL, "ruleId must be a positive integer.");
            return;
        }
        rule_id = v;
    }
    struct json_object *o = fault_events_json(&req->ctx->faults->events, rule_id);
    if (o)
        reply_json(req, 200, o);
    else
        reply_fail(req, 500, NULL, "Out of memory.");
}

void admin_fault_events_clear(struct ds_request *req)
{
    fault_events_clear(&req->ctx->faults->events);
    reply_json(req, 200, json_object_new_object());
}
