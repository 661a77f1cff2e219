/* core/cursor.h — opaque, tamper-proof cursors / page tokens for keyset pagination. A token
 * carries the last position seen, the listing kind and a fingerprint of the request's
 * parameters, signed with HMAC-SHA256 under the service's shared key; a forged token, or one
 * reused with other parameters, is refused with 400 InvalidCursor. */
#ifndef DS_CORE_CURSOR_H
#define DS_CORE_CURSOR_H

#include <stdint.h>

#include "core/error.h"

/* The position after which the next page starts. */
struct cursor_pos {
    char *a;   /* first text component (e.g. scope or name); owned, may be NULL */
    char *b;   /* second text component (e.g. key); owned, may be NULL */
    int64_t n; /* numeric component (e.g. version number) */
};

/* Longest token accepted; cursor_encode never issues a longer one. */
#define CURSOR_TOKEN_MAX 4096

/* Returns a malloc'ed token; NULL on OOM or when the position would make it longer than
 * CURSOR_TOKEN_MAX (positions are names and keys of at most 50 bytes: ~600 bytes). */
char *cursor_encode(const unsigned char key[32], const char *kind, uint32_t params,
                    const struct cursor_pos *pos);
/* Verifies and decodes token into *pos (caller frees with cursor_pos_free). */
ds_status cursor_decode(const unsigned char key[32], const char *kind, uint32_t params,
                        const char *token, struct cursor_pos *pos,
                        struct ds_error *err) DS_MUSTCHECK;
void cursor_pos_free(struct cursor_pos *pos);

#endif
