/* config.c — the configuration table and its parser. Each row declares a flag once:
 * name, type, target field, default, allowed values, help, and whether it is implemented.
 * Flags are parsed from defaults, then DATASTORED_<NAME> variables, then the command line. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/rfc3339.h"

/* CFG_LIST: a repeatable string flag, kept comma-separated (each use appends). */
enum cfg_type { CFG_STR, CFG_LIST, CFG_INT, CFG_DOUBLE, CFG_ENUM, CFG_BOOL };

struct config_key {
    const char *name; /* flag name without "--"; env is DATASTORED_<NAME> */
    enum cfg_type type;
    size_t offset;       /* field in struct ds_config */
    const char *def;     /* default as text; NULL = unset */
    const char *choices; /* CFG_ENUM: "a|b|c" (index = stored value) */
    long min, max;       /* CFG_INT bounds */
    const char *help;
    bool implemented; /* false: a non-default value is refused as "not yet supported" */
    bool secret;      /* never printed */
};

#define OFF(f) offsetof(struct ds_config, f)

/* Alphabetical order; --help prints them in this order. */
static const struct config_key config_keys[] = {
    {"access-log", CFG_BOOL, OFF(access_log), "off", NULL, 0, 0,
     "log one line per request at info level (with its x-request-id)", true, false},
    {"admin-key", CFG_STR, OFF(admin_key), NULL, NULL, 0, 0,
     "key for /admin/v1 (none: admin open on loopback only)", true, true},
    {"allow-reset", CFG_ENUM, OFF(allow_reset), "auto", "auto|on|off", 0, 0,
     "allow POST /admin/v1/reset (auto: only in open local mode)", true, false},
    {"api-key", CFG_STR, OFF(api_key), NULL, NULL, 0, 0,
     "full-access key for the data API (none: open local mode, loopback only)", true, true},
    {"api-keys", CFG_STR, OFF(api_keys_file), NULL, NULL, 0, 0,
     "JSON file of scoped API keys: [{key, universes, datastores?, permissions}]", true, false},
    {"budgets", CFG_BOOL, OFF(budgets), "off", NULL, 0, 0,
     "enforce Roblox request budgets per universe", true, false},
    {"clock", CFG_ENUM, OFF(clock), "real", "real|virtual", 0, 0,
     "service clock; virtual stands still and moves only through /admin/v1/clock", true, false},
    {"clock-start", CFG_STR, OFF(clock_start), NULL, NULL, 0, 0,
     "RFC 3339 time a virtual clock starts at (none: the real time when first started)", true,
     false},
    {"cors-origin", CFG_LIST, OFF(cors_origins), NULL, NULL, 0, 0,
     "let pages from this origin (scheme://host[:port]) call the API; repeatable; * only in "
     "open local mode",
     true, false},
    {"data-dir", CFG_STR, OFF(data_dir), "./var/datastored", NULL, 0, 0,
     "where the embedded PostgreSQL lives (created on first start)", true, false},
    {"data-migrations", CFG_STR, OFF(data_migrations), NULL, NULL, 0, 0,
     "directory of _version migrations: DIR/<datastore>/<n>.json", true, false},
    {"database-url", CFG_STR, OFF(database_url), NULL, NULL, 0, 0,
     "external PostgreSQL (also DATABASE_URL); none: run the embedded one", true, true},
    {"db-connections", CFG_INT, OFF(db_connections), "0", NULL, 0, 512,
     "PostgreSQL connections in the pool (0: one per worker thread, plus one)", true, false},
    {"drain-timeout", CFG_INT, OFF(drain_timeout), "10", NULL, 0, 3600,
     "seconds to finish in-flight requests on SIGTERM", true, false},
    {"head-timeout", CFG_INT, OFF(head_timeout), "10", NULL, 1, 3600,
     "seconds a request head (request line and headers) may take to arrive", true, false},
    {"keep-all-versions", CFG_BOOL, OFF(keep_all_versions), "off", NULL, 0, 0,
     "keep every write in version history (default: first write per key per UTC hour)", true,
     false},
    {"listen", CFG_STR, OFF(listen), "127.0.0.1:8080", NULL, 0, 0,
     "ADDR:PORT to serve HTTP on (port 0: any free port)", true, false},
    {"log-format", CFG_ENUM, OFF(log_format), "text", "text|json", 0, 0,
     "log line format on stderr", true, false},
    {"log-level", CFG_ENUM, OFF(log_level), "info", "debug|info|warn|error", 0, 0,
     "lowest level logged", true, false},
    {"max-connections", CFG_INT, OFF(max_connections), "4096", NULL, 16, 65536,
     "open HTTP connections at most (beyond it the oldest idle or slowest one is closed)", true,
     false},
    {"max-connections-per-client", CFG_INT, OFF(max_connections_per_client), "2048", NULL, 1, 65536,
     "open HTTP connections from one IP address at most", true, false},
    {"migrate-on-read", CFG_ENUM, OFF(migrate_on_read), "store", "store|view", 0, 0,
     "lazy _version migration on read: store the migrated value, or only return it", true, false},
    {"profile", CFG_ENUM, OFF(profile), "classic", "classic|current", 0, 0,
     "Roblox rule set: classic (6 s write cooldown) or current (throughput limits)", true, false},
    {"purge-interval", CFG_INT, OFF(purge_interval), "300", NULL, 1, 86400,
     "seconds between purges of expired versions and tombstones", true, false},
    {"request-timeout", CFG_INT, OFF(request_timeout), "30", NULL, 1, 3600,
     "seconds a request may take to arrive, and a connection may stay idle", true, false},
    {"seed", CFG_STR, OFF(seed), "random", NULL, 0, 0,
     "seed of the fault injector: an integer from 0 to 2^63-1, or random (printed at start)", true,
     false},
    {"threads", CFG_INT, OFF(threads), "0", NULL, 0, 1024, "HTTP worker threads (0: 4 per core)",
     true, false},
    {"throttle", CFG_ENUM, OFF(throttle), "queue", "queue|reject", 0, 0,
     "over-limit writes wait in a per-key queue or get 429 at once", true, false},
    {"write-cooldown", CFG_DOUBLE, OFF(write_cooldown), "-1", NULL, 0, 0,
     "per-key write cooldown in seconds (0: off; -1: from --profile, classic 6, current 0)", true,
     false},
};

