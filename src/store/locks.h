/* store/locks.h — SQL for entry_locks. Callers hold a transaction. */
#ifndef DS_STORE_LOCKS_H
#define DS_STORE_LOCKS_H

#include <libpq-fe.h>

#include "core/session_lock.h"
#include "pg/pool.h"
#include "store/entries.h"

extern const struct pg_statement locks_statements[];

/* A lock row read for update; owner borrows from res. */
struct lock_row {
    PGresult *res;
    struct lock_state state;
    int64_t clock_virtual_us;
    bool created; /* the key had no lock row: this call made it (and announced it) */
};
void lock_row_clear(struct lock_row *row);

/* Creates the key's lock row if missing (announcing the data store's metadata change), locks it and
 * reads it with the shared virtual time, then locks the entry row when the entry exists (waiting
 * for writes in flight). Lock order is entry_locks then entries, as in every write, so the two
 * never deadlock. */
ds_status store_lock_read_for_update(struct pg_conn *db, const struct entry_ref *ref,
                                     struct lock_row *out, struct ds_error *err) DS_MUSTCHECK;
/* Stores the new lock state; released=true also announces the key on datastored_locks. */
ds_status store_lock_write(struct pg_conn *db, const struct entry_ref *ref, const char *owner,
                           int64_t token, int64_t expires_us, bool released, const char *notify_key,
                           struct ds_error *err) DS_MUSTCHECK;

#endif
