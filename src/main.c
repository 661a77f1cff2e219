/* main.c — the process: configuration → database (embedded or external) → schema →
 * server context → HTTP server → wait for SIGTERM/SIGINT → drain → stop → exit. */
#include <openssl/rand.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "context.h"
#include "dispatch/fault_stage.h"
#include "dispatch/pipeline.h"
#include "dispatch/router.h"
#include "http/park.h"
#include "http/server.h"
#include "log.h"
#include "pg/embedded.h"
#include "pg/listener.h"
#include "pg/schema.h"
#include "pg/supervisor.h"
#include "service/budgets.h"
#include "service/faults.h"
#include "service/keyring.h"
#include "metrics.h"
#include "service/maintenance.h"
#include "service/meta_cache.h"
#include "service/migration_files.h"
#include "service/migration_runner.h"
#include "service/throughput.h"
#include "store/datastores.h"     /* META_CHANNEL */
#include "store/migration_runs.h" /* RUNS_CHANNEL */
#include "store/service_state.h"
#include "store/statements.h"

/* One line per route: method, path pattern, and what a caller needs (the Open Cloud
 * permission, "admin" for the admin key, "open" for none); api/openapi.yaml's security
 * requirements are checked against this (tests/integration/test_spec.c). */
static void print_routes(void)
{
    for (size_t i = 0; i < route_count; i++) {
        const struct route *r = &routes[i];
        const char *needs = r->permission               ? r->permission
                            : r->family == FAMILY_ADMIN ? "admin"
                                                        : "open";
        printf("%s %s %s\n", r->method, r->pattern, needs);
    }
}

static bool hex_decode(const char *hex, unsigned char *out, size_t n)
{
    if (strlen(hex) != n * 2) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return false;
        out[i] = (unsigned char)v;
    }
    return true;
}

/* Loads (or creates) the cursor-signing key every instance shares. */
static ds_status load_cursor_key(struct ds_ctx *ctx, char *err, size_t cap)
{
    unsigned char fresh[32];
    char candidate[65], stored[128];
    if (RAND_bytes(fresh, sizeof fresh) != 1) {
        snprintf(err, cap, "no randomness for the cursor key");
        return DS_ERR;
    }
    for (size_t i = 0; i < sizeof fresh; i++)
        sprintf(candidate + 2 * i, "%02x", fresh[i]);
    struct ds_error e;
    struct pg_conn *db = pg_pool_acquire(&ctx->pool, 5000, &e);
    if (!db) {
        snprintf(err, cap, "%s", e.message);
        return DS_ERR;
    }
    ds_status st = store_shared_secret(db, "cursor_key", candidate, stored, sizeof stored, &e);
    pg_pool_release(&ctx->pool, db);
    if (st != DS_OK || !hex_decode(stored, ctx->cursor_key, sizeof ctx->cursor_key)) {
        snprintf(err, cap, "cannot load the cursor key: %s", st == DS_OK ? "bad value" : e.message);
        return DS_ERR;
    }
    return DS_OK;
}

static ds_status migrate(const char *conninfo, char *err, size_t cap)
{
    PGconn *c = pg_connect(conninfo);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        snprintf(err, cap, "cannot connect to PostgreSQL: %s",
                 c ? PQerrorMessage(c) : "out of memory");
        PQfinish(c);
        return DS_ERR;
    }
    int applied = 0;
    ds_status st = schema_migrate(c, &applied, err, cap);
    PQfinish(c);
    if (st == DS_OK)
        log_info("schema at version %d (%d migration%s applied now)", schema_latest_version(),
                 applied, applied == 1 ? "" : "s");
    return st;
}

static void wake_parked(struct ds_ctx *ctx)
{
    park_clock_changed(ctx->park);
}

/* NOTIFY datastored_clock: payload is the new virtual time; "" (after a reconnect) means
 * reload. */
static void on_clock_notify(void *arg, PGconn *conn, const char *payload)
{
    struct ds_ctx *ctx = arg;
    int64_t virtual_us;
    if (payload && *payload)
        virtual_us = strtoll(payload, NULL, 10);
    else if (!store_clock_get_conn(conn, &virtual_us))
        return;
    if (clock_observe_virtual(&ctx->clock, virtual_us)) ctx_clock_changed(ctx);
}

