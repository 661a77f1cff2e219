/* test_citus_rules.c — every SQL statement the store prepares, and every table the schema
 * creates, checked against the rules that keep datastored runnable on Citus (docs/scaling.md):
 *   1. a statement on a distributed table names its universe: `universe_id = $n` (or, for
 *      an INSERT, universe_id among its columns), so Citus routes it to one shard — except
 *      the few listed below that are multi-shard on purpose;
 *   2. a statement that joins distributed tables equates their universe_id (co-located);
 *   3. no function call in a RETURNING clause but the immutable ones listed (Citus refuses
 *      non-IMMUTABLE functions there: pg_notify, now(), nextval() ...);
 *   4. sequences (serial, identity, nextval) only on reference tables;
 *   5. migrations/citus/setup.sql distributes exactly these tables and makes every other
 *      one a reference table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/pool.h"
#include "pg/schema.h"
#include "store/statements.h"
#include "unit.h"

/* Distributed by universe_id and co-located; every other table is a reference table. */
static const char *const distributed[] = {"datastores",      "entries",     "entry_versions",
                                          "ordered_entries", "entry_locks", "migration_runs"};
#define N_DISTRIBUTED (sizeof distributed / sizeof distributed[0])

/* Multi-shard on purpose: background work over every universe (Citus runs them on each
 * shard in parallel). Their joins are still checked for co-location. (universes_list is
 * a UNION of per-universe counts, for the admin API.) */
static const char *const multi_shard[] = {"purge_versions",      "purge_tombstones",
                                          "purge_store_entries", "purge_stores",
                                          "runs_running",        "universes_list"};

/* Immutable functions allowed in RETURNING. */
static const char *const returning_ok[] = {"coalesce", "nullif",       "greatest",
                                           "least",    "octet_length", "length"};

static char *lowered(const char *s)
{
    char *out = strdup(s);
    ck_assert_ptr_nonnull(out);
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static bool word_at(const char *text, const char *p, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(p, word, n) != 0) return false; /* before looking at p[n] */
    bool before = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
    return before && !(isalnum((unsigned char)p[n]) || p[n] == '_');
}

/* References of distributed tables as tables: after from, join, update, into or using. */
static int distributed_refs(const char *sql)
{
    static const char *const before[] = {"from ", "join ", "update ", "into ", "using "};
    int n = 0;
    for (size_t b = 0; b < sizeof before / sizeof before[0]; b++)
        for (const char *p = strstr(sql, before[b]); p; p = strstr(p + 1, before[b]))
            for (size_t t = 0; t < N_DISTRIBUTED; t++)
                if (word_at(sql, p + strlen(before[b]), distributed[t])) n++;
    return n;
}

/* Predicates naming a universe: "universe_id = $n" or "a.universe_id = b.universe_id";
 * an "INSERT INTO <distributed> (universe_id, ..." counts too (the row names its shard). */
static int universe_predicates(const char *sql)
{
    int n = 0;
    for (size_t t = 0; t < N_DISTRIBUTED; t++) {
        char into[64];
        snprintf(into, sizeof into, "into %s (universe_id", distributed[t]);
        for (const char *p = strstr(sql, into); p; p = strstr(p + 1, into))
            n++;
    }
    for (const char *p = strstr(sql, "universe_id = "); p; p = strstr(p + 1, "universe_id = ")) {
        const char *rhs = p + strlen("universe_id = ");
        if (*rhs == '$') n++;
        const char *dot = strchr(rhs, '.');
        if (dot && dot - rhs < 32 && word_at(sql, dot + 1, "universe_id")) n++;
    }
    return n;
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, list[i])) return true;
    return false;
}

/* The first function called in each RETURNING clause (up to its closing parenthesis at
 * depth 0) that is not allowed; NULL when there is none. */
