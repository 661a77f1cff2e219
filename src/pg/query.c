/* pg/query.c — statement execution and result access; libpq error → ds_error mapping. */
#include "pg/query.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assert.h"
#include "log.h"

void pgp_init(struct pg_params *p)
{
    p->n = 0;
}

static int slot(struct pg_params *p)
{
    /* Statement arity is fixed in code; exceeding it is a programming error. */
    if (p->n >= PG_MAX_PARAMS) abort();
    return p->n++;
}

void pgp_text(struct pg_params *p, const char *s)
{
    int i = slot(p);
    p->values[i] = s;
    p->lengths[i] = 0;
    p->formats[i] = 0;
}

void pgp_bytes(struct pg_params *p, const char *data, size_t len)
{
    int i = slot(p);
    p->values[i] = data;
    p->lengths[i] = (int)len;
    p->formats[i] = 1;
}

void pgp_i64(struct pg_params *p, int64_t v)
{
    int i = slot(p);
    snprintf(p->numbuf[i], sizeof p->numbuf[i], "%" PRId64, v);
    p->values[i] = p->numbuf[i];
    p->lengths[i] = 0;
    p->formats[i] = 0;
}

void pgp_bool(struct pg_params *p, bool v)
{
    pgp_text(p, v ? "t" : "f");
}

static void map_error(struct pg_conn *c, PGresult *r, const char *what, struct ds_error *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* Connection gone (an error without SQLSTATE comes from libpq itself: "server closed
     * the connection unexpectedly" may arrive while PQstatus still says OK), the server
     * shutting down, or a server that is no longer the primary (25006 after a failover or
     * a demotion): reconnect, and libpq's target_session_attrs=read-write finds the new
     * primary. */
    bool lost = PQstatus(c->conn) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
                strncmp(state, "57P", 3) == 0 || !strcmp(state, "25006");
    bool retryable = state && (!strcmp(state, "40001") || !strcmp(state, "40P01"));
    if (state && !strcmp(state, "22003")) { /* numeric_value_out_of_range: bad input */
        ds_fail(err, 400, NULL, "The resulting value does not fit in a 64-bit integer.");
        return;
    }
    if (c->pool) atomic_fetch_add(&c->pool->query_errors, 1);
    log_error("database error in %s: %s%s", what, state ? state : "-",
              r ? PQresultErrorMessage(r) : PQerrorMessage(c->conn));
    if (lost) {
        c->ready = false;
        ds_fail(err, 503, NULL, "The database is unavailable; retry later.");
    } else if (retryable) {
        ds_fail(err, 503, NULL, "A conflicting transaction interfered; retry the request.");
    } else {
        ds_fail(err, 500, NULL, "Internal database error.");
    }
}

void pg_begin_with_next(struct pg_conn *c)
{
    c->begin_next = true;
}

void pg_commit_with_next(struct pg_conn *c)
{
    c->commit_next = true;
    c->committed = false;
}

bool pg_committed(struct pg_conn *c)
{
    bool done = c->committed;
    c->begin_next = c->commit_next = c->committed = false; /* nothing left pending */
    return done;
}

/* The results of one pipelined command, up to the NULL that ends them: the first (the
 * caller's; NULL when the connection broke) and *ok whether it succeeded. */
static PGresult *command_result(PGconn *conn, bool *ok)
{
    PGresult *first = NULL, *r;
    while ((r = PQgetResult(conn))) {
        if (!first)
            first = r;
        else
            PQclear(r);
    }
    ExecStatusType st = first ? PQresultStatus(first) : PGRES_FATAL_ERROR;
    *ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
    return first;
}

/* Reads up to the Sync's own result, which ends a pipeline (none arrives on a broken
 * connection). */
static void await_sync(PGconn *conn)
{
    PGresult *r;
    while ((r = PQgetResult(conn)) && PQresultStatus(r) != PGRES_PIPELINE_SYNC)
        PQclear(r);
    PQclear(r);
}

/* pg_run with BEGIN before and/or COMMIT after the statement, in one pipeline and one Sync:
 * one round trip. After an error the rest of the pipeline is skipped by the server. */
static PGresult *run_pipelined(struct pg_conn *c, const char *statement, const struct pg_params *p,
                               struct ds_error *err)
{
    bool begin = c->begin_next, commit = c->commit_next;
    c->begin_next = c->commit_next = false;
    PGconn *conn = c->conn;
    bool sent = PQenterPipelineMode(conn) &&
                (!begin || PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0)) &&
                PQsendQueryPrepared(conn, statement, p ? p->n : 0, p ? p->values : NULL,
                                    p ? p->lengths : NULL, p ? p->formats : NULL, 0) &&
                (!commit || PQsendQueryParams(conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0)) &&
                PQpipelineSync(conn);
    PGresult *failed = NULL, *result = NULL, *r = NULL;
    const char *what = statement;
    bool ok = sent, step_ok;
    if (sent && begin) {
        r = command_result(conn, &step_ok);
        if (!step_ok) {
            failed = r;
            what = "BEGIN";
            ok = false;
        } else {
            PQclear(r);
        }
    }
    if (sent) {
        result = command_result(conn, &step_ok);
        if (ok && !step_ok) {
            failed = result;
            result = NULL;
            ok = false;
        } else if (!step_ok) {
            PQclear(result); /* skipped after the BEGIN failed */
            result = NULL;
        }
    }
    if (sent && commit) {
        r = command_result(conn, &step_ok);
        if (ok && !step_ok) {
            failed = r;
            what = "COMMIT";
            ok = false;
        } else {
            PQclear(r);
        }
        c->committed = ok;
    }
    if (sent) await_sync(conn);
    if (!PQexitPipelineMode(conn)) c->ready = false; /* out of step: reconnect */
    if (ok) return result;
    map_error(c, failed, what, err);
    PQclear(failed);
    PQclear(result);
    return NULL;
}

