/* core/entry_ref.h — the address of a key: universe, data store, scope and key. */
#ifndef DS_CORE_ENTRY_REF_H
#define DS_CORE_ENTRY_REF_H

#include <stdint.h>

/* Identifies one key (key NULL: a data store's scope; scope NULL: every scope). Strings
 * borrowed. */
struct entry_ref {
    int64_t universe;
    const char *datastore;
    const char *scope;
    const char *key;
};

#endif
