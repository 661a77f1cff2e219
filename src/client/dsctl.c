/* dsctl.c — the dsctl command line: one option table and one verb table drive parsing and
 * --help; helpers the verbs share; main. The data verbs are in dsctl_data.c, the admin verbs
 * in dsctl_admin.c. Exit codes say what happened. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "client/dsctl.h"

enum opt_type { OPT_STR, OPT_INT, OPT_I64, OPT_BOOL };

struct dsctl_option {
    const char *name;
    enum opt_type type;
    size_t offset;
    const char *help;
};

#define OPT(n, t, field, h)                                                                        \
    {                                                                                              \
        n, t, offsetof(struct dsctl, field), h                                                     \
    }
static const struct dsctl_option options[] = {
    OPT("--all", OPT_BOOL, all, "keys/sorted: follow every page"),
    OPT("--all-scopes", OPT_BOOL, all_scopes, "keys: every scope (printed as scope/key)"),
    OPT("--admin-key", OPT_STR, admin_key, "key for admin verbs (env DATASTORED_ADMIN_KEY)"),
    OPT("--api-key", OPT_STR, api_key, "API key (env DATASTORED_API_KEY)"),
    OPT("--backwards-compatible", OPT_BOOL, backwards_compatible, "migrate put: mark the step"),
    OPT("--cursor", OPT_STR, cursor, "keys/versions/sorted: start from this cursor or token"),
    OPT("--datastore", OPT_STR, datastore, "data store name (env DATASTORED_DATASTORE)"),
    OPT("--descending", OPT_BOOL, descending, "versions/sorted: newest or largest first"),
    OPT("--exclusive-create", OPT_BOOL, exclusive_create, "set: only if the key has no value"),
    OPT("--json", OPT_BOOL, json, "machine-readable JSON output"),
    OPT("--limit", OPT_INT, limit, "page size of keys/versions/sorted"),
    OPT("--lock-token", OPT_I64, lock_token, "writes: fencing token of the key's session lock"),
    OPT("--match-version", OPT_STR, match_version, "set: only if the current version is this"),
    OPT("--max", OPT_STR, max, "sorted: largest value (inclusive)"),
    OPT("--metadata", OPT_STR, metadata, "set/incr/unlock: metadata JSON object"),
    OPT("--min", OPT_STR, min, "sorted: smallest value (inclusive)"),
    OPT("--mode", OPT_STR, mode, "lock: fail (default), steal or wait"),
    OPT("--no-retry", OPT_BOOL, no_retry, "send each request once"),
    OPT("--no-wait", OPT_BOOL, no_wait, "migrate run: start and return"),
    OPT("--output", OPT_STR, output, "export: write to this file (default stdout)"),
    OPT("--owner", OPT_STR, owner, "lock: owner name (default dsctl)"),
    OPT("--pages", OPT_INT, pages, "sorted: pages to print (default 1)"),
    OPT("--prefix", OPT_STR, prefix, "keys: only keys starting with this"),
    OPT("--scope", OPT_STR, scope, "scope (default global)"),
    OPT("--ttl", OPT_INT, ttl, "lock/renew: seconds (default 30)"),
    OPT("--universe", OPT_I64, universe, "universe id (env DATASTORED_UNIVERSE)"),
    OPT("--url", OPT_STR, url, "server (env DATASTORED_URL, default http://127.0.0.1:8080)"),
    OPT("--user-ids", OPT_STR, user_ids, "set/incr/unlock: up to 4 user ids, comma-separated"),
    OPT("--verbose", OPT_BOOL, verbose, "trace each HTTP exchange on stderr"),
    OPT("--versions", OPT_BOOL, versions, "export: include version history"),
    OPT("--wait", OPT_INT, wait, "lock --mode wait: seconds to wait (default 10)"),
};

/* ---- shared helpers ---- */

int dsctl_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dsctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (dsctl --help)\n", stderr);
    va_end(ap);
    return DSCTL_EXIT_USAGE;
}

