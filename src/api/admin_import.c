/* api/admin_import.c — POST /admin/v1/import[?universe=N]: loads a document made by
 * GET /admin/v1/export (versions, metadata and version ids restored byte-exact), or
 * MockDataStoreService's JSON layout
 *   {"DataStore":{name:{scope:{key:value}}},"OrderedDataStore":{name:{scope:{key:int}}},
 *    "GlobalDataStore":{key:value}}   (GlobalDataStore → data store "GlobalDataStore")
 * whose entries become version 1 written now. The document is walked as raw text (no tree:
 * values are copied byte-exact), entries are written as idempotent upserts, 500 per
 * transaction; an entry that breaks a limit is skipped and reported by key. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/admin_transfer.h"
#include "core/clock.h"
#include "core/digest.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/migrations.h"
#include "service/transfer.h"

#define MAX_REPORTED 100

struct import_run {
    struct ds_request *req;
    const char *doc;
    int64_t universe, now;
    struct import_batch batch;
    int64_t stores, entries, versions, ordered, failed;
    struct json_object *errors;
    struct ds_error db_err; /* a database failure ends the import */
    bool db_failed;
};

/* A JSON string span decoded (caller frees); NULL if the span is not a string. */
static char *span_string(const char *doc, size_t off, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy) return NULL;
    memcpy(copy, doc + off, len);
    copy[len] = '\0';
    struct json_object *o = json_tokener_parse(copy);
    free(copy);
    char *out = json_object_is_type(o, json_type_string) ? strdup(json_object_get_string(o)) : NULL;
    json_object_put(o);
    return out;
}

/* A raw object key (between its quotes) decoded. */
static char *key_string(const char *doc, size_t off, size_t len)
{
    char *quoted = malloc(len + 3);
    if (!quoted) return NULL;
    quoted[0] = '"';
    memcpy(quoted + 1, doc + off, len);
    quoted[len + 1] = '"';
    quoted[len + 2] = '\0';
    char *out = span_string(quoted, 0, len + 2);
    free(quoted);
    return out;
}

static char *member_string(const char *doc, size_t off, size_t len, const char *name)
{
    size_t o, l;
    return json_text_member(doc + off, len, name, &o, &l) ? span_string(doc + off, o, l) : NULL;
}

static bool member_span(const char *doc, size_t off, size_t len, const char *name, size_t *o,
                        size_t *l)
{
    if (!json_text_member(doc + off, len, name, o, l)) return false;
    *o += off;
    return true;
}

static bool member_i64(const char *doc, size_t off, size_t len, const char *name, int64_t *out)
{
    size_t o, l;
    return member_span(doc, off, len, name, &o, &l) && parse_integral(doc + o, l, out);
}

static int64_t member_time(const char *doc, size_t off, size_t len, const char *name, int64_t def)
{
    char *s = member_string(doc, off, len, name);
    int64_t t;
    bool ok = s && rfc3339_parse(s, &t);
    free(s);
    return ok ? t : def;
}

static void report(struct import_run *run, const char *store, const char *scope, const char *key,
                   const char *reason)
{
    run->failed++;
    if (json_object_array_length(run->errors) >= MAX_REPORTED) return;
    struct json_object *e = json_object_new_object();
    if (!e) return;
    json_object_object_add(e, "datastore", json_object_new_string(store ? store : ""));
    json_object_object_add(e, "scope", json_object_new_string(scope ? scope : ""));
    json_object_object_add(e, "key", json_object_new_string(key ? key : ""));
    json_object_object_add(e, "reason", json_object_new_string(reason));
    json_object_array_add(run->errors, e);
}

static bool db_ok(struct import_run *run, ds_status st, const struct ds_error *err)
{
    if (st == DS_OK) return true;
    run->db_err = *err;
    run->db_failed = true;
    return false;
}

/* Fills the metadata of r from an entry/version object; reason on failure. */
static const char *metadata(const char *doc, size_t off, size_t len, struct import_row *r,
                            char **users, char **attributes)
{
    size_t o, l;
    struct ds_error err;
    char *text = NULL;
    *users = *attributes = NULL;
    if (member_span(doc, off, len, "users", &o, &l) && (text = strndup(doc + o, l)) &&
        parse_user_ids(text, users, &err) != DS_OK) {
        free(text);
        return "users must be an array of at most 4 user ids";
    }
    free(text);
    text = NULL;
    if (member_span(doc, off, len, "attributes", &o, &l) && (text = strndup(doc + o, l)) &&
        parse_attributes(text, attributes, &err) != DS_OK) {
        free(text);
        free(*users);
        *users = NULL;
        return "attributes must be a JSON object under 300 bytes";
    }
    free(text);
    r->user_ids = *users ? *users : "[]";
    r->attributes = *attributes ? *attributes : "{}";
    return NULL;
}

