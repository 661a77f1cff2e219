/* fuzz_jsonpatch.c — JSON Patch application: input is "document\npatch" (or a patch alone
 * applied to null). A failed patch must leave the document untouched. */
#include <assert.h>
#include <json-c/json.h>

#include "core/jsonpatch.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    if (!s) return 0;
    char *nl = strchr(s, '\n');
    struct json_object *doc = NULL, *patch;
    if (nl) {
        *nl = '\0';
        doc = json_tokener_parse(s);
        patch = json_tokener_parse(nl + 1);
    } else {
        patch = json_tokener_parse(s);
    }
    struct json_object *before = doc ? json_object_get(doc) : NULL;
    struct ds_error err;
    if (jsonpatch_apply(&doc, patch, &err) != DS_OK) assert(doc == before);
    json_object_put(before);
    json_object_put(doc);
    json_object_put(patch);
    free(s);
    return 0;
}
