/* test_concurrency.c — no lost updates and no lost acknowledged writes:
 * 8 clients × 500 increments (split over two instances on one database), 8 × 500 :update
 * appends, 8 clients looping read → PATCH with etag until 4000 writes land, and writes
 * acknowledged before a kill -9 still present after a restart. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define CLIENTS 8
#define PER_CLIENT 500

static struct ds_proc a, b;
static char db[1024];

static void setup(void)
{
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_concurrency"));
    const char *args[] = {"--database-url", db, "--write-cooldown", "0", NULL};
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

/* A client with one reused connection. */
struct client {
    CURL *curl;
    char *body;
    size_t len;
    char etag[64];
};

static size_t collect(char *p, size_t s, size_t n, void *ud)
{
    struct client *c = ud;
    char *nb = realloc(c->body, c->len + s * n + 1);
    if (!nb) return 0;
    c->body = nb;
    memcpy(c->body + c->len, p, s * n);
    c->len += s * n;
    c->body[c->len] = '\0';
    return s * n;
}

static long client_do(struct client *c, const char *method, const char *url, const char *body)
{
    c->len = 0;
    if (c->body) c->body[0] = '\0';
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body ? body : "");
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 60L);
    long status = -1;
    if (curl_easy_perform(c->curl) == CURLE_OK)
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

struct job {
    const struct ds_proc *server;
    long long universe;
    int kind; /* 0 increment, 1 :update append, 2 optimistic etag loop */
    int failures;
    long retries;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    struct client c = {.curl = curl_easy_init()};
    char url[512], body[256];
    for (int i = 0; i < PER_CLIENT; i++) {
        if (j->kind == 0) {
            snprintf(url, sizeof url,
                     "%s/cloud/v2/universes/%lld/data-stores/C/entries/n:increment",
                     j->server->base_url, j->universe);
            if (client_do(&c, "POST", url, "{\"amount\":1}") != 200) j->failures++;
        } else if (j->kind == 1) {
            snprintf(url, sizeof url,
                     "%s/cloud/v2/universes/%lld/data-stores/C/entries/list:update",
                     j->server->base_url, j->universe);
            snprintf(body, sizeof body, "[{\"op\":\"add\",\"path\":\"/-\",\"value\":%d}]", i);
            if (client_do(&c, "POST", url, body) != 200) j->failures++;
        } else {
            for (;;) { /* UpdateAsync the Roblox way: read, transform, write if unchanged */
                snprintf(url, sizeof url, "%s/cloud/v2/universes/%lld/data-stores/C/entries/opt",
                         j->server->base_url, j->universe);
                if (client_do(&c, "GET", url, NULL) != 200) {
                    j->failures++;
                    break;
                }
                struct json_object *e = json_tokener_parse(c.body), *v;
                json_object_object_get_ex(e, "value", &v);
                long long n = json_object_get_int64(v);
                snprintf(body, sizeof body, "{\"value\":%lld,\"etag\":\"%s\"}", n + 1,
                         jstr(e, "etag"));
                json_object_put(e);
                long st = client_do(&c, "PATCH", url, body);
                if (st == 200) break;
                if (st != 409) {
                    j->failures++;
                    break;
                }
                j->retries++;
            }
        }
    }
    free(c.body);
    curl_easy_cleanup(c.curl);
    return NULL;
}

static void run_clients(int kind, long long u, long *retries)
{
    pthread_t t[CLIENTS];
    struct job jobs[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        jobs[i] = (struct job){i % 2 ? &b : &a, u, kind, 0, 0};
        pthread_create(&t[i], NULL, run_job, &jobs[i]);
    }
    *retries = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
        *retries += jobs[i].retries;
    }
}

