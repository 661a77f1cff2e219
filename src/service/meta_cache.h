/* service/meta_cache.h — what an instance remembers about data stores so a Get is one query
 * of one row: each one's state (active or deleted; an absent one is not remembered), the head
 * of its _version chain in force, and whether any of its keys was ever locked (most data
 * stores never are, and their Gets skip the lock table). Every change is announced on
 * store/datastores.h's META_CHANNEL in the transaction that makes it; the listener drops the
 * entry when the announcement arrives (and everything after a reconnect), and the instance
 * that made a change drops it at once. So a Get on another instance can act on a state older
 * than a completed delete, undelete, chain change or first lock of the data store by at most
 * the notification delay (milliseconds on one PostgreSQL); later lock changes are read with
 * the entry, exactly. Writes do not use it: they read everything inside their transaction.
 * Thread-safe (a rwlock). */
#ifndef DS_SERVICE_META_CACHE_H
#define DS_SERVICE_META_CACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/entries.h" /* enum store_state */

#define META_CACHE_BUCKETS 4096
#define META_CACHE_MAX 65536 /* entries; beyond this the cache starts over */

struct meta_cache_entry;

struct meta_cache {
    pthread_rwlock_t lock;
    uint64_t generation; /* bumped by every invalidation (a fill from before one is dropped) */
    size_t n;
    struct meta_cache_entry *buckets[META_CACHE_BUCKETS];
};

/* What is remembered of one data store. */
struct meta_cache_value {
    enum store_state state;
    int schema_latest;
    bool has_locks; /* some key of it has a lock row: a Get must read the key's lock too */
};

void meta_cache_init(struct meta_cache *c);
void meta_cache_destroy(struct meta_cache *c);
/* True with *out on a hit; on a miss *generation is what meta_cache_put must be given. */
bool meta_cache_get(struct meta_cache *c, int64_t universe, const char *name,
                    struct meta_cache_value *out, uint64_t *generation);
/* Remembers v unless an invalidation came after generation was read (or v is absent). */
void meta_cache_put(struct meta_cache *c, int64_t universe, const char *name,
                    const struct meta_cache_value *v, uint64_t generation);
/* Forgets one data store (name NULL: all of the universe's; universe <= 0: everything). */
void meta_cache_forget(struct meta_cache *c, int64_t universe, const char *name);
/* Forgets what an announcement names: "universe/name" one data store, "universe/" all of a
 * universe's, anything else (e.g. "*", or "" after a reconnect) everything. */
void meta_cache_invalidate(struct meta_cache *c, const char *payload);

#endif
