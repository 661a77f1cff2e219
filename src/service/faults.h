/* service/faults.h — the fault injector of one instance: the rules of PostgreSQL cached in
 * memory (reloaded when NOTIFY datastored_faults announces a change, and by the instance
 * that made it before it answers), the seed, and the decision for one request.
 *
 * Order: rules are tried in creation order and the first that matches and fires decides.
 * A rule that matches but does not fire (its probability roll fails, it is still skipping,
 * its count is used up) lets the next rule try, so a 10% after_commit rule followed by a
 * 20% error rule gives both kinds of failure (28% in all).
 *
 * Cost: with no rules a request pays one atomic load; otherwise a short mutex to take a
 * reference on the current rule set, then matching in memory. Only a request that matches
 * a rule with count or skip makes a database round trip (one UPDATE that numbers the match
 * atomically, so count and skip hold exactly across instances). Probability and jitter use
 * per-rule draw counters kept in memory (see core/faults.h); reseeding resets them.
 *
 * Thread safety: every function may be called from any thread. */
#ifndef DS_SERVICE_FAULTS_H
#define DS_SERVICE_FAULTS_H

#include <json-c/json.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/faults.h"
#include "pg/pool.h"
#include "service/fault_events.h"

struct fault_set;

struct fault_injector {
    const struct ds_clock *clock; /* borrowed */
    struct pg_pool *pool;         /* borrowed: counted matches */
    pthread_mutex_t mu;           /* guards set, seed_generation and reloads' ordering */
    struct fault_set *set;        /* current rules; readers hold a reference */
    _Atomic int n_rules;          /* fast path: 0 means nothing to match */
    _Atomic uint64_t seed;
    int64_t seed_generation; /* last seed change adopted (from fault_state) */
    bool loaded;
    struct fault_events events;
};

/* A fault that fired for one request. */
struct fault_fired {
    int64_t rule_id;
    struct fault_effect effect;
    int64_t delay_ms; /* latency/timeout: the hold for this request */
};

ds_status faults_init(struct fault_injector *fi, const struct ds_clock *clock, struct pg_pool *pool,
                      uint64_t seed) DS_MUSTCHECK;
void faults_destroy(struct fault_injector *fi);

/* Re-reads rules and seed from the database (conn: any connection). An older snapshot than
 * the one cached is ignored. The first load does not adopt the stored seed (the start-up
 * seed wins); later loads adopt a seed set since. */
ds_status faults_reload(struct fault_injector *fi, PGconn *conn, struct ds_error *err) DS_MUSTCHECK;

/* Decides whether a fault fires for the request; fills *out and records the event if so.
 * method/path describe the request for the event log. */
bool faults_decide(struct fault_injector *fi, const struct fault_request *req, const char *method,
                   const char *path, struct fault_fired *out);

uint64_t faults_seed(struct fault_injector *fi);

/* The cached rules (call faults_reload first for fresh counters): each rule's definition
 * plus id, createTime, matched, fired and active. id == 0: {"seed","faults":[…]} in
 * evaluation order; id > 0: that rule alone (*found false when there is none). NULL on OOM. */
struct json_object *faults_view(struct fault_injector *fi, int64_t id, bool *found);

#endif
