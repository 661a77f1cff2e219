/* core/clock.h — the service clock: the single source of "now" for every timestamp and
 * time-based rule. Real mode follows the system clock; virtual mode adds an offset that
 * only moves when told to (the offset is shared through PostgreSQL by the caller). */
#ifndef DS_CORE_CLOCK_H
#define DS_CORE_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rfc3339.h" /* the clock's text form */

struct ds_clock {
    bool is_virtual;           /* set once at start */
    _Atomic int64_t offset_us; /* virtual mode: added to the real time */
};

void clock_init(struct ds_clock *clock, bool is_virtual);
/* Adopts the shared virtual offset (no-op in real mode). Returns true if it changed. */
bool clock_observe_offset(struct ds_clock *clock, int64_t offset_us);
/* Microseconds since the Unix epoch on the service clock. Thread-safe. */
int64_t clock_now_us(const struct ds_clock *clock);
/* Microseconds on the system's monotonic clock: for durations actually waited, never for
 * anything the service clock decides. */
int64_t clock_monotonic_us(void);

#define US_PER_SEC INT64_C(1000000)
#define US_PER_HOUR (INT64_C(3600) * US_PER_SEC)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

#endif
