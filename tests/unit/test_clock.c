/* test_clock.c — RFC 3339 formatting and parsing of service times. */
#include "core/clock.h"
#include "unit.h"

/* Formatting gives Roblox's 7-digit fraction; parsing it back gives the same instant. */
START_TEST(format_parse_roundtrip)
{
    char buf[64];
    int64_t t = INT64_C(1643844606538879); /* 2022-02-02T23:30:06.538879Z */
    rfc3339_format(t, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "2022-02-02T23:30:06.5388790Z");
    rfc3339_format(t, true, buf, sizeof buf);
    ck_assert_str_eq(buf, "2022-02-02T23:30:06.5388790+00:00");
    int64_t back;
    ck_assert(rfc3339_parse(buf, &back));
    ck_assert_int_eq(back, t);
}
END_TEST

/* Offsets, missing fractions and malformed text. */
START_TEST(parse_variants)
{
    int64_t t;
    ck_assert(rfc3339_parse("1970-01-01T00:00:00Z", &t));
    ck_assert_int_eq(t, 0);
    ck_assert(rfc3339_parse("1970-01-01T01:00:00+01:00", &t));
    ck_assert_int_eq(t, 0);
    ck_assert(rfc3339_parse("2000-02-29T12:00:00.5Z", &t));
    ck_assert_int_eq(t, INT64_C(951825600500000));
    ck_assert(!rfc3339_parse("2000-13-01T00:00:00Z", &t));
    ck_assert(!rfc3339_parse("2000-01-01 00:00:00", &t));
    /* Python's datetime.isoformat() of a naive time: no offset, read as UTC (issue 22). */
    ck_assert(rfc3339_parse("1970-01-01T00:00:01", &t));
    ck_assert_int_eq(t, 1000000);
    ck_assert(rfc3339_parse("1970-01-01T00:00:01.25", &t));
    ck_assert_int_eq(t, 1250000);
    ck_assert(!rfc3339_parse("1970-01-01T00:00:0", &t));
    ck_assert(!rfc3339_parse("1970-01-01T00:00:01 ", &t));
    ck_assert(!rfc3339_parse("2000-01-01T00:00:00.Z", &t));
    ck_assert(!rfc3339_parse("yesterday", &t));
}
END_TEST

Suite *clock_suite(void)
{
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("rfc3339");
    tcase_add_test(tc, format_parse_roundtrip);
    tcase_add_test(tc, parse_variants);
    suite_add_tcase(s, tc);
    return s;
}
