/* dsctl.c — the dsctl command line: one option table and one verb table drive parsing and
 * --help; the data verbs (get, set, update, incr, rm, keys, versions, sorted, lock, renew,
 * unlock) are here, the admin verbs in dsctl_admin.c. Exit codes say what happened. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "client/dsctl.h"

enum opt_type { OPT_STR, OPT_INT, OPT_I64, OPT_BOOL };

struct dsctl_option {
    const char *name;
    enum opt_type type;
    size_t offset;
    const char *help;
};

#define OPT(n, t, field, h)                                                                        \
    {                                                                                              \
        n, t, offsetof(struct dsctl, field), h                                                     \
    }
static const struct dsctl_option options[] = {
    OPT("--all", OPT_BOOL, all, "keys/sorted: follow every page"),
    OPT("--all-scopes", OPT_BOOL, all_scopes, "keys: every scope (printed as scope/key)"),
    OPT("--admin-key", OPT_STR, admin_key, "key for admin verbs (env DATASTORED_ADMIN_KEY)"),
    OPT("--api-key", OPT_STR, api_key, "API key (env DATASTORED_API_KEY)"),
    OPT("--backwards-compatible", OPT_BOOL, backwards_compatible, "migrate put: mark the step"),
    OPT("--cursor", OPT_STR, cursor, "keys/versions/sorted: start from this cursor or token"),
    OPT("--datastore", OPT_STR, datastore, "data store name (env DATASTORED_DATASTORE)"),
    OPT("--descending", OPT_BOOL, descending, "versions/sorted: newest or largest first"),
    OPT("--exclusive-create", OPT_BOOL, exclusive_create, "set: only if the key has no value"),
    OPT("--json", OPT_BOOL, json, "machine-readable JSON output"),
    OPT("--limit", OPT_INT, limit, "page size of keys/versions/sorted"),
    OPT("--lock-token", OPT_I64, lock_token, "writes: fencing token of the key's session lock"),
    OPT("--match-version", OPT_STR, match_version, "set: only if the current version is this"),
    OPT("--max", OPT_STR, max, "sorted: largest value (inclusive)"),
    OPT("--metadata", OPT_STR, metadata, "set/incr/unlock: metadata JSON object"),
    OPT("--min", OPT_STR, min, "sorted: smallest value (inclusive)"),
    OPT("--mode", OPT_STR, mode, "lock: fail (default), steal or wait"),
    OPT("--no-retry", OPT_BOOL, no_retry, "send each request once"),
    OPT("--no-wait", OPT_BOOL, no_wait, "migrate run: start and return"),
    OPT("--output", OPT_STR, output, "export: write to this file (default stdout)"),
    OPT("--owner", OPT_STR, owner, "lock: owner name (default dsctl)"),
    OPT("--pages", OPT_INT, pages, "sorted: pages to print (default 1)"),
    OPT("--prefix", OPT_STR, prefix, "keys: only keys starting with this"),
    OPT("--scope", OPT_STR, scope, "scope (default global)"),
    OPT("--ttl", OPT_INT, ttl, "lock/renew: seconds (default 30)"),
    OPT("--universe", OPT_I64, universe, "universe id (env DATASTORED_UNIVERSE)"),
    OPT("--url", OPT_STR, url, "server (env DATASTORED_URL, default http://127.0.0.1:8080)"),
    OPT("--user-ids", OPT_STR, user_ids, "set/incr/unlock: up to 4 user ids, comma-separated"),
    OPT("--verbose", OPT_BOOL, verbose, "trace each HTTP exchange on stderr"),
    OPT("--versions", OPT_BOOL, versions, "export: include version history"),
    OPT("--wait", OPT_INT, wait, "lock --mode wait: seconds to wait (default 10)"),
};

/* ---- shared helpers ---- */

int dsctl_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dsctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (dsctl --help)\n", stderr);
    va_end(ap);
    return DSCTL_EXIT_USAGE;
}

