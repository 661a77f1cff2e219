/* store/entries.c — SQL for entries and entry_versions. The current version lives in
 * entries; a write that must keep the replaced version copies it into entry_versions in the
 * same statement (a data-modifying CTE), so a write is one UPDATE or INSERT. */
#include "store/entries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/query.h"
#include "store/datastores.h" /* store_meta_announce */

#define KEY_MATCH "universe_id = $1 AND datastore = $2 AND scope = $3 AND key = $4"
#define ROW_COLUMNS                                                                                \
    "created_us, version_seq, version_us, version_hour_first, deleted, value, value_md5,"          \
    " content_length, user_ids, attributes, schema_version"
#define HISTORY_COLUMNS                                                                            \
    "object_created_us, version_seq, version_us, false, deleted, value, value_md5,"                \
    " content_length, user_ids, attributes, -1"
/* Every UTF-8 continuation of a ≤ 50-byte key sorts below 13 × U+10FFFF (52 bytes), so
 * prefix || this is an exact upper bound for keys starting with prefix. */
#define PREFIX_CEILING "repeat(chr(1114111), 13)"

/* The universe whose chain applies: the universe's own, else the default chain (universe 0,
 * loaded from --data-migrations). */
#define CHAIN_UNIVERSE                                                                             \
    "(CASE WHEN EXISTS (SELECT 1 FROM datastore_migrations WHERE universe_id = $1"                 \
    " AND datastore = $2) THEN $1 ELSE 0 END)"

/* One row: data store present?, deleted?, the shared virtual time, the key's lock (owner,
 * token, expires_us, released; NULLs if never locked), then the entry (NULLs when absent).
 * The write variant locks the entry row FOR UPDATE and the lock row FOR SHARE, so lock
 * operations (which take the lock row FOR UPDATE) and writes of one key serialize. */
#define SHARED_CLOCK "(SELECT value::bigint FROM service_state WHERE name = 'clock_virtual_us')"
#define ENTRY_READ(clock, entry_lock, lock_lock)                                                   \
    "SELECT d.name IS NOT NULL, d.deleted_us IS NOT NULL, " clock ","                              \
    " l.owner, l.token, l.expires_us, l.released,"                                                 \
    " (SELECT coalesce(max(step), 0) FROM datastore_migrations"                                    \
    "  WHERE universe_id = " CHAIN_UNIVERSE " AND datastore = $2), e.*"                            \
    " FROM (SELECT 1) one"                                                                         \
    " LEFT JOIN datastores d ON d.universe_id = $1 AND d.name = $2"                                \
    " LEFT JOIN LATERAL (SELECT owner, token, expires_us, released FROM entry_locks"               \
    "  WHERE " KEY_MATCH lock_lock ") l ON true"                                                   \
    " LEFT JOIN LATERAL (SELECT " ROW_COLUMNS " FROM entries WHERE " KEY_MATCH entry_lock          \
    ") e ON true"

