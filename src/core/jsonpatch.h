/* core/jsonpatch.h — JSON Patch (RFC 6902: add, remove, replace, move, copy, test) and JSON
 * Pointer (RFC 6901) over json-c documents. Used by :update and by _version migrations.
 * Documents and patches should come from json_doc_parse (core/json_doc.h): then whatever the
 * patch does not change is written back byte-for-byte, and values it inserts keep the exact
 * text they had in the patch. Numbers compare (test) as Luau numbers do: two integers that
 * fit in 64 bits exactly, anything else as IEEE doubles. */
#ifndef DS_CORE_JSONPATCH_H
#define DS_CORE_JSONPATCH_H

#include <json-c/json.h>
#include <stdbool.h>

#include "core/error.h"

/* Applies patch (a JSON array of operations) to *doc, where NULL is JSON null. The patch is
 * applied to a copy: on success *doc is replaced (the old document is released), on failure
 * *doc is untouched. Errors: 400 for an invalid patch or a path that does not resolve,
 * 409 ABORTED (detail "TestFailed") when a "test" operation fails. */
ds_status jsonpatch_apply(struct json_object **doc, struct json_object *patch,
                          struct ds_error *err) DS_MUSTCHECK;

/* Structural equality as RFC 6902 "test" defines it (numbers compare by value). */
bool json_equal(struct json_object *a, struct json_object *b);

#endif