static struct json_object *get_entry(long long u, const char *key)
{
    struct http_resp r =
        http_do("GET", url_of(&a, "/cloud/v2/universes/%lld/data-stores/C/entries/%s", u, key),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    http_free(&r);
    return o;
}

/* 8 clients (half on each instance) × 500 :increment on one key end at exactly 4000. */
START_TEST(concurrent_increments_lose_nothing)
{
    long long u = unique_universe();
    long retries;
    run_clients(0, u, &retries);
    struct json_object *o = get_entry(u, "n");
    ck_assert_int_eq(jint(o, "value"), CLIENTS * PER_CLIENT);
    json_object_put(o);
}
END_TEST

/* 8 × 500 :update appends to one array: all 4000 elements are there. */
START_TEST(concurrent_json_patch_updates_lose_nothing)
{
    long long u = unique_universe();
    struct http_resp r = http_do(
        "PATCH",
        url_of(&a, "/cloud/v2/universes/%lld/data-stores/C/entries/list?allowMissing=true", u),
        "{\"value\":[]}", 12, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    long retries;
    run_clients(1, u, &retries);
    struct json_object *o = get_entry(u, "list"), *v;
    json_object_object_get_ex(o, "value", &v);
    ck_assert_int_eq(json_object_array_length(v), CLIENTS * PER_CLIENT);
    json_object_put(o);
}
END_TEST

/* 8 clients doing read → PATCH with etag (retrying on 409) land exactly 4000 increments. */
START_TEST(optimistic_etag_loop_loses_nothing)
{
    long long u = unique_universe();
    struct http_resp r = http_do(
        "PATCH",
        url_of(&a, "/cloud/v2/universes/%lld/data-stores/C/entries/opt?allowMissing=true", u),
        "{\"value\":0}", 11, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    long retries;
    run_clients(2, u, &retries);
    struct json_object *o = get_entry(u, "opt");
    ck_assert_int_eq(jint(o, "value"), CLIENTS * PER_CLIENT);
    json_object_put(o);
    fprintf(stderr, "optimistic loop: %ld conflicts retried\n", retries);
}
END_TEST

struct writer {
    const struct ds_proc *server;
    long long universe;
    volatile int acknowledged; /* keys 0..acknowledged-1 were answered 200 */
    volatile int stop;
};

static void *write_until_killed(void *arg)
{
    struct writer *w = arg;
    struct client c = {.curl = curl_easy_init()};
    char url[512], body[64];
    for (int i = 0; !w->stop; i++) {
        snprintf(url, sizeof url,
                 "%s/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                 "?datastoreName=K&entryKey=k%d",
                 w->server->base_url, w->universe, i);
        snprintf(body, sizeof body, "{\"i\":%d}", i);
        if (client_do(&c, "POST", url, body) != 200) break;
        w->acknowledged = i + 1;
    }
    free(c.body);
    curl_easy_cleanup(c.curl);
    return NULL;
}

/* Every write acknowledged before a kill -9 is there after a restart. */
START_TEST(acknowledged_writes_survive_kill9)
{
    long long u = unique_universe();
    const char *args[] = {"--database-url", db, "--write-cooldown", "0", NULL};
    struct ds_proc victim;
    ck_assert(proc_start(&victim, args));
    struct writer w = {&victim, u, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, write_until_killed, &w);
    struct timespec ts = {1, 500 * 1000 * 1000};
    nanosleep(&ts, NULL);
    ck_assert_int_eq(proc_stop(&victim, SIGKILL), 128 + SIGKILL);
    w.stop = 1;
    pthread_join(t, NULL);
    ck_assert_int_gt(w.acknowledged, 10);
    ck_assert(proc_start(&victim, args));
    for (int i = 0; i < w.acknowledged; i++) {
        struct http_resp r = http_do(
            "GET",
            url_of(&victim,
                   "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry"
                   "?datastoreName=K&entryKey=k%d",
                   u, i),
            NULL, 0, NULL);
        char want[32];
        snprintf(want, sizeof want, "{\"i\":%d}", i);
        ck_assert_msg(r.status == 200 && !strcmp(r.body, want), "acknowledged write k%d lost", i);
        http_free(&r);
    }
    ck_assert_int_eq(proc_stop(&victim, SIGTERM), 0);
}
END_TEST

Suite *concurrency_suite(void)
{
    Suite *s = suite_create("concurrency");
    TCase *tc = tcase_create("no-lost-updates");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, concurrent_increments_lose_nothing);
    tcase_add_test(tc, concurrent_json_patch_updates_lose_nothing);
    tcase_add_test(tc, optimistic_etag_loop_loses_nothing);
    tcase_add_test(tc, acknowledged_writes_survive_kill9);
    suite_add_tcase(s, tc);
    return s;
}
