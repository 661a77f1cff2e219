/* datastore_client.h — libdatastore: a small C client for datastored (and Roblox Open Cloud
 * data stores) over libcurl. Entries, versions, listing, ordered data stores, session locks,
 * an optimistic UpdateAsync helper, typed errors, and retry with backoff for the failures
 * worth retrying.
 *
 * Threads: a dsc_client is used by one thread at a time (give each thread its own; handles
 * share nothing). Call dsc_global_init() once before creating clients from several threads.
 *
 * Memory: strings the library returns through `char **` are allocated with malloc and are
 * the caller's to free(); structs filled by the library are released with their _clear
 * function. A result other than DSC_OK leaves outputs empty (NULL / zero). */
#ifndef DATASTORE_CLIENT_H
#define DATASTORE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Only what this header declares is exported from libdatastore.so. */
#pragma GCC visibility push(default)

typedef enum {
    DSC_OK = 0,
    DSC_NOT_FOUND,     /* the entry or version does not exist (not an error for reads) */
    DSC_CANCELLED,     /* the update transform chose not to write */
    DSC_ERR_HTTP,      /* the server refused: dsc_last_error() has status, code, message */
    DSC_ERR_TRANSPORT, /* no answer: connection refused or lost, timeout */
    DSC_ERR_INVALID,   /* the caller's arguments (NULL key, bad value, ...) */
    DSC_ERR_PROTOCOL,  /* an answer the library could not understand */
    DSC_ERR_NOMEM
} dsc_result;

/* What went wrong in the last call that did not return DSC_OK. */
struct dsc_error {
    dsc_result result;
    long http_status;  /* 0 when the server did not answer */
    char code[40];     /* Open Cloud code: "NOT_FOUND", "ABORTED", "RESOURCE_EXHAUSTED", ... */
    char detail[64];   /* Roblox datastoreErrorCode when given: "EntryNotFound", "LockHeld" */
    char message[512]; /* the server's message, or the transport / argument problem */
    double retry_after_seconds; /* from Retry-After on the last answer, 0 if none */
    int attempts;               /* requests sent for the call (1 + retries) */
};

/* Retry of failed requests: 429 and any 5xx (waiting at least their Retry-After) and
 * transport errors; never other 4xx. Waits grow exponentially with full jitter. */
struct dsc_retry_policy {
    int max_retries;    /* retries after the first attempt. Default 4 (0 also means the default:
                           set dsc_options.no_retry to send each request once) */
    long base_delay_ms; /* first backoff ceiling. Default 100 */
    long max_delay_ms;  /* backoff ceiling. Default 5000 */
    long max_retry_after_ms;  /* a Retry-After longer than this is returned, not slept. 60000 */
    bool retry_unsafe_writes; /* also retry increment, JSON Patch update and unlock on 5xx /
                                 transport errors (they may have committed: a retry can apply
                                 them twice). Default false: those retry on 429 only. */
};

struct dsc_options {
    const char *base_url;          /* "http://127.0.0.1:8080"; required */
    const char *api_key;           /* sent as x-api-key; NULL for open local mode */
    long connect_timeout_ms;       /* default 5000 */
    long timeout_ms;               /* whole request, default 30000 */
    struct dsc_retry_policy retry; /* zero-filled: the defaults above */
    bool no_retry;                 /* true: send each request once */
    uint64_t jitter_seed;          /* 0: seeded from the clock; fixed: reproducible backoff */
    const char *server_id;         /* sent as x-server-id (per-server budgets); may be NULL */
    bool verbose;                  /* libcurl traces each exchange on stderr */
};

typedef struct dsc_client dsc_client;

/* Once per process, before clients are made on several threads (wraps curl_global_init). */
dsc_result dsc_global_init(void);
/* NULL if options are invalid or memory is short. */
dsc_client *dsc_client_new(const struct dsc_options *options);
void dsc_client_free(dsc_client *client);
/* The last failure on this handle; valid until the next call. */
const struct dsc_error *dsc_last_error(const dsc_client *client);
/* Requests sent by the last call (1 + retries), whatever its result. */
int dsc_last_attempts(const dsc_client *client);
/* A short name for a result: "ok", "not found", "http error", ... */
const char *dsc_result_name(dsc_result result);

/* Which data store an operation addresses. scope NULL means "global". */
struct dsc_store {
    int64_t universe;
    const char *datastore;
    const char *scope;
};

#define DSC_MAX_USER_IDS 4
#define DSC_VERSION_CAP 64

/* DataStoreKeyInfo. */
struct dsc_key_info {
    char version[DSC_VERSION_CAP];
    int64_t created_ms; /* when the key was first written, ms since the epoch */
    int64_t updated_ms; /* when this version was written */
    int64_t user_ids[DSC_MAX_USER_IDS];
    size_t user_id_count;
    char *metadata; /* JSON object text, owned ("{}" when none) */
};
void dsc_key_info_clear(struct dsc_key_info *info);

