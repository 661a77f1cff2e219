/* test_v2.c — Open Cloud v2 standard data stores over real HTTP: data stores (list, delete,
 * undelete), entries with and without scopes and the scopes/- wildcard, revisions,
 * etag preconditions and the :update JSON Patch extension. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct ds_proc srv;

static void setup(void)
{
    static char db[1024];
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_v2"));
    const char *a[] = {"--database-url", db, "--write-cooldown", "0", "--keep-all-versions", NULL};
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

static struct http_resp v2(const char *method, long long u, const char *suffix, const char *body)
{
    return http_do(method, url_of(&srv, "/cloud/v2/universes/%lld/data-stores%s", u, suffix), body,
                   body ? strlen(body) : 0, NULL);
}

static struct json_object *v2_ok(const char *method, long long u, const char *suffix,
                                 const char *body)
{
    struct http_resp r = v2(method, u, suffix, body);
    ck_assert_msg(r.status == 200, "%s %s: %ld %s", method, suffix, r.status, r.body);
    struct json_object *o = http_json(&r);
    http_free(&r);
    return o;
}

static void expect_v2_error(const char *method, long long u, const char *suffix, const char *body,
                            long status, const char *code)
{
    struct http_resp r = v2(method, u, suffix, body);
    ck_assert_msg(r.status == status, "%s %s: %ld (want %ld) %s", method, suffix, r.status, status,
                  r.body);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "code"), code);
    ck_assert_ptr_nonnull(jstr(o, "message"));
    json_object_put(o);
    http_free(&r);
}

/* Extracts the raw text of the "value" member of a response body (byte-exact check). */
static char *raw_value(const char *body)
{
    const char *p = strstr(body, "\"value\":");
    ck_assert_ptr_nonnull(p);
    p += 8;
    const char *end = strstr(p, ",\"id\":");
    ck_assert_ptr_nonnull(end);
    return strndup(p, (size_t)(end - p));
}

/* Create, get, patch, delete — DataStoreEntry shape, users/attributes, byte-exact value. */
START_TEST(entry_lifecycle)
{
    long long u = unique_universe();
    struct http_resp r =
        v2("POST", u, "/Players/entries?id=user_1",
           "{\"value\": {\"coins\" : 1.50, \"n\": 123456789012345678901},"
           " \"users\": [\"users/269323\"], \"attributes\": {\"tier\": \"gold\"}}");
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    char *raw = raw_value(r.body);
    ck_assert_str_eq(raw, "{\"coins\" : 1.50, \"n\": 123456789012345678901}");
    free(raw);
    struct json_object *e = http_json(&r);
    http_free(&r);
    char path[128];
    snprintf(path, sizeof path, "universes/%lld/data-stores/Players/entries/user_1", u);
    ck_assert_str_eq(jstr(e, "path"), path);
    ck_assert_str_eq(jstr(e, "id"), "user_1");
    ck_assert_str_eq(jstr(e, "state"), "ACTIVE");
    ck_assert_str_eq(jstr(e, "etag"), jstr(e, "revisionId"));
    ck_assert_ptr_nonnull(jstr(e, "createTime"));
    ck_assert_ptr_nonnull(jstr(e, "revisionCreateTime"));
    struct json_object *users, *attrs;
    ck_assert(json_object_object_get_ex(e, "users", &users));
    ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(users, 0)), "users/269323");
    ck_assert(json_object_object_get_ex(e, "attributes", &attrs));
    ck_assert_str_eq(jstr(attrs, "tier"), "gold");
    json_object_put(e);

    expect_v2_error("POST", u, "/Players/entries?id=user_1", "{\"value\":2}", 400,
                    "INVALID_ARGUMENT");
    expect_v2_error("POST", u, "/Players/entries", "{\"value\":2}", 400, "INVALID_ARGUMENT");
    expect_v2_error("POST", u, "/Players/entries?id=x", "{\"users\":[]}", 400, "INVALID_ARGUMENT");
    expect_v2_error("POST", u, "/Players/entries?id=x", "[1]", 400, "INVALID_ARGUMENT");
    expect_v2_error("POST", u, "/Players/entries?id=x", "{\"value\":1,\"users\":[\"users/a\"]}",
                    400, "INVALID_ARGUMENT");
    expect_v2_error("POST", u, "/Players/entries?id=x", "{\"value\":1,\"attributes\":[]}", 400,
                    "INVALID_ARGUMENT");

    e = v2_ok("GET", u, "/Players/entries/user_1", NULL);
    ck_assert_str_eq(jstr(e, "id"), "user_1");
    json_object_put(e);

    /* PATCH replaces the value and clears omitted metadata. */
    e = v2_ok("PATCH", u, "/Players/entries/user_1", "{\"value\": \"second\"}");
    ck_assert(json_object_object_get_ex(e, "users", &users));
    ck_assert_int_eq(json_object_array_length(users), 0);
    json_object_put(e);
    expect_v2_error("PATCH", u, "/Players/entries/nobody", "{\"value\": 1}", 404, "NOT_FOUND");
    e = v2_ok("PATCH", u, "/Players/entries/nobody?allowMissing=true", "{\"value\": 1}");
    json_object_put(e);

    r = v2("DELETE", u, "/Players/entries/user_1", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{}");
    http_free(&r);
    expect_v2_error("GET", u, "/Players/entries/user_1", NULL, 404, "NOT_FOUND");
    expect_v2_error("DELETE", u, "/Players/entries/user_1", NULL, 404, "NOT_FOUND");
    expect_v2_error("GET", u, "/Nope/entries/user_1", NULL, 404, "NOT_FOUND");
}
END_TEST

