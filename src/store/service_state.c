/* store/service_state.c — SQL for service_state and schema_migrations. */
#include "store/service_state.h"

#include <stdio.h>

#include "pg/query.h"

const struct pg_statement service_state_statements[] = {
    {"schema_version", "SELECT coalesce(max(version), 0) FROM schema_migrations"},
    {"secret_put",
     "INSERT INTO service_state (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"},
    {"secret_get", "SELECT value FROM service_state WHERE name = $1"},
    {NULL, NULL},
};

ds_status store_schema_version(struct pg_conn *db, int *version, struct ds_error *err)
{
    PGresult *r = pg_run(db, "schema_version", NULL, err);
    if (!r) return DS_ERR;
    *version = (int)pg_i64(r, 0, 0);
    PQclear(r);
    return DS_OK;
}

ds_status store_shared_secret(struct pg_conn *db, const char *name, const char *candidate,
                              char *out, size_t cap, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_text(&p, name);
    pgp_text(&p, candidate);
    PGresult *r = pg_run(db, "secret_put", &p, err);
    if (!r) return DS_ERR;
    PQclear(r);
    pgp_init(&p);
    pgp_text(&p, name);
    r = pg_run(db, "secret_get", &p, err);
    if (!r) return DS_ERR;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return ds_fail(err, 500, NULL, "shared secret %s missing", name);
    }
    snprintf(out, cap, "%s", pg_str(r, 0, 0));
    PQclear(r);
    return DS_OK;
}
