/* service/fault_events.c — see fault_events.h. */
#include "service/fault_events.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

ds_status fault_events_init(struct fault_events *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->ring = calloc(FAULT_EVENTS_MAX, sizeof *ev->ring);
    if (!ev->ring) return DS_ERR;
    pthread_mutex_init(&ev->mu, NULL);
    return DS_OK;
}

void fault_events_destroy(struct fault_events *ev)
{
    if (!ev->ring) return;
    pthread_mutex_destroy(&ev->mu);
    free(ev->ring);
    ev->ring = NULL;
}

void fault_events_record(struct fault_events *ev, const struct fault_event *e)
{
    pthread_mutex_lock(&ev->mu);
    ev->ring[ev->total % FAULT_EVENTS_MAX] = *e;
    ev->total++;
    pthread_mutex_unlock(&ev->mu);
}

void fault_events_clear(struct fault_events *ev)
{
    pthread_mutex_lock(&ev->mu);
    ev->total = 0;
    pthread_mutex_unlock(&ev->mu);
}

static void add_str(struct json_object *o, const char *key, const char *s)
{
    if (s[0]) json_object_object_add(o, key, json_object_new_string(s));
}

static struct json_object *event_json(const struct fault_event *e)
{
    struct json_object *o = json_object_new_object();
    if (!o) return NULL;
    char when[48];
    rfc3339_format(e->time_us, false, when, sizeof when);
    json_object_object_add(o, "time", json_object_new_string(when));
    json_object_object_add(o, "ruleId", json_object_new_int64(e->rule_id));
    json_object_object_add(o, "effect", json_object_new_string(fault_effect_name(e->effect)));
    if (e->status) json_object_object_add(o, "status", json_object_new_int(e->status));
    if (e->effect == FAULT_LATENCY || e->effect == FAULT_TIMEOUT)
        json_object_object_add(o, "delayMs", json_object_new_int64(e->delay_ms));
    json_object_object_add(o, "method", json_object_new_string(e->method));
    json_object_object_add(o, "path", json_object_new_string(e->path));
    json_object_object_add(o, "family", json_object_new_string(fault_family_name(e->family)));
    json_object_object_add(o, "operation", json_object_new_string(fault_op_name(e->op)));
    if (e->universe) json_object_object_add(o, "universe", json_object_new_int64(e->universe));
    add_str(o, "datastore", e->datastore);
    add_str(o, "scope", e->scope);
    add_str(o, "key", e->key);
    return o;
}

struct json_object *fault_events_json(struct fault_events *ev, int64_t rule_id)
{
    struct fault_event *copy = malloc(FAULT_EVENTS_MAX * sizeof *copy);
    if (!copy) return NULL;
    pthread_mutex_lock(&ev->mu);
    uint64_t total = ev->total;
    uint64_t kept = total < FAULT_EVENTS_MAX ? total : FAULT_EVENTS_MAX;
    for (uint64_t i = 0; i < kept; i++)
        copy[i] = ev->ring[(total - kept + i) % FAULT_EVENTS_MAX];
    pthread_mutex_unlock(&ev->mu);

    struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
    bool ok = o && arr;
    for (uint64_t i = 0; ok && i < kept; i++) {
        if (rule_id > 0 && copy[i].rule_id != rule_id) continue;
        struct json_object *e = event_json(&copy[i]);
        ok = e != NULL;
        if (ok && json_object_array_add(arr, e) != 0) {
            json_object_put(e);
            ok = false;
        }
    }
    free(copy);
    if (!ok) {
        json_object_put(o);
        json_object_put(arr);
        return NULL;
    }
    json_object_object_add(o, "events", arr);
    json_object_object_add(o, "total", json_object_new_int64((int64_t)total));
    json_object_object_add(o, "dropped", json_object_new_int64((int64_t)(total - kept)));
    return o;
}
