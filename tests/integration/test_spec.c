/* test_spec.c — api/openapi.yaml and the routes the binary really serves must agree:
 * every served route is documented and every documented route is served. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAX_ROUTES 256

struct route_set {
    char items[MAX_ROUTES][256];
    int n;
};

/* "GET /a/{x}/b" → "GET /a/{}/b": parameter names may differ between code and spec. */
static void normalize(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = in; *p && o + 3 < cap; p++) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (close) {
                out[o++] = '{';
                out[o++] = '}';
                p = close;
                continue;
            }
        }
        out[o++] = *p;
    }
    out[o] = '\0';
}

static void add(struct route_set *s, const char *method, const char *path)
{
    char raw[512];
    snprintf(raw, sizeof raw, "%s %s", method, path);
    ck_assert_int_lt(s->n, MAX_ROUTES);
    normalize(raw, s->items[s->n++], sizeof s->items[0]);
}

static bool has(const struct route_set *s, const char *item)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->items[i], item)) return true;
    return false;
}

static void served_routes(struct route_set *s)
{
    FILE *p = popen(DATASTORED_BIN " --routes", "r");
    ck_assert_ptr_nonnull(p);
    char line[512], method[16], path[400];
    while (fgets(line, sizeof line, p))
        if (sscanf(line, "%15s %399s", method, path) == 2) add(s, method, path);
    ck_assert_int_eq(pclose(p), 0);
}

/* Reads "paths:" of the OpenAPI document: path keys at indent 2 (optionally quoted),
 * operations at indent 4. */
static void spec_routes(struct route_set *s)
{
    FILE *f = fopen(SOURCE_DIR "/api/openapi.yaml", "r");
    ck_assert_ptr_nonnull(f);
    char line[1024], path[512] = "";
    bool in_paths = false;
    static const char *const methods[] = {"get", "put", "post", "patch", "delete"};
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != ' ' && line[0] != '#') in_paths = !strcmp(line, "paths:");
        if (!in_paths) continue;
        if (!strncmp(line, "  /", 3) || !strncmp(line, "  \"/", 4)) {
            const char *start = line + 2 + (line[2] == '"');
            size_t len = strlen(start);
            while (len && (start[len - 1] == ':' || start[len - 1] == '"' || start[len - 1] == ' '))
                len--;
            snprintf(path, sizeof path, "%.*s", (int)len, start);
            continue;
        }
        for (size_t m = 0; m < 5; m++) {
            char key[16];
            snprintf(key, sizeof key, "    %s:", methods[m]);
            if (!strcmp(line, key) && path[0]) {
                char upper[16];
                for (size_t i = 0; i <= strlen(methods[m]); i++)
                    upper[i] = (char)(methods[m][i] >= 'a' ? methods[m][i] - 32 : methods[m][i]);
                add(s, upper, path);
            }
        }
    }
    fclose(f);
}

/* Every route the server serves is in the spec, and every spec route is served. */
START_TEST(spec_matches_served_routes)
{
    static struct route_set served, spec;
    served.n = spec.n = 0;
    served_routes(&served);
    spec_routes(&spec);
    ck_assert_int_gt(served.n, 0);
    char missing[4096] = "";
    for (int i = 0; i < served.n; i++)
        if (!has(&spec, served.items[i]))
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing),
                     "\n  served but not in spec: %s", served.items[i]);
    for (int i = 0; i < spec.n; i++)
        if (!has(&served, spec.items[i]))
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing),
                     "\n  in spec but not served: %s", spec.items[i]);
    ck_assert_msg(missing[0] == '\0', "api/openapi.yaml and the route table differ:%s", missing);
}
END_TEST

Suite *spec_suite(void)
{
    Suite *s = suite_create("spec");
    TCase *tc = tcase_create("openapi");
    tcase_add_test(tc, spec_matches_served_routes);
    suite_add_tcase(s, tc);
    return s;
}
