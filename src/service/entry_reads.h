/* service/entry_reads.h — reading standard entries: a Get of the current version (with the
 * key's read throughput and lazy _version migration), one version by number or by time, the
 * current version as it stands, and deleting one version from history. */
#ifndef DS_SERVICE_ENTRY_READS_H
#define DS_SERVICE_ENTRY_READS_H

#include <stdbool.h>

#include "context.h"
#include "service/admission.h"
#include "store/entries.h"

/* A Get: the current version of ref's key into *row (the caller clears it). Refusals, in
 * order: 404 DatastoreNotFound / EntryNotFound; the key's read throughput, charged with the
 * value's size; a failed lazy migration or a value newer than the client's x-schema-version
 * (has_client, client; see entries_migrate_read). On DS_ERR *refusal says how to answer. */
ds_status entries_get(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                      bool has_client, int client, struct entry_row *row,
                      struct admission *refusal) DS_MUSTCHECK;
/* The current version as stored, no rules applied; *active false when the data store is
 * missing or deleted. */
ds_status entries_read_current(struct pg_conn *db, const struct entry_ref *ref, bool *active,
                               struct entry_row *row, struct ds_error *err) DS_MUSTCHECK;
/* One retained version by number; row->found false if there is none. */
ds_status entries_version_get(struct pg_conn *db, const struct entry_ref *ref, int64_t seq,
                              struct entry_row *row, struct ds_error *err) DS_MUSTCHECK;
/* The newest retained version written at or before t_us. */
ds_status entries_version_at(struct pg_conn *db, const struct entry_ref *ref, int64_t t_us,
                             struct entry_row *row, struct ds_error *err) DS_MUSTCHECK;
/* Deletes one version from history for good; *deleted false when history has no such
 * version (the current version is never deleted this way). */
ds_status entries_version_delete(struct pg_conn *db, const struct entry_ref *ref, int64_t seq,
                                 bool *deleted, struct ds_error *err) DS_MUSTCHECK;

#endif
