/* test_ordered.c — ordered data stores over real HTTP in both wire families: every route and
 * error path, keyset paging over 10,000 entries in both directions with bounds while another
 * client changes entries, and concurrent increments. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct ds_proc srv;
static char db[1024];

static void setup(void)
{
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_ordered"));
    const char *a[] = {"--database-url", db, "--write-cooldown", "0", NULL};
    if (!proc_start(&srv, a)) {
        fprintf(stderr, "server did not start: %s\n", srv.log_path);
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&srv, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly: %s\n", srv.log_path);
        exit(2);
    }
}

#define V1 "/ordered-data-stores/v1/universes/%lld/orderedDataStores/%s/scopes/global/entries%s"
#define V2 "/cloud/v2/universes/%lld/ordered-data-stores/%s/scopes/global/entries%s"

static struct http_resp call(const char *fmt, const char *method, long long u, const char *ds,
                             const char *suffix, const char *body)
{
    return http_do(method, url_of(&srv, fmt, u, ds, suffix), body, body ? strlen(body) : 0, NULL);
}

static void expect_error(struct http_resp r, long status, const char *code)
{
    ck_assert_msg(r.status == status, "%ld (want %ld): %s", r.status, status, r.body);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "code"), code);
    json_object_put(o);
    http_free(&r);
}

/* Every v1 route: create, duplicate create, get, patch, allow_missing, increment, delete. */
START_TEST(v1_routes)
{
    long long u = unique_universe();
    struct http_resp r = call(V1, "POST", u, "Lb", "?id=alice", "{\"value\": 10}");
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    char path[200];
    snprintf(path, sizeof path, "universes/%lld/orderedDataStores/Lb/scopes/global/entries/alice",
             u);
    ck_assert_str_eq(jstr(o, "path"), path);
    ck_assert_str_eq(jstr(o, "id"), "alice");
    ck_assert_int_eq(jint(o, "value"), 10);
    json_object_put(o);
    http_free(&r);
    expect_error(call(V1, "POST", u, "Lb", "?id=alice", "{\"value\": 1}"), 400, "INVALID_ARGUMENT");
    expect_error(call(V1, "POST", u, "Lb", "", "{\"value\": 1}"), 400, "INVALID_ARGUMENT");
    expect_error(call(V1, "POST", u, "Lb", "?id=bob", "{\"value\": 1.5}"), 400, "INVALID_ARGUMENT");
    expect_error(call(V1, "POST", u, "Lb", "?id=bob", "{\"value\": 9223372036854775808}"), 400,
                 "INVALID_ARGUMENT");
    expect_error(call(V1, "POST", u, "Lb", "?id=bob", "{\"v\": 1}"), 400, "INVALID_ARGUMENT");
    expect_error(call(V1, "POST", u, "Lb", "?id=bob", "[1]"), 400, "INVALID_ARGUMENT");

    r = call(V1, "GET", u, "Lb", "/alice", NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    expect_error(call(V1, "GET", u, "Lb", "/nobody", NULL), 404, "NOT_FOUND");

    r = call(V1, "PATCH", u, "Lb", "/alice", "{\"value\": -3}");
    o = http_json(&r);
    ck_assert_int_eq(jint(o, "value"), -3);
    json_object_put(o);
    http_free(&r);
    expect_error(call(V1, "PATCH", u, "Lb", "/carol", "{\"value\": 1}"), 404, "NOT_FOUND");
    r = call(V1, "PATCH", u, "Lb", "/carol?allow_missing=true", "{\"value\": 1}");
    ck_assert_int_eq(r.status, 200);
    http_free(&r);

    r = call(V1, "POST", u, "Lb", "/alice:increment", "{\"amount\": 13}");
    o = http_json(&r);
    ck_assert_int_eq(jint(o, "value"), 10);
    json_object_put(o);
    http_free(&r);
    r = call(V1, "POST", u, "Lb", "/newbie:increment", "{\"amount\": 2}");
    o = http_json(&r);
    ck_assert_int_eq(jint(o, "value"), 2);
    json_object_put(o);
    http_free(&r);
    r = call(V1, "PATCH", u, "Lb", "/alice", "{\"value\": 9223372036854775807}");
    http_free(&r);
    expect_error(call(V1, "POST", u, "Lb", "/alice:increment", "{\"amount\": 1}"), 400,
                 "INVALID_ARGUMENT");

    r = call(V1, "DELETE", u, "Lb", "/alice", NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = call(V1, "DELETE", u, "Lb", "/alice", NULL); /* absent: still 200 */
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    expect_error(call(V1, "GET", u, "Lb", "/alice", NULL), 404, "NOT_FOUND");
}
END_TEST

/* Every v2 route, with v2's names (maxPageSize, orderBy, allowMissing) and shapes. */
START_TEST(v2_routes)
{
    long long u = unique_universe();
    struct http_resp r = call(V2, "POST", u, "Board", "?id=a", "{\"value\": 5}");
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    char path[200];
    snprintf(path, sizeof path, "universes/%lld/ordered-data-stores/Board/scopes/global/entries/a",
             u);
    ck_assert_str_eq(jstr(o, "path"), path);
    json_object_put(o);
    http_free(&r);
    r = call(V2, "PATCH", u, "Board", "/b?allowMissing=true", "{\"value\": 7.6}");
    o = http_json(&r);
    ck_assert_int_eq(jint(o, "value"), 8); /* v2 rounds doubles to the nearest integer */
    json_object_put(o);
    http_free(&r);
    r = call(V2, "POST", u, "Board", "/a:increment", "{\"amount\": 10}");
    o = http_json(&r);
    ck_assert_int_eq(jint(o, "value"), 15);
    json_object_put(o);
    http_free(&r);
    r = call(V2, "GET", u, "Board", "?orderBy=value%20desc", NULL);
    o = http_json(&r);
    struct json_object *list;
    ck_assert(json_object_object_get_ex(o, "orderedDataStoreEntries", &list));
    ck_assert_int_eq(json_object_array_length(list), 2);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "id"), "a");
    ck_assert_str_eq(jstr(o, "nextPageToken"), "");
    json_object_put(o);
    http_free(&r);
    expect_error(call(V2, "GET", u, "Board", "?orderBy=desc", NULL), 400, "INVALID_ARGUMENT");
    expect_error(call(V2, "GET", u, "Board", "?maxPageSize=-2", NULL), 400, "INVALID_ARGUMENT");
    expect_error(call(V2, "GET", u, "Board", "?filter=entry%3C%3D10", NULL), 400,
                 "INVALID_ARGUMENT");
    expect_error(call(V2, "GET", u, "Board", "?pageToken=bogus", NULL), 400, "INVALID_ARGUMENT");
    r = call(V2, "DELETE", u, "Board", "/a", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{}");
    http_free(&r);
    r = http_do(
        "GET",
        url_of(&srv, "/cloud/v2/universes/%lld/ordered-data-stores/Board/scopes/-/entries", u),
        NULL, 0, NULL);
    expect_error(r, 400, "INVALID_ARGUMENT");
}
END_TEST

/* Page size: default 10, larger coerced to 100; ties are ordered by key. */
START_TEST(page_sizes_and_ties)
{
    long long u = unique_universe();
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO ordered_entries SELECT %lld, 'Ties', 'global', 'k' || lpad(g::text, 3, '0'),"
        " g / 50, 0 FROM generate_series(0, 149) g",
        u);
    harness_sql(db, sql);
    struct http_resp r = call(V1, "GET", u, "Ties", "", NULL);
    struct json_object *o = http_json(&r), *list;
    json_object_object_get_ex(o, "entries", &list);
    ck_assert_int_eq(json_object_array_length(list), 10);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "id"), "k000");
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 9), "id"), "k009");
    json_object_put(o);
    http_free(&r);
    r = call(V1, "GET", u, "Ties", "?max_page_size=500&order_by=desc", NULL);
    o = http_json(&r);
    json_object_object_get_ex(o, "entries", &list);
    ck_assert_int_eq(json_object_array_length(list), 100);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "id"), "k149");
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 1), "id"), "k148");
    json_object_put(o);
    http_free(&r);
}
END_TEST

