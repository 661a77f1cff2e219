/* http/server.c — libmicrohttpd glue. The access callback allocates the request on first
 * call, accumulates the body (rejecting it with 413 beyond HTTP_BODY_MAX), then hands the
 * complete request to the pipeline; the completion callback frees everything. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/auth.h"
#include "core/clock.h"
#include "http/park.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/route.h"
#include "http/wire_guard.h"
#include "log.h"
#include "metrics.h"
#include "service/keyring.h"

/* Keep URLs and arguments raw: the router decodes each path segment after splitting (so
 * %2F stays inside a key) and request.c decodes query arguments. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static bool append_body(struct ds_request *req, const char *data, size_t len)
{
    if (req->body_len + len > req->body_max) return false;
    if (req->body_len + len + 1 > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap : 4096;
        while (cap < req->body_len + len + 1)
            cap *= 2;
        if (cap > req->body_max + 1) cap = req->body_max + 1;
        char *nb = realloc(req->body, cap);
        if (!nb) return false;
        req->body = nb;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, len);
    req->body_len += len;
    req->body[req->body_len] = '\0';
    return true;
}

struct head_size {
    size_t bytes;
    size_t query_bytes;
};

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    struct head_size *h = cls;
    size_t n = strlen(key) + (value ? strlen(value) : 0) + 4;
    if (kind == MHD_GET_ARGUMENT_KIND)
        h->query_bytes += n;
    else
        h->bytes += n;
    return MHD_YES;
}

/* Refuses oversized heads with a JSON 431 / 414; true if it replied. */
static bool reply_if_head_too_large(struct ds_request *req)
{
    struct head_size h = {0, 0};
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND, add_size, &h);
    if (strlen(req->path) + h.query_bytes > HTTP_URL_MAX) {
        reply_fail(req, 414, NULL, "The URL is longer than %u bytes.", HTTP_URL_MAX);
        return true;
    }
    if (h.bytes > HTTP_HEADERS_MAX) {
        reply_fail(req, 431, NULL, "The request headers are larger than %u bytes.",
                   HTTP_HEADERS_MAX);
        return true;
    }
    return false;
}

/* x-request-id: the client's when it is 1 to 64 characters of [A-Za-z0-9._:-], otherwise
 * "<boot id>-<sequence>". */
static void assign_request_id(struct ds_request *req)
{
    const char *given = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "x-request-id");
    size_t len = given ? strlen(given) : 0;
    bool ok = len > 0 && len <= 64;
    for (size_t i = 0; ok && i < len; i++)
        ok = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-",
                    given[i]) != NULL;
    if (ok)
        memcpy(req->request_id, given, len + 1);
    else
        snprintf(req->request_id, sizeof req->request_id, "%s-%llu", req->ctx->boot_id,
                 (unsigned long long)atomic_fetch_add(&req->ctx->request_seq, 1) + 1);
}

/* An import may send a large body — but only a caller the admin API will accept, checked
 * before the body is read, so nobody else can make the server buffer 256 MiB. */
static bool import_allowed(struct ds_request *req)
{
    if (strcmp(req->method, "POST") != 0 || strcmp(req->path, HTTP_IMPORT_PATH) != 0) return false;
    if (!req->ctx->keyring) return true;
    bool malformed;
    const char *key = auth_presented_key(req_header(req, "x-api-key"),
                                         req_header(req, "authorization"), &malformed);
    enum admin_access a = keyring_admin(req->ctx->keyring, malformed ? NULL : key);
    return a == ADMIN_OPEN || a == ADMIN_GRANTED;
}

