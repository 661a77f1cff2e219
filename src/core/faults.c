/* core/faults.c — see faults.h. Parsing is strict: an unknown member is an error, so a
 * misspelt match field cannot silently widen a rule to every request. */
#include "core/faults.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"

static const char *const effect_names[] = {"error", "latency",  "timeout",
                                           "drop",  "throttle", "after_commit"};
static const char *const op_names[FAULT_OP_COUNT] = {
    "get",          "set",        "update", "increment", "remove",         "list",
    "listVersions", "getVersion", "sorted", "lock",      "listDataStores", "deleteDataStore"};
static const char *const family_names[] = {"v1", "v2", "ordered"};

const char *fault_effect_name(enum fault_effect_type t)
{
    return (unsigned)t < sizeof effect_names / sizeof effect_names[0] ? effect_names[t] : "?";
}

static int bit_index(unsigned bit)
{
    int i = 0;
    while (bit > 1) {
        bit >>= 1;
        i++;
    }
    return i;
}

const char *fault_family_name(enum fault_family f)
{
    int i = bit_index((unsigned)f);
    return f && i < 3 ? family_names[i] : "?";
}

const char *fault_op_name(enum fault_op op)
{
    int i = bit_index((unsigned)op);
    return op && i < FAULT_OP_COUNT ? op_names[i] : "?";
}

/* ---- parsing ---------------------------------------------------------------------------- */

static ds_status bad(struct ds_error *err, const char *field, const char *what)
{
    return ds_fail(err, 400, NULL, "Fault rule: %s %s.", field, what);
}

static ds_status get_int(struct json_object *v, const char *field, int64_t min, int64_t max,
                         int64_t *out, struct ds_error *err)
{
    if (!json_object_is_type(v, json_type_int)) return bad(err, field, "must be an integer");
    errno = 0;
    int64_t n = json_object_get_int64(v);
    if (errno || n < min || n > max) {
        char what[96];
        snprintf(what, sizeof what, "must be from %lld to %lld", (long long)min, (long long)max);
        return bad(err, field, what);
    }
    *out = n;
    return DS_OK;
}

static ds_status get_number(struct json_object *v, const char *field, double min, double max,
                            double *out, struct ds_error *err)
{
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return bad(err, field, "must be a number");
    double d = json_object_get_double(v);
    if (!isfinite(d) || d < min || d > max) {
        char what[96];
        snprintf(what, sizeof what, "must be from %g to %g", min, max);
        return bad(err, field, what);
    }
    *out = d;
    return DS_OK;
}

static ds_status get_string(struct json_object *v, const char *field, char *out, size_t cap,
                            struct ds_error *err)
{
    if (!json_object_is_type(v, json_type_string)) return bad(err, field, "must be a string");
    size_t len = (size_t)json_object_get_string_len(v);
    const char *s = json_object_get_string(v);
    if (len == 0 || len >= cap || memchr(s, '\0', len)) {
        char what[64];
        snprintf(what, sizeof what, "must be 1 to %zu bytes without NUL", cap - 1);
        return bad(err, field, what);
    }
    memcpy(out, s, len + 1);
    return DS_OK;
}

/* Upper-case letters, digits and '_' (code) or letters and digits (robloxCode). */
static ds_status get_code(struct json_object *v, const char *field, bool upper_only, char *out,
                          struct ds_error *err)
{
    if (get_string(v, field, out, FAULT_CODE_MAX, err) != DS_OK) return DS_ERR;
    for (const char *p = out; *p; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                  (!upper_only && *p >= 'a' && *p <= 'z');
        if (!ok)
            return bad(err, field,
                       upper_only ? "must be upper-case letters, digits and '_'"
                                  : "must be letters, digits and '_'");
    }
    return DS_OK;
}

static int name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s)) return i;
    return -1;
}

/* A name or an array of names from names[], as a bit set. */
static ds_status get_name_set(struct json_object *v, const char *field, const char *const *names,
                              int n, unsigned *out, struct ds_error *err)
{
    char what[512];
    int len = snprintf(what, sizeof what, "must be one of");
    for (int i = 0; i < n && len < (int)sizeof what; i++)
        len += snprintf(what + len, sizeof what - (size_t)len, "%s %s", i ? "," : "", names[i]);
    *out = 0;
    size_t count = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 1;
    if (count == 0 || count > 32) return bad(err, field, "must name 1 to 32 values");
    for (size_t i = 0; i < count; i++) {
        struct json_object *e =
            json_object_is_type(v, json_type_array) ? json_object_array_get_idx(v, i) : v;
        int idx = json_object_is_type(e, json_type_string)
                      ? name_index(names, n, json_object_get_string(e))
                      : -1;
        if (idx < 0) return bad(err, field, what);
        *out |= 1u << idx;
    }
    return DS_OK;
}

