/* api/v2_datastores.c — data store handlers. Deletion is soft: the store answers 404 to
 * entry operations until undeleted, and is purged 30 days after deletion. */
#include "api/v2_datastores.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/params.h"
#include "api/views.h"
#include "core/clock.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/datastores.h"

#define V2_DATASTORES_MAX_PAGE 100

/* A page being built: the views of the first limit rows, and whether one more came. */
struct store_page {
    struct json_object *list;
    int64_t universe;
    struct page_rows rows;
};

static bool add_store(const struct datastore_row *row, void *arg)
{
    struct store_page *page = arg;
    if (!page_rows_take(&page->rows, row->name)) return true; /* the extra row */
    struct json_object *d =
        v2_datastore(page->universe, row->name, row->created_us, row->deleted, row->deleted_us);
    return d && json_object_array_add(page->list, d) == 0;
}

void v2_list_datastores(struct ds_request *req)
{
    int limit;
    bool show_deleted;
    char *prefix = NULL;
    if (!page_size_or_reply(req, "maxPageSize", 10, V2_DATASTORES_MAX_PAGE, true, true, &limit) ||
        !bool_query_or_reply(req, "showDeleted", false, &show_deleted) ||
        !starts_with_filter_or_reply(req, &prefix))
        return;
    const char *parts[] = {prefix ? prefix : "", show_deleted ? "1" : "0", NULL};
    uint32_t fp = params_fingerprint(parts);
    struct cursor_pos pos;
    if (!cursor_or_reply(req, "pageToken", "v2-datastores", fp, &pos)) {
        free(prefix);
        return;
    }
    struct store_page page = {json_object_new_array(), req->universe_id, {limit, 0, ""}};
    struct ds_error err;
    ds_status st = page.list ? datastores_list(req->db, req->universe_id, prefix, pos.a,
                                               show_deleted, limit + 1, add_store, &page, &err)
                             : ds_fail(&err, 500, NULL, "Out of memory.");
    cursor_pos_free(&pos);
    free(prefix);
    if (st != DS_OK) {
        json_object_put(page.list);
        reply_error(req, &err);
        return;
    }
    struct cursor_pos last;
    reply_page(req, "dataStores", page.list, "nextPageToken", "v2-datastores", fp,
               page_rows_next(&page.rows, 0, &last));
}

static void set_deleted(struct ds_request *req, bool deleted)
{
    const char *name = req_param(req, "data_store_id");
    struct ds_error err;
    if (check_datastore_name(name, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    int64_t when = deleted ? clock_now_us(&req->ctx->clock) : -1;
    bool found;
    struct datastore_row row;
    if (datastores_set_deleted(req->db, req->universe_id, name, when, &found, &row, &err) !=
        DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (!found) {
        reply_fail(req, 404, "DatastoreNotFound", "Datastore not found.");
        return;
    }
    reply_json(req, 200,
               v2_datastore(req->universe_id, name, row.created_us, row.deleted, row.deleted_us));
}

void v2_delete_datastore(struct ds_request *req)
{
    set_deleted(req, true);
}

void v2_undelete_datastore(struct ds_request *req)
{
    set_deleted(req, false);
}
