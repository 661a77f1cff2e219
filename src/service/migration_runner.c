/* service/migration_runner.c — see migration_runner.h. */
#include "service/migration_runner.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pg/query.h"
#include "service/entries.h"
#include "service/migrations.h"
#include "store/migration_runs.h"

#define BATCH 200
#define IDLE_MS 200

/* Works one batch of one run; returns false when the database failed (retry later).
 * *more is set when the run has entries left. */
static bool run_batch(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                      const char *datastore, bool *more)
{
    struct ds_error err;
    PGresult *batch = NULL;
    struct migration_run run = {0};
    struct migration_chain chain = {0};
    bool ok = false;
    if (store_run_get(db, universe, datastore, &run, &err) != DS_OK || !run.found ||
        migrations_load(db, universe, datastore, &chain, &err) != DS_OK)
        goto out;
    int target = chain.n;
    if (store_run_batch(db, universe, datastore, target, run.cursor_scope, run.cursor_key, BATCH,
                        &batch, &err) != DS_OK)
        goto out;
    int n = PQntuples(batch);
    int64_t done = 0, failed = 0, skipped = 0;
    struct json_object *errors = json_object_new_array();
    for (int i = 0; i < n; i++) {
        struct entry_ref ref = {universe, datastore, PQgetvalue(batch, i, 0),
                                PQgetvalue(batch, i, 1)};
        struct write_spec spec = {.op = WRITE_MIGRATE, .skip_locked = true};
        struct write_outcome out;
        if (entries_write(ctx, db, &ref, &spec, &out, &err) == DS_OK) {
            done += out.changed;
            write_outcome_free(&out);
            continue;
        }
        bool locked = err.detail && !strcmp(err.detail, "LockHeld");
        if (locked || (err.detail && !strcmp(err.detail, "MigrationFailed"))) {
            if (locked)
                skipped++;
            else
                failed++;
            struct json_object *e = json_object_new_object();
            json_object_object_add(e, "scope", json_object_new_string(ref.scope));
            json_object_object_add(e, "key", json_object_new_string(ref.key));
            json_object_object_add(e, "reason",
                                   json_object_new_string(locked ? "skipped: under a live session "
                                                                   "lock; a later run retries it"
                                                                 : err.message));
            json_object_array_add(errors, e);
        } else {
            n = i; /* the database failed: keep the cursor before this entry */
            break;
        }
    }
    const char *scope = n ? PQgetvalue(batch, n - 1, 0) : run.cursor_scope;
    const char *key = n ? PQgetvalue(batch, n - 1, 1) : run.cursor_key;
    bool finished = PQntuples(batch) < BATCH && n == PQntuples(batch);
    *more = !finished;
    ok = store_run_progress(db, universe, datastore, done, failed, skipped, scope, key,
                            json_object_to_json_string_ext(errors, JSON_C_TO_STRING_PLAIN),
                            finished, clock_now_us(&ctx->clock), &err) == DS_OK;
    json_object_put(errors);
out:
    if (!ok) log_warn("migration run %s: %s", datastore, err.message);
    migration_chain_free(&chain);
    PQclear(batch);
    migration_run_clear(&run);
    return ok;
}

/* One pass over every running run; true when some run has work left. */
static bool pass(struct migration_runner *r)
{
    bool more = false;
    struct ds_error err;
    struct pg_conn *db = pg_pool_acquire(&r->ctx->pool, 1000, &err);
    if (!db) return false;
    PGresult *runs = NULL;
    PGresult *lock = pg_run(db, "migration_runner_try_lock", NULL, &err);
    bool mine = lock && pg_bool(lock, 0, 0);
    PQclear(lock);
    if (mine && store_runs_running(db, &runs, &err) == DS_OK) {
        for (int i = 0; i < PQntuples(runs); i++) {
            bool left = false;
            if (run_batch(r->ctx, db, pg_i64(runs, i, 0), PQgetvalue(runs, i, 1), &left))
                more = more || left;
        }
    }
    PQclear(runs);
    if (mine) PQclear(pg_run(db, "migration_runner_unlock", NULL, &err));
    pg_pool_release(&r->ctx->pool, db);
    return more;
}

static void *runner_main(void *arg)
{
    struct migration_runner *r = arg;
    bool busy = false;
    pthread_mutex_lock(&r->mu);
    while (!r->stop) {
        if (busy) { /* work left: next batch at once */
            pthread_mutex_unlock(&r->mu);
            busy = pass(r);
            pthread_mutex_lock(&r->mu);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += IDLE_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&r->cv, &r->mu, &until);
        if (r->stop) break;
        pthread_mutex_unlock(&r->mu);
        busy = pass(r);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

ds_status migration_runner_start(struct migration_runner *r, struct ds_ctx *ctx, char *err,
                                 size_t cap)
{
    r->ctx = ctx;
    r->stop = false;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    int rc = pthread_create(&r->thread, NULL, runner_main, r);
    if (rc != 0) {
        snprintf(err, cap, "cannot start the migration runner: %s", strerror(rc));
        return DS_ERR;
    }
    r->running = true;
    return DS_OK;
}

void migration_runner_stop(struct migration_runner *r)
{
    if (!r->running) return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    r->running = false;
}
