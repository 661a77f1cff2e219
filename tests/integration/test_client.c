/* test_client.c — libdatastore against the real server: every call and its key info, typed
 * errors, the optimistic UpdateAsync helper under contention (and after an ambiguous write),
 * paging, ordered stores, session locks, and the retry policy against injected faults: 429
 * honouring Retry-After, 5xx, dropped connections, never 4xx, unsafe writes not repeated. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/datastore_client.h"
#include "harness.h"

static struct ds_proc srv;
static char srv_db[1024];

static void setup(void)
{
    snprintf(srv_db, sizeof srv_db, "%s", harness_fresh_database("ds_client"));
    const char *args[] = {
        "--database-url",      srv_db,   "--clock", "virtual", "--write-cooldown", "0",
        "--keep-all-versions", "--seed", "77",      NULL};
    if (!proc_start(&srv, args)) {
        fprintf(stderr, "server did not start: %s\n", srv.log_path);
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&srv, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly: %s\n", srv.log_path);
        exit(2);
    }
}

static dsc_client *client_with(const struct dsc_retry_policy *retry)
{
    struct dsc_options o = {.base_url = srv.base_url, .jitter_seed = 99, .timeout_ms = 10000};
    if (retry) o.retry = *retry;
    dsc_client *c = dsc_client_new(&o);
    ck_assert_ptr_nonnull(c);
    return c;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One fault rule on universe u: operation op, the effect object, fired count times. */
static void add_fault(long long u, const char *op, const char *effect, int count)
{
    char rule[512];
    snprintf(rule, sizeof rule,
             "{\"match\":{\"universe\":%lld,\"operations\":[\"%s\"]},\"effect\":%s,\"count\":%d}",
             u, op, effect, count);
    struct http_resp r =
        http_do("POST", url_of(&srv, "/admin/v1/faults"), rule, strlen(rule), NULL);
    ck_assert_msg(r.status == 200, "rule %s: %ld %s", rule, r.status, r.body);
    http_free(&r);
}

/* "fired" of the newest fault rule. */
static long long last_rule_fired(void)
{
    struct http_resp r = http_do("GET", url_of(&srv, "/admin/v1/faults"), NULL, 0, NULL);
    struct json_object *o = http_json(&r), *faults;
    ck_assert(json_object_object_get_ex(o, "faults", &faults));
    size_t n = json_object_array_length(faults);
    ck_assert_int_gt(n, 0);
    long long fired = jint(json_object_array_get_idx(faults, n - 1), "fired");
    json_object_put(o);
    http_free(&r);
    return fired;
}

