/* api/v1_entries.h — Open Cloud v1 standard data stores
 * (/datastores/v1/universes/{universe_id}/standard-datastores...). */
#ifndef DS_API_V1_ENTRIES_H
#define DS_API_V1_ENTRIES_H

#include "http/request.h"

void v1_list_datastores(struct ds_request *req);
void v1_list_entries(struct ds_request *req);
void v1_get_entry(struct ds_request *req);
void v1_set_entry(struct ds_request *req);
void v1_delete_entry(struct ds_request *req);
void v1_increment_entry(struct ds_request *req);
void v1_list_versions(struct ds_request *req);
void v1_get_version(struct ds_request *req);
void v1_delete_version(struct ds_request *req);

#endif
