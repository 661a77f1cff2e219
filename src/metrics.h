/* metrics.h — the service's counters for GET /metrics (Prometheus text format). Every
 * counter is a relaxed atomic in fixed arrays indexed by route family, operation and status
 * slot, so recording never takes a lock and never allocates. Lives in the server context. */
#ifndef DS_METRICS_H
#define DS_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/faults.h"

#define METRICS_FAMILIES 7 /* enum route_family + 1 for unrouted requests */
#define METRICS_OPS 13     /* enum ds_op */
#define METRICS_STATUSES 22
#define METRICS_BUCKETS 14 /* latency upper bounds, the last is +Inf */
#define METRICS_DETAILS 24

enum metrics_throttle {
    THROTTLED_COOLDOWN_QUEUED,   /* a write waited for its key's cooldown window */
    THROTTLED_COOLDOWN_REJECTED, /* --throttle reject: 429 at once */
    THROTTLED_QUEUE_FULL,        /* the key's queue was full */
    THROTTLED_BUDGET,            /* request budget exhausted */
    THROTTLED_THROUGHPUT,        /* per-key throughput (current profile) */
    THROTTLED_KINDS
};

struct metrics {
    int64_t started_us; /* monotonic, for uptime */
    _Atomic uint64_t requests[METRICS_FAMILIES][METRICS_OPS][METRICS_STATUSES];
    _Atomic uint64_t latency[METRICS_FAMILIES][METRICS_OPS][METRICS_BUCKETS];
    _Atomic uint64_t latency_sum_us[METRICS_FAMILIES][METRICS_OPS];
    _Atomic uint64_t throttled[THROTTLED_KINDS];
    _Atomic uint64_t faults[FAULT_AFTER_COMMIT + 1];
    _Atomic uint64_t error_details[METRICS_DETAILS];
    _Atomic uint64_t migrations_applied;
};

extern const char *const metrics_family_names[METRICS_FAMILIES];
extern const char *const metrics_op_names[METRICS_OPS];
extern const int metrics_statuses[METRICS_STATUSES]; /* 0: no response; -1: any other */
extern const double metrics_bucket_ms[METRICS_BUCKETS];
extern const char *const metrics_details[METRICS_DETAILS]; /* last: "other" */
extern const char *const metrics_throttle_names[THROTTLED_KINDS];

void metrics_init(struct metrics *m);
/* One finished request: family/op indexes (family METRICS_FAMILIES-1 = unrouted), the HTTP
 * status sent (0 when none was), and its duration. */
void metrics_request(struct metrics *m, int family, int op, int status, int64_t duration_us);
void metrics_throttled(struct metrics *m, enum metrics_throttle kind);
void metrics_fault(struct metrics *m, enum fault_effect_type effect);
/* An error reply carrying a datastoreErrorCode (counted by name; unknown names as other). */
void metrics_error_detail(struct metrics *m, const char *detail);
void metrics_migration(struct metrics *m);

#endif
