/* dispatch/pipeline.h — runs a fully received request through the ordered stages. */
#ifndef DS_DISPATCH_PIPELINE_H
#define DS_DISPATCH_PIPELINE_H

#include "http/request.h"

/* Runs every stage in order until one replies; always leaves exactly one reply queued. */
void pipeline_run(struct ds_request *req);
/* Runs a request resumed from the parking lot again, from the database stage on (routing
 * and validation already happened). */
void pipeline_resume(struct ds_request *req);

#endif
