/* test_v1.c — Open Cloud v1 standard data stores over real HTTP: every route, success and
 * error paths, byte-exact values, metadata, tombstones, versions and cursor paging. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct ds_proc srv;      /* default retention */
static struct ds_proc keep_all; /* keep all versions, purge every 1 s, virtual clock; same db */
static char db[1024];

static void setup(void)
{
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_v1"));
    const char *a[] = {"--database-url", db, "--write-cooldown", "0", NULL};
    const char *b[] = {
        "--database-url",   db,  "--write-cooldown", "0",       "--keep-all-versions",
        "--purge-interval", "1", "--clock",          "virtual", NULL};
    if (!proc_start(&srv, a) || !proc_start(&keep_all, b)) {
        fprintf(stderr, "server did not start: %s %s\n", srv.log_path, keep_all.log_path);
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&srv, SIGTERM) != 0 || proc_stop(&keep_all, SIGTERM) != 0) {
        fprintf(stderr, "a server did not exit cleanly: %s %s\n", srv.log_path, keep_all.log_path);
        exit(2);
    }
}

#define BASE "/datastores/v1/universes/%lld/standard-datastores"

static struct http_resp v1(const struct ds_proc *p, const char *method, long long u,
                           const char *suffix, const char *body, const char *const *headers)
{
    char path[4096];
    snprintf(path, sizeof path, BASE "%s", u, suffix);
    return http_do(method, url_of(p, "%s", path), body, body ? strlen(body) : 0, headers);
}

static void set_ok(const struct ds_proc *p, long long u, const char *qs, const char *body)
{
    char suffix[1024];
    snprintf(suffix, sizeof suffix, "/datastore/entries/entry?%s", qs);
    struct http_resp r = v1(p, "POST", u, suffix, body, NULL);
    ck_assert_msg(r.status == 200, "set %s: %ld %s", qs, r.status, r.body);
    http_free(&r);
}

static void expect_v1_error(struct http_resp *r, long status, const char *error, const char *detail)
{
    ck_assert_msg(r->status == status, "status %ld (want %ld): %s", r->status, status, r->body);
    struct json_object *o = http_json(r);
    ck_assert_str_eq(jstr(o, "error"), error);
    ck_assert_ptr_nonnull(jstr(o, "message"));
    if (detail) {
        struct json_object *details, *first;
        ck_assert(json_object_object_get_ex(o, "errorDetails", &details));
        first = json_object_array_get_idx(details, 0);
        ck_assert_str_eq(jstr(first, "errorDetailType"), "DatastoreErrorInfo");
        ck_assert_str_eq(jstr(first, "datastoreErrorCode"), detail);
    }
    json_object_put(o);
}

/* Set then Get returns the body byte-exact with Roblox's metadata headers. */
START_TEST(set_get_roundtrip_with_headers)
{
    long long u = unique_universe();
    const char *h[] = {"roblox-entry-userids: [269323, 5]",
                       "roblox-entry-attributes: {\"tier\":\"gold\"}",
                       "content-type: application/json", NULL};
    const char *body = "{\"coins\": 1.50,  \"name\":\"\\u00e9t\\u00e9\"}";
    struct http_resp r = v1(
        &srv, "POST", u, "/datastore/entries/entry?datastoreName=Players&entryKey=user_1", body, h);
    ck_assert_int_eq(r.status, 200);
    struct json_object *ev = http_json(&r);
    const char *version = jstr(ev, "version");
    ck_assert_int_eq(strlen(version), 47);
    ck_assert_int_eq(jint(ev, "contentLength"), (long long)strlen(body));
    ck_assert_ptr_nonnull(jstr(ev, "createdTime"));
    ck_assert_ptr_nonnull(jstr(ev, "objectCreatedTime"));
    char want_version[64];
    snprintf(want_version, sizeof want_version, "%s", version);
    json_object_put(ev);
    http_free(&r);

    r = v1(&srv, "GET", u, "/datastore/entries/entry?datastoreName=Players&entryKey=user_1", NULL,
           NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, body);
    char hv[256];
    ck_assert_str_eq(http_header(&r, "roblox-entry-version", hv, sizeof hv), want_version);
    ck_assert_str_eq(http_header(&r, "roblox-entry-userids", hv, sizeof hv), "[269323,5]");
    ck_assert_str_eq(http_header(&r, "roblox-entry-attributes", hv, sizeof hv),
                     "{\"tier\":\"gold\"}");
    ck_assert_ptr_nonnull(http_header(&r, "roblox-entry-created-time", hv, sizeof hv));
    ck_assert_ptr_nonnull(strstr(hv, "+00:00"));
    ck_assert_ptr_nonnull(http_header(&r, "roblox-entry-version-created-time", hv, sizeof hv));
    ck_assert_ptr_nonnull(http_header(&r, "content-md5", hv, sizeof hv));
    http_free(&r);
}
END_TEST

