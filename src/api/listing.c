/* api/listing.c — see listing.h. */
#include "api/listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/params.h"
#include "core/assert.h"
#include "core/digest.h"
#include "core/limits.h"
#include "http/reply.h"

bool page_size_or_reply(struct ds_request *req, const char *name, int def, int max, bool coerce,
                        bool zero_is_default, int *out)
{
    const char *v = req_query(req, name);
    if (!v || !*v) {
        *out = def;
        return true;
    }
    int64_t n;
    if (!parse_decimal(v, &n) || n < 0 || n > INT32_MAX || (n == 0 && !zero_is_default)) {
        reply_fail(req, 400, NULL, "%s must be a positive integer.", name);
        return false;
    }
    if (n == 0) n = def;
    if (n > max) {
        if (!coerce) {
            reply_fail(req, 400, NULL, "%s must be at most %d.", name, max);
            return false;
        }
        n = max;
    }
    *out = (int)n;
    return true;
}

/* What a cursor is bound to: the listing's parameters and the universe of the request that
 * got it (a token issued for universe 43 is refused on universe 42). */
static uint32_t cursor_binding(const struct ds_request *req, const char *const *parts)
{
    uint32_t h = 0;
    for (size_t i = 0; parts[i]; i++) {
        h = fnv1a32(h, parts[i], strlen(parts[i]));
        h = fnv1a32(h, "\x1f", 1);
    }
    char u[24];
    int n = snprintf(u, sizeof u, "%lld", (long long)req->universe_id);
    return fnv1a32(h, u, (size_t)n);
}

bool list_page_wants(struct list_page *page)
{
    return ++page->seen <= page->limit;
}

bool list_page_add(struct list_page *page, struct json_object *item, const char *a, const char *b,
                   int64_t n)
{
    DS_ASSERT(page->seen <= page->limit);
    if (!item) return false;
    if (json_object_array_add(page->items, item) != 0) {
        json_object_put(item);
        return false;
    }
    page->has_a = a != NULL;
    page->has_b = b != NULL;
    snprintf(page->last_a, sizeof page->last_a, "%s", a ? a : "");
    snprintf(page->last_b, sizeof page->last_b, "%s", b ? b : "");
    page->last_n = n;
    return true;
}

/* Replies 200 with {items_member: items, token_member: next}, next being "" on the last
 * page. Takes page->items. */
static void reply_listing(struct ds_request *req, const struct list_spec *spec,
                          struct list_page *page, uint32_t binding)
{
    char *next = NULL;
    if (page->seen > page->limit) {
        struct cursor_pos last = {page->has_a ? page->last_a : NULL,
                                  page->has_b ? page->last_b : NULL, page->last_n};
        next = cursor_encode(req->ctx->cursor_key, spec->kind, binding, &last);
        if (!next) { /* an empty token would say "last page" and silently cut the list */
            json_object_put(page->items);
            reply_fail(req, 500, NULL, "Cannot issue the next page token.");
            return;
        }
    }
    struct json_object *o = json_object_new_object();
    if (!o) {
        free(next);
        json_object_put(page->items);
        reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    json_object_object_add(o, spec->items_member, page->items);
    json_object_object_add(o, spec->token_member, json_object_new_string(next ? next : ""));
    free(next);
    reply_json(req, 200, o);
}

void list_page_run(struct ds_request *req, const struct list_spec *spec)
{
    struct list_page page = {.req = req, .arg = spec->arg};
    if (!page_size_or_reply(req, spec->size_param, spec->size_default, spec->size_max, true, true,
                            &page.limit))
        return;
    uint32_t binding = cursor_binding(req, spec->bound_to);
    struct cursor_pos after = {0};
    struct ds_error err;
    const char *token = req_query(req, spec->cursor_param);
    if (token && *token &&
        cursor_decode(req->ctx->cursor_key, spec->kind, binding, token, &after, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (spec->store && !datastore_active_or_reply(req, spec->store)) {
        cursor_pos_free(&after);
        return;
    }
    page.items = json_object_new_array();
    /* One row more than the page: whether a next page exists. */
    ds_status st = page.items ? spec->fetch(&page, &after, page.limit + 1, &err)
                              : ds_fail(&err, 500, NULL, "Out of memory.");
    cursor_pos_free(&after);
    if (st != DS_OK) {
        json_object_put(page.items);
        reply_error(req, &err);
        return;
    }
    reply_listing(req, spec, &page, binding);
}
