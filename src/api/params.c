/* api/params.c — see params.h. */
#include "api/params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/digest.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "http/park.h"
#include "http/reply.h"
#include "http/route.h"
#include "log.h"
#include "metrics.h"
#include "service/datastores.h"
#include "service/entries.h"
#include "service/throughput.h"

bool page_size_or_reply(struct ds_request *req, const char *name, int def, int max, bool coerce,
                        bool zero_is_default, int *out)
{
    const char *v = req_query(req, name);
    if (!v || !*v) {
        *out = def;
        return true;
    }
    int64_t n;
    if (!parse_decimal(v, &n) || n < 0 || n > INT32_MAX || (n == 0 && !zero_is_default)) {
        reply_fail(req, 400, NULL, "%s must be a positive integer.", name);
        return false;
    }
    if (n == 0) n = def;
    if (n > max) {
        if (!coerce) {
            reply_fail(req, 400, NULL, "%s must be at most %d.", name, max);
            return false;
        }
        n = max;
    }
    *out = (int)n;
    return true;
}

bool bool_query_or_reply(struct ds_request *req, const char *name, bool def, bool *out)
{
    const char *v = req_query(req, name);
    if (!v || !*v) {
        *out = def;
        return true;
    }
    if (!strcasecmp(v, "true") || !strcmp(v, "1")) {
        *out = true;
        return true;
    }
    if (!strcasecmp(v, "false") || !strcmp(v, "0")) {
        *out = false;
        return true;
    }
    reply_fail(req, 400, NULL, "%s must be true or false.", name);
    return false;
}

static bool check_or_reply(struct ds_request *req,
                           ds_status (*check)(const char *, struct ds_error *), const char *value)
{
    struct ds_error err;
    if (check(value, &err) == DS_OK) return true;
    reply_error(req, &err);
    return false;
}

bool v1_ref_or_reply(struct ds_request *req, struct entry_ref *ref, bool need_key)
{
    ref->universe = req->universe_id;
    ref->datastore = req_query(req, "datastoreName");
    const char *scope = req_query(req, "scope");
    ref->scope = scope && *scope ? scope : "global";
    ref->key = need_key ? req_query(req, "entryKey") : NULL;
    return check_or_reply(req, check_datastore_name, ref->datastore) &&
           check_or_reply(req, check_scope, ref->scope) &&
           (!need_key || check_or_reply(req, check_entry_key, ref->key));
}

bool v2_ref_or_reply(struct ds_request *req, struct entry_ref *ref)
{
    ref->universe = req->universe_id;
    ref->datastore = req_param(req, "data_store_id");
    const char *scope = req_param(req, "scope_id");
    ref->scope = scope ? scope : "global";
    ref->key = req_param(req, "entry_id");
    return check_or_reply(req, check_datastore_name, ref->datastore) &&
           (!strcmp(ref->scope, "-") || check_or_reply(req, check_scope, ref->scope)) &&
           (!ref->key || check_or_reply(req, check_entry_key, ref->key));
}

/* A token is bound to the universe of the request that got it, as well as to the listing's
 * own parameters: one issued for universe 43 is refused on universe 42. */
static uint32_t bound_to_universe(const struct ds_request *req, uint32_t params)
{
    char u[24];
    int n = snprintf(u, sizeof u, "%lld", (long long)req->universe_id);
    return fnv1a32(params, u, (size_t)n);
}

bool cursor_or_reply(struct ds_request *req, const char *name, const char *kind, uint32_t params,
                     struct cursor_pos *pos)
{
    memset(pos, 0, sizeof *pos);
    params = bound_to_universe(req, params);
    const char *token = req_query(req, name);
    if (!token || !*token) return true;
    struct ds_error err;
    if (cursor_decode(req->ctx->cursor_key, kind, params, token, pos, &err) == DS_OK) return true;
    reply_error(req, &err);
    return false;
}

uint32_t params_fingerprint(const char *const *parts)
{
    uint32_t h = 0;
    for (size_t i = 0; parts[i]; i++) {
        h = fnv1a32(h, parts[i], strlen(parts[i]));
        h = fnv1a32(h, "\x1f", 1);
    }
    return h;
}

bool v1_metadata_or_reply(struct ds_request *req, char **attributes, char **user_ids)
{
    struct ds_error err;
    *attributes = *user_ids = NULL;
    if (parse_attributes(req_header(req, "roblox-entry-attributes"), attributes, &err) != DS_OK ||
        parse_user_ids(req_header(req, "roblox-entry-userids"), user_ids, &err) != DS_OK) {
        free(*attributes);
        *attributes = NULL;
        reply_error(req, &err);
        return false;
    }
    return true;
}

