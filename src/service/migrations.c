/* service/migrations.c — see migrations.h. */
#include "service/migrations.h"

#include "service/datastores.h"

#include <stdlib.h>
#include <string.h>

#include "core/json_doc.h"
#include "core/json_text.h"
#include "core/limits.h"

void migration_chain_free(struct migration_chain *c)
{
    for (int i = 0; i < c->n; i++)
        json_object_put(c->steps[i].patch);
    free(c->steps);
    memset(c, 0, sizeof *c);
}

/* Appends one stored step to the chain being loaded. */
static bool add_step(const struct migration_step_row *row, void *arg)
{
    struct migration_chain *c = arg;
    struct migration_step *grown = realloc(c->steps, (size_t)(c->n + 1) * sizeof *c->steps);
    if (!grown) return false;
    c->steps = grown;
    struct migration_step *s = &c->steps[c->n];
    memset(s, 0, sizeof *s);
    s->step = row->step;
    struct ds_error why;
    if (json_doc_parse(row->patch, row->patch_len, &s->patch, &why) != DS_OK)
        s->patch = NULL; /* stored by the admin API, which checked it */
    s->backwards_compatible = row->backwards_compatible;
    c->n++;
    return true;
}

ds_status migrations_load(struct pg_conn *db, int64_t universe, const char *datastore,
                          struct migration_chain *out, struct ds_error *err)
{
    memset(out, 0, sizeof *out);
    if (store_migration_steps(db, universe, datastore, add_step, out, err) == DS_OK) return DS_OK;
    migration_chain_free(out);
    return DS_ERR;
}

ds_status migrations_steps(struct pg_conn *db, int64_t universe, const char *datastore,
                           migration_step_fn fn, void *arg, struct ds_error *err)
{
    return store_migration_steps(db, universe, datastore, fn, arg, err);
}

ds_status migrations_put_step(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                              const char *datastore, int step, const char *patch,
                              bool backwards_compatible, int64_t now_us, struct ds_error *err)
{
    ds_status st = store_migration_put(db, universe, datastore, step, patch, backwards_compatible,
                                       now_us, err);
    datastores_forget(ctx, universe ? universe : -1, datastore); /* universe 0: every universe */
    return st;
}

ds_status migrations_delete_step(struct ds_ctx *ctx, struct pg_conn *db, int64_t universe,
                                 const char *datastore, int step, struct ds_error *err)
{
    ds_status st = store_migration_delete(db, universe, datastore, step, err);
    datastores_forget(ctx, universe ? universe : -1, datastore);
    return st;
}

static bool count_step(const struct migration_step_row *row, void *arg)
{
    (void)row;
    ++*(int *)arg;
    return true;
}

ds_status migrations_run_start(struct pg_conn *db, int64_t universe, const char *datastore,
                               int64_t now_us, struct ds_error *err)
{
    int latest = 0;
    if (store_migration_steps(db, universe, datastore, count_step, &latest, err) != DS_OK)
        return DS_ERR;
    if (latest == 0)
        return ds_fail(err, 400, NULL, "This data store has no migration chain to run.");
    return store_run_start(db, universe, datastore, latest, now_us, err);
}

ds_status migrations_run_status(struct pg_conn *db, int64_t universe, const char *datastore,
                                struct migration_run *out, struct ds_error *err)
{
    return store_run_get(db, universe, datastore, out, err);
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
