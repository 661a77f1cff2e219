/* dispatch/fault_stage.h — the pipeline's fault stage: describes a data API request to the
 * fault injector and carries out what fires, the way a real failure would look on the wire:
 * error and throttle replies in the family's error format, latency and timeout holds in the
 * parking lot (no worker thread held), drops as a closed connection, and after_commit as an
 * error reply that replaces the handler's success. */
#ifndef DS_DISPATCH_FAULT_STAGE_H
#define DS_DISPATCH_FAULT_STAGE_H

#include <stdbool.h>

#include "http/request.h"

/* Returns true to continue the pipeline, false once it replied, parked or dropped. */
bool fault_stage(struct ds_request *req);

/* Called by the reply layer when a response is about to be queued: if an after_commit
 * fault is pending and the response is a success, answers the fault's error instead and
 * returns true (the caller discards its response). */
bool fault_replace_success(struct ds_request *req, unsigned status);

#endif
