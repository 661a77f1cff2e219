/* core/versionid.h — Roblox-shaped version ids:
 *   <16 hex digits>.<10 decimal digits>.<16 hex digits>.01  (e.g.
 * 08D9E6A3F2188CFF.0000000001.08D9E6A3F2188CFF.01) key creation time (.NET ticks, hex) . version
 * number (decimal) . version time (ticks, hex) Strictly increasing per key (the version number
 * grows by one per write), and equal ids compare equal as text. Also used as the v2 revisionId and
 * etag. */
#ifndef DS_CORE_VERSIONID_H
#define DS_CORE_VERSIONID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERSIONID_LEN 47 /* 16 + 1 + 10 + 1 + 16 + 1 + 2 */

void versionid_format(int64_t created_us, int64_t seq, int64_t version_us,
                      char out[VERSIONID_LEN + 1]);
/* Checks the shape and extracts the version number. */
bool versionid_parse(const char *id, int64_t *seq);

#endif
