/* api/admin_migrations.c — managing migration chains. PUT body: a JSON Patch array, or
 * {"patch": [...], "backwardsCompatible": true}. */
#include "api/admin_migrations.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/json_doc.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "core/migrate.h"
#include "http/reply.h"
#include "pg/query.h"
#include "store/migration_runs.h"
#include "store/migrations.h"

#define MAX_STEP 100000

static bool name_and_step_or_reply(struct ds_request *req, const char **ds, int *step)
{
    struct ds_error err;
    *ds = req_param(req, "data_store_id");
    if (check_datastore_name(*ds, &err) != DS_OK) {
        reply_error(req, &err);
        return false;
    }
    const char *n = req_param(req, "step");
    if (!step || !n) return true;
    int64_t v;
    if (!parse_decimal(n, &v) || v < 1 || v > MAX_STEP) {
        reply_fail(req, 400, NULL, "The step must be an integer from 1 to %d.", MAX_STEP);
        return false;
    }
    *step = (int)v;
    return true;
}

void admin_migrations_get(struct ds_request *req)
{
    const char *ds;
    if (!name_and_step_or_reply(req, &ds, NULL)) return;
    PGresult *r;
    struct ds_error err;
    if (store_migrations_list(req->db, req->universe_id, ds, &r, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    struct json_object *steps = json_object_new_array();
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        struct json_object *s = json_object_new_object();
        json_object_object_add(s, "step", json_object_new_int((int)pg_i64(r, i, 0)));
        json_object_object_add(s, "patch", json_tokener_parse(PQgetvalue(r, i, 1)));
        json_object_object_add(s, "backwardsCompatible", json_object_new_boolean(pg_bool(r, i, 2)));
        json_object_object_add(s, "applied", json_object_new_boolean(pg_bool(r, i, 3)));
        json_object_array_add(steps, s);
    }
    PQclear(r);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "dataStore", json_object_new_string(ds));
    json_object_object_add(o, "latestVersion", json_object_new_int(n));
    json_object_object_add(o, "steps", steps);
    reply_json(req, 200, o);
}

void admin_migration_put(struct ds_request *req)
{
    const char *ds;
    int step = 0;
    if (!name_and_step_or_reply(req, &ds, &step)) return;
    struct json_object *doc = NULL, *v;
    struct ds_error err;
    if (json_doc_parse(req->body, req->body_len, &doc, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    struct json_object *patch = doc;
    bool compatible = false;
    if (json_object_is_type(doc, json_type_object)) {
        patch = json_object_object_get_ex(doc, "patch", &v) ? v : NULL;
        compatible =
            json_object_object_get_ex(doc, "backwardsCompatible", &v) && json_object_get_boolean(v);
    }
    if (migration_patch_check(patch, &err) != DS_OK) {
        json_object_put(doc);
        reply_error(req, &err);
        return;
    }
    size_t text_len;
    const char *text = json_doc_text(patch, &text_len); /* the patch's own bytes */
    ds_status st = store_migration_put(req->db, req->universe_id, ds, step, text, compatible,
                                       clock_now_us(&req->ctx->clock), &err);
    if (st != DS_OK) {
        json_object_put(doc);
        reply_error(req, &err);
        return;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "step", json_object_new_int(step));
    json_object_object_add(o, "patch", json_object_get(patch));
    json_object_object_add(o, "backwardsCompatible", json_object_new_boolean(compatible));
    json_object_object_add(o, "applied", json_object_new_boolean(0));
    json_object_put(doc);
    reply_json(req, 200, o);
}

void admin_migration_delete(struct ds_request *req)
{
    const char *ds;
    int step = 0;
    if (!name_and_step_or_reply(req, &ds, &step)) return;
    struct ds_error err;
    if (store_migration_delete(req->db, req->universe_id, ds, step, &err) != DS_OK)
        reply_error(req, &err);
    else
        reply_json(req, 200, json_object_new_object());
}

/* The run's progress: {"state","targetVersion","total","done","failed","skippedLocked",
 * "ratePerSecond","errors":[{"scope","key","reason"}]}. */
static void reply_run(struct ds_request *req, const char *ds)
{
    PGresult *r;
    struct ds_error err;
    if (store_run_get(req->db, req->universe_id, ds, &r, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        reply_fail(req, 404, NULL, "This data store has no migration run.");
        return;
    }
    int64_t done = pg_i64(r, 0, 3), elapsed_us = pg_i64(r, 0, 8) - pg_i64(r, 0, 7);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "state", json_object_new_string(PQgetvalue(r, 0, 1)));
    json_object_object_add(o, "targetVersion", json_object_new_int((int)pg_i64(r, 0, 0)));
    json_object_object_add(o, "total", json_object_new_int64(pg_i64(r, 0, 2)));
    json_object_object_add(o, "done", json_object_new_int64(done));
    json_object_object_add(o, "failed", json_object_new_int64(pg_i64(r, 0, 4)));
    json_object_object_add(o, "skippedLocked", json_object_new_int64(pg_i64(r, 0, 5)));
    json_object_object_add(o, "ratePerSecond",
                           json_object_new_double(elapsed_us > 0 ? done * 1e6 / elapsed_us : 0));
    json_object_object_add(o, "errors", json_tokener_parse(PQgetvalue(r, 0, 6)));
    PQclear(r);
    reply_json(req, 200, o);
}

void admin_migration_run_start(struct ds_request *req)
{
    const char *ds;
    if (!name_and_step_or_reply(req, &ds, NULL)) return;
    PGresult *chain;
    struct ds_error err;
    if (store_migrations_list(req->db, req->universe_id, ds, &chain, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    int latest = PQntuples(chain);
    PQclear(chain);
    if (latest == 0) {
        reply_fail(req, 400, NULL, "This data store has no migration chain to run.");
        return;
    }
    if (store_run_start(req->db, req->universe_id, ds, latest, clock_now_us(&req->ctx->clock),
                        &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    reply_run(req, ds);
}

void admin_migration_run_get(struct ds_request *req)
{
    const char *ds;
    if (name_and_step_or_reply(req, &ds, NULL)) reply_run(req, ds);
}
