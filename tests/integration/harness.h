/* harness.h — integration-test support: throwaway databases on the test PostgreSQL
 * (DATABASE_URL), the real datastored binary started on a free loopback port, and HTTP
 * requests through libcurl. */
#ifndef DS_TEST_HARNESS_H
#define DS_TEST_HARNESS_H

#include <check.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>

/* A running datastored process. */
struct ds_proc {
    pid_t pid;
    int port;
    char log_path[256];
    char base_url[64]; /* http://127.0.0.1:PORT */
};

/* Conninfo of a fresh, empty database called name (dropped first if it exists). */
const char *harness_fresh_database(const char *name);
/* Runs SQL on the database given by conninfo; returns the first value of the first row
 * (static buffer) or NULL. Fails the test on error. */
const char *harness_sql(const char *conninfo, const char *sql);

/* Starts datastored with the given extra arguments (NULL-terminated) and waits until it
 * listens. run_as_uid >= 0 runs it as that user. Returns false (log kept) on failure. */
bool proc_start(struct ds_proc *p, const char *const *args);
/* The two halves of proc_start_as: fork/exec, then wait for the "listening on" line. */
bool proc_spawn_as(struct ds_proc *p, const char *const *args, int run_as_uid, int run_as_gid);
bool proc_wait_ready(struct ds_proc *p);
bool proc_start_as(struct ds_proc *p, const char *const *args, int run_as_uid, int run_as_gid);
/* GET /admin/v1/queues: requests parked (waiting on a cooldown or a lock) on p. */
int proc_parked_requests(const struct ds_proc *p);
/* Sends sig and waits up to 30 s; returns the exit status (128+n if killed by n). */
int proc_stop(struct ds_proc *p, int sig);
/* True if the process log contains needle. */
bool proc_log_contains(const struct ds_proc *p, const char *needle);
/* Lines written when a request completes can land after the client has its response:
 * poll the log for up to timeout_ms. */
bool proc_log_await(const struct ds_proc *p, const char *needle, int timeout_ms);

struct http_resp {
    long status;
    char *body; /* NUL-terminated; owned */
    size_t len;
    char *headers; /* raw header block; owned */
};

/* One request. headers: NULL-terminated "Name: value" strings, may be NULL. */
struct http_resp http_do(const char *method, const char *url, const char *body, size_t len,
                         const char *const *headers);
void http_free(struct http_resp *r);
/* Value of a response header (case-insensitive) copied into buf; NULL if absent. */
const char *http_header(const struct http_resp *r, const char *name, char *buf, size_t cap);
/* Parses the body as JSON; fails the test if it is not. Caller puts. */
struct json_object *http_json(const struct http_resp *r);
/* Convenience: formats a URL on p. */
char *url_of(const struct ds_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Field access helpers for assertions. */
const char *jstr(struct json_object *o, const char *key);
long long jint(struct json_object *o, const char *key);

/* POST /admin/v1/clock:advance on p (virtual clock); fails the test otherwise. */
void clock_advance(const struct ds_proc *p, double seconds);

/* A universe id unique to this test process (tests share servers, not universes). */
long long unique_universe(void);

Suite *foundation_suite(void);
Suite *contract_suite(void);
Suite *embedded_suite(void);
Suite *v1_suite(void);
Suite *v2_suite(void);
Suite *concurrency_suite(void);
Suite *ordered_suite(void);
Suite *rules_suite(void);
Suite *locks_suite(void);
Suite *cache_suite(void);
Suite *migrations_suite(void);
Suite *faults_suite(void);
Suite *auth_suite(void);
Suite *hostile_suite(void);
Suite *wire_suite(void);
Suite *ops_suite(void);
Suite *client_suite(void);
Suite *dsctl_suite(void);

#endif