/* NOTIFY datastored_locks: a lock was released; wake the requests waiting for it. */
static void on_lock_notify(void *arg, PGconn *conn, const char *payload)
{
    struct ds_ctx *ctx = arg;
    (void)conn;
    if (payload && *payload) park_wake_key(ctx->park, payload);
}

/* NOTIFY datastored_faults: rules or seed changed (or the listener reconnected): reload. */
static void on_faults_notify(void *arg, PGconn *conn, const char *payload)
{
    struct ds_ctx *ctx = arg;
    (void)payload;
    struct ds_error e;
    if (faults_reload(ctx->faults, conn, &e) != DS_OK)
        log_warn("cannot reload fault rules: %s", e.message);
}

/* NOTIFY datastored_meta: a data store's state or _version chain changed ("" after a
 * reconnect: anything may have). */
static void on_meta_notify(void *arg, PGconn *conn, const char *payload)
{
    (void)conn;
    meta_cache_invalidate(arg, payload);
}

/* NOTIFY datastored_runs: an eager migration run started (or the listener reconnected). */
static void on_runs_notify(void *arg, PGconn *conn, const char *payload)
{
    (void)conn;
    (void)payload;
    migration_runner_wake(arg);
}

/* NOTIFY datastored_keys: an API key was created or deleted (or the listener reconnected). */
static void on_keys_notify(void *arg, PGconn *conn, const char *payload)
{
    struct ds_ctx *ctx = arg;
    (void)payload;
    struct ds_error e;
    if (keyring_reload(ctx->keyring, conn, &e) != DS_OK)
        log_warn("cannot reload API keys: %s", e.message);
}

/* The fault injector's start-up seed: --seed N, or a random one. */
static ds_status start_faults(struct ds_ctx *ctx, struct fault_injector *fi, char *err, size_t cap)
{
    uint64_t seed;
    if (strcmp(ctx->cfg->seed, "random") == 0) {
        if (RAND_bytes((unsigned char *)&seed, sizeof seed) != 1) {
            snprintf(err, cap, "no randomness for the fault seed");
            return DS_ERR;
        }
        seed &= INT64_MAX;
    } else {
        seed = strtoull(ctx->cfg->seed, NULL, 10); /* validated by config_load */
    }
    if (faults_init(fi, &ctx->clock, &ctx->pool, seed) != DS_OK) {
        snprintf(err, cap, "out of memory for the fault injector");
        return DS_ERR;
    }
    ctx->faults = fi;
    struct ds_error e;
    struct pg_conn *db = pg_pool_acquire(&ctx->pool, 5000, &e);
    ds_status st = db ? faults_reload(fi, db->conn, &e) : DS_ERR;
    if (db) pg_pool_release(&ctx->pool, db);
    if (st != DS_OK) {
        snprintf(err, cap, "cannot load fault rules: %s", e.message);
        return DS_ERR;
    }
    log_info("fault injector seed: %llu (%d rule%s active)", (unsigned long long)seed,
             atomic_load(&fi->n_rules), atomic_load(&fi->n_rules) == 1 ? "" : "s");
    return DS_OK;
}

/* Loads the keys kept in PostgreSQL and says how the APIs are guarded. */
static ds_status load_keys(struct ds_ctx *ctx, struct keyring *kr, char *err, size_t cap)
{
    ctx->keyring = kr;
    struct ds_error e;
    struct pg_conn *db = pg_pool_acquire(&ctx->pool, 5000, &e);
    ds_status st = db ? keyring_reload(kr, db->conn, &e) : DS_ERR;
    if (db) pg_pool_release(&ctx->pool, db);
    if (st != DS_OK) {
        snprintf(err, cap, "cannot load API keys: %s", e.message);
        return DS_ERR;
    }
    log_info("data API: %s; admin API: %s",
             keyring_required(kr) ? "keys required" : "open (local mode, loopback only)",
             kr->have_admin_key ? "admin key required"
             : !kr->loopback    ? "disabled (no --admin-key)"
             : atomic_load(&kr->n_total) > 0
                 ? "disabled (data keys exist and there is no --admin-key)"
                 : "open (local mode, loopback only; disabled once a data key exists)");
    return DS_OK;
}

/* Adopts the virtual time stored by earlier runs or other instances, storing ours (or
 * --clock-start) when there is none. */
