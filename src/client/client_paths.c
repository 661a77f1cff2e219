/* client_paths.c — how libdatastore addresses things: Open Cloud paths for a store and key
 * (v1 query form, v2 path form), argument checks before anything is sent, and the RFC 3339
 * times of the wire as milliseconds (through the service's own core/rfc3339.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"
#include "core/rfc3339.h"

#define NAME_MAX_BYTES 50 /* data store names, scopes and keys (Roblox) */

static const char *scope_of(const struct dsc_store *s)
{
    return s->scope && s->scope[0] ? s->scope : "global";
}

bool dsc_v1_entry_path(struct dsc_buf *b, const struct dsc_store *s, const char *suffix,
                       const char *key)
{
    dsc_buf_printf(b, "/datastores/v1/universes/%lld/standard-datastores/datastore/entries%s",
                   (long long)s->universe, suffix);
    dsc_buf_puts(b, "?datastoreName=");
    dsc_buf_escaped(b, s->datastore);
    if (key) {
        dsc_buf_puts(b, "&entryKey=");
        dsc_buf_escaped(b, key);
    }
    dsc_buf_puts(b, "&scope=");
    return dsc_buf_escaped(b, scope_of(s));
}

bool dsc_v2_entry_path(struct dsc_buf *b, const char *family, const struct dsc_store *s,
                       const char *key)
{
    dsc_buf_printf(b, "/cloud/v2/universes/%lld/%s/", (long long)s->universe, family);
    dsc_buf_escaped(b, s->datastore);
    dsc_buf_puts(b, "/scopes/");
    dsc_buf_escaped(b, scope_of(s));
    dsc_buf_puts(b, "/entries");
    if (key) {
        dsc_buf_puts(b, "/");
        dsc_buf_escaped(b, key);
    }
    return !b->failed;
}

bool dsc_check_target(dsc_client *c, const struct dsc_store *s, const char *key)
{
    const char *problem = NULL;
    if (!s || !s->datastore || !s->datastore[0] || strlen(s->datastore) > NAME_MAX_BYTES)
        problem = "the data store name must be 1-50 bytes";
    else if (s->universe <= 0)
        problem = "the universe id must be positive";
    else if (s->scope && strlen(s->scope) > NAME_MAX_BYTES)
        problem = "the scope must be at most 50 bytes";
    else if (key && (!key[0] || strlen(key) > NAME_MAX_BYTES))
        problem = "the key must be 1-50 bytes";
    if (!problem) return true;
    dsc_fail(c, DSC_ERR_INVALID, "%s", problem);
    return false;
}

bool dsc_parse_time_ms(const char *text, int64_t *ms)
{
    int64_t us;
    if (!text || !rfc3339_parse(text, &us)) return false;
    *ms = us / 1000;
    return true;
}

void dsc_format_time_ms(int64_t ms, char *out, size_t cap)
{
    rfc3339_format(ms * 1000, false, out, cap);
}
