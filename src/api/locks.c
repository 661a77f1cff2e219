/* api/locks.c — POST …/entries/{id}:lock {"owner","ttlSeconds","mode","waitSeconds"} →
 * {"owner","token","expireTime"}; :renewLock {"token","ttlSeconds"}; :unlock {"token",
 * "value"?, "users"?, "attributes"?}. In wait mode the request parks (no thread held) until
 * the holder releases or its lease ends, or waitSeconds pass. */
#include "api/locks.h"

#include <json-c/json.h>
#include <math.h>
#include <string.h>

#include "api/entry_body.h"
#include "api/admission.h"
#include "api/params.h"
#include "api/views.h"
#include "core/clock.h"
#include "core/json_text.h"
#include "http/park.h"
#include "http/reply.h"
#include "service/locks.h"

#define DEFAULT_TTL_S 30.0
#define MAX_TTL_S 86400.0
#define MAX_WAIT_S 300.0
#define OWNER_MAX 128

/* Optional number member within [min, max]; absent → def. */
static bool seconds_or_reply(struct ds_request *req, struct json_object *doc, const char *name,
                             double def, double min, double max, double *out)
{
    struct json_object *v;
    *out = def;
    if (!json_object_object_get_ex(doc, name, &v) || !v) return true;
    double d = json_object_get_double(v);
    if ((json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) &&
        isfinite(d) && d >= min && d <= max) {
        *out = d;
        return true;
    }
    reply_fail(req, 400, NULL, "%s must be a number from %g to %g.", name, min, max);
    return false;
}

static bool token_member_or_reply(struct ds_request *req, struct json_object *doc, int64_t *token)
{
    struct json_object *v;
    if (json_object_object_get_ex(doc, "token", &v) && json_object_is_type(v, json_type_int) &&
        json_object_get_int64(v) >= 0) {
        *token = json_object_get_int64(v);
        return true;
    }
    reply_fail(req, 400, NULL, "\"token\" (a non-negative integer) is required.");
    return false;
}

static void reply_grant(struct ds_request *req, const struct lock_grant *g)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "owner", json_object_new_string(g->owner));
    json_object_object_add(o, "token", json_object_new_int64(g->token));
    json_object_object_add(o, "expireTime", json_time(g->expires_us));
    reply_json(req, 200, o);
}

void lock_acquire(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    struct json_object *doc, *v;
    if (!body_object_or_reply(req, &doc)) return;
    double ttl, wait;
    enum lock_mode mode = LOCK_MODE_FAIL;
    const char *owner =
        json_object_object_get_ex(doc, "owner", &v) && json_object_is_type(v, json_type_string)
            ? json_object_get_string(v)
            : NULL;
    if (!owner || !*owner || strlen(owner) > OWNER_MAX) {
        reply_fail(req, 400, NULL, "\"owner\" (1-%d bytes, e.g. the server's JobId) is required.",
                   OWNER_MAX);
        goto done;
    }
    if (json_object_object_get_ex(doc, "mode", &v) && v) {
        const char *m = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string) ||
            (strcmp(m, "fail") && strcmp(m, "steal") && strcmp(m, "wait"))) {
            reply_fail(req, 400, NULL, "\"mode\" must be fail, steal or wait.");
            goto done;
        }
        mode = !strcmp(m, "steal")  ? LOCK_MODE_STEAL
               : !strcmp(m, "wait") ? LOCK_MODE_WAIT
                                    : LOCK_MODE_FAIL;
    }
    if (!seconds_or_reply(req, doc, "ttlSeconds", DEFAULT_TTL_S, 0.001, MAX_TTL_S, &ttl) ||
        !seconds_or_reply(req, doc, "waitSeconds", 5, 0, MAX_WAIT_S, &wait))
        goto done;
    int64_t now = clock_now_us(&req->ctx->clock);
    if (mode == LOCK_MODE_WAIT && !req->wait_deadline_us)
        req->wait_deadline_us = now + (int64_t)(wait * 1e6);
    struct lock_grant g = {0};
    struct ds_error err;
    if (locks_acquire(req->ctx, req->db, &ref, owner, (int64_t)(ttl * 1e6), mode, &g, &err) ==
        DS_OK) {
        reply_grant(req, &g);
    } else if (mode == LOCK_MODE_WAIT && err.http_status == 409 && err.retry_at_us &&
               now < req->wait_deadline_us) {
        char key[256];
        locks_wait_key(&ref, key, sizeof key);
        int64_t wake =
            err.retry_at_us < req->wait_deadline_us ? err.retry_at_us : req->wait_deadline_us;
        if (park_request(req->ctx->park, req, key, wake, 1000) != PARK_OK) reply_error(req, &err);
    } else {
        reply_error(req, &err);
    }
done:
    json_object_put(doc);
}

void lock_renew(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    struct json_object *doc;
    if (!body_object_or_reply(req, &doc)) return;
    int64_t token;
    double ttl;
    struct lock_grant g = {0};
    struct ds_error err;
    if (token_member_or_reply(req, doc, &token) &&
        seconds_or_reply(req, doc, "ttlSeconds", DEFAULT_TTL_S, 0.001, MAX_TTL_S, &ttl)) {
        if (locks_renew(req->ctx, req->db, &ref, token, (int64_t)(ttl * 1e6), &g, &err) == DS_OK)
            reply_grant(req, &g);
        else
            reply_error(req, &err);
    }
    json_object_put(doc);
}

void lock_release(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    struct entry_body b;
    int64_t token;
    if (!entry_body_or_reply(req, false, &b)) return;
    if (!token_member_or_reply(req, b.doc, &token)) {
        entry_body_free(&b);
        return;
    }
    struct write_spec final = {.op = WRITE_SET,
                               .value = b.value,
                               .value_len = b.value_len,
                               .user_ids = b.user_ids,
                               .attributes = b.attributes,
                               .has_lock_token = true,
                               .lock_token = token};
    struct write_outcome out;
    struct ds_error err;
    if (locks_release(req->ctx, req->db, &ref, token, b.value ? &final : NULL, &out, &err) !=
        DS_OK) {
        reply_write_failure(req, &err, "standard", &ref);
    } else {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "released", json_object_new_boolean(1));
        json_object_object_add(o, "token", json_object_new_int64(token));
        if (b.value) {
            struct entry_view v;
            entry_view_of_outcome(&out, &v);
            json_object_object_add(o, "entry", v2_entry(&ref, req->scope_in_path, &v, true, false));
            write_outcome_free(&out);
        }
        reply_json(req, 200, o);
    }
    entry_body_free(&b);
}
