/* service/throughput.c — see throughput.h. */
#include "service/throughput.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"

#define WINDOW_US INT64_C(60000000)

struct throughput_node {
    char *key;
    int64_t window_start_us;      /* start of the current minute window */
    double cur_kb[2], prev_kb[2]; /* [0] read, [1] write */
    struct throughput_node *next;
};

void throughput_init(struct throughput *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < THROUGHPUT_STRIPES; i++)
        pthread_mutex_init(&t->stripes[i].mu, NULL);
}

void throughput_destroy(struct throughput *t)
{
    for (int i = 0; i < THROUGHPUT_STRIPES; i++) {
        for (struct throughput_node *n = t->stripes[i].head, *next; n; n = next) {
            next = n->next;
            free(n->key);
            free(n);
        }
        pthread_mutex_destroy(&t->stripes[i].mu);
    }
}

static void roll(struct throughput_node *n, int64_t now)
{
    int64_t start = now - now % WINDOW_US;
    if (start == n->window_start_us) return;
    bool adjacent = start - n->window_start_us == WINDOW_US;
    for (int k = 0; k < 2; k++) {
        n->prev_kb[k] = adjacent ? n->cur_kb[k] : 0;
        n->cur_kb[k] = 0;
    }
    n->window_start_us = start;
}

bool throughput_admit(struct throughput *t, const char *key, bool write, size_t bytes,
                      bool check_only, int64_t now, struct ds_error *err)
{
    unsigned s = fnv1a32(0, key, strlen(key)) % THROUGHPUT_STRIPES;
    double kb = (double)((bytes + 1023) / 1024);
    if (kb < 1) kb = 1;
    double limit = write ? THROUGHPUT_WRITE_KB_PER_MIN : THROUGHPUT_READ_KB_PER_MIN;
    int k = write ? 1 : 0;
    bool ok = true;
    pthread_mutex_lock(&t->stripes[s].mu);
    struct throughput_node *n = t->stripes[s].head;
    while (n && strcmp(n->key, key))
        n = n->next;
    if (!n && (n = calloc(1, sizeof *n))) { /* first use of this key */
        if ((n->key = strdup(key))) {
            n->next = t->stripes[s].head;
            t->stripes[s].head = n;
        } else {
            free(n);
            n = NULL;
        }
    }
    if (n) {
        roll(n, now);
        double elapsed = (double)(now - n->window_start_us) / WINDOW_US;
        double used = n->prev_kb[k] * (1.0 - elapsed) + n->cur_kb[k];
        if (used + (check_only ? 0 : kb) > limit + 1e-9) {
            ok = false;
            double retry_s = 60.0 * (1.0 - elapsed) + 1;
            ds_fail(err, 429, "KeyThrottled",
                    "This key exceeded its %s throughput of %.0f KB per minute; retry in %.0f s.",
                    write ? "write" : "read", limit, retry_s);
        } else if (!check_only) {
            n->cur_kb[k] += kb;
        }
    }
    pthread_mutex_unlock(&t->stripes[s].mu);
    return ok;
}
