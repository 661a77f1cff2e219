/* pg/embedded.h — the private PostgreSQL cluster the service runs when no --database-url
 * is given: created in --data-dir on first start, reused afterwards, stopped on exit. */
#ifndef DS_PG_EMBEDDED_H
#define DS_PG_EMBEDDED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

struct pg_embedded {
    char data_dir[4096];  /* absolute --data-dir; also the unix socket directory */
    char pgdata[4096];    /* data_dir/pg: the cluster */
    char bindir[4096];    /* where initdb and postgres live */
    char conninfo[4400];  /* libpq conninfo of the running cluster */
    pid_t postmaster;     /* child process; 0 when not running */
    bool drop_privileges; /* running as root: PostgreSQL runs as run_uid/run_gid */
    uid_t run_uid;
    gid_t run_gid;
    bool initialized_now; /* initdb ran during this start */
};

/* Creates (first time) and starts the cluster, creating the "datastored" database. On
 * failure, err says what is wrong (missing binaries, permissions, log tail). */
ds_status pg_embedded_start(struct pg_embedded *pg, const char *data_dir, char *err,
                            size_t cap) DS_MUSTCHECK;
/* Starts the postmaster again on the same cluster after it died (its crash recovery replays
 * the WAL). The caller has reaped the old one. Waits until it accepts connections. */
ds_status pg_embedded_restart(struct pg_embedded *pg, char *err, size_t cap) DS_MUSTCHECK;
/* Fast shutdown of the cluster; waits for it to exit. Safe to call when not running. */
void pg_embedded_stop(struct pg_embedded *pg);

#endif
