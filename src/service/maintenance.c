/* service/maintenance.c — periodic purge loop. Each pass runs the store's purge in bounded
 * batches so no request waits behind it; the store takes an advisory lock so only one
 * instance purges at a time. */
#include "service/maintenance.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store/purge.h"

static void run_pass(struct maintenance *m)
{
    struct ds_error err;
    struct pg_conn *db = pg_pool_acquire(&m->ctx->pool, 1000, &err);
    if (!db) return;
    struct purge_counts counts;
    int64_t now = clock_now_us(&m->ctx->clock);
    if (store_purge_expired(db, now, &counts, &err) != DS_OK)
        log_warn("purge failed: %s", err.message);
    else if (counts.versions || counts.tombstones || counts.datastores)
        log_info("purged %ld expired versions, %ld tombstones, %ld data stores", counts.versions,
                 counts.tombstones, counts.datastores);
    pg_pool_release(&m->ctx->pool, db);
}

static void *maintenance_main(void *arg)
{
    struct maintenance *m = arg;
    pthread_mutex_lock(&m->mu);
    while (!m->stop) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += m->ctx->cfg->purge_interval;
        while (!m->stop && pthread_cond_timedwait(&m->cv, &m->mu, &deadline) != ETIMEDOUT) {
        }
        if (m->stop) break;
        pthread_mutex_unlock(&m->mu);
        run_pass(m);
        pthread_mutex_lock(&m->mu);
    }
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

ds_status maintenance_start(struct maintenance *m, struct ds_ctx *ctx, char *err, size_t cap)
{
    m->ctx = ctx;
    m->stop = false;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cv, NULL);
    int rc = pthread_create(&m->thread, NULL, maintenance_main, m);
    if (rc != 0) {
        snprintf(err, cap, "cannot start the maintenance thread: %s", strerror(rc));
        return DS_ERR;
    }
    m->running = true;
    return DS_OK;
}

void maintenance_stop(struct maintenance *m)
{
    if (!m->running) return;
    pthread_mutex_lock(&m->mu);
    m->stop = true;
    pthread_cond_signal(&m->cv);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->thread, NULL);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    m->running = false;
}