int dsctl_fail(struct dsctl *d, dsc_client *c, dsc_result rc, const char *what)
{
    const struct dsc_error *e = dsc_last_error(c);
    if (d->json) {
        struct json_object *o = json_object_new_object();
        if (o) {
            json_object_object_add(o, "error", json_object_new_string(dsc_result_name(rc)));
            json_object_object_add(o, "status", json_object_new_int64(e->http_status));
            json_object_object_add(o, "code", json_object_new_string(e->code));
            json_object_object_add(o, "detail", json_object_new_string(e->detail));
            json_object_object_add(o, "message", json_object_new_string(e->message));
            json_object_object_add(o, "attempts", json_object_new_int(e->attempts));
            fprintf(stderr, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
            json_object_put(o);
        }
    } else if (rc == DSC_NOT_FOUND) {
        fprintf(stderr, "dsctl: %s: not found\n", what);
    } else if (rc == DSC_ERR_HTTP) {
        fprintf(stderr, "dsctl: %s: HTTP %ld %s%s%s: %s\n", what, e->http_status, e->code,
                e->detail[0] ? "/" : "", e->detail, e->message);
    } else {
        fprintf(stderr, "dsctl: %s: %s: %s\n", what, dsc_result_name(rc), e->message);
    }
    switch (rc) {
    case DSC_OK:
        return DSCTL_EXIT_OK;
    case DSC_NOT_FOUND:
        return DSCTL_EXIT_NOT_FOUND;
    case DSC_ERR_INVALID:
        return DSCTL_EXIT_USAGE;
    case DSC_ERR_TRANSPORT:
        return DSCTL_EXIT_UNAVAILABLE;
    case DSC_ERR_HTTP:
        if (e->http_status == 404) return DSCTL_EXIT_NOT_FOUND;
        if (e->http_status == 409 || e->http_status == 412) return DSCTL_EXIT_CONFLICT;
        if (e->http_status == 429) return DSCTL_EXIT_THROTTLED;
        if (e->http_status >= 500) return DSCTL_EXIT_UNAVAILABLE;
        return DSCTL_EXIT_REFUSED;
    default:
        return DSCTL_EXIT_OTHER;
    }
}

bool dsctl_store(const struct dsctl *d, struct dsc_store *s, bool need_datastore)
{
    if (d->universe <= 0) {
        dsctl_usage_error("--universe N (or DATASTORED_UNIVERSE) is needed");
        return false;
    }
    if (need_datastore && (!d->datastore || !d->datastore[0])) {
        dsctl_usage_error("--datastore NAME (or DATASTORED_DATASTORE) is needed");
        return false;
    }
    *s = (struct dsc_store){.universe = d->universe, .datastore = d->datastore, .scope = d->scope};
    return true;
}

void dsctl_print_json_text(const struct dsctl *d, const char *text)
{
    struct json_object *o = json_tokener_parse(text);
    if (!o && strcmp(text, "null") != 0) {
        printf("%s\n", text);
        return;
    }
    int flags =
        d->json ? JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
    printf("%s\n", json_object_to_json_string_ext(o, flags | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

char *dsctl_read_arg(const char *arg)
{
    if (strcmp(arg, "-") != 0) {
        char *copy = strdup(arg);
        if (!copy) fprintf(stderr, "dsctl: out of memory\n");
        return copy;
    }
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, stdin);
        len += got;
        if (got == 0) break;
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (!buf) {
        fprintf(stderr, "dsctl: out of memory reading stdin\n");
        return NULL;
    }
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    buf[len] = '\0';
    return buf;
}

bool dsctl_parse_int(const char *text, int64_t *out)
{
    if (!text || !*text) return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

bool dsctl_show_progress(const struct dsctl *d)
{
    return !d->json && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
}

void dsctl_progress_bar(int64_t done, int64_t total, const char *unit)
{
    enum { WIDTH = 30 };
    if (total > 0) {
        int filled = (int)(done * WIDTH / (total > done ? total : done));
        fprintf(stderr, "\r[%.*s%*s] %3d%% %lld/%lld %s", filled, "##############################",
                WIDTH - filled, "", (int)(done * 100 / (total > done ? total : done)),
                (long long)done, (long long)total, unit);
    } else {
        fprintf(stderr, "\r%lld %s", (long long)done, unit);
    }
    fflush(stderr);
}

static const struct dsctl_verb verbs[] = {
    {"get", NULL, 1, 1, dsctl_get, "KEY", "print the value (--json: with its key info)"},
    {"set", NULL, 2, 2, dsctl_set,
     "KEY VALUE|- [--user-ids 1,2] [--metadata JSON] "
     "[--match-version V | --exclusive-create]",
     "store a JSON value; prints the version"},
    {"update", NULL, 2, 2, dsctl_update, "KEY PATCH|-", "apply a JSON Patch on the server"},
    {"incr", NULL, 1, 2, dsctl_incr, "KEY [DELTA]", "add DELTA (default 1); prints the sum"},
    {"rm", NULL, 1, 1, dsctl_rm, "KEY", "remove (a tombstone version)"},
    {"keys", NULL, 0, 0, dsctl_keys, "[--prefix P] [--all-scopes] [--limit N [--all]]",
     "list keys (every page unless --limit)"},
    {"versions", NULL, 1, 1, dsctl_versions, "KEY [--descending] [--limit N] [--cursor C]",
     "list versions"},
    {"sorted", NULL, 0, 0, dsctl_sorted,
     "[--descending] [--min N] [--max N] [--limit N] "
     "[--pages N | --all]",
     "ordered data store, ranked"},
    {"lock", NULL, 1, 1, dsctl_lock,
     "KEY [--owner O] [--ttl S] [--mode fail|steal|wait] "
     "[--wait S]",
     "take a session lock; prints the token"},
    {"renew", NULL, 2, 2, dsctl_renew, "KEY TOKEN [--ttl S]", "renew a session lock"},
    {"unlock", NULL, 2, 3, dsctl_unlock, "KEY TOKEN [VALUE|-]",
     "release a lock, saving VALUE with it"},
    {"fault", "add", 1, 1, dsctl_fault_add, "RULE-JSON|-", "add a fault rule; prints its id"},
    {"fault", "ls", 0, 0, dsctl_fault_ls, "", "list fault rules and what fired"},
    {"fault", "rm", 1, 1, dsctl_fault_rm, "ID", "remove a fault rule"},
    {"fault", "clear", 0, 0, dsctl_fault_clear, "", "remove every fault rule"},
    {"clock", "show", 0, 0, dsctl_clock_show, "", "print the service clock"},
    {"clock", "advance", 1, 1, dsctl_clock_advance, "SECONDS", "move a virtual clock on"},
    {"clock", "set", 1, 1, dsctl_clock_set, "TIME", "set a virtual clock (RFC 3339)"},
    {"migrate", "put", 2, 2, dsctl_migrate_put, "STEP PATCH|- [--backwards-compatible]",
     "set _version migration step STEP"},
    {"migrate", "ls", 0, 0, dsctl_migrate_ls, "", "show the migration chain"},
    {"migrate", "run", 0, 0, dsctl_migrate_run, "[--no-wait]",
     "migrate every entry now, with progress"},
    {"export", NULL, 0, 0, dsctl_export, "[--datastore D] [--versions] [--output FILE]",
     "export a universe (or the --datastore given) as JSON"},
    {"import", NULL, 0, 1, dsctl_import, "[FILE|-]",
     "import an export or a "
     "MockDataStoreService file"},
};

static void print_help(void)
{
    printf("Usage: dsctl [--url URL] [--api-key KEY] [--json] VERB [--universe N] "
           "[--datastore NAME] [--scope S] [KEY] [VALUE]\n\n"
           "A command line for datastored (and Open Cloud data stores).\n\nVerbs:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", verbs[i].name, verbs[i].sub ? " " : "",
                 verbs[i].sub ? verbs[i].sub : "");
        printf("  %-16s %s\n  %-16s   %s\n", head, verbs[i].usage, "", verbs[i].help);
    }
    printf("\nOptions (before or after the verb):\n");
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        printf("  %-24s %s\n", options[i].name, options[i].help);
    printf("\nVALUE, PATCH and RULE-JSON may be '-' to read standard input.\n"
           "Exit codes: 0 ok, 1 not found, 2 usage, 3 refused (4xx), 4 conflict (409/412),\n"
           "5 throttled (429 after retries), 6 unavailable (5xx or no answer), 7 other.\n");
}

/* Applies one "--name value" or "--name=value"; returns how many argv slots it used, or -1. */
static int parse_option(struct dsctl *d, int argc, char **argv, int i)
{
    const char *arg = argv[i], *eq = strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++) {
        const struct dsctl_option *o = &options[k];
        if (strlen(o->name) != name_len || strncmp(o->name, arg, name_len) != 0) continue;
        char *field = (char *)d + o->offset;
        if (o->type == OPT_BOOL) {
            if (eq) return dsctl_usage_error("%s takes no value", o->name), -1;
            *(bool *)field = true;
            return 1;
        }
        const char *value = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
        if (!value) return dsctl_usage_error("%s needs a value", o->name), -1;
        int64_t n;
        if (o->type == OPT_STR) {
            *(const char **)field = value;
        } else if (!dsctl_parse_int(value, &n) || n < 0 || (o->type == OPT_INT && n > INT_MAX)) {
            return dsctl_usage_error("%s takes a non-negative integer, not '%s'", o->name, value),
                   -1;
        } else if (o->type == OPT_INT) {
            *(int *)field = (int)n;
        } else {
            *(int64_t *)field = n;
        }
        return eq ? 1 : 2;
    }
    return dsctl_usage_error("unknown option %.*s", (int)name_len, arg), -1;
}

static const struct dsctl_verb *find_verb(const char *name, const char *sub, bool *has_sub)
{
    *has_sub = false;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(verbs[i].name, name) != 0) continue;
        *has_sub = verbs[i].sub != NULL;
        if (!verbs[i].sub || (sub && strcmp(verbs[i].sub, sub) == 0)) return &verbs[i];
    }
    return NULL;
}

