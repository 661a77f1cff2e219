/* dispatch/router.c — the route table and the matcher. Adding an endpoint is adding one row
 * here, to api/openapi.yaml and to a README route table (tests/contract/check-routes.mjs
 * keeps the three in step).
 * Rows with a ":verb" come before the plain capture on the same path. */
#include "dispatch/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/admin_budgets.h"
#include "api/admin_faults.h"
#include "api/admin_keys.h"
#include "api/admin_transfer.h"
#include "api/admin_universes.h"
#include "api/admin_clock.h"
#include "api/admin_migrations.h"
#include "api/locks.h"
#include "api/ops.h"
#include "api/ordered.h"
#include "api/served_files.h"
#include "api/v1_entries.h"
#include "api/v2_datastores.h"
#include "api/v2_entries.h"

#define V1 "/datastores/v1/universes/{universe_id}/standard-datastores"
#define V2 "/cloud/v2/universes/{universe_id}/data-stores"
#define V2_ENTRIES(scope) V2 "/{data_store_id}" scope "/entries"

#define P_READ "universe-datastores.objects:read"
#define P_CREATE "universe-datastores.objects:create"
#define P_UPDATE "universe-datastores.objects:update"
#define P_DELETE "universe-datastores.objects:delete"
#define P_LIST "universe-datastores.objects:list"
#define P_STORES "universe-datastores.control:list"
#define P_STORE_DELETE "universe-datastores.control:delete"
#define P_VERSIONS "universe-datastores.versions:list"
#define P_VERSION "universe-datastores.versions:read"

/* The v2 entry routes, once per addressing form (default scope / explicit scope). */
/* clang-format off */
#define V2_ENTRY_ROUTES(scope)                                                                   \
    {"GET",    V2_ENTRIES(scope),                              FAMILY_V2, OP_LIST,          P_LIST,     ROUTE_DB, v2_list_entries, ADDR_ANY_SCOPE},    \
    {"POST",   V2_ENTRIES(scope),                              FAMILY_V2, OP_SET,           P_CREATE,   ROUTE_DB, v2_create_entry, ADDR_CREATE},    \
    {"GET",    V2_ENTRIES(scope) "/{entry_id}:listRevisions", FAMILY_V2, OP_LIST_VERSIONS, P_VERSIONS, ROUTE_DB, v2_list_revisions, ADDR_KEY},  \
    {"POST",   V2_ENTRIES(scope) "/{entry_id}:increment",     FAMILY_V2, OP_INCREMENT,     P_UPDATE,   ROUTE_DB, v2_increment_entry, ADDR_KEY}, \
    {"POST",   V2_ENTRIES(scope) "/{entry_id}:update",        FAMILY_V2, OP_UPDATE,        P_UPDATE,   ROUTE_DB, v2_update_entry, ADDR_KEY},    \
    {"POST",   V2_ENTRIES(scope) "/{entry_id}:lock",          FAMILY_V2, OP_LOCK,          P_UPDATE,   ROUTE_DB, lock_acquire, ADDR_KEY},       \
    {"POST",   V2_ENTRIES(scope) "/{entry_id}:renewLock",     FAMILY_V2, OP_LOCK,          P_UPDATE,   ROUTE_DB, lock_renew, ADDR_KEY},         \
    {"POST",   V2_ENTRIES(scope) "/{entry_id}:unlock",        FAMILY_V2, OP_LOCK,          P_UPDATE,   ROUTE_DB, lock_release, ADDR_KEY},       \
    {"GET",    V2_ENTRIES(scope) "/{entry_id}",               FAMILY_V2, OP_GET,           P_READ,     ROUTE_DB, v2_get_entry, ADDR_REVISION},       \
    {"PATCH",  V2_ENTRIES(scope) "/{entry_id}",               FAMILY_V2, OP_SET,           P_UPDATE,   ROUTE_DB, v2_patch_entry, ADDR_KEY},     \
    {"DELETE", V2_ENTRIES(scope) "/{entry_id}",               FAMILY_V2, OP_REMOVE,        P_DELETE,   ROUTE_DB, v2_delete_entry, ADDR_KEY}
/* clang-format on */

#define P_ORDERED_READ "universe.ordered-data-store.scope.entry:read"
#define P_ORDERED_WRITE "universe.ordered-data-store.scope.entry:write"
#define ORDERED_V1                                                                                 \
    "/ordered-data-stores/v1/universes/{universe_id}/orderedDataStores/{data_store_id}"            \
    "/scopes/{scope_id}/entries"
#define ORDERED_V2                                                                                 \
    "/cloud/v2/universes/{universe_id}/ordered-data-stores/{data_store_id}/scopes/{scope_id}"      \
    "/entries"

