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

PGresult *store_api_keys_load(PGconn *conn, struct ds_error *err)
{
    PGresult *r = PQexec(conn, "SELECT id, key_hash, key_prefix, scope, created_us FROM api_keys"
                               " ORDER BY id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        ds_fail(err, 503, NULL, "cannot read API keys: %s",
                r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
        PQclear(r);
        return NULL;
    }
    return r;
}

void store_api_key_row(const PGresult *res, int i, struct api_key_row *out)
{
    out->id = pg_i64(res, i, 0);
    out->hash_hex = pg_str(res, i, 1);
    out->prefix = pg_str(res, i, 2);
    out->scope = pg_str(res, i, 3);
    out->created_us = pg_i64(res, i, 4);
}
