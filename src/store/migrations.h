/* store/migrations.h — SQL for a data store's _version migration chain. */
#ifndef DS_STORE_MIGRATIONS_H
#define DS_STORE_MIGRATIONS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement migrations_statements[];

/* One step of a chain; the strings are valid during the callback only. */
struct migration_step_row {
    int step;
    const char *patch; /* JSON text */
    size_t patch_len;
    bool backwards_compatible, applied;
};
typedef bool (*migration_step_fn)(const struct migration_step_row *row,
                                  void *arg); /* false: stop */

/* The chain's steps in order, each passed to fn (stopping when it returns false: 500). */
ds_status store_migration_steps(struct pg_conn *db, int64_t universe, const char *datastore,
                                migration_step_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
/* Inserts or replaces step n inside a transaction the function holds itself, enforcing the
 * chain's rules: contiguous from 1 (n <= latest + 1), an applied step is never replaced.
 * Violations are 400 / 409. */
ds_status store_migration_put(struct pg_conn *db, int64_t universe, const char *datastore, int step,
                              const char *patch, bool backwards_compatible, int64_t now_us,
                              struct ds_error *err) DS_MUSTCHECK;
/* Deletes step n: only the last step, only if never applied (404 / 409 otherwise). */
ds_status store_migration_delete(struct pg_conn *db, int64_t universe, const char *datastore,
                                 int step, struct ds_error *err) DS_MUSTCHECK;

/* Marks steps (from, to] applied (they migrated stored data). */
ds_status store_migrations_mark_applied(struct pg_conn *db, int64_t universe, const char *datastore,
                                        int from, int to, struct ds_error *err) DS_MUSTCHECK;

#endif
