/* core/auth.c — see auth.h. */
#include "core/auth.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const auth_permission_names[] = {
    "universe-datastores.objects:read",
    "universe-datastores.objects:create",
    "universe-datastores.objects:update",
    "universe-datastores.objects:delete",
    "universe-datastores.objects:list",
    "universe-datastores.control:list",
    "universe-datastores.control:delete",
    "universe-datastores.versions:list",
    "universe-datastores.versions:read",
    "universe.ordered-data-store.scope.entry:read",
    "universe.ordered-data-store.scope.entry:write",
};
const int auth_permission_count =
    (int)(sizeof auth_permission_names / sizeof auth_permission_names[0]);

uint32_t auth_permission_bit(const char *name)
{
    for (int i = 0; name && i < auth_permission_count; i++)
        if (!strcmp(auth_permission_names[i], name)) return 1u << i;
    return 0;
}

void auth_scope_all(struct auth_scope *out)
{
    memset(out, 0, sizeof *out);
    out->all_universes = true;
    out->permissions = (1u << auth_permission_count) - 1;
}

static ds_status bad(struct ds_error *err, const char *what)
{
    return ds_fail(err, 400, NULL, "API key: %s.", what);
}

static ds_status parse_universes(struct json_object *v, struct auth_scope *out,
                                 struct ds_error *err)
{
    size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    if (n == 0 || n > AUTH_MAX_UNIVERSES)
        return bad(err, "universes must be an array of 1 to 64 universe ids");
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        errno = 0;
        int64_t u = json_object_is_type(e, json_type_int) ? json_object_get_int64(e) : 0;
        if (errno || u <= 0) return bad(err, "universes must be positive integers");
        out->universes[out->n_universes++] = u;
    }
    return DS_OK;
}

static ds_status parse_datastores(struct json_object *v, struct auth_scope *out,
                                  struct ds_error *err)
{
    size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    if (!json_object_is_type(v, json_type_array) || n > AUTH_MAX_DATASTORES)
        return bad(err, "datastores must be an array of at most 64 data store names");
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        size_t len =
            json_object_is_type(e, json_type_string) ? (size_t)json_object_get_string_len(e) : 0;
        if (len == 0 || len >= AUTH_NAME_MAX || memchr(json_object_get_string(e), '\0', len))
            return bad(err, "datastores must be names of 1 to 50 bytes");
        memcpy(out->datastores[out->n_datastores++], json_object_get_string(e), len + 1);
    }
    return DS_OK;
}

static ds_status parse_permissions(struct json_object *v, struct auth_scope *out,
                                   struct ds_error *err)
{
    size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    if (n == 0 || n > 64) return bad(err, "permissions must be an array of permission names");
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        uint32_t bit = json_object_is_type(e, json_type_string)
                           ? auth_permission_bit(json_object_get_string(e))
                           : 0;
        if (!bit)
            return ds_fail(err, 400, NULL,
                           "API key: unknown permission \"%.80s\" (e.g. "
                           "universe-datastores.objects:read).",
                           json_object_is_type(e, json_type_string) ? json_object_get_string(e)
                                                                    : "?");
        out->permissions |= bit;
    }
    return DS_OK;
}

static bool listed(const char *name, const char *const *names)
{
    for (int i = 0; names && names[i]; i++)
        if (!strcmp(names[i], name)) return true;
    return false;
}

ds_status auth_scope_parse(struct json_object *o, const char *const *also_allowed,
                           struct auth_scope *out, struct ds_error *err)
{
    memset(out, 0, sizeof *out);
    if (!json_object_is_type(o, json_type_object)) return bad(err, "expected a JSON object");
    bool has_universes = false, has_permissions = false;
    json_object_object_foreach(o, name, v)
    {
        ds_status st = DS_OK;
        if (!strcmp(name, "universes")) {
            st = parse_universes(v, out, err);
            has_universes = true;
        } else if (!strcmp(name, "datastores")) {
            st = parse_datastores(v, out, err);
        } else if (!strcmp(name, "permissions")) {
            st = parse_permissions(v, out, err);
            has_permissions = true;
        } else if (!strcmp(name, "description")) {
            size_t len = json_object_is_type(v, json_type_string)
                             ? (size_t)json_object_get_string_len(v)
                             : 0;
            if (!json_object_is_type(v, json_type_string) || len >= AUTH_DESCRIPTION_MAX)
                st = bad(err, "description must be a string of at most 199 bytes");
            else
                snprintf(out->description, sizeof out->description, "%s",
                         json_object_get_string(v));
        } else if (!listed(name, also_allowed)) {
            st = ds_fail(err, 400, NULL,
                         "API key: unknown field \"%.40s\" (universes, datastores, permissions, "
                         "description).",
                         name);
        }
        if (st != DS_OK) return DS_ERR;
    }
    if (!has_universes) return bad(err, "universes is required");
    if (!has_permissions) return bad(err, "permissions is required");
    return DS_OK;
}

struct json_object *auth_scope_to_json(const struct auth_scope *s)
{
    struct json_object *o = json_object_new_object(), *u = json_object_new_array(),
                       *p = json_object_new_array();
    if (!o || !u || !p) {
        json_object_put(o);
        json_object_put(u);
        json_object_put(p);
        return NULL;
    }
    for (int i = 0; i < s->n_universes; i++)
        json_object_array_add(u, json_object_new_int64(s->universes[i]));
    json_object_object_add(o, "universes", u);
    if (s->n_datastores) {
        struct json_object *d = json_object_new_array();
        for (int i = 0; i < s->n_datastores; i++)
            json_object_array_add(d, json_object_new_string(s->datastores[i]));
        json_object_object_add(o, "datastores", d);
    }
    for (int i = 0; i < auth_permission_count; i++)
        if (s->permissions & (1u << i))
            json_object_array_add(p, json_object_new_string(auth_permission_names[i]));
    json_object_object_add(o, "permissions", p);
    if (s->description[0])
        json_object_object_add(o, "description", json_object_new_string(s->description));
    return o;
}

enum auth_verdict auth_scope_allows(const struct auth_scope *s, const char *permission,
                                    int64_t universe, const char *datastore)
{
    if (s->all_universes) return AUTH_ALLOW;
    if (universe) {
        bool found = false;
        for (int i = 0; i < s->n_universes; i++)
            found |= s->universes[i] == universe;
        if (!found) return AUTH_OTHER_UNIVERSE;
    }
    if (permission && !(s->permissions & auth_permission_bit(permission)))
        return AUTH_NO_PERMISSION;
    if (datastore && s->n_datastores) {
        bool found = false;
        for (int i = 0; i < s->n_datastores; i++)
            found |= !strcmp(s->datastores[i], datastore);
        if (!found) return AUTH_OTHER_DATASTORE;
    }
    return AUTH_ALLOW;
}

#define KEY_MAX 512

const char *auth_presented_key(const char *x_api_key, const char *authorization, bool *malformed)
{
    *malformed = false;
    const char *key = x_api_key;
    if (!key && authorization) {
        if (strncasecmp(authorization, "Bearer ", 7) != 0) {
            *malformed = true;
            return NULL;
        }
        key = authorization + 7;
        while (*key == ' ')
            key++;
    }
    if (!key) return NULL;
    size_t len = strnlen(key, KEY_MAX + 1);
    bool ok = len > 0 && len <= KEY_MAX;
    for (size_t i = 0; ok && i < len; i++)
        ok = (unsigned char)key[i] > 0x20 && key[i] != 0x7f;
    if (!ok) {
        *malformed = true;
        return NULL;
    }
    return key;
}
