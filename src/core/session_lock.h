/* core/session_lock.h — the rules of session locks: when a lock is live, and whether a write
 * carrying (or lacking) an x-lock-token may proceed. No I/O. */
#ifndef DS_CORE_SESSION_LOCK_H
#define DS_CORE_SESSION_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

struct lock_state {
    bool exists;       /* the key has a lock row */
    const char *owner; /* borrowed */
    int64_t token;
    int64_t expires_us;
    bool released;
};

bool lock_is_live(const struct lock_state *l, int64_t now_us);
/* A write may proceed when no live lock exists, or it carries the current token. Otherwise
 * 409 ABORTED with LockLost (an older token: the lock was taken over) or LockHeld. */
ds_status lock_check_write(const struct lock_state *l, int64_t now_us, bool has_token,
                           int64_t token, struct ds_error *err) DS_MUSTCHECK;

#endif
