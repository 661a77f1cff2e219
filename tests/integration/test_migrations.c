/* test_migrations.c — the _version migration chain admin API: contiguous steps, the
 * {"patch","backwardsCompatible"} form, invalid documents, and the replace/delete rules. */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "harness.h"

static struct ds_proc srv;  /* --migrate-on-read store (default) */
static struct ds_proc view; /* --migrate-on-read view, same database */
static char db[1024];

static void setup(void)
{
    snprintf(db, sizeof db, "%s", harness_fresh_database("ds_migrations"));
    const char *a[] = {"--database-url", db, "--write-cooldown", "0", NULL};
    const char *b[] = {"--database-url", db,  "--write-cooldown", "0", "--migrate-on-read",
                       "view",           NULL};
    if (!proc_start(&srv, a) || !proc_start(&view, b)) {
        fprintf(stderr, "server did not start: %s\n", srv.log_path);
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&srv, SIGTERM) != 0 || proc_stop(&view, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly: %s\n", srv.log_path);
        exit(2);
    }
}

static long put_step(long long u, int n, const char *body)
{
    struct http_resp r = http_do(
        "PUT", url_of(&srv, "/admin/v1/universes/%lld/data-stores/Players/migrations/%d", u, n),
        body, strlen(body), NULL);
    long st = r.status;
    if (st != 200) {
        struct json_object *o = http_json(&r); /* errors are JSON too */
        ck_assert_ptr_nonnull(jstr(o, "message"));
        json_object_put(o);
    }
    http_free(&r);
    return st;
}

static struct json_object *chain(long long u)
{
    struct http_resp r =
        http_do("GET", url_of(&srv, "/admin/v1/universes/%lld/data-stores/Players/migrations", u),
                NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    http_free(&r);
    return o;
}

static long del_step(long long u, int n)
{
    struct http_resp r = http_do(
        "DELETE", url_of(&srv, "/admin/v1/universes/%lld/data-stores/Players/migrations/%d", u, n),
        NULL, 0, NULL);
    long st = r.status;
    http_free(&r);
    return st;
}

/* Steps are added contiguously from 1 and listed in order with their flags. */
START_TEST(contiguous_chain)
{
    long long u = unique_universe();
    ck_assert_int_eq(put_step(u, 2, "[]"), 400); /* must start at 1 */
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"add\",\"path\":\"/gems\",\"value\":0}]"), 200);
    ck_assert_int_eq(
        put_step(u, 2,
                 "{\"patch\":[{\"op\":\"move\",\"from\":\"/coins\",\"path\":\"/gold\"}],"
                 "\"backwardsCompatible\":true}"),
        200);
    ck_assert_int_eq(put_step(u, 4, "[]"), 400); /* gap */
    ck_assert_int_eq(put_step(u, 3, "[{\"op\":\"remove\",\"path\":\"/old\"}]"), 200);
    struct json_object *o = chain(u), *steps;
    ck_assert_int_eq(jint(o, "latestVersion"), 3);
    ck_assert_str_eq(jstr(o, "dataStore"), "Players");
    json_object_object_get_ex(o, "steps", &steps);
    ck_assert_int_eq(json_object_array_length(steps), 3);
    struct json_object *s2 = json_object_array_get_idx(steps, 1), *b;
    ck_assert_int_eq(jint(s2, "step"), 2);
    json_object_object_get_ex(s2, "backwardsCompatible", &b);
    ck_assert(json_object_get_boolean(b));
    json_object_put(o);
}
END_TEST

/* Documents that are not JSON Patch are refused with a message. */
START_TEST(invalid_documents)
{
    long long u = unique_universe();
    ck_assert_int_eq(put_step(u, 1, "not json"), 400);
    ck_assert_int_eq(put_step(u, 1, "{\"op\":\"add\"}"), 400);
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"teleport\",\"path\":\"/a\"}]"), 400);
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"add\",\"path\":\"/a\"}]"), 400);
    ck_assert_int_eq(put_step(u, 0, "[]"), 400);
    ck_assert_int_eq(put_step(u, 1, "{\"backwardsCompatible\":true}"), 400);
    struct json_object *o = chain(u);
    ck_assert_int_eq(jint(o, "latestVersion"), 0);
    json_object_put(o);
}
END_TEST

