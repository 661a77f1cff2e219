/* test_dsctl.c — the dsctl binary against the real server, as a script would use it: every
 * verb in --help, output in both forms, exit codes (not found, usage, conflict, refused,
 * unavailable), stdin arguments, the environment defaults, the admin verbs (faults, clock,
 * migrations, export and import) and API keys. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static struct ds_proc srv;
static char srv_db[1024];
static char universe_text[32];

static void setup(void)
{
    snprintf(srv_db, sizeof srv_db, "%s", harness_fresh_database("ds_dsctl"));
    const char *args[] = {"--database-url",   srv_db, "--clock", "virtual",
                          "--write-cooldown", "0",    NULL};
    if (!proc_start(&srv, args)) {
        fprintf(stderr, "server did not start: %s\n", srv.log_path);
        exit(2);
    }
}

static void teardown(void)
{
    if (proc_stop(&srv, SIGTERM) != 0) {
        fprintf(stderr, "server did not exit cleanly: %s\n", srv.log_path);
        exit(2);
    }
}

struct run {
    int status;
    char out[65536];
    char err[4096];
};

static void slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
    buf[n] = '\0';
    if (f) fclose(f);
}

/* Runs dsctl with the given arguments (NULL-terminated), stdin from input (may be NULL), the
 * test server and this test's universe in the environment. */
static struct run *dsctl(const char *input, ...)
{
    static struct run r;
    const char *argv[32] = {DSCTL_BIN};
    int argc = 1;
    va_list ap;
    va_start(ap, input);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL && argc < 31;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    char in_path[] = "/tmp/dsctl_in_XXXXXX", out_path[] = "/tmp/dsctl_out_XXXXXX",
         err_path[] = "/tmp/dsctl_err_XXXXXX";
    int in = mkstemp(in_path), out = mkstemp(out_path), err = mkstemp(err_path);
    ck_assert(in >= 0 && out >= 0 && err >= 0);
    if (input) ck_assert_int_eq(write(in, input, strlen(input)), (ssize_t)strlen(input));
    lseek(in, 0, SEEK_SET);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        setenv("DATASTORED_URL", srv.base_url, 1);
        setenv("DATASTORED_UNIVERSE", universe_text, 1);
        setenv("DATASTORED_DATASTORE", "Players", 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    close(in);
    close(out);
    close(err);
    slurp(out_path, r.out, sizeof r.out);
    slurp(err_path, r.err, sizeof r.err);
    unlink(in_path);
    unlink(out_path);
    unlink(err_path);
    return &r;
}

static void new_universe(void)
{
    snprintf(universe_text, sizeof universe_text, "%lld", unique_universe());
}

/* --help names every verb the issue lists, and the exit codes. */
START_TEST(help_lists_every_verb)
{
    static const char *const verbs[] = {
        "get",         "set",         "update",        "incr",      "rm",          "keys",
        "versions",    "sorted",      "lock",          "unlock",    "fault add",   "fault ls",
        "fault rm",    "fault clear", "clock advance", "clock set", "migrate put", "migrate ls",
        "migrate run", "export",      "import"};
    struct run *r = dsctl(NULL, "--help", NULL);
    ck_assert_int_eq(r->status, 0);
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "\n  %s ", verbs[i]);
        ck_assert_msg(strstr(r->out, line), "--help does not list '%s'", verbs[i]);
    }
    ck_assert_ptr_nonnull(strstr(r->out, "Exit codes"));
    ck_assert_int_eq(dsctl(NULL, NULL)->status, 2);
    ck_assert_int_eq(dsctl(NULL, "frobnicate", NULL)->status, 2);
    ck_assert_int_eq(dsctl(NULL, "fault", "explode", NULL)->status, 2);
    ck_assert_int_eq(dsctl(NULL, "get", NULL)->status, 2);
    ck_assert_int_eq(dsctl(NULL, "--limit", "many", "keys", NULL)->status, 2);
    ck_assert_int_eq(dsctl(NULL, "--bogus", "keys", NULL)->status, 2);
}
END_TEST

