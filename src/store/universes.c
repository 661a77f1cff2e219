/* store/universes.c — SQL listing the universes that hold data and their ordered data stores
 * (ordered data stores have no table of their own: they exist while they have entries). */
#include "store/universes.h"

#include "pg/query.h"

const struct pg_statement universes_statements[] = {
    /* Multi-shard on Citus on purpose (tests/unit/test_citus_rules.c): it spans universes. */
    {"universes_list", "SELECT u, sum(stores)::bigint, sum(ordered)::bigint FROM ("
                       " SELECT universe_id AS u, count(*) AS stores, 0 AS ordered FROM datastores"
                       "  WHERE deleted_us IS NULL AND universe_id > $1 GROUP BY universe_id"
                       " UNION ALL"
                       " SELECT universe_id, 0, count(DISTINCT datastore) FROM ordered_entries"
                       "  WHERE universe_id > $1 GROUP BY universe_id) x"
                       " GROUP BY u ORDER BY u LIMIT $2"},
    {"ordered_stores_list", "SELECT datastore, count(*) FROM ordered_entries WHERE universe_id = $1"
                            " GROUP BY datastore ORDER BY datastore"},
    {NULL, NULL},
};

ds_status store_universes_list(struct pg_conn *db, int64_t after_id, int limit, universe_row_fn fn,
                               void *arg, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, after_id);
    pgp_i64(&p, limit);
    PGresult *r = pg_run(db, "universes_list", &p, err);
    if (!r) return DS_ERR;
    for (int i = 0; i < PQntuples(r); i++) {
        struct universe_row row = {pg_i64(r, i, 0), pg_i64(r, i, 1), pg_i64(r, i, 2)};
        fn(&row, arg);
    }
    PQclear(r);
    return DS_OK;
}

ds_status store_ordered_stores_list(struct pg_conn *db, int64_t universe, ordered_store_row_fn fn,
                                    void *arg, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    PGresult *r = pg_run(db, "ordered_stores_list", &p, err);
    if (!r) return DS_ERR;
    for (int i = 0; i < PQntuples(r); i++) {
        struct ordered_store_row row = {pg_str(r, i, 0), pg_i64(r, i, 1)};
        fn(&row, arg);
    }
    PQclear(r);
    return DS_OK;
}
