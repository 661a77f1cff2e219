/* dispatch/router.h — the route table (method + path pattern → handler, with the API family,
 * operation and permission that later pipeline stages use) and the path matcher. */
#ifndef DS_DISPATCH_ROUTER_H
#define DS_DISPATCH_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/budget.h"
#include "http/request.h"
#include "http/route.h"

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
