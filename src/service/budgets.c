/* service/budgets.c — see budgets.h. A node is one (universe, server id) pair holding a
 * bucket per request type and, for the universe node, the player count. Nodes live in the
 * stripe their key hashes to and are never freed before shutdown (bounded by the number of
 * universes and servers seen). */
#include "service/budgets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"

#define SERVER_ID_MAX 64

struct budget_node {
    int64_t universe;
    char server_id[SERVER_ID_MAX + 1]; /* "" for the universe-wide node */
    int64_t players;                   /* universe node only */
    struct budget_bucket buckets[BUDGET_TYPES];
    struct budget_node *next;
};

void budgets_init(struct budgets *b, bool current_profile, const struct ds_clock *clock)
{
    memset(b, 0, sizeof *b);
    b->current_profile = current_profile;
    b->clock = clock;
    for (int i = 0; i < BUDGET_STRIPES; i++)
        pthread_mutex_init(&b->stripes[i].mu, NULL);
}

void budgets_destroy(struct budgets *b)
{
    for (int i = 0; i < BUDGET_STRIPES; i++) {
        for (struct budget_node *n = b->stripes[i].head, *next; n; n = next) {
            next = n->next;
            free(n);
        }
        pthread_mutex_destroy(&b->stripes[i].mu);
    }
}

static unsigned stripe_of(int64_t universe)
{
    return fnv1a32(0, (const char *)&universe, sizeof universe) % BUDGET_STRIPES;
}

/* Finds or creates the node (stripe lock held). NULL only when out of memory. */
static struct budget_node *node(struct budgets *b, unsigned s, int64_t universe, const char *sid)
{
    for (struct budget_node *n = b->stripes[s].head; n; n = n->next)
        if (n->universe == universe && !strcmp(n->server_id, sid)) return n;
    struct budget_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->universe = universe;
    snprintf(n->server_id, sizeof n->server_id, "%s", sid);
    n->next = b->stripes[s].head;
    b->stripes[s].head = n;
    return n;
}

void budgets_check(struct budgets *b, int64_t universe, const char *server_id,
                   const enum budget_type *types, int n_types, struct budget_verdict *out)
{
    unsigned s = stripe_of(universe);
    int64_t now = clock_now_us(b->clock);
    memset(out, 0, sizeof *out);
    out->allowed = true;
    out->type = types[0];
    pthread_mutex_lock(&b->stripes[s].mu);
    struct budget_node *uni = node(b, s, universe, "");
    struct budget_node *srv = server_id && *server_id && strlen(server_id) <= SERVER_ID_MAX
                                  ? node(b, s, universe, server_id)
                                  : NULL;
    if (!uni) goto done; /* out of memory: do not refuse service over bookkeeping */
    int64_t players = uni->players;
    struct budget_node *levels[2] = {uni, srv};
    /* All or nothing: first see that every bucket has a token, then take them. */
    for (int l = 0; l < 2 && out->allowed; l++) {
        if (!levels[l]) continue;
        for (int i = 0; i < n_types; i++) {
            double rate = budget_rate(b->current_profile, types[i], players);
            struct budget_bucket *bk = &levels[l]->buckets[types[i]];
            if (budget_available(bk, rate, now) < 1.0) {
                out->allowed = false;
                out->type = types[i];
                out->per_server = l == 1;
                out->retry_after_us = budget_wait_us(bk, rate);
                break;
            }
        }
    }
    for (int l = 0; l < 2 && out->allowed; l++)
        for (int i = 0; levels[l] && i < n_types; i++)
            budget_take(&levels[l]->buckets[types[i]],
                        budget_rate(b->current_profile, types[i], players), now);
    struct budget_bucket *first = &uni->buckets[out->type];
    out->limit_per_min = budget_rate(b->current_profile, out->type, players);
    out->remaining = first->tokens;
    out->reset_us = (int64_t)((out->limit_per_min - first->tokens) * 60e6 / out->limit_per_min);
done:
    pthread_mutex_unlock(&b->stripes[s].mu);
}

void budgets_set_players(struct budgets *b, int64_t universe, int64_t players)
{
    unsigned s = stripe_of(universe);
    pthread_mutex_lock(&b->stripes[s].mu);
    struct budget_node *uni = node(b, s, universe, "");
    if (uni) uni->players = players;
    pthread_mutex_unlock(&b->stripes[s].mu);
}

void budgets_remaining(struct budgets *b, int64_t universe, double *remaining)
{
    unsigned s = stripe_of(universe);
    int64_t now = clock_now_us(b->clock);
    pthread_mutex_lock(&b->stripes[s].mu);
    struct budget_node *uni = node(b, s, universe, "");
    for (int t = 0; t < BUDGET_TYPES; t++)
        remaining[t] =
            uni ? budget_available(
                      &uni->buckets[t],
                      budget_rate(b->current_profile, (enum budget_type)t, uni->players), now)
                : 0;
    pthread_mutex_unlock(&b->stripes[s].mu);
}
