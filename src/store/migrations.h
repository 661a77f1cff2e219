/* store/migrations.h — SQL for a data store's _version migration chain. */
#ifndef DS_STORE_MIGRATIONS_H
#define DS_STORE_MIGRATIONS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement migrations_statements[];

/* The chain in step order. Columns: 0 step, 1 patch (JSON text), 2 backwards_compatible,
 * 3 applied. */
ds_status store_migrations_list(struct pg_conn *db, int64_t universe, const char *datastore,
                                PGresult **out, struct ds_error *err) DS_MUSTCHECK;
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
