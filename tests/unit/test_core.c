/* test_core.c — pure rules: UTF-8 and name limits, the JSON text scanner, version ids,
 * signed cursors, metadata parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/digest.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "core/versionid.h"
#include "unit.h"

/* Overlongs, surrogates, truncated sequences and > U+10FFFF are not UTF-8. */
START_TEST(utf8_validation)
{
    ck_assert(utf8_valid("plain", 5));
    ck_assert(utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    ck_assert(!utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    ck_assert(!utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    ck_assert(!utf8_valid("\xe2\x82", 2));         /* truncated */
    ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    ck_assert(!utf8_valid("\xff", 1));
}
END_TEST

/* Names are 1..50 bytes of UTF-8, with Roblox's error codes. */
START_TEST(name_limits)
{
    struct ds_error err;
    char fifty[51], fiftyone[52];
    memset(fifty, 'k', 50);
    fifty[50] = '\0';
    memset(fiftyone, 'k', 51);
    fiftyone[51] = '\0';
    ck_assert_int_eq(check_entry_key(fifty, &err), DS_OK);
    ck_assert_int_eq(check_entry_key(fiftyone, &err), DS_ERR);
    ck_assert_str_eq(err.detail, "InvalidEntryKey");
    ck_assert_int_eq(err.http_status, 400);
    ck_assert_int_eq(check_entry_key("", &err), DS_ERR);
    ck_assert_int_eq(check_datastore_name("bad\xff", &err), DS_ERR);
    ck_assert_str_eq(err.detail, "InvalidDataStoreName");
    ck_assert_int_eq(check_scope("global", &err), DS_OK);
}
END_TEST

static bool valid(const char *s)
{
    return json_text_valid(s, strlen(s), 100, NULL);
}

/* The scanner accepts exactly RFC 8259 texts. */
START_TEST(json_text_grammar)
{
    ck_assert(valid("0"));
    ck_assert(valid(" -12.5e+3 "));
    ck_assert(valid("\"\\u00e9\\ud83d\\ude00\""));
    ck_assert(valid("{\"a\":[1,2,{\"b\":null}],\"c\":true}"));
    ck_assert(valid("123456789012345678901234567890"));
    ck_assert(!valid(""));
    ck_assert(!valid("01"));
    ck_assert(!valid("1."));
    ck_assert(!valid("[1,]"));
    ck_assert(!valid("{\"a\" 1}"));
    ck_assert(!valid("\"tab\there\""));
    ck_assert(!valid("\"\\x\""));
    ck_assert(!valid("nul"));
    ck_assert(!valid("1 2"));
    ck_assert(!valid("\"\xff\""));
    ck_assert(!valid("{'a':1}"));
}
END_TEST

/* Nesting beyond the limit is refused without recursing further. */
START_TEST(json_text_depth_limit)
{
    char deep[2100];
    memset(deep, '[', 1000);
    memset(deep + 1000, ']', 1000);
    deep[2000] = '\0';
    ck_assert(json_text_valid(deep, 2000, 1000, NULL));
    const char *why = NULL;
    ck_assert(!json_text_valid(deep, 2000, 999, &why));
    ck_assert_str_eq(why, "nesting is too deep");
}
END_TEST

/* The raw span of a member is found byte-exact, whatever its formatting. */
START_TEST(json_text_member_span)
{
    const char *t = "{ \"users\": [\"users/1\"], \"value\" : 1.50e3 , \"x\":{} }";
    size_t off, len;
    ck_assert(json_text_member(t, strlen(t), "value", &off, &len));
    ck_assert_int_eq(len, 6);
    ck_assert(!strncmp(t + off, "1.50e3", len));
    ck_assert(!json_text_member(t, strlen(t), "missing", &off, &len));
    ck_assert(!json_text_member("[1]", 3, "value", &off, &len));
}
END_TEST

/* Version ids have Roblox's shape and carry the version number. */
START_TEST(version_ids)
{
    char id[VERSIONID_LEN + 1];
    versionid_format(INT64_C(1643844606538879), 3, INT64_C(1643844700000000), id);
    ck_assert_int_eq(strlen(id), VERSIONID_LEN);
    ck_assert_str_eq(id, "08D9E6A3F2188CF6.0000000003.08D9E6A429CD9600.01");
    int64_t seq;
    ck_assert(versionid_parse(id, &seq));
    ck_assert_int_eq(seq, 3);
    ck_assert(!versionid_parse("08D9E6A3F2188CF6.000000000X.08D9E6A429CD9600.01", &seq));
    ck_assert(!versionid_parse("short", &seq));
    char later[VERSIONID_LEN + 1];
    versionid_format(INT64_C(1643844606538879), 4, INT64_C(1643844700000001), later);
    ck_assert_int_lt(strcmp(id, later), 0);
}
END_TEST

/* A cursor round-trips; tampering, other parameters or another key are refused. */
START_TEST(cursor_signing)
{
    unsigned char key[32] = {1, 2, 3}, other[32] = {9};
    struct cursor_pos pos = {"global", "player/1", 42}, back;
    struct ds_error err;
    char *tok = cursor_encode(key, "entries", 77, &pos);
    ck_assert_ptr_nonnull(tok);
    ck_assert_int_eq(cursor_decode(key, "entries", 77, tok, &back, &err), DS_OK);
    ck_assert_str_eq(back.a, "global");
    ck_assert_str_eq(back.b, "player/1");
    ck_assert_int_eq(back.n, 42);
    cursor_pos_free(&back);
    ck_assert_int_eq(cursor_decode(key, "entries", 78, tok, &back, &err), DS_ERR);
    ck_assert_str_eq(err.detail, "InvalidCursor");
    ck_assert_int_eq(cursor_decode(key, "versions", 77, tok, &back, &err), DS_ERR);
    ck_assert_int_eq(cursor_decode(other, "entries", 77, tok, &back, &err), DS_ERR);
    tok[3] = tok[3] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(cursor_decode(key, "entries", 77, tok, &back, &err), DS_ERR);
    ck_assert_int_eq(cursor_decode(key, "entries", 77, "garbage", &back, &err), DS_ERR);
    ck_assert_int_eq(cursor_decode(key, "entries", 77, "", &back, &err), DS_ERR);
    free(tok);
}
END_TEST

/* Metadata: attributes are an object under 300 bytes; user ids at most 4 integers. */
START_TEST(metadata_parsing)
{
    struct ds_error err;
    char *out = NULL;
    ck_assert_int_eq(parse_attributes("{ \"a\" : 1 }", &out, &err), DS_OK);
    ck_assert_str_eq(out, "{\"a\":1}");
    free(out);
    ck_assert_int_eq(parse_attributes(NULL, &out, &err), DS_OK);
    ck_assert_str_eq(out, "{}");
    free(out);
    ck_assert_int_eq(parse_attributes("[1]", &out, &err), DS_ERR);
    ck_assert_str_eq(err.detail, "InvalidAttributes");
    char big[400];
    snprintf(big, sizeof big, "{\"k\":\"%0295d\"}", 0);
    ck_assert_int_eq(parse_attributes(big, &out, &err), DS_ERR);
    ck_assert_int_eq(parse_user_ids("[269323, 5, 7]", &out, &err), DS_OK);
    ck_assert_str_eq(out, "[269323,5,7]");
    free(out);
    /* Positive JSON integers only, as the v2 API's "users/{id}" (issue 18). */
    ck_assert_int_eq(parse_user_ids("[\"5\"]", &out, &err), DS_ERR);
    ck_assert_int_eq(parse_user_ids("[7.0]", &out, &err), DS_ERR);
    ck_assert_int_eq(parse_user_ids("[0]", &out, &err), DS_ERR);
    ck_assert_int_eq(parse_user_ids("[-1]", &out, &err), DS_ERR);
    ck_assert_int_eq(parse_user_ids("[1,2,3,4,5]", &out, &err), DS_ERR);
    ck_assert_str_eq(err.detail, "InvalidUserIds");
    ck_assert_int_eq(parse_user_ids("[1.5]", &out, &err), DS_ERR);
    ck_assert_int_eq(parse_user_ids("{}", &out, &err), DS_ERR);
}
END_TEST

/* The strict decimal grammar of paths, queries and headers (issue 18: "+42", "0042",
 * " 1", "0x10" and "" were read as numbers). */
START_TEST(decimal_parsing)
{
    int64_t v;
    ck_assert(parse_decimal("42", &v) && v == 42);
    ck_assert(parse_decimal("0", &v) && v == 0);
    ck_assert(parse_decimal("-7", &v) && v == -7);
    ck_assert(parse_decimal("9223372036854775807", &v) && v == INT64_MAX);
    ck_assert(parse_decimal("-9223372036854775808", &v) && v == INT64_MIN);
    const char *bad[] = {"",
                         "+42",
                         "0042",
                         "-0",
                         " 1",
                         "1 ",
                         "0x10",
                         "0x1p3",
                         "1e3",
                         "1.0",
                         "9223372036854775808",
                         "-9223372036854775809",
                         "-",
                         "4a",
                         NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(!parse_decimal(bad[i], &v), "'%s' accepted", bad[i]);
    ck_assert(!parse_decimal(NULL, &v));
    ck_assert(parse_decimal_integral("41.0", &v) && v == 41);
    ck_assert(parse_decimal_integral("-2.000", &v) && v == -2);
    ck_assert(!parse_decimal_integral("41.5", &v) && !parse_decimal_integral("41.", &v) &&
              !parse_decimal_integral("0x1.0", &v) && !parse_decimal_integral("1e3", &v));
}
END_TEST

/* Integral numbers only: "5", "5.0", " -3 "; not "5.5", "abc", or beyond int64. */
START_TEST(integral_parsing)
{
    int64_t v;
    ck_assert(parse_integral("5", 1, &v) && v == 5);
    ck_assert(parse_integral("5.0", 3, &v) && v == 5);
    ck_assert(parse_integral(" -3 ", 4, &v) && v == -3);
    ck_assert(parse_integral("1e3", 3, &v) && v == 1000);
    ck_assert(!parse_integral("5.5", 3, &v));
    ck_assert(!parse_integral("abc", 3, &v));
    ck_assert(!parse_integral("99999999999999999999", 20, &v));
    ck_assert(!parse_integral("", 0, &v));
}
END_TEST

/* MD5 in base64 as content-md5 carries it. */
START_TEST(md5_header_format)
{
    char out[25];
    md5_base64("hello", 5, out);
    ck_assert_str_eq(out, "XUFAKrxLKna5cZ2REBfFkg==");
}
END_TEST

Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, utf8_validation);
    tcase_add_test(tc, name_limits);
    tcase_add_test(tc, json_text_grammar);
    tcase_add_test(tc, json_text_depth_limit);
    tcase_add_test(tc, json_text_member_span);
    tcase_add_test(tc, version_ids);
    tcase_add_test(tc, cursor_signing);
    tcase_add_test(tc, metadata_parsing);
    tcase_add_test(tc, integral_parsing);
    tcase_add_test(tc, decimal_parsing);
    tcase_add_test(tc, md5_header_format);
    suite_add_tcase(s, tc);
    return s;
}