static void clear_rules(void)
{
    struct http_resp r = http_do("DELETE", url_of(&srv, "/admin/v1/faults"), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}

/* Set, get and remove round trip the value byte-exact with its key info. */
START_TEST(get_set_remove_with_key_info)
{
    dsc_client *c = client_with(NULL);
    struct dsc_store s = {.universe = unique_universe(), .datastore = "Players"};
    const char *value = "{\"coins\": 1.50, \"name\": \"\\u00e9\"}";
    int64_t ids[] = {269323, 7};
    struct dsc_write_options o = {
        .user_ids = ids, .user_id_count = 2, .metadata = "{\"class\":\"mage\"}"};
    char version[DSC_VERSION_CAP];
    ck_assert_int_eq(dsc_set(c, &s, "user_1", value, &o, version), DSC_OK);
    ck_assert_int_eq(dsc_last_attempts(c), 1);
    ck_assert_int_eq(strlen(version), 47);

    char *got = NULL;
    struct dsc_key_info info;
    ck_assert_int_eq(dsc_get(c, &s, "user_1", &got, &info), DSC_OK);
    ck_assert_str_eq(got, value);
    ck_assert_str_eq(info.version, version);
    ck_assert_int_eq(info.user_id_count, 2);
    ck_assert_int_eq(info.user_ids[0], 269323);
    ck_assert_int_eq(info.user_ids[1], 7);
    ck_assert_str_eq(info.metadata, "{\"class\":\"mage\"}");
    int64_t wall_ms = (int64_t)time(NULL) * 1000;
    ck_assert_msg(llabs(info.created_ms - wall_ms) < 60000, "created %lld",
                  (long long)info.created_ms);
    ck_assert_int_eq(info.updated_ms, info.created_ms);
    free(got);
    dsc_key_info_clear(&info);

    /* A second write keeps the creation time, moves the update time, clears omitted ids. */
    ck_assert_int_eq(dsc_set(c, &s, "user_1", "2", NULL, NULL), DSC_OK);
    ck_assert_int_eq(dsc_get(c, &s, "user_1", &got, &info), DSC_OK);
    ck_assert_str_eq(got, "2");
    ck_assert_int_eq(info.user_id_count, 0);
    ck_assert_str_eq(info.metadata, "{}");
    ck_assert_str_ne(info.version, version);
    free(got);
    dsc_key_info_clear(&info);

    ck_assert_int_eq(dsc_remove(c, &s, "user_1", 0), DSC_OK);
    ck_assert_int_eq(dsc_get(c, &s, "user_1", &got, &info), DSC_NOT_FOUND);
    ck_assert_ptr_null(got);
    ck_assert_int_eq(dsc_remove(c, &s, "never_written", 0), DSC_OK);
    ck_assert_int_eq(dsc_get(c, &s, "never_written", NULL, NULL), DSC_NOT_FOUND);
    dsc_client_free(c);
}
END_TEST

/* Refusals carry status, code, detail and message; bad arguments never reach the wire. */
START_TEST(typed_errors)
{
    dsc_client *c = client_with(NULL);
    struct dsc_store s = {.universe = unique_universe(), .datastore = "Players"};
    char version[DSC_VERSION_CAP];
    ck_assert_int_eq(dsc_set(c, &s, "k", "{\"a\":1}", NULL, version), DSC_OK);

    struct dsc_write_options stale = {.match_version =
                                          "08DF0000000000000.0000000001.08DF000000000000.01"};
    ck_assert_int_eq(dsc_set(c, &s, "k", "1", &stale, NULL), DSC_ERR_HTTP);
    const struct dsc_error *e = dsc_last_error(c);
    ck_assert_int_eq(e->http_status, 412); /* v1 answers a failed precondition 412 */
    ck_assert_int_eq(e->attempts, 1);
    struct dsc_write_options create = {.exclusive_create = true};
    ck_assert_int_eq(dsc_set(c, &s, "k", "1", &create, NULL), DSC_ERR_HTTP);
    ck_assert_int_eq(dsc_last_error(c)->http_status, 412);
    struct dsc_write_options current = {.match_version = version};
    ck_assert_int_eq(dsc_set(c, &s, "k", "{\"a\":2}", &current, NULL), DSC_OK);

    ck_assert_int_eq(dsc_increment(c, &s, "k", 1, NULL, NULL, NULL), DSC_ERR_HTTP);
    ck_assert_int_eq(e->http_status, 400);
    ck_assert_str_eq(e->code, "INVALID_ARGUMENT");
    ck_assert_str_eq(e->detail, "ExistingValueNotNumeric");
    ck_assert_int_eq(e->attempts, 1); /* a 4xx is never retried */

    ck_assert_int_eq(dsc_set(c, &s, "k", "{not json", NULL, NULL), DSC_ERR_HTTP);
    ck_assert_int_eq(e->http_status, 400);

    int64_t five[] = {1, 2, 3, 4, 5};
    struct dsc_write_options too_many = {.user_ids = five, .user_id_count = 5};
    ck_assert_int_eq(dsc_set(c, &s, "k", "1", &too_many, NULL), DSC_ERR_INVALID);
    ck_assert_int_eq(dsc_last_attempts(c), 0);
    ck_assert_int_eq(dsc_get(c, &s, "", NULL, NULL), DSC_ERR_INVALID);
    ck_assert_int_eq(
        dsc_get(c, &s, "123456789012345678901234567890123456789012345678901", NULL, NULL),
        DSC_ERR_INVALID);
    struct dsc_store nameless = {.universe = s.universe};
    ck_assert_int_eq(dsc_get(c, &nameless, "k", NULL, NULL), DSC_ERR_INVALID);
    ck_assert_int_eq(dsc_last_attempts(c), 0);
    ck_assert_ptr_null(dsc_client_new(&(struct dsc_options){.base_url = "ftp://x"}));
    dsc_client_free(c);
}
END_TEST

/* Increment creates at 0 and adds; the JSON Patch update applies on the server. */
START_TEST(increment_and_patch)
{
    dsc_client *c = client_with(NULL);
    struct dsc_store s = {.universe = unique_universe(), .datastore = "Players", .scope = "s1"};
    int64_t v = 0;
    int64_t ids[] = {42};
    struct dsc_write_options o = {.user_ids = ids, .user_id_count = 1};
    struct dsc_key_info info;
    ck_assert_int_eq(dsc_increment(c, &s, "gold", 5, &o, &v, &info), DSC_OK);
    ck_assert_int_eq(v, 5);
    ck_assert_int_eq(info.user_ids[0], 42);
    dsc_key_info_clear(&info);
    ck_assert_int_eq(dsc_increment(c, &s, "gold", -7, NULL, &v, NULL), DSC_OK);
    ck_assert_int_eq(v, -2);

    ck_assert_int_eq(dsc_set(c, &s, "p", "{\"coins\":10}", NULL, NULL), DSC_OK);
    char *value = NULL;
    ck_assert_int_eq(dsc_update_patch(c, &s, "p",
                                      "[{\"op\":\"test\",\"path\":\"/coins\",\"value\":10},"
                                      "{\"op\":\"replace\",\"path\":\"/coins\",\"value\":15}]",
                                      0, &value, &info),
                     DSC_OK);
    ck_assert_str_eq(value, "{\"coins\":15}");
    ck_assert_int_eq(strlen(info.version), 47);
    free(value);
    dsc_key_info_clear(&info);
    ck_assert_int_eq(dsc_update_patch(c, &s, "p",
                                      "[{\"op\":\"test\",\"path\":\"/coins\",\"value\":10}]", 0,
                                      &value, NULL),
                     DSC_ERR_HTTP);
    ck_assert_int_eq(dsc_last_error(c)->http_status, 409);
    ck_assert_ptr_null(value);
    /* The scope is honoured: the default scope does not have the key. */
    struct dsc_store global = {.universe = s.universe, .datastore = "Players"};
    ck_assert_int_eq(dsc_get(c, &global, "p", NULL, NULL), DSC_NOT_FOUND);
    dsc_client_free(c);
}
END_TEST

struct adder {
    long long universe;
    int rounds;
    int calls; /* transform calls */
    int failures;
    char error[700]; /* the last failure */
};

static dsc_transform_action add_one(const char *current, const struct dsc_key_info *info,
                                    struct dsc_transform_output *out, void *user)
{
    struct adder *a = user;
    a->calls++;
    long long n = current ? atoll(current) : 0;
    if (!current) ck_assert_ptr_null(info);
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", n + 1);
    out->value = strdup(buf);
    return DSC_TRANSFORM_WRITE;
}

static void *adder_thread(void *arg)
{
    struct adder *a = arg;
    struct dsc_options o = {.base_url = srv.base_url};
    dsc_client *c = dsc_client_new(&o);
    struct dsc_store s = {.universe = a->universe, .datastore = "Counters"};
    for (int i = 0; i < a->rounds; i++)
        if (dsc_update(c, &s, "shared", add_one, a, 0, 0, NULL, NULL) != DSC_OK) {
            a->failures++;
            snprintf(a->error, sizeof a->error, "%ld %s %s: %s", dsc_last_error(c)->http_status,
                     dsc_last_error(c)->code, dsc_last_error(c)->detail,
                     dsc_last_error(c)->message);
        }
    dsc_client_free(c);
    return NULL;
}

/* UpdateAsync from 4 threads loses no update: conflicts re-run the transform. */
START_TEST(optimistic_update_under_contention)
{
    enum { THREADS = 4, ROUNDS = 25 };
    long long u = unique_universe();
    struct adder adders[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        adders[i] = (struct adder){.universe = u, .rounds = ROUNDS};
        pthread_create(&t[i], NULL, adder_thread, &adders[i]);
    }
    int calls = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_msg(adders[i].failures == 0, "%d failed updates, last: %s", adders[i].failures,
                      adders[i].error);
        calls += adders[i].calls;
    }
    dsc_client *c = client_with(NULL);
    struct dsc_store s = {.universe = u, .datastore = "Counters"};
    char *value = NULL;
    ck_assert_int_eq(dsc_get(c, &s, "shared", &value, NULL), DSC_OK);
    ck_assert_str_eq(value, "100");
    free(value);
    ck_assert_msg(calls >= THREADS * ROUNDS, "transform ran %d times", calls);
    fprintf(stderr, "update contention: %d transform calls for %d writes\n", calls,
            THREADS * ROUNDS);
    dsc_client_free(c);
}
END_TEST

