/* store/entries.h — SQL for standard entries and their version history. Every function takes
 * a connection lent by the pool; writes expect the caller to hold a transaction. Strings in
 * the row structs borrow from the PGresult they carry. */
#ifndef DS_STORE_ENTRIES_H
#define DS_STORE_ENTRIES_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/entry_ref.h"
#include "core/error.h"
#include "core/session_lock.h"
#include "pg/pool.h"

extern const struct pg_statement entries_statements[];

enum store_state { STORE_ABSENT, STORE_ACTIVE, STORE_DELETED };

/* One version of a key (the current one, or one from history). */
struct entry_row {
    PGresult *res; /* owns the strings; NULL when nothing was read */
    bool found;
    int64_t created_us; /* key creation */
    int64_t version_seq;
    int64_t version_us;
    bool hour_first; /* current rows only */
    bool deleted;
    const char *value; /* NULL for a tombstone */
    size_t value_len;
    const char *md5; /* base64 MD5 of value; NULL for a tombstone */
    int content_length;
    const char *user_ids;   /* JSON array text */
    const char *attributes; /* JSON object text */
    int schema_version;     /* _version of an object value; -1 for other values/history */
    struct lock_state lock; /* the key's session lock (store_entry_read only) */
    int schema_latest;      /* latest step of the data store's chain (store_entry_read only) */
    char *owned_value;      /* a value computed after reading (view-mode migration); owned */
    char owned_md5[25];     /* its MD5 (row->md5 then points here) */
};
void entry_row_clear(struct entry_row *row);
/* Hands over what row->value lives in: *owner, to be freed with release(*owner) once the
 * value is no longer needed; *owner NULL when the value is not the row's own (computed
 * after the read: copy it). The row keeps its strings until then. */
void entry_row_give_value(struct entry_row *row, void (**release)(void *), void **owner);

struct pg_params;
/* Starts p with the key's four parameters ($1 universe, $2 data store, $3 scope, $4 key). */
void store_key_params(struct pg_params *p, const struct entry_ref *ref);

/* The new current version of a key, as a write stores it. Strings borrowed. */
struct entry_write {
    int64_t created_us;
    int64_t version_seq;
    int64_t version_us;
    bool hour_first;
    bool deleted;
    const char *value; /* NULL for a tombstone */
    size_t value_len;
    const char *md5;
    const char *user_ids;
    const char *attributes;
    int schema_version;
};

/* Reads the current version and the data store's state in one round trip, with lock also
 * (if clock_virtual_us is non-NULL) the virtual time shared through the database. lock:
 * SELECT ... FOR UPDATE (in a transaction) so concurrent writers of this key queue behind
 * the caller. */
ds_status store_entry_read(struct pg_conn *db, const struct entry_ref *ref, bool lock,
                           enum store_state *store, struct entry_row *row,
                           int64_t *clock_virtual_us, struct ds_error *err) DS_MUSTCHECK;
/* The current version of a key, and its lock when with_lock (row->schema_latest is left 0:
 * the caller knows the data store's chain). One index probe per table read. */
ds_status store_entry_get(struct pg_conn *db, const struct entry_ref *ref, bool with_lock,
                          struct entry_row *row, struct ds_error *err) DS_MUSTCHECK;
/* Creates the data store row if missing (no-op when it exists). */
ds_status store_datastore_ensure(struct pg_conn *db, int64_t universe, const char *name,
                                 int64_t now_us, struct ds_error *err) DS_MUSTCHECK;
/* Inserts a new key; *inserted is false if a concurrent transaction created it first. */
ds_status store_entry_insert(struct pg_conn *db, const struct entry_ref *ref,
                             const struct entry_write *w, bool *inserted,
                             struct ds_error *err) DS_MUSTCHECK;
/* Replaces the current version of an existing key. keep_previous moves the replaced version
 * into history, stamped superseded at w->version_us. */
ds_status store_entry_update(struct pg_conn *db, const struct entry_ref *ref,
                             const struct entry_write *w, bool keep_previous,
                             struct ds_error *err) DS_MUSTCHECK;

/* One version by number (current or history); row->found false if it is not retained. */
ds_status store_version_get(struct pg_conn *db, const struct entry_ref *ref, int64_t seq,
                            struct entry_row *row, struct ds_error *err) DS_MUSTCHECK;
/* Deletes one version from history for good (never the current version); *deleted false
 * when history holds no such version. */
ds_status store_version_delete(struct pg_conn *db, const struct entry_ref *ref, int64_t seq,
                               bool *deleted, struct ds_error *err) DS_MUSTCHECK;
/* The newest retained version written at or before t_us. */
ds_status store_version_at(struct pg_conn *db, const struct entry_ref *ref, int64_t t_us,
                           struct entry_row *row, struct ds_error *err) DS_MUSTCHECK;

/* One retained version in a listing. */
struct version_list_row {
    int64_t version_seq;
    int64_t version_us;
    int64_t created_us; /* key creation */
    bool deleted;
    int64_t content_length;
};
typedef bool (*version_list_row_fn)(const struct version_list_row *row,
                                    void *arg); /* false: stop */

/* Retained versions with start_us <= version_us <= end_us after (ascending) or before
 * (descending) the version number `after`, at most limit, each passed to fn (stopping when
 * it returns false: 500). */
ds_status store_versions_list(struct pg_conn *db, const struct entry_ref *ref, int64_t start_us,
                              int64_t end_us, bool descending, int64_t after, int limit,
                              version_list_row_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;

/* One key in a listing. Strings borrowed for the callback's duration. */
struct key_list_row {
    const char *scope;
    const char *key;
    bool deleted;
};
typedef bool (*key_list_row_fn)(const struct key_list_row *row, void *arg); /* false: stop */

/* Keys of one scope (scope non-NULL: keys starting with prefix, after after_key) or of
 * every scope (scope NULL: "scope/key" starting with prefix, after (after_scope, after_key)),
 * ordered, at most limit, each passed to fn (stopping when it returns false: 500). */
ds_status store_entries_list(struct pg_conn *db, int64_t universe, const char *datastore,
                             const char *scope, const char *prefix, const char *after_scope,
                             const char *after_key, bool include_deleted, int limit,
                             key_list_row_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;

#endif
