/* pg/schema.h — the service's own schema: migrations/NNN_name.sql, compiled into the binary,
 * applied in order at start, each once, under an advisory lock. */
#ifndef DS_PG_SCHEMA_H
#define DS_PG_SCHEMA_H

#include <libpq-fe.h>
#include <stddef.h>

#include "core/error.h"

struct schema_migration {
    int version;      /* NNN of the file name */
    const char *name; /* the rest of the file name */
    const char *sql;  /* file contents */
};

/* Generated from migrations/ by cmake/embed_migrations.cmake, sorted by version. */
extern const struct schema_migration schema_migrations[];
extern const size_t schema_migration_count;

/* Highest version this binary knows. */
int schema_latest_version(void);
/* Applies pending migrations; returns how many it applied through *applied (may be NULL). */
ds_status schema_migrate(PGconn *conn, int *applied, char *err, size_t cap) DS_MUSTCHECK;

#endif
