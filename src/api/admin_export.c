/* api/admin_export.c — GET /admin/v1/export?universe=N[&datastore=NAME][&versions=true]:
 * one JSON document, streamed. The response is produced on demand by libmicrohttpd's
 * content reader: each call pages 200 entries (keyset order) out of one REPEATABLE READ
 * transaction on a connection held for the stream, so memory stays flat however large the
 * universe is, and the document is a consistent snapshot. Values, metadata and version ids
 * are written byte-exact as stored.
 *
 * {"format":"datastored-export","formatVersion":1,"universe":N,"exportTime":…,
 *  "dataStores":[{"name","createdTime","entries":[{"scope","key","createdTime","version",
 *     "versionSeq","versionTime","value","users","attributes","versions"?:[{"versionSeq",
 *     "versionTime","supersededTime","deleted","value","users","attributes"}]}]}],
 *  "orderedDataStores":[{"name","entries":[{"scope","key","value"}]}]} */
#include "api/admin_transfer.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/params.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/versionid.h"
#include "http/reply.h"
#include "log.h"
#include "service/transfer.h"

#define PAGE 200

enum phase { P_STORES, P_ENTRIES, P_ORDERED_STORES, P_ORDERED, P_TAIL, P_DONE };

struct export_stream {
    struct ds_ctx *ctx;
    struct export_snapshot snap; /* its connection is held for the whole stream */
    int64_t universe;
    char *only; /* datastore filter, or NULL */
    bool versions;
    enum phase phase;
    struct store_names {
        char **names;
        int64_t *created_us;
        int n, cap;
    } stores; /* of the kind being exported; listed once per kind */
    bool listed;
    int store_i;
    char *after_scope, *after_key; /* keyset position in the current store */
    int page_rows;                 /* rows of the page being read */
    bool first_entry;
    char *buf; /* output not yet handed to libmicrohttpd */
    size_t len, cap, off;
    bool oom;
};

static void put(struct export_stream *x, const char *s, size_t n)
{
    if (x->oom) return;
    if (x->len + n > x->cap) {
        size_t cap = x->cap ? x->cap : 65536;
        while (cap < x->len + n)
            cap *= 2;
        char *nb = realloc(x->buf, cap);
        if (!nb) {
            x->oom = true;
            return;
        }
        x->buf = nb;
        x->cap = cap;
    }
    memcpy(x->buf + x->len, s, n);
    x->len += n;
}

static void puts_(struct export_stream *x, const char *s)
{
    put(x, s, strlen(s));
}

static void put_string(struct export_stream *x, const char *s)
{
    struct json_object *o = json_object_new_string(s);
    size_t n = 0;
    const char *t =
        o ? json_object_to_json_string_length(o, JSON_C_TO_STRING_NOSLASHESCAPE, &n) : NULL;
    if (t)
        put(x, t, n);
    else
        x->oom = true;
    json_object_put(o);
}

static void put_time(struct export_stream *x, int64_t t)
{
    char buf[48];
    rfc3339_format(t, false, buf, sizeof buf);
    put(x, "\"", 1);
    puts_(x, buf);
    put(x, "\"", 1);
}

static void put_member(struct export_stream *x, const char *name)
{
    put(x, ",\"", 2);
    puts_(x, name);
    put(x, "\":", 2);
}

static void put_i64(struct export_stream *x, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    puts_(x, buf);
}

static bool set_after(struct export_stream *x, const char *scope, const char *key)
{
    free(x->after_scope);
    free(x->after_key);
    x->after_scope = strdup(scope);
    x->after_key = strdup(key);
    return x->after_scope && x->after_key;
}