int dsctl_fail(struct dsctl *d, dsc_client *c, dsc_result rc, const char *what)
{
    const struct dsc_error *e = dsc_last_error(c);
    if (d->json) {
        struct json_object *o = json_object_new_object();
        if (o) {
            json_object_object_add(o, "error", json_object_new_string(dsc_result_name(rc)));
            json_object_object_add(o, "status", json_object_new_int64(e->http_status));
            json_object_object_add(o, "code", json_object_new_string(e->code));
            json_object_object_add(o, "detail", json_object_new_string(e->detail));
            json_object_object_add(o, "message", json_object_new_string(e->message));
            json_object_object_add(o, "attempts", json_object_new_int(e->attempts));
            fprintf(stderr, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
            json_object_put(o);
        }
    } else if (rc == DSC_NOT_FOUND) {
        fprintf(stderr, "dsctl: %s: not found\n", what);
    } else if (rc == DSC_ERR_HTTP) {
        fprintf(stderr, "dsctl: %s: HTTP %ld %s%s%s: %s\n", what, e->http_status, e->code,
                e->detail[0] ? "/" : "", e->detail, e->message);
    } else {
        fprintf(stderr, "dsctl: %s: %s: %s\n", what, dsc_result_name(rc), e->message);
    }
    switch (rc) {
    case DSC_OK:
        return DSCTL_EXIT_OK;
    case DSC_NOT_FOUND:
        return DSCTL_EXIT_NOT_FOUND;
    case DSC_ERR_INVALID:
        return DSCTL_EXIT_USAGE;
    case DSC_ERR_TRANSPORT:
        return DSCTL_EXIT_UNAVAILABLE;
    case DSC_ERR_HTTP:
        if (e->http_status == 404) return DSCTL_EXIT_NOT_FOUND;
        if (e->http_status == 409) return DSCTL_EXIT_CONFLICT;
        if (e->http_status == 429) return DSCTL_EXIT_THROTTLED;
        if (e->http_status >= 500) return DSCTL_EXIT_UNAVAILABLE;
        return DSCTL_EXIT_REFUSED;
    default:
        return DSCTL_EXIT_OTHER;
    }
}

bool dsctl_store(const struct dsctl *d, struct dsc_store *s, bool need_datastore)
{
    if (d->universe <= 0) {
        dsctl_usage_error("--universe N (or DATASTORED_UNIVERSE) is needed");
        return false;
    }
    if (need_datastore && (!d->datastore || !d->datastore[0])) {
        dsctl_usage_error("--datastore NAME (or DATASTORED_DATASTORE) is needed");
        return false;
    }
    *s = (struct dsc_store){.universe = d->universe, .datastore = d->datastore, .scope = d->scope};
    return true;
}

void dsctl_print_json_text(const struct dsctl *d, const char *text)
{
    struct json_object *o = json_tokener_parse(text);
    if (!o && strcmp(text, "null") != 0) {
        printf("%s\n", text);
        return;
    }
    int flags =
        d->json ? JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
    printf("%s\n", json_object_to_json_string_ext(o, flags | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

char *dsctl_read_arg(const char *arg)
{
    if (strcmp(arg, "-") != 0) {
        char *copy = strdup(arg);
        if (!copy) fprintf(stderr, "dsctl: out of memory\n");
        return copy;
    }
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, stdin);
        len += got;
        if (got == 0) break;
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (!buf) {
        fprintf(stderr, "dsctl: out of memory reading stdin\n");
        return NULL;
    }
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    buf[len] = '\0';
    return buf;
}

bool dsctl_parse_int(const char *text, int64_t *out)
{
    if (!text || !*text) return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

bool dsctl_show_progress(const struct dsctl *d)
{
    return !d->json && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
}

void dsctl_progress_bar(int64_t done, int64_t total, const char *unit)
{
    enum { WIDTH = 30 };
    if (total > 0) {
        int filled = (int)(done * WIDTH / (total > done ? total : done));
        fprintf(stderr, "\r[%.*s%*s] %3d%% %lld/%lld %s", filled, "##############################",
                WIDTH - filled, "", (int)(done * 100 / (total > done ? total : done)),
                (long long)done, (long long)total, unit);
    } else {
        fprintf(stderr, "\r%lld %s", (long long)done, unit);
    }
    fflush(stderr);
}

/* ---- data verbs ---- */

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

static int verb_get(struct dsctl *d)
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

static int verb_set(struct dsctl *d)
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

static int verb_update(struct dsctl *d)
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

static int verb_incr(struct dsctl *d)
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

static int verb_rm(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return DSCTL_EXIT_USAGE;
    dsc_result rc = dsc_remove(d->client, &s, d->args[0], d->lock_token);
    if (rc != DSC_OK) return dsctl_fail(d, d->client, rc, d->args[0]);
    if (d->json) printf("{\"removed\":true}\n");
    return DSCTL_EXIT_OK;
}

static int verb_keys(struct dsctl *d)
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

static int verb_versions(struct dsctl *d)
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

static int verb_sorted(struct dsctl *d)
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

static int verb_lock(struct dsctl *d)
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

static int verb_renew(struct dsctl *d)
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

static int verb_unlock(struct dsctl *d)
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

static const struct dsctl_verb verbs[] = {
    {"get", NULL, 1, 1, verb_get, "KEY", "print the value (--json: with its key info)"},
    {"set", NULL, 2, 2, verb_set,
     "KEY VALUE|- [--user-ids 1,2] [--metadata JSON] "
     "[--match-version V | --exclusive-create]",
     "store a JSON value; prints the version"},
    {"update", NULL, 2, 2, verb_update, "KEY PATCH|-", "apply a JSON Patch on the server"},
    {"incr", NULL, 1, 2, verb_incr, "KEY [DELTA]", "add DELTA (default 1); prints the sum"},
    {"rm", NULL, 1, 1, verb_rm, "KEY", "remove (a tombstone version)"},
    {"keys", NULL, 0, 0, verb_keys, "[--prefix P] [--all-scopes] [--limit N [--all]]",
     "list keys (every page unless --limit)"},
    {"versions", NULL, 1, 1, verb_versions, "KEY [--descending] [--limit N] [--cursor C]",
     "list versions"},
    {"sorted", NULL, 0, 0, verb_sorted,
     "[--descending] [--min N] [--max N] [--limit N] "
     "[--pages N | --all]",
     "ordered data store, ranked"},
    {"lock", NULL, 1, 1, verb_lock,
     "KEY [--owner O] [--ttl S] [--mode fail|steal|wait] "
     "[--wait S]",
     "take a session lock; prints the token"},
    {"renew", NULL, 2, 2, verb_renew, "KEY TOKEN [--ttl S]", "renew a session lock"},
    {"unlock", NULL, 2, 3, verb_unlock, "KEY TOKEN [VALUE|-]",
     "release a lock, saving VALUE with it"},
    {"fault", "add", 1, 1, dsctl_fault_add, "RULE-JSON|-", "add a fault rule; prints its id"},
    {"fault", "ls", 0, 0, dsctl_fault_ls, "", "list fault rules and what fired"},
    {"fault", "rm", 1, 1, dsctl_fault_rm, "ID", "remove a fault rule"},
    {"fault", "clear", 0, 0, dsctl_fault_clear, "", "remove every fault rule"},
    {"clock", "show", 0, 0, dsctl_clock_show, "", "print the service clock"},
    {"clock", "advance", 1, 1, dsctl_clock_advance, "SECONDS", "move a virtual clock on"},
    {"clock", "set", 1, 1, dsctl_clock_set, "TIME", "set a virtual clock (RFC 3339)"},
    {"migrate", "put", 2, 2, dsctl_migrate_put, "STEP PATCH|- [--backwards-compatible]",
     "set _version migration step STEP"},
    {"migrate", "ls", 0, 0, dsctl_migrate_ls, "", "show the migration chain"},
    {"migrate", "run", 0, 0, dsctl_migrate_run, "[--no-wait]",
     "migrate every entry now, with progress"},
    {"export", NULL, 0, 0, dsctl_export, "[--datastore D] [--versions] [--output FILE]",
     "export a universe as JSON"},
    {"import", NULL, 0, 1, dsctl_import, "[FILE|-]",
     "import an export or a "
     "MockDataStoreService file"},
};

static void print_help(void)
{
    printf("Usage: dsctl [--url URL] [--api-key KEY] [--json] VERB [--universe N] "
           "[--datastore NAME] [--scope S] [KEY] [VALUE]\n\n"
           "A command line for datastored (and Open Cloud data stores).\n\nVerbs:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", verbs[i].name, verbs[i].sub ? " " : "",
                 verbs[i].sub ? verbs[i].sub : "");
        printf("  %-16s %s\n  %-16s   %s\n", head, verbs[i].usage, "", verbs[i].help);
    }
    printf("\nOptions (before or after the verb):\n");
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        printf("  %-24s %s\n", options[i].name, options[i].help);
    printf("\nVALUE, PATCH and RULE-JSON may be '-' to read standard input.\n"
           "Exit codes: 0 ok, 1 not found, 2 usage, 3 refused (4xx), 4 conflict (409),\n"
           "5 throttled (429 after retries), 6 unavailable (5xx or no answer), 7 other.\n");
}

/* Applies one "--name value" or "--name=value"; returns how many argv slots it used, or -1. */
static int parse_option(struct dsctl *d, int argc, char **argv, int i)
{
    const char *arg = argv[i], *eq = strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++) {
        const struct dsctl_option *o = &options[k];
        if (strlen(o->name) != name_len || strncmp(o->name, arg, name_len) != 0) continue;
        char *field = (char *)d + o->offset;
        if (o->type == OPT_BOOL) {
            if (eq) return dsctl_usage_error("%s takes no value", o->name), -1;
            *(bool *)field = true;
            return 1;
        }
        const char *value = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
        if (!value) return dsctl_usage_error("%s needs a value", o->name), -1;
        int64_t n;
        if (o->type == OPT_STR) {
            *(const char **)field = value;
        } else if (!dsctl_parse_int(value, &n) || n < 0 || (o->type == OPT_INT && n > INT_MAX)) {
            return dsctl_usage_error("%s takes a non-negative integer, not '%s'", o->name, value),
                   -1;
        } else if (o->type == OPT_INT) {
            *(int *)field = (int)n;
        } else {
            *(int64_t *)field = n;
        }
        return eq ? 1 : 2;
    }
    return dsctl_usage_error("unknown option %.*s", (int)name_len, arg), -1;
}

static const struct dsctl_verb *find_verb(const char *name, const char *sub, bool *has_sub)
{
    *has_sub = false;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(verbs[i].name, name) != 0) continue;
        *has_sub = verbs[i].sub != NULL;
        if (!verbs[i].sub || (sub && strcmp(verbs[i].sub, sub) == 0)) return &verbs[i];
    }
    return NULL;
}

