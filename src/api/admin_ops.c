/* api/admin_ops.c — POST /admin/v1/reset (everything, or {"universe":N}) and GET
 * /admin/v1/config. Reset is refused unless --allow-reset is on, or auto in open local mode
 * (no keys, loopback): on a shared backend a stray call must not wipe players' data. */
#include <errno.h>
#include <json-c/json.h>

#include "api/admin_transfer.h"
#include "api/params.h"
#include "config.h"
#include "http/reply.h"
#include "service/keyring.h"
#include "service/reset.h"

static bool reset_allowed(struct ds_ctx *ctx)
{
    if (ctx->cfg->allow_reset == TRI_ON) return true;
    if (ctx->cfg->allow_reset == TRI_OFF) return false;
    return !ctx->keyring || !keyring_required(ctx->keyring);
}

void admin_reset(struct ds_request *req)
{
    if (!reset_allowed(req->ctx)) {
        reply_fail(req, 403, NULL,
                   "Reset is disabled: it is allowed by default only in open local mode; start "
                   "datastored with --allow-reset on to allow it here.");
        return;
    }
    struct json_object *doc, *u = NULL;
    if (req->body_len == 0) {
        doc = json_object_new_object();
    } else if (!body_object_or_reply(req, &doc)) {
        return;
    }
    bool one = json_object_object_get_ex(doc, "universe", &u);
    errno = 0;
    int64_t universe = one && json_object_is_type(u, json_type_int) ? json_object_get_int64(u) : 0;
    bool bad_member = json_object_object_length(doc) > (one ? 1 : 0);
    json_object_put(doc);
    if (bad_member || (one && (errno || universe <= 0))) {
        reply_fail(req, 400, NULL, "The body is {} (everything) or {\"universe\": N}.");
        return;
    }
    struct ds_error err;
    struct json_object *out = json_object_new_object();
    if (one) {
        int64_t entries = 0;
        if (reset_universe(req->ctx, req->db, universe, &entries, &err) != DS_OK) {
            json_object_put(out);
            reply_error(req, &err);
            return;
        }
        json_object_object_add(out, "universe", json_object_new_int64(universe));
        json_object_object_add(out, "deletedEntries", json_object_new_int64(entries));
    } else {
        if (reset_everything(req->ctx, req->db, &err) != DS_OK) {
            json_object_put(out);
            reply_error(req, &err);
            return;
        }
        json_object_object_add(out, "reset", json_object_new_string("everything"));
    }
    reply_json(req, 200, out);
}

void admin_config(struct ds_request *req)
{
    struct json_object *o = config_to_json(req->ctx->cfg);
    if (!o) {
        reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    reply_json(req, 200, o);
}
