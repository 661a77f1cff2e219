/* core/ordered_filter.c — see ordered_filter.h. */
#include "core/ordered_filter.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Parses one clause "entry OP N" at s (up to end); updates out. */
static ds_status parse_clause(const char *s, size_t len, bool *have_min, bool *have_max,
                              struct ordered_bounds *out, struct ds_error *err)
{
    static const char lhs[] = "entry ";
    if (len < sizeof lhs - 1 || strncmp(s, lhs, sizeof lhs - 1) != 0)
        return ds_fail(err, 400, NULL,
                       "Invalid filter: each condition must start with 'entry' followed by one "
                       "space (e.g. 'entry >= 10').");
    s += sizeof lhs - 1;
    len -= sizeof lhs - 1;
    bool ge = len >= 3 && !strncmp(s, ">= ", 3), le = len >= 3 && !strncmp(s, "<= ", 3);
    if (!ge && !le)
        return ds_fail(err, 400, NULL,
                       "Invalid filter: the operator must be '>=' or '<=' with one space on "
                       "each side.");
    s += 3;
    len -= 3;
    char num[32];
    if (len == 0 || len >= sizeof num)
        return ds_fail(err, 400, NULL, "Invalid filter: a number is missing after the operator.");
    memcpy(num, s, len);
    num[len] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(num, &end, 10);
    if (errno || *end || end == num || num[0] == '+' || num[0] == ' ')
        return ds_fail(err, 400, NULL, "Invalid filter: '%s' is not a 64-bit integer.", num);
    if (ge) {
        if (*have_min)
            return ds_fail(err, 400, NULL, "Invalid filter: at most one '>=' bound is allowed.");
        *have_min = true;
        out->min = v;
    } else {
        if (*have_max)
            return ds_fail(err, 400, NULL, "Invalid filter: at most one '<=' bound is allowed.");
        *have_max = true;
        out->max = v;
    }
    return DS_OK;
}

ds_status ordered_filter_parse(const char *filter, struct ordered_bounds *out, struct ds_error *err)
{
    out->min = INT64_MIN;
    out->max = INT64_MAX;
    if (!filter || !*filter) return DS_OK;
    bool have_min = false, have_max = false;
    const char *sep = strstr(filter, " && ");
    size_t first_len = sep ? (size_t)(sep - filter) : strlen(filter);
    if (parse_clause(filter, first_len, &have_min, &have_max, out, err) != DS_OK) return DS_ERR;
    if (!sep) return DS_OK;
    const char *second = sep + 4;
    if (strstr(second, "&&"))
        return ds_fail(err, 400, NULL, "Invalid filter: at most two conditions are allowed.");
    if (parse_clause(second, strlen(second), &have_min, &have_max, out, err) != DS_OK)
        return DS_ERR;
    if (out->min > out->max)
        return ds_fail(err, 400, NULL,
                       "Invalid filter: the '>=' bound is greater than the '<=' bound.");
    return DS_OK;
}
