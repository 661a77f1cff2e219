/* examples/client_example.c — libdatastore in a game server's save path: a session lock on
 * the player's key, an UpdateAsync that adds coins (safe against other writers), an
 * increment, a leaderboard page, and errors with their status and Roblox code.
 * Build: part of the CMake build (build/client_example). Run against a server:
 *   build/client_example [http://127.0.0.1:8080] [universe] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/datastore_client.h"

/* Transform: {"coins":N,...} -> {"coins":N+add,...}; a missing player starts at 0. */
static dsc_transform_action add_coins(const char *current, const struct dsc_key_info *info,
                                      struct dsc_transform_output *out, void *user)
{
    (void)info;
    long add = *(const long *)user;
    long coins = 0;
    const char *at = current ? strstr(current, "\"coins\":") : NULL;
    if (at) coins = strtol(at + 8, NULL, 10);
    char buf[64];
    snprintf(buf, sizeof buf, "{\"coins\":%ld}", coins + add);
    out->value = strdup(buf);
    return out->value ? DSC_TRANSFORM_WRITE : DSC_TRANSFORM_CANCEL;
}

/* Prints the typed error of the call that failed, frees the client and returns exit 1. */
static int report(dsc_client *c, dsc_result rc, const char *what)
{
    const struct dsc_error *e = dsc_last_error(c);
    fprintf(stderr, "%s: %s (HTTP %ld %s %s) %s after %d attempt(s)\n", what, dsc_result_name(rc),
            e->http_status, e->code, e->detail, e->message, e->attempts);
    dsc_client_free(c);
    return 1;
}

int main(int argc, char **argv)
{
    struct dsc_options options = {.base_url = argc > 1 ? argv[1] : "http://127.0.0.1:8080",
                                  .api_key = getenv("DATASTORED_API_KEY")};
    struct dsc_store players = {.universe = argc > 2 ? atoll(argv[2]) : 42, .datastore = "Players"};
    struct dsc_store top = {.universe = players.universe, .datastore = "TopCoins"};
    if (dsc_global_init() != DSC_OK) return 1;
    dsc_client *c = dsc_client_new(&options);
    if (!c) return 1;

    /* 1. Own the player's data while the session lasts. */
    struct dsc_lock lock;
    dsc_result rc = dsc_lock(c, &players, "user_269323", "server-1", 60, DSC_LOCK_WAIT, 5, &lock);
    if (rc != DSC_OK) return report(c, rc, "lock");
    printf("locked user_269323, token %lld\n", (long long)lock.token);

    /* 2. Add 25 coins, re-running the transform if anyone else wrote first. */
    long add = 25;
    char *value = NULL;
    struct dsc_key_info info;
    rc = dsc_update(c, &players, "user_269323", add_coins, &add, 0, lock.token, &value, &info);
    if (rc != DSC_OK) return report(c, rc, "update");
    printf("saved %s as version %s\n", value, info.version);
    free(value);
    dsc_key_info_clear(&info);

    /* 3. Release, saving the final state in the same transaction. */
    rc = dsc_unlock(c, &players, "user_269323", lock.token, "{\"coins\":100,\"level\":3}", NULL);
    if (rc != DSC_OK) return report(c, rc, "unlock");

    /* 4. A leaderboard: increment and read the first page. */
    int64_t score;
    rc = dsc_ordered_increment(c, &top, "user_269323", 100, &score);
    if (rc != DSC_OK) return report(c, rc, "ordered increment");
    struct dsc_sorted_page page;
    struct dsc_sorted_query q = {.descending = true, .page_size = 10};
    rc = dsc_sorted(c, &top, &q, &page);
    if (rc != DSC_OK) return report(c, rc, "sorted");
    for (size_t i = 0; i < page.count; i++)
        printf("#%zu %s %lld\n", i + 1, page.entries[i].key, (long long)page.entries[i].value);
    dsc_sorted_page_clear(&page);

    /* 5. Errors are typed: a stale matchVersion is a 412 Precondition Failed, never retried. */
    struct dsc_write_options stale = {.match_version =
                                          "08D0000000000000.0000000001.08D0000000000000.01"};
    rc = dsc_set(c, &players, "user_269323", "{}", &stale, NULL);
    if (rc == DSC_ERR_HTTP)
        printf("stale write refused: HTTP %ld\n", dsc_last_error(c)->http_status);
    dsc_client_free(c);
    return rc == DSC_ERR_HTTP ? 0 : 1;
}
