/* pg/query.h — running prepared statements with typed, always-parameterized arguments, and
 * reading text-format results. The one place that maps libpq failures to ds_error. */
#ifndef DS_PG_QUERY_H
#define DS_PG_QUERY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

#define PG_MAX_PARAMS 24

/* Parameters of one statement. Values are borrowed: they must outlive the query call. */
struct pg_params {
    int n;
    const char *values[PG_MAX_PARAMS];
    int lengths[PG_MAX_PARAMS];
    int formats[PG_MAX_PARAMS]; /* 0 text (NUL-terminated), 1 binary (raw bytes) */
    char numbuf[PG_MAX_PARAMS][24];
};

void pgp_init(struct pg_params *p);
void pgp_text(struct pg_params *p, const char *s); /* NULL → SQL NULL */
void pgp_bytes(struct pg_params *p, const char *data,
               size_t len); /* text value, not NUL-terminated */
void pgp_i64(struct pg_params *p, int64_t v);
void pgp_bool(struct pg_params *p, bool v);

/* Executes a prepared statement. Returns the result (caller PQclear()s) or NULL with err
 * set: 503 UNAVAILABLE for connection loss and retryable conflicts, 500 otherwise. */
PGresult *pg_run(struct pg_conn *c, const char *statement, const struct pg_params *p,
                 struct ds_error *err);
/* Executes a prepared statement whose rows (if any) are not wanted. */
ds_status pg_exec(struct pg_conn *c, const char *statement, const struct pg_params *p,
                  struct ds_error *err) DS_MUSTCHECK;
/* Runs a parameterless command such as BEGIN or COMMIT. */
ds_status pg_command(struct pg_conn *c, const char *sql, struct ds_error *err) DS_MUSTCHECK;

/* One network round trip instead of several: the next pg_run (or pg_exec) on c is sent in
 * one libpq pipeline with BEGIN before it (pg_begin_with_next) and/or COMMIT after it
 * (pg_commit_with_next). A failure of any of them fails that call (and the transaction is
 * left for the caller to roll back, as after any failed statement); pg_committed says
 * whether the COMMIT ran, and drops whatever was still pending. */
void pg_begin_with_next(struct pg_conn *c);
void pg_commit_with_next(struct pg_conn *c);
bool pg_committed(struct pg_conn *c);

/* Queued mode, for bulk writes whose results are only checked for errors: between
 * pg_queue_begin and pg_queue_end, pg_exec and pg_command send their statement in one libpq
 * pipeline without waiting for it, and pg_queue_flush sends them all, reads every result and
 * fails with the first error (the statements after it are skipped by the server, and an open
 * transaction is left failed for the caller to roll back). pg_run may not be used meanwhile.
 * One round trip per flush instead of one per statement. */
ds_status pg_queue_begin(struct pg_conn *c, struct ds_error *err) DS_MUSTCHECK;
ds_status pg_queue_flush(struct pg_conn *c, struct ds_error *err) DS_MUSTCHECK;
void pg_queue_end(struct pg_conn *c);

/* Ends a read whose rows went to a callback: clears r; more false (the callback stopped, out
 * of memory) is a 500. */
ds_status pg_rows_done(PGresult *r, bool more, struct ds_error *err) DS_MUSTCHECK;

/* Rolls back the open transaction; a failure marks the connection for reset. */
void pg_rollback(struct pg_conn *c);

/* Result accessors (text format). pg_str borrows from res. */
const char *pg_str(const PGresult *res, int row, int col);
int64_t pg_i64(const PGresult *res, int row, int col);
bool pg_bool(const PGresult *res, int row, int col);
bool pg_null(const PGresult *res, int row, int col);
size_t pg_len(const PGresult *res, int row, int col);

#endif