/* Unusual JSON survives byte for byte: escapes, huge numbers, deep nesting, bare scalars. */
START_TEST(byte_exact_unusual_values)
{
    long long u = unique_universe();
    char deep[1200];
    memset(deep, '[', 500);
    memset(deep + 500, ']', 500);
    deep[1000] = '\0';
    const char *values[] = {
        "\"\\ud83d\\ude00 \\u0000 \\\" \\/\"",
        "123456789012345678901234567890.000000000000000000001e-5",
        "-0.0",
        "  {\"a\" : [ 1 , 2 ] , \"a\": \"dup\" }  ",
        "null",
        "\"\xe6\x97\xa5\xe6\x9c\xac\"",
        deep,
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char qs[128];
        snprintf(qs, sizeof qs, "datastoreName=Exact&entryKey=k%zu", i);
        set_ok(&srv, u, qs, values[i]);
        char suffix[256];
        snprintf(suffix, sizeof suffix, "/datastore/entries/entry?%s", qs);
        struct http_resp r = v1(&srv, "GET", u, suffix, NULL, NULL);
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq(r.len, strlen(values[i]));
        ck_assert_msg(memcmp(r.body, values[i], r.len) == 0, "value %zu changed", i);
        http_free(&r);
    }
}
END_TEST

/* A 4 MiB value is accepted and returned intact; one byte more is refused. */
START_TEST(four_mib_value_limit)
{
    long long u = unique_universe();
    size_t n = 4194304;
    char *v = malloc(n + 2);
    v[0] = '"';
    memset(v + 1, 'z', n - 2);
    v[n - 1] = '"';
    v[n] = '\0';
    char path[512];
    snprintf(path, sizeof path, BASE "/datastore/entries/entry?datastoreName=Big&entryKey=k", u);
    struct http_resp r = http_do("POST", url_of(&srv, "%s", path), v, n, NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
    r = http_do("GET", url_of(&srv, "%s", path), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.len, n);
    ck_assert(memcmp(r.body, v, n) == 0);
    http_free(&r);
    v[n - 1] = 'z';
    v[n] = '"';
    r = http_do("POST", url_of(&srv, "%s", path), v, n + 1, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "ContentTooBig");
    http_free(&r);
    free(v);
}
END_TEST

/* Bodies that are not JSON, or not UTF-8, are refused with ContentNotJson. */
START_TEST(invalid_values_refused)
{
    long long u = unique_universe();
    const char *bad[] = {"", "{", "{'a':1}", "\"\xff\"", "[1,]", "tru", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct http_resp r = v1(
            &srv, "POST", u, "/datastore/entries/entry?datastoreName=D&entryKey=k", bad[i], NULL);
        expect_v1_error(&r, 400, "INVALID_ARGUMENT", "ContentNotJson");
        http_free(&r);
    }
}
END_TEST

/* content-md5 is checked: a wrong digest is ChecksumMismatch, the right one is accepted. */
START_TEST(md5_checked)
{
    long long u = unique_universe();
    const char *wrong[] = {"content-md5: AAAAAAAAAAAAAAAAAAAAAA==", NULL};
    struct http_resp r = v1(&srv, "POST", u, "/datastore/entries/entry?datastoreName=D&entryKey=k",
                            "\"hello\"", wrong);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "ChecksumMismatch");
    http_free(&r);
    const char *right[] = {"content-md5: XeruHBMyGZ5bW8fF5Pfwwg==", NULL}; /* md5("\"hello\"") */
    r = v1(&srv, "POST", u, "/datastore/entries/entry?datastoreName=D&entryKey=k", "\"hello\"",
           right);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
}
END_TEST

/* Metadata not resent on a later Set is cleared, as Roblox does. */
START_TEST(metadata_cleared_when_omitted)
{
    long long u = unique_universe();
    const char *h[] = {"roblox-entry-userids: [1]", "roblox-entry-attributes: {\"a\":1}", NULL};
    struct http_resp r =
        v1(&srv, "POST", u, "/datastore/entries/entry?datastoreName=M&entryKey=k", "1", h);
    http_free(&r);
    set_ok(&srv, u, "datastoreName=M&entryKey=k", "2");
    r = v1(&srv, "GET", u, "/datastore/entries/entry?datastoreName=M&entryKey=k", NULL, NULL);
    char hv[64];
    ck_assert_str_eq(http_header(&r, "roblox-entry-userids", hv, sizeof hv), "[]");
    ck_assert_str_eq(http_header(&r, "roblox-entry-attributes", hv, sizeof hv), "{}");
    http_free(&r);
}
END_TEST

