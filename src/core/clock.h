/* core/clock.h — the service clock: the single source of "now" for every timestamp and
 * time-based rule. Real mode follows the system clock; virtual mode stands still and moves
 * only when told to (its time is shared through PostgreSQL by the caller). */
#ifndef DS_CORE_CLOCK_H
#define DS_CORE_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rfc3339.h" /* the clock's text form */

struct ds_clock {
    bool is_virtual;            /* set once at start */
    _Atomic int64_t virtual_us; /* virtual mode: the time, until it is moved */
};

/* A virtual clock starts at the real time until clock_observe_virtual adopts the shared one. */
void clock_init(struct ds_clock *clock, bool is_virtual);
/* Sets a virtual clock to the shared time at start-up, earlier than its placeholder or not. */
void clock_start_virtual(struct ds_clock *clock, int64_t virtual_us);
/* Adopts the shared virtual time if it is later than ours (no-op in real mode; a stale
 * reading never moves the clock back). Returns true if the clock moved. */
bool clock_observe_virtual(struct ds_clock *clock, int64_t virtual_us);
/* Microseconds since the Unix epoch on the service clock. Thread-safe. */
int64_t clock_now_us(const struct ds_clock *clock);
/* Microseconds since the Unix epoch on the system clock, whatever the service clock says. */
int64_t clock_real_us(void);
/* Microseconds on the system's monotonic clock: for durations actually waited, never for
 * anything the service clock decides. */
int64_t clock_monotonic_us(void);

#define US_PER_SEC INT64_C(1000000)
#define US_PER_HOUR (INT64_C(3600) * US_PER_SEC)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

#endif
