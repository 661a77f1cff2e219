/* fuzz_jsonpatch.c — JSON Patch over lossless documents: input is "document\npatch" (or a
 * patch alone applied to null). The document is set beside canary members holding what
 * json-c alone would alter (a 30-digit number, an unpaired surrogate escape, "1.50", odd
 * spacing). Oracles: a failed patch leaves the document untouched; a patch that names no
 * path inside a canary leaves that canary's bytes exactly as they were. */
#include <assert.h>
#include <json-c/json.h>
#include <stdio.h>

#include "core/json_doc.h"
#include "core/jsonpatch.h"
#include "fuzz.h"

static const char *const canaries[] = {
    "[123456789012345678901234567890,\"\\ud800\",1.50]",
    "{ \"k\" : -0.0e-0, \"t\":\"caf\\u00e9\" }",
};
#define N_CANARIES (sizeof canaries / sizeof canaries[0])

/* Whether an op of the patch names (path or from) something at or above "/cN". */
static bool names_canary(struct json_object *patch, size_t c)
{
    char member[8];
    snprintf(member, sizeof member, "/c%zu", c);
    size_t n = json_object_is_type(patch, json_type_array) ? json_object_array_length(patch) : 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *op = json_object_array_get_idx(patch, i), *v;
        const char *fields[] = {"path", "from"};
        for (int f = 0; f < 2; f++) {
            if (!json_object_object_get_ex(op, fields[f], &v)) continue;
            const char *p = json_object_get_string(v);
            size_t len = p ? strlen(p) : 0;
            if (!p || len <= 3 || strncmp(p, member, 3) == 0) return true;
        }
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    if (!s) return 0;
    char *nl = strchr(s, '\n');
    const char *doc_text = nl ? s : "null", *patch_text = nl ? nl + 1 : s;
    if (nl) *nl = '\0';
    size_t cap = strlen(doc_text) + 256;
    char *whole = malloc(cap);
    struct json_object *doc = NULL, *patch = NULL;
    struct ds_error err;
    if (!whole) goto done;
    snprintf(whole, cap, "{\"c0\":%s,\"c1\":%s,\"doc\":%s}", canaries[0], canaries[1], doc_text);
    if (json_doc_parse(whole, strlen(whole), &doc, &err) != DS_OK ||
        json_doc_parse(patch_text, strlen(patch_text), &patch, &err) != DS_OK)
        goto done;
    struct json_object *before = json_object_get(doc);
    if (jsonpatch_apply(&doc, patch, &err) != DS_OK) {
        assert(doc == before);
    } else {
        for (size_t c = 0; c < N_CANARIES; c++) {
            struct json_object *v;
            char name[4];
            snprintf(name, sizeof name, "c%zu", c);
            if (names_canary(patch, c) || !json_object_object_get_ex(doc, name, &v)) continue;
            size_t len;
            const char *text = json_doc_text(v, &len);
            assert(text && len == strlen(canaries[c]) && memcmp(text, canaries[c], len) == 0);
        }
    }
    json_object_put(before);
done:
    json_object_put(doc);
    json_object_put(patch);
    free(whole);
    free(s);
    return 0;
}
