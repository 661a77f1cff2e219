/* api/ordered.c — one implementation for both ordered wire formats; struct ordered_wire
 * holds what differs (parameter names, JSON member names, path spelling). Values are int64;
 * pages are keyset-paginated on (value, key) with signed page tokens. */
#include "api/ordered.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/listing.h"
#include "api/admission.h"
#include "api/params.h"
#include "core/clock.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "core/ordered_filter.h"
#include "http/reply.h"
#include "http/route.h"
#include "service/ordered.h"

#define ORDERED_MAX_PAGE 100

struct ordered_wire {
    const char *store_path; /* path segment naming ordered stores in "path" */
    const char *page_size;  /* query parameter names */
    const char *page_token;
    const char *order_by;
    const char *allow_missing;
    const char *list_member; /* JSON member holding a page of entries */
    bool round_values;       /* v2: non-integral numbers are rounded; v1: refused */
};

static const struct ordered_wire wire_v1 = {
    "orderedDataStores", "max_page_size", "page_token", "order_by",
    "allow_missing",     "entries",       false};
static const struct ordered_wire wire_v2 = {
    "ordered-data-stores",     "maxPageSize", "pageToken", "orderBy", "allowMissing",
    "orderedDataStoreEntries", true};

static const struct ordered_wire *wire_of(const struct ds_request *req)
{
    return req->route->family == FAMILY_ORDERED_V1 ? &wire_v1 : &wire_v2;
}

static struct json_object *entry_json(const struct ds_request *req, const struct entry_ref *ref,
                                      int64_t value)
{
    char path[512];
    snprintf(path, sizeof path, "universes/%lld/%s/%s/scopes/%s/entries/%s",
             (long long)ref->universe, wire_of(req)->store_path, ref->datastore, ref->scope,
             ref->key);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "path", json_object_new_string(path));
    if (req->route->family == FAMILY_ORDERED_V1) {
        json_object_object_add(o, "id", json_object_new_string(ref->key));
        json_object_object_add(o, "value", json_object_new_int64(value));
    } else {
        json_object_object_add(o, "value", json_object_new_int64(value));
        json_object_object_add(o, "id", json_object_new_string(ref->key));
    }
    return o;
}

/* Reads the integer member `name` of the JSON body; absent → def (or 400 when required). */
static bool body_int_or_reply(struct ds_request *req, const char *name, bool required, int64_t def,
                              int64_t *out)
{
    const char *why = NULL;
    size_t off, len;
    *out = def;
    if (!json_text_valid(req->body, req->body_len, 32, &why)) {
        reply_fail(req, 400, NULL, "The body is not valid JSON: %s.", why ? why : "empty");
        return false;
    }
    if (req->body[strspn(req->body, " \t\r\n")] != '{') {
        reply_fail(req, 400, NULL, "The body must be a JSON object.");
        return false;
    }
    if (!json_text_member(req->body, req->body_len, name, &off, &len)) {
        if (!required) return true;
        reply_fail(req, 400, NULL, "\"%s\" is required.", name);
        return false;
    }
    if (parse_integral(req->body + off, len, out)) return true;
    char num[64];
    double d;
    char *end;
    if (wire_of(req)->round_values && len < sizeof num) {
        memcpy(num, req->body + off, len);
        num[len] = '\0';
        errno = 0;
        d = strtod(num, &end);
        if (!errno && *end == '\0' && isfinite(d) && fabs(d) < 9.2e18) {
            *out = llround(d);
            return true;
        }
    }
    reply_fail(req, 400, NULL, "\"%s\" must be an integer within the 64-bit range.", name);
    return false;
}

void ordered_get(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    struct ordered_result res;
    struct ds_error err;
    if (ordered_read(req->db, &ref, &res, &err) != DS_OK)
        reply_error(req, &err);
    else if (!res.found)
        reply_fail(req, 404, "EntryNotFound", "Entry not found.");
    else
        reply_json(req, 200, entry_json(req, &ref, res.value));
}

void ordered_create(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    int64_t value;
    struct ds_error err;
    if (!body_int_or_reply(req, "value", true, 0, &value)) return;
    struct ordered_result res;
    if (ordered_write(req->ctx, req->db, &ref, ORDERED_CREATE, value, 0, &res, &err) != DS_OK)
        reply_write_failure(req, &err, "ordered", &ref);
    else if (!res.found)
        reply_fail(req, 400, NULL, "Entry already exists."); /* rblx-open-cloud matches this */
    else
        reply_json(req, 200, entry_json(req, &ref, res.value));
}