/* Bad metadata: 5 user ids, non-integers, attributes that are not an object or too big. */
START_TEST(metadata_validation)
{
    long long u = unique_universe();
    const char *cases[][2] = {
        {"roblox-entry-userids: [1,2,3,4,5]", "InvalidUserIds"},
        {"roblox-entry-userids: [\"x\"]", "InvalidUserIds"},
        {"roblox-entry-userids: 7", "InvalidUserIds"},
        {"roblox-entry-attributes: [1]", "InvalidAttributes"},
        {"roblox-entry-attributes: not json", "InvalidAttributes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *h[] = {cases[i][0], NULL};
        struct http_resp r =
            v1(&srv, "POST", u, "/datastore/entries/entry?datastoreName=M&entryKey=k", "1", h);
        expect_v1_error(&r, 400, "INVALID_ARGUMENT", cases[i][1]);
        http_free(&r);
    }
    char big[400], hdr[450];
    snprintf(big, sizeof big, "{\"k\":\"%0300d\"}", 0);
    snprintf(hdr, sizeof hdr, "roblox-entry-attributes: %s", big);
    const char *h[] = {hdr, NULL};
    struct http_resp r =
        v1(&srv, "POST", u, "/datastore/entries/entry?datastoreName=M&entryKey=k", "1", h);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidAttributes");
    http_free(&r);
}
END_TEST

/* Name, scope and key limits answer with their Roblox codes. */
START_TEST(name_validation)
{
    long long u = unique_universe();
    char long_name[64];
    memset(long_name, 'n', 51);
    long_name[51] = '\0';
    char q[256];
    snprintf(q, sizeof q, "/datastore/entries/entry?datastoreName=%s&entryKey=k", long_name);
    struct http_resp r = v1(&srv, "GET", u, q, NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidDataStoreName");
    http_free(&r);
    snprintf(q, sizeof q, "/datastore/entries/entry?datastoreName=D&entryKey=%s", long_name);
    r = v1(&srv, "GET", u, q, NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidEntryKey");
    http_free(&r);
    r = v1(&srv, "GET", u, "/datastore/entries/entry?datastoreName=D", NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidEntryKey");
    http_free(&r);
    r = v1(&srv, "GET", u, "/datastore/entries/entry?entryKey=k", NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidDataStoreName");
    http_free(&r);
    r = v1(&srv, "GET", u, "/datastore/entries/entry?datastoreName=D&entryKey=%FF", NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidEntryKey");
    http_free(&r);
    snprintf(q, sizeof q, "/datastore/entries/entry?datastoreName=D&entryKey=k&scope=%s",
             long_name);
    r = v1(&srv, "GET", u, q, NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidDataStoreScope");
    http_free(&r);
    r = http_do("GET", url_of(&srv, "/datastores/v1/universes/abc/standard-datastores"), NULL, 0,
                NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidUniverseId");
    http_free(&r);
}
END_TEST

/* Missing data store vs missing entry: two different 404s. */
START_TEST(not_found_codes)
{
    long long u = unique_universe();
    struct http_resp r =
        v1(&srv, "GET", u, "/datastore/entries/entry?datastoreName=None&entryKey=k", NULL, NULL);
    expect_v1_error(&r, 404, "NOT_FOUND", "DatastoreNotFound");
    http_free(&r);
    set_ok(&srv, u, "datastoreName=Some&entryKey=a", "1");
    r = v1(&srv, "GET", u, "/datastore/entries/entry?datastoreName=Some&entryKey=b", NULL, NULL);
    expect_v1_error(&r, 404, "NOT_FOUND", "EntryNotFound");
    http_free(&r);
}
END_TEST

/* Delete writes a tombstone: Get is 404, the key is still listed, versions show deleted. */
START_TEST(delete_tombstone)
{
    long long u = unique_universe();
    set_ok(&keep_all, u, "datastoreName=T&entryKey=k", "{\"v\":1}");
    struct http_resp r = v1(&keep_all, "DELETE", u,
                            "/datastore/entries/entry?datastoreName=T&entryKey=k", NULL, NULL);
    ck_assert_int_eq(r.status, 204);
    ck_assert_int_eq(r.len, 0);
    http_free(&r);
    r = v1(&keep_all, "GET", u, "/datastore/entries/entry?datastoreName=T&entryKey=k", NULL, NULL);
    expect_v1_error(&r, 404, "NOT_FOUND", "EntryNotFound");
    http_free(&r);
    r = v1(&keep_all, "GET", u, "/datastore/entries?datastoreName=T", NULL, NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "\"key\":\"k\""));
    http_free(&r);
    r = v1(&keep_all, "GET", u, "/datastore/entries/entry/versions?datastoreName=T&entryKey=k",
           NULL, NULL);
    struct json_object *o = http_json(&r), *versions;
    ck_assert(json_object_object_get_ex(o, "versions", &versions));
    ck_assert_int_eq(json_object_array_length(versions), 2);
    struct json_object *v0 = json_object_array_get_idx(versions, 0),
                       *v1o = json_object_array_get_idx(versions, 1), *d;
    json_object_object_get_ex(v0, "deleted", &d);
    ck_assert(!json_object_get_boolean(d));
    json_object_object_get_ex(v1o, "deleted", &d);
    ck_assert(json_object_get_boolean(d));
    /* The pre-delete version is still readable. */
    char q[256];
    snprintf(q, sizeof q,
             "/datastore/entries/entry/versions/version?datastoreName=T&entryKey=k&versionId=%s",
             jstr(v0, "version"));
    struct http_resp g = v1(&keep_all, "GET", u, q, NULL, NULL);
    ck_assert_int_eq(g.status, 200);
    ck_assert_str_eq(g.body, "{\"v\":1}");
    http_free(&g);
    json_object_put(o);
    http_free(&r);
    /* Deleting again is a no-op 204; a later set revives the key. */
    r = v1(&keep_all, "DELETE", u, "/datastore/entries/entry?datastoreName=T&entryKey=k", NULL,
           NULL);
    ck_assert_int_eq(r.status, 204);
    http_free(&r);
    set_ok(&keep_all, u, "datastoreName=T&entryKey=k", "2");
    r = v1(&keep_all, "GET", u, "/datastore/entries/entry?datastoreName=T&entryKey=k", NULL, NULL);
    ck_assert_str_eq(r.body, "2");
    http_free(&r);
}
END_TEST

/* matchVersion and exclusiveCreate: a conflict writes nothing and answers 412 with the
 * current entry (body and roblox-entry-* headers), as rblx-open-cloud reads it. */
static void expect_precondition_failed(struct http_resp *r, const char *value, const char *version)
{
    char buf[128];
    ck_assert_msg(r->status == 412, "%ld %s", r->status, r->body);
    ck_assert_str_eq(r->body, value);
    ck_assert_str_eq(http_header(r, "roblox-entry-version", buf, sizeof buf), version);
    ck_assert_ptr_nonnull(http_header(r, "roblox-entry-created-time", buf, sizeof buf));
    ck_assert_ptr_nonnull(http_header(r, "roblox-entry-version-created-time", buf, sizeof buf));
    ck_assert_str_eq(http_header(r, "roblox-entry-userids", buf, sizeof buf), "[]");
    ck_assert_str_eq(http_header(r, "roblox-entry-attributes", buf, sizeof buf), "{}");
}

START_TEST(preconditions)
{
    long long u = unique_universe();
    struct http_resp r =
        v1(&srv, "POST", u,
           "/datastore/entries/entry?datastoreName=P&entryKey=k&exclusiveCreate=true", "1", NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *ev = http_json(&r);
    char version[64];
    snprintf(version, sizeof version, "%s", jstr(ev, "version"));
    json_object_put(ev);
    http_free(&r);
    r = v1(&srv, "POST", u,
           "/datastore/entries/entry?datastoreName=P&entryKey=k&exclusiveCreate=true", "2", NULL);
    expect_precondition_failed(&r, "1", version);
    http_free(&r);
    r = v1(&srv, "POST", u,
           "/datastore/entries/"
           "entry?datastoreName=P&entryKey=k&matchVersion=08D9E6A3F2188CFF.0000000009."
           "08D9E6A3F2188CFF.01",
           "3", NULL);
    expect_precondition_failed(&r, "1", version);
    http_free(&r);
    /* matchVersion on a key that does not exist: 412 with the error envelope. */
    r = v1(&srv, "POST", u,
           "/datastore/entries/"
           "entry?datastoreName=P&entryKey=none&matchVersion=08D9E6A3F2188CFF.0000000009."
           "08D9E6A3F2188CFF.01",
           "3", NULL);
    expect_v1_error(&r, 412, "FAILED_PRECONDITION", NULL);
    http_free(&r);
    char q[256];
    snprintf(q, sizeof q, "/datastore/entries/entry?datastoreName=P&entryKey=k&matchVersion=%s",
             version);
    r = v1(&srv, "POST", u, q, "4", NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = v1(&srv, "POST", u, q, "5", NULL); /* the version moved on */
    ck_assert_int_eq(r.status, 412);
    ck_assert_str_eq(r.body, "4");
    http_free(&r);
    snprintf(
        q, sizeof q,
        "/datastore/entries/entry?datastoreName=P&entryKey=k&exclusiveCreate=true&matchVersion=%s",
        version);
    r = v1(&srv, "POST", u, q, "6", NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "ExclusiveCreateAndMatchVersionCannotBeSet");
    http_free(&r);
    r = v1(&srv, "GET", u, "/datastore/entries/entry?datastoreName=P&entryKey=k", NULL, NULL);
    ck_assert_str_eq(r.body, "4");
    http_free(&r);
}
END_TEST

/* Increment: default 1, integral floats, new keys start at 0, non-integers refused. */
START_TEST(increment)
{
    long long u = unique_universe();
    struct http_resp r =
        v1(&srv, "POST", u, "/datastore/entries/entry/increment?datastoreName=I&entryKey=c", NULL,
           NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "1");
    char hv[64];
    ck_assert_ptr_nonnull(http_header(&r, "roblox-entry-version", hv, sizeof hv));
    http_free(&r);
    r = v1(&srv, "POST", u,
           "/datastore/entries/entry/increment?datastoreName=I&entryKey=c&incrementBy=41.0", NULL,
           NULL);
    ck_assert_str_eq(r.body, "42");
    http_free(&r);
    r = v1(&srv, "POST", u,
           "/datastore/entries/entry/increment?datastoreName=I&entryKey=c&incrementBy=-50", NULL,
           NULL);
    ck_assert_str_eq(r.body, "-8");
    http_free(&r);
    r = v1(&srv, "POST", u,
           "/datastore/entries/entry/increment?datastoreName=I&entryKey=c&incrementBy=1.5", NULL,
           NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", NULL);
    http_free(&r);
    set_ok(&srv, u, "datastoreName=I&entryKey=s", "\"text\"");
    r = v1(&srv, "POST", u, "/datastore/entries/entry/increment?datastoreName=I&entryKey=s", NULL,
           NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "ExistingValueNotNumeric");
    http_free(&r);
    set_ok(&srv, u, "datastoreName=I&entryKey=max", "9223372036854775807");
    r = v1(&srv, "POST", u, "/datastore/entries/entry/increment?datastoreName=I&entryKey=max", NULL,
           NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "IncrementValueTooLarge");
    http_free(&r);
}
END_TEST

/* Paging through 1,050 keys with limit 100 yields each key exactly once, in order; scopes,
 * allScopes and prefix work; a cursor is bound to its parameters. */
START_TEST(list_entries_paging)
{
    long long u = unique_universe();
    for (int i = 0; i < 1050; i++) {
        char qs[128];
        snprintf(qs, sizeof qs, "datastoreName=L&entryKey=key%04d%s", i,
                 i % 7 == 0 ? "&scope=other" : "");
        set_ok(&srv, u, qs, "0");
    }
    char cursor[1024] = "";
    int seen = 0, pages = 0;
    char last[64] = "";
    for (;;) {
        char q[1400];
        snprintf(q, sizeof q, "/datastore/entries?datastoreName=L&limit=100%s%s",
                 cursor[0] ? "&cursor=" : "", cursor);
        struct http_resp r = v1(&srv, "GET", u, q, NULL, NULL);
        ck_assert_int_eq(r.status, 200);
        struct json_object *o = http_json(&r), *keys;
        json_object_object_get_ex(o, "keys", &keys);
        for (size_t i = 0; i < json_object_array_length(keys); i++) {
            struct json_object *k = json_object_array_get_idx(keys, i);
            ck_assert_str_eq(jstr(k, "scope"), "global");
            ck_assert_msg(strcmp(jstr(k, "key"), last) > 0, "order broken at %s", jstr(k, "key"));
            snprintf(last, sizeof last, "%s", jstr(k, "key"));
            seen++;
        }
        snprintf(cursor, sizeof cursor, "%s", jstr(o, "nextPageCursor"));
        pages++;
        json_object_put(o);
        http_free(&r);
        if (!cursor[0]) break;
    }
    ck_assert_int_eq(seen, 1050 - 150);
    ck_assert_int_eq(pages, 9);

    struct http_resp r = v1(
        &srv, "GET", u,
        "/datastore/entries?datastoreName=L&allScopes=true&limit=1000&prefix=other/", NULL, NULL);
    struct json_object *o = http_json(&r), *keys;
    json_object_object_get_ex(o, "keys", &keys);
    ck_assert_int_eq(json_object_array_length(keys), 150);
    ck_assert_str_eq(jstr(json_object_array_get_idx(keys, 0), "scope"), "other");
    json_object_put(o);
    http_free(&r);

    r = v1(&srv, "GET", u, "/datastore/entries?datastoreName=L&prefix=key10&limit=1000", NULL,
           NULL);
    o = http_json(&r);
    json_object_object_get_ex(o, "keys", &keys);
    ck_assert_int_eq(json_object_array_length(keys),
                     50 - 7); /* key1000..1049 less multiples of 7 */
    json_object_put(o);
    http_free(&r);

    r = v1(&srv, "GET", u, "/datastore/entries?datastoreName=L&limit=2", NULL, NULL);
    o = http_json(&r);
    char q[1400];
    snprintf(q, sizeof q, "/datastore/entries?datastoreName=L&limit=2&prefix=zzz&cursor=%s",
             jstr(o, "nextPageCursor"));
    json_object_put(o);
    http_free(&r);
    r = v1(&srv, "GET", u, q, NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidCursor");
    http_free(&r);
    r = v1(&srv, "GET", u, "/datastore/entries?datastoreName=L&cursor=forged.token", NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidCursor");
    ck_assert_ptr_nonnull(strstr(r.body, "\"message\":\"Invalid cursor.\"")); /* Roblox's text */
    http_free(&r);
    /* rbxcloud always sends scope (default global) beside AllScopes=true: allScopes wins. */
    r = v1(&srv, "GET", u,
           "/datastore/entries?datastoreName=L&allScopes=true&scope=global&limit=1000", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"scope\":\"other\""));
    http_free(&r);
    r = v1(&srv, "GET", u, "/datastore/entries?datastoreName=L&AllScopes=true&limit=1", NULL, NULL);
    ck_assert_int_eq(r.status,
                     200); /* query names are case-insensitive (rbxcloud sends AllScopes) */
    http_free(&r);
}
END_TEST

/* Listing data stores: prefix, paging, createdTime. */
START_TEST(list_datastores)
{
    long long u = unique_universe();
    const char *names[] = {"Alpha", "Beta", "Bravo", "Charlie"};
    for (int i = 0; i < 4; i++) {
        char qs[64];
        snprintf(qs, sizeof qs, "datastoreName=%s&entryKey=k", names[i]);
        set_ok(&srv, u, qs, "1");
    }
    struct http_resp r = v1(&srv, "GET", u, "?limit=10", NULL, NULL);
    struct json_object *o = http_json(&r), *list;
    json_object_object_get_ex(o, "datastores", &list);
    ck_assert_int_eq(json_object_array_length(list), 4);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "name"), "Alpha");
    ck_assert_ptr_nonnull(jstr(json_object_array_get_idx(list, 0), "createdTime"));
    ck_assert_str_eq(jstr(o, "nextPageCursor"), "");
    json_object_put(o);
    http_free(&r);
    r = v1(&srv, "GET", u, "?prefix=B", NULL, NULL); /* default limit 1 */
    o = http_json(&r);
    json_object_object_get_ex(o, "datastores", &list);
    ck_assert_int_eq(json_object_array_length(list), 1);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "name"), "Beta");
    char q[1024];
    snprintf(q, sizeof q, "?prefix=B&cursor=%s", jstr(o, "nextPageCursor"));
    json_object_put(o);
    http_free(&r);
    r = v1(&srv, "GET", u, q, NULL, NULL);
    o = http_json(&r);
    json_object_object_get_ex(o, "datastores", &list);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "name"), "Bravo");
    ck_assert_str_eq(jstr(o, "nextPageCursor"), "");
    json_object_put(o);
    http_free(&r);
}
END_TEST

/* Versions: ascending and descending order, time filters, paging, get by id. */
START_TEST(versions_order_filters_paging)
{
    long long u = unique_universe();
    for (int i = 1; i <= 5; i++) {
        char v[8];
        snprintf(v, sizeof v, "%d", i);
        set_ok(&keep_all, u, "datastoreName=V&entryKey=k", v);
    }
    struct http_resp r =
        v1(&keep_all, "GET", u, "/datastore/entries/entry/versions?datastoreName=V&entryKey=k",
           NULL, NULL);
    struct json_object *o = http_json(&r), *vs;
    json_object_object_get_ex(o, "versions", &vs);
    ck_assert_int_eq(json_object_array_length(vs), 5);
    char ids[5][64], times[5][64];
    for (int i = 0; i < 5; i++) {
        struct json_object *v = json_object_array_get_idx(vs, (size_t)i);
        snprintf(ids[i], sizeof ids[i], "%s", jstr(v, "version"));
        snprintf(times[i], sizeof times[i], "%s", jstr(v, "createdTime"));
        if (i) ck_assert_int_lt(strcmp(ids[i - 1], ids[i]), 0);
    }
    json_object_put(o);
    http_free(&r);

    r = v1(
        &keep_all, "GET", u,
        "/datastore/entries/entry/versions?datastoreName=V&entryKey=k&sortOrder=Descending&limit=2",
        NULL, NULL);
    o = http_json(&r);
    json_object_object_get_ex(o, "versions", &vs);
    ck_assert_str_eq(jstr(json_object_array_get_idx(vs, 0), "version"), ids[4]);
    ck_assert_str_eq(jstr(json_object_array_get_idx(vs, 1), "version"), ids[3]);
    char q[1400];
    snprintf(q, sizeof q,
             "/datastore/entries/entry/"
             "versions?datastoreName=V&entryKey=k&sortOrder=Descending&limit=2&cursor=%s",
             jstr(o, "nextPageCursor"));
    json_object_put(o);
    http_free(&r);
    r = v1(&keep_all, "GET", u, q, NULL, NULL);
    o = http_json(&r);
    json_object_object_get_ex(o, "versions", &vs);
    ck_assert_str_eq(jstr(json_object_array_get_idx(vs, 0), "version"), ids[2]);
    json_object_put(o);
    http_free(&r);

    snprintf(q, sizeof q,
             "/datastore/entries/entry/versions?datastoreName=V&entryKey=k&startTime=%s&endTime=%s",
             times[1], times[3]);
    r = v1(&keep_all, "GET", u, q, NULL, NULL);
    o = http_json(&r);
    json_object_object_get_ex(o, "versions", &vs);
    ck_assert_int_eq(json_object_array_length(vs), 3);
    ck_assert_str_eq(jstr(json_object_array_get_idx(vs, 0), "version"), ids[1]);
    json_object_put(o);
    http_free(&r);

    snprintf(q, sizeof q,
             "/datastore/entries/entry/versions/version?datastoreName=V&entryKey=k&versionId=%s",
             ids[2]);
    r = v1(&keep_all, "GET", u, q, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "3");
    char hv[64];
    ck_assert_str_eq(http_header(&r, "roblox-entry-version", hv, sizeof hv), ids[2]);
    http_free(&r);

    r = v1(&keep_all, "GET", u,
           "/datastore/entries/entry/versions?datastoreName=V&entryKey=k&sortOrder=Sideways", NULL,
           NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidSortOrder");
    http_free(&r);
    r = v1(&keep_all, "GET", u,
           "/datastore/entries/entry/versions?datastoreName=V&entryKey=k&startTime=yesterday", NULL,
           NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidStartTime");
    http_free(&r);
    r = v1(&keep_all, "GET", u,
           "/datastore/entries/entry/versions/version?datastoreName=V&entryKey=k&versionId=nope",
           NULL, NULL);
    expect_v1_error(&r, 400, "INVALID_ARGUMENT", "InvalidVersionId");
    http_free(&r);
    r = v1(&keep_all, "GET", u,
           "/datastore/entries/entry/versions/"
           "version?datastoreName=V&entryKey=k&versionId=08D9E6A3F2188CFF.0000000099."
           "08D9E6A3F2188CFF.01",
           NULL, NULL);
    expect_v1_error(&r, 404, "NOT_FOUND", "VersionNotFound");
    http_free(&r);
}
END_TEST

/* Default retention keeps the first write of the UTC hour and the current one, not every
 * write in between (unless the hour turned during the test). */
START_TEST(default_retention_hourly)
{
    long long u = unique_universe();
    for (int i = 1; i <= 4; i++) {
        char v[8];
        snprintf(v, sizeof v, "%d", i);
        set_ok(&srv, u, "datastoreName=H&entryKey=k", v);
    }
    struct http_resp r = v1(
        &srv, "GET", u, "/datastore/entries/entry/versions?datastoreName=H&entryKey=k", NULL, NULL);
    struct json_object *o = http_json(&r), *vs;
    json_object_object_get_ex(o, "versions", &vs);
    size_t n = json_object_array_length(vs);
    ck_assert_msg(n >= 2 && n <= 3, "retained %zu versions", n);
    if (n == 2) {
        char q[256];
        snprintf(
            q, sizeof q,
            "/datastore/entries/entry/versions/version?datastoreName=H&entryKey=k&versionId=%s",
            jstr(json_object_array_get_idx(vs, 0), "version"));
        struct http_resp g = v1(&srv, "GET", u, q, NULL, NULL);
        ck_assert_str_eq(g.body, "1"); /* the hour's first write */
        http_free(&g);
    }
    json_object_put(o);
    http_free(&r);
}
END_TEST

static int count_array(const char *body, const char *member)
{
    struct http_resp r = {.body = (char *)body};
    struct json_object *o = http_json(&r), *a;
    int n = json_object_object_get_ex(o, member, &a) ? (int)json_object_array_length(a) : -1;
    json_object_put(o);
    return n;
}

/* The background purge removes versions superseded over 30 days ago and tombstones deleted
 * over 30 days ago, and nothing younger (31 days pass on the virtual clock). */
START_TEST(purge_removes_expired_only)
{
    long long u = unique_universe();
    set_ok(&keep_all, u, "datastoreName=Purge&entryKey=p", "1");
    set_ok(&keep_all, u, "datastoreName=Purge&entryKey=p", "2"); /* supersedes 1 now */
    set_ok(&keep_all, u, "datastoreName=Purge&entryKey=gone", "1");
    set_ok(&keep_all, u, "datastoreName=Purge&entryKey=young", "1");
    struct http_resp r =
        v1(&keep_all, "DELETE", u, "/datastore/entries/entry?datastoreName=Purge&entryKey=gone",
           NULL, NULL);
    http_free(&r);
    r = http_do("POST", url_of(&keep_all, "/admin/v1/clock:advance"), "{\"seconds\": 2678400}", 21,
                NULL);
    ck_assert_int_eq(r.status, 200); /* 31 days later */
    http_free(&r);
    set_ok(&keep_all, u, "datastoreName=Purge&entryKey=p", "3"); /* supersedes 2 now */
    r = v1(&keep_all, "DELETE", u, "/datastore/entries/entry?datastoreName=Purge&entryKey=young",
           NULL, NULL);
    http_free(&r);
    int versions = -1, keys = -1;
    for (int i = 0; i < 100 && (versions != 2 || keys != 2); i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL); /* the purge runs every second on its own thread */
        r = v1(&keep_all, "GET", u,
               "/datastore/entries/entry/versions?datastoreName=Purge&entryKey=p", NULL, NULL);
        versions = count_array(r.body, "versions");
        http_free(&r);
        r = v1(&keep_all, "GET", u, "/datastore/entries?datastoreName=Purge", NULL, NULL);
        keys = count_array(r.body, "keys");
        http_free(&r);
    }
    ck_assert_int_eq(versions, 2); /* version 1 expired; 2 (history) and 3 (current) kept */
    ck_assert_int_eq(keys, 2);     /* "gone" purged; "p" and the young tombstone kept */
}
END_TEST

/* Rewriting a live key is a HOT update (no new index entries): no index of entries covers a
 * column such a write changes, and entries pages keep room for the next version of a row.
 * A server of its own on a database of its own, so the table's counters are this test's. */
START_TEST(live_key_rewrites_are_hot)
{
    char hot_db[1024];
    snprintf(hot_db, sizeof hot_db, "%s", harness_fresh_database("ds_v1_hot"));
    struct ds_proc p;
    const char *args[] = {"--database-url", hot_db, "--write-cooldown", "0", NULL};
    ck_assert_msg(proc_start(&p, args), "server did not start: %s", p.log_path);
    long long u = unique_universe();
    for (int i = 0; i < 21; i++) { /* one insert, then 20 updates */
        char body[32];
        snprintf(body, sizeof body, "{\"n\":%d}", i);
        set_ok(&p, u, "datastoreName=Hot&entryKey=k", body);
    }
    /* PostgreSQL publishes a backend's table counters once it idles (within 10 s). */
    long updates = 0, hot = 0;
    for (int i = 0; i < 150 && updates < 20; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        const char *v = harness_sql(hot_db, "SELECT n_tup_upd || ' ' || n_tup_hot_upd FROM "
                                            "pg_stat_user_tables WHERE relname = 'entries'");
        ck_assert_int_eq(sscanf(v ? v : "", "%ld %ld", &updates, &hot), 2);
    }
    ck_assert_int_eq(updates, 20);
    ck_assert_msg(hot >= 18, "only %ld of 20 rewrites were HOT updates", hot);
    ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);
}
END_TEST

/* Python's datetime.isoformat() of a naive time (no offset) is read as UTC; garbage is not. */
START_TEST(naive_times_are_utc)
{
    long long u = unique_universe();
    set_ok(&srv, u, "datastoreName=N&entryKey=k", "1");
    struct http_resp r = v1(&srv, "GET", u,
                            "/datastore/entries/entry/versions?datastoreName=N&entryKey=k&"
                            "startTime=2000-01-01T00:00:00",
                            NULL, NULL);
    ck_assert_msg(r.status == 200 && strstr(r.body, "\"version\""), "%ld %s", r.status, r.body);
    http_free(&r);
    r = v1(
        &srv, "GET", u,
        "/datastore/entries/entry/versions?datastoreName=N&entryKey=k&endTime=2000-01-01T00:00:00",
        NULL, NULL);
    ck_assert_msg(r.status == 200 && !strstr(r.body, "\"version\""), "%ld %s", r.status, r.body);
    http_free(&r);
    r = v1(&srv, "GET", u,
           "/datastore/entries/entry/versions?datastoreName=N&entryKey=k&startTime=2000-01-01",
           NULL, NULL);
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
}
END_TEST

static char *set_version(const struct ds_proc *p, long long u, const char *qs, const char *body)
{
    char suffix[1024];
    snprintf(suffix, sizeof suffix, "/datastore/entries/entry?%s", qs);
    struct http_resp r = v1(p, "POST", u, suffix, body, NULL);
    ck_assert_msg(r.status == 200, "set %s: %ld %s", qs, r.status, r.body);
    struct json_object *o = http_json(&r);
    char *version = strdup(jstr(o, "version"));
    json_object_put(o);
    http_free(&r);
    return version;
}

/* RemoveVersionAsync: an old version goes for good (GetVersion then answers 404, the
 * version list no longer names it); the current version cannot be removed (409). */
START_TEST(remove_version)
{
    long long u = unique_universe();
    char *old = set_version(&keep_all, u, "datastoreName=RV&entryKey=k", "1");
    char *current = set_version(&keep_all, u, "datastoreName=RV&entryKey=k", "2");
    char suffix[512];
    snprintf(suffix, sizeof suffix,
             "/datastore/entries/entry/versions/version?datastoreName=RV&entryKey=k&versionId=%s",
             old);
    struct http_resp r = v1(&keep_all, "DELETE", u, suffix, NULL, NULL);
    ck_assert_msg(r.status == 204, "%ld %s", r.status, r.body);
    http_free(&r);
    r = v1(&keep_all, "GET", u, suffix, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
    r = v1(&keep_all, "GET", u, "/datastore/entries/entry/versions?datastoreName=RV&entryKey=k",
           NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, old));
    ck_assert_ptr_nonnull(strstr(r.body, current));
    http_free(&r);
    snprintf(suffix, sizeof suffix,
             "/datastore/entries/entry/versions/version?datastoreName=RV&entryKey=k&versionId=%s",
             current);
    r = v1(&keep_all, "DELETE", u, suffix, NULL, NULL);
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
    r = v1(&keep_all, "GET", u, "/datastore/entries/entry?datastoreName=RV&entryKey=k", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "2");
    http_free(&r);
    free(old);
    free(current);
}
END_TEST

Suite *v1_suite(void)
{
    Suite *s = suite_create("v1");
    TCase *tc = tcase_create("standard");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, set_get_roundtrip_with_headers);
    tcase_add_test(tc, byte_exact_unusual_values);
    tcase_add_test(tc, four_mib_value_limit);
    tcase_add_test(tc, invalid_values_refused);
    tcase_add_test(tc, md5_checked);
    tcase_add_test(tc, metadata_cleared_when_omitted);
    tcase_add_test(tc, metadata_validation);
    tcase_add_test(tc, name_validation);
    tcase_add_test(tc, not_found_codes);
    tcase_add_test(tc, delete_tombstone);
    tcase_add_test(tc, preconditions);
    tcase_add_test(tc, increment);
    tcase_add_test(tc, list_entries_paging);
    tcase_add_test(tc, list_datastores);
    tcase_add_test(tc, versions_order_filters_paging);
    tcase_add_test(tc, default_retention_hourly);
    tcase_add_test(tc, purge_removes_expired_only);
    tcase_add_test(tc, live_key_rewrites_are_hot);
    tcase_add_test(tc, naive_times_are_utc);
    tcase_add_test(tc, remove_version);
    suite_add_tcase(s, tc);
    return s;
}
