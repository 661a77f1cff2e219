/* store/api_keys.c — SQL for api_keys. */
#include "store/api_keys.h"

#include "pg/query.h"

const struct pg_statement api_keys_statements[] = {
    {"api_key_insert", "WITH i AS (INSERT INTO api_keys (key_hash, key_prefix, scope, created_us)"
                       " VALUES ($1, $2, $3, $4) ON CONFLICT (key_hash) DO NOTHING RETURNING id)"
                       " SELECT id, pg_notify('datastored_keys', id::text) FROM i"},
    {"api_key_delete", "WITH d AS (DELETE FROM api_keys WHERE id = $1 RETURNING id)"
                       " SELECT id, pg_notify('datastored_keys', id::text) FROM d"},
    {NULL, NULL},
};

ds_status store_api_key_insert(struct pg_conn *db, const char *hash_hex, const char *prefix,
                               const char *scope_json, int64_t created_us, int64_t *id,
                               struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_text(&p, hash_hex);
    pgp_text(&p, prefix);
    pgp_text(&p, scope_json);
    pgp_i64(&p, created_us);
    PGresult *r = pg_run(db, "api_key_insert", &p, err);
    if (!r) return DS_ERR;
    *id = PQntuples(r) ? pg_i64(r, 0, 0) : 0;
    PQclear(r);
    return DS_OK;
}

ds_status store_api_key_delete(struct pg_conn *db, int64_t id, bool *deleted, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, id);
    PGresult *r = pg_run(db, "api_key_delete", &p, err);
    if (!r) return DS_ERR;
    *deleted = PQntuples(r) > 0;
    PQclear(r);
    return DS_OK;
}

ds_status store_api_keys_each(PGconn *conn, api_key_row_fn fn, void *arg, struct ds_error *err)
{
    PGresult *r = PQexec(conn, "SELECT id, key_hash, key_prefix, scope, created_us FROM api_keys"
                               " ORDER BY id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        ds_fail(err, 503, NULL, "cannot read API keys: %s",
                r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
        PQclear(r);
        return DS_ERR;
    }
    bool more = true;
    for (int i = 0; more && i < PQntuples(r); i++) {
        struct api_key_row row = {pg_i64(r, i, 0), pg_str(r, i, 1), pg_str(r, i, 2),
                                  pg_str(r, i, 3), pg_i64(r, i, 4)};
        more = fn(&row, arg);
    }
    return pg_rows_done(r, more, err);
}
