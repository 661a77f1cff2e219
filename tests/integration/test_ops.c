/* test_ops.c — operations: /metrics counting known requests and parsing as Prometheus text,
 * the access log and x-request-id, export → reset → import round-tripping a universe
 * byte-exact (versions and metadata included), a MockDataStoreService fixture, reset
 * refused when not allowed, and /admin/v1/config with secrets redacted. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct ds_proc srv;    /* open local mode, access log on, every version kept */
static struct ds_proc locked; /* keys configured: reset refused by default */
static char srv_db[1024];

#define ADMIN "x-api-key: admin-key-for-ops-tests-0001"

static void setup(void)
{
    snprintf(srv_db, sizeof srv_db, "%s", harness_fresh_database("ds_ops"));
    const char *a[] = {"--database-url",      srv_db, "--write-cooldown", "0", "--access-log",
                       "--keep-all-versions", NULL};
    const char *b[] = {"--database-url",
                       srv_db,
                       "--api-key",
                       "data-key-for-ops-tests-0001",
                       "--admin-key",
                       "admin-key-for-ops-tests-0001",
                       NULL};
    if (!proc_start(&srv, a) || !proc_start(&locked, b)) {
        fprintf(stderr, "servers did not start\n");
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&srv, SIGTERM) != 0 || proc_stop(&locked, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly\n");
        exit(2);
    }
}

static char *get_text(const char *url, long want)
{
    struct http_resp r = http_do("GET", url, NULL, 0, NULL);
    ck_assert_msg(r.status == want, "GET %s: %ld %.300s", url, r.status, r.body);
    char *body = r.body;
    r.body = NULL;
    http_free(&r);
    return body;
}

/* The value of one sample line (exact series text before the space); 0 when absent. */
static double sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, series, n) && p[n] == ' ') return strtod(p + n + 1, NULL);
    return 0;
}

/* Every line is a comment or "name{labels} value"; every sample's metric has a TYPE. */
static void assert_exposition(const char *text)
{
    regex_t re;
    ck_assert_int_eq(regcomp(&re,
                             "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\""
                             "(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? [-+0-9.eEInf]+$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    char *copy = strdup(text), *save = NULL;
    int samples = 0;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') {
            ck_assert_msg(!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7), "%s", line);
            continue;
        }
        ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "bad sample line: %s", line);
        char name[128];
        size_t n = strcspn(line, "{ ");
        snprintf(name, sizeof name, "%.*s", (int)n, line);
        char *suffix = strstr(name, "_bucket");
        if (!suffix) suffix = strstr(name, "_sum");
        if (!suffix) suffix = strstr(name, "_count");
        if (suffix && strstr(name, "duration")) *suffix = '\0';
        char type_line[192];
        snprintf(type_line, sizeof type_line, "# TYPE %s ", name);
        ck_assert_msg(strstr(text, type_line), "no TYPE for %s", name);
        samples++;
    }
    ck_assert_int_gt(samples, 10);
    free(copy);
    regfree(&re);
}

