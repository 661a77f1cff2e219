/* bench/write_script.c — prints a pgbench script that runs exactly the statements datastored
 * runs for a v1 SET of an existing key (store/entries.c: the locking read on the real clock,
 * then the update that also keeps the replaced version), in the same two pipelined round
 * trips (BEGIN with the read, the update with COMMIT). bench/run drives it with pgbench
 * beside `simple-update`: the ceiling for a SET with no HTTP and no server in between, so
 * the ratio of datastored's SET to it is what the server costs. The SQL comes from the
 * binary's own statement table, so it cannot drift from what the server sends.
 * Usage: write_script > set.sql; pgbench -M prepared -f set.sql -D keys=N (keys "k0".."kN-1"
 * of data store "Bench" in universe 1, as bench/load_keys.sql loads them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/statements.h"

static const char *statement(const char *name)
{
    for (size_t s = 0; s < store_statement_set_count; s++)
        for (const struct pg_statement *st = store_statement_sets[s]; st->name; st++)
            if (!strcmp(st->name, name)) return st->sql;
    fprintf(stderr, "write_script: no statement %s\n", name);
    exit(1);
}

/* Prints sql with each $n replaced by args[n - 1]. */
static void print_bound(const char *sql, const char *const *args, int n_args)
{
    for (const char *p = sql; *p; p++) {
        if (*p != '$' || p[1] < '0' || p[1] > '9') {
            putchar(*p);
            continue;
        }
        char *end;
        long n = strtol(p + 1, &end, 10);
        if (n < 1 || n > n_args) {
            fprintf(stderr, "write_script: $%ld has no value\n", n);
            exit(1);
        }
        fputs(args[n - 1], stdout);
        p = end - 1;
    }
}

int main(void)
{
    char value[1100];
    snprintf(value, sizeof value, "'{\"id\":1,\"pad\":\"%01000d\"}'", 0); /* ~1 KiB, as set.lua */
    const char *key[] = {"1", "'Bench'", "'global'", "('k' || :k)"};
    /* entry_update's parameters (bench/run's server keeps every version). */
    const char *update[] = {
        key[0],
        key[1],
        key[2],
        key[3],
        "1",                          /* created_us */
        "version_seq + 1",            /* version_seq: the next one, as the server computes */
        "2",                          /* version_us */
        "false",                      /* version_hour_first */
        "false",                      /* deleted */
        value,                        /* value */
        "'MTIzNDU2Nzg5MDEyMzQ1Ng=='", /* value_md5 */
        "1012",                       /* content_length */
        "'[]'",                       /* user_ids */
        "'{}'",                       /* attributes */
        "0",                          /* schema_version */
        "true",                       /* keep the replaced version */
    };
    puts("\\set k random(0, :keys - 1)");
    puts("\\startpipeline");
    puts("BEGIN;");
    print_bound(statement("entry_read_lock_real_clock"), key, 4);
    puts(";\n\\endpipeline\n\\startpipeline");
    print_bound(statement("entry_update"), update, 16);
    puts(";\nCOMMIT;\n\\endpipeline");
    return 0;
}
