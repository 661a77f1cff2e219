/* test_auth.c — API keys against the real binary: every data route with a key holding each
 * single permission (allowed exactly when it is the route's), keys of another universe and
 * another data store refused on every route, the admin API refusing data keys, keys kept in
 * PostgreSQL (hash only, revocation at once), keys never logged, and the start-up refusals
 * (beyond loopback without keys, a bad keys file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define FULL_KEY "full-access-key-0123456789"
#define ADMIN_KEY "admin-key-0123456789abcdef"

static struct ds_proc srv;
static char srv_db[1024];
static char keys_path[256];
static long long universe, other_universe;

/* One request per data route, with the permission Open Cloud requires for it. */
struct route_case {
    const char *method;
    const char *path; /* %lld: universe */
    const char *body;
    const char *permission;
};

#define V1 "/datastores/v1/universes/%lld/standard-datastores"
#define V1E V1 "/datastore/entries/entry"
#define V2 "/cloud/v2/universes/%lld/data-stores"
#define OV1 "/ordered-data-stores/v1/universes/%lld/orderedDataStores/O/scopes/global/entries"
#define OV2 "/cloud/v2/universes/%lld/ordered-data-stores/O/scopes/global/entries"
#define P(x) "universe-datastores." x
#define PO(x) "universe.ordered-data-store.scope.entry:" x

static const struct route_case routes[] = {
    {"GET", V1, NULL, P("control:list")},
    {"GET", V1 "/datastore/entries?datastoreName=S", NULL, P("objects:list")},
    {"GET", V1E "?datastoreName=S&entryKey=k", NULL, P("objects:read")},
    {"POST", V1E "?datastoreName=S&entryKey=k", "1", P("objects:create")},
    {"POST", V1E "/increment?datastoreName=S&entryKey=n&incrementBy=1", NULL, P("objects:update")},
    {"GET", V1E "/versions?datastoreName=S&entryKey=k", NULL, P("versions:list")},
    {"GET", V1E "/versions/version?datastoreName=S&entryKey=k&versionId=x", NULL,
     P("versions:read")},
    {"DELETE", V1E "?datastoreName=S&entryKey=gone", NULL, P("objects:delete")},
    {"GET", V2, NULL, P("control:list")},
    {"GET", V2 "/S/entries", NULL, P("objects:list")},
    {"POST", V2 "/S/entries?id=c", "{\"value\":1}", P("objects:create")},
    {"GET", V2 "/S/entries/k", NULL, P("objects:read")},
    {"GET", V2 "/S/scopes/global/entries/k", NULL, P("objects:read")},
    {"PATCH", V2 "/S/entries/k?allowMissing=true", "{\"value\":2}", P("objects:update")},
    {"POST", V2 "/S/entries/n:increment", "{\"amount\":1}", P("objects:update")},
    {"POST", V2 "/S/entries/k:update", "[]", P("objects:update")},
    {"GET", V2 "/S/entries/k:listRevisions", NULL, P("versions:list")},
    {"POST", V2 "/S/entries/l:lock", "{\"owner\":\"job\"}", P("objects:update")},
    {"DELETE", V2 "/S/entries/gone", NULL, P("objects:delete")},
    {"DELETE", V2 "/Dropped", NULL, P("control:delete")},
    {"POST", V2 "/Dropped:undelete", "{}", P("control:delete")},
    {"GET", OV1, NULL, PO("read")},
    {"POST", OV1 "?id=e", "{\"value\":5}", PO("write")},
    {"GET", OV1 "/e", NULL, PO("read")},
    {"POST", OV1 "/e:increment", "{\"amount\":1}", PO("write")},
    {"GET", OV2, NULL, PO("read")},
    {"PATCH", OV2 "/e?allowMissing=true", "{\"value\":7}", PO("write")},
    {"DELETE", OV2 "/gone", NULL, PO("write")},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])

static const char *const permissions[] = {
    P("objects:read"),  P("objects:create"), P("objects:update"), P("objects:delete"),
    P("objects:list"),  P("control:list"),   P("control:delete"), P("versions:list"),
    P("versions:read"), PO("read"),          PO("write"),
};
#define N_PERMS (sizeof permissions / sizeof permissions[0])

static void key_for_permission(size_t i, char *out, size_t cap)
{
    snprintf(out, cap, "perm-key-%02zu-0123456789", i);
}

