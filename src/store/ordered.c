/* store/ordered.c — SQL for ordered_entries. */
#include "store/ordered.h"

#include <string.h>

#include "pg/query.h"

#define KEY_MATCH "universe_id = $1 AND datastore = $2 AND scope = $3 AND key = $4"
#define INSERT_VALUES                                                                              \
    "INSERT INTO ordered_entries (universe_id, datastore, scope, key, value, updated_us)"          \
    " VALUES ($1, $2, $3, $4, $5, $6)"
#define PAGE_WHERE                                                                                 \
    " WHERE universe_id = $1 AND datastore = $2 AND scope = $3"                                    \
    "  AND value >= $4 AND value <= $5"

const struct pg_statement ordered_statements[] = {
    {"ordered_get", "SELECT value FROM ordered_entries WHERE " KEY_MATCH},
    {"ordered_create", INSERT_VALUES " ON CONFLICT DO NOTHING RETURNING value"},
    {"ordered_upsert",
     INSERT_VALUES " ON CONFLICT (universe_id, datastore, scope, key)"
                   " DO UPDATE SET value = EXCLUDED.value, updated_us = EXCLUDED.updated_us"
                   " RETURNING value"},
    {"ordered_update",
     "UPDATE ordered_entries SET value = $5, updated_us = $6 WHERE " KEY_MATCH " RETURNING value"},
    {"ordered_update_if",
     "UPDATE ordered_entries SET value = $5, updated_us = $6 WHERE " KEY_MATCH " AND value = $7"
     " RETURNING value"},
    {"ordered_increment",
     INSERT_VALUES " ON CONFLICT (universe_id, datastore, scope, key)"
                   " DO UPDATE SET value = ordered_entries.value + EXCLUDED.value,"
                   " updated_us = EXCLUDED.updated_us RETURNING value"},
    {"ordered_lock",
     "SELECT (SELECT value::bigint FROM service_state WHERE name = 'clock_virtual_us'),"
     " e.updated_us FROM (SELECT 1) one LEFT JOIN LATERAL ("
     "  SELECT updated_us FROM ordered_entries WHERE " KEY_MATCH " FOR UPDATE) e ON true"},
    {"ordered_delete", "DELETE FROM ordered_entries WHERE " KEY_MATCH " RETURNING value"},
    {"ordered_page_asc",
     "SELECT key, value FROM ordered_entries" PAGE_WHERE " AND (value, key) > ($6, $7)"
     " ORDER BY value, key LIMIT $8"},
    {"ordered_first_asc",
     "SELECT key, value FROM ordered_entries" PAGE_WHERE " ORDER BY value, key LIMIT $6"},
    {"ordered_page_desc",
     "SELECT key, value FROM ordered_entries" PAGE_WHERE " AND (value, key) < ($6, $7)"
     " ORDER BY value DESC, key DESC LIMIT $8"},
    {"ordered_first_desc",
     "SELECT key, value FROM ordered_entries" PAGE_WHERE " ORDER BY value DESC, key DESC LIMIT $6"},
    {NULL, NULL},
};

static ds_status run_single(struct pg_conn *db, const char *stmt, struct pg_params *p,
                            struct ordered_result *out, struct ds_error *err)
{
    PGresult *r = pg_run(db, stmt, p, err);
    if (!r) return DS_ERR;
    out->found = PQntuples(r) == 1;
    out->value = out->found ? pg_i64(r, 0, 0) : 0;
    PQclear(r);
    return DS_OK;
}

ds_status store_ordered_get(struct pg_conn *db, const struct entry_ref *ref,
                            struct ordered_result *out, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    return run_single(db, "ordered_get", &p, out, err);
}

static ds_status write_value(struct pg_conn *db, const char *stmt, const struct entry_ref *ref,
                             int64_t value, int64_t now_us, struct ordered_result *out,
                             struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    pgp_i64(&p, value);
    pgp_i64(&p, now_us);
    return run_single(db, stmt, &p, out, err);
}

ds_status store_ordered_create(struct pg_conn *db, const struct entry_ref *ref, int64_t value,
                               int64_t now_us, struct ordered_result *out, struct ds_error *err)
{
    return write_value(db, "ordered_create", ref, value, now_us, out, err);
}

ds_status store_ordered_set(struct pg_conn *db, const struct entry_ref *ref, int64_t value,
                            bool allow_missing, int64_t now_us, struct ordered_result *out,
                            struct ds_error *err)
{
    return write_value(db, allow_missing ? "ordered_upsert" : "ordered_update", ref, value, now_us,
                       out, err);
}

ds_status store_ordered_set_if(struct pg_conn *db, const struct entry_ref *ref, int64_t value,
                               int64_t expected, int64_t now_us, struct ordered_result *out,
                               struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    pgp_i64(&p, value);
    pgp_i64(&p, now_us);
    pgp_i64(&p, expected);
    return run_single(db, "ordered_update_if", &p, out, err);
}

ds_status store_ordered_increment(struct pg_conn *db, const struct entry_ref *ref, int64_t amount,
                                  int64_t now_us, struct ordered_result *out, struct ds_error *err)
{
    return write_value(db, "ordered_increment", ref, amount, now_us, out, err);
}

ds_status store_ordered_lock(struct pg_conn *db, const struct entry_ref *ref, bool *exists,
                             int64_t *updated_us, int64_t *clock_virtual_us, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    PGresult *r = pg_run(db, "ordered_lock", &p, err);
    if (!r) return DS_ERR;
    *clock_virtual_us = pg_i64(r, 0, 0);
    *exists = !pg_null(r, 0, 1);
    *updated_us = pg_i64(r, 0, 1);
    PQclear(r);
    return DS_OK;
}

ds_status store_ordered_delete(struct pg_conn *db, const struct entry_ref *ref,
                               struct ordered_result *out, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    return run_single(db, "ordered_delete", &p, out, err);
}

ds_status store_ordered_list(struct pg_conn *db, int64_t universe, const char *datastore,
                             const char *scope, bool descending, int64_t min, int64_t max,
                             int64_t after_value, const char *after_key, int limit,
                             ordered_row_fn fn, void *arg, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    pgp_text(&p, scope);
    pgp_i64(&p, min);
    pgp_i64(&p, max);
    const char *stmt;
    if (after_key) {
        pgp_i64(&p, after_value);
        pgp_text(&p, after_key);
        stmt = descending ? "ordered_page_desc" : "ordered_page_asc";
    } else {
        stmt = descending ? "ordered_first_desc" : "ordered_first_asc";
    }
    pgp_i64(&p, limit);
    PGresult *r = pg_run(db, stmt, &p, err);
    if (!r) return DS_ERR;
    bool more = true;
    for (int i = 0; more && i < PQntuples(r); i++) {
        struct ordered_row row = {PQgetvalue(r, i, 0), pg_i64(r, i, 1)};
        more = fn(&row, arg);
    }
    return pg_rows_done(r, more, err);
}
