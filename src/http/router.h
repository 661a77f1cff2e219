/* http/router.h — the route table (method + path pattern → handler, with the API family,
 * operation and permission that later pipeline stages use) and the path matcher. */
#ifndef DS_HTTP_ROUTER_H
#define DS_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/budget.h"
#include "http/request.h"

/* Which wire format a route speaks (decides error envelopes and fault matching). */
enum route_family {
    FAMILY_OPS,
    FAMILY_V1,         /* /datastores/v1 standard */
    FAMILY_V2,         /* /cloud/v2 standard */
    FAMILY_ORDERED_V1, /* /ordered-data-stores/v1 */
    FAMILY_ORDERED_V2, /* /cloud/v2 ordered */
    FAMILY_ADMIN,      /* /admin/v1 */
};

/* DataStore operation a route performs (fault matching, budgets, metrics). */
enum ds_op {
    OP_NONE,
    OP_GET,
    OP_SET,
    OP_UPDATE,
    OP_INCREMENT,
    OP_REMOVE,
    OP_LIST,
    OP_LIST_VERSIONS,
    OP_GET_VERSION,
    OP_SORTED,
    OP_LOCK,
    OP_LIST_STORES,
    OP_DELETE_STORE,
};

#define ROUTE_DB (1u << 0) /* the handler needs a database connection */

typedef void (*route_handler)(struct ds_request *req);

struct route {
    const char *method;
    const char *pattern; /* "/a/{name}/b/{entry_id}:verb"; captures are whole segments */
    enum route_family family;
    enum ds_op op;
    const char *permission; /* Open Cloud permission the route needs; NULL = none */
    unsigned flags;         /* ROUTE_* */
    route_handler handler;
};

extern const struct route routes[];
extern const size_t route_count;

/* Matches req->method/req->path. On success sets req->route and req->params (decoded) and
 * returns true. Otherwise req->route stays NULL; req->allowed lists the methods the path
 * accepts ("" when no route has this path). *bad_escape is set if a capture held a malformed
 * percent-escape or a NUL byte. */
bool router_match(struct ds_request *req, bool *bad_escape);

/* Budget types a route spends (UpdateAsync spends read and write) into out; returns how
 * many (0 for routes outside the data API). */
int route_budget_types(const struct route *r, enum budget_type out[2]);

#endif
