/* core/json_doc.h — lossless JSON documents over json-c. Every value parsed here remembers
 * its source text and is written back byte-for-byte until something changes it, so a patch
 * or a migration rewrites only what it touches: numbers keep their digits (json-c would clamp
 * 123456789012345678901234567890 to UINT64_MAX), strings their escapes (json-c would turn a
 * lone "\ud800" into U+FFFD), containers their layout.
 *
 * Rules: a container that is changed must be json_doc_touch()ed first (with every container
 * above it), after which json-c writes it with its own layout (members keep their bytes);
 * copies must be made with json_doc_copy (json-c's deep copy drops the source text). Member
 * names holding \u0000 or an unpaired surrogate escape cannot be json-c keys: such documents
 * are refused (400) rather than altered. JSON null is NULL, as everywhere in json-c. */
#ifndef DS_CORE_JSON_DOC_H
#define DS_CORE_JSON_DOC_H

#include <json-c/json.h>
#include <stddef.h>

#include "core/error.h"

/* Parses text[0..len) (one JSON value, checked here) into *out. 400 for invalid JSON or an
 * unrepresentable member name (err->message says which), 500 on OOM. */
ds_status json_doc_parse(const char *text, size_t len, struct json_object **out,
                         struct ds_error *err) DS_MUSTCHECK;

/* Forgets the source text of a container about to change (no-op on NULL and scalars). */
void json_doc_touch(struct json_object *o);

/* A deep copy that keeps source text. NULL for NULL, and on OOM (check src != NULL). */
struct json_object *json_doc_copy(struct json_object *src);

/* The document as compact JSON text, owned by doc (valid until it changes or is put);
 * "null" for NULL. NULL on OOM. */
const char *json_doc_text(struct json_object *doc, size_t *len);

#endif
