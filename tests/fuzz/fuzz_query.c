/* fuzz_query.c — query-string decoding (percent escapes, '+', NUL refusal) and the integer
 * parser used for query and body numbers. */
#include <assert.h>

#include "core/limits.h"
#include "fuzz.h"
#include "http/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int plus = 0; plus < 2; plus++) {
        char *out = http_percent_decode((const char *)data, size, plus);
        if (out) {
            assert(strlen(out) <= size);
            free(out);
        }
    }
    int64_t v;
    (void)parse_integral((const char *)data, size, &v);
    return 0;
}
