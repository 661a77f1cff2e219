/* unit.h — the unit suites. */
#ifndef DS_TEST_UNIT_H
#define DS_TEST_UNIT_H

#include <check.h>

Suite *config_suite(void);
Suite *clock_suite(void);
Suite *core_suite(void);
Suite *jsonpatch_suite(void);
Suite *ordered_filter_suite(void);
Suite *migrate_suite(void);
Suite *faults_suite(void);
Suite *citus_rules_suite(void);

#endif