/* etag preconditions on PATCH (body or query) and DELETE: stale → 409 ABORTED. */
START_TEST(etag_preconditions)
{
    long long u = unique_universe();
    struct json_object *e = v2_ok("POST", u, "/S/entries?id=k", "{\"value\":1}");
    char etag[64], body[256], q[256];
    snprintf(etag, sizeof etag, "%s", jstr(e, "etag"));
    json_object_put(e);
    snprintf(body, sizeof body, "{\"value\":2,\"etag\":\"%s\"}", etag);
    e = v2_ok("PATCH", u, "/S/entries/k", body);
    json_object_put(e);
    expect_v2_error("PATCH", u, "/S/entries/k", body, 409, "ABORTED"); /* stale now */
    snprintf(q, sizeof q, "/S/entries/k?etag=%s", etag);
    expect_v2_error("DELETE", u, q, NULL, 409, "ABORTED");
    e = v2_ok("GET", u, "/S/entries/k", NULL);
    ck_assert_int_eq(jint(e, "value"), 2);
    snprintf(q, sizeof q, "/S/entries/k?etag=%s", jstr(e, "etag"));
    json_object_put(e);
    struct http_resp r = v2("DELETE", u, q, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

/* Scoped addressing, and the scopes/- wildcard listing with ids "scope/key". */
START_TEST(scopes_and_wildcard)
{
    long long u = unique_universe();
    json_object_put(v2_ok("POST", u, "/W/scopes/alpha/entries?id=a1", "{\"value\":1}"));
    json_object_put(v2_ok("POST", u, "/W/scopes/beta/entries?id=b1", "{\"value\":2}"));
    json_object_put(v2_ok("POST", u, "/W/entries?id=g1", "{\"value\":3}"));
    struct json_object *e = v2_ok("GET", u, "/W/scopes/alpha/entries/a1", NULL);
    char path[128];
    snprintf(path, sizeof path, "universes/%lld/data-stores/W/scopes/alpha/entries/a1", u);
    ck_assert_str_eq(jstr(e, "path"), path);
    json_object_put(e);
    expect_v2_error("GET", u, "/W/entries/a1", NULL, 404, "NOT_FOUND"); /* other scope */
    e = v2_ok("GET", u, "/W/scopes/global/entries/g1", NULL);
    json_object_put(e);

    e = v2_ok("GET", u, "/W/scopes/-/entries", NULL);
    struct json_object *list;
    json_object_object_get_ex(e, "dataStoreEntries", &list);
    ck_assert_int_eq(json_object_array_length(list), 3);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "id"), "alpha/a1");
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 2), "id"), "global/g1");
    json_object_put(e);
    e = v2_ok("GET", u, "/W/scopes/-/entries?filter=id.startsWith(%22beta%2F%22)", NULL);
    json_object_object_get_ex(e, "dataStoreEntries", &list);
    ck_assert_int_eq(json_object_array_length(list), 1);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "id"), "beta/b1");
    json_object_put(e);
    e = v2_ok("GET", u, "/W/entries", NULL);
    json_object_object_get_ex(e, "dataStoreEntries", &list);
    ck_assert_int_eq(json_object_array_length(list), 1);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "id"), "g1");
    json_object_put(e);
    expect_v2_error("GET", u, "/W/scopes/-/entries/a1", NULL, 400, "INVALID_ARGUMENT");
    expect_v2_error("GET", u, "/W/entries?filter=id.endsWith(%22x%22)", NULL, 400,
                    "INVALID_ARGUMENT");
}
END_TEST

