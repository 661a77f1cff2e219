/* api/admin_clock.c — reading and moving the virtual clock. It stands still between moves;
 * moves are stored in PostgreSQL (so every instance agrees) and announced with NOTIFY; the
 * clock never goes backwards. */
#include "api/admin_clock.h"

#include <json-c/json.h>
#include <math.h>
#include <string.h>

#include "api/views.h"
#include "core/clock.h"
#include "http/reply.h"
#include "service/shared_clock.h"

static void reply_clock(struct ds_request *req)
{
    struct ds_clock *clock = &req->ctx->clock;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "time", json_time(clock_now_us(clock)));
    json_object_object_add(o, "mode",
                           json_object_new_string(clock->is_virtual ? "virtual" : "real"));
    json_object_object_add(
        o, "offsetSeconds",
        json_object_new_double((double)(clock_now_us(clock) - clock_real_us()) / 1e6));
    reply_json(req, 200, o);
}

void admin_clock_get(struct ds_request *req)
{
    reply_clock(req);
}

/* Parses the body as a JSON object and returns member name (borrowed from *doc). */
static struct json_object *body_member_or_reply(struct ds_request *req, const char *name,
                                                struct json_object **doc)
{
    if (!req->ctx->clock.is_virtual) {
        reply_fail(req, 400, NULL, "The clock is real; start datastored with --clock virtual.");
        return NULL;
    }
    *doc = json_tokener_parse(req->body);
    struct json_object *v = NULL;
    if (!json_object_is_type(*doc, json_type_object) ||
        !json_object_object_get_ex(*doc, name, &v) || !v) {
        json_object_put(*doc);
        *doc = NULL;
        reply_fail(req, 400, NULL, "The body must be a JSON object with \"%s\".", name);
        return NULL;
    }
    return v;
}

void admin_clock_advance(struct ds_request *req)
{
    struct json_object *doc;
    struct json_object *v = body_member_or_reply(req, "seconds", &doc);
    if (!v) return;
    double secs = json_object_get_double(v);
    bool numeric =
        json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
    json_object_put(doc);
    if (!numeric || !isfinite(secs) || secs < 0 || secs > 1e10) {
        reply_fail(req, 400, NULL, "seconds must be a number from 0 to 1e10 (never backwards).");
        return;
    }
    struct ds_error err;
    if (shared_clock_advance(req->ctx, req->db, (int64_t)llround(secs * 1e6), &err) != DS_OK)
        reply_error(req, &err);
    else
        reply_clock(req);
}

void admin_clock_set(struct ds_request *req)
{
    struct json_object *doc;
    struct json_object *v = body_member_or_reply(req, "time", &doc);
    if (!v) return;
    int64_t t;
    bool ok =
        json_object_is_type(v, json_type_string) && rfc3339_parse(json_object_get_string(v), &t);
    json_object_put(doc);
    if (!ok) {
        reply_fail(req, 400, NULL, "time must be an RFC 3339 date-time.");
        return;
    }
    int64_t now = clock_now_us(&req->ctx->clock);
    if (t < now) {
        reply_fail(req, 400, NULL, "The clock never goes backwards; it is already later.");
        return;
    }
    struct ds_error err;
    if (shared_clock_raise(req->ctx, req->db, t, &err) != DS_OK)
        reply_error(req, &err);
    else
        reply_clock(req);
}
