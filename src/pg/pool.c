/* pg/pool.c — connection lending with a mutex-guarded free stack, lazy (re)connection and
 * statement preparation. */
#include "pg/pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/assert.h"
#include "log.h"

PGconn *pg_connect(const char *conninfo)
{
    /* dbname is expanded as a full conninfo/URL; the later keywords override it. */
    const char *const keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *const vals[] = {conninfo, "5", "datastored", NULL};
    return PQconnectdbParams(keys, vals, 1);
}

static bool prepare_all(struct pg_pool *pool, PGconn *c)
{
    for (size_t s = 0; s < pool->n_statement_sets; s++) {
        for (const struct pg_statement *st = pool->statement_sets[s]; st->name; st++) {
            PGresult *r = PQprepare(c, st->name, st->sql, 0, NULL);
            bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            if (!ok) log_error("preparing statement %s failed: %s", st->name, PQerrorMessage(c));
            PQclear(r);
            if (!ok) return false;
        }
    }
    return true;
}

/* Makes c ready: connects (or reconnects) and prepares statements. */
static bool ensure_ready(struct pg_pool *pool, struct pg_conn *c)
{
    if (c->ready && PQstatus(c->conn) == CONNECTION_OK) return true;
    c->ready = false;
    if (c->conn) PQfinish(c->conn);
    c->conn = pg_connect(pool->conninfo);
    if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
        atomic_fetch_add(&pool->connect_failures, 1);
        log_warn("database connection failed: %s",
                 c->conn ? PQerrorMessage(c->conn) : "out of memory");
        if (c->conn) PQfinish(c->conn);
        c->conn = NULL;
        return false;
    }
    if (!prepare_all(pool, c->conn)) {
        PQfinish(c->conn);
        c->conn = NULL;
        return false;
    }
    c->ready = true;
    return true;
}

ds_status pg_pool_init(struct pg_pool *pool, const char *conninfo, size_t size,
                       const struct pg_statement *const *statement_sets, size_t n_sets, char *err,
                       size_t cap)
{
    memset(pool, 0, sizeof *pool);
    pool->conninfo = strdup(conninfo);
    pool->conns = calloc(size, sizeof *pool->conns);
    pool->free_stack = calloc(size, sizeof *pool->free_stack);
    if (!pool->conninfo || !pool->conns || !pool->free_stack) {
        snprintf(err, cap, "out of memory");
        pg_pool_destroy(pool);
        return DS_ERR;
    }
    pool->size = size;
    pool->statement_sets = statement_sets;
    pool->n_statement_sets = n_sets;
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cv, NULL);
    for (size_t i = 0; i < size; i++) {
        pool->free_stack[pool->n_free++] = size - 1 - i;
        pool->conns[i].pool = pool;
    }
    /* Connect one now so a wrong URL or a failing statement stops the start-up. */
    if (!ensure_ready(pool, &pool->conns[0])) {
        snprintf(err, cap, "cannot connect to PostgreSQL or prepare statements (see log)");
        return DS_ERR;
    }
    return DS_OK;
}

void pg_pool_destroy(struct pg_pool *pool)
{
    if (pool->conns) {
        for (size_t i = 0; i < pool->size; i++)
            if (pool->conns[i].conn) PQfinish(pool->conns[i].conn);
        pthread_mutex_destroy(&pool->mu);
        pthread_cond_destroy(&pool->cv);
    }
    free(pool->conns);
    free(pool->free_stack);
    free(pool->conninfo);
    memset(pool, 0, sizeof *pool);
}

struct pg_conn *pg_pool_acquire(struct pg_pool *pool, int timeout_ms, struct ds_error *err)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&pool->mu);
    while (pool->n_free == 0) {
        if (pthread_cond_timedwait(&pool->cv, &pool->mu, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&pool->mu);
            atomic_fetch_add(&pool->acquire_timeouts, 1);
            ds_fail(err, 503, NULL, "All database connections are busy; retry later.");
            return NULL;
        }
    }
    struct pg_conn *c = &pool->conns[pool->free_stack[--pool->n_free]];
    pthread_mutex_unlock(&pool->mu);
    if (!ensure_ready(pool, c)) {
        pg_pool_release(pool, c);
        ds_fail(err, 503, NULL, "The database is unavailable; retry later.");
        return NULL;
    }
    return c;
}

void pg_pool_release(struct pg_pool *pool, struct pg_conn *c)
{
    DS_ASSERT(c >= pool->conns && c < pool->conns + pool->size); /* one of ours */
    if (c->queueing) { /* a queued bulk write was abandoned: its results are out of step */
        c->queueing = false;
        c->ready = false;
    }
    if (c->conn && PQstatus(c->conn) == CONNECTION_OK &&
        PQtransactionStatus(c->conn) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->conn, "ROLLBACK");
        if (PQresultStatus(r) != PGRES_COMMAND_OK) c->ready = false;
        PQclear(r);
    }
    if (c->conn && PQstatus(c->conn) != CONNECTION_OK) c->ready = false;
    c->begin_next = c->commit_next = c->committed = false;
    pthread_mutex_lock(&pool->mu);
    DS_ASSERT(pool->n_free < pool->size); /* not released twice */
    pool->free_stack[pool->n_free++] = (size_t)(c - pool->conns);
    pthread_cond_signal(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
}

void pg_pool_stats(struct pg_pool *pool, struct pg_pool_stats *out)
{
    pthread_mutex_lock(&pool->mu);
    out->size = pool->size;
    out->busy = pool->size - pool->n_free;
    pthread_mutex_unlock(&pool->mu);
    out->connect_failures = atomic_load(&pool->connect_failures);
    out->acquire_timeouts = atomic_load(&pool->acquire_timeouts);
    out->query_errors = atomic_load(&pool->query_errors);
}
