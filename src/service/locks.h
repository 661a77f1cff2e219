/* service/locks.h — session locks: acquire (fail / steal / wait), renew, release (optionally
 * writing a final value in the same transaction). Every operation locks the key's lock row
 * FOR UPDATE on the service clock read from the database. */
#ifndef DS_SERVICE_LOCKS_H
#define DS_SERVICE_LOCKS_H

#include "context.h"
#include "service/entries.h"
#include "store/entries.h"

enum lock_mode { LOCK_MODE_FAIL, LOCK_MODE_STEAL, LOCK_MODE_WAIT };

struct lock_grant {
    char owner[129];
    int64_t token;
    int64_t expires_us;
};

/* Grants (or renews, for the same owner, keeping the token) a lease of ttl_us. A live lock
 * of another owner: FAIL/WAIT → 409 LockHeld (err->retry_at_us = its expiry, for waiting);
 * STEAL → a new, higher token. */
ds_status locks_acquire(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        const char *owner, int64_t ttl_us, enum lock_mode mode,
                        struct lock_grant *out, struct ds_error *err) DS_MUSTCHECK;
/* Extends the lease of the holder of token. */
ds_status locks_renew(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                      int64_t token, int64_t ttl_us, struct lock_grant *out,
                      struct ds_error *err) DS_MUSTCHECK;
/* Releases the lock held with token; with final (non-NULL) its write happens in the same
 * transaction (then *written describes it). */
ds_status locks_release(struct ds_ctx *ctx, struct pg_conn *db, const struct entry_ref *ref,
                        int64_t token, const struct write_spec *final,
                        struct write_outcome *written, struct ds_error *err) DS_MUSTCHECK;

/* Key announced on datastored_locks when a lock is released (waiters wake on it). */
void locks_wait_key(const struct entry_ref *ref, char *out, size_t cap);

#endif
