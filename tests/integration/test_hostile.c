/* test_hostile.c — hostile input over real HTTP: oversized bodies and headers, invalid
 * UTF-8 and NUL bytes, path tricks, SQL metacharacters in every field, wrong JSON types,
 * absurd numbers, forged cursors, and 1,000 idle connections. Every answer must be a clear
 * 4xx (never a 5xx, never a crash), stored data must come back byte-exact, and the server
 * must serve the next valid request and exit cleanly (a sanitizer report would fail that). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct ds_proc srv;
static char srv_db[1024];
static long long u;

static void setup(void)
{
    snprintf(srv_db, sizeof srv_db, "%s", harness_fresh_database("ds_hostile"));
    const char *args[] = {"--database-url", srv_db, "--write-cooldown", "0", NULL};
    if (!proc_start(&srv, args)) {
        fprintf(stderr, "server did not start\n");
        exit(2);
    }
    u = unique_universe();
}

static void teardown(void)
{
    if (proc_stop(&srv, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly (sanitizer report?): %s\n", srv.log_path);
        exit(2);
    }
}

/* The request gets a 4xx with a JSON body (libmicrohttpd's own 431 for heads beyond its
 * memory is HTML: allowed via json_optional). */
static long expect_4xx(const char *method, const char *url, const char *body, size_t len,
                       const char *const *headers)
{
    struct http_resp r = http_do(method, url, body, len, headers);
    ck_assert_msg(r.status >= 400 && r.status < 500, "%s %.200s: %ld %.200s", method, url, r.status,
                  r.body);
    if (r.status != 431) {
        struct json_object *o = http_json(&r);
        json_object_put(o);
    }
    long st = r.status;
    http_free(&r);
    return st;
}

static void expect_alive(void)
{
    char url[512];
    snprintf(url, sizeof url, "%s",
             url_of(&srv,
                    "/datastores/v1/universes/%lld/standard-datastores"
                    "/datastore/entries/entry?datastoreName=H&"
                    "entryKey=alive",
                    u));
    struct http_resp r = http_do("POST", url, "1", 1, NULL);
    ck_assert_msg(r.status == 200, "valid write after hostile input: %ld %s", r.status, r.body);
    http_free(&r);
}

#define V1E "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
#define V2 "/cloud/v2/universes/%lld/data-stores"
#define OV1 "/ordered-data-stores/v1/universes/%lld/orderedDataStores/O/scopes/global/entries"
#define OV2 "/cloud/v2/universes/%lld/ordered-data-stores/O/scopes/global/entries"

/* The largest head the wire guard lets through (a URL near 8 KiB, a 31 KiB header) is served
 * by the handler: libmicrohttpd's per-connection memory (sized to fit it) must not refuse it
 * with its own HTML 431. */
START_TEST(largest_allowed_head_is_served)
{
    char *path = malloc(9000);
    ck_assert_ptr_nonnull(path);
    /* List Data Stores with a 7.5 KiB prefix: a valid request, its answer an empty page. */
    int n = snprintf(path, 9000, "/datastores/v1/universes/%lld/standard-datastores?prefix=", u);
    memset(path + n, 'p', 7600 - (size_t)n);
    path[7600] = '\0';
    char *header = malloc(40000);
    ck_assert_ptr_nonnull(header);
    strcpy(header, "x-junk: ");
    memset(header + 8, 'h', 31 * 1024);
    header[8 + 31 * 1024] = '\0';
    const char *hs[] = {header, NULL};
    struct http_resp r = http_do("GET", url_of(&srv, "%s", path), NULL, 0, hs);
    ck_assert_msg(r.status == 200, "a head under every limit: %ld %.200s", r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "\"datastores\":[]"));
    http_free(&r);
    free(header);
    free(path);
}
END_TEST

START_TEST(oversized_bodies_and_heads)
{
    size_t big = 10 * 1024 * 1024;
    char *body = malloc(big);
    ck_assert_ptr_nonnull(body);
    memset(body, 'x', big);
    ck_assert_int_eq(
        expect_4xx("POST", url_of(&srv, V1E "?datastoreName=H&entryKey=k", u), body, big, NULL),
        413);
    const char *chunked[] = {"Transfer-Encoding: chunked", NULL};
    ck_assert_int_eq(expect_4xx("POST", url_of(&srv, V2 "/H/entries?id=k", u), body, big, chunked),
                     413);
    free(body);

    char *header = malloc(70000);
    ck_assert_ptr_nonnull(header);
    strcpy(header, "x-junk: ");
    memset(header + 8, 'h', 64 * 1024);
    header[8 + 64 * 1024] = '\0';
    const char *hs[] = {header, NULL};
    ck_assert_int_eq(expect_4xx("GET", url_of(&srv, V2 "/H/entries/k", u), NULL, 0, hs), 431);
    free(header);

    char *url = malloc(20000);
    ck_assert_ptr_nonnull(url);
    int n = snprintf(url, 20000, "%s", url_of(&srv, V2 "/H/entries/", u));
    memset(url + n, 'k', 12000);
    url[n + 12000] = '\0';
    ck_assert_int_eq(expect_4xx("GET", url, NULL, 0, NULL), 414);
    free(url);
    expect_alive();
}
END_TEST