static void setup(void)
{
    snprintf(srv_db, sizeof srv_db, "%s", harness_fresh_database("ds_auth"));
    universe = unique_universe();
    other_universe = unique_universe();
    snprintf(keys_path, sizeof keys_path, "/tmp/datastored-keys-%d.json", (int)getpid());
    FILE *f = fopen(keys_path, "w");
    if (!f) exit(2);
    fprintf(f, "[");
    for (size_t i = 0; i < N_PERMS; i++) {
        char key[64];
        key_for_permission(i, key, sizeof key);
        fprintf(f, "%s{\"key\":\"%s\",\"universes\":[%lld],\"permissions\":[\"%s\"]}", i ? "," : "",
                key, universe, permissions[i]);
    }
    fprintf(f, ",{\"key\":\"all-perms-one-universe-0123\",\"universes\":[%lld],\"permissions\":[",
            universe);
    for (size_t i = 0; i < N_PERMS; i++)
        fprintf(f, "%s\"%s\"", i ? "," : "", permissions[i]);
    fprintf(f,
            "]},{\"key\":\"only-store-A-0123456789\",\"universes\":[%lld],\"datastores\":[\"A\"],"
            "\"permissions\":[\"%s\",\"%s\"]}]",
            universe, P("objects:read"), P("objects:create"));
    fclose(f);
    const char *args[] = {"--database-url",
                          srv_db,
                          "--write-cooldown",
                          "0",
                          "--api-key",
                          FULL_KEY,
                          "--api-keys",
                          keys_path,
                          "--admin-key",
                          ADMIN_KEY,
                          "--log-level",
                          "debug",
                          NULL};
    if (!proc_start(&srv, args)) {
        fprintf(stderr, "server did not start\n");
        exit(2);
    }
}

