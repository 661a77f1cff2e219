/* pg/embedded.c — runs a private PostgreSQL: finds the binaries, runs initdb once, starts
 * the postmaster as a child (as the unprivileged "postgres" user when we are root), in its
 * own process group with a parent-death signal so it never outlives a killed service,
 * listening only on a unix socket inside the data directory. */
#include "pg/embedded.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define PG_PORT "5432"
#define SOCKET_NAME "/.s.PGSQL." PG_PORT

static bool is_executable(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, X_OK) == 0;
}

/* Finds a directory holding initdb and postgres: $DATASTORED_PG_BINDIR, `pg_config
 * --bindir`, the newest /usr/lib/postgresql/N/bin (Debian), then PATH. */
static bool find_bindir(char *out, size_t cap)
{
    const char *env = getenv("DATASTORED_PG_BINDIR");
    if (env && is_executable(env, "initdb") && is_executable(env, "postgres")) {
        snprintf(out, cap, "%s", env);
        return true;
    }
    FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
    if (p) {
        char line[4096] = "";
        bool got = fgets(line, sizeof line, p) != NULL;
        pclose(p);
        line[strcspn(line, "\n")] = '\0';
        if (got && is_executable(line, "initdb") && is_executable(line, "postgres")) {
            snprintf(out, cap, "%s", line);
            return true;
        }
    }
    DIR *d = opendir("/usr/lib/postgresql");
    long best = -1;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            char *end;
            long v = strtol(e->d_name, &end, 10);
            if (*end || end == e->d_name || v <= best) continue;
            char dir[512];
            snprintf(dir, sizeof dir, "/usr/lib/postgresql/%s/bin", e->d_name);
            if (is_executable(dir, "initdb") && is_executable(dir, "postgres")) {
                best = v;
                snprintf(out, cap, "%s", dir);
            }
        }
        closedir(d);
    }
    if (best >= 0) return true;
    const char *path = getenv("PATH");
    if (!path) return false;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        if (is_executable(dir, "initdb") && is_executable(dir, "postgres")) {
            snprintf(out, cap, "%s", dir);
            return true;
        }
    }
    return false;
}

static ds_status mkdir_p(const char *path, char *err, size_t cap)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) goto fail;
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) goto fail;
    return DS_OK;
fail:
    snprintf(err, cap, "cannot create directory %s: %s", tmp, strerror(errno));
    return DS_ERR;
}

/* In a forked child: drop to the PostgreSQL user when we are root. Never returns on error. */
static void child_become_runner(const struct pg_embedded *pg)
{
    if (!pg->drop_privileges) return;
    if (setgroups(0, NULL) != 0 || setgid(pg->run_gid) != 0 || setuid(pg->run_uid) != 0) {
        fprintf(stderr, "cannot switch to uid %d: %s\n", (int)pg->run_uid, strerror(errno));
        _exit(126);
    }
}

