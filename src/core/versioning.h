/* core/versioning.h — what a write does to a key's version history: the next version number
 * and time, and whether the replaced version is kept. Roblox keeps the first write of each
 * key in each UTC hour (30 days after it is superseded); --keep-all-versions keeps all. */
#ifndef DS_CORE_VERSIONING_H
#define DS_CORE_VERSIONING_H

#include <stdbool.h>
#include <stdint.h>

struct version_prev {
    bool exists; /* the key has a current version (possibly a tombstone) */
    int64_t seq;
    int64_t version_us;
    bool hour_first;
};

struct version_step {
    int64_t seq;        /* new version number */
    int64_t version_us; /* new version time: now, but never before the previous one */
    bool hour_first;    /* first write of this key in its UTC hour */
    bool keep_previous; /* move the replaced version into history */
};

void version_step_next(const struct version_prev *prev, int64_t now_us, bool keep_all,
                       struct version_step *out);

#endif
