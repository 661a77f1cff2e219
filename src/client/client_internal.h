/* client_internal.h — what the files of libdatastore share and its users never see: the
 * client handle, a growable buffer, one HTTP exchange with its retry class, and the helpers
 * that turn answers into results. */
#ifndef DSC_CLIENT_INTERNAL_H
#define DSC_CLIENT_INTERNAL_H

#include <curl/curl.h>
#include <json-c/json.h>

#include "client/datastore_client.h"

struct dsc_client {
    CURL *curl;                 /* one easy handle: its connection is reused across calls */
    char *base_url;             /* owned, without a trailing '/' */
    struct curl_slist *headers; /* owned: x-api-key, x-server-id, Expect */
    long connect_timeout_ms;
    long timeout_ms;
    struct dsc_retry_policy retry;
    bool no_retry;
    bool verbose;
    uint64_t rng;           /* splitmix64 state for backoff jitter */
    struct dsc_error error; /* last failure */
    int attempts;           /* requests sent by the last call */
    dsc_progress_fn progress;
    void *progress_user;
};

/* A growable byte buffer, always NUL-terminated once anything was appended. failed sticks
 * after an allocation failure so callers check once at the end. */
struct dsc_buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
};
bool dsc_buf_append(struct dsc_buf *b, const char *data, size_t len);
bool dsc_buf_puts(struct dsc_buf *b, const char *text);
bool dsc_buf_printf(struct dsc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends text percent-escaped (URL path segment or query value). */
bool dsc_buf_escaped(struct dsc_buf *b, const char *text);
void dsc_buf_free(struct dsc_buf *b);

/* How a request may be retried after a 5xx or a transport error (429 always may: the server
 * refused it before doing anything). */
enum dsc_safety {
    DSC_IDEMPOTENT, /* reads, set, remove, lock, renew: sending twice does no harm */
    DSC_UNSAFE      /* increment, patch, unlock: only with retry_unsafe_writes */
};

struct dsc_call {
    const char *method;
    const char *path; /* path and query, escaped, starting with '/' */
    const char *body; /* NULL: none */
    size_t body_len;
    struct curl_slist *headers; /* extra request headers; not owned */
    enum dsc_safety safety;
};

struct dsc_reply {
    long status;
    struct dsc_buf body;
    struct dsc_buf headers; /* header lines of the final answer */
};
void dsc_reply_free(struct dsc_reply *r);
/* The value of a response header (case-insensitive), copied into buf; NULL if absent. */
const char *dsc_reply_header(const struct dsc_reply *r, const char *name, char *buf, size_t cap);

/* Appends "name: value" to a header list; false when out of memory. */
bool dsc_add_header(struct curl_slist **list, const char *name, const char *value);
/* Resets the handle and sets what every request shares: URL (base + path), headers (extra,
 * then the client's, appended to *headers, which the caller frees), timeouts, method. */
bool dsc_prepare(dsc_client *c, const char *method, const char *path, struct curl_slist **headers,
                 struct curl_slist *extra);

/* Sends call, retrying per the client's policy. DSC_OK with any final HTTP status in reply;
 * DSC_ERR_TRANSPORT (error set) when the last attempt got no answer. */
dsc_result dsc_send(dsc_client *c, const struct dsc_call *call, struct dsc_reply *reply);
/* A uniform random wait in [0, ceiling_ms] from the client's jitter generator, and a sleep. */
long dsc_jitter_ms(dsc_client *c, long ceiling_ms);
void dsc_sleep_ms(long ms);

/* Starts a call: clears the error and the attempt count. */
void dsc_begin(dsc_client *c);
/* Records a failure of the given kind with a message; returns result. */
dsc_result dsc_fail(dsc_client *c, dsc_result result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records the server's error answer (status, code, detail, message); returns DSC_ERR_HTTP. */
dsc_result dsc_fail_reply(dsc_client *c, const struct dsc_reply *r);
/* Parses a JSON object answer; NULL (DSC_ERR_PROTOCOL recorded) if it is not one. */
struct json_object *dsc_reply_json(dsc_client *c, const struct dsc_reply *r);

/* Paths: "/datastores/v1/universes/U/standard-datastores/datastore/entries/entry" + suffix
 * + "?datastoreName=..&entryKey=..&scope=.." (key may be NULL). */
bool dsc_v1_entry_path(struct dsc_buf *b, const struct dsc_store *s, const char *suffix,
                       const char *key);
/* "/cloud/v2/universes/U/<family>/DS/scopes/S/entries[/KEY]" with family "data-stores" or
 * "ordered-data-stores" (key may be NULL). */
bool dsc_v2_entry_path(struct dsc_buf *b, const char *family, const struct dsc_store *s,
                       const char *key);
/* True if the store and key are present and plausible; records DSC_ERR_INVALID otherwise. */
bool dsc_check_target(dsc_client *c, const struct dsc_store *s, const char *key);

/* RFC 3339 ("2026-11-25T15:03:32.1582300Z", "+00:00" offsets too) to ms since the epoch. */
bool dsc_parse_time_ms(const char *text, int64_t *ms);
/* strdup that records DSC_ERR_NOMEM on failure. */
char *dsc_strdup(dsc_client *c, const char *text);

#endif
