/* test_contract.c — the server serves its own contract (/openapi.yaml byte for byte,
 * /openapi.json, /docs) and the web console (/ui), and answers CORS exactly as --cors-origin
 * says. (The spec is checked
 * against the routes, the README and every recorded exchange by tests/contract/run.sh.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "harness.h"

static struct ds_proc plain, cors;
static char db[1024];

#define ORIGIN "http://localhost:5173"

static void setup(void)
{
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_contract"));
    const char *a[] = {"--database-url", db, NULL};
    const char *b[] = {"--database-url",
                       db,
                       "--cors-origin",
                       ORIGIN,
                       "--cors-origin",
                       "https://tools.example:8443",
                       NULL};
    if (!proc_start(&plain, a) || !proc_start(&cors, b)) {
        fprintf(stderr, "servers did not start: %s %s\n", plain.log_path, cors.log_path);
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&plain, SIGTERM) != 0 || proc_stop(&cors, SIGTERM) != 0) {
        fprintf(stderr, "a server did not exit cleanly: %s %s\n", plain.log_path, cors.log_path);
        exit(2);
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* No header whose name starts with Access-Control- in the response. */
static bool has_cors_headers(const struct http_resp *r)
{
    for (const char *line = r->headers; line && *line;) {
        if (!strncasecmp(line, "access-control-", 15)) return true;
        line = strstr(line, "\r\n");
        if (line) line += 2;
    }
    return false;
}

/* /openapi.yaml is the repository's file byte for byte; /openapi.json parses and carries the
 * same document (deep equality is checked by tests/contract/run.sh); both revalidate. */