static dsc_transform_action keep_or_cancel(const char *current, const struct dsc_key_info *info,
                                           struct dsc_transform_output *out, void *user)
{
    (void)info;
    if (strcmp(current, "\"frozen\"") == 0) return DSC_TRANSFORM_CANCEL;
    out->value = strdup("\"changed\"");
    free(out->metadata);
    out->metadata = strdup("{\"by\":\"transform\"}");
    (*(int *)user)++;
    return DSC_TRANSFORM_WRITE;
}

static dsc_transform_action write_nothing(const char *current, const struct dsc_key_info *info,
                                          struct dsc_transform_output *out, void *user)
{
    (void)current, (void)info, (void)out, (void)user;
    return DSC_TRANSFORM_WRITE;
}

/* The transform sees current ids and metadata (kept unless changed) and may cancel. */
START_TEST(update_keeps_metadata_and_cancels)
{
    dsc_client *c = client_with(NULL);
    struct dsc_store s = {.universe = unique_universe(), .datastore = "Players"};
    int64_t ids[] = {9};
    struct dsc_write_options o = {.user_ids = ids, .user_id_count = 1, .metadata = "{\"x\":1}"};
    ck_assert_int_eq(dsc_set(c, &s, "a", "\"frozen\"", &o, NULL), DSC_OK);
    ck_assert_int_eq(dsc_set(c, &s, "b", "\"open\"", &o, NULL), DSC_OK);
    int writes = 0;
    char *value = NULL;
    struct dsc_key_info info;
    ck_assert_int_eq(dsc_update(c, &s, "a", keep_or_cancel, &writes, 0, 0, &value, &info),
                     DSC_CANCELLED);
    ck_assert_str_eq(value, "\"frozen\"");
    free(value);
    dsc_key_info_clear(&info);
    ck_assert_int_eq(dsc_update(c, &s, "b", keep_or_cancel, &writes, 0, 0, &value, &info), DSC_OK);
    ck_assert_str_eq(value, "\"changed\"");
    ck_assert_int_eq(info.user_id_count, 1);
    ck_assert_str_eq(info.metadata, "{\"by\":\"transform\"}");
    free(value);
    dsc_key_info_clear(&info);
    ck_assert_int_eq(dsc_get(c, &s, "b", NULL, &info), DSC_OK);
    ck_assert_int_eq(info.user_ids[0], 9);
    ck_assert_str_eq(info.metadata, "{\"by\":\"transform\"}");
    dsc_key_info_clear(&info);
    ck_assert_int_eq(writes, 1);
    /* Writing without a value is the caller's mistake, reported as such. */
    ck_assert_int_eq(dsc_update(c, &s, "b", write_nothing, NULL, 0, 0, NULL, NULL),
                     DSC_ERR_INVALID);
    dsc_client_free(c);
}
END_TEST

