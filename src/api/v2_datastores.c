/* api/v2_datastores.c — data store handlers. Deletion is soft: the store answers 404 to
 * entry operations until undeleted, and is purged 30 days after deletion. */
#include "api/v2_datastores.h"

#include <stdlib.h>
#include <string.h>

#include "api/params.h"
#include "api/views.h"
#include "core/clock.h"
#include "core/limits.h"
#include "http/reply.h"
#include "pg/query.h"
#include "store/datastores.h"

#define V2_DATASTORES_MAX_PAGE 100

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
    PGresult *r;
    struct ds_error err;
    ds_status st = store_datastores_list(req->db, req->universe_id, prefix, pos.a, show_deleted,
                                         limit + 1, &r, &err);
    cursor_pos_free(&pos);
    free(prefix);
    if (st != DS_OK) {
        reply_error(req, &err);
        return;
    }
    int n = PQntuples(r);
    struct json_object *list = json_object_new_array();
    for (int i = 0; i < n && i < limit; i++)
        json_object_array_add(list,
                              v2_datastore(req->universe_id, PQgetvalue(r, i, 0), pg_i64(r, i, 1),
                                           !pg_null(r, i, 2), pg_i64(r, i, 2)));
    struct cursor_pos last = {0};
    if (n > limit) last = (struct cursor_pos){PQgetvalue(r, limit - 1, 0), NULL, 0};
    reply_page(req, "dataStores", list, "nextPageToken", "v2-datastores", fp,
               n > limit ? &last : NULL);
    PQclear(r);
}

static void set_deleted(struct ds_request *req, bool deleted)
{
    const char *name = req_param(req, "data_store_id");
    struct ds_error err;
    if (check_datastore_name(name, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    PGresult *r;
    int64_t when = deleted ? clock_now_us(&req->ctx->clock) : -1;
    if (store_datastore_set_deleted(req->db, req->universe_id, name, when, &r, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        reply_fail(req, 404, "DatastoreNotFound", "Datastore not found.");
        return;
    }
    struct json_object *o =
        v2_datastore(req->universe_id, name, pg_i64(r, 0, 1), !pg_null(r, 0, 2), pg_i64(r, 0, 2));
    PQclear(r);
    reply_json(req, 200, o);
}

void v2_delete_datastore(struct ds_request *req)
{
    set_deleted(req, true);
}

void v2_undelete_datastore(struct ds_request *req)
{
    set_deleted(req, false);
}
