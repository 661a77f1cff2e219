/* api/v2_entries.c — Open Cloud v2 entry handlers. Bodies are DataStoreEntry JSON whose
 * "value" member is stored byte-exact (its raw span); responses are DataStoreEntry objects
 * whose etag is the revision id. */
#include "api/v2_entries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/entry_body.h"
#include "api/listing.h"
#include "api/admission.h"
#include "api/params.h"
#include "api/views.h"
#include "core/clock.h"
#include "core/json_doc.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/entries.h"
#include "service/entry_lists.h"
#include "service/entry_reads.h"

#define V2_ENTRIES_MAX_PAGE 256
#define V2_REVISIONS_MAX_PAGE 100

/* True when the route addressed the entry through scopes/{scope_id}. */
static bool scoped_route(const struct ds_request *req)
{
    return req->scope_in_path;
}

static void reply_outcome(struct ds_request *req, const struct entry_ref *ref,
                          struct write_outcome *out)
{
    struct entry_view v;
    entry_view_of_outcome(out, &v);
    reply_json(req, 200, v2_entry(ref, scoped_route(req), &v, true, false));
}

static void reply_row(struct ds_request *req, const struct entry_ref *ref,
                      const struct entry_row *row)
{
    char version[VERSIONID_LEN + 1];
    entry_row_version(row, version);
    struct entry_view v;
    entry_view_of_row(row, version, clock_now_us(&req->ctx->clock), &v);
    reply_json(req, 200, v2_entry(ref, scoped_route(req), &v, true, false));
}

/* Runs spec against ref and replies with the resulting entry. */
static void write_and_reply(struct ds_request *req, const struct entry_ref *ref,
                            struct write_spec *spec)
{
    struct write_outcome out;
    if (!standard_write_or_reply(req, ref, spec, &out)) return;
    reply_outcome(req, ref, &out);
    write_outcome_free(&out);
}

void v2_create_entry(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    struct entry_body b;
    if (!entry_body_or_reply(req, true, &b)) return;
    struct write_spec spec = {.op = WRITE_SET,
                              .value = b.value,
                              .value_len = b.value_len,
                              .user_ids = b.user_ids,
                              .attributes = b.attributes,
                              .create_only = true};
    write_and_reply(req, &ref, &spec);
    entry_body_free(&b);
}

void v2_patch_entry(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    bool allow_missing;
    if (!bool_query_or_reply(req, "allowMissing", false, &allow_missing)) return;
    struct entry_body b;
    if (!entry_body_or_reply(req, true, &b)) return;
    const char *etag = req_query(req, "etag");
    struct write_spec spec = {.op = WRITE_SET,
                              .value = b.value,
                              .value_len = b.value_len,
                              .user_ids = b.user_ids,
                              .attributes = b.attributes,
                              .if_version = etag && *etag ? etag : b.etag,
                              .must_exist = !allow_missing};
    write_and_reply(req, &ref, &spec);
    entry_body_free(&b);
}

void v2_delete_entry(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    const char *etag = req_query(req, "etag");
    struct write_spec spec = {
        .op = WRITE_REMOVE, .if_version = etag && *etag ? etag : NULL, .must_exist = true};
    struct write_outcome out;
    if (!standard_write_or_reply(req, &ref, &spec, &out)) return;
    write_outcome_free(&out);
    reply_json(req, 200, json_object_new_object());
}

void v2_increment_entry(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    struct entry_body b;
    if (!entry_body_or_reply(req, false, &b)) return;
    int64_t amount = 1;
    size_t off, len;
    if (json_text_member(req->body, req->body_len, "amount", &off, &len) &&
        !parse_integral(req->body + off, len, &amount)) {
        entry_body_free(&b);
        reply_fail(req, 400, NULL, "amount must be an integer.");
        return;
    }
    struct write_spec spec = {.op = WRITE_INCREMENT,
                              .amount = amount,
                              .user_ids = b.user_ids,
                              .attributes = b.attributes};
    write_and_reply(req, &ref, &spec);
    entry_body_free(&b);
}

