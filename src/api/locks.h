/* api/locks.h — session lock extension on the v2 entry paths: :lock, :renewLock, :unlock. */
#ifndef DS_API_LOCKS_H
#define DS_API_LOCKS_H

#include "http/request.h"

void lock_acquire(struct ds_request *req);
void lock_renew(struct ds_request *req);
void lock_release(struct ds_request *req);

#endif
