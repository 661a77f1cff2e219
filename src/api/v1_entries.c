/* api/v1_entries.c — Open Cloud v1 handlers. Get/Increment/Get Version answer with the raw
 * stored value as the body and metadata in roblox-entry-* headers; Set answers with an
 * EntryVersion; lists page with signed cursors (nextPageCursor "" on the last page). */
#include "api/v1_entries.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/listing.h"
#include "api/admission.h"
#include "api/params.h"
#include "api/views.h"
#include "core/clock.h"
#include "core/digest.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/datastores.h"
#include "service/entries.h"
#include "service/entry_lists.h"
#include "service/entry_reads.h"

#define V1_MAX_PAGE 1000

/* Replies 200 with the row's value as the body and its metadata headers; takes the row. */
static void reply_entry_value(struct ds_request *req, struct entry_row *row)
{
    char version[VERSIONID_LEN + 1];
    struct entry_view v;
    entry_row_version(row, version);
    entry_view_of_row(row, version, clock_now_us(&req->ctx->clock), &v);
    v1_entry_headers(req, &v);
    void (*release)(void *);
    void *owner;
    entry_row_give_value(row, &release, &owner);
    if (owner) /* the value lives in owner: send it without copying */
        reply_owned(req, 200, "application/json", row->value, row->value_len, release, owner);
    else
        reply_raw(req, 200, "application/json", row->value, row->value_len);
}

/* A failed exclusiveCreate / matchVersion: 412 Precondition Failed with the current entry as
 * Get Entry gives it (its value as the body, roblox-entry-* headers), which is what
 * rblx-open-cloud reads into its PreconditionFailed; with no current entry, the error. */
