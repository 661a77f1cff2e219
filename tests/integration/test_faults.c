/* test_faults.c — fault injection against the real binary: every effect as a client sees it
 * on the wire (error bodies per family, throttle headers, held, timed-out and dropped
 * connections, after_commit writes that committed), every firing mode (count, skip,
 * probability, time window on the virtual clock), the seed reproducing a sequence across
 * reseeding and restarts, the event log, the outage shortcut, and a rule made on one
 * instance taking effect on another. Tests run one after another and each starts by
 * clearing the rules; each matches on its own universe. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct ds_proc srv_a; /* virtual clock, 2 worker threads */
static struct ds_proc srv_b; /* same database */
static char srv_db[1024];

static void setup(void)
{
    snprintf(srv_db, sizeof srv_db, "%s", harness_fresh_database("ds_faults"));
    const char *a[] = {"--database-url",   srv_db, "--clock",   "virtual",
                       "--write-cooldown", "0",    "--threads", "2",
                       "--seed",           "1234", NULL};
    const char *b[] = {"--database-url",   srv_db, "--clock", "virtual",
                       "--write-cooldown", "0",    NULL};
    if (!proc_start(&srv_a, a) || !proc_start(&srv_b, b)) {
        fprintf(stderr, "servers did not start\n");
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&srv_a, SIGTERM) != 0 || proc_stop(&srv_b, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly\n");
        exit(2);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* POST /admin/v1/faults; returns the new rule's id. */
static long long add_rule(const struct ds_proc *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static long long add_rule(const struct ds_proc *p, const char *fmt, ...)
{
    char body[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    struct http_resp r = http_do("POST", url_of(p, "/admin/v1/faults"), body, strlen(body), NULL);
    ck_assert_msg(r.status == 200, "add rule %s: %ld %s", body, r.status, r.body);
    struct json_object *o = http_json(&r);
    long long id = jint(o, "id");
    json_object_put(o);
    http_free(&r);
    return id;
}

static void clear_rules(const struct ds_proc *p)
{
    struct http_resp r = http_do("DELETE", url_of(p, "/admin/v1/faults"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}

static void reseed(const struct ds_proc *p, long long seed)
{
    char body[64];
    snprintf(body, sizeof body, "{\"seed\": %lld}", seed);
    struct http_resp r =
        http_do("POST", url_of(p, "/admin/v1/faults:seed"), body, strlen(body), NULL);
    ck_assert_msg(r.status == 200, "seed: %ld %s", r.status, r.body);
    http_free(&r);
}

static char *v1_url(const struct ds_proc *p, long long u, const char *store, const char *key)
{
    return url_of(p,
                  "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                  "?datastoreName=%s&entryKey=%s",
                  u, store, key);
}

static long v1_get(const struct ds_proc *p, long long u, const char *key)
{
    struct http_resp r = http_do("GET", v1_url(p, u, "F", key), NULL, 0, NULL);
    long st = r.status;
    http_free(&r);
    return st;
}

static long v1_set(const struct ds_proc *p, long long u, const char *key, const char *value)
{
    struct http_resp r = http_do("POST", v1_url(p, u, "F", key), value, strlen(value), NULL);
    long st = r.status;
    http_free(&r);
    return st;
}

static struct json_object *get_json(const char *url, long want)
{
    struct http_resp r = http_do("GET", url, NULL, 0, NULL);
    ck_assert_msg(r.status == want, "GET %s: %ld %s", url, r.status, r.body);
    struct json_object *o = http_json(&r);
    http_free(&r);
    return o;
}

/* An error fault answers in each family's own error format, with Retry-After on 503. */
START_TEST(error_in_each_family)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    ck_assert_int_eq(v1_set(&srv_a, u, "k", "1"), 200);
    long long id =
        add_rule(&srv_a,
                 "{\"match\":{\"universe\":%lld,\"operations\":[\"get\",\"sorted\"]},"
                 "\"effect\":{\"type\":\"error\",\"status\":503,\"robloxCode\":\"Unknown\","
                 "\"message\":\"try later\"}}",
                 u);
    struct http_resp r = http_do("GET", v1_url(&srv_a, u, "F", "k"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 503);
    char buf[64];
    ck_assert_str_eq(http_header(&r, "Retry-After", buf, sizeof buf), "1");
    snprintf(buf, sizeof buf, "%lld", id);
    char hv[64];
    ck_assert_str_eq(http_header(&r, "x-datastored-fault", hv, sizeof hv), buf);
    struct json_object *o = http_json(&r), *details, *d0;
    ck_assert_str_eq(jstr(o, "error"), "UNAVAILABLE");
    ck_assert_str_eq(jstr(o, "message"), "try later");
    ck_assert(json_object_object_get_ex(o, "errorDetails", &details));
    d0 = json_object_array_get_idx(details, 0);
    ck_assert_str_eq(jstr(d0, "datastoreErrorCode"), "Unknown");
    json_object_put(o);
    http_free(&r);

    r = http_do("GET", url_of(&srv_a, "/cloud/v2/universes/%lld/data-stores/F/entries/k", u), NULL,
                0, NULL);
    ck_assert_int_eq(r.status, 503);
    o = http_json(&r);
    ck_assert_str_eq(jstr(o, "code"), "UNAVAILABLE");
    ck_assert_str_eq(jstr(o, "message"), "try later");
    json_object_put(o);
    http_free(&r);

    r = http_do(
        "GET",
        url_of(&srv_a, "/cloud/v2/universes/%lld/ordered-data-stores/O/scopes/global/entries", u),
        NULL, 0, NULL);
    ck_assert_int_eq(r.status, 503);
    o = http_json(&r);
    ck_assert_str_eq(jstr(o, "code"), "UNAVAILABLE");
    json_object_put(o);
    http_free(&r);

    /* Operations not selected pass; other universes pass. */
    ck_assert_int_eq(v1_set(&srv_a, u, "k", "2"), 200);
    ck_assert_int_eq(v1_get(&srv_a, u + 1000000, "k"), 404);
}
END_TEST

/* Each match field narrows the rule; the first rule that matches and fires decides (a rule
 * that matches but does not fire lets the next one try). */
START_TEST(match_fields_and_first_match_wins)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\",\"status\":418},"
             "\"probability\":0}",
             u);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"keyPrefix\":\"bad_\"},"
             "\"effect\":{\"type\":\"error\",\"status\":500}}",
             u);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"datastore\":\"Other\"},"
             "\"effect\":{\"type\":\"error\",\"status\":502}}",
             u);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"scope\":\"s2\",\"family\":\"v1\"},"
             "\"effect\":{\"type\":\"error\",\"status\":504}}",
             u);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"family\":[\"ordered\"]},"
             "\"effect\":{\"type\":\"error\",\"status\":507}}",
             u);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\",\"status\":501}}", u);

    ck_assert_int_eq(v1_get(&srv_a, u, "bad_1"), 500); /* also matches the last rule */
    struct http_resp r = http_do("GET", v1_url(&srv_a, u, "Other", "good"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 502);
    http_free(&r);
    r = http_do("GET",
                url_of(&srv_a,
                       "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                       "?datastoreName=F&scope=s2&entryKey=good",
                       u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 504);
    http_free(&r);
    /* The same scope through v2 is not family v1: it falls to the catch-all. */
    r = http_do("GET",
                url_of(&srv_a, "/cloud/v2/universes/%lld/data-stores/F/scopes/s2/entries/good", u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 501);
    http_free(&r);
    r = http_do("GET",
                url_of(&srv_a,
                       "/ordered-data-stores/v1/universes/%lld/orderedDataStores/O/scopes/"
                       "global/entries/e",
                       u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 507);
    http_free(&r);
    ck_assert_int_eq(v1_get(&srv_a, u, "good"), 501);
    clear_rules(&srv_a);
    ck_assert_int_eq(v1_get(&srv_a, u, "bad_1"), 404);
}
END_TEST

/* count fires exactly N times, then the rule retires; skip lets M matches pass first. */
START_TEST(count_and_skip)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    long long id = add_rule(&srv_a,
                            "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":"
                            "\"error\",\"status\":503},\"count\":3}",
                            u);
    int failed = 0;
    for (int i = 0; i < 10; i++) {
        long st = v1_get(&srv_a, u, "k");
        if (i < 3)
            ck_assert_int_eq(st, 503);
        else
            ck_assert_int_ne(st, 503);
        failed += st == 503;
    }
    ck_assert_int_eq(failed, 3);
    struct json_object *o = get_json(url_of(&srv_a, "/admin/v1/faults/%lld", id), 200);
    ck_assert_int_eq(jint(o, "fired"), 3);
    ck_assert(!json_object_get_boolean(json_object_object_get(o, "active")));
    json_object_put(o);

    clear_rules(&srv_a);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\"},"
             "\"skip\":2,\"count\":2}",
             u);
    long want[] = {0, 0, 500, 500, 0, 0};
    for (int i = 0; i < 6; i++) {
        long st = v1_get(&srv_a, u, "k");
        if (want[i])
            ck_assert_int_eq(st, want[i]);
        else
            ck_assert_int_ne(st, 500);
    }
}
END_TEST

/* The outcome of n GETs under a probability rule, as a string of 'x' (fault) and '.'. */
static void pattern(const struct ds_proc *p, long long u, int n, char *out)
{
    for (int i = 0; i < n; i++)
        out[i] = v1_get(p, u, "k") == 500 ? 'x' : '.';
    out[n] = '\0';
}

/* The same seed and the same requests give the same faults; another seed, others. */
START_TEST(seed_reproduces_the_sequence)
{
    long long u = unique_universe();
    const char *rule = "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\"},"
                       "\"probability\":0.4}";
    char first[61], second[61], third[61];
    clear_rules(&srv_a);
    reseed(&srv_a, 77);
    add_rule(&srv_a, rule, u);
    pattern(&srv_a, u, 60, first);
    ck_assert_msg(strchr(first, 'x') && strchr(first, '.'), "no mix: %s", first);

    clear_rules(&srv_a);
    reseed(&srv_a, 77);
    add_rule(&srv_a, rule, u);
    pattern(&srv_a, u, 60, second);
    ck_assert_str_eq(first, second);

    clear_rules(&srv_a);
    reseed(&srv_a, 78);
    add_rule(&srv_a, rule, u);
    pattern(&srv_a, u, 60, third);
    ck_assert_str_ne(first, third);

    struct json_object *o = get_json(url_of(&srv_a, "/admin/v1/faults"), 200);
    ck_assert_int_eq(jint(o, "seed"), 78);
    json_object_put(o);
    clear_rules(&srv_a);
}
END_TEST

/* --seed is printed at start, and a restart with the same seed replays the sequence. */
START_TEST(seed_flag_across_restarts)
{
    static char db[1024];
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_faults_seed"));
    const char *args[] = {"--database-url", db, "--seed", "4242", NULL};
    long long u = unique_universe();
    char runs[2][41];
    for (int run = 0; run < 2; run++) {
        struct ds_proc p;
        ck_assert(proc_start(&p, args));
        ck_assert(proc_log_contains(&p, "fault injector seed: 4242"));
        clear_rules(&p);
        add_rule(&p,
                 "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\"},"
                 "\"probability\":0.5}",
                 u);
        pattern(&p, u, 40, runs[run]);
        ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);
    }
    ck_assert_str_eq(runs[0], runs[1]);
}
END_TEST