static dsc_client *make_client(const struct dsctl *d, const char *key)
{
    struct dsc_options o = {.base_url = d->url,
                            .api_key = key && key[0] ? key : NULL,
                            .no_retry = d->no_retry,
                            .verbose = d->verbose};
    dsc_client *c = dsc_client_new(&o);
    if (!c) fprintf(stderr, "dsctl: cannot use --url '%s' (http://HOST:PORT)\n", d->url);
    return c;
}

int main(int argc, char **argv)
{
    struct dsctl d = {.url = getenv("DATASTORED_URL"),
                      .api_key = getenv("DATASTORED_API_KEY"),
                      .admin_key = getenv("DATASTORED_ADMIN_KEY"),
                      .datastore = getenv("DATASTORED_DATASTORE")};
    const char *universe = getenv("DATASTORED_UNIVERSE");
    if (universe && universe[0] && !dsctl_parse_int(universe, &d.universe))
        return dsctl_usage_error("DATASTORED_UNIVERSE is not an integer");
    if (!d.url || !d.url[0]) d.url = "http://127.0.0.1:8080";
    const char *words[DSCTL_MAX_ARGS + 2];
    int nwords = 0;
    for (int i = 1; i < argc;) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
            strcmp(argv[i], "help") == 0) {
            print_help();
            return DSCTL_EXIT_OK;
        }
        if (strcmp(argv[i], "--") == 0) { /* everything after is positional */
            for (i++; i < argc && nwords < DSCTL_MAX_ARGS + 2; i++)
                words[nwords++] = argv[i];
            break;
        }
        if (strncmp(argv[i], "--", 2) == 0) {
            int used = parse_option(&d, argc, argv, i);
            if (used < 0) return DSCTL_EXIT_USAGE;
            i += used;
            continue;
        }
        if (nwords == DSCTL_MAX_ARGS + 2) return dsctl_usage_error("too many arguments");
        words[nwords++] = argv[i++];
    }
    if (nwords == 0) {
        print_help();
        return DSCTL_EXIT_USAGE;
    }
    bool has_sub;
    const struct dsctl_verb *v = find_verb(words[0], nwords > 1 ? words[1] : NULL, &has_sub);
    if (!v && has_sub && nwords == 1 && strcmp(words[0], "clock") == 0)
        v = find_verb("clock", "show", &has_sub);
    if (!v) {
        return has_sub ? dsctl_usage_error("%s: unknown or missing sub-command", words[0])
                       : dsctl_usage_error("unknown verb '%s'", words[0]);
    }
    int first = v->sub && nwords > 1 && strcmp(words[1], v->sub) == 0 ? 2 : 1;
    d.nargs = nwords - first;
    if (d.nargs < v->min_args || d.nargs > v->max_args)
        return dsctl_usage_error("usage: dsctl %s%s%s %s", v->name, v->sub ? " " : "",
                                 v->sub ? v->sub : "", v->usage);
    for (int k = 0; k < d.nargs; k++)
        d.args[k] = words[first + k];
    if (dsc_global_init() != DSC_OK) return DSCTL_EXIT_OTHER;
    d.client = make_client(&d, d.api_key);
    d.admin_client = make_client(&d, d.admin_key && d.admin_key[0] ? d.admin_key : d.api_key);
    int status = d.client && d.admin_client ? v->run(&d) : DSCTL_EXIT_USAGE;
    dsc_client_free(d.client);
    dsc_client_free(d.admin_client);
    if (fflush(stdout) != 0 && status == DSCTL_EXIT_OK) status = DSCTL_EXIT_OTHER;
    return status;
}
