/* api/ops.c — GET /healthz (the process answers; fails only when the embedded PostgreSQL
 * stayed down past the supervisor's bound) and GET /readyz (database reachable, schema at
 * the version this binary expects, not draining). */
#include "api/ops.h"

#include <json-c/json.h>

#include "http/reply.h"
#include "service/health.h"

void ops_healthz(struct ds_request *req)
{
    int64_t down_us = ctx_database_down_us(req->ctx);
    if (down_us > PG_SUPERVISOR_GIVE_UP_US) { /* restarting the process may help */
        reply_fail(req, 503, NULL,
                   "The embedded PostgreSQL has been down for %.0f s and every restart failed "
                   "(see the log).",
                   (double)down_us / 1e6);
        return;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ok"));
    reply_json(req, 200, o);
}

void ops_readyz(struct ds_request *req)
{
    struct ds_error err;
    int version = 0;
    if (atomic_load(&req->ctx->draining)) {
        reply_fail(req, 503, NULL, "The server is shutting down.");
        return;
    }
    int latest;
    bool current;
    if (health_schema(req->db, &version, &latest, &current, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (!current) {
        reply_fail(req, 503, NULL, "Database schema is at version %d; this build needs %d.",
                   version, latest);
        return;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ready"));
    json_object_object_add(o, "schemaVersion", json_object_new_int(version));
    json_object_object_add(o, "database",
                           json_object_new_string(req->ctx->supervisor ? "embedded" : "external"));
    reply_json(req, 200, o);
}
