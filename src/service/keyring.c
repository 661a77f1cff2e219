/* service/keyring.c — see keyring.h. */
#include "service/keyring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "log.h"
#include "store/api_keys.h"

void keyring_release(struct api_key *key)
{
    if (key && atomic_fetch_sub(&key->refs, 1) == 1) free(key);
}

static void release_all(struct api_key **keys, int n)
{
    for (int i = 0; i < n; i++)
        keyring_release(keys[i]);
    free(keys);
}

void keyring_hash_hex(const char *key, char out[65])
{
    unsigned char h[32];
    sha256(key, strlen(key), h);
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", h[i]);
}

void keyring_prefix(const char *key, char out[12])
{
    snprintf(out, 12, "%.6s…", key);
}

static struct api_key *new_key(const char *plain, const struct auth_scope *scope)
{
    struct api_key *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    atomic_store(&k->refs, 1);
    sha256(plain, strlen(plain), k->hash);
    keyring_prefix(plain, k->prefix);
    k->scope = *scope;
    return k;
}

static ds_status add_fixed(struct keyring *kr, struct api_key *k, char *err, size_t cap)
{
    struct api_key **grown =
        k ? realloc(kr->fixed, (size_t)(kr->n_fixed + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(k);
        snprintf(err, cap, "out of memory");
        return DS_ERR;
    }
    kr->fixed = grown;
    kr->fixed[kr->n_fixed++] = k;
    return DS_OK;
}

/* Reads FILE: a JSON array of {"key", "universes", "datastores"?, "permissions"}. */
static ds_status load_file(struct keyring *kr, const char *path, char *err, size_t cap)
{
    struct json_object *doc = json_object_from_file(path);
    if (!json_object_is_type(doc, json_type_array)) {
        snprintf(err, cap, "--api-keys %s: not readable as a JSON array of keys", path);
        json_object_put(doc);
        return DS_ERR;
    }
    static const char *const also[] = {"key", NULL};
    for (size_t i = 0; i < json_object_array_length(doc); i++) {
        struct json_object *e = json_object_array_get_idx(doc, i), *key = NULL;
        struct auth_scope scope;
        struct ds_error e2;
        if (!json_object_object_get_ex(e, "key", &key) ||
            !json_object_is_type(key, json_type_string) || json_object_get_string_len(key) < 16) {
            snprintf(err, cap, "--api-keys %s: entry %zu needs \"key\", at least 16 characters",
                     path, i);
            json_object_put(doc);
            return DS_ERR;
        }
        if (auth_scope_parse(e, also, &scope, &e2) != DS_OK) {
            snprintf(err, cap, "--api-keys %s: entry %zu: %s", path, i, e2.message);
            json_object_put(doc);
            return DS_ERR;
        }
        if (add_fixed(kr, new_key(json_object_get_string(key), &scope), err, cap) != DS_OK) {
            json_object_put(doc);
            return DS_ERR;
        }
    }
    json_object_put(doc);
    return DS_OK;
}

ds_status keyring_init(struct keyring *kr, const char *api_key, const char *api_keys_file,
                       const char *admin_key, bool loopback, char *err, size_t cap)
{
    memset(kr, 0, sizeof *kr);
    pthread_mutex_init(&kr->mu, NULL);
    kr->loopback = loopback;
    kr->flag_keys = api_key || api_keys_file || admin_key;
    if (api_key) {
        if (strlen(api_key) < 16) {
            snprintf(err, cap, "--api-key must be at least 16 characters");
            return DS_ERR;
        }
        struct auth_scope all;
        auth_scope_all(&all);
        if (add_fixed(kr, new_key(api_key, &all), err, cap) != DS_OK) return DS_ERR;
    }
    if (api_keys_file && load_file(kr, api_keys_file, err, cap) != DS_OK) return DS_ERR;
    if (admin_key) {
        if (strlen(admin_key) < 16) {
            snprintf(err, cap, "--admin-key must be at least 16 characters");
            return DS_ERR;
        }
        kr->have_admin_key = true;
        sha256(admin_key, strlen(admin_key), kr->admin_hash);
    }
    atomic_store(&kr->n_total, kr->n_fixed);
    return DS_OK;
}

void keyring_destroy(struct keyring *kr)
{
    release_all(kr->fixed, kr->n_fixed);
    release_all(kr->stored, kr->n_stored);
    kr->fixed = kr->stored = NULL;
    kr->n_fixed = kr->n_stored = 0;
    pthread_mutex_destroy(&kr->mu);
}

static bool hex_to_bytes(const char *hex, unsigned char out[32])
{
    if (strlen(hex) != 64) return false;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return false;
        out[i] = (unsigned char)v;
    }
    return true;
}

