/* api/views.c — see views.h. Stored values and attributes are emitted as their raw stored
 * text (byte-exact), never re-serialized. */
#include "api/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/entries.h"

struct json_object *json_raw(const char *text, size_t len)
{
    struct json_object *o = json_object_new_object();
    char *copy = strndup(text, len);
    if (!o || !copy) {
        json_object_put(o);
        free(copy);
        return NULL;
    }
    json_object_set_serializer(o, json_object_userdata_to_json_string, copy,
                               json_object_free_userdata);
    return o;
}

struct json_object *json_time(int64_t t_us)
{
    char buf[48];
    rfc3339_format(t_us, false, buf, sizeof buf);
    return json_object_new_string(buf);
}

void entry_view_of_row(const struct entry_row *row, const char *version, int64_t now_us,
                       struct entry_view *v)
{
    bool locked = lock_is_live(&row->lock, now_us);
    *v = (struct entry_view){.version = version,
                             .created_us = row->created_us,
                             .version_us = row->version_us,
                             .deleted = row->deleted,
                             .value = row->value,
                             .value_len = row->value_len,
                             .md5 = row->md5,
                             .user_ids = row->user_ids,
                             .attributes = row->attributes,
                             .lock_owner = locked ? row->lock.owner : NULL,
                             .lock_expires_us = locked ? row->lock.expires_us : 0};
}

void entry_view_of_outcome(const struct write_outcome *out, struct entry_view *v)
{
    *v = (struct entry_view){.version = out->version,
                             .created_us = out->created_us,
                             .version_us = out->version_us,
                             .deleted = out->deleted,
                             .value = out->value,
                             .value_len = out->value_len,
                             .md5 = out->md5,
                             .user_ids = out->user_ids,
                             .attributes = out->attributes};
}

void v1_entry_headers(struct ds_request *req, const struct entry_view *v)
{
    char t[48];
    if (v->md5) reply_header(req, "content-md5", v->md5);
    reply_header(req, "roblox-entry-version", v->version);
    rfc3339_format(v->created_us, true, t, sizeof t);
    reply_header(req, "roblox-entry-created-time", t);
    rfc3339_format(v->version_us, true, t, sizeof t);
    reply_header(req, "roblox-entry-version-created-time", t);
    reply_header(req, "roblox-entry-attributes", v->attributes ? v->attributes : "{}");
    reply_header(req, "roblox-entry-userids", v->user_ids ? v->user_ids : "[]");
    if (v->lock_owner) {
        reply_header(req, "x-lock-owner", v->lock_owner);
        rfc3339_format(v->lock_expires_us, false, t, sizeof t);
        reply_header(req, "x-lock-expire-time", t);
    }
}

struct json_object *v1_entry_version(const char *version, bool deleted, int64_t content_length,
                                     int64_t version_us, int64_t created_us)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "version", json_object_new_string(version));
    json_object_object_add(o, "deleted", json_object_new_boolean(deleted));
    json_object_object_add(o, "contentLength", json_object_new_int64(content_length));
    json_object_object_add(o, "createdTime", json_time(version_us));
    json_object_object_add(o, "objectCreatedTime", json_time(created_us));
    return o;
}

/* "[1,2]" → ["users/1","users/2"]. */
static struct json_object *users_array(const char *user_ids)
{
    struct json_object *out = json_object_new_array();
    struct json_object *ids = user_ids ? json_tokener_parse(user_ids) : NULL;
    size_t n = json_object_is_type(ids, json_type_array) ? json_object_array_length(ids) : 0;
    for (size_t i = 0; i < n; i++) {
        char buf[40];
        snprintf(buf, sizeof buf, "users/%lld",
                 (long long)json_object_get_int64(json_object_array_get_idx(ids, i)));
        json_object_array_add(out, json_object_new_string(buf));
    }
    json_object_put(ids);
    return out;
}

struct json_object *v2_entry(const struct entry_ref *ref, bool scoped, const struct entry_view *v,
                             bool with_value, bool revision_suffix)
{
    char path[512], id[128];
    const char *suffix_at = revision_suffix ? "@" : "";
    const char *suffix = revision_suffix ? v->version : "";
    if (scoped)
        snprintf(path, sizeof path, "universes/%lld/data-stores/%s/scopes/%s/entries/%s%s%s",
                 (long long)ref->universe, ref->datastore, ref->scope, ref->key, suffix_at, suffix);
    else
        snprintf(path, sizeof path, "universes/%lld/data-stores/%s/entries/%s%s%s",
                 (long long)ref->universe, ref->datastore, ref->key, suffix_at, suffix);
    snprintf(id, sizeof id, "%s%s%s", ref->key, suffix_at, suffix);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "path", json_object_new_string(path));
    json_object_object_add(o, "createTime", json_time(v->created_us));
    json_object_object_add(o, "revisionId", json_object_new_string(v->version));
    json_object_object_add(o, "revisionCreateTime", json_time(v->version_us));
    json_object_object_add(o, "state", json_object_new_string(v->deleted ? "DELETED" : "ACTIVE"));
    json_object_object_add(o, "etag", json_object_new_string(v->version));
    if (with_value && !v->deleted && v->value)
        json_object_object_add(o, "value", json_raw(v->value, v->value_len));
    json_object_object_add(o, "id", json_object_new_string(id));
    if (v->lock_owner) {
        struct json_object *lock = json_object_new_object();
        json_object_object_add(lock, "owner", json_object_new_string(v->lock_owner));
        json_object_object_add(lock, "expireTime", json_time(v->lock_expires_us));
        json_object_object_add(o, "lock", lock);
    }
    if (with_value && !v->deleted) {
        json_object_object_add(o, "users", users_array(v->user_ids));
        const char *attrs = v->attributes ? v->attributes : "{}";
        json_object_object_add(o, "attributes", json_raw(attrs, strlen(attrs)));
    }
    return o;
}

struct json_object *v2_datastore(int64_t universe, const char *name, int64_t created_us,
                                 bool deleted, int64_t deleted_us)
{
    char path[256];
    snprintf(path, sizeof path, "universes/%lld/data-stores/%s", (long long)universe, name);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "path", json_object_new_string(path));
    json_object_object_add(o, "createTime", json_time(created_us));
    if (deleted) json_object_object_add(o, "expireTime", json_time(deleted_us + RETENTION_US));
    json_object_object_add(o, "state", json_object_new_string(deleted ? "DELETED" : "ACTIVE"));
    json_object_object_add(o, "id", json_object_new_string(name));
    return o;
}
