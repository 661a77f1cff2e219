/* fuzz_ordered_filter.c — the ordered-list filter grammar; accepted bounds are ordered. */
#include <assert.h>

#include "core/ordered_filter.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    if (!s) return 0;
    struct ordered_bounds b;
    struct ds_error err;
    if (ordered_filter_parse(s, &b, &err) == DS_OK) assert(b.min <= b.max);
    free(s);
    return 0;
}