#define N_KEYS (sizeof config_keys / sizeof config_keys[0])

static int enum_index(const char *choices, const char *value)
{
    int idx = 0;
    size_t vlen = strlen(value);
    for (const char *p = choices; *p; idx++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == vlen && strncasecmp(p, value, len) == 0) return idx;
        if (!bar) break;
        p = bar + 1;
    }
    return -1;
}

/* An origin as browsers send it: "*", or scheme://host[:port] with no path. */
static bool origin_valid(const char *o, size_t len)
{
    if (len == 1 && o[0] == '*') return true;
    size_t scheme = !strncmp(o, "http://", 7) ? 7 : !strncmp(o, "https://", 8) ? 8 : 0;
    if (!scheme || len <= scheme) return false;
    for (size_t i = scheme; i < len; i++) {
        unsigned char c = (unsigned char)o[i];
        if (!isalnum(c) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') return false;
    }
    return true;
}

/* Appends the comma-separated origins in value to the list (an empty value clears it). */
static ds_status append_origins(struct ds_config *cfg, const struct config_key *k,
                                const char *value, const char *where, char *err, size_t cap)
{
    char **field = (char **)((char *)cfg + k->offset);
    if (!value || !*value) {
        free(*field);
        *field = NULL;
        return DS_OK;
    }
    for (const char *p = value; *p;) {
        size_t len = strcspn(p, ",");
        if (!origin_valid(p, len)) {
            snprintf(err, cap,
                     "%s: --%s wants an origin like http://localhost:5173 or *, not '%.*s'", where,
                     k->name, (int)len, p);
            return DS_ERR;
        }
        p += len + (p[len] == ',');
    }
    size_t old = *field ? strlen(*field) : 0, add = strlen(value);
    char *joined = malloc(old + add + 2);
    if (!joined) {
        snprintf(err, cap, "out of memory");
        return DS_ERR;
    }
    if (old) memcpy(joined, *field, old);
    if (old) joined[old++] = ',';
    memcpy(joined + old, value, add + 1);
    free(*field);
    *field = joined;
    return DS_OK;
}

bool config_cors_lists(const struct ds_config *cfg, const char *origin)
{
    if (!cfg->cors_origins || !origin) return false;
    size_t olen = strlen(origin);
    for (const char *p = cfg->cors_origins; *p;) {
        size_t len = strcspn(p, ",");
        if ((len == 1 && *p == '*') || (len == olen && strncasecmp(p, origin, len) == 0))
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

static ds_status set_value(struct ds_config *cfg, const struct config_key *k, const char *value,
                           const char *origin, char *err, size_t cap)
{
    char *base = (char *)cfg + k->offset;
    switch (k->type) {
    case CFG_STR: {
        char **field = (char **)base;
        free(*field);
        *field = NULL;
        if (value) {
            *field = strdup(value);
            if (!*field) {
                snprintf(err, cap, "out of memory");
                return DS_ERR;
            }
        }
        return DS_OK;
    }
    case CFG_LIST:
        return append_origins(cfg, k, value, origin, err, cap);
    case CFG_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < k->min || v > k->max) {
            snprintf(err, cap, "%s: --%s wants an integer from %ld to %ld, not '%s'", origin,
                     k->name, k->min, k->max, value);
            return DS_ERR;
        }
        *(long *)base = v;
        return DS_OK;
    }
    case CFG_DOUBLE: {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        if (errno || end == value || *end || v != v || v > 86400) {
            snprintf(err, cap, "%s: --%s wants a number of seconds, not '%s'", origin, k->name,
                     value);
            return DS_ERR;
        }
        *(double *)base = v;
        return DS_OK;
    }
    case CFG_ENUM: {
        int idx = enum_index(k->choices, value);
        if (idx < 0) {
            snprintf(err, cap, "%s: --%s must be one of %s, not '%s'", origin, k->name, k->choices,
                     value);
            return DS_ERR;
        }
        *(int *)base = idx;
        return DS_OK;
    }
    case CFG_BOOL: {
        static const char *const yes[] = {"on", "true", "yes", "1"};
        static const char *const no[] = {"off", "false", "no", "0"};
        for (size_t i = 0; i < 4; i++) {
            if (strcasecmp(value, yes[i]) == 0) {
                *(bool *)base = true;
                return DS_OK;
            }
            if (strcasecmp(value, no[i]) == 0) {
                *(bool *)base = false;
                return DS_OK;
            }
        }
        snprintf(err, cap, "%s: --%s must be on or off, not '%s'", origin, k->name, value);
        return DS_ERR;
    }
    }
    return DS_ERR;
}

static const struct config_key *find_key(const char *name, size_t len)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strlen(config_keys[i].name) == len && strncmp(config_keys[i].name, name, len) == 0)
            return &config_keys[i];
    return NULL;
}

