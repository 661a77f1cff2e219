/* core/json_text.h — a strict RFC 8259 scanner over raw JSON text. It validates without
 * building a tree and finds the raw byte span of an object member, so stored values stay
 * byte-exact (json-c would re-serialize numbers, whitespace and escapes). */
#ifndef DS_CORE_JSON_TEXT_H
#define DS_CORE_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if text[0..len) is exactly one JSON value, optionally surrounded by whitespace, in
 * valid UTF-8, nested at most max_depth deep. *why (if given) says what is wrong. */
bool json_text_valid(const char *text, size_t len, int max_depth, const char **why);

/* text[0..len) must be a valid JSON object. Finds the top-level member whose key is name
 * (compared on the raw key text; the last one wins, as in json-c) and returns the span of
 * its value. False if absent or text is not an object. */
bool json_text_member(const char *text, size_t len, const char *name, size_t *value_off,
                      size_t *value_len);

/* Copies valid JSON text[0..len) into out (len + 1 bytes) without the whitespace between
 * tokens; every token keeps its bytes. Returns the length written (NUL-terminated). */
size_t json_text_compact(const char *text, size_t len, char *out);

/* Iterators over valid JSON text, for documents too large to hold as a tree: *pos starts
 * at 0 and advances; each call yields the next element (array) or member (object, with the
 * raw key text between its quotes, escapes not decoded) as spans of text. False at the end,
 * or when text is not an array / object. */
bool json_text_array_next(const char *text, size_t len, size_t *pos, size_t *off, size_t *elen);
bool json_text_object_next(const char *text, size_t len, size_t *pos, size_t *key_off,
                           size_t *key_len, size_t *off, size_t *vlen);

#endif
