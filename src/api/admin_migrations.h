/* api/admin_migrations.h — a data store's _version migration chain:
 * GET/PUT/DELETE /admin/v1/universes/{u}/data-stores/{ds}/migrations[/{n}]. */
#ifndef DS_API_ADMIN_MIGRATIONS_H
#define DS_API_ADMIN_MIGRATIONS_H

#include "http/request.h"

void admin_migrations_get(struct ds_request *req);
void admin_migration_put(struct ds_request *req);
void admin_migration_delete(struct ds_request *req);
void admin_migration_run_start(struct ds_request *req);
void admin_migration_run_get(struct ds_request *req);

#endif
