/* client_locks.c — libdatastore's session locks (datastored extension): :lock, :renewLock and
 * :unlock (optionally saving a final value in the same transaction) on v2 entries. */
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

/* POSTs body (taken: put here) to the entry's :verb; fills lock from a 200 if asked. */
static dsc_result lock_call(dsc_client *c, const struct dsc_store *s, const char *key,
                            const char *verb, struct json_object *body, enum dsc_safety safety,
                            struct dsc_lock *lock)
{
    if (!body) return dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    struct dsc_buf path = {0};
    struct dsc_reply reply = {0};
    dsc_v2_entry_path(&path, "data-stores", s, key);
    dsc_buf_puts(&path, verb);
    const char *text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
    dsc_result rc;
    if (path.failed || !text) {
        rc = dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    } else {
        struct dsc_call call = {.method = "POST",
                                .path = path.data,
                                .body = text,
                                .body_len = strlen(text),
                                .safety = safety};
        rc = dsc_send(c, &call, &reply);
    }
    dsc_buf_free(&path);
    json_object_put(body);
    if (rc == DSC_OK && reply.status != 200) rc = dsc_fail_reply(c, &reply);
    if (rc == DSC_OK && lock) {
        struct json_object *doc = dsc_reply_json(c, &reply), *v;
        if (!doc || !json_object_object_get_ex(doc, "token", &v)) {
            if (doc) dsc_fail(c, DSC_ERR_PROTOCOL, "the lock answer has no token");
            rc = DSC_ERR_PROTOCOL;
        } else {
            lock->token = json_object_get_int64(v);
            if (json_object_object_get_ex(doc, "owner", &v))
                snprintf(lock->owner, sizeof lock->owner, "%s", json_object_get_string(v));
            if (json_object_object_get_ex(doc, "expireTime", &v))
                snprintf(lock->expire_time, sizeof lock->expire_time, "%s",
                         json_object_get_string(v));
        }
        json_object_put(doc);
    }
    dsc_reply_free(&reply);
    return rc;
}

static bool put_int(struct json_object *o, const char *name, int64_t v)
{
    struct json_object *n = json_object_new_int64(v);
    return n && json_object_object_add(o, name, n) == 0;
}

static bool put_string(struct json_object *o, const char *name, const char *v)
{
    struct json_object *s = json_object_new_string(v);
    return s && json_object_object_add(o, name, s) == 0;
}

dsc_result dsc_lock(dsc_client *c, const struct dsc_store *s, const char *key, const char *owner,
                    int ttl_seconds, dsc_lock_mode mode, int wait_seconds, struct dsc_lock *lock)
{
    static const char *const modes[] = {"fail", "steal", "wait"};
    dsc_begin(c);
    if (lock) *lock = (struct dsc_lock){0};
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    if (!owner || !owner[0] || ttl_seconds <= 0 || (unsigned)mode > DSC_LOCK_WAIT)
        return dsc_fail(c, DSC_ERR_INVALID, "an owner, a positive ttl and a mode are needed");
    struct json_object *body = json_object_new_object();
    bool ok = body && put_string(body, "owner", owner) &&
              put_int(body, "ttlSeconds", ttl_seconds) && put_string(body, "mode", modes[mode]) &&
              (mode != DSC_LOCK_WAIT || put_int(body, "waitSeconds", wait_seconds));
    if (!ok) {
        json_object_put(body);
        return dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    }
    /* The same owner locking again renews its own lock, so a repeat does no harm. */
    return lock_call(c, s, key, ":lock", body, DSC_IDEMPOTENT, lock);
}

dsc_result dsc_renew_lock(dsc_client *c, const struct dsc_store *s, const char *key, int64_t token,
                          int ttl_seconds, struct dsc_lock *lock)
{
    dsc_begin(c);
    if (lock) *lock = (struct dsc_lock){0};
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    if (token <= 0 || ttl_seconds <= 0)
        return dsc_fail(c, DSC_ERR_INVALID, "a token and a positive ttl are needed");
    struct json_object *body = json_object_new_object();
    if (!body || !put_int(body, "token", token) || !put_int(body, "ttlSeconds", ttl_seconds)) {
        json_object_put(body);
        return dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    }
    return lock_call(c, s, key, ":renewLock", body, DSC_IDEMPOTENT, lock);
}

dsc_result dsc_unlock(dsc_client *c, const struct dsc_store *s, const char *key, int64_t token,
                      const char *final_value, const struct dsc_write_options *o)
{
    dsc_begin(c);
    if (!dsc_check_target(c, s, key)) return DSC_ERR_INVALID;
    if (token <= 0) return dsc_fail(c, DSC_ERR_INVALID, "the lock's token is needed");
    struct json_object *body = json_object_new_object(), *value = NULL;
    bool ok = body && put_int(body, "token", token);
    if (ok && final_value) {
        value = json_tokener_parse(final_value);
        if (!value && strcmp(final_value, "null") != 0) {
            json_object_put(body);
            return dsc_fail(c, DSC_ERR_INVALID, "the final value is not JSON");
        }
        ok = json_object_object_add(body, "value", value) == 0;
    }
    if (ok && final_value && o && o->user_id_count) {
        struct json_object *users = json_object_new_array();
        ok = users && json_object_object_add(body, "users", users) == 0;
        for (size_t i = 0; ok && i < o->user_id_count && i < DSC_MAX_USER_IDS; i++) {
            char path[32];
            snprintf(path, sizeof path, "users/%lld", (long long)o->user_ids[i]);
            struct json_object *u = json_object_new_string(path);
            ok = u && json_object_array_add(users, u) == 0;
        }
    }
    if (ok && final_value && o && o->metadata) {
        struct json_object *attrs = json_tokener_parse(o->metadata);
        if (!attrs || !json_object_is_type(attrs, json_type_object)) {
            json_object_put(attrs);
            json_object_put(body);
            return dsc_fail(c, DSC_ERR_INVALID, "metadata must be a JSON object");
        }
        ok = json_object_object_add(body, "attributes", attrs) == 0;
    }
    if (!ok) {
        json_object_put(body);
        return dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    }
    return lock_call(c, s, key, ":unlock", body, DSC_UNSAFE, NULL);
}
