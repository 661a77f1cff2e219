/* test_wire.c — the hostile-input defects of issue 18, each answered exactly: request
 * smuggling and other ambiguous framing over raw sockets (one JSON error, then the
 * connection closes), the head deadline and the connection cap, cursors bound to their
 * universe, admin closed once data keys exist, strict integers, and documents rewritten by
 * :update, attributes and _version migrations without touching what they do not change.
 * After each test a set of canary entries must still read back byte-identical. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
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

#define V1E "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
#define V2 "/cloud/v2/universes/%lld/data-stores"

/* Canaries: values and attributes that json-c would alter if anything re-serialized them. */
static const char *const canary_values[] = {
    "{\"x\":123456789012345678901234567890,\"n\":1}",
    "{\"lo\":-99999999999999999999999,\"s\":\"\\ud800\",\"f\": 1.50}",
    "[1e400, \"\\u0000\", {\"k\": [ ]}]",
};
#define N_CANARIES (sizeof canary_values / sizeof canary_values[0])
static const char *canary_attributes = "{\"a\":12345678901234567890123,\"s\":\"\\udfff\"}";

static void put_canaries(void)
{
    char hdr[256];
    snprintf(hdr, sizeof hdr, "roblox-entry-attributes: %s", canary_attributes);
    const char *h[] = {hdr, NULL};
    for (size_t i = 0; i < N_CANARIES; i++) {
        struct http_resp r =
            http_do("POST", url_of(&srv, V1E "?datastoreName=Canary&entryKey=c%zu", u, i),
                    canary_values[i], strlen(canary_values[i]), h);
        ck_assert_msg(r.status == 200, "canary %zu: %ld %s", i, r.status, r.body);
        http_free(&r);
    }
}

/* Every canary reads back exactly as written. */
static void check_canaries(void)
{
    for (size_t i = 0; i < N_CANARIES; i++) {
        struct http_resp r = http_do(
            "GET", url_of(&srv, V1E "?datastoreName=Canary&entryKey=c%zu", u, i), NULL, 0, NULL);
        char attrs[256];
        ck_assert_msg(r.status == 200, "canary %zu: %ld", i, r.status);
        ck_assert_str_eq(r.body, canary_values[i]);
        ck_assert_str_eq(http_header(&r, "roblox-entry-attributes", attrs, sizeof attrs),
                         canary_attributes);
        http_free(&r);
    }
}

static void setup(void)
{
    snprintf(srv_db, sizeof srv_db, "%s", harness_fresh_database("ds_wire"));
    const char *args[] = {"--database-url",
                          srv_db,
                          "--write-cooldown",
                          "0",
                          "--head-timeout",
                          "2",
                          "--max-connections",
                          "64",
                          NULL};
    if (!proc_start(&srv, args)) {
        fprintf(stderr, "server did not start\n");
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&srv, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly (sanitizer report?): %s\n", srv.log_path);
        exit(2);
    }
}

static void each_setup(void)
{
    u = unique_universe();
    put_canaries();
}

static void each_teardown(void)
{
    check_canaries();
}

static int connect_to(const struct ds_proc *p)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p->port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

struct exchange {
    char data[65536];
    size_t len;
    bool closed; /* the server closed the connection */
};

/* Reads until the server closes or wait_ms pass without data. */
static void read_all(int fd, struct exchange *x, int wait_ms)
{
    x->len = 0;
    x->closed = false;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, wait_ms) <= 0) break;
        ssize_t n = recv(fd, x->data + x->len, sizeof x->data - 1 - x->len, 0);
        if (n <= 0) {
            x->closed = true;
            break;
        }
        x->len += (size_t)n;
    }
    x->data[x->len] = '\0';
}

