/* http/wire_guard.h — runs every byte libmicrohttpd reads from a client through the wire
 * gate (strict framing), enforces the request-head deadline, answers refused requests with
 * one JSON error and closes them, and keeps new clients served at the connection cap by
 * closing the oldest idle or slowest connection. */
#ifndef DS_HTTP_WIRE_GUARD_H
#define DS_HTTP_WIRE_GUARD_H

#include <stdint.h>
#include <sys/types.h>

#include "http/wire_gate.h"

struct wire_guard_config {
    struct wire_limits limits;
    int64_t head_timeout_us;  /* a request head must arrive within this */
    int64_t body_timeout_us;  /* a request body must arrive within this (after its head) */
    unsigned max_connections; /* beyond it, the oldest idle or slowest connection is closed */
};

struct wire_guard;

/* NULL on OOM. */
struct wire_guard *wire_guard_new(const struct wire_guard_config *cfg);
/* After the HTTP server has stopped (no connection left). */
void wire_guard_free(struct wire_guard *g);

/* Makes recv() on registered sockets go through g (NULL: stop). One guard per process: the
 * recv hook (http/wire_recv.c) can only reach it through this pointer. */
void wire_guard_install(struct wire_guard *g);

/* Connection lifecycle, from libmicrohttpd's callbacks (each on the connection's own worker
 * thread). opened may close another connection to make room. */
void wire_guard_opened(struct wire_guard *g, int fd);
void wire_guard_closed(struct wire_guard *g, int fd);
/* The response to the connection's last request was sent: the connection is idle. */
void wire_guard_request_done(struct wire_guard *g, int fd);

/* Connections closed so far to make room, and requests refused by the gate. */
uint64_t wire_guard_evictions(const struct wire_guard *g);
uint64_t wire_guard_refusals(const struct wire_guard *g);

/* The recv hook's entry: recv(2) for fd through the installed guard, if any. */
ssize_t wire_guard_recv(int fd, void *buf, size_t len, int flags);

#endif