/* A conditional write whose 503 came after it committed: the retry conflicts, the helper
 * sees its own value and stops — the transform is applied once, not twice. */
START_TEST(update_after_ambiguous_write_applies_once)
{
    clear_rules();
    long long u = unique_universe();
    dsc_client *c = client_with(&(struct dsc_retry_policy){.base_delay_ms = 10});
    struct dsc_store s = {.universe = u, .datastore = "Counters"};
    ck_assert_int_eq(dsc_set(c, &s, "n", "10", NULL, NULL), DSC_OK);
    add_fault(u, "set", "{\"type\":\"after_commit\",\"status\":503,\"retryAfterSeconds\":0}", 1);
    struct adder a = {0};
    char *value = NULL;
    ck_assert_int_eq(dsc_update(c, &s, "n", add_one, &a, 0, 0, &value, NULL), DSC_OK);
    ck_assert_str_eq(value, "11");
    free(value);
    ck_assert_int_eq(a.calls, 1);
    ck_assert_int_eq(dsc_get(c, &s, "n", &value, NULL), DSC_OK);
    ck_assert_str_eq(value, "11");
    free(value);
    clear_rules();
    dsc_client_free(c);
}
END_TEST

/* Keys page with cursors (all scopes, prefix); versions both ways; an old version's value. */
START_TEST(listing_and_versions)
{
    dsc_client *c = client_with(NULL);
    long long u = unique_universe();
    struct dsc_store s = {.universe = u, .datastore = "Inventory"};
    struct dsc_store other = {.universe = u, .datastore = "Inventory", .scope = "other"};
    char key[32];
    for (int i = 0; i < 25; i++) {
        snprintf(key, sizeof key, "item_%02d", i);
        ck_assert_int_eq(dsc_set(c, &s, key, "1", NULL, NULL), DSC_OK);
    }
    ck_assert_int_eq(dsc_set(c, &other, "elsewhere", "1", NULL, NULL), DSC_OK);
    size_t seen = 0, pages = 0;
    char *cursor = NULL;
    do {
        struct dsc_key_page page;
        ck_assert_int_eq(dsc_list_keys(c, &s, NULL, false, 10, cursor, &page), DSC_OK);
        free(cursor);
        ck_assert_int_le(page.count, 10);
        for (size_t i = 0; i < page.count; i++)
            ck_assert_str_eq(page.keys[i].scope, "global");
        seen += page.count;
        pages++;
        cursor = page.next_cursor;
        page.next_cursor = NULL;
        dsc_key_page_clear(&page);
    } while (cursor);
    ck_assert_int_eq(seen, 25);
    ck_assert_int_ge(pages, 3);
    struct dsc_key_page page;
    ck_assert_int_eq(dsc_list_keys(c, &s, "item_2", false, 0, NULL, &page), DSC_OK);
    ck_assert_int_eq(page.count, 5);
    dsc_key_page_clear(&page);
    ck_assert_int_eq(dsc_list_keys(c, &s, "other/else", true, 0, NULL, &page), DSC_OK);
    ck_assert_int_eq(page.count, 1);
    dsc_key_page_clear(&page);
    ck_assert_int_eq(dsc_list_keys(c, &s, NULL, true, 100, NULL, &page), DSC_OK);
    ck_assert_int_eq(page.count, 26);
    bool found = false;
    for (size_t i = 0; i < page.count; i++)
        found |=
            strcmp(page.keys[i].scope, "other") == 0 && strcmp(page.keys[i].key, "elsewhere") == 0;
    ck_assert(found);
    dsc_key_page_clear(&page);

    struct dsc_store_page stores;
    ck_assert_int_eq(dsc_list_datastores(c, u, "Inv", 10, NULL, &stores), DSC_OK);
    ck_assert_int_eq(stores.count, 1);
    ck_assert_str_eq(stores.names[0], "Inventory");
    ck_assert_int_gt(stores.created_ms[0], 0);
    dsc_store_page_clear(&stores);

    char first[DSC_VERSION_CAP];
    ck_assert_int_eq(dsc_set(c, &s, "hist", "\"one\"", NULL, first), DSC_OK);
    clock_advance(&srv, 10);
    ck_assert_int_eq(dsc_set(c, &s, "hist", "\"two\"", NULL, NULL), DSC_OK);
    ck_assert_int_eq(dsc_remove(c, &s, "hist", 0), DSC_OK);
    struct dsc_version_page versions;
    ck_assert_int_eq(dsc_list_versions(c, &s, "hist", NULL, &versions), DSC_OK);
    ck_assert_int_eq(versions.count, 3);
    ck_assert_str_eq(versions.versions[0].version, first);
    ck_assert(!versions.versions[0].deleted && versions.versions[2].deleted);
    ck_assert_int_eq(versions.versions[0].content_length, 5);
    ck_assert_int_ge(versions.versions[1].created_ms, versions.versions[0].created_ms + 10000);
    char tombstone[DSC_VERSION_CAP];
    memcpy(tombstone, versions.versions[2].version, DSC_VERSION_CAP);
    int64_t second_ms = versions.versions[1].created_ms;
    dsc_version_page_clear(&versions);
    struct dsc_version_query q = {.descending = true, .limit = 1};
    ck_assert_int_eq(dsc_list_versions(c, &s, "hist", &q, &versions), DSC_OK);
    ck_assert_int_eq(versions.count, 1);
    ck_assert_str_eq(versions.versions[0].version, tombstone);
    ck_assert_ptr_nonnull(versions.next_cursor);
    dsc_version_page_clear(&versions);
    q = (struct dsc_version_query){.max_ms = second_ms - 1};
    ck_assert_int_eq(dsc_list_versions(c, &s, "hist", &q, &versions), DSC_OK);
    ck_assert_int_eq(versions.count, 1);
    dsc_version_page_clear(&versions);

    char *value = NULL;
    struct dsc_key_info info;
    ck_assert_int_eq(dsc_get_version(c, &s, "hist", first, &value, &info), DSC_OK);
    ck_assert_str_eq(value, "\"one\"");
    ck_assert_str_eq(info.version, first);
    free(value);
    dsc_key_info_clear(&info);
    ck_assert_int_eq(dsc_get_version(c, &s, "hist", tombstone, &value, NULL), DSC_NOT_FOUND);
    ck_assert_int_eq(dsc_get_version(c, &s, "hist", "not-a-version", &value, NULL), DSC_ERR_HTTP);
    ck_assert_int_eq(dsc_last_error(c)->http_status, 400);
    dsc_client_free(c);
}
END_TEST

