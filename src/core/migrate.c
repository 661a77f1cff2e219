/* core/migrate.c — see migrate.h. */
#include "core/migrate.h"

#include <stdio.h>
#include <string.h>

#include "core/json_doc.h"
#include "core/jsonpatch.h"

ds_status migration_patch_check(struct json_object *patch, struct ds_error *err)
{
    static const char *const ops[] = {"add", "remove", "replace", "move", "copy", "test"};
    if (!json_object_is_type(patch, json_type_array))
        return ds_fail(err, 400, NULL, "A migration step must be a JSON Patch array.");
    size_t n = json_object_array_length(patch);
    for (size_t i = 0; i < n; i++) {
        struct json_object *op = json_object_array_get_idx(patch, i), *v;
        if (!json_object_is_type(op, json_type_object))
            return ds_fail(err, 400, NULL, "Operation %zu is not an object.", i);
        const char *name =
            json_object_object_get_ex(op, "op", &v) && json_object_is_type(v, json_type_string)
                ? json_object_get_string(v)
                : NULL;
        bool known = false;
        for (size_t k = 0; name && k < sizeof ops / sizeof ops[0]; k++)
            known = known || !strcmp(name, ops[k]);
        if (!known) return ds_fail(err, 400, NULL, "Operation %zu has no valid \"op\".", i);
        if (!json_object_object_get_ex(op, "path", &v) || !json_object_is_type(v, json_type_string))
            return ds_fail(err, 400, NULL, "Operation %zu needs a string \"path\".", i);
        bool needs_from = !strcmp(name, "move") || !strcmp(name, "copy");
        if (needs_from && (!json_object_object_get_ex(op, "from", &v) ||
                           !json_object_is_type(v, json_type_string)))
            return ds_fail(err, 400, NULL, "Operation %zu (%s) needs a string \"from\".", i, name);
        bool needs_value =
            !strcmp(name, "add") || !strcmp(name, "replace") || !strcmp(name, "test");
        if (needs_value && !json_object_object_get_ex(op, "value", &v))
            return ds_fail(err, 400, NULL, "Operation %zu (%s) needs a \"value\".", i, name);
    }
    return DS_OK;
}

int migration_version_of(struct json_object *value)
{
    struct json_object *v;
    if (!json_object_is_type(value, json_type_object)) return -1;
    if (!json_object_object_get_ex(value, "_version", &v) || !json_object_is_type(v, json_type_int))
        return 0;
    int64_t n = json_object_get_int64(v);
    return n < 0 ? 0 : n > 1000000 ? 1000000 : (int)n;
}

ds_status migration_run(struct json_object **value, const struct migration_step *steps, int n_steps,
                        struct ds_error *err)
{
    int from = migration_version_of(*value);
    if (from < 0 || from >= n_steps) return DS_OK;
    struct json_object *work = json_doc_copy(*value);
    if (!work) return ds_fail(err, 500, NULL, "out of memory");
    for (int i = from; i < n_steps; i++) {
        struct ds_error why;
        if (jsonpatch_apply(&work, steps[i].patch, &why) != DS_OK) {
            json_object_put(work);
            return ds_fail(err, 409, "MigrationFailed",
                           "Migration step %d (from _version %d) failed: %s", steps[i].step, i,
                           why.message);
        }
        if (!json_object_is_type(work, json_type_object)) {
            json_object_put(work);
            return ds_fail(err, 409, "MigrationFailed",
                           "Migration step %d made the value something other than an object.",
                           steps[i].step);
        }
        json_doc_touch(work);
        json_object_object_add(work, "_version", json_object_new_int(steps[i].step));
    }
    json_object_put(*value);
    *value = work;
    return DS_OK;
}
