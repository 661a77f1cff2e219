/* http/cors.c — Cross-Origin Resource Sharing: the preflight answer and the headers that let
 * a page from an origin --cors-origin names (Swagger UI, Postman web, a game dashboard) call
 * the API and read its metadata headers. Without the flag no CORS header is ever sent. */
#include "http/cors.h"

#include <stdio.h>

#include "http/reply.h"

/* Request headers a page may send: the API key, the v1 metadata and checksum headers, the
 * extensions' headers, and the content type of a JSON body. */
#define CORS_ALLOW_HEADERS                                                                         \
    "x-api-key, authorization, content-type, content-md5, roblox-entry-attributes, "               \
    "roblox-entry-userids, x-lock-token, x-schema-version, x-server-id, x-request-id"

/* Response headers a page may read beyond the CORS-safelisted ones. */
#define CORS_EXPOSE_HEADERS                                                                        \
    "x-request-id, content-md5, roblox-entry-version, roblox-entry-created-time, "                 \
    "roblox-entry-version-created-time, roblox-entry-attributes, roblox-entry-userids, "           \
    "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, allow, "            \
    "x-datastored-queued-ms, x-datastored-fault, x-lock-owner, x-lock-expire-time"

/* The request's Origin when --cors-origin allows it, else NULL. ("*" is refused at start-up
 * unless the server runs in open local mode: main.c.) */
static const char *allowed_origin(const struct ds_request *req)
{
    if (!req->ctx->cfg->cors_origins) return NULL;
    const char *origin = req_header(req, "origin");
    return config_cors_lists(req->ctx->cfg, origin) ? origin : NULL;
}

void cors_answer_options(struct ds_request *req)
{
    char allow[sizeof req->allowed + 16];
    snprintf(allow, sizeof allow, "%s, OPTIONS", req->allowed);
    reply_header(req, "Allow", allow);
    if (allowed_origin(req) && req_header(req, "access-control-request-method")) {
        reply_header(req, "Access-Control-Allow-Methods", allow);
        reply_header(req, "Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
        reply_header(req, "Access-Control-Max-Age", "600");
    }
    reply_empty(req, 204);
}

void cors_add_response_headers(const struct ds_request *req, struct MHD_Response *resp)
{
    if (!req->ctx->cfg->cors_origins) return;
    MHD_add_response_header(resp, "Vary", "Origin"); /* the answer depends on it */
    const char *origin = allowed_origin(req);
    if (!origin) return;
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
    MHD_add_response_header(resp, "Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
}
