/* http/server.h — the libmicrohttpd daemon: thread pool + epoll, request state lifecycle,
 * body accumulation with a size cap, graceful quiesce. */
#ifndef DS_HTTP_SERVER_H
#define DS_HTTP_SERVER_H

#include <stdint.h>

#include "context.h"
#include "core/error.h"

/* Largest request body accepted: a 4 MiB value plus room for a JSON envelope. */
#define HTTP_BODY_MAX (4194304u + 65536u)
/* Largest request head we read: all header names and values together, and the URL. Larger
 * ones get 431 / 414 (from the wire guard, before libmicrohttpd parses them). */
#define HTTP_HEADERS_MAX (32u * 1024u)
#define HTTP_URL_MAX (8u * 1024u)
/* libmicrohttpd's memory per connection: the largest head the wire guard admits (URL, headers
 * and request line: 41 KiB) with its parsed fields, and the response head. libmicrohttpd
 * zeroes all of it after every request of a keep-alive connection, so it is not larger
 * than that (128 KiB made that memset 6 % of a GET's CPU). */
#define HTTP_CONNECTION_MEMORY ((size_t)64 * 1024)
/* Header fields in one request at most (431 beyond). */
#define HTTP_FIELDS_MAX 128u
/* POST /admin/v1/import takes a whole export document. */
#define HTTP_IMPORT_PATH "/admin/v1/import"
#define HTTP_IMPORT_MAX (256u * 1024u * 1024u)

struct wire_guard;

struct http_server {
    struct MHD_Daemon *daemon;
    struct wire_guard *wire; /* strict framing in front of libmicrohttpd (http/wire_guard.c) */
    struct ds_ctx *ctx;      /* borrowed */
    uint16_t port;           /* the port actually bound */
};

ds_status http_server_start(struct http_server *srv, struct ds_ctx *ctx, const char *listen,
                            unsigned threads, char *err, size_t cap) DS_MUSTCHECK;
/* Stops accepting connections; in-flight requests continue. */
void http_server_quiesce(struct http_server *srv);
void http_server_stop(struct http_server *srv);

/* True if listen ("ADDR:PORT") names a loopback address only (127.0.0.0/8, ::1). */
bool http_listen_is_loopback(const char *listen);

#endif
