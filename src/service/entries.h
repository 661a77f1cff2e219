/* service/entries.h — writes to standard entries: one transaction that reads and locks the
 * key, checks preconditions, computes the new value (set, increment, JSON Patch, remove),
 * advances the version history and commits. Shared by the v1 and v2 handlers. */
#ifndef DS_SERVICE_ENTRIES_H
#define DS_SERVICE_ENTRIES_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "core/error.h"
#include "core/versionid.h"
#include "store/entries.h"

enum write_op {
    WRITE_SET,       /* store value */
    WRITE_INCREMENT, /* add amount to an integer value (missing = 0) */
    WRITE_PATCH,     /* apply a JSON Patch to the value (missing = null) */
    WRITE_REMOVE,    /* tombstone */
    WRITE_MIGRATE,   /* system write: bring the stored value up its _version chain */
};

/* What to write and under which conditions. Pointers borrowed. */
struct write_spec {
    enum write_op op;
    const char *value; /* WRITE_SET: validated JSON text */
    size_t value_len;
    int64_t amount;            /* WRITE_INCREMENT */
    struct json_object *patch; /* WRITE_PATCH */
    const char *user_ids;      /* canonical JSON; NULL keeps the current ones */
    const char *attributes;    /* canonical JSON; NULL keeps the current ones */
    const char *if_version;    /* matchVersion / etag: the current version must be this (409) */
    bool if_absent;            /* exclusiveCreate: an active entry must not exist (409) */
    bool create_only;          /* v2 create: an active entry must not exist (400) */
    bool must_exist;           /* an active entry must exist (404) */
    bool has_lock_token;       /* the request carried x-lock-token */
    int64_t lock_token;        /* its value: must be the current token while a lock is live */
    bool skip_locked;          /* WRITE_MIGRATE: leave entries under a live lock (409 LockHeld) */
    bool has_client_schema;    /* the request carried x-schema-version */
    int client_schema;         /* its value: the newest _version the client understands */
};

/* The key's state after the write. */
struct write_outcome {
    bool changed;       /* false: nothing was written (remove of a missing key) */
    int64_t created_us; /* key creation */
    int64_t version_seq;
    int64_t version_us;
    char version[VERSIONID_LEN + 1];
    bool deleted;
    const char *value; /* the stored value (points into spec or value_buf); NULL if deleted */
    size_t value_len;
    char *value_buf; /* owned: a value computed here (increment, patch) */
    char md5[25];
    char *user_ids;   /* owned */
    char *attributes; /* owned */
    bool migrated;    /* the value was brought up its _version chain */
    /* WRITE_REMOVE of an active entry: what was removed, read in the same transaction (so
     * RemoveAsync can return it atomically). Strings owned. */
    struct removed_entry {
        bool present;
        char *value;
        size_t value_len;
        char md5[25];
        char *user_ids;
        char *attributes;
        int64_t created_us;
        int64_t version_us;
        char version[VERSIONID_LEN + 1];
    } removed;
};
void write_outcome_free(struct write_outcome *o);

/* Lazy _version migration of an entry just read: when it is behind the data store's chain
 * it is migrated and stored as a new version (or, with --migrate-on-read view, only migrated
 * in *row), and *row is replaced by the result; then a client's x-schema-version (has_client,
 * client) is enforced. 409 MigrationFailed / SchemaTooNew. */
ds_status entries_migrate_read(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                               struct entry_row *row, bool has_client, int client,
                               struct ds_error *err) DS_MUSTCHECK;
ds_status entries_write(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        const struct write_spec *spec, struct write_outcome *out,
                        struct ds_error *err) DS_MUSTCHECK;

/* The same write inside a transaction the caller holds (and commits). */
ds_status entries_write_in_transaction(struct ds_ctx *ctx, struct pg_conn *db,
                                       const struct entry_ref *ref, const struct write_spec *spec,
                                       struct write_outcome *out,
                                       struct ds_error *err) DS_MUSTCHECK;

/* Formats the version id of a row. */
void entry_row_version(const struct entry_row *row, char out[VERSIONID_LEN + 1]);

#endif
