/* api/v2_entries.h — Open Cloud v2 standard entries, with and without scopes/{scope_id}
 * (and the scopes/- wildcard for listing), plus the :update JSON Patch extension. */
#ifndef DS_API_V2_ENTRIES_H
#define DS_API_V2_ENTRIES_H

#include "http/request.h"

void v2_list_entries(struct ds_request *req);
void v2_create_entry(struct ds_request *req);
void v2_get_entry(struct ds_request *req);
void v2_patch_entry(struct ds_request *req);
void v2_delete_entry(struct ds_request *req);
void v2_increment_entry(struct ds_request *req);
void v2_update_entry(struct ds_request *req);
void v2_list_revisions(struct ds_request *req);

#endif
