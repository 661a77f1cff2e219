/* service/api_keys.c — see api_keys.h. */
#include "service/api_keys.h"

#include <json-c/json.h>

#include "service/keyring.h"
#include "store/api_keys.h"

ds_status api_keys_create(struct ds_ctx *ctx, struct pg_conn *db, const char *key,
                          const struct auth_scope *scope, int64_t now_us, int64_t *id,
                          char prefix[12], struct ds_error *err)
{
    char hash[65];
    keyring_hash_hex(key, hash);
    keyring_prefix(key, prefix);
    struct json_object *scope_json = auth_scope_to_json(scope);
    const char *scope_text =
        scope_json ? json_object_to_json_string_ext(scope_json, JSON_C_TO_STRING_PLAIN) : NULL;
    *id = 0;
    ds_status st = scope_text ? store_api_key_insert(db, hash, prefix, scope_text, now_us, id, err)
                              : ds_fail(err, 500, NULL, "Out of memory.");
    json_object_put(scope_json);
    if (st != DS_OK || !*id) return st;
    return keyring_reload(ctx->keyring, db->conn, err);
}

/* A listing in progress: the caller's view callback. */
struct key_listing {
    api_key_view_fn fn;
    void *arg;
};

static bool view_key(const struct api_key_row *row, void *arg)
{
    const struct key_listing *l = arg;
    struct json_object *doc = json_tokener_parse(row->scope);
    struct auth_scope scope;
    struct ds_error parse_err;
    bool more = true;
    if (auth_scope_parse(doc, NULL, &scope, &parse_err) == DS_OK) {
        struct api_key_view view = {row->id, row->prefix, &scope, row->created_us};
        more = l->fn(&view, l->arg);
    }
    json_object_put(doc);
    return more;
}

ds_status api_keys_list(struct pg_conn *db, api_key_view_fn fn, void *arg, struct ds_error *err)
{
    struct key_listing l = {fn, arg};
    return store_api_keys_each(db->conn, view_key, &l, err);
}

ds_status api_keys_revoke(struct ds_ctx *ctx, struct pg_conn *db, int64_t id, bool *deleted,
                          struct ds_error *err)
{
    if (store_api_key_delete(db, id, deleted, err) != DS_OK) return DS_ERR;
    return keyring_reload(ctx->keyring, db->conn, err);
}
