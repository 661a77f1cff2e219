/* http/reply.c — builds libmicrohttpd responses: create → headers → queue → destroy, with
 * the standard headers added in one place, and the error envelopes of each API family. */
#include "http/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/assert.h"
#include "http/cors.h"
#include "http/route.h"
#include "log.h"
#include "metrics.h"

void reply_header(struct ds_request *req, const char *name, const char *value)
{
    if (req->n_resp_headers >= REQ_MAX_RESP_HEADERS) {
        log_error("too many response headers for %s %s", req->method, req->path);
        return;
    }
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return;
    }
    req->resp_headers[req->n_resp_headers].name = n;
    req->resp_headers[req->n_resp_headers].value = v;
    req->n_resp_headers++;
}

const char *json_compact(struct json_object *obj, size_t *len)
{
    return json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
}

/* Adds headers, queues, destroys. A NULL response (allocation failure) closes the
 * connection, which libmicrohttpd does when nothing is queued and MHD_NO is implied. */
static void queue(struct ds_request *req, unsigned status, struct MHD_Response *resp,
                  const char *content_type)
{
    DS_ASSERT(!req->replied); /* one reply per request */
    if (req->replied) {
        log_error("second reply for %s %s ignored", req->method, req->path);
        if (resp) MHD_destroy_response(resp);
        return;
    }
    bool (*replace)(struct ds_request *, unsigned) = req->ctx->dispatch.replace_success;
    if (replace && replace(req, status)) { /* an after_commit fault answers instead */
        if (resp) MHD_destroy_response(resp);
        return;
    }
    req->replied = true;
    req->status = (int)status;
    if (!resp) {
        log_error("cannot allocate a response for %s %s", req->method, req->path);
        return;
    }
    if (content_type) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (req->request_id[0]) MHD_add_response_header(resp, "x-request-id", req->request_id);
    if (req->cooldown_waited_us > 0) { /* the write waited in its key's cooldown queue */
        char ms[24];
        snprintf(ms, sizeof ms, "%lld", (long long)((req->cooldown_waited_us + 500) / 1000));
        MHD_add_response_header(resp, "x-datastored-queued-ms", ms);
    }
    for (int i = 0; i < req->n_resp_headers; i++)
        MHD_add_response_header(resp, req->resp_headers[i].name, req->resp_headers[i].value);
    cors_add_response_headers(req, resp);
    if (MHD_queue_response(req->conn, status, resp) != MHD_YES)
        log_warn("queueing the response for %s %s failed", req->method, req->path);
    MHD_destroy_response(resp);
}

static void put_json(void *cls)
{
    json_object_put(cls);
}

void reply_json(struct ds_request *req, unsigned status, struct json_object *obj)
{
    if (!obj) {
        queue(req, 500, NULL, NULL);
        return;
    }
    size_t len;
    const char *text = json_compact(obj, &len);
    struct MHD_Response *resp = text ? MHD_create_response_from_buffer_with_free_callback_cls(
                                           len, (void *)text, put_json, obj)
                                     : NULL;
    if (!resp) json_object_put(obj);
    queue(req, status, resp, "application/json");
}

void reply_raw(struct ds_request *req, unsigned status, const char *content_type, const char *data,
               size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    queue(req, status, resp, content_type);
}

void reply_static(struct ds_request *req, unsigned status, const char *content_type,
                  const char *data, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    queue(req, status, resp, content_type);
}

void reply_owned(struct ds_request *req, unsigned status, const char *content_type,
                 const char *data, size_t len, void (*release)(void *), void *owner)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)data, release, owner);
    if (!resp) release(owner);
    queue(req, status, resp, content_type);
}

void reply_response(struct ds_request *req, unsigned status, struct MHD_Response *resp,
                    const char *content_type)
{
    queue(req, status, resp, content_type);
}

void reply_empty(struct ds_request *req, unsigned status)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    queue(req, status, resp, NULL);
}

/* The family decides the error envelope; unrouted paths are judged by their prefix. */
static enum route_family error_family(const struct ds_request *req)
{
    if (req->route) return req->route->family;
    if (req->path && strncmp(req->path, "/datastores/", 12) == 0) return FAMILY_V1;
    return FAMILY_V2;
}

static struct json_object *error_detail(const char *detail)
{
    struct json_object *d = json_object_new_object();
    json_object_object_add(d, "errorDetailType", json_object_new_string("DatastoreErrorInfo"));
    json_object_object_add(d, "datastoreErrorCode", json_object_new_string(detail));
    struct json_object *arr = json_object_new_array();
    json_object_array_add(arr, d);
    return arr;
}

void reply_error(struct ds_request *req, const struct ds_error *err)
{
    if (err->http_status >= 500 && !req->fault_reply)
        log_warn("%s %s -> %d %s: %s", req->method, req->path, err->http_status, err->code,
                 err->message);
    else
        log_debug("%s %s -> %d %s: %s", req->method, req->path, err->http_status, err->code,
                  err->message);
    metrics_error_detail(req->ctx->metrics, err->detail);
    struct json_object *body = json_object_new_object();
    if (!body) {
        queue(req, (unsigned)err->http_status, NULL, NULL);
        return;
    }
    if (error_family(req) == FAMILY_V1) {
        json_object_object_add(body, "error", json_object_new_string(err->code));
        json_object_object_add(body, "message", json_object_new_string(err->message));
        if (err->detail) json_object_object_add(body, "errorDetails", error_detail(err->detail));
    } else {
        json_object_object_add(body, "code", json_object_new_string(err->code));
        json_object_object_add(body, "message", json_object_new_string(err->message));
        if (err->detail) json_object_object_add(body, "details", error_detail(err->detail));
    }
    if (err->http_status == 429 || err->http_status == 503) {
        /* Retryable: tell clients when; more precise values are set by the thrower. */
        bool has_retry = false;
        for (int i = 0; i < req->n_resp_headers; i++)
            if (!strcasecmp(req->resp_headers[i].name, "Retry-After")) has_retry = true;
        if (!has_retry) reply_header(req, "Retry-After", "1");
    }
    reply_json(req, (unsigned)err->http_status, body);
}

void reply_fail(struct ds_request *req, int status, const char *detail, const char *fmt, ...)
{
    struct ds_error err;
    err.http_status = status;
    err.code = ds_error_code_for_status(status);
    err.detail = detail;
    err.retry_at_us = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err.message, sizeof err.message, fmt, ap);
    va_end(ap);
    reply_error(req, &err);
}
