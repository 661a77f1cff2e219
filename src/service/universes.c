/* service/universes.c — see universes.h. Read-only, one statement each: no rule applies
 * beyond what the store answers. */
#include "service/universes.h"

ds_status universes_list(struct pg_conn *db, int64_t after_id, int limit, universe_row_fn fn,
                         void *arg, struct ds_error *err)
{
    return store_universes_list(db, after_id, limit, fn, arg, err);
}

ds_status universes_ordered_stores(struct pg_conn *db, int64_t universe, ordered_store_row_fn fn,
                                   void *arg, struct ds_error *err)
{
    return store_ordered_stores_list(db, universe, fn, arg, err);
}