struct churn {
    long long universe;
    volatile int stop;
    int changes;
};

static void churn_request(CURL *h, const char *method, const char *url, const char *body)
{
    FILE *devnull = fopen("/dev/null", "w");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fwrite);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, devnull);
    curl_easy_perform(h);
    fclose(devnull);
}

/* While pages are read: increments entries outside the paged bounds, and inserts then deletes
 * entries inside them (which would shift an OFFSET-based page and duplicate or skip rows). */
static void *churn_main(void *arg)
{
    struct churn *c = arg;
    CURL *h = curl_easy_init();
    char base[300], url[512], body[64];
    snprintf(base, sizeof base,
             "%s/ordered-data-stores/v1/universes/%lld/orderedDataStores/Big/scopes/global/entries",
             srv.base_url, c->universe);
    unsigned seed = 7;
    for (int i = 0; !c->stop && i < 100000; i++) {
        int k = (int)(rand_r(&seed) % 10000);
        switch (i % 3) {
        case 0: /* outside the bounds: e00000..e00099 and e09001..e09999 */
            snprintf(url, sizeof url, "%s/e%05d:increment", base,
                     k < 5000 ? k % 100 : 9001 + k % 999);
            churn_request(h, "POST", url, "{\"amount\": 3}");
            break;
        case 1: /* a newcomer inside the bounds */
            snprintf(url, sizeof url, "%s?id=new%06d", base, i);
            snprintf(body, sizeof body, "{\"value\": %d}", 1000 + k * 8);
            churn_request(h, "POST", url, body);
            break;
        default: /* the previous newcomer leaves */
            snprintf(url, sizeof url, "%s/new%06d", base, i - 1);
            churn_request(h, "DELETE", url, NULL);
        }
        c->changes++;
    }
    curl_easy_cleanup(h);
    return NULL;
}

