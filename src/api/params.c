/* api/params.c — see params.h. */
#include "api/params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/admission.h"
#include "core/clock.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "http/reply.h"
#include "service/datastores.h"
#include "service/entries.h"
#include "service/entry_reads.h"

bool bool_query_or_reply(struct ds_request *req, const char *name, bool def, bool *out)
{
    const char *v = req_query(req, name);
    if (!v || !*v) {
        *out = def;
        return true;
    }
    if (!strcasecmp(v, "true") || !strcmp(v, "1")) {
        *out = true;
        return true;
    }
    if (!strcasecmp(v, "false") || !strcmp(v, "0")) {
        *out = false;
        return true;
    }
    reply_fail(req, 400, NULL, "%s must be true or false.", name);
    return false;
}

bool v1_metadata_or_reply(struct ds_request *req, char **attributes, char **user_ids)
{
    struct ds_error err;
    *attributes = *user_ids = NULL;
    if (parse_attributes(req_header(req, "roblox-entry-attributes"), attributes, &err) != DS_OK ||
        parse_user_ids(req_header(req, "roblox-entry-userids"), user_ids, &err) != DS_OK) {
        free(*attributes);
        *attributes = NULL;
        reply_error(req, &err);
        return false;
    }
    return true;
}

bool starts_with_filter_or_reply(struct ds_request *req, char **prefix)
{
    *prefix = NULL;
    const char *f = req_query(req, "filter");
    if (!f || !*f) return true;
    static const char head[] = "id.startsWith(\"";
    size_t len = strlen(f);
    if (strncmp(f, head, sizeof head - 1) != 0 || len < sizeof head + 1 ||
        strcmp(f + len - 2, "\")") != 0)
        goto bad;
    const char *s = f + sizeof head - 1, *end = f + len - 2;
    char *out = malloc((size_t)(end - s) + 1);
    if (!out) goto bad;
    size_t o = 0;
    for (; s < end; s++) {
        if (*s == '"') goto bad_free;
        if (*s == '\\') {
            if (s + 1 >= end || (s[1] != '"' && s[1] != '\\')) goto bad_free;
            s++;
        }
        out[o++] = *s;
    }
    out[o] = '\0';
    *prefix = out;
    return true;
bad_free:
    free(out);
bad:
    reply_fail(req, 400, NULL,
               "Unsupported filter: only id.startsWith(\"prefix\") is accepted here.");
    return false;
}

/* Reads the x-lock-token header (absent → *has false); a malformed one is 400. */
static bool lock_token_or_reply(struct ds_request *req, bool *has, int64_t *token)
{
    const char *h = req_header(req, "x-lock-token");
    *has = false;
    *token = 0;
    if (!h) return true;
    int64_t v;
    if (!parse_decimal(h, &v) || v < 0) {
        reply_fail(req, 400, NULL, "x-lock-token must be a non-negative integer.");
        return false;
    }
    *has = true;
    *token = v;
    return true;
}

/* Reads x-schema-version (absent → *has false); a malformed one is 400. */
static bool schema_version_or_reply(struct ds_request *req, bool *has, int *version)
{
    const char *h = req_header(req, "x-schema-version");
    *has = false;
    *version = 0;
    if (!h) return true;
    int64_t v;
    if (!parse_decimal(h, &v) || v < 0 || v > 1000000) {
        reply_fail(req, 400, NULL, "x-schema-version must be a non-negative integer.");
        return false;
    }
    *has = true;
    *version = (int)v;
    return true;
}

bool entry_get_or_reply(struct ds_request *req, const struct entry_ref *ref, struct entry_row *row)
{
    bool has_client;
    int client;
    memset(row, 0, sizeof *row);
    if (!schema_version_or_reply(req, &has_client, &client)) return false;
    struct admission refusal;
    if (entries_get(req->ctx, req->db, ref, has_client, client, row, &refusal) == DS_OK)
        return true;
    return admitted_or_reply(req, &refusal);
}

bool standard_write_checked(struct ds_request *req, const struct entry_ref *ref,
                            struct write_spec *spec, struct write_outcome *out,
                            struct ds_error *err, bool *replied)
{
    *replied = true;
    if (!throughput_or_reply(req, ref, true, req->body_len, false) ||
        !lock_token_or_reply(req, &spec->has_lock_token, &spec->lock_token) ||
        !schema_version_or_reply(req, &spec->has_client_schema, &spec->client_schema))
        return false;
    *replied = false;
    return entries_write(req->ctx, req->db, ref, spec, out, err) == DS_OK;
}

bool standard_write_or_reply(struct ds_request *req, const struct entry_ref *ref,
                             struct write_spec *spec, struct write_outcome *out)
{
    struct ds_error err;
    bool replied;
    if (standard_write_checked(req, ref, spec, out, &err, &replied)) return true;
    if (!replied) reply_write_failure(req, &err, "standard", ref);
    return false;
}

bool datastore_active_or_reply(struct ds_request *req, const struct entry_ref *ref)
{
    enum store_state state;
    struct ds_error err;
    if (datastores_state(req->db, ref->universe, ref->datastore, &state, &err) != DS_OK) {
        reply_error(req, &err);
        return false;
    }
    if (state == STORE_ACTIVE) return true;
    reply_fail(req, 404, "DatastoreNotFound", "Datastore not found.");
    return false;
}

/* Parses the body into *doc (a JSON object). */
bool body_object_or_reply(struct ds_request *req, struct json_object **doc)
{
    *doc =
        json_text_valid(req->body, req->body_len, 64, NULL) ? json_tokener_parse(req->body) : NULL;
    if (json_object_is_type(*doc, json_type_object)) return true;
    json_object_put(*doc);
    *doc = NULL;
    reply_fail(req, 400, NULL, "The body must be a JSON object.");
    return false;
}
