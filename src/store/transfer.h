/* store/transfer.h — SQL for export, import and reset of a universe (or everything). Export
 * reads in keyset pages inside one REPEATABLE READ transaction (a consistent snapshot);
 * import writes rows as given (idempotent upserts); reset deletes. */
#ifndef DS_STORE_TRANSFER_H
#define DS_STORE_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement transfer_statements[];

/* Export reads, as typed rows passed to a callback (false from it stops the read: 500).
 * Strings borrow from the query result for the callback's duration. datastore NULL = every
 * one. */
struct export_store_row {
    const char *name;
    int64_t created_us; /* standard stores; 0 for ordered ones */
};
typedef bool (*export_store_fn)(const struct export_store_row *row, void *arg);
/* Active standard data stores, by name. */
ds_status store_export_stores(struct pg_conn *db, int64_t universe, const char *datastore,
                              export_store_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
/* Ordered data stores holding entries, by name. */
ds_status store_export_ordered_stores(struct pg_conn *db, int64_t universe, const char *datastore,
                                      export_store_fn fn, void *arg,
                                      struct ds_error *err) DS_MUSTCHECK;

/* The current version of a live entry. */
struct export_entry_row {
    const char *scope, *key;
    int64_t created_us, version_seq, version_us;
    const char *value; /* JSON text */
    size_t value_len;
    const char *user_ids, *attributes; /* JSON text */
};
typedef bool (*export_entry_fn)(const struct export_entry_row *row, void *arg);
/* Up to limit live entries of a data store after (after_scope, after_key), in that order. */
ds_status store_export_entries(struct pg_conn *db, int64_t universe, const char *datastore,
                               const char *after_scope, const char *after_key, int limit,
                               export_entry_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;

/* An earlier version of an entry, from its history. */
struct export_version_row {
    int64_t version_seq, version_us, superseded_us;
    bool deleted;
    const char *value; /* NULL for a tombstone */
    size_t value_len;
    const char *user_ids, *attributes;
};
typedef bool (*export_version_fn)(const struct export_version_row *row, void *arg);
/* The history of one key, oldest first. */
ds_status store_export_versions(struct pg_conn *db, int64_t universe, const char *datastore,
                                const char *scope, const char *key, export_version_fn fn, void *arg,
                                struct ds_error *err) DS_MUSTCHECK;

/* An ordered entry; value is its decimal text. */
struct export_ordered_row {
    const char *scope, *key, *value;
};
typedef bool (*export_ordered_fn)(const struct export_ordered_row *row, void *arg);
/* Up to limit entries of an ordered data store after (after_scope, after_key). */
ds_status store_export_ordered(struct pg_conn *db, int64_t universe, const char *datastore,
                               const char *after_scope, const char *after_key, int limit,
                               export_ordered_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;

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
