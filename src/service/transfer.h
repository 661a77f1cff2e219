/* service/transfer.h — export and import of a universe, owning their transactions. An
 * export reads in keyset pages inside one REPEATABLE READ, READ ONLY transaction on a
 * connection it holds for the whole stream (a consistent snapshot however long the stream
 * runs); an import writes idempotent upserts, committed every IMPORT_BATCH rows so a large
 * document does not hold one huge transaction (importing again after a failure is safe), and
 * pipelines each batch: its rows are sent without waiting for each, one round trip a batch. */
#ifndef DS_SERVICE_TRANSFER_H
#define DS_SERVICE_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "store/transfer.h"

/* A snapshot being exported. */
struct export_snapshot {
    struct ds_ctx *ctx;
    struct pg_conn *db; /* held until export_snapshot_end */
};
/* Takes a connection from the pool and opens the snapshot. */
ds_status export_snapshot_begin(struct ds_ctx *ctx, struct export_snapshot *s,
                                struct ds_error *err) DS_MUSTCHECK;
/* Closes the snapshot after the last read. */
ds_status export_snapshot_commit(struct export_snapshot *s, struct ds_error *err) DS_MUSTCHECK;
/* Gives the connection back (an unfinished snapshot is rolled back). Idempotent. */
void export_snapshot_end(struct export_snapshot *s);

/* The reads of store/transfer.h, inside the snapshot. ordered: ordered data stores. */
ds_status export_stores(struct export_snapshot *s, int64_t universe, const char *only, bool ordered,
                        export_store_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
ds_status export_entries(struct export_snapshot *s, int64_t universe, const char *datastore,
                         const char *after_scope, const char *after_key, int limit,
                         export_entry_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
ds_status export_versions(struct export_snapshot *s, int64_t universe, const char *datastore,
                          const char *scope, const char *key, export_version_fn fn, void *arg,
                          struct ds_error *err) DS_MUSTCHECK;
ds_status export_ordered(struct export_snapshot *s, int64_t universe, const char *datastore,
                         const char *after_scope, const char *after_key, int limit,
                         export_ordered_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;

#define IMPORT_BATCH 500

/* An import in progress on a connection the caller holds. */
struct import_batch {
    struct ds_ctx *ctx;
    struct pg_conn *db;
    int in_batch; /* rows written since the last commit */
};
ds_status import_begin(struct import_batch *b, struct ds_ctx *ctx, struct pg_conn *db,
                       struct ds_error *err) DS_MUSTCHECK;
/* Each queues one row (see store/transfer.h), committing every IMPORT_BATCH rows; an error
 * of any row of a batch is reported by the call that ends the batch (or by import_finish). */
ds_status import_put_store(struct import_batch *b, int64_t universe, const char *name,
                           int64_t created_us, struct ds_error *err) DS_MUSTCHECK;
ds_status import_put_entry(struct import_batch *b, const struct import_row *r,
                           struct ds_error *err) DS_MUSTCHECK;
ds_status import_put_version(struct import_batch *b, const struct import_row *r,
                             int64_t superseded_us, struct ds_error *err) DS_MUSTCHECK;
ds_status import_put_ordered(struct import_batch *b, int64_t universe, const char *datastore,
                             const char *scope, const char *key, int64_t value, int64_t updated_us,
                             struct ds_error *err) DS_MUSTCHECK;
/* Commits the last batch; on failure (or with failed set) rolls it back. */
ds_status import_finish(struct import_batch *b, bool failed, struct ds_error *err) DS_MUSTCHECK;

#endif
