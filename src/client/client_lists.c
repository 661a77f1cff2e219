/* client_lists.c — libdatastore's paged listings over the v1 routes: ListKeysAsync,
 * ListVersionsAsync and ListDataStoresAsync, one page per call with the cursor of the next. */
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

void dsc_key_page_clear(struct dsc_key_page *page)
{
    if (!page) return;
    for (size_t i = 0; i < page->count; i++) {
        free(page->keys[i].scope);
        free(page->keys[i].key);
    }
    free(page->keys);
    free(page->next_cursor);
    *page = (struct dsc_key_page){0};
}

void dsc_version_page_clear(struct dsc_version_page *page)
{
    if (!page) return;
    free(page->versions);
    free(page->next_cursor);
    *page = (struct dsc_version_page){0};
}

void dsc_store_page_clear(struct dsc_store_page *page)
{
    if (!page) return;
    for (size_t i = 0; i < page->count; i++)
        free(page->names[i]);
    free(page->names);
    free(page->created_ms);
    free(page->next_cursor);
    *page = (struct dsc_store_page){0};
}

static void add_paging(struct dsc_buf *path, int limit, const char *cursor)
{
    if (limit > 0) dsc_buf_printf(path, "&limit=%d", limit);
    if (cursor && cursor[0]) {
        dsc_buf_puts(path, "&cursor=");
        dsc_buf_escaped(path, cursor);
    }
}

/* GETs path (freed) and returns the answer's JSON object and its array member named array
 * (borrowed from the object); NULL with the error recorded otherwise. */
static struct json_object *get_page(dsc_client *c, struct dsc_buf *path, const char *array,
                                    struct json_object **items, char **next_cursor)
{
    struct dsc_reply reply = {0};
    struct json_object *doc = NULL;
    dsc_result rc;
    if (path->failed) {
        rc = dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    } else {
        struct dsc_call call = {.method = "GET", .path = path->data, .safety = DSC_IDEMPOTENT};
        rc = dsc_send(c, &call, &reply);
    }
    dsc_buf_free(path);
    if (rc == DSC_OK && reply.status != 200) dsc_fail_reply(c, &reply);
    if (rc == DSC_OK && reply.status == 200) doc = dsc_reply_json(c, &reply);
    dsc_reply_free(&reply);
    if (!doc) return NULL;
    struct json_object *cursor;
    if (!json_object_object_get_ex(doc, array, items) ||
        !json_object_is_type(*items, json_type_array)) {
        json_object_put(doc);
        dsc_fail(c, DSC_ERR_PROTOCOL, "the answer has no \"%s\" array", array);
        return NULL;
    }
    *next_cursor = NULL;
    if (json_object_object_get_ex(doc, "nextPageCursor", &cursor) &&
        json_object_get_string_len(cursor) > 0) {
        *next_cursor = dsc_strdup(c, json_object_get_string(cursor));
        if (!*next_cursor) {
            json_object_put(doc);
            return NULL;
        }
    }
    return doc;
}

static const char *member(struct json_object *o, const char *name)
{
    struct json_object *v;
    return json_object_object_get_ex(o, name, &v) ? json_object_get_string(v) : "";
}

dsc_result dsc_list_keys(dsc_client *c, const struct dsc_store *s, const char *prefix,
                         bool all_scopes, int limit, const char *cursor, struct dsc_key_page *page)
{
    dsc_begin(c);
    *page = (struct dsc_key_page){0};
    if (!dsc_check_target(c, s, NULL)) return DSC_ERR_INVALID;
    struct dsc_buf path = {0};
    dsc_buf_printf(&path,
                   "/datastores/v1/universes/%lld/standard-datastores/datastore/entries"
                   "?datastoreName=",
                   (long long)s->universe);
    dsc_buf_escaped(&path, s->datastore);
    if (all_scopes) {
        dsc_buf_puts(&path, "&allScopes=true");
    } else {
        dsc_buf_puts(&path, "&scope=");
        dsc_buf_escaped(&path, s->scope && s->scope[0] ? s->scope : "global");
    }
    if (prefix && prefix[0]) {
        dsc_buf_puts(&path, "&prefix=");
        dsc_buf_escaped(&path, prefix);
    }
    add_paging(&path, limit, cursor);
    struct json_object *items;
    struct json_object *doc = get_page(c, &path, "keys", &items, &page->next_cursor);
    if (!doc) return c->error.result;
    size_t n = json_object_array_length(items);
    page->keys = calloc(n ? n : 1, sizeof *page->keys);
    dsc_result rc = page->keys ? DSC_OK : dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == DSC_OK && i < n; i++) {
        struct json_object *k = json_object_array_get_idx(items, i);
        page->keys[i].scope = dsc_strdup(c, member(k, "scope"));
        page->keys[i].key = dsc_strdup(c, member(k, "key"));
        page->count = i + 1;
        if (!page->keys[i].scope || !page->keys[i].key) rc = DSC_ERR_NOMEM;
    }
    json_object_put(doc);
    if (rc != DSC_OK) dsc_key_page_clear(page);
    return rc;
}

