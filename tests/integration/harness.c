/* harness.c — see harness.h. */
#include "harness.h"
#include "exchange_log.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *base_conninfo(void)
{
    const char *url = getenv("DATABASE_URL");
    if (!url) {
        fprintf(stderr, "DATABASE_URL is not set: run the suite through scripts/test.sh\n");
        exit(2);
    }
    return url;
}

const char *harness_sql(const char *conninfo, const char *sql)
{
    static __thread char value[512];
    PGconn *c = PQconnectdb(conninfo);
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "connect: %s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    ck_assert_msg(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
                  PQerrorMessage(c));
    const char *out = NULL;
    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
        snprintf(value, sizeof value, "%s", PQgetvalue(r, 0, 0));
        out = value;
    }
    PQclear(r);
    PQfinish(c);
    return out;
}

const char *harness_fresh_database(const char *name)
{
    static char conninfo[1024];
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    harness_sql(base_conninfo(), sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    harness_sql(base_conninfo(), sql);
    snprintf(conninfo, sizeof conninfo, "%s dbname=%s", base_conninfo(), name);
    return conninfo;
}

static bool read_port(const char *log_path, int *port)
{
    FILE *f = fopen(log_path, "r");
    if (!f) return false;
    char line[1024];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "listening on ");
        if (!p) continue;
        const char *colon = strchr(p + 13, ' ');
        for (const char *q = p + 13; q < (colon ? colon : p + strlen(p)); q++)
            if (*q == ':') colon = q;
        if (colon && sscanf(colon + 1, "%d", port) == 1) found = true;
    }
    fclose(f);
    return found;
}

