/* api/v1_entries.c — Open Cloud v1 handlers. Get/Increment/Get Version answer with the raw
 * stored value as the body and metadata in roblox-entry-* headers; Set answers with an
 * EntryVersion; lists page with signed cursors (nextPageCursor "" on the last page). */
#include "api/v1_entries.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/params.h"
#include "api/views.h"
#include "core/clock.h"
#include "core/digest.h"
#include "core/limits.h"
#include "http/reply.h"
#include "pg/query.h"
#include "service/datastores.h"
#include "service/entries.h"

#define V1_MAX_PAGE 1000

static const char *const MSG_DS_NOT_FOUND = "Datastore not found.";
static const char *const MSG_ENTRY_NOT_FOUND = "Entry not found in the datastore.";

/* Replies 200 with the row's value as the body and its metadata headers; takes the row. */
static void reply_entry_value(struct ds_request *req, struct entry_row *row)
{
    char version[VERSIONID_LEN + 1];
    struct entry_view v;
    entry_row_version(row, version);
    entry_view_of_row(row, version, clock_now_us(&req->ctx->clock), &v);
    v1_entry_headers(req, &v);
    if (row->owned_value) { /* computed after the read (view-mode migration) */
        reply_raw(req, 200, "application/json", row->value, row->value_len);
        return;
    }
    PGresult *res = row->res; /* the value lives in res: send it without copying */
    row->res = NULL;
    reply_pgresult(req, 200, "application/json", res, row->value, row->value_len);
}

/* A failed exclusiveCreate / matchVersion: 412 Precondition Failed with the current entry as
 * Get Entry gives it (its value as the body, roblox-entry-* headers), which is what
 * rblx-open-cloud reads into its PreconditionFailed; with no current entry, the error. */
static void reply_precondition_failed(struct ds_request *req, const struct entry_ref *ref,
                                      struct ds_error *err)
{
    enum store_state store;
    struct entry_row row;
    struct ds_error read_err;
    err->http_status = 412;
    err->code = "FAILED_PRECONDITION";
    if (store_entry_read(req->db, ref, false, &store, &row, NULL, &read_err) != DS_OK) {
        reply_error(req, err);
        return;
    }
    if (store == STORE_ACTIVE && row.found && !row.deleted) {
        char version[VERSIONID_LEN + 1];
        struct entry_view v;
        entry_row_version(&row, version);
        entry_view_of_row(&row, version, clock_now_us(&req->ctx->clock), &v);
        v1_entry_headers(req, &v);
        reply_raw(req, 412, "application/json", row.value, row.value_len);
    } else {
        reply_error(req, err);
    }
    entry_row_clear(&row);
}

void v1_get_entry(struct ds_request *req)
{
    struct entry_ref ref;
    if (!v1_ref_or_reply(req, &ref, true)) return;
    enum store_state store;
    struct entry_row row;
    struct ds_error err;
    if (store_entry_read(req->db, &ref, false, &store, &row, NULL, &err) != DS_OK) {
        reply_error(req, &err);
    } else if (store != STORE_ACTIVE) {
        reply_fail(req, 404, "DatastoreNotFound", "%s", MSG_DS_NOT_FOUND);
    } else if (!row.found || row.deleted) {
        reply_fail(req, 404, "EntryNotFound", "%s", MSG_ENTRY_NOT_FOUND);
    } else if (throughput_or_reply(req, &ref, false, row.value_len, false) &&
               read_migrated_or_reply(req, &ref, &row)) {
        reply_entry_value(req, &row);
    }
    entry_row_clear(&row);
}

/* Reads and checks the write body: valid JSON ≤ 4 MiB whose MD5 matches content-md5. */
static bool body_value_or_reply(struct ds_request *req)
{
    struct ds_error err;
    if (check_value(req->body, req->body_len, &err) != DS_OK) {
        reply_error(req, &err);
        return false;
    }
    const char *given = req_header(req, "content-md5");
    if (given && *given) {
        char md5[25];
        md5_base64(req->body, req->body_len, md5);
        if (strcmp(md5, given) != 0) {
            reply_fail(req, 400, "ChecksumMismatch",
                       "content-md5 %.40s does not match the body (MD5 %s).", given, md5);
            return false;
        }
    }
    return true;
}

