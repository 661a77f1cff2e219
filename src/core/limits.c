/* core/limits.c — validators for names, values and metadata. */
#include "core/limits.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_text.h"

bool utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n) return false; /* truncated sequence */
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

static ds_status check_name(const char *s, const char *what, const char *detail,
                            struct ds_error *err)
{
    if (!s || !*s) return ds_fail(err, 400, detail, "The %s must not be empty.", what);
    size_t len = strlen(s);
    if (len > LIMIT_NAME_BYTES)
        return ds_fail(err, 400, detail, "The %s is %zu bytes long; the limit is %d bytes.", what,
                       len, LIMIT_NAME_BYTES);
    if (!utf8_valid(s, len)) return ds_fail(err, 400, detail, "The %s is not valid UTF-8.", what);
    return DS_OK;
}

ds_status check_datastore_name(const char *name, struct ds_error *err)
{
    return check_name(name, "data store name", "InvalidDataStoreName", err);
}

ds_status check_scope(const char *scope, struct ds_error *err)
{
    return check_name(scope, "scope", "InvalidDataStoreScope", err);
}

ds_status check_entry_key(const char *key, struct ds_error *err)
{
    return check_name(key, "entry key", "InvalidEntryKey", err);
}

ds_status check_value(const char *value, size_t len, struct ds_error *err)
{
    if (len > LIMIT_VALUE_BYTES)
        return ds_fail(err, 400, "ContentTooBig", "The value is %zu bytes; the limit is %d bytes.",
                       len, LIMIT_VALUE_BYTES);
    const char *why = NULL;
    if (!json_text_valid(value, len, LIMIT_JSON_DEPTH, &why))
        return ds_fail(err, 400, "ContentNotJson", "The value is not valid JSON: %s.", why);
    return DS_OK;
}

/* Parses text as JSON with json-c; NULL if it is not exactly one JSON value. */
static struct json_object *parse_json(const char *text)
{
    size_t len = strlen(text);
    if (!json_text_valid(text, len, 64, NULL)) return NULL;
    return json_tokener_parse(text);
}

ds_status parse_attributes(const char *text, char **out, struct ds_error *err)
{
    *out = NULL;
    if (!text || !*text) {
        *out = strdup("{}");
        return *out ? DS_OK : ds_fail(err, 500, NULL, "out of memory");
    }
    /* Kept as sent, less the whitespace between tokens (the text travels in a header): a
     * re-serialization would round big numbers and replace unpaired surrogate escapes. */
    size_t n = strlen(text);
    const char *first = text + strspn(text, " \t\r\n");
    if (!json_text_valid(text, n, 64, NULL) || *first != '{')
        return ds_fail(err, 400, "InvalidAttributes", "Attributes must be a JSON object.");
    char *compact = malloc(n + 1);
    if (!compact) return ds_fail(err, 500, NULL, "out of memory");
    size_t len = json_text_compact(text, n, compact);
    if (len >= LIMIT_ATTRIBUTES_BYTES) {
        free(compact);
        return ds_fail(err, 400, "InvalidAttributes",
                       "Attributes are %zu bytes serialized; they must be under %d.", len,
                       LIMIT_ATTRIBUTES_BYTES);
    }
    *out = compact;
    return DS_OK;
}

bool parse_integral(const char *s, size_t len, int64_t *out)
{
    char buf[64];
    while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++, len--;
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    if (len == 0 || len >= sizeof buf) return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (!errno && *end == '\0' && end != buf) {
        *out = v;
        return true;
    }
    errno = 0;
    double d = strtod(buf, &end);
    if (errno || *end || end == buf || !isfinite(d) || d != floor(d) ||
        d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        return false;
    *out = (int64_t)d;
    return true;
}

bool parse_decimal(const char *s, int64_t *out)
{
    if (!s) return false;
    const char *d = s + (*s == '-');
    if (*d < '0' || *d > '9' || (*d == '0' && d[1] != '\0') || (*s == '-' && *d == '0'))
        return false;
    uint64_t limit = *s == '-' ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
    for (; *d; d++) {
        if (*d < '0' || *d > '9') return false;
        unsigned digit = (unsigned)(*d - '0');
        if (v > (limit - digit) / 10) return false;
        v = v * 10 + digit;
    }
    *out = *s == '-' ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool parse_decimal_integral(const char *s, int64_t *out)
{
    const char *dot = s ? strchr(s, '.') : NULL;
    if (!dot) return parse_decimal(s, out);
    if (dot[1] == '\0' || dot[strspn(dot + 1, "0") + 1] != '\0') return false;
    char whole[24];
    size_t n = (size_t)(dot - s);
    if (n >= sizeof whole) return false;
    memcpy(whole, s, n);
    whole[n] = '\0';
    return parse_decimal(whole, out);
}

ds_status parse_user_ids(const char *text, char **out, struct ds_error *err)
{
    *out = NULL;
    if (!text || !*text) {
        *out = strdup("[]");
        return *out ? DS_OK : ds_fail(err, 500, NULL, "out of memory");
    }
    struct json_object *a = parse_json(text);
    if (!a || !json_object_is_type(a, json_type_array)) {
        json_object_put(a);
        return ds_fail(err, 400, "InvalidUserIds", "User ids must be a JSON array of integers.");
    }
    size_t n = json_object_array_length(a);
    if (n > LIMIT_USER_IDS) {
        json_object_put(a);
        return ds_fail(err, 400, "InvalidUserIds", "At most %d user ids are allowed, not %zu.",
                       LIMIT_USER_IDS, n);
    }
    char buf[128] = "[";
    size_t used = 1;
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(a, i);
        int64_t id;
        const char *t = json_object_get_string(v);
        /* Roblox user ids are positive integers, written as JSON numbers ("1", -1, 0 and
         * 1.5 are refused, as the v2 API refuses "users/-1"). */
        bool ok = json_object_is_type(v, json_type_int) && t && parse_decimal(t, &id) && id > 0;
        if (!ok) {
            json_object_put(a);
            return ds_fail(err, 400, "InvalidUserIds", "User id %zu is not a positive integer.",
                           i + 1);
        }
        used +=
            (size_t)snprintf(buf + used, sizeof buf - used, "%s%lld", i ? "," : "", (long long)id);
    }
    snprintf(buf + used, sizeof buf - used, "]");
    json_object_put(a);
    *out = strdup(buf);
    return *out ? DS_OK : ds_fail(err, 500, NULL, "out of memory");
}
