/* core/json_text.c — recursive-descent JSON scanner bounded by a depth limit. */
#include "core/json_text.h"

#include <string.h>

#include "core/limits.h"

struct scan {
    const char *p, *end;
    int depth, max_depth;
    const char *why;
};

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static bool fail(struct scan *s, const char *why)
{
    if (!s->why) s->why = why;
    return false;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool scan_string(struct scan *s)
{
    s->p++; /* opening quote */
    const char *start = s->p;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            if (!utf8_valid(start, (size_t)(s->p - start)))
                return fail(s, "a string is not valid UTF-8");
            s->p++;
            return true;
        }
        if (c < 0x20) return fail(s, "a string contains an unescaped control character");
        if (c == '\\') {
            if (s->p + 1 >= s->end) break;
            char e = s->p[1];
            if (e == 'u') {
                if (s->end - s->p < 6 || !is_hex(s->p[2]) || !is_hex(s->p[3]) || !is_hex(s->p[4]) ||
                    !is_hex(s->p[5]))
                    return fail(s, "a \\u escape needs four hex digits");
                s->p += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0') return fail(s, "an invalid escape");
            s->p += 2;
            continue;
        }
        s->p++;
    }
    return fail(s, "an unterminated string");
}

static bool scan_digits(struct scan *s)
{
    const char *start = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > start;
}

static bool scan_number(struct scan *s)
{
    if (*s->p == '-') s->p++;
    if (s->p >= s->end) return fail(s, "a truncated number");
    if (*s->p == '0') {
        s->p++;
    } else if (!scan_digits(s)) {
        return fail(s, "an invalid number");
    }
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (!scan_digits(s)) return fail(s, "a number with no digits after '.'");
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-')) s->p++;
        if (!scan_digits(s)) return fail(s, "a number with an empty exponent");
    }
    return true;
}

static bool scan_literal(struct scan *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail(s, "an unexpected character");
    s->p += n;
    return true;
}

static bool scan_value(struct scan *s);

static bool scan_container(struct scan *s, char close)
{
    if (++s->depth > s->max_depth) return fail(s, "nesting is too deep");
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        s->depth--;
        return true;
    }
    for (;;) {
        skip_ws(s);
        if (close == '}') {
            if (s->p >= s->end || *s->p != '"') return fail(s, "an object key must be a string");
            if (!scan_string(s)) return false;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':') return fail(s, "a ':' is missing after a key");
            s->p++;
        }
        if (!scan_value(s)) return false;
        skip_ws(s);
        if (s->p >= s->end) return fail(s, "an unterminated object or array");
        if (*s->p == ',') {
            s->p++;
            continue;
        }
        if (*s->p == close) {
            s->p++;
            s->depth--;
            return true;
        }
        return fail(s, "a ',' or closing bracket is missing");
    }
}

static bool scan_value(struct scan *s)
{
    skip_ws(s);
    if (s->p >= s->end) return fail(s, "a value is missing");
    switch (*s->p) {
    case '{':
        return scan_container(s, '}');
    case '[':
        return scan_container(s, ']');
    case '"':
        return scan_string(s);
    case 't':
        return scan_literal(s, "true");
    case 'f':
        return scan_literal(s, "false");
    case 'n':
        return scan_literal(s, "null");
    default:
        if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) return scan_number(s);
        return fail(s, "an unexpected character");
    }
}

bool json_text_valid(const char *text, size_t len, int max_depth, const char **why)
{
    struct scan s = {text, text + len, 0, max_depth, NULL};
    bool ok = scan_value(&s);
    if (ok) {
        skip_ws(&s);
        if (s.p != s.end) ok = fail(&s, "there is text after the value");
    }
    if (why) *why = s.why;
    return ok;
}

bool json_text_member(const char *text, size_t len, const char *name, size_t *value_off,
                      size_t *value_len)
{
    struct scan s = {text, text + len, 0, LIMIT_JSON_DEPTH, NULL};
    size_t name_len = strlen(name);
    bool found = false;
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{') return false;
    s.p++;
    skip_ws(&s);
    if (s.p < s.end && *s.p == '}') return false;
    for (;;) {
        skip_ws(&s);
        if (s.p >= s.end || *s.p != '"') return false;
        const char *key = s.p + 1;
        if (!scan_string(&s)) return false;
        size_t key_len = (size_t)(s.p - 1 - key);
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ':') return false;
        s.p++;
        skip_ws(&s);
        const char *vstart = s.p;
        if (!scan_value(&s)) return false;
        if (key_len == name_len && memcmp(key, name, name_len) == 0) {
            *value_off = (size_t)(vstart - text);
            *value_len = (size_t)(s.p - vstart);
            found = true;
        }
        skip_ws(&s);
        if (s.p >= s.end) return false;
        if (*s.p == ',') {
            s.p++;
            continue;
        }
        return *s.p == '}' && found;
    }
}

/* Moves to the next item of a container whose opening bracket is open: *pos 0 → past the
 * bracket; then past a separating comma. False at the closing bracket. */
static bool next_item(struct scan *s, const char *text, size_t *pos, char open, char close)
{
    s->p = text + *pos;
    skip_ws(s);
    if (*pos == 0) {
        if (s->p >= s->end || *s->p != open) return false;
        s->p++;
        skip_ws(s);
    } else if (s->p < s->end && *s->p == ',') {
        s->p++;
        skip_ws(s);
    }
    return s->p < s->end && *s->p != close;
}

bool json_text_array_next(const char *text, size_t len, size_t *pos, size_t *off, size_t *elen)
{
    struct scan s = {text, text + len, 0, LIMIT_JSON_DEPTH, NULL};
    if (!next_item(&s, text, pos, '[', ']')) return false;
    const char *start = s.p;
    if (!scan_value(&s)) return false;
    *off = (size_t)(start - text);
    *elen = (size_t)(s.p - start);
    *pos = (size_t)(s.p - text);
    return true;
}

bool json_text_object_next(const char *text, size_t len, size_t *pos, size_t *key_off,
                           size_t *key_len, size_t *off, size_t *vlen)
{
    struct scan s = {text, text + len, 0, LIMIT_JSON_DEPTH, NULL};
    if (!next_item(&s, text, pos, '{', '}') || *s.p != '"') return false;
    const char *key = s.p + 1;
    if (!scan_string(&s)) return false;
    *key_off = (size_t)(key - text);
    *key_len = (size_t)(s.p - 1 - key);
    skip_ws(&s);
    if (s.p >= s.end || *s.p != ':') return false;
    s.p++;
    skip_ws(&s);
    const char *start = s.p;
    if (!scan_value(&s)) return false;
    *off = (size_t)(start - text);
    *vlen = (size_t)(s.p - start);
    *pos = (size_t)(s.p - text);
    return true;
}

size_t json_text_compact(const char *text, size_t len, char *out)
{
    size_t o = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            out[o++] = c;
            if (c == '\\' && i + 1 < len)
                out[o++] = text[++i];
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (c == '"') in_string = true;
        out[o++] = c;
    }
    out[o] = '\0';
    return o;
}
