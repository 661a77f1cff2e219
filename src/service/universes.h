/* service/universes.h — listing the universes that hold data and their ordered data stores. */
#ifndef DS_SERVICE_UNIVERSES_H
#define DS_SERVICE_UNIVERSES_H

#include "store/universes.h"

/* Universes above after_id (ascending), at most limit, each passed to fn. */
ds_status universes_list(struct pg_conn *db, int64_t after_id, int limit, universe_row_fn fn,
                         void *arg, struct ds_error *err) DS_MUSTCHECK;
/* The ordered data stores of a universe, each passed to fn. */
ds_status universes_ordered_stores(struct pg_conn *db, int64_t universe, ordered_store_row_fn fn,
                                   void *arg, struct ds_error *err) DS_MUSTCHECK;

#endif
