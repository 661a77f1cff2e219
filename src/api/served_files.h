/* api/served_files.h — files the server serves from its own binary: its contract, the API
 * documentation page and the web console. */
#ifndef DS_API_SERVED_FILES_H
#define DS_API_SERVED_FILES_H

#include "http/request.h"

/* GET /openapi.yaml and GET /openapi.json: api/openapi.yaml as built into this binary. */
void contract_openapi_yaml(struct ds_request *req);
void contract_openapi_json(struct ds_request *req);
/* GET /docs (Swagger UI on /openapi.json) and GET /docs/{asset} (its script and styles). */
void contract_docs_page(struct ds_request *req);
void contract_docs_asset(struct ds_request *req);
/* GET /ui (the web console) and GET /ui/{asset}; GET / redirects to /ui. */
void console_page(struct ds_request *req);
void console_asset(struct ds_request *req);
void console_redirect(struct ds_request *req);

#endif
