/* service/keyring.h — the API keys one instance accepts: --api-key and --api-keys FILE
 * (fixed at start) plus the keys of the api_keys table (cached; reloaded when NOTIFY
 * datastored_keys announces a change, and by the instance that made it before it answers),
 * and the admin key. Only SHA-256 hashes are kept; a presented key is hashed and compared
 * with every known hash in constant time.
 *
 * Whether the data API needs a key: always when listening beyond loopback (start-up refuses
 * that without --api-key/--api-keys/--admin-key), and on loopback once any key exists
 * (flag, file or table). With none, local mode is open.
 *
 * Thread safety: every function may be called from any thread. */
#ifndef DS_SERVICE_KEYRING_H
#define DS_SERVICE_KEYRING_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/auth.h"
#include "core/error.h"

/* One accepted key: immutable once built, shared by reference. */
struct api_key {
    _Atomic int refs;
    int64_t id; /* api_keys.id; 0 for --api-key / --api-keys keys */
    unsigned char hash[32];
    char prefix[12];
    int64_t created_us;
    struct auth_scope scope;
};

struct keyring {
    pthread_mutex_t mu;
    struct api_key **fixed; /* from flags and file; set at start */
    int n_fixed;
    struct api_key **stored; /* from the table; replaced on reload (guarded by mu) */
    int n_stored;
    _Atomic int n_total;
    bool have_admin_key;
    unsigned char admin_hash[32];
    bool loopback;  /* listening on loopback only */
    bool flag_keys; /* --api-key, --api-keys or --admin-key given */
};

/* api_key (may be NULL), api_keys_file (may be NULL), admin_key (may be NULL). A bad file
 * fails with a message naming the entry. */
ds_status keyring_init(struct keyring *kr, const char *api_key, const char *api_keys_file,
                       const char *admin_key, bool loopback, char *err, size_t cap) DS_MUSTCHECK;
void keyring_destroy(struct keyring *kr);

/* Re-reads the api_keys table (conn: any connection). */
ds_status keyring_reload(struct keyring *kr, PGconn *conn, struct ds_error *err) DS_MUSTCHECK;

/* Whether data API requests must carry a key. */
bool keyring_required(struct keyring *kr);
/* The key matching presented, with a reference the caller releases; NULL if none. */
struct api_key *keyring_lookup(struct keyring *kr, const char *presented);
void keyring_release(struct api_key *key);

enum admin_access { ADMIN_OPEN, ADMIN_GRANTED, ADMIN_DENIED, ADMIN_DISABLED };
/* The admin API: with --admin-key, granted only to that key; without it, open on loopback
 * while no data key exists (flag, file or admin-made), disabled otherwise. */
enum admin_access keyring_admin(struct keyring *kr, const char *presented);

/* Hex SHA-256 of a key (65 bytes with NUL) and the prefix shown in listings. */
void keyring_hash_hex(const char *key, char out[65]);
void keyring_prefix(const char *key, char out[12]);

#endif
