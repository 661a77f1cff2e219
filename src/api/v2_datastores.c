/* api/v2_datastores.c — data store handlers. Deletion is soft: the store answers 404 to
 * entry operations until undeleted, and is purged 30 days after deletion. */
#include "api/v2_datastores.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/listing.h"
#include "api/params.h"
#include "api/views.h"
#include "core/clock.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/datastores.h"

#define V2_DATASTORES_MAX_PAGE 100

/* What a v2 data store listing reads. */
struct v2_store_listing {
    const char *prefix;
    bool show_deleted;
};

static bool add_store(const struct datastore_row *row, void *arg)
{
    struct list_page *page = arg;
    if (!list_page_wants(page)) return true;
    struct json_object *d = v2_datastore(page->req->universe_id, row->name, row->created_us,
                                         row->deleted, row->deleted_us);
    return list_page_add(page, d, row->name, NULL, 0);
}

static ds_status fetch_stores(struct list_page *page, const struct cursor_pos *after, int rows,
                              struct ds_error *err)
{
    const struct v2_store_listing *l = page->arg;
    return datastores_list(page->req->db, page->req->universe_id, l->prefix, after->a,
                           l->show_deleted, rows, add_store, page, err);
}

void v2_list_datastores(struct ds_request *req)
{
    struct v2_store_listing l = {0};
    char *prefix = NULL;
    if (!bool_query_or_reply(req, "showDeleted", false, &l.show_deleted) ||
        !starts_with_filter_or_reply(req, &prefix))
        return;
    l.prefix = prefix;
    const char *bound_to[] = {prefix ? prefix : "", l.show_deleted ? "1" : "0", NULL};
    struct list_spec spec = {
        "v2-datastores", "maxPageSize", 10,   V2_DATASTORES_MAX_PAGE, "pageToken", "dataStores",
        "nextPageToken", bound_to,      NULL, fetch_stores,           &l};
    list_page_run(req, &spec);
    free(prefix);
}

static void set_deleted(struct ds_request *req, bool deleted)
{
    const char *name = req->ref.datastore; /* validated by the address stage */
    struct ds_error err;
    int64_t when = deleted ? clock_now_us(&req->ctx->clock) : -1;
    bool found;
    struct datastore_row row;
    if (datastores_set_deleted(req->ctx, req->db, req->universe_id, name, when, &found, &row,
                               &err) != DS_OK) {
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