static void reply_too_large(struct ds_request *req)
{
    reply_fail(req, 413, "ContentTooBig", "The request body is larger than %u bytes.",
               (unsigned)req->body_max);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct ds_ctx *ctx = cls;
    (void)version;
    struct ds_request *req = *req_cls;
    if (!req) {
        req = calloc(1, sizeof *req);
        if (!req) return MHD_NO;
        req->ctx = ctx;
        req->conn = conn;
        req->method = method;
        req->started_us = clock_monotonic_us();
        req->path = strdup(url);
        *req_cls = req;
        atomic_fetch_add(&ctx->inflight, 1);
        if (!req->path) return MHD_NO;
        assign_request_id(req);
        req->body_max = import_allowed(req) ? HTTP_IMPORT_MAX : HTTP_BODY_MAX;
        if (reply_if_head_too_large(req)) return MHD_YES;
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > req->body_max) {
                req->body_too_large = true;
                reply_too_large(req);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* A body trickling in (slowloris) is cut off at the request deadline. */
        if (clock_monotonic_us() - req->started_us > ctx->cfg->request_timeout * 1000000L) {
            log_debug("%s %s: body not complete after %ld s; closing", req->method, req->path,
                      ctx->cfg->request_timeout);
            return MHD_NO;
        }
        if (!req->replied && !req->body_too_large &&
            !append_body(req, upload_data, *upload_data_size))
            req->body_too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->parked) { /* resumed from the parking lot */
        req->parked = false;
        if (req->cooldown_since_us) {
            req->cooldown_waited_us += clock_monotonic_us() - req->cooldown_since_us;
            req->cooldown_since_us = 0;
        }
        if (req->client_gone || req->close_on_wake) return MHD_NO; /* close, no answer */
        if (req->shutting_down) {
            reply_fail(req, 503, NULL, "The server is shutting down; retry.");
            return MHD_YES;
        }
        req->ctx->dispatch.resume(req);
        return MHD_YES;
    }
    if (req->replied) return MHD_YES;
    if (req->body_too_large) {
        reply_too_large(req);
        return MHD_YES;
    }
    if (!req->body && !append_body(req, "", 0)) return MHD_NO;
    req->ctx->dispatch.run(req);
    return req->close_now ? MHD_NO : MHD_YES;
}

static int connection_fd(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info ? info->connect_fd : -1;
}

/* Registers each client socket with the wire guard (strict framing, deadlines, room at the
 * connection cap) for as long as libmicrohttpd keeps it open. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    struct http_server *srv = cls;
    (void)socket_ctx;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        wire_guard_opened(srv->wire, connection_fd(conn));
    else
        wire_guard_closed(srv->wire, connection_fd(conn));
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct ds_ctx *ctx = srv->ctx;
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        wire_guard_request_done(srv->wire, connection_fd(conn));
    struct ds_request *req = *req_cls;
    if (!req) return;
    *req_cls = NULL;
    if (req->db) pg_pool_release(&ctx->pool, req->db);
    park_release(ctx->park, req);
    int64_t took = clock_monotonic_us() - req->started_us;
    int status = req->replied ? req->status : 0;
    if (ctx->metrics)
        metrics_request(ctx->metrics, req->route ? (int)req->route->family : -1,
                        req->route ? (int)req->route->op : 0, status, took);
    if (ctx->cfg->access_log)
        log_info("access method=%s path=%s status=%d ms=%.3f request_id=%s%s", req->method,
                 req->path ? req->path : "?", status, (double)took / 1000.0, req->request_id,
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " ended_early=true");
    else
        log_debug("%s %s %d %.3fms%s", req->method, req->path ? req->path : "?", status,
                  (double)took / 1000.0,
                  toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
    for (int i = 0; i < req->n_params; i++)
        free(req->params[i].value);
    for (int i = 0; i < req->n_query; i++) {
        free(req->query[i].name);
        free(req->query[i].value);
    }
    for (int i = 0; i < req->n_resp_headers; i++) {
        free(req->resp_headers[i].name);
        free(req->resp_headers[i].value);
    }
    keyring_release(req->api_key);
    free(req->after_commit);
    free(req->body);
    free(req->path);
    free(req);
    atomic_fetch_sub(&ctx->inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    buf[strcspn(buf, "\n")] = '\0';
    log_debug("libmicrohttpd: %s", buf);
}

/* Parses "ADDR:PORT" or "[IPv6]:PORT" into a socket address. */
static ds_status parse_listen(const char *listen, struct sockaddr_storage *ss, char *err,
                              size_t cap)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || strlen(colon + 1) == 0) goto bad;
    size_t hlen = (size_t)(colon - listen);
    if (listen[0] == '[') {
        if (hlen < 3 || listen[hlen - 1] != ']') goto bad;
        memcpy(host, listen + 1, hlen - 2);
        host[hlen - 2] = '\0';
    } else {
        if (hlen >= sizeof host) goto bad;
        memcpy(host, listen, hlen);
        host[hlen] = '\0';
    }
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, cap, "--listen %s: %s", listen, gai_strerror(rc));
        return DS_ERR;
    }
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return DS_OK;
bad:
    snprintf(err, cap, "--listen wants ADDR:PORT (e.g. 127.0.0.1:8080), not '%s'", listen);
    return DS_ERR;
}

