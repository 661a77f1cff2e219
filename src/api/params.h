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

/* Integer query argument name within [1, max]: absent → def; 0 → def when zero_is_default;
 * above max → max when coerce, else 400. */
bool page_size_or_reply(struct ds_request *req, const char *name, int def, int max, bool coerce,
                        bool zero_is_default, int *out);
/* Boolean query argument ("true"/"false", any case): absent → def. */
bool bool_query_or_reply(struct ds_request *req, const char *name, bool def, bool *out);

/* v1: datastoreName, scope (default "global") and, when need_key, entryKey. */
bool v1_ref_or_reply(struct ds_request *req, struct entry_ref *ref, bool need_key);
/* v2: {data_store_id}, {scope_id} (absent → "global") and {entry_id} when present. */
bool v2_ref_or_reply(struct ds_request *req, struct entry_ref *ref);

/* Decodes the cursor in query argument name (absent/empty → pos zeroed). */
bool cursor_or_reply(struct ds_request *req, const char *name, const char *kind, uint32_t params,
                     struct cursor_pos *pos);
/* Fingerprint of listing parameters, NULL-terminated list of strings. */
uint32_t params_fingerprint(const char *const *parts);

/* Metadata given as request headers (v1): roblox-entry-attributes, roblox-entry-userids.
 * Missing headers give "{}"/"[]" (Roblox clears metadata that is not resent). */
bool v1_metadata_or_reply(struct ds_request *req, char **attributes, char **user_ids);
/* Parses filter=id.startsWith("...") into a newly allocated prefix (NULL when absent). */
bool starts_with_filter_or_reply(struct ds_request *req, char **prefix);

/* Replies to a failed write. A per-key cooldown refusal (429 with retry_at_us) is answered
 * 429 + Retry-After in --throttle reject mode, or parks the request FIFO behind the key (at
 * most 30 deep, like Roblox's queues; the 31st gets the queue-full error) in queue mode: the
 * handler then runs again when the window opens. */
void reply_write_failure(struct ds_request *req, const struct ds_error *err, const char *kind,
                         const struct entry_ref *ref);

/* The current profile's per-key throughput (a no-op otherwise). check_only: refuse a read
 * of a key already over its limit without charging; then charge the bytes actually read. */
bool throughput_or_reply(struct ds_request *req, const struct entry_ref *ref, bool write,
                         size_t bytes, bool check_only);

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

/* Lazy _version migration of a value just read: when it is behind its data store's chain it
 * is migrated and stored as a new version (or, with --migrate-on-read view, only returned),
 * and *row is replaced by the result; then x-schema-version is enforced. Replies on failure
 * (409 MigrationFailed / SchemaTooNew). */
bool read_migrated_or_reply(struct ds_request *req, const struct entry_ref *ref,
                            struct entry_row *row);

/* The data store must exist and be active; otherwise replies 404 DatastoreNotFound. */
bool datastore_active_or_reply(struct ds_request *req, const struct entry_ref *ref);

/* A page of limit items built from a query for limit + 1 rows: the extra row only says that
 * a next page exists. last is where the next page starts. */
struct page_rows {
    int limit, seen;
    char last[256];
};
/* Counts a row named name; true when it belongs on the page (it becomes the last shown). */
bool page_rows_take(struct page_rows *p, const char *name);
/* The cursor position after the page, or NULL when it was the last page. */
const struct cursor_pos *page_rows_next(struct page_rows *p, int64_t n, struct cursor_pos *out);

/* Replies 200 with {items_name: items, token_name: next} where next is a cursor of kind/fp
 * positioned at *last, or "" when last is NULL (the final page). Takes items. */
void reply_page(struct ds_request *req, const char *items_name, struct json_object *items,
                const char *token_name, const char *kind, uint32_t fp,
                const struct cursor_pos *last);

/* Parses the body (strict JSON, at most 64 deep) into *doc, which must be an object. */
bool body_object_or_reply(struct ds_request *req, struct json_object **doc);

#endif
