/* service/migrations.c — see migrations.h. */
#include "service/migrations.h"

#include <stdlib.h>
#include <string.h>

#include "core/json_doc.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "pg/query.h"
#include "store/migrations.h"

void migration_chain_free(struct migration_chain *c)
{
    for (int i = 0; i < c->n; i++)
        json_object_put(c->steps[i].patch);
    free(c->steps);
    memset(c, 0, sizeof *c);
}

ds_status migrations_load(struct pg_conn *db, int64_t universe, const char *datastore,
                          struct migration_chain *out, struct ds_error *err)
{
    memset(out, 0, sizeof *out);
    PGresult *r;
    if (store_migrations_list(db, universe, datastore, &r, err) != DS_OK) return DS_ERR;
    int n = PQntuples(r);
    out->steps = n ? calloc((size_t)n, sizeof *out->steps) : NULL;
    if (n && !out->steps) {
        PQclear(r);
        return ds_fail(err, 500, NULL, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        out->steps[i].step = (int)pg_i64(r, i, 0);
        struct ds_error why;
        if (json_doc_parse(PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1), &out->steps[i].patch,
                           &why) != DS_OK)
            out->steps[i].patch = NULL; /* stored by the admin API, which checked it */
        out->steps[i].backwards_compatible = pg_bool(r, i, 2);
        out->n = i + 1;
    }
    PQclear(r);
    return DS_OK;
}

ds_status migrations_apply_text(const struct migration_chain *c, const char *text, size_t len,
                                char **out, size_t *out_len, struct ds_error *err)
{
    struct json_object *v = NULL;
    struct ds_error why;
    if (json_doc_parse(text, len, &v, &why) != DS_OK)
        return ds_fail(err, 409, "MigrationFailed", "The stored value cannot be migrated: %s",
                       why.message);
    ds_status st = migration_run(&v, c->steps, c->n, err);
    if (st == DS_OK) {
        const char *s = json_doc_text(v, out_len);
        *out = s ? strndup(s, *out_len) : NULL;
        if (!*out)
            st = ds_fail(err, 500, NULL, "out of memory");
        else if (*out_len > LIMIT_VALUE_BYTES) {
            free(*out);
            *out = NULL;
            st = ds_fail(err, 409, "MigrationFailed", "The migrated value would exceed 4 MiB.");
        }
    }
    json_object_put(v);
    return st;
}

ds_status migrations_check_client(const struct migration_chain *c, int client, int version,
                                  struct ds_error *err)
{
    for (int step = client + 1; step <= version && step <= c->n; step++)
        if (!c->steps[step - 1].backwards_compatible)
            return ds_fail(err, 409, "SchemaTooNew",
                           "The data is at _version %d; a client that understands %d cannot use "
                           "it (step %d is not backwards-compatible).",
                           version, client, step);
    return DS_OK;
}

int migrations_version_of_text(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    if (i >= len || text[i] != '{') return -1;
    size_t off, vlen;
    int64_t v;
    if (!json_text_member(text, len, "_version", &off, &vlen)) return 0;
    for (size_t k = 0; k < vlen; k++) /* an integer, as migration_version_of reads it */
        if (text[off + k] < '0' || text[off + k] > '9') return 0;
    if (!parse_integral(text + off, vlen, &v)) return 0;
    return v > 1000000 ? 1000000 : (int)v;
}