void v1_set_entry(struct ds_request *req)
{
    struct entry_ref ref;
    bool exclusive;
    if (!v1_ref_or_reply(req, &ref, true) ||
        !bool_query_or_reply(req, "exclusiveCreate", false, &exclusive))
        return;
    const char *match = req_query(req, "matchVersion");
    if (match && !*match) match = NULL;
    if (match && exclusive) {
        reply_fail(req, 400, "ExclusiveCreateAndMatchVersionCannotBeSet",
                   "exclusiveCreate and matchVersion cannot both be set.");
        return;
    }
    char *attributes, *user_ids;
    if (!body_value_or_reply(req) || !v1_metadata_or_reply(req, &attributes, &user_ids)) return;
    struct write_spec spec = {.op = WRITE_SET,
                              .value = req->body,
                              .value_len = req->body_len,
                              .user_ids = user_ids,
                              .attributes = attributes,
                              .if_version = match,
                              .if_absent = exclusive};
    struct write_outcome out;
    struct ds_error err;
    bool replied;
    if (standard_write_checked(req, &ref, &spec, &out, &err, &replied)) {
        reply_json(req, 200,
                   v1_entry_version(out.version, false, (int64_t)out.value_len, out.version_us,
                                    out.created_us));
        write_outcome_free(&out);
    } else if (!replied && err.http_status == 409 && !err.detail && (match || exclusive)) {
        reply_precondition_failed(req, &ref, &err);
    } else if (!replied) {
        reply_write_failure(req, &err, "standard", &ref);
    }
    free(attributes);
    free(user_ids);
}

/* Delete Entry: 204. Extension returnEntry=true (RemoveAsync): the removed value and its
 * key info, read in the delete's own transaction — 200 like Get Entry, or 204 if there was
 * no active entry. */
void v1_delete_entry(struct ds_request *req)
{
    struct entry_ref ref;
    bool return_entry;
    if (!v1_ref_or_reply(req, &ref, true) ||
        !bool_query_or_reply(req, "returnEntry", false, &return_entry))
        return;
    struct write_spec spec = {.op = WRITE_REMOVE};
    struct write_outcome out;
    if (!standard_write_or_reply(req, &ref, &spec, &out)) return;
    const struct removed_entry *r = &out.removed;
    if (return_entry && r->present) {
        struct entry_view v = {.version = r->version,
                               .created_us = r->created_us,
                               .version_us = r->version_us,
                               .value = r->value,
                               .value_len = r->value_len,
                               .md5 = r->md5[0] ? r->md5 : NULL,
                               .user_ids = r->user_ids,
                               .attributes = r->attributes};
        v1_entry_headers(req, &v);
        reply_raw(req, 200, "application/json", r->value, r->value_len);
    } else {
        reply_empty(req, 204);
    }
    write_outcome_free(&out);
}

void v1_increment_entry(struct ds_request *req)
{
    struct entry_ref ref;
    if (!v1_ref_or_reply(req, &ref, true)) return;
    int64_t amount = 1;
    const char *by = req_query(req, "incrementBy");
    if (by && !parse_decimal_integral(by, &amount)) {
        reply_fail(req, 400, NULL, "incrementBy must be an integer, not '%.40s'.", by);
        return;
    }
    char *attributes, *user_ids;
    if (!v1_metadata_or_reply(req, &attributes, &user_ids)) return;
    struct write_spec spec = {
        .op = WRITE_INCREMENT, .amount = amount, .user_ids = user_ids, .attributes = attributes};
    struct write_outcome out;
    if (standard_write_or_reply(req, &ref, &spec, &out)) {
        struct entry_view v;
        entry_view_of_outcome(&out, &v);
        v1_entry_headers(req, &v);
        reply_raw(req, 200, "application/json", out.value, out.value_len);
        write_outcome_free(&out);
    }
    free(attributes);
    free(user_ids);
}

/* A page of {"name","createdTime"} being built, and whether one more row came. */
struct v1_store_page {
    struct json_object *list;
    struct page_rows rows;
};

static bool add_v1_store(const struct datastore_row *row, void *arg)
{
    struct v1_store_page *page = arg;
    if (!page_rows_take(&page->rows, row->name)) return true; /* the extra row */
    struct json_object *d = json_object_new_object();
    if (!d) return false;
    json_object_object_add(d, "name", json_object_new_string(row->name));
    json_object_object_add(d, "createdTime", json_time(row->created_us));
    return json_object_array_add(page->list, d) == 0;
}