START_TEST(bad_bytes_and_path_tricks)
{
    const char *paths[] = {
        V1E "?datastoreName=H&entryKey=%%FF%%FE",
        V1E "?datastoreName=%%C3%%28&entryKey=k",
        V1E "?datastoreName=H&entryKey=a%%00b",
        V1E "?datastoreName=H&scope=%%ED%%A0%%80&entryKey=k",
        V2 "/H/entries/%%C3%%28",
        V2 "/H/entries/a%%00b",
        V2 "/H%%00/entries/k",
        V2 "/H/entries/k%%",
        V2 "/H/entries/k%%G1",
        "/datastores/v1/../admin/v1/faults",
        "/cloud/v2/universes/%lld/../../admin/v1/faults",
        "/cloud/v2/universes/%lld/data-stores/H/entries/k/../../../../admin/v1/faults",
        "/admin/v1/faults/..%%2F..%%2Fclock",
        V2 "/%%2E%%2E/entries/%%2E%%2E",
        "/datastores/v1/universes/0/standard-datastores",
        "/datastores/v1/universes/-5/standard-datastores",
        "/datastores/v1/universes/99999999999999999999999/standard-datastores",
        "/datastores/v1/universes/1e3/standard-datastores",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char url[512];
        snprintf(url, sizeof url, "%s", url_of(&srv, paths[i], u));
        expect_4xx("GET", url, NULL, 0, NULL);
        expect_4xx("POST", url, "1", 1, NULL);
    }
    expect_alive();
}
END_TEST

/* SQL metacharacters in every field are data: stored and returned byte-exact. */
START_TEST(sql_metacharacters_are_data)
{
    const char *enc = "%27%3B%20DROP%20TABLE%20entries%3B%20--";
    char url[1024];
    snprintf(url, sizeof url, "%s",
             url_of(&srv, V1E "?datastoreName=%s&scope=%s&entryKey=%s", u, enc, enc, enc));
    const char *value = "{\"q\":\"'; DELETE FROM entries WHERE ''='\",\"b\":\"\\\\\"}";
    const char *headers[] = {"roblox-entry-attributes: {\"x\":\"' OR 1=1 --\"}",
                             "roblox-entry-userids: [1]", NULL};
    struct http_resp r = http_do("POST", url, value, strlen(value), headers);
    ck_assert_msg(r.status == 200 || r.status == 400, "%ld %s", r.status, r.body);
    long st = r.status;
    http_free(&r);
    if (st == 200) {
        r = http_do("GET", url, NULL, 0, NULL);
        ck_assert_int_eq(r.status, 200);
        ck_assert_str_eq(r.body, value);
        char buf[256];
        ck_assert_str_eq(http_header(&r, "roblox-entry-attributes", buf, sizeof buf),
                         "{\"x\":\"' OR 1=1 --\"}");
        http_free(&r);
    }
    /* Names the limits refuse are refused; none of it reaches SQL as code. */
    const char *queries[] = {
        V1E "/versions?datastoreName=H&entryKey=k&cursor=%%27%%20OR%%201%%3D1",
        "/datastores/v1/universes/%lld/standard-datastores/datastore/entries?datastoreName=H"
        "&prefix=%%27%%25&limit=1%%20OR%%201",
        V2 "/H/entries?filter=id.startsWith(%%22%%27%%29%%3B--%%22)&maxPageSize=%%27",
        OV2 "?filter=entry%%20%%3E%%3D%%201%%3B%%20DROP",
        OV2 "?orderBy=value%%3B%%20DROP%%20TABLE%%20x",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char q[1024];
        snprintf(q, sizeof q, "%s", url_of(&srv, queries[i], u));
        r = http_do("GET", q, NULL, 0, NULL);
        ck_assert_msg(r.status < 500 && r.status > 0, "%s: %ld %s", q, r.status, r.body);
        http_free(&r);
    }
    ck_assert_str_eq(harness_sql(srv_db, "SELECT to_regclass('entries') IS NOT NULL"), "t");
    expect_alive();
}
END_TEST

