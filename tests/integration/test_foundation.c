/* test_foundation.c — the HTTP core and process behaviour against an external database:
 * ops endpoints, 404/405/413 JSON bodies, hostile framing, reconnection after the database
 * drops connections, two instances migrating one empty database at once. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static struct ds_proc srv;
static char srv_db[1024];

static void setup(void)
{
    snprintf(srv_db, sizeof srv_db, "%s", harness_fresh_database("ds_foundation"));
    const char *args[] = {"--database-url", srv_db, NULL};
    if (!proc_start(&srv, args)) {
        fprintf(stderr, "server did not start; see %s\n", srv.log_path);
        exit(2);
    }
}

static void teardown(void)
{
    /* Exit 0 also means: no leak or sanitizer report at shutdown. */
    int code = proc_stop(&srv, SIGTERM);
    if (code != 0) {
        fprintf(stderr, "datastored exited with %d; see %s\n", code, srv.log_path);
        exit(2);
    }
}

/* /healthz answers 200 with a JSON body. */
START_TEST(healthz_ok)
{
    struct http_resp r = http_do("GET", url_of(&srv, "/healthz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "status"), "ok");
    json_object_put(o);
    http_free(&r);
}
END_TEST

/* /readyz reports the schema version once the database is reachable. */
START_TEST(readyz_reports_schema)
{
    struct http_resp r = http_do("GET", url_of(&srv, "/readyz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "status"), "ready");
    ck_assert_int_ge(jint(o, "schemaVersion"), 1);
    json_object_put(o);
    http_free(&r);
}
END_TEST

/* Unknown paths get 404 with a JSON body in the v2 family format... */
START_TEST(unknown_route_404_json)
{
    struct http_resp r = http_do("GET", url_of(&srv, "/no/such/thing"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "code"), "NOT_FOUND");
    ck_assert_ptr_nonnull(jstr(o, "message"));
    json_object_put(o);
    http_free(&r);
}
END_TEST

/* ...and in the v1 format under /datastores/. */
START_TEST(unknown_v1_route_uses_v1_envelope)
{
    struct http_resp r = http_do("GET", url_of(&srv, "/datastores/v1/nothing"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "error"), "NOT_FOUND");
    json_object_put(o);
    http_free(&r);
}
END_TEST

/* A known path with the wrong method gets 405, an Allow header and a JSON body. */
START_TEST(wrong_method_405)
{
    struct http_resp r = http_do("DELETE", url_of(&srv, "/healthz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 405);
    char allow[64];
    ck_assert_str_eq(http_header(&r, "Allow", allow, sizeof allow), "GET");
    json_object_put(http_json(&r));
    http_free(&r);
}
END_TEST

/* A body over the cap (declared by Content-Length) is refused with 413 JSON. */
START_TEST(oversize_body_413)
{
    size_t n = 5 * 1024 * 1024;
    char *big = malloc(n);
    memset(big, 'x', n);
    struct http_resp r = http_do("POST", url_of(&srv, "/healthz"), big, n, NULL);
    ck_assert_int_eq(r.status, 413);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "code"), "INVALID_ARGUMENT");
    json_object_put(o);
    http_free(&r);
    free(big);
}
END_TEST

/* A chunked body (no Content-Length) that grows past the cap is refused with 413 too. */
START_TEST(oversize_chunked_body_413)
{
    size_t n = 5 * 1024 * 1024;
    char *big = malloc(n);
    memset(big, 'y', n);
    const char *h[] = {"Transfer-Encoding: chunked", NULL};
    struct http_resp r = http_do("POST", url_of(&srv, "/healthz"), big, n, h);
    ck_assert_int_eq(r.status, 413);
    json_object_put(http_json(&r));
    http_free(&r);
    free(big);
}
END_TEST

static void send_raw(const char *data, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    ssize_t w = send(fd, data, len, MSG_NOSIGNAL);
    (void)w;
    char buf[4096];
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t rd = recv(fd, buf, sizeof buf, 0);
    (void)rd;
    close(fd);
}

/* Garbage request lines, a 200 KB header and a truncated request do not hurt the server. */
START_TEST(malformed_requests_do_not_crash)
{
    send_raw("GARBAGE\r\n\r\n", 11);
    send_raw("GET / HTTP/9.9\r\n\r\n", 18);
    send_raw("POST /healthz HTTP/1.1\r\nContent-Length: 99\r\n\r\nshort", 51);
    size_t n = 200 * 1024;
    char *big = malloc(n + 64);
    int k = snprintf(big, 64, "GET /healthz HTTP/1.1\r\nX-Big: ");
    memset(big + k, 'a', n);
    memcpy(big + k + n, "\r\n\r\n", 4);
    send_raw(big, (size_t)k + n + 4);
    free(big);
    send_raw("GET /%00/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 35);
    struct http_resp r = http_do("GET", url_of(&srv, "/healthz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

/* When PostgreSQL drops the service's connections, a request that meets a dead one gets
 * 503 JSON (not a crash) and later requests succeed on a fresh connection. (A background
 * thread — purge, migration runner — may meet the dead pooled connection first and replace
 * it, in which case the request already succeeds: the pool is LIFO.) */
START_TEST(database_connection_loss_503_then_recovers)
{
    harness_sql(srv_db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = 'datastored' AND pid <> pg_backend_pid()");
    struct http_resp r = http_do("GET", url_of(&srv, "/readyz"), NULL, 0, NULL);
    ck_assert_msg(r.status == 503 || r.status == 200, "%ld %s", r.status, r.body);
    if (r.status == 503) {
        struct json_object *o = http_json(&r);
        ck_assert_str_eq(jstr(o, "code"), "UNAVAILABLE");
        json_object_put(o);
    }
    http_free(&r);
    r = http_do("GET", url_of(&srv, "/readyz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

/* Two instances started at the same moment on one empty database both come up, and each
 * migration is recorded (and applied) exactly once. */
START_TEST(two_instances_migrate_once)
{
    const char *db = harness_fresh_database("ds_two_instances");
    char conninfo[1024];
    snprintf(conninfo, sizeof conninfo, "%s", db);
    const char *args[] = {"--database-url", conninfo, NULL};
    struct ds_proc a, b;
    ck_assert(proc_spawn_as(&a, args, -1, -1));
    ck_assert(proc_spawn_as(&b, args, -1, -1));
    ck_assert_msg(proc_wait_ready(&a), "instance A failed: %s", a.log_path);
    ck_assert_msg(proc_wait_ready(&b), "instance B failed: %s", b.log_path);
    int applied_a = proc_log_contains(&a, "applied schema migration 001");
    int applied_b = proc_log_contains(&b, "applied schema migration 001");
    ck_assert_int_eq(applied_a + applied_b, 1);
    const char *n =
        harness_sql(conninfo, "SELECT count(*) FROM schema_migrations WHERE version = 1");
    ck_assert_str_eq(n, "1");
    struct http_resp r = http_do("GET", url_of(&b, "/readyz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    ck_assert_int_eq(proc_stop(&a, SIGTERM), 0);
    ck_assert_int_eq(proc_stop(&b, SIGTERM), 0);
}
END_TEST

/* Bad flags and values exit with status 2 and a message. */
START_TEST(bad_flags_exit_2)
{
    const char *cases[][3] = {
        {"--no-such-flag", NULL, NULL},
        {"--threads", "-3", NULL},
        {"--log-format", "xml", NULL},
        {"--listen", "nonsense", NULL},
        {"--seed", "abc", NULL},
        {"--seed", "-1", NULL},
        {"--clock-start", "2030-01-01T00:00:00Z", NULL}, /* without --clock virtual */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ds_proc p;
        const char *args[] = {cases[i][0], cases[i][1], "--database-url", srv_db, NULL};
        ck_assert(proc_spawn_as(&p, args, -1, -1));
        int status;
        waitpid(p.pid, &status, 0);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2, "case %zu: status %d", i,
                      status);
        ck_assert(proc_log_contains(&p, "datastored:"));
    }
}
END_TEST

Suite *foundation_suite(void)
{
    Suite *s = suite_create("foundation");
    TCase *tc = tcase_create("http-core");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, healthz_ok);
    tcase_add_test(tc, readyz_reports_schema);
    tcase_add_test(tc, unknown_route_404_json);
    tcase_add_test(tc, unknown_v1_route_uses_v1_envelope);
    tcase_add_test(tc, wrong_method_405);
    tcase_add_test(tc, oversize_body_413);
    tcase_add_test(tc, oversize_chunked_body_413);
    tcase_add_test(tc, malformed_requests_do_not_crash);
    tcase_add_test(tc, database_connection_loss_503_then_recovers);
    tcase_add_test(tc, two_instances_migrate_once);
    tcase_add_test(tc, bad_flags_exit_2);
    suite_add_tcase(s, tc);
    return s;
}