const struct pg_statement entries_statements[] = {
    {"entry_read", ENTRY_READ("NULL::bigint", "", "")},
    {"entry_read_lock", ENTRY_READ(SHARED_CLOCK, " FOR UPDATE", " FOR SHARE")},
    /* The same without the shared virtual time, for a service on the real clock. */
    {"entry_read_lock_real_clock", ENTRY_READ("NULL::bigint", " FOR UPDATE", " FOR SHARE")},
    {"datastore_ensure",
     "INSERT INTO datastores (universe_id, name, created_us) VALUES ($1, $2, $3)"
     " ON CONFLICT (universe_id, name) DO NOTHING RETURNING 1"},
    /* A Get: the entry and its lock; the data store's state and chain come from the
     * instance's metadata cache, and so does whether it has locks at all: if not, the Get
     * reads the entry alone. */
    {"entry_get",
     "SELECT e.created_us, e.version_seq, e.version_us, e.version_hour_first, e.deleted,"
     " e.value, e.value_md5, e.content_length, e.user_ids, e.attributes, e.schema_version,"
     " l.owner, l.token, l.expires_us, l.released FROM entries e"
     " LEFT JOIN entry_locks l ON l.universe_id = $1 AND l.datastore = $2 AND l.scope = $3"
     "  AND l.key = $4"
     " WHERE e.universe_id = $1 AND e.datastore = $2 AND e.scope = $3 AND e.key = $4"},
    {"entry_get_unlocked", "SELECT " ROW_COLUMNS " FROM entries WHERE " KEY_MATCH},
    {"entry_insert",
     "INSERT INTO entries (universe_id, datastore, scope, key, created_us, version_seq,"
     " version_us, version_hour_first, deleted, value, value_md5, content_length, user_ids,"
     " attributes, schema_version)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
     " ON CONFLICT (universe_id, datastore, scope, key) DO NOTHING"},
    {"entry_update",
     "WITH kept AS ("
     "  INSERT INTO entry_versions (universe_id, datastore, scope, key, version_seq,"
     "   object_created_us, version_us, superseded_us, deleted, value, value_md5,"
     "   content_length, user_ids, attributes)"
     "  SELECT universe_id, datastore, scope, key, version_seq, created_us, version_us, $7,"
     "   deleted, value, value_md5, content_length, user_ids, attributes"
     "  FROM entries WHERE " KEY_MATCH " AND $16::boolean)"
     " UPDATE entries SET created_us = $5, version_seq = $6, version_us = $7,"
     "  version_hour_first = $8, deleted = $9, value = $10, value_md5 = $11,"
     "  content_length = $12, user_ids = $13, attributes = $14, schema_version = $15"
     " WHERE " KEY_MATCH},
    {"version_get", "SELECT " ROW_COLUMNS " FROM entries WHERE " KEY_MATCH " AND version_seq = $5"
                    " UNION ALL SELECT " HISTORY_COLUMNS " FROM entry_versions WHERE " KEY_MATCH
                    " AND version_seq = $5"},
    {"version_delete", "DELETE FROM entry_versions WHERE " KEY_MATCH " AND version_seq = $5"
                       " RETURNING version_seq"},
    {"version_at", "SELECT * FROM ("
                   "  SELECT " ROW_COLUMNS " FROM entries WHERE " KEY_MATCH " AND version_us <= $5"
                   "  UNION ALL SELECT " HISTORY_COLUMNS " FROM entry_versions WHERE " KEY_MATCH
                   "  AND version_us <= $5) v ORDER BY version_seq DESC LIMIT 1"},
    {"versions_asc",
     "SELECT version_seq, version_us, deleted, content_length, created_us FROM ("
     "  SELECT version_seq, version_us, deleted, content_length, created_us FROM entries"
     "  WHERE " KEY_MATCH
     "  UNION ALL SELECT version_seq, version_us, deleted, content_length, object_created_us"
     "  FROM entry_versions WHERE " KEY_MATCH ") v"
     " WHERE version_us >= $5 AND version_us <= $6 AND version_seq > $7"
     " ORDER BY version_seq LIMIT $8"},
    {"versions_desc",
     "SELECT version_seq, version_us, deleted, content_length, created_us FROM ("
     "  SELECT version_seq, version_us, deleted, content_length, created_us FROM entries"
     "  WHERE " KEY_MATCH
     "  UNION ALL SELECT version_seq, version_us, deleted, content_length, object_created_us"
     "  FROM entry_versions WHERE " KEY_MATCH ") v"
     " WHERE version_us >= $5 AND version_us <= $6 AND version_seq < $7"
     " ORDER BY version_seq DESC LIMIT $8"},
    {"entries_list_scope",
     "SELECT scope, key, deleted FROM entries"
     " WHERE universe_id = $1 AND datastore = $2 AND scope = $3"
     "  AND key >= $4 AND key < $4 || " PREFIX_CEILING " AND starts_with(key, $4)"
     "  AND key > $5 AND ($6::boolean OR NOT deleted)"
     " ORDER BY key LIMIT $7"},
    {"entries_list_all",
     "SELECT scope, key, deleted FROM entries"
     " WHERE universe_id = $1 AND datastore = $2 AND (scope, key) > ($3, $4)"
     "  AND starts_with(scope || '/' || key, $5) AND ($6::boolean OR NOT deleted)"
     " ORDER BY scope, key LIMIT $7"},
    {NULL, NULL},
};

void entry_row_clear(struct entry_row *row)
{
    PQclear(row->res);
    free(row->owned_value);
    memset(row, 0, sizeof *row);
}

static void release_result(void *res)
{
    PQclear(res);
}

void entry_row_give_value(struct entry_row *row, void (**release)(void *), void **owner)
{
    *release = release_result;
    *owner = NULL;
    if (row->owned_value) return; /* the value lives in owned_value, cleared with the row */
    *owner = row->res;
    row->res = NULL;
}