void v1_list_datastores(struct ds_request *req)
{
    int limit;
    if (!page_size_or_reply(req, "limit", 1, V1_MAX_PAGE, true, true, &limit)) return;
    const char *prefix = req_query(req, "prefix");
    prefix = prefix ? prefix : "";
    const char *parts[] = {prefix, NULL};
    uint32_t fp = params_fingerprint(parts);
    struct cursor_pos pos;
    if (!cursor_or_reply(req, "cursor", "v1-datastores", fp, &pos)) return;
    struct v1_store_page page = {json_object_new_array(), {limit, 0, ""}};
    struct ds_error err;
    ds_status st = page.list ? datastores_list(req->db, req->universe_id, prefix, pos.a, false,
                                               limit + 1, add_v1_store, &page, &err)
                             : ds_fail(&err, 500, NULL, "Out of memory.");
    cursor_pos_free(&pos);
    if (st != DS_OK) {
        json_object_put(page.list);
        reply_error(req, &err);
        return;
    }
    struct cursor_pos last;
    reply_page(req, "datastores", page.list, "nextPageCursor", "v1-datastores", fp,
               page_rows_next(&page.rows, 0, &last));
}

void v1_list_entries(struct ds_request *req)
{
    struct entry_ref ref;
    bool all_scopes;
    int limit;
    if (!bool_query_or_reply(req, "allScopes", false, &all_scopes) ||
        !v1_ref_or_reply(req, &ref, false) ||
        !page_size_or_reply(req, "limit", 16, V1_MAX_PAGE, true, true, &limit))
        return;
    /* rbxcloud sends scope (default "global") beside AllScopes=true: allScopes wins. */
    const char *prefix = req_query(req, "prefix");
    prefix = prefix ? prefix : "";
    const char *parts[] = {ref.datastore, all_scopes ? "\x01*" : ref.scope, prefix, NULL};
    uint32_t fp = params_fingerprint(parts);
    struct cursor_pos pos;
    if (!cursor_or_reply(req, "cursor", "v1-entries", fp, &pos)) return;
    if (!datastore_active_or_reply(req, &ref)) {
        cursor_pos_free(&pos);
        return;
    }
    PGresult *r;
    struct ds_error err;
    ds_status st =
        store_entries_list(req->db, ref.universe, ref.datastore, all_scopes ? NULL : ref.scope,
                           prefix, pos.a, pos.b, true, limit + 1, &r, &err);
    cursor_pos_free(&pos);
    if (st != DS_OK) {
        reply_error(req, &err);
        return;
    }
    int n = PQntuples(r);
    struct json_object *keys = json_object_new_array();
    for (int i = 0; i < n && i < limit; i++) {
        struct json_object *k = json_object_new_object();
        json_object_object_add(k, "scope", json_object_new_string(PQgetvalue(r, i, 0)));
        json_object_object_add(k, "key", json_object_new_string(PQgetvalue(r, i, 1)));
        json_object_array_add(keys, k);
    }
    struct cursor_pos last = {0};
    if (n > limit)
        last = (struct cursor_pos){PQgetvalue(r, limit - 1, 0), PQgetvalue(r, limit - 1, 1), 0};
    reply_page(req, "keys", keys, "nextPageCursor", "v1-entries", fp, n > limit ? &last : NULL);
    PQclear(r);
}

/* startTime/endTime (RFC 3339) → bounds; absent → open. */
static bool time_bound_or_reply(struct ds_request *req, const char *name, const char *detail,
                                int64_t def, int64_t *out)
{
    const char *v = req_query(req, name);
    *out = def;
    if (!v || !*v) return true;
    if (rfc3339_parse(v, out)) return true;
    reply_fail(req, 400, detail, "%s must be an RFC 3339 date-time.", name);
    return false;
}

