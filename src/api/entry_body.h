/* api/entry_body.h — a parsed DataStoreEntry request body. */
#ifndef DS_API_ENTRY_BODY_H
#define DS_API_ENTRY_BODY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

struct entry_body {
    struct json_object *doc; /* whole body (json-c); owned */
    const char *value;       /* raw span of "value" in the request body; NULL if absent */
    size_t value_len;
    char *user_ids;   /* canonical; owned */
    char *attributes; /* canonical; owned */
    const char *etag; /* borrowed from doc; NULL if absent */
};

/* Parses req->body; need_value: "value" is required. Replies 400 and returns false on error. */
bool entry_body_or_reply(struct ds_request *req, bool need_value, struct entry_body *b);
void entry_body_free(struct entry_body *b);

#endif
