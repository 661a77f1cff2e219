/* test_jsonpatch.c — RFC 6902 operations, including the failure modes. */
#include <stdio.h>
#include <string.h>

#include "core/jsonpatch.h"
#include "unit.h"

/* Applies patch text to doc text; returns the compact result (static) or NULL on error. */
static const char *apply(const char *doc_text, const char *patch_text, int *status)
{
    static char out[1024];
    struct json_object *doc = doc_text ? json_tokener_parse(doc_text) : NULL;
    struct json_object *patch = json_tokener_parse(patch_text);
    struct ds_error err = {0};
    ds_status st = jsonpatch_apply(&doc, patch, &err);
    *status = st == DS_OK ? 200 : err.http_status;
    const char *res = NULL;
    if (st == DS_OK) {
        snprintf(out, sizeof out, "%s",
                 doc ? json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE)
                     : "null");
        res = out;
    }
    json_object_put(doc);
    json_object_put(patch);
    return res;
}

/* Each operation, as in RFC 6902's examples. */
START_TEST(operations)
{
    int st;
    ck_assert_str_eq(apply("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2}]", &st),
                     "{\"a\":1,\"b\":2}");
    ck_assert_str_eq(apply("[1,3]", "[{\"op\":\"add\",\"path\":\"/1\",\"value\":2}]", &st),
                     "[1,2,3]");
    ck_assert_str_eq(apply("[1]", "[{\"op\":\"add\",\"path\":\"/-\",\"value\":2}]", &st), "[1,2]");
    ck_assert_str_eq(apply("{\"a\":1,\"b\":2}", "[{\"op\":\"remove\",\"path\":\"/a\"}]", &st),
                     "{\"b\":2}");
    ck_assert_str_eq(apply("[1,2,3]", "[{\"op\":\"remove\",\"path\":\"/1\"}]", &st), "[1,3]");
    ck_assert_str_eq(apply("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":[]}]", &st),
                     "{\"a\":[]}");
    /* replace keeps the member's position and the array element's index */
    ck_assert_str_eq(
        apply("{\"a\":1,\"b\":2}", "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":3}]", &st),
        "{\"a\":3,\"b\":2}");
    ck_assert_str_eq(apply("[1,2,3]", "[{\"op\":\"replace\",\"path\":\"/1\",\"value\":9}]", &st),
                     "[1,9,3]");
    ck_assert_str_eq(apply("{\"a\":{\"x\":1},\"b\":{}}",
                           "[{\"op\":\"move\",\"from\":\"/a/x\",\"path\":\"/b/y\"}]", &st),
                     "{\"a\":{},\"b\":{\"y\":1}}");
    ck_assert_str_eq(
        apply("{\"a\":[1]}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"}]", &st),
        "{\"a\":[1],\"b\":[1]}");
    ck_assert_str_eq(apply("{\"a/b\":1,\"m~n\":2}",
                           "[{\"op\":\"test\",\"path\":\"/a~1b\",\"value\":1.0},"
                           "{\"op\":\"test\",\"path\":\"/m~0n\",\"value\":2}]",
                           &st),
                     "{\"a/b\":1,\"m~n\":2}");
}
END_TEST

/* A missing document is JSON null: "add" at the root creates it. */
START_TEST(root_operations)
{
    int st;
    ck_assert_str_eq(apply(NULL, "[{\"op\":\"add\",\"path\":\"\",\"value\":{\"coins\":1}}]", &st),
                     "{\"coins\":1}");
    ck_assert_str_eq(apply("5", "[{\"op\":\"replace\",\"path\":\"\",\"value\":6}]", &st), "6");
    ck_assert_ptr_null(apply("5", "[{\"op\":\"remove\",\"path\":\"\"}]", &st));
    ck_assert_int_eq(st, 400);
}
END_TEST

/* Failing "test" is 409 and leaves the document as it was; bad patches are 400. */
START_TEST(failures)
{
    int st;
    ck_assert_ptr_null(apply("{\"a\":1}",
                             "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},"
                             "{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]",
                             &st));
    ck_assert_int_eq(st, 409);
    ck_assert_ptr_null(apply("{}", "{\"op\":\"add\"}", &st));
    ck_assert_int_eq(st, 400);
    ck_assert_ptr_null(apply("{}", "[{\"op\":\"frob\",\"path\":\"/a\"}]", &st));
    ck_assert_int_eq(st, 400);
    ck_assert_ptr_null(apply("{}", "[{\"op\":\"remove\",\"path\":\"/nope\"}]", &st));
    ck_assert_ptr_null(apply("[1]", "[{\"op\":\"add\",\"path\":\"/5\",\"value\":1}]", &st));
    ck_assert_ptr_null(apply("[1]", "[{\"op\":\"add\",\"path\":\"/01\",\"value\":1}]", &st));
    ck_assert_ptr_null(apply("{}", "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]", &st));
    ck_assert_ptr_null(
        apply("{\"a\":{}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"}]", &st));
    ck_assert_ptr_null(apply("{}", "[{\"op\":\"replace\",\"path\":\"/x\",\"value\":1}]", &st));
    ck_assert_ptr_null(apply("{}", "[{\"op\":\"add\",\"path\":\"/x\"}]", &st));
}
END_TEST

Suite *jsonpatch_suite(void)
{
    Suite *s = suite_create("jsonpatch");
    TCase *tc = tcase_create("rfc6902");
    tcase_add_test(tc, operations);
    tcase_add_test(tc, root_operations);
    tcase_add_test(tc, failures);
    suite_add_tcase(s, tc);
    return s;
}
