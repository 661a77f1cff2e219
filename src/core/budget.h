/* core/budget.h — Roblox request budgets: the request types, their per-minute rates by
 * profile and player count, and the token bucket that enforces them (no I/O, no locking). */
#ifndef DS_CORE_BUDGET_H
#define DS_CORE_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

enum budget_type {
    BUDGET_STANDARD_READ,
    BUDGET_STANDARD_WRITE,
    BUDGET_STANDARD_LIST,
    BUDGET_STANDARD_REMOVE,
    BUDGET_ORDERED_READ,
    BUDGET_ORDERED_WRITE,
    BUDGET_ORDERED_LIST,
    BUDGET_ORDERED_REMOVE,
    BUDGET_TYPES
};

/* "StandardRead", ... (DataStoreRequestType names). */
const char *budget_type_name(enum budget_type t);
/* Roblox's throttle error name for a refused type, experience-wide or per game server,
 * e.g. "StandardReadExperienceThrottled". */
const char *budget_throttle_code(enum budget_type t, bool per_server);
/* Requests per minute: base + per_player × players, from the profile's table
 * (classic: Roblox before 2023; current: Roblox since 2023). */
double budget_rate(bool current_profile, enum budget_type t, int64_t players);

/* A token bucket holding up to one minute of budget, refilled continuously. */
struct budget_bucket {
    double tokens;
    int64_t updated_us;
    bool initialized;
};

/* Refills to now and takes one token if there is one. */
bool budget_take(struct budget_bucket *b, double rate_per_min, int64_t now_us);
/* Tokens available now (refills, takes nothing). */
double budget_available(struct budget_bucket *b, double rate_per_min, int64_t now_us);
/* Microseconds until one token is available (0 if one is). */
int64_t budget_wait_us(const struct budget_bucket *b, double rate_per_min);

#endif
