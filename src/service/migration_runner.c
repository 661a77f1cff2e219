/* service/migration_runner.c — see migration_runner.h. */
#include "service/migration_runner.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "core/limits.h"
#include "service/entries.h"
#include "service/migrations.h"
#include "store/migration_runs.h"

#define BATCH 200

/* A batch of keys to migrate, copied out of the query (names are at most 50 bytes). */
struct key_batch {
    int n;
    struct {
        char scope[LIMIT_NAME_BYTES + 1], key[LIMIT_NAME_BYTES + 1];
    } keys[BATCH];
};

static bool add_batch_key(const struct key_list_row *row, void *arg)
{
    struct key_batch *b = arg;
    if (b->n == BATCH) return false;
    snprintf(b->keys[b->n].scope, sizeof b->keys[b->n].scope, "%s", row->scope);
    snprintf(b->keys[b->n].key, sizeof b->keys[b->n].key, "%s", row->key);
    b->n++;
    return true;
}

/* Migrates the batch's keys in order; returns how many were worked on (fewer than b->n when
 * the database failed: the cursor stays before that entry), counting into *done, *failed,
 * *skipped and adding the failures to errors. */
static int migrate_batch(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                         const char *datastore, const struct key_batch *b, int64_t counts[3],
                         struct json_object *errors)
{
    for (int i = 0; i < b->n; i++) {
        struct entry_ref ref = {universe, datastore, b->keys[i].scope, b->keys[i].key};
        struct write_spec spec = {.op = WRITE_MIGRATE, .skip_locked = true};
        struct write_outcome out;
        struct ds_error err;
        if (entries_write(ctx, db, &ref, &spec, &out, &err) == DS_OK) {
            counts[0] += out.changed;
            write_outcome_free(&out);
            continue;
        }
        bool locked = err.detail && !strcmp(err.detail, "LockHeld");
        if (!locked && !(err.detail && !strcmp(err.detail, "MigrationFailed"))) return i;
        counts[locked ? 2 : 1]++;
        struct json_object *e = json_object_new_object();
        json_object_object_add(e, "scope", json_object_new_string(ref.scope));
        json_object_object_add(e, "key", json_object_new_string(ref.key));
        json_object_object_add(e, "reason",
                               json_object_new_string(locked ? "skipped: under a live session "
                                                               "lock; a later run retries it"
                                                             : err.message));
        json_object_array_add(errors, e);
    }
    return b->n;
}

/* Works one batch of one run; returns false when the database failed (retry later).
 * *more is set when the run has entries left. */
static bool run_batch(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                      const char *datastore, bool *more)
{
    struct ds_error err;
    struct migration_run run = {0};
    struct migration_chain chain = {0};
    struct key_batch *batch = calloc(1, sizeof *batch);
    struct json_object *errors = json_object_new_array();
    bool ok = false;
    if (!batch || !errors) {
        ds_fail(&err, 500, NULL, "out of memory");
        goto out;
    }
    if (store_run_get(db, universe, datastore, &run, &err) != DS_OK) goto out;
    if (!run.found) { /* reset between the listing and now: nothing to do */
        ok = true;
        goto out;
    }
    if (migrations_load(db, universe, datastore, &chain, &err) != DS_OK ||
        store_run_batch(db, universe, datastore, chain.n, run.cursor_scope, run.cursor_key, BATCH,
                        add_batch_key, batch, &err) != DS_OK)
        goto out;
    int64_t counts[3] = {0, 0, 0}; /* done, failed, skipped (locked) */
    int n = migrate_batch(ctx, db, universe, datastore, batch, counts, errors);
    const char *scope = n ? batch->keys[n - 1].scope : run.cursor_scope;
    const char *key = n ? batch->keys[n - 1].key : run.cursor_key;
    bool finished = batch->n < BATCH && n == batch->n;
    *more = !finished;
    ok = store_run_progress(db, universe, datastore, counts[0], counts[1], counts[2], scope, key,
                            json_object_to_json_string_ext(errors, JSON_C_TO_STRING_PLAIN),
                            finished, clock_now_us(&ctx->clock), &err) == DS_OK;
out:
    if (!ok) log_warn("migration run %s: %s", datastore, err.message);
    json_object_put(errors);
    free(batch);
    migration_chain_free(&chain);
    migration_run_clear(&run);
    return ok;
}

/* A pass over the running runs in progress. */
struct pass_state {
    struct ds_ctx *ctx;
    struct pg_conn *db;
    bool more; /* some run has work left */
};

static bool work_run(const struct running_run_row *row, void *arg)
{
    struct pass_state *p = arg;
    bool left = false;
    if (run_batch(p->ctx, p->db, row->universe, row->datastore, &left)) p->more |= left;
    return true;
}

/* One pass over every running run; true when some run has work left. */
static bool pass(struct migration_runner *r)
{
    struct ds_error err;
    struct pg_conn *db = pg_pool_acquire(&r->ctx->pool, 1000, &err);
    if (!db) return false;
    struct pass_state p = {r->ctx, db, false};
    bool mine = false;
    if (store_runner_try_lock(db, &mine, &err) == DS_OK && mine) {
        if (store_runs_running(db, work_run, &p, &err) != DS_OK)
            log_warn("migration runner: %s", err.message);
        store_runner_unlock(db);
    }
    pg_pool_release(&r->ctx->pool, db);
    return p.more;
}

static void *runner_main(void *arg)
{
    struct migration_runner *r = arg;
    bool busy = true; /* a pass at start: resume runs left by a stopped instance */
    pthread_mutex_lock(&r->mu);
    while (!r->stop) {
        if (!busy) { /* idle: sleep until woken, or the fallback interval passes */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += r->ctx->cfg->purge_interval;
            while (!r->stop && !r->wake &&
                   pthread_cond_timedwait(&r->cv, &r->mu, &until) != ETIMEDOUT) {
            }
            if (r->stop) break;
        }
        r->wake = false;
        pthread_mutex_unlock(&r->mu);
        busy = pass(r); /* work left: the next batch at once */
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
    r->wake = false;
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

void migration_runner_wake(struct migration_runner *r)
{
    if (!r->running) return;
    pthread_mutex_lock(&r->mu);
    r->wake = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
}
