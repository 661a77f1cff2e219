/* http/reply.h — the only way handlers answer. Every handler ends in exactly one reply_*
 * call; errors are rendered in the body format of the route's API family:
 *   v1: {"error","message","errorDetails":[{"errorDetailType","datastoreErrorCode"}]}
 *   v2/ordered/admin:   {"code","message","details":[...]} */
#ifndef DS_HTTP_REPLY_H
#define DS_HTTP_REPLY_H

#include <json-c/json.h>

#include "http/request.h"

/* Adds a response header to the reply that follows (copied). */
void reply_header(struct ds_request *req, const char *name, const char *value);

/* JSON body; takes ownership of obj (released even on error). */
void reply_json(struct ds_request *req, unsigned status, struct json_object *obj);
/* Body of len bytes at data, copied. */
void reply_raw(struct ds_request *req, unsigned status, const char *content_type, const char *data,
               size_t len);
/* Body at data that outlives the response (read-only data of the binary): not copied. */
void reply_static(struct ds_request *req, unsigned status, const char *content_type,
                  const char *data, size_t len);
/* Body at data that lives inside owner (e.g. a stored value inside a query result): sent
 * without copying; release(owner) runs once the response is gone. */
void reply_owned(struct ds_request *req, unsigned status, const char *content_type,
                 const char *data, size_t len, void (*release)(void *), void *owner);
/* A response built by the caller (e.g. streamed from a content reader); takes it. */
void reply_response(struct ds_request *req, unsigned status, struct MHD_Response *resp,
                    const char *content_type);
/* No body (204, or 200 with an empty body). */
void reply_empty(struct ds_request *req, unsigned status);

/* Error in the route family's format; logged (warn for 5xx, debug otherwise). */
void reply_error(struct ds_request *req, const struct ds_error *err);
void reply_fail(struct ds_request *req, int status, const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Serializes obj compactly, without escaping '/'. Borrowed from obj. */
const char *json_compact(struct json_object *obj, size_t *len);

#endif
