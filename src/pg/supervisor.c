/* pg/supervisor.c — a thread that watches the embedded postmaster (the only one that reaps
 * it while the service runs) and, when it exits — OOM killer, a stray kill, a crash —
 * restarts it on the same data directory. PostgreSQL's crash recovery replays the WAL, so
 * every committed (acknowledged) write is back. Attempts back off from 0.5 s to 10 s, each
 * logged; meanwhile the pool answers 503 with Retry-After, and /healthz fails once the
 * outage passes PG_SUPERVISOR_GIVE_UP_US. */
#include "pg/supervisor.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "core/clock.h"
#include "log.h"

#define POLL_MS 100
#define FIRST_BACKOFF_MS 500
#define MAX_BACKOFF_MS 10000

/* Waits up to ms or until stop is asked; returns true when stopping. */
static bool wait_or_stop(struct pg_supervisor *s, long ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &deadline) != ETIMEDOUT) {
    }
    bool stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static void describe_exit(int status, char *buf, size_t cap)
{
    if (WIFSIGNALED(status))
        snprintf(buf, cap, "killed by signal %d", WTERMSIG(status));
    else if (WIFEXITED(status))
        snprintf(buf, cap, "exited with status %d", WEXITSTATUS(status));
    else
        snprintf(buf, cap, "stopped (status %d)", status);
}

/* True when the postmaster is gone (and reaped). */
static bool postmaster_died(struct pg_supervisor *s)
{
    struct pg_embedded *pg = s->pg;
    if (pg->postmaster <= 0) return true;
    int status;
    pid_t r = waitpid(pg->postmaster, &status, WNOHANG);
    if (r == 0) return false;
    char how[64];
    if (r == pg->postmaster)
        describe_exit(status, how, sizeof how);
    else
        snprintf(how, sizeof how, "cannot be waited for (%s)", strerror(errno));
    log_error("embedded PostgreSQL (pid %d) %s; restarting it on %s", (int)pg->postmaster, how,
              pg->pgdata);
    pg->postmaster = 0;
    return true;
}

static void *supervisor_main(void *arg)
{
    struct pg_supervisor *s = arg;
    long backoff_ms = FIRST_BACKOFF_MS;
    while (!wait_or_stop(s, POLL_MS)) {
        if (!postmaster_died(s)) continue;
        int64_t now = clock_monotonic_us();
        int64_t expected = 0;
        atomic_compare_exchange_strong(&s->down_since_us, &expected, now);
        unsigned attempt = atomic_fetch_add(&s->attempts, 1) + 1;
        char err[1024] = "";
        if (pg_embedded_restart(s->pg, err, sizeof err) == DS_OK) {
            double down_s = (double)(clock_monotonic_us() - atomic_load(&s->down_since_us)) / 1e6;
            log_info("embedded PostgreSQL is back (pid %d) after %.1f s, attempt %u",
                     (int)s->pg->postmaster, down_s, attempt);
            atomic_store(&s->attempts, 0);
            atomic_store(&s->down_since_us, 0);
            backoff_ms = FIRST_BACKOFF_MS;
            continue;
        }
        log_warn("embedded PostgreSQL restart attempt %u failed: %s; next attempt in %.1f s",
                 attempt, err, (double)backoff_ms / 1000);
        if (wait_or_stop(s, backoff_ms)) break;
        backoff_ms = backoff_ms * 2 > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : backoff_ms * 2;
    }
    return NULL;
}

ds_status pg_supervisor_start(struct pg_supervisor *s, struct pg_embedded *pg, char *err,
                              size_t cap)
{
    memset(s, 0, sizeof *s);
    s->pg = pg;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    int rc = pthread_create(&s->thread, NULL, supervisor_main, s);
    if (rc != 0) {
        snprintf(err, cap, "PostgreSQL supervisor thread: %s", strerror(rc));
        return DS_ERR;
    }
    s->running = true;
    return DS_OK;
}

void pg_supervisor_stop(struct pg_supervisor *s)
{
    if (!s->running) return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    s->running = false;
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
}

int64_t pg_supervisor_down_us(struct pg_supervisor *s)
{
    int64_t since = atomic_load(&s->down_since_us);
    return since ? clock_monotonic_us() - since : 0;
}
