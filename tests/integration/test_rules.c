/* test_rules.c — Roblox's rules on the virtual clock: the per-key write cooldown (queued or
 * rejected, shared by two instances, queue limit of 30, disconnects free their slot), the
 * current profile's throughput limits, and request budgets that drain and refill. No test
 * waits for a rule to expire: the clock is advanced instead. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "core/rfc3339.h"
#include "harness.h"

static struct ds_proc queue_srv;   /* classic, queue mode */
static struct ds_proc reject_srv;  /* classic, reject mode, same database */
static struct ds_proc current_srv; /* current profile */
static struct ds_proc budget_srv;  /* budgets on, no cooldown */

static void setup(void)
{
    static char db[1024];
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_rules"));
    const char *a[] = {"--database-url", db, "--clock", "virtual", NULL};
    const char *b[] = {"--database-url", db, "--clock", "virtual", "--throttle", "reject", NULL};
    const char *c[] = {"--database-url", db, "--clock", "virtual", "--profile", "current", NULL};
    const char *d[] = {"--database-url",   db,  "--clock", "virtual", "--budgets", "on",
                       "--write-cooldown", "0", NULL};
    if (!proc_start(&queue_srv, a) || !proc_start(&reject_srv, b) || !proc_start(&current_srv, c) ||
        !proc_start(&budget_srv, d)) {
        fprintf(stderr, "servers did not start\n");
        exit(2);
    }
}

static void teardown(void)
{
    struct ds_proc *all[] = {&queue_srv, &reject_srv, &current_srv, &budget_srv};
    for (int i = 0; i < 4; i++)
        if (proc_stop(all[i], SIGTERM) != 0) {
            fprintf(stderr, "server did not exit cleanly: %s\n", all[i]->log_path);
            exit(2);
        }
}

static char *entry_url(const struct ds_proc *p, long long u, const char *key)
{
    return url_of(p,
                  "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                  "?datastoreName=R&entryKey=%s",
                  u, key);
}

static long post(const struct ds_proc *p, long long u, const char *key, const char *body,
                 struct http_resp *keep)
{
    struct http_resp r = http_do("POST", entry_url(p, u, key), body, strlen(body), NULL);
    long st = r.status;
    if (keep)
        *keep = r;
    else
        http_free(&r);
    return st;
}

