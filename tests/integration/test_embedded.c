/* test_embedded.c — the embedded PostgreSQL: first start creates the cluster, SIGTERM stops
 * it (no postgres left behind), a restart reuses it, kill -9 of the service is survived
 * (stale postmaster.pid), and it all works as an unprivileged user too. */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static long read_postmaster_pid(const char *data_dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pg/postmaster.pid", data_dir);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long pid = -1;
    if (fscanf(f, "%ld", &pid) != 1) pid = -1;
    fclose(f);
    return pid;
}

static bool process_gone_within(long pid, int seconds)
{
    for (int i = 0; i < seconds * 10; i++) {
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) return true;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

static void expect_healthy(const struct ds_proc *p)
{
    struct http_resp r = http_do("GET", url_of(p, "/readyz"), NULL, 0, NULL);
    ck_assert_msg(r.status == 200, "readyz %ld: %s (log %s)", r.status, r.body, p->log_path);
    http_free(&r);
}

/* Runs the whole lifecycle in data_dir as uid/gid (-1: as ourselves). */
static void lifecycle(const char *data_dir, int uid, int gid)
{
    const char *args[] = {"--data-dir", data_dir, NULL};
    struct ds_proc p;

    /* First start: a new cluster. */
    ck_assert_msg(proc_start_as(&p, args, uid, gid), "first start failed: %s", p.log_path);
    ck_assert(proc_log_contains(&p, "(new cluster)"));
    expect_healthy(&p);
    long pm = read_postmaster_pid(data_dir);
    ck_assert_int_gt(pm, 0);
    ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);
    ck_assert_msg(process_gone_within(pm, 1), "postgres %ld still running after SIGTERM", pm);

    /* Second start: the same cluster is reused. */
    ck_assert_msg(proc_start_as(&p, args, uid, gid), "restart failed: %s", p.log_path);
    ck_assert(!proc_log_contains(&p, "(new cluster)"));
    expect_healthy(&p);
    pm = read_postmaster_pid(data_dir);

    /* kill -9: PostgreSQL follows (parent-death signal) and a restart recovers. */
    ck_assert_int_eq(proc_stop(&p, SIGKILL), 128 + SIGKILL);
    ck_assert_msg(process_gone_within(pm, 20), "postgres %ld outlived a killed service", pm);
    ck_assert_msg(proc_start_as(&p, args, uid, gid), "start after kill -9 failed: %s", p.log_path);
    expect_healthy(&p);
    ck_assert_int_eq(proc_stop(&p, SIGTERM), 0);
}

/* Lifecycle as whoever runs the suite (root in CI: PostgreSQL then runs as 'postgres'). */
START_TEST(embedded_lifecycle_as_current_user)
{
    char dir[] = "/tmp/ds-embedded-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    chmod(dir, 0755);
    char data_dir[300];
    snprintf(data_dir, sizeof data_dir, "%s/data", dir);
    lifecycle(data_dir, -1, -1);
}
END_TEST

/* Lifecycle as an unprivileged user ('nobody'), when the suite runs as root. */
START_TEST(embedded_lifecycle_as_unprivileged_user)
{
    if (geteuid() != 0) return; /* already covered by the test above */
    struct passwd *pw = getpwnam("nobody");
    ck_assert_ptr_nonnull(pw);
    char dir[] = "/tmp/ds-embedded-nobody-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chown(dir, pw->pw_uid, pw->pw_gid), 0);
    char data_dir[300];
    snprintf(data_dir, sizeof data_dir, "%s/data", dir);
    lifecycle(data_dir, (int)pw->pw_uid, (int)pw->pw_gid);
}
END_TEST

Suite *embedded_suite(void)
{
    Suite *s = suite_create("embedded");
    TCase *tc = tcase_create("lifecycle");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, embedded_lifecycle_as_current_user);
    tcase_add_test(tc, embedded_lifecycle_as_unprivileged_user);
    suite_add_tcase(s, tc);
    return s;
}
