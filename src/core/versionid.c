/* core/versionid.c — formatting and parsing of version ids. */
#include "core/versionid.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
#define TICKS_AT_UNIX_EPOCH INT64_C(621355968000000000)

static uint64_t ticks(int64_t us)
{
    return (uint64_t)(us * 10 + TICKS_AT_UNIX_EPOCH);
}

void versionid_format(int64_t created_us, int64_t seq, int64_t version_us,
                      char out[VERSIONID_LEN + 1])
{
    char tmp[96]; /* roomier than the id, so the compiler can prove no truncation */
    uint64_t number = (uint64_t)seq % UINT64_C(10000000000);
    snprintf(tmp, sizeof tmp, "%016" PRIX64 ".%010" PRIu64 ".%016" PRIX64 ".01", ticks(created_us),
             number, ticks(version_us));
    memcpy(out, tmp, VERSIONID_LEN);
    out[VERSIONID_LEN] = '\0';
}

static bool all(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, s[i]) || s[i] == '\0') return false;
    return true;
}

bool versionid_parse(const char *id, int64_t *seq)
{
    static const char hex[] = "0123456789ABCDEFabcdef", dec[] = "0123456789";
    if (strlen(id) != VERSIONID_LEN || id[16] != '.' || id[27] != '.' || id[44] != '.' ||
        !all(id, 16, hex) || !all(id + 17, 10, dec) || !all(id + 28, 16, hex) ||
        !all(id + 45, 2, hex))
        return false;
    int64_t v = 0;
    for (int i = 17; i < 27; i++)
        v = v * 10 + (id[i] - '0');
    *seq = v;
    return true;
}