static void wait_parked(const struct ds_proc *p, int n)
{
    for (int i = 0; i < 200 && proc_parked_requests(p) != n; i++) {
        struct timespec ts = {0, 25 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    ck_assert_int_eq(proc_parked_requests(p), n);
}

struct bg_write {
    const struct ds_proc *srv;
    long long universe;
    const char *key;
    char body[32];
    long status;
    volatile int done;
    char queued_ms[32]; /* its x-datastored-queued-ms, or "" */
};

static void *bg_write_main(void *arg)
{
    struct bg_write *w = arg;
    struct http_resp r;
    w->status = post(w->srv, w->universe, w->key, w->body, &r);
    if (!http_header(&r, "x-datastored-queued-ms", w->queued_ms, sizeof w->queued_ms))
        w->queued_ms[0] = '\0';
    http_free(&r);
    w->done = 1;
    return NULL;
}

/* GET /admin/v1/clock as microseconds on that server's service clock. */
static int64_t clock_time_us(const struct ds_proc *p)
{
    struct http_resp r = http_do("GET", url_of(p, "/admin/v1/clock"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "mode"), "virtual");
    int64_t t = 0;
    ck_assert(rfc3339_parse(jstr(o, "time"), &t));
    json_object_put(o);
    http_free(&r);
    return t;
}

/* The virtual clock stands still, moves only when told, by exactly what it is told, on
 * every instance. */
START_TEST(virtual_clock_moves_on_request)
{
    int64_t before = clock_time_us(&queue_srv);
    struct timespec two_seconds = {2, 0};
    nanosleep(&two_seconds, NULL);
    ck_assert_int_eq(clock_time_us(&queue_srv), before);
    ck_assert_int_eq(clock_time_us(&reject_srv), before);
    clock_advance(&queue_srv, 1.5);
    ck_assert_int_eq(clock_time_us(&queue_srv), before + 1500000);
    int64_t other = 0; /* the other instance hears of it through NOTIFY */
    for (int i = 0; i < 100 && (other = clock_time_us(&reject_srv)) != before + 1500000; i++) {
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    ck_assert_int_eq(other, before + 1500000);
    struct http_resp r;
    r = http_do("POST", url_of(&queue_srv, "/admin/v1/clock:set"),
                "{\"time\":\"2001-01-01T00:00:00Z\"}", 31, NULL);
    ck_assert_int_eq(r.status, 400); /* never backwards */
    http_free(&r);
    char body[96], later[40];
    rfc3339_format(before + 3500000, false, later, sizeof later);
    snprintf(body, sizeof body, "{\"time\":\"%s\"}", later);
    r = http_do("POST", url_of(&queue_srv, "/admin/v1/clock:set"), body, strlen(body), NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_free(&r);
    ck_assert_int_eq(clock_time_us(&queue_srv), before + 3500000); /* forward, to the µs */
    r = http_do("POST", url_of(&queue_srv, "/admin/v1/clock:advance"), "{\"seconds\":-1}", 14,
                NULL);
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
}
END_TEST

/* --clock-start sets where a fresh database's virtual clock stands; a later start with an
 * earlier time keeps the later one (the clock never goes back); a bad time exits 2. */
START_TEST(clock_start_option)
{
    static char db[1024];
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_clock_start"));
    const char *a[] = {"--database-url",       db,  "--clock", "virtual", "--clock-start",
                       "2030-01-01T00:00:00Z", NULL};
    struct ds_proc p;
    ck_assert(proc_start(&p, a));
    int64_t start = 0;
    ck_assert(rfc3339_parse("2030-01-01T00:00:00Z", &start));
    ck_assert_int_eq(clock_time_us(&p), start);
    clock_advance(&p, 60);
    ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);
    const char *b[] = {"--database-url",       db,  "--clock", "virtual", "--clock-start",
                       "2029-06-01T00:00:00Z", NULL};
    ck_assert(proc_start(&p, b));
    ck_assert_int_eq(clock_time_us(&p), start + 60 * 1000000LL);
    ck_assert(proc_log_contains(&p, "never goes back"));
    ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);
    const char *c[] = {"--database-url", db, "--clock", "virtual", "--clock-start", "soon", NULL};
    ck_assert(proc_spawn_as(&p, c, -1, -1));
    int status;
    waitpid(p.pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}
END_TEST

/* Queue mode: a second write within 6 s waits (reads do not), and completes when the clock
 * is advanced past the window, saying how long it waited; the wait is logged. */
START_TEST(queued_write_waits_for_window)
{
    long long u = unique_universe();
    struct http_resp first;
    ck_assert_int_eq(post(&queue_srv, u, "k", "1", &first), 200);
    char buf[32];
    ck_assert_ptr_null(http_header(&first, "x-datastored-queued-ms", buf, sizeof buf));
    http_free(&first);
    struct bg_write w = {&queue_srv, u, "k", "2", 0, 0, ""};
    pthread_t t;
    pthread_create(&t, NULL, bg_write_main, &w);
    wait_parked(&queue_srv, 1);
    ck_assert(!w.done);
    struct timespec held = {0, 300 * 1000 * 1000};
    nanosleep(&held, NULL); /* real time it waits, whatever the virtual clock says */
    struct http_resp r = http_do("GET", entry_url(&queue_srv, u, "k"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200); /* reads are never held */
    ck_assert_str_eq(r.body, "1");
    http_free(&r);
    clock_advance(&queue_srv, 6);
    pthread_join(t, NULL);
    ck_assert_int_eq(w.status, 200);
    ck_assert_msg(w.queued_ms[0] && atol(w.queued_ms) >= 300, "queued-ms '%s'", w.queued_ms);
    r = http_do("GET", entry_url(&queue_srv, u, "k"), NULL, 0, NULL);
    ck_assert_str_eq(r.body, "2");
    http_free(&r);
    char noted[160];
    snprintf(noted, sizeof noted, "a write to standard R/global/k (universe %lld) waits", u);
    ck_assert(proc_log_contains(&queue_srv, noted));
}
END_TEST

/* Reject mode answers 429 + Retry-After; the cooldown stamp is shared by both instances. */
START_TEST(reject_mode_and_shared_cooldown)
{
    long long u = unique_universe();
    ck_assert_int_eq(post(&queue_srv, u, "k", "1", NULL), 200); /* instance A writes */
    struct http_resp r;
    ck_assert_int_eq(post(&reject_srv, u, "k", "2", &r), 429); /* instance B refuses */
    char hv[32];
    ck_assert_ptr_nonnull(http_header(&r, "Retry-After", hv, sizeof hv));
    int retry = atoi(hv);
    ck_assert_msg(retry >= 1 && retry <= 6, "Retry-After %d", retry);
    struct json_object *o = http_json(&r);
    ck_assert_str_eq(jstr(o, "error"), "RESOURCE_EXHAUSTED");
    json_object_put(o);
    http_free(&r);
    clock_advance(&queue_srv, 6);
    ck_assert_int_eq(post(&reject_srv, u, "k", "3", NULL), 200);
    ck_assert_int_eq(post(&queue_srv, u, "other", "1", NULL), 200); /* other keys unaffected */
}
END_TEST

/* 30 writes may wait on one key; the 31st is dropped with Roblox's queue-full error; each
 * advance of the clock past the window lets the next queued write through, in order. */
START_TEST(queue_of_thirty)
{
    long long u = unique_universe();
    ck_assert_int_eq(post(&queue_srv, u, "q", "0", NULL), 200);
    static struct bg_write w[30];
    pthread_t t[30];
    for (int i = 0; i < 30; i++) {
        w[i] = (struct bg_write){&queue_srv, u, "q", "", 0, 0, ""};
        snprintf(w[i].body, sizeof w[i].body, "%d", i + 1);
        pthread_create(&t[i], NULL, bg_write_main, &w[i]);
        wait_parked(&queue_srv, i + 1); /* arrival order = i */
    }
    struct http_resp r;
    ck_assert_int_eq(post(&queue_srv, u, "q", "31", &r), 429);
    struct json_object *o = http_json(&r), *details;
    ck_assert_str_eq(jstr(o, "error"), "RESOURCE_EXHAUSTED");
    ck_assert(!strncmp(jstr(o, "message"), "302: SetAsync request dropped", 29));
    json_object_object_get_ex(o, "errorDetails", &details);
    ck_assert_str_eq(jstr(json_object_array_get_idx(details, 0), "datastoreErrorCode"),
                     "SetAsyncThrottle");
    json_object_put(o);
    http_free(&r);
    for (int i = 0; i < 30; i++) {
        clock_advance(&queue_srv, 6);
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].status, 200);
        r = http_do("GET", entry_url(&queue_srv, u, "q"), NULL, 0, NULL);
        ck_assert_str_eq(r.body, w[i].body); /* FIFO: the i-th waiter wrote i-th */
        http_free(&r);
    }
}
END_TEST

/* A queued client that disconnects frees its slot (and its request is never run). */
START_TEST(disconnect_frees_slot)
{
    long long u = unique_universe();
    ck_assert_int_eq(post(&queue_srv, u, "d", "1", NULL), 200);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, entry_url(&queue_srv, u, "d"));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "2");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 400L);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OPERATION_TIMEDOUT);
    curl_easy_cleanup(c);
    wait_parked(&queue_srv, 0);
    clock_advance(&queue_srv, 6);
    struct http_resp r = http_do("GET", entry_url(&queue_srv, u, "d"), NULL, 0, NULL);
    ck_assert_str_eq(r.body, "1");
    http_free(&r);
}
END_TEST

