/* service/faults.c — see faults.h. A rule set is immutable once published except for the
 * per-rule live counters, which are shared (refcounted) between successive sets so that a
 * reload loses no count. */
#include "service/faults.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pg/query.h"
#include "store/faults.h"

/* Counters of one rule on this instance; survive reloads. */
struct fault_live {
    _Atomic int refs;
    _Atomic uint64_t draws;   /* draw index k (reset by reseeding) */
    _Atomic uint64_t matched; /* local matches (shown for rules counted in memory) */
    _Atomic uint64_t fired;
    _Atomic bool retired; /* count exhausted (learnt from the database) */
};

struct fault_entry {
    struct fault_rule rule;
    bool counted;       /* count or skip: matches numbered in PostgreSQL */
    int64_t db_matched; /* counters as of the load (counted rules) */
    int64_t db_fired;
    struct fault_live *live;
};

struct fault_set {
    _Atomic int refs;
    int64_t generation;
    int n;
    struct fault_entry *entries;
};

static void live_put(struct fault_live *l)
{
    if (l && atomic_fetch_sub(&l->refs, 1) == 1) free(l);
}

static void set_put(struct fault_set *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1) return;
    for (int i = 0; i < s->n; i++)
        live_put(s->entries[i].live);
    free(s->entries);
    free(s);
}

static struct fault_set *set_get(struct fault_injector *fi)
{
    pthread_mutex_lock(&fi->mu);
    struct fault_set *s = fi->set;
    if (s) atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&fi->mu);
    return s;
}

ds_status faults_init(struct fault_injector *fi, const struct ds_clock *clock, struct pg_pool *pool,
                      uint64_t seed)
{
    memset(fi, 0, sizeof *fi);
    fi->clock = clock;
    fi->pool = pool;
    atomic_store(&fi->seed, seed);
    if (fault_events_init(&fi->events) != DS_OK) return DS_ERR;
    pthread_mutex_init(&fi->mu, NULL);
    return DS_OK;
}

void faults_destroy(struct fault_injector *fi)
{
    if (!fi->events.ring) return;
    set_put(fi->set);
    fi->set = NULL;
    pthread_mutex_destroy(&fi->mu);
    fault_events_destroy(&fi->events);
}

uint64_t faults_seed(struct fault_injector *fi)
{
    return atomic_load(&fi->seed);
}

/* The live counters of rule id in set s, shared; a new zeroed one if s has none. */
static struct fault_live *live_for(const struct fault_set *s, int64_t id)
{
    for (int i = 0; s && i < s->n; i++) {
        if (s->entries[i].rule.id == id) {
            atomic_fetch_add(&s->entries[i].live->refs, 1);
            return s->entries[i].live;
        }
    }
    struct fault_live *l = calloc(1, sizeof *l);
    if (l) atomic_store(&l->refs, 1);
    return l;
}

/* Builds a set from a loaded snapshot, sharing counters with old (may be NULL). */
static struct fault_set *build_set(const struct fault_snapshot *snap, const struct fault_set *old)
{
    int n = snap->n_rules;
    struct fault_set *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    atomic_store(&s->refs, 1);
    s->generation = snap->state.generation;
    s->entries = n ? calloc((size_t)n, sizeof *s->entries) : NULL;
    if (n && !s->entries) {
        free(s);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        struct fault_rule_row row;
        store_fault_rule_row(snap, i, &row);
        struct json_object *doc = json_tokener_parse(row.definition);
        struct fault_entry *e = &s->entries[s->n];
        struct ds_error err;
        ds_status st = fault_rule_parse(doc, row.created_us, &e->rule, &err);
        json_object_put(doc);
        if (st != DS_OK) { /* written by this code, so only a newer version could cause it */
            log_warn("fault rule %lld is not understood by this version: %s", (long long)row.id,
                     err.message);
            continue;
        }
        e->rule.id = row.id;
        e->rule.created_us = row.created_us;
        e->counted = e->rule.count > 0 || e->rule.skip > 0;
        e->db_matched = row.matched;
        e->db_fired = row.fired;
        if (!(e->live = live_for(old, row.id))) {
            set_put(s);
            return NULL;
        }
        if (e->rule.count && row.fired >= e->rule.count) atomic_store(&e->live->retired, true);
        s->n++;
    }
    return s;
}

ds_status faults_reload(struct fault_injector *fi, PGconn *conn, struct ds_error *err)
{
    struct fault_snapshot snap;
    if (store_faults_load(conn, &snap, err) != DS_OK) return DS_ERR;
    struct fault_snapshot_state state = snap.state;
    struct fault_set *old = set_get(fi);
    struct fault_set *s = build_set(&snap, old);
    set_put(old);
    fault_snapshot_clear(&snap);
    if (!s) return ds_fail(err, 500, NULL, "out of memory loading fault rules");

    pthread_mutex_lock(&fi->mu);
    bool newer = !fi->set || fi->set->generation <= s->generation;
    struct fault_set *drop = newer ? fi->set : s;
    if (newer) {
        fi->set = s;
        atomic_store(&fi->n_rules, s->n);
        if (fi->loaded && state.seed_generation > fi->seed_generation && state.has_seed) {
            atomic_store(&fi->seed, (uint64_t)state.seed);
            for (int i = 0; i < s->n; i++) /* same seed, same sequence: start over */
                atomic_store(&s->entries[i].live->draws, 0);
            log_info("fault injector seed is now %lld", (long long)state.seed);
        }
        if (state.seed_generation > fi->seed_generation)
            fi->seed_generation = state.seed_generation;
        fi->loaded = true;
    }
    pthread_mutex_unlock(&fi->mu);
    set_put(drop);
    return DS_OK;
}