static void reply_precondition_failed(struct ds_request *req, const struct entry_ref *ref,
                                      struct ds_error *err)
{
    bool active;
    struct entry_row row;
    struct ds_error read_err;
    err->http_status = 412;
    err->code = "FAILED_PRECONDITION";
    if (entries_read_current(req->db, ref, &active, &row, &read_err) != DS_OK) {
        reply_error(req, err);
        return;
    }
    if (active && row.found && !row.deleted) {
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
    struct entry_ref ref = req->ref;
    struct entry_row row;
    if (entry_get_or_reply(req, &ref, &row)) reply_entry_value(req, &row);
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
    struct entry_ref ref = req->ref;
    bool exclusive;
    if (!bool_query_or_reply(req, "exclusiveCreate", false, &exclusive)) return;
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
    struct entry_ref ref = req->ref;
    bool return_entry;
    if (!bool_query_or_reply(req, "returnEntry", false, &return_entry)) return;
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
    struct entry_ref ref = req->ref;
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

static bool add_v1_store(const struct datastore_row *row, void *arg)
{
    struct list_page *page = arg;
    if (!list_page_wants(page)) return true;
    struct json_object *d = json_object_new_object();
    if (!d) return false;
    json_object_object_add(d, "name", json_object_new_string(row->name));
    json_object_object_add(d, "createdTime", json_time(row->created_us));
    return list_page_add(page, d, row->name, NULL, 0);
}

static ds_status fetch_v1_stores(struct list_page *page, const struct cursor_pos *after, int rows,
                                 struct ds_error *err)
{
    return datastores_list(page->req->db, page->req->universe_id, page->arg, after->a, false, rows,
                           add_v1_store, page, err);
}

void v1_list_datastores(struct ds_request *req)
{
    const char *prefix = req_query(req, "prefix");
    prefix = prefix ? prefix : "";
    const char *bound_to[] = {prefix, NULL};
    struct list_spec spec = {
        "v1-datastores",  "limit",  1,    V1_MAX_PAGE,     "cursor",      "datastores",
        "nextPageCursor", bound_to, NULL, fetch_v1_stores, (void *)prefix};
    list_page_run(req, &spec);
}

/* What v1 lists keys of. */
struct v1_key_listing {
    struct entry_ref ref; /* scope NULL: every scope */
    const char *prefix;
};

static bool add_v1_key(const struct key_list_row *row, void *arg)
{
    struct list_page *page = arg;
    if (!list_page_wants(page)) return true;
    struct json_object *k = json_object_new_object();
    if (!k) return false;
    json_object_object_add(k, "scope", json_object_new_string(row->scope));
    json_object_object_add(k, "key", json_object_new_string(row->key));
    return list_page_add(page, k, row->scope, row->key, 0);
}

static ds_status fetch_v1_keys(struct list_page *page, const struct cursor_pos *after, int rows,
                               struct ds_error *err)
{
    const struct v1_key_listing *l = page->arg;
    return entries_list_keys(page->req->db, &l->ref, l->prefix, after->a, after->b, true, rows,
                             add_v1_key, page, err);
}

void v1_list_entries(struct ds_request *req)
{
    struct v1_key_listing l;
    bool all_scopes;
    if (!bool_query_or_reply(req, "allScopes", false, &all_scopes)) return;
    l.ref = req->ref;
    /* rbxcloud sends scope (default "global") beside AllScopes=true: allScopes wins. */
    const char *prefix = req_query(req, "prefix");
    l.prefix = prefix ? prefix : "";
    const char *bound_to[] = {l.ref.datastore, all_scopes ? "\x01*" : l.ref.scope, l.prefix, NULL};
    struct entry_ref store = l.ref;
    if (all_scopes) l.ref.scope = NULL;
    struct list_spec spec = {"v1-entries",     "limit",  16,     V1_MAX_PAGE,   "cursor", "keys",
                             "nextPageCursor", bound_to, &store, fetch_v1_keys, &l};
    list_page_run(req, &spec);
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

/* What v1 lists versions of. */
struct v1_version_listing {
    struct entry_ref ref;
    int64_t start, end;
    bool descending;
};

static bool add_v1_version(const struct version_list_row *row, void *arg)
{
    struct list_page *page = arg;
    if (!list_page_wants(page)) return true;
    char id[VERSIONID_LEN + 1];
    versionid_format(row->created_us, row->version_seq, row->version_us, id);
    return list_page_add(
        page,
        v1_entry_version(id, row->deleted, row->content_length, row->version_us, row->created_us),
        NULL, NULL, row->version_seq);
}

static ds_status fetch_v1_versions(struct list_page *page, const struct cursor_pos *after, int rows,
                                   struct ds_error *err)
{
    const struct v1_version_listing *l = page->arg;
    int64_t from = after->n ? after->n : (l->descending ? INT64_MAX : 0);
    return entries_list_versions(page->req->db, &l->ref, l->start, l->end, l->descending, from,
                                 rows, add_v1_version, page, err);
}

void v1_list_versions(struct ds_request *req)
{
    struct v1_version_listing l = {0};
    l.ref = req->ref;
    if (!time_bound_or_reply(req, "startTime", "InvalidStartTime", INT64_MIN, &l.start) ||
        !time_bound_or_reply(req, "endTime", "InvalidEndTime", INT64_MAX, &l.end))
        return;
    const char *order = req_query(req, "sortOrder");
    if (order && *order) {
        if (!strcasecmp(order, "Descending"))
            l.descending = true;
        else if (strcasecmp(order, "Ascending") != 0) {
            reply_fail(req, 400, "InvalidSortOrder", "sortOrder must be Ascending or Descending.");
            return;
        }
    }
    char bounds[64];
    snprintf(bounds, sizeof bounds, "%lld/%lld/%d", (long long)l.start, (long long)l.end,
             l.descending);
    const char *bound_to[] = {l.ref.datastore, l.ref.scope, l.ref.key, bounds, NULL};
    struct list_spec spec = {
        "v1-versions",    "limit",  16,     V1_MAX_PAGE,       "cursor", "versions",
        "nextPageCursor", bound_to, &l.ref, fetch_v1_versions, &l};
    list_page_run(req, &spec);
}

/* The entry address and the version that versionId names, read into *row (the caller
 * clears it). Replies 400 for a malformed id and 404 for a version not retained. */
static bool version_or_reply(struct ds_request *req, struct entry_ref *ref, struct entry_row *row,
                             const char **id, int64_t *seq)
{
    *ref = req->ref;
    *id = req_query(req, "versionId");
    if (!*id || !versionid_parse(*id, seq)) {
        reply_fail(req, 400, "InvalidVersionId", "versionId is missing or malformed.");
        return false;
    }
    struct ds_error err;
    if (entries_version_get(req->db, ref, *seq, row, &err) != DS_OK) {
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
    if (entries_version_delete(req->db, &ref, seq, &deleted, &err) != DS_OK)
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
