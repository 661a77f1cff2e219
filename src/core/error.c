/* core/error.c — filling struct ds_error; the status → canonical code table. */
#include "core/error.h"

#include <stdio.h>
#include <string.h>

static const struct {
    int status;
    const char *code;
} status_codes[] = {
    {400, "INVALID_ARGUMENT"},  {401, "UNAUTHENTICATED"},    {403, "PERMISSION_DENIED"},
    {404, "NOT_FOUND"},         {405, "METHOD_NOT_ALLOWED"}, {408, "DEADLINE_EXCEEDED"},
    {409, "ABORTED"},           {411, "INVALID_ARGUMENT"},   {413, "INVALID_ARGUMENT"},
    {415, "INVALID_ARGUMENT"},  {429, "RESOURCE_EXHAUSTED"}, {499, "CANCELLED"},
    {500, "INTERNAL"},          {501, "NOT_IMPLEMENTED"},    {503, "UNAVAILABLE"},
    {504, "DEADLINE_EXCEEDED"}, {505, "NOT_IMPLEMENTED"},
};

const char *ds_error_code_for_status(int http_status)
{
    for (size_t i = 0; i < sizeof status_codes / sizeof status_codes[0]; i++)
        if (status_codes[i].status == http_status) return status_codes[i].code;
    return http_status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
}

static ds_status fill(struct ds_error *err, int http_status, const char *code, const char *detail,
                      const char *fmt, va_list ap)
{
    if (!err) return DS_ERR;
    err->http_status = http_status;
    err->code = code ? code : ds_error_code_for_status(http_status);
    err->detail = detail;
    err->retry_at_us = 0;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return DS_ERR;
}

ds_status ds_fail(struct ds_error *err, int http_status, const char *detail, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ds_status st = fill(err, http_status, NULL, detail, fmt, ap);
    va_end(ap);
    return st;
}
