/* service/budgets.h — request budgets per universe (and per game server when a request
 * carries x-server-id), kept in memory per instance: checking costs no database round trip.
 * Sharing rule: each instance enforces the full budget for the requests it serves, so with
 * N instances a universe can spend up to N budgets; send a universe's traffic to one
 * instance when testing budgets. Thread-safe: buckets are spread over striped locks. */
#ifndef DS_SERVICE_BUDGETS_H
#define DS_SERVICE_BUDGETS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/budget.h"
#include "core/clock.h"

#define BUDGET_STRIPES 64

struct budget_node;

struct budgets {
    bool current_profile;
    const struct ds_clock *clock; /* borrowed */
    struct {
        pthread_mutex_t mu;
        struct budget_node *head; /* buckets and player counts hashed to this stripe */
    } stripes[BUDGET_STRIPES];
};

/* What a check reports for the response headers and a refusal. */
struct budget_verdict {
    bool allowed;
    enum budget_type type; /* the type checked (the refused one when !allowed) */
    bool per_server;       /* the refusal came from the x-server-id budget */
    double limit_per_min;
    double remaining;
    int64_t retry_after_us; /* when refused */
    int64_t reset_us;       /* until the bucket is full again */
};

void budgets_init(struct budgets *b, bool current_profile, const struct ds_clock *clock);
void budgets_destroy(struct budgets *b);
/* Takes one request of each type (1 or 2: UpdateAsync costs read and write) from the
 * universe's budget and, when server_id is non-NULL, the server's; all or nothing. */
void budgets_check(struct budgets *b, int64_t universe, const char *server_id,
                   const enum budget_type *types, int n_types, struct budget_verdict *out);
void budgets_set_players(struct budgets *b, int64_t universe, int64_t players);
/* Remaining budget of every type for the universe, into remaining[BUDGET_TYPES]. */
void budgets_remaining(struct budgets *b, int64_t universe, double *remaining);

#endif
