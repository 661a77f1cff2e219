/* api/ops.h — operational endpoints: liveness, readiness and metrics. */
#ifndef DS_API_OPS_H
#define DS_API_OPS_H

#include "http/request.h"

void ops_healthz(struct ds_request *req);
void ops_readyz(struct ds_request *req);
/* GET /metrics (api/ops_metrics.c). */
void ops_metrics(struct ds_request *req);

#endif
