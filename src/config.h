/* config.h — the service configuration: one table (config.c) drives flags, DATASTORED_*
 * environment variables, defaults, validation and --help. */
#ifndef DS_CONFIG_H
#define DS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct json_object;

enum cfg_profile { PROFILE_CLASSIC = 0, PROFILE_CURRENT = 1 };
enum cfg_throttle { THROTTLE_QUEUE = 0, THROTTLE_REJECT = 1 };
enum cfg_clock { CLOCK_MODE_REAL = 0, CLOCK_MODE_VIRTUAL = 1 };
enum cfg_log_format { LOG_FORMAT_TEXT = 0, LOG_FORMAT_JSON = 1 };
enum cfg_migrate_on_read { MIGRATE_ON_READ_STORE = 0, MIGRATE_ON_READ_VIEW = 1 };
enum cfg_tristate { TRI_AUTO = 0, TRI_ON = 1, TRI_OFF = 2 };

/* Effective configuration. Strings are owned by the struct (freed by config_free). */
struct ds_config {
    char *listen;                    /* ADDR:PORT to serve on; port 0 picks a free port */
    char *database_url;              /* external PostgreSQL conninfo/URL; NULL = embedded */
    char *data_dir;                  /* embedded PostgreSQL location */
    int profile;                     /* enum cfg_profile */
    double write_cooldown;           /* seconds; < 0 = take it from the profile */
    int throttle;                    /* enum cfg_throttle */
    bool budgets;                    /* enforce per-universe request budgets */
    int clock;                       /* enum cfg_clock */
    char *clock_start;               /* RFC 3339 start of a virtual clock; NULL = real now */
    char *seed;                      /* fault-injector seed as text; "random" = pick one */
    char *api_key;                   /* single full-access data API key */
    char *api_keys_file;             /* JSON file of scoped keys */
    char *admin_key;                 /* key for /admin/v1 */
    long threads;                    /* HTTP worker threads; 0 = from cores */
    long db_connections;             /* PostgreSQL pool size; 0 = threads */
    int log_format;                  /* enum cfg_log_format */
    int log_level;                   /* enum log_level */
    bool keep_all_versions;          /* keep every write in history, not one per UTC hour */
    char *data_migrations;           /* directory of _version migration chains */
    int migrate_on_read;             /* enum cfg_migrate_on_read */
    int allow_reset;                 /* enum cfg_tristate */
    bool access_log;                 /* one log line per request */
    long purge_interval;             /* seconds between purges of expired versions/tombstones */
    long drain_timeout;              /* seconds to wait for in-flight requests at shutdown */
    long max_connections;            /* open HTTP connections at most */
    long max_connections_per_client; /* from one IP address */
    long request_timeout;            /* seconds for a request to arrive; idle connection timeout */
    long head_timeout;               /* seconds for a request head to arrive */
    char *cors_origins;              /* origins pages may call from, comma-separated; NULL = none */
};

enum config_action { CONFIG_RUN, CONFIG_HELP, CONFIG_VERSION, CONFIG_ROUTES };

/* Fills cfg from defaults, then the environment, then argv. On a bad flag or value,
 * writes a message to err_msg and returns DS_ERR (the caller exits with status 2). */
ds_status config_load(struct ds_config *cfg, int argc, char **argv, enum config_action *action,
                      char *err_msg, size_t err_cap) DS_MUSTCHECK;
void config_free(struct ds_config *cfg);
void config_print_help(const char *prog);

/* The effective configuration as {"flag-name": value}: secrets (keys) show as "[redacted]",
 * the database password too; unset values are null. NULL on OOM. */
struct json_object *config_to_json(const struct ds_config *cfg);

/* True when origin (a request's Origin header) is one --cors-origin names, or the list
 * holds "*". */
bool config_cors_lists(const struct ds_config *cfg, const char *origin);

/* Effective write cooldown in seconds (profile default unless overridden). */
double config_write_cooldown(const struct ds_config *cfg);

#endif
