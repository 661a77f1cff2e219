/* api/params.h — request inputs shared by the data store handlers. Functions ending in
 * _or_reply validate and, on failure, send the error reply themselves and return false. */
#ifndef DS_API_PARAMS_H
#define DS_API_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cursor.h"
#include "http/request.h"
#include <json-c/json.h>

#include "service/entries.h" /* struct entry_ref, entry_row */

/* Boolean query argument ("true"/"false", any case): absent → def. */
bool bool_query_or_reply(struct ds_request *req, const char *name, bool def, bool *out);

/* Metadata given as request headers (v1): roblox-entry-attributes, roblox-entry-userids.
 * Missing headers give "{}"/"[]" (Roblox clears metadata that is not resent). */
bool v1_metadata_or_reply(struct ds_request *req, char **attributes, char **user_ids);
/* Parses filter=id.startsWith("...") into a newly allocated prefix (NULL when absent). */
bool starts_with_filter_or_reply(struct ds_request *req, char **prefix);

/* Every standard-entry write goes through here: charges the key's throughput (current
 * profile; the request body, at least 1 KB), takes x-lock-token from the request into spec,
 * runs the write, and replies to any failure (a cooldown refusal is queued or rejected).
 * True with *out filled (caller frees) when the write succeeded. */
struct write_spec;
struct write_outcome;
/* The checks and the write of standard_write_or_reply, without replying for a failed write:
 * false with *replied true when a check already answered, false with *replied false and err
 * filled when the write failed (the caller answers). */
bool standard_write_checked(struct ds_request *req, const struct entry_ref *ref,
                            struct write_spec *spec, struct write_outcome *out,
                            struct ds_error *err, bool *replied);
bool standard_write_or_reply(struct ds_request *req, const struct entry_ref *ref,
                             struct write_spec *spec, struct write_outcome *out);

/* A Get of ref's current version into *row (the caller clears it, also after a failure):
 * the data store and entry must exist (404), the key's read throughput admits it (429),
 * and the value is brought up its _version chain lazily and checked against
 * x-schema-version (409 MigrationFailed / SchemaTooNew). Replies on failure. */
bool entry_get_or_reply(struct ds_request *req, const struct entry_ref *ref, struct entry_row *row);

/* The data store must exist and be active; otherwise replies 404 DatastoreNotFound. */
bool datastore_active_or_reply(struct ds_request *req, const struct entry_ref *ref);

/* Parses the body (strict JSON, at most 64 deep) into *doc, which must be an object. */
bool body_object_or_reply(struct ds_request *req, struct json_object **doc);

#endif
