/* api/v2_datastores.h — Open Cloud v2 data stores: list, soft delete, undelete. */
#ifndef DS_API_V2_DATASTORES_H
#define DS_API_V2_DATASTORES_H

#include "http/request.h"

void v2_list_datastores(struct ds_request *req);
void v2_delete_datastore(struct ds_request *req);
void v2_undelete_datastore(struct ds_request *req);

#endif
