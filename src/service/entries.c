/* service/entries.c — the write transaction for standard entries:
 *   BEGIN → read + lock the key → preconditions → new value → version step → write → COMMIT
 * A concurrent creation of the same new key makes the insert a no-op; the transaction then
 * restarts and finds (and locks) the other writer's row. */
#include "service/entries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/json_doc.h"
#include "core/jsonpatch.h"
#include "core/limits.h"
#include "core/session_lock.h"
#include "core/versioning.h"
#include "service/admission.h"
#include "service/migrations.h"
#include "service/ordered.h"
#include "store/migrations.h"
#include "metrics.h"
#include "pg/query.h"

#define MAX_ATTEMPTS 5

void write_outcome_free(struct write_outcome *o)
{
    free(o->value_buf);
    free(o->user_ids);
    free(o->attributes);
    free(o->removed.value);
    free(o->removed.user_ids);
    free(o->removed.attributes);
    memset(o, 0, sizeof *o);
}

void entry_row_version(const struct entry_row *row, char out[VERSIONID_LEN + 1])
{
    versionid_format(row->created_us, row->version_seq, row->version_us, out);
}

static ds_status check_preconditions(const struct write_spec *spec, const struct entry_row *row,
                                     struct ds_error *err)
{
    bool active = row->found && !row->deleted;
    if (spec->if_version) {
        char current[VERSIONID_LEN + 1];
        if (!active)
            return ds_fail(err, 409, NULL,
                           "Precondition failed: version %.60s was required but the entry does "
                           "not exist.",
                           spec->if_version);
        entry_row_version(row, current);
        if (strcmp(current, spec->if_version) != 0)
            return ds_fail(err, 409, NULL,
                           "Precondition failed: the current version is %s, not %.60s.", current,
                           spec->if_version);
    }
    if (spec->if_absent && active)
        return ds_fail(err, 409, NULL, "The entry already exists (exclusiveCreate).");
    if (spec->create_only && active) return ds_fail(err, 400, NULL, "The entry already exists.");
    if (spec->must_exist && !active)
        return ds_fail(err, 404, "EntryNotFound", "Entry not found in the datastore.");
    return DS_OK;
}

/* Computes the new value of an increment or patch into out->value_buf. */
static ds_status compute_value(const struct write_spec *spec, const struct entry_row *row,
                               struct write_outcome *out, struct ds_error *err)
{
    bool active = row->found && !row->deleted;
    if (spec->op == WRITE_INCREMENT) {
        int64_t current = 0;
        if (active && !parse_integral(row->value, row->value_len, &current))
            return ds_fail(err, 400, "ExistingValueNotNumeric",
                           "The stored value is not an integer and cannot be incremented.");
        int64_t next;
        if (__builtin_add_overflow(current, spec->amount, &next))
            return ds_fail(err, 400,
                           spec->amount > 0 ? "IncrementValueTooLarge" : "IncrementValueTooSmall",
                           "The incremented value does not fit in a 64-bit integer.");
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%lld", (long long)next);
        out->value_buf = strndup(buf, (size_t)n);
        if (!out->value_buf) return ds_fail(err, 500, NULL, "out of memory");
        out->value_len = (size_t)n;
        return DS_OK;
    }
    /* WRITE_PATCH */
    struct json_object *doc = NULL;
    if (active && json_doc_parse(row->value, row->value_len, &doc, err) != DS_OK) return DS_ERR;
    if (jsonpatch_apply(&doc, spec->patch, err) != DS_OK) {
        json_object_put(doc);
        return DS_ERR;
    }
    size_t len = 0;
    const char *text = json_doc_text(doc, &len);
    ds_status st = text ? check_value(text, len, err) : ds_fail(err, 500, NULL, "out of memory");
    if (st == DS_OK) {
        out->value_buf = strndup(text, len);
        out->value_len = len;
        if (!out->value_buf) st = ds_fail(err, 500, NULL, "out of memory");
    }
    json_object_put(doc);
    return st;
}