/* The ordered entry routes, once per wire family. */
/* clang-format off */
#define ORDERED_ROUTES(prefix, family)                                                                                        \
    {"GET",    prefix,                        family, OP_SORTED,    P_ORDERED_READ,  ROUTE_DB, ordered_list,      ADDR_SCOPE},  \
    {"POST",   prefix,                        family, OP_SET,       P_ORDERED_WRITE, ROUTE_DB, ordered_create,    ADDR_CREATE}, \
    {"POST",   prefix "/{entry_id}:increment", family, OP_INCREMENT, P_ORDERED_WRITE, ROUTE_DB, ordered_increment, ADDR_KEY},    \
    {"GET",    prefix "/{entry_id}",          family, OP_GET,       P_ORDERED_READ,  ROUTE_DB, ordered_get,       ADDR_KEY},    \
    {"PATCH",  prefix "/{entry_id}",          family, OP_SET,       P_ORDERED_WRITE, ROUTE_DB, ordered_patch,     ADDR_KEY},    \
    {"DELETE", prefix "/{entry_id}",          family, OP_REMOVE,    P_ORDERED_WRITE, ROUTE_DB, ordered_delete,    ADDR_KEY}
/* clang-format on */

const struct route routes[] = {
    {"GET", "/healthz", FAMILY_OPS, OP_NONE, NULL, 0, ops_healthz, ADDR_NONE},
    {"GET", "/readyz", FAMILY_OPS, OP_NONE, NULL, ROUTE_DB, ops_readyz, ADDR_NONE},
    {"GET", "/metrics", FAMILY_OPS, OP_NONE, NULL, 0, ops_metrics, ADDR_NONE},
    {"GET", "/openapi.yaml", FAMILY_OPS, OP_NONE, NULL, 0, contract_openapi_yaml, ADDR_NONE},
    {"GET", "/openapi.json", FAMILY_OPS, OP_NONE, NULL, 0, contract_openapi_json, ADDR_NONE},
    {"GET", "/docs", FAMILY_OPS, OP_NONE, NULL, 0, contract_docs_page, ADDR_NONE},
    {"GET", "/docs/{asset}", FAMILY_OPS, OP_NONE, NULL, 0, contract_docs_asset, ADDR_NONE},
    {"GET", "/", FAMILY_OPS, OP_NONE, NULL, 0, console_redirect, ADDR_NONE},
    {"GET", "/ui", FAMILY_OPS, OP_NONE, NULL, 0, console_page, ADDR_NONE},
    {"GET", "/ui/{asset}", FAMILY_OPS, OP_NONE, NULL, 0, console_asset, ADDR_NONE},

    {"GET", V1, FAMILY_V1, OP_LIST_STORES, P_STORES, ROUTE_DB, v1_list_datastores, ADDR_NONE},
    {"GET", V1 "/datastore/entries", FAMILY_V1, OP_LIST, P_LIST, ROUTE_DB, v1_list_entries,
     ADDR_SCOPE},
    {"GET", V1 "/datastore/entries/entry", FAMILY_V1, OP_GET, P_READ, ROUTE_DB, v1_get_entry,
     ADDR_KEY},
    {"POST", V1 "/datastore/entries/entry", FAMILY_V1, OP_SET, P_CREATE, ROUTE_DB, v1_set_entry,
     ADDR_KEY},
    {"DELETE", V1 "/datastore/entries/entry", FAMILY_V1, OP_REMOVE, P_DELETE, ROUTE_DB,
     v1_delete_entry, ADDR_KEY},
    {"POST", V1 "/datastore/entries/entry/increment", FAMILY_V1, OP_INCREMENT, P_UPDATE, ROUTE_DB,
     v1_increment_entry, ADDR_KEY},
    {"GET", V1 "/datastore/entries/entry/versions", FAMILY_V1, OP_LIST_VERSIONS, P_VERSIONS,
     ROUTE_DB, v1_list_versions, ADDR_KEY},
    {"GET", V1 "/datastore/entries/entry/versions/version", FAMILY_V1, OP_GET_VERSION, P_VERSION,
     ROUTE_DB, v1_get_version, ADDR_KEY},
    {"DELETE", V1 "/datastore/entries/entry/versions/version", FAMILY_V1, OP_REMOVE, P_DELETE,
     ROUTE_DB, v1_delete_version, ADDR_KEY},

    {"GET", V2, FAMILY_V2, OP_LIST_STORES, P_STORES, ROUTE_DB, v2_list_datastores, ADDR_NONE},
    {"POST", V2 "/{data_store_id}:undelete", FAMILY_V2, OP_DELETE_STORE, P_STORE_DELETE, ROUTE_DB,
     v2_undelete_datastore, ADDR_STORE},
    {"DELETE", V2 "/{data_store_id}", FAMILY_V2, OP_DELETE_STORE, P_STORE_DELETE, ROUTE_DB,
     v2_delete_datastore, ADDR_STORE},
    V2_ENTRY_ROUTES(""),
    V2_ENTRY_ROUTES("/scopes/{scope_id}"),

    {"GET", "/admin/v1/clock", FAMILY_ADMIN, OP_NONE, NULL, 0, admin_clock_get, ADDR_NONE},
    {"POST", "/admin/v1/clock:advance", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_clock_advance,
     ADDR_NONE},
    {"POST", "/admin/v1/clock:set", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_clock_set,
     ADDR_NONE},
    {"GET", "/admin/v1/universes", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_universes_list,
     ADDR_NONE},
    {"GET", "/admin/v1/universes/{universe_id}/ordered-data-stores", FAMILY_ADMIN, OP_NONE, NULL,
     ROUTE_DB, admin_ordered_stores_list, ADDR_NONE},
    {"GET", "/admin/v1/universes/{universe_id}/budgets", FAMILY_ADMIN, OP_NONE, NULL, 0,
     admin_budgets_get, ADDR_NONE},
    {"PUT", "/admin/v1/universes/{universe_id}/players", FAMILY_ADMIN, OP_NONE, NULL, 0,
     admin_players_put, ADDR_NONE},
    {"GET", "/admin/v1/queues", FAMILY_ADMIN, OP_NONE, NULL, 0, admin_queues_get, ADDR_NONE},
    {"GET", "/admin/v1/faults", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_faults_list,
     ADDR_NONE},
    {"POST", "/admin/v1/faults", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_faults_create,
     ADDR_NONE},
    {"DELETE", "/admin/v1/faults", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_faults_clear,
     ADDR_NONE},
    {"POST", "/admin/v1/faults:seed", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_faults_seed,
     ADDR_NONE},
    {"GET", "/admin/v1/faults/{fault_id}", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_fault_get,
     ADDR_NONE},
    {"DELETE", "/admin/v1/faults/{fault_id}", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB,
     admin_fault_delete, ADDR_NONE},
    {"GET", "/admin/v1/api-keys", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_keys_list,
     ADDR_NONE},
    {"POST", "/admin/v1/api-keys", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_keys_create,
     ADDR_NONE},
    {"DELETE", "/admin/v1/api-keys/{key_id}", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB,
     admin_key_delete, ADDR_NONE},
    {"GET", "/admin/v1/export", FAMILY_ADMIN, OP_NONE, NULL, 0, admin_export, ADDR_NONE},
    {"POST", "/admin/v1/import", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_import, ADDR_NONE},
    {"POST", "/admin/v1/reset", FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_reset, ADDR_NONE},
    {"GET", "/admin/v1/config", FAMILY_ADMIN, OP_NONE, NULL, 0, admin_config, ADDR_NONE},
    {"GET", "/admin/v1/fault-events", FAMILY_ADMIN, OP_NONE, NULL, 0, admin_fault_events_get,
     ADDR_NONE},
    {"DELETE", "/admin/v1/fault-events", FAMILY_ADMIN, OP_NONE, NULL, 0, admin_fault_events_clear,
     ADDR_NONE},
    {"GET", "/admin/v1/universes/{universe_id}/data-stores/{data_store_id}/migrations",
     FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_migrations_get, ADDR_STORE},
    {"POST", "/admin/v1/universes/{universe_id}/data-stores/{data_store_id}/migrations:run",
     FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_migration_run_start, ADDR_STORE},
    {"GET", "/admin/v1/universes/{universe_id}/data-stores/{data_store_id}/migrations:run",
     FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_migration_run_get, ADDR_STORE},
    {"PUT", "/admin/v1/universes/{universe_id}/data-stores/{data_store_id}/migrations/{step}",
     FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_migration_put, ADDR_STORE},
    {"DELETE", "/admin/v1/universes/{universe_id}/data-stores/{data_store_id}/migrations/{step}",
     FAMILY_ADMIN, OP_NONE, NULL, ROUTE_DB, admin_migration_delete, ADDR_STORE},

    ORDERED_ROUTES(ORDERED_V1, FAMILY_ORDERED_V1),
    ORDERED_ROUTES(ORDERED_V2, FAMILY_ORDERED_V2),
};
const size_t route_count = sizeof routes / sizeof routes[0];

