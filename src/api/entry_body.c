/* api/entry_body.c — parsing DataStoreEntry-shaped request bodies (v2 create/patch/increment,
 * :unlock with a final value): the raw span of "value", users, attributes, etag. */
#include "api/entry_body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_text.h"
#include "core/limits.h"
#include "http/reply.h"

/* ["users/1", ...] (or bare integers) → canonical "[1,...]" (NULL member → "[]"). */
static ds_status users_from_json(struct json_object *users, char **out, struct ds_error *err)
{
    *out = NULL;
    if (!users) return parse_user_ids(NULL, out, err);
    if (!json_object_is_type(users, json_type_array))
        return ds_fail(err, 400, "InvalidUserIds", "users must be an array of \"users/{id}\".");
    size_t n = json_object_array_length(users);
    if (n > LIMIT_USER_IDS)
        return ds_fail(err, 400, "InvalidUserIds", "At most %d users are allowed.", LIMIT_USER_IDS);
    char buf[160] = "[";
    size_t used = 1;
    for (size_t i = 0; i < n; i++) {
        struct json_object *u = json_object_array_get_idx(users, i);
        const char *s = json_object_get_string(u);
        if (json_object_is_type(u, json_type_string) && s && !strncmp(s, "users/", 6)) s += 6;
        int64_t id;
        if (!s || !parse_decimal(s, &id) || id <= 0 || json_object_is_type(u, json_type_boolean))
            return ds_fail(err, 400, "InvalidUserIds", "users[%zu] is not \"users/{id}\".", i);
        used +=
            (size_t)snprintf(buf + used, sizeof buf - used, "%s%lld", i ? "," : "", (long long)id);
    }
    snprintf(buf + used, sizeof buf - used, "]");
    *out = strdup(buf);
    return *out ? DS_OK : ds_fail(err, 500, NULL, "out of memory");
}

void entry_body_free(struct entry_body *b)
{
    json_object_put(b->doc);
    free(b->user_ids);
    free(b->attributes);
    memset(b, 0, sizeof *b);
}

bool entry_body_or_reply(struct ds_request *req, bool need_value, struct entry_body *b)
{
    struct ds_error err;
    memset(b, 0, sizeof *b);
    const char *why = NULL;
    if (!json_text_valid(req->body, req->body_len, LIMIT_JSON_DEPTH, &why)) {
        reply_fail(req, 400, "ContentNotJson", "The body is not valid JSON: %s.", why);
        return false;
    }
    struct json_tokener *tok = json_tokener_new_ex(LIMIT_JSON_DEPTH + 1);
    b->doc = tok ? json_tokener_parse_ex(tok, req->body, (int)req->body_len) : NULL;
    json_tokener_free(tok);
    if (!json_object_is_type(b->doc, json_type_object)) {
        entry_body_free(b);
        reply_fail(req, 400, NULL, "The body must be a DataStoreEntry JSON object.");
        return false;
    }
    size_t off, len;
    if (json_text_member(req->body, req->body_len, "value", &off, &len)) {
        b->value = req->body + off;
        b->value_len = len;
        if (check_value(b->value, b->value_len, &err) != DS_OK) goto fail;
    } else if (need_value) {
        ds_fail(&err, 400, NULL, "The entry's value is required.");
        goto fail;
    }
    struct json_object *users = NULL, *attrs = NULL, *etag = NULL;
    json_object_object_get_ex(b->doc, "users", &users);
    if (users_from_json(users, &b->user_ids, &err) != DS_OK) goto fail;
    if (json_object_object_get_ex(b->doc, "attributes", &attrs) && attrs) {
        if (!json_object_is_type(attrs, json_type_object) ||
            !json_text_member(req->body, req->body_len, "attributes", &off, &len)) {
            ds_fail(&err, 400, "InvalidAttributes", "attributes must be a JSON object.");
            goto fail;
        }
        char *text = strndup(req->body + off, len); /* the attributes' own bytes */
        if (!text) {
            ds_fail(&err, 500, NULL, "out of memory");
            goto fail;
        }
        ds_status st = parse_attributes(text, &b->attributes, &err);
        free(text);
        if (st != DS_OK) goto fail;
    } else if (parse_attributes(NULL, &b->attributes, &err) != DS_OK) {
        goto fail;
    }
    if (json_object_object_get_ex(b->doc, "etag", &etag) &&
        json_object_is_type(etag, json_type_string) && json_object_get_string_len(etag) > 0)
        b->etag = json_object_get_string(etag);
    return true;
fail:
    entry_body_free(b);
    reply_error(req, &err);
    return false;
}
