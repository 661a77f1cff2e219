/* service/api_keys.h — the admin use cases of API keys kept in PostgreSQL: each change is
 * announced to every instance, and this instance reloads its keyring before it returns, so a
 * created key works here at once and a revoked one stops at once (elsewhere within ms). */
#ifndef DS_SERVICE_API_KEYS_H
#define DS_SERVICE_API_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "core/auth.h"
#include "core/error.h"

/* A stored key as the admin API shows it (never the key itself). */
struct api_key_view {
    int64_t id;
    const char *prefix; /* valid during the callback */
    const struct auth_scope *scope;
    int64_t created_us;
};
typedef bool (*api_key_view_fn)(const struct api_key_view *key, void *arg); /* false: stop */

/* Stores key (its hash and prefix only) with scope, created at now_us. *id is 0 when the
 * key already exists; prefix receives its shown prefix. */
ds_status api_keys_create(struct ds_ctx *ctx, struct pg_conn *db, const char *key,
                          const struct auth_scope *scope, int64_t now_us, int64_t *id,
                          char prefix[12], struct ds_error *err) DS_MUSTCHECK;
/* Every stored key, oldest first (a stored scope that no longer parses is skipped). */
ds_status api_keys_list(struct pg_conn *db, api_key_view_fn fn, void *arg,
                        struct ds_error *err) DS_MUSTCHECK;
/* Revokes key id; *deleted false when there was none. */
ds_status api_keys_revoke(struct ds_ctx *ctx, struct pg_conn *db, int64_t id, bool *deleted,
                          struct ds_error *err) DS_MUSTCHECK;

#endif