static const char *bad_returning_call(const char *sql, char *buf, size_t cap)
{
    for (const char *r = strstr(sql, "returning "); r; r = strstr(r + 1, "returning ")) {
        int depth = 0;
        for (const char *p = r + 10; *p && depth >= 0; p++) {
            if (*p == '(') {
                const char *end = p;
                while (end > r && end[-1] == ' ')
                    end--;
                const char *start = end;
                while (start > r && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
                    start--;
                size_t len = (size_t)(end - start);
                if (len > 0 && len < cap) {
                    snprintf(buf, cap, "%.*s", (int)len, start);
                    static const char *const keywords[] = {"returning", "case",  "when", "then",
                                                           "else",      "in",    "and",  "or",
                                                           "not",       "exists"};
                    bool keyword = in_list(buf, keywords, sizeof keywords / sizeof *keywords);
                    if (!keyword &&
                        !in_list(buf, returning_ok, sizeof returning_ok / sizeof returning_ok[0]))
                        return buf;
                }
                depth++;
            } else if (*p == ')') {
                depth--;
            }
        }
    }
    return NULL;
}

/* A pg_notify in a statement on a distributed table runs where Citus routes it, on a worker,
 * and no instance listens there: announcements get statements of their own. */
static bool notifies_from_distributed(const char *sql)
{
    return distributed_refs(sql) > 0 && strstr(sql, "pg_notify") != NULL;
}

START_TEST(statements_follow_citus_rules)
{
    char problems[8192] = "";
    int checked = 0;
    for (size_t s = 0; s < store_statement_set_count; s++) {
        for (const struct pg_statement *st = store_statement_sets[s]; st->name; st++) {
            char *sql = lowered(st->sql), call[64];
            int refs = distributed_refs(sql), preds = universe_predicates(sql);
            bool names_universe = preds > 0;
            bool exempt = in_list(st->name, multi_shard, sizeof multi_shard / sizeof *multi_shard);
            size_t used = strlen(problems);
            if (refs > 0 && !names_universe && !exempt)
                snprintf(problems + used, sizeof problems - used,
                         "\n  %s: no universe_id = $n on a distributed table", st->name);
            else if (refs > 1 && (strstr(sql, " join ") || strstr(sql, " using ") || !exempt) &&
                     preds < refs - (exempt ? 1 : 0))
                snprintf(problems + used, sizeof problems - used,
                         "\n  %s: %d distributed tables but %d universe_id predicates", st->name,
                         refs, preds);
            used = strlen(problems);
            if (notifies_from_distributed(sql))
                snprintf(problems + used, sizeof problems - used,
                         "\n  %s: pg_notify in a statement on a distributed table", st->name);
            used = strlen(problems);
            if (bad_returning_call(sql, call, sizeof call))
                snprintf(problems + used, sizeof problems - used,
                         "\n  %s: function %s() in RETURNING", st->name, call);
            free(sql);
            checked++;
        }
    }
    ck_assert_int_gt(checked, 50);
    ck_assert_msg(problems[0] == '\0', "statements break the Citus rules:%s", problems);
}
END_TEST

/* The checker itself: each rule catches what it is for. */
START_TEST(rules_catch_violations)
{
    char call[64];
    char *a = lowered("UPDATE entry_locks SET owner = $5 WHERE key = $4 RETURNING "
                      "(CASE WHEN $8 THEN pg_notify('x', $9) END) IS NULL");
    ck_assert_str_eq(bad_returning_call(a, call, sizeof call), "pg_notify");
    ck_assert_int_eq(universe_predicates(a), 0);
    ck_assert_int_eq(distributed_refs(a), 1);
    free(a);
    char *b = lowered("WITH u AS (UPDATE service_state SET value = $1 RETURNING value) SELECT "
                      "pg_notify('c', value) FROM u");
    ck_assert_ptr_null(bad_returning_call(b, call, sizeof call)); /* outside RETURNING */
    ck_assert_int_eq(distributed_refs(b), 0);
    free(b);
    char *c = lowered("SELECT 1 FROM entries e JOIN entry_versions v ON v.key = e.key "
                      "WHERE e.universe_id = $1");
    ck_assert_int_eq(distributed_refs(c), 2);
    ck_assert_int_eq(universe_predicates(c), 1); /* the join does not equate universes */
    free(c);
    char *d = lowered("WITH d AS (UPDATE datastores SET deleted_us = NULL WHERE universe_id = $1"
                      " RETURNING name) SELECT pg_notify('datastored_meta', name) FROM d");
    ck_assert(notifies_from_distributed(d));
    free(d);
    char *e = lowered("SELECT pg_notify($1, $2)");
    ck_assert(!notifies_from_distributed(e));
    free(e);
}
END_TEST

/* Sequences only on reference tables: a distributed table's ids would need one global
 * sequence on the coordinator. */
START_TEST(sequences_only_on_reference_tables)
{
    char problems[2048] = "";
    for (size_t m = 0; m < schema_migration_count; m++) {
        char *sql = lowered(schema_migrations[m].sql);
        for (const char *p = strstr(sql, "create table "); p; p = strstr(p + 1, "create table ")) {
            const char *name = p + 13;
            if (!strncmp(name, "if not exists ", 14)) name += 14;
            const char *body_end = strstr(name, ";");
            size_t body_len = body_end ? (size_t)(body_end - name) : strlen(name);
            char *body = strndup(name, body_len);
            ck_assert_ptr_nonnull(body);
            for (size_t t = 0; t < N_DISTRIBUTED; t++) {
                if (!word_at(body, body, distributed[t])) continue;
                if (strstr(body, "serial") || strstr(body, "identity") || strstr(body, "nextval"))
                    snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
                             "\n  %s (migration %d) has a sequence", distributed[t],
                             schema_migrations[m].version);
            }
            free(body);
        }
        free(sql);
    }
    ck_assert_msg(problems[0] == '\0', "distributed tables with sequences:%s", problems);
}
END_TEST

