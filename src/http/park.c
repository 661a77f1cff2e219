/* http/park.c — see park.h. Waiters live in one list in arrival order; a waiter with a key
 * is eligible only when no earlier waiter has the same key. The thread sleeps until the
 * earliest eligible wake time (translated from service time to real time) or 100 ms, when it
 * also checks parked sockets for a closed peer. */
#include "http/park.h"

#include <errno.h>
#include <stdio.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "context.h"
#include "core/clock.h"
#include "http/request.h"
#include "log.h"

#define POLL_US 100000 /* disconnect checks */

struct park_waiter {
    struct ds_request *req;
    char *key;          /* NULL: no queue */
    int64_t wake_at_us; /* service time, or monotonic time when real_time */
    bool real_time;     /* a hold: unlinked when it wakes */
    bool woken;         /* resumed, running again; keeps its place until released or re-parked */
    struct park_waiter *next;
};

static bool is_queue_head(const struct park_lot *lot, const struct park_waiter *w)
{
    if (!w->key) return true;
    for (const struct park_waiter *o = lot->waiters; o != w; o = o->next)
        if (o->key && !strcmp(o->key, w->key)) return false;
    return true;
}

static void resume(struct park_waiter *w)
{
    w->woken = true;
    MHD_resume_connection(w->req->conn);
}

/* Resumes a real-time hold and takes it out of the list (*link points at it). The request
 * forgets its waiter before it is resumed, so its thread never sees a freed one. */
static void resume_hold(struct park_waiter **link)
{
    struct park_waiter *w = *link;
    *link = w->next;
    struct ds_request *req = w->req;
    req->waiter = NULL;
    free(w);
    MHD_resume_connection(req->conn);
}