/* Paging 600 entries at maxPageSize 256 (and a coerced 1000): every id once, in order;
 * showDeleted includes tombstones; a token reused with another filter is refused. */
START_TEST(list_paging_and_show_deleted)
{
    long long u = unique_universe();
    for (int i = 0; i < 600; i++) {
        char s[64];
        snprintf(s, sizeof s, "/P/entries?id=e%03d", i);
        json_object_put(v2_ok("POST", u, s, "{\"value\":0}"));
    }
    struct http_resp r = v2("DELETE", u, "/P/entries/e005", NULL);
    http_free(&r);
    char token[1024] = "";
    int seen = 0, pages = 0;
    for (;;) {
        char q[1400];
        snprintf(q, sizeof q, "/P/entries?maxPageSize=256%s%s", token[0] ? "&pageToken=" : "",
                 token);
        struct json_object *o = v2_ok("GET", u, q, NULL), *list;
        json_object_object_get_ex(o, "dataStoreEntries", &list);
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            char want[16];
            int n = seen + (seen >= 5 ? 1 : 0);
            snprintf(want, sizeof want, "e%03d", n);
            ck_assert_str_eq(jstr(json_object_array_get_idx(list, i), "id"), want);
            seen++;
        }
        snprintf(token, sizeof token, "%s", jstr(o, "nextPageToken"));
        json_object_put(o);
        pages++;
        if (!token[0]) break;
    }
    ck_assert_int_eq(seen, 599);
    ck_assert_int_eq(pages, 3);
    struct json_object *o = v2_ok("GET", u, "/P/entries?maxPageSize=1000&showDeleted=true", NULL),
                       *list;
    json_object_object_get_ex(o, "dataStoreEntries", &list);
    ck_assert_int_eq(json_object_array_length(list), 256); /* coerced to the maximum */
    char q[1400];
    snprintf(q, sizeof q, "/P/entries?filter=id.startsWith(%%22e1%%22)&pageToken=%s",
             jstr(o, "nextPageToken"));
    json_object_put(o);
    expect_v2_error("GET", u, q, NULL, 400, "INVALID_ARGUMENT");
    o = v2_ok("GET", u, "/P/entries?filter=id.startsWith(%22e00%22)&showDeleted=true", NULL);
    json_object_object_get_ex(o, "dataStoreEntries", &list);
    ck_assert_int_eq(json_object_array_length(list), 10);
    json_object_put(o);
    expect_v2_error("GET", u, "/P/entries?maxPageSize=-1", NULL, 400, "INVALID_ARGUMENT");
}
END_TEST

