/* dsctl_admin.c — dsctl's admin verbs over /admin/v1: fault rules, the service clock,
 * `_version` migrations (an eager run followed with a progress bar), and streamed export and
 * import. Requests go through libdatastore's dsc_request / dsc_transfer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "client/dsctl.h"

/* One admin request; on success *out (may be NULL) holds the answer. */
static int admin_call(struct dsctl *d, const char *method, const char *path, const char *body,
                      bool idempotent, char **out)
{
    long status = 0;
    char *answer = NULL;
    dsc_result rc = dsc_request(d->admin_client, method, path, body, body ? strlen(body) : 0,
                                idempotent, &status, &answer, NULL);
    if (rc == DSC_OK && status >= 300) rc = DSC_ERR_HTTP;
    if (rc != DSC_OK) {
        free(answer);
        return dsctl_fail(d, d->admin_client, rc, path);
    }
    if (out)
        *out = answer;
    else
        free(answer);
    return DSCTL_EXIT_OK;
}

/* One admin request whose answer is printed as JSON. */
static int admin_print(struct dsctl *d, const char *method, const char *path, const char *body,
                       bool idempotent)
{
    char *answer = NULL;
    int status = admin_call(d, method, path, body, idempotent, &answer);
    if (status == DSCTL_EXIT_OK) dsctl_print_json_text(d, answer);
    free(answer);
    return status;
}

static struct json_object *parse_object(const char *text)
{
    struct json_object *o = text ? json_tokener_parse(text) : NULL;
    if (o && json_object_is_type(o, json_type_object)) return o;
    json_object_put(o);
    fprintf(stderr, "dsctl: the server answered something other than a JSON object\n");
    return NULL;
}

int dsctl_fault_add(struct dsctl *d)
{
    char *rule = dsctl_read_arg(d->args[0]);
    if (!rule) return DSCTL_EXIT_OTHER;
    char *answer = NULL;
    int status = admin_call(d, "POST", "/admin/v1/faults", rule, false, &answer);
    free(rule);
    if (status == DSCTL_EXIT_OK) {
        struct json_object *o = parse_object(answer), *id;
        if (!o) {
            status = DSCTL_EXIT_OTHER;
        } else if (d->json) {
            printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        } else if (json_object_object_get_ex(o, "id", &id)) {
            printf("%s\n", json_object_get_string(id));
        }
        json_object_put(o);
    }
    free(answer);
    return status;
}

int dsctl_fault_ls(struct dsctl *d)
{
    if (d->json) return admin_print(d, "GET", "/admin/v1/faults", NULL, true);
    char *answer = NULL;
    int status = admin_call(d, "GET", "/admin/v1/faults", NULL, true, &answer);
    struct json_object *o = status == DSCTL_EXIT_OK ? parse_object(answer) : NULL, *faults;
    free(answer);
    if (status != DSCTL_EXIT_OK) return status;
    if (!o || !json_object_object_get_ex(o, "faults", &faults)) {
        json_object_put(o);
        return DSCTL_EXIT_OTHER;
    }
    struct json_object *seed;
    if (json_object_object_get_ex(o, "seed", &seed))
        printf("seed %s\n", json_object_get_string(seed));
    printf("%-6s %-13s %-8s %-8s %-7s %s\n", "ID", "EFFECT", "MATCHED", "FIRED", "ACTIVE", "MATCH");
    for (size_t i = 0; i < json_object_array_length(faults); i++) {
        struct json_object *f = json_object_array_get_idx(faults, i), *v, *effect, *type;
        const char *id = json_object_object_get_ex(f, "id", &v) ? json_object_get_string(v) : "?";
        const char *kind = json_object_object_get_ex(f, "effect", &effect) &&
                                   json_object_object_get_ex(effect, "type", &type)
                               ? json_object_get_string(type)
                               : "?";
        long long matched =
            json_object_object_get_ex(f, "matched", &v) ? json_object_get_int64(v) : 0;
        long long fired = json_object_object_get_ex(f, "fired", &v) ? json_object_get_int64(v) : 0;
        bool active = json_object_object_get_ex(f, "active", &v) && json_object_get_boolean(v);
        const char *match = json_object_object_get_ex(f, "match", &v)
                                ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN)
                                : "{}";
        printf("%-6s %-13s %-8lld %-8lld %-7s %s\n", id, kind, matched, fired,
               active ? "yes" : "no", match);
    }
    json_object_put(o);
    return DSCTL_EXIT_OK;
}

