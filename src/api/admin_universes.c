/* api/admin_universes.c — GET /admin/v1/universes (universes holding data, paged by id) and
 * GET /admin/v1/universes/{u}/ordered-data-stores (Open Cloud cannot list those): what the
 * web console browses from. */
#include "api/admin_universes.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>

#include "api/listing.h"
#include "api/params.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/universes.h"

#define UNIVERSES_PAGE_DEFAULT 100
#define UNIVERSES_PAGE_MAX 1000

struct universe_page {
    struct json_object *items;
    int64_t last_id;
};

static void add_universe(const struct universe_row *row, void *arg)
{
    struct universe_page *page = arg;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(row->id));
    json_object_object_add(o, "dataStores", json_object_new_int64(row->data_stores));
    json_object_object_add(o, "orderedDataStores", json_object_new_int64(row->ordered_data_stores));
    json_object_array_add(page->items, o);
    page->last_id = row->id;
}

void admin_universes_list(struct ds_request *req)
{
    int limit;
    if (!page_size_or_reply(req, "maxPageSize", UNIVERSES_PAGE_DEFAULT, UNIVERSES_PAGE_MAX, true,
                            true, &limit))
        return;
    int64_t after = 0;
    const char *token = req_query(req, "pageToken");
    if (token && *token && (!parse_decimal(token, &after) || after < 0)) {
        reply_fail(req, 400, NULL, "pageToken must be the nextPageToken of the previous page.");
        return;
    }
    struct universe_page page = {json_object_new_array(), 0};
    struct ds_error err;
    if (!page.items) {
        reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    /* One more than the page: whether there is a next page. */
    if (universes_list(req->db, after, limit + 1, add_universe, &page, &err) != DS_OK) {
        json_object_put(page.items);
        reply_error(req, &err);
        return;
    }
    char next[24] = "";
    if ((int)json_object_array_length(page.items) > limit) {
        json_object_array_del_idx(page.items, (size_t)limit, 1);
        struct json_object *last = json_object_array_get_idx(page.items, (size_t)limit - 1), *id;
        if (json_object_object_get_ex(last, "id", &id))
            snprintf(next, sizeof next, "%" PRId64, json_object_get_int64(id));
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "universes", page.items);
    json_object_object_add(o, "nextPageToken", json_object_new_string(next));
    reply_json(req, 200, o);
}

static void add_ordered_store(const struct ordered_store_row *row, void *arg)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(row->name));
    json_object_object_add(o, "entries", json_object_new_int64(row->entries));
    json_object_array_add(arg, o);
}

void admin_ordered_stores_list(struct ds_request *req)
{
    struct json_object *items = json_object_new_array();
    struct ds_error err;
    if (!items) {
        reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    if (universes_ordered_stores(req->db, req->universe_id, add_ordered_store, items, &err) !=
        DS_OK) {
        json_object_put(items);
        reply_error(req, &err);
        return;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "orderedDataStores", items);
    reply_json(req, 200, o);
}