/* Builds the outcome's value and metadata from spec and the current row. */
static ds_status build_outcome(const struct write_spec *spec, const struct entry_row *row,
                               struct write_outcome *out, struct ds_error *err)
{
    if (spec->op == WRITE_REMOVE) {
        out->deleted = true;
        out->user_ids = strdup("[]");
        out->attributes = strdup("{}");
    } else {
        if (spec->op == WRITE_SET) {
            out->value = spec->value;
            out->value_len = spec->value_len;
        } else if (spec->op == WRITE_MIGRATE) {
            out->value = row->value;
            out->value_len = row->value_len;
        } else {
            if (compute_value(spec, row, out, err) != DS_OK) return DS_ERR;
            out->value = out->value_buf;
        }
        md5_base64(out->value, out->value_len, out->md5);
        bool active = row->found && !row->deleted;
        const char *users = spec->user_ids ? spec->user_ids : active ? row->user_ids : "[]";
        const char *attrs = spec->attributes ? spec->attributes : active ? row->attributes : "{}";
        out->user_ids = strdup(users);
        out->attributes = strdup(attrs);
    }
    if (!out->user_ids || !out->attributes) return ds_fail(err, 500, NULL, "out of memory");
    return DS_OK;
}

/* Copies the entry a remove is about to tombstone. */
static ds_status keep_removed(const struct entry_row *row, struct removed_entry *r,
                              struct ds_error *err)
{
    r->value = malloc(row->value_len + 1);
    r->user_ids = strdup(row->user_ids ? row->user_ids : "[]");
    r->attributes = strdup(row->attributes ? row->attributes : "{}");
    if (!r->value || !r->user_ids || !r->attributes)
        return ds_fail(err, 500, NULL, "out of memory");
    memcpy(r->value, row->value, row->value_len);
    r->value[row->value_len] = '\0';
    r->value_len = row->value_len;
    snprintf(r->md5, sizeof r->md5, "%s", row->md5 ? row->md5 : "");
    r->created_us = row->created_us;
    r->version_us = row->version_us;
    entry_row_version(row, r->version);
    r->present = true;
    return DS_OK;
}

/* Brings the value about to be stored up the data store's _version chain (an older value is
 * migrated, never stored as is), enforces x-schema-version, and marks the steps it used as
 * applied. *version is the stored value's _version (-1 for non-objects). */
static ds_status migrate_outcome(struct pg_conn *db, const struct entry_ref *ref,
                                 const struct write_spec *spec, int latest,
                                 struct write_outcome *out, int *version, struct ds_error *err)
{
    *version = out->deleted ? -1 : migrations_version_of_text(out->value, out->value_len);
    bool client_behind = spec->has_client_schema && spec->client_schema < latest;
    if (latest == 0 || ((*version < 0 || *version >= latest) && !client_behind)) return DS_OK;
    struct migration_chain chain;
    if (migrations_load(db, ref->universe, ref->datastore, &chain, err) != DS_OK) return DS_ERR;
    ds_status st = DS_OK;
    if (client_behind) st = migrations_check_client(&chain, spec->client_schema, chain.n, err);
    if (st == DS_OK && *version >= 0 && *version < chain.n) {
        char *text = NULL;
        size_t len = 0;
        st = migrations_apply_text(&chain, out->value, out->value_len, &text, &len, err);
        if (st == DS_OK) {
            free(out->value_buf);
            out->value_buf = text;
            out->value = text;
            out->value_len = len;
            md5_base64(out->value, out->value_len, out->md5);
            st = store_migrations_mark_applied(db, ref->universe, ref->datastore, *version, chain.n,
                                               err);
            *version = chain.n;
            out->migrated = true;
        }
    }
    migration_chain_free(&chain);
    return st;
}

/* The write itself, inside the caller's transaction: read and lock, rules, new value, new
 * version. On success out->changed says whether anything was written. *retry is set when a
 * concurrent creation of the same key won the insert race. */
/* The rules a (non-system) write must pass against the row it read, in Roblox's order:
 * session lock and fencing token, the per-key cooldown, the data store's state, then the
 * request's preconditions. */