/* :increment with amount/users/attributes; non-integer amounts and values refused. */
START_TEST(increment)
{
    long long u = unique_universe();
    struct json_object *e = v2_ok("POST", u, "/I/entries/c:increment", "{}");
    ck_assert_int_eq(jint(e, "value"), 1);
    json_object_put(e);
    e = v2_ok("POST", u, "/I/entries/c:increment", "{\"amount\": 41, \"users\": [\"users/7\"]}");
    ck_assert_int_eq(jint(e, "value"), 42);
    struct json_object *users;
    json_object_object_get_ex(e, "users", &users);
    ck_assert_int_eq(json_object_array_length(users), 1);
    json_object_put(e);
    expect_v2_error("POST", u, "/I/entries/c:increment", "{\"amount\": 0.5}", 400,
                    "INVALID_ARGUMENT");
    json_object_put(v2_ok("POST", u, "/I/entries?id=s", "{\"value\":\"str\"}"));
    expect_v2_error("POST", u, "/I/entries/s:increment", "{\"amount\": 1}", 400,
                    "INVALID_ARGUMENT");
}
END_TEST

/* :update applies a JSON Patch atomically; a failed test is 409 and writes nothing; a
 * missing entry is null so add at the root creates it; users/attributes are kept. */
START_TEST(update_json_patch)
{
    long long u = unique_universe();
    struct json_object *e =
        v2_ok("POST", u, "/U/entries/p:update",
              "[{\"op\":\"add\",\"path\":\"\",\"value\":{\"coins\":1,\"items\":[]}}]");
    struct json_object *created;
    ck_assert(json_object_object_get_ex(e, "value", &created));
    ck_assert_int_eq(jint(created, "coins"), 1);
    json_object_put(e);
    json_object_put(v2_ok("PATCH", u, "/U/entries/p",
                          "{\"value\":{\"coins\":1,\"items\":[]},\"attributes\":{\"a\":1}}"));
    e = v2_ok("POST", u, "/U/entries/p:update",
              "[{\"op\":\"test\",\"path\":\"/coins\",\"value\":1},"
              "{\"op\":\"replace\",\"path\":\"/coins\",\"value\":5},"
              "{\"op\":\"add\",\"path\":\"/items/-\",\"value\":\"sword\"}]");
    char *raw = NULL;
    {
        const char *t = json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN);
        raw = strdup(t);
    }
    ck_assert_ptr_nonnull(strstr(raw, "\"value\":{\"coins\":5,\"items\":[\"sword\"]}"));
    ck_assert_ptr_nonnull(strstr(raw, "\"attributes\":{\"a\":1}"));
    free(raw);
    json_object_put(e);
    expect_v2_error("POST", u, "/U/entries/p:update",
                    "[{\"op\":\"test\",\"path\":\"/"
                    "coins\",\"value\":1},{\"op\":\"remove\",\"path\":\"/items\"}]",
                    409, "ABORTED");
    expect_v2_error("POST", u, "/U/entries/p:update", "{\"op\":\"add\"}", 400, "INVALID_ARGUMENT");
    expect_v2_error("POST", u, "/U/entries/p:update", "[{\"op\":\"jump\",\"path\":\"/x\"}]", 400,
                    "INVALID_ARGUMENT");
    expect_v2_error("POST", u, "/U/entries/p:update", "[{\"op\":\"remove\",\"path\":\"/missing\"}]",
                    400, "INVALID_ARGUMENT");
    e = v2_ok("GET", u, "/U/entries/p", NULL);
    struct json_object *value, *items;
    json_object_object_get_ex(e, "value", &value);
    ck_assert_int_eq(jint(value, "coins"), 5);
    ck_assert(json_object_object_get_ex(value, "items", &items));
    ck_assert_int_eq(json_object_array_length(items), 1);
    json_object_put(e);
}
END_TEST

