/* core/json_doc.c — a single-pass parser from JSON text to json-c values that keep their
 * source text (json-c's own "userdata serializer", which also survives json-c's deep copy).
 * Scalars always keep it; containers keep it while a per-document budget of 4 × the text's
 * size lasts (nested containers would otherwise store their text once per level), and are
 * written by json-c, member by member, once the budget is spent or they are touched. */
#include "core/json_doc.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_text.h"
#include "core/limits.h"

struct parser {
    const char *t;     /* the text (already validated) */
    size_t n, p;       /* its length; the read position */
    size_t raw_budget; /* container source bytes still allowed to be kept */
    struct ds_error *err;
};

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->n && strchr(" \t\r\n", ps->t[ps->p]) && ps->t[ps->p] != '\0')
        ps->p++;
}

/* Keeps text[off..off+len) as o's serialization. */
static bool keep_source(struct json_object *o, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy) return false;
    memcpy(copy, text, len);
    copy[len] = '\0';
    json_object_set_serializer(o, json_object_userdata_to_json_string, copy,
                               json_object_free_userdata);
    return true;
}

static unsigned hex4(const char *s)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) { /* an unpaired surrogate lands here too (WTF-8), for comparisons */
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the string whose opening quote is at ps->p (valid JSON) into a new buffer; sets
 * *unsafe_key if it holds NUL or an unpaired surrogate (not usable as a json-c key). */
static char *decode_string(struct parser *ps, size_t *out_len, bool *unsafe_key)
{
    size_t start = ++ps->p, end = start;
    while (ps->t[end] != '"')
        end += ps->t[end] == '\\' ? 2 : 1;
    char *out = malloc(end - start + 1); /* decoding never grows the text */
    if (!out) return NULL;
    size_t o = 0;
    *unsafe_key = false;
    for (size_t i = start; i < end;) {
        char c = ps->t[i];
        if (c != '\\') {
            out[o++] = c;
            i++;
            continue;
        }
        char e = ps->t[i + 1];
        i += 2;
        if (e != 'u') {
            out[o++] = e == 'b'   ? '\b'
                       : e == 'f' ? '\f'
                       : e == 'n' ? '\n'
                       : e == 'r' ? '\r'
                       : e == 't' ? '\t'
                                  : e;
            continue;
        }
        unsigned cp = hex4(ps->t + i);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= end && ps->t[i] == '\\' &&
            ps->t[i + 1] == 'u') {
            unsigned lo = hex4(ps->t + i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) *unsafe_key = true;
        o += put_utf8(out + o, cp);
    }
    out[o] = '\0';
    *out_len = o;
    ps->p = end + 1;
    return out;
}

static ds_status oom(struct parser *ps)
{
    return ds_fail(ps->err, 500, NULL, "out of memory");
}

static ds_status parse_value(struct parser *ps, struct json_object **out);

static ds_status parse_number(struct parser *ps, struct json_object **out)
{
    size_t start = ps->p;
    bool integral = true;
    while (ps->p < ps->n && strchr("+-0123456789.eE", ps->t[ps->p]) && ps->t[ps->p] != '\0') {
        if (strchr(".eE", ps->t[ps->p])) integral = false;
        ps->p++;
    }
    size_t len = ps->p - start;
    char small[64], *num = len < sizeof small ? small : malloc(len + 1);
    if (!num) return oom(ps);
    memcpy(num, ps->t + start, len);
    num[len] = '\0';
    errno = 0;
    long long i = integral ? strtoll(num, NULL, 10) : 0;
    bool as_int = integral && errno != ERANGE;
    /* A number's value is what Luau would hold: an integer if it fits in 64 bits, else the
     * nearest double. Its text is kept either way, so nothing rounds on the way back. */
    *out = as_int ? json_object_new_int64(i) : json_object_new_double(strtod(num, NULL));
    bool ok = *out && keep_source(*out, num, len);
    if (num != small) free(num);
    return ok ? DS_OK : oom(ps);
}

static ds_status parse_container(struct parser *ps, struct json_object **out)
{
    size_t start = ps->p;
    bool object = ps->t[ps->p] == '{';
    char close = object ? '}' : ']';
    struct json_object *c = object ? json_object_new_object() : json_object_new_array();
    if (!c) return oom(ps);
    ps->p++;
    skip_ws(ps);
    while (ps->t[ps->p] != close) {
        char *key = NULL;
        if (object) {
            size_t klen;
            bool unsafe;
            key = decode_string(ps, &klen, &unsafe);
            if (!key) goto fail_oom;
            if (unsafe) {
                free(key);
                json_object_put(c);
                return ds_fail(ps->err, 400, NULL,
                               "A member name holds \\u0000 or an unpaired surrogate escape; "
                               "such a document can be stored and read, but not rewritten.");
            }
            skip_ws(ps);
            ps->p++; /* ':' */
            skip_ws(ps);
        }
        struct json_object *v = NULL;
        if (parse_value(ps, &v) != DS_OK) {
            free(key);
            json_object_put(c);
            return DS_ERR;
        }
        int rc = object ? json_object_object_add(c, key, v) : json_object_array_add(c, v);
        free(key);
        if (rc != 0) {
            json_object_put(v);
            goto fail_oom;
        }
        skip_ws(ps);
        if (ps->t[ps->p] == ',') ps->p++;
        skip_ws(ps);
    }
    ps->p++;
    size_t len = ps->p - start;
    if (len <= ps->raw_budget) {
        ps->raw_budget -= len;
        if (!keep_source(c, ps->t + start, len)) goto fail_oom;
    }
    *out = c;
    return DS_OK;
fail_oom:
    json_object_put(c);
    return oom(ps);
}

static ds_status parse_value(struct parser *ps, struct json_object **out)
{
    skip_ws(ps);
    char c = ps->t[ps->p];
    *out = NULL;
    if (c == '{' || c == '[') return parse_container(ps, out);
    if (c == '"') {
        size_t start = ps->p, len;
        bool unsafe;
        char *s = decode_string(ps, &len, &unsafe);
        if (!s) return oom(ps);
        *out = json_object_new_string_len(s, (int)len);
        free(s);
        if (!*out || !keep_source(*out, ps->t + start, ps->p - start)) return oom(ps);
        return DS_OK;
    }
    if (c == 't' || c == 'f') {
        ps->p += c == 't' ? 4 : 5;
        *out = json_object_new_boolean(c == 't');
        return *out ? DS_OK : oom(ps);
    }
    if (c == 'n') {
        ps->p += 4;
        return DS_OK;
    }
    return parse_number(ps, out);
}

ds_status json_doc_parse(const char *text, size_t len, struct json_object **out,
                         struct ds_error *err)
{
    *out = NULL;
    const char *why = NULL;
    if (len > INT_MAX || !json_text_valid(text, len, LIMIT_JSON_DEPTH, &why))
        return ds_fail(err, 400, NULL, "The JSON is not valid: %s.", why ? why : "too large");
    struct parser ps = {text, len, 0, 4 * len, err};
    return parse_value(&ps, out);
}

void json_doc_touch(struct json_object *o)
{
    if (json_object_is_type(o, json_type_object) || json_object_is_type(o, json_type_array))
        json_object_set_serializer(o, NULL, NULL, NULL);
}

struct json_object *json_doc_copy(struct json_object *src)
{
    struct json_object *dst = NULL;
    if (src && json_object_deep_copy(src, &dst, NULL) != 0) return NULL;
    return dst;
}

const char *json_doc_text(struct json_object *doc, size_t *len)
{
    if (!doc) {
        *len = 4;
        return "null";
    }
    return json_object_to_json_string_length(
        doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
}
