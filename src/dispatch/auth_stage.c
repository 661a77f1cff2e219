/* dispatch/auth_stage.c — see auth_stage.h. */
#include "dispatch/auth_stage.h"

#include <stdio.h>
#include <string.h>

#include "core/auth.h"
#include "http/reply.h"
#include "dispatch/router.h"
#include "service/keyring.h"

/* Roblox's gateway answer to a missing or unknown key (v1 and v2 alike). */
static void reply_unauthorized(struct ds_request *req, const char *message)
{
    struct json_object *o = json_object_new_object(), *arr = json_object_new_array(),
                       *e = json_object_new_object();
    if (!o || !arr || !e) {
        json_object_put(o);
        json_object_put(arr);
        json_object_put(e);
        reply_empty(req, 401);
        return;
    }
    json_object_object_add(e, "code", json_object_new_int(0));
    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_array_add(arr, e);
    json_object_object_add(o, "errors", arr);
    reply_json(req, 401, o);
}

static void reply_forbidden(struct ds_request *req, const char *message)
{
    struct ds_error err;
    err.http_status = 403;
    err.code = "INSUFFICIENT_SCOPE";
    err.detail = "Forbidden";
    err.retry_at_us = 0;
    snprintf(err.message, sizeof err.message, "%s", message);
    reply_error(req, &err);
}

static const char *presented_key(struct ds_request *req, bool *malformed)
{
    return auth_presented_key(req_header(req, "x-api-key"), req_header(req, "authorization"),
                              malformed);
}

bool auth_authenticate_stage(struct ds_request *req)
{
    struct keyring *kr = req->ctx->keyring;
    const struct route *r = req->route;
    if (!kr || r->family == FAMILY_OPS) return true;
    bool malformed;
    const char *key = presented_key(req, &malformed);
    if (r->family == FAMILY_ADMIN) {
        switch (keyring_admin(kr, key)) {
        case ADMIN_OPEN:
        case ADMIN_GRANTED:
            return true;
        case ADMIN_DISABLED:
            reply_unauthorized(req, "The admin API is disabled: there is no --admin-key, and "
                                    "datastored listens beyond loopback or its data API has "
                                    "keys.");
            return false;
        case ADMIN_DENIED: {
            struct api_key *data_key = keyring_lookup(kr, key);
            if (data_key) {
                keyring_release(data_key);
                reply_forbidden(req, "This is a data API key; the admin API needs the admin key.");
            } else {
                reply_unauthorized(req, "Invalid API Key");
            }
            return false;
        }
        }
        return false;
    }
    if (!keyring_required(kr)) return true; /* open local mode */
    req->api_key = malformed ? NULL : keyring_lookup(kr, key);
    if (req->api_key) return true;
    reply_unauthorized(req, "Invalid API Key");
    return false;
}

bool auth_authorize_stage(struct ds_request *req)
{
    if (!req->api_key) return true;
    const char *store = req->ref.datastore; /* as sent: the address stage comes later */
    switch (
        auth_scope_allows(&req->api_key->scope, req->route->permission, req->universe_id, store)) {
    case AUTH_ALLOW:
        return true;
    case AUTH_OTHER_UNIVERSE:
        reply_forbidden(req, "The api key does not have sufficient scope to perform this "
                             "operation: it is not valid for this universe.");
        return false;
    case AUTH_OTHER_DATASTORE:
        reply_forbidden(req, "The api key does not have sufficient scope to perform this "
                             "operation: it is not valid for this data store.");
        return false;
    case AUTH_NO_PERMISSION:
        break;
    }
    char msg[256];
    snprintf(msg, sizeof msg,
             "The api key does not have sufficient scope to perform this operation: it lacks "
             "%s.",
             req->route->permission);
    reply_forbidden(req, msg);
    return false;
}