static ds_status load_clock(struct ds_ctx *ctx, char *err, size_t cap)
{
    if (!ctx->clock.is_virtual) return DS_OK;
    struct ds_error e;
    int64_t start_us = clock_now_us(&ctx->clock), virtual_us = 0;
    bool given = ctx->cfg->clock_start && rfc3339_parse(ctx->cfg->clock_start, &start_us);
    struct pg_conn *db = pg_pool_acquire(&ctx->pool, 5000, &e);
    ds_status st = db ? store_clock_start(db, start_us, &virtual_us, &e) : DS_ERR;
    if (st == DS_OK && given && virtual_us < start_us)
        st = store_clock_raise(db, start_us, &virtual_us, &e);
    if (db) pg_pool_release(&ctx->pool, db);
    if (st != DS_OK) {
        snprintf(err, cap, "cannot read the virtual clock: %s", e.message);
        return DS_ERR;
    }
    if (given && virtual_us > start_us)
        log_warn("--clock-start %s is earlier than the shared virtual clock; it never goes "
                 "back, so it stays at the later time",
                 ctx->cfg->clock_start);
    clock_start_virtual(&ctx->clock, virtual_us);
    char text[40];
    rfc3339_format(virtual_us, false, text, sizeof text);
    log_info("virtual clock: %s, standing still until POST /admin/v1/clock:advance or :set", text);
    return DS_OK;
}

/* Room for --max-connections sockets plus the database's: raises the soft limit on open
 * files (often 1,024) towards the hard one. */
static void raise_file_limit(long connections)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    rlim_t want = (rlim_t)connections + 512;
    if (rl.rlim_cur >= want) return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
        log_warn("open-file limit is %llu: fewer than --max-connections %ld connections can be "
                 "served",
                 (unsigned long long)rl.rlim_cur, connections);
}

/* Waits for in-flight requests to finish, up to timeout_s. */
static void drain(struct ds_ctx *ctx, long timeout_s)
{
    struct timespec step = {0, 20 * 1000 * 1000};
    for (long waited_ms = 0; atomic_load(&ctx->inflight) > 0 && waited_ms < timeout_s * 1000;
         waited_ms += 20)
        nanosleep(&step, NULL);
    int left = atomic_load(&ctx->inflight);
    if (left > 0) log_warn("drain timeout: %d request(s) still in flight are cut off", left);
}

/* Checks the keys before anything starts: a bad file is a bad flag value (exit 2), and so
 * is serving beyond loopback with no key at all, or to every origin with keys. */
static ds_status check_keys(const struct ds_config *cfg, struct keyring *keyring, char *err,
                            size_t cap)
{
    bool loopback = http_listen_is_loopback(cfg->listen);
    if (keyring_init(keyring, cfg->api_key, cfg->api_keys_file, cfg->admin_key, loopback, err,
                     cap) != DS_OK)
        return DS_ERR;
    if (!loopback && !keyring->flag_keys) {
        snprintf(err, cap,
                 "refusing to serve %s without keys: the data and admin APIs would be open to the "
                 "network. Pass --api-key, --api-keys or --admin-key, or listen on 127.0.0.1.",
                 cfg->listen);
        return DS_ERR;
    }
    /* Any page on the web could call a keyed server that answered every origin. */
    if (config_cors_lists(cfg, "*") && (!loopback || keyring->flag_keys)) {
        snprintf(err, cap,
                 "--cors-origin '*' is only allowed in open local mode (no keys, loopback); "
                 "name the origins instead, e.g. --cors-origin http://localhost:5173");
        return DS_ERR;
    }
    return DS_OK;
}

/* Everything the running process owns; main starts it in order and stops it in reverse. */
struct process {
    struct ds_config *cfg;
    struct keyring keyring;
    struct pg_embedded embedded;
    struct pg_supervisor supervisor;
    struct ds_ctx ctx;
    bool pool_up;
    struct http_server http;
    struct maintenance maint;
    struct park_lot park;
    struct migration_runner runner;
    struct pg_listener listener;
    struct fault_injector faults;
    struct metrics metrics;
    struct budgets budgets;
    struct throughput throughput;
    struct meta_cache meta;
    unsigned threads;
    size_t conns;
};

static ds_status load_data_migrations(struct ds_ctx *ctx, const char *dir, char *err, size_t cap)
{
    struct ds_error e;
    struct pg_conn *db = pg_pool_acquire(&ctx->pool, 5000, &e);
    if (!db) {
        snprintf(err, cap, "%s", e.message);
        return DS_ERR;
    }
    ds_status st = migration_files_load(db, dir, clock_now_us(&ctx->clock), err, cap);
    pg_pool_release(&ctx->pool, db);
    return st;
}