static bool put_version(const struct export_version_row *v, void *arg)
{
    struct export_stream *x = arg;
    puts_(x, x->page_rows++ ? ",{\"versionSeq\":" : "{\"versionSeq\":");
    put_i64(x, v->version_seq);
    put_member(x, "versionTime");
    put_time(x, v->version_us);
    put_member(x, "supersededTime");
    put_time(x, v->superseded_us);
    put_member(x, "deleted");
    puts_(x, v->deleted ? "true" : "false");
    put_member(x, "value");
    if (v->value)
        put(x, v->value, v->value_len);
    else
        puts_(x, "null");
    put_member(x, "users");
    puts_(x, v->user_ids);
    put_member(x, "attributes");
    puts_(x, v->attributes);
    puts_(x, "}");
    return !x->oom;
}

static const char *current_store(const struct export_stream *x)
{
    return x->stores.names[x->store_i];
}

/* Counts a row of the page and starts its object: {"scope":…,"key":… */
static void open_entry(struct export_stream *x, const char *scope, const char *key)
{
    x->page_rows++;
    puts_(x, x->first_entry ? "{\"scope\":" : ",{\"scope\":");
    x->first_entry = false;
    put_string(x, scope);
    put_member(x, "key");
    put_string(x, key);
}

static bool put_entry(const struct export_entry_row *e, void *arg)
{
    struct export_stream *x = arg;
    char version[VERSIONID_LEN + 1];
    versionid_format(e->created_us, e->version_seq, e->version_us, version);
    open_entry(x, e->scope, e->key);
    put_member(x, "createdTime");
    put_time(x, e->created_us);
    put_member(x, "version");
    put_string(x, version);
    put_member(x, "versionSeq");
    put_i64(x, e->version_seq);
    put_member(x, "versionTime");
    put_time(x, e->version_us);
    put_member(x, "value");
    put(x, e->value, e->value_len);
    put_member(x, "users");
    puts_(x, e->user_ids);
    put_member(x, "attributes");
    puts_(x, e->attributes);
    if (x->versions) {
        struct ds_error err;
        int rows = x->page_rows;
        x->page_rows = 0;
        puts_(x, ",\"versions\":[");
        if (export_versions(&x->snap, x->universe, current_store(x), e->scope, e->key, put_version,
                            x, &err) != DS_OK)
            return false;
        puts_(x, "]");
        x->page_rows = rows;
    }
    puts_(x, "}");
    return !x->oom && set_after(x, e->scope, e->key);
}

static bool put_ordered_entry(const struct export_ordered_row *e, void *arg)
{
    struct export_stream *x = arg;
    open_entry(x, e->scope, e->key);
    put_member(x, "value");
    puts_(x, e->value);
    puts_(x, "}");
    return !x->oom && set_after(x, e->scope, e->key);
}

/* One page of the current store's entries; a short page ends the store. */
static bool entries_page(struct export_stream *x, bool ordered)
{
    struct ds_error err;
    x->page_rows = 0;
    ds_status st = ordered ? export_ordered(&x->snap, x->universe, current_store(x), x->after_scope,
                                            x->after_key, PAGE, put_ordered_entry, x, &err)
                           : export_entries(&x->snap, x->universe, current_store(x), x->after_scope,
                                            x->after_key, PAGE, put_entry, x, &err);
    if (st != DS_OK) return false;
    if (x->page_rows < PAGE) { /* this store is done */
        puts_(x, "]}");
        x->store_i++;
        x->phase = ordered ? P_ORDERED_STORES : P_STORES;
    }
    return true;
}

static void forget_stores(struct store_names *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    free(s->created_us);
    memset(s, 0, sizeof *s);
}

static bool add_store_name(const struct export_store_row *row, void *arg)
{
    struct store_names *s = arg;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        char **names = realloc(s->names, (size_t)cap * sizeof *names);
        if (!names) return false;
        s->names = names;
        int64_t *created = realloc(s->created_us, (size_t)cap * sizeof *created);
        if (!created) return false;
        s->created_us = created;
        s->cap = cap;
    }
    if (!(s->names[s->n] = strdup(row->name))) return false;
    s->created_us[s->n++] = row->created_us;
    return true;
}

