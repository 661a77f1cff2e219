/* store/api_keys.h — SQL for api_keys. Changes announce themselves on channel
 * datastored_keys in the same statement. */
#ifndef DS_STORE_API_KEYS_H
#define DS_STORE_API_KEYS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement api_keys_statements[];

/* *id 0 when a key with this hash already exists. */
ds_status store_api_key_insert(struct pg_conn *db, const char *hash_hex, const char *prefix,
                               const char *scope_json, int64_t created_us, int64_t *id,
                               struct ds_error *err) DS_MUSTCHECK;
ds_status store_api_key_delete(struct pg_conn *db, int64_t id, bool *deleted,
                               struct ds_error *err) DS_MUSTCHECK;

struct api_key_row {
    int64_t id;
    const char *hash_hex, *prefix, *scope; /* borrowed from the result */
    int64_t created_us;
};
typedef bool (*api_key_row_fn)(const struct api_key_row *row, void *arg); /* false: stop */
/* Every key, oldest first, on a bare connection (the listener's, or a pooled one's), each
 * passed to fn (stopping when it returns false: 500). */
ds_status store_api_keys_each(PGconn *conn, api_key_row_fn fn, void *arg,
                              struct ds_error *err) DS_MUSTCHECK;

#endif
