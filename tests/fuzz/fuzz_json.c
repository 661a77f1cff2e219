/* fuzz_json.c — the strict JSON scanner that bounds every stored value, and the admin JSON
 * documents parsed by hand (fault rules, API key scopes): anything json-c accepts must be
 * either refused with a 400 or parsed into something that renders back. */
#include <assert.h>
#include <json-c/json.h>

#include "core/auth.h"
#include "core/faults.h"
#include "core/json_text.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)json_text_valid((const char *)data, size, 64, NULL);
    char *s = fuzz_cstr(data, size);
    if (!s) return 0;
    struct json_object *doc = json_tokener_parse(s);
    if (doc) {
        struct fault_rule rule;
        struct ds_error err;
        if (fault_rule_parse(doc, 1000000, &rule, &err) == DS_OK) {
            struct json_object *back = fault_rule_to_json(&rule);
            struct fault_rule again;
            assert(back && fault_rule_parse(back, 5, &again, &err) == DS_OK);
            assert(again.fingerprint == rule.fingerprint);
            json_object_put(back);
        } else {
            assert(err.http_status == 400);
        }
        struct auth_scope scope;
        if (auth_scope_parse(doc, NULL, &scope, &err) == DS_OK) {
            struct json_object *back = auth_scope_to_json(&scope);
            assert(back);
            json_object_put(back);
        }
        json_object_put(doc);
    }
    free(s);
    return 0;
}
