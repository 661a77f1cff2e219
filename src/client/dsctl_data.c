/* dsctl_data.c — dsctl's data verbs over libdatastore: get, set, update, incr, rm, keys,
 * versions, sorted, lock, renew, unlock; human output or --json. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "client/dsctl.h"

static bool write_options(const struct dsctl *d, struct dsc_write_options *o, int64_t *ids)
{
    *o = (struct dsc_write_options){.metadata = d->metadata,
                                    .match_version = d->match_version,
                                    .exclusive_create = d->exclusive_create,
                                    .lock_token = d->lock_token,
                                    .user_ids = ids};
    if (!d->user_ids) return true;
    const char *p = d->user_ids;
    while (*p) {
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno || (*end && *end != ',') || o->user_id_count == DSC_MAX_USER_IDS) {
            dsctl_usage_error("--user-ids takes up to 4 comma-separated integers");
            return false;
        }
        ids[o->user_id_count++] = v;
        p = *end ? end + 1 : end;
    }
    return true;
}

static void print_info_json(const char *value, const struct dsc_key_info *info)
{
    struct json_object *o = json_object_new_object();
    if (!o) return;
    struct json_object *v = json_tokener_parse(value);
    json_object_object_add(o, "value", v);
    json_object_object_add(o, "version", json_object_new_string(info->version));
    json_object_object_add(o, "createdTime", json_object_new_int64(info->created_ms));
    json_object_object_add(o, "updatedTime", json_object_new_int64(info->updated_ms));
    struct json_object *ids = json_object_new_array();
    for (size_t i = 0; ids && i < info->user_id_count; i++)
        json_object_array_add(ids, json_object_new_int64(info->user_ids[i]));
    json_object_object_add(o, "userIds", ids);
    json_object_object_add(o, "metadata",
                           json_tokener_parse(info->metadata ? info->metadata : "{}"));
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
}

static int print_value(const struct dsctl *d, const char *value, const struct dsc_key_info *info)
{
    if (d->json)
        print_info_json(value, info);
    else
        printf("%s\n", value);
    return DSCTL_EXIT_OK;
}

int dsctl_get(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    char *value = NULL;
    struct dsc_key_info info;
    dsc_result rc = dsc_get(d->client, &s, d->args[0], &value, &info);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    print_value(d, value, &info);
    free(value);
    dsc_key_info_clear(&info);
    return DSCTL_EXIT_OK;
}

int dsctl_set(struct dsctl *d)
{
    struct dsc_store s;
    struct dsc_write_options o;
    int64_t ids[DSC_MAX_USER_IDS];
    if (!dsctl_store(d, &s, true) || !write_options(d, &o, ids)) return DSCTL_EXIT_USAGE;
    char *value = dsctl_read_arg(d->args[1]);
    if (!value) return DSCTL_EXIT_OTHER;
    char version[DSC_VERSION_CAP];
    dsc_result rc = dsc_set(d->client, &s, d->args[0], value, &o, version);
    free(value);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    if (d->json)
        printf("{\"version\":\"%s\"}\n", version);
    else
        printf("%s\n", version);
    return DSCTL_EXIT_OK;
}

int dsctl_update(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    char *patch = dsctl_read_arg(d->args[1]);
    if (!patch) return DSCTL_EXIT_OTHER;
    char *value = NULL;
    struct dsc_key_info info;
    dsc_result rc =
        dsc_update_patch(d->client, &s, d->args[0], patch, d->lock_token, &value, &info);
    free(patch);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    print_value(d, value, &info);
    free(value);
    dsc_key_info_clear(&info);
    return DSCTL_EXIT_OK;
}

int dsctl_incr(struct dsctl *d)
{
    struct dsc_store s;
    struct dsc_write_options o;
    int64_t ids[DSC_MAX_USER_IDS], delta = 1, value;
    if (!dsctl_store(d, &s, true) || !write_options(d, &o, ids)) return DSCTL_EXIT_USAGE;
    if (d->nargs > 1 && !dsctl_parse_int(d->args[1], &delta))
        return dsctl_usage_error("incr: DELTA must be an integer, not %s", d->args[1]);
    struct dsc_key_info info;
    dsc_result rc = dsc_increment(d->client, &s, d->args[0], delta, &o, &value, &info);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)value);
    print_value(d, text, &info);
    dsc_key_info_clear(&info);
    return DSCTL_EXIT_OK;
}

int dsctl_rm(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    dsc_result rc = dsc_remove(d->client, &s, d->args[0], d->lock_token);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    if (d->json) printf("{\"removed\":true}\n");
    return DSCTL_EXIT_OK;
}

int dsctl_keys(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    char *cursor = d->cursor ? strdup(d->cursor) : NULL;
    int status = DSCTL_EXIT_OK;
    struct json_object *all = d->json ? json_object_new_array() : NULL;
    do {
        struct dsc_key_page page;
        dsc_result rc =
            dsc_list_keys(d->client, &s, d->prefix, d->all_scopes, d->limit, cursor, &page);
        free(cursor);
        cursor = NULL;
        if (rc != DSC_OK) {
            status = dsctl_fail(d, d->client, rc, "keys");
            break;
        }
        for (size_t i = 0; i < page.count; i++) {
            if (all) {
                struct json_object *k = json_object_new_object();
                json_object_object_add(k, "scope", json_object_new_string(page.keys[i].scope));
                json_object_object_add(k, "key", json_object_new_string(page.keys[i].key));
                json_object_array_add(all, k);
            } else if (d->all_scopes) {
                printf("%s/%s\n", page.keys[i].scope, page.keys[i].key);
            } else {
                printf("%s\n", page.keys[i].key);
            }
        }
        cursor = page.next_cursor;
        page.next_cursor = NULL;
        dsc_key_page_clear(&page);
        if (cursor && !d->all && d->limit) {
            if (!all) fprintf(stderr, "next cursor: %s\n", cursor);
            break;
        }
    } while (cursor);
    if (all && status == DSCTL_EXIT_OK) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "keys", json_object_get(all));
        json_object_object_add(o, "nextPageCursor", json_object_new_string(cursor ? cursor : ""));
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
    }
    json_object_put(all);
    free(cursor);
    return status;
}

int dsctl_versions(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    struct dsc_version_query q = {
        .descending = d->descending, .limit = d->limit, .cursor = d->cursor};
    struct dsc_version_page page;
    dsc_result rc = dsc_list_versions(d->client, &s, d->args[0], &q, &page);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    struct json_object *arr = d->json ? json_object_new_array() : NULL;
    for (size_t i = 0; i < page.count; i++) {
        const struct dsc_version_info *v = &page.versions[i];
        if (arr) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "version", json_object_new_string(v->version));
            json_object_object_add(o, "deleted", json_object_new_boolean(v->deleted));
            json_object_object_add(o, "contentLength", json_object_new_int64(v->content_length));
            json_object_object_add(o, "createdTime", json_object_new_int64(v->created_ms));
            json_object_array_add(arr, o);
        } else {
            char when[40];
            dsc_format_time_ms(v->created_ms, when, sizeof when);
            printf("%s  %s  %s%lld bytes\n", v->version, when, v->deleted ? "deleted " : "",
                   (long long)v->content_length);
        }
    }
    if (arr) {
        printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
        json_object_put(arr);
    } else if (page.next_cursor) {
        fprintf(stderr, "next cursor: %s\n", page.next_cursor);
    }
    dsc_version_page_clear(&page);
    return DSCTL_EXIT_OK;
}

int dsctl_sorted(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    int64_t min, max;
    if ((d->min && !dsctl_parse_int(d->min, &min)) || (d->max && !dsctl_parse_int(d->max, &max)))
        return dsctl_usage_error("sorted: --min and --max take integers");
    struct dsc_sorted_query q = {.descending = d->descending,
                                 .page_size = d->limit,
                                 .min_value = d->min ? &min : NULL,
                                 .max_value = d->max ? &max : NULL};
    char *token = d->cursor ? strdup(d->cursor) : NULL;
    int pages = d->all ? INT_MAX : d->pages > 0 ? d->pages : 1, status = DSCTL_EXIT_OK;
    long rank = 0;
    struct json_object *arr = d->json ? json_object_new_array() : NULL;
    for (int n = 0; n < pages; n++) {
        struct dsc_sorted_page page;
        q.page_token = token;
        dsc_result rc = dsc_sorted(d->client, &s, &q, &page);
        free(token);
        token = NULL;
        if (rc != DSC_OK) {
            status = dsctl_fail(d, d->client, rc, "sorted");
            break;
        }
        for (size_t i = 0; i < page.count; i++) {
            if (arr) {
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "key", json_object_new_string(page.entries[i].key));
                json_object_object_add(o, "value", json_object_new_int64(page.entries[i].value));
                json_object_array_add(arr, o);
            } else {
                printf("%ld\t%s\t%lld\n", ++rank, page.entries[i].key,
                       (long long)page.entries[i].value);
            }
        }
        token = page.next_page_token;
        page.next_page_token = NULL;
        dsc_sorted_page_clear(&page);
        if (!token) break;
    }
    if (arr && status == DSCTL_EXIT_OK)
        printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
    else if (token && status == DSCTL_EXIT_OK)
        fprintf(stderr, "next page token: %s\n", token);
    json_object_put(arr);
    free(token);
    return status;
}

static int print_lock(const struct dsctl *d, const struct dsc_lock *lock)
{
    if (d->json)
        printf("{\"owner\":\"%s\",\"token\":%lld,\"expireTime\":\"%s\"}\n", lock->owner,
               (long long)lock->token, lock->expire_time);
    else
        printf("%lld\n", (long long)lock->token);
    return DSCTL_EXIT_OK;
}

int dsctl_lock(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    dsc_lock_mode mode = DSC_LOCK_FAIL;
    if (d->mode && strcmp(d->mode, "steal") == 0)
        mode = DSC_LOCK_STEAL;
    else if (d->mode && strcmp(d->mode, "wait") == 0)
        mode = DSC_LOCK_WAIT;
    else if (d->mode && strcmp(d->mode, "fail") != 0)
        return dsctl_usage_error("lock: --mode is fail, steal or wait");
    struct dsc_lock lock;
    dsc_result rc = dsc_lock(d->client, &s, d->args[0], d->owner ? d->owner : "dsctl",
                             d->ttl > 0 ? d->ttl : 30, mode, d->wait > 0 ? d->wait : 10, &lock);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    return print_lock(d, &lock);
}

int dsctl_renew(struct dsctl *d)
{
    struct dsc_store s;
    int64_t token;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    if (!dsctl_parse_int(d->args[1], &token)) return dsctl_usage_error("renew: TOKEN is a number");
    struct dsc_lock lock;
    dsc_result rc =
        dsc_renew_lock(d->client, &s, d->args[0], token, d->ttl > 0 ? d->ttl : 30, &lock);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    return print_lock(d, &lock);
}

int dsctl_unlock(struct dsctl *d)
{
    struct dsc_store s;
    struct dsc_write_options o;
    int64_t ids[DSC_MAX_USER_IDS], token;
    if (!dsctl_store(d, &s, true) || !write_options(d, &o, ids)) return DSCTL_EXIT_USAGE;
    if (!dsctl_parse_int(d->args[1], &token)) return dsctl_usage_error("unlock: TOKEN is a number");
    char *value = d->nargs > 2 ? dsctl_read_arg(d->args[2]) : NULL;
    if (d->nargs > 2 && !value) return DSCTL_EXIT_OTHER;
    dsc_result rc = dsc_unlock(d->client, &s, d->args[0], token, value, &o);
    free(value);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    if (d->json) printf("{\"released\":true}\n");
    return DSCTL_EXIT_OK;
}
