/* core/rfc3339.h — RFC 3339 date-times, the text form of every timestamp on the wire. */
#ifndef DS_CORE_RFC3339_H
#define DS_CORE_RFC3339_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Formats t (µs since epoch, UTC) as RFC 3339 with 7 fractional digits, e.g.
 * 2022-02-02T23:30:06.5388790Z; with utc_offset_style the zone is "+00:00". */
void rfc3339_format(int64_t t_us, bool utc_offset_style, char *buf, size_t cap);
/* Parses an RFC 3339 date-time (Z or ±hh:mm offset, optional fraction). */
bool rfc3339_parse(const char *s, int64_t *out_us);

#endif