/* Runs argv (in bindir) as the runner user, output appended to log_path; returns exit code. */
static int run_tool(const struct pg_embedded *pg, char *const argv[], const char *log_path)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        child_become_runner(pg);
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", pg->bindir, argv[0]);
        execv(path, argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Copies the last few lines of a log file into err (after prefix). */
static void log_tail(const char *path, const char *prefix, char *err, size_t cap)
{
    char buf[1024] = "";
    FILE *f = fopen(path, "r");
    if (f) {
        if (fseek(f, 0, SEEK_END) == 0) {
            long size = ftell(f);
            fseek(f, size > 900 ? size - 900 : 0, SEEK_SET);
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = '\0';
        }
        fclose(f);
    }
    snprintf(err, cap, "%s (see %s):\n%s", prefix, path, buf);
}

/* A postmaster left running on pgdata (for example one that is still shutting down after
 * the service was killed) makes a new start fail. Wait up to 15 s for it to go away. */
static ds_status wait_for_previous_postmaster(const struct pg_embedded *pg, char *err, size_t cap)
{
    char pidfile[4200];
    snprintf(pidfile, sizeof pidfile, "%s/postmaster.pid", pg->pgdata);
    for (int i = 0; i < 150; i++) {
        FILE *f = fopen(pidfile, "r");
        if (!f) return DS_OK;
        long pid = 0;
        int n = fscanf(f, "%ld", &pid);
        fclose(f);
        if (n != 1 || pid <= 0) return DS_OK;
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            log_info("stale postmaster.pid (pid %ld is gone); PostgreSQL will replace it", pid);
            return DS_OK;
        }
        if (i == 0) log_info("waiting for the previous PostgreSQL (pid %ld) to exit", pid);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    snprintf(err, cap,
             "data directory %s is in use by a running PostgreSQL (see %s): is another "
             "datastored using the same --data-dir?",
             pg->data_dir, pidfile);
    return DS_ERR;
}

static ds_status start_postmaster(struct pg_embedded *pg, const char *log_path, char *err,
                                  size_t cap)
{
    /* Everything the child needs is formatted before fork: the service is multi-threaded
     * when the supervisor restarts PostgreSQL, so the child only makes system calls. */
    char path[4200], sockdir[4200];
    snprintf(path, sizeof path, "%s/postgres", pg->bindir);
    snprintf(sockdir, sizeof sockdir, "unix_socket_directories=%s", pg->data_dir);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, cap, "fork: %s", strerror(errno));
        return DS_ERR;
    }
    if (pid == 0) {
        /* Own process group: a Ctrl-C aimed at the service must not stop the database
         * before the service has drained its requests. */
        setpgid(0, 0);
        int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            close(devnull);
        }
        child_become_runner(pg);
        /* After the uid change (which clears it): if the service dies, shut down fast. */
        prctl(PR_SET_PDEATHSIG, SIGINT);
        if (getppid() != parent) _exit(0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /* commit_delay stays 0: with 16 and 64 concurrent SETs, commit_delay 100-1000 us
         * (commit_siblings 5) was no faster on 2 cores (flushes already group), and slower
         * beyond 100 us (issue 24's measurement). synchronous_commit stays on. */
        execl(path, "postgres", "-D", pg->pgdata, "-p", PG_PORT, "-c", "listen_addresses=", "-c",
              sockdir, "-c", "max_connections=200", "-c", "shared_buffers=128MB", (char *)0);
        _exit(127);
    }
    pg->postmaster = pid;
    for (int i = 0; i < 600; i++) { /* up to 60 s: crash recovery can take a while */
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            pg->postmaster = 0;
            log_tail(log_path, "PostgreSQL exited during start-up", err, cap);
            return DS_ERR;
        }
        if (PQping(pg->conninfo) == PQPING_OK) return DS_OK;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    log_tail(log_path, "PostgreSQL did not become ready within 60 s", err, cap);
    pg_embedded_stop(pg);
    return DS_ERR;
}

static ds_status ensure_database(struct pg_embedded *pg, char *err, size_t cap)
{
    char admin[4400];
    snprintf(admin, sizeof admin, "host=%s port=" PG_PORT " user=datastored dbname=postgres",
             pg->data_dir);
    PGconn *c = PQconnectdb(admin);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, cap, "cannot connect to the embedded PostgreSQL: %s", PQerrorMessage(c));
        PQfinish(c);
        return DS_ERR;
    }
    PGresult *r = PQexec(c, "SELECT 1 FROM pg_database WHERE datname = 'datastored'");
    bool exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    ds_status st = DS_OK;
    if (!exists) {
        r = PQexec(c, "CREATE DATABASE datastored");
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            snprintf(err, cap, "CREATE DATABASE failed: %s", PQerrorMessage(c));
            st = DS_ERR;
        }
        PQclear(r);
    }
    PQfinish(c);
    return st;
}

