/* test_config.c — the configuration table: defaults, environment, flags, errors. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "unit.h"

static ds_status load(struct ds_config *cfg, int argc, char **argv, char *err)
{
    enum config_action action;
    return config_load(cfg, argc, argv, &action, err, 256);
}

/* With nothing set, every default of DESIGN.md section 4 applies. */
START_TEST(defaults)
{
    struct ds_config cfg;
    char err[256];
    char *argv[] = {"datastored"};
    unsetenv("DATABASE_URL");
    ck_assert_int_eq(load(&cfg, 1, argv, err), DS_OK);
    ck_assert_str_eq(cfg.listen, "127.0.0.1:8080");
    ck_assert_str_eq(cfg.data_dir, "./var/datastored");
    ck_assert_ptr_null(cfg.database_url);
    ck_assert_int_eq(cfg.profile, PROFILE_CLASSIC);
    ck_assert(config_write_cooldown(&cfg) == 6.0);
    ck_assert(!cfg.keep_all_versions);
    config_free(&cfg);
}
END_TEST

/* Flags beat environment variables, which beat defaults; DATABASE_URL is honoured. */
START_TEST(precedence)
{
    struct ds_config cfg;
    char err[256];
    setenv("DATASTORED_LISTEN", "127.0.0.1:9000", 1);
    setenv("DATABASE_URL", "postgresql:///x", 1);
    char *argv1[] = {"datastored"};
    ck_assert_int_eq(load(&cfg, 1, argv1, err), DS_OK);
    ck_assert_str_eq(cfg.listen, "127.0.0.1:9000");
    ck_assert_str_eq(cfg.database_url, "postgresql:///x");
    config_free(&cfg);
    char *argv2[] = {"datastored", "--listen=127.0.0.1:9100", "--keep-all-versions"};
    ck_assert_int_eq(load(&cfg, 3, argv2, err), DS_OK);
    ck_assert_str_eq(cfg.listen, "127.0.0.1:9100");
    ck_assert(cfg.keep_all_versions);
    config_free(&cfg);
    unsetenv("DATASTORED_LISTEN");
    unsetenv("DATABASE_URL");
}
END_TEST

/* Unknown flags, out-of-range numbers and bad enum values are refused with a message. */
START_TEST(bad_values)
{
    struct ds_config cfg;
    char err[256];
    char *a1[] = {"datastored", "--bogus"};
    ck_assert_int_eq(load(&cfg, 2, a1, err), DS_ERR);
    ck_assert_ptr_nonnull(strstr(err, "unknown flag"));
    config_free(&cfg);
    char *a2[] = {"datastored", "--threads", "99999"};
    ck_assert_int_eq(load(&cfg, 3, a2, err), DS_ERR);
    config_free(&cfg);
    char *a3[] = {"datastored", "--log-level", "loud"};
    ck_assert_int_eq(load(&cfg, 3, a3, err), DS_ERR);
    ck_assert_ptr_nonnull(strstr(err, "debug|info|warn|error"));
    config_free(&cfg);
    char *a4[] = {"datastored", "--listen", "8080"};
    ck_assert_int_eq(load(&cfg, 3, a4, err), DS_ERR);
    config_free(&cfg);
    char *a5[] = {"datastored", "--threads"};
    ck_assert_int_eq(load(&cfg, 2, a5, err), DS_ERR);
    config_free(&cfg);
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, precedence);
    tcase_add_test(tc, bad_values);
    suite_add_tcase(s, tc);
    return s;
}
