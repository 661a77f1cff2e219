/* api/admin_clock.h — the service clock: GET /admin/v1/clock, :advance, :set. */
#ifndef DS_API_ADMIN_CLOCK_H
#define DS_API_ADMIN_CLOCK_H

#include "http/request.h"

void admin_clock_get(struct ds_request *req);
void admin_clock_advance(struct ds_request *req);
void admin_clock_set(struct ds_request *req);

#endif
