/* fuzz_cursor.c — cursor / page-token decoding: forged tokens must be refused, and a token
 * this code issued must decode to what it carried (it issues none too long to decode: a
 * finding of the first fuzz run). */
#include <assert.h>

#include "core/cursor.h"
#include "fuzz.h"

static const unsigned char key[32] = "fuzz-cursor-key-0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    if (!s) return 0;
    struct cursor_pos pos;
    struct ds_error err;
    if (cursor_decode(key, "entries", 7, s, &pos, &err) == DS_OK) cursor_pos_free(&pos);
    /* Round trip with the input as a position component. */
    struct cursor_pos in = {s, NULL, (int64_t)size};
    char *token = cursor_encode(key, "entries", 7, &in);
    if (token) {
        struct cursor_pos out;
        ds_status st = cursor_decode(key, "entries", 7, token, &out, &err);
        if (memchr(data, '\0', size) == NULL) {
            assert(st == DS_OK);
            assert(out.a && strcmp(out.a, s) == 0 && out.n == (int64_t)size);
        }
        if (st == DS_OK) cursor_pos_free(&out);
        assert(cursor_decode(key, "versions", 7, token, &out, &err) != DS_OK);
        free(token);
    }
    free(s);
    return 0;
}
