/* service/migration_files.h — --data-migrations DIR: DIR/<datastore>/<n>.json, each a JSON
 * Patch array or {"patch": [...], "backwardsCompatible": true}, steps 1..k without gaps.
 * Loaded at start as the default chains (universe 0) that every universe without a chain of
 * its own uses. The whole directory is validated before anything is stored. */
#ifndef DS_SERVICE_MIGRATION_FILES_H
#define DS_SERVICE_MIGRATION_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

/* On failure err names the file or directory at fault. */
ds_status migration_files_load(struct pg_conn *db, const char *dir, int64_t now_us, char *err,
                               size_t cap) DS_MUSTCHECK;

#endif