static void import_versions(struct import_run *run, struct import_row base, size_t off, size_t len)
{
    size_t pos = 0, eo, el;
    while (!run->db_failed && json_text_array_next(run->doc + off, len, &pos, &eo, &el)) {
        eo += off;
        struct import_row r = base;
        char md5[25], *users, *attributes;
        size_t vo, vl;
        if (!member_i64(run->doc, eo, el, "versionSeq", &r.version_seq) || r.version_seq < 1 ||
            r.version_seq >= base.version_seq) {
            report(run, base.datastore, base.scope, base.key,
                   "a version needs versionSeq "
                   "below the entry's");
            continue;
        }
        r.version_us = member_time(run->doc, eo, el, "versionTime", base.created_us);
        int64_t superseded = member_time(run->doc, eo, el, "supersededTime", r.version_us);
        r.deleted = member_span(run->doc, eo, el, "deleted", &vo, &vl) && vl == 4 &&
                    !memcmp(run->doc + vo, "true", 4);
        r.value = NULL;
        r.value_len = 0;
        r.md5 = NULL;
        if (!r.deleted && member_span(run->doc, eo, el, "value", &vo, &vl)) {
            r.value = run->doc + vo;
            r.value_len = vl;
            md5_base64(r.value, r.value_len, md5);
            r.md5 = md5;
        }
        const char *why = metadata(run->doc, eo, el, &r, &users, &attributes);
        if (why) {
            report(run, base.datastore, base.scope, base.key, why);
            continue;
        }
        struct ds_error err;
        if (db_ok(run, import_put_version(&run->batch, &r, superseded, &err), &err))
            run->versions++;
        free(users);
        free(attributes);
    }
}

/* Writes one entry whose value is doc[vo, vo+vl). Times, version number, metadata and
 * earlier versions come from the entry object doc[off, off+len) when it has them; with
 * len 0 (a MockDataStoreService value) the entry is version 1, written now, no metadata. */
static void put_entry(struct import_run *run, const char *store, const char *scope, const char *key,
                      size_t vo, size_t vl, size_t off, size_t len)
{
    struct ds_error err;
    const char *why = NULL;
    if (!scope || !key || check_scope(scope, &err) != DS_OK || check_entry_key(key, &err) != DS_OK)
        why = "scope and key must be valid strings";
    else if (check_value(run->doc + vo, vl, &err) != DS_OK)
        why = "value must be JSON of at most 4 MiB";
    struct import_row r = {
        .universe = run->universe, .datastore = store, .scope = scope, .key = key};
    char md5[25], *users = NULL, *attributes = NULL;
    if (!why) why = metadata(run->doc, off, len, &r, &users, &attributes);
    if (why) {
        report(run, store, scope, key, why);
        return;
    }
    r.created_us = member_time(run->doc, off, len, "createdTime", run->now);
    if (!member_i64(run->doc, off, len, "versionSeq", &r.version_seq) || r.version_seq < 1)
        r.version_seq = 1;
    r.version_us = member_time(run->doc, off, len, "versionTime", r.created_us);
    r.value = run->doc + vo;
    r.value_len = vl;
    md5_base64(r.value, r.value_len, md5);
    r.md5 = md5;
    r.schema_version = migrations_version_of_text(r.value, r.value_len);
    if (r.schema_version < 0) r.schema_version = 0;
    if (db_ok(run, import_put_entry(&run->batch, &r, &err), &err)) {
        run->entries++;
        size_t so, sl;
        if (member_span(run->doc, off, len, "versions", &so, &sl)) import_versions(run, r, so, sl);
    }
    free(users);
    free(attributes);
}

/* An entry object of our export format. */
static void import_entry(struct import_run *run, const char *store, size_t off, size_t len)
{
    char *scope = member_string(run->doc, off, len, "scope");
    char *key = member_string(run->doc, off, len, "key");
    size_t vo, vl;
    if (member_span(run->doc, off, len, "value", &vo, &vl))
        put_entry(run, store, scope, key, vo, vl, off, len);
    else
        report(run, store, scope, key, "an entry needs a value");
    free(scope);
    free(key);
}

static bool put_data_store(struct import_run *run, const char *name, int64_t created)
{
    struct ds_error err;
    if (!name || check_datastore_name(name, &err) != DS_OK) {
        report(run, name, NULL, NULL, "not a valid data store name");
        return false;
    }
    if (!db_ok(run, import_put_store(&run->batch, run->universe, name, created, &err), &err))
        return false;
    run->stores++;
    return true;
}

