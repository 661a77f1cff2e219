/* client_paths.c — how libdatastore addresses things: Open Cloud paths for a store and key
 * (v1 query form, v2 path form), argument checks before anything is sent, and the RFC 3339
 * times of the wire as milliseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client_internal.h"

#define NAME_MAX_BYTES 50 /* data store names, scopes and keys (Roblox) */

static const char *scope_of(const struct dsc_store *s)
{
    return s->scope && s->scope[0] ? s->scope : "global";
}

bool dsc_v1_entry_path(struct dsc_buf *b, const struct dsc_store *s, const char *suffix,
                       const char *key)
{
    dsc_buf_printf(b, "/datastores/v1/universes/%lld/standard-datastores/datastore/entries%s",
                   (long long)s->universe, suffix);
    dsc_buf_puts(b, "?datastoreName=");
    dsc_buf_escaped(b, s->datastore);
    if (key) {
        dsc_buf_puts(b, "&entryKey=");
        dsc_buf_escaped(b, key);
    }
    dsc_buf_puts(b, "&scope=");
    return dsc_buf_escaped(b, scope_of(s));
}

bool dsc_v2_entry_path(struct dsc_buf *b, const char *family, const struct dsc_store *s,
                       const char *key)
{
    dsc_buf_printf(b, "/cloud/v2/universes/%lld/%s/", (long long)s->universe, family);
    dsc_buf_escaped(b, s->datastore);
    dsc_buf_puts(b, "/scopes/");
    dsc_buf_escaped(b, scope_of(s));
    dsc_buf_puts(b, "/entries");
    if (key) {
        dsc_buf_puts(b, "/");
        dsc_buf_escaped(b, key);
    }
    return !b->failed;
}

bool dsc_check_target(dsc_client *c, const struct dsc_store *s, const char *key)
{
    const char *problem = NULL;
    if (!s || !s->datastore || !s->datastore[0] || strlen(s->datastore) > NAME_MAX_BYTES)
        problem = "the data store name must be 1-50 bytes";
    else if (s->universe <= 0)
        problem = "the universe id must be positive";
    else if (s->scope && strlen(s->scope) > NAME_MAX_BYTES)
        problem = "the scope must be at most 50 bytes";
    else if (key && (!key[0] || strlen(key) > NAME_MAX_BYTES))
        problem = "the key must be 1-50 bytes";
    if (!problem) return true;
    dsc_fail(c, DSC_ERR_INVALID, "%s", problem);
    return false;
}

static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9') return false;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return true;
}

bool dsc_parse_time_ms(const char *text, int64_t *ms)
{
    if (!text) return false;
    const char *p = text;
    int year, mon, day, hour, min, sec;
    if (!digits(&p, 4, &year) || *p++ != '-' || !digits(&p, 2, &mon) || *p++ != '-' ||
        !digits(&p, 2, &day) || (*p != 'T' && *p != 't' && *p != ' '))
        return false;
    p++;
    if (!digits(&p, 2, &hour) || *p++ != ':' || !digits(&p, 2, &min) || *p++ != ':' ||
        !digits(&p, 2, &sec))
        return false;
    int64_t frac_ms = 0;
    if (*p == '.') {
        p++;
        int scale = 100, n = 0;
        for (; *p >= '0' && *p <= '9'; p++, n++) {
            frac_ms += (*p - '0') * scale;
            scale /= 10;
        }
        if (n == 0) return false;
    }
    int offset_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om)) return false;
        offset_min = sign * (oh * 60 + om);
    } else {
        return false;
    }
    if (*p || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return false;
    struct tm tm = {.tm_year = year - 1900,
                    .tm_mon = mon - 1,
                    .tm_mday = day,
                    .tm_hour = hour,
                    .tm_min = min,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    *ms = ((int64_t)t - (int64_t)offset_min * 60) * 1000 + frac_ms;
    return true;
}

void dsc_format_time_ms(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    int rest = (int)(ms % 1000);
    if (rest < 0) {
        rest += 1000;
        t -= 1;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rest);
}
