/* service/fault_events.h — the bounded log of faults that fired on this instance (newest
 * FAULT_EVENTS_MAX kept), for GET /admin/v1/fault-events. Thread-safe (one mutex, held for
 * a copy only). */
#ifndef DS_SERVICE_FAULT_EVENTS_H
#define DS_SERVICE_FAULT_EVENTS_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdint.h>

#include "core/faults.h"

#define FAULT_EVENTS_MAX 1000

struct fault_event {
    int64_t time_us; /* service clock */
    int64_t rule_id;
    enum fault_effect_type effect;
    int status;       /* answered status; 0 for drop/timeout/latency */
    int64_t delay_ms; /* latency/timeout hold */
    char method[8];
    char path[256]; /* truncated */
    enum fault_family family;
    enum fault_op op;
    int64_t universe;
    char datastore[FAULT_NAME_MAX], scope[FAULT_NAME_MAX], key[FAULT_NAME_MAX];
};

struct fault_events {
    pthread_mutex_t mu;
    struct fault_event *ring; /* FAULT_EVENTS_MAX slots */
    uint64_t total;           /* ever recorded since the last clear */
};

ds_status fault_events_init(struct fault_events *ev) DS_MUSTCHECK;
void fault_events_destroy(struct fault_events *ev);
void fault_events_record(struct fault_events *ev, const struct fault_event *e);
void fault_events_clear(struct fault_events *ev);
/* {"events":[oldest … newest],"total":n,"dropped":n}; rule_id > 0 keeps that rule's only.
 * NULL on OOM. */
struct json_object *fault_events_json(struct fault_events *ev, int64_t rule_id);

#endif