struct bg_get {
    const struct ds_proc *p;
    long long u;
    long status;
};

static void *bg_get_main(void *arg)
{
    struct bg_get *g = arg;
    g->status = v1_get(g->p, g->u, "slow");
    return NULL;
}

/* latency holds then proceeds; held requests wait in the parking lot, not on a worker
 * thread: srv_a has 2 threads and still answers while 6 requests are held. */
START_TEST(latency_holds_without_threads)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    ck_assert_int_eq(v1_set(&srv_a, u, "slow", "1"), 200);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"operations\":[\"get\"]},"
             "\"effect\":{\"type\":\"latency\",\"ms\":300,\"jitterMs\":20}}",
             u);
    double t0 = now_s();
    struct http_resp r = http_do("GET", v1_url(&srv_a, u, "F", "slow"), NULL, 0, NULL);
    double took = now_s() - t0;
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "1");
    ck_assert_msg(took >= 0.28, "held only %.3f s", took);
    http_free(&r);

    clear_rules(&srv_a);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"operations\":[\"get\"]},"
             "\"effect\":{\"type\":\"latency\",\"ms\":4000}}",
             u);
    struct bg_get g[6];
    pthread_t t[6];
    for (int i = 0; i < 6; i++) {
        g[i] = (struct bg_get){&srv_a, u, 0};
        pthread_create(&t[i], NULL, bg_get_main, &g[i]);
    }
    int parked = 0;
    for (int i = 0; i < 150 && (parked = proc_parked_requests(&srv_a)) < 6; i++)
        sleep_ms(20);
    ck_assert_int_eq(parked, 6);
    r = http_do("GET", url_of(&srv_a, "/healthz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    ck_assert_int_eq(v1_set(&srv_a, u, "other", "2"), 200); /* writes are not held */
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(g[i].status, 200);
    }
    clear_rules(&srv_a);
}
END_TEST

