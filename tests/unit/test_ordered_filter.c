/* test_ordered_filter.c — the ordered-list filter grammar, accepted and refused forms. */
#include "core/ordered_filter.h"
#include "unit.h"

/* The documented forms parse to inclusive bounds. */
START_TEST(accepted_forms)
{
    struct ordered_bounds b;
    struct ds_error err;
    ck_assert_int_eq(ordered_filter_parse(NULL, &b, &err), DS_OK);
    ck_assert(b.min == INT64_MIN && b.max == INT64_MAX);
    ck_assert_int_eq(ordered_filter_parse("entry <= 10", &b, &err), DS_OK);
    ck_assert(b.min == INT64_MIN && b.max == 10);
    ck_assert_int_eq(ordered_filter_parse("entry <= 50 && entry >= 10", &b, &err), DS_OK);
    ck_assert(b.min == 10 && b.max == 50);
    ck_assert_int_eq(ordered_filter_parse("entry >= -5 && entry <= -1", &b, &err), DS_OK);
    ck_assert(b.min == -5 && b.max == -1);
}
END_TEST

/* Missing spaces, reversed operands, repeated bounds, other words and crossed bounds. */
START_TEST(refused_forms)
{
    const char *bad[] = {"entry<=10",
                         "10 <= entry",
                         "entry <= 10 && entry <= 50",
                         "entry >= 1 && entry >= 2",
                         "entry  <= 10",
                         "entry <= 10 &&entry >= 1",
                         "Entry <= 10",
                         "entry < 10",
                         "entry <= ten",
                         "entry <= 1.5",
                         "entry <= 99999999999999999999",
                         "entry >= 10 && entry <= 5",
                         "entry >= 1 && entry <= 5 && entry <= 6",
                         "entry <= ",
                         "value <= 10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ordered_bounds b;
        struct ds_error err;
        ck_assert_msg(ordered_filter_parse(bad[i], &b, &err) == DS_ERR, "accepted: %s", bad[i]);
        ck_assert_int_eq(err.http_status, 400);
    }
}
END_TEST

Suite *ordered_filter_suite(void)
{
    Suite *s = suite_create("ordered_filter");
    TCase *tc = tcase_create("grammar");
    tcase_add_test(tc, accepted_forms);
    tcase_add_test(tc, refused_forms);
    suite_add_tcase(s, tc);
    return s;
}
