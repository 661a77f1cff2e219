/* core/cursor.c — token = base64url(JSON [kind, params, a, b, n]) "." base64url(HMAC[0..16]). */
#include "core/cursor.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"

#define MAC_BYTES 16

static void mac(const unsigned char key[32], const char *payload, unsigned char out[32])
{
    hmac_sha256(key, 32, (const unsigned char *)payload, strlen(payload), out);
}

char *cursor_encode(const unsigned char key[32], const char *kind, uint32_t params,
                    const struct cursor_pos *pos)
{
    struct json_object *arr = json_object_new_array();
    if (!arr) return NULL;
    json_object_array_add(arr, json_object_new_string(kind));
    json_object_array_add(arr, json_object_new_int64(params));
    json_object_array_add(arr, pos->a ? json_object_new_string(pos->a) : NULL);
    json_object_array_add(arr, pos->b ? json_object_new_string(pos->b) : NULL);
    json_object_array_add(arr, json_object_new_int64(pos->n));
    const char *payload = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN);
    char *out = NULL;
    if (payload) {
        unsigned char m[32];
        mac(key, payload, m);
        char *p64 = base64url_encode((const unsigned char *)payload, strlen(payload));
        char *m64 = base64url_encode(m, MAC_BYTES);
        if (p64 && m64 && strlen(p64) + 1 + strlen(m64) <= CURSOR_TOKEN_MAX) {
            size_t n = strlen(p64) + strlen(m64) + 2;
            out = malloc(n);
            if (out) {
                strcpy(out, p64);
                strcat(out, ".");
                strcat(out, m64);
            }
        }
        free(p64);
        free(m64);
    }
    json_object_put(arr);
    return out;
}

void cursor_pos_free(struct cursor_pos *pos)
{
    free(pos->a);
    free(pos->b);
    pos->a = pos->b = NULL;
}

static const char *opt_string(struct json_object *arr, size_t i)
{
    struct json_object *v = json_object_array_get_idx(arr, i);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

ds_status cursor_decode(const unsigned char key[32], const char *kind, uint32_t params,
                        const char *token, struct cursor_pos *pos, struct ds_error *err)
{
    memset(pos, 0, sizeof *pos);
    const char *dot = strchr(token, '.');
    if (!dot || strlen(token) > CURSOR_TOKEN_MAX) goto invalid;
    char p64[CURSOR_TOKEN_MAX + 1];
    memcpy(p64, token, (size_t)(dot - token));
    p64[dot - token] = '\0';
    unsigned char *payload = NULL, *given = NULL;
    size_t plen = 0, glen = 0;
    if (!base64url_decode(p64, &payload, &plen)) goto invalid;
    if (!base64url_decode(dot + 1, &given, &glen) || glen != MAC_BYTES) {
        free(payload);
        free(given);
        goto invalid;
    }
    char *text = malloc(plen + 1);
    if (!text) {
        free(payload);
        free(given);
        return ds_fail(err, 500, NULL, "out of memory");
    }
    memcpy(text, payload, plen);
    text[plen] = '\0';
    free(payload);
    unsigned char expect[32];
    mac(key, text, expect);
    bool authentic = strlen(text) == plen && digest_equal(expect, given, MAC_BYTES);
    free(given);
    struct json_object *arr = authentic ? json_tokener_parse(text) : NULL;
    free(text);
    bool ok = arr && json_object_is_type(arr, json_type_array) &&
              json_object_array_length(arr) == 5 && opt_string(arr, 0) &&
              strcmp(opt_string(arr, 0), kind) == 0 &&
              json_object_get_int64(json_object_array_get_idx(arr, 1)) == (int64_t)params;
    if (ok) {
        const char *a = opt_string(arr, 2), *b = opt_string(arr, 3);
        pos->a = a ? strdup(a) : NULL;
        pos->b = b ? strdup(b) : NULL;
        pos->n = json_object_get_int64(json_object_array_get_idx(arr, 4));
        if ((a && !pos->a) || (b && !pos->b)) {
            cursor_pos_free(pos);
            json_object_put(arr);
            return ds_fail(err, 500, NULL, "out of memory");
        }
    }
    json_object_put(arr);
    if (ok) return DS_OK;
invalid:
    /* Roblox's exact text (clients match it); a cursor is refused when it is malformed,
     * forged, or was issued for other request parameters or another universe. */
    return ds_fail(err, 400, "InvalidCursor", "Invalid cursor.");
}