static ds_status parse_match(struct json_object *m, struct fault_match *out, struct ds_error *err)
{
    if (!json_object_is_type(m, json_type_object)) return bad(err, "match", "must be an object");
    json_object_object_foreach(m, name, v)
    {
        ds_status st;
        if (!strcmp(name, "universe"))
            st = get_int(v, "match.universe", 1, INT64_MAX, &out->universe, err);
        else if (!strcmp(name, "datastore"))
            st = get_string(v, "match.datastore", out->datastore, sizeof out->datastore, err);
        else if (!strcmp(name, "scope"))
            st = get_string(v, "match.scope", out->scope, sizeof out->scope, err);
        else if (!strcmp(name, "keyPrefix"))
            st = get_string(v, "match.keyPrefix", out->key_prefix, sizeof out->key_prefix, err);
        else if (!strcmp(name, "operations"))
            st = get_name_set(v, "match.operations", op_names, FAULT_OP_COUNT, &out->ops, err);
        else if (!strcmp(name, "family"))
            st = get_name_set(v, "match.family", family_names, 3, &out->families, err);
        else
            st = ds_fail(err, 400, NULL,
                         "Fault rule: unknown match field \"%.40s\" (universe, datastore, scope, "
                         "keyPrefix, operations, family).",
                         name);
        if (st != DS_OK) return DS_ERR;
    }
    return DS_OK;
}

static const char *default_message(const struct fault_effect *e)
{
    switch (e->status) {
    case 429:
        return "Too many requests.";
    case 500:
        return "Internal server error.";
    case 502:
        return "The request was rejected upstream.";
    case 503:
        return "The service is temporarily unavailable.";
    case 504:
        return "The upstream service timed out.";
    default:
        return e->status >= 500 ? "Server error." : "The request failed.";
    }
}

static ds_status parse_effect(struct json_object *e, struct fault_effect *out, struct ds_error *err)
{
    if (!json_object_is_type(e, json_type_object))
        return bad(err, "effect", "must be an object with a type");
    struct json_object *t = NULL;
    unsigned type_bits = 0;
    if (!json_object_object_get_ex(e, "type", &t))
        return bad(err, "effect.type",
                   "is required (error, latency, timeout, drop, throttle, "
                   "after_commit)");
    if (get_name_set(t, "effect.type", effect_names, 6, &type_bits, err) != DS_OK) return DS_ERR;
    if (json_object_is_type(t, json_type_array)) return bad(err, "effect.type", "must be one name");
    out->type = (enum fault_effect_type)bit_index(type_bits);
    bool has_status = false, has_ms = false, has_jitter = false, has_retry = false;
    bool has_code = false, has_message = false;
    json_object_object_foreach(e, name, v)
    {
        ds_status st = DS_OK;
        if (!strcmp(name, "type")) {
            continue;
        } else if (!strcmp(name, "status")) {
            int64_t s;
            st = get_int(v, "effect.status", 400, 599, &s, err);
            out->status = (int)s;
            has_status = true;
        } else if (!strcmp(name, "code")) {
            st = get_code(v, "effect.code", true, out->code, err);
            has_code = true;
        } else if (!strcmp(name, "robloxCode")) {
            st = get_code(v, "effect.robloxCode", false, out->roblox_code, err);
        } else if (!strcmp(name, "message")) {
            st = get_string(v, "effect.message", out->message, sizeof out->message, err);
            has_message = true;
        } else if (!strcmp(name, "ms")) {
            st = get_int(v, "effect.ms", 0, FAULT_MAX_MS, &out->ms, err);
            has_ms = true;
        } else if (!strcmp(name, "jitterMs")) {
            st = get_int(v, "effect.jitterMs", 0, FAULT_MAX_MS, &out->jitter_ms, err);
            has_jitter = true;
        } else if (!strcmp(name, "retryAfterSeconds")) {
            st = get_int(v, "effect.retryAfterSeconds", 0, 3600, &out->retry_after_s, err);
            has_retry = true;
        } else {
            st = ds_fail(err, 400, NULL,
                         "Fault rule: unknown effect field \"%.40s\" (type, status, code, "
                         "robloxCode, message, ms, jitterMs, retryAfterSeconds).",
                         name);
        }
        if (st != DS_OK) return DS_ERR;
    }

    bool answers =
        out->type == FAULT_ERROR || out->type == FAULT_AFTER_COMMIT || out->type == FAULT_THROTTLE;
    bool waits = out->type == FAULT_LATENCY || out->type == FAULT_TIMEOUT;
    if (!answers && (has_status || has_code || has_message || out->roblox_code[0] || has_retry))
        return bad(err, "effect", "of this type takes no status, code, message or retry time");
    if (!waits && (has_ms || has_jitter))
        return bad(err, "effect", "of this type takes no ms or jitterMs");
    if (out->type == FAULT_LATENCY && !has_ms) return bad(err, "effect.ms", "is required");
    if (out->type == FAULT_TIMEOUT && !has_ms) out->ms = 30000;
    if (out->type == FAULT_THROTTLE) {
        if (has_status && out->status != 429)
            return bad(err, "effect.status", "of throttle is 429");
        out->status = 429;
        if (!has_retry) out->retry_after_s = 1;
    } else if (answers) {
        if (!has_status) out->status = 500;
        if (!has_retry) out->retry_after_s = 1;
    }
    if (answers && !has_code)
        snprintf(out->code, sizeof out->code, "%s", ds_error_code_for_status(out->status));
    if (answers && !has_message)
        snprintf(out->message, sizeof out->message, "%s", default_message(out));
    return DS_OK;
}

