/* http/request.h — per-request state: one struct, allocated on the first libmicrohttpd
 * callback and freed in the completion callback (never in a handler). */
#ifndef DS_HTTP_REQUEST_H
#define DS_HTTP_REQUEST_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "core/entry_ref.h"
#include "core/error.h"

struct pg_conn; /* the request only holds one (pg/pool.h) */

#define REQ_MAX_PARAMS 8
#define REQ_MAX_QUERY 64
#define REQ_MAX_RESP_HEADERS 16

struct route;
struct park_waiter;
struct fault_fired;
struct api_key;

struct req_param {
    const char *name; /* points into the route pattern (not NUL-terminated) */
    size_t name_len;
    char *value;      /* percent-decoded; owned */
    size_t value_len; /* may differ from strlen(value) only if it held %00 (rejected) */
};

struct req_kv {
    char *name;  /* owned */
    char *value; /* owned; "" for a bare ?flag */
};

struct ds_request {
    struct ds_ctx *ctx;          /* borrowed */
    struct MHD_Connection *conn; /* borrowed from libmicrohttpd */
    const char *method;          /* borrowed from libmicrohttpd, valid until completion */
    char *path;                  /* raw (undecoded) path; owned */
    const struct route *route;   /* matched route, or NULL */
    char allowed[64];            /* for 405: methods the path does accept */

    struct req_param params[REQ_MAX_PARAMS]; /* path captures, in pattern order */
    int n_params;
    int64_t universe_id;  /* {universe} capture, validated by the pipeline */
    struct entry_ref ref; /* the route's entry address (route->address), read by the pipeline */
    bool scope_in_path;   /* v2: the route named the scope (.../scopes/{scope_id}/...) */
    const char *revision; /* ADDR_REVISION: what follows '@' in the key, or NULL */
    char ref_key[64];     /* ADDR_REVISION: the key before '@' (ref.key points here) */

    struct req_kv query[REQ_MAX_QUERY]; /* decoded query arguments */
    int n_query;
    bool query_loaded;
    bool query_invalid; /* bad escape, NUL byte or too many arguments */

    char *body; /* request body, NUL-terminated; owned */
    size_t body_len, body_cap;
    bool body_too_large;
    size_t body_max; /* HTTP_BODY_MAX, or HTTP_IMPORT_MAX for an import */

    struct pg_conn *db;      /* lent by the pool for this request, or NULL */
    struct api_key *api_key; /* the key that authenticated the request (referenced), or NULL */

    struct req_kv resp_headers[REQ_MAX_RESP_HEADERS]; /* extra response headers; owned */
    int n_resp_headers;
    struct park_waiter *waiter;       /* set while in the parking lot (http/park.c) */
    bool parked;                      /* suspended; the handler runs again when resumed */
    bool client_gone;                 /* the client closed the connection while parked */
    bool shutting_down;               /* woken by shutdown: answer 503 */
    int64_t wait_deadline_us;         /* lock wait mode: give up at this service time (0: unset) */
    int64_t cooldown_since_us;        /* monotonic: parked behind a write cooldown (0: not) */
    int64_t cooldown_waited_us;       /* real time waited behind write cooldowns */
    struct fault_fired *after_commit; /* an after_commit fault to answer instead of a 2xx */
    int fault_headers_mark;           /* response headers set before the fault was decided */
    bool close_on_wake;               /* a timeout fault: close once the hold ends */
    bool close_now;                   /* a drop fault: close without answering */
    bool fault_reply;                 /* the reply is an injected fault (logged at debug) */
    bool replied;                     /* a response has been queued */
    int status;                       /* status of that response */
    int64_t started_us;               /* monotonic start, for logs */
    char request_id[72];              /* x-request-id: the client's (if sane) or generated */
};

/* Case-insensitive lookup of a decoded query argument; NULL if absent. */
const char *req_query(struct ds_request *req, const char *name);
/* A path capture by name ("universe", "datastore", ...); NULL if the route has none. */
const char *req_param(const struct ds_request *req, const char *name);
/* A request header (case-insensitive); NULL if absent. Borrowed from libmicrohttpd. */
const char *req_header(const struct ds_request *req, const char *name);

/* Percent-decodes src[0..len) into a new string. plus_is_space for query strings.
 * Returns NULL on a malformed escape or a decoded NUL byte (and on OOM). */
char *http_percent_decode(const char *src, size_t len, bool plus_is_space);

#endif
