/* pg/schema.c — applies embedded SQL migrations once each, serialised across instances by a
 * session advisory lock; each migration and its bookkeeping row commit together. */
#include "pg/schema.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

/* Advisory lock key: "dstored" as bytes; any constant shared by all instances works. */
#define SCHEMA_LOCK_KEY "7238906237383268"

int schema_latest_version(void)
{
    return schema_migration_count ? schema_migrations[schema_migration_count - 1].version : 0;
}

static bool exec_ok(PGconn *c, const char *sql, char *err, size_t cap)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok) snprintf(err, cap, "%s", PQerrorMessage(c));
    PQclear(r);
    return ok;
}

static bool is_applied(PGconn *c, int version, bool *applied, char *err, size_t cap)
{
    char v[16];
    snprintf(v, sizeof v, "%d", version);
    const char *params[] = {v};
    PGresult *r = PQexecParams(c, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, NULL,
                               params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (ok)
        *applied = PQntuples(r) > 0;
    else
        snprintf(err, cap, "%s", PQerrorMessage(c));
    PQclear(r);
    return ok;
}

static bool apply_one(PGconn *c, const struct schema_migration *m, char *err, size_t cap)
{
    char v[16];
    snprintf(v, sizeof v, "%d", m->version);
    const char *params[] = {v, m->name};
    if (!exec_ok(c, "BEGIN", err, cap)) return false;
    if (!exec_ok(c, m->sql, err, cap)) goto fail;
    PGresult *r = PQexecParams(c,
                               "INSERT INTO schema_migrations (version, name, applied_at) "
                               "VALUES ($1, $2, now())",
                               2, NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) snprintf(err, cap, "%s", PQerrorMessage(c));
    PQclear(r);
    if (!ok) goto fail;
    return exec_ok(c, "COMMIT", err, cap);
fail:;
    char ignored[8];
    exec_ok(c, "ROLLBACK", ignored, sizeof ignored);
    return false;
}

ds_status schema_migrate(PGconn *c, int *applied_count, char *err, size_t cap)
{
    int applied_now = 0;
    char inner[1024] = "";
    const struct schema_migration *failed = NULL;
    PGresult *r = PQexec(c, "SHOW server_encoding");
    bool utf8 = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
                strcmp(PQgetvalue(r, 0, 0), "UTF8") == 0;
    PQclear(r);
    if (!utf8) {
        snprintf(err, cap,
                 "the database must use UTF8 encoding (CREATE DATABASE ... ENCODING 'UTF8')");
        return DS_ERR;
    }
    if (!exec_ok(c, "SELECT pg_advisory_lock(" SCHEMA_LOCK_KEY ")", inner, sizeof inner)) {
        snprintf(err, cap, "cannot take the schema lock: %s", inner);
        return DS_ERR;
    }
    bool ok = exec_ok(c,
                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      " version integer PRIMARY KEY, name text NOT NULL,"
                      " applied_at timestamptz NOT NULL)",
                      inner, sizeof inner);
    for (size_t i = 0; ok && i < schema_migration_count; i++) {
        const struct schema_migration *m = &schema_migrations[i];
        bool done = false;
        ok = is_applied(c, m->version, &done, inner, sizeof inner);
        if (!ok || done) continue;
        ok = apply_one(c, m, inner, sizeof inner);
        if (ok) {
            applied_now++;
            log_info("applied schema migration %03d_%s", m->version, m->name);
        } else {
            failed = m;
        }
    }
    char ignored[8];
    exec_ok(c, "SELECT pg_advisory_unlock(" SCHEMA_LOCK_KEY ")", ignored, sizeof ignored);
    if (!ok) {
        if (failed)
            snprintf(err, cap, "schema migration %03d_%s failed: %s", failed->version, failed->name,
                     inner);
        else
            snprintf(err, cap, "schema migration failed: %s", inner);
        return DS_ERR;
    }
    if (applied_count) *applied_count = applied_now;
    return DS_OK;
}