static ds_status get_time(struct json_object *v, const char *field, int64_t *out,
                          struct ds_error *err)
{
    if (!json_object_is_type(v, json_type_string) ||
        !rfc3339_parse(json_object_get_string(v), out) || *out <= 0)
        return bad(err, field, "must be an RFC 3339 date-time");
    return DS_OK;
}

/* FNV-1a, 64 bits. */
static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static struct json_object *render(const struct fault_rule *rule, bool with_times);

ds_status fault_rule_parse(struct json_object *doc, int64_t now_us, struct fault_rule *out,
                           struct ds_error *err)
{
    memset(out, 0, sizeof *out);
    out->probability = 1.0;
    if (!json_object_is_type(doc, json_type_object))
        return ds_fail(err, 400, NULL, "A fault rule is a JSON object with at least \"effect\".");
    bool has_effect = false, has_ttl = false;
    double ttl = 0;
    json_object_object_foreach(doc, name, v)
    {
        ds_status st;
        if (!strcmp(name, "match")) {
            st = parse_match(v, &out->match, err);
        } else if (!strcmp(name, "effect")) {
            st = parse_effect(v, &out->effect, err);
            has_effect = true;
        } else if (!strcmp(name, "probability")) {
            st = get_number(v, "probability", 0, 1, &out->probability, err);
        } else if (!strcmp(name, "count")) {
            st = get_int(v, "count", 1, INT64_MAX / 2, &out->count, err);
        } else if (!strcmp(name, "skip")) {
            st = get_int(v, "skip", 0, INT64_MAX / 2, &out->skip, err);
        } else if (!strcmp(name, "ttlSeconds")) {
            st = get_number(v, "ttlSeconds", 0.001, 10 * 365 * 86400.0, &ttl, err);
            has_ttl = true;
        } else if (!strcmp(name, "startTime")) {
            st = get_time(v, "startTime", &out->start_us, err);
        } else if (!strcmp(name, "endTime")) {
            st = get_time(v, "endTime", &out->end_us, err);
        } else if (!strcmp(name, "description")) {
            st = get_string(v, "description", out->description, sizeof out->description, err);
        } else {
            st = ds_fail(err, 400, NULL,
                         "Fault rule: unknown field \"%.40s\" (match, effect, probability, count, "
                         "skip, ttlSeconds, startTime, endTime, description).",
                         name);
        }
        if (st != DS_OK) return DS_ERR;
    }
    if (!has_effect) return bad(err, "effect", "is required");
    if (has_ttl) {
        if (out->end_us) return bad(err, "ttlSeconds", "and endTime cannot both be set");
        out->end_us =
            (out->start_us > now_us ? out->start_us : now_us) + (int64_t)llround(ttl * 1e6);
    }
    if (out->start_us && out->end_us && out->end_us <= out->start_us)
        return bad(err, "endTime", "must be after startTime");
    struct json_object *fp = render(out, false);
    if (!fp) return ds_fail(err, 500, NULL, "out of memory");
    size_t len;
    const char *text = json_object_to_json_string_length(fp, JSON_C_TO_STRING_PLAIN, &len);
    out->fingerprint = fnv1a(text, len);
    json_object_put(fp);
    return DS_OK;
}

/* ---- rendering -------------------------------------------------------------------------- */

static void add_names(struct json_object *o, const char *key, unsigned bits,
                      const char *const *names, int n)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        if (bits & (1u << i)) json_object_array_add(arr, json_object_new_string(names[i]));
    json_object_object_add(o, key, arr);
}

static void add_time(struct json_object *o, const char *key, int64_t t)
{
    char buf[48];
    rfc3339_format(t, false, buf, sizeof buf);
    json_object_object_add(o, key, json_object_new_string(buf));
}

