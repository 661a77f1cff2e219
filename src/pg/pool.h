/* pg/pool.h — a fixed set of libpq connections shared by the HTTP worker threads. Every
 * connection has the store's statements prepared; a broken connection is re-established
 * (and re-prepared) on its next acquire, so requests during an outage get 503, not a crash. */
#ifndef DS_PG_POOL_H
#define DS_PG_POOL_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* A named SQL statement prepared on every pooled connection. */
struct pg_statement {
    const char *name;
    const char *sql;
};

/* One pooled connection. Owned by the pool; lent to one thread at a time. */
struct pg_pool;
struct pg_conn {
    PGconn *conn;         /* NULL until first connect */
    bool ready;           /* connected, statements prepared */
    struct pg_pool *pool; /* owner (its error counter); NULL for standalone connections */
    /* Commands to send in the same network round trip as the next statement (pg_query.h:
     * pg_begin_with_next, pg_commit_with_next); committed: that COMMIT succeeded. */
    bool begin_next, commit_next, committed;
    /* Queued mode (pg_query.h: pg_queue_begin): statements sent, results not yet read. */
    bool queueing;
    int queued;
};

struct pg_pool {
    char *conninfo;                                   /* owned copy */
    const struct pg_statement *const *statement_sets; /* NULL-name-terminated arrays; borrowed */
    size_t n_statement_sets;
    struct pg_conn *conns; /* size entries */
    size_t size;
    size_t *free_stack; /* indexes of idle connections */
    size_t n_free;
    pthread_mutex_t mu; /* guards free_stack/n_free */
    pthread_cond_t cv;  /* signalled when a connection is released */
    _Atomic uint64_t connect_failures;
    _Atomic uint64_t acquire_timeouts;
    _Atomic uint64_t query_errors; /* statements that failed in the database */
};

/* A snapshot for /metrics. */
struct pg_pool_stats {
    size_t size, busy;
    uint64_t connect_failures, acquire_timeouts, query_errors;
};
void pg_pool_stats(struct pg_pool *pool, struct pg_pool_stats *out);

ds_status pg_pool_init(struct pg_pool *pool, const char *conninfo, size_t size,
                       const struct pg_statement *const *statement_sets, size_t n_sets, char *err,
                       size_t cap) DS_MUSTCHECK;
void pg_pool_destroy(struct pg_pool *pool);

/* Lends a ready connection, waiting up to timeout_ms for a free one. On failure returns
 * NULL with err set to 503 UNAVAILABLE. */
struct pg_conn *pg_pool_acquire(struct pg_pool *pool, int timeout_ms, struct ds_error *err);
/* Returns a connection; an open transaction is rolled back first. */
void pg_pool_release(struct pg_pool *pool, struct pg_conn *conn);

/* Opens one standalone connection (for start-up work) with the pool's connect options. */
PGconn *pg_connect(const char *conninfo);

#endif
