/* service/entry_reads.c — see entry_reads.h. */
#include "service/entry_reads.h"

#include <string.h>

#include "service/datastores.h"
#include "service/entries.h"

static ds_status refuse(struct admission *refusal)
{
    refusal->action = ADMIT_REJECT;
    refusal->retry_after_s = -1;
    return DS_ERR;
}

ds_status entries_get(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                      bool has_client, int client, struct entry_row *row, struct admission *refusal)
{
    struct meta_cache_value store;
    struct ds_error *err = &refusal->err;
    memset(row, 0, sizeof *row);
    if (datastores_meta(ctx, db, ref->universe, ref->datastore, &store, err) != DS_OK)
        return refuse(refusal);
    if (store.state != STORE_ACTIVE) {
        ds_fail(err, 404, "DatastoreNotFound", "Datastore not found.");
        return refuse(refusal);
    }
    if (store_entry_get(db, ref, store.has_locks, row, err) != DS_OK) return refuse(refusal);
    row->schema_latest = store.schema_latest;
    if (!row->found || row->deleted) {
        ds_fail(err, 404, "EntryNotFound", "Entry not found in the datastore.");
        return refuse(refusal);
    }
    admit_throughput(ctx, ref, false, row->value_len, false, refusal);
    if (refusal->action != ADMIT_PROCEED) return DS_ERR;
    if (entries_migrate_read(ctx, db, ref, row, has_client, client, err) != DS_OK)
        return refuse(refusal);
    return DS_OK;
}

ds_status entries_read_current(struct pg_conn *db, const struct entry_ref *ref, bool *active,
                               struct entry_row *row, struct ds_error *err)
{
    enum store_state store;
    ds_status st = store_entry_read(db, ref, false, &store, row, NULL, err);
    *active = st == DS_OK && store == STORE_ACTIVE;
    return st;
}

ds_status entries_version_get(struct pg_conn *db, const struct entry_ref *ref, int64_t seq,
                              struct entry_row *row, struct ds_error *err)
{
    return store_version_get(db, ref, seq, row, err);
}

ds_status entries_version_at(struct pg_conn *db, const struct entry_ref *ref, int64_t t_us,
                             struct entry_row *row, struct ds_error *err)
{
    return store_version_at(db, ref, t_us, row, err);
}

ds_status entries_version_delete(struct pg_conn *db, const struct entry_ref *ref, int64_t seq,
                                 bool *deleted, struct ds_error *err)
{
    return store_version_delete(db, ref, seq, deleted, err);
}
