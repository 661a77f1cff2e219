/* client_http.c — libdatastore's transport: the client handle, one HTTP exchange over its
 * libcurl handle, and the retry policy (429 and 5xx after their Retry-After, 5xx and
 * transport errors with exponential backoff and full jitter; never other 4xx). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "client/client_internal.h"

#define DEFAULT_MAX_RETRIES 4
#define DEFAULT_BASE_DELAY_MS 100
#define DEFAULT_MAX_DELAY_MS 5000
#define DEFAULT_MAX_RETRY_AFTER_MS 60000
#define RESPONSE_CAP (512L * 1024 * 1024) /* a buffered answer larger than this is refused */

/* ---- the handle ---- */

dsc_result dsc_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? DSC_OK : DSC_ERR_NOMEM;
}

static uint64_t next_random(dsc_client *c)
{
    uint64_t z = (c->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

bool dsc_add_header(struct curl_slist **list, const char *name, const char *value)
{
    struct dsc_buf b = {0};
    bool ok = dsc_buf_printf(&b, "%s: %s", name, value);
    struct curl_slist *next = ok ? curl_slist_append(*list, b.data) : NULL;
    dsc_buf_free(&b);
    if (!next) return false;
    *list = next;
    return true;
}

/* A header value must not smuggle a line break into the request. */
static bool header_safe(const char *value)
{
    return value && !strpbrk(value, "\r\n");
}

dsc_client *dsc_client_new(const struct dsc_options *o)
{
    if (!o || !o->base_url || strncmp(o->base_url, "http", 4) != 0) return NULL;
    if ((o->api_key && !header_safe(o->api_key)) || (o->server_id && !header_safe(o->server_id)))
        return NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return NULL;
    dsc_client *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->curl = curl_easy_init();
    c->base_url = strdup(o->base_url);
    bool ok = c->curl && c->base_url;
    if (ok) {
        size_t n = strlen(c->base_url);
        while (n > 0 && c->base_url[n - 1] == '/')
            c->base_url[--n] = '\0';
        /* libcurl would send "Expect: 100-continue" before large bodies: one more round trip. */
        ok = dsc_add_header(&c->headers, "Expect", "") &&
             (!o->api_key || dsc_add_header(&c->headers, "x-api-key", o->api_key)) &&
             (!o->server_id || dsc_add_header(&c->headers, "x-server-id", o->server_id));
    }
    if (!ok) {
        dsc_client_free(c);
        return NULL;
    }
    c->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 5000;
    c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
    c->retry = o->retry;
    if (c->retry.max_retries <= 0) c->retry.max_retries = DEFAULT_MAX_RETRIES;
    if (c->retry.base_delay_ms <= 0) c->retry.base_delay_ms = DEFAULT_BASE_DELAY_MS;
    if (c->retry.max_delay_ms <= 0) c->retry.max_delay_ms = DEFAULT_MAX_DELAY_MS;
    if (c->retry.max_retry_after_ms <= 0) c->retry.max_retry_after_ms = DEFAULT_MAX_RETRY_AFTER_MS;
    c->no_retry = o->no_retry;
    c->verbose = o->verbose;
    if (o->jitter_seed) {
        c->rng = o->jitter_seed;
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        c->rng = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)(uintptr_t)c;
    }
    return c;
}

void dsc_client_free(dsc_client *c)
{
    if (!c) return;
    if (c->curl) curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->headers);
    free(c->base_url);
    free(c);
}

const struct dsc_error *dsc_last_error(const dsc_client *c)
{
    return &c->error;
}

int dsc_last_attempts(const dsc_client *c)
{
    return c->attempts;
}

void dsc_set_progress(dsc_client *c, dsc_progress_fn fn, void *user)
{
    c->progress = fn;
    c->progress_user = user;
}

/* ---- one exchange ---- */

void dsc_reply_free(struct dsc_reply *r)
{
    dsc_buf_free(&r->body);
    dsc_buf_free(&r->headers);
    r->status = 0;
}

const char *dsc_reply_header(const struct dsc_reply *r, const char *name, char *buf, size_t cap)
{
    size_t name_len = strlen(name);
    const char *p = r->headers.data;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t line_len = eol ? (size_t)(eol - p) : strlen(p);
        if (line_len > name_len && p[name_len] == ':' && strncasecmp(p, name, name_len) == 0) {
            const char *v = p + name_len + 1;
            const char *end = p + line_len;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            while (end > v && (end[-1] == '\r' || end[-1] == ' '))
                end--;
            snprintf(buf, cap, "%.*s", (int)(end - v), v);
            return buf;
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct dsc_buf *b = user;
    if (b->len + size * n > RESPONSE_CAP) return 0;
    return dsc_buf_append(b, data, size * n) ? size * n : 0;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    struct dsc_buf *b = user;
    /* A new status line (after a 100 Continue, say) starts the final answer's headers. */
    if (size * n >= 5 && strncmp(data, "HTTP/", 5) == 0) b->len = 0;
    return dsc_buf_append(b, data, size * n) ? size * n : 0;
}

/* See client_internal.h; the caller adds the body and callbacks. */
bool dsc_prepare(dsc_client *c, const char *method, const char *path, struct curl_slist **headers,
                 struct curl_slist *extra)
{
    struct dsc_buf url = {0};
    bool ok = dsc_buf_puts(&url, c->base_url) && dsc_buf_puts(&url, path);
    for (struct curl_slist *h = extra; ok && h; h = h->next) {
        struct curl_slist *next = curl_slist_append(*headers, h->data);
        if (!next) ok = false;
        *headers = next ? next : *headers;
    }
    for (struct curl_slist *h = c->headers; ok && h; h = h->next) {
        struct curl_slist *next = curl_slist_append(*headers, h->data);
        if (!next) ok = false;
        *headers = next ? next : *headers;
    }
    curl_easy_reset(c->curl); /* keeps the connection cache */
    ok = ok && curl_easy_setopt(c->curl, CURLOPT_URL, url.data) == CURLE_OK;
    dsc_buf_free(&url);
    if (!ok) return false;
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, *headers);
    curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    if (c->verbose) curl_easy_setopt(c->curl, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "libdatastore/" DATASTORED_VERSION);
    if (strcmp(method, "GET") == 0)
        curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    else if (strcmp(method, "POST") != 0)
        curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
    return true;
}