/* The current profile: no cooldown, but 4 MB/min of writes per key (1 KB granularity). */
START_TEST(current_profile_throughput)
{
    long long u = unique_universe();
    ck_assert_int_eq(post(&current_srv, u, "t", "1", NULL), 200);
    ck_assert_int_eq(post(&current_srv, u, "t", "2", NULL), 200); /* no cooldown */
    size_t n = 1024 * 1024;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    big[0] = big[n - 1] = '"';
    big[n] = '\0';
    clock_advance(&current_srv, 120); /* a fresh window */
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(post(&current_srv, u, "big", big, NULL), 200);
    struct http_resp r;
    ck_assert_int_eq(post(&current_srv, u, "big", big, &r), 429);
    struct json_object *o = http_json(&r), *details;
    json_object_object_get_ex(o, "errorDetails", &details);
    ck_assert_str_eq(jstr(json_object_array_get_idx(details, 0), "datastoreErrorCode"),
                     "KeyThrottled");
    json_object_put(o);
    http_free(&r);
    ck_assert_int_eq(post(&current_srv, u, "small", "1", NULL), 200); /* per key */
    clock_advance(&current_srv, 120);
    ck_assert_int_eq(post(&current_srv, u, "big", big, NULL), 200);
    free(big);
}
END_TEST

static void budget_get(long long u, struct http_resp *out)
{
    *out = http_do("GET", entry_url(&budget_srv, u, "b"), NULL, 0, NULL);
}

static long long budget_of(long long u, const char *type)
{
    struct http_resp r =
        http_do("GET", url_of(&budget_srv, "/admin/v1/universes/%lld/budgets", u), NULL, 0, NULL);
    struct json_object *o = http_json(&r);
    long long v = jint(o, type);
    json_object_put(o);
    http_free(&r);
    return v;
}