/* Ordered stores: set, get, increment, remove; sorted pages with bounds and tokens. */
START_TEST(ordered_and_sorted)
{
    dsc_client *c = client_with(NULL);
    struct dsc_store s = {.universe = unique_universe(), .datastore = "Leaderboard"};
    char key[16];
    for (int i = 1; i <= 30; i++) {
        snprintf(key, sizeof key, "p%d", i);
        ck_assert_int_eq(dsc_ordered_set(c, &s, key, i * 10), DSC_OK);
    }
    int64_t v;
    ck_assert_int_eq(dsc_ordered_get(c, &s, "p3", &v), DSC_OK);
    ck_assert_int_eq(v, 30);
    ck_assert_int_eq(dsc_ordered_increment(c, &s, "p3", 1000, &v), DSC_OK);
    ck_assert_int_eq(v, 1030);
    ck_assert_int_eq(dsc_ordered_remove(c, &s, "p30"), DSC_OK);
    ck_assert_int_eq(dsc_ordered_get(c, &s, "p30", &v), DSC_NOT_FOUND);

    struct dsc_sorted_query q = {.descending = true, .page_size = 5};
    struct dsc_sorted_page page;
    ck_assert_int_eq(dsc_sorted(c, &s, &q, &page), DSC_OK);
    ck_assert_int_eq(page.count, 5);
    ck_assert_str_eq(page.entries[0].key, "p3");
    ck_assert_int_eq(page.entries[0].value, 1030);
    ck_assert_str_eq(page.entries[1].key, "p29");
    ck_assert_ptr_nonnull(page.next_page_token);
    q.page_token = page.next_page_token;
    struct dsc_sorted_page next;
    ck_assert_int_eq(dsc_sorted(c, &s, &q, &next), DSC_OK);
    ck_assert_int_eq(next.entries[0].value, 250);
    dsc_sorted_page_clear(&page);
    dsc_sorted_page_clear(&next);

    int64_t min = 100, max = 150;
    q = (struct dsc_sorted_query){.page_size = 100, .min_value = &min, .max_value = &max};
    ck_assert_int_eq(dsc_sorted(c, &s, &q, &page), DSC_OK);
    ck_assert_int_eq(page.count, 6);
    ck_assert_int_eq(page.entries[0].value, 100);
    ck_assert_int_eq(page.entries[5].value, 150);
    ck_assert_ptr_null(page.next_page_token);
    dsc_sorted_page_clear(&page);
    q.page_size = 101;
    ck_assert_int_eq(dsc_sorted(c, &s, &q, &page), DSC_ERR_INVALID);
    dsc_client_free(c);
}
END_TEST