void store_key_params(struct pg_params *p, const struct entry_ref *ref)
{
    pgp_init(p);
    pgp_i64(p, ref->universe);
    pgp_text(p, ref->datastore);
    pgp_text(p, ref->scope);
    pgp_text(p, ref->key);
}

/* Fills row from res row 0 starting at column c (ROW_COLUMNS order); takes res. */
static void fill_row(struct entry_row *row, PGresult *res, int c)
{
    memset(row, 0, sizeof *row);
    row->res = res;
    if (PQntuples(res) == 0 || pg_null(res, 0, c)) return;
    row->found = true;
    row->created_us = pg_i64(res, 0, c);
    row->version_seq = pg_i64(res, 0, c + 1);
    row->version_us = pg_i64(res, 0, c + 2);
    row->hour_first = pg_bool(res, 0, c + 3);
    row->deleted = pg_bool(res, 0, c + 4);
    row->value = pg_str(res, 0, c + 5);
    row->value_len = row->value ? pg_len(res, 0, c + 5) : 0;
    row->md5 = pg_str(res, 0, c + 6);
    row->content_length = (int)pg_i64(res, 0, c + 7);
    row->user_ids = pg_str(res, 0, c + 8);
    row->attributes = pg_str(res, 0, c + 9);
    row->schema_version = (int)pg_i64(res, 0, c + 10);
}

ds_status store_entry_read(struct pg_conn *db, const struct entry_ref *ref, bool lock,
                           enum store_state *store, struct entry_row *row,
                           int64_t *clock_virtual_us, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    const char *statement = !lock              ? "entry_read"
                            : clock_virtual_us ? "entry_read_lock"
                                               : "entry_read_lock_real_clock";
    PGresult *r = pg_run(db, statement, &p, err);
    memset(row, 0, sizeof *row);
    if (!r) return DS_ERR;
    *store = !pg_bool(r, 0, 0) ? STORE_ABSENT : pg_bool(r, 0, 1) ? STORE_DELETED : STORE_ACTIVE;
    if (clock_virtual_us) *clock_virtual_us = pg_i64(r, 0, 2);
    fill_row(row, r, 8);
    row->schema_latest = (int)pg_i64(r, 0, 7);
    row->lock.exists = !pg_null(r, 0, 3);
    row->lock.owner = pg_str(r, 0, 3);
    row->lock.token = pg_i64(r, 0, 4);
    row->lock.expires_us = pg_i64(r, 0, 5);
    row->lock.released = pg_bool(r, 0, 6);
    return DS_OK;
}

ds_status store_entry_get(struct pg_conn *db, const struct entry_ref *ref, bool with_lock,
                          struct entry_row *row, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    PGresult *r = pg_run(db, with_lock ? "entry_get" : "entry_get_unlocked", &p, err);
    memset(row, 0, sizeof *row);
    if (!r) return DS_ERR;
    fill_row(row, r, 0);
    bool locked = with_lock && row->found && !pg_null(r, 0, 11);
    row->lock.exists = locked;
    row->lock.owner = locked ? pg_str(r, 0, 11) : NULL;
    row->lock.token = locked ? pg_i64(r, 0, 12) : 0;
    row->lock.expires_us = locked ? pg_i64(r, 0, 13) : 0;
    row->lock.released = locked && pg_bool(r, 0, 14);
    return DS_OK;
}

ds_status store_datastore_ensure(struct pg_conn *db, int64_t universe, const char *name,
                                 int64_t now_us, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, name);
    pgp_i64(&p, now_us);
    PGresult *r = pg_run(db, "datastore_ensure", &p, err);
    if (!r) return DS_ERR;
    bool created = PQntuples(r) == 1;
    PQclear(r);
    /* A new data store is announced (at commit) to every instance's metadata cache. */
    return created ? store_meta_announce(db, universe, name, err) : DS_OK;
}

static void write_params(struct pg_params *p, const struct entry_write *w)
{
    pgp_i64(p, w->created_us);
    pgp_i64(p, w->version_seq);
    pgp_i64(p, w->version_us);
    pgp_bool(p, w->hour_first);
    pgp_bool(p, w->deleted);
    if (w->value)
        pgp_bytes(p, w->value, w->value_len);
    else
        pgp_text(p, NULL);
    pgp_text(p, w->md5);
    pgp_i64(p, (int64_t)w->value_len);
    pgp_text(p, w->user_ids);
    pgp_text(p, w->attributes);
    pgp_i64(p, w->schema_version);
}

