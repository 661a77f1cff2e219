/* service/fault_rules.h — the admin use cases of fault rules: each change is written to
 * PostgreSQL (which announces it to every instance) and this instance reloads before it
 * returns, so a rule is in force here when its call returns and elsewhere a moment later. */
#ifndef DS_SERVICE_FAULT_RULES_H
#define DS_SERVICE_FAULT_RULES_H

#include <stdint.h>

#include "context.h"
#include "core/error.h"
#include "core/faults.h"

/* Reloads this instance's rules from the database. */
ds_status fault_rules_reload(struct ds_ctx *ctx, struct pg_conn *db,
                             struct ds_error *err) DS_MUSTCHECK;
/* Stores a parsed rule created at now_us; *id is its id. */
ds_status fault_rules_add(struct ds_ctx *ctx, struct pg_conn *db, const struct fault_rule *rule,
                          int64_t now_us, int64_t *id, struct ds_error *err) DS_MUSTCHECK;
/* Removes rule id (*deleted 0 when there was none), or every rule. */
ds_status fault_rules_delete(struct ds_ctx *ctx, struct pg_conn *db, int64_t id, int64_t *deleted,
                             struct ds_error *err) DS_MUSTCHECK;
ds_status fault_rules_clear(struct ds_ctx *ctx, struct pg_conn *db, int64_t *deleted,
                            struct ds_error *err) DS_MUSTCHECK;
/* Sets the seed of every random choice, on every instance. */
ds_status fault_rules_seed(struct ds_ctx *ctx, struct pg_conn *db, int64_t seed,
                           struct ds_error *err) DS_MUSTCHECK;

#endif