/* The server context's in-memory parts: metrics, boot id, budgets, throughput, clock. */
static void context_init(struct process *p)
{
    struct ds_ctx *ctx = &p->ctx;
    const struct ds_config *cfg = p->cfg;
    metrics_init(&p->metrics);
    ctx->metrics = &p->metrics;
    unsigned char boot[4];
    if (RAND_bytes(boot, sizeof boot) != 1) memset(boot, 0, sizeof boot);
    snprintf(ctx->boot_id, sizeof ctx->boot_id, "%02x%02x%02x%02x", boot[0], boot[1], boot[2],
             boot[3]);
    budgets_init(&p->budgets, cfg->profile == PROFILE_CURRENT, &ctx->clock);
    ctx->budgets = &p->budgets;
    throughput_init(&p->throughput);
    if (cfg->profile == PROFILE_CURRENT) ctx->throughput = &p->throughput;
    meta_cache_init(&p->meta);
    ctx->meta = &p->meta;
    ctx->cfg = cfg;
    ctx->write_cooldown = config_write_cooldown(cfg);
    clock_init(&ctx->clock, cfg->clock == CLOCK_MODE_VIRTUAL);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    p->threads = cfg->threads ? (unsigned)cfg->threads : (unsigned)(ncpu > 0 ? ncpu * 4 : 4);
    p->conns = cfg->db_connections ? (size_t)cfg->db_connections : p->threads + 1;
}

/* The database (the embedded cluster and its supervisor unless --database-url), the schema
 * and the pool, then the state every instance shares through it. */
static ds_status start_database(struct process *p, const char **conninfo, char *err, size_t cap)
{
    struct ds_ctx *ctx = &p->ctx;
    *conninfo = p->cfg->database_url;
    if (!*conninfo) {
        if (pg_embedded_start(&p->embedded, p->cfg->data_dir, err, cap) != DS_OK) return DS_ERR;
        *conninfo = p->embedded.conninfo;
        log_info("embedded PostgreSQL running in %s%s", p->embedded.pgdata,
                 p->embedded.initialized_now ? " (new cluster)" : "");
        if (pg_supervisor_start(&p->supervisor, &p->embedded, err, cap) != DS_OK) return DS_ERR;
        ctx->supervisor = &p->supervisor;
    }
    if (migrate(*conninfo, err, cap) != DS_OK) return DS_ERR;
    if (pg_pool_init(&ctx->pool, *conninfo, p->conns, store_statement_sets,
                     store_statement_set_count, err, cap) != DS_OK)
        return DS_ERR;
    p->pool_up = true;
    if (load_cursor_key(ctx, err, cap) != DS_OK || load_clock(ctx, err, cap) != DS_OK ||
        start_faults(ctx, &p->faults, err, cap) != DS_OK ||
        load_keys(ctx, &p->keyring, err, cap) != DS_OK)
        return DS_ERR;
    if (p->cfg->data_migrations &&
        load_data_migrations(ctx, p->cfg->data_migrations, err, cap) != DS_OK)
        return DS_ERR;
    return DS_OK;
}

