/* dispatch/address.h — the one reader of entry addresses. After routing, address_read fills
 * req->ref from where the route's family keeps it (v1: datastoreName, scope, entryKey in the
 * query; v2 and ordered: {data_store_id}, {scope_id}, {entry_id} in the path, or ?id= for a
 * create), applying the "global" default scope once; authorization and fault matching read
 * it as sent. The address stage then validates it as the route's shape requires (400 with
 * Roblox's codes), so handlers, budgets and metrics get a valid address or never run. */
#ifndef DS_DISPATCH_ADDRESS_H
#define DS_DISPATCH_ADDRESS_H

#include <stdbool.h>

#include "http/request.h"

void address_read(struct ds_request *req);
/* The pipeline stage: true when the route has no address or it is valid; else replies. */
bool address_stage(struct ds_request *req);

#endif
