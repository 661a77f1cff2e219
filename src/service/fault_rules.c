/* service/fault_rules.c — see fault_rules.h. */
#include "service/fault_rules.h"

#include <json-c/json.h>

#include "service/faults.h"
#include "store/faults.h"

ds_status fault_rules_reload(struct ds_ctx *ctx, struct pg_conn *db, struct ds_error *err)
{
    return faults_reload(ctx->faults, db->conn, err);
}

ds_status fault_rules_add(struct ds_ctx *ctx, struct pg_conn *db, const struct fault_rule *rule,
                          int64_t now_us, int64_t *id, struct ds_error *err)
{
    struct json_object *def = fault_rule_to_json(rule);
    const char *text = def ? json_object_to_json_string_ext(def, JSON_C_TO_STRING_PLAIN) : NULL;
    ds_status st = text ? store_fault_insert(db, text, now_us, id, err)
                        : ds_fail(err, 500, NULL, "Out of memory.");
    json_object_put(def);
    return st == DS_OK ? fault_rules_reload(ctx, db, err) : DS_ERR;
}

ds_status fault_rules_delete(struct ds_ctx *ctx, struct pg_conn *db, int64_t id, int64_t *deleted,
                             struct ds_error *err)
{
    if (store_fault_delete(db, id, deleted, err) != DS_OK) return DS_ERR;
    return fault_rules_reload(ctx, db, err);
}

ds_status fault_rules_clear(struct ds_ctx *ctx, struct pg_conn *db, int64_t *deleted,
                            struct ds_error *err)
{
    if (store_fault_clear(db, deleted, err) != DS_OK) return DS_ERR;
    return fault_rules_reload(ctx, db, err);
}

ds_status fault_rules_seed(struct ds_ctx *ctx, struct pg_conn *db, int64_t seed,
                           struct ds_error *err)
{
    if (store_fault_set_seed(db, seed, err) != DS_OK) return DS_ERR;
    return fault_rules_reload(ctx, db, err);
}