/* Next '/'-delimited segment of s starting at *pos; returns its length, or -1 at end. */
static long next_segment(const char *s, size_t *pos)
{
    if (s[*pos] != '/') return -1;
    size_t start = ++*pos;
    while (s[*pos] && s[*pos] != '/')
        ++*pos;
    return (long)(*pos - start);
}

struct capture {
    const char *name;
    size_t name_len;
    const char *raw; /* segment text before any ":verb" */
    size_t raw_len;
};

/* Matches one pattern against path; fills caps (up to REQ_MAX_PARAMS). */
static bool match_pattern(const char *pattern, const char *path, struct capture *caps, int *ncap)
{
    size_t pp = 0, sp = 0;
    *ncap = 0;
    for (;;) {
        long plen = next_segment(pattern, &pp);
        long slen = next_segment(path, &sp);
        if (plen < 0 || slen < 0) return plen < 0 && slen < 0;
        const char *pseg = pattern + pp - plen, *sseg = path + sp - slen;
        if (pseg[0] != '{') {
            /* Fixed path words match case-insensitively (rblx-open-cloud writes
             * "orderedDatastores"); captured names, scopes and keys stay exact. */
            if (plen != slen || strncasecmp(pseg, sseg, (size_t)plen) != 0) return false;
            continue;
        }
        const char *close = memchr(pseg, '}', (size_t)plen);
        if (!close) return false;
        size_t suffix_len = (size_t)(pseg + plen - (close + 1)); /* ":verb" or 0 */
        if ((size_t)slen <= suffix_len) return false;            /* capture must be non-empty */
        if (suffix_len && strncasecmp(sseg + slen - suffix_len, close + 1, suffix_len) != 0)
            return false;
        if (*ncap >= REQ_MAX_PARAMS) return false;
        caps[*ncap].name = pseg + 1;
        caps[*ncap].name_len = (size_t)(close - pseg - 1);
        caps[*ncap].raw = sseg;
        caps[*ncap].raw_len = (size_t)slen - suffix_len;
        ++*ncap;
    }
}

