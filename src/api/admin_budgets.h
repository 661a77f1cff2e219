/* api/admin_budgets.h — request budgets and queues, for tests and operators. */
#ifndef DS_API_ADMIN_BUDGETS_H
#define DS_API_ADMIN_BUDGETS_H

#include "http/request.h"

void admin_budgets_get(struct ds_request *req);
void admin_players_put(struct ds_request *req);
void admin_queues_get(struct ds_request *req);

#endif