static void env_name(const struct config_key *k, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "DATASTORED_");
    for (const char *p = k->name; *p && n + 1 < cap; p++)
        buf[n++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    buf[n] = '\0';
}

/* True if the value the key holds now differs from its default. */
static bool differs_from_default(const struct ds_config *cfg, const struct config_key *k)
{
    struct ds_config def;
    memset(&def, 0, sizeof def);
    char err[8];
    if (k->def && set_value(&def, k, k->def, "", err, sizeof err) != DS_OK) return true;
    const char *a = (const char *)cfg + k->offset, *b = (const char *)&def + k->offset;
    bool differs;
    switch (k->type) {
    case CFG_STR:
    case CFG_LIST: {
        const char *sa = *(char *const *)a, *sb = *(char *const *)b;
        differs = (sa == NULL) != (sb == NULL) || (sa && strcmp(sa, sb) != 0);
        free(*(char **)((char *)&def + k->offset));
        break;
    }
    case CFG_INT:
        differs = *(const long *)a != *(const long *)b;
        break;
    case CFG_DOUBLE: {
        double da, db;
        memcpy(&da, a, sizeof da);
        memcpy(&db, b, sizeof db);
        differs = da != db;
        break;
    }
    case CFG_ENUM:
        differs = *(const int *)a != *(const int *)b;
        break;
    default:
        differs = *(const bool *)a != *(const bool *)b;
        break;
    }
    return differs;
}

