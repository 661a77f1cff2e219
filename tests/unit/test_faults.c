/* test_faults.c — fault rules without I/O: defaults, the stored form round-tripping to the
 * same rule and fingerprint, matching, time windows, and the seeded draws. */
#include <math.h>
#include <string.h>

#include "core/faults.h"
#include "unit.h"

static ds_status parse(const char *text, int64_t now, struct fault_rule *out)
{
    struct json_object *doc = json_tokener_parse(text);
    struct ds_error err;
    ds_status st = fault_rule_parse(doc, now, out, &err);
    json_object_put(doc);
    return st;
}

/* Defaults are filled in; the rendering parses back to the same rule and fingerprint. */
START_TEST(defaults_and_round_trip)
{
    struct fault_rule a, b;
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"error\"}}", 0, &a), DS_OK);
    ck_assert_int_eq(a.effect.status, 500);
    ck_assert_str_eq(a.effect.code, "INTERNAL");
    ck_assert(a.probability == 1.0 && a.count == 0 && a.skip == 0);
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"timeout\"}}", 0, &b), DS_OK);
    ck_assert_int_eq(b.effect.ms, 30000);
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"throttle\"}}", 0, &b), DS_OK);
    ck_assert_int_eq(b.effect.status, 429);
    ck_assert_str_eq(b.effect.code, "RESOURCE_EXHAUSTED");

    ck_assert_int_eq(
        parse("{\"match\":{\"universe\":9,\"operations\":\"get\",\"family\":[\"v2\","
              "\"ordered\"]},\"effect\":{\"type\":\"latency\",\"ms\":10,\"jitterMs\":3},"
              "\"probability\":0.5,\"count\":4,\"skip\":2,\"ttlSeconds\":30}",
              1000000, &a),
        DS_OK);
    ck_assert_int_eq(a.end_us, 31000000);
    struct json_object *j = fault_rule_to_json(&a);
    ck_assert_int_eq(parse(json_object_to_json_string(j), 99999999, &b), DS_OK);
    json_object_put(j);
    ck_assert_int_eq(b.end_us, a.end_us); /* an end time now, not a new ttl */
    ck_assert(b.fingerprint == a.fingerprint);
    ck_assert(b.match.ops == a.match.ops && b.match.families == a.match.families);
    ck_assert(b.probability == 0.5 && b.count == 4 && b.skip == 2 && b.effect.jitter_ms == 3);
}
END_TEST

/* The fingerprint is what the rule does: times and descriptions do not change it. */
START_TEST(fingerprint_ignores_time)
{
    struct fault_rule a, b, c;
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"error\"},\"ttlSeconds\":5}", 1, &a), DS_OK);
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"error\",\"status\":500},"
                           "\"description\":\"x\",\"ttlSeconds\":5}",
                           777777, &b),
                     DS_OK);
    ck_assert(a.fingerprint == b.fingerprint);
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"error\",\"status\":503}}", 1, &c), DS_OK);
    ck_assert(a.fingerprint != c.fingerprint);
}
END_TEST

START_TEST(matching)
{
    struct fault_rule r;
    ck_assert_int_eq(parse("{\"match\":{\"universe\":7,\"datastore\":\"P\",\"keyPrefix\":\"u_\","
                           "\"operations\":[\"get\",\"set\"],\"family\":\"v1\"},"
                           "\"effect\":{\"type\":\"drop\"}}",
                           0, &r),
                     DS_OK);
    struct fault_request q = {FAULT_FAMILY_V1, FAULT_OP_GET, 7, "P", "global", "u_1"};
    ck_assert(fault_rule_matches(&r, &q));
    q.op = FAULT_OP_INCREMENT;
    ck_assert(!fault_rule_matches(&r, &q));
    q.op = FAULT_OP_SET;
    q.family = FAULT_FAMILY_V2;
    ck_assert(!fault_rule_matches(&r, &q));
    q.family = FAULT_FAMILY_V1;
    q.key = "v_1";
    ck_assert(!fault_rule_matches(&r, &q));
    q.key = NULL; /* a listing names no key */
    ck_assert(!fault_rule_matches(&r, &q));
    q.key = "u_";
    q.universe = 8;
    ck_assert(!fault_rule_matches(&r, &q));
    struct fault_rule any;
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"drop\"}}", 0, &any), DS_OK);
    ck_assert(fault_rule_matches(&any, &q));
}
END_TEST

START_TEST(time_window)
{
    struct fault_rule r;
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"drop\"},\"startTime\":\"2030-01-01T00:00:00Z\","
                           "\"endTime\":\"2030-01-01T00:01:00Z\"}",
                           0, &r),
                     DS_OK);
    ck_assert(!fault_rule_in_window(&r, r.start_us - 1));
    ck_assert(fault_rule_in_window(&r, r.start_us));
    ck_assert(fault_rule_in_window(&r, r.end_us - 1));
    ck_assert(!fault_rule_in_window(&r, r.end_us));
    ck_assert_int_eq(r.end_us - r.start_us, 60000000);
}
END_TEST

/* Draws are a pure function of (seed, fingerprint, k); rates and jitter stay in bounds. */
START_TEST(seeded_draws)
{
    struct fault_rule r;
    ck_assert_int_eq(parse("{\"effect\":{\"type\":\"latency\",\"ms\":100,\"jitterMs\":20},"
                           "\"probability\":0.3}",
                           0, &r),
                     DS_OK);
    int fired = 0, differ = 0;
    for (uint64_t k = 0; k < 10000; k++) {
        bool a = fault_roll(&r, 42, k);
        ck_assert(a == fault_roll(&r, 42, k));
        differ += a != fault_roll(&r, 43, k);
        fired += a;
        int64_t d = fault_delay_ms(&r, 42, k);
        ck_assert(d >= 80 && d <= 120);
        ck_assert_int_eq(d, fault_delay_ms(&r, 42, k));
    }
    ck_assert_msg(fired > 2800 && fired < 3200, "fired %d of 10000 at p=0.3", fired);
    ck_assert_msg(differ > 3000, "seeds 42 and 43 agree too often (%d differ)", differ);
    for (uint64_t k = 0; k < 1000; k++) {
        double u = fault_draw(1, 2, k, 0);
        ck_assert(u >= 0.0 && u < 1.0);
    }
}
END_TEST

Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, defaults_and_round_trip);
    tcase_add_test(tc, fingerprint_ignores_time);
    tcase_add_test(tc, matching);
    tcase_add_test(tc, time_window);
    tcase_add_test(tc, seeded_draws);
    suite_add_tcase(s, tc);
    return s;
}
