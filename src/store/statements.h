/* store/statements.h — every store module's prepared statements, for the pool. */
#ifndef DS_STORE_STATEMENTS_H
#define DS_STORE_STATEMENTS_H

#include <stddef.h>

#include "pg/pool.h"

extern const struct pg_statement *const store_statement_sets[];
extern const size_t store_statement_set_count;

#endif