/* Pages through [min, max] in one direction; every original entry in range is seen exactly
 * once and values never go backwards. Returns the number of originals seen. */
static int page_through(long long u, bool desc, int page_size)
{
    static unsigned char seen[10000];
    memset(seen, 0, sizeof seen);
    char token[1024] = "";
    long long prev = desc ? INT64_MAX : INT64_MIN;
    int originals = 0;
    for (int guard = 0; guard < 1000; guard++) {
        char suffix[1400];
        snprintf(suffix, sizeof suffix,
                 "?max_page_size=%d%s&filter=entry%%20%%3E%%3D%%201000%%20%%26%%26%%20entry%%20%%"
                 "3C%%3D%%2090009%s%s",
                 page_size, desc ? "&order_by=desc" : "", token[0] ? "&page_token=" : "", token);
        struct http_resp r = call(V1, "GET", u, "Big", suffix, NULL);
        ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
        struct json_object *o = http_json(&r), *list;
        json_object_object_get_ex(o, "entries", &list);
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            struct json_object *e = json_object_array_get_idx(list, i);
            long long v = jint(e, "value");
            ck_assert_msg(desc ? v <= prev : v >= prev, "order broken: %lld after %lld", v, prev);
            ck_assert(v >= 1000 && v <= 90009);
            prev = v;
            const char *id = jstr(e, "id");
            if (id[0] == 'e') {
                int k = atoi(id + 1);
                ck_assert_msg(!seen[k], "%s seen twice", id);
                seen[k] = 1;
                originals++;
            }
        }
        snprintf(token, sizeof token, "%s", jstr(o, "nextPageToken"));
        json_object_put(o);
        http_free(&r);
        if (!token[0]) break;
    }
    for (int k = 100; k <= 9000; k++)
        ck_assert_msg(seen[k], "e%05d never seen", k);
    return originals;
}

