/* store/purge.h — SQL that removes what has expired: superseded versions 30 days after they
 * were superseded, tombstoned keys 30 days after deletion, soft-deleted data stores 30 days
 * after deletion. Always in batches of bounded size. */
#ifndef DS_STORE_PURGE_H
#define DS_STORE_PURGE_H

#include <stdint.h>

#include "core/error.h"
#include "core/limits.h" /* RETENTION_US */
#include "pg/pool.h"

struct purge_counts {
    long versions;
    long tombstones;
    long datastores;
};

extern const struct pg_statement purge_statements[];

/* One purge pass as of now_us. Skips (returns DS_OK with zero counts) when another
 * instance holds the purge lock. */
ds_status store_purge_expired(struct pg_conn *db, int64_t now_us, struct purge_counts *out,
                              struct ds_error *err) DS_MUSTCHECK;

#endif
