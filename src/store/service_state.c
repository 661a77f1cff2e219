/* store/service_state.c — SQL for service_state and schema_migrations. */
#include "store/service_state.h"

#include <stdio.h>
#include <stdlib.h>

#include "pg/query.h"

#define CLOCK_GET                                                                                  \
    "SELECT coalesce((SELECT value::bigint FROM service_state"                                     \
    " WHERE name = 'clock_virtual_us'), 0)"

const struct pg_statement service_state_statements[] = {
    {"schema_version", "SELECT coalesce(max(version), 0) FROM schema_migrations"},
    {"secret_put",
     "INSERT INTO service_state (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"},
    {"secret_get", "SELECT value FROM service_state WHERE name = $1"},
    {"clock_get", CLOCK_GET},
    {"clock_advance", /* $2: the caller's time, in case no instance has stored one */
     "WITH up AS (INSERT INTO service_state (name, value)"
     "  VALUES ('clock_virtual_us', ($2::bigint + $1::bigint)::text)"
     " ON CONFLICT (name) DO UPDATE SET value = (service_state.value::bigint + $1::bigint)::text"
     " RETURNING value) SELECT value::bigint, pg_notify('datastored_clock', value) FROM up"},
    {"clock_raise",
     "WITH up AS (INSERT INTO service_state (name, value) VALUES ('clock_virtual_us', $1::text)"
     " ON CONFLICT (name) DO UPDATE"
     " SET value = greatest(service_state.value::bigint, $1::bigint)::text"
     " RETURNING value) SELECT value::bigint, pg_notify('datastored_clock', value) FROM up"},
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
    if (pg_exec(db, "secret_put", &p, err) != DS_OK) return DS_ERR;
    pgp_init(&p);
    pgp_text(&p, name);
    PGresult *r = pg_run(db, "secret_get", &p, err);
    if (!r) return DS_ERR;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return ds_fail(err, 500, NULL, "shared secret %s missing", name);
    }
    snprintf(out, cap, "%s", pg_str(r, 0, 0));
    PQclear(r);
    return DS_OK;
}

ds_status store_clock_get(struct pg_conn *db, int64_t *virtual_us, struct ds_error *err)
{
    PGresult *r = pg_run(db, "clock_get", NULL, err);
    if (!r) return DS_ERR;
    *virtual_us = pg_i64(r, 0, 0);
    PQclear(r);
    return DS_OK;
}

ds_status store_clock_start(struct pg_conn *db, int64_t candidate_us, int64_t *virtual_us,
                            struct ds_error *err)
{
    char candidate[24], stored[64];
    snprintf(candidate, sizeof candidate, "%lld", (long long)candidate_us);
    if (store_shared_secret(db, "clock_virtual_us", candidate, stored, sizeof stored, err) != DS_OK)
        return DS_ERR;
    char *end;
    long long v = strtoll(stored, &end, 10);
    if (*end || v <= 0)
        return ds_fail(err, 500, NULL, "stored virtual clock '%s' is not a time", stored);
    *virtual_us = v;
    return DS_OK;
}

static ds_status clock_change(struct pg_conn *db, const char *stmt, int64_t arg, int64_t now_us,
                              int64_t *out, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, arg);
    if (now_us) pgp_i64(&p, now_us);
    PGresult *r = pg_run(db, stmt, &p, err);
    if (!r) return DS_ERR;
    *out = pg_i64(r, 0, 0);
    PQclear(r);
    return DS_OK;
}

ds_status store_clock_advance(struct pg_conn *db, int64_t delta_us, int64_t now_us,
                              int64_t *virtual_us, struct ds_error *err)
{
    return clock_change(db, "clock_advance", delta_us, now_us, virtual_us, err);
}

ds_status store_clock_raise(struct pg_conn *db, int64_t time_us, int64_t *virtual_us,
                            struct ds_error *err)
{
    return clock_change(db, "clock_raise", time_us, 0, virtual_us, err);
}

bool store_clock_get_conn(PGconn *conn, int64_t *virtual_us)
{
    PGresult *r = PQexec(conn, CLOCK_GET);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok) *virtual_us = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return ok;
}