/* 10,000 entries, bounded pages in both directions, while another client changes the store:
 * each original entry in range appears exactly once, in order. */
START_TEST(keyset_paging_under_churn)
{
    long long u = unique_universe();
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO ordered_entries SELECT %lld, 'Big', 'global', 'e' || lpad(g::text, 5, '0'),"
        " g * 10 + 2, 0 FROM generate_series(0, 9999) g",
        u);
    harness_sql(db, sql);
    struct churn c = {u, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, churn_main, &c);
    int asc = page_through(u, false, 100);
    int desc = page_through(u, true, 37);
    c.stop = 1;
    pthread_join(t, NULL);
    ck_assert_int_eq(asc, 8901);
    ck_assert_int_eq(desc, 8901);
    ck_assert_int_gt(c.changes, 10);
}
END_TEST

struct incr_job {
    long long universe;
    int failures;
};

static void *incr_main(void *arg)
{
    struct incr_job *j = arg;
    CURL *h = curl_easy_init();
    char url[512];
    snprintf(
        url, sizeof url,
        "%s/cloud/v2/universes/%lld/ordered-data-stores/Cnt/scopes/global/entries/hot:increment",
        srv.base_url, j->universe);
    FILE *devnull = fopen("/dev/null", "w");
    for (int i = 0; i < 250; i++) {
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{\"amount\": 1}");
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fwrite);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, devnull);
        long status = 0;
        if (curl_easy_perform(h) != CURLE_OK) j->failures++;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) j->failures++;
    }
    fclose(devnull);
    curl_easy_cleanup(h);
    return NULL;
}

/* 8 clients × 250 :increment on one entry (created by the first one) end at exactly 2000. */
START_TEST(concurrent_increments)
{
    long long u = unique_universe();
    pthread_t t[8];
    struct incr_job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i] = (struct incr_job){u, 0};
        pthread_create(&t[i], NULL, incr_main, &jobs[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
    struct http_resp r = call(V2, "GET", u, "Cnt", "/hot", NULL);
    struct json_object *o = http_json(&r);
    ck_assert_int_eq(jint(o, "value"), 2000);
    json_object_put(o);
    http_free(&r);
}
END_TEST

/* The exact requests rblx-open-cloud builds: the lower-case "orderedDatastores" path word,
 * and the duplicate-create text it matches ("Entry already exists."). */
START_TEST(client_request_shapes)
{
    long long u = unique_universe();
    const char *lower = "/ordered-data-stores/v1/universes/%lld/orderedDatastores/%s/scopes/global/"
                        "entries%s";
    struct http_resp r = call(lower, "POST", u, "Shapes", "?id=a", "{\"value\": 3}");
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
    r = call(lower, "POST", u, "Shapes", "?id=a", "{\"value\": 3}");
    ck_assert_int_eq(r.status, 400);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "message"), "Entry already exists.");
    json_object_put(o);
    http_free(&r);
    /* Names stay case-sensitive: "shapes" is another data store. */
    r = call(lower, "GET", u, "shapes", "/a", NULL);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
    r = call(V2, "GET", u, "Shapes", "/A", NULL);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
}
END_TEST

Suite *ordered_suite(void)
{
    Suite *s = suite_create("ordered");
    TCase *tc = tcase_create("ordered");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, v1_routes);
    tcase_add_test(tc, v2_routes);
    tcase_add_test(tc, page_sizes_and_ties);
    tcase_add_test(tc, keyset_paging_under_churn);
    tcase_add_test(tc, concurrent_increments);
    tcase_add_test(tc, client_request_shapes);
    suite_add_tcase(s, tc);
    return s;
}
