/* pg/listener.h — a background thread holding one connection that LISTENs on PostgreSQL
 * notification channels and calls a handler per notification, so state shared through the
 * database (clock offset, fault rules) reaches every instance without polling per request.
 * Reconnects (and re-LISTENs) after connection loss; calls every handler once after each
 * (re)connect so nothing missed while disconnected stays stale. */
#ifndef DS_PG_LISTENER_H
#define DS_PG_LISTENER_H

#include <pthread.h>
#include <stdbool.h>

#include "core/error.h"

#define LISTENER_MAX_CHANNELS 8

#include <libpq-fe.h>

/* Called on the listener thread with its own connection (usable for a reload query). */
typedef void (*listener_fn)(void *arg, PGconn *conn, const char *payload);

struct pg_listener {
    char *conninfo; /* owned */
    struct {
        const char *channel; /* static string */
        listener_fn fn;
        void *arg;
    } channels[LISTENER_MAX_CHANNELS];
    int n_channels;
    pthread_t thread;
    bool running;
    int wake_pipe[2]; /* written to stop the thread */
};

void listener_init(struct pg_listener *l);
/* Registers a channel before listener_start. */
void listener_on(struct pg_listener *l, const char *channel, listener_fn fn, void *arg);
ds_status listener_start(struct pg_listener *l, const char *conninfo, char *err,
                         size_t cap) DS_MUSTCHECK;
void listener_stop(struct pg_listener *l);

#endif