bool http_listen_is_loopback(const char *listen)
{
    struct sockaddr_storage ss;
    char err[256];
    if (parse_listen(listen, &ss, err, sizeof err) != DS_OK) return false;
    if (ss.ss_family == AF_INET)
        return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
    if (ss.ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr);
    return false;
}

ds_status http_server_start(struct http_server *srv, struct ds_ctx *ctx, const char *listen,
                            unsigned threads, char *err, size_t cap)
{
    memset(srv, 0, sizeof *srv);
    srv->ctx = ctx;
    struct sockaddr_storage ss;
    if (parse_listen(listen, &ss, err, cap) != DS_OK) return DS_ERR;
    struct wire_guard_config wcfg = {
        .limits = {.target_max = HTTP_URL_MAX,
                   .head_max = HTTP_URL_MAX + HTTP_HEADERS_MAX + 1024,
                   .args_max = REQ_MAX_QUERY,
                   .fields_max = HTTP_FIELDS_MAX,
                   .body_max = HTTP_IMPORT_MAX},
        .head_timeout_us = ctx->cfg->head_timeout * 1000000L,
        .body_timeout_us = ctx->cfg->request_timeout * 1000000L,
        .max_connections = (unsigned)ctx->cfg->max_connections,
    };
    srv->wire = wire_guard_new(&wcfg);
    if (!srv->wire) {
        snprintf(err, cap, "out of memory");
        return DS_ERR;
    }
    wire_guard_install(srv->wire);
    ctx->wire = srv->wire;
    /* libmicrohttpd splits its connection limit between the worker threads; give it room
     * above ours, so that the guard (which closes the oldest idle or slowest connection
     * beyond --max-connections) decides who is turned away, not an unlucky worker. */
    unsigned cap_connections = (unsigned)ctx->cfg->max_connections;
    unsigned mhd_limit = cap_connections + cap_connections / 4 + 16 * threads;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, ctx, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        srv, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)ctx->cfg->request_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        HTTP_CONNECTION_MEMORY, MHD_OPTION_CONNECTION_LIMIT, mhd_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)ctx->cfg->max_connections_per_client,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (!srv->daemon) {
        ctx->wire = NULL;
        wire_guard_free(srv->wire);
        srv->wire = NULL;
        snprintf(err, cap, "cannot listen on %s (address in use or not available)", listen);
        return DS_ERR;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : 0;
    return DS_OK;
}

void http_server_quiesce(struct http_server *srv)
{
    if (!srv->daemon) return;
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET) close(fd);
}

void http_server_stop(struct http_server *srv)
{
    if (srv->daemon) MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    if (srv->ctx) srv->ctx->wire = NULL;
    wire_guard_free(srv->wire);
    srv->wire = NULL;
}
