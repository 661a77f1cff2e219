/* http/wire_guard.c — the connection registry behind the recv hook. Each client socket that
 * libmicrohttpd opens gets a wire_conn (its framing state); recv on it feeds the wire gate,
 * checks the head and body deadlines, and on a refusal writes one JSON error itself and fails
 * the read, so libmicrohttpd closes the connection without ever parsing the bad bytes.
 *
 * Threads: a connection is opened, read and closed by its one libmicrohttpd worker thread, so
 * its framing state needs no lock. The registry (slots, list, counters) is guarded by mu;
 * other threads read a connection only through its atomic published state (for eviction).
 * libmicrohttpd reports a close before it closes the socket, so a registered fd is always
 * still the client's socket (never a reused number). */
#include "http/wire_guard.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "core/error.h"
#include "log.h"

/* What another thread may know about a connection (for choosing whom to close). */
enum wire_pub { PUB_IDLE, PUB_HEAD, PUB_BODY, PUB_BUSY };

struct wire_conn {
    int fd;
    struct wire_stream stream;     /* owner thread only */
    uint64_t answered;             /* messages whose response was sent (owner thread only) */
    _Atomic int pub;               /* enum wire_pub */
    _Atomic int64_t pub_since;     /* monotonic µs when pub began */
    struct wire_conn *prev, *next; /* registry list, under mu */
};

struct wire_guard {
    struct wire_guard_config cfg;
    pthread_mutex_t mu;
    _Atomic(struct wire_conn *) *slots; /* by fd; NULL: not a client socket */
    size_t n_slots;
    struct wire_conn *head; /* all registered connections, under mu */
    unsigned open;          /* under mu */
    _Atomic uint64_t evictions;
    _Atomic uint64_t refusals;
};

/* The guard the recv hook reaches (http/wire_recv.c). The one process-wide pointer this
 * design needs: recv(2)'s signature has no room for a context. */
static _Atomic(struct wire_guard *) installed;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct wire_guard *wire_guard_new(const struct wire_guard_config *cfg)
{
    struct rlimit rl;
    size_t n = 65536;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) n = rl.rlim_cur;
    if (n > (1u << 20)) n = 1u << 20;
    struct wire_guard *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->slots = calloc(n, sizeof *g->slots);
    if (!g->slots || pthread_mutex_init(&g->mu, NULL) != 0) {
        free(g->slots);
        free(g);
        return NULL;
    }
    g->cfg = *cfg;
    g->n_slots = n;
    return g;
}