/* One attempt: CURLE_OK with reply->status set, or the transport error. */
static CURLcode attempt(dsc_client *c, const struct dsc_call *call, struct dsc_reply *reply,
                        char *errbuf)
{
    struct curl_slist *headers = NULL;
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    if (call->body && !dsc_add_header(&headers, "Content-Type", "application/json")) goto done;
    if (!dsc_prepare(c, call->method, call->path, &headers, call->headers)) goto done;
    if (call->body) {
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, call->body);
    } else if (strcmp(call->method, "POST") == 0) {
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, 0L);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, "");
    }
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &reply->body);
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, &reply->headers);
    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
    errbuf[0] = '\0';
    rc = curl_easy_perform(c->curl);
    if (rc == CURLE_OK) curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &reply->status);
    if (rc == CURLE_WRITE_ERROR && (reply->body.failed || reply->headers.failed))
        rc = CURLE_OUT_OF_MEMORY;
done:
    curl_slist_free_all(headers);
    return rc;
}

void dsc_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Retry-After in delta-seconds ("2", "0.5"); an HTTP date (datastored never sends one)
 * counts as absent. */
static double retry_after_seconds(const struct dsc_reply *r)
{
    char buf[64];
    if (!dsc_reply_header(r, "Retry-After", buf, sizeof buf)) return 0;
    char *end;
    double s = strtod(buf, &end);
    return end != buf && *end == '\0' && s > 0 && s < 1e7 ? s : 0;
}

long dsc_jitter_ms(dsc_client *c, long ceiling_ms)
{
    return (long)(next_random(c) % (uint64_t)(ceiling_ms + 1));
}

/* Full jitter: a uniform wait in [0, min(max, base * 2^(retry-1))]. */
static long backoff_ms(dsc_client *c, int retry)
{
    long ceiling = c->retry.base_delay_ms;
    for (int i = 1; i < retry && ceiling < c->retry.max_delay_ms; i++)
        ceiling *= 2;
    if (ceiling > c->retry.max_delay_ms) ceiling = c->retry.max_delay_ms;
    return dsc_jitter_ms(c, ceiling);
}

dsc_result dsc_send(dsc_client *c, const struct dsc_call *call, struct dsc_reply *reply)
{
    char errbuf[CURL_ERROR_SIZE];
    for (int retry = 0;; retry++) {
        dsc_reply_free(reply);
        c->attempts++;
        CURLcode rc = attempt(c, call, reply, errbuf);
        if (rc == CURLE_OUT_OF_MEMORY) return dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
        bool may_repeat = call->safety == DSC_IDEMPOTENT || c->retry.retry_unsafe_writes;
        bool retryable;
        long wait;
        double after = 0;
        if (rc != CURLE_OK) {
            retryable = may_repeat;
            wait = backoff_ms(c, retry + 1);
        } else if (reply->status == 429) {
            after = retry_after_seconds(reply);
            retryable = after * 1000.0 <= (double)c->retry.max_retry_after_ms;
            wait = backoff_ms(c, retry + 1);
            if ((double)wait < after * 1000.0) wait = (long)(after * 1000.0);
        } else if (reply->status >= 500) {
            /* A 503 may say when to come back; waiting at least that long is only polite. */
            after = retry_after_seconds(reply);
            retryable = may_repeat && after * 1000.0 <= (double)c->retry.max_retry_after_ms;
            wait = backoff_ms(c, retry + 1);
            if ((double)wait < after * 1000.0) wait = (long)(after * 1000.0);
        } else {
            c->error.retry_after_seconds = 0;
            return DSC_OK;
        }
        if (!retryable || c->no_retry || retry >= c->retry.max_retries) {
            if (rc == CURLE_OK) {
                c->error.retry_after_seconds = after;
                return DSC_OK;
            }
            return dsc_fail(c, DSC_ERR_TRANSPORT, "%s %s: %s", call->method, call->path,
                            errbuf[0] ? errbuf : curl_easy_strerror(rc));
        }
        dsc_sleep_ms(wait);
    }
}

dsc_result dsc_request(dsc_client *c, const char *method, const char *path, const char *body,
                       size_t body_len, bool idempotent, long *status, char **response,
                       size_t *response_len)
{
    dsc_begin(c);
    if (status) *status = 0;
    if (response) *response = NULL;
    if (response_len) *response_len = 0;
    if (!method || !path || path[0] != '/')
        return dsc_fail(c, DSC_ERR_INVALID, "method and a path starting with '/' are needed");
    struct dsc_call call = {.method = method,
                            .path = path,
                            .body = body,
                            .body_len = body ? body_len : 0,
                            .safety = idempotent ? DSC_IDEMPOTENT : DSC_UNSAFE};
    struct dsc_reply reply = {0};
    dsc_result rc = dsc_send(c, &call, &reply);
    if (rc == DSC_OK) {
        if (status) *status = reply.status;
        if (reply.status >= 400) dsc_fail_reply(c, &reply);
        if (response_len) *response_len = reply.body.len;
        if (response) {
            *response = reply.body.data ? reply.body.data : strdup("");
            reply.body.data = NULL;
            if (!*response) rc = dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
        }
    }
    dsc_reply_free(&reply);
    return rc;
}
