/* core/versioning.c — see versioning.h. */
#include "core/versioning.h"

#include "core/clock.h"

static int64_t hour_of(int64_t us)
{
    return us >= 0 ? us / US_PER_HOUR : (us - US_PER_HOUR + 1) / US_PER_HOUR;
}

void version_step_next(const struct version_prev *prev, int64_t now_us, bool keep_all,
                       struct version_step *out)
{
    if (!prev->exists) {
        out->seq = 1;
        out->version_us = now_us;
        out->hour_first = true;
        out->keep_previous = false;
        return;
    }
    out->seq = prev->seq + 1;
    out->version_us = now_us > prev->version_us ? now_us : prev->version_us + 1;
    out->hour_first = hour_of(out->version_us) != hour_of(prev->version_us);
    out->keep_previous = keep_all || prev->hour_first;
}