/* The data verbs, human and --json output, and their exit codes. */
START_TEST(data_verbs_and_exit_codes)
{
    new_universe();
    struct run *r = dsctl(NULL, "set", "user_1", "{\"coins\":10}", "--user-ids", "5,6",
                          "--metadata", "{\"a\":1}", NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    ck_assert_int_eq(strlen(r->out), 48); /* version + newline */
    char version[64];
    snprintf(version, sizeof version, "%.47s", r->out);

    r = dsctl(NULL, "get", "user_1", NULL);
    ck_assert_int_eq(r->status, 0);
    ck_assert_str_eq(r->out, "{\"coins\":10}\n");
    r = dsctl(NULL, "--json", "get", "user_1", NULL);
    struct json_object *o = json_tokener_parse(r->out), *v;
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(jstr(o, "version"), version);
    ck_assert(json_object_object_get_ex(o, "userIds", &v) && json_object_array_length(v) == 2);
    ck_assert(json_object_object_get_ex(o, "value", &v) &&
              json_object_get_int(json_object_object_get(v, "coins")) == 10);
    json_object_put(o);

    ck_assert_int_eq(dsctl(NULL, "get", "nobody", NULL)->status, 1);
    r = dsctl(NULL, "set", "user_1", "2", "--match-version",
              "08D0000000000000.0000000001.08D0000000000000.01", NULL);
    ck_assert_int_eq(r->status, 4);
    ck_assert_ptr_nonnull(strstr(r->err, "412"));
    ck_assert_int_eq(dsctl(NULL, "set", "user_1", "{broken", NULL)->status, 3);
    ck_assert_int_eq(dsctl(NULL, "set", "user_1", "1", "--user-ids", "1,2,3,4,5", NULL)->status, 2);
    r = dsctl(NULL, "set", "user_1", "2", "--match-version", version, NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);

    /* VALUE from stdin; a negative delta is an argument, not an option. */
    ck_assert_int_eq(dsctl("{\"from\":\"stdin\"}\n", "set", "piped", "-", NULL)->status, 0);
    ck_assert_str_eq(dsctl(NULL, "get", "piped", NULL)->out, "{\"from\":\"stdin\"}\n");
    ck_assert_str_eq(dsctl(NULL, "incr", "gold", "5", NULL)->out, "5\n");
    ck_assert_str_eq(dsctl(NULL, "incr", "gold", "-7", NULL)->out, "-2\n");
    ck_assert_str_eq(dsctl(NULL, "incr", "gold", NULL)->out, "-1\n");
    ck_assert_int_eq(dsctl(NULL, "incr", "gold", "lots", NULL)->status, 2);

    ck_assert_int_eq(dsctl(NULL, "set", "p", "{\"coins\":10}", NULL)->status, 0);
    r = dsctl(NULL, "update", "p", "[{\"op\":\"replace\",\"path\":\"/coins\",\"value\":11}]", NULL);
    ck_assert_str_eq(r->out, "{\"coins\":11}\n");
    ck_assert_int_eq(
        dsctl(NULL, "update", "p", "[{\"op\":\"test\",\"path\":\"/coins\",\"value\":1}]", NULL)
            ->status,
        4);

    r = dsctl(NULL, "keys", NULL);
    ck_assert_str_eq(r->out, "gold\np\npiped\nuser_1\n");
    r = dsctl(NULL, "keys", "--prefix", "p", "--json", NULL);
    o = json_tokener_parse(r->out);
    ck_assert(json_object_object_get_ex(o, "keys", &v) && json_object_array_length(v) == 2);
    json_object_put(o);
    r = dsctl(NULL, "versions", "user_1", "--json", NULL);
    o = json_tokener_parse(r->out);
    ck_assert(o && json_object_array_length(o) >= 1);
    json_object_put(o);

    ck_assert_int_eq(dsctl(NULL, "rm", "user_1", NULL)->status, 0);
    ck_assert_int_eq(dsctl(NULL, "get", "user_1", NULL)->status, 1);
    ck_assert_int_eq(dsctl(NULL, "--scope", "elsewhere", "get", "p", NULL)->status, 1);
}
END_TEST

/* sorted ranks an ordered store; lock, unlock with a value, and a lock conflict. */
START_TEST(sorted_and_locks)
{
    new_universe();
    char url[256];
    for (int i = 1; i <= 12; i++) {
        snprintf(url, sizeof url,
                 "/cloud/v2/universes/%s/ordered-data-stores/Top/scopes/global/entries/"
                 "p%d?allowMissing=true",
                 universe_text, i);
        char body[32];
        snprintf(body, sizeof body, "{\"value\":%d}", i * 10);
        struct http_resp h = http_do("PATCH", url_of(&srv, "%s", url), body, strlen(body), NULL);
        ck_assert_int_eq(h.status, 200);
        http_free(&h);
    }
    struct run *r =
        dsctl(NULL, "sorted", "--datastore", "Top", "--descending", "--limit", "3", NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    ck_assert_str_eq(r->out, "1\tp12\t120\n2\tp11\t110\n3\tp10\t100\n");
    ck_assert_ptr_nonnull(strstr(r->err, "next page token"));
    r = dsctl(NULL, "sorted", "--datastore", "Top", "--limit", "5", "--all", "--min", "30", "--max",
              "60", "--json", NULL);
    struct json_object *o = json_tokener_parse(r->out);
    ck_assert(o && json_object_array_length(o) == 4);
    json_object_put(o);

    r = dsctl(NULL, "lock", "u1", "--owner", "job-1", "--ttl", "30", NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    char token[32];
    snprintf(token, sizeof token, "%.*s", (int)strcspn(r->out, "\n"), r->out);
    r = dsctl(NULL, "lock", "u1", "--owner", "job-2", NULL);
    ck_assert_int_eq(r->status, 4);
    ck_assert_ptr_nonnull(strstr(r->err, "LockHeld"));
    ck_assert_int_eq(dsctl(NULL, "set", "u1", "1", NULL)->status, 4);
    ck_assert_int_eq(dsctl(NULL, "set", "u1", "1", "--lock-token", token, NULL)->status, 0);
    ck_assert_int_eq(dsctl(NULL, "renew", "u1", token, "--ttl", "60", NULL)->status, 0);
    ck_assert_int_eq(dsctl(NULL, "unlock", "u1", token, "{\"final\":1}", NULL)->status, 0);
    ck_assert_str_eq(dsctl(NULL, "get", "u1", NULL)->out, "{\"final\":1}\n");
    ck_assert_int_eq(dsctl(NULL, "set", "u1", "2", NULL)->status, 0);
}
END_TEST

/* fault add/ls/rm/clear; an injected 503 is exit 6 without retries and heals with them. */
START_TEST(fault_and_clock_verbs)
{
    new_universe();
    ck_assert_int_eq(dsctl(NULL, "fault", "clear", NULL)->status, 0);
    ck_assert_int_eq(dsctl(NULL, "set", "k", "1", NULL)->status, 0);
    char rule[256];
    snprintf(rule, sizeof rule,
             "{\"match\":{\"universe\":%s,\"operations\":[\"get\"]},"
             "\"effect\":{\"type\":\"error\",\"status\":503,\"retryAfterSeconds\":0},\"count\":2}",
             universe_text);
    struct run *r = dsctl(rule, "fault", "add", "-", NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    char id[32];
    snprintf(id, sizeof id, "%.*s", (int)strcspn(r->out, "\n"), r->out);
    r = dsctl(NULL, "fault", "ls", NULL);
    ck_assert_ptr_nonnull(strstr(r->out, "error"));
    ck_assert_ptr_nonnull(strstr(r->out, id));
    r = dsctl(NULL, "--no-retry", "get", "k", NULL);
    ck_assert_int_eq(r->status, 6);
    ck_assert_ptr_nonnull(strstr(r->err, "503"));
    ck_assert_int_eq(dsctl(NULL, "get", "k", NULL)->status, 0); /* the 2nd 503, then a retry */
    r = dsctl(NULL, "--json", "fault", "ls", NULL);
    struct json_object *o = json_tokener_parse(r->out), *faults;
    ck_assert(o && json_object_object_get_ex(o, "faults", &faults));
    ck_assert_int_eq(jint(json_object_array_get_idx(faults, 0), "fired"), 2);
    json_object_put(o);
    ck_assert_int_eq(dsctl(NULL, "fault", "rm", id, NULL)->status, 0);
    ck_assert_int_eq(dsctl(NULL, "fault", "rm", id, NULL)->status, 1);
    ck_assert_int_eq(
        dsctl(NULL, "fault", "add", "{\"effect\":{\"type\":\"nonsense\"}}", NULL)->status, 3);

    r = dsctl(NULL, "--json", "clock", NULL);
    o = json_tokener_parse(r->out);
    ck_assert_str_eq(jstr(o, "mode"), "virtual");
    double before = json_object_get_double(json_object_object_get(o, "offsetSeconds"));
    json_object_put(o);
    r = dsctl(NULL, "--json", "clock", "advance", "6", NULL);
    o = json_tokener_parse(r->out);
    /* the clock stands still, so the offset from real time only shrinks by what elapsed */
    ck_assert(json_object_get_double(json_object_object_get(o, "offsetSeconds")) >= before + 5.5);
    json_object_put(o);
    r = dsctl(NULL, "--json", "clock", "set", "2031-01-01T00:00:00Z", NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    ck_assert_ptr_nonnull(strstr(r->out, "2031-01-01T00:00:00"));
    ck_assert_int_eq(dsctl(NULL, "clock", "advance", "soon", NULL)->status, 2);
}
END_TEST

/* migrate put/ls/run; export then import into another universe gives the same data. */
START_TEST(migrate_export_import)
{
    new_universe();
    for (int i = 0; i < 5; i++) {
        char key[16];
        snprintf(key, sizeof key, "u%d", i);
        ck_assert_int_eq(dsctl(NULL, "set", key, "{\"coins\":1}", NULL)->status, 0);
    }
    struct run *r = dsctl("[{\"op\":\"add\",\"path\":\"/gold\",\"value\":0}]", "migrate", "put",
                          "1", "-", NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    r = dsctl(NULL, "--json", "migrate", "ls", NULL);
    ck_assert_ptr_nonnull(strstr(r->out, "\"latestVersion\":1"));
    r = dsctl(NULL, "--json", "migrate", "run", NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    struct json_object *o = json_tokener_parse(r->out);
    ck_assert_str_eq(jstr(o, "state"), "finished");
    ck_assert_int_eq(jint(o, "done"), 5);
    json_object_put(o);

    char path[] = "/tmp/dsctl_export_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    r = dsctl(NULL, "export", "--versions", "--output", path, NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    new_universe();
    r = dsctl(NULL, "--json", "import", path, NULL);
    ck_assert_msg(r->status == 0, "%s", r->err);
    o = json_tokener_parse(r->out);
    ck_assert_int_eq(jint(o, "entries"), 5);
    ck_assert_int_eq(jint(o, "failed"), 0);
    json_object_put(o);
    ck_assert_str_eq(dsctl(NULL, "get", "u3", NULL)->out,
                     "{\"coins\":1,\"gold\":0,\"_version\":1}\n");
    ck_assert_int_eq(dsctl(NULL, "--datastore", "Other", "set", "k", "1", NULL)->status, 0);
    r = dsctl(NULL, "export",
              NULL); /* to stdout: the universe, though DATASTORED_DATASTORE is set */
    ck_assert_ptr_nonnull(strstr(r->out, "\"format\":\"datastored-export\""));
    ck_assert_ptr_nonnull(strstr(r->out, "\"Other\""));
    ck_assert_ptr_nonnull(strstr(r->out, "\"Players\""));
    r = dsctl(NULL, "export", "--datastore", "Players", NULL);
    ck_assert_ptr_null(strstr(r->out, "\"Other\""));
    ck_assert_ptr_nonnull(strstr(r->out, "\"Players\""));
    ck_assert_int_eq(dsctl("not json", "import", NULL)->status, 3);
    ck_assert_int_eq(dsctl(NULL, "import", "/nonexistent/file.json", NULL)->status, 2);
    unlink(path);
}
END_TEST

/* With keys configured: no key is refused (exit 3), the environment's key works, an unknown
 * server is exit 6. */
START_TEST(api_keys_and_unreachable_server)
{
    struct ds_proc keyed;
    const char *args[] = {"--database-url", srv_db, "--api-key", "dsctl-test-key-0123456789", NULL};
    ck_assert(proc_start(&keyed, args));
    struct ds_proc saved = srv;
    srv = keyed;
    new_universe();
    struct run *r = dsctl(NULL, "set", "k", "1", NULL);
    ck_assert_int_eq(r->status, 3);
    ck_assert_ptr_nonnull(strstr(r->err, "401"));
    ck_assert_int_eq(
        dsctl(NULL, "--api-key", "dsctl-test-key-0123456789", "set", "k", "1", NULL)->status, 0);
    setenv("DATASTORED_API_KEY", "dsctl-test-key-0123456789", 1);
    ck_assert_str_eq(dsctl(NULL, "get", "k", NULL)->out, "1\n");
    unsetenv("DATASTORED_API_KEY");
    srv = saved;
    ck_assert_int_eq(proc_stop(&keyed, SIGTERM), 0);
    r = dsctl(NULL, "--url", "http://127.0.0.1:1", "--no-retry", "get", "k", NULL);
    ck_assert_int_eq(r->status, 6);
    ck_assert_int_eq(dsctl(NULL, "--url", "not-a-url", "get", "k", NULL)->status, 2);
}
END_TEST

Suite *dsctl_suite(void)
{
    Suite *s = suite_create("dsctl");
    TCase *tc = tcase_create("dsctl");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, help_lists_every_verb);
    tcase_add_test(tc, data_verbs_and_exit_codes);
    tcase_add_test(tc, sorted_and_locks);
    tcase_add_test(tc, fault_and_clock_verbs);
    tcase_add_test(tc, migrate_export_import);
    tcase_add_test(tc, api_keys_and_unreachable_server);
    suite_add_tcase(s, tc);
    return s;
}