/* Everything up to a listening server and its background threads. */
static ds_status process_start(struct process *p, char *err, size_t cap)
{
    struct ds_ctx *ctx = &p->ctx;
    const char *conninfo;
    context_init(p);
    if (start_database(p, &conninfo, err, cap) != DS_OK) return DS_ERR;
    if (park_start(&p->park, ctx, err, cap) != DS_OK) return DS_ERR;
    ctx->park = &p->park;
    ctx->on_clock_change = wake_parked;
    ctx->dispatch = (struct ds_dispatch){pipeline_run, pipeline_resume, fault_replace_success};
    if (ctx->clock.is_virtual) listener_on(&p->listener, "datastored_clock", on_clock_notify, ctx);
    listener_on(&p->listener, "datastored_locks", on_lock_notify, ctx);
    listener_on(&p->listener, "datastored_faults", on_faults_notify, ctx);
    listener_on(&p->listener, "datastored_keys", on_keys_notify, ctx);
    listener_on(&p->listener, RUNS_CHANNEL, on_runs_notify, &p->runner);
    listener_on(&p->listener, META_CHANNEL, on_meta_notify, &p->meta);
    /* The runner before the listener that wakes it (and stopped after it). */
    if (migration_runner_start(&p->runner, ctx, err, cap) != DS_OK ||
        listener_start(&p->listener, conninfo, err, cap) != DS_OK)
        return DS_ERR;
    raise_file_limit(p->cfg->max_connections);
    if (http_server_start(&p->http, ctx, p->cfg->listen, p->threads, err, cap) != DS_OK ||
        maintenance_start(&p->maint, ctx, err, cap) != DS_OK)
        return DS_ERR;
    const char *colon = strrchr(p->cfg->listen, ':');
    log_info("datastored %s listening on %.*s:%u (database: %s, data dir: %s, %u threads, "
             "%zu db connections)",
             DATASTORED_VERSION, (int)(colon - p->cfg->listen), p->cfg->listen,
             (unsigned)p->http.port, p->cfg->database_url ? "external" : "embedded",
             p->cfg->database_url ? "-" : p->embedded.data_dir, p->threads, p->conns);
    return DS_OK;
}

/* Stops whatever process_start started, in reverse order (each stop is a no-op for a part
 * that never started). */
static void process_stop(struct process *p)
{
    maintenance_stop(&p->maint);
    listener_stop(&p->listener);
    migration_runner_stop(&p->runner);
    park_stop(&p->park);
    http_server_stop(&p->http);
    faults_destroy(&p->faults);
    keyring_destroy(&p->keyring);
    if (p->pool_up) pg_pool_destroy(&p->ctx.pool);
    pg_supervisor_stop(&p->supervisor); /* it reaps the postmaster while it runs */
    if (p->embedded.postmaster) {
        pg_embedded_stop(&p->embedded);
        log_info("embedded PostgreSQL stopped");
    }
    budgets_destroy(&p->budgets);
    throughput_destroy(&p->throughput);
    meta_cache_destroy(&p->meta);
}

/* Waits for SIGTERM or SIGINT, then drains in-flight requests. */
static void serve_until_stopped(struct process *p, sigset_t *stop_signals)
{
    int sig = 0;
    sigwait(stop_signals, &sig);
    log_info("received %s: draining in-flight requests (up to %ld s)",
             sig == SIGTERM ? "SIGTERM" : "SIGINT", p->cfg->drain_timeout);
    atomic_store(&p->ctx.draining, true);
    http_server_quiesce(&p->http);
    park_stop(&p->park); /* queued requests are answered 503 rather than held */
    drain(&p->ctx, p->cfg->drain_timeout);
}

int main(int argc, char **argv)
{
    struct ds_config cfg;
    enum config_action action;
    char err[2048];
    if (config_load(&cfg, argc, argv, &action, err, sizeof err) != DS_OK) {
        fprintf(stderr, "datastored: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    if (action != CONFIG_RUN) {
        if (action == CONFIG_HELP) config_print_help(argv[0]);
        if (action == CONFIG_VERSION) printf("datastored %s\n", DATASTORED_VERSION);
        if (action == CONFIG_ROUTES) print_routes();
        config_free(&cfg);
        return 0;
    }
    log_configure((enum log_level)cfg.log_level, cfg.log_format == LOG_FORMAT_JSON);
    /* ~30 KB of metrics counters and the rest: on the heap, zeroed (every part's "not
     * started" state). */
    struct process *p = calloc(1, sizeof *p);
    if (!p) {
        fprintf(stderr, "datastored: out of memory\n");
        config_free(&cfg);
        return 1;
    }
    p->cfg = &cfg;
    listener_init(&p->listener);
    if (check_keys(&cfg, &p->keyring, err, sizeof err) != DS_OK) {
        fprintf(stderr, "datastored: %s\n", err);
        keyring_destroy(&p->keyring);
        free(p);
        config_free(&cfg);
        return 2;
    }
    /* Signals are taken synchronously by the main thread (sigwait); every thread created
     * from here on inherits the blocked mask. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    int exit_code = 1;
    if (process_start(p, err, sizeof err) == DS_OK) {
        serve_until_stopped(p, &stop_signals);
        exit_code = 0;
    } else {
        log_error("%s", err);
    }
    process_stop(p);
    free(p);
    config_free(&cfg);
    if (exit_code == 0) log_info("bye");
    return exit_code;
}
