/* core/digest.c — see digest.h. */
#include "core/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

void md5_base64(const char *data, size_t len, char out[25])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL) != 1 || mdlen != 16) {
        out[0] = '\0';
        return;
    }
    EVP_EncodeBlock((unsigned char *)out, md, 16);
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *base64url_encode(const unsigned char *d, size_t len)
{
    char *out = malloc((len + 2) / 3 * 4 + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16;
        if (i + 1 < len) v |= (uint32_t)d[i + 1] << 8;
        if (i + 2 < len) v |= d[i + 2];
        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
        if (i + 1 < len) out[o++] = b64url[(v >> 6) & 63];
        if (i + 2 < len) out[o++] = b64url[v & 63];
    }
    out[o] = '\0';
    return out;
}

bool base64url_decode(const char *text, unsigned char **out, size_t *out_len)
{
    size_t len = strlen(text);
    while (len && text[len - 1] == '=')
        len--;
    if (len % 4 == 1) return false;
    unsigned char *buf = malloc(len * 3 / 4 + 3);
    if (!buf) return false;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        const char *pos = text[i] ? strchr(b64url, text[i]) : NULL;
        if (!pos) {
            free(buf);
            return false;
        }
        acc = (acc << 6) | (uint32_t)(pos - b64url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (unsigned char)(acc >> bits);
        }
    }
    *out = buf;
    *out_len = o;
    return true;
}

void hmac_sha256(const unsigned char *key, size_t key_len, const unsigned char *data, size_t len,
                 unsigned char out[32])
{
    unsigned int n = 32;
    if (!HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n)) memset(out, 0, 32);
}

void sha256(const void *data, size_t len, unsigned char out[32])
{
    if (!SHA256(data, len, out)) memset(out, 0, 32);
}

bool digest_equal(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}

uint32_t fnv1a32(uint32_t h, const char *data, size_t len)
{
    if (!h) h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 16777619u;
    }
    return h;
}
