/* service/ordered.h — writes to ordered entries under the service's rules: with a write
 * cooldown the write runs in a transaction that locks the row and checks its last write time
 * (reading the shared clock offset in the same round trip); without one it is one statement. */
#ifndef DS_SERVICE_ORDERED_H
#define DS_SERVICE_ORDERED_H

#include "context.h"
#include "store/ordered.h"

enum ordered_write_op {
    ORDERED_CREATE,    /* insert; out->found false if the key exists */
    ORDERED_SET,       /* update an existing entry */
    ORDERED_UPSERT,    /* insert or update */
    ORDERED_SET_IF,    /* update only while the entry holds `expected` (UpdateAsync) */
    ORDERED_INCREMENT, /* add value (a missing entry counts as 0) */
    ORDERED_DELETE,
};

/* expected: the value ORDERED_SET_IF requires (ignored by the other operations). */
/* One entry's value (out->found false when there is none). */
ds_status ordered_read(struct pg_conn *db, const struct entry_ref *ref, struct ordered_result *out,
                       struct ds_error *err) DS_MUSTCHECK;
/* A page of GetSortedAsync: entries of a scope with min <= value <= max, by value then key
 * (descending or not), after (after_value, after_key) when after_key is set, each to fn. */
ds_status ordered_sorted_page(struct pg_conn *db, int64_t universe, const char *datastore,
                              const char *scope, bool descending, int64_t min, int64_t max,
                              int64_t after_value, const char *after_key, int limit,
                              ordered_row_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
ds_status ordered_write(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        enum ordered_write_op op, int64_t value, int64_t expected,
                        struct ordered_result *out, struct ds_error *err) DS_MUSTCHECK;

#endif
