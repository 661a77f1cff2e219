/* core/auth.h — what an API key may do, without I/O: Open Cloud permission names, a key's
 * scope (universes, optional data store names, permissions) parsed from its JSON form
 * (--api-keys FILE entries and POST /admin/v1/api-keys bodies, DESIGN.md §9), and the
 * decision for one request. */
#ifndef DS_CORE_AUTH_H
#define DS_CORE_AUTH_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

#define AUTH_MAX_UNIVERSES 64
#define AUTH_MAX_DATASTORES 64
#define AUTH_NAME_MAX 51 /* data store names are at most 50 bytes */
#define AUTH_DESCRIPTION_MAX 200

struct auth_scope {
    bool all_universes; /* --api-key: every universe, every permission */
    int64_t universes[AUTH_MAX_UNIVERSES];
    int n_universes;
    char datastores[AUTH_MAX_DATASTORES][AUTH_NAME_MAX]; /* none listed: every data store */
    int n_datastores;
    uint32_t permissions; /* bit i: auth_permission_names[i] */
    char description[AUTH_DESCRIPTION_MAX];
};

extern const char *const auth_permission_names[];
extern const int auth_permission_count;

/* Bit of a permission name; 0 for an unknown name. */
uint32_t auth_permission_bit(const char *name);

/* The full-access scope of --api-key. */
void auth_scope_all(struct auth_scope *out);
/* Parses {"universes":[…],"datastores":[…],"permissions":[…],"description":…}; members
 * named in also_allowed (NULL-terminated, e.g. "key") are skipped for the caller. Unknown
 * members, unknown permissions and empty universe/permission lists are refused (400). */
ds_status auth_scope_parse(struct json_object *o, const char *const *also_allowed,
                           struct auth_scope *out, struct ds_error *err) DS_MUSTCHECK;
/* The scope's JSON form (universes, datastores if any, permissions, description if any). */
struct json_object *auth_scope_to_json(const struct auth_scope *s);

enum auth_verdict { AUTH_ALLOW, AUTH_NO_PERMISSION, AUTH_OTHER_UNIVERSE, AUTH_OTHER_DATASTORE };
/* May a key with scope s perform permission (a name; NULL = none needed) in universe
 * (0 = none addressed) on datastore (NULL = none addressed)? */
enum auth_verdict auth_scope_allows(const struct auth_scope *s, const char *permission,
                                    int64_t universe, const char *datastore);

/* A key as presented in a request: x-api-key, else "Authorization: Bearer <key>". Returns
 * the key (borrowed from the header values) or NULL; keys longer than 512 bytes or with
 * control characters count as absent-and-bad (*malformed set). */
const char *auth_presented_key(const char *x_api_key, const char *authorization, bool *malformed);

#endif
