/* api/admin_universes.h — GET /admin/v1/universes and …/{u}/ordered-data-stores. */
#ifndef DS_API_ADMIN_UNIVERSES_H
#define DS_API_ADMIN_UNIVERSES_H

#include "http/request.h"

void admin_universes_list(struct ds_request *req);
void admin_ordered_stores_list(struct ds_request *req);

#endif
