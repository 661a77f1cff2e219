/* api/listing.h — the one listing engine behind every paged listing (data stores, keys,
 * versions and revisions, v1 and v2, and sorted ordered entries): page size, a cursor bound
 * to the listing's parameters and universe, the data store check, one fetch of page + 1
 * rows, and the reply with the next cursor. The per-listing differences are the spec. */
#ifndef DS_API_LISTING_H
#define DS_API_LISTING_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/cursor.h"
#include "core/error.h"
#include "http/request.h"

struct entry_ref;

/* A page being built by a fetch: its rows go through list_page_wants / list_page_add. */
struct list_page {
    struct ds_request *req;
    void *arg; /* the spec's arg */
    struct json_object *items;
    int limit, seen;
    char last_a[256], last_b[256]; /* where the page ends (cursor_pos.a, .b, .n) */
    bool has_a, has_b;
    int64_t last_n;
};

/* Reads at most rows rows after position *after (zeroed on the first page) into page. */
typedef ds_status (*list_fetch_fn)(struct list_page *page, const struct cursor_pos *after, int rows,
                                   struct ds_error *err);

struct list_spec {
    const char *kind;       /* the cursor's kind, e.g. "v1-entries" */
    const char *size_param; /* "limit" or "maxPageSize": above size_max is capped */
    int size_default;       /* absent or 0 */
    int size_max;
    const char *cursor_param;      /* "cursor" or "pageToken" */
    const char *items_member;      /* the reply's list, e.g. "keys" */
    const char *token_member;      /* the reply's next cursor, e.g. "nextPageCursor" */
    const char *const *bound_to;   /* NULL-terminated parameters a cursor is only valid with */
    const struct entry_ref *store; /* non-NULL: its data store must be active (else 404) */
    list_fetch_fn fetch;
    void *arg;
};

/* Runs the listing and replies (200 with the page, or the error). */
void list_page_run(struct ds_request *req, const struct list_spec *spec);

/* Counts a fetched row: true when it belongs on the page, false for the extra row that only
 * says a next page exists (the fetch then skips it). */
bool list_page_wants(struct list_page *page);
/* Appends the item of a wanted row at position (a, b, n) (a, b may be NULL); false when item
 * is NULL or cannot be added (out of memory: the listing answers 500). Takes item. */
bool list_page_add(struct list_page *page, struct json_object *item, const char *a, const char *b,
                   int64_t n);

/* Integer query argument name within [1, max]: absent → def; 0 → def when zero_is_default;
 * above max → max when coerce, else 400. */
bool page_size_or_reply(struct ds_request *req, const char *name, int def, int max, bool coerce,
                        bool zero_is_default, int *out);

#endif