static void import_ordered_entry(struct import_run *run, const char *store, const char *scope,
                                 const char *key, const char *raw, size_t len)
{
    struct ds_error err;
    int64_t value;
    if (!scope || !key || check_scope(scope, &err) != DS_OK ||
        check_entry_key(key, &err) != DS_OK || !parse_integral(raw, len, &value)) {
        report(run, store, scope, key, "an ordered entry needs a scope, a key and an integer");
        return;
    }
    if (db_ok(run,
              import_put_ordered(&run->batch, run->universe, store, scope, key, value, run->now,
                                 &err),
              &err))
        run->ordered++;
}

/* Our export format. */
static void import_export(struct import_run *run, size_t len)
{
    const char *doc = run->doc;
    size_t so, sl, pos = 0, eo, el;
    if (member_span(doc, 0, len, "dataStores", &so, &sl)) {
        while (!run->db_failed && json_text_array_next(doc + so, sl, &pos, &eo, &el)) {
            eo += so;
            char *name = member_string(doc, eo, el, "name");
            size_t xo, xl, p2 = 0, io, il;
            if (put_data_store(run, name, member_time(doc, eo, el, "createdTime", run->now)) &&
                member_span(doc, eo, el, "entries", &xo, &xl))
                while (!run->db_failed && json_text_array_next(doc + xo, xl, &p2, &io, &il))
                    import_entry(run, name, xo + io, il);
            free(name);
        }
    }
    pos = 0;
    if (member_span(doc, 0, len, "orderedDataStores", &so, &sl)) {
        while (!run->db_failed && json_text_array_next(doc + so, sl, &pos, &eo, &el)) {
            eo += so;
            char *name = member_string(doc, eo, el, "name");
            size_t xo, xl, p2 = 0, io, il, vo, vl;
            struct ds_error err;
            if (name && check_datastore_name(name, &err) == DS_OK &&
                member_span(doc, eo, el, "entries", &xo, &xl)) {
                while (!run->db_failed && json_text_array_next(doc + xo, xl, &p2, &io, &il)) {
                    io += xo;
                    char *scope = member_string(doc, io, il, "scope");
                    char *key = member_string(doc, io, il, "key");
                    bool has = member_span(doc, io, il, "value", &vo, &vl);
                    import_ordered_entry(run, name, scope, key, has ? doc + vo : "", has ? vl : 0);
                    free(scope);
                    free(key);
                }
            } else {
                report(run, name, NULL, NULL, "not a valid ordered data store");
            }
            free(name);
        }
    }
}

/* MockDataStoreService: one scope's {key: value} at doc[off, off+len). */
static void import_mock_scope(struct import_run *run, const char *store, const char *scope,
                              size_t off, size_t len, bool ordered)
{
    const char *doc = run->doc;
    size_t pos = 0, ko, kl, vo, vl;
    while (!run->db_failed && json_text_object_next(doc + off, len, &pos, &ko, &kl, &vo, &vl)) {
        char *key = key_string(doc + off, ko, kl);
        vo += off;
        if (ordered)
            import_ordered_entry(run, store, scope, key, doc + vo, vl);
        else
            put_entry(run, store, scope, key, vo, vl, 0, 0);
        free(key);
    }
}

/* MockDataStoreService: {name: {scope: {key: value}}} for one kind. */
static void import_mock_kind(struct import_run *run, size_t off, size_t len, bool ordered)
{
    const char *doc = run->doc;
    size_t p1 = 0, ko, kl, so, sl;
    while (!run->db_failed && json_text_object_next(doc + off, len, &p1, &ko, &kl, &so, &sl)) {
        char *name = key_string(doc + off, ko, kl);
        so += off;
        if (ordered || put_data_store(run, name, run->now)) {
            size_t p2 = 0, ko2, kl2, eo, el;
            while (!run->db_failed &&
                   json_text_object_next(doc + so, sl, &p2, &ko2, &kl2, &eo, &el)) {
                char *scope = key_string(doc + so, ko2, kl2);
                import_mock_scope(run, name, scope, so + eo, el, ordered);
                free(scope);
            }
        }
        free(name);
    }
}

static bool is_object_text(const char *text)
{
    return text[strspn(text, " \t\r\n")] == '{';
}

/* MockDataStoreService's shape, checked before anything is written: DataStore and
 * OrderedDataStore are {name: {scope: {key: value}}}, GlobalDataStore is {key: value}. Fills
 * where (the path of the first part that is not an object) and returns false. */
