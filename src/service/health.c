/* service/health.c — see health.h. */
#include "service/health.h"

#include "pg/schema.h"
#include "store/service_state.h"

ds_status health_schema(struct pg_conn *db, int *version, int *latest, bool *current,
                        struct ds_error *err)
{
    if (store_schema_version(db, version, err) != DS_OK) return DS_ERR;
    *latest = schema_latest_version();
    *current = *version >= *latest;
    return DS_OK;
}