/* True if the peer of a parked connection has closed it. */
static bool peer_closed(struct ds_request *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci) return false;
    char b;
    ssize_t n = recv(ci->connect_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void *park_main(void *arg)
{
    struct park_lot *lot = arg;
    pthread_mutex_lock(&lot->mu);
    while (!lot->stop) {
        int64_t now = clock_now_us(&lot->ctx->clock), mono = clock_monotonic_us();
        int64_t sleep_us = POLL_US;
        for (struct park_waiter **link = &lot->waiters, *w; (w = *link) != NULL;) {
            if (w->woken) {
                link = &w->next;
                continue;
            }
            bool gone = peer_closed(w->req);
            if (gone) w->req->client_gone = true;
            int64_t t = w->real_time ? mono : now;
            bool due = gone || (is_queue_head(lot, w) && w->wake_at_us <= t);
            if (due && w->real_time) {
                resume_hold(link); /* *link is now the next waiter */
                continue;
            }
            if (due)
                resume(w);
            else if (is_queue_head(lot, w) && w->wake_at_us - t < sleep_us)
                sleep_us = w->wake_at_us - t;
            link = &w->next;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int64_t ns = until.tv_nsec + (sleep_us % 1000000) * 1000;
        until.tv_sec += (time_t)(sleep_us / 1000000 + ns / 1000000000);
        until.tv_nsec = (long)(ns % 1000000000);
        pthread_cond_timedwait(&lot->cv, &lot->mu, &until);
    }
    pthread_mutex_unlock(&lot->mu);
    return NULL;
}

ds_status park_start(struct park_lot *lot, struct ds_ctx *ctx, char *err, size_t cap)
{
    memset(lot, 0, sizeof *lot);
    lot->ctx = ctx;
    pthread_mutex_init(&lot->mu, NULL);
    pthread_cond_init(&lot->cv, NULL);
    int rc = pthread_create(&lot->thread, NULL, park_main, lot);
    if (rc != 0) {
        snprintf(err, cap, "parking thread: %s", strerror(rc));
        return DS_ERR;
    }
    lot->running = true;
    return DS_OK;
}

void park_stop(struct park_lot *lot)
{
    if (!lot->running) return;
    pthread_mutex_lock(&lot->mu);
    lot->stop = true;
    for (struct park_waiter *w = lot->waiters; w; w = w->next) {
        if (w->woken) continue;
        w->req->shutting_down = true;
        resume(w);
    }
    pthread_cond_signal(&lot->cv);
    pthread_mutex_unlock(&lot->mu);
    pthread_join(lot->thread, NULL);
    lot->running = false;
}

/* Adds req to the lot (or re-arms its waiter) and suspends its connection. */
static enum park_result enqueue(struct park_lot *lot, struct ds_request *req, const char *key,
                                int64_t wake_at_us, int max_depth, bool real_time)
{
    pthread_mutex_lock(&lot->mu);
    if (lot->stop) {
        pthread_mutex_unlock(&lot->mu);
        return PARK_CLOSED;
    }
    struct park_waiter *w = req->waiter;
    if (w) { /* parks again: same place in its queue */
        w->wake_at_us = wake_at_us;
        w->woken = false;
    } else {
        int depth = 0;
        struct park_waiter **tail = &lot->waiters;
        for (; *tail; tail = &(*tail)->next)
            if (key && (*tail)->key && !strcmp((*tail)->key, key)) depth++;
        if (key && depth >= max_depth) {
            pthread_mutex_unlock(&lot->mu);
            return PARK_QUEUE_FULL;
        }
        w = calloc(1, sizeof *w);
        if (w && key && !(w->key = strdup(key))) {
            free(w);
            w = NULL;
        }
        if (!w) {
            pthread_mutex_unlock(&lot->mu);
            return PARK_CLOSED;
        }
        w->req = req;
        w->wake_at_us = wake_at_us;
        w->real_time = real_time;
        *tail = w;
        req->waiter = w;
    }
    req->parked = true;
    MHD_suspend_connection(req->conn);
    pthread_cond_signal(&lot->cv);
    pthread_mutex_unlock(&lot->mu);
    return PARK_OK;
}

enum park_result park_request(struct park_lot *lot, struct ds_request *req, const char *key,
                              int64_t wake_at_us, int max_depth)
{
    return enqueue(lot, req, key, wake_at_us, max_depth, false);
}

enum park_result park_request_for(struct park_lot *lot, struct ds_request *req, int64_t delay_ms)
{
    if (req->waiter) return PARK_CLOSED; /* holds are taken before any queue */
    return enqueue(lot, req, NULL, clock_monotonic_us() + delay_ms * 1000, 0, true);
}

void park_release(struct park_lot *lot, struct ds_request *req)
{
    if (!req->waiter) return;
    pthread_mutex_lock(&lot->mu);
    for (struct park_waiter **p = &lot->waiters; *p; p = &(*p)->next) {
        if (*p != req->waiter) continue;
        struct park_waiter *w = *p;
        *p = w->next;
        free(w->key);
        free(w);
        break;
    }
    req->waiter = NULL;
    pthread_cond_signal(&lot->cv);
    pthread_mutex_unlock(&lot->mu);
}

void park_wake_key(struct park_lot *lot, const char *key)
{
    pthread_mutex_lock(&lot->mu);
    for (struct park_waiter *w = lot->waiters; w; w = w->next)
        if (w->key && !strcmp(w->key, key)) w->wake_at_us = INT64_MIN;
    pthread_cond_signal(&lot->cv);
    pthread_mutex_unlock(&lot->mu);
}

void park_clock_changed(struct park_lot *lot)
{
    pthread_mutex_lock(&lot->mu);
    pthread_cond_signal(&lot->cv);
    pthread_mutex_unlock(&lot->mu);
}

int park_waiting(struct park_lot *lot)
{
    int n = 0;
    pthread_mutex_lock(&lot->mu);
    for (struct park_waiter *w = lot->waiters; w; w = w->next)
        n++;
    pthread_mutex_unlock(&lot->mu);
    return n;
}

bool park_notice_due(struct park_lot *lot, const char *key, int64_t now_us)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    pthread_mutex_lock(&lot->mu);
    struct park_notice *n = &lot->notices[h % PARK_NOTICE_SLOTS];
    bool due = strncmp(n->key, key, sizeof n->key) != 0 || now_us - n->at_us >= 60 * US_PER_SEC;
    if (due) {
        snprintf(n->key, sizeof n->key, "%s", key);
        n->at_us = now_us;
    }
    pthread_mutex_unlock(&lot->mu);
    return due;
}
