/* core/rfc3339.c — RFC 3339 date-times to and from microseconds since the epoch. Pure (no
 * I/O, no state): shared by the service and the client library (libdatastore). */
#include "core/rfc3339.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define RFC3339_US_PER_SEC INT64_C(1000000)

void rfc3339_format(int64_t t_us, bool utc_offset_style, char *buf, size_t cap)
{
    int64_t secs = t_us / RFC3339_US_PER_SEC, frac = t_us % RFC3339_US_PER_SEC;
    if (frac < 0) {
        frac += RFC3339_US_PER_SEC;
        secs -= 1;
    }
    time_t tt = (time_t)secs;
    struct tm tm;
    gmtime_r(&tt, &tm);
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, cap - n, ".%06lld0%s", (long long)frac, utc_offset_style ? "+00:00" : "Z");
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool rfc3339_parse(const char *s, int64_t *out_us)
{
    int y, mo, d, h, mi, sec;
    if (strlen(s) < 19) return false;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &sec))
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
        return false;
    const char *p = s + 19;
    int64_t frac_us = 0;
    if (*p == '.') {
        p++;
        int nd = 0;
        int64_t scale = 100000;
        while (isdigit((unsigned char)*p)) {
            if (nd < 6) frac_us += (*p - '0') * scale;
            scale /= 10;
            nd++;
            p++;
        }
        if (nd == 0) return false;
    }
    int64_t offset_s = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_s = (oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
        p += 6;
    } else if (*p != '\0' || s[10] == ' ') {
        return false;
    } /* else no offset after a 'T': UTC, as Python's isoformat() of a naive time is meant */
    if (*p) return false;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_s;
    *out_us = secs * RFC3339_US_PER_SEC + frac_us;
    return true;
}
