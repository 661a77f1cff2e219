/* client_entries.c — libdatastore's standard data store calls: GetAsync, SetAsync,
 * IncrementAsync, RemoveAsync and GetVersionAsync over the v1 routes (values travel
 * byte-exact and key info arrives in roblox-entry-* headers), the JSON Patch update over v2,
 * and the optimistic UpdateAsync loop built from get and a conditional set. */
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

#define UPDATE_DEFAULT_ATTEMPTS 64

void dsc_key_info_clear(struct dsc_key_info *info)
{
    if (!info) return;
    free(info->metadata);
    *info = (struct dsc_key_info){0};
}

/* User ids from a JSON array of numbers ([5, 7]) or of "users/5" paths (v2). */
static bool parse_user_ids(struct json_object *arr, struct dsc_key_info *info)
{
    if (!arr || !json_object_is_type(arr, json_type_array)) return false;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n && info->user_id_count < DSC_MAX_USER_IDS; i++) {
        struct json_object *v = json_object_array_get_idx(arr, i);
        const char *text = json_object_get_string(v);
        if (json_object_is_type(v, json_type_string) && strncmp(text, "users/", 6) == 0) text += 6;
        info->user_ids[info->user_id_count++] = strtoll(text, NULL, 10);
    }
    return true;
}

static dsc_result set_metadata(dsc_client *c, struct dsc_key_info *info, const char *json)
{
    free(info->metadata);
    info->metadata = dsc_strdup(c, json && json[0] ? json : "{}");
    return info->metadata ? DSC_OK : DSC_ERR_NOMEM;
}

/* Key info from the roblox-entry-* headers of a v1 answer. */
static dsc_result info_from_headers(dsc_client *c, const struct dsc_reply *r,
                                    struct dsc_key_info *info)
{
    char buf[1024];
    *info = (struct dsc_key_info){0};
    if (dsc_reply_header(r, "roblox-entry-version", buf, sizeof buf))
        snprintf(info->version, sizeof info->version, "%.63s", buf);
    if (dsc_reply_header(r, "roblox-entry-created-time", buf, sizeof buf))
        dsc_parse_time_ms(buf, &info->created_ms);
    if (dsc_reply_header(r, "roblox-entry-version-created-time", buf, sizeof buf))
        dsc_parse_time_ms(buf, &info->updated_ms);
    if (dsc_reply_header(r, "roblox-entry-userids", buf, sizeof buf)) {
        struct json_object *ids = json_tokener_parse(buf);
        parse_user_ids(ids, info);
        json_object_put(ids);
    }
    return set_metadata(c, info, dsc_reply_header(r, "roblox-entry-attributes", buf, sizeof buf));
}

/* Key info from a v2 DataStoreEntry. */
static dsc_result info_from_entry(dsc_client *c, struct json_object *e, struct dsc_key_info *info)
{
    struct json_object *v;
    *info = (struct dsc_key_info){0};
    if (json_object_object_get_ex(e, "revisionId", &v))
        snprintf(info->version, sizeof info->version, "%s", json_object_get_string(v));
    if (json_object_object_get_ex(e, "createTime", &v))
        dsc_parse_time_ms(json_object_get_string(v), &info->created_ms);
    if (json_object_object_get_ex(e, "revisionCreateTime", &v))
        dsc_parse_time_ms(json_object_get_string(v), &info->updated_ms);
    if (json_object_object_get_ex(e, "users", &v)) parse_user_ids(v, info);
    const char *attrs = json_object_object_get_ex(e, "attributes", &v)
                            ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN)
                            : NULL;
    return set_metadata(c, info, attrs);
}

/* Request headers of a write: user ids, attributes and the lock token. */
static bool write_headers(const struct dsc_write_options *o, struct curl_slist **list)
{
    if (!o) return true;
    struct dsc_buf b = {0};
    bool ok = true;
    if (o->user_id_count) {
        dsc_buf_puts(&b, "roblox-entry-userids: [");
        for (size_t i = 0; i < o->user_id_count; i++)
            dsc_buf_printf(&b, "%s%lld", i ? "," : "", (long long)o->user_ids[i]);
        ok = dsc_buf_puts(&b, "]") && (*list = curl_slist_append(*list, b.data)) != NULL;
        b.len = 0;
    }
    if (ok && o->metadata) {
        ok = dsc_buf_printf(&b, "roblox-entry-attributes: %s", o->metadata) &&
             (*list = curl_slist_append(*list, b.data)) != NULL;
        b.len = 0;
    }
    if (ok && o->lock_token) {
        ok = dsc_buf_printf(&b, "x-lock-token: %lld", (long long)o->lock_token) &&
             (*list = curl_slist_append(*list, b.data)) != NULL;
    }
    dsc_buf_free(&b);
    return ok;
}

