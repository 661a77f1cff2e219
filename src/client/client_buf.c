/* client_buf.c — libdatastore's growable buffers and URL escaping. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

bool dsc_buf_append(struct dsc_buf *b, const char *data, size_t len)
{
    if (b->failed) return false;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            b->failed = true;
            return false;
        }
        b->data = p;
        b->cap = cap;
    }
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

bool dsc_buf_puts(struct dsc_buf *b, const char *text)
{
    return dsc_buf_append(b, text, strlen(text));
}

bool dsc_buf_printf(struct dsc_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return b->failed = true, false;
    if ((size_t)n < sizeof small) return dsc_buf_append(b, small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big) return b->failed = true, false;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    bool ok = dsc_buf_append(b, big, (size_t)n);
    free(big);
    return ok;
}

bool dsc_buf_escaped(struct dsc_buf *b, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            if (!dsc_buf_append(b, (const char *)p, 1)) return false;
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            if (!dsc_buf_append(b, esc, 3)) return false;
        }
    }
    return !b->failed;
}

void dsc_buf_free(struct dsc_buf *b)
{
    free(b->data);
    *b = (struct dsc_buf){0};
}

char *dsc_escape(const char *text)
{
    struct dsc_buf b = {0};
    if (!text || !dsc_buf_escaped(&b, text) || !dsc_buf_append(&b, "", 0)) {
        dsc_buf_free(&b);
        return NULL;
    }
    return b.data;
}