static ds_status write_allowed(struct ds_ctx *ctx, const struct write_spec *spec,
                               const struct entry_row *row, enum store_state store, int64_t now,
                               struct ds_error *err)
{
    bool system = spec->op == WRITE_MIGRATE; /* ignores session locks and the cooldown */
    if (system && spec->skip_locked && lock_is_live(&row->lock, now))
        return ds_fail(err, 409, "LockHeld", "The entry is under a live session lock.");
    if (!system &&
        lock_check_write(&row->lock, now, spec->has_lock_token, spec->lock_token, err) != DS_OK)
        return DS_ERR;
    if (!system && row->found && admit_cooldown_blocks(ctx, row->version_us, now, err))
        return DS_ERR;
    if (store == STORE_DELETED)
        return ds_fail(err, 404, "DatastoreNotFound",
                       "The data store is deleted; undelete it before writing.");
    return check_preconditions(spec, row, err);
}

/* Stores out as the key's next version after row (creating the data store and the key when
 * they are new). commit: the final statement carries the transaction's COMMIT in the same
 * round trip. *retry: a concurrent transaction created the key first. */
static ds_status store_next_version(struct ds_ctx *ctx, struct pg_conn *db,
                                    const struct entry_ref *ref, const struct entry_row *row,
                                    enum store_state store, int64_t now, int schema_version,
                                    bool commit, struct write_outcome *out, bool *retry,
                                    struct ds_error *err)
{
    struct version_prev prev = {row->found, row->version_seq, row->version_us, row->hour_first};
    struct version_step step;
    version_step_next(&prev, now, ctx->cfg->keep_all_versions, &step);
    struct entry_write w = {
        .created_us = row->found ? row->created_us : step.version_us,
        .version_seq = step.seq,
        .version_us = step.version_us,
        .hour_first = step.hour_first,
        .deleted = out->deleted,
        .value = out->value,
        .value_len = out->value_len,
        .md5 = out->deleted ? NULL : out->md5,
        .user_ids = out->user_ids,
        .attributes = out->attributes,
        .schema_version = schema_version,
    };
    ds_status st = DS_OK;
    if (row->found) {
        if (commit) pg_commit_with_next(db);
        st = store_entry_update(db, ref, &w, step.keep_previous, err);
    } else {
        if (store == STORE_ABSENT)
            st = store_datastore_ensure(db, ref->universe, ref->datastore, step.version_us, err);
        bool inserted = false;
        if (st == DS_OK && commit) pg_commit_with_next(db);
        if (st == DS_OK) st = store_entry_insert(db, ref, &w, &inserted, err);
        if (st == DS_OK && !inserted) {
            *retry = true;
            st = DS_ERR;
        }
    }
    if (st != DS_OK) return st;
    out->changed = true;
    out->created_us = w.created_us;
    out->version_seq = w.version_seq;
    out->version_us = w.version_us;
    versionid_format(w.created_us, w.version_seq, w.version_us, out->version);
    return DS_OK;
}

/* The write inside a transaction; own_tx: the transaction is ours, so its COMMIT may go in
 * the same round trip as the final statement (see pg_commit_with_next). */
static ds_status write_in_tx(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                             const struct write_spec *spec, bool own_tx, struct write_outcome *out,
                             bool *retry, struct ds_error *err)
{
    enum store_state store;
    struct entry_row row;
    int64_t shared_time = 0;
    *retry = false;
    ds_status st = store_entry_read(db, ref, true, &store, &row,
                                    ctx->clock.is_virtual ? &shared_time : NULL, err);
    if (st != DS_OK) goto done;
    if (clock_observe_virtual(&ctx->clock, shared_time)) ctx_clock_changed(ctx);
    int64_t now = clock_now_us(&ctx->clock);
    if (spec->op == WRITE_MIGRATE && !(row.found && !row.deleted && row.schema_version >= 0 &&
                                       row.schema_version < row.schema_latest)) {
        out->changed = false; /* already migrated (by a concurrent reader) or nothing to do */
        goto done;
    }
    if ((st = write_allowed(ctx, spec, &row, store, now, err)) != DS_OK) goto done;
    if (spec->op == WRITE_REMOVE && (!row.found || row.deleted)) {
        out->changed = false; /* nothing to delete: no tombstone, no new version */
        goto done;
    }
    if (spec->op == WRITE_REMOVE && (st = keep_removed(&row, &out->removed, err)) != DS_OK)
        goto done;
    if ((st = build_outcome(spec, &row, out, err)) != DS_OK) goto done;
    int schema_version = -1;
    if ((st = migrate_outcome(db, ref, spec, row.schema_latest, out, &schema_version, err)) ==
        DS_OK)
        st = store_next_version(ctx, db, ref, &row, store, now, schema_version, own_tx, out, retry,
                                err);
done:
    entry_row_clear(&row);
    return st;
}

