/* core/clock.c — service time (real or virtual). */
#include "core/clock.h"

#include <time.h>

int64_t clock_real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

void clock_init(struct ds_clock *clock, bool is_virtual)
{
    clock->is_virtual = is_virtual;
    atomic_store(&clock->virtual_us, clock_real_us());
}

void clock_start_virtual(struct ds_clock *clock, int64_t virtual_us)
{
    if (clock->is_virtual) atomic_store(&clock->virtual_us, virtual_us);
}

bool clock_observe_virtual(struct ds_clock *clock, int64_t virtual_us)
{
    if (!clock->is_virtual) return false;
    int64_t seen = atomic_load(&clock->virtual_us);
    while (virtual_us > seen)
        if (atomic_compare_exchange_weak(&clock->virtual_us, &seen, virtual_us)) return true;
    return false;
}

int64_t clock_now_us(const struct ds_clock *clock)
{
    return clock->is_virtual ? atomic_load(&clock->virtual_us) : clock_real_us();
}

int64_t clock_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}