/* timeout holds, then closes without an answer; drop closes at once; the server lives on. */
START_TEST(timeout_and_drop_close_the_connection)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"keyPrefix\":\"t\"},"
             "\"effect\":{\"type\":\"timeout\",\"ms\":400}}",
             u);
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"keyPrefix\":\"d\"},"
             "\"effect\":{\"type\":\"drop\"}}",
             u);
    double t0 = now_s();
    ck_assert_int_eq(v1_get(&srv_a, u, "t1"), -1);
    ck_assert_msg(now_s() - t0 >= 0.38, "closed after %.3f s", now_s() - t0);
    ck_assert_int_eq(v1_set(&srv_a, u, "d1", "5"), -1);
    ck_assert_int_eq(v1_get(&srv_a, u, "x"), 404);
    struct http_resp r = http_do("GET", url_of(&srv_a, "/healthz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    /* The dropped write never ran. */
    clear_rules(&srv_a);
    ck_assert_int_ne(v1_get(&srv_a, u, "d1"), 200);
}
END_TEST

/* throttle answers 429 as an exhausted budget would. */
START_TEST(throttle_like_a_budget)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld},"
             "\"effect\":{\"type\":\"throttle\",\"retryAfterSeconds\":7}}",
             u);
    struct http_resp r = http_do("POST", v1_url(&srv_a, u, "F", "k"), "1", 1, NULL);
    ck_assert_int_eq(r.status, 429);
    char buf[64];
    ck_assert_str_eq(http_header(&r, "Retry-After", buf, sizeof buf), "7");
    struct json_object *o = http_json(&r), *details;
    ck_assert_str_eq(jstr(o, "error"), "RESOURCE_EXHAUSTED");
    ck_assert(json_object_object_get_ex(o, "errorDetails", &details));
    ck_assert_str_eq(jstr(json_object_array_get_idx(details, 0), "datastoreErrorCode"),
                     "StandardWriteExperienceThrottled");
    json_object_put(o);
    http_free(&r);
    clear_rules(&srv_a);
}
END_TEST

