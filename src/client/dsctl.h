/* dsctl.h — what the dsctl command line's files share: the parsed command line, the verb
 * table entry, exit codes scripts can rely on, and output helpers. */
#ifndef DSCTL_H
#define DSCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "client/datastore_client.h"

/* Exit codes (documented in --help and the README). */
enum {
    DSCTL_EXIT_OK = 0,
    DSCTL_EXIT_NOT_FOUND = 1,   /* get/version of a key that has no value */
    DSCTL_EXIT_USAGE = 2,       /* bad command line */
    DSCTL_EXIT_REFUSED = 3,     /* the server refused the request (4xx: bad input, auth) */
    DSCTL_EXIT_CONFLICT = 4,    /* 409/412: precondition, lock held or lost, failed patch test */
    DSCTL_EXIT_THROTTLED = 5,   /* 429 after the retries */
    DSCTL_EXIT_UNAVAILABLE = 6, /* 5xx or no answer after the retries */
    DSCTL_EXIT_OTHER = 7        /* an answer dsctl could not understand, out of memory */
};

#define DSCTL_MAX_ARGS 8

/* The command line, options and positionals wherever they appear. */
struct dsctl {
    const char *url;
    const char *api_key;
    const char *admin_key;
    bool json; /* machine-readable output */
    bool no_retry;
    bool verbose;
    int64_t universe; /* 0: not given */
    const char *datastore;
    const char *datastore_env; /* DATASTORED_DATASTORE: a default, not a filter for export */
    const char *scope;
    const char *args[DSCTL_MAX_ARGS]; /* positionals after the verb (and sub-verb) */
    int nargs;
    /* verb options */
    const char *prefix, *cursor, *owner, *mode, *match_version, *metadata, *user_ids, *output, *min,
        *max;
    int limit, ttl, wait, pages;
    int64_t lock_token;
    bool all_scopes, descending, exclusive_create, backwards_compatible, no_wait, versions, all;
    dsc_client *client;       /* data API */
    dsc_client *admin_client; /* admin API (admin key, else the api key) */
};

struct dsctl_verb {
    const char *name;
    const char *sub; /* NULL: no sub-verb */
    int min_args, max_args;
    int (*run)(struct dsctl *d);
    const char *usage; /* arguments and options, for --help */
    const char *help;
};

/* Exit code for the last failure of a client call, after printing it on stderr. */
int dsctl_fail(struct dsctl *d, dsc_client *c, dsc_result rc, const char *what);
/* Prints a message and returns DSCTL_EXIT_USAGE. */
int dsctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The store given by --universe/--datastore/--scope; false (message printed) if missing. */
bool dsctl_store(const struct dsctl *d, struct dsc_store *s, bool need_datastore);
/* Prints a JSON document: compact with --json, indented otherwise. */
void dsctl_print_json_text(const struct dsctl *d, const char *text);
/* A text argument or, for "-", all of stdin (malloc'd); NULL with a message on failure. */
char *dsctl_read_arg(const char *arg);
/* Parses a whole int64; false if text is not one. */
bool dsctl_parse_int(const char *text, int64_t *out);
/* Progress on stderr when stdout and stderr are terminals (and not --json). */
bool dsctl_show_progress(const struct dsctl *d);
void dsctl_progress_bar(int64_t done, int64_t total, const char *unit);

/* Data verbs (dsctl_data.c). */
int dsctl_get(struct dsctl *d);
int dsctl_set(struct dsctl *d);
int dsctl_update(struct dsctl *d);
int dsctl_incr(struct dsctl *d);
int dsctl_rm(struct dsctl *d);
int dsctl_keys(struct dsctl *d);
int dsctl_versions(struct dsctl *d);
int dsctl_sorted(struct dsctl *d);
int dsctl_lock(struct dsctl *d);
int dsctl_renew(struct dsctl *d);
int dsctl_unlock(struct dsctl *d);

/* Admin verbs (dsctl_admin.c). */
int dsctl_fault_add(struct dsctl *d);
int dsctl_fault_ls(struct dsctl *d);
int dsctl_fault_rm(struct dsctl *d);
int dsctl_fault_clear(struct dsctl *d);
int dsctl_clock_show(struct dsctl *d);
int dsctl_clock_advance(struct dsctl *d);
int dsctl_clock_set(struct dsctl *d);
int dsctl_migrate_put(struct dsctl *d);
int dsctl_migrate_ls(struct dsctl *d);
int dsctl_migrate_run(struct dsctl *d);
int dsctl_export(struct dsctl *d);
int dsctl_import(struct dsctl *d);

#endif