/* migrations/citus/setup.sql names every table of the schema once, as distributed (exactly
 * the list above, by universe_id) or as a reference table. */
START_TEST(setup_sql_classifies_every_table)
{
    FILE *f = fopen(SOURCE_DIR "/migrations/citus/setup.sql", "r");
    ck_assert_ptr_nonnull(f);
    char setup[16384];
    size_t n = fread(setup, 1, sizeof setup - 1, f);
    fclose(f);
    setup[n] = '\0';
    char problems[2048] = "";
    for (size_t m = 0; m <= schema_migration_count; m++) {
        /* The service's own bookkeeping table is created by pg/schema.c, not a migration. */
        char *sql = lowered(m < schema_migration_count ? schema_migrations[m].sql
                                                       : "create table schema_migrations (");
        for (const char *p = strstr(sql, "create table "); p; p = strstr(p + 1, "create table ")) {
            char name[64];
            if (sscanf(p + 13, "%63[a-z_]", name) != 1) continue;
            bool dist = in_list(name, distributed, N_DISTRIBUTED);
            char want[160];
            if (dist)
                snprintf(want, sizeof want, "create_distributed_table('%s', 'universe_id'", name);
            else
                snprintf(want, sizeof want, "create_reference_table('%s')", name);
            if (!strstr(setup, want))
                snprintf(problems + strlen(problems), sizeof problems - strlen(problems),
                         "\n  %s: setup.sql lacks %s", name, want);
        }
        free(sql);
    }
    ck_assert_msg(problems[0] == '\0', "migrations/citus/setup.sql:%s", problems);
}
END_TEST

Suite *citus_rules_suite(void)
{
    Suite *s = suite_create("citus_rules");
    TCase *tc = tcase_create("sql");
    tcase_add_test(tc, statements_follow_citus_rules);
    tcase_add_test(tc, rules_catch_violations);
    tcase_add_test(tc, sequences_only_on_reference_tables);
    tcase_add_test(tc, setup_sql_classifies_every_table);
    suite_add_tcase(s, tc);
    return s;
}
