/*
 * canonical_json.h - RFC 8785 (JSON Canonicalization Scheme) for ledger entries.
 *
 * Ledger entries are hashed as bytes, so one value must have exactly one byte
 * form (docs/design.md, "Ledger entries"). This is RFC 8785 restricted to what
 * entries hold: objects, arrays, strings, integers, true, false and null.
 *
 *   - object members sorted by their keys' UTF-16 code units, no duplicates;
 *   - no whitespace anywhere;
 *   - numbers are integers within ±(2^53 - 1), written in plain decimal
 *     (money is fen and rates millionths, so a fraction is always a mistake);
 *   - strings are valid UTF-8 written literally, except that " and \ are
 *     escaped, \b \f \n \r \t are used for those controls, and every other
 *     control below U+0020 is written \u00xx with lower-case hex.
 *
 * Strings may not contain U+0000: cJSON keeps strings NUL-terminated, so such a
 * string could not round-trip. Nesting is limited to LEDGER_JSON_DEPTH_MAX.
 */
#ifndef LEDGER_CANONICAL_JSON_H
#define LEDGER_CANONICAL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "ld_error.h"

#define LEDGER_JSON_DEPTH_MAX 64
#define LEDGER_JSON_SIZE_MAX  (16u * 1024u * 1024u) /* bytes of one canonical value */

/* Largest integer JSON carries exactly (Number.MAX_SAFE_INTEGER). */
#define LEDGER_JSON_INT_MAX INT64_C(9007199254740991)

/* Serialises value in canonical form into a new NUL-terminated buffer: *out
 * (release with free()) and its length *out_len, not counting the NUL.
 * LD_EINVAL, with the path of the offending value ("items[2].rate: ..."), for a
 * number that is not an integer or is out of range, a string or key that is not
 * valid UTF-8 or holds U+0000, a duplicate key, a raw or invalid cJSON item,
 * nesting beyond LEDGER_JSON_DEPTH_MAX or output beyond LEDGER_JSON_SIZE_MAX.
 * LD_EINTERNAL when memory runs out. */
ld_status ledger_json_canonical(const cJSON *value, char **out, size_t *out_len, ld_error *err);

/* Checks that bytes[0..len) are exactly the canonical form of the one JSON
 * value they hold - the bytes ledger_json_canonical would write for it - in
 * one pass without building a tree. Used on every appended entry and every
 * entry of an export before it is hashed. LD_EINVAL when they are not JSON,
 * break a rule above, or are JSON in another form; the message names the
 * first offending byte offset. */
ld_status ledger_json_check_canonical(const char *bytes, size_t len, ld_error *err);

#endif