static bool options_valid(dsc_client *c, const struct dsc_write_options *o)
{
    if (!o) return true;
    const char *problem = NULL;
    if (o->user_id_count > DSC_MAX_USER_IDS || (o->user_id_count && !o->user_ids))
        problem = "at most 4 user ids";
    else if (o->metadata && strpbrk(o->metadata, "\r\n"))
        problem = "metadata must be JSON on one line";
    else if (o->match_version && o->exclusive_create)
        problem = "match_version and exclusive_create cannot both be set";
    if (problem) dsc_fail(c, DSC_ERR_INVALID, "%s", problem);
    return problem == NULL;
}

/* Sends a call whose path is in path; frees path and headers. A path (or headers) whose
 * building ran out of memory (path->failed) is reported as DSC_ERR_NOMEM. */
static dsc_result send_built(dsc_client *c, const char *method, struct dsc_buf *path,
                             const char *body, size_t body_len, struct curl_slist *headers,
                             enum dsc_safety safety, struct dsc_reply *reply)
{
    dsc_result rc;
    if (path->failed) {
        rc = dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    } else {
        struct dsc_call call = {.method = method,
                                .path = path->data,
                                .body = body,
                                .body_len = body_len,
                                .headers = headers,
                                .safety = safety};
        rc = dsc_send(c, &call, reply);
    }
    dsc_buf_free(path);
    curl_slist_free_all(headers);
    return rc;
}

/* A raw value with key info from a v1 200; NOT_FOUND for 404 (and 204, a tombstone). */
static dsc_result take_value(dsc_client *c, struct dsc_reply *r, char **value,
                             struct dsc_key_info *info)
{
    if (r->status == 404 || r->status == 204) {
        if (r->status == 404) dsc_fail_reply(c, r);
        c->error.result = DSC_NOT_FOUND;
        return DSC_NOT_FOUND;
    }
    if (r->status != 200) return dsc_fail_reply(c, r);
    if (info && info_from_headers(c, r, info) != DSC_OK) return DSC_ERR_NOMEM;
    if (value) {
        *value = r->body.data ? r->body.data : strdup("");
        r->body.data = NULL;
        if (!*value) {
            dsc_key_info_clear(info);
            return dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
        }
    }
    return DSC_OK;
}

static dsc_result get_value(dsc_client *c, const struct dsc_store *s, const char *key, char **value,
                            struct dsc_key_info *info)
{
    struct dsc_buf path = {0};
    struct dsc_reply reply = {0};
    dsc_v1_entry_path(&path, s, "/entry", key);
    dsc_result rc = send_built(c, "GET", &path, NULL, 0, NULL, DSC_IDEMPOTENT, &reply);
    if (rc == DSC_OK) rc = take_value(c, &reply, value, info);
    dsc_reply_free(&reply);
    return rc;
}

dsc_result dsc_get(dsc_client *c, const struct dsc_store *s, const char *key, char **value,
                   struct dsc_key_info *info)
{
    dsc_begin(c);
    if (value) *value = NULL;
    if (info) *info = (struct dsc_key_info){0};
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    return get_value(c, s, key, value, info);
}

/* The conditional or plain set under both dsc_set and dsc_update; written (may be NULL)
 * gets the version, its time and the key's creation time. */
