/* api/admin_budgets.c — GET /admin/v1/universes/{u}/budgets (what GetRequestBudgetForRequest
 * Type would answer), PUT …/players (the player count the budget formulas use), and
 * GET /admin/v1/queues (requests parked behind write cooldowns). */
#include "api/admin_budgets.h"

#include <json-c/json.h>
#include <math.h>

#include "http/park.h"
#include "http/reply.h"
#include "service/budgets.h"

void admin_budgets_get(struct ds_request *req)
{
    double remaining[BUDGET_TYPES];
    budgets_remaining(req->ctx->budgets, req->universe_id, remaining);
    struct json_object *o = json_object_new_object();
    for (int t = 0; t < BUDGET_TYPES; t++)
        json_object_object_add(o, budget_type_name((enum budget_type)t),
                               json_object_new_int64((int64_t)floor(remaining[t])));
    reply_json(req, 200, o);
}

void admin_players_put(struct ds_request *req)
{
    struct json_object *doc = json_tokener_parse(req->body), *count;
    bool ok = json_object_is_type(doc, json_type_object) &&
              json_object_object_get_ex(doc, "count", &count) &&
              json_object_is_type(count, json_type_int) && json_object_get_int64(count) >= 0 &&
              json_object_get_int64(count) <= 1000000;
    int64_t n = ok ? json_object_get_int64(count) : 0;
    json_object_put(doc);
    if (!ok) {
        reply_fail(req, 400, NULL, "The body must be {\"count\": n} with 0 <= n <= 1000000.");
        return;
    }
    budgets_set_players(req->ctx->budgets, req->universe_id, n);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "count", json_object_new_int64(n));
    reply_json(req, 200, o);
}

void admin_queues_get(struct ds_request *req)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "parkedRequests", json_object_new_int(park_waiting(req->ctx->park)));
    reply_json(req, 200, o);
}
