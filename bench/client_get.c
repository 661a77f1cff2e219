/* bench/client_get.c — libdatastore's GetAsync from one client handle (one thread, reused
 * connection) for a number of seconds, reading random preloaded keys as bench/get.lua does.
 * Prints the RESULT line bench/run parses. Usage: client_get URL UNIVERSE KEYS SECONDS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "client/datastore_client.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: client_get URL UNIVERSE KEYS SECONDS\n");
        return 2;
    }
    long keys = atol(argv[3]);
    double seconds = atof(argv[4]);
    struct dsc_store s = {.universe = atoll(argv[2]), .datastore = "Bench"};
    dsc_client *c = dsc_client_new(&(struct dsc_options){.base_url = argv[1], .jitter_seed = 1});
    size_t cap = 1 << 20, n = 0;
    double *lat = malloc(cap * sizeof *lat);
    if (!c || !lat || keys <= 0) return 1;
    unsigned seed = 12345;
    long errors = 0;
    double start = now_s(), end = start + seconds;
    while (n < cap) {
        char key[32];
        snprintf(key, sizeof key, "k%ld", (long)(rand_r(&seed) % keys));
        double t0 = now_s();
        char *value = NULL;
        if (dsc_get(c, &s, key, &value, NULL) != DSC_OK) errors++;
        free(value);
        double t1 = now_s();
        lat[n++] = (t1 - t0) * 1000.0;
        if (t1 >= end) break;
    }
    double elapsed = now_s() - start;
    qsort(lat, n, sizeof *lat, by_value);
    printf("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%ld requests=%zu\n", (double)n / elapsed,
           lat[n / 2], lat[n * 99 / 100], errors, n);
    free(lat);
    dsc_client_free(c);
    return 0;
}
