/* metrics.c — see metrics.h. */
#include "metrics.h"

#include <string.h>
#include <time.h>

const char *const metrics_family_names[METRICS_FAMILIES] = {
    "ops", "v1", "v2", "ordered_v1", "ordered_v2", "admin", "none"};
const char *const metrics_op_names[METRICS_OPS] = {
    "none",         "get",        "set",    "update", "increment",      "remove",         "list",
    "listVersions", "getVersion", "sorted", "lock",   "listDataStores", "deleteDataStore"};
const int metrics_statuses[METRICS_STATUSES] = {200, 201, 204, 400, 401, 403, 404, 405,
                                                409, 413, 414, 415, 429, 431, 500, 501,
                                                502, 503, 504, 412, 0,   -1};
const double metrics_bucket_ms[METRICS_BUCKETS] = {0.25, 0.5, 1,   2.5,  5,    10,    25,
                                                   50,   100, 250, 1000, 2500, 10000, 0};
const char *const metrics_details[METRICS_DETAILS] = {"LockHeld",
                                                      "LockLost",
                                                      "MigrationFailed",
                                                      "SchemaTooNew",
                                                      "KeyThrottled",
                                                      "SetAsyncThrottle",
                                                      "IncreAsyncThrottle",
                                                      "UpdateAsyncThrottle",
                                                      "RemoveAsyncThrottle",
                                                      "EntryNotFound",
                                                      "DatastoreNotFound",
                                                      "VersionNotFound",
                                                      "InvalidCursor",
                                                      "ChecksumMismatch",
                                                      "ContentTooBig",
                                                      "ContentNotJson",
                                                      "InvalidEntryKey",
                                                      "InvalidDataStoreName",
                                                      "InvalidDataStoreScope",
                                                      "Forbidden",
                                                      "TestFailed",
                                                      "PreconditionFailed",
                                                      "ExistingValueNotNumeric",
                                                      "other"};
const char *const metrics_throttle_names[THROTTLED_KINDS] = {"cooldown_queued", "cooldown_rejected",
                                                             "queue_full", "budget", "throughput"};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void metrics_init(struct metrics *m)
{
    memset(m, 0, sizeof *m);
    m->started_us = now_us();
}

static void inc(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

void metrics_request(struct metrics *m, int family, int op, int status, int64_t duration_us)
{
    if (family < 0 || family >= METRICS_FAMILIES) family = METRICS_FAMILIES - 1;
    if (op < 0 || op >= METRICS_OPS) op = 0;
    int s = METRICS_STATUSES - 1;
    for (int i = 0; i < METRICS_STATUSES - 1; i++)
        if (metrics_statuses[i] == status) s = i;
    inc(&m->requests[family][op][s]);
    int b = METRICS_BUCKETS - 1;
    for (int i = 0; i < METRICS_BUCKETS - 1; i++) {
        if ((double)duration_us <= metrics_bucket_ms[i] * 1000.0) {
            b = i;
            break;
        }
    }
    inc(&m->latency[family][op][b]);
    atomic_fetch_add_explicit(&m->latency_sum_us[family][op],
                              (uint64_t)(duration_us > 0 ? duration_us : 0), memory_order_relaxed);
}

void metrics_throttled(struct metrics *m, enum metrics_throttle kind)
{
    if ((unsigned)kind < THROTTLED_KINDS) inc(&m->throttled[kind]);
}

void metrics_fault(struct metrics *m, enum fault_effect_type effect)
{
    if ((unsigned)effect <= FAULT_AFTER_COMMIT) inc(&m->faults[effect]);
}

void metrics_error_detail(struct metrics *m, const char *detail)
{
    if (!detail) return;
    int d = METRICS_DETAILS - 1;
    for (int i = 0; i < METRICS_DETAILS - 1; i++)
        if (!strcmp(metrics_details[i], detail)) d = i;
    inc(&m->error_details[d]);
}

void metrics_migration(struct metrics *m)
{
    inc(&m->migrations_applied);
}
