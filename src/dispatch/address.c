/* dispatch/address.c — see address.h. */
#include "dispatch/address.h"

#include <string.h>

#include "core/limits.h"
#include "http/reply.h"
#include "http/route.h"

static bool has_key(enum route_address a)
{
    return a == ADDR_KEY || a == ADDR_REVISION || a == ADDR_CREATE;
}

void address_read(struct ds_request *req)
{
    enum route_address shape = req->route ? req->route->address : ADDR_NONE;
    memset(&req->ref, 0, sizeof req->ref);
    req->revision = NULL;
    req->scope_in_path = false;
    if (shape == ADDR_NONE) return;
    struct entry_ref *ref = &req->ref;
    ref->universe = req->universe_id;
    const char *scope;
    if (req->route->family == FAMILY_V1) {
        ref->datastore = req_query(req, "datastoreName");
        scope = req_query(req, "scope");
        if (has_key(shape)) ref->key = req_query(req, "entryKey");
    } else {
        ref->datastore = req_param(req, "data_store_id");
        scope = req_param(req, "scope_id");
        req->scope_in_path = scope != NULL;
        if (shape == ADDR_CREATE)
            ref->key = req_query(req, "id");
        else if (has_key(shape))
            ref->key = req_param(req, "entry_id");
    }
    if (shape != ADDR_STORE) ref->scope = scope && *scope ? scope : "global";
    if (shape == ADDR_REVISION && ref->key) { /* "key@revision": split at the last '@' */
        const char *at = strrchr(ref->key, '@');
        size_t n = at ? (size_t)(at - ref->key) : 0;
        if (at && n < sizeof req->ref_key) {
            memcpy(req->ref_key, ref->key, n);
            req->ref_key[n] = '\0';
            req->revision = at + 1;
            ref->key = req->ref_key;
        }
    }
}

static bool valid_or_reply(struct ds_request *req,
                           ds_status (*check)(const char *, struct ds_error *), const char *value)
{
    struct ds_error err;
    if (check(value, &err) == DS_OK) return true;
    reply_error(req, &err);
    return false;
}

bool address_stage(struct ds_request *req)
{
    enum route_address shape = req->route->address;
    const struct entry_ref *ref = &req->ref;
    req->ref.universe = req->universe_id; /* validated by now */
    if (shape == ADDR_NONE) return true;
    if (!valid_or_reply(req, check_datastore_name, ref->datastore)) return false;
    if (shape == ADDR_STORE) return true;
    if (!strcmp(ref->scope, "-") && req->route->family != FAMILY_V1) {
        if (shape == ADDR_ANY_SCOPE) return true;
        bool ordered =
            req->route->family == FAMILY_ORDERED_V1 || req->route->family == FAMILY_ORDERED_V2;
        reply_fail(req, 400, "InvalidDataStoreScope", "%s",
                   ordered                     ? "Ordered data stores have no scope wildcard."
                   : req->route->op == OP_LOCK ? "Locks need a concrete scope."
                                               : "The scope wildcard '-' is only valid when "
                                                 "listing entries.");
        return false;
    }
    if (!valid_or_reply(req, check_scope, ref->scope)) return false;
    return !has_key(shape) || valid_or_reply(req, check_entry_key, ref->key);
}
