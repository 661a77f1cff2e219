/* core/assert.c — what DS_ASSERT does when its condition is false. */
#include "core/assert.h"

#include <stdio.h>
#include <stdlib.h>

void ds_assert_failed(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "datastored: assertion failed: %s (%s:%d, %s)\n", expr, file, line, func);
#ifndef NDEBUG
    abort();
#endif
}
