/* store/datastores.c — SQL for the datastores table. */
#include "store/datastores.h"

#include <stdio.h>

#include "pg/query.h"

const struct pg_statement datastores_statements[] = {
    {"datastores_list", "SELECT name, created_us, deleted_us FROM datastores"
                        " WHERE universe_id = $1 AND starts_with(name, $2) AND name > $3"
                        "  AND ($4::boolean OR deleted_us IS NULL)"
                        " ORDER BY name LIMIT $5"},
    {"datastore_delete",
     "UPDATE datastores SET deleted_us = coalesce(deleted_us, $3)"
     " WHERE universe_id = $1 AND name = $2 RETURNING name, created_us, deleted_us"},
    {"datastore_undelete",
     "UPDATE datastores SET deleted_us = NULL"
     " WHERE universe_id = $1 AND name = $2 RETURNING name, created_us, deleted_us"},
    /* State, the head of the _version chain in force (the universe's own, else the default
     * chain of universe 0), and whether any key has a lock row. */
    {"datastore_meta",
     "SELECT d.name IS NOT NULL, d.deleted_us IS NOT NULL,"
     " (SELECT coalesce(max(step), 0) FROM datastore_migrations WHERE universe_id ="
     "  (CASE WHEN EXISTS (SELECT 1 FROM datastore_migrations WHERE universe_id = $1"
     "   AND datastore = $2) THEN $1 ELSE 0 END) AND datastore = $2),"
     " EXISTS (SELECT 1 FROM entry_locks WHERE universe_id = $1 AND datastore = $2)"
     " FROM (SELECT 1) one LEFT JOIN datastores d ON d.universe_id = $1 AND d.name = $2"},
    /* Its own statement, touching no table: on Citus a pg_notify inside a statement on a
     * distributed table would run on the worker, where no instance listens. */
    {"announce", "SELECT pg_notify($1, $2)"},
    {"datastore_state",
     "SELECT deleted_us IS NOT NULL FROM datastores WHERE universe_id = $1 AND name = $2"},
    {NULL, NULL},
};

static struct datastore_row row_at(const PGresult *r, int i)
{
    return (struct datastore_row){PQgetvalue(r, i, 0), pg_i64(r, i, 1), !pg_null(r, i, 2),
                                  pg_i64(r, i, 2)};
}

ds_status store_datastores_list(struct pg_conn *db, int64_t universe, const char *prefix,
                                const char *after_name, bool include_deleted, int limit,
                                datastore_row_fn fn, void *arg, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, prefix ? prefix : "");
    pgp_text(&p, after_name ? after_name : "");
    pgp_bool(&p, include_deleted);
    pgp_i64(&p, limit);
    PGresult *r = pg_run(db, "datastores_list", &p, err);
    if (!r) return DS_ERR;
    bool more = true;
    for (int i = 0; more && i < PQntuples(r); i++) {
        struct datastore_row row = row_at(r, i);
        more = fn(&row, arg);
    }
    return pg_rows_done(r, more, err);
}

ds_status store_datastore_set_deleted(struct pg_conn *db, int64_t universe, const char *name,
                                      int64_t now_us, bool *found, struct datastore_row *out,
                                      struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, name);
    if (now_us >= 0) pgp_i64(&p, now_us);
    /* The change and its announcement in one transaction. */
    if (pg_command(db, "BEGIN", err) != DS_OK) return DS_ERR;
    PGresult *r = pg_run(db, now_us >= 0 ? "datastore_delete" : "datastore_undelete", &p, err);
    ds_status st = r ? DS_OK : DS_ERR;
    *found = r && PQntuples(r) == 1;
    if (*found) {
        *out = row_at(r, 0);
        out->name = name;
        st = store_meta_announce(db, universe, name, err);
    }
    PQclear(r);
    if (st == DS_OK) return pg_command(db, "COMMIT", err);
    pg_rollback(db);
    return DS_ERR;
}

ds_status store_datastore_state(struct pg_conn *db, int64_t universe, const char *name,
                                enum store_state *state, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, name);
    PGresult *r = pg_run(db, "datastore_state", &p, err);
    if (!r) return DS_ERR;
    *state = PQntuples(r) == 0 ? STORE_ABSENT : pg_bool(r, 0, 0) ? STORE_DELETED : STORE_ACTIVE;
    PQclear(r);
    return DS_OK;
}

ds_status store_datastore_meta(struct pg_conn *db, int64_t universe, const char *name,
                               enum store_state *state, int *schema_latest, bool *has_locks,
                               struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, name);
    PGresult *r = pg_run(db, "datastore_meta", &p, err);
    if (!r) return DS_ERR;
    *state = !pg_bool(r, 0, 0) ? STORE_ABSENT : pg_bool(r, 0, 1) ? STORE_DELETED : STORE_ACTIVE;
    *schema_latest = (int)pg_i64(r, 0, 2);
    *has_locks = pg_bool(r, 0, 3);
    PQclear(r);
    return DS_OK;
}

ds_status store_announce(struct pg_conn *db, const char *channel, const char *payload,
                         struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_text(&p, channel);
    pgp_text(&p, payload);
    return pg_exec(db, "announce", &p, err);
}

ds_status store_meta_announce(struct pg_conn *db, int64_t universe, const char *datastore,
                              struct ds_error *err)
{
    char payload[128];
    if (universe < 0)
        snprintf(payload, sizeof payload, "*");
    else
        snprintf(payload, sizeof payload, "%lld/%s", (long long)universe,
                 datastore ? datastore : "");
    return store_announce(db, META_CHANNEL, payload, err);
}
