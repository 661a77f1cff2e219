/* service/migration_files.c — see migration_files.h. */
#include "service/migration_files.h"

#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/json_doc.h"
#include "core/json_text.h"
#include "core/limits.h"
#include "core/migrate.h"
#include "log.h"
#include "store/migrations.h"

#define MAX_STEPS 1000
#define MAX_FILE_BYTES (1024 * 1024)

struct step_file {
    int n;
    char *text; /* compact patch; owned */
    bool compatible;
};

static int by_step(const void *a, const void *b)
{
    return ((const struct step_file *)a)->n - ((const struct step_file *)b)->n;
}

/* Reads and checks one step file into *out. */
static ds_status read_step(const char *path, struct step_file *out, char *err, size_t cap)
{
    FILE *f = fopen(path, "r");
    char *buf = malloc(MAX_FILE_BYTES + 1);
    size_t len = f && buf ? fread(buf, 1, MAX_FILE_BYTES + 1, f) : 0;
    if (f) fclose(f);
    if (!buf || len == 0 || len > MAX_FILE_BYTES) {
        free(buf);
        snprintf(err, cap, "%s: cannot read it, or it is empty or over 1 MiB", path);
        return DS_ERR;
    }
    buf[len] = '\0';
    const char *why = NULL;
    struct json_object *doc = NULL;
    struct ds_error perr;
    if (json_doc_parse(buf, len, &doc, &perr) != DS_OK) why = perr.message;
    free(buf);
    struct json_object *patch = doc, *v;
    out->compatible = false;
    if (json_object_is_type(doc, json_type_object)) {
        patch = json_object_object_get_ex(doc, "patch", &v) ? v : NULL;
        out->compatible =
            json_object_object_get_ex(doc, "backwardsCompatible", &v) && json_object_get_boolean(v);
    }
    struct ds_error e;
    if (!doc || migration_patch_check(patch, &e) != DS_OK) {
        snprintf(err, cap, "%s: %s", path, doc ? e.message : why ? why : "not JSON");
        json_object_put(doc);
        return DS_ERR;
    }
    size_t text_len;
    const char *text = json_doc_text(patch, &text_len); /* the file's own bytes */
    out->text = text ? strdup(text) : NULL;
    json_object_put(doc);
    if (!out->text) {
        snprintf(err, cap, "out of memory");
        return DS_ERR;
    }
    return DS_OK;
}

/* Validates DIR/name and stores its chain when store is true. */
static ds_status load_store(struct pg_conn *db, const char *dir, const char *name, bool store,
                            int64_t now, char *err, size_t cap)
{
    char path[4096];
    struct ds_error e;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (check_datastore_name(name, &e) != DS_OK) {
        snprintf(err, cap, "%s: not a data store name (%s)", path, e.message);
        return DS_ERR;
    }
    DIR *d = opendir(path);
    if (!d) {
        snprintf(err, cap, "%s: not a directory of <n>.json steps", path);
        return DS_ERR;
    }
    struct step_file steps[MAX_STEPS];
    int count = 0;
    ds_status st = DS_OK;
    struct dirent *ent;
    while (st == DS_OK && (ent = readdir(d))) {
        if (ent->d_name[0] == '.') continue;
        char *end;
        long n = strtol(ent->d_name, &end, 10);
        char file[4400];
        snprintf(file, sizeof file, "%s/%s", path, ent->d_name);
        if (ent->d_name[0] == '0' || n < 1 || strcmp(end, ".json") != 0 || count >= MAX_STEPS) {
            snprintf(err, cap, "%s: step files are named <n>.json with n from 1", file);
            st = DS_ERR;
        } else {
            steps[count].n = (int)n;
            st = read_step(file, &steps[count], err, cap);
            if (st == DS_OK) count++;
        }
    }
    closedir(d);
    if (count > 1) qsort(steps, (size_t)count, sizeof steps[0], by_step);
    for (int i = 0; st == DS_OK && i < count; i++) {
        if (steps[i].n != i + 1) {
            snprintf(err, cap, "%.3000s/%d.json is missing: steps must run from 1 without gaps",
                     path, i + 1);
            st = DS_ERR;
        }
    }
    for (int i = 0; st == DS_OK && store && i < count; i++) {
        if (store_migration_put(db, 0, name, steps[i].n, steps[i].text, steps[i].compatible, now,
                                &e) != DS_OK) {
            snprintf(err, cap, "%s/%d.json: %s", path, steps[i].n, e.message);
            st = DS_ERR;
        }
    }
    if (st == DS_OK && store)
        log_info("loaded %d migration step(s) for data store %s", count, name);
    for (int i = 0; i < count; i++)
        free(steps[i].text);
    return st;
}

ds_status migration_files_load(struct pg_conn *db, const char *dir, int64_t now, char *err,
                               size_t cap)
{
    for (int pass = 0; pass < 2; pass++) { /* validate everything, then store */
        DIR *d = opendir(dir);
        if (!d) {
            snprintf(err, cap, "--data-migrations %s: cannot open the directory", dir);
            return DS_ERR;
        }
        struct dirent *ent;
        ds_status st = DS_OK;
        while (st == DS_OK && (ent = readdir(d)))
            if (ent->d_name[0] != '.')
                st = load_store(db, dir, ent->d_name, pass == 1, now, err, cap);
        closedir(d);
        if (st != DS_OK) return DS_ERR;
    }
    return DS_OK;
}