ds_status store_entry_insert(struct pg_conn *db, const struct entry_ref *ref,
                             const struct entry_write *w, bool *inserted, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    write_params(&p, w);
    PGresult *r = pg_run(db, "entry_insert", &p, err);
    if (!r) return DS_ERR;
    *inserted = strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    return DS_OK;
}

ds_status store_entry_update(struct pg_conn *db, const struct entry_ref *ref,
                             const struct entry_write *w, bool keep_previous, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    write_params(&p, w);
    pgp_bool(&p, keep_previous);
    PGresult *r = pg_run(db, "entry_update", &p, err);
    if (!r) return DS_ERR;
    bool updated = strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    return updated ? DS_OK : ds_fail(err, 500, NULL, "entry vanished during its update");
}

static ds_status read_version(struct pg_conn *db, const char *stmt, const struct entry_ref *ref,
                              int64_t arg, struct entry_row *row, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    pgp_i64(&p, arg);
    PGresult *r = pg_run(db, stmt, &p, err);
    memset(row, 0, sizeof *row);
    if (!r) return DS_ERR;
    fill_row(row, r, 0);
    return DS_OK;
}

ds_status store_version_get(struct pg_conn *db, const struct entry_ref *ref, int64_t seq,
                            struct entry_row *row, struct ds_error *err)
{
    return read_version(db, "version_get", ref, seq, row, err);
}

ds_status store_version_delete(struct pg_conn *db, const struct entry_ref *ref, int64_t seq,
                               bool *deleted, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    pgp_i64(&p, seq);
    PGresult *r = pg_run(db, "version_delete", &p, err);
    if (!r) return DS_ERR;
    *deleted = PQntuples(r) == 1;
    PQclear(r);
    return DS_OK;
}

ds_status store_version_at(struct pg_conn *db, const struct entry_ref *ref, int64_t t_us,
                           struct entry_row *row, struct ds_error *err)
{
    return read_version(db, "version_at", ref, t_us, row, err);
}

ds_status store_versions_list(struct pg_conn *db, const struct entry_ref *ref, int64_t start_us,
                              int64_t end_us, bool descending, int64_t after, int limit,
                              version_list_row_fn fn, void *arg, struct ds_error *err)
{
    struct pg_params p;
    store_key_params(&p, ref);
    pgp_i64(&p, start_us);
    pgp_i64(&p, end_us);
    pgp_i64(&p, after);
    pgp_i64(&p, limit);
    PGresult *r = pg_run(db, descending ? "versions_desc" : "versions_asc", &p, err);
    if (!r) return DS_ERR;
    bool more = true;
    for (int i = 0; more && i < PQntuples(r); i++) {
        struct version_list_row row = {pg_i64(r, i, 0), pg_i64(r, i, 1), pg_i64(r, i, 4),
                                       pg_bool(r, i, 2), pg_i64(r, i, 3)};
        more = fn(&row, arg);
    }
    return pg_rows_done(r, more, err);
}

ds_status store_entries_list(struct pg_conn *db, int64_t universe, const char *datastore,
                             const char *scope, const char *prefix, const char *after_scope,
                             const char *after_key, bool include_deleted, int limit,
                             key_list_row_fn fn, void *arg, struct ds_error *err)
{
    struct pg_params p;
    pgp_init(&p);
    pgp_i64(&p, universe);
    pgp_text(&p, datastore);
    if (scope) {
        pgp_text(&p, scope);
        pgp_text(&p, prefix ? prefix : "");
        pgp_text(&p, after_key ? after_key : "");
    } else {
        pgp_text(&p, after_scope ? after_scope : "");
        pgp_text(&p, after_key ? after_key : "");
        pgp_text(&p, prefix ? prefix : "");
    }
    pgp_bool(&p, include_deleted);
    pgp_i64(&p, limit);
    PGresult *r = pg_run(db, scope ? "entries_list_scope" : "entries_list_all", &p, err);
    if (!r) return DS_ERR;
    bool more = true;
    for (int i = 0; more && i < PQntuples(r); i++) {
        struct key_list_row row = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), pg_bool(r, i, 2)};
        more = fn(&row, arg);
    }
    return pg_rows_done(r, more, err);
}
