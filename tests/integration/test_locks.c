/* test_locks.c — session locks with fencing tokens over real HTTP on two instances: acquire,
 * renew, release; fail and steal; expiry on the virtual clock; unlock with a final value;
 * wait mode; and a race of 16 clients where no stale token may ever write. */
#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct ds_proc a, b;
static char db[1024];

static void setup(void)
{
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_locks"));
    const char *args[] = {"--database-url",      db,  "--clock", "virtual", "--write-cooldown", "0",
                          "--keep-all-versions", NULL};
    if (!proc_start(&a, args) || !proc_start(&b, args)) {
        fprintf(stderr, "servers did not start: %s %s\n", a.log_path, b.log_path);
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&a, SIGTERM) != 0 || proc_stop(&b, SIGTERM) != 0) {
        fprintf(stderr, "a server did not exit cleanly: %s %s\n", a.log_path, b.log_path);
        exit(2);
    }
}

static struct http_resp call(const struct ds_proc *p, const char *method, long long u,
                             const char *suffix, const char *body, const char *token)
{
    char hdr[64];
    const char *h[] = {hdr, NULL};
    if (token) snprintf(hdr, sizeof hdr, "x-lock-token: %s", token);
    return http_do(method,
                   url_of(p, "/cloud/v2/universes/%lld/data-stores/Players/entries/%s", u, suffix),
                   body, body ? strlen(body) : 0, token ? h : NULL);
}

/* :lock as owner; returns the token (or -status on failure). */
static long long lock(const struct ds_proc *p, long long u, const char *owner, const char *mode,
                      double ttl, char *message, size_t cap)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"owner\":\"%s\",\"ttlSeconds\":%g,\"mode\":\"%s\",\"waitSeconds\":30}", owner, ttl,
             mode);
    struct http_resp r = call(p, "POST", u, "p1:lock", body, NULL);
    struct json_object *o = http_json(&r);
    long long token = r.status == 200 ? jint(o, "token") : -r.status;
    if (r.status == 200) ck_assert_str_eq(jstr(o, "owner"), owner);
    if (message) snprintf(message, cap, "%s", r.status == 200 ? "" : r.body);
    json_object_put(o);
    http_free(&r);
    return token;
}

static long write_with(const struct ds_proc *p, long long u, long long token, const char *value)
{
    char body[256], tok[32];
    snprintf(body, sizeof body, "{\"value\": %s}", value);
    snprintf(tok, sizeof tok, "%lld", token);
    struct http_resp r = call(p, "PATCH", u, "p1?allowMissing=true", body, token >= 0 ? tok : NULL);
    long st = r.status;
    http_free(&r);
    return st;
}