/* Budgets: 60 + 10 × players reads per minute (classic); the 61st read in a minute is 429
 * StandardReadExperienceThrottled; the budget refills as the clock advances; x-ratelimit-*
 * headers report it; players raise it. */
START_TEST(budgets_drain_and_refill)
{
    long long u = unique_universe();
    ck_assert_int_eq(budget_of(u, "StandardRead"), 60);
    ck_assert_int_eq(budget_of(u, "StandardList"), 5);
    struct http_resp r;
    for (int i = 0; i < 60; i++) {
        budget_get(u, &r);
        ck_assert_msg(r.status == 404, "read %d: %ld", i, r.status); /* missing key, but served */
        char hv[32];
        ck_assert_str_eq(http_header(&r, "x-ratelimit-limit", hv, sizeof hv), "60");
        ck_assert_int_eq(atoi(http_header(&r, "x-ratelimit-remaining", hv, sizeof hv)), 59 - i);
        ck_assert_ptr_nonnull(http_header(&r, "x-ratelimit-reset", hv, sizeof hv));
        http_free(&r);
    }
    budget_get(u, &r);
    ck_assert_int_eq(r.status, 429);
    char hv[32];
    ck_assert_ptr_nonnull(http_header(&r, "Retry-After", hv, sizeof hv));
    struct json_object *o = http_json(&r), *details;
    json_object_object_get_ex(o, "errorDetails", &details);
    ck_assert_str_eq(jstr(json_object_array_get_idx(details, 0), "datastoreErrorCode"),
                     "StandardReadExperienceThrottled");
    json_object_put(o);
    http_free(&r);
    ck_assert_int_eq(budget_of(u, "StandardWrite"), 60); /* other types untouched */
    clock_advance(&budget_srv, 30);
    ck_assert_int_eq(budget_of(u, "StandardRead"), 30);
    budget_get(u, &r);
    ck_assert_int_eq(r.status, 404);
    http_free(&r);
    r = http_do("PUT", url_of(&budget_srv, "/admin/v1/universes/%lld/players", u), "{\"count\":10}",
                12, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    clock_advance(&budget_srv, 60);
    ck_assert_int_eq(budget_of(u, "StandardRead"), 160);
    r = http_do("PUT", url_of(&budget_srv, "/admin/v1/universes/%lld/players", u), "{\"count\":-1}",
                12, NULL);
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
}
END_TEST

/* An ordered write under the cooldown is two pipelined round trips (BEGIN with the locking
 * read, COMMIT with the write). When the write itself fails (an increment past int64), the
 * COMMIT is skipped and the transaction rolled back: the value is unchanged, the failure is
 * a 400, and the connection serves the next write. */
START_TEST(failed_pipelined_write_rolls_back)
{
    long long u = unique_universe();
    char base[512];
    snprintf(base, sizeof base, "%s",
             url_of(&reject_srv,
                    "/cloud/v2/universes/%lld/ordered-data-stores/Top/scopes/global"
                    "/entries",
                    u));
    char url[600];
    snprintf(url, sizeof url, "%s?id=p", base);
    const char *max = "{\"value\": 9223372036854775807}";
    struct http_resp r = http_do("POST", url, max, strlen(max), NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    clock_advance(&reject_srv, 7); /* past the 6 s cooldown */
    snprintf(url, sizeof url, "%s/p:increment", base);
    for (int i = 0; i < 3; i++) { /* the same pooled connections, again and again */
        r = http_do("POST", url, "{\"amount\": 1}", 13, NULL);
        ck_assert_msg(r.status == 400, "overflow: %ld %s", r.status, r.body);
        http_free(&r);
    }
    snprintf(url, sizeof url, "%s/p", base);
    r = http_do("GET", url, NULL, 0, NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "9223372036854775807"));
    http_free(&r);
    snprintf(url, sizeof url, "%s/p:increment", base);
    r = http_do("POST", url, "{\"amount\": -1}", 14, NULL);
    ck_assert_msg(r.status == 200, "a write after the failures: %ld %s", r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "9223372036854775806"));
    http_free(&r);
}
END_TEST

Suite *rules_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("rules");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, virtual_clock_moves_on_request);
    tcase_add_test(tc, clock_start_option);
    tcase_add_test(tc, queued_write_waits_for_window);
    tcase_add_test(tc, reject_mode_and_shared_cooldown);
    tcase_add_test(tc, queue_of_thirty);
    tcase_add_test(tc, disconnect_frees_slot);
    tcase_add_test(tc, current_profile_throughput);
    tcase_add_test(tc, budgets_drain_and_refill);
    tcase_add_test(tc, failed_pipelined_write_rolls_back);
    suite_add_tcase(s, tc);
    return s;
}
