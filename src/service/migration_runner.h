/* service/migration_runner.h — the background worker of eager _version migrations: picks up
 * running runs (from PostgreSQL, so a restarted or another instance resumes them), migrates
 * their entries in batches of bounded transactions (one entry each), records progress and
 * failures. One instance works at a time (advisory lock). Entries under a live session lock
 * are skipped and counted; a later run picks them up. */
#ifndef DS_SERVICE_MIGRATION_RUNNER_H
#define DS_SERVICE_MIGRATION_RUNNER_H

#include <pthread.h>
#include <stdbool.h>

#include "context.h"

struct migration_runner {
    struct ds_ctx *ctx; /* borrowed */
    pthread_t thread;
    bool running;
    pthread_mutex_t mu; /* guards stop */
    pthread_cond_t cv;
    bool stop;
};

ds_status migration_runner_start(struct migration_runner *r, struct ds_ctx *ctx, char *err,
                                 size_t cap) DS_MUSTCHECK;
void migration_runner_stop(struct migration_runner *r);

#endif