/* Only the last, never-applied step can be deleted; an applied step cannot be replaced. */
START_TEST(replace_and_delete_rules)
{
    long long u = unique_universe();
    ck_assert_int_eq(put_step(u, 1, "[]"), 200);
    ck_assert_int_eq(put_step(u, 2, "[]"), 200);
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"add\",\"path\":\"/x\",\"value\":1}]"), 200);
    ck_assert_int_eq(del_step(u, 1), 409); /* not the last */
    ck_assert_int_eq(del_step(u, 7), 404);
    ck_assert_int_eq(del_step(u, 2), 200);
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE datastore_migrations SET applied = true WHERE universe_id = %lld AND step = 1",
             u);
    harness_sql(db, sql); /* as if stored data had been migrated by step 1 */
    ck_assert_int_eq(put_step(u, 1, "[]"), 409);
    ck_assert_int_eq(del_step(u, 1), 409);
    ck_assert_int_eq(put_step(u, 2, "[]"), 200);
}
END_TEST

#include <pthread.h>

/* The acceptance chain: add a field with a default, rename a field, restructure an array. */
static void define_chain(long long u, bool compatible_2, bool compatible_3)
{
    char body[256];
    ck_assert_int_eq(put_step(u, 1, "[{\"op\":\"add\",\"path\":\"/gems\",\"value\":0}]"), 200);
    snprintf(body, sizeof body,
             "{\"patch\":[{\"op\":\"move\",\"from\":\"/coins\",\"path\":\"/gold\"}],"
             "\"backwardsCompatible\":%s}",
             compatible_2 ? "true" : "false");
    ck_assert_int_eq(put_step(u, 2, body), 200);
    snprintf(body, sizeof body,
             "{\"patch\":[{\"op\":\"add\",\"path\":\"/inventory\",\"value\":{}},"
             "{\"op\":\"move\",\"from\":\"/items\",\"path\":\"/inventory/items\"}],"
             "\"backwardsCompatible\":%s}",
             compatible_3 ? "true" : "false");
    ck_assert_int_eq(put_step(u, 3, body), 200);
}

static struct http_resp entry(const struct ds_proc *p, const char *method, long long u,
                              const char *key, const char *body, const char *schema)
{
    char hdr[64];
    const char *h[] = {hdr, NULL};
    if (schema) snprintf(hdr, sizeof hdr, "x-schema-version: %s", schema);
    return http_do(method,
                   url_of(p, "/cloud/v2/universes/%lld/data-stores/Players/entries/%s", u, key),
                   body, body ? strlen(body) : 0, schema ? h : NULL);
}

static int revisions(long long u, const char *key)
{
    struct http_resp r = entry(&srv, "GET", u, key, NULL, NULL);
    http_free(&r);
    char k[64];
    snprintf(k, sizeof k, "%s:listRevisions?maxPageSize=100", key);
    r = entry(&srv, "GET", u, k, NULL, NULL);
    struct json_object *o = http_json(&r), *list;
    json_object_object_get_ex(o, "dataStoreEntries", &list);
    int n = (int)json_object_array_length(list);
    json_object_put(o);
    http_free(&r);
    return n;
}

/* A value written before the chain existed is returned migrated on read and stored as a new
 * version; the pre-migration value stays in the history; used steps become applied. */
