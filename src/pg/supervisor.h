/* pg/supervisor.h — keeps the embedded PostgreSQL alive: restarts a postmaster that died. */
#ifndef DS_PG_SUPERVISOR_H
#define DS_PG_SUPERVISOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/embedded.h"

/* After this long down, /healthz fails too: an orchestrator should restart the process. */
#define PG_SUPERVISOR_GIVE_UP_US (60 * 1000000LL)

struct pg_supervisor {
    struct pg_embedded *pg; /* borrowed; its postmaster field is the supervisor's alone */
    pthread_t thread;
    bool running;
    pthread_mutex_t mu;
    pthread_cond_t cv;             /* signalled by pg_supervisor_stop */
    bool stop;                     /* guarded by mu */
    _Atomic int64_t down_since_us; /* monotonic time the postmaster was found gone; 0 = up */
    _Atomic unsigned attempts;     /* restart attempts in the current outage */
};

/* Starts watching pg (already running). */
ds_status pg_supervisor_start(struct pg_supervisor *s, struct pg_embedded *pg, char *err,
                              size_t cap) DS_MUSTCHECK;
/* Stops watching (call before pg_embedded_stop). Safe when never started. */
void pg_supervisor_stop(struct pg_supervisor *s);

/* How long the database has been down in µs (0 while it runs). */
int64_t pg_supervisor_down_us(struct pg_supervisor *s);

#endif
