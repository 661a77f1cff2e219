/* pg/listener.c — LISTEN loop: poll() on the libpq socket and a stop pipe. */
#include "pg/listener.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pg/pool.h"

void listener_init(struct pg_listener *l)
{
    memset(l, 0, sizeof *l);
    l->wake_pipe[0] = l->wake_pipe[1] = -1;
}

void listener_on(struct pg_listener *l, const char *channel, listener_fn fn, void *arg)
{
    if (l->n_channels >= LISTENER_MAX_CHANNELS) abort(); /* fixed at build time */
    l->channels[l->n_channels].channel = channel;
    l->channels[l->n_channels].fn = fn;
    l->channels[l->n_channels].arg = arg;
    l->n_channels++;
}

static PGconn *connect_and_listen(struct pg_listener *l)
{
    PGconn *c = pg_connect(l->conninfo);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    for (int i = 0; i < l->n_channels; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "LISTEN %s", l->channels[i].channel);
        PGresult *r = PQexec(c, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            PQfinish(c);
            return NULL;
        }
    }
    /* Anything announced while we were away: let every handler reload. */
    for (int i = 0; i < l->n_channels; i++)
        l->channels[i].fn(l->channels[i].arg, c, "");
    return c;
}

static bool stop_requested(struct pg_listener *l, int timeout_ms, int pg_fd)
{
    struct pollfd fds[2] = {{l->wake_pipe[0], POLLIN, 0}, {pg_fd, POLLIN, 0}};
    int n = poll(fds, pg_fd >= 0 ? 2 : 1, timeout_ms);
    return n > 0 && (fds[0].revents & POLLIN);
}

static void *listener_main(void *arg)
{
    struct pg_listener *l = arg;
    PGconn *c = NULL;
    for (;;) {
        if (!c) {
            c = connect_and_listen(l);
            if (!c) {
                log_warn("notification listener: cannot connect; retrying");
                if (stop_requested(l, 1000, -1)) break;
                continue;
            }
        }
        if (stop_requested(l, 1000, PQsocket(c))) break;
        if (!PQconsumeInput(c)) {
            log_warn("notification listener: connection lost; reconnecting");
            PQfinish(c);
            c = NULL;
            continue;
        }
        PGnotify *n;
        while ((n = PQnotifies(c))) {
            for (int i = 0; i < l->n_channels; i++)
                if (!strcmp(n->relname, l->channels[i].channel))
                    l->channels[i].fn(l->channels[i].arg, c, n->extra);
            PQfreemem(n);
        }
    }
    PQfinish(c);
    return NULL;
}

ds_status listener_start(struct pg_listener *l, const char *conninfo, char *err, size_t cap)
{
    l->conninfo = strdup(conninfo);
    if (!l->conninfo || pipe(l->wake_pipe) != 0) {
        snprintf(err, cap, "listener: %s", strerror(errno));
        return DS_ERR;
    }
    int rc = pthread_create(&l->thread, NULL, listener_main, l);
    if (rc != 0) {
        snprintf(err, cap, "listener thread: %s", strerror(rc));
        return DS_ERR;
    }
    l->running = true;
    return DS_OK;
}

void listener_stop(struct pg_listener *l)
{
    if (l->running) {
        ssize_t w = write(l->wake_pipe[1], "x", 1);
        (void)w;
        pthread_join(l->thread, NULL);
        l->running = false;
    }
    for (int i = 0; i < 2; i++)
        if (l->wake_pipe[i] >= 0) close(l->wake_pipe[i]);
    l->wake_pipe[0] = l->wake_pipe[1] = -1;
    free(l->conninfo);
    l->conninfo = NULL;
}
