/* service/throughput.h — the `current` profile's per-key throughput limits (Roblox since
 * 2023): writes 4 MB/min and reads 25 MB/min per key, each request rounded up to 1 KB, over
 * a sliding 60 s window (estimated from the current and previous minute, weighted). Kept in
 * memory per instance, like budgets; thread-safe through striped locks. */
#ifndef DS_SERVICE_THROUGHPUT_H
#define DS_SERVICE_THROUGHPUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define THROUGHPUT_STRIPES 64
#define THROUGHPUT_WRITE_KB_PER_MIN 4096
#define THROUGHPUT_READ_KB_PER_MIN 25600

struct throughput_node;

struct throughput {
    struct {
        pthread_mutex_t mu;
        struct throughput_node *head;
    } stripes[THROUGHPUT_STRIPES];
};

void throughput_init(struct throughput *t);
void throughput_destroy(struct throughput *t);
/* Charges bytes (rounded up to 1 KB) to key's read or write window at now_us. With
 * check_only nothing is charged. Over the limit → false with err = 429 KeyThrottled. */
bool throughput_admit(struct throughput *t, const char *key, bool write, size_t bytes,
                      bool check_only, int64_t now_us, struct ds_error *err);

#endif