/* Locks: a held lock blocks writes without the token, a stolen one fences the old holder,
 * unlock saves a final value with ids and metadata. */
START_TEST(session_locks)
{
    dsc_client *c = client_with(NULL);
    struct dsc_store s = {.universe = unique_universe(), .datastore = "Players"};
    struct dsc_lock lock, stolen;
    ck_assert_int_eq(dsc_lock(c, &s, "u1", "server-a", 30, DSC_LOCK_FAIL, 0, &lock), DSC_OK);
    ck_assert_str_eq(lock.owner, "server-a");
    ck_assert_int_gt(lock.token, 0);
    ck_assert_int_eq(strlen(lock.expire_time) > 0, 1);
    ck_assert_int_eq(dsc_set(c, &s, "u1", "1", NULL, NULL), DSC_ERR_HTTP);
    ck_assert_str_eq(dsc_last_error(c)->detail, "LockHeld");
    struct dsc_write_options with = {.lock_token = lock.token};
    ck_assert_int_eq(dsc_set(c, &s, "u1", "2", &with, NULL), DSC_OK);
    ck_assert_int_eq(dsc_lock(c, &s, "u1", "server-b", 30, DSC_LOCK_FAIL, 0, NULL), DSC_ERR_HTTP);
    ck_assert_int_eq(dsc_last_error(c)->http_status, 409);
    ck_assert_int_eq(dsc_renew_lock(c, &s, "u1", lock.token, 60, &lock), DSC_OK);
    ck_assert_int_eq(dsc_lock(c, &s, "u1", "server-b", 30, DSC_LOCK_STEAL, 0, &stolen), DSC_OK);
    ck_assert_int_gt(stolen.token, lock.token);
    ck_assert_int_eq(dsc_set(c, &s, "u1", "3", &with, NULL), DSC_ERR_HTTP);
    ck_assert_str_eq(dsc_last_error(c)->detail, "LockLost");
    int64_t ids[] = {5};
    struct dsc_write_options final = {.user_ids = ids, .user_id_count = 1, .metadata = "{\"m\":1}"};
    ck_assert_int_eq(dsc_unlock(c, &s, "u1", stolen.token, "{\"saved\":true}", &final), DSC_OK);
    char *value = NULL;
    struct dsc_key_info info;
    ck_assert_int_eq(dsc_get(c, &s, "u1", &value, &info), DSC_OK);
    ck_assert_str_eq(value, "{\"saved\":true}");
    ck_assert_int_eq(info.user_ids[0], 5);
    ck_assert_str_eq(info.metadata, "{\"m\":1}");
    free(value);
    dsc_key_info_clear(&info);
    ck_assert_int_eq(dsc_set(c, &s, "u1", "4", NULL, NULL), DSC_OK); /* released */
    ck_assert_int_eq(dsc_unlock(c, &s, "u1", 0, NULL, NULL), DSC_ERR_INVALID);
    dsc_client_free(c);
}
END_TEST

