/* dispatch/auth_stage.h — the pipeline's two auth stages. authenticate (right after routing):
 * the data API needs a known key when the keyring says so (else 401 with Roblox's gateway
 * body), the admin API needs the admin key (a data key gets 403). authorize (after the
 * universe is validated): the key's universes, data stores and permissions must cover the
 * route (else 403 INSUFFICIENT_SCOPE in the family's error format). Keys are never logged. */
#ifndef DS_DISPATCH_AUTH_STAGE_H
#define DS_DISPATCH_AUTH_STAGE_H

#include <stdbool.h>

#include "http/request.h"

bool auth_authenticate_stage(struct ds_request *req);
bool auth_authorize_stage(struct ds_request *req);

#endif