static struct json_object *render(const struct fault_rule *r, bool with_times)
{
    struct json_object *o = json_object_new_object(), *m = json_object_new_object(),
                       *e = json_object_new_object();
    if (!o || !m || !e) {
        json_object_put(o);
        json_object_put(m);
        json_object_put(e);
        return NULL;
    }
    const struct fault_match *mt = &r->match;
    if (mt->universe) json_object_object_add(m, "universe", json_object_new_int64(mt->universe));
    if (mt->datastore[0])
        json_object_object_add(m, "datastore", json_object_new_string(mt->datastore));
    if (mt->scope[0]) json_object_object_add(m, "scope", json_object_new_string(mt->scope));
    if (mt->key_prefix[0])
        json_object_object_add(m, "keyPrefix", json_object_new_string(mt->key_prefix));
    if (mt->ops) add_names(m, "operations", mt->ops, op_names, FAULT_OP_COUNT);
    if (mt->families) add_names(m, "family", mt->families, family_names, 3);
    json_object_object_add(o, "match", m);

    const struct fault_effect *ef = &r->effect;
    json_object_object_add(e, "type", json_object_new_string(fault_effect_name(ef->type)));
    if (ef->status) {
        json_object_object_add(e, "status", json_object_new_int(ef->status));
        json_object_object_add(e, "code", json_object_new_string(ef->code));
        if (ef->roblox_code[0])
            json_object_object_add(e, "robloxCode", json_object_new_string(ef->roblox_code));
        json_object_object_add(e, "message", json_object_new_string(ef->message));
        json_object_object_add(e, "retryAfterSeconds", json_object_new_int64(ef->retry_after_s));
    }
    if (ef->type == FAULT_LATENCY || ef->type == FAULT_TIMEOUT) {
        json_object_object_add(e, "ms", json_object_new_int64(ef->ms));
        json_object_object_add(e, "jitterMs", json_object_new_int64(ef->jitter_ms));
    }
    json_object_object_add(o, "effect", e);
    json_object_object_add(o, "probability", json_object_new_double(r->probability));
    if (r->count) json_object_object_add(o, "count", json_object_new_int64(r->count));
    json_object_object_add(o, "skip", json_object_new_int64(r->skip));
    if (with_times) {
        if (r->start_us) add_time(o, "startTime", r->start_us);
        if (r->end_us) add_time(o, "endTime", r->end_us);
        if (r->description[0])
            json_object_object_add(o, "description", json_object_new_string(r->description));
    }
    return o;
}

struct json_object *fault_rule_to_json(const struct fault_rule *rule)
{
    return render(rule, true);
}

/* ---- matching and draws ----------------------------------------------------------------- */

bool fault_rule_matches(const struct fault_rule *rule, const struct fault_request *req)
{
    const struct fault_match *m = &rule->match;
    if (m->families && !(m->families & (unsigned)req->family)) return false;
    if (m->ops && !(m->ops & (unsigned)req->op)) return false;
    if (m->universe && m->universe != req->universe) return false;
    if (m->datastore[0] && (!req->datastore || strcmp(m->datastore, req->datastore))) return false;
    if (m->scope[0] && (!req->scope || strcmp(m->scope, req->scope))) return false;
    if (m->key_prefix[0] &&
        (!req->key || strncmp(req->key, m->key_prefix, strlen(m->key_prefix)) != 0))
        return false;
    return true;
}

bool fault_rule_in_window(const struct fault_rule *rule, int64_t now_us)
{
    if (rule->start_us && now_us < rule->start_us) return false;
    if (rule->end_us && now_us >= rule->end_us) return false;
    return true;
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

double fault_draw(uint64_t seed, uint64_t fingerprint, uint64_t k, unsigned lane)
{
    uint64_t h = splitmix64(seed ^ splitmix64(fingerprint ^ splitmix64(k * 4 + lane)));
    return (double)(h >> 11) * 0x1.0p-53;
}

bool fault_roll(const struct fault_rule *rule, uint64_t seed, uint64_t k)
{
    if (rule->probability >= 1.0) return true;
    return fault_draw(seed, rule->fingerprint, k, 0) < rule->probability;
}

int64_t fault_delay_ms(const struct fault_rule *rule, uint64_t seed, uint64_t k)
{
    const struct fault_effect *e = &rule->effect;
    if (!e->jitter_ms) return e->ms;
    double u = fault_draw(seed, rule->fingerprint, k, 1);
    int64_t d = e->ms - e->jitter_ms + (int64_t)(u * (double)(2 * e->jitter_ms + 1));
    return d < 0 ? 0 : d;
}
