/* main.c — runs every integration suite. Needs DATABASE_URL (scripts/test.sh sets it). */
#include <curl/curl.h>
#include <stdlib.h>

#include "exchange_log.h"
#include "harness.h"

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    exchange_log_reset();
    SRunner *sr = srunner_create(foundation_suite());
    srunner_add_suite(sr, contract_suite());
    srunner_add_suite(sr, v1_suite());
    srunner_add_suite(sr, v2_suite());
    srunner_add_suite(sr, concurrency_suite());
    srunner_add_suite(sr, ordered_suite());
    srunner_add_suite(sr, rules_suite());
    srunner_add_suite(sr, locks_suite());
    srunner_add_suite(sr, cache_suite());
    srunner_add_suite(sr, migrations_suite());
    srunner_add_suite(sr, faults_suite());
    srunner_add_suite(sr, auth_suite());
    srunner_add_suite(sr, hostile_suite());
    srunner_add_suite(sr, wire_suite());
    srunner_add_suite(sr, ops_suite());
    srunner_add_suite(sr, client_suite());
    srunner_add_suite(sr, dsctl_suite());
    srunner_add_suite(sr, embedded_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
