/* http/park.h — the parking lot: requests suspended (libmicrohttpd suspend/resume, so no
 * worker thread is held) until the service clock reaches a wake time. Waiters that share a
 * queue key wake one at a time in arrival order (FIFO); a key's queue has a maximum depth.
 * A parked request whose client disconnects is woken at once and closed; on shutdown every
 * waiter is woken and answered 503. One thread does the waking. Fault injection's holds
 * (latency, timeout) park here too, on real time. */
#ifndef DS_HTTP_PARK_H
#define DS_HTTP_PARK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

struct ds_ctx;
struct ds_request;
struct park_waiter;

#define PARK_NOTICE_SLOTS 64
#define PARK_NOTICE_KEY_MAX 256

/* When a queue key was last logged (see park_notice_due). */
struct park_notice {
    char key[PARK_NOTICE_KEY_MAX];
    int64_t at_us; /* monotonic */
};

struct park_lot {
    struct ds_ctx *ctx;          /* borrowed */
    pthread_mutex_t mu;          /* guards everything below */
    pthread_cond_t cv;           /* wakes the thread: new waiter, release, clock change, stop */
    struct park_waiter *waiters; /* in arrival order */
    struct park_notice notices[PARK_NOTICE_SLOTS]; /* by hash of the key */
    bool stop;
    bool running;
    pthread_t thread;
};

enum park_result { PARK_OK, PARK_QUEUE_FULL, PARK_CLOSED };

ds_status park_start(struct park_lot *lot, struct ds_ctx *ctx, char *err, size_t cap) DS_MUSTCHECK;
/* Wakes every waiter (they answer 503) and stops the thread. */
void park_stop(struct park_lot *lot);

/* Suspends req (call from a handler, then return without replying) until the service clock
 * reaches wake_at_us; the pipeline then runs the handler again. key (copied) queues the
 * request FIFO behind earlier waiters with the same key, at most max_depth deep. A request
 * that parks again keeps its place in its queue. */
enum park_result park_request(struct park_lot *lot, struct ds_request *req, const char *key,
                              int64_t wake_at_us, int max_depth);
/* Suspends req for delay_ms of real time (not service time: a held request must come back
 * even while a virtual clock stands still), outside any queue. Such a waiter leaves the lot
 * when it wakes, so the request may park again (e.g. in a key's queue) afterwards. */
enum park_result park_request_for(struct park_lot *lot, struct ds_request *req, int64_t delay_ms);
/* Forgets req (its request is complete); the next waiter of its key may wake. */
void park_release(struct park_lot *lot, struct ds_request *req);
/* Wakes the waiters queued under key now (e.g. a lock they wait for was released). */
void park_wake_key(struct park_lot *lot, const char *key);
/* The service clock moved: re-evaluate wake times now. */
void park_clock_changed(struct park_lot *lot);
/* True when key has not been noted in the last minute (then notes it now_us, monotonic):
 * "log this at most once per key per minute". Keys that share a slot displace each other,
 * so a key is never noted less often than that, only sometimes more. */
bool park_notice_due(struct park_lot *lot, const char *key, int64_t now_us);
/* Number of requests parked now (for GET /admin/v1/queues). */
int park_waiting(struct park_lot *lot);

#endif