/* after_commit: the client sees the error, but the write committed. */
START_TEST(after_commit_really_commits)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld,\"operations\":[\"set\",\"increment\"]},"
             "\"effect\":{\"type\":\"after_commit\",\"status\":500}}",
             u);
    struct http_resp r = http_do("POST", v1_url(&srv_a, u, "F", "k"), "{\"coins\":5}", 11, NULL);
    ck_assert_int_eq(r.status, 500);
    char buf[64];
    ck_assert_ptr_null(http_header(&r, "etag", buf, sizeof buf));
    http_free(&r);
    r = http_do("GET", v1_url(&srv_a, u, "F", "k"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"coins\":5}");
    http_free(&r);

    const char *inc =
        url_of(&srv_a, "/cloud/v2/universes/%lld/data-stores/F/entries/n:increment", u);
    for (int i = 0; i < 3; i++) {
        r = http_do("POST", inc, "{\"amount\":2}", 12, NULL);
        ck_assert_int_eq(r.status, 500);
        http_free(&r);
    }
    struct json_object *o =
        get_json(url_of(&srv_a, "/cloud/v2/universes/%lld/data-stores/F/entries/n", u), 200);
    ck_assert_int_eq(jint(o, "value"), 6);
    json_object_put(o);
    /* A failed write is answered with its own error, not the fault. */
    r = http_do("POST", v1_url(&srv_a, u, "F", "k"), "not json", 8, NULL);
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
    clear_rules(&srv_a);
}
END_TEST

