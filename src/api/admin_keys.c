/* api/admin_keys.c — see admin_keys.h: parses and shows keys; service/api_keys.c stores,
 * lists and revokes them (and reloads this instance's keyring before answering). */
#include "api/admin_keys.h"

#include <errno.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "api/params.h"
#include "api/views.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/digest.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/api_keys.h"

/* {"id","keyPrefix",scope…,"createTime"}; NULL on OOM. */
static struct json_object *key_view(int64_t id, const char *prefix, const struct auth_scope *scope,
                                    int64_t created_us)
{
    struct json_object *o = json_object_new_object(), *s = auth_scope_to_json(scope);
    if (!o || !s) {
        json_object_put(o);
        json_object_put(s);
        return NULL;
    }
    json_object_object_add(o, "id", json_object_new_int64(id));
    json_object_object_add(o, "keyPrefix", json_object_new_string(prefix));
    json_object_object_foreach(s, name, v) json_object_object_add(o, name, json_object_get(v));
    json_object_put(s);
    json_object_object_add(o, "createTime", json_time(created_us));
    return o;
}

/* The key: the body's "key" (16 to 512 printable ASCII characters) or a new random one. */
static bool key_text_or_reply(struct ds_request *req, struct json_object *doc, char *out,
                              size_t cap)
{
    struct json_object *given = NULL;
    if (!json_object_object_get_ex(doc, "key", &given)) {
        unsigned char raw[32];
        char *b64 = RAND_bytes(raw, sizeof raw) == 1 ? base64url_encode(raw, sizeof raw) : NULL;
        if (!b64) {
            reply_fail(req, 500, NULL, "No randomness for a new key.");
            return false;
        }
        snprintf(out, cap, "dsk_%s", b64);
        free(b64);
        return true;
    }
    const char *s =
        json_object_is_type(given, json_type_string) ? json_object_get_string(given) : "";
    size_t len = strlen(s);
    bool ok =
        len >= 16 && len < cap && len <= 512 && (size_t)json_object_get_string_len(given) == len;
    for (size_t i = 0; ok && i < len; i++)
        ok = s[i] > 0x20 && s[i] < 0x7f;
    if (!ok) {
        reply_fail(req, 400, NULL, "API key: key must be 16 to 512 printable ASCII characters.");
        return false;
    }
    memcpy(out, s, len + 1);
    return true;
}

void admin_keys_create(struct ds_request *req)
{
    struct json_object *doc;
    if (!body_object_or_reply(req, &doc)) return;
    static const char *const also[] = {"key", NULL};
    struct auth_scope scope;
    struct ds_error err;
    char key[520];
    if (auth_scope_parse(doc, also, &scope, &err) != DS_OK) {
        json_object_put(doc);
        reply_error(req, &err);
        return;
    }
    bool have_key = key_text_or_reply(req, doc, key, sizeof key);
    json_object_put(doc);
    if (!have_key) return;

    char prefix[12];
    int64_t now = clock_now_us(&req->ctx->clock), id = 0;
    ds_status st = api_keys_create(req->ctx, req->db, key, &scope, now, &id, prefix, &err);
    if (st == DS_OK && !id) {
        explicit_bzero(key, sizeof key);
        reply_fail(req, 409, NULL, "This key already exists.");
        return;
    }
    if (st != DS_OK) {
        explicit_bzero(key, sizeof key);
        reply_error(req, &err);
        return;
    }
    struct json_object *o = key_view(id, prefix, &scope, now);
    if (o) json_object_object_add(o, "key", json_object_new_string(key)); /* shown once */
    explicit_bzero(key, sizeof key);
    reply_json(req, 200, o);
}

static bool add_key_view(const struct api_key_view *key, void *arg)
{
    struct json_object *k = key_view(key->id, key->prefix, key->scope, key->created_us);
    return k && json_object_array_add(arg, k) == 0;
}

void admin_keys_list(struct ds_request *req)
{
    struct ds_error err;
    struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
    if (!o || !arr || api_keys_list(req->db, add_key_view, arr, &err) != DS_OK) {
        json_object_put(o);
        json_object_put(arr);
        if (o && arr)
            reply_error(req, &err);
        else
            reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    json_object_object_add(o, "apiKeys", arr);
    reply_json(req, 200, o);
}

void admin_key_delete(struct ds_request *req)
{
    const char *s = req_param(req, "key_id");
    int64_t id;
    if (!parse_decimal(s, &id) || id <= 0) {
        reply_fail(req, 400, NULL, "An API key id is a positive integer.");
        return;
    }
    bool deleted;
    struct ds_error err;
    if (api_keys_revoke(req->ctx, req->db, id, &deleted, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (!deleted)
        reply_fail(req, 404, NULL, "There is no API key %lld.", (long long)id);
    else
        reply_json(req, 200, json_object_new_object());
}