START_TEST(metrics_count_known_requests)
{
    long long u = unique_universe();
    char *before = get_text(url_of(&srv, "/metrics"), 200);
    assert_exposition(before);
    const char *set = "datastored_requests_total{family=\"v1\",operation=\"set\",status=\"200\"}";
    const char *miss = "datastored_requests_total{family=\"v2\",operation=\"get\",status=\"404\"}";
    double sets0 = sample(before, set), miss0 = sample(before, miss);
    double count0 = sample(before, "datastored_request_duration_seconds_count{family=\"v1\","
                                   "operation=\"set\"}");
    double faults0 = sample(before, "datastored_faults_injected_total{effect=\"error\"}");
    free(before);
    for (int i = 0; i < 5; i++) {
        struct http_resp r = http_do(
            "POST",
            url_of(&srv,
                   "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                   "?datastoreName=M&entryKey=k%d",
                   u, i),
            "1", 1, NULL);
        ck_assert_int_eq(r.status, 200);
        http_free(&r);
    }
    for (int i = 0; i < 3; i++) {
        struct http_resp r =
            http_do("GET", url_of(&srv, "/cloud/v2/universes/%lld/data-stores/M/entries/none", u),
                    NULL, 0, NULL);
        ck_assert_int_eq(r.status, 404);
        http_free(&r);
    }
    char body[256];
    snprintf(body, sizeof body,
             "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\"},\"count\":2}", u);
    struct http_resp r =
        http_do("POST", url_of(&srv, "/admin/v1/faults"), body, strlen(body), NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    for (int i = 0; i < 3; i++) {
        r = http_do("GET", url_of(&srv, "/cloud/v2/universes/%lld/data-stores/M/entries/k1", u),
                    NULL, 0, NULL);
        http_free(&r);
    }
    char *after = get_text(url_of(&srv, "/metrics"), 200);
    assert_exposition(after);
    ck_assert(sample(after, set) == sets0 + 5);
    ck_assert(sample(after, miss) == miss0 + 3);
    ck_assert(sample(after, "datastored_request_duration_seconds_count{family=\"v1\","
                            "operation=\"set\"}") == count0 + 5);
    ck_assert(sample(after, "datastored_request_duration_seconds_bucket{family=\"v1\","
                            "operation=\"set\",le=\"+Inf\"}") == count0 + 5);
    ck_assert(sample(after, "datastored_faults_injected_total{effect=\"error\"}") == faults0 + 2);
    ck_assert(sample(after, "datastored_db_pool_connections{state=\"idle\"}") > 0);
    ck_assert_ptr_nonnull(strstr(after, "datastored_build_info{version="));
    free(after);
    r = http_do("DELETE", url_of(&srv, "/admin/v1/faults"), NULL, 0, NULL);
    http_free(&r);
}
END_TEST

START_TEST(access_log_and_request_id)
{
    const char *h[] = {"x-request-id: trace-abc.123", NULL};
    struct http_resp r = http_do("GET", url_of(&srv, "/healthz"), NULL, 0, h);
    char buf[128];
    ck_assert_str_eq(http_header(&r, "x-request-id", buf, sizeof buf), "trace-abc.123");
    http_free(&r);
    ck_assert(proc_log_await(&srv, "request_id=trace-abc.123", 2000));
    ck_assert(proc_log_await(&srv, "access method=GET path=/healthz status=200", 2000));
    const char *bad[] = {"x-request-id: has spaces and \"quotes\"", NULL};
    r = http_do("GET", url_of(&srv, "/healthz"), NULL, 0, bad);
    ck_assert_ptr_nonnull(http_header(&r, "x-request-id", buf, sizeof buf));
    ck_assert_ptr_null(strstr(buf, " "));
    http_free(&r);
    r = http_do("GET", url_of(&locked, "/healthz"), NULL, 0, NULL);
    ck_assert_ptr_nonnull(http_header(&r, "x-request-id", buf, sizeof buf));
    http_free(&r);
    ck_assert(!proc_log_contains(&locked, "access method=")); /* off by default */
}
END_TEST

static void write_entry(long long u, const char *store, const char *key, const char *value,
                        const char *attributes, const char *users)
{
    char a[128], us[64];
    snprintf(a, sizeof a, "roblox-entry-attributes: %s", attributes);
    snprintf(us, sizeof us, "roblox-entry-userids: %s", users);
    const char *h[] = {a, us, NULL};
    struct http_resp r =
        http_do("POST",
                url_of(&srv,
                       "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                       "?datastoreName=%s&scope=s1&entryKey=%s",
                       u, store, key),
                value, strlen(value), h);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
}

/* The export without its exportTime, for comparing two exports. */
static char *export_of(long long u)
{
    char *text = get_text(url_of(&srv, "/admin/v1/export?universe=%lld&versions=true", u), 200);
    char *t = strstr(text, "\"exportTime\":\"");
    ck_assert_ptr_nonnull(t);
    char *end = strchr(t + 14, '"');
    ck_assert(t[-1] == ',');
    memmove(t - 1, end + 1, strlen(end + 1) + 1); /* with the comma before it */
    return text;
}

START_TEST(export_reset_import_round_trip)
{
    long long u = unique_universe();
    write_entry(u, "Players", "p1", "{\"coins\": 1.50, \"name\":\"\\u00e9\"}", "{\"tier\":\"a\"}",
                "[7]");
    write_entry(u, "Players", "p1", "{\"coins\":2}", "{}", "[]");
    write_entry(u, "Players", "p1", "[1, 2,   3]", "{\"x\":[1]}", "[7,8]");
    write_entry(u, "Players", "p2", "\"just a string\"", "{}", "[]");
    write_entry(u, "Inventory", "i1", "12345678901234567890", "{}", "[]");
    struct http_resp r = http_do(
        "POST",
        url_of(&srv, "/cloud/v2/universes/%lld/ordered-data-stores/Top/scopes/global/entries?id=a",
               u),
        "{\"value\":42}", 12, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);

    /* 510 more entries over three scopes: the export pages (200 rows) across scopes. */
    size_t cap = 64 * 1024, n = 0;
    char *bulk = malloc(cap);
    ck_assert_ptr_nonnull(bulk);
    n += (size_t)snprintf(bulk + n, cap - n, "{\"DataStore\":{\"Bulk\":{");
    for (int sc = 0; sc < 3; sc++) {
        n += (size_t)snprintf(bulk + n, cap - n, "%s\"scope%d\":{", sc ? "," : "", sc);
        for (int k = 0; k < 170; k++)
            n += (size_t)snprintf(bulk + n, cap - n, "%s\"key%03d\":%d", k ? "," : "", k, k);
        n += (size_t)snprintf(bulk + n, cap - n, "}");
    }
    n += (size_t)snprintf(bulk + n, cap - n, "}}}");
    r = http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", u), bulk, n, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    free(bulk);

    char *before = export_of(u);
    int keys = 0;
    for (const char *p = before; (p = strstr(p, "\"key\":")); p++)
        keys++;
    ck_assert_int_eq(keys, 514); /* 513 entries and 1 ordered entry */
    ck_assert_ptr_nonnull(strstr(before, "\"key\":\"key169\",\"createdTime\""));
    ck_assert_ptr_nonnull(strstr(before, "\"value\":{\"coins\": 1.50, \"name\":\"\\u00e9\"}"));
    ck_assert_ptr_nonnull(strstr(before, "\"attributes\":{\"tier\":\"a\"}"));

    char body[64];
    snprintf(body, sizeof body, "{\"universe\":%lld}", u);
    r = http_do("POST", url_of(&srv, "/admin/v1/reset"), body, strlen(body), NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = http_do("GET",
                url_of(&srv,
                       "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                       "?datastoreName=Players&scope=s1&entryKey=p1",
                       u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);

    r = http_do("POST", url_of(&srv, "/admin/v1/import"), before, strlen(before), NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    struct json_object *o = http_json(&r);
    ck_assert_int_eq(jint(o, "entries"), 513);
    ck_assert_int_eq(jint(o, "versions"), 2);
    ck_assert_int_eq(jint(o, "orderedEntries"), 1);
    ck_assert_int_eq(jint(o, "failed"), 0);
    json_object_put(o);
    http_free(&r);
    char *after = export_of(u);
    ck_assert_str_eq(before, after);
    /* Importing again changes nothing. */
    r = http_do("POST", url_of(&srv, "/admin/v1/import"), before, strlen(before), NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    char *again = export_of(u);
    ck_assert_str_eq(before, again);
    /* The restored entry answers with its old version and metadata. */
    r = http_do("GET",
                url_of(&srv,
                       "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                       "?datastoreName=Players&scope=s1&entryKey=p1",
                       u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "[1, 2,   3]");
    char buf[128];
    ck_assert_str_eq(http_header(&r, "roblox-entry-userids", buf, sizeof buf), "[7,8]");
    http_free(&r);
    free(before);
    free(after);
    free(again);
}
END_TEST

/* An import whose rows are pipelined a batch at a time still stops at the first row the
 * database refuses: the reply is an error, the batches before it stay, the failed one is
 * rolled back, the connection serves the next request, and importing again after the cause
 * is gone completes it. The refusal is a CHECK constraint this test adds for one key. */
START_TEST(import_stops_at_a_refused_row)
{
    long long u = unique_universe();
    size_t cap = 64 * 1024, n = 0;
    char *doc = malloc(cap);
    ck_assert_ptr_nonnull(doc);
    n += (size_t)snprintf(doc + n, cap - n, "{\"DataStore\":{\"Bulk\":{\"global\":{");
    for (int k = 0; k < 1200; k++)
        n += (size_t)snprintf(doc + n, cap - n, "%s\"%s%04d\":%d", k ? "," : "",
                              k == 1100 ? "poison" : "key", k, k);
    n += (size_t)snprintf(doc + n, cap - n, "}}}}");
    char sql[256];
    snprintf(sql, sizeof sql,
             "ALTER TABLE entries ADD CONSTRAINT no_poison_%lld CHECK (universe_id <> %lld OR "
             "key <> 'poison1100')",
             u, u);
    harness_sql(srv_db, sql);
    struct http_resp r =
        http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", u), doc, n, NULL);
    ck_assert_msg(r.status == 500, "%ld %s", r.status, r.body);
    http_free(&r);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM entries WHERE universe_id = %lld", u);
    long stored = atol(harness_sql(srv_db, sql));
    ck_assert_msg(stored >= 500 && stored < 1100, "%ld entries stored", stored);
    r = http_do("GET", url_of(&srv, "/healthz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    snprintf(sql, sizeof sql, "ALTER TABLE entries DROP CONSTRAINT no_poison_%lld", u);
    harness_sql(srv_db, sql);
    r = http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", u), doc, n, NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    struct json_object *o = http_json(&r);
    ck_assert_int_eq(jint(o, "entries"), 1200);
    json_object_put(o);
    http_free(&r);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM entries WHERE universe_id = %lld", u);
    ck_assert_str_eq(harness_sql(srv_db, sql), "1200");
    free(doc);
}
END_TEST

START_TEST(mock_fixture_imports)
{
    long long u = unique_universe();
    const char *fixture =
        "{\"DataStore\":{\"PlayerData\":{\"global\":{\"Player_1\":{\"Coins\":10,\"Items\":["
        "\"sword\"]},\"Player_2\":{\"Coins\":0}}},\"Settings\":{\"prod\":{\"motd\":\"hi\"}}},"
        "\"OrderedDataStore\":{\"Leaderboard\":{\"global\":{\"Player_1\":300,\"Player_2\":"
        "120}}},\"GlobalDataStore\":{\"Version\":3}}";
    struct http_resp r = http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", u), fixture,
                                 strlen(fixture), NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    struct json_object *o = http_json(&r);
    ck_assert_int_eq(jint(o, "entries"), 4);
    ck_assert_int_eq(jint(o, "orderedEntries"), 2);
    json_object_put(o);
    http_free(&r);
    r = http_do("GET",
                url_of(&srv, "/cloud/v2/universes/%lld/data-stores/PlayerData/entries/Player_1", u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"value\":{\"Coins\":10,\"Items\":[\"sword\"]}"));
    http_free(&r);
    r = http_do("GET",
                url_of(&srv,
                       "/cloud/v2/universes/%lld/ordered-data-stores/Leaderboard/scopes/global/"
                       "entries?orderBy=value%%20desc",
                       u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    char *p1 = strstr(r.body, "Player_1"), *p2 = strstr(r.body, "Player_2");
    ck_assert(p1 && p2 && p1 < p2);
    http_free(&r);
    const char *bad = "{\"DataStore\":{\"bad name that is much too long for a data store name "
                      "limit of fifty\":{\"global\":{\"k\":1}}}}";
    r = http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", u), bad, strlen(bad), NULL);
    ck_assert_int_eq(r.status, 200);
    o = http_json(&r);
    ck_assert_int_eq(jint(o, "failed"), 1);
    json_object_put(o);
    http_free(&r);
    const char *refused[] = {"[]", "{\"something\":1}", "not json"};
    for (int i = 0; i < 3; i++) {
        r = http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", u), refused[i],
                    strlen(refused[i]), NULL);
        ck_assert_int_eq(r.status, 400);
        http_free(&r);
    }
    r = http_do("POST", url_of(&srv, "/admin/v1/import"), fixture, strlen(fixture), NULL);
    ck_assert_int_eq(r.status, 400); /* a Mock file names no universe */
    http_free(&r);
    /* A wrongly shaped part is refused by path before anything is written. */
    const char *misshapen = "{\"DataStore\":{\"Fresh\":{\"global\":{\"k\":1}},"
                            "\"Shapes\":{\"global\":5}}}";
    r = http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", u), misshapen,
                strlen(misshapen), NULL);
    ck_assert_msg(r.status == 400, "%ld %s", r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "DataStore.Shapes.global must be an object"));
    http_free(&r);
    r = http_do("GET", url_of(&srv, "/cloud/v2/universes/%lld/data-stores/Fresh/entries/k", u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
}
END_TEST

START_TEST(reset_refused_and_config)
{
    const char *admin[] = {ADMIN, NULL};
    struct http_resp r = http_do("POST", url_of(&locked, "/admin/v1/reset"), "{}", 2, admin);
    ck_assert_int_eq(r.status, 403);
    http_free(&r);
    r = http_do("GET", url_of(&locked, "/admin/v1/config"), NULL, 0, admin);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "admin-key-for-ops-tests-0001"));
    ck_assert_ptr_null(strstr(r.body, "data-key-for-ops-tests-0001"));
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "api-key"), "[redacted]");
    ck_assert_str_eq(jstr(o, "allow-reset"), "auto");
    ck_assert_int_eq(jint(o, "request-timeout"), 30);
    json_object_put(o);
    http_free(&r);
    r = http_do("POST", url_of(&srv, "/admin/v1/reset"), "{\"universe\":\"x\"}", 16, NULL);
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
}
END_TEST

/* GET /admin/v1/universes lists the universes holding data with their counts, paged by id;
 * …/ordered-data-stores lists a universe's ordered stores (those with entries). */
START_TEST(universes_listing)
{
    long long a = unique_universe(), b = unique_universe();
    const char *writes[][2] = {
        {"/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
         "?datastoreName=S1&entryKey=k",
         "1"},
        {"/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
         "?datastoreName=S2&entryKey=k",
         "2"},
        {"/cloud/v2/universes/%lld/ordered-data-stores/Board/scopes/global/entries?id=p",
         "{\"value\": 5}"},
    };
    for (size_t i = 0; i < 3; i++) {
        struct http_resp r = http_do("POST", url_of(&srv, writes[i][0], i < 2 ? a : b),
                                     writes[i][1], strlen(writes[i][1]), NULL);
        ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
        http_free(&r);
    }
    /* Page through every universe one at a time: a and b each appear once, with counts. */
    char token[32] = "";
    int seen_a = 0, seen_b = 0, pages = 0;
    do {
        struct http_resp r =
            http_do("GET", url_of(&srv, "/admin/v1/universes?maxPageSize=1&pageToken=%s", token),
                    NULL, 0, NULL);
        ck_assert_int_eq(r.status, 200);
        struct json_object *o = http_json(&r), *items, *u;
        ck_assert(json_object_object_get_ex(o, "universes", &items));
        ck_assert_int_le(json_object_array_length(items), 1);
        if (json_object_array_length(items) == 1) {
            u = json_object_array_get_idx(items, 0);
            if (jint(u, "id") == a) {
                seen_a++;
                ck_assert_int_eq(jint(u, "dataStores"), 2);
                ck_assert_int_eq(jint(u, "orderedDataStores"), 0);
            }
            if (jint(u, "id") == b) {
                seen_b++;
                ck_assert_int_eq(jint(u, "dataStores"), 0);
                ck_assert_int_eq(jint(u, "orderedDataStores"), 1);
            }
        }
        snprintf(token, sizeof token, "%s", jstr(o, "nextPageToken"));
        json_object_put(o);
        http_free(&r);
        ck_assert_int_lt(++pages, 10000);
    } while (token[0]);
    ck_assert_int_eq(seen_a, 1);
    ck_assert_int_eq(seen_b, 1);

    struct http_resp r = http_do(
        "GET", url_of(&srv, "/admin/v1/universes/%lld/ordered-data-stores", b), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r), *stores;
    ck_assert(json_object_object_get_ex(o, "orderedDataStores", &stores));
    ck_assert_int_eq(json_object_array_length(stores), 1);
    ck_assert_str_eq(jstr(json_object_array_get_idx(stores, 0), "name"), "Board");
    ck_assert_int_eq(jint(json_object_array_get_idx(stores, 0), "entries"), 1);
    json_object_put(o);
    http_free(&r);
    r = http_do("GET", url_of(&srv, "/admin/v1/universes?pageToken=x"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
}
END_TEST

/* POST /admin/v1/reset with {} deletes every universe's data and every fault rule
 * (answering {"reset":"everything"}); API keys and the clock stay. Runs last in the suite. */
START_TEST(reset_everything_wipes_data_and_rules)
{
    long long u = unique_universe();
    char *entry = strdup(url_of(&srv,
                                "/datastores/v1/universes/%lld/standard-datastores/datastore/"
                                "entries/entry?datastoreName=Gone&entryKey=k",
                                u)); /* url_of's buffer is reused */
    ck_assert_ptr_nonnull(entry);
    struct http_resp r = http_do("POST", entry, "1", 1, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    const char *rule = "{\"match\":{\"universe\":1},\"effect\":{\"type\":\"error\"}}";
    r = http_do("POST", url_of(&srv, "/admin/v1/faults"), rule, strlen(rule), NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = http_do("POST", url_of(&srv, "/admin/v1/reset"), "{}", 2, NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "reset"), "everything");
    json_object_put(o);
    http_free(&r);
    r = http_do("GET", entry, NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
    r = http_do("GET", url_of(&srv, "/admin/v1/faults"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"faults\":[]"));
    http_free(&r);
    free(entry);
}
END_TEST

Suite *ops_suite(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("ops");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, metrics_count_known_requests);
    tcase_add_test(tc, access_log_and_request_id);
    tcase_add_test(tc, export_reset_import_round_trip);
    tcase_add_test(tc, mock_fixture_imports);
    tcase_add_test(tc, import_stops_at_a_refused_row);
    tcase_add_test(tc, reset_refused_and_config);
    tcase_add_test(tc, universes_listing);
    tcase_add_test(tc, reset_everything_wipes_data_and_rules);
    suite_add_tcase(s, tc);
    return s;
}
