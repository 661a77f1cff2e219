/* store/faults.c — SQL for fault_rules and fault_state. */
#include "store/faults.h"

#include <stdlib.h>
#include <string.h>

#include "pg/query.h"

/* Bumps the generation; the statement that uses it announces the new value. */
#define BUMP                                                                                       \
    "g AS (UPDATE fault_state SET generation = generation + 1 WHERE id = 1"                        \
    " RETURNING generation)"
#define ANNOUNCE "pg_notify('datastored_faults', (SELECT generation FROM g)::text)"

const struct pg_statement faults_statements[] = {
    {"fault_insert",
     "WITH " BUMP ", r AS (INSERT INTO fault_rules (definition, created_us) VALUES ($1, $2)"
     " RETURNING id) SELECT r.id, " ANNOUNCE " FROM r"},
    {"fault_delete", "WITH " BUMP ", d AS (DELETE FROM fault_rules WHERE id = $1 RETURNING id)"
                     " SELECT (SELECT count(*) FROM d), " ANNOUNCE},
    {"fault_clear", "WITH " BUMP ", d AS (DELETE FROM fault_rules RETURNING id)"
                    " SELECT (SELECT count(*) FROM d), " ANNOUNCE},
    {"fault_seed", "WITH g AS (UPDATE fault_state SET generation = generation + 1, seed = $1,"
                   " seed_generation = generation + 1 WHERE id = 1 RETURNING generation)"
                   " SELECT " ANNOUNCE},
    /* SET expressions see the row as locked (re-read if a concurrent update won), so
     * concurrent matches on several instances each get their own number. */
    {"fault_count",
     "UPDATE fault_rules SET matched = matched + 1,"
     " fired = fired + CASE WHEN matched >= $2 AND $3 AND ($4 = 0 OR fired < $4) THEN 1 ELSE 0 END,"
     " last_fired = CASE WHEN matched >= $2 AND $3 AND ($4 = 0 OR fired < $4)"
     " THEN matched + 1 ELSE last_fired END"
     " WHERE id = $1 RETURNING last_fired = matched, $4 <> 0 AND fired >= $4"},
    {NULL, NULL},
};

static ds_status run_count(struct pg_conn *db, const char *stmt, struct pg_params *p, int64_t *out,
                           struct ds_error *err)
{
    PGresult *r = pg_run(db, stmt, p, err);
    if (!r) return DS_ERR;
    if (out) *out = PQntuples(r) ? pg_i64(r, 0, 0) : 0;
    PQclear(r);
    return DS_OK;
}

ds_status store_fault_insert(struct pg_conn *db, const char *definition, int64_t created_us,
                             int64_t *id, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_text(&p, definition);
    pgp_i64(&p, created_us);
    return run_count(db, "fault_insert", &p, id, err);
}

ds_status store_fault_delete(struct pg_conn *db, int64_t id, int64_t *deleted, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, id);
    return run_count(db, "fault_delete", &p, deleted, err);
}

ds_status store_fault_clear(struct pg_conn *db, int64_t *deleted, struct ds_error *err)
{
    return run_count(db, "fault_clear", NULL, deleted, err);
}

ds_status store_fault_set_seed(struct pg_conn *db, int64_t seed, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, seed);
    return pg_exec(db, "fault_seed", &p, err);
}

ds_status store_fault_count_match(struct pg_conn *db, int64_t id, int64_t skip, int64_t count,
                                  bool roll, bool *fire, bool *exhausted, bool *gone,
                                  struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, id);
    pgp_i64(&p, skip);
    pgp_bool(&p, roll);
    pgp_i64(&p, count);
    PGresult *r = pg_run(db, "fault_count", &p, err);
    if (!r) return DS_ERR;
    *gone = PQntuples(r) == 0;
    *fire = !*gone && pg_bool(r, 0, 0);
    *exhausted = !*gone && pg_bool(r, 0, 1);
    PQclear(r);
    return DS_OK;
}

ds_status store_faults_load(PGconn *conn, struct fault_snapshot *out, struct ds_error *err)
{
    memset(out, 0, sizeof *out);
    PGresult *r = PQexec(conn, "SELECT s.generation, s.seed, s.seed_generation, r.id,"
                               " r.definition, r.created_us, r.matched, r.fired"
                               " FROM fault_state s LEFT JOIN fault_rules r ON true"
                               " WHERE s.id = 1 ORDER BY r.id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
        ds_fail(err, 503, NULL, "cannot read fault rules: %s",
                r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
        PQclear(r);
        return DS_ERR;
    }
    out->res = r;
    out->state.generation = pg_i64(r, 0, 0);
    out->state.has_seed = !pg_null(r, 0, 1);
    out->state.seed = out->state.has_seed ? pg_i64(r, 0, 1) : 0;
    out->state.seed_generation = pg_i64(r, 0, 2);
    out->n_rules = pg_null(r, 0, 3) ? 0 : PQntuples(r);
    return DS_OK;
}

void store_fault_rule_row(const struct fault_snapshot *s, int i, struct fault_rule_row *out)
{
    const PGresult *res = s->res;
    out->id = pg_i64(res, i, 3);
    out->definition = pg_str(res, i, 4);
    out->created_us = pg_i64(res, i, 5);
    out->matched = pg_i64(res, i, 6);
    out->fired = pg_i64(res, i, 7);
}

void fault_snapshot_clear(struct fault_snapshot *s)
{
    PQclear(s->res);
    memset(s, 0, sizeof *s);
}