/* 429 is retried after Retry-After; 5xx and dropped connections with backoff. */
START_TEST(retry_recovers_from_injected_faults)
{
    clear_rules();
    long long u = unique_universe();
    dsc_client *c = client_with(&(struct dsc_retry_policy){.base_delay_ms = 20});
    struct dsc_store s = {.universe = u, .datastore = "Players"};
    ck_assert_int_eq(dsc_set(c, &s, "k", "\"v\"", NULL, NULL), DSC_OK);

    add_fault(u, "get", "{\"type\":\"throttle\",\"retryAfterSeconds\":1}", 2);
    double t0 = now_s();
    ck_assert_int_eq(dsc_get(c, &s, "k", NULL, NULL), DSC_OK);
    double waited = now_s() - t0;
    ck_assert_int_eq(dsc_last_attempts(c), 3);
    ck_assert_msg(waited >= 2.0 && waited < 6.0, "waited %.2f s for two Retry-After: 1", waited);

    add_fault(u, "get", "{\"type\":\"error\",\"status\":503,\"retryAfterSeconds\":0}", 2);
    ck_assert_int_eq(dsc_get(c, &s, "k", NULL, NULL), DSC_OK);
    ck_assert_int_eq(dsc_last_attempts(c), 3);

    add_fault(u, "get", "{\"type\":\"drop\"}", 3);
    ck_assert_int_eq(dsc_get(c, &s, "k", NULL, NULL), DSC_OK);
    /* libcurl itself resends once when a reused connection dies before answering, so three
     * drops take two or three of our attempts; all three must have fired. */
    ck_assert_int_ge(dsc_last_attempts(c), 2);
    ck_assert_int_eq(last_rule_fired(), 3);

    add_fault(u, "set", "{\"type\":\"error\",\"status\":500,\"retryAfterSeconds\":0}", 1);
    ck_assert_int_eq(dsc_set(c, &s, "k", "\"w\"", NULL, NULL), DSC_OK);
    ck_assert_int_eq(dsc_last_attempts(c), 2);
    clear_rules();
    dsc_client_free(c);
}
END_TEST