/* Revisions: newest first, @revision, @latest, @latest:{time}, the time filter, paging. */
START_TEST(revisions)
{
    long long u = unique_universe();
    char ids[4][64], times[4][64];
    for (int i = 0; i < 4; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"value\": %d}", i + 1);
        struct json_object *e = v2_ok("PATCH", u, "/R/entries/k?allowMissing=true", body);
        snprintf(ids[i], sizeof ids[i], "%s", jstr(e, "revisionId"));
        snprintf(times[i], sizeof times[i], "%s", jstr(e, "revisionCreateTime"));
        json_object_put(e);
    }
    struct json_object *o = v2_ok("GET", u, "/R/entries/k:listRevisions", NULL), *list;
    json_object_object_get_ex(o, "dataStoreEntries", &list);
    ck_assert_int_eq(json_object_array_length(list), 4);
    struct json_object *first = json_object_array_get_idx(list, 0);
    ck_assert_str_eq(jstr(first, "revisionId"), ids[3]);
    char id_at[128];
    snprintf(id_at, sizeof id_at, "k@%s", ids[3]);
    ck_assert_str_eq(jstr(first, "id"), id_at);
    ck_assert_str_eq(jstr(first, "state"), "ACTIVE");
    struct json_object *tmp;
    ck_assert(!json_object_object_get_ex(first, "value", &tmp));
    json_object_put(o);

    char q[1400];
    snprintf(
        q, sizeof q,
        "/R/entries/k:listRevisions?maxPageSize=3&filter=revision_create_time%%20%%3E%%3D%%20%s",
        times[1]);
    o = v2_ok("GET", u, q, NULL);
    json_object_object_get_ex(o, "dataStoreEntries", &list);
    ck_assert_int_eq(json_object_array_length(list), 3);
    ck_assert_str_eq(jstr(o, "nextPageToken"), "");
    json_object_put(o);
    o = v2_ok("GET", u, "/R/entries/k:listRevisions?maxPageSize=2", NULL);
    snprintf(q, sizeof q, "/R/entries/k:listRevisions?maxPageSize=2&pageToken=%s",
             jstr(o, "nextPageToken"));
    json_object_put(o);
    o = v2_ok("GET", u, q, NULL);
    json_object_object_get_ex(o, "dataStoreEntries", &list);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "revisionId"), ids[1]);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 1), "revisionId"), ids[0]);
    json_object_put(o);
    expect_v2_error("GET", u, "/R/entries/k:listRevisions?filter=revision_create_time%3E%3D2020",
                    NULL, 400, "INVALID_ARGUMENT");

    snprintf(q, sizeof q, "/R/entries/k@%s", ids[1]);
    struct json_object *e = v2_ok("GET", u, q, NULL);
    ck_assert_int_eq(jint(e, "value"), 2);
    ck_assert_str_eq(jstr(e, "revisionId"), ids[1]);
    json_object_put(e);
    e = v2_ok("GET", u, "/R/entries/k@latest", NULL);
    ck_assert_int_eq(jint(e, "value"), 4);
    json_object_put(e);
    snprintf(q, sizeof q, "/R/entries/k@latest:%s", times[2]);
    e = v2_ok("GET", u, q, NULL);
    ck_assert_int_eq(jint(e, "value"), 3);
    json_object_put(e);
    expect_v2_error("GET", u, "/R/entries/k@latest:1999-01-01T00:00:00Z", NULL, 404, "NOT_FOUND");
    expect_v2_error("GET", u, "/R/entries/k@latest:2999-01-01T00:00:00Z", NULL, 400,
                    "INVALID_ARGUMENT");
    expect_v2_error("GET", u, "/R/entries/k@garbage", NULL, 400, "INVALID_ARGUMENT");
    expect_v2_error("GET", u, "/R/entries/k@08D9E6A3F2188CFF.0000000077.08D9E6A3F2188CFF.01", NULL,
                    404, "NOT_FOUND");
}
END_TEST

