/* service/migration_runner.h — the background worker of eager _version migrations: picks up
 * running runs (from PostgreSQL, so a restarted or another instance resumes them), migrates
 * their entries in batches of bounded transactions (one entry each), records progress and
 * failures. One instance works at a time (advisory lock). Entries under a live session lock
 * are skipped and counted; a later run picks them up.
 * An idle runner sends no query: it wakes when a run starts (NOTIFY datastored_runs, sent by
 * the statement that starts it, reaching every instance), when the notification listener
 * (re)connects, and otherwise only every --purge-interval seconds, to take over a run whose
 * instance died mid-way. */
#ifndef DS_SERVICE_MIGRATION_RUNNER_H
#define DS_SERVICE_MIGRATION_RUNNER_H

#include <pthread.h>
#include <stdbool.h>

#include "context.h"

struct migration_runner {
    struct ds_ctx *ctx; /* borrowed */
    pthread_t thread;
    bool running;
    pthread_mutex_t mu; /* guards stop and wake */
    pthread_cond_t cv;
    bool stop;
    bool wake; /* a run may have started: look now */
};

ds_status migration_runner_start(struct migration_runner *r, struct ds_ctx *ctx, char *err,
                                 size_t cap) DS_MUSTCHECK;
void migration_runner_stop(struct migration_runner *r);
/* Asks the runner to look for running runs now (thread-safe; a no-op once stopped). */
void migration_runner_wake(struct migration_runner *r);

#endif
