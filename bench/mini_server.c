/* bench/mini_server.c — the honest ceiling for "HTTP + one query": libmicrohttpd answering
 * the v1 Get Entry path with one prepared single-row SELECT over libpq and nothing else (no
 * routing table, validation, metadata headers, budgets or faults). bench/run drives it with
 * the same wrk script as datastored's GET, so the ratio between the two is what datastored's
 * own work costs. Usage: mini_server CONNINFO PORT THREADS (runs until SIGTERM/SIGINT). */
#include <microhttpd.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GET_SQL                                                                                    \
    "SELECT value FROM entries WHERE universe_id = $1 AND datastore = $2 AND scope = 'global'"     \
    " AND key = $3 AND NOT deleted"

/* Connections, one per worker thread and a spare, handed out under a mutex. */
struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    PGconn **free_conns;
    int n_free;
};

static PGconn *pool_take(struct pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->n_free == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    PGconn *c = p->free_conns[--p->n_free];
    pthread_mutex_unlock(&p->mu);
    return c;
}

static void pool_give(struct pool *p, PGconn *c)
{
    pthread_mutex_lock(&p->mu);
    p->free_conns[p->n_free++] = c;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *body,
                             size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_len, void **state)
{
    (void)method;
    (void)version;
    (void)upload;
    (void)upload_len;
    if (!*state) { /* the head: answer once it is complete */
        *state = conn;
        return MHD_YES;
    }
    char universe[24];
    const char *ds = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "datastoreName");
    const char *key = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "entryKey");
    if (!ds || !key || sscanf(url, "/datastores/v1/universes/%23[0-9]/", universe) != 1)
        return reply(conn, 400, "{}", 2);
    const char *params[3] = {universe, ds, key};
    struct pool *p = cls;
    PGconn *c = pool_take(p);
    PGresult *res = PQexecPrepared(c, "get", 3, params, NULL, NULL, 0);
    enum MHD_Result ok;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        ok = reply(conn, 500, "{}", 2);
    else if (PQntuples(res) != 1)
        ok = reply(conn, 404, "{}", 2);
    else
        ok = reply(conn, 200, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
    pool_give(p, c);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mini_server CONNINFO PORT THREADS\n");
        return 2;
    }
    int threads = atoi(argv[3]), port = atoi(argv[2]);
    if (threads < 1 || port < 1 || port > 65535) {
        fprintf(stderr, "mini_server: bad PORT or THREADS\n");
        return 2;
    }
    struct pool p = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0};
    p.free_conns = calloc((size_t)threads + 1, sizeof *p.free_conns);
    if (!p.free_conns) return 1;
    for (int i = 0; i <= threads; i++) {
        PGconn *c = PQconnectdb(argv[1]);
        PGresult *r = PQstatus(c) == CONNECTION_OK ? PQprepare(c, "get", GET_SQL, 3, NULL) : NULL;
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "mini_server: %s", PQerrorMessage(c));
            return 1;
        }
        PQclear(r);
        p.free_conns[p.n_free++] = c;
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)port, NULL,
                         NULL, on_request, &p, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mini_server: cannot listen on port %d\n", port);
        return 1;
    }
    printf("mini_server listening on 127.0.0.1:%d\n", port);
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    for (int i = 0; i < p.n_free; i++)
        PQfinish(p.free_conns[i]);
    free(p.free_conns);
    return 0;
}