dsc_result dsc_list_versions(dsc_client *c, const struct dsc_store *s, const char *key,
                             const struct dsc_version_query *q, struct dsc_version_page *page)
{
    dsc_begin(c);
    *page = (struct dsc_version_page){0};
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    struct dsc_version_query none = {0};
    if (!q) q = &none;
    struct dsc_buf path = {0};
    char when[40];
    dsc_v1_entry_path(&path, s, "/entry/versions", key);
    if (q->descending) dsc_buf_puts(&path, "&sortOrder=Descending");
    if (q->min_ms > 0) {
        dsc_format_time_ms(q->min_ms, when, sizeof when);
        dsc_buf_printf(&path, "&startTime=%s", when);
    }
    if (q->max_ms > 0) {
        dsc_format_time_ms(q->max_ms, when, sizeof when);
        dsc_buf_printf(&path, "&endTime=%s", when);
    }
    add_paging(&path, q->limit, q->cursor);
    struct json_object *items;
    struct json_object *doc = get_page(c, &path, "versions", &items, &page->next_cursor);
    if (!doc) return c->error.result;
    size_t n = json_object_array_length(items);
    page->versions = calloc(n ? n : 1, sizeof *page->versions);
    if (!page->versions) {
        json_object_put(doc);
        dsc_version_page_clear(page);
        return dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(items, i), *f;
        struct dsc_version_info *out = &page->versions[i];
        snprintf(out->version, sizeof out->version, "%s", member(v, "version"));
        out->deleted = json_object_object_get_ex(v, "deleted", &f) && json_object_get_boolean(f);
        if (json_object_object_get_ex(v, "contentLength", &f))
            out->content_length = json_object_get_int64(f);
        dsc_parse_time_ms(member(v, "createdTime"), &out->created_ms);
        dsc_parse_time_ms(member(v, "objectCreatedTime"), &out->object_created_ms);
    }
    page->count = n;
    json_object_put(doc);
    return DSC_OK;
}

dsc_result dsc_list_datastores(dsc_client *c, int64_t universe, const char *prefix, int limit,
                               const char *cursor, struct dsc_store_page *page)
{
    dsc_begin(c);
    *page = (struct dsc_store_page){0};
    if (universe <= 0) return dsc_fail(c, DSC_ERR_INVALID, "the universe id must be positive");
    struct dsc_buf path = {0};
    dsc_buf_printf(
        &path, "/datastores/v1/universes/%lld/standard-datastores?prefix=", (long long)universe);
    dsc_buf_escaped(&path, prefix ? prefix : "");
    add_paging(&path, limit, cursor);
    struct json_object *items;
    struct json_object *doc = get_page(c, &path, "datastores", &items, &page->next_cursor);
    if (!doc) return c->error.result;
    size_t n = json_object_array_length(items);
    page->names = calloc(n ? n : 1, sizeof *page->names);
    page->created_ms = calloc(n ? n : 1, sizeof *page->created_ms);
    dsc_result rc =
        page->names && page->created_ms ? DSC_OK : dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == DSC_OK && i < n; i++) {
        struct json_object *d = json_object_array_get_idx(items, i);
        page->names[i] = dsc_strdup(c, member(d, "name"));
        dsc_parse_time_ms(member(d, "createdTime"), &page->created_ms[i]);
        page->count = i + 1;
        if (!page->names[i]) rc = DSC_ERR_NOMEM;
    }
    json_object_put(doc);
    if (rc != DSC_OK) dsc_store_page_clear(page);
    return rc;
}
