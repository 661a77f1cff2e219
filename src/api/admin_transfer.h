/* api/admin_transfer.h — moving a universe's data in and out, and wiping it: export
 * (api/admin_export.c, streamed), import (api/admin_import.c, in batches; our export format
 * and MockDataStoreService's JSON layout), reset and the effective configuration
 * (api/admin_ops.c). */
#ifndef DS_API_ADMIN_TRANSFER_H
#define DS_API_ADMIN_TRANSFER_H

#include "http/request.h"

void admin_export(struct ds_request *req);
void admin_import(struct ds_request *req);
void admin_reset(struct ds_request *req);
void admin_config(struct ds_request *req);

#endif