/* Sends raw bytes on a fresh connection and reads the whole answer. */
static void raw_exchange(const char *req, size_t len, struct exchange *x)
{
    int fd = connect_to(&srv);
    ck_assert_int_eq(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
    read_all(fd, x, 3000);
    close(fd);
}

/* Status lines: "HTTP/1.1 " and three digits and a space (a message may well say "an
 * HTTP/1.1 request"; bodies do not end in a newline, so the next status line may follow a
 * body directly). */
static int count_responses(const struct exchange *x)
{
    int n = 0;
    for (const char *p = x->data; (p = strstr(p, "HTTP/1.1 ")); p++)
        n += p[9] >= '1' && p[9] <= '5' && p[10] >= '0' && p[10] <= '9' && p[11] >= '0' &&
             p[11] <= '9' && p[12] == ' ';
    return n;
}

/* Exactly one response, with status want and a JSON error body, then the close. */
static void expect_one_refusal(const char *name, const struct exchange *x, int want)
{
    char line[32];
    snprintf(line, sizeof line, "HTTP/1.1 %d ", want);
    ck_assert_msg(strncmp(x->data, line, strlen(line)) == 0, "%s: answered %.80s", name, x->data);
    ck_assert_msg(count_responses(x) == 1, "%s: %d responses", name, count_responses(x));
    ck_assert_msg(x->closed, "%s: the connection stayed open", name);
    const char *body = strstr(x->data, "\r\n\r\n");
    ck_assert_msg(body != NULL, "%s: no body", name);
    struct json_object *o = json_tokener_parse(body + 4);
    ck_assert_msg(json_object_is_type(o, json_type_object) && json_object_object_length(o) >= 2,
                  "%s: not a JSON error: %s", name, body + 4);
    json_object_put(o);
}

static long status_of(const char *method, const char *url, const char *body,
                      const char *const *headers)
{
    struct http_resp r = http_do(method, url, body, body ? strlen(body) : 0, headers);
    long st = r.status;
    http_free(&r);
    return st;
}

/* CL.CL desync: the tail of the first body was run as a second request (a DELETE). */
START_TEST(smuggled_request_never_runs)
{
    ck_assert_int_eq(
        status_of("POST", url_of(&srv, V1E "?datastoreName=S&entryKey=victim", u), "5", NULL), 200);
    char smuggled[512], req[1024];
    int sn = snprintf(smuggled, sizeof smuggled,
                      "1DELETE " V1E "?datastoreName=S&entryKey=victim HTTP/1.1\r\n"
                      "Host: x\r\nContent-Length: 0\r\n\r\n",
                      u);
    int n = snprintf(req, sizeof req,
                     "POST " V1E "?datastoreName=S&entryKey=other HTTP/1.1\r\nHost: x\r\n"
                     "Content-Length: 1\r\nContent-Length: %d\r\n\r\n%s",
                     u, sn, smuggled);
    struct exchange x;
    raw_exchange(req, (size_t)n, &x);
    expect_one_refusal("CL.CL", &x, 400);
    struct http_resp r =
        http_do("GET", url_of(&srv, V1E "?datastoreName=S&entryKey=victim", u), NULL, 0, NULL);
    ck_assert_msg(r.status == 200 && !strcmp(r.body, "5"), "victim: %ld %s", r.status, r.body);
    http_free(&r);
    ck_assert_int_eq(
        status_of("GET", url_of(&srv, V1E "?datastoreName=S&entryKey=other", u), NULL, NULL), 404);
}
END_TEST

struct framing_case {
    const char *name;
    const char *head; /* after the request line; "%s" is not used */
    const char *body;
    int status;
};

/* Every ambiguous or malformed framing gets one JSON error and the connection closes. */
START_TEST(ambiguous_framing_refused)
{
    static const struct framing_case cases[] = {
        {"two equal Content-Length", "Host: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n", "1",
         400},
        {"Content-Length -1", "Host: x\r\nContent-Length: -1\r\n", "1", 400},
        {"Content-Length 1.5", "Host: x\r\nContent-Length: 1.5\r\n", "1", 400},
        {"Content-Length list", "Host: x\r\nContent-Length: 1, 1\r\n", "1", 400},
        {"Content-Length +1", "Host: x\r\nContent-Length: +1\r\n", "1", 400},
        {"Content-Length huge", "Host: x\r\nContent-Length: 99999999999999999999999\r\n", "1", 413},
        {"Content-Length and chunked",
         "Host: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n", "1\r\n1\r\n0\r\n\r\n",
         400},
        {"gzip, chunked", "Host: x\r\nTransfer-Encoding: gzip, chunked\r\n", "1\r\n1\r\n0\r\n\r\n",
         501},
        {"identity", "Host: x\r\nTransfer-Encoding: identity\r\n", "1", 501},
        {"chunked twice", "Host: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
         "1\r\n1\r\n0\r\n\r\n", 501},
        {"bad chunk size", "Host: x\r\nTransfer-Encoding: chunked\r\n", "zz\r\n1\r\n0\r\n\r\n",
         400},
        {"obs-fold", "Host: x\r\nX-A: a\r\n b\r\nContent-Length: 1\r\n", "1", 400},
        {"bare CR", "Host: x\r\nX-A: a\rContent-Length: 1\r\n", "1", 400},
        {"bare LF", "Host: x\nContent-Length: 1\r\n", "1", 400},
        {"space before colon", "Host: x\r\nContent-Length : 1\r\n", "1", 400},
        {"no Host", "Content-Length: 1\r\n", "1", 400},
        {"two Hosts", "Host: x\r\nHost: y\r\nContent-Length: 1\r\n", "1", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char req[2048];
        int n = snprintf(req, sizeof req,
                         "POST " V1E "?datastoreName=F&entryKey=k%zu HTTP/1.1\r\n%s\r\n%s", u, i,
                         cases[i].head, cases[i].body);
        struct exchange x;
        raw_exchange(req, (size_t)n, &x);
        expect_one_refusal(cases[i].name, &x, cases[i].status);
        ck_assert_int_eq(
            status_of("GET", url_of(&srv, V1E "?datastoreName=F&entryKey=k%zu", u, i), NULL, NULL),
            404);
    }
    /* A NUL inside a header value (it would cut the value short). */
    static const char nul[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n";
    struct exchange x;
    raw_exchange(nul, sizeof nul - 1, &x);
    expect_one_refusal("NUL in a value", &x, 400);
    raw_exchange("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 34, &x);
    expect_one_refusal("HTTP/2.0", &x, 505);
    raw_exchange("\x01\x02 / HTTP/1.1\r\n\r\n", 17, &x);
    expect_one_refusal("garbage request line", &x, 400);
}
END_TEST

/* 2,000 and 5,000 query arguments, a 9 KB URL and 200 header fields: answered at once. */
START_TEST(oversized_heads_answered_at_once)
{
    int counts[] = {2000, 5000};
    for (int c = 0; c < 2; c++) {
        size_t cap = 64 * 1024;
        char *req = malloc(cap);
        ck_assert_ptr_nonnull(req);
        int n = snprintf(req, cap, "GET " V2 "/Q/entries?maxPageSize=1", u);
        for (int i = 0; i < counts[c]; i++)
            n += snprintf(req + n, cap - (size_t)n, "&a%d=1", i);
        n += snprintf(req + n, cap - (size_t)n, " HTTP/1.1\r\nHost: x\r\n\r\n");
        struct exchange x;
        time_t t0 = time(NULL);
        raw_exchange(req, (size_t)n, &x);
        /* The 65th argument is refused as it arrives, before the URL limit is reached. */
        expect_one_refusal(c ? "5000 arguments" : "2000 arguments", &x, 400);
        ck_assert_int_le(time(NULL) - t0, 2);
        free(req);
    }
    char *req = malloc(32 * 1024);
    ck_assert_ptr_nonnull(req);
    int n = snprintf(req, 32 * 1024, "GET " V2 "/Q/entries/", u);
    memset(req + n, 'k', 9000);
    n += 9000;
    n += snprintf(req + n, 1024, " HTTP/1.1\r\nHost: x\r\n\r\n");
    struct exchange x;
    raw_exchange(req, (size_t)n, &x);
    expect_one_refusal("9 KB URL", &x, 414);
    n = snprintf(req, 32 * 1024, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 200; i++)
        n += snprintf(req + n, 32 * 1024 - (size_t)n, "X-F%d: v\r\n", i);
    n += snprintf(req + n, 32 * 1024 - (size_t)n, "\r\n");
    raw_exchange(req, (size_t)n, &x);
    expect_one_refusal("200 header fields", &x, 431);
    free(req);
}
END_TEST

/* Requests complete before a bad one are answered; the bad one gets its 400, then close. */
START_TEST(pipelined_requests_before_a_bad_one_are_served)
{
    char req[2048];
    int n =
        snprintf(req, sizeof req,
                 "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                 "POST " V1E "?datastoreName=P&entryKey=k HTTP/1.1\r\nHost: x\r\n"
                 "Content-Length: 1\r\nContent-Length: 2\r\n\r\n12",
                 u);
    struct exchange x;
    raw_exchange(req, (size_t)n, &x);
    ck_assert_msg(count_responses(&x) == 3, "%d responses: %s", count_responses(&x), x.data);
    ck_assert_ptr_nonnull(strstr(x.data, "HTTP/1.1 400 "));
    ck_assert(strncmp(x.data, "HTTP/1.1 200 ", 13) == 0);
    ck_assert(x.closed);
}
END_TEST

/* A head trickled a byte at a time is cut at --head-timeout (2 s here) with a 408. */
START_TEST(trickled_head_is_cut)
{
    int fd = connect_to(&srv);
    const char *head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    struct exchange x = {.len = 0};
    time_t t0 = time(NULL);
    for (const char *p = head; *p && !x.closed && x.len == 0; p++) {
        if (send(fd, p, 1, MSG_NOSIGNAL) != 1) break;
        read_all(fd, &x, 200);
    }
    if (x.len == 0 && !x.closed) read_all(fd, &x, 3000);
    close(fd);
    ck_assert_msg(strncmp(x.data, "HTTP/1.1 408 ", 13) == 0, "answered: %.80s", x.data);
    ck_assert(x.closed);
    ck_assert_int_le(time(NULL) - t0, 6);
}
END_TEST

/* At --max-connections (64), idle and half-sent connections make room for new clients. */
START_TEST(connection_cap_still_serves_new_clients)
{
    int fds[150];
    for (int i = 0; i < 150; i++) {
        fds[i] = connect_to(&srv);
        if (i % 2)
            ck_assert_int_eq(send(fds[i], "GET /healthz HTTP/1.1\r\n", 23, MSG_NOSIGNAL), 23);
    }
    usleep(300 * 1000);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(status_of("GET", url_of(&srv, "/healthz"), NULL, NULL), 200);
    int open_fds = 0;
    for (int i = 0; i < 150; i++) {
        struct exchange x;
        read_all(fds[i], &x, 1);
        open_fds += !x.closed;
        close(fds[i]);
    }
    ck_assert_int_le(open_fds, 64);
    struct http_resp r = http_do("GET", url_of(&srv, "/metrics"), NULL, 0, NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "datastored_http_evicted_total"));
    http_free(&r);
}
END_TEST

/* A cursor issued for one universe is refused on another, on every listing family. */
START_TEST(cursors_are_bound_to_their_universe)
{
    long long other = unique_universe();
    for (int i = 0; i < 3; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"value\":%d}", i);
        ck_assert_int_eq(status_of("POST", url_of(&srv, V2 "/L/entries?id=k%d", u, i), body, NULL),
                         200);
        ck_assert_int_eq(
            status_of("POST", url_of(&srv, V2 "/L/entries?id=k%d", other, i), body, NULL), 200);
        snprintf(body, sizeof body, "{\"value\":%d}", i);
        ck_assert_int_eq(
            status_of("POST",
                      url_of(&srv,
                             "/cloud/v2/universes/%lld/ordered-data-stores/O/scopes/global/"
                             "entries?id=k%d",
                             u, i),
                      body, NULL),
            200);
    }
    struct {
        const char *list, *field, *param;
    } lists[] = {
        {"/datastores/v1/universes/%lld/standard-datastores/datastore/entries?datastoreName=L&"
         "limit=1",
         "nextPageCursor", "cursor"},
        {"/cloud/v2/universes/%lld/data-stores/L/entries?maxPageSize=1", "nextPageToken",
         "pageToken"},
        {"/cloud/v2/universes/%lld/ordered-data-stores/O/scopes/global/entries?maxPageSize=1",
         "nextPageToken", "pageToken"},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        struct http_resp r = http_do("GET", url_of(&srv, lists[i].list, u), NULL, 0, NULL);
        ck_assert_msg(r.status == 200, "%s: %ld %s", lists[i].list, r.status, r.body);
        struct json_object *o = http_json(&r);
        const char *token = jstr(o, lists[i].field);
        ck_assert_msg(token && *token, "%s: no token in %s", lists[i].list, r.body);
        char *enc = curl_easy_escape(NULL, token, 0);
        ck_assert_ptr_nonnull(enc);
        char url[2048];
        snprintf(url, sizeof url, "%s&%s=%s", url_of(&srv, lists[i].list, u), lists[i].param, enc);
        ck_assert_int_eq(status_of("GET", url, NULL, NULL), 200); /* same universe: fine */
        snprintf(url, sizeof url, "%s&%s=%s", url_of(&srv, lists[i].list, other), lists[i].param,
                 enc);
        ck_assert_msg(status_of("GET", url, NULL, NULL) == 400, "%s accepted elsewhere",
                      lists[i].list);
        curl_free(enc);
        json_object_put(o);
        http_free(&r);
    }
}
END_TEST

/* Integers in paths, queries and v1 user ids follow one strict grammar. */
START_TEST(strict_integers)
{
    const char *by[] = {"0x10", "0x1p3", "%201", "", "1.5", "+1", "1e3", "1."};
    for (size_t i = 0; i < sizeof by / sizeof by[0]; i++)
        ck_assert_msg(
            status_of(
                "POST",
                url_of(&srv, V1E "/increment?datastoreName=I&entryKey=k&incrementBy=%s", u, by[i]),
                NULL, NULL) == 400,
            "incrementBy=%s accepted", by[i]);
    ck_assert_int_eq(
        status_of("POST",
                  url_of(&srv, V1E "/increment?datastoreName=I&entryKey=k&incrementBy=-3", u), NULL,
                  NULL),
        200);
    const char *ids[] = {"+42", "%2042", "0042", "42%20", "0x2a"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        ck_assert_msg(status_of("GET", url_of(&srv, "/cloud/v2/universes/%s/data-stores", ids[i]),
                                NULL, NULL) == 400,
                      "universe %s accepted", ids[i]);
    const char *users[] = {"[-1]", "[\"1\"]", "[0]", "[1.5]"};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        char h[64];
        snprintf(h, sizeof h, "roblox-entry-userids: %s", users[i]);
        const char *hs[] = {h, NULL};
        ck_assert_msg(
            status_of("POST", url_of(&srv, V1E "?datastoreName=U&entryKey=k", u), "1", hs) == 400,
            "user ids %s accepted", users[i]);
    }
    ck_assert_int_eq(status_of("POST", url_of(&srv, V2 "/U/entries?id=k", u),
                               "{\"value\":1,\"users\":[\"users/0\"]}", NULL),
                     400);
}
END_TEST

/* Reads an entry's value on v1. */
static char *value_of(const char *store, const char *key)
{
    struct http_resp r = http_do(
        "GET", url_of(&srv, V1E "?datastoreName=%s&entryKey=%s", u, store, key), NULL, 0, NULL);
    ck_assert_msg(r.status == 200, "%s/%s: %ld", store, key, r.status);
    char *v = strdup(r.body);
    http_free(&r);
    return v;
}

/* :update keeps every member it does not change byte-for-byte, and stores its own values
 * exactly (a 30-digit number stays 30 digits); a pointer with an escaped NUL is refused. */
START_TEST(patch_keeps_untouched_members)
{
    const char *stored = "{\"x\":123456789012345678901234567890, \"lo\":-99999999999999999999,"
                         "\"s\":\"\\ud800\",\"t\":\"caf\\u00e9\",\"f\":1.50,\"n\":1,"
                         "\"o\":{ \"deep\" : [ 1e2, 0.1 ] }}";
    ck_assert_int_eq(
        status_of("POST", url_of(&srv, V1E "?datastoreName=X&entryKey=k", u), stored, NULL), 200);
    const char *patch =
        "[{\"op\":\"replace\",\"path\":\"/n\",\"value\":2},"
        "{\"op\":\"add\",\"path\":\"/big\",\"value\":123456789012345678901234567890},"
        "{\"op\":\"test\",\"path\":\"/f\",\"value\":1.5}]";
    struct http_resp r =
        http_do("POST", url_of(&srv, V2 "/X/entries/k:update", u), patch, strlen(patch), NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
    char *v = value_of("X", "k");
    ck_assert_str_eq(v, "{\"x\":123456789012345678901234567890,\"lo\":-99999999999999999999,"
                        "\"s\":\"\\ud800\",\"t\":\"caf\\u00e9\",\"f\":1.50,\"n\":2,"
                        "\"o\":{ \"deep\" : [ 1e2, 0.1 ] },"
                        "\"big\":123456789012345678901234567890}");
    free(v);
    const char *nul = "[{\"op\":\"add\",\"path\":\"/a\\u0000b\",\"value\":1}]";
    ck_assert_int_eq(status_of("POST", url_of(&srv, V2 "/X/entries/k:update", u), nul, NULL), 400);
    /* A member name json-c cannot hold is refused, not altered. */
    ck_assert_int_eq(status_of("POST", url_of(&srv, V1E "?datastoreName=X&entryKey=z", u),
                               "{\"\\u0000\":1,\"n\":1}", NULL),
                     200);
    const char *rep = "[{\"op\":\"replace\",\"path\":\"/n\",\"value\":2}]";
    ck_assert_int_eq(status_of("POST", url_of(&srv, V2 "/X/entries/z:update", u), rep, NULL), 400);
    v = value_of("X", "z");
    ck_assert_str_eq(v, "{\"\\u0000\":1,\"n\":1}");
    free(v);
}
END_TEST

/* Attributes are stored as sent (less whitespace) on both families. */
START_TEST(attributes_kept_exactly)
{
    const char *h[] = {
        "roblox-entry-attributes: {\"a\": 12345678901234567890123, \"s\":\"\\ud800\"}", NULL};
    ck_assert_int_eq(status_of("POST", url_of(&srv, V1E "?datastoreName=A&entryKey=k", u), "1", h),
                     200);
    struct http_resp r =
        http_do("GET", url_of(&srv, V1E "?datastoreName=A&entryKey=k", u), NULL, 0, NULL);
    char attrs[256];
    ck_assert_str_eq(http_header(&r, "roblox-entry-attributes", attrs, sizeof attrs),
                     "{\"a\":12345678901234567890123,\"s\":\"\\ud800\"}");
    http_free(&r);
    const char *body = "{\"value\":1,\"attributes\":{\"big\":-123456789012345678901234567890}}";
    ck_assert_int_eq(status_of("POST", url_of(&srv, V2 "/A/entries?id=v2", u), body, NULL), 200);
    r = http_do("GET", url_of(&srv, V1E "?datastoreName=A&entryKey=v2", u), NULL, 0, NULL);
    ck_assert_str_eq(http_header(&r, "roblox-entry-attributes", attrs, sizeof attrs),
                     "{\"big\":-123456789012345678901234567890}");
    http_free(&r);
}
END_TEST

/* A _version migration changes what its step says and nothing else, on read and on write. */
START_TEST(migration_keeps_untouched_members)
{
    const char *step = "{\"patch\":[{\"op\":\"add\",\"path\":\"/coins\","
                       "\"value\":98765432109876543210}]}";
    struct http_resp r =
        http_do("PUT", url_of(&srv, "/admin/v1/universes/%lld/data-stores/M/migrations/1", u), step,
                strlen(step), NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
    const char *value = "{\"_version\":0,\"x\":123456789012345678901234567890,\"s\":\"\\udc00\"}";
    const char *migrated = "{\"_version\":1,\"x\":123456789012345678901234567890,"
                           "\"s\":\"\\udc00\",\"coins\":98765432109876543210}";
    /* On write: a value of an older _version is migrated before it is stored. */
    char body[256];
    snprintf(body, sizeof body, "{\"value\":%s}", value);
    r = http_do("PATCH", url_of(&srv, V2 "/M/entries/w?allowMissing=true", u), body, strlen(body),
                NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
    char *v = value_of("M", "w");
    ck_assert_str_eq(v, migrated);
    free(v);
    /* On read: a value stored before the step existed is migrated when it is read. */
    ck_assert_int_eq(
        status_of("POST", url_of(&srv, V1E "?datastoreName=M2&entryKey=r", u), value, NULL), 200);
    r = http_do("PUT", url_of(&srv, "/admin/v1/universes/%lld/data-stores/M2/migrations/1", u),
                step, strlen(step), NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
    v = value_of("M2", "r");
    ck_assert_str_eq(v, migrated);
    free(v);
}
END_TEST

/* With data keys and no --admin-key, admin is disabled on loopback too (a universe-42 key
 * could otherwise export universe 43 and mint a key for it), and the log says so. */
START_TEST(admin_disabled_once_data_keys_exist)
{
    char path[] = "/tmp/datastored-wire-keys-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "[{\"key\":\"universe-42-key-0123456789\",\"universes\":[42],"
               "\"permissions\":[\"universe-datastores.objects:read\"]}]");
    fclose(f);
    struct ds_proc p;
    const char *args[] = {"--database-url", srv_db, "--api-keys", path, NULL};
    ck_assert(proc_start(&p, args));
    const char *key[] = {"x-api-key: universe-42-key-0123456789", NULL};
    ck_assert_int_eq(status_of("GET", url_of(&p, "/admin/v1/export?universe=43"), NULL, key), 401);
    ck_assert_int_eq(status_of("GET", url_of(&p, "/admin/v1/export?universe=43"), NULL, NULL), 401);
    const char *mint =
        "{\"universes\":[43],\"permissions\":[\"universe-datastores.objects:read\"]}";
    ck_assert_int_eq(status_of("POST", url_of(&p, "/admin/v1/api-keys"), mint, key), 401);
    ck_assert(proc_log_contains(&p, "data keys exist and there is no --admin-key"));
    ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);
    unlink(path);
}
END_TEST

Suite *wire_suite(void)
{
    Suite *s = suite_create("wire");
    TCase *tc = tcase_create("hostile-framing");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_checked_fixture(tc, each_setup, each_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, smuggled_request_never_runs);
    tcase_add_test(tc, ambiguous_framing_refused);
    tcase_add_test(tc, oversized_heads_answered_at_once);
    tcase_add_test(tc, pipelined_requests_before_a_bad_one_are_served);
    tcase_add_test(tc, trickled_head_is_cut);
    tcase_add_test(tc, connection_cap_still_serves_new_clients);
    tcase_add_test(tc, cursors_are_bound_to_their_universe);
    tcase_add_test(tc, strict_integers);
    tcase_add_test(tc, patch_keeps_untouched_members);
    tcase_add_test(tc, attributes_kept_exactly);
    tcase_add_test(tc, migration_keeps_untouched_members);
    tcase_add_test(tc, admin_disabled_once_data_keys_exist);
    suite_add_tcase(s, tc);
    return s;
}