bool starts_with_filter_or_reply(struct ds_request *req, char **prefix)
{
    *prefix = NULL;
    const char *f = req_query(req, "filter");
    if (!f || !*f) return true;
    static const char head[] = "id.startsWith(\"";
    size_t len = strlen(f);
    if (strncmp(f, head, sizeof head - 1) != 0 || len < sizeof head + 1 ||
        strcmp(f + len - 2, "\")") != 0)
        goto bad;
    const char *s = f + sizeof head - 1, *end = f + len - 2;
    char *out = malloc((size_t)(end - s) + 1);
    if (!out) goto bad;
    size_t o = 0;
    for (; s < end; s++) {
        if (*s == '"') goto bad_free;
        if (*s == '\\') {
            if (s + 1 >= end || (s[1] != '"' && s[1] != '\\')) goto bad_free;
            s++;
        }
        out[o++] = *s;
    }
    out[o] = '\0';
    *prefix = out;
    return true;
bad_free:
    free(out);
bad:
    reply_fail(req, 400, NULL,
               "Unsupported filter: only id.startsWith(\"prefix\") is accepted here.");
    return false;
}

bool throughput_or_reply(struct ds_request *req, const struct entry_ref *ref, bool write,
                         size_t bytes, bool check_only)
{
    if (!req->ctx->throughput) return true;
    char key[256];
    snprintf(key, sizeof key, "%lld\x1f%s\x1f%s\x1f%s", (long long)ref->universe, ref->datastore,
             ref->scope, ref->key);
    struct ds_error err;
    if (throughput_admit(req->ctx->throughput, key, write, bytes, check_only,
                         clock_now_us(&req->ctx->clock), &err))
        return true;
    metrics_throttled(req->ctx->metrics, THROTTLED_THROUGHPUT);
    reply_header(req, "Retry-After", "60");
    reply_error(req, &err);
    return false;
}

/* Reads the x-lock-token header (absent → *has false); a malformed one is 400. */
static bool lock_token_or_reply(struct ds_request *req, bool *has, int64_t *token)
{
    const char *h = req_header(req, "x-lock-token");
    *has = false;
    *token = 0;
    if (!h) return true;
    int64_t v;
    if (!parse_decimal(h, &v) || v < 0) {
        reply_fail(req, 400, NULL, "x-lock-token must be a non-negative integer.");
        return false;
    }
    *has = true;
    *token = v;
    return true;
}

/* Reads x-schema-version (absent → *has false); a malformed one is 400. */
static bool schema_version_or_reply(struct ds_request *req, bool *has, int *version)
{
    const char *h = req_header(req, "x-schema-version");
    *has = false;
    *version = 0;
    if (!h) return true;
    int64_t v;
    if (!parse_decimal(h, &v) || v < 0 || v > 1000000) {
        reply_fail(req, 400, NULL, "x-schema-version must be a non-negative integer.");
        return false;
    }
    *has = true;
    *version = (int)v;
    return true;
}

bool read_migrated_or_reply(struct ds_request *req, const struct entry_ref *ref,
                            struct entry_row *row)
{
    bool has_client;
    int client;
    struct ds_error err;
    if (!schema_version_or_reply(req, &has_client, &client)) return false;
    if (entries_migrate_read(req->ctx, req->db, ref, row, has_client, client, &err) == DS_OK)
        return true;
    reply_error(req, &err);
    return false;
}

bool standard_write_checked(struct ds_request *req, const struct entry_ref *ref,
                            struct write_spec *spec, struct write_outcome *out,
                            struct ds_error *err, bool *replied)
{
    *replied = true;
    if (!throughput_or_reply(req, ref, true, req->body_len, false) ||
        !lock_token_or_reply(req, &spec->has_lock_token, &spec->lock_token) ||
        !schema_version_or_reply(req, &spec->has_client_schema, &spec->client_schema))
        return false;
    *replied = false;
    return entries_write(req->ctx, req->db, ref, spec, out, err) == DS_OK;
}

bool standard_write_or_reply(struct ds_request *req, const struct entry_ref *ref,
                             struct write_spec *spec, struct write_outcome *out)
{
    struct ds_error err;
    bool replied;
    if (standard_write_checked(req, ref, spec, out, &err, &replied)) return true;
    if (!replied) reply_write_failure(req, &err, "standard", ref);
    return false;
}

bool datastore_active_or_reply(struct ds_request *req, const struct entry_ref *ref)
{
    enum store_state state;
    struct ds_error err;
    if (datastores_state(req->db, ref->universe, ref->datastore, &state, &err) != DS_OK) {
        reply_error(req, &err);
        return false;
    }
    if (state == STORE_ACTIVE) return true;
    reply_fail(req, 404, "DatastoreNotFound", "Datastore not found.");
    return false;
}

