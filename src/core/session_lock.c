/* core/session_lock.c — see session_lock.h. */
#include "core/session_lock.h"

#include "core/clock.h"

bool lock_is_live(const struct lock_state *l, int64_t now_us)
{
    return l->exists && !l->released && l->expires_us > now_us;
}

ds_status lock_check_write(const struct lock_state *l, int64_t now_us, bool has_token,
                           int64_t token, struct ds_error *err)
{
    if (!lock_is_live(l, now_us)) return DS_OK;
    if (has_token && token == l->token) return DS_OK;
    char until[48];
    rfc3339_format(l->expires_us, false, until, sizeof until);
    if (has_token && token < l->token)
        return ds_fail(err, 409, "LockLost",
                       "Lock token %lld is no longer current: %.64s holds token %lld until %s.",
                       (long long)token, l->owner, (long long)l->token, until);
    return ds_fail(err, 409, "LockHeld",
                   "The entry is locked by %.64s until %s; writes must carry its x-lock-token.",
                   l->owner, until);
}
