/*
 * json_in.h - reading typed fields out of JSON input records (the input edge).
 *
 * Each reader takes the object, the path of the object for messages ("" at the
 * top, "guarantors[1]" below) and the key, and reports a wrong or missing field
 * as LD_EINVAL "path.key: problem". Money must be a JSON string ("500000.00"):
 * a JSON number is refused, because a binary float cannot hold every amount.
 * Optional readers leave *out untouched and set *present false when the key is
 * absent or null.
 *
 * Documents are read by core_json_parse alone, which refuses what cJSON lets
 * through: text after the value, a key repeated in an object, U+0000, malformed
 * UTF-8, control characters (raw, or escaped other than \t \n \r), numbers
 * RFC 8259 does not allow. Text fields follow text.h: core_json_text reads a
 * single-line field, core_json_text_lines one that may span lines.
 */
#ifndef LD_JSON_IN_H
#define LD_JSON_IN_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "money.h"

/* Writes "path.key" (or "key" at the top) into buf. */
const char *core_json_field(char *buf, size_t size, const char *path, const char *key);

ld_status core_json_text(const cJSON *obj, const char *path, const char *key, bool required,
                         size_t max_len, const char **out, bool *present, ld_error *err);
/* A field that may hold tabs and line breaks (an investigation's findings). */
ld_status core_json_text_lines(const cJSON *obj, const char *path, const char *key, bool required,
                               size_t max_len, const char **out, bool *present, ld_error *err);
ld_status core_json_money(const cJSON *obj, const char *path, const char *key, bool required,
                          bool allow_negative, ld_money *out, bool *present, ld_error *err);
ld_status core_json_rate(const cJSON *obj, const char *path, const char *key, bool required,
                         ld_rate *out, bool *present, ld_error *err);
ld_status core_json_int(const cJSON *obj, const char *path, const char *key, bool required,
                        int64_t min, int64_t max, int64_t *out, bool *present, ld_error *err);
ld_status core_json_date(const cJSON *obj, const char *path, const char *key, bool required,
                         ld_date *out, bool *present, ld_error *err);
ld_status core_json_bool(const cJSON *obj, const char *path, const char *key, bool required,
                         bool *out, bool *present, ld_error *err);

/* Index of the key's string value in choices (NULL-terminated). */
ld_status core_json_choice(const cJSON *obj, const char *path, const char *key, bool required,
                           const char *const *choices, int *out, bool *present, ld_error *err);

/* LD_EINVAL naming the first key of obj not in known (NULL-terminated), so a
 * misspelt field is reported instead of silently ignored. */
ld_status core_json_reject_unknown(const cJSON *obj, const char *path, const char *const *known,
                                   ld_error *err);

/* Output helpers: money and dates as strings, as DESIGN.md requires. */
void core_json_put_money(cJSON *obj, const char *key, ld_money amount);
void core_json_put_rate(cJSON *obj, const char *key, ld_rate rate);
void core_json_put_date(cJSON *obj, const char *key, ld_date date);
void core_json_put_int(cJSON *obj, const char *key, int64_t value);
/* An integer as a JSON number item (the caller owns it). */
cJSON *core_json_int_item(int64_t value);
/* True when item is a number holding an exact integer within +-(2^53 - 1),
 * with that integer in *out (out may be NULL). The one place where loandesk
 * reads a JSON number: core's readers and the ledger's canonical form both
 * go through it. */
bool core_json_integer(const cJSON *item, int64_t *out);

/* Reads a whole file (or stdin for "-") into a NUL-terminated malloc'd buffer. */
ld_status core_read_file(const char *path, char **out, size_t *len_out, ld_error *err);

/* Parses one JSON document of len bytes (NUL bytes included) under the rules
 * above into a tree the caller owns (cJSON_Delete). source names the document
 * in messages ("in.json: ...") and may be NULL (an import line, whose caller
 * names the line). LD_EINVAL naming the line and column (in bytes) of a syntax error or
 * of trailing text, or the path of the field at fault ("borrower.name: must
 * not contain U+0000", "guarantors[1].name: duplicate key ..."); LD_EINTERNAL
 * when memory runs out. */
ld_status core_json_parse(const char *text, size_t len, const char *source, cJSON **out,
                          ld_error *err);

/* core_json_parse over a whole file ("-" for stdin); errors as above, named by
 * the file. */
ld_status core_json_parse_file(const char *path, cJSON **out, ld_error *err);

#endif
