/* core/limits.h — Roblox's size and shape rules for names, keys, values and metadata, as
 * validators that fill a ds_error with the Roblox datastoreErrorCode on violation. */
#ifndef DS_CORE_LIMITS_H
#define DS_CORE_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define LIMIT_NAME_BYTES 50        /* data store name, scope, entry key */
#define LIMIT_VALUE_BYTES 4194304  /* serialized value */
#define LIMIT_ATTRIBUTES_BYTES 300 /* serialized attributes: must be < this */
#define LIMIT_USER_IDS 4
#define LIMIT_JSON_DEPTH 1000
/* Tombstones, old versions and deleted data stores are kept this long (Roblox: 30 days). */
#define RETENTION_US (INT64_C(30) * 86400 * 1000000)

/* True if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool utf8_valid(const char *s, size_t len);

/* Data store name, scope, entry key: 1..50 bytes of UTF-8 without NUL. */
ds_status check_datastore_name(const char *name, struct ds_error *err) DS_MUSTCHECK;
ds_status check_scope(const char *scope, struct ds_error *err) DS_MUSTCHECK;
ds_status check_entry_key(const char *key, struct ds_error *err) DS_MUSTCHECK;

/* A value: ≤ 4 MiB, one valid JSON text in UTF-8. */
ds_status check_value(const char *value, size_t len, struct ds_error *err) DS_MUSTCHECK;

/* Attributes given as JSON text: an object, < 300 bytes. On success *out is a newly
 * allocated compact serialization (caller frees). NULL/empty text gives "{}". */
ds_status parse_attributes(const char *text, char **out, struct ds_error *err) DS_MUSTCHECK;
/* User ids given as JSON text: an array of ≤ 4 integers (numbers or numeric strings). On
 * success *out is a newly allocated canonical "[1,2]" (caller frees). NULL/empty gives "[]". */
ds_status parse_user_ids(const char *text, char **out, struct ds_error *err) DS_MUSTCHECK;

/* Parses a decimal integer (optionally written as an integral float such as "5.0").
 * Returns false for anything else or a value outside int64. */
bool parse_integral(const char *s, size_t len, int64_t *out);

/* The one grammar for integers in paths, query parameters and headers: an optional '-',
 * then "0" or a non-zero digit followed by digits, within int64. No '+', no leading zeros,
 * no whitespace, no hex or exponents. NULL and "" are not numbers. */
bool parse_decimal(const char *s, int64_t *out);
/* parse_decimal, also taking an all-zero fraction ("41.0"): clients that hold amounts as
 * floating-point numbers (Python's rblx-open-cloud) send incrementBy that way. */
bool parse_decimal_integral(const char *s, int64_t *out);

#endif
