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
#include "pg/query.h"
#include "store/transfer.h"

#define PAGE 200

enum phase { P_STORES, P_ENTRIES, P_ORDERED_STORES, P_ORDERED, P_TAIL, P_DONE };

struct export_stream {
    struct ds_ctx *ctx;
    struct pg_conn *db; /* held for the whole stream */
    int64_t universe;
    char *only; /* datastore filter, or NULL */
    bool versions;
    enum phase phase;
    PGresult *stores;
    int store_i;
    char *after_scope, *after_key; /* keyset position in the current store */
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

static bool put_versions(struct export_stream *x, const char *store, const char *scope,
                         const char *key)
{
    struct ds_error err;
    PGresult *r = store_export_versions(x->db, x->universe, store, scope, key, &err);
    if (!r) return false;
    puts_(x, ",\"versions\":[");
    for (int i = 0; i < PQntuples(r); i++) {
        puts_(x, i ? ",{\"versionSeq\":" : "{\"versionSeq\":");
        put_i64(x, pg_i64(r, i, 0));
        put_member(x, "versionTime");
        put_time(x, pg_i64(r, i, 1));
        put_member(x, "supersededTime");
        put_time(x, pg_i64(r, i, 6));
        put_member(x, "deleted");
        puts_(x, pg_bool(r, i, 2) ? "true" : "false");
        put_member(x, "value");
        if (pg_null(r, i, 3))
            puts_(x, "null");
        else
            put(x, pg_str(r, i, 3), pg_len(r, i, 3));
        put_member(x, "users");
        puts_(x, pg_str(r, i, 4));
        put_member(x, "attributes");
        puts_(x, pg_str(r, i, 5));
        puts_(x, "}");
    }
    puts_(x, "]");
    PQclear(r);
    return true;
}

/* One page of the current standard store's entries. */
static bool standard_page(struct export_stream *x)
{
    const char *store = pg_str(x->stores, x->store_i, 0);
    struct ds_error err;
    PGresult *r =
        store_export_entries(x->db, x->universe, store, x->after_scope, x->after_key, PAGE, &err);
    if (!r) return false;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        int64_t created = pg_i64(r, i, 2), seq = pg_i64(r, i, 3), vt = pg_i64(r, i, 4);
        char version[VERSIONID_LEN + 1];
        versionid_format(created, seq, vt, version);
        puts_(x, x->first_entry ? "{\"scope\":" : ",{\"scope\":");
        x->first_entry = false;
        put_string(x, pg_str(r, i, 0));
        put_member(x, "key");
        put_string(x, pg_str(r, i, 1));
        put_member(x, "createdTime");
        put_time(x, created);
        put_member(x, "version");
        put_string(x, version);
        put_member(x, "versionSeq");
        put_i64(x, seq);
        put_member(x, "versionTime");
        put_time(x, vt);
        put_member(x, "value");
        put(x, pg_str(r, i, 5), pg_len(r, i, 5));
        put_member(x, "users");
        puts_(x, pg_str(r, i, 6));
        put_member(x, "attributes");
        puts_(x, pg_str(r, i, 7));
        if (x->versions && !put_versions(x, store, pg_str(r, i, 0), pg_str(r, i, 1))) {
            PQclear(r);
            return false;
        }
        puts_(x, "}");
    }
    bool ok = n == 0 || set_after(x, pg_str(r, n - 1, 0), pg_str(r, n - 1, 1));
    PQclear(r);
    if (n < PAGE) { /* this store is done */
        puts_(x, "]}");
        x->store_i++;
        x->phase = P_STORES;
    }
    return ok;
}

static bool ordered_page(struct export_stream *x)
{
    const char *store = pg_str(x->stores, x->store_i, 0);
    struct ds_error err;
    PGresult *r =
        store_export_ordered(x->db, x->universe, store, x->after_scope, x->after_key, PAGE, &err);
    if (!r) return false;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        puts_(x, x->first_entry ? "{\"scope\":" : ",{\"scope\":");
        x->first_entry = false;
        put_string(x, pg_str(r, i, 0));
        put_member(x, "key");
        put_string(x, pg_str(r, i, 1));
        put_member(x, "value");
        puts_(x, pg_str(r, i, 2));
        puts_(x, "}");
    }
    bool ok = n == 0 || set_after(x, pg_str(r, n - 1, 0), pg_str(r, n - 1, 1));
    PQclear(r);
    if (n < PAGE) {
        puts_(x, "]}");
        x->store_i++;
        x->phase = P_ORDERED_STORES;
    }
    return ok;
}

/* Starts the next store of the list (or moves on when there is none). */
static bool next_store(struct export_stream *x, bool ordered)
{
    struct ds_error err;
    if (!x->stores) {
        x->stores = ordered ? store_export_ordered_stores(x->db, x->universe, x->only, &err)
                            : store_export_stores(x->db, x->universe, x->only, &err);
        if (!x->stores) return false;
        x->store_i = 0;
        puts_(x, ordered ? "],\"orderedDataStores\":[" : ",\"dataStores\":[");
    }
    if (x->store_i >= PQntuples(x->stores)) {
        PQclear(x->stores);
        x->stores = NULL;
        x->phase = ordered ? P_TAIL : P_ORDERED_STORES;
        return true;
    }
    puts_(x, x->store_i ? ",{\"name\":" : "{\"name\":");
    put_string(x, pg_str(x->stores, x->store_i, 0));
    if (!ordered) {
        put_member(x, "createdTime");
        put_time(x, pg_i64(x->stores, x->store_i, 1));
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
        return standard_page(x);
    case P_ORDERED_STORES:
        return next_store(x, true);
    case P_ORDERED:
        return ordered_page(x);
    case P_TAIL: {
        puts_(x, "]}\n");
        struct ds_error err;
        x->phase = P_DONE;
        return pg_command(x->db, "COMMIT", &err) == DS_OK;
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
    if (x->db) pg_pool_release(&x->ctx->pool, x->db); /* rolls back an unfinished read */
    PQclear(x->stores);
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
    x->db = pg_pool_acquire(&req->ctx->pool, 5000, &err);
    if (!x->db ||
        pg_command(x->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &err) != DS_OK) {
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
