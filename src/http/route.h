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

/* Which parts of an entry address a route carries (in the query for v1, in the path
 * otherwise); the pipeline's address stage reads and validates them into req->ref. */
enum route_address {
    ADDR_NONE,
    ADDR_STORE,     /* a data store */
    ADDR_SCOPE,     /* a data store's scope (default "global") */
    ADDR_ANY_SCOPE, /* ADDR_SCOPE, or every scope with "-" (v2 entry listing) */
    ADDR_CREATE,    /* ADDR_SCOPE and the new key in ?id= */
    ADDR_KEY,       /* ADDR_SCOPE and a key */
    ADDR_REVISION,  /* ADDR_KEY, the key optionally followed by "@revision" (v2 get) */
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
    enum route_address address;
};

#endif