static dsc_result set_value(dsc_client *c, const struct dsc_store *s, const char *key,
                            const char *value, const struct dsc_write_options *o,
                            struct dsc_key_info *written)
{
    struct dsc_buf path = {0};
    struct curl_slist *headers = NULL;
    struct dsc_reply reply = {0};
    dsc_v1_entry_path(&path, s, "/entry", key);
    if (o && o->match_version) {
        dsc_buf_puts(&path, "&matchVersion=");
        dsc_buf_escaped(&path, o->match_version);
    }
    if (o && o->exclusive_create) dsc_buf_puts(&path, "&exclusiveCreate=true");
    if (!write_headers(o, &headers)) path.failed = true; /* send_built reports it */
    dsc_result rc =
        send_built(c, "POST", &path, value, strlen(value), headers, DSC_IDEMPOTENT, &reply);
    if (rc == DSC_OK && reply.status != 200) rc = dsc_fail_reply(c, &reply);
    struct json_object *doc = rc == DSC_OK ? dsc_reply_json(c, &reply) : NULL;
    if (rc == DSC_OK && !doc) rc = DSC_ERR_PROTOCOL;
    if (doc && written) {
        struct json_object *v;
        *written = (struct dsc_key_info){0};
        if (json_object_object_get_ex(doc, "version", &v))
            snprintf(written->version, sizeof written->version, "%s", json_object_get_string(v));
        if (json_object_object_get_ex(doc, "createdTime", &v))
            dsc_parse_time_ms(json_object_get_string(v), &written->updated_ms);
        if (json_object_object_get_ex(doc, "objectCreatedTime", &v))
            dsc_parse_time_ms(json_object_get_string(v), &written->created_ms);
    }
    json_object_put(doc);
    dsc_reply_free(&reply);
    return rc;
}

dsc_result dsc_set(dsc_client *c, const struct dsc_store *s, const char *key, const char *value,
                   const struct dsc_write_options *options, char *version)
{
    dsc_begin(c);
    if (version) version[0] = '\0';
    if (!dsc_check_target(c, s, key) || !options_valid(c, options)) return DSC_ERR_INVALID;
    if (!value) return dsc_fail(c, DSC_ERR_INVALID, "a value (JSON text) is needed");
    struct dsc_key_info written = {0};
    dsc_result rc = set_value(c, s, key, value, options, &written);
    if (rc == DSC_OK && version) memcpy(version, written.version, DSC_VERSION_CAP);
    return rc;
}

dsc_result dsc_increment(dsc_client *c, const struct dsc_store *s, const char *key, int64_t delta,
                         const struct dsc_write_options *options, int64_t *new_value,
                         struct dsc_key_info *info)
{
    dsc_begin(c);
    if (new_value) *new_value = 0;
    if (info) *info = (struct dsc_key_info){0};
    if (!dsc_check_target(c, s, key) || !options_valid(c, options)) return DSC_ERR_INVALID;
    struct dsc_buf path = {0};
    struct curl_slist *headers = NULL;
    struct dsc_reply reply = {0};
    dsc_v1_entry_path(&path, s, "/entry/increment", key);
    dsc_buf_printf(&path, "&incrementBy=%lld", (long long)delta);
    if (!write_headers(options, &headers)) path.failed = true; /* send_built reports it */
    dsc_result rc = send_built(c, "POST", &path, NULL, 0, headers, DSC_UNSAFE, &reply);
    char *text = NULL;
    if (rc == DSC_OK) {
        rc = take_value(c, &reply, &text, info);
        if (rc == DSC_NOT_FOUND) rc = dsc_fail(c, DSC_ERR_PROTOCOL, "increment found no entry");
    }
    if (rc == DSC_OK && new_value) {
        char *end;
        *new_value = strtoll(text, &end, 10);
        if (end == text) {
            dsc_key_info_clear(info);
            rc = dsc_fail(c, DSC_ERR_PROTOCOL, "increment answered a non-number");
        }
    }
    free(text);
    dsc_reply_free(&reply);
    return rc;
}

dsc_result dsc_remove(dsc_client *c, const struct dsc_store *s, const char *key, int64_t lock_token)
{
    dsc_begin(c);
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    struct dsc_buf path = {0};
    struct curl_slist *headers = NULL;
    struct dsc_reply reply = {0};
    struct dsc_write_options o = {.lock_token = lock_token};
    dsc_v1_entry_path(&path, s, "/entry", key);
    if (!write_headers(&o, &headers)) path.failed = true; /* send_built reports it */
    dsc_result rc = send_built(c, "DELETE", &path, NULL, 0, headers, DSC_IDEMPOTENT, &reply);
    if (rc == DSC_OK && reply.status != 204 && reply.status != 200) rc = dsc_fail_reply(c, &reply);
    dsc_reply_free(&reply);
    return rc;
}

