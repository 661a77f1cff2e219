/* core/digest.h — MD5 (content-md5), base64 / base64url, HMAC-SHA256 and a stable FNV-1a
 * hash; thin wrappers over OpenSSL's libcrypto. */
#ifndef DS_CORE_DIGEST_H
#define DS_CORE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Base64 of the MD5 of data: 24 characters + NUL. */
void md5_base64(const char *data, size_t len, char out[25]);
/* Base64url without padding of data; returns a malloc'ed string or NULL. */
char *base64url_encode(const unsigned char *data, size_t len);
/* Decodes base64url (padding optional); returns malloc'ed bytes in *out or false. */
bool base64url_decode(const char *text, unsigned char **out, size_t *out_len);
/* HMAC-SHA256(key, data) into out[32]. */
void hmac_sha256(const unsigned char *key, size_t key_len, const unsigned char *data, size_t len,
                 unsigned char out[32]);
/* SHA-256 of data into out[32]. */
void sha256(const void *data, size_t len, unsigned char out[32]);
/* Constant-time comparison. */
bool digest_equal(const void *a, const void *b, size_t len);
/* 32-bit FNV-1a, to fingerprint request parameters inside cursors. */
uint32_t fnv1a32(uint32_t seed, const char *data, size_t len);

#endif