/* One attempt in its own transaction. */
static ds_status attempt(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                         const struct write_spec *spec, struct write_outcome *out, bool *retry,
                         struct ds_error *err)
{
    *retry = false;
    pg_begin_with_next(db); /* sent with the read: one round trip */
    ds_status st = write_in_tx(ctx, db, ref, spec, true, out, retry, err);
    bool committed = pg_committed(db); /* sent with the write */
    if (st == DS_OK && out->changed && !committed)
        st = pg_command(db, "COMMIT", err);
    else if (st != DS_OK || !out->changed)
        pg_rollback(db);
    if (st == DS_OK && out->changed && out->migrated) metrics_migration(ctx->metrics);
    return st;
}

ds_status entries_write_in_transaction(struct ds_ctx *ctx, struct pg_conn *db,
                                       const struct entry_ref *ref, const struct write_spec *spec,
                                       struct write_outcome *out, struct ds_error *err)
{
    bool retry;
    memset(out, 0, sizeof *out);
    ds_status st = write_in_tx(ctx, db, ref, spec, false, out, &retry, err);
    if (st == DS_OK && out->changed && out->migrated) metrics_migration(ctx->metrics);
    if (st != DS_OK) {
        write_outcome_free(out);
        if (retry)
            return ds_fail(err, 503, NULL, "The entry is being created concurrently; retry.");
    }
    return st;
}

ds_status entries_write(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        const struct write_spec *spec, struct write_outcome *out,
                        struct ds_error *err)
{
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
        memset(out, 0, sizeof *out);
        bool retry;
        ds_status st = attempt(ctx, db, ref, spec, out, &retry, err);
        if (st == DS_OK) return DS_OK;
        if (!retry) {
            write_outcome_free(out);
            return st;
        }
        write_outcome_free(out);
    }
    return ds_fail(err, 503, NULL, "The entry is being created concurrently; retry.");
}

ds_status entries_migrate_read(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                               struct entry_row *row, bool has_client, int client,
                               struct ds_error *err)
{
    bool behind = row->schema_version >= 0 && row->schema_version < row->schema_latest;
    if (!behind && !(has_client && client < row->schema_version)) return DS_OK;
    struct migration_chain chain;
    if (migrations_load(db, ref->universe, ref->datastore, &chain, err) != DS_OK) return DS_ERR;
    ds_status st = DS_OK;
    if (behind && ctx->cfg->migrate_on_read == MIGRATE_ON_READ_VIEW) {
        size_t len;
        st =
            migrations_apply_text(&chain, row->value, row->value_len, &row->owned_value, &len, err);
        if (st == DS_OK) {
            row->value = row->owned_value;
            row->value_len = len;
            md5_base64(row->value, row->value_len, row->owned_md5);
            row->md5 = row->owned_md5;
            row->schema_version = chain.n;
        }
    } else if (behind) {
        struct write_spec spec = {.op = WRITE_MIGRATE};
        struct write_outcome out;
        enum store_state store;
        st = entries_write(ctx, db, ref, &spec, &out, err);
        if (st == DS_OK) {
            write_outcome_free(&out);
            entry_row_clear(row);
            st = store_entry_read(db, ref, false, &store, row, NULL, err);
        }
    }
    if (st == DS_OK && has_client && client < row->schema_version)
        st = migrations_check_client(&chain, client, row->schema_version, err);
    migration_chain_free(&chain);
    return st;
}