/* Wrong JSON types, absurd numbers and malformed JSON get 400 on every body-taking route. */
START_TEST(wrong_types_and_numbers)
{
    struct {
        const char *method, *path, *body;
    } cases[] = {
        {"POST", V2 "/H/entries?id=t", "{\"value\":1,\"users\":\"7\"}"},
        {"POST", V2 "/H/entries?id=t", "{\"value\":1,\"attributes\":[1]}"},
        {"POST", V2 "/H/entries?id=t", "{\"value\":1,\"users\":[-1]}"},
        {"POST", V2 "/H/entries?id=t", "{\"value\":"},
        {"POST", V2 "/H/entries?id=t", "[1,2"},
        {"POST", V2 "/H/entries?id=t", "{\"value\":1}garbage"},
        {"PATCH", V2 "/H/entries/t", "{\"value\":1,\"etag\":5}"},
        {"POST", V2 "/H/entries/n:increment", "{\"amount\":\"1\"}"},
        {"POST", V2 "/H/entries/n:increment", "{\"amount\":1e400}"},
        {"POST", V2 "/H/entries/n:increment", "{\"amount\":99999999999999999999999}"},
        {"POST", V2 "/H/entries/n:update", "{\"op\":\"add\"}"},
        {"POST", V2 "/H/entries/n:update", "[{\"op\":5,\"path\":\"/a\"}]"},
        {"POST", V2 "/H/entries/n:update", "[{\"op\":\"add\",\"path\":7,\"value\":1}]"},
        {"POST", V2 "/H/entries/n:lock", "{\"owner\":5}"},
        {"POST", V2 "/H/entries/n:lock", "{\"owner\":\"a\",\"ttlSeconds\":-1}"},
        {"POST", V2 "/H/entries/n:lock", "{\"owner\":\"a\",\"ttlSeconds\":1e308}"},
        {"POST", V2 "/H/entries/n:lock", "{\"owner\":\"a\",\"mode\":[]}"},
        {"POST", V2 "/H/entries/n:renewLock", "{\"token\":\"1\"}"},
        {"POST", OV2 "?id=o", "{\"value\":\"abc\"}"},
        {"POST", OV1 "?id=o", "{\"value\":1.5}"}, /* v1 refuses fractions; v2 rounds them */
        {"POST", OV2 "?id=o", "{\"value\":9223372036854775808}"},
        {"POST", OV2 "/o:increment", "{\"amount\":null}"},
        {"POST", V1E "/increment?datastoreName=H&entryKey=n&incrementBy=abc", NULL},
        {"POST", V1E "/increment?datastoreName=H&entryKey=n&incrementBy=1e400", NULL},
        {"POST", V1E "?datastoreName=H&entryKey=n", "{not json"},
        {"POST", "/admin/v1/clock:advance", "{\"seconds\":\"x\"}"},
        {"POST", "/admin/v1/faults", "{\"effect\":{\"type\":1}}"},
        {"PUT", "/admin/v1/universes/%lld/players", "{\"count\":-1}"},
        {"PUT", "/admin/v1/universes/%lld/data-stores/H/migrations/1", "{\"patch\":5}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char url[512];
        snprintf(url, sizeof url, "%s", url_of(&srv, cases[i].path, u));
        const char *h[] = {"content-type: application/json", NULL};
        expect_4xx(cases[i].method, url, cases[i].body, cases[i].body ? strlen(cases[i].body) : 0,
                   h);
    }
    const char *lists[] = {
        V2 "/H/entries?maxPageSize=-1",
        V2 "/H/entries?maxPageSize=99999999999999999999",
        V2 "/H/entries?pageToken=garbage",
        V2 "/H/entries?pageToken=%%FF%%FE",
        V2 "/H/entries/k:listRevisions?pageToken=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/datastores/v1/universes/%lld/standard-datastores/datastore/entries?datastoreName=H"
        "&cursor=eyJ0eXAiOiJub3QgYSBjdXJzb3IifQ",
        "/datastores/v1/universes/%lld/standard-datastores?limit=-5",
        V1E "/versions?datastoreName=H&entryKey=k&startTime=yesterday",
        OV2 "?maxPageSize=-3",
        OV1 "?max_page_size=-3",
        OV1 "?page_token=garbage",
        OV2 "?pageToken=%%00",
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        char url[512];
        snprintf(url, sizeof url, "%s", url_of(&srv, lists[i], u));
        expect_4xx("GET", url, NULL, 0, NULL);
    }
    expect_alive();
}
END_TEST

/* 1,000 idle connections (and some that stop mid-request) do not stop a valid request. */
START_TEST(idle_connections)
{
    enum { N = 1000 };
    int *fds = malloc(N * sizeof *fds);
    ck_assert_ptr_nonnull(fds);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    int opened = 0;
    for (int i = 0; i < N; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0) break;
        if (connect(fds[i], (struct sockaddr *)&sa, sizeof sa) != 0) {
            close(fds[i]);
            break;
        }
        opened++;
        if (i % 10 == 0) { /* a slow client: half a request line */
            const char *part = "GET /healthz HT";
            ck_assert_int_eq(send(fds[i], part, strlen(part), 0), (ssize_t)strlen(part));
        }
    }
    ck_assert_msg(opened == N, "opened only %d connections (open-file limit of the test?)", opened);
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    expect_alive();
    struct http_resp r = http_do("GET", url_of(&srv, "/healthz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    for (int i = 0; i < opened; i++)
        close(fds[i]);
    free(fds);
    expect_alive();
}
END_TEST

Suite *hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, oversized_bodies_and_heads);
    tcase_add_test(tc, largest_allowed_head_is_served);
    tcase_add_test(tc, bad_bytes_and_path_tricks);
    tcase_add_test(tc, sql_metacharacters_are_data);
    tcase_add_test(tc, wrong_types_and_numbers);
    tcase_add_test(tc, idle_connections);
    suite_add_tcase(s, tc);
    return s;
}