static void advance(double secs)
{
    char body[64];
    snprintf(body, sizeof body, "{\"seconds\": %g}", secs);
    struct http_resp r =
        http_do("POST", url_of(&a, "/admin/v1/clock:advance"), body, strlen(body), NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}

/* Acquire, re-lock by the same owner (same token), renew, release; the next grant has a
 * higher token; GET shows the holder while it is live. */
START_TEST(acquire_renew_release)
{
    long long u = unique_universe();
    long long t1 = lock(&a, u, "job-1", "fail", 30, NULL, 0);
    ck_assert_int_ge(t1, 1); /* a lock on a missing entry is allowed */
    ck_assert_int_eq(lock(&b, u, "job-1", "fail", 30, NULL, 0), t1);
    ck_assert_int_eq(write_with(&a, u, t1, "{\"coins\":1}"), 200);
    struct http_resp r = call(&b, "GET", u, "p1", NULL, NULL);
    struct json_object *o = http_json(&r), *l;
    ck_assert(json_object_object_get_ex(o, "lock", &l));
    ck_assert_str_eq(jstr(l, "owner"), "job-1");
    json_object_put(o);
    http_free(&r);
    r = http_do("GET",
                url_of(&a,
                       "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/"
                       "entry?datastoreName=Players&entryKey=p1",
                       u),
                NULL, 0, NULL);
    char hv[64];
    ck_assert_str_eq(http_header(&r, "x-lock-owner", hv, sizeof hv), "job-1");
    ck_assert_ptr_nonnull(http_header(&r, "x-lock-expire-time", hv, sizeof hv));
    http_free(&r);
    char body[128];
    snprintf(body, sizeof body, "{\"token\": %lld, \"ttlSeconds\": 60}", t1);
    r = call(&b, "POST", u, "p1:renewLock", body, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    snprintf(body, sizeof body, "{\"token\": %lld}", t1);
    r = call(&a, "POST", u, "p1:unlock", body, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    ck_assert_int_eq(write_with(&b, u, -1, "{\"coins\":2}"), 200); /* free again */
    r = call(&a, "POST", u, "p1:unlock", body, NULL);              /* already released */
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
    ck_assert_int_gt(lock(&a, u, "job-2", "fail", 30, NULL, 0), t1);
}
END_TEST

/* fail refuses a second owner (naming the holder); steal takes over with a higher token and
 * the old holder's writes are refused: LockLost with its old token, LockHeld without one. */
START_TEST(fail_and_steal)
{
    long long u = unique_universe();
    long long t1 = lock(&a, u, "job-A", "fail", 30, NULL, 0);
    char msg[512];
    ck_assert_int_eq(lock(&b, u, "job-B", "fail", 30, msg, sizeof msg), -409);
    ck_assert_ptr_nonnull(strstr(msg, "job-A"));
    ck_assert_ptr_nonnull(strstr(msg, "LockHeld"));
    long long t2 = lock(&b, u, "job-B", "steal", 30, NULL, 0);
    ck_assert_int_gt(t2, t1);
    struct http_resp r = call(&a, "PATCH", u, "p1?allowMissing=true", "{\"value\":1}", NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_ptr_nonnull(strstr(r.body, "LockHeld"));
    http_free(&r);
    char tok[32];
    snprintf(tok, sizeof tok, "%lld", t1);
    r = call(&a, "PATCH", u, "p1?allowMissing=true", "{\"value\":1}", tok);
    ck_assert_int_eq(r.status, 409);
    ck_assert_ptr_nonnull(strstr(r.body, "LockLost"));
    http_free(&r);
    r = call(&a, "POST", u, "p1:increment", "{\"amount\":1}", tok); /* every write path */
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
    r = call(&a, "POST", u, "p1:update", "[{\"op\":\"add\",\"path\":\"\",\"value\":1}]", tok);
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
    r = http_do("DELETE",
                url_of(&a,
                       "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/"
                       "entry?datastoreName=Players&entryKey=p1",
                       u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
    ck_assert_int_eq(write_with(&b, u, t2, "{\"owner\":\"B\"}"), 200);
    r = call(&b, "POST", u, "p1:lock", "{\"mode\":\"fail\"}", NULL);
    ck_assert_int_eq(r.status, 400); /* owner is required */
    http_free(&r);
    r = call(&b, "PATCH", u, "p1", "{\"value\":1}", "not-a-number");
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
}
END_TEST

/* An expired lock blocks nothing and can be taken by anyone (virtual clock). */
START_TEST(expiry_frees_lock)
{
    long long u = unique_universe();
    long long t1 = lock(&a, u, "job-A", "fail", 10, NULL, 0);
    ck_assert_int_eq(write_with(&b, u, -1, "1"), 409);
    advance(11);
    ck_assert_int_eq(write_with(&b, u, -1, "2"), 200);
    long long t2 = lock(&b, u, "job-B", "fail", 10, NULL, 0);
    ck_assert_int_gt(t2, t1);
    char body[64];
    snprintf(body, sizeof body, "{\"token\": %lld}", t1);
    struct http_resp r = call(&a, "POST", u, "p1:renewLock", body, NULL);
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
}
END_TEST

/* unlock with a value writes it and releases in one transaction (the PlayerRemoving save). */
START_TEST(unlock_with_value)
{
    long long u = unique_universe();
    long long t = lock(&a, u, "job-A", "fail", 30, NULL, 0);
    char body[256];
    snprintf(body, sizeof body,
             "{\"token\": %lld, \"value\": {\"coins\": 42}, \"users\": [\"users/7\"]}", t);
    struct http_resp r = call(&b, "POST", u, "p1:unlock", body, NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    struct json_object *o = http_json(&r), *entry, *value;
    ck_assert(json_object_object_get_ex(o, "entry", &entry));
    ck_assert(json_object_object_get_ex(entry, "value", &value));
    ck_assert_int_eq(jint(value, "coins"), 42);
    json_object_put(o);
    http_free(&r);
    r = call(&a, "GET", u, "p1", NULL, NULL);
    o = http_json(&r);
    ck_assert(!json_object_object_get_ex(o, "lock", &entry));
    json_object_put(o);
    http_free(&r);
    /* A stale token cannot save-and-release. */
    snprintf(body, sizeof body, "{\"token\": %lld, \"value\": 0}", t);
    r = call(&b, "POST", u, "p1:unlock", body, NULL);
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
    r = call(&a, "GET", u, "p1", NULL, NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "\"coins\": 42"));
    http_free(&r);
}
END_TEST

struct waiter {
    const struct ds_proc *srv;
    long long universe;
    const char *owner;
    double wait;
    long long token;
    volatile int done;
};

static void *wait_main(void *arg)
{
    struct waiter *w = arg;
    char body[256];
    snprintf(body, sizeof body, "{\"owner\":\"%s\",\"mode\":\"wait\",\"waitSeconds\":%g}", w->owner,
             w->wait);
    struct http_resp r = call(w->srv, "POST", w->universe, "p1:lock", body, NULL);
    struct json_object *o = http_json(&r);
    w->token = r.status == 200 ? jint(o, "token") : -r.status;
    json_object_put(o);
    http_free(&r);
    w->done = 1;
    return NULL;
}

/* wait mode: a waiter (on the other instance) gets the lock when the holder releases; a
 * waiter whose waitSeconds pass first gets 409. */
START_TEST(wait_mode)
{
    long long u = unique_universe();
    long long t = lock(&a, u, "job-A", "fail", 300, NULL, 0);
    struct waiter w = {&b, u, "job-W", 60, 0, 0};
    pthread_t th;
    pthread_create(&th, NULL, wait_main, &w);
    for (int i = 0; i < 200 && proc_parked_requests(&b) < 1; i++) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    ck_assert_int_eq(proc_parked_requests(&b), 1);
    ck_assert(!w.done);
    char body[64];
    snprintf(body, sizeof body, "{\"token\": %lld}", t);
    struct http_resp r = call(&a, "POST", u, "p1:unlock", body, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    pthread_join(th, NULL);
    ck_assert_int_gt(w.token, t);

    struct waiter w2 = {&a, u, "job-V", 2, 0, 0}; /* job-W holds it now */
    pthread_create(&th, NULL, wait_main, &w2);
    for (int i = 0; i < 200 && proc_parked_requests(&a) < 1; i++) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    advance(3);
    pthread_join(th, NULL);
    ck_assert_int_eq(w2.token, -409);
}
END_TEST

struct racer {
    const struct ds_proc *srv;
    long long universe;
    int id;
    int accepted;
};

static void *race_main(void *arg)
{
    struct racer *rc = arg;
    char owner[32], value[128];
    snprintf(owner, sizeof owner, "job-%d", rc->id);
    for (int i = 0; i < 20; i++) {
        long long t = lock(rc->srv, rc->universe, owner, i % 3 ? "fail" : "steal", 30, NULL, 0);
        if (t < 0) continue;
        for (int k = 0; k < 2; k++) {
            snprintf(value, sizeof value, "{\"token\": %lld, \"writer\": %d, \"n\": %d}", t, rc->id,
                     i);
            if (write_with(rc->srv, rc->universe, t, value) == 200) rc->accepted++;
        }
    }
    return NULL;
}

/* 16 clients on two instances lock (stealing now and then) and write with their token: the
 * history of accepted writes never goes back to an older token, and the final value was
 * written under the newest token that wrote. */
START_TEST(race_no_stale_writes)
{
    long long u = unique_universe();
    pthread_t t[16];
    struct racer r[16];
    int accepted = 0;
    for (int i = 0; i < 16; i++) {
        r[i] = (struct racer){i % 2 ? &b : &a, u, i, 0};
        pthread_create(&t[i], NULL, race_main, &r[i]);
    }
    for (int i = 0; i < 16; i++) {
        pthread_join(t[i], NULL);
        accepted += r[i].accepted;
    }
    ck_assert_int_gt(accepted, 10);
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) || ':' || string_agg((value::json->>'token'), ',' ORDER BY version_seq)"
        " FROM (SELECT version_seq, value FROM entry_versions WHERE universe_id = %lld"
        " UNION ALL SELECT version_seq, value FROM entries WHERE universe_id = %lld) v",
        u, u);
    const char *history = harness_sql(db, sql);
    ck_assert_ptr_nonnull(history);
    ck_assert_int_eq(atoi(history), accepted); /* every accepted write is in the history */
    long long prev = 0;
    for (const char *p = strchr(history, ':') + 1; *p;) {
        long long tok = strtoll(p, (char **)&p, 10);
        ck_assert_msg(tok >= prev, "token %lld accepted after %lld", tok, prev);
        prev = tok;
        if (*p == ',') p++;
    }
    snprintf(sql, sizeof sql, "SELECT max(token) FROM entry_locks WHERE universe_id = %lld", u);
    ck_assert_int_le(prev, atoll(harness_sql(db, sql)));
}
END_TEST

Suite *locks_suite(void)
{
    Suite *s = suite_create("locks");
    TCase *tc = tcase_create("locks");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, acquire_renew_release);
    tcase_add_test(tc, fail_and_steal);
    tcase_add_test(tc, expiry_frees_lock);
    tcase_add_test(tc, unlock_with_value);
    tcase_add_test(tc, wait_mode);
    tcase_add_test(tc, race_no_stale_writes);
    suite_add_tcase(s, tc);
    return s;
}
