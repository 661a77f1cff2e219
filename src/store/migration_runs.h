/* store/migration_runs.h — SQL for eager migration runs and the entry batches they work on. */
#ifndef DS_STORE_MIGRATION_RUNS_H
#define DS_STORE_MIGRATION_RUNS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"
#include "store/entries.h" /* key_list_row_fn */

extern const struct pg_statement migration_runs_statements[];

/* The channel on which a run's start is announced (payload ""). */
#define RUNS_CHANNEL "datastored_runs"

/* Starts (or restarts, when finished) the run of a data store toward target. */
ds_status store_run_start(struct pg_conn *db, int64_t universe, const char *datastore, int target,
                          int64_t now_us, struct ds_error *err) DS_MUSTCHECK;
/* A data store's eager migration run. The strings live in res (migration_run_clear). */
struct migration_run {
    PGresult *res;
    bool found; /* false: never run */
    int target_version;
    const char *state; /* running | finished */
    int64_t total, done, failed, skipped_locked;
    const char *errors; /* JSON array text */
    int64_t started_us, updated_us;
    const char *cursor_scope, *cursor_key; /* the last entry worked on */
};
ds_status store_run_get(struct pg_conn *db, int64_t universe, const char *datastore,
                        struct migration_run *out, struct ds_error *err) DS_MUSTCHECK;
void migration_run_clear(struct migration_run *run);
/* A data store whose run is running. The name is borrowed for the callback's duration. */
struct running_run_row {
    int64_t universe;
    const char *datastore;
};
typedef bool (*running_run_fn)(const struct running_run_row *row, void *arg); /* false: stop */
/* Every running run, each passed to fn (stopping when it returns false: 500). */
ds_status store_runs_running(struct pg_conn *db, running_run_fn fn, void *arg,
                             struct ds_error *err) DS_MUSTCHECK;
/* The next entries behind target after the cursor, at most limit, in (scope, key) order,
 * each passed to fn (row->deleted is always false). */
ds_status store_run_batch(struct pg_conn *db, int64_t universe, const char *datastore, int target,
                          const char *after_scope, const char *after_key, int limit,
                          key_list_row_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
/* The cluster-wide runner lock (a session advisory lock): *mine true when this connection
 * now holds it; release it with store_runner_unlock. */
ds_status store_runner_try_lock(struct pg_conn *db, bool *mine, struct ds_error *err) DS_MUSTCHECK;
void store_runner_unlock(struct pg_conn *db);
/* Adds a batch's counts, moves the cursor, appends errors (JSON array text), finishes. */
ds_status store_run_progress(struct pg_conn *db, int64_t universe, const char *datastore,
                             int64_t done, int64_t failed, int64_t skipped, const char *scope,
                             const char *key, const char *new_errors, bool finished, int64_t now_us,
                             struct ds_error *err) DS_MUSTCHECK;

#endif
