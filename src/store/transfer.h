/* store/transfer.h — SQL for export, import and reset of a universe (or everything). Export
 * reads in keyset pages inside one REPEATABLE READ transaction (a consistent snapshot);
 * import writes rows as given (idempotent upserts); reset deletes. */
#ifndef DS_STORE_TRANSFER_H
#define DS_STORE_TRANSFER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement transfer_statements[];

/* Export reads; each returns a result the caller PQclear()s (NULL with err set).
 * datastore NULL = every one. Columns are listed at each statement in transfer.c. */
PGresult *store_export_stores(struct pg_conn *db, int64_t universe, const char *datastore,
                              struct ds_error *err);
PGresult *store_export_entries(struct pg_conn *db, int64_t universe, const char *datastore,
                               const char *after_scope, const char *after_key, int limit,
                               struct ds_error *err);
PGresult *store_export_versions(struct pg_conn *db, int64_t universe, const char *datastore,
                                const char *scope, const char *key, struct ds_error *err);
PGresult *store_export_ordered_stores(struct pg_conn *db, int64_t universe, const char *datastore,
                                      struct ds_error *err);
PGresult *store_export_ordered(struct pg_conn *db, int64_t universe, const char *datastore,
                               const char *after_scope, const char *after_key, int limit,
                               struct ds_error *err);

/* One stored version of an entry, as import writes it. */
struct import_row {
    int64_t universe;
    const char *datastore, *scope, *key;
    int64_t created_us, version_seq, version_us;
    bool deleted;
    const char *value; /* NULL for a tombstone */
    size_t value_len;
    const char *md5, *user_ids, *attributes;
    int schema_version;
};
ds_status store_import_store(struct pg_conn *db, int64_t universe, const char *name,
                             int64_t created_us, struct ds_error *err) DS_MUSTCHECK;
/* The current version (entries) or an earlier one (entry_versions, superseded at
 * superseded_us). */
ds_status store_import_entry(struct pg_conn *db, const struct import_row *r,
                             struct ds_error *err) DS_MUSTCHECK;
ds_status store_import_version(struct pg_conn *db, const struct import_row *r,
                               int64_t superseded_us, struct ds_error *err) DS_MUSTCHECK;
ds_status store_import_ordered(struct pg_conn *db, int64_t universe, const char *datastore,
                               const char *scope, const char *key, int64_t value,
                               int64_t updated_us, struct ds_error *err) DS_MUSTCHECK;

/* Deletes one universe's data (stores, entries, versions, ordered entries, locks, migration
 * chains and runs) in one transaction; *entries counts the entries removed. */
ds_status store_reset_universe(struct pg_conn *db, int64_t universe, int64_t *entries,
                               struct ds_error *err) DS_MUSTCHECK;
/* Deletes every universe's data and every fault rule (announced to all instances). API keys
 * and the virtual clock stay. */
ds_status store_reset_all(struct pg_conn *db, struct ds_error *err) DS_MUSTCHECK;

#endif