void reply_page(struct ds_request *req, const char *items_name, struct json_object *items,
                const char *token_name, const char *kind, uint32_t fp,
                const struct cursor_pos *last)
{
    char *next =
        last ? cursor_encode(req->ctx->cursor_key, kind, bound_to_universe(req, fp), last) : NULL;
    if (last && !next) { /* an empty token would say "last page" and silently cut the list */
        json_object_put(items);
        reply_fail(req, 500, NULL, "Cannot issue the next page token.");
        return;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, items_name, items);
    json_object_object_add(o, token_name, json_object_new_string(next ? next : ""));
    free(next);
    reply_json(req, 200, o);
}

#define WRITE_QUEUE_DEPTH 30

/* Roblox's "request dropped" error for a full write queue, by operation. */
static void reply_queue_full(struct ds_request *req)
{
    static const struct {
        enum ds_op op;
        int number;
        const char *name, *api;
    } codes[] = {
        {OP_SET, 302, "SetAsyncThrottle", "SetAsync"},
        {OP_INCREMENT, 303, "IncreAsyncThrottle", "IncrementAsync"},
        {OP_UPDATE, 304, "UpdateAsyncThrottle", "UpdateAsync"},
        {OP_REMOVE, 306, "RemoveAsyncThrottle", "RemoveAsync"},
    };
    size_t i = 0;
    while (i + 1 < sizeof codes / sizeof codes[0] && codes[i].op != req->route->op)
        i++;
    reply_fail(req, 429, codes[i].name,
               "%d: %s request dropped. Request was throttled, but throttled request queue was "
               "full.",
               codes[i].number, codes[i].api);
}

void reply_write_failure(struct ds_request *req, const struct ds_error *err, const char *kind,
                         const struct entry_ref *ref)
{
    if (err->http_status != 429 || err->retry_at_us <= 0) {
        reply_error(req, err);
        return;
    }
    int64_t now = clock_now_us(&req->ctx->clock);
    if (req->ctx->cfg->throttle == THROTTLE_REJECT || !req->ctx->park) {
        metrics_throttled(req->ctx->metrics, THROTTLED_COOLDOWN_REJECTED);
        char secs[32];
        int64_t wait_us = err->retry_at_us - now;
        snprintf(secs, sizeof secs, "%lld", (long long)((wait_us + 999999) / 1000000));
        reply_header(req, "Retry-After", wait_us > 0 ? secs : "0");
        reply_error(req, err);
        return;
    }
    char key[256];
    snprintf(key, sizeof key, "%s\x1f%lld\x1f%s\x1f%s\x1f%s", kind, (long long)ref->universe,
             ref->datastore, ref->scope, ref->key);
    switch (park_request(req->ctx->park, req, key, err->retry_at_us, WRITE_QUEUE_DEPTH)) {
    case PARK_OK:
        metrics_throttled(req->ctx->metrics, THROTTLED_COOLDOWN_QUEUED);
        req->cooldown_since_us = clock_monotonic_us();
        if (park_notice_due(req->ctx->park, key, req->cooldown_since_us))
            log_info("a write to %s %s/%s/%s (universe %lld) waits %.1f s behind the %g s "
                     "per-key write cooldown (--write-cooldown 0 turns it off; noted once a "
                     "minute per key)",
                     kind, ref->datastore, ref->scope, ref->key, (long long)ref->universe,
                     (double)(err->retry_at_us - now) / 1e6, req->ctx->write_cooldown);
        return;
    case PARK_QUEUE_FULL:
        metrics_throttled(req->ctx->metrics, THROTTLED_QUEUE_FULL);
        reply_queue_full(req);
        return;
    case PARK_CLOSED:
        reply_fail(req, 503, NULL, "The server is shutting down; retry.");
        return;
    }
}

/* Parses the body into *doc (a JSON object). */
bool body_object_or_reply(struct ds_request *req, struct json_object **doc)
{
    *doc =
        json_text_valid(req->body, req->body_len, 64, NULL) ? json_tokener_parse(req->body) : NULL;
    if (json_object_is_type(*doc, json_type_object)) return true;
    json_object_put(*doc);
    *doc = NULL;
    reply_fail(req, 400, NULL, "The body must be a JSON object.");
    return false;
}

bool page_rows_take(struct page_rows *p, const char *name)
{
    if (++p->seen > p->limit) return false;
    snprintf(p->last, sizeof p->last, "%s", name);
    return true;
}

const struct cursor_pos *page_rows_next(struct page_rows *p, int64_t n, struct cursor_pos *out)
{
    if (p->seen <= p->limit) return NULL;
    *out = (struct cursor_pos){p->last, NULL, n};
    return out;
}
