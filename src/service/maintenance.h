/* service/maintenance.h — the background thread that purges expired versions, tombstones
 * and soft-deleted data stores, in small batches, on one instance at a time. */
#ifndef DS_SERVICE_MAINTENANCE_H
#define DS_SERVICE_MAINTENANCE_H

#include <pthread.h>
#include <stdbool.h>

#include "context.h"

struct maintenance {
    struct ds_ctx *ctx; /* borrowed */
    pthread_t thread;
    bool running;
    pthread_mutex_t mu; /* guards stop */
    pthread_cond_t cv;  /* wakes the thread to stop */
    bool stop;
};

ds_status maintenance_start(struct maintenance *m, struct ds_ctx *ctx, char *err,
                            size_t cap) DS_MUSTCHECK;
void maintenance_stop(struct maintenance *m);

#endif
