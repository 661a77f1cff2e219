/* test_migrations.c — the _version migration chain admin API: contiguous steps, the
 * {"patch","backwardsCompatible"} form, invalid documents, and the replace/delete rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct ds_proc srv;
static char db[1024];

static void setup(void)
{
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_migrations"));
    const char *a[] = {"--database-url", db, NULL};
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

static long put_step(long long u, int n, const char *body)
{
    struct http_resp r = http_do(
        "PUT", url_of(&srv, "/admin/v1/universes/%lld/data-stores/Players/migrations/%d", u, n),
        body, strlen(body), NULL);
    long st = r.status;
    if (st != 200) {
        struct json_object *o = http_json(&r); /* errors are JSON too */
        ck_assert_ptr_nonnull(jstr(o, "message"));
        json_object_put(o);
    }
    http_free(&r);
    return st;
}

static struct json_object *chain(long long u)
{
    struct http_resp r =
        http_do("GET", url_of(&srv, "/admin/v1/universes/%lld/data-stores/Players/migrations", u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    http_free(&r);
    return o;
}

static long del_step(long long u, int n)
{
    struct http_resp r = http_do(
        "DELETE", url_of(&srv, "/admin/v1/universes/%lld/data-stores/Players/migrations/%d", u, n),
        NULL, 0, NULL);
    long st = r.status;
    http_free(&r);
    return st;
}

/* Steps are added contiguously from 1 and listed in order with their flags. */
START_TEST(contiguous_chain)
{
    long long u = unique_universe();
    ck_assert_int_eq(put_step(u, 2, "[]"), 400); /* must start at 1 */
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"add\",\"path\":\"/gems\",\"value\":0}]"), 200);
    ck_assert_int_eq(
        put_step(u, 2,
                 "{\"patch\":[{\"op\":\"move\",\"from\":\"/coins\",\"path\":\"/gold\"}],"
                 "\"backwardsCompatible\":true}"),
        200);
    ck_assert_int_eq(put_step(u, 4, "[]"), 400); /* gap */
    ck_assert_int_eq(put_step(u, 3, "[{\"op\":\"remove\",\"path\":\"/old\"}]"), 200);
    struct json_object *o = chain(u), *steps;
    ck_assert_int_eq(jint(o, "latestVersion"), 3);
    ck_assert_str_eq(jstr(o, "dataStore"), "Players");
    json_object_object_get_ex(o, "steps", &steps);
    ck_assert_int_eq(json_object_array_length(steps), 3);
    struct json_object *s2 = json_object_array_get_idx(steps, 1), *b;
    ck_assert_int_eq(jint(s2, "step"), 2);
    json_object_object_get_ex(s2, "backwardsCompatible", &b);
    ck_assert(json_object_get_boolean(b));
    json_object_put(o);
}
END_TEST

/* Documents that are not JSON Patch are refused with a message. */
START_TEST(invalid_documents)
{
    long long u = unique_universe();
    ck_assert_int_eq(put_step(u, 1, "not json"), 400);
    ck_assert_int_eq(put_step(u, 1, "{\"op\":\"add\"}"), 400);
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"teleport\",\"path\":\"/a\"}]"), 400);
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"add\",\"path\":\"/a\"}]"), 400);
    ck_assert_int_eq(put_step(u, 0, "[]"), 400);
    ck_assert_int_eq(put_step(u, 1, "{\"backwardsCompatible\":true}"), 400);
    struct json_object *o = chain(u);
    ck_assert_int_eq(jint(o, "latestVersion"), 0);
    json_object_put(o);
}
END_TEST

/* Only the last, never-applied step can be deleted; an applied step cannot be replaced. */
START_TEST(replace_and_delete_rules)
{
    long long u = unique_universe();
    ck_assert_int_eq(put_step(u, 1, "[]"), 200);
    ck_assert_int_eq(put_step(u, 2, "[]"), 200);
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"add\",\"path\":\"/x\",\"value\":1}]"), 200);
    ck_assert_int_eq(del_step(u, 1), 409); /* not the last */
    ck_assert_int_eq(del_step(u, 7), 404);
    ck_assert_int_eq(del_step(u, 2), 200);
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE datastore_migrations SET applied = true WHERE universe_id = %lld AND step = 1",
             u);
    harness_sql(db, sql); /* as if stored data had been migrated by step 1 */
    ck_assert_int_eq(put_step(u, 1, "[]"), 409);
    ck_assert_int_eq(del_step(u, 1), 409);
    ck_assert_int_eq(put_step(u, 2, "[]"), 200);
}
END_TEST

Suite *migrations_suite(void)
{
    Suite *s = suite_create("migrations");
    TCase *tc = tcase_create("chain-api");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, contiguous_chain);
    tcase_add_test(tc, invalid_documents);
    tcase_add_test(tc, replace_and_delete_rules);
    suite_add_tcase(s, tc);
    return s;
}
