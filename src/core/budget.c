/* core/budget.c — see budget.h. Rates from ROBLOX_FACTS.md section 4.3. */
#include "core/budget.h"

static const char *const names[BUDGET_TYPES] = {
    "StandardRead", "StandardWrite", "StandardList", "StandardRemove",
    "OrderedRead",  "OrderedWrite",  "OrderedList",  "OrderedRemove",
};

/* {base, per player} per minute. */
static const double classic_rates[BUDGET_TYPES][2] = {
    {60, 10}, {60, 10}, {5, 2}, {60, 10}, {60, 10}, {60, 10}, {5, 2}, {60, 10},
};
static const double current_rates[BUDGET_TYPES][2] = {
    {60, 40}, {60, 40}, {5, 2}, {60, 40}, {60, 40}, {30, 5}, {5, 2}, {30, 5},
};

const char *budget_type_name(enum budget_type t)
{
    return t < BUDGET_TYPES ? names[t] : "Unknown";
}

double budget_rate(bool current_profile, enum budget_type t, int64_t players)
{
    const double(*table)[2] = current_profile ? current_rates : classic_rates;
    return table[t][0] + table[t][1] * (double)(players > 0 ? players : 0);
}

static void refill(struct budget_bucket *b, double rate, int64_t now_us)
{
    if (!b->initialized) {
        b->tokens = rate;
        b->updated_us = now_us;
        b->initialized = true;
        return;
    }
    if (now_us > b->updated_us) {
        b->tokens += rate * (double)(now_us - b->updated_us) / 60e6;
        b->updated_us = now_us;
    }
    if (b->tokens > rate) b->tokens = rate;
}

bool budget_take(struct budget_bucket *b, double rate, int64_t now_us)
{
    refill(b, rate, now_us);
    if (b->tokens < 1.0) return false;
    b->tokens -= 1.0;
    return true;
}

double budget_available(struct budget_bucket *b, double rate, int64_t now_us)
{
    refill(b, rate, now_us);
    return b->tokens;
}

int64_t budget_wait_us(const struct budget_bucket *b, double rate)
{
    if (b->tokens >= 1.0 || rate <= 0) return 0;
    return (int64_t)((1.0 - b->tokens) * 60e6 / rate) + 1;
}

static const char *const experience_throttled[BUDGET_TYPES] = {
    "StandardReadExperienceThrottled", "StandardWriteExperienceThrottled",
    "StandardListExperienceThrottled", "StandardRemoveExperienceThrottled",
    "OrderedReadExperienceThrottled",  "OrderedWriteExperienceThrottled",
    "OrderedListExperienceThrottled",  "OrderedRemoveExperienceThrottled",
};
static const char *const server_throttled[BUDGET_TYPES] = {
    "StandardReadGameServerThrottled", "StandardWriteGameServerThrottled",
    "StandardListGameServerThrottled", "StandardRemoveGameServerThrottled",
    "OrderedReadGameServerThrottled",  "OrderedWriteGameServerThrottled",
    "OrderedListGameServerThrottled",  "OrderedRemoveGameServerThrottled",
};

const char *budget_throttle_code(enum budget_type t, bool per_server)
{
    if ((unsigned)t >= BUDGET_TYPES) return "";
    return per_server ? server_throttled[t] : experience_throttled[t];
}
