/* core/faults.h — fault-injection rules without I/O: the rule model, parsing and
 * validating a rule from its JSON form (DESIGN.md §9), rendering it back, matching a request
 * against it, and the seeded random draws that decide probability and jitter.
 *
 * Determinism: the k-th match of a rule draws fault_draw(seed, rule fingerprint, k, lane).
 * The fingerprint hashes what the rule does (match, effect, firing), not its id or times, so
 * the same seed, the same rules and the same request sequence give the same faults in any
 * run, on any database, however much other traffic passes by. */
#ifndef DS_CORE_FAULTS_H
#define DS_CORE_FAULTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

/* API families a rule can select (bit set; 0 in a rule = any). */
enum fault_family {
    FAULT_FAMILY_V1 = 1 << 0,
    FAULT_FAMILY_V2 = 1 << 1,
    FAULT_FAMILY_ORDERED = 1 << 2
};

/* Operations a rule can select (bit set; 0 in a rule = any). Names in fault_op_name(). */
enum fault_op {
    FAULT_OP_GET = 1 << 0,
    FAULT_OP_SET = 1 << 1,
    FAULT_OP_UPDATE = 1 << 2,
    FAULT_OP_INCREMENT = 1 << 3,
    FAULT_OP_REMOVE = 1 << 4,
    FAULT_OP_LIST = 1 << 5,
    FAULT_OP_LIST_VERSIONS = 1 << 6,
    FAULT_OP_GET_VERSION = 1 << 7,
    FAULT_OP_SORTED = 1 << 8,
    FAULT_OP_LOCK = 1 << 9,
    FAULT_OP_LIST_STORES = 1 << 10,
    FAULT_OP_DELETE_STORE = 1 << 11,
};
#define FAULT_OP_COUNT 12

enum fault_effect_type {
    FAULT_ERROR,        /* answer an error at once */
    FAULT_LATENCY,      /* wait ms ± jitterMs, then proceed */
    FAULT_TIMEOUT,      /* hold ms, then close the connection without an answer */
    FAULT_DROP,         /* close the connection at once */
    FAULT_THROTTLE,     /* 429 as an exhausted budget would, with Retry-After */
    FAULT_AFTER_COMMIT, /* run the request (commit the write), then answer the error */
};

#define FAULT_NAME_MAX 128 /* data store names are at most 50, scopes 50, keys 50 */
#define FAULT_CODE_MAX 40
#define FAULT_MESSAGE_MAX 200
#define FAULT_MAX_MS 600000 /* 10 minutes */

struct fault_match {
    int64_t universe;               /* 0: any */
    char datastore[FAULT_NAME_MAX]; /* "": any */
    char scope[FAULT_NAME_MAX];
    char key_prefix[FAULT_NAME_MAX];
    unsigned families; /* enum fault_family bits; 0: any */
    unsigned ops;      /* enum fault_op bits; 0: any */
};

struct fault_effect {
    enum fault_effect_type type;
    int status;                       /* error, after_commit, throttle */
    char code[FAULT_CODE_MAX];        /* canonical Open Cloud code, e.g. UNAVAILABLE */
    char roblox_code[FAULT_CODE_MAX]; /* datastoreErrorCode; "": none (throttle: derived) */
    char message[FAULT_MESSAGE_MAX];
    int64_t ms;            /* latency, timeout */
    int64_t jitter_ms;     /* latency, timeout: ± this much */
    int64_t retry_after_s; /* throttle, 429/503 errors: Retry-After */
};

struct fault_rule {
    int64_t id;
    struct fault_match match;
    struct fault_effect effect;
    double probability; /* [0, 1] */
    int64_t count;      /* fire at most this many times; 0: unlimited */
    int64_t skip;       /* let this many matches pass first */
    int64_t start_us;   /* service time window; 0: unbounded */
    int64_t end_us;
    int64_t created_us;
    char description[FAULT_MESSAGE_MAX];
    uint64_t fingerprint;
};

/* What one request is, for matching. Strings may be NULL (the request has none). */
struct fault_request {
    enum fault_family family;
    enum fault_op op;
    int64_t universe;
    const char *datastore;
    const char *scope;
    const char *key;
};

/* Parses a rule as a client sends it (POST /admin/v1/faults) or as it was stored (its own
 * rendering). ttlSeconds becomes an end time counted from now_us. On failure, err is a 400
 * naming the field. */
ds_status fault_rule_parse(struct json_object *doc, int64_t now_us, struct fault_rule *out,
                           struct ds_error *err) DS_MUSTCHECK;
/* The rule's definition in the same JSON form (no id, no counters); NULL on OOM. */
struct json_object *fault_rule_to_json(const struct fault_rule *rule);

/* True if the request is one the rule's match selects (ignores firing and time). */
bool fault_rule_matches(const struct fault_rule *rule, const struct fault_request *req);
/* True if the time window holds at now_us. */
bool fault_rule_in_window(const struct fault_rule *rule, int64_t now_us);

/* Uniform draw in [0, 1) for the k-th match of a rule; lane separates independent uses. */
double fault_draw(uint64_t seed, uint64_t fingerprint, uint64_t k, unsigned lane);
/* The k-th match's probability roll. */
bool fault_roll(const struct fault_rule *rule, uint64_t seed, uint64_t k);
/* The effect's delay for the k-th match: ms ± jitter_ms, at least 0. */
int64_t fault_delay_ms(const struct fault_rule *rule, uint64_t seed, uint64_t k);

const char *fault_effect_name(enum fault_effect_type t);
const char *fault_family_name(enum fault_family f);
const char *fault_op_name(enum fault_op op);

#endif