/* Optional arguments of writes; a NULL pointer means all defaults. */
struct dsc_write_options {
    const int64_t *user_ids; /* at most DSC_MAX_USER_IDS; omitted: cleared, as in Roblox */
    size_t user_id_count;
    const char *metadata;      /* JSON object text; NULL: cleared, as in Roblox */
    const char *match_version; /* write only if the current version is this (412 otherwise) */
    bool exclusive_create;     /* write only if the key has no live value (412 otherwise) */
    int64_t lock_token;        /* x-lock-token for a key under a session lock; 0: none */
};

/* GetAsync: value is the stored JSON text, byte-exact. DSC_NOT_FOUND for a missing or
 * removed key. info may be NULL. */
dsc_result dsc_get(dsc_client *c, const struct dsc_store *s, const char *key, char **value,
                   struct dsc_key_info *info);
/* SetAsync: value is JSON text. version (DSC_VERSION_CAP bytes) may be NULL. */
dsc_result dsc_set(dsc_client *c, const struct dsc_store *s, const char *key, const char *value,
                   const struct dsc_write_options *options, char *version);
/* IncrementAsync: adds delta (creating the key at 0); new_value and info may be NULL. Uses
 * user_ids, metadata and lock_token of options. */
dsc_result dsc_increment(dsc_client *c, const struct dsc_store *s, const char *key, int64_t delta,
                         const struct dsc_write_options *options, int64_t *new_value,
                         struct dsc_key_info *info);
/* RemoveAsync: writes a tombstone; removing a missing key succeeds. */
dsc_result dsc_remove(dsc_client *c, const struct dsc_store *s, const char *key,
                      int64_t lock_token);
/* Server-side update with a JSON Patch array (`test` ops make it conditional: a failed test
 * is DSC_ERR_HTTP with status 412). value (re-serialized) and info may be NULL. */
dsc_result dsc_update_patch(dsc_client *c, const struct dsc_store *s, const char *key,
                            const char *patch, int64_t lock_token, char **value,
                            struct dsc_key_info *info);

/* What a transform wants written. The library fills it with the current user ids and
 * metadata (kept unless changed); the transform sets value (malloc'd JSON text; the library
 * frees it) and may replace metadata (malloc'd or NULL to clear; the library frees it). */
struct dsc_transform_output {
    char *value;
    int64_t user_ids[DSC_MAX_USER_IDS];
    size_t user_id_count;
    char *metadata;
};
typedef enum { DSC_TRANSFORM_WRITE = 0, DSC_TRANSFORM_CANCEL = 1 } dsc_transform_action;
/* current is NULL when the key has no value (info is then NULL). Called again with fresh
 * data each time another writer got in first; must not keep pointers it is given. */
typedef dsc_transform_action (*dsc_transform_fn)(const char *current,
                                                 const struct dsc_key_info *info,
                                                 struct dsc_transform_output *out, void *user);
/* UpdateAsync, optimistically: read, transform, write with matchVersion (exclusiveCreate for a
 * new key), and start again on a 412 conflict after a short random wait (full jitter,
 * doubling from 1 to 64 ms), up to max_attempts (0: 64). value and info
 * (the written ones) may be NULL. DSC_CANCELLED when the transform cancels (value and info
 * then hold the current data). lock_token as for writes. */
dsc_result dsc_update(dsc_client *c, const struct dsc_store *s, const char *key,
                      dsc_transform_fn transform, void *user, int max_attempts, int64_t lock_token,
                      char **value, struct dsc_key_info *info);

/* ListKeysAsync: one page. */
struct dsc_key_ref {
    char *scope;
    char *key;
};
struct dsc_key_page {
    struct dsc_key_ref *keys;
    size_t count;
    char *next_cursor; /* NULL on the last page */
};
void dsc_key_page_clear(struct dsc_key_page *page);
/* prefix and cursor may be NULL; all_scopes ignores s->scope; limit 0: server default. */
dsc_result dsc_list_keys(dsc_client *c, const struct dsc_store *s, const char *prefix,
                         bool all_scopes, int limit, const char *cursor, struct dsc_key_page *page);

/* ListVersionsAsync: one page. */
struct dsc_version_info {
    char version[DSC_VERSION_CAP];
    bool deleted;
    int64_t content_length;
    int64_t created_ms;        /* when this version was written */
    int64_t object_created_ms; /* when the key was first written */
};
struct dsc_version_page {
    struct dsc_version_info *versions;
    size_t count;
    char *next_cursor; /* NULL on the last page */
};
void dsc_version_page_clear(struct dsc_version_page *page);
struct dsc_version_query {
    bool descending;
    int64_t min_ms; /* 0: no lower bound */
    int64_t max_ms; /* 0: no upper bound */
    int limit;      /* 0: server default */
    const char *cursor;
};
dsc_result dsc_list_versions(dsc_client *c, const struct dsc_store *s, const char *key,
                             const struct dsc_version_query *query, struct dsc_version_page *page);
