/* core/error.h — the one error value every layer fills and the reply layer renders:
 * HTTP status, canonical Open Cloud code, Roblox datastoreErrorCode and a message. */
#ifndef DS_CORE_ERROR_H
#define DS_CORE_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#define DS_MUSTCHECK __attribute__((warn_unused_result))

typedef enum { DS_OK = 0, DS_ERR = -1 } ds_status;

struct ds_error {
    int http_status;    /* HTTP status to answer with */
    const char *code;   /* canonical code (static): INVALID_ARGUMENT, NOT_FOUND, ABORTED, ... */
    const char *detail; /* Roblox datastoreErrorCode (static), e.g. "EntryNotFound"; NULL if none */
    char message[256];  /* human-readable message, always NUL-terminated */
    int64_t retry_at_us; /* 429 from a per-key rule: service time when it may succeed; else 0 */
};

/* Canonical Open Cloud code for an HTTP status (INVALID_ARGUMENT for 400, ...). */
const char *ds_error_code_for_status(int http_status);

/* Fills err (if non-NULL) and returns DS_ERR, so callers can `return ds_fail(...)`. */
ds_status ds_fail(struct ds_error *err, int http_status, const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
