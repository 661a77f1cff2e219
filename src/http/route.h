/* http/route.h — what a request is routed to: the route row type (method, pattern, API
 * family, operation, permission, handler). The table itself is dispatch/router.c. */
#ifndef DS_HTTP_ROUTE_H
#define DS_HTTP_ROUTE_H

struct ds_request;

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

#endif
