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
#include "service/migrations.h"

#define MAX_STEP 100000

static bool name_and_step_or_reply(struct ds_request *req, const char **ds, int *step)
{
    *ds = req->ref.datastore; /* validated by the address stage */
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

/* {"step","patch","backwardsCompatible","applied"} onto the array arg. */
static bool add_step_view(const struct migration_step_row *row, void *arg)
{
    struct json_object *s = json_object_new_object();
    if (!s) return false;
    json_object_object_add(s, "step", json_object_new_int(row->step));
    json_object_object_add(s, "patch", json_tokener_parse(row->patch));
    json_object_object_add(s, "backwardsCompatible",
                           json_object_new_boolean(row->backwards_compatible));
    json_object_object_add(s, "applied", json_object_new_boolean(row->applied));
    return json_object_array_add(arg, s) == 0;
}

void admin_migrations_get(struct ds_request *req)
{
    const char *ds;
    if (!name_and_step_or_reply(req, &ds, NULL)) return;
    struct ds_error err;
    struct json_object *steps = json_object_new_array();
    if (!steps ||
        migrations_steps(req->db, req->universe_id, ds, add_step_view, steps, &err) != DS_OK) {
        json_object_put(steps);
        if (steps)
            reply_error(req, &err);
        else
            reply_fail(req, 500, NULL, "Out of memory.");
        return;
    }
    int n = (int)json_object_array_length(steps);
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
    ds_status st = migrations_put_step(req->ctx, req->db, req->universe_id, ds, step, text,
                                       compatible, clock_now_us(&req->ctx->clock), &err);
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
    if (migrations_delete_step(req->ctx, req->db, req->universe_id, ds, step, &err) != DS_OK)
        reply_error(req, &err);
    else
        reply_json(req, 200, json_object_new_object());
}

/* The run's progress: {"state","targetVersion","total","done","failed","skippedLocked",
 * "ratePerSecond","errors":[{"scope","key","reason"}]}. */
static void reply_run(struct ds_request *req, const char *ds)
{
    struct migration_run run;
    struct ds_error err;
    if (migrations_run_status(req->db, req->universe_id, ds, &run, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (!run.found) {
        migration_run_clear(&run);
        reply_fail(req, 404, NULL, "This data store has no migration run.");
        return;
    }
    int64_t elapsed_us = run.updated_us - run.started_us;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "state", json_object_new_string(run.state));
    json_object_object_add(o, "targetVersion", json_object_new_int(run.target_version));
    json_object_object_add(o, "total", json_object_new_int64(run.total));
    json_object_object_add(o, "done", json_object_new_int64(run.done));
    json_object_object_add(o, "failed", json_object_new_int64(run.failed));
    json_object_object_add(o, "skippedLocked", json_object_new_int64(run.skipped_locked));
    json_object_object_add(
        o, "ratePerSecond",
        json_object_new_double(elapsed_us > 0 ? (double)run.done * 1e6 / (double)elapsed_us : 0));
    json_object_object_add(o, "errors", json_tokener_parse(run.errors));
    migration_run_clear(&run);
    reply_json(req, 200, o);
}

void admin_migration_run_start(struct ds_request *req)
{
    const char *ds;
    if (!name_and_step_or_reply(req, &ds, NULL)) return;
    struct ds_error err;
    if (migrations_run_start(req->db, req->universe_id, ds, clock_now_us(&req->ctx->clock), &err) !=
        DS_OK) {
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