static bool mock_shape_ok(const char *doc, size_t len, char *where, size_t cap)
{
    static const char *const kinds[] = {"DataStore", "OrderedDataStore"};
    size_t o, l;
    for (int k = 0; k < 2; k++) {
        if (!member_span(doc, 0, len, kinds[k], &o, &l)) continue;
        if (!is_object_text(doc + o)) {
            snprintf(where, cap, "%s", kinds[k]);
            return false;
        }
        size_t p1 = 0, ko, kl, so, sl;
        while (json_text_object_next(doc + o, l, &p1, &ko, &kl, &so, &sl)) {
            if (!is_object_text(doc + o + so)) {
                snprintf(where, cap, "%s.%.*s", kinds[k], (int)(kl > 60 ? 60 : kl), doc + o + ko);
                return false;
            }
            size_t p2 = 0, ko2, kl2, eo, el;
            while (json_text_object_next(doc + o + so, sl, &p2, &ko2, &kl2, &eo, &el)) {
                if (!is_object_text(doc + o + so + eo)) {
                    snprintf(where, cap, "%s.%.*s.%.*s", kinds[k], (int)(kl > 60 ? 60 : kl),
                             doc + o + ko, (int)(kl2 > 60 ? 60 : kl2), doc + o + so + ko2);
                    return false;
                }
            }
        }
    }
    if (member_span(doc, 0, len, "GlobalDataStore", &o, &l) && !is_object_text(doc + o)) {
        snprintf(where, cap, "GlobalDataStore");
        return false;
    }
    return true;
}

static void import_mock(struct import_run *run, size_t len)
{
    size_t o, l;
    if (member_span(run->doc, 0, len, "DataStore", &o, &l)) import_mock_kind(run, o, l, false);
    if (member_span(run->doc, 0, len, "OrderedDataStore", &o, &l))
        import_mock_kind(run, o, l, true);
    /* {key: value} → data store "GlobalDataStore", scope "global" */
    if (member_span(run->doc, 0, len, "GlobalDataStore", &o, &l) && !run->db_failed &&
        put_data_store(run, "GlobalDataStore", run->now))
        import_mock_scope(run, "GlobalDataStore", "global", o, l, false);
}

void admin_import(struct ds_request *req)
{
    const char *doc = req->body;
    size_t len = req->body_len, o, l;
    bool object =
        json_text_valid(doc, len, LIMIT_JSON_DEPTH + 8, NULL) && doc[strspn(doc, " \t\r\n")] == '{';
    char *format = object ? member_string(doc, 0, len, "format") : NULL;
    bool ours = format && !strcmp(format, "datastored-export");
    free(format);
    bool mock = object && !ours &&
                (json_text_member(doc, len, "DataStore", &o, &l) ||
                 json_text_member(doc, len, "OrderedDataStore", &o, &l) ||
                 json_text_member(doc, len, "GlobalDataStore", &o, &l));
    if (!ours && !mock) {
        reply_fail(req, 400, NULL,
                   "The body must be a datastored export (\"format\":\"datastored-export\") or a "
                   "MockDataStoreService JSON object (DataStore, OrderedDataStore, "
                   "GlobalDataStore).");
        return;
    }
    char where[200];
    if (mock && !mock_shape_ok(doc, len, where, sizeof where)) {
        reply_fail(req, 400, NULL,
                   "MockDataStoreService JSON: %s must be an object (DataStore and "
                   "OrderedDataStore are {name: {scope: {key: value}}}); nothing was imported.",
                   where);
        return;
    }
    struct import_run run = {.req = req, .doc = doc, .now = clock_now_us(&req->ctx->clock)};
    const char *u = req_query(req, "universe");
    int64_t universe = 0;
    if (u && (!parse_decimal(u, &universe) || universe <= 0)) universe = -1;
    if (!u && ours && !member_i64(doc, 0, len, "universe", &run.universe)) universe = -1;
    if (u || !ours) run.universe = universe;
    if (run.universe <= 0) {
        reply_fail(req, 400, "InvalidUniverseId",
                   "Name the universe: ?universe=N (required for MockDataStoreService files).");
        return;
    }
    run.errors = json_object_new_array();
    struct ds_error err;
    if (!run.errors || import_begin(&run.batch, req->ctx, req->db, &err) != DS_OK) {
        json_object_put(run.errors);
        reply_fail(req, 503, NULL, "The database is unavailable; retry later.");
        return;
    }
    if (ours)
        import_export(&run, len);
    else
        import_mock(&run, len);
    if (import_finish(&run.batch, run.db_failed, &run.db_err) != DS_OK) {
        json_object_put(run.errors);
        reply_error(req, &run.db_err); /* earlier batches stay: importing again is idempotent */
        return;
    }
    struct json_object *out = json_object_new_object();
    json_object_object_add(out, "universe", json_object_new_int64(run.universe));
    json_object_object_add(out, "dataStores", json_object_new_int64(run.stores));
    json_object_object_add(out, "entries", json_object_new_int64(run.entries));
    json_object_object_add(out, "versions", json_object_new_int64(run.versions));
    json_object_object_add(out, "orderedEntries", json_object_new_int64(run.ordered));
    json_object_object_add(out, "failed", json_object_new_int64(run.failed));
    json_object_object_add(out, "errors", run.errors);
    reply_json(req, 200, out);
}