dsc_result dsc_update_patch(dsc_client *c, const struct dsc_store *s, const char *key,
                            const char *patch, int64_t lock_token, char **value,
                            struct dsc_key_info *info)
{
    dsc_begin(c);
    if (value) *value = NULL;
    if (info) *info = (struct dsc_key_info){0};
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    if (!patch) return dsc_fail(c, DSC_ERR_INVALID, "a JSON Patch array is needed");
    struct dsc_buf path = {0};
    struct curl_slist *headers = NULL;
    struct dsc_reply reply = {0};
    struct dsc_write_options o = {.lock_token = lock_token};
    dsc_v2_entry_path(&path, "data-stores", s, key);
    dsc_buf_puts(&path, ":update");
    if (!write_headers(&o, &headers)) path.failed = true; /* send_built reports it */
    dsc_result rc = send_built(c, "POST", &path, patch, strlen(patch), headers, DSC_UNSAFE, &reply);
    if (rc == DSC_OK && reply.status != 200) rc = dsc_fail_reply(c, &reply);
    struct json_object *doc = rc == DSC_OK ? dsc_reply_json(c, &reply) : NULL;
    if (rc == DSC_OK && !doc) rc = DSC_ERR_PROTOCOL;
    if (doc && info) rc = info_from_entry(c, doc, info);
    if (rc == DSC_OK && value) {
        struct json_object *v = NULL;
        json_object_object_get_ex(doc, "value", &v);
        *value = dsc_strdup(c, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        if (!*value) {
            dsc_key_info_clear(info);
            rc = DSC_ERR_NOMEM;
        }
    }
    json_object_put(doc);
    dsc_reply_free(&reply);
    return rc;
}

/* "Someone else wrote first" (matchVersion / exclusiveCreate): v1 answers 412 with the
 * current entry; a detail-free 409 is the same on v2. Not a lock or a schema conflict. */
static bool is_write_conflict(const dsc_client *c)
{
    return c->error.http_status == 412 ||
           (c->error.http_status == 409 && c->error.detail[0] == '\0');
}

/* Gives text and *ki to the caller's out-parameters, or frees what the caller did not ask
 * for. */
static void hand_over(char *text, struct dsc_key_info *ki, char **value, struct dsc_key_info *info)
{
    if (value)
        *value = text;
    else
        free(text);
    if (info)
        *info = *ki;
    else
        dsc_key_info_clear(ki);
}

/* Writes what a transform returned (taking out's strings), conditional on the version read
 * (cur, or absence). On a write conflict after a retried send, *attempted is the value that
 * may have committed (the caller owns it). */
static dsc_result write_transformed(dsc_client *c, const struct dsc_store *s, const char *key,
                                    const struct dsc_key_info *cur, bool exists,
                                    struct dsc_transform_output *out, int64_t lock_token,
                                    char **value, struct dsc_key_info *info, char **attempted)
{
    struct dsc_write_options o = {.user_ids = out->user_ids,
                                  .user_id_count = out->user_id_count,
                                  .metadata = out->metadata,
                                  .match_version = exists ? cur->version : NULL,
                                  .exclusive_create = !exists,
                                  .lock_token = lock_token};
    struct dsc_key_info written = {0};
    int sent_before = c->attempts;
    dsc_result rc =
        options_valid(c, &o) ? set_value(c, s, key, out->value, &o, &written) : DSC_ERR_INVALID;
    bool repeated = c->attempts - sent_before > 1;
    if (rc == DSC_OK) {
        memcpy(written.user_ids, out->user_ids, sizeof written.user_ids);
        written.user_id_count = out->user_id_count;
        rc = set_metadata(c, &written, out->metadata);
        free(out->metadata);
        if (rc != DSC_OK) dsc_key_info_clear(&written);
        hand_over(out->value, &written, value, rc == DSC_OK ? info : NULL);
        c->error = (struct dsc_error){0};
        return rc;
    }
    free(out->metadata);
    if (rc == DSC_ERR_HTTP && is_write_conflict(c) && repeated)
        *attempted = out->value;
    else
        free(out->value);
    return rc;
}

dsc_result dsc_update(dsc_client *c, const struct dsc_store *s, const char *key,
                      dsc_transform_fn transform, void *user, int max_attempts, int64_t lock_token,
                      char **value, struct dsc_key_info *info)
{
    dsc_begin(c);
    if (value) *value = NULL;
    if (info) *info = (struct dsc_key_info){0};
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    if (!transform) return dsc_fail(c, DSC_ERR_INVALID, "a transform function is needed");
    if (max_attempts <= 0) max_attempts = UPDATE_DEFAULT_ATTEMPTS;
    char *attempted = NULL; /* what an ambiguous (retried) write tried to store */
    for (int round = 0; round < max_attempts; round++) {
        char *current = NULL;
        struct dsc_key_info cur = {0};
        dsc_result rc = get_value(c, s, key, &current, &cur);
        if (rc != DSC_OK && rc != DSC_NOT_FOUND) {
            free(attempted);
            return rc;
        }
        bool exists = rc == DSC_OK;
        /* A write that was retried after a 5xx or lost answer and then hit a conflict may have
         * been the one that committed: if the entry now holds exactly what it wrote, it did. */
        bool committed = attempted && exists && strcmp(current, attempted) == 0;
        free(attempted);
        attempted = NULL;
        if (committed) {
            hand_over(current, &cur, value, info);
            return DSC_OK;
        }
        struct dsc_transform_output out = {0};
        memcpy(out.user_ids, cur.user_ids, sizeof out.user_ids);
        out.user_id_count = cur.user_id_count;
        out.metadata = exists ? strdup(cur.metadata) : NULL;
        dsc_transform_action act = DSC_TRANSFORM_CANCEL;
        if (exists && !out.metadata)
            rc = dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
        else if ((act = transform(exists ? current : NULL, exists ? &cur : NULL, &out, user)) ==
                 DSC_TRANSFORM_CANCEL) {
            free(out.value);
            free(out.metadata);
            hand_over(current, &cur, value, info);
            c->error.result = DSC_CANCELLED;
            return DSC_CANCELLED;
        } else if (!out.value) {
            free(out.metadata);
            rc = dsc_fail(c, DSC_ERR_INVALID, "the transform chose to write but set no value");
        }
        if (rc != DSC_OK && rc != DSC_NOT_FOUND) {
            free(current);
            dsc_key_info_clear(&cur);
            return rc;
        }
        rc = write_transformed(c, s, key, &cur, exists, &out, lock_token, value, info, &attempted);
        free(current);
        dsc_key_info_clear(&cur);
        if (!(rc == DSC_ERR_HTTP && is_write_conflict(c))) return rc;
        /* Lost the race: wait a little (full jitter, doubling up to 64 ms) so that writers
         * contending for one key take turns instead of colliding in step forever. */
        if (round + 1 < max_attempts) dsc_sleep_ms(dsc_jitter_ms(c, 1L << (round < 6 ? round : 6)));
    }
    free(attempted);
    c->error.result = DSC_ERR_HTTP;
    snprintf(c->error.message, sizeof c->error.message,
             "UpdateAsync gave up after %d conflicting writes", max_attempts);
    return DSC_ERR_HTTP;
}

dsc_result dsc_get_version(dsc_client *c, const struct dsc_store *s, const char *key,
                           const char *version, char **value, struct dsc_key_info *info)
{
    dsc_begin(c);
    if (value) *value = NULL;
    if (info) *info = (struct dsc_key_info){0};
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    if (!version || !version[0]) return dsc_fail(c, DSC_ERR_INVALID, "a version id is needed");
    struct dsc_buf path = {0};
    struct dsc_reply reply = {0};
    dsc_v1_entry_path(&path, s, "/entry/versions/version", key);
    dsc_buf_puts(&path, "&versionId=");
    dsc_buf_escaped(&path, version);
    dsc_result rc = send_built(c, "GET", &path, NULL, 0, NULL, DSC_IDEMPOTENT, &reply);
    if (rc == DSC_OK) rc = take_value(c, &reply, value, info);
    dsc_reply_free(&reply);
    return rc;
}
