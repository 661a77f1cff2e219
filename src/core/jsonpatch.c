/* core/jsonpatch.c — RFC 6902 over json-c documents made by core/json_doc.c. Values taken
 * from the patch are copied so the patch document stays untouched; every container on the
 * way to a change is touched first, so everything else keeps its source bytes. JSON null is
 * json-c's NULL pointer. */
#include "core/jsonpatch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_doc.h"

#define copy_of json_doc_copy

bool json_equal(struct json_object *a, struct json_object *b)
{
    if (!a || !b) return a == b;
    enum json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
    bool na = ta == json_type_int || ta == json_type_double;
    bool nb = tb == json_type_int || tb == json_type_double;
    if (na && nb) {
        if (ta == json_type_int && tb == json_type_int)
            return json_object_get_int64(a) == json_object_get_int64(b);
        return json_object_get_double(a) == json_object_get_double(b);
    }
    if (ta != tb) return false;
    switch (ta) {
    case json_type_boolean:
        return json_object_get_boolean(a) == json_object_get_boolean(b);
    case json_type_string:
        return json_object_get_string_len(a) == json_object_get_string_len(b) &&
               memcmp(json_object_get_string(a), json_object_get_string(b),
                      (size_t)json_object_get_string_len(a)) == 0;
    case json_type_array: {
        size_t n = json_object_array_length(a);
        if (n != json_object_array_length(b)) return false;
        for (size_t i = 0; i < n; i++)
            if (!json_equal(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
                return false;
        return true;
    }
    case json_type_object: {
        if (json_object_object_length(a) != json_object_object_length(b)) return false;
        json_object_object_foreach(a, key, va)
        {
            struct json_object *vb;
            if (!json_object_object_get_ex(b, key, &vb) || !json_equal(va, vb)) return false;
        }
        return true;
    }
    default:
        return true;
    }
}

/* Decodes one reference token (~1 → '/', ~0 → '~') into out (cap bytes). */
static bool decode_token(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (o + 1 >= cap) return false;
        if (s[i] == '~') {
            if (i + 1 >= len || (s[i + 1] != '0' && s[i + 1] != '1')) return false;
            out[o++] = s[i + 1] == '0' ? '~' : '/';
            i++;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return true;
}

/* Array index token: "0" or [1-9][0-9]*; "-" gives len when allow_end. */
static bool parse_index(const char *tok, size_t len, bool allow_end, size_t *idx)
{
    if (allow_end && !strcmp(tok, "-")) {
        *idx = len;
        return true;
    }
    if (!*tok || (tok[0] == '0' && tok[1]) || strlen(tok) > 9) return false;
    size_t v = 0;
    for (const char *p = tok; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (size_t)(*p - '0');
    }
    *idx = v;
    return true;
}

#define TOKEN_MAX 4096

/* Resolves a pointer; *out is borrowed (may be NULL for a JSON null). With touch, every
 * container on the way (the root and the target included) is about to change. */
static bool resolve_ex(struct json_object *root, const char *ptr, struct json_object **out,
                       bool touch)
{
    if (touch) json_doc_touch(root);
    if (*ptr == '\0') {
        *out = root;
        return true;
    }
    if (*ptr != '/') return false;
    struct json_object *cur = root;
    const char *p = ptr;
    char tok[TOKEN_MAX];
    while (*p == '/') {
        const char *next = strchr(p + 1, '/');
        size_t len = next ? (size_t)(next - p - 1) : strlen(p + 1);
        if (!decode_token(p + 1, len, tok, sizeof tok)) return false;
        if (json_object_is_type(cur, json_type_object)) {
            if (!json_object_object_get_ex(cur, tok, &cur)) return false;
        } else if (json_object_is_type(cur, json_type_array)) {
            size_t idx, n = json_object_array_length(cur);
            if (!parse_index(tok, n, false, &idx) || idx >= n) return false;
            cur = json_object_array_get_idx(cur, idx);
        } else {
            return false;
        }
        if (touch) json_doc_touch(cur);
        p += len + 1;
    }
    *out = cur;
    return true;
}

static bool resolve(struct json_object *root, const char *ptr, struct json_object **out)
{
    return resolve_ex(root, ptr, out, false);
}

/* Splits ptr into its parent container (resolved in root, and touched with everything
 * above it: the caller changes it) and decoded last token. */
static bool parent_of(struct json_object *root, const char *ptr, struct json_object **parent,
                      char *last, size_t cap)
{
    const char *slash = strrchr(ptr, '/');
    if (!slash) return false;
    size_t plen = (size_t)(slash - ptr);
    char *pptr = malloc(plen + 1);
    if (!pptr) return false;
    memcpy(pptr, ptr, plen);
    pptr[plen] = '\0';
    bool ok = resolve_ex(root, pptr, parent, true) &&
              decode_token(slash + 1, strlen(slash + 1), last, cap);
    free(pptr);
    return ok && *parent != NULL;
}

/* Adds value (ownership taken) at ptr. */
static ds_status op_add(struct json_object **root, const char *ptr, struct json_object *value,
                        struct ds_error *err)
{
    if (*ptr == '\0') {
        json_object_put(*root);
        *root = value;
        return DS_OK;
    }
    struct json_object *parent;
    char key[TOKEN_MAX];
    if (!parent_of(*root, ptr, &parent, key, sizeof key)) goto bad_path;
    if (json_object_is_type(parent, json_type_object)) {
        if (json_object_object_add(parent, key, value) != 0) goto oom;
        return DS_OK;
    }
    if (json_object_is_type(parent, json_type_array)) {
        size_t n = json_object_array_length(parent), idx;
        if (!parse_index(key, n, true, &idx) || idx > n) goto bad_path;
        if (json_object_array_add(parent, NULL) != 0) goto oom; /* grow by one */
        for (size_t i = n; i > idx; i--)
            json_object_array_put_idx(parent, i,
                                      json_object_get(json_object_array_get_idx(parent, i - 1)));
        json_object_array_put_idx(parent, idx, value);
        return DS_OK;
    }
bad_path:
    json_object_put(value);
    return ds_fail(err, 400, NULL, "JSON Patch: cannot add at \"%.200s\"", ptr);
oom:
    json_object_put(value);
    return ds_fail(err, 500, NULL, "out of memory");
}

/* Removes the value at ptr; if taken is non-NULL, it receives a reference to it. */
static ds_status op_remove(struct json_object *root, const char *ptr, struct json_object **taken,
                           struct ds_error *err)
{
    struct json_object *parent, *victim;
    char key[TOKEN_MAX];
    if (*ptr == '\0' || !resolve(root, ptr, &victim) ||
        !parent_of(root, ptr, &parent, key, sizeof key))
        return ds_fail(err, 400, NULL, "JSON Patch: nothing to remove at \"%.200s\"", ptr);
    if (taken) *taken = json_object_get(victim);
    if (json_object_is_type(parent, json_type_object)) {
        json_object_object_del(parent, key);
    } else {
        size_t idx;
        if (!parse_index(key, json_object_array_length(parent), false, &idx))
            return ds_fail(err, 400, NULL, "JSON Patch: bad index in \"%.200s\"", ptr);
        json_object_array_del_idx(parent, idx, 1);
    }
    return DS_OK;
}

/* Replaces the existing value at ptr in place (object members keep their position). */
static ds_status op_replace(struct json_object *root, const char *ptr, struct json_object *value,
                            struct ds_error *err)
{
    struct json_object *parent, *current;
    char key[TOKEN_MAX];
    size_t idx;
    if (!resolve(root, ptr, &current) || !parent_of(root, ptr, &parent, key, sizeof key)) {
        json_object_put(value);
        return ds_fail(err, 400, NULL, "JSON Patch: nothing to replace at \"%.200s\"", ptr);
    }
    int rc;
    if (json_object_is_type(parent, json_type_object))
        rc = json_object_object_add(parent, key, value);
    else if (parse_index(key, json_object_array_length(parent), false, &idx))
        rc = json_object_array_put_idx(parent, idx, value);
    else
        rc = -1;
    if (rc != 0) {
        json_object_put(value);
        return ds_fail(err, 500, NULL, "out of memory");
    }
    return DS_OK;
}

/* A string member; NULL if absent, not a string, or holding a NUL (a pointer like
 * "/a\u0000b" would otherwise be cut short to "/a"). */
static const char *member_string(struct json_object *op, const char *name, bool *has_nul)
{
    struct json_object *v;
    if (!json_object_object_get_ex(op, name, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    const char *s = json_object_get_string(v);
    if (strlen(s) != (size_t)json_object_get_string_len(v)) {
        *has_nul = true;
        return NULL;
    }
    return s;
}

static ds_status apply_op(struct json_object **doc, struct json_object *op, size_t i,
                          struct ds_error *err)
{
    if (!json_object_is_type(op, json_type_object))
        return ds_fail(err, 400, NULL, "JSON Patch: operation %zu is not an object", i);
    bool has_nul = false;
    const char *name = member_string(op, "op", &has_nul),
               *path = member_string(op, "path", &has_nul);
    const char *from = member_string(op, "from", &has_nul);
    if (has_nul)
        return ds_fail(err, 400, NULL, "JSON Patch: operation %zu has a NUL in op, path or from",
                       i);
    if (!name || !path)
        return ds_fail(err, 400, NULL, "JSON Patch: operation %zu needs string \"op\" and \"path\"",
                       i);
    if (*path && *path != '/')
        return ds_fail(err, 400, NULL, "JSON Patch: path \"%.200s\" must start with '/'", path);
    struct json_object *value = NULL;
    bool has_value = json_object_object_get_ex(op, "value", &value);

    if (!strcmp(name, "add") || !strcmp(name, "replace") || !strcmp(name, "test")) {
        if (!has_value)
            return ds_fail(err, 400, NULL, "JSON Patch: \"%s\" (operation %zu) needs a value", name,
                           i);
        if (!strcmp(name, "test")) {
            struct json_object *cur;
            if (!resolve(*doc, path, &cur) || !json_equal(cur, value))
                return ds_fail(err, 409, "TestFailed",
                               "JSON Patch: test at \"%.200s\" failed (operation %zu)", path, i);
            return DS_OK;
        }
        struct json_object *v = copy_of(value);
        if (value && !v) return ds_fail(err, 500, NULL, "out of memory");
        if (!strcmp(name, "replace") && *path) return op_replace(*doc, path, v, err);
        return op_add(doc, path, v, err);
    }
    if (!strcmp(name, "remove")) {
        if (!*path) return ds_fail(err, 400, NULL, "JSON Patch: the root cannot be removed");
        return op_remove(*doc, path, NULL, err);
    }
    if (!strcmp(name, "move") || !strcmp(name, "copy")) {
        if (!from)
            return ds_fail(err, 400, NULL, "JSON Patch: \"%s\" (operation %zu) needs \"from\"",
                           name, i);
        struct json_object *src;
        if (!resolve(*doc, from, &src))
            return ds_fail(err, 400, NULL, "JSON Patch: nothing at from \"%.200s\"", from);
        if (!strcmp(name, "copy")) {
            struct json_object *v = copy_of(src);
            if (src && !v) return ds_fail(err, 500, NULL, "out of memory");
            return op_add(doc, path, v, err);
        }
        if (!strcmp(from, path)) return DS_OK;
        size_t flen = strlen(from);
        if (!strncmp(path, from, flen) && path[flen] == '/')
            return ds_fail(err, 400, NULL, "JSON Patch: cannot move a value into itself");
        if (!*from) return ds_fail(err, 400, NULL, "JSON Patch: cannot move the root");
        struct json_object *taken = NULL;
        if (op_remove(*doc, from, &taken, err) != DS_OK) return DS_ERR;
        return op_add(doc, path, taken, err);
    }
    return ds_fail(err, 400, NULL, "JSON Patch: unknown op \"%.40s\" (operation %zu)", name, i);
}

ds_status jsonpatch_apply(struct json_object **doc, struct json_object *patch, struct ds_error *err)
{
    if (!json_object_is_type(patch, json_type_array))
        return ds_fail(err, 400, NULL, "A JSON Patch must be a JSON array of operations.");
    struct json_object *work = copy_of(*doc);
    if (*doc && !work) return ds_fail(err, 500, NULL, "out of memory");
    size_t n = json_object_array_length(patch);
    for (size_t i = 0; i < n; i++) {
        if (apply_op(&work, json_object_array_get_idx(patch, i), i, err) != DS_OK) {
            json_object_put(work);
            return DS_ERR;
        }
    }
    json_object_put(*doc);
    *doc = work;
    return DS_OK;
}
