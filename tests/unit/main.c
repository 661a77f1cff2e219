/* main.c — runs every unit suite (pure logic from src/core and friends; no I/O). */
#include <check.h>
#include <stdlib.h>

#include "unit.h"

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    srunner_add_suite(sr, clock_suite());
    srunner_add_suite(sr, core_suite());
    srunner_add_suite(sr, jsonpatch_suite());
    srunner_add_suite(sr, ordered_filter_suite());
    srunner_add_suite(sr, migrate_suite());
    srunner_add_suite(sr, faults_suite());
    srunner_add_suite(sr, citus_rules_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