/* The revision suffix is not part of the key: a 50-byte key (the limit) can still be read at
 * a revision, and the key before '@' is what is checked. */
START_TEST(revision_of_longest_key)
{
    long long u = unique_universe();
    char key[51], path[256];
    memset(key, 'k', 50);
    key[50] = '\0';
    snprintf(path, sizeof path, "/R/entries/%s?allowMissing=true", key);
    struct json_object *e = v2_ok("PATCH", u, path, "{\"value\": 7}");
    char id[64];
    snprintf(id, sizeof id, "%s", jstr(e, "revisionId"));
    json_object_put(e);
    snprintf(path, sizeof path, "/R/entries/%s@%s", key, id);
    e = v2_ok("GET", u, path, NULL);
    ck_assert_int_eq(jint(e, "value"), 7);
    ck_assert_str_eq(jstr(e, "revisionId"), id);
    json_object_put(e);
    snprintf(path, sizeof path, "/R/entries/%sk@%s", key, id); /* 51 bytes before '@' */
    expect_v2_error("GET", u, path, NULL, 400, "INVALID_ARGUMENT");
    expect_v2_error("GET", u, "/R/entries/@latest", NULL, 400, "INVALID_ARGUMENT");
}
END_TEST

/* Data stores: list with filter, soft delete (entries 404, expireTime), undelete restores. */
START_TEST(datastores_delete_undelete)
{
    long long u = unique_universe();
    json_object_put(v2_ok("POST", u, "/Keep/entries?id=a", "{\"value\":1}"));
    json_object_put(v2_ok("POST", u, "/Drop/entries?id=a", "{\"value\":1}"));
    struct json_object *o = v2_ok("GET", u, "", NULL), *list;
    json_object_object_get_ex(o, "dataStores", &list);
    ck_assert_int_eq(json_object_array_length(list), 2);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "id"), "Drop");
    json_object_put(o);
    o = v2_ok("DELETE", u, "/Drop", NULL);
    ck_assert_str_eq(jstr(o, "state"), "DELETED");
    ck_assert_ptr_nonnull(jstr(o, "expireTime"));
    json_object_put(o);
    expect_v2_error("GET", u, "/Drop/entries/a", NULL, 404, "NOT_FOUND");
    expect_v2_error("PATCH", u, "/Drop/entries/a", "{\"value\":2}", 404, "NOT_FOUND");
    o = v2_ok("GET", u, "", NULL);
    json_object_object_get_ex(o, "dataStores", &list);
    ck_assert_int_eq(json_object_array_length(list), 1);
    json_object_put(o);
    o = v2_ok("GET", u, "?showDeleted=true&filter=id.startsWith(%22Dr%22)", NULL);
    json_object_object_get_ex(o, "dataStores", &list);
    ck_assert_int_eq(json_object_array_length(list), 1);
    ck_assert_str_eq(jstr(json_object_array_get_idx(list, 0), "state"), "DELETED");
    json_object_put(o);
    o = v2_ok("POST", u, "/Drop:undelete", NULL);
    ck_assert_str_eq(jstr(o, "state"), "ACTIVE");
    json_object_put(o);
    o = v2_ok("GET", u, "/Drop/entries/a", NULL);
    ck_assert_int_eq(jint(o, "value"), 1);
    json_object_put(o);
    expect_v2_error("DELETE", u, "/Never", NULL, 404, "NOT_FOUND");
}
END_TEST

/* Percent-encoded ids keep '/', spaces and unicode inside one key; bad escapes are 400. */
START_TEST(encoded_ids)
{
    long long u = unique_universe();
    json_object_put(v2_ok("POST", u, "/E/entries?id=a%2Fb%20c%C3%A9", "{\"value\":1}"));
    struct json_object *e = v2_ok("GET", u, "/E/entries/a%2Fb%20c%C3%A9", NULL);
    ck_assert_str_eq(jstr(e, "id"), "a/b c\xc3\xa9");
    json_object_put(e);
    expect_v2_error("GET", u, "/E/entries/a%ZZ", NULL, 400, "INVALID_ARGUMENT");
    expect_v2_error("GET", u, "/E/entries/a%00b", NULL, 400, "INVALID_ARGUMENT");
    expect_v2_error("GET", u, "/E/entries/%FF%FE", NULL, 400, "INVALID_ARGUMENT");
}
END_TEST