void ordered_patch(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    int64_t value;
    bool allow_missing;
    if (!bool_query_or_reply(req, wire_of(req)->allow_missing, false, &allow_missing) ||
        !body_int_or_reply(req, "value", true, 0, &value))
        return;
    /* Extension for an atomic UpdateAsync: expectedValue=N writes only while the entry still
     * holds N, expectedValue=none only while there is no entry; otherwise 409. */
    const char *expect = req_query(req, "expectedValue");
    int64_t expected = 0;
    enum ordered_write_op op = allow_missing ? ORDERED_UPSERT : ORDERED_SET;
    if (expect) {
        if (!strcmp(expect, "none")) {
            op = ORDERED_CREATE;
        } else if (parse_decimal(expect, &expected)) {
            op = ORDERED_SET_IF;
        } else {
            reply_fail(req, 400, NULL, "expectedValue must be an integer or none.");
            return;
        }
    }
    struct ordered_result res;
    struct ds_error err;
    if (ordered_write(req->ctx, req->db, &ref, op, value, expected, &res, &err) != DS_OK)
        reply_write_failure(req, &err, "ordered", &ref);
    else if (!res.found && expect)
        reply_fail(req, 409, "PreconditionFailed",
                   "The entry no longer holds expectedValue %s; read it and try again.", expect);
    else if (!res.found)
        reply_fail(req, 404, "EntryNotFound", "Entry not found.");
    else
        reply_json(req, 200, entry_json(req, &ref, res.value));
}

void ordered_increment(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    int64_t amount;
    if (!body_int_or_reply(req, "amount", false, 1, &amount)) return;
    struct ordered_result res;
    struct ds_error err;
    if (ordered_write(req->ctx, req->db, &ref, ORDERED_INCREMENT, amount, 0, &res, &err) != DS_OK)
        reply_write_failure(req, &err, "ordered", &ref);
    else
        reply_json(req, 200, entry_json(req, &ref, res.value));
}

void ordered_delete(struct ds_request *req)
{
    struct entry_ref ref = req->ref;
    bool return_entry; /* extension for RemoveAsync: the removed entry, atomically */
    if (!bool_query_or_reply(req, "returnEntry", false, &return_entry)) return;
    struct ds_error err;
    struct ordered_result res;
    if (ordered_write(req->ctx, req->db, &ref, ORDERED_DELETE, 0, 0, &res, &err) != DS_OK)
        reply_write_failure(req, &err, "ordered", &ref);
    else if (return_entry && res.found)
        reply_json(req, 200, entry_json(req, &ref, res.value));
    else
        reply_json(req, 200, json_object_new_object());
}

/* order_by: v1 "" | "asc" | "desc"; v2 "" | "value" | "value desc". */
static bool order_or_reply(struct ds_request *req, bool *descending)
{
    const struct ordered_wire *w = wire_of(req);
    const char *o = req_query(req, w->order_by);
    *descending = false;
    if (!o || !*o) return true;
    bool v1 = w == &wire_v1;
    if ((v1 && !strcmp(o, "desc")) || (!v1 && !strcmp(o, "value desc"))) {
        *descending = true;
        return true;
    }
    if ((v1 && !strcmp(o, "asc")) || (!v1 && (!strcmp(o, "value") || !strcmp(o, "value asc"))))
        return true;
    reply_fail(req, 400, NULL, "%s must be %s.", w->order_by,
               v1 ? "\"desc\" or omitted" : "\"value\" or \"value desc\"");
    return false;
}

/* What a sorted listing reads. */
struct sorted_listing {
    struct entry_ref ref;
    bool descending;
    struct ordered_bounds bounds;
};

static bool add_sorted(const struct ordered_row *row, void *arg)
{
    struct list_page *page = arg;
    if (!list_page_wants(page)) return true;
    const struct sorted_listing *l = page->arg;
    struct entry_ref e = l->ref;
    e.key = row->key;
    return list_page_add(page, entry_json(page->req, &e, row->value), row->key, NULL, row->value);
}

static ds_status fetch_sorted(struct list_page *page, const struct cursor_pos *after, int rows,
                              struct ds_error *err)
{
    const struct sorted_listing *l = page->arg;
    return ordered_sorted_page(page->req->db, l->ref.universe, l->ref.datastore, l->ref.scope,
                               l->descending, l->bounds.min, l->bounds.max, after->n, after->a,
                               rows, add_sorted, page, err);
}

void ordered_list(struct ds_request *req)
{
    const struct ordered_wire *w = wire_of(req);
    struct sorted_listing l;
    struct ds_error err;
    l.ref = req->ref;
    if (!order_or_reply(req, &l.descending)) return;
    if (ordered_filter_parse(req_query(req, "filter"), &l.bounds, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    char shape[80];
    snprintf(shape, sizeof shape, "%d/%lld/%lld", l.descending, (long long)l.bounds.min,
             (long long)l.bounds.max);
    const char *bound_to[] = {l.ref.datastore, l.ref.scope, shape, NULL};
    struct list_spec spec = {"ordered",
                             w->page_size,
                             10,
                             ORDERED_MAX_PAGE,
                             w->page_token,
                             w->list_member,
                             "nextPageToken",
                             bound_to,
                             NULL,
                             fetch_sorted,
                             &l};
    list_page_run(req, &spec);
}
