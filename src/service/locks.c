/* service/locks.c — see locks.h. */
#include "service/locks.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "pg/query.h"
#include "service/datastores.h"
#include "store/locks.h"

void locks_wait_key(const struct entry_ref *ref, char *out, size_t cap)
{
    snprintf(out, cap, "lock\x1f%lld\x1f%s\x1f%s\x1f%s", (long long)ref->universe, ref->datastore,
             ref->scope, ref->key);
}

/* BEGIN, lock row for update, adopt the shared clock; returns now. */
static ds_status begin(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                       struct lock_row *row, int64_t *now, struct ds_error *err)
{
    if (pg_command(db, "BEGIN", err) != DS_OK) return DS_ERR;
    if (store_lock_read_for_update(db, ref, row, err) != DS_OK) {
        pg_rollback(db);
        return DS_ERR;
    }
    if (clock_observe_virtual(&ctx->clock, row->clock_virtual_us)) ctx_clock_changed(ctx);
    *now = clock_now_us(&ctx->clock);
    return DS_OK;
}

/* COMMIT on success, else ROLLBACK. A key's first lock row also changes what this instance's
 * metadata cache says of its data store (others hear it from the announcement). */
static ds_status finish(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        struct lock_row *row, ds_status st, struct ds_error *err)
{
    bool created = row->created;
    lock_row_clear(row);
    if (st == DS_OK)
        st = pg_command(db, "COMMIT", err);
    else
        pg_rollback(db);
    if (created) datastores_forget(ctx, ref->universe, ref->datastore);
    return st;
}

static void grant(struct lock_grant *out, const char *owner, int64_t token, int64_t expires)
{
    snprintf(out->owner, sizeof out->owner, "%s", owner);
    out->token = token;
    out->expires_us = expires;
}

static ds_status held_error(const struct lock_state *l, struct ds_error *err)
{
    char until[48];
    rfc3339_format(l->expires_us, false, until, sizeof until);
    ds_fail(err, 409, "LockHeld", "The entry is locked by %.64s until %s.", l->owner, until);
    err->retry_at_us = l->expires_us;
    return DS_ERR;
}

ds_status locks_acquire(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        const char *owner, int64_t ttl_us, enum lock_mode mode,
                        struct lock_grant *out, struct ds_error *err)
{
    struct lock_row row;
    int64_t now;
    if (begin(ctx, db, ref, &row, &now, err) != DS_OK) return DS_ERR;
    const struct lock_state *l = &row.state;
    bool live = lock_is_live(l, now);
    ds_status st = DS_OK;
    int64_t token = l->token;
    if (live && !strcmp(l->owner, owner)) {
        /* renewal by the holder: same token */
    } else if (live && mode != LOCK_MODE_STEAL) {
        st = held_error(l, err);
    } else {
        token = l->token + 1; /* free, expired, released or stolen: a new, higher token */
    }
    if (st == DS_OK) st = store_lock_write(db, ref, owner, token, now + ttl_us, false, NULL, err);
    if (st == DS_OK) grant(out, owner, token, now + ttl_us);
    return finish(ctx, db, ref, &row, st, err);
}

ds_status locks_renew(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                      int64_t token, int64_t ttl_us, struct lock_grant *out, struct ds_error *err)
{
    struct lock_row row;
    int64_t now;
    if (begin(ctx, db, ref, &row, &now, err) != DS_OK) return DS_ERR;
    const struct lock_state *l = &row.state;
    ds_status st;
    if (token != l->token || l->released)
        st = ds_fail(err, 409, "LockLost", "Token %lld does not hold this lock (current: %lld%s).",
                     (long long)token, (long long)l->token, l->released ? ", released" : "");
    else if (!lock_is_live(l, now))
        st = ds_fail(err, 409, "LockLost", "The lock expired; acquire it again.");
    else
        st = store_lock_write(db, ref, l->owner, token, now + ttl_us, false, NULL, err);
    if (st == DS_OK) grant(out, l->owner, token, now + ttl_us);
    return finish(ctx, db, ref, &row, st, err);
}

ds_status locks_release(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        int64_t token, const struct write_spec *final,
                        struct write_outcome *written, struct ds_error *err)
{
    struct lock_row row;
    int64_t now;
    if (written) memset(written, 0, sizeof *written);
    if (begin(ctx, db, ref, &row, &now, err) != DS_OK) return DS_ERR;
    const struct lock_state *l = &row.state;
    ds_status st = DS_OK;
    /* The holder of the current token may always release, even after expiry, as long as
     * nobody took the lock since (its token would be higher). */
    if (token != l->token || l->released)
        st = ds_fail(err, 409, "LockLost", "Token %lld does not hold this lock (current: %lld%s).",
                     (long long)token, (long long)l->token, l->released ? ", released" : "");
    if (st == DS_OK && final) st = entries_write_in_transaction(ctx, db, ref, final, written, err);
    char key[256];
    locks_wait_key(ref, key, sizeof key);
    if (st == DS_OK) st = store_lock_write(db, ref, l->owner, token, now, true, key, err);
    if (st != DS_OK && written) write_outcome_free(written);
    return finish(ctx, db, ref, &row, st, err);
}
