/* client_ordered.c — libdatastore's ordered data stores over the Open Cloud v2 routes:
 * get, set (PATCH with allowMissing), increment, remove, and GetSortedAsync pages with
 * direction, page size, inclusive bounds and page tokens. */
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

void dsc_sorted_page_clear(struct dsc_sorted_page *page)
{
    if (!page) return;
    for (size_t i = 0; i < page->count; i++)
        free(page->entries[i].key);
    free(page->entries);
    free(page->next_page_token);
    *page = (struct dsc_sorted_page){0};
}

/* One ordered-entry call; the entry's value goes to *value when the answer is 200. */
static dsc_result ordered_call(dsc_client *c, const struct dsc_store *s, const char *key,
                               const char *method, const char *suffix, const char *body,
                               enum dsc_safety safety, int64_t *value)
{
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    struct dsc_buf path = {0};
    struct dsc_reply reply = {0};
    dsc_v2_entry_path(&path, "ordered-data-stores", s, key);
    dsc_buf_puts(&path, suffix);
    dsc_result rc;
    if (path.failed) {
        rc = dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    } else {
        struct dsc_call call = {.method = method,
                                .path = path.data,
                                .body = body,
                                .body_len = body ? strlen(body) : 0,
                                .safety = safety};
        rc = dsc_send(c, &call, &reply);
    }
    dsc_buf_free(&path);
    if (rc == DSC_OK && reply.status == 404 && strcmp(method, "GET") == 0) {
        dsc_fail_reply(c, &reply);
        rc = c->error.result = DSC_NOT_FOUND;
    } else if (rc == DSC_OK && reply.status != 200) {
        rc = dsc_fail_reply(c, &reply);
    } else if (rc == DSC_OK && value) {
        struct json_object *doc = dsc_reply_json(c, &reply), *v;
        if (!doc) {
            rc = DSC_ERR_PROTOCOL;
        } else if (!json_object_object_get_ex(doc, "value", &v)) {
            rc = dsc_fail(c, DSC_ERR_PROTOCOL, "the ordered entry has no value");
        } else {
            *value = json_object_get_int64(v);
        }
        json_object_put(doc);
    }
    dsc_reply_free(&reply);
    return rc;
}

dsc_result dsc_ordered_get(dsc_client *c, const struct dsc_store *s, const char *key,
                           int64_t *value)
{
    dsc_begin(c);
    int64_t ignored;
    return ordered_call(c, s, key, "GET", "", NULL, DSC_IDEMPOTENT, value ? value : &ignored);
}

dsc_result dsc_ordered_set(dsc_client *c, const struct dsc_store *s, const char *key, int64_t value)
{
    dsc_begin(c);
    char body[64];
    snprintf(body, sizeof body, "{\"value\":%lld}", (long long)value);
    return ordered_call(c, s, key, "PATCH", "?allowMissing=true", body, DSC_IDEMPOTENT, NULL);
}

dsc_result dsc_ordered_increment(dsc_client *c, const struct dsc_store *s, const char *key,
                                 int64_t delta, int64_t *new_value)
{
    dsc_begin(c);
    char body[64];
    snprintf(body, sizeof body, "{\"amount\":%lld}", (long long)delta);
    return ordered_call(c, s, key, "POST", ":increment", body, DSC_UNSAFE, new_value);
}

dsc_result dsc_ordered_remove(dsc_client *c, const struct dsc_store *s, const char *key)
{
    dsc_begin(c);
    return ordered_call(c, s, key, "DELETE", "", NULL, DSC_IDEMPOTENT, NULL);
}

dsc_result dsc_sorted(dsc_client *c, const struct dsc_store *s, const struct dsc_sorted_query *q,
                      struct dsc_sorted_page *page)
{
    dsc_begin(c);
    *page = (struct dsc_sorted_page){0};
    struct dsc_sorted_query none = {0};
    if (!q) q = &none;
    if (!dsc_check_target(c, s, NULL)) return DSC_ERR_INVALID;
    if (q->page_size < 0 || q->page_size > 100)
        return dsc_fail(c, DSC_ERR_INVALID, "the page size must be 1-100");
    if (q->min_value && q->max_value && *q->min_value > *q->max_value)
        return dsc_fail(c, DSC_ERR_INVALID, "the minimum is above the maximum");
    struct dsc_buf path = {0}, filter = {0};
    dsc_v2_entry_path(&path, "ordered-data-stores", s, NULL);
    dsc_buf_puts(&path, q->descending ? "?orderBy=value%20desc" : "?orderBy=value");
    if (q->page_size) dsc_buf_printf(&path, "&maxPageSize=%d", q->page_size);
    if (q->min_value) dsc_buf_printf(&filter, "entry >= %lld", (long long)*q->min_value);
    if (q->max_value)
        dsc_buf_printf(&filter, "%sentry <= %lld", q->min_value ? " && " : "",
                       (long long)*q->max_value);
    if (filter.len) {
        dsc_buf_puts(&path, "&filter=");
        dsc_buf_escaped(&path, filter.data);
    }
    if (q->page_token && q->page_token[0]) {
        dsc_buf_puts(&path, "&pageToken=");
        dsc_buf_escaped(&path, q->page_token);
    }
    bool built = !path.failed && !filter.failed;
    dsc_buf_free(&filter);
    struct dsc_reply reply = {0};
    dsc_result rc = DSC_ERR_NOMEM;
    if (built) {
        struct dsc_call call = {.method = "GET", .path = path.data, .safety = DSC_IDEMPOTENT};
        rc = dsc_send(c, &call, &reply);
    } else {
        dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    }
    dsc_buf_free(&path);
    if (rc == DSC_OK && reply.status != 200) rc = dsc_fail_reply(c, &reply);
    struct json_object *doc = rc == DSC_OK ? dsc_reply_json(c, &reply) : NULL, *items, *token;
    dsc_reply_free(&reply);
    if (rc == DSC_OK && !doc) return DSC_ERR_PROTOCOL;
    if (rc != DSC_OK) return rc;
    if (!json_object_object_get_ex(doc, "orderedDataStoreEntries", &items) ||
        !json_object_is_type(items, json_type_array)) {
        json_object_put(doc);
        return dsc_fail(c, DSC_ERR_PROTOCOL, "the answer has no orderedDataStoreEntries");
    }
    size_t n = json_object_array_length(items);
    page->entries = calloc(n ? n : 1, sizeof *page->entries);
    if (!page->entries) rc = dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == DSC_OK && i < n; i++) {
        struct json_object *e = json_object_array_get_idx(items, i), *v;
        page->entries[i].key =
            dsc_strdup(c, json_object_object_get_ex(e, "id", &v) ? json_object_get_string(v) : "");
        if (json_object_object_get_ex(e, "value", &v))
            page->entries[i].value = json_object_get_int64(v);
        page->count = i + 1;
        if (!page->entries[i].key) rc = DSC_ERR_NOMEM;
    }
    if (rc == DSC_OK && json_object_object_get_ex(doc, "nextPageToken", &token) &&
        json_object_get_string_len(token) > 0) {
        page->next_page_token = dsc_strdup(c, json_object_get_string(token));
        if (!page->next_page_token) rc = DSC_ERR_NOMEM;
    }
    json_object_put(doc);
    if (rc != DSC_OK) dsc_sorted_page_clear(page);
    return rc;
}
