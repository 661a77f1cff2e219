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
/* The run's row: 0 target_version, 1 state, 2 total, 3 done, 4 failed, 5 skipped_locked,
 * 6 errors, 7 started_us, 8 updated_us, 9 cursor_scope, 10 cursor_key; none if never run. */
ds_status store_run_get(struct pg_conn *db, int64_t universe, const char *datastore, PGresult **out,
                        struct ds_error *err) DS_MUSTCHECK;
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
