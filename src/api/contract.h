/* api/contract.h — the server serves its own contract and its documentation page. */
#ifndef DS_API_CONTRACT_H
#define DS_API_CONTRACT_H

#include "http/request.h"

/* GET /openapi.yaml and GET /openapi.json: api/openapi.yaml as built into this binary. */
void contract_openapi_yaml(struct ds_request *req);
void contract_openapi_json(struct ds_request *req);
/* GET /docs (Swagger UI on /openapi.json) and GET /docs/{asset} (its script and styles). */
void contract_docs_page(struct ds_request *req);
void contract_docs_asset(struct ds_request *req);

#endif