/* Stored keys being loaded. */
struct loaded_keys {
    struct api_key **keys;
    int n, cap;
};

static bool load_key(const struct api_key_row *row, void *arg)
{
    struct loaded_keys *l = arg;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        struct api_key **keys = realloc(l->keys, (size_t)cap * sizeof *keys);
        if (!keys) return false;
        l->keys = keys;
        l->cap = cap;
    }
    struct json_object *doc = json_tokener_parse(row->scope);
    struct api_key *k = calloc(1, sizeof *k);
    struct ds_error e;
    bool ok = k && hex_to_bytes(row->hash_hex, k->hash) &&
              auth_scope_parse(doc, NULL, &k->scope, &e) == DS_OK;
    json_object_put(doc);
    if (!ok) {
        log_warn("API key %lld is not understood by this version; ignored", (long long)row->id);
        free(k);
        return true;
    }
    atomic_store(&k->refs, 1);
    k->id = row->id;
    k->created_us = row->created_us;
    snprintf(k->prefix, sizeof k->prefix, "%s", row->prefix);
    l->keys[l->n++] = k;
    return true;
}

ds_status keyring_reload(struct keyring *kr, PGconn *conn, struct ds_error *err)
{
    struct loaded_keys l = {0};
    if (store_api_keys_each(conn, load_key, &l, err) != DS_OK) {
        release_all(l.keys, l.n);
        return DS_ERR;
    }
    struct api_key **keys = l.keys;
    int kept = l.n;
    pthread_mutex_lock(&kr->mu);
    struct api_key **old = kr->stored;
    int n_old = kr->n_stored;
    kr->stored = keys;
    kr->n_stored = kept;
    atomic_store(&kr->n_total, kr->n_fixed + kept);
    pthread_mutex_unlock(&kr->mu);
    release_all(old, n_old);
    return DS_OK;
}

bool keyring_required(struct keyring *kr)
{
    return !kr->loopback || kr->flag_keys || atomic_load(&kr->n_total) > 0;
}

/* Compares with every candidate (no early exit), each comparison in constant time. */
static struct api_key *find(struct api_key **keys, int n, const unsigned char hash[32],
                            struct api_key *found)
{
    for (int i = 0; i < n; i++)
        if (digest_equal(keys[i]->hash, hash, 32) && !found) found = keys[i];
    return found;
}

struct api_key *keyring_lookup(struct keyring *kr, const char *presented)
{
    if (!presented) return NULL;
    unsigned char hash[32];
    sha256(presented, strlen(presented), hash);
    pthread_mutex_lock(&kr->mu);
    struct api_key *k = find(kr->fixed, kr->n_fixed, hash, NULL);
    k = find(kr->stored, kr->n_stored, hash, k);
    if (k) atomic_fetch_add(&k->refs, 1);
    pthread_mutex_unlock(&kr->mu);
    return k;
}

enum admin_access keyring_admin(struct keyring *kr, const char *presented)
{
    /* Without an admin key, admin is open only while nothing else is protected: once any
     * data key exists, an open admin API would let any holder of a universe-42 key (or any
     * local process) export universe 43 and mint keys for it. */
    if (!kr->have_admin_key)
        return kr->loopback && atomic_load(&kr->n_total) == 0 ? ADMIN_OPEN : ADMIN_DISABLED;
    if (!presented) return ADMIN_DENIED;
    unsigned char hash[32];
    sha256(presented, strlen(presented), hash);
    return digest_equal(hash, kr->admin_hash, 32) ? ADMIN_GRANTED : ADMIN_DENIED;
}