PGresult *pg_run(struct pg_conn *c, const char *statement, const struct pg_params *p,
                 struct ds_error *err)
{
    DS_ASSERT(!c->queueing); /* queued mode reads no rows */
    if (c->begin_next || c->commit_next) return run_pipelined(c, statement, p, err);
    PGresult *r = PQexecPrepared(c->conn, statement, p ? p->n : 0, p ? p->values : NULL,
                                 p ? p->lengths : NULL, p ? p->formats : NULL, 0);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) return r;
    map_error(c, r, statement, err);
    PQclear(r);
    return NULL;
}

/* Queued mode: sends one statement (prepared, or parameterless SQL) without reading back. */
static ds_status queue_one(struct pg_conn *c, const char *statement, const char *sql,
                           const struct pg_params *p, struct ds_error *err)
{
    int sent = statement
                   ? PQsendQueryPrepared(c->conn, statement, p ? p->n : 0, p ? p->values : NULL,
                                         p ? p->lengths : NULL, p ? p->formats : NULL, 0)
                   : PQsendQueryParams(c->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
    if (!sent) {
        map_error(c, NULL, statement ? statement : sql, err);
        return DS_ERR;
    }
    c->queued++;
    return DS_OK;
}

ds_status pg_queue_begin(struct pg_conn *c, struct ds_error *err)
{
    DS_ASSERT(!c->queueing && !c->begin_next && !c->commit_next);
    if (!PQenterPipelineMode(c->conn)) {
        map_error(c, NULL, "pipeline mode", err);
        return DS_ERR;
    }
    c->queueing = true;
    c->queued = 0;
    return DS_OK;
}

ds_status pg_queue_flush(struct pg_conn *c, struct ds_error *err)
{
    DS_ASSERT(c->queueing);
    if (!PQpipelineSync(c->conn)) {
        map_error(c, NULL, "a pipeline", err);
        c->ready = false; /* nothing will come back: reconnect */
        c->queued = 0;
        return DS_ERR;
    }
    PGresult *failed = NULL;
    for (; c->queued > 0 && PQstatus(c->conn) == CONNECTION_OK; c->queued--) {
        bool ok;
        PGresult *r = command_result(c->conn, &ok);
        ok = ok || PQresultStatus(r) == PGRES_PIPELINE_ABORTED; /* skipped after the failure */
        if (!ok && !failed)
            failed = r;
        else
            PQclear(r);
    }
    c->queued = 0;
    await_sync(c->conn);
    if (!failed && PQstatus(c->conn) == CONNECTION_OK) return DS_OK;
    map_error(c, failed, "a pipelined statement", err);
    PQclear(failed);
    return DS_ERR;
}

void pg_queue_end(struct pg_conn *c)
{
    if (!c->queueing) return;
    c->queueing = false;
    if (c->queued > 0 || !PQexitPipelineMode(c->conn)) c->ready = false; /* out of step */
    c->queued = 0;
}

ds_status pg_exec(struct pg_conn *c, const char *statement, const struct pg_params *p,
                  struct ds_error *err)
{
    if (c->queueing) return queue_one(c, statement, NULL, p, err);
    PGresult *r = pg_run(c, statement, p, err);
    if (!r) return DS_ERR;
    PQclear(r);
    return DS_OK;
}

ds_status pg_command(struct pg_conn *c, const char *sql, struct ds_error *err)
{
    if (c->queueing) return queue_one(c, NULL, sql, NULL, err);
    PGresult *r = PQexec(c->conn, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(r);
        return DS_OK;
    }
    map_error(c, r, sql, err);
    PQclear(r);
    return DS_ERR;
}

ds_status pg_rows_done(PGresult *r, bool more, struct ds_error *err)
{
    PQclear(r);
    return more ? DS_OK : ds_fail(err, 500, NULL, "Out of memory.");
}

void pg_rollback(struct pg_conn *c)
{
    PGresult *r = PQexec(c->conn, "ROLLBACK");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) c->ready = false;
    PQclear(r);
}

const char *pg_str(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int64_t pg_i64(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

bool pg_bool(const PGresult *res, int row, int col)
{
    return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

bool pg_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) != 0;
}

size_t pg_len(const PGresult *res, int row, int col)
{
    return (size_t)PQgetlength(res, row, col);
}
