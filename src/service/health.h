/* service/health.h — whether the database is ready for this build. */
#ifndef DS_SERVICE_HEALTH_H
#define DS_SERVICE_HEALTH_H

#include <stdbool.h>

#include "core/error.h"
#include "pg/pool.h"

/* Reads the schema version the database is at; *current says whether it is the one this
 * binary needs (*latest). */
ds_status health_schema(struct pg_conn *db, int *version, int *latest, bool *current,
                        struct ds_error *err) DS_MUSTCHECK;

#endif
