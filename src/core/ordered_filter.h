/* core/ordered_filter.h — Roblox's ordered-list filter grammar:
 *   entry >= N | entry <= N | entry >= N && entry <= N (either order)
 * tokens separated by exactly one space, case-sensitive, at most one bound per direction,
 * N an integer. */
#ifndef DS_CORE_ORDERED_FILTER_H
#define DS_CORE_ORDERED_FILTER_H

#include <stdint.h>

#include "core/error.h"

struct ordered_bounds {
    int64_t min; /* inclusive; INT64_MIN when unbounded */
    int64_t max; /* inclusive; INT64_MAX when unbounded */
};

/* Parses filter (NULL or "" → unbounded). Errors are 400 with a message naming the problem. */
ds_status ordered_filter_parse(const char *filter, struct ordered_bounds *out,
                               struct ds_error *err) DS_MUSTCHECK;

#endif