void v1_list_versions(struct ds_request *req)
{
    struct entry_ref ref;
    int limit;
    int64_t start, end;
    if (!v1_ref_or_reply(req, &ref, true) ||
        !page_size_or_reply(req, "limit", 16, V1_MAX_PAGE, true, true, &limit) ||
        !time_bound_or_reply(req, "startTime", "InvalidStartTime", INT64_MIN, &start) ||
        !time_bound_or_reply(req, "endTime", "InvalidEndTime", INT64_MAX, &end))
        return;
    const char *order = req_query(req, "sortOrder");
    bool descending = false;
    if (order && *order) {
        if (!strcasecmp(order, "Descending"))
            descending = true;
        else if (strcasecmp(order, "Ascending") != 0) {
            reply_fail(req, 400, "InvalidSortOrder", "sortOrder must be Ascending or Descending.");
            return;
        }
    }
    char bounds[64];
    snprintf(bounds, sizeof bounds, "%lld/%lld/%d", (long long)start, (long long)end, descending);
    const char *parts[] = {ref.datastore, ref.scope, ref.key, bounds, NULL};
    uint32_t fp = params_fingerprint(parts);
    struct cursor_pos pos;
    if (!cursor_or_reply(req, "cursor", "v1-versions", fp, &pos)) return;
    cursor_pos_free(&pos);
    int64_t after = pos.n ? pos.n : (descending ? INT64_MAX : 0);
    if (!datastore_active_or_reply(req, &ref)) return;
    PGresult *r;
    struct ds_error err;
    if (store_versions_list(req->db, &ref, start, end, descending, after, limit + 1, &r, &err) !=
        DS_OK) {
        reply_error(req, &err);
        return;
    }
    int n = PQntuples(r);
    struct json_object *versions = json_object_new_array();
    for (int i = 0; i < n && i < limit; i++) {
        char id[VERSIONID_LEN + 1];
        versionid_format(pg_i64(r, i, 4), pg_i64(r, i, 0), pg_i64(r, i, 1), id);
        json_object_array_add(versions, v1_entry_version(id, pg_bool(r, i, 2), pg_i64(r, i, 3),
                                                         pg_i64(r, i, 1), pg_i64(r, i, 4)));
    }
    struct cursor_pos last = {0};
    if (n > limit) last = (struct cursor_pos){NULL, NULL, pg_i64(r, limit - 1, 0)};
    reply_page(req, "versions", versions, "nextPageCursor", "v1-versions", fp,
               n > limit ? &last : NULL);
    PQclear(r);
}

/* The entry address and the version that versionId names, read into *row (the caller
 * clears it). Replies 400 for a malformed id and 404 for a version not retained. */
static bool version_or_reply(struct ds_request *req, struct entry_ref *ref, struct entry_row *row,
                             const char **id, int64_t *seq)
{
    if (!v1_ref_or_reply(req, ref, true)) return false;
    *id = req_query(req, "versionId");
    if (!*id || !versionid_parse(*id, seq)) {
        reply_fail(req, 400, "InvalidVersionId", "versionId is missing or malformed.");
        return false;
    }
    struct ds_error err;
    if (store_version_get(req->db, ref, *seq, row, &err) != DS_OK) {
        reply_error(req, &err);
        return false;
    }
    char found[VERSIONID_LEN + 1] = "";
    if (row->found) entry_row_version(row, found);
    if (!row->found || strcasecmp(found, *id) != 0) {
        reply_fail(req, 404, "VersionNotFound", "Version %s of this entry is not retained.", *id);
        entry_row_clear(row);
        return false;
    }
    return true;
}

/* Extension (RemoveVersionAsync): deletes one retained version of history for good, with no
 * tombstone. The current version cannot be removed this way (409; use Delete Entry). */
void v1_delete_version(struct ds_request *req)
{
    struct entry_ref ref;
    struct entry_row row;
    const char *id;
    int64_t seq;
    if (!version_or_reply(req, &ref, &row, &id, &seq)) return;
    struct ds_error err;
    bool deleted = false;
    if (store_version_delete(req->db, &ref, seq, &deleted, &err) != DS_OK)
        reply_error(req, &err);
    else if (!deleted)
        reply_fail(req, 409, "CurrentVersion",
                   "Version %s is the entry's current version; remove the entry instead.", id);
    else
        reply_empty(req, 204);
    entry_row_clear(&row);
}

void v1_get_version(struct ds_request *req)
{
    struct entry_ref ref;
    struct entry_row row;
    const char *id;
    int64_t seq;
    if (!version_or_reply(req, &ref, &row, &id, &seq)) return;
    if (row.deleted)
        reply_fail(req, 404, "EntryNotFound", "Version %s is a deletion (tombstone).", id);
    else
        reply_entry_value(req, &row);
    entry_row_clear(&row);
}