bool proc_spawn_as(struct ds_proc *p, const char *const *args, int uid, int gid)
{
    static int counter;
    memset(p, 0, sizeof *p);
    snprintf(p->log_path, sizeof p->log_path, "/tmp/datastored-test-%d-%d.log", (int)getpid(),
             counter++);
    const char *argv[64];
    int n = 0;
    argv[n++] = DATASTORED_BIN;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    for (int i = 0; args && args[i] && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    /* Truncated here, before fork: the path may hold a log of an earlier run whose test
     * process had the same pid, and proc_wait_ready must never read its port. */
    int fd = open(p->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    if (uid >= 0 && fchown(fd, (uid_t)uid, (gid_t)gid) != 0) {
        close(fd);
        return false;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fd);
        return false;
    }
    if (pid == 0) {
        dup2(fd, STDERR_FILENO);
        dup2(fd, STDOUT_FILENO);
        if (uid >= 0 && (setgid((gid_t)gid) != 0 || setuid((uid_t)uid) != 0)) _exit(126);
        unsetenv("DATABASE_URL"); /* servers get their database from --database-url only */
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fd);
    p->pid = pid;
    return true;
}

bool proc_wait_ready(struct ds_proc *p)
{
    for (int i = 0; i < 600; i++) { /* 60 s */
        int status;
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            p->pid = 0;
            return false;
        }
        if (read_port(p->log_path, &p->port)) {
            snprintf(p->base_url, sizeof p->base_url, "http://127.0.0.1:%d", p->port);
            return true;
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    proc_stop(p, SIGKILL);
    return false;
}

bool proc_start_as(struct ds_proc *p, const char *const *args, int uid, int gid)
{
    return proc_spawn_as(p, args, uid, gid) && proc_wait_ready(p);
}

bool proc_start(struct ds_proc *p, const char *const *args)
{
    return proc_start_as(p, args, -1, -1);
}

int proc_stop(struct ds_proc *p, int sig)
{
    if (p->pid <= 0) return -1;
    kill(p->pid, sig);
    int status = 0;
    for (int i = 0; i < 300; i++) {
        pid_t r = waitpid(p->pid, &status, WNOHANG);
        if (r == p->pid) {
            p->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(p->pid, SIGKILL);
    waitpid(p->pid, &status, 0);
    p->pid = 0;
    return -1;
}

bool proc_log_contains(const struct ds_proc *p, const char *needle)
{
    FILE *f = fopen(p->log_path, "r");
    if (!f) return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

bool proc_log_await(const struct ds_proc *p, const char *needle, int timeout_ms)
{
    for (int waited = 0;; waited += 20) {
        if (proc_log_contains(p, needle)) return true;
        if (waited >= timeout_ms) return false;
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

struct buf {
    char *data;
    size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct buf *b = userdata;
    size_t n = size * nmemb;
    char *nd = realloc(b->data, b->len + n + 1);
    if (!nd) return 0;
    b->data = nd;
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

struct http_resp http_do(const char *method, const char *url, const char *body, size_t len,
                         const char *const *headers)
{
    struct http_resp r = {0};
    struct buf bbody = {0}, bhead = {0};
    CURL *c = curl_easy_init();
    ck_assert_ptr_nonnull(c);
    struct curl_slist *hl = NULL;
    for (int i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    if (body) hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (!strcmp(method, "HEAD")) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bbody);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &bhead);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    else
        r.status = -1;
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    r.body = bbody.data ? bbody.data : strdup("");
    r.len = bbody.len;
    r.headers = bhead.data ? bhead.data : strdup("");
    if (r.status > 0) exchange_log_record(method, url, headers, body, len, &r);
    return r;
}

void http_free(struct http_resp *r)
{
    free(r->body);
    free(r->headers);
    r->body = r->headers = NULL;
}

const char *http_header(const struct http_resp *r, const char *name, char *buf, size_t cap)
{
    size_t nlen = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *eol = strstr(line, "\r\n");
        size_t llen = eol ? (size_t)(eol - line) : strlen(line);
        if (llen > nlen && line[nlen] == ':' && strncasecmp(line, name, nlen) == 0) {
            const char *v = line + nlen + 1;
            while (*v == ' ')
                v++;
            size_t vlen = llen - (size_t)(v - line);
            if (vlen >= cap) vlen = cap - 1;
            memcpy(buf, v, vlen);
            buf[vlen] = '\0';
            return buf;
        }
        line = eol ? eol + 2 : NULL;
    }
    return NULL;
}

struct json_object *http_json(const struct http_resp *r)
{
    struct json_object *o = json_tokener_parse(r->body);
    ck_assert_msg(o != NULL, "response is not JSON: %.200s", r->body);
    return o;
}

char *url_of(const struct ds_proc *p, const char *fmt, ...)
{
    static __thread char url[2][8192];
    static __thread int which;
    char *out = url[which++ & 1];
    int n = snprintf(out, sizeof url[0], "%s", p->base_url);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + n, sizeof url[0] - (size_t)n, fmt, ap);
    va_end(ap);
    return out;
}

const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v)) return NULL;
    return json_object_get_string(v);
}

long long jint(struct json_object *o, const char *key)
{
    struct json_object *v;
    ck_assert_msg(json_object_object_get_ex(o, key, &v), "missing field %s", key);
    return (long long)json_object_get_int64(v);
}

long long unique_universe(void)
{
    static long long next;
    static pid_t owner; /* Check forks a child per test: each must draw its own ids */
    if (!next || owner != getpid()) {
        owner = getpid();
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        next = ((long long)getpid() * 1000003LL + ts.tv_nsec) % 100000000000LL + 1000;
    }
    return next++;
}

int proc_parked_requests(const struct ds_proc *p)
{
    struct http_resp r = http_do("GET", url_of(p, "/admin/v1/queues"), NULL, 0, NULL);
    struct json_object *o = http_json(&r);
    int n = (int)jint(o, "parkedRequests");
    json_object_put(o);
    http_free(&r);
    return n;
}

void clock_advance(const struct ds_proc *p, double seconds)
{
    char body[64];
    snprintf(body, sizeof body, "{\"seconds\": %.3f}", seconds);
    struct http_resp r =
        http_do("POST", url_of(p, "/admin/v1/clock:advance"), body, strlen(body), NULL);
    ck_assert_msg(r.status == 200, "advance: %ld %s", r.status, r.body);
    http_free(&r);
}