static dsc_client *make_client(const struct dsctl *d, const char *key)
{
    struct dsc_options o = {.base_url = d->url,
                            .api_key = key && key[0] ? key : NULL,
                            .no_retry = d->no_retry,
                            .verbose = d->verbose};
    dsc_client *c = dsc_client_new(&o);
    if (!c) fprintf(stderr, "dsctl: cannot use --url '%s' (http://HOST:PORT)\n", d->url);
    return c;
}

int main(int argc, char **argv)
{
    struct dsctl d = {.url = getenv("DATASTORED_URL"),
                      .api_key = getenv("DATASTORED_API_KEY"),
                      .admin_key = getenv("DATASTORED_ADMIN_KEY"),
                      .datastore = getenv("DATASTORED_DATASTORE")};
    d.datastore_env = d.datastore;
    const char *universe = getenv("DATASTORED_UNIVERSE");
    if (universe && universe[0] && !dsctl_parse_int(universe, &d.universe))
        return dsctl_usage_error("DATASTORED_UNIVERSE is not an integer");
    if (!d.url || !d.url[0]) d.url = "http://127.0.0.1:8080";
    const char *words[DSCTL_MAX_ARGS + 2];
    int nwords = 0;
    for (int i = 1; i < argc;) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
            strcmp(argv[i], "help") == 0) {
            print_help();
            return DSCTL_EXIT_OK;
        }
        if (strcmp(argv[i], "--") == 0) { /* everything after is positional */
            for (i++; i < argc && nwords < DSCTL_MAX_ARGS + 2; i++)
                words[nwords++] = argv[i];
            break;
        }
        if (strncmp(argv[i], "--", 2) == 0) {
            int used = parse_option(&d, argc, argv, i);
            if (used < 0) return DSCTL_EXIT_USAGE;
            i += used;
            continue;
        }
        if (nwords == DSCTL_MAX_ARGS + 2) return dsctl_usage_error("too many arguments");
        words[nwords++] = argv[i++];
    }
    if (nwords == 0) {
        print_help();
        return DSCTL_EXIT_USAGE;
    }
    bool has_sub;
    const struct dsctl_verb *v = find_verb(words[0], nwords > 1 ? words[1] : NULL, &has_sub);
    if (!v && has_sub && nwords == 1 && strcmp(words[0], "clock") == 0)
        v = find_verb("clock", "show", &has_sub);
    if (!v) {
        return has_sub ? dsctl_usage_error("%s: unknown or missing sub-command", words[0])
                       : dsctl_usage_error("unknown verb '%s'", words[0]);
    }
    int first = v->sub && nwords > 1 && strcmp(words[1], v->sub) == 0 ? 2 : 1;
    d.nargs = nwords - first;
    if (d.nargs < v->min_args || d.nargs > v->max_args)
        return dsctl_usage_error("usage: dsctl %s%s%s %s", v->name, v->sub ? " " : "",
                                 v->sub ? v->sub : "", v->usage);
    for (int k = 0; k < d.nargs; k++)
        d.args[k] = words[first + k];
    if (dsc_global_init() != DSC_OK) return DSCTL_EXIT_OTHER;
    d.client = make_client(&d, d.api_key);
    d.admin_client = make_client(&d, d.admin_key && d.admin_key[0] ? d.admin_key : d.api_key);
    int status = d.client && d.admin_client ? v->run(&d) : DSCTL_EXIT_USAGE;
    dsc_client_free(d.client);
    dsc_client_free(d.admin_client);
    if (fflush(stdout) != 0 && status == DSCTL_EXIT_OK) status = DSCTL_EXIT_OTHER;
    return status;
}