START_TEST(serves_its_contract)
{
    size_t len;
    char *file = read_file(SOURCE_DIR "/api/openapi.yaml", &len);
    struct http_resp r = http_do("GET", url_of(&plain, "/openapi.yaml"), NULL, 0, NULL);
    char v[128];
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(http_header(&r, "content-type", v, sizeof v), "application/yaml");
    ck_assert_uint_eq(r.len, len);
    ck_assert(memcmp(r.body, file, len) == 0);
    char etag[64];
    ck_assert_ptr_nonnull(http_header(&r, "etag", etag, sizeof etag));
    http_free(&r);
    free(file);

    r = http_do("GET", url_of(&plain, "/openapi.json"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *doc = http_json(&r), *paths, *info;
    ck_assert_str_eq(jstr(doc, "openapi"), "3.1.0");
    ck_assert(json_object_object_get_ex(doc, "info", &info));
    ck_assert_str_eq(jstr(info, "version"), DATASTORED_VERSION);
    ck_assert(json_object_object_get_ex(doc, "paths", &paths));
    ck_assert(json_object_object_get_ex(paths, "/openapi.json", NULL)); /* it names itself */
    json_object_put(doc);
    char inm[96];
    ck_assert_ptr_nonnull(http_header(&r, "etag", etag, sizeof etag));
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    http_free(&r);
    const char *h[] = {inm, NULL};
    r = http_do("GET", url_of(&plain, "/openapi.json"), NULL, 0, h);
    ck_assert_int_eq(r.status, 304);
    ck_assert_uint_eq(r.len, 0);
    http_free(&r);
}
END_TEST

/* GET page answers HTML with the strict CSP, naming script and no other origin; each of
 * files is served; GET missing is a JSON 404. */
static void expect_page(const char *page, const char *script, const char *const *files,
                        size_t n_files, const char *missing)
{
    struct http_resp r = http_do("GET", url_of(&plain, "%s", page), NULL, 0, NULL);
    char v[256];
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(http_header(&r, "content-type", v, sizeof v), "text/html"));
    ck_assert_ptr_nonnull(
        strstr(http_header(&r, "content-security-policy", v, sizeof v), "default-src 'self'"));
    ck_assert_ptr_nonnull(strstr(r.body, script));
    ck_assert_ptr_null(strstr(r.body, "https://"));
    http_free(&r);
    for (size_t i = 0; i < n_files; i++) {
        r = http_do("GET", url_of(&plain, "%s", files[i]), NULL, 0, NULL);
        ck_assert_msg(r.status == 200 && r.len > 0, "%s: %ld", files[i], r.status);
        http_free(&r);
    }
    r = http_do("GET", url_of(&plain, "%s", missing), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    json_object_put(http_json(&r));
    http_free(&r);
}

/* /docs is Swagger UI pointed at /openapi.json, from this server only (no CDN, strict CSP);
 * its files are served, other names are a JSON 404. (tests/contract renders it.) */
START_TEST(serves_docs_page)
{
    static const char *const files[] = {"/docs/init.js", "/docs/swagger-ui-bundle.js",
                                        "/docs/swagger-ui.css"};
    expect_page("/docs", "/docs/swagger-ui-bundle.js", files, 3, "/docs/..%2Fopenapi.yaml");
}
END_TEST

/* The web console: GET / redirects to /ui, the page and its files are served from the
 * binary with the same strict CSP; other names are a JSON 404. (tests/console drives it.) */
START_TEST(serves_console)
{
    struct http_resp r = http_do("GET", url_of(&plain, "/"), NULL, 0, NULL);
    char v[64];
    ck_assert_int_eq(r.status, 302);
    ck_assert_str_eq(http_header(&r, "location", v, sizeof v), "/ui");
    http_free(&r);
    static const char *const files[] = {"/ui/app.js", "/ui/ops.js", "/ui/app.css"};
    expect_page("/ui", "/ui/app.js", files, 3, "/ui/index.html");
}
END_TEST

/* A preflight from an allowed origin gets the methods of the path, the request headers the
 * API reads and a max age; the real request then gets Allow-Origin and Expose-Headers. */
START_TEST(cors_allowed_origin)
{
    long long u = unique_universe();
    const char *pre[] = {"Origin: " ORIGIN, "Access-Control-Request-Method: POST",
                         "Access-Control-Request-Headers: content-type, x-api-key", NULL};
    struct http_resp r =
        http_do("OPTIONS", url_of(&cors, "/cloud/v2/universes/%lld/data-stores/P/entries", u), NULL,
                0, pre);
    char v[512];
    ck_assert_int_eq(r.status, 204);
    ck_assert_str_eq(http_header(&r, "access-control-allow-origin", v, sizeof v), ORIGIN);
    ck_assert_str_eq(http_header(&r, "access-control-allow-methods", v, sizeof v),
                     "GET, POST, OPTIONS");
    ck_assert_ptr_nonnull(
        strstr(http_header(&r, "access-control-allow-headers", v, sizeof v), "x-api-key"));
    ck_assert_ptr_nonnull(strstr(v, "roblox-entry-attributes"));
    ck_assert_ptr_nonnull(http_header(&r, "access-control-max-age", v, sizeof v));
    ck_assert_str_eq(http_header(&r, "vary", v, sizeof v), "Origin");
    http_free(&r);

    const char *get[] = {"Origin: https://tools.example:8443", NULL};
    r = http_do("POST",
                url_of(&cors,
                       "/datastores/v1/universes/%lld/standard-datastores/datastore/"
                       "entries/entry?datastoreName=P&entryKey=k",
                       u),
                "1", 1, get);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(http_header(&r, "access-control-allow-origin", v, sizeof v),
                     "https://tools.example:8443");
    ck_assert_ptr_nonnull(strstr(http_header(&r, "access-control-expose-headers", v, sizeof v),
                                 "roblox-entry-version"));
    http_free(&r);
}
END_TEST

/* Another origin gets no CORS header at all (the browser then refuses the page), and a
 * server without --cors-origin sends none to anyone; OPTIONS still answers with Allow. */
START_TEST(cors_refused_origins)
{
    long long u = unique_universe();
    const char *pre[] = {"Origin: http://evil.example", "Access-Control-Request-Method: GET", NULL};
    const struct ds_proc *servers[] = {&cors, &plain};
    for (size_t i = 0; i < 2; i++) {
        struct http_resp r = http_do(
            "OPTIONS", url_of(servers[i], "/cloud/v2/universes/%lld/data-stores", u), NULL, 0, pre);
        char v[128];
        ck_assert_int_eq(r.status, 204);
        ck_assert_str_eq(http_header(&r, "allow", v, sizeof v), "GET, OPTIONS");
        ck_assert(!has_cors_headers(&r));
        http_free(&r);
        r = http_do("GET", url_of(servers[i], "/cloud/v2/universes/%lld/data-stores", u), NULL, 0,
                    pre);
        ck_assert_int_eq(r.status, 200);
        ck_assert(!has_cors_headers(&r));
        http_free(&r);
    }
    const char *allowed[] = {"Origin: " ORIGIN, "Access-Control-Request-Method: GET", NULL};
    struct http_resp r = http_do(
        "OPTIONS", url_of(&plain, "/cloud/v2/universes/%lld/data-stores", u), NULL, 0, allowed);
    ck_assert_int_eq(r.status, 204);
    ck_assert(!has_cors_headers(&r)); /* no flag: nobody */
    ck_assert(http_header(&r, "vary", (char[8]){0}, 8) == NULL);
    http_free(&r);
    r = http_do("OPTIONS", url_of(&cors, "/no/such/route"), NULL, 0, allowed);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
}
END_TEST

/* "*" is for open local mode only; a malformed origin is a bad flag. Both exit 2. */
START_TEST(cors_flag_validation)
{
    const char *cases[][6] = {
        {"--cors-origin", "*", "--api-key", "0123456789abcdef0123", NULL, NULL},
        {"--cors-origin", "localhost:5173", NULL, NULL, NULL, NULL},
        {"--cors-origin", "http://localhost:5173/path", NULL, NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[10];
        size_t n = 0;
        for (size_t j = 0; j < 6 && cases[i][j]; j++)
            args[n++] = cases[i][j];
        args[n++] = "--database-url";
        args[n++] = db;
        args[n] = NULL;
        struct ds_proc p;
        ck_assert(proc_spawn_as(&p, args, -1, -1));
        int status;
        waitpid(p.pid, &status, 0);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2, "case %zu: status %d", i,
                      status);
        ck_assert(proc_log_contains(&p, "cors-origin"));
    }
    /* In open local mode "*" answers every origin. */
    struct ds_proc open;
    const char *args[] = {"--database-url", db, "--cors-origin", "*", NULL};
    ck_assert(proc_start(&open, args));
    const char *h[] = {"Origin: http://anything.test:1234", NULL};
    struct http_resp r = http_do("GET", url_of(&open, "/healthz"), NULL, 0, h);
    char v[64];
    ck_assert_str_eq(http_header(&r, "access-control-allow-origin", v, sizeof v),
                     "http://anything.test:1234");
    http_free(&r);
    ck_assert_int_eq(proc_stop(&open, SIGTERM), 0);
}
END_TEST

Suite *contract_suite(void)
{
    Suite *s = suite_create("contract");
    TCase *tc = tcase_create("served");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, serves_its_contract);
    tcase_add_test(tc, serves_docs_page);
    tcase_add_test(tc, serves_console);
    tcase_add_test(tc, cors_allowed_origin);
    tcase_add_test(tc, cors_refused_origins);
    tcase_add_test(tc, cors_flag_validation);
    suite_add_tcase(s, tc);
    return s;
}
