/* api/views.h — Roblox's JSON shapes and metadata headers for entries, versions and data
 * stores, built from store rows or write outcomes. */
#ifndef DS_API_VIEWS_H
#define DS_API_VIEWS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "service/entries.h" /* struct entry_row */

/* Everything a view needs about one version of an entry. Strings borrowed. */
struct entry_view {
    const char *version; /* version id */
    int64_t created_us;  /* key creation */
    int64_t version_us;
    bool deleted;
    const char *value; /* NULL when deleted */
    size_t value_len;
    const char *md5;
    const char *user_ids;   /* JSON array text */
    const char *attributes; /* JSON object text */
    const char *lock_owner; /* holder of a live session lock, or NULL */
    int64_t lock_expires_us;
};

/* Views of a stored row (lock fields set when its lock is live at now_us) and of a write's
 * outcome. version must outlive the view. */
void entry_view_of_row(const struct entry_row *row, const char *version, int64_t now_us,
                       struct entry_view *v);
struct write_outcome;
void entry_view_of_outcome(const struct write_outcome *out, struct entry_view *v);

/* A JSON node that serializes as the given raw JSON text (copied). */
struct json_object *json_raw(const char *text, size_t len);

/* v1 metadata headers of Get Entry / Increment / Get Version responses. */
void v1_entry_headers(struct ds_request *req, const struct entry_view *v);
/* v1 EntryVersion {version, deleted, contentLength, createdTime, objectCreatedTime}. */
struct json_object *v1_entry_version(const char *version, bool deleted, int64_t content_length,
                                     int64_t version_us, int64_t created_us);

/* v2 DataStoreEntry. scoped: the path names the scope. with_value: include value, users and
 * attributes (false for revision listings). revision_suffix: "@<rev>" appended to path and id. */
struct json_object *v2_entry(const struct entry_ref *ref, bool scoped, const struct entry_view *v,
                             bool with_value, bool revision_suffix);
/* v2 DataStore {path, createTime, expireTime?, state, id}. */
struct json_object *v2_datastore(int64_t universe, const char *name, int64_t created_us,
                                 bool deleted, int64_t deleted_us);

/* RFC 3339 time as a JSON string. */
struct json_object *json_time(int64_t t_us);

#endif
