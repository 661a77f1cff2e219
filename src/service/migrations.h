/* service/migrations.h — a data store's _version chain loaded for use, and the checks that
 * apply it: migrating a value, and whether a client that understands version N may see or
 * write data at the latest version. */
#ifndef DS_SERVICE_MIGRATIONS_H
#define DS_SERVICE_MIGRATIONS_H

#include "context.h"
#include "core/migrate.h"
#include "pg/pool.h"
#include "store/migration_runs.h"
#include "store/migrations.h"

struct migration_chain {
    int n;                        /* latest version */
    struct migration_step *steps; /* steps[i] is step i+1; patches owned */
};

ds_status migrations_load(struct pg_conn *db, int64_t universe, const char *datastore,
                          struct migration_chain *out, struct ds_error *err) DS_MUSTCHECK;
void migration_chain_free(struct migration_chain *c);

/* The admin API's use cases of a chain: its steps (each to fn), setting step n (the store
 * enforces the chain's rules: contiguous, an applied step is never replaced) and deleting
 * the last one; and the eager run: start it toward the latest version (400 without a
 * chain), and read its progress (out->found false when never run; migration_run_clear). */
ds_status migrations_steps(struct pg_conn *db, int64_t universe, const char *datastore,
                           migration_step_fn fn, void *arg, struct ds_error *err) DS_MUSTCHECK;
ds_status migrations_put_step(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                              const char *datastore, int step, const char *patch,
                              bool backwards_compatible, int64_t now_us,
                              struct ds_error *err) DS_MUSTCHECK;
ds_status migrations_delete_step(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                                 const char *datastore, int step,
                                 struct ds_error *err) DS_MUSTCHECK;
ds_status migrations_run_start(struct pg_conn *db, int64_t universe, const char *datastore,
                               int64_t now_us, struct ds_error *err) DS_MUSTCHECK;
ds_status migrations_run_status(struct pg_conn *db, int64_t universe, const char *datastore,
                                struct migration_run *out, struct ds_error *err) DS_MUSTCHECK;

/* Migrates JSON text at version `from` up the chain into a newly allocated compact text
 * (*out, *out_len). 409 MigrationFailed when a step fails. */
ds_status migrations_apply_text(const struct migration_chain *c, const char *text, size_t len,
                                char **out, size_t *out_len, struct ds_error *err) DS_MUSTCHECK;

/* A client that understands version `client` (x-schema-version) may use data at `version`
 * when client >= version or every step in (client, version] is backwards-compatible;
 * otherwise 409 SchemaTooNew. */
ds_status migrations_check_client(const struct migration_chain *c, int client, int version,
                                  struct ds_error *err) DS_MUSTCHECK;

/* _version of a JSON text without parsing it all: -1 when it is not an object. */
int migrations_version_of_text(const char *text, size_t len);

#endif