int dsctl_fault_rm(struct dsctl *d)
{
    int64_t id;
    if (!dsctl_parse_int(d->args[0], &id)) return dsctl_usage_error("fault rm: ID is a number");
    char path[64];
    snprintf(path, sizeof path, "/admin/v1/faults/%lld", (long long)id);
    return admin_call(d, "DELETE", path, NULL, true, NULL);
}

int dsctl_fault_clear(struct dsctl *d)
{
    return d->json ? admin_print(d, "DELETE", "/admin/v1/faults", NULL, true)
                   : admin_call(d, "DELETE", "/admin/v1/faults", NULL, true, NULL);
}

int dsctl_clock_show(struct dsctl *d)
{
    return admin_print(d, "GET", "/admin/v1/clock", NULL, true);
}

int dsctl_clock_advance(struct dsctl *d)
{
    char *end;
    double seconds = strtod(d->args[0], &end);
    if (end == d->args[0] || *end || seconds < 0)
        return dsctl_usage_error("clock advance: SECONDS is a non-negative number");
    char body[64];
    snprintf(body, sizeof body, "{\"seconds\":%.17g}", seconds);
    return admin_print(d, "POST", "/admin/v1/clock:advance", body, false);
}

int dsctl_clock_set(struct dsctl *d)
{
    struct json_object *o = json_object_new_object();
    if (!o) return DSCTL_EXIT_OTHER;
    json_object_object_add(o, "time", json_object_new_string(d->args[0]));
    int status = admin_print(d, "POST", "/admin/v1/clock:set",
                             json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), true);
    json_object_put(o);
    return status;
}

/* "/admin/v1/universes/U/data-stores/DS/migrations" + suffix; false if not built. */
static bool migrations_path(const struct dsctl *d, const char *suffix, char *out, size_t cap)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, true)) return false;
    char *ds = dsc_escape(d->datastore);
    if (!ds) return false;
    int n = snprintf(out, cap, "/admin/v1/universes/%lld/data-stores/%s/migrations%s",
                     (long long)d->universe, ds, suffix);
    free(ds);
    return n > 0 && (size_t)n < cap;
}

int dsctl_migrate_put(struct dsctl *d)
{
    int64_t step;
    char suffix[32], path[256];
    if (!dsctl_parse_int(d->args[0], &step) || step < 1)
        return dsctl_usage_error("migrate put: STEP is a positive integer");
    snprintf(suffix, sizeof suffix, "/%lld", (long long)step);
    if (!migrations_path(d, suffix, path, sizeof path)) return DSCTL_EXIT_USAGE;
    char *patch = dsctl_read_arg(d->args[1]);
    if (!patch) return DSCTL_EXIT_OTHER;
    struct json_object *p = json_tokener_parse(patch), *body = json_object_new_object();
    free(patch);
    if (!p || !json_object_is_type(p, json_type_array)) {
        json_object_put(p);
        json_object_put(body);
        return dsctl_usage_error("migrate put: PATCH must be a JSON Patch array");
    }
    json_object_object_add(body, "patch", p);
    json_object_object_add(body, "backwardsCompatible",
                           json_object_new_boolean(d->backwards_compatible));
    int status = admin_print(d, "PUT", path,
                             json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN), true);
    json_object_put(body);
    return status;
}

int dsctl_migrate_ls(struct dsctl *d)
{
    char path[256];
    if (!migrations_path(d, "", path, sizeof path)) return DSCTL_EXIT_USAGE;
    return admin_print(d, "GET", path, NULL, true);
}

static int64_t member_int(struct json_object *o, const char *name)
{
    struct json_object *v;
    return json_object_object_get_ex(o, name, &v) ? json_object_get_int64(v) : 0;
}

int dsctl_migrate_run(struct dsctl *d)
{
    char path[256];
    if (!migrations_path(d, ":run", path, sizeof path)) return DSCTL_EXIT_USAGE;
    char *answer = NULL;
    int status = admin_call(d, "POST", path, "{}", true, &answer);
    bool progress = dsctl_show_progress(d);
    /* Follow the run until it stops, polling its state a few times a second. */
    while (status == DSCTL_EXIT_OK && !d->no_wait) {
        struct json_object *o = parse_object(answer), *state;
        if (!o) {
            status = DSCTL_EXIT_OTHER;
            break;
        }
        bool running = json_object_object_get_ex(o, "state", &state) &&
                       strcmp(json_object_get_string(state), "running") == 0;
        if (progress)
            dsctl_progress_bar(member_int(o, "done") + member_int(o, "failed"),
                               member_int(o, "total"), "entries");
        json_object_put(o);
        if (!running) break;
        struct timespec pause = {0, 250 * 1000000L};
        nanosleep(&pause, NULL);
        free(answer);
        answer = NULL;
        status = admin_call(d, "GET", path, NULL, true, &answer);
    }
    if (progress) fputc('\n', stderr);
    if (status == DSCTL_EXIT_OK) {
        dsctl_print_json_text(d, answer);
        struct json_object *o = parse_object(answer);
        if (o && member_int(o, "failed") > 0) status = DSCTL_EXIT_CONFLICT;
        json_object_put(o);
    }
    free(answer);
    return status;
}

