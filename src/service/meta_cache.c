/* service/meta_cache.c — see meta_cache.h. */
#include "service/meta_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"

struct meta_cache_entry {
    struct meta_cache_entry *next;
    int64_t universe;
    struct meta_cache_value value;
    char name[]; /* NUL-terminated */
};

static size_t bucket_of(int64_t universe, const char *name)
{
    uint32_t h = fnv1a32(0, (const char *)&universe, sizeof universe);
    h = fnv1a32(h, name, strlen(name));
    return h % META_CACHE_BUCKETS;
}

void meta_cache_init(struct meta_cache *c)
{
    memset(c, 0, sizeof *c);
    pthread_rwlock_init(&c->lock, NULL);
}

/* Drops every entry; the caller holds the write lock. */
static void clear_locked(struct meta_cache *c)
{
    for (size_t b = 0; b < META_CACHE_BUCKETS; b++) {
        struct meta_cache_entry *e = c->buckets[b];
        while (e) {
            struct meta_cache_entry *next = e->next;
            free(e);
            e = next;
        }
        c->buckets[b] = NULL;
    }
    c->n = 0;
}

void meta_cache_destroy(struct meta_cache *c)
{
    clear_locked(c);
    pthread_rwlock_destroy(&c->lock);
}

bool meta_cache_get(struct meta_cache *c, int64_t universe, const char *name,
                    struct meta_cache_value *out, uint64_t *generation)
{
    size_t b = bucket_of(universe, name);
    bool hit = false;
    pthread_rwlock_rdlock(&c->lock);
    for (const struct meta_cache_entry *e = c->buckets[b]; e && !hit; e = e->next)
        if (e->universe == universe && !strcmp(e->name, name)) {
            *out = e->value;
            hit = true;
        }
    *generation = c->generation;
    pthread_rwlock_unlock(&c->lock);
    return hit;
}

void meta_cache_put(struct meta_cache *c, int64_t universe, const char *name,
                    const struct meta_cache_value *v, uint64_t generation)
{
    if (v->state == STORE_ABSENT) return; /* its creation is announced, but be safe */
    size_t len = strlen(name);
    struct meta_cache_entry *fresh = malloc(sizeof *fresh + len + 1);
    if (!fresh) return; /* only a cache */
    fresh->universe = universe;
    fresh->value = *v;
    memcpy(fresh->name, name, len + 1);
    size_t b = bucket_of(universe, name);
    pthread_rwlock_wrlock(&c->lock);
    bool stale = c->generation != generation;
    for (const struct meta_cache_entry *e = c->buckets[b]; e && !stale; e = e->next)
        stale = e->universe == universe && !strcmp(e->name, name); /* a concurrent fill won */
    if (!stale) {
        if (c->n >= META_CACHE_MAX) clear_locked(c);
        fresh->next = c->buckets[b];
        c->buckets[b] = fresh;
        c->n++;
        fresh = NULL;
    }
    pthread_rwlock_unlock(&c->lock);
    free(fresh);
}

/* Parses "universe/name" (name "" for all of the universe); false for anything else. */
static bool parse_payload(const char *payload, int64_t *universe, const char **name)
{
    if (!payload) return false;
    char *end;
    errno = 0;
    long long u = strtoll(payload, &end, 10);
    if (errno || end == payload || *end != '/' || u <= 0) return false;
    *universe = u;
    *name = end + 1;
    return true;
}

void meta_cache_forget(struct meta_cache *c, int64_t universe, const char *name)
{
    bool everything = universe <= 0, whole_universe = !everything && !name;
    pthread_rwlock_wrlock(&c->lock);
    c->generation++;
    if (everything) {
        clear_locked(c);
    } else {
        size_t first = whole_universe ? 0 : bucket_of(universe, name);
        size_t last = whole_universe ? META_CACHE_BUCKETS : first + 1;
        for (size_t b = first; b < last; b++) {
            struct meta_cache_entry **link = &c->buckets[b];
            while (*link) {
                struct meta_cache_entry *e = *link;
                if (e->universe == universe && (whole_universe || !strcmp(e->name, name))) {
                    *link = e->next;
                    free(e);
                    c->n--;
                } else {
                    link = &e->next;
                }
            }
        }
    }
    pthread_rwlock_unlock(&c->lock);
}

void meta_cache_invalidate(struct meta_cache *c, const char *payload)
{
    int64_t universe;
    const char *name;
    if (!parse_payload(payload, &universe, &name))
        meta_cache_forget(c, -1, NULL);
    else
        meta_cache_forget(c, universe, *name ? name : NULL);
}
