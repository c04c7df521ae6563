/*
 * json_text.h - JSON written as text straight from values, into a buffer the
 * caller keeps and reuses (the output edge, for reads served many times a
 * second: no tree of nodes is built and freed for each answer).
 *
 * The bytes are exactly those cJSON_PrintUnformatted gives for the document
 * a front end would otherwise get as a tree: members in the order written,
 * strings escaped as cJSON escapes them ('"', '\\', \b \f \n \r \t, other
 * bytes below 0x20 as \u00XX, every other byte as it is), integers as their
 * digits (cJSON's own form beyond 10^15), money and rates as decimal
 * strings. A text member whose value is NULL is left out, as
 * cJSON_AddStringToObject leaves it out.
 *
 * Commas are placed by the writer: core_jt_key and core_jt_item put one
 * before every member or element but the first of its object or array.
 */
#ifndef LD_JSON_TEXT_H
#define LD_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "money.h"

typedef struct cJSON cJSON;

typedef struct core_jtext {
    char *data; /* NUL-terminated; owned by the caller's buffer */
    size_t len;
    size_t size;
    bool failed; /* out of memory: the text is incomplete */
    bool first;  /* nothing written yet in the innermost object or array */
} core_jtext;

/* Appends text to buf (size bytes, *used of them taken) as the inside of a
 * JSON string, escaped as cJSON escapes it; cut, never inside an escape,
 * when buf is full; buf stays NUL-terminated. */
void core_json_escape(char *buf, size_t size, size_t *used, const char *text);

/* Empties t, keeping its memory. */
void core_jt_reset(core_jtext *t);
/* Frees t's memory. */
void core_jt_free(core_jtext *t);

/* Opens an object ('{') or an array ('['); core_jt_close closes it with c. */
void core_jt_open(core_jtext *t, char c);
void core_jt_close(core_jtext *t, char c);
/* The name of the next member: letters, digits and '_' only (the names of
 * the records' fields), which JSON writes as they are. */
void core_jt_key(core_jtext *t, const char *key);
/* The start of the next element of an array. */
void core_jt_item(core_jtext *t);

/* Values. */
void core_jt_string(core_jtext *t, const char *text);
void core_jt_int(core_jtext *t, int64_t value);
void core_jt_bool(core_jtext *t, bool value);
/* Members: key and value. core_jt_text_member writes nothing for NULL. */
void core_jt_text_member(core_jtext *t, const char *key, const char *text);
void core_jt_int_member(core_jtext *t, const char *key, int64_t value);
void core_jt_money_member(core_jtext *t, const char *key, ld_money amount);
void core_jt_rate_member(core_jtext *t, const char *key, ld_rate rate);
void core_jt_bool_member(core_jtext *t, const char *key, bool value);
/* A whole tree (object, array or scalar), as cJSON_PrintUnformatted prints
 * it: object names escaped like strings, a string item without text as "",
 * a raw item as its text. */
void core_jt_value(core_jtext *t, const cJSON *item);
/* A JSON document stored as text, as cJSON reads and prints it; nothing at
 * all (not the key either) when json is NULL or does not parse. */
void core_jt_json_member(core_jtext *t, const char *key, const char *json);

#endif
