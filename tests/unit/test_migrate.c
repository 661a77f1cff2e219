/* test_migrate.c — _version chains: add a field with a default, rename, restructure an array;
 * failure leaves the value untouched; non-objects and current values are left alone. */
#include <stdio.h>
#include <string.h>

#include "core/migrate.h"
#include "unit.h"

static struct json_object *parse(const char *s)
{
    return json_tokener_parse(s);
}

/* The three steps of the acceptance scenario, in order. */
static void chain(struct migration_step steps[3])
{
    steps[0] = (struct migration_step){
        1, parse("[{\"op\":\"add\",\"path\":\"/gems\",\"value\":0}]"), false};
    steps[1] = (struct migration_step){
        2, parse("[{\"op\":\"move\",\"from\":\"/coins\",\"path\":\"/gold\"}]"), true};
    steps[2] = (struct migration_step){
        3,
        parse("[{\"op\":\"add\",\"path\":\"/inventory\",\"value\":{}},"
              "{\"op\":\"move\",\"from\":\"/items\",\"path\":\"/inventory/items\"}]"),
        false};
}

static void free_chain(struct migration_step steps[3])
{
    for (int i = 0; i < 3; i++)
        json_object_put(steps[i].patch);
}

static const char *compact(struct json_object *o)
{
    return json_object_to_json_string_ext(o,
                                          JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* A value without _version runs the whole chain and ends at _version 3. */
START_TEST(runs_whole_chain)
{
    struct migration_step steps[3];
    chain(steps);
    struct json_object *v = parse("{\"coins\":5,\"items\":[\"sword\"]}");
    struct ds_error err;
    ck_assert_int_eq(migration_run(&v, steps, 3, &err), DS_OK);
    ck_assert_str_eq(
        compact(v), "{\"gems\":0,\"_version\":3,\"gold\":5,\"inventory\":{\"items\":[\"sword\"]}}");
    ck_assert_int_eq(migration_version_of(v), 3);
    json_object_put(v);
    free_chain(steps);
}
END_TEST

/* A value at _version 2 only runs step 3; a value at 3 is left alone; so is a non-object. */
START_TEST(starts_from_its_version)
{
    struct migration_step steps[3];
    chain(steps);
    struct ds_error err;
    struct json_object *v = parse("{\"_version\":2,\"gold\":1,\"items\":[]}");
    ck_assert_int_eq(migration_run(&v, steps, 3, &err), DS_OK);
    ck_assert_str_eq(compact(v), "{\"_version\":3,\"gold\":1,\"inventory\":{\"items\":[]}}");
    json_object_put(v);
    v = parse("{\"_version\":3,\"x\":1}");
    ck_assert_int_eq(migration_run(&v, steps, 3, &err), DS_OK);
    ck_assert_str_eq(compact(v), "{\"_version\":3,\"x\":1}");
    json_object_put(v);
    v = parse("[1,2]");
    ck_assert_int_eq(migration_version_of(v), -1);
    ck_assert_int_eq(migration_run(&v, steps, 3, &err), DS_OK);
    ck_assert_str_eq(compact(v), "[1,2]");
    json_object_put(v);
    free_chain(steps);
}
END_TEST

/* A step that cannot apply (no "coins" to move) fails, names the step, and changes nothing. */
START_TEST(failure_leaves_value)
{
    struct migration_step steps[3];
    chain(steps);
    struct ds_error err;
    struct json_object *v = parse("{\"_version\":1,\"silver\":1}");
    ck_assert_int_eq(migration_run(&v, steps, 3, &err), DS_ERR);
    ck_assert_int_eq(err.http_status, 409);
    ck_assert_str_eq(err.detail, "MigrationFailed");
    ck_assert_ptr_nonnull(strstr(err.message, "step 2"));
    ck_assert_str_eq(compact(v), "{\"_version\":1,\"silver\":1}");
    json_object_put(v);
    free_chain(steps);
}
END_TEST

/* Step documents are checked before they are stored. */
START_TEST(patch_check)
{
    struct ds_error err;
    const char *bad[] = {"{}",
                         "[1]",
                         "[{\"op\":\"jump\",\"path\":\"/a\"}]",
                         "[{\"op\":\"add\",\"path\":\"/a\"}]",
                         "[{\"op\":\"move\",\"path\":\"/a\"}]",
                         "[{\"op\":\"remove\"}]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct json_object *p = parse(bad[i]);
        ck_assert_msg(migration_patch_check(p, &err) == DS_ERR, "accepted %s", bad[i]);
        json_object_put(p);
    }
    struct json_object *ok = parse(
        "[{\"op\":\"add\",\"path\":\"/a\",\"value\":null},{\"op\":\"remove\",\"path\":\"/b\"}]");
    ck_assert_int_eq(migration_patch_check(ok, &err), DS_OK);
    json_object_put(ok);
}
END_TEST

Suite *migrate_suite(void)
{
    Suite *s = suite_create("migrate");
    TCase *tc = tcase_create("chain");
    tcase_add_test(tc, runs_whole_chain);
    tcase_add_test(tc, starts_from_its_version);
    tcase_add_test(tc, failure_leaves_value);
    tcase_add_test(tc, patch_check);
    suite_add_tcase(s, tc);
    return s;
}
