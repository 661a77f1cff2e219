/* api/ordered.h — ordered data stores (GetSortedAsync and friends), Open Cloud ordered v1
 * (/ordered-data-stores/v1/...) and v2 (/cloud/v2/.../ordered-data-stores/...). */
#ifndef DS_API_ORDERED_H
#define DS_API_ORDERED_H

#include "http/request.h"

void ordered_list(struct ds_request *req);
void ordered_create(struct ds_request *req);
void ordered_get(struct ds_request *req);
void ordered_patch(struct ds_request *req);
void ordered_delete(struct ds_request *req);
void ordered_increment(struct ds_request *req);

#endif