/* The defaults, then DATASTORED_<FLAG> (and DATABASE_URL) from the environment. */
static ds_status load_defaults_and_env(struct ds_config *cfg, char *err, size_t cap)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (config_keys[i].def &&
            set_value(cfg, &config_keys[i], config_keys[i].def, "default", err, cap) != DS_OK)
            return DS_ERR;
    for (size_t i = 0; i < N_KEYS; i++) {
        char name[64];
        env_name(&config_keys[i], name, sizeof name);
        const char *v = getenv(name);
        if (!v && config_keys[i].offset == OFF(database_url)) v = getenv("DATABASE_URL");
        if (v && *v && set_value(cfg, &config_keys[i], v, name, err, cap) != DS_OK) return DS_ERR;
    }
    return DS_OK;
}

/* The command line: --flag=value, --flag value, a bare boolean --flag, and the actions
 * --help, --version and --routes. */
static ds_status parse_args(struct ds_config *cfg, int argc, char **argv,
                            enum config_action *action, char *err, size_t cap)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            *action = CONFIG_HELP;
            return DS_OK;
        }
        if (!strcmp(arg, "--version")) {
            *action = CONFIG_VERSION;
            return DS_OK;
        }
        if (!strcmp(arg, "--routes")) {
            *action = CONFIG_ROUTES;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            snprintf(err, cap, "unexpected argument '%s' (see --help)", arg);
            return DS_ERR;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const struct config_key *k = find_key(name, nlen);
        if (!k) {
            snprintf(err, cap, "unknown flag '%.*s' (see --help)", (int)nlen + 2, arg);
            return DS_ERR;
        }
        const char *value;
        if (eq) {
            value = eq + 1;
        } else if (k->type == CFG_BOOL &&
                   (i + 1 >= argc || enum_index("on|off|true|false|yes|no", argv[i + 1]) < 0)) {
            value = "on"; /* bare boolean flag */
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            snprintf(err, cap, "flag --%s needs a value", k->name);
            return DS_ERR;
        }
        if (set_value(cfg, k, value, "command line", err, cap) != DS_OK) return DS_ERR;
    }
    return DS_OK;
}

/* Values whose shape the flag table cannot say: --listen, --clock-start, --seed, and flags
 * this version does not implement yet. */
static ds_status check_values(const struct ds_config *cfg, char *err, size_t cap)
{
    const char *colon = strrchr(cfg->listen, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == cfg->listen || !end || *end || end == colon + 1 || port < 0 ||
        port > 65535) {
        snprintf(err, cap, "--listen wants ADDR:PORT (e.g. 127.0.0.1:8080), not '%s'", cfg->listen);
        return DS_ERR;
    }
    int64_t start_us;
    if (cfg->clock_start &&
        (cfg->clock != CLOCK_MODE_VIRTUAL || !rfc3339_parse(cfg->clock_start, &start_us))) {
        snprintf(err, cap, "--clock-start wants an RFC 3339 time and --clock virtual, not '%s'",
                 cfg->clock_start);
        return DS_ERR;
    }
    if (strcmp(cfg->seed, "random") != 0) {
        errno = 0;
        long long seed = strtoll(cfg->seed, &end, 10);
        if (errno || end == cfg->seed || *end || seed < 0 ||
            !isdigit((unsigned char)cfg->seed[0])) {
            snprintf(err, cap, "--seed wants an integer from 0 to 2^63-1 or random, not '%s'",
                     cfg->seed);
            return DS_ERR;
        }
    }
    for (size_t i = 0; i < N_KEYS; i++) {
        if (!config_keys[i].implemented && differs_from_default(cfg, &config_keys[i])) {
            snprintf(err, cap, "--%s is not yet supported by this version of datastored",
                     config_keys[i].name);
            return DS_ERR;
        }
    }
    return DS_OK;
}

ds_status config_load(struct ds_config *cfg, int argc, char **argv, enum config_action *action,
                      char *err, size_t cap)
{
    memset(cfg, 0, sizeof *cfg);
    *action = CONFIG_RUN;
    if (load_defaults_and_env(cfg, err, cap) != DS_OK ||
        parse_args(cfg, argc, argv, action, err, cap) != DS_OK)
        return DS_ERR;
    if (*action == CONFIG_HELP || *action == CONFIG_VERSION) return DS_OK;
    return check_values(cfg, err, cap);
}