/* Every entry route of the explicit-scope form works in its scope and stays out of the
 * default one: create, patch, increment, :update, revisions, lock / renew / unlock, delete. */
START_TEST(every_entry_route_in_a_scope)
{
    long long u = unique_universe();
    const char *s = "/S/scopes/season-2/entries";
    char path[256];
    struct json_object *o;
    snprintf(path, sizeof path, "%s?id=hero", s);
    json_object_put(v2_ok("POST", u, path, "{\"value\": {\"coins\": 1}}"));
    snprintf(path, sizeof path, "%s/hero", s);
    json_object_put(v2_ok("PATCH", u, path, "{\"value\": {\"coins\": 2}}"));
    snprintf(path, sizeof path, "%s/hero:update", s);
    json_object_put(
        v2_ok("POST", u, path, "[{\"op\": \"replace\", \"path\": \"/coins\", \"value\": 3}]"));
    snprintf(path, sizeof path, "%s/hero:listRevisions", s);
    o = v2_ok("GET", u, path, NULL);
    struct json_object *revs;
    ck_assert(json_object_object_get_ex(o, "dataStoreEntries", &revs));
    ck_assert_int_eq(json_object_array_length(revs), 3);
    json_object_put(o);
    snprintf(path, sizeof path, "%s/gold:increment", s);
    o = v2_ok("POST", u, path, "{\"amount\": 5}");
    ck_assert_int_eq(jint(o, "value"), 5);
    json_object_put(o);
    expect_v2_error("GET", u, "/S/entries/hero", NULL, 404, "NOT_FOUND"); /* not in global */
    snprintf(path, sizeof path, "%s/hero:lock", s);
    o = v2_ok("POST", u, path, "{\"owner\": \"server-1\", \"ttlSeconds\": 30}");
    long long token = jint(o, "token");
    json_object_put(o);
    char body[128];
    snprintf(body, sizeof body, "{\"token\": %lld, \"ttlSeconds\": 60}", token);
    snprintf(path, sizeof path, "%s/hero:renewLock", s);
    json_object_put(v2_ok("POST", u, path, body));
    snprintf(body, sizeof body, "{\"token\": %lld}", token);
    snprintf(path, sizeof path, "%s/hero:unlock", s);
    json_object_put(v2_ok("POST", u, path, body));
    snprintf(path, sizeof path, "%s/hero", s);
    o = v2_ok("GET", u, path, NULL);
    struct json_object *value;
    ck_assert(json_object_object_get_ex(o, "value", &value));
    ck_assert_int_eq(jint(value, "coins"), 3);
    json_object_put(o);
    json_object_put(v2_ok("DELETE", u, path, NULL));
    expect_v2_error("GET", u, path, NULL, 404, "NOT_FOUND");
}
END_TEST

Suite *v2_suite(void)
{
    Suite *s = suite_create("v2");
    TCase *tc = tcase_create("standard");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, entry_lifecycle);
    tcase_add_test(tc, etag_preconditions);
    tcase_add_test(tc, scopes_and_wildcard);
    tcase_add_test(tc, list_paging_and_show_deleted);
    tcase_add_test(tc, increment);
    tcase_add_test(tc, update_json_patch);
    tcase_add_test(tc, revisions);
    tcase_add_test(tc, revision_of_longest_key);
    tcase_add_test(tc, datastores_delete_undelete);
    tcase_add_test(tc, encoded_ids);
    tcase_add_test(tc, every_entry_route_in_a_scope);
    suite_add_tcase(s, tc);
    return s;
}