ds_status pg_embedded_start(struct pg_embedded *pg, const char *data_dir, char *err, size_t cap)
{
    memset(pg, 0, sizeof *pg);
    if (!find_bindir(pg->bindir, sizeof pg->bindir)) {
        snprintf(err, cap,
                 "PostgreSQL server binaries (initdb, postgres) not found: install them "
                 "(Debian: apt-get install postgresql), set DATASTORED_PG_BINDIR, or use "
                 "--database-url");
        return DS_ERR;
    }
    if (mkdir_p(data_dir, err, cap) != DS_OK) return DS_ERR;
    if (!realpath(data_dir, pg->data_dir)) {
        snprintf(err, cap, "cannot resolve %s: %s", data_dir, strerror(errno));
        return DS_ERR;
    }
    if (strlen(pg->data_dir) + strlen(SOCKET_NAME) >= 104) {
        snprintf(err, cap, "--data-dir path %s is too long for a unix socket (max ~90 bytes)",
                 pg->data_dir);
        return DS_ERR;
    }
    if (snprintf(pg->pgdata, sizeof pg->pgdata, "%s/pg", pg->data_dir) >= (int)sizeof pg->pgdata)
        return DS_ERR; /* unreachable: the socket-length check above bounds data_dir */
    snprintf(pg->conninfo, sizeof pg->conninfo,
             "host=%s port=" PG_PORT " user=datastored dbname=datastored", pg->data_dir);

    if (geteuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (!pw) pw = getpwnam("nobody");
        if (!pw) {
            snprintf(err, cap, "running as root but no 'postgres' user exists to run PostgreSQL");
            return DS_ERR;
        }
        pg->drop_privileges = true;
        pg->run_uid = pw->pw_uid;
        pg->run_gid = pw->pw_gid;
        if (chown(pg->data_dir, pg->run_uid, pg->run_gid) != 0) {
            snprintf(err, cap, "cannot give %s to user %s: %s", pg->data_dir, pw->pw_name,
                     strerror(errno));
            return DS_ERR;
        }
    }
    char log_path[4200], version_file[4200];
    snprintf(log_path, sizeof log_path, "%s/postgres.log", pg->data_dir);
    snprintf(version_file, sizeof version_file, "%s/PG_VERSION", pg->pgdata);
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
        if (pg->drop_privileges && fchown(fd, pg->run_uid, pg->run_gid) != 0)
            log_warn("cannot chown %s: %s", log_path, strerror(errno));
        close(fd);
    }

    if (access(version_file, F_OK) != 0) {
        log_info("creating PostgreSQL cluster in %s", pg->pgdata);
        char *const argv[] = {"initdb", "-D", pg->pgdata, "-U",         "datastored", "-A",
                              "trust",  "-E", "UTF8",     "--locale=C", (char *)0};
        int rc = run_tool(pg, argv, log_path);
        if (rc != 0) {
            char prefix[256];
            snprintf(prefix, sizeof prefix, "initdb failed with exit code %d%s", rc,
                     pg->drop_privileges ? " (as root, PostgreSQL runs as user 'postgres': every "
                                           "parent directory of --data-dir must be searchable)"
                                         : "");
            log_tail(log_path, prefix, err, cap);
            return DS_ERR;
        }
        pg->initialized_now = true;
    }
    if (wait_for_previous_postmaster(pg, err, cap) != DS_OK) return DS_ERR;
    if (start_postmaster(pg, log_path, err, cap) != DS_OK) return DS_ERR;
    if (ensure_database(pg, err, cap) != DS_OK) {
        pg_embedded_stop(pg);
        return DS_ERR;
    }
    return DS_OK;
}

ds_status pg_embedded_restart(struct pg_embedded *pg, char *err, size_t cap)
{
    char log_path[4200];
    snprintf(log_path, sizeof log_path, "%s/postgres.log", pg->data_dir);
    pg->postmaster = 0;
    if (wait_for_previous_postmaster(pg, err, cap) != DS_OK) return DS_ERR;
    return start_postmaster(pg, log_path, err, cap);
}

void pg_embedded_stop(struct pg_embedded *pg)
{
    if (pg->postmaster <= 0) return;
    static const int signals[] = {SIGINT, SIGQUIT, SIGKILL}; /* fast, immediate, kill */
    for (size_t s = 0; s < 3; s++) {
        kill(pg->postmaster, signals[s]);
        for (int i = 0; i < 300; i++) { /* 30 s per step */
            int status;
            pid_t r = waitpid(pg->postmaster, &status, WNOHANG);
            if (r == pg->postmaster || (r < 0 && errno == ECHILD)) {
                pg->postmaster = 0;
                return;
            }
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        log_warn("PostgreSQL (pid %d) did not stop; escalating", (int)pg->postmaster);
    }
    pg->postmaster = 0;
}