/* Never retried: 4xx; exhausted: more failures than retries; too long a Retry-After. */
START_TEST(retry_gives_up_when_it_should)
{
    clear_rules();
    long long u = unique_universe();
    dsc_client *c = client_with(&(struct dsc_retry_policy){
        .base_delay_ms = 10, .max_retries = 2, .max_retry_after_ms = 5000});
    struct dsc_store s = {.universe = u, .datastore = "Players"};
    ck_assert_int_eq(dsc_set(c, &s, "k", "\"v\"", NULL, NULL), DSC_OK);

    add_fault(u, "get", "{\"type\":\"error\",\"status\":400}", 1);
    ck_assert_int_eq(dsc_get(c, &s, "k", NULL, NULL), DSC_ERR_HTTP);
    ck_assert_int_eq(dsc_last_error(c)->http_status, 400);
    ck_assert_int_eq(dsc_last_attempts(c), 1);
    ck_assert_int_eq(dsc_get(c, &s, "k", NULL, NULL), DSC_OK); /* the rule is used up */

    add_fault(u, "get", "{\"type\":\"error\",\"status\":503,\"retryAfterSeconds\":0}", 10);
    ck_assert_int_eq(dsc_get(c, &s, "k", NULL, NULL), DSC_ERR_HTTP);
    ck_assert_int_eq(dsc_last_error(c)->http_status, 503);
    ck_assert_str_eq(dsc_last_error(c)->code, "UNAVAILABLE");
    ck_assert_int_eq(dsc_last_error(c)->attempts, 3);
    clear_rules();

    add_fault(u, "get", "{\"type\":\"throttle\",\"retryAfterSeconds\":60}", 1);
    double t0 = now_s();
    ck_assert_int_eq(dsc_get(c, &s, "k", NULL, NULL), DSC_ERR_HTTP);
    ck_assert(now_s() - t0 < 2.0);
    ck_assert_int_eq(dsc_last_error(c)->http_status, 429);
    ck_assert(dsc_last_error(c)->retry_after_seconds == 60.0);
    ck_assert_int_eq(dsc_last_attempts(c), 1);
    clear_rules();

    /* Nobody listening: transport errors, retried, then reported. */
    struct dsc_options o = {.base_url = "http://127.0.0.1:1",
                            .retry = {.base_delay_ms = 5, .max_retries = 2}};
    dsc_client *dead = dsc_client_new(&o);
    ck_assert_int_eq(dsc_get(dead, &s, "k", NULL, NULL), DSC_ERR_TRANSPORT);
    ck_assert_int_eq(dsc_last_attempts(dead), 3);
    ck_assert_int_eq(dsc_last_error(dead)->http_status, 0);
    dsc_client_free(dead);
    dsc_client_free(c);
}
END_TEST

/* An increment whose 503 came after it committed is not repeated unless asked: repeating it
 * (retry_unsafe_writes) adds twice, which is why it is off by default. */
START_TEST(unsafe_writes_are_not_repeated)
{
    clear_rules();
    long long u = unique_universe();
    dsc_client *c = client_with(&(struct dsc_retry_policy){.base_delay_ms = 10});
    struct dsc_store s = {.universe = u, .datastore = "Players"};
    add_fault(u, "increment", "{\"type\":\"after_commit\",\"status\":503,\"retryAfterSeconds\":0}",
              1);
    ck_assert_int_eq(dsc_increment(c, &s, "n", 1, NULL, NULL, NULL), DSC_ERR_HTTP);
    ck_assert_int_eq(dsc_last_attempts(c), 1);
    char *value = NULL;
    ck_assert_int_eq(dsc_get(c, &s, "n", &value, NULL), DSC_OK);
    ck_assert_str_eq(value, "1"); /* it did commit */
    free(value);

    dsc_client *eager =
        client_with(&(struct dsc_retry_policy){.base_delay_ms = 10, .retry_unsafe_writes = true});
    add_fault(u, "increment", "{\"type\":\"after_commit\",\"status\":503,\"retryAfterSeconds\":0}",
              1);
    int64_t n = 0;
    ck_assert_int_eq(dsc_increment(eager, &s, "n", 1, NULL, &n, NULL), DSC_OK);
    ck_assert_int_eq(dsc_last_attempts(eager), 2);
    ck_assert_int_eq(n, 3); /* applied twice */
    clear_rules();
    dsc_client_free(eager);
    dsc_client_free(c);
}
END_TEST

Suite *client_suite(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("libdatastore");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, get_set_remove_with_key_info);
    tcase_add_test(tc, typed_errors);
    tcase_add_test(tc, increment_and_patch);
    tcase_add_test(tc, optimistic_update_under_contention);
    tcase_add_test(tc, update_keeps_metadata_and_cancels);
    tcase_add_test(tc, update_after_ambiguous_write_applies_once);
    tcase_add_test(tc, listing_and_versions);
    tcase_add_test(tc, ordered_and_sorted);
    tcase_add_test(tc, session_locks);
    tcase_add_test(tc, retry_recovers_from_injected_faults);
    tcase_add_test(tc, retry_gives_up_when_it_should);
    tcase_add_test(tc, unsafe_writes_are_not_repeated);
    suite_add_tcase(s, tc);
    return s;
}
