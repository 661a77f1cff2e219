/* api/admin_keys.h — API keys kept in PostgreSQL: POST /admin/v1/api-keys (the key is
 * returned once; only its hash is stored), GET (list, without keys), DELETE …/{key_id}. */
#ifndef DS_API_ADMIN_KEYS_H
#define DS_API_ADMIN_KEYS_H

#include "http/request.h"

void admin_keys_create(struct ds_request *req);
void admin_keys_list(struct ds_request *req);
void admin_key_delete(struct ds_request *req);

#endif
