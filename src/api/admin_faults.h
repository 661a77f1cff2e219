/* api/admin_faults.h — fault injection's admin API: rules (POST/GET/DELETE
 * /admin/v1/faults[/{fault_id}]), the seed (POST /admin/v1/faults:seed) and the log of what
 * fired (GET/DELETE /admin/v1/fault-events). */
#ifndef DS_API_ADMIN_FAULTS_H
#define DS_API_ADMIN_FAULTS_H

#include "http/request.h"

void admin_faults_list(struct ds_request *req);
void admin_faults_create(struct ds_request *req);
void admin_faults_clear(struct ds_request *req);
void admin_fault_get(struct ds_request *req);
void admin_fault_delete(struct ds_request *req);
void admin_faults_seed(struct ds_request *req);
void admin_fault_events_get(struct ds_request *req);
void admin_fault_events_clear(struct ds_request *req);

#endif
