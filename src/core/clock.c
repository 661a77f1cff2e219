/* core/clock.c — service time (real or virtual). */
#include "core/clock.h"

#include <time.h>

void clock_init(struct ds_clock *clock, bool is_virtual)
{
    clock->is_virtual = is_virtual;
    atomic_store(&clock->offset_us, 0);
}

bool clock_observe_offset(struct ds_clock *clock, int64_t offset_us)
{
    if (!clock->is_virtual) return false;
    return atomic_exchange(&clock->offset_us, offset_us) != offset_us;
}

int64_t clock_now_us(const struct ds_clock *clock)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
    return clock->is_virtual ? now + atomic_load(&clock->offset_us) : now;
}

int64_t clock_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}
