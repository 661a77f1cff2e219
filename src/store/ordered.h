/* store/ordered.h — SQL for ordered data stores. Each operation is one statement, so each is
 * atomic on its own (increments and upserts included). */
#ifndef DS_STORE_ORDERED_H
#define DS_STORE_ORDERED_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"
#include "store/entries.h"

extern const struct pg_statement ordered_statements[];

/* Outcome of a single-entry operation. */
struct ordered_result {
    bool found;    /* the entry exists after (or, for get/delete, before) the operation */
    int64_t value; /* its value */
};

ds_status store_ordered_get(struct pg_conn *db, const struct entry_ref *ref,
                            struct ordered_result *out, struct ds_error *err) DS_MUSTCHECK;
/* Inserts; out->found is false if the entry already existed (nothing written). */
ds_status store_ordered_create(struct pg_conn *db, const struct entry_ref *ref, int64_t value,
                               int64_t now_us, struct ordered_result *out,
                               struct ds_error *err) DS_MUSTCHECK;
/* Sets the value; with allow_missing a missing entry is created, else out->found is false. */
ds_status store_ordered_set(struct pg_conn *db, const struct entry_ref *ref, int64_t value,
                            bool allow_missing, int64_t now_us, struct ordered_result *out,
                            struct ds_error *err) DS_MUSTCHECK;
/* Adds amount (missing entry = 0). Overflow is 400. */
/* Sets the value only while it is still expected (compare-and-set); out->found false if the
 * entry is missing or holds another value. */
ds_status store_ordered_set_if(struct pg_conn *db, const struct entry_ref *ref, int64_t value,
                               int64_t expected, int64_t now_us, struct ordered_result *out,
                               struct ds_error *err) DS_MUSTCHECK;
ds_status store_ordered_increment(struct pg_conn *db, const struct entry_ref *ref, int64_t amount,
                                  int64_t now_us, struct ordered_result *out,
                                  struct ds_error *err) DS_MUSTCHECK;
/* In a transaction: locks the entry (if it exists) and reads its last write time and the
 * shared virtual time. */
ds_status store_ordered_lock(struct pg_conn *db, const struct entry_ref *ref, bool *exists,
                             int64_t *updated_us, int64_t *clock_virtual_us,
                             struct ds_error *err) DS_MUSTCHECK;
ds_status store_ordered_delete(struct pg_conn *db, const struct entry_ref *ref,
                               struct ordered_result *out, struct ds_error *err) DS_MUSTCHECK;

/* One page in value order with min <= value <= max, strictly after (after_value, after_key)
 * in the direction of the page (no cursor: after_key NULL). Columns: 0 key, 1 value. */
/* One entry of a sorted page; key is valid during the callback only. */
struct ordered_row {
    const char *key;
    int64_t value;
};
typedef bool (*ordered_row_fn)(const struct ordered_row *row, void *arg); /* false: stop */

ds_status store_ordered_list(struct pg_conn *db, int64_t universe, const char *datastore,
                             const char *scope, bool descending, int64_t min, int64_t max,
                             int64_t after_value, const char *after_key, int limit,
                             ordered_row_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;

#endif