/* Starts the next store of the list (or moves on when there is none). */
static bool next_store(struct export_stream *x, bool ordered)
{
    if (!x->listed) {
        struct ds_error err;
        if (export_stores(&x->snap, x->universe, x->only, ordered, add_store_name, &x->stores,
                          &err) != DS_OK)
            return false;
        x->listed = true;
        x->store_i = 0;
        puts_(x, ordered ? "],\"orderedDataStores\":[" : ",\"dataStores\":[");
    }
    if (x->store_i >= x->stores.n) {
        forget_stores(&x->stores);
        x->listed = false;
        x->phase = ordered ? P_TAIL : P_ORDERED_STORES;
        return true;
    }
    puts_(x, x->store_i ? ",{\"name\":" : "{\"name\":");
    put_string(x, current_store(x));
    if (!ordered) {
        put_member(x, "createdTime");
        put_time(x, x->stores.created_us[x->store_i]);
    }
    puts_(x, ",\"entries\":[");
    x->first_entry = true;
    if (!set_after(x, "", "")) return false;
    x->phase = ordered ? P_ORDERED : P_ENTRIES;
    return true;
}

/* Appends the next piece of the document; false on a database failure. */
static bool produce(struct export_stream *x)
{
    switch (x->phase) {
    case P_STORES:
        return next_store(x, false);
    case P_ENTRIES:
        return entries_page(x, false);
    case P_ORDERED_STORES:
        return next_store(x, true);
    case P_ORDERED:
        return entries_page(x, true);
    case P_TAIL: {
        puts_(x, "]}\n");
        struct ds_error err;
        x->phase = P_DONE;
        return export_snapshot_commit(&x->snap, &err) == DS_OK;
    }
    case P_DONE:
        return true;
    }
    return false;
}

static ssize_t read_export(void *cls, uint64_t pos, char *out, size_t max)
{
    struct export_stream *x = cls;
    (void)pos;
    while (x->off == x->len) {
        if (x->phase == P_DONE) return MHD_CONTENT_READER_END_OF_STREAM;
        x->off = x->len = 0;
        if (!produce(x) || x->oom) {
            log_warn("export of universe %lld failed mid-stream; closing the connection",
                     (long long)x->universe);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
    }
    size_t n = x->len - x->off < max ? x->len - x->off : max;
    memcpy(out, x->buf + x->off, n);
    x->off += n;
    return (ssize_t)n;
}

static void free_export(void *cls)
{
    struct export_stream *x = cls;
    export_snapshot_end(&x->snap);
    forget_stores(&x->stores);
    free(x->after_scope);
    free(x->after_key);
    free(x->only);
    free(x->buf);
    free(x);
}

void admin_export(struct ds_request *req)
{
    const char *u = req_query(req, "universe"), *ds = req_query(req, "datastore");
    int64_t universe = 0;
    if (!parse_decimal(u, &universe) || universe <= 0) {
        reply_fail(req, 400, "InvalidUniverseId", "universe must be a positive integer.");
        return;
    }
    bool versions;
    if (!bool_query_or_reply(req, "versions", false, &versions)) return;
    struct export_stream *x = calloc(1, sizeof *x);
    if (!x || (ds && !(x->only = strdup(ds)))) {
        free(x);
        reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    x->ctx = req->ctx;
    x->universe = universe;
    x->versions = versions;
    struct ds_error err;
    if (export_snapshot_begin(req->ctx, &x->snap, &err) != DS_OK) {
        free_export(x);
        reply_error(req, &err);
        return;
    }
    char when[48];
    rfc3339_format(clock_now_us(&req->ctx->clock), false, when, sizeof when);
    char head[160];
    snprintf(head, sizeof head,
             "{\"format\":\"datastored-export\",\"formatVersion\":1,\"universe\":%lld,"
             "\"exportTime\":\"%s\"",
             (long long)universe, when);
    puts_(x, head);
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, read_export, x, free_export);
    if (!resp) {
        free_export(x);
        reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    reply_response(req, 200, resp, "application/json");
}
