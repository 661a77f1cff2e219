/* store/faults.h — SQL for fault_rules and fault_state. Every change bumps the generation
 * and announces it on channel datastored_faults in the same statement. */
#ifndef DS_STORE_FAULTS_H
#define DS_STORE_FAULTS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement faults_statements[];

ds_status store_fault_insert(struct pg_conn *db, const char *definition, int64_t created_us,
                             int64_t *id, struct ds_error *err) DS_MUSTCHECK;
/* *deleted: rows removed (0 or 1). */
ds_status store_fault_delete(struct pg_conn *db, int64_t id, int64_t *deleted,
                             struct ds_error *err) DS_MUSTCHECK;
ds_status store_fault_clear(struct pg_conn *db, int64_t *deleted,
                            struct ds_error *err) DS_MUSTCHECK;
ds_status store_fault_set_seed(struct pg_conn *db, int64_t seed, struct ds_error *err) DS_MUSTCHECK;

/* Counts one match of a rule with count/skip, atomically across instances: the match fires
 * when more than skip matches came before it, roll is true and fewer than count (0: no
 * limit) fired. *fire false with *exhausted when the rule has no firings left; *gone when
 * the rule no longer exists. */
ds_status store_fault_count_match(struct pg_conn *db, int64_t id, int64_t skip, int64_t count,
                                  bool roll, bool *fire, bool *exhausted, bool *gone,
                                  struct ds_error *err) DS_MUSTCHECK;

/* Everything an instance caches, read in one statement (one snapshot). */
struct fault_snapshot_state {
    int64_t generation;
    bool has_seed;
    int64_t seed;
    int64_t seed_generation;
};
struct fault_rule_row {
    int64_t id;
    const char *definition; /* borrowed from the result */
    int64_t created_us, matched, fired;
};
/* A loaded snapshot: the shared state and n_rules rules (read with store_fault_rule_row). */
struct fault_snapshot {
    struct fault_snapshot_state state;
    int n_rules;
    PGresult *res; /* what the rows borrow from; fault_snapshot_clear frees it */
};
/* On a bare connection (the listener's or a pooled one's PGconn). */
ds_status store_faults_load(PGconn *conn, struct fault_snapshot *out,
                            struct ds_error *err) DS_MUSTCHECK;
void store_fault_rule_row(const struct fault_snapshot *s, int i, struct fault_rule_row *out);
void fault_snapshot_clear(struct fault_snapshot *s);

#endif