static void teardown(void)
{
    unlink(keys_path);
    if (proc_stop(&srv, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly\n");
        exit(2);
    }
}

static long call(const struct route_case *rc, long long u, const char *header)
{
    const char *headers[] = {header, "content-type: application/json", NULL};
    struct http_resp r = http_do(rc->method, url_of(&srv, rc->path, u), rc->body,
                                 rc->body ? strlen(rc->body) : 0, header ? headers : NULL);
    long st = r.status;
    if (st == 403) {
        struct json_object *o = http_json(&r);
        const char *code = jstr(o, "code") ? jstr(o, "code") : jstr(o, "error");
        ck_assert_msg(code && !strcmp(code, "INSUFFICIENT_SCOPE"), "403 body %s", r.body);
        json_object_put(o);
    }
    http_free(&r);
    return st;
}

/* Each permission allows exactly the routes that need it. */
START_TEST(each_permission_allows_exactly_its_routes)
{
    for (size_t p = 0; p < N_PERMS; p++) {
        char key[64], header[96];
        key_for_permission(p, key, sizeof key);
        snprintf(header, sizeof header, "x-api-key: %s", key);
        for (size_t i = 0; i < N_ROUTES; i++) {
            long st = call(&routes[i], universe, header);
            bool needs = !strcmp(routes[i].permission, permissions[p]);
            ck_assert_msg(st != 401, "%s %s: 401 with a valid key", routes[i].method,
                          routes[i].path);
            if (needs)
                ck_assert_msg(st != 403, "%s %s with %s: 403", routes[i].method, routes[i].path,
                              permissions[p]);
            else
                ck_assert_msg(st == 403, "%s %s with %s: %ld, not 403", routes[i].method,
                              routes[i].path, permissions[p], st);
        }
    }
}
END_TEST

/* A key for universe A gets 403 on universe B for every route; a missing or unknown key
 * gets 401 with Roblox's gateway body. */
START_TEST(other_universe_and_missing_keys)
{
    for (size_t i = 0; i < N_ROUTES; i++) {
        ck_assert_int_eq(call(&routes[i], other_universe, "x-api-key: all-perms-one-universe-0123"),
                         403);
        ck_assert_int_ne(call(&routes[i], universe, "x-api-key: all-perms-one-universe-0123"), 403);
        ck_assert_int_eq(call(&routes[i], universe, NULL), 401);
        ck_assert_int_eq(call(&routes[i], universe, "x-api-key: not-a-key"), 401);
        ck_assert_int_eq(call(&routes[i], universe, "authorization: Basic Zm9vOmJhcg=="), 401);
    }
    struct http_resp r =
        http_do("GET", url_of(&srv, V1E "?datastoreName=S&entryKey=k", universe), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.body, "{\"errors\":[{\"code\":0,\"message\":\"Invalid API Key\"}]}");
    http_free(&r);
    /* Authorization: Bearer works like x-api-key. */
    const char *bearer[] = {"authorization: Bearer " FULL_KEY, NULL};
    r = http_do("GET", url_of(&srv, V2, other_universe), NULL, 0, bearer);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

/* A key limited to data store A cannot touch B. */
START_TEST(datastore_restriction)
{
    const char *h[] = {"x-api-key: only-store-A-0123456789", NULL};
    struct http_resp r =
        http_do("POST", url_of(&srv, V1E "?datastoreName=A&entryKey=k", universe), "1", 1, h);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = http_do("POST", url_of(&srv, V1E "?datastoreName=B&entryKey=k", universe), "1", 1, h);
    ck_assert_int_eq(r.status, 403);
    http_free(&r);
    r = http_do("GET", url_of(&srv, V2 "/B/entries/k", universe), NULL, 0, h);
    ck_assert_int_eq(r.status, 403);
    http_free(&r);
    r = http_do("GET", url_of(&srv, V2 "/A/entries/k", universe), NULL, 0, h);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

/* The admin API wants the admin key: data keys get 403, others 401; the admin key is no
 * data key. */
START_TEST(admin_refuses_data_keys)
{
    const char *admin_paths[] = {"/admin/v1/faults", "/admin/v1/clock", "/admin/v1/api-keys",
                                 "/admin/v1/queues", "/admin/v1/fault-events"};
    const char *data[] = {"x-api-key: " FULL_KEY, NULL};
    const char *admin[] = {"x-api-key: " ADMIN_KEY, NULL};
    const char *wrong[] = {"x-api-key: nope-nope-nope-nope", NULL};
    for (size_t i = 0; i < sizeof admin_paths / sizeof admin_paths[0]; i++) {
        struct http_resp r = http_do("GET", url_of(&srv, "%s", admin_paths[i]), NULL, 0, data);
        ck_assert_msg(r.status == 403, "%s with a data key: %ld", admin_paths[i], r.status);
        http_free(&r);
        r = http_do("GET", url_of(&srv, "%s", admin_paths[i]), NULL, 0, NULL);
        ck_assert_int_eq(r.status, 401);
        http_free(&r);
        r = http_do("GET", url_of(&srv, "%s", admin_paths[i]), NULL, 0, wrong);
        ck_assert_int_eq(r.status, 401);
        http_free(&r);
        r = http_do("GET", url_of(&srv, "%s", admin_paths[i]), NULL, 0, admin);
        ck_assert_int_eq(r.status, 200);
        http_free(&r);
    }
    struct http_resp r = http_do("GET", url_of(&srv, V2 "/S/entries", universe), NULL, 0, admin);
    ck_assert_int_eq(r.status, 401);
    http_free(&r);
    /* Only the admin may send an import larger than an ordinary body. */
    size_t big = 6 * 1024 * 1024;
    char *body = malloc(big);
    ck_assert_ptr_nonnull(body);
    memset(body, ' ', big);
    memcpy(body, "{\"DataStore\":{}}", 16);
    r = http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", universe), body, big, data);
    ck_assert_int_eq(r.status, 413);
    http_free(&r);
    r = http_do("POST", url_of(&srv, "/admin/v1/import?universe=%lld", universe), body, big, admin);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
    free(body);
    r = http_do("GET", url_of(&srv, "/healthz"), NULL, 0, NULL); /* health needs no key */
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

/* Keys made through the admin API: returned once, stored as a hash, revoked at once. */
START_TEST(managed_keys)
{
    const char *admin[] = {"x-api-key: " ADMIN_KEY, NULL};
    char body[512];
    snprintf(body, sizeof body,
             "{\"universes\":[%lld],\"permissions\":[\"universe-datastores.objects:read\"],"
             "\"description\":\"game server 1\"}",
             universe);
    struct http_resp r =
        http_do("POST", url_of(&srv, "/admin/v1/api-keys"), body, strlen(body), admin);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    struct json_object *o = http_json(&r);
    char key[600], header[640];
    snprintf(key, sizeof key, "%s", jstr(o, "key"));
    long long id = jint(o, "id");
    json_object_put(o);
    http_free(&r);
    ck_assert_int_ge(strlen(key), 32);
    snprintf(header, sizeof header, "x-api-key: %s", key);
    const char *h[] = {header, NULL};
    r = http_do("GET", url_of(&srv, V2 "/S/entries/k", universe), NULL, 0, h);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = http_do("POST", url_of(&srv, V1E "?datastoreName=S&entryKey=k", universe), "1", 1, h);
    ck_assert_int_eq(r.status, 403);
    http_free(&r);

    /* Only the hash is stored, and listings never show the key. */
    char sql[2200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM api_keys WHERE scope LIKE '%%%s%%' OR "
             "key_hash = '%s' OR key_prefix = '%s'",
             key, key, key);
    ck_assert_str_eq(harness_sql(srv_db, sql), "0");
    r = http_do("GET", url_of(&srv, "/admin/v1/api-keys"), NULL, 0, admin);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, key));
    ck_assert_ptr_nonnull(strstr(r.body, "game server 1"));
    http_free(&r);

    /* A key given by the caller; the same key twice is a conflict. */
    const char *mine = "{\"key\":\"my-own-chosen-key-42\",\"universes\":[1],"
                       "\"permissions\":[\"universe-datastores.objects:read\"]}";
    r = http_do("POST", url_of(&srv, "/admin/v1/api-keys"), mine, strlen(mine), admin);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = http_do("POST", url_of(&srv, "/admin/v1/api-keys"), mine, strlen(mine), admin);
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
    const char *bad[] = {
        "{}",
        "{\"universes\":[1]}",
        "{\"universes\":[],\"permissions\":[]}",
        "{\"universes\":[1],\"permissions\":[\"universe-datastores.everything\"]}",
        "{\"universes\":[\"1\"],\"permissions\":[\"universe-datastores.objects:read\"]}",
        "{\"key\":\"short\",\"universes\":[1],\"permissions\":[\"universe-datastores.objects:"
        "read\"]}",
        "{\"universes\":[1],\"permissions\":[\"universe-datastores.objects:read\"],\"admin\":"
        "true}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = http_do("POST", url_of(&srv, "/admin/v1/api-keys"), bad[i], strlen(bad[i]), admin);
        ck_assert_msg(r.status == 400, "%s: %ld", bad[i], r.status);
        http_free(&r);
    }

    /* Revoked: refused at once. */
    r = http_do("DELETE", url_of(&srv, "/admin/v1/api-keys/%lld", id), NULL, 0, admin);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = http_do("GET", url_of(&srv, V2 "/S/entries/k", universe), NULL, 0, h);
    ck_assert_int_eq(r.status, 401);
    http_free(&r);
    r = http_do("DELETE", url_of(&srv, "/admin/v1/api-keys/%lld", id), NULL, 0, admin);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
    ck_assert(!proc_log_contains(&srv, key));
}
END_TEST

/* Keys never reach the log, even at debug level. */
START_TEST(keys_not_logged)
{
    char key[64];
    key_for_permission(0, key, sizeof key);
    ck_assert(!proc_log_contains(&srv, key));
    ck_assert(!proc_log_contains(&srv, FULL_KEY));
    ck_assert(!proc_log_contains(&srv, ADMIN_KEY));
    ck_assert(!proc_log_contains(&srv, "all-perms-one-universe"));
}
END_TEST

static int start_status(const char *const *args)
{
    struct ds_proc p;
    ck_assert(proc_spawn_as(&p, args, -1, -1));
    int status;
    waitpid(p.pid, &status, 0);
    ck_assert(proc_log_contains(&p, "datastored:"));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Beyond loopback without keys, and with a bad keys file, datastored refuses to start. */
START_TEST(start_refusals)
{
    const char *open_net[] = {"--database-url", srv_db, "--listen", "0.0.0.0:0", NULL};
    ck_assert_int_eq(start_status(open_net), 2);
    const char *path = "/tmp/datastored-badkeys.json";
    const char *contents[] = {
        "not json",
        "[{\"key\":\"short\",\"universes\":[1],\"permissions\":[\"universe-datastores.objects:"
        "read\"]}]",
        "[{\"key\":\"long-enough-key-123\",\"universes\":[1],\"permissions\":[\"x\"]}]",
        "[{\"key\":\"long-enough-key-123\",\"permissions\":[\"universe-datastores.objects:read\"]}"
        "]",
    };
    for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(contents[i], f);
        fclose(f);
        const char *args[] = {"--database-url", srv_db, "--api-keys", path, NULL};
        ck_assert_msg(start_status(args) == 2, "keys file %zu accepted", i);
    }
    unlink(path);
    const char *short_key[] = {"--database-url", srv_db, "--api-key", "tiny", NULL};
    ck_assert_int_eq(start_status(short_key), 2);
}
END_TEST

Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("auth");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, each_permission_allows_exactly_its_routes);
    tcase_add_test(tc, other_universe_and_missing_keys);
    tcase_add_test(tc, datastore_restriction);
    tcase_add_test(tc, admin_refuses_data_keys);
    tcase_add_test(tc, managed_keys);
    tcase_add_test(tc, keys_not_logged);
    tcase_add_test(tc, start_refusals);
    suite_add_tcase(s, tc);
    return s;
}
