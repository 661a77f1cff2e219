/* fuzz_headers.c — request headers parsed by hand: roblox-entry-attributes,
 * roblox-entry-userids, and the API key in x-api-key / Authorization. */
#include <assert.h>

#include "core/auth.h"
#include "core/limits.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    if (!s) return 0;
    char *out = NULL;
    struct ds_error err;
    if (parse_attributes(s, &out, &err) == DS_OK) {
        assert(out && out[0] == '{');
        free(out);
    }
    out = NULL;
    if (parse_user_ids(s, &out, &err) == DS_OK) {
        assert(out && out[0] == '[');
        free(out);
    }
    bool malformed;
    const char *k = auth_presented_key(NULL, s, &malformed);
    assert(!(k && malformed));
    k = auth_presented_key(s, NULL, &malformed);
    assert(!k || strlen(k) <= 512);
    free(s);
    return 0;
}
