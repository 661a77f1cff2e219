/* http/cors.h — Cross-Origin Resource Sharing for the origins --cors-origin names. */
#ifndef DS_HTTP_CORS_H
#define DS_HTTP_CORS_H

#include <microhttpd.h>

#include "http/request.h"

/* Answers OPTIONS on a path that has routes (req->allowed lists their methods): 204 with
 * Allow, and for a preflight from an allowed origin the Access-Control-Allow-* fields. */
void cors_answer_options(struct ds_request *req);

/* Adds Access-Control-Allow-Origin, Access-Control-Expose-Headers and Vary to resp when the
 * request's Origin is allowed; nothing at all when --cors-origin is not set. */
void cors_add_response_headers(const struct ds_request *req, struct MHD_Response *resp);

#endif
