/* client_errors.c — libdatastore's results and errors: recording a failure, and turning an
 * error answer in any of Open Cloud's envelopes (v1, v2/ordered, gateway) into struct
 * dsc_error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

const char *dsc_result_name(dsc_result result)
{
    switch (result) {
    case DSC_OK:
        return "ok";
    case DSC_NOT_FOUND:
        return "not found";
    case DSC_CANCELLED:
        return "cancelled";
    case DSC_ERR_HTTP:
        return "http error";
    case DSC_ERR_TRANSPORT:
        return "transport error";
    case DSC_ERR_INVALID:
        return "invalid argument";
    case DSC_ERR_PROTOCOL:
        return "protocol error";
    case DSC_ERR_NOMEM:
        return "out of memory";
    }
    return "unknown";
}

void dsc_begin(dsc_client *c)
{
    c->error = (struct dsc_error){0};
    c->attempts = 0;
}

dsc_result dsc_fail(dsc_client *c, dsc_result result, const char *fmt, ...)
{
    c->error = (struct dsc_error){.result = result};
    c->error.attempts = c->attempts;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error.message, sizeof c->error.message, fmt, ap);
    va_end(ap);
    return result;
}

static void copy_field(char *dst, size_t cap, struct json_object *o, const char *name)
{
    struct json_object *v;
    if (o && json_object_object_get_ex(o, name, &v) && json_object_is_type(v, json_type_string))
        snprintf(dst, cap, "%s", json_object_get_string(v));
}

/* The datastoreErrorCode of the first element of a details array, if any. */
static void copy_detail(char *dst, size_t cap, struct json_object *details)
{
    if (!details || !json_object_is_type(details, json_type_array) ||
        json_object_array_length(details) == 0)
        return;
    copy_field(dst, cap, json_object_array_get_idx(details, 0), "datastoreErrorCode");
}

dsc_result dsc_fail_reply(dsc_client *c, const struct dsc_reply *r)
{
    struct dsc_error *e = &c->error;
    double retry_after = e->retry_after_seconds; /* set by dsc_send for this answer */
    *e = (struct dsc_error){.retry_after_seconds = retry_after};
    e->result = DSC_ERR_HTTP;
    e->http_status = r->status;
    e->attempts = c->attempts;
    struct json_object *doc = r->body.data ? json_tokener_parse(r->body.data) : NULL;
    struct json_object *v = NULL;
    if (doc && json_object_is_type(doc, json_type_object)) {
        /* v1: {"error","message","errorDetails"}; v2 and ordered: {"code","message","details"};
         * the gateway: {"errors":[{"code":0,"message"}]}. */
        copy_field(e->code, sizeof e->code, doc, "error");
        copy_field(e->code, sizeof e->code, doc, "code");
        copy_field(e->message, sizeof e->message, doc, "message");
        if (json_object_object_get_ex(doc, "errorDetails", &v) ||
            json_object_object_get_ex(doc, "details", &v))
            copy_detail(e->detail, sizeof e->detail, v);
        if (json_object_object_get_ex(doc, "errors", &v) &&
            json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0)
            copy_field(e->message, sizeof e->message, json_object_array_get_idx(v, 0), "message");
    }
    json_object_put(doc);
    if (!e->message[0]) snprintf(e->message, sizeof e->message, "HTTP %ld", r->status);
    if (!e->code[0]) {
        const char *code = r->status == 401   ? "UNAUTHENTICATED"
                           : r->status == 429 ? "RESOURCE_EXHAUSTED"
                           : r->status >= 500 ? "UNAVAILABLE"
                                              : "UNKNOWN";
        snprintf(e->code, sizeof e->code, "%s", code);
    }
    return DSC_ERR_HTTP;
}

struct json_object *dsc_reply_json(dsc_client *c, const struct dsc_reply *r)
{
    struct json_object *doc = r->body.data ? json_tokener_parse(r->body.data) : NULL;
    if (!doc || !json_object_is_type(doc, json_type_object)) {
        json_object_put(doc);
        dsc_fail(c, DSC_ERR_PROTOCOL, "expected a JSON object from the server (HTTP %ld)",
                 r->status);
        return NULL;
    }
    return doc;
}

char *dsc_strdup(dsc_client *c, const char *text)
{
    char *copy = strdup(text ? text : "");
    if (!copy) dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    return copy;
}