START_TEST(lazy_on_read)
{
    long long u = unique_universe();
    struct http_resp r = entry(&srv, "PATCH", u, "p?allowMissing=true",
                               "{\"value\":{\"coins\":5,\"items\":[\"sword\"]}}", NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    define_chain(u, false, false);
    r = entry(&view, "GET", u, "p", NULL, NULL); /* view mode: migrated, not stored */
    ck_assert_ptr_nonnull(strstr(r.body, "\"_version\":3"));
    http_free(&r);
    r = entry(&srv, "GET", u, "p:listRevisions", NULL, NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "\"nextPageToken\""));
    http_free(&r);
    r = entry(&srv, "GET", u, "p", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(
        r.body,
        "\"value\":{\"gems\":0,\"_version\":3,\"gold\":5,\"inventory\":{\"items\":[\"sword\"]}}"));
    http_free(&r);
    ck_assert_int_eq(revisions(u, "p"), 2); /* original + migrated */
    r = http_do("GET",
                url_of(&srv,
                       "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry/"
                       "versions?datastoreName=Players&entryKey=p",
                       u),
                NULL, 0, NULL);
    struct json_object *o = http_json(&r), *vs;
    json_object_object_get_ex(o, "versions", &vs);
    char q[256];
    snprintf(q, sizeof q,
             "/datastores/v1/universes/%lld/standard-datastores/datastore/entries/entry/versions/"
             "version?datastoreName=Players&entryKey=p&versionId=%s",
             u, jstr(json_object_array_get_idx(vs, 0), "version"));
    json_object_put(o);
    http_free(&r);
    r = http_do("GET", url_of(&srv, "%s", q), NULL, 0, NULL);
    ck_assert_str_eq(r.body, "{\"coins\":5,\"items\":[\"sword\"]}"); /* history keeps it */
    http_free(&r);
    ck_assert_int_eq(put_step(u, 1, "[]"), 409); /* step 1 has migrated data now */
}
END_TEST

/* Writes of an older _version are migrated before they are stored. */
START_TEST(lazy_on_write)
{
    long long u = unique_universe();
    define_chain(u, false, false);
    struct http_resp r =
        entry(&srv, "PATCH", u, "w?allowMissing=true",
              "{\"value\":{\"_version\":1,\"gems\":2,\"coins\":1,\"items\":[]}}", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"_version\":3"));
    ck_assert_ptr_nonnull(strstr(r.body, "\"gold\":1"));
    http_free(&r);
    ck_assert_int_eq(revisions(u, "w"), 1);
    r = entry(&srv, "PATCH", u, "s?allowMissing=true", "{\"value\":\"not an object\"}", NULL);
    ck_assert_int_eq(r.status, 200); /* non-objects are left alone */
    ck_assert_ptr_nonnull(strstr(r.body, "\"value\":\"not an object\""));
    http_free(&r);
}
END_TEST