/* ttlSeconds and startTime follow the (virtual) service clock. */
START_TEST(time_window_on_the_service_clock)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\"},"
             "\"ttlSeconds\":60}",
             u);
    ck_assert_int_eq(v1_get(&srv_a, u, "k"), 500);
    clock_advance(&srv_a, 61);
    ck_assert_int_ne(v1_get(&srv_a, u, "k"), 500);

    clear_rules(&srv_a);
    struct json_object *c = get_json(url_of(&srv_a, "/admin/v1/clock"), 200);
    long long id = add_rule(&srv_a,
                            "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\"},"
                            "\"startTime\":\"%s\"}",
                            u, jstr(c, "time"));
    json_object_put(c);
    clock_advance(&srv_a, 0.5);
    ck_assert_int_eq(v1_get(&srv_a, u, "k"), 500);
    struct json_object *o = get_json(url_of(&srv_a, "/admin/v1/faults/%lld", id), 200);
    ck_assert_ptr_nonnull(jstr(o, "startTime"));
    json_object_put(o);
    clear_rules(&srv_a);
}
END_TEST

/* The event log lists what fired, filters by rule, is bounded, and can be cleared. */
START_TEST(event_log)
{
    clear_rules(&srv_a);
    struct http_resp r = http_do("DELETE", url_of(&srv_a, "/admin/v1/fault-events"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    long long u = unique_universe();
    long long id = add_rule(&srv_a,
                            "{\"match\":{\"universe\":%lld,\"keyPrefix\":\"e\"},"
                            "\"effect\":{\"type\":\"error\",\"status\":503}}",
                            u);
    ck_assert_int_eq(v1_get(&srv_a, u, "e1"), 503);
    ck_assert_int_ne(v1_get(&srv_a, u, "x1"), 503);
    struct json_object *o = get_json(url_of(&srv_a, "/admin/v1/fault-events?ruleId=%lld", id), 200);
    struct json_object *events = json_object_object_get(o, "events");
    ck_assert_int_eq(json_object_array_length(events), 1);
    struct json_object *e = json_object_array_get_idx(events, 0);
    ck_assert_int_eq(jint(e, "ruleId"), id);
    ck_assert_str_eq(jstr(e, "effect"), "error");
    ck_assert_int_eq(jint(e, "status"), 503);
    ck_assert_str_eq(jstr(e, "operation"), "get");
    ck_assert_str_eq(jstr(e, "family"), "v1");
    ck_assert_str_eq(jstr(e, "key"), "e1");
    ck_assert_str_eq(jstr(e, "datastore"), "F");
    ck_assert_int_eq(jint(e, "universe"), u);
    ck_assert_ptr_nonnull(jstr(e, "time"));
    json_object_put(o);

    for (int i = 0; i < 1004; i++)
        ck_assert_int_eq(v1_get(&srv_a, u, "e2"), 503);
    o = get_json(url_of(&srv_a, "/admin/v1/fault-events"), 200);
    ck_assert_int_eq(json_object_array_length(json_object_object_get(o, "events")), 1000);
    ck_assert_int_eq(jint(o, "total"), 1005);
    ck_assert_int_eq(jint(o, "dropped"), 5);
    json_object_put(o);

    r = http_do("DELETE", url_of(&srv_a, "/admin/v1/fault-events"), NULL, 0, NULL);
    http_free(&r);
    o = get_json(url_of(&srv_a, "/admin/v1/fault-events"), 200);
    ck_assert_int_eq(json_object_array_length(json_object_object_get(o, "events")), 0);
    json_object_put(o);
    clear_rules(&srv_a);
}
END_TEST

/* A rule without match fields fails the whole data API; admin and health stay up. */
START_TEST(outage_fails_everything)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    add_rule(&srv_a, "{\"effect\":{\"type\":\"error\",\"status\":503}}");
    const char *paths[] = {
        ("/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
         "?datastoreName=F&entryKey=k"),
        "/datastores/v1/universes/%lld/standard-datastores",
        "/cloud/v2/universes/%lld/data-stores/F/entries",
        "/cloud/v2/universes/%lld/ordered-data-stores/O/scopes/global/entries",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *url = url_of(&srv_a, paths[i], u);
        struct http_resp r = http_do("GET", url, NULL, 0, NULL);
        ck_assert_msg(r.status == 503, "%s: %ld", url, r.status);
        http_free(&r);
    }
    ck_assert_int_eq(v1_set(&srv_a, u, "k", "1"), 503);
    struct http_resp r = http_do("GET", url_of(&srv_a, "/readyz"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    clear_rules(&srv_a);
    ck_assert_int_eq(v1_set(&srv_a, u, "k", "1"), 200);
}
END_TEST

/* A rule made on instance A is in force on B within a second, and so is its removal. */
START_TEST(rules_reach_other_instances)
{
    clear_rules(&srv_a);
    long long u = unique_universe();
    ck_assert_int_eq(v1_set(&srv_b, u, "k", "1"), 200);
    double t0 = now_s();
    add_rule(&srv_a,
             "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\",\"status\":502}}", u);
    long st = 0;
    while ((st = v1_get(&srv_b, u, "k")) != 502 && now_s() - t0 < 1.0)
        sleep_ms(10);
    ck_assert_msg(st == 502, "instance B did not apply the rule within 1 s (%ld)", st);
    t0 = now_s();
    clear_rules(&srv_a);
    while ((st = v1_get(&srv_b, u, "k")) == 502 && now_s() - t0 < 1.0)
        sleep_ms(10);
    ck_assert_int_eq(st, 200);

    /* count is shared: 4 firings in total over both instances. */
    add_rule(&srv_b,
             "{\"match\":{\"universe\":%lld},\"effect\":{\"type\":\"error\",\"status\":503},"
             "\"count\":4}",
             u);
    sleep_ms(200); /* let A hear about it */
    int fired = 0;
    for (int i = 0; i < 6; i++) {
        fired += v1_get(&srv_a, u, "k") == 503;
        fired += v1_get(&srv_b, u, "k") == 503;
    }
    ck_assert_int_eq(fired, 4);
    clear_rules(&srv_a);
}
END_TEST

/* Bad rules are refused with a message naming the field; unknown ids are 404. */
START_TEST(bad_rules_rejected)
{
    const char *bad[] = {
        "",
        "[]",
        "{}",
        "{\"effect\":{}}",
        "{\"effect\":{\"type\":\"explode\"}}",
        "{\"effect\":{\"type\":\"error\",\"status\":200}}",
        "{\"effect\":{\"type\":\"error\",\"status\":\"500\"}}",
        "{\"effect\":{\"type\":\"error\",\"ms\":5}}",
        "{\"effect\":{\"type\":\"latency\"}}",
        "{\"effect\":{\"type\":\"latency\",\"ms\":-1}}",
        "{\"effect\":{\"type\":\"latency\",\"ms\":99999999}}",
        "{\"effect\":{\"type\":\"drop\",\"status\":500}}",
        "{\"effect\":{\"type\":\"throttle\",\"status\":503}}",
        "{\"effect\":{\"type\":\"error\",\"code\":\"bad code\"}}",
        "{\"effect\":{\"type\":\"error\"},\"probability\":1.5}",
        "{\"effect\":{\"type\":\"error\"},\"count\":0}",
        "{\"effect\":{\"type\":\"error\"},\"skip\":-1}",
        "{\"effect\":{\"type\":\"error\"},\"ttlSeconds\":10,\"endTime\":\"2030-01-01T00:00:00Z\"}",
        "{\"effect\":{\"type\":\"error\"},\"startTime\":\"yesterday\"}",
        "{\"effect\":{\"type\":\"error\"},\"match\":{\"keyprefix\":\"x\"}}",
        "{\"effect\":{\"type\":\"error\"},\"match\":{\"operations\":[\"fly\"]}}",
        "{\"effect\":{\"type\":\"error\"},\"match\":{\"universe\":0}}",
        "{\"effect\":{\"type\":\"error\"},\"match\":{\"family\":\"v3\"}}",
        "{\"effect\":{\"type\":\"error\"},\"colour\":\"red\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct http_resp r =
            http_do("POST", url_of(&srv_a, "/admin/v1/faults"), bad[i], strlen(bad[i]), NULL);
        ck_assert_msg(r.status == 400, "%s: %ld %s", bad[i], r.status, r.body);
        struct json_object *o = http_json(&r);
        ck_assert_ptr_nonnull(jstr(o, "message"));
        json_object_put(o);
        http_free(&r);
    }
    struct http_resp r = http_do("GET", url_of(&srv_a, "/admin/v1/faults/99999999"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
    r = http_do("DELETE", url_of(&srv_a, "/admin/v1/faults/99999999"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
    r = http_do("GET", url_of(&srv_a, "/admin/v1/faults/abc"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
    const char *seeds[] = {"{}", "{\"seed\":-1}", "{\"seed\":\"7\"}", "{\"seed\":1.5}"};
    for (size_t i = 0; i < 4; i++) {
        r = http_do("POST", url_of(&srv_a, "/admin/v1/faults:seed"), seeds[i], strlen(seeds[i]),
                    NULL);
        ck_assert_msg(r.status == 400, "%s: %ld", seeds[i], r.status);
        http_free(&r);
    }
    /* Round trip: the rule comes back as given, with defaults filled in. */
    long long id =
        add_rule(&srv_a, "{\"match\":{\"universe\":5,\"datastore\":\"P\",\"scope\":\"s\","
                         "\"keyPrefix\":\"user_\",\"operations\":[\"get\",\"set\"],"
                         "\"family\":\"v1\"},\"effect\":{\"type\":\"latency\",\"ms\":40,"
                         "\"jitterMs\":5},\"probability\":0.25,\"count\":2,\"skip\":1,"
                         "\"description\":\"slow saves\"}");
    struct json_object *o = get_json(url_of(&srv_a, "/admin/v1/faults/%lld", id), 200);
    struct json_object *m = json_object_object_get(o, "match");
    ck_assert_int_eq(jint(m, "universe"), 5);
    ck_assert_str_eq(jstr(m, "keyPrefix"), "user_");
    ck_assert_int_eq(json_object_array_length(json_object_object_get(m, "operations")), 2);
    ck_assert_str_eq(jstr(json_object_object_get(o, "effect"), "type"), "latency");
    ck_assert_int_eq(jint(json_object_object_get(o, "effect"), "ms"), 40);
    ck_assert_int_eq(jint(o, "count"), 2);
    ck_assert_int_eq(jint(o, "skip"), 1);
    ck_assert_str_eq(jstr(o, "description"), "slow saves");
    ck_assert(json_object_get_boolean(json_object_object_get(o, "active")));
    json_object_put(o);
    r = http_do("DELETE", url_of(&srv_a, "/admin/v1/faults/%lld", id), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, error_in_each_family);
    tcase_add_test(tc, match_fields_and_first_match_wins);
    tcase_add_test(tc, count_and_skip);
    tcase_add_test(tc, seed_reproduces_the_sequence);
    tcase_add_test(tc, seed_flag_across_restarts);
    tcase_add_test(tc, latency_holds_without_threads);
    tcase_add_test(tc, timeout_and_drop_close_the_connection);
    tcase_add_test(tc, throttle_like_a_budget);
    tcase_add_test(tc, after_commit_really_commits);
    tcase_add_test(tc, time_window_on_the_service_clock);
    tcase_add_test(tc, event_log);
    tcase_add_test(tc, outage_fails_everything);
    tcase_add_test(tc, rules_reach_other_instances);
    tcase_add_test(tc, bad_rules_rejected);
    suite_add_tcase(s, tc);
    return s;
}
