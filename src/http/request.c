/* http/request.c — accessors for request data: decoded query arguments, path captures,
 * headers, and the percent-decoder they use. */
#include "http/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *http_percent_decode(const char *src, size_t len, bool plus_is_space)
{
    char *out = malloc(len + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '%') {
            int hi = i + 2 < len ? hexval(src[i + 1]) : -1;
            int lo = i + 2 < len ? hexval(src[i + 2]) : -1;
            if (hi < 0 || lo < 0) goto bad;
            c = (char)(hi * 16 + lo);
            i += 2;
            if (c == '\0') goto bad;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        } else if (c == '\0') {
            goto bad;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
bad:
    free(out);
    return NULL;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct ds_request *req = cls;
    (void)kind;
    if (req->n_query >= REQ_MAX_QUERY) {
        req->query_invalid = true;
        return MHD_NO;
    }
    char *k = http_percent_decode(key, strlen(key), true);
    char *v = http_percent_decode(value ? value : "", value ? strlen(value) : 0, true);
    if (!k || !v) {
        free(k);
        free(v);
        req->query_invalid = true;
        return MHD_NO;
    }
    req->query[req->n_query].name = k;
    req->query[req->n_query].value = v;
    req->n_query++;
    return MHD_YES;
}

static void load_query(struct ds_request *req)
{
    if (req->query_loaded) return;
    req->query_loaded = true;
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_arg, req);
}

const char *req_query(struct ds_request *req, const char *name)
{
    load_query(req);
    for (int i = 0; i < req->n_query; i++)
        if (strcasecmp(req->query[i].name, name) == 0) return req->query[i].value;
    return NULL;
}

const char *req_param(const struct ds_request *req, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < req->n_params; i++)
        if (req->params[i].name_len == len && memcmp(req->params[i].name, name, len) == 0)
            return req->params[i].value;
    return NULL;
}

const char *req_header(const struct ds_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}
