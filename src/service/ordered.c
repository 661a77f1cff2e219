/* service/ordered.c — see ordered.h. */
#include "service/ordered.h"

#include "pg/query.h"
#include "service/admission.h"

static ds_status run_op(struct pg_conn *db, const struct entry_ref *ref, enum ordered_write_op op,
                        int64_t value, int64_t expected, int64_t now, struct ordered_result *out,
                        struct ds_error *err)
{
    switch (op) {
    case ORDERED_SET_IF:
        return store_ordered_set_if(db, ref, value, expected, now, out, err);
    case ORDERED_CREATE:
        return store_ordered_create(db, ref, value, now, out, err);
    case ORDERED_SET:
        return store_ordered_set(db, ref, value, false, now, out, err);
    case ORDERED_UPSERT:
        return store_ordered_set(db, ref, value, true, now, out, err);
    case ORDERED_INCREMENT:
        return store_ordered_increment(db, ref, value, now, out, err);
    case ORDERED_DELETE: /* out: the removed value, if there was one */
        return store_ordered_delete(db, ref, out, err);
    }
    return ds_fail(err, 500, NULL, "unknown ordered operation");
}

ds_status ordered_write(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        enum ordered_write_op op, int64_t value, int64_t expected,
                        struct ordered_result *out, struct ds_error *err)
{
    if (ctx->write_cooldown <= 0)
        return run_op(db, ref, op, value, expected, clock_now_us(&ctx->clock), out, err);
    /* Two round trips: BEGIN with the locking read, COMMIT with the write. */
    pg_begin_with_next(db);
    int64_t shared_time, last_write;
    bool exists;
    ds_status st = store_ordered_lock(db, ref, &exists, &last_write, &shared_time, err);
    if (st == DS_OK) {
        if (clock_observe_virtual(&ctx->clock, shared_time)) ctx_clock_changed(ctx);
        int64_t now = clock_now_us(&ctx->clock);
        if (exists && admit_cooldown_blocks(ctx, last_write, now, err)) {
            st = DS_ERR;
        } else {
            pg_commit_with_next(db);
            st = run_op(db, ref, op, value, expected, now, out, err);
        }
    }
    bool committed = pg_committed(db);
    if (st == DS_OK && !committed)
        st = pg_command(db, "COMMIT", err);
    else if (st != DS_OK)
        pg_rollback(db);
    return st;
}

ds_status ordered_read(struct pg_conn *db, const struct entry_ref *ref, struct ordered_result *out,
                       struct ds_error *err)
{
    return store_ordered_get(db, ref, out, err);
}

ds_status ordered_sorted_page(struct pg_conn *db, int64_t universe, const char *datastore,
                              const char *scope, bool descending, int64_t min, int64_t max,
                              int64_t after_value, const char *after_key, int limit,
                              ordered_row_fn fn, void *arg, struct ds_error *err)
{
    return store_ordered_list(db, universe, datastore, scope, descending, min, max, after_value,
                              after_key, limit, fn, arg, err);
}
