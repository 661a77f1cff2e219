/* store/migration_runs.h — SQL for eager migration runs and the entry batches they work on. */
#ifndef DS_STORE_MIGRATION_RUNS_H
#define DS_STORE_MIGRATION_RUNS_H

#include <libpq-fe.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement migration_runs_statements[];

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
/* Running runs: 0 universe_id, 1 datastore. */
ds_status store_runs_running(struct pg_conn *db, PGresult **out, struct ds_error *err) DS_MUSTCHECK;
/* The next entries behind target after the cursor: 0 scope, 1 key. */
ds_status store_run_batch(struct pg_conn *db, int64_t universe, const char *datastore, int target,
                          const char *after_scope, const char *after_key, int limit, PGresult **out,
                          struct ds_error *err) DS_MUSTCHECK;
/* Adds a batch's counts, moves the cursor, appends errors (JSON array text), finishes. */
ds_status store_run_progress(struct pg_conn *db, int64_t universe, const char *datastore,
                             int64_t done, int64_t failed, int64_t skipped, const char *scope,
                             const char *key, const char *new_errors, bool finished, int64_t now_us,
                             struct ds_error *err) DS_MUSTCHECK;

#endif
