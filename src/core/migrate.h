/* core/migrate.h — `_version` schema migrations of stored values: checking a chain step and
 * running a value up a chain of JSON Patch steps. A value's schema version is its integer
 * `_version` member (missing = 0); values that are not objects are never migrated. */
#ifndef DS_CORE_MIGRATE_H
#define DS_CORE_MIGRATE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* One step: migrates version `step - 1` to `step`. patch is borrowed. */
struct migration_step {
    int step;
    struct json_object *patch; /* a JSON Patch array */
    bool backwards_compatible; /* readers of step-1 may read and write step data */
};

/* Checks that patch is a JSON Patch document (an array of operations with string "op"
 * among add/remove/replace/move/copy/test and string "path"; "from" for move/copy). */
ds_status migration_patch_check(struct json_object *patch, struct ds_error *err) DS_MUSTCHECK;

/* The _version of a parsed value: -1 for a non-object, 0 when absent or not an integer. */
int migration_version_of(struct json_object *value);

/* Runs *value (an object at version from) through steps[from .. n_steps-1] (steps[i] is step
 * i+1), setting _version after each. On failure *value is untouched and err names the step
 * that failed and why (409 MigrationFailed). */
ds_status migration_run(struct json_object **value, const struct migration_step *steps, int n_steps,
                        struct ds_error *err) DS_MUSTCHECK;

#endif