/* A step that fails leaves the entry untouched and is reported in the read's error body. */
START_TEST(failing_step_reported)
{
    long long u = unique_universe();
    struct http_resp r =
        entry(&srv, "PATCH", u, "f?allowMissing=true", "{\"value\":{\"silver\":1}}", NULL);
    http_free(&r);
    define_chain(u, false, false);
    r = entry(&srv, "GET", u, "f", NULL, NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_ptr_nonnull(strstr(r.body, "MigrationFailed"));
    ck_assert_ptr_nonnull(strstr(r.body, "step 2"));
    http_free(&r);
    ck_assert_int_eq(revisions(u, "f"), 1);
}
END_TEST

/* x-schema-version: data newer than the client and not backwards-compatible is refused on
 * read and write; compatible steps are allowed. */
START_TEST(schema_version_header)
{
    long long u = unique_universe();
    define_chain(u, true, false);
    struct http_resp r = entry(&srv, "PATCH", u, "x?allowMissing=true",
                               "{\"value\":{\"coins\":1,\"items\":[]}}", NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = entry(&srv, "GET", u, "x", NULL, "2");
    ck_assert_int_eq(r.status, 409);
    ck_assert_ptr_nonnull(strstr(r.body, "SchemaTooNew"));
    http_free(&r);
    r = entry(&srv, "GET", u, "x", NULL, "3");
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = entry(&srv, "PATCH", u, "x", "{\"value\":{\"_version\":1,\"coins\":1,\"items\":[]}}", "1");
    ck_assert_int_eq(r.status, 409);
    http_free(&r);
    long long u2 = unique_universe();
    define_chain(u2, true, true);
    r = entry(&srv, "PATCH", u2, "y?allowMissing=true", "{\"value\":{\"coins\":1,\"items\":[]}}",
              NULL);
    http_free(&r);
    r = entry(&srv, "GET", u2, "y", NULL, "1");
    ck_assert_int_eq(r.status, 200); /* steps 2 and 3 are backwards-compatible */
    http_free(&r);
    r = entry(&srv, "GET", u2, "y", NULL, "-4");
    ck_assert_int_eq(r.status, 400);
    http_free(&r);
}
END_TEST

struct reader {
    long long universe;
    long status;
};

static void *read_main(void *arg)
{
    struct reader *rd = arg;
    struct http_resp r = entry(&srv, "GET", rd->universe, "c", NULL, NULL);
    rd->status = r.status;
    http_free(&r);
    return NULL;
}

/* Eight concurrent readers of one unmigrated entry produce one migrated version, not eight. */
START_TEST(concurrent_lazy_migration_once)
{
    long long u = unique_universe();
    struct http_resp r = entry(&srv, "PATCH", u, "c?allowMissing=true",
                               "{\"value\":{\"coins\":1,\"items\":[]}}", NULL);
    http_free(&r);
    define_chain(u, false, false);
    pthread_t t[8];
    struct reader rd[8];
    for (int i = 0; i < 8; i++) {
        rd[i] = (struct reader){u, 0};
        pthread_create(&t[i], NULL, read_main, &rd[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(rd[i].status, 200);
    }
    ck_assert_int_eq(revisions(u, "c"), 2);
}
END_TEST

/* Eager run over 10,000 entries in bounded batches: every old entry migrated, failures and
 * locked entries counted and reported, progress visible while it runs. */
START_TEST(eager_run)
{
    long long u = unique_universe();
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO datastores VALUES (%lld, 'Players', 0, NULL);"
             "INSERT INTO entries (universe_id, datastore, scope, key, created_us, version_seq,"
             " version_us, version_hour_first, deleted, value, value_md5, content_length)"
             " SELECT %lld, 'Players', 'global', 'e' || g, 0, 1, 0, true, false, v,"
             " md5(v), length(v) FROM generate_series(1, 10000) g,"
             " LATERAL (SELECT CASE WHEN g %% 2500 = 0 THEN '{\"silver\":1}'"
             " ELSE '{\"coins\":' || g || ',\"items\":[]}' END AS v) x",
             u, u);
    harness_sql(db, sql);
    define_chain(u, false, false);
    struct http_resp r =
        entry(&srv, "POST", u, "e7:lock", "{\"owner\":\"job\",\"ttlSeconds\":600}", NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    r = http_do("POST",
                url_of(&srv, "/admin/v1/universes/%lld/data-stores/Players/migrations:run", u), "",
                0, NULL);
    ck_assert_int_eq(r.status, 200);
    struct json_object *o = http_json(&r);
    ck_assert_int_eq(jint(o, "total"), 10000);
    ck_assert_int_eq(jint(o, "targetVersion"), 3);
    json_object_put(o);
    http_free(&r);
    const char *state = "running";
    for (int i = 0; i < 600 && !strcmp(state, "running"); i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL); /* the run proceeds on its own thread */
        r = http_do("GET",
                    url_of(&srv, "/admin/v1/universes/%lld/data-stores/Players/migrations:run", u),
                    NULL, 0, NULL);
        o = http_json(&r);
        state = strcmp(jstr(o, "state"), "running") ? "finished" : "running";
        if (!strcmp(state, "finished")) {
            ck_assert_int_eq(jint(o, "done"), 10000 - 4 - 1);
            ck_assert_int_eq(jint(o, "failed"), 4);
            ck_assert_int_eq(jint(o, "skippedLocked"), 1);
            struct json_object *errors;
            json_object_object_get_ex(o, "errors", &errors);
            ck_assert_int_eq(json_object_array_length(errors), 5); /* 4 failures + the lock */
            ck_assert_ptr_nonnull(
                strstr(jstr(json_object_array_get_idx(errors, 0), "reason"), "step 2"));
            fprintf(stderr, "eager migration: %.0f entries/s (sanitizer build)\n",
                    json_object_get_double(json_object_object_get(o, "ratePerSecond")));
        }
        json_object_put(o);
        http_free(&r);
    }
    ck_assert_str_eq(state, "finished");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM entries WHERE universe_id = %lld AND schema_version = 3", u);
    ck_assert_str_eq(harness_sql(db, sql), "9995");
    snprintf(sql, sizeof sql,
             "SELECT value FROM entries WHERE universe_id = %lld AND key = 'e2500'", u);
    ck_assert_str_eq(harness_sql(db, sql), "{\"silver\":1}"); /* failed: left untouched */
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    int n = snprintf(path, sizeof path, "%.600s/%.200s", dir, name);
    ck_assert(n > 0 && (size_t)n < sizeof path);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* --data-migrations DIR: DIR/<datastore>/<n>.json become the default chain of every
 * universe; restarting with the same files works after they were applied; a gap or a bad
 * file stops the start-up with a message naming the file. */
START_TEST(data_migrations_dir)
{
    char dir[] = "/tmp/ds-migrations-XXXXXX", sub[600];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/Filed", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    write_file(sub, "1.json", "[{\"op\":\"add\",\"path\":\"/gems\",\"value\":0}]");
    write_file(sub, "2.json",
               "{\"patch\":[{\"op\":\"move\",\"from\":\"/coins\",\"path\":\"/gold\"}],"
               "\"backwardsCompatible\":true}");
    const char *args[] = {"--database-url", db, "--data-migrations", dir, NULL};
    struct ds_proc p;
    ck_assert_msg(proc_start(&p, args), "did not start: %s", p.log_path);
    long long u = unique_universe();
    const char *body = "{\"value\":{\"coins\":3}}";
    struct http_resp r = http_do(
        "PATCH",
        url_of(&p, "/cloud/v2/universes/%lld/data-stores/Filed/entries/k?allowMissing=true", u),
        body, strlen(body), NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"gold\":3"));
    ck_assert_ptr_nonnull(strstr(r.body, "\"_version\":2"));
    http_free(&r);
    r = http_do("GET", url_of(&p, "/admin/v1/universes/%lld/data-stores/Filed/migrations", u), NULL,
                0, NULL);
    struct json_object *o = http_json(&r);
    ck_assert_int_eq(jint(o, "latestVersion"), 2);
    json_object_put(o);
    http_free(&r);
    ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);
    ck_assert_msg(proc_start(&p, args), "restart failed: %s", p.log_path); /* applied, unchanged */
    ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);

    write_file(sub, "4.json", "[]"); /* gap: 3 is missing */
    ck_assert(!proc_start(&p, args));
    ck_assert(proc_log_contains(&p, "3.json is missing"));
    write_file(sub, "3.json", "{not json");
    ck_assert(!proc_start(&p, args));
    ck_assert(proc_log_contains(&p, "Filed/3.json"));
}
END_TEST

Suite *migrations_suite(void)
{
    Suite *s = suite_create("migrations");
    TCase *tc = tcase_create("chain-api");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, contiguous_chain);
    tcase_add_test(tc, invalid_documents);
    tcase_add_test(tc, replace_and_delete_rules);
    tcase_add_test(tc, lazy_on_read);
    tcase_add_test(tc, lazy_on_write);
    tcase_add_test(tc, failing_step_reported);
    tcase_add_test(tc, schema_version_header);
    tcase_add_test(tc, concurrent_lazy_migration_once);
    tcase_add_test(tc, eager_run);
    tcase_add_test(tc, data_migrations_dir);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