void wire_guard_free(struct wire_guard *g)
{
    if (!g) return;
    if (atomic_load(&installed) == g) wire_guard_install(NULL);
    for (struct wire_conn *c = g->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    pthread_mutex_destroy(&g->mu);
    free(g->slots);
    free(g);
}

void wire_guard_install(struct wire_guard *g)
{
    atomic_store_explicit(&installed, g, memory_order_release);
}

uint64_t wire_guard_evictions(const struct wire_guard *g)
{
    return atomic_load_explicit(&g->evictions, memory_order_relaxed);
}

uint64_t wire_guard_refusals(const struct wire_guard *g)
{
    return atomic_load_explicit(&g->refusals, memory_order_relaxed);
}

static void publish(struct wire_conn *c, enum wire_pub pub, int64_t since)
{
    if (atomic_load_explicit(&c->pub, memory_order_relaxed) == (int)pub) return;
    atomic_store_explicit(&c->pub_since, since, memory_order_relaxed);
    atomic_store_explicit(&c->pub, (int)pub, memory_order_relaxed);
}

/* After bytes were fed: what the connection is doing now. */
static void publish_stream(struct wire_conn *c)
{
    const struct wire_stream *s = &c->stream;
    switch (s->phase) {
    case WIRE_HEAD:
        publish(c, PUB_HEAD, s->phase_since);
        break;
    case WIRE_IDLE:
        publish(c, s->messages > c->answered ? PUB_BUSY : PUB_IDLE, s->phase_since);
        break;
    case WIRE_REFUSED:
        publish(c, PUB_BUSY, s->phase_since);
        break;
    default:
        publish(c, PUB_BODY, s->phase_since);
        break;
    }
}

/* The connection to close for room: idle ones first, then those slowest in sending a head,
 * then a body; the oldest of its kind. Never one with a request being served. Under mu. */
static struct wire_conn *pick_victim(struct wire_guard *g, const struct wire_conn *except)
{
    struct wire_conn *best = NULL;
    int best_pub = PUB_BUSY;
    int64_t best_since = 0;
    for (struct wire_conn *c = g->head; c; c = c->next) {
        if (c == except) continue;
        int pub = atomic_load_explicit(&c->pub, memory_order_relaxed);
        int64_t since = atomic_load_explicit(&c->pub_since, memory_order_relaxed);
        if (pub == PUB_BUSY) continue;
        if (!best || pub < best_pub || (pub == best_pub && since < best_since)) {
            best = c;
            best_pub = pub;
            best_since = since;
        }
    }
    return best;
}

void wire_guard_opened(struct wire_guard *g, int fd)
{
    if (fd < 0 || (size_t)fd >= g->n_slots) {
        log_warn("connection socket %d is beyond the guard's table; its framing is unchecked", fd);
        return;
    }
    struct wire_conn *c = calloc(1, sizeof *c);
    if (!c) {
        log_error("out of memory registering a connection; closing it");
        shutdown(fd, SHUT_RDWR);
        return;
    }
    int64_t now = now_us();
    c->fd = fd;
    wire_stream_reset(&c->stream);
    c->stream.phase_since = now;
    atomic_init(&c->pub, PUB_IDLE);
    atomic_init(&c->pub_since, now);
    pthread_mutex_lock(&g->mu);
    c->next = g->head;
    if (g->head) g->head->prev = c;
    g->head = c;
    g->open++;
    atomic_store_explicit(&g->slots[fd], c, memory_order_release);
    if (g->open > g->cfg.max_connections) {
        struct wire_conn *v = pick_victim(g, c);
        if (v) {
            /* Its own worker sees the shutdown as the client going away and closes it. */
            shutdown(v->fd, SHUT_RDWR);
            atomic_store_explicit(&v->pub, PUB_BUSY, memory_order_relaxed);
            atomic_fetch_add_explicit(&g->evictions, 1, memory_order_relaxed);
        }
    }
    pthread_mutex_unlock(&g->mu);
}

void wire_guard_closed(struct wire_guard *g, int fd)
{
    if (fd < 0 || (size_t)fd >= g->n_slots) return;
    pthread_mutex_lock(&g->mu);
    struct wire_conn *c = atomic_load_explicit(&g->slots[fd], memory_order_relaxed);
    if (c) {
        atomic_store_explicit(&g->slots[fd], NULL, memory_order_release);
        if (c->prev)
            c->prev->next = c->next;
        else
            g->head = c->next;
        if (c->next) c->next->prev = c->prev;
        g->open--;
    }
    pthread_mutex_unlock(&g->mu);
    free(c);
}

void wire_guard_request_done(struct wire_guard *g, int fd)
{
    if (fd < 0 || (size_t)fd >= g->n_slots) return;
    struct wire_conn *c = atomic_load_explicit(&g->slots[fd], memory_order_acquire);
    if (!c) return;
    c->answered = c->stream.messages;
    if (c->stream.phase == WIRE_IDLE) {
        c->stream.phase_since = now_us();
        publish(c, PUB_IDLE, c->stream.phase_since);
    }
}

/* Writes the refusal as one HTTP response in the family's JSON error envelope, then ends
 * the connection's output; the caller fails the read so libmicrohttpd closes it. */
static void answer_refusal(struct wire_guard *g, struct wire_conn *c)
{
    const struct wire_verdict *v = &c->stream.verdict;
    const char *reason = MHD_get_reason_phrase_for((unsigned)v->status);
    char body[384], out[768];
    int blen =
        snprintf(body, sizeof body, "{\"%s\":\"%s\",\"message\":\"%s\"}",
                 v->v1_family ? "error" : "code", ds_error_code_for_status(v->status), v->message);
    if (blen < 0 || (size_t)blen >= sizeof body) return;
    int n = snprintf(out, sizeof out,
                     "HTTP/1.1 %d %s\r\nConnection: close\r\nContent-Type: application/json\r\n"
                     "Content-Length: %d\r\n\r\n%s",
                     v->status, reason && *reason ? reason : "Error", blen, body);
    if (n < 0 || (size_t)n >= sizeof out) return;
    /* A fresh socket buffer takes a few hundred bytes at once; if not, the client is gone. */
    ssize_t w = send(c->fd, out, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    shutdown(c->fd, SHUT_WR);
    /* Read what the client already sent, so closing does not reset the connection before
     * it has read the answer. Bounded: a client still sending gets the reset. */
    char sink[4096];
    for (int i = 0; i < 16 && recvfrom(c->fd, sink, sizeof sink, MSG_DONTWAIT, NULL, NULL) > 0; i++)
        ;
    atomic_fetch_add_explicit(&g->refusals, 1, memory_order_relaxed);
    log_debug("refused a request on the wire: %d %s", v->status, v->message);
}

static ssize_t fail_read(void)
{
    errno = ECONNRESET;
    return -1;
}

ssize_t wire_guard_recv(int fd, void *buf, size_t len, int flags)
{
    struct wire_guard *g = atomic_load_explicit(&installed, memory_order_acquire);
    struct wire_conn *c = NULL;
    if (g && fd >= 0 && (size_t)fd < g->n_slots)
        c = atomic_load_explicit(&g->slots[fd], memory_order_acquire);
    if (!c) return recvfrom(fd, buf, len, flags, NULL, NULL);

    struct wire_stream *s = &c->stream;
    if (s->phase == WIRE_REFUSED) { /* an earlier read kept the good part; answer now */
        answer_refusal(g, c);
        return fail_read();
    }
    int64_t now = now_us();
    if (s->phase == WIRE_HEAD && now - s->phase_since > g->cfg.head_timeout_us)
        wire_refuse(s, 408, "The request head did not arrive in time.");
    else if (s->phase != WIRE_IDLE && s->phase != WIRE_HEAD &&
             now - s->phase_since > g->cfg.body_timeout_us)
        wire_refuse(s, 408, "The request body did not arrive in time.");
    if (s->phase == WIRE_REFUSED) {
        answer_refusal(g, c);
        return fail_read();
    }

    ssize_t n = recvfrom(fd, buf, len, flags, NULL, NULL);
    if (n <= 0) return n;
    size_t pass = wire_feed(s, &g->cfg.limits, buf, (size_t)n, now);
    publish_stream(c);
    if (pass == (size_t)n) return n;
    if (pass == 0) {
        answer_refusal(g, c);
        return fail_read();
    }
    /* Earlier requests in this read are fine: hand them over and stop reading, so the
     * socket reports readable again once they are answered and the refusal goes out then
     * (libmicrohttpd reads again only when its last read came back short, on a new event). */
    shutdown(fd, SHUT_RD);
    return (ssize_t)pass;
}