void v2_update_entry(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    struct json_object *patch = NULL;
    struct ds_error err;
    if (json_doc_parse(req->body, req->body_len, &patch, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (!json_object_is_type(patch, json_type_array)) {
        json_object_put(patch);
        reply_fail(req, 400, NULL, "The body must be a JSON Patch: an array of operations.");
        return;
    }
    const char *etag = req_query(req, "etag");
    struct write_spec spec = {
        .op = WRITE_PATCH, .patch = patch, .if_version = etag && *etag ? etag : NULL};
    write_and_reply(req, &ref, &spec);
    json_object_put(patch);
}

void v2_get_entry(struct ds_request *req)
{
    struct entry_ref ref = req->ref; /* the key without its "@revision" */
    const char *rev = req->revision;
    struct ds_error err;
    struct entry_row row = {0};
    if (!rev || !strcmp(rev, "latest")) {
        if (entry_get_or_reply(req, &ref, &row)) reply_row(req, &ref, &row);
        goto done;
    }
    ds_status st;
    if (!strncmp(rev, "latest:", 7)) {
        int64_t t;
        int64_t limit = clock_now_us(&req->ctx->clock) + 600 * US_PER_SEC;
        if (!rfc3339_parse(rev + 7, &t) || t <= 0 || t > limit) {
            reply_fail(req, 400, "InvalidTimestamp",
                       "@latest:{time} needs an RFC 3339 time after the Unix epoch and at most "
                       "10 minutes in the future.");
            goto done;
        }
        st = entries_version_at(req->db, &ref, t, &row, &err);
    } else {
        int64_t seq;
        if (!versionid_parse(rev, &seq)) {
            reply_fail(req, 400, "InvalidVersionId", "Malformed revision id '%.60s'.", rev);
            goto done;
        }
        st = entries_version_get(req->db, &ref, seq, &row, &err);
        if (st == DS_OK && row.found) {
            char found[VERSIONID_LEN + 1];
            entry_row_version(&row, found);
            if (strcasecmp(found, rev) != 0) row.found = false;
        }
    }
    if (st != DS_OK)
        reply_error(req, &err);
    else if (!row.found)
        reply_fail(req, 404, "VersionNotFound", "No such revision of this entry is retained.");
    else
        reply_row(req, &ref, &row);
done:
    entry_row_clear(&row);
}

/* What v2 lists keys of. */
struct v2_key_listing {
    struct entry_ref ref; /* scope NULL: every scope ("-") */
    const char *prefix;
    bool show_deleted;
};

static bool add_v2_key(const struct key_list_row *row, void *arg)
{
    struct list_page *page = arg;
    if (!list_page_wants(page)) return true;
    const struct v2_key_listing *l = page->arg;
    bool all = !l->ref.scope;
    char path[512], id[160];
    if (all || scoped_route(page->req))
        snprintf(path, sizeof path, "universes/%lld/data-stores/%s/scopes/%s/entries/%s",
                 (long long)l->ref.universe, l->ref.datastore, row->scope, row->key);
    else
        snprintf(path, sizeof path, "universes/%lld/data-stores/%s/entries/%s",
                 (long long)l->ref.universe, l->ref.datastore, row->key);
    if (all)
        snprintf(id, sizeof id, "%s/%s", row->scope, row->key);
    else
        snprintf(id, sizeof id, "%s", row->key);
    struct json_object *e = json_object_new_object();
    if (!e) return false;
    json_object_object_add(e, "path", json_object_new_string(path));
    json_object_object_add(e, "id", json_object_new_string(id));
    return list_page_add(page, e, row->scope, row->key, 0);
}

static ds_status fetch_v2_keys(struct list_page *page, const struct cursor_pos *after, int rows,
                               struct ds_error *err)
{
    const struct v2_key_listing *l = page->arg;
    return entries_list_keys(page->req->db, &l->ref, l->prefix, after->a, after->b, l->show_deleted,
                             rows, add_v2_key, page, err);
}

void v2_list_entries(struct ds_request *req)
{
    struct v2_key_listing l = {0};
    char *prefix = NULL;
    l.ref = req->ref;
    if (!bool_query_or_reply(req, "showDeleted", false, &l.show_deleted) ||
        !starts_with_filter_or_reply(req, &prefix))
        return;
    l.prefix = prefix;
    char flags[8];
    snprintf(flags, sizeof flags, "%d", l.show_deleted);
    const char *bound_to[] = {l.ref.datastore, l.ref.scope, prefix ? prefix : "", flags, NULL};
    struct entry_ref store = l.ref;
    if (strcmp(l.ref.scope, "-") == 0) l.ref.scope = NULL;
    struct list_spec spec = {"v2-entries",
                             "maxPageSize",
                             10,
                             V2_ENTRIES_MAX_PAGE,
                             "pageToken",
                             "dataStoreEntries",
                             "nextPageToken",
                             bound_to,
                             &store,
                             fetch_v2_keys,
                             &l};
    list_page_run(req, &spec);
    free(prefix);
}

/* filter = "revision_create_time >= T [&& revision_create_time <= T]" (either order). */
static bool revision_filter_or_reply(struct ds_request *req, int64_t *start, int64_t *end)
{
    *start = INT64_MIN;
    *end = INT64_MAX;
    const char *f = req_query(req, "filter");
    if (!f || !*f) return true;
    char buf[256];
    if (strlen(f) >= sizeof buf) goto bad;
    snprintf(buf, sizeof buf, "%s", f);
    bool have_start = false, have_end = false;
    char *clause = buf;
    for (int i = 0; clause && i < 2; i++) {
        char *amp = strstr(clause, " && ");
        if (amp) *amp = '\0';
        static const char field[] = "revision_create_time ";
        if (strncmp(clause, field, sizeof field - 1) != 0) goto bad;
        const char *op = clause + sizeof field - 1;
        bool ge = !strncmp(op, ">= ", 3), le = !strncmp(op, "<= ", 3);
        int64_t t;
        if ((!ge && !le) || !rfc3339_parse(op + 3, &t)) goto bad;
        if ((ge && have_start) || (le && have_end)) goto bad;
        if (ge) {
            *start = t;
            have_start = true;
        } else {
            *end = t;
            have_end = true;
        }
        clause = amp ? amp + 4 : NULL;
    }
    if (clause) goto bad;
    return true;
bad:
    reply_fail(req, 400, NULL,
               "Invalid filter: use 'revision_create_time >= T && revision_create_time <= T' "
               "(RFC 3339 times, single spaces, each bound at most once).");
    return false;
}

/* What v2 lists revisions of. */
struct v2_revision_listing {
    struct entry_ref ref;
    int64_t start, end;
};

static bool add_v2_revision(const struct version_list_row *row, void *arg)
{
    struct list_page *page = arg;
    if (!list_page_wants(page)) return true;
    const struct v2_revision_listing *l = page->arg;
    char id[VERSIONID_LEN + 1];
    versionid_format(row->created_us, row->version_seq, row->version_us, id);
    struct entry_view v = {.version = id,
                           .created_us = row->created_us,
                           .version_us = row->version_us,
                           .deleted = row->deleted};
    return list_page_add(page, v2_entry(&l->ref, scoped_route(page->req), &v, false, true), NULL,
                         NULL, row->version_seq);
}

static ds_status fetch_v2_revisions(struct list_page *page, const struct cursor_pos *after,
                                    int rows, struct ds_error *err)
{
    const struct v2_revision_listing *l = page->arg;
    return entries_list_versions(page->req->db, &l->ref, l->start, l->end, true,
                                 after->n ? after->n : INT64_MAX, rows, add_v2_revision, page, err);
}

void v2_list_revisions(struct ds_request *req)
{
    struct v2_revision_listing l;
    l.ref = req->ref;
    if (!revision_filter_or_reply(req, &l.start, &l.end)) return;
    char bounds[64];
    snprintf(bounds, sizeof bounds, "%lld/%lld", (long long)l.start, (long long)l.end);
    const char *bound_to[] = {l.ref.datastore, l.ref.scope, l.ref.key, bounds, NULL};
    struct list_spec spec = {"v2-revisions",
                             "maxPageSize",
                             10,
                             V2_REVISIONS_MAX_PAGE,
                             "pageToken",
                             "dataStoreEntries",
                             "nextPageToken",
                             bound_to,
                             &l.ref,
                             fetch_v2_revisions,
                             &l};
    list_page_run(req, &spec);
}
