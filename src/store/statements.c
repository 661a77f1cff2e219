/* store/statements.c — the list of statement tables prepared on each pooled connection. */
#include "store/statements.h"

#include "store/api_keys.h"
#include "store/datastores.h"
#include "store/entries.h"
#include "store/faults.h"
#include "store/locks.h"
#include "store/migration_runs.h"
#include "store/migrations.h"
#include "store/ordered.h"
#include "store/purge.h"
#include "store/service_state.h"
#include "store/transfer.h"
#include "store/universes.h"

const struct pg_statement *const store_statement_sets[] = {
    service_state_statements,  entries_statements,  datastores_statements,
    ordered_statements,        locks_statements,    migrations_statements,
    migration_runs_statements, purge_statements,    faults_statements,
    api_keys_statements,       transfer_statements, universes_statements,
};
const size_t store_statement_set_count =
    sizeof store_statement_sets / sizeof store_statement_sets[0];
