/* store/universes.h — which universes hold data, for the admin API and the web console. */
#ifndef DS_STORE_UNIVERSES_H
#define DS_STORE_UNIVERSES_H

#include <stdint.h>

#include "core/error.h"
#include "pg/pool.h"

extern const struct pg_statement universes_statements[];

struct universe_row {
    int64_t id;
    int64_t data_stores;         /* active standard data stores */
    int64_t ordered_data_stores; /* ordered data stores with at least one entry */
};

struct ordered_store_row {
    const char *name; /* valid during the callback */
    int64_t entries;
};

typedef void (*universe_row_fn)(const struct universe_row *row, void *arg);
typedef void (*ordered_store_row_fn)(const struct ordered_store_row *row, void *arg);

/* Universes with data, ids above after_id, ascending, at most limit. */
ds_status store_universes_list(struct pg_conn *db, int64_t after_id, int limit, universe_row_fn fn,
                               void *arg, struct ds_error *err) DS_MUSTCHECK;
/* A universe's ordered data stores (those with entries), by name. */
ds_status store_ordered_stores_list(struct pg_conn *db, int64_t universe, ordered_store_row_fn fn,
                                    void *arg, struct ds_error *err) DS_MUSTCHECK;

#endif