static void add_allowed(char *allowed, size_t cap, const char *method)
{
    if (strstr(allowed, method)) return;
    size_t len = strlen(allowed);
    snprintf(allowed + len, cap - len, "%s%s", len ? ", " : "", method);
}

bool router_match(struct ds_request *req, bool *bad_escape)
{
    struct capture caps[REQ_MAX_PARAMS];
    int ncap;
    *bad_escape = false;
    req->allowed[0] = '\0';
    for (size_t i = 0; i < route_count; i++) {
        if (!match_pattern(routes[i].pattern, req->path, caps, &ncap)) continue;
        if (strcmp(routes[i].method, req->method) != 0) {
            add_allowed(req->allowed, sizeof req->allowed, routes[i].method);
            continue;
        }
        req->route = &routes[i];
        for (int c = 0; c < ncap; c++) {
            char *v = http_percent_decode(caps[c].raw, caps[c].raw_len, false);
            if (!v) {
                *bad_escape = true;
                return false;
            }
            req->params[c].name = caps[c].name;
            req->params[c].name_len = caps[c].name_len;
            req->params[c].value = v;
            req->params[c].value_len = strlen(v);
            req->n_params = c + 1;
        }
        return true;
    }
    return false;
}

int route_budget_types(const struct route *r, enum budget_type out[2])
{
    bool ordered = r->family == FAMILY_ORDERED_V1 || r->family == FAMILY_ORDERED_V2;
    bool standard = r->family == FAMILY_V1 || r->family == FAMILY_V2;
    if (!ordered && !standard) return 0;
    switch (r->op) {
    case OP_GET:
    case OP_GET_VERSION:
        out[0] = ordered ? BUDGET_ORDERED_READ : BUDGET_STANDARD_READ;
        return 1;
    case OP_SET:
    case OP_INCREMENT:
    case OP_LOCK:
        out[0] = ordered ? BUDGET_ORDERED_WRITE : BUDGET_STANDARD_WRITE;
        return 1;
    case OP_UPDATE:
        out[0] = BUDGET_STANDARD_READ;
        out[1] = BUDGET_STANDARD_WRITE;
        return 2;
    case OP_REMOVE:
    case OP_DELETE_STORE:
        out[0] = ordered ? BUDGET_ORDERED_REMOVE : BUDGET_STANDARD_REMOVE;
        return 1;
    case OP_LIST:
    case OP_LIST_VERSIONS:
    case OP_LIST_STORES:
    case OP_SORTED:
        out[0] = ordered ? BUDGET_ORDERED_LIST : BUDGET_STANDARD_LIST;
        return 1;
    default:
        return 0;
    }
}