static void copy_name(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void record(struct fault_injector *fi, const struct fault_request *req, const char *method,
                   const char *path, const struct fault_fired *f, int64_t now)
{
    struct fault_event e;
    memset(&e, 0, sizeof e);
    e.time_us = now;
    e.rule_id = f->rule_id;
    e.effect = f->effect.type;
    e.status = f->effect.status;
    e.delay_ms = f->delay_ms;
    copy_name(e.method, sizeof e.method, method);
    copy_name(e.path, sizeof e.path, path);
    e.family = req->family;
    e.op = req->op;
    e.universe = req->universe;
    copy_name(e.datastore, sizeof e.datastore, req->datastore);
    copy_name(e.scope, sizeof e.scope, req->scope);
    copy_name(e.key, sizeof e.key, req->key);
    fault_events_record(&fi->events, &e);
}

/* A counted rule's match: numbered in the database. Errors let the request through. */
static bool count_match(struct fault_injector *fi, struct fault_entry *e, bool roll)
{
    struct ds_error err;
    struct pg_conn *db = pg_pool_acquire(fi->pool, 5000, &err);
    bool fire = false, exhausted = false, gone = false;
    ds_status st = db ? store_fault_count_match(db, e->rule.id, e->rule.skip, e->rule.count, roll,
                                                &fire, &exhausted, &gone, &err)
                      : DS_ERR;
    if (db) pg_pool_release(fi->pool, db);
    if (st != DS_OK) {
        log_warn("fault rule %lld: cannot count a match (%s); not firing", (long long)e->rule.id,
                 err.message);
        return false;
    }
    if (exhausted || gone) atomic_store(&e->live->retired, true);
    return fire;
}

bool faults_decide(struct fault_injector *fi, const struct fault_request *req, const char *method,
                   const char *path, struct fault_fired *out)
{
    if (atomic_load(&fi->n_rules) == 0) return false;
    struct fault_set *s = set_get(fi);
    if (!s) return false;
    int64_t now = clock_now_us(fi->clock);
    uint64_t seed = atomic_load(&fi->seed);
    bool fire = false;
    for (int i = 0; i < s->n; i++) {
        struct fault_entry *e = &s->entries[i];
        if (atomic_load(&e->live->retired) || !fault_rule_in_window(&e->rule, now) ||
            !fault_rule_matches(&e->rule, req))
            continue;
        uint64_t k = atomic_fetch_add(&e->live->draws, 1);
        atomic_fetch_add(&e->live->matched, 1);
        bool roll = fault_roll(&e->rule, seed, k);
        fire = e->counted ? count_match(fi, e, roll) : roll;
        if (!fire) continue; /* a rule that does not fire lets the next one try */
        atomic_fetch_add(&e->live->fired, 1);
        out->rule_id = e->rule.id;
        out->effect = e->rule.effect;
        out->delay_ms = fault_delay_ms(&e->rule, seed, k);
        record(fi, req, method, path, out, now);
        break;
    }
    set_put(s);
    return fire;
}

static struct json_object *entry_view(const struct fault_entry *e, int64_t now)
{
    struct json_object *o = json_object_new_object();
    struct json_object *def = fault_rule_to_json(&e->rule);
    if (!o || !def) {
        json_object_put(o);
        json_object_put(def);
        return NULL;
    }
    json_object_object_add(o, "id", json_object_new_int64(e->rule.id));
    json_object_object_foreach(def, name, v) json_object_object_add(o, name, json_object_get(v));
    json_object_put(def);
    char when[48];
    rfc3339_format(e->rule.created_us, false, when, sizeof when);
    json_object_object_add(o, "createTime", json_object_new_string(when));
    int64_t matched = e->counted ? e->db_matched : (int64_t)atomic_load(&e->live->matched);
    int64_t fired = e->counted ? e->db_fired : (int64_t)atomic_load(&e->live->fired);
    json_object_object_add(o, "matched", json_object_new_int64(matched));
    json_object_object_add(o, "fired", json_object_new_int64(fired));
    bool active = !atomic_load(&e->live->retired) && (!e->rule.count || fired < e->rule.count) &&
                  (!e->rule.end_us || now < e->rule.end_us);
    json_object_object_add(o, "active", json_object_new_boolean(active));
    return o;
}

struct json_object *faults_view(struct fault_injector *fi, int64_t id, bool *found)
{
    struct fault_set *s = set_get(fi);
    int64_t now = clock_now_us(fi->clock);
    struct json_object *result = NULL;
    *found = false;
    if (id > 0) {
        for (int i = 0; s && i < s->n; i++) {
            if (s->entries[i].rule.id != id) continue;
            *found = true;
            result = entry_view(&s->entries[i], now);
        }
    } else {
        struct json_object *arr = json_object_new_array();
        result = json_object_new_object();
        bool ok = arr && result;
        for (int i = 0; ok && s && i < s->n; i++) {
            struct json_object *r = entry_view(&s->entries[i], now);
            ok = r != NULL;
            if (ok && json_object_array_add(arr, r) != 0) {
                json_object_put(r);
                ok = false;
            }
        }
        if (ok) {
            json_object_object_add(result, "seed", json_object_new_uint64(faults_seed(fi)));
            json_object_object_add(result, "faults", arr);
            *found = true;
        } else {
            json_object_put(arr);
            json_object_put(result);
            result = NULL;
        }
    }
    set_put(s);
    return result;
}
