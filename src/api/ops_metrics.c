/* api/ops_metrics.c — GET /metrics: the counters of metrics.h, the connection pool, the
 * parking lot and the fault injector in Prometheus text exposition format 0.0.4. Series
 * that never counted anything are left out. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "api/ops.h"
#include "http/park.h"
#include "http/reply.h"
#include "http/wire_guard.h"
#include "metrics.h"
#include "service/faults.h"

static void head(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static uint64_t get(_Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

static void status_label(char *buf, size_t cap, int status)
{
    if (status < 0)
        snprintf(buf, cap, "other");
    else
        snprintf(buf, cap, "%d", status);
}

static void requests(FILE *f, struct metrics *m)
{
    head(f, "datastored_requests_total", "counter",
         "Requests answered, by API family, operation and HTTP status (0: closed unanswered).");
    for (int fa = 0; fa < METRICS_FAMILIES; fa++)
        for (int op = 0; op < METRICS_OPS; op++)
            for (int s = 0; s < METRICS_STATUSES; s++) {
                uint64_t n = get(&m->requests[fa][op][s]);
                if (!n) continue;
                char st[16];
                status_label(st, sizeof st, metrics_statuses[s]);
                fprintf(f,
                        "datastored_requests_total{family=\"%s\",operation=\"%s\",status=\"%s\"} "
                        "%llu\n",
                        metrics_family_names[fa], metrics_op_names[op], st, (unsigned long long)n);
            }
    head(f, "datastored_request_duration_seconds", "histogram",
         "Time from the first byte of a request to its completion.");
    for (int fa = 0; fa < METRICS_FAMILIES; fa++)
        for (int op = 0; op < METRICS_OPS; op++) {
            uint64_t counts[METRICS_BUCKETS], total = 0;
            for (int b = 0; b < METRICS_BUCKETS; b++)
                total += counts[b] = get(&m->latency[fa][op][b]);
            if (!total) continue;
            uint64_t cumulative = 0;
            for (int b = 0; b < METRICS_BUCKETS; b++) {
                cumulative += counts[b];
                char le[32];
                if (b == METRICS_BUCKETS - 1)
                    snprintf(le, sizeof le, "+Inf");
                else
                    snprintf(le, sizeof le, "%g", metrics_bucket_ms[b] / 1000.0);
                fprintf(f,
                        "datastored_request_duration_seconds_bucket{family=\"%s\",operation=\"%s\","
                        "le=\"%s\"} %llu\n",
                        metrics_family_names[fa], metrics_op_names[op], le,
                        (unsigned long long)cumulative);
            }
            fprintf(f,
                    "datastored_request_duration_seconds_sum{family=\"%s\",operation=\"%s\"} "
                    "%.6f\n",
                    metrics_family_names[fa], metrics_op_names[op],
                    (double)get(&m->latency_sum_us[fa][op]) / 1e6);
            fprintf(f,
                    "datastored_request_duration_seconds_count{family=\"%s\",operation=\"%s\"} "
                    "%llu\n",
                    metrics_family_names[fa], metrics_op_names[op], (unsigned long long)total);
        }
}

static void rules(FILE *f, struct ds_ctx *ctx)
{
    struct metrics *m = ctx->metrics;
    head(f, "datastored_throttled_total", "counter",
         "Requests held or refused by Roblox's rules, by kind.");
    for (int k = 0; k < THROTTLED_KINDS; k++)
        fprintf(f, "datastored_throttled_total{kind=\"%s\"} %llu\n", metrics_throttle_names[k],
                (unsigned long long)get(&m->throttled[k]));
    head(f, "datastored_faults_injected_total", "counter", "Injected faults, by effect.");
    for (int e = 0; e <= FAULT_AFTER_COMMIT; e++)
        fprintf(f, "datastored_faults_injected_total{effect=\"%s\"} %llu\n",
                fault_effect_name((enum fault_effect_type)e),
                (unsigned long long)get(&m->faults[e]));
    head(f, "datastored_lock_conflicts_total", "counter",
         "Writes or lock requests refused by a session lock (LockHeld, LockLost).");
    fprintf(f, "datastored_lock_conflicts_total %llu\n",
            (unsigned long long)(get(&m->error_details[0]) + get(&m->error_details[1])));
    head(f, "datastored_error_replies_total", "counter",
         "Error replies by Roblox datastoreErrorCode.");
    for (int d = 0; d < METRICS_DETAILS; d++) {
        uint64_t n = get(&m->error_details[d]);
        if (n)
            fprintf(f, "datastored_error_replies_total{code=\"%s\"} %llu\n", metrics_details[d],
                    (unsigned long long)n);
    }
    head(f, "datastored_migrations_applied_total", "counter",
         "Values brought up their data store's _version chain and stored.");
    fprintf(f, "datastored_migrations_applied_total %llu\n",
            (unsigned long long)get(&m->migrations_applied));
    head(f, "datastored_fault_rules", "gauge", "Fault rules in force on this instance.");
    fprintf(f, "datastored_fault_rules %d\n", ctx->faults ? atomic_load(&ctx->faults->n_rules) : 0);
}

static void process(FILE *f, struct ds_ctx *ctx)
{
    head(f, "datastored_build_info", "gauge", "The running build.");
    fprintf(f, "datastored_build_info{version=\"%s\"} 1\n", DATASTORED_VERSION);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    head(f, "datastored_uptime_seconds", "gauge", "Seconds since the process started.");
    fprintf(f, "datastored_uptime_seconds %.3f\n", (double)(now - ctx->metrics->started_us) / 1e6);
    head(f, "datastored_requests_in_flight", "gauge", "Requests received and not yet complete.");
    fprintf(f, "datastored_requests_in_flight %d\n", atomic_load(&ctx->inflight));
    head(f, "datastored_requests_parked", "gauge",
         "Requests suspended without a thread (cooldown queues, lock waits, fault holds).");
    fprintf(f, "datastored_requests_parked %d\n", ctx->park ? park_waiting(ctx->park) : 0);
    struct pg_pool_stats ps;
    pg_pool_stats(&ctx->pool, &ps);
    head(f, "datastored_db_pool_connections", "gauge", "Database connections by state.");
    fprintf(f, "datastored_db_pool_connections{state=\"busy\"} %zu\n", ps.busy);
    fprintf(f, "datastored_db_pool_connections{state=\"idle\"} %zu\n", ps.size - ps.busy);
    head(f, "datastored_db_connect_failures_total", "counter", "Failed database (re)connects.");
    fprintf(f, "datastored_db_connect_failures_total %llu\n",
            (unsigned long long)ps.connect_failures);
    head(f, "datastored_db_acquire_timeouts_total", "counter",
         "Requests that found no free database connection in time (503).");
    fprintf(f, "datastored_db_acquire_timeouts_total %llu\n",
            (unsigned long long)ps.acquire_timeouts);
    head(f, "datastored_db_errors_total", "counter", "Statements that failed in the database.");
    fprintf(f, "datastored_db_errors_total %llu\n", (unsigned long long)ps.query_errors);
    if (!ctx->wire) return;
    head(f, "datastored_http_refused_total", "counter",
         "Requests refused on the wire for their framing (answered with one error and closed).");
    fprintf(f, "datastored_http_refused_total %llu\n",
            (unsigned long long)wire_guard_refusals(ctx->wire));
    head(f, "datastored_http_evicted_total", "counter",
         "Idle or slow connections closed to make room at --max-connections.");
    fprintf(f, "datastored_http_evicted_total %llu\n",
            (unsigned long long)wire_guard_evictions(ctx->wire));
}

void ops_metrics(struct ds_request *req)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    process(f, req->ctx);
    requests(f, req->ctx->metrics);
    rules(f, req->ctx);
    if (fclose(f) != 0 || !text) {
        free(text);
        reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    reply_raw(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
}
