/* api/ops.c — GET /healthz (the process answers) and GET /readyz (database reachable,
 * schema at the version this binary expects, not draining). */
#include "api/ops.h"

#include <json-c/json.h>

#include "http/reply.h"
#include "pg/schema.h"
#include "store/service_state.h"

void ops_healthz(struct ds_request *req)
{
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
    if (store_schema_version(req->db, &version, &err) != DS_OK) {
        reply_error(req, &err);
        return;
    }
    if (version < schema_latest_version()) {
        reply_fail(req, 503, NULL, "Database schema is at version %d; this build needs %d.",
                   version, schema_latest_version());
        return;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ready"));
    json_object_object_add(o, "schemaVersion", json_object_new_int(version));
    reply_json(req, 200, o);
}