/* Redraws at most ten times a second (libcurl reports far more often). */
struct byte_progress {
    struct timespec last;
    int64_t drawn;
    int64_t done, total; /* the latest report, drawn once more at the end */
};

static void finish_bytes(const struct byte_progress *p)
{
    dsctl_progress_bar(p->done / 1024, p->total / 1024, "KiB");
    fputc('\n', stderr);
}

static void show_bytes(int64_t done, int64_t total, void *user)
{
    struct byte_progress *p = user;
    p->done = done;
    p->total = total;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long since_ms =
        (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
    if (done == p->drawn || (since_ms < 100 && (total <= 0 || done < total))) return;
    p->last = now;
    p->drawn = done;
    dsctl_progress_bar(done / 1024, total / 1024, "KiB");
}

int dsctl_export(struct dsctl *d)
{
    struct dsc_store s;
    if (!dsctl_store(d, &s, false)) return DSCTL_EXIT_USAGE;
    char path[256];
    /* a universe unless --datastore narrows it; DATASTORED_DATASTORE alone does not */
    bool narrowed = d->datastore && d->datastore != d->datastore_env;
    char *ds = narrowed ? dsc_escape(d->datastore) : NULL;
    snprintf(path, sizeof path, "/admin/v1/export?universe=%lld%s%s%s", (long long)d->universe,
             ds ? "&datastore=" : "", ds ? ds : "", d->versions ? "&versions=true" : "");
    free(ds);
    FILE *out = d->output ? fopen(d->output, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "dsctl: cannot write %s\n", d->output);
        return DSCTL_EXIT_USAGE;
    }
    bool progress = d->output && dsctl_show_progress(d);
    struct byte_progress drawn = {0};
    if (progress) dsc_set_progress(d->admin_client, show_bytes, &drawn);
    long http = 0;
    dsc_result rc = dsc_transfer(d->admin_client, "GET", path, NULL, out, &http);
    if (progress) finish_bytes(&drawn);
    if (d->output && fclose(out) != 0 && rc == DSC_OK) {
        fprintf(stderr, "dsctl: writing %s failed\n", d->output);
        return DSCTL_EXIT_OTHER;
    }
    if (rc == DSC_OK && http >= 300) rc = DSC_ERR_HTTP;
    return rc == DSC_OK ? DSCTL_EXIT_OK : dsctl_fail(d, d->admin_client, rc, "export");
}

int dsctl_import(struct dsctl *d)
{
    const char *file = d->nargs ? d->args[0] : "-";
    FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!in) {
        fprintf(stderr, "dsctl: cannot read %s\n", file);
        return DSCTL_EXIT_USAGE;
    }
    char path[128] = "/admin/v1/import";
    if (d->universe > 0)
        snprintf(path, sizeof path, "/admin/v1/import?universe=%lld", (long long)d->universe);
    bool progress = in != stdin && dsctl_show_progress(d);
    struct byte_progress drawn = {0};
    if (progress) dsc_set_progress(d->admin_client, show_bytes, &drawn);
    /* The answer (a small report) is read back from a temporary file. */
    FILE *report = tmpfile();
    long http = 0;
    dsc_result rc =
        report ? dsc_transfer(d->admin_client, "POST", path, in, report, &http) : DSC_ERR_NOMEM;
    if (progress) finish_bytes(&drawn);
    if (in != stdin) fclose(in);
    if (rc == DSC_OK && http >= 300) rc = DSC_ERR_HTTP;
    int status = rc == DSC_OK ? DSCTL_EXIT_OK : dsctl_fail(d, d->admin_client, rc, "import");
    if (status == DSCTL_EXIT_OK) {
        long size = fseek(report, 0, SEEK_END) == 0 ? ftell(report) : -1;
        char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
        rewind(report);
        if (!text || fread(text, 1, (size_t)size, report) != (size_t)size) {
            fprintf(stderr, "dsctl: reading the import report failed\n");
            status = DSCTL_EXIT_OTHER;
        } else {
            text[size] = '\0';
            dsctl_print_json_text(d, text);
        }
        free(text);
    }
    if (report) fclose(report);
    return status;
}