/* GetVersionAsync. DSC_NOT_FOUND for an unknown version; a tombstone version is DSC_NOT_FOUND
 * too (there is no value). */
dsc_result dsc_get_version(dsc_client *c, const struct dsc_store *s, const char *key,
                           const char *version, char **value, struct dsc_key_info *info);

/* ListDataStoresAsync: one page of names. */
struct dsc_store_page {
    char **names;
    int64_t *created_ms;
    size_t count;
    char *next_cursor; /* NULL on the last page */
};
void dsc_store_page_clear(struct dsc_store_page *page);
dsc_result dsc_list_datastores(dsc_client *c, int64_t universe, const char *prefix, int limit,
                               const char *cursor, struct dsc_store_page *page);

/* Ordered data stores (s->scope NULL: "global"). */
dsc_result dsc_ordered_get(dsc_client *c, const struct dsc_store *s, const char *key,
                           int64_t *value);
dsc_result dsc_ordered_set(dsc_client *c, const struct dsc_store *s, const char *key,
                           int64_t value);
dsc_result dsc_ordered_increment(dsc_client *c, const struct dsc_store *s, const char *key,
                                 int64_t delta, int64_t *new_value);
dsc_result dsc_ordered_remove(dsc_client *c, const struct dsc_store *s, const char *key);

/* GetSortedAsync: one page. */
struct dsc_sorted_entry {
    char *key;
    int64_t value;
};
struct dsc_sorted_page {
    struct dsc_sorted_entry *entries;
    size_t count;
    char *next_page_token; /* NULL on the last page */
};
void dsc_sorted_page_clear(struct dsc_sorted_page *page);
struct dsc_sorted_query {
    bool descending;
    int page_size;            /* 0: server default (10); at most 100 */
    const int64_t *min_value; /* inclusive bounds; NULL: none */
    const int64_t *max_value;
    const char *page_token; /* from the previous page; NULL for the first */
};
dsc_result dsc_sorted(dsc_client *c, const struct dsc_store *s, const struct dsc_sorted_query *q,
                      struct dsc_sorted_page *page);

/* Session locks with fencing tokens (datastored extension). */
typedef enum { DSC_LOCK_FAIL = 0, DSC_LOCK_STEAL, DSC_LOCK_WAIT } dsc_lock_mode;
struct dsc_lock {
    char owner[128];
    int64_t token;
    char expire_time[40]; /* RFC 3339 */
};
/* wait_seconds is used by DSC_LOCK_WAIT. A held lock is DSC_ERR_HTTP 409 "LockHeld". */
dsc_result dsc_lock(dsc_client *c, const struct dsc_store *s, const char *key, const char *owner,
                    int ttl_seconds, dsc_lock_mode mode, int wait_seconds, struct dsc_lock *lock);
dsc_result dsc_renew_lock(dsc_client *c, const struct dsc_store *s, const char *key, int64_t token,
                          int ttl_seconds, struct dsc_lock *lock);
/* Releases; with final_value (JSON text) also saves it in the same transaction (options:
 * user ids and metadata of that save). */
dsc_result dsc_unlock(dsc_client *c, const struct dsc_store *s, const char *key, int64_t token,
                      const char *final_value, const struct dsc_write_options *options);

/* Any request, for what has no function of its own (the admin API): path includes the query,
 * already escaped. Retried like a read when idempotent is true, like an unsafe write
 * otherwise. DSC_OK for any HTTP answer: look at *status. body (NUL-terminated) may be NULL. */
dsc_result dsc_request(dsc_client *c, const char *method, const char *path, const char *body,
                       size_t body_len, bool idempotent, long *status, char **response,
                       size_t *response_len);

/* Streams a request body from upload (NULL: none; read to its end) and a 2xx answer's body
 * into download (NULL: discarded), without holding either in memory — for export and
 * import. Sent once, never retried. An error answer is in dsc_last_error(). */
dsc_result dsc_transfer(dsc_client *c, const char *method, const char *path, FILE *upload,
                        FILE *download, long *status);

/* Progress of dsc_transfer (export/import): called often (each time libcurl reports) with
 * bytes done and expected (0 when unknown). NULL to stop. */
typedef void (*dsc_progress_fn)(int64_t done, int64_t total, void *user);
void dsc_set_progress(dsc_client *c, dsc_progress_fn fn, void *user);

/* ms since the epoch as RFC 3339, "YYYY-MM-DDTHH:MM:SS.fffffffZ" (cap >= 32). */
void dsc_format_time_ms(int64_t ms, char *out, size_t cap);

/* Escapes text for a URL path segment or query value; malloc'd. */
char *dsc_escape(const char *text);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