void config_free(struct ds_config *cfg)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        if (config_keys[i].type == CFG_STR || config_keys[i].type == CFG_LIST) {
            char **field = (char **)((char *)cfg + config_keys[i].offset);
            free(*field);
            *field = NULL;
        }
    }
}

double config_write_cooldown(const struct ds_config *cfg)
{
    if (cfg->write_cooldown >= 0) return cfg->write_cooldown;
    return cfg->profile == PROFILE_CLASSIC ? 6.0 : 0.0;
}

void config_print_help(const char *prog)
{
    printf("Usage: %s [flags]\n\n"
           "A Roblox DataStore emulator and persistence service (Open Cloud compatible).\n"
           "Every flag can also be set as DATASTORED_<FLAG> in the environment.\n\n",
           prog);
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct config_key *k = &config_keys[i];
        char env[64], left[96];
        env_name(k, env, sizeof env);
        const char *arg = k->type == CFG_BOOL   ? ""
                          : k->type == CFG_ENUM ? k->choices
                          : k->type == CFG_STR  ? "VALUE"
                          : k->type == CFG_LIST ? "ORIGIN"
                                                : "N";
        snprintf(left, sizeof left, "--%s %s", k->name, arg);
        printf("  %-36s %s%s\n", left, k->help, k->implemented ? "" : " [not yet supported]");
        printf("  %-36s default: %s; env: %s\n", "", k->def ? k->def : "(none)", env);
    }
    printf("\n  %-36s print the HTTP routes this build serves\n", "--routes");
    printf("  %-36s print the version\n", "--version");
}

/* A database URL or conninfo with its password replaced by "[redacted]". */
static struct json_object *redacted_url(const char *url)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", url);
    char *pw = strstr(buf, "password=");
    if (pw) {
        char *end = pw + 9;
        while (*end && *end != ' ' && *end != '&')
            end++;
        char rest[1024];
        snprintf(rest, sizeof rest, "%s", end);
        snprintf(pw + 9, sizeof buf - (size_t)(pw + 9 - buf), "[redacted]%s", rest);
    }
    char *scheme = strstr(buf, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
    char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (colon) {
        char rest[1024];
        snprintf(rest, sizeof rest, "%s", at);
        snprintf(colon + 1, sizeof buf - (size_t)(colon + 1 - buf), "[redacted]%s", rest);
    }
    return json_object_new_string(buf);
}

struct json_object *config_to_json(const struct ds_config *cfg)
{
    struct json_object *o = json_object_new_object();
    if (!o) return NULL;
    for (size_t i = 0; i < N_KEYS; i++) {
        const struct config_key *k = &config_keys[i];
        const char *base = (const char *)cfg + k->offset;
        struct json_object *v = NULL;
        switch (k->type) {
        case CFG_STR: {
            const char *s = *(char *const *)base;
            if (s && !strcmp(k->name, "database-url"))
                v = redacted_url(s);
            else if (s && k->secret)
                v = json_object_new_string("[redacted]");
            else if (s)
                v = json_object_new_string(s);
            break;
        }
        case CFG_LIST: {
            const char *s = *(char *const *)base;
            v = s ? json_object_new_array() : NULL;
            for (const char *p = s; v && *p;) {
                size_t len = strcspn(p, ",");
                json_object_array_add(v, json_object_new_string_len(p, (int)len));
                p += len + (p[len] == ',');
            }
            break;
        }
        case CFG_INT:
            v = json_object_new_int64(*(const long *)base);
            break;
        case CFG_DOUBLE: {
            double d;
            memcpy(&d, base, sizeof d);
            v = json_object_new_double(d);
            break;
        }
        case CFG_ENUM: {
            int idx = *(const int *)base;
            const char *p = k->choices;
            for (int j = 0; j < idx && p; j++) {
                p = strchr(p, '|');
                if (p) p++;
            }
            size_t len = p ? strcspn(p, "|") : 0;
            v = p ? json_object_new_string_len(p, (int)len) : NULL;
            break;
        }
        case CFG_BOOL:
            v = json_object_new_boolean(*(const bool *)base);
            break;
        }
        json_object_object_add(o, k->name, v);
    }
    return o;
}
