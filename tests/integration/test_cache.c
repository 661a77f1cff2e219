/* test_cache.c — what an instance caches (data store state, _version chain heads, whether a
 * data store has locks, the virtual clock) follows changes made through another instance
 * within the notification bound, and what it does not cache (the lock of a key) is exact: two
 * instances on one database, each change made on A and watched on B, which had the old state
 * cached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rfc3339.h"
#include "harness.h"

/* How long a change may take to reach the other instance: PostgreSQL delivers the NOTIFY
 * at commit, the listener polls its socket every second at worst (it wakes at once when
 * data arrives). Measured delays are printed; typically a few milliseconds. */
#define BOUND_MS 1500

static struct ds_proc a, b;
static char db[1024];

static void setup(void)
{
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_cache"));
    const char *args[] = {"--database-url",   db,  "--clock", "virtual",
                          "--write-cooldown", "0", NULL};
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

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long status_of(const char *method, const char *url, const char *body)
{
    struct http_resp r = http_do(method, url, body, body ? strlen(body) : 0, NULL);
    long status = r.status;
    http_free(&r);
    return status;
}

/* Polls GET url on B until it answers want (or, with needle, a body containing it); returns
 * the milliseconds it took, failing the test beyond BOUND_MS. */
static double await_on_b(const char *what, const char *path, long want, const char *needle)
{
    char url[512];
    snprintf(url, sizeof url, "%s", url_of(&b, "%s", path));
    double start = now_ms(), waited;
    for (;;) {
        struct http_resp r = http_do("GET", url, NULL, 0, NULL);
        bool seen = r.status == want && (!needle || (r.body && strstr(r.body, needle)));
        http_free(&r);
        waited = now_ms() - start;
        if (seen) break;
        ck_assert_msg(waited < BOUND_MS, "%s: not seen on the other instance after %.0f ms", what,
                      waited);
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    printf("cache: %s seen on the other instance after %.1f ms\n", what, waited);
    return waited;
}

/* A data store deleted on A answers 404 on B, which had it cached as active; undeleted, 200
 * again. */
START_TEST(datastore_delete_and_undelete)
{
    long long u = unique_universe();
    char entry[256], store[256];
    snprintf(entry, sizeof entry, "/cloud/v2/universes/%lld/data-stores/Shop/entries/item", u);
    snprintf(store, sizeof store, "/cloud/v2/universes/%lld/data-stores/Shop", u);
    char path[300];
    snprintf(path, sizeof path, "%s?allowMissing=true", entry);
    ck_assert_int_eq(status_of("PATCH", url_of(&a, "%s", path), "{\"value\":1}"), 200);
    ck_assert_int_eq(status_of("GET", url_of(&b, "%s", entry), NULL), 200); /* cached active */
    ck_assert_int_eq(status_of("DELETE", url_of(&a, "%s", store), NULL), 200);
    ck_assert_int_eq(status_of("GET", url_of(&a, "%s", entry), NULL), 404); /* A at once */
    await_on_b("a data store deletion", entry, 404, NULL);
    ck_assert_int_eq(status_of("POST", url_of(&a, "%s:undelete", store), ""), 200);
    ck_assert_int_eq(status_of("GET", url_of(&a, "%s", entry), NULL), 200);
    await_on_b("an undeletion", entry, 200, NULL);
}
END_TEST

/* A new _version step added on A: B, which had the chain head cached, migrates on read. */
START_TEST(migration_step)
{
    long long u = unique_universe();
    char entry[256];
    snprintf(entry, sizeof entry, "/cloud/v2/universes/%lld/data-stores/Save/entries/p1", u);
    char path[300];
    snprintf(path, sizeof path, "%s?allowMissing=true", entry);
    ck_assert_int_eq(status_of("PATCH", url_of(&a, "%s", path), "{\"value\":{\"coins\":1}}"), 200);
    struct http_resp r = http_do("GET", url_of(&b, "%s", entry), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "migrated")); /* chain head 0 cached on B */
    http_free(&r);
    const char *step = "[{\"op\":\"add\",\"path\":\"/migrated\",\"value\":true}]";
    ck_assert_int_eq(
        status_of("PUT", url_of(&a, "/admin/v1/universes/%lld/data-stores/Save/migrations/1", u),
                  step),
        200);
    await_on_b("a new migration step", entry, 200, "\"migrated\":true");
}
END_TEST

/* The virtual clock moved on A is B's clock too. */
START_TEST(virtual_clock_move)
{
    struct http_resp r = http_do("GET", url_of(&b, "/admin/v1/clock"), NULL, 0, NULL);
    struct json_object *o = http_json(&r);
    int64_t before;
    ck_assert(rfc3339_parse(jstr(o, "time"), &before));
    json_object_put(o);
    http_free(&r);
    clock_advance(&a, 3600);
    double start = now_ms();
    for (;;) {
        r = http_do("GET", url_of(&b, "/admin/v1/clock"), NULL, 0, NULL);
        o = http_json(&r);
        int64_t t;
        ck_assert(rfc3339_parse(jstr(o, "time"), &t));
        json_object_put(o);
        http_free(&r);
        if (t >= before + INT64_C(3600) * 1000000) break;
        ck_assert_msg(now_ms() - start < BOUND_MS, "clock not moved on B after %.0f ms",
                      now_ms() - start);
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    printf("cache: a virtual clock move seen on the other instance after %.1f ms\n",
           now_ms() - start);
}
END_TEST

/* Takes the lock of entry on p for owner; returns its token. */
static long long lock_on(const struct ds_proc *p, const char *entry, const char *owner)
{
    char body[128];
    snprintf(body, sizeof body, "{\"owner\":\"%s\",\"ttlSeconds\":60}", owner);
    struct http_resp r = http_do("POST", url_of(p, "%s:lock", entry), body, strlen(body), NULL);
    ck_assert_msg(r.status == 200, "lock: %ld %s", r.status, r.body);
    struct json_object *o = http_json(&r);
    long long token = jint(o, "token");
    json_object_put(o);
    http_free(&r);
    return token;
}

static bool get_shows(const struct ds_proc *p, const char *entry, const char *needle)
{
    struct http_resp r = http_do("GET", url_of(p, "%s", entry), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    bool shown = r.body && strstr(r.body, needle);
    http_free(&r);
    return shown;
}

/* Whether a data store has locks at all is cached (its Gets skip the lock table until then):
 * the first lock taken on A shows on A at once and on B within the bound. From then on locks
 * are read with the entry, exactly: an unlock or a new lock on A shows on B's very next Get. */
START_TEST(first_lock_within_bound_then_exact)
{
    long long u = unique_universe();
    char entry[256];
    snprintf(entry, sizeof entry, "/cloud/v2/universes/%lld/data-stores/Lk/entries/p1", u);
    char path[300];
    snprintf(path, sizeof path, "%s?allowMissing=true", entry);
    ck_assert_int_eq(status_of("PATCH", url_of(&a, "%s", path), "{\"value\":1}"), 200);
    ck_assert(!get_shows(&b, entry, "\"lock\"")); /* B caches: no locks in Lk */
    long long token = lock_on(&a, entry, "server-a");
    ck_assert(get_shows(&a, entry, "server-a"));
    await_on_b("a data store's first lock", entry, 200, "server-a");
    char unlock[64];
    snprintf(unlock, sizeof unlock, "{\"token\":%lld}", token);
    ck_assert_int_eq(status_of("POST", url_of(&a, "%s:unlock", entry), unlock), 200);
    ck_assert(!get_shows(&b, entry, "server-a"));
    lock_on(&a, entry, "server-c");
    ck_assert(get_shows(&b, entry, "server-c"));
}
END_TEST

Suite *cache_suite(void)
{
    Suite *s = suite_create("cache");
    TCase *tc = tcase_create("cache");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, datastore_delete_and_undelete);
    tcase_add_test(tc, migration_step);
    tcase_add_test(tc, virtual_clock_move);
    tcase_add_test(tc, first_lock_within_bound_then_exact);
    suite_add_tcase(s, tc);
    return s;
}
