/*
 * canonical_json.c - RFC 8785 serialisation of cJSON trees and the check that
 * given bytes are already canonical.
 *
 * Output grows in one buffer capped at LEDGER_JSON_SIZE_MAX. Every error names
 * the JSON path of the value at fault, built as the walk descends ("$" is the
 * whole value). Object members are sorted on a temporary array of pointers, so
 * the caller's tree is never modified.
 */
#include "canonical_json.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct outbuf {
    char *data;
    size_t len;
    size_t cap;
} outbuf;

typedef struct walker {
    outbuf out;
    char path[256];
    ld_error *err;
} walker;

static ld_status out_put(walker *w, const char *bytes, size_t len)
{
    if (len > LEDGER_JSON_SIZE_MAX - w->out.len)
        return LD_FAIL(w->err, LD_EINVAL, "%s: canonical JSON longer than %u bytes", w->path,
                       LEDGER_JSON_SIZE_MAX);
    if (w->out.len + len + 1 > w->out.cap) {
        size_t cap = w->out.cap == 0 ? 256 : w->out.cap;
        while (cap < w->out.len + len + 1)
            cap *= 2;
        char *grown = realloc(w->out.data, cap);
        if (grown == NULL)
            return LD_FAIL(w->err, LD_EINTERNAL, "canonical JSON: out of memory");
        w->out.data = grown;
        w->out.cap = cap;
    }
    memcpy(w->out.data + w->out.len, bytes, len);
    w->out.len += len;
    w->out.data[w->out.len] = '\0';
    return LD_OK;
}

/* Decodes one UTF-8 sequence at s[0..len); returns its length and the code
 * point in *cp, or 0 when it is malformed, overlong, a surrogate or above
 * U+10FFFF (RFC 3629). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/* Checks a string (a value or a key) is valid UTF-8 without U+0000. */
static ld_status check_utf8(walker *w, const char *text, const char *what)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return LD_FAIL(w->err, LD_EINVAL, "%s: %s is not valid UTF-8 at byte %zu", w->path,
                           what, i);
        i += n;
    }
    return LD_OK;
}

static ld_status put_string(walker *w, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    ld_status status = out_put(w, "\"", 1);
    const char *run = text; /* bytes written literally are copied in runs */
    for (const char *p = text; status == LD_OK && *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[6];
        size_t esc_len = 2;
        esc[0] = '\\';
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            if (c >= 0x20)
                continue;
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0x0f];
            esc_len = 6;
        }
        status = out_put(w, run, (size_t)(p - run));
        if (status == LD_OK)
            status = out_put(w, esc, esc_len);
        run = p + 1;
    }
    if (status == LD_OK)
        status = out_put(w, run, strlen(run));
    if (status == LD_OK)
        status = out_put(w, "\"", 1);
    return status;
}

/* Yields the UTF-16 code units of a valid UTF-8 string one at a time, so that
 * keys compare as RFC 8785 §3.2.3 orders them. 0 at the end of the string. */
typedef struct utf16_cursor {
    const unsigned char *s;
    uint16_t pending; /* low surrogate still to yield, or 0 */
} utf16_cursor;

static uint32_t utf16_next(utf16_cursor *c)
{
    if (c->pending != 0) {
        uint16_t unit = c->pending;
        c->pending = 0;
        return unit;
    }
    if (*c->s == '\0')
        return 0;
    uint32_t cp = 0;
    size_t n = utf8_decode(c->s, 4, &cp); /* keys were validated; NUL ends any shorter run */
    c->s += n == 0 ? 1 : n;
    if (cp < 0x10000)
        return cp;
    cp -= 0x10000;
    c->pending = (uint16_t)(0xdc00 + (cp & 0x3ff));
    return 0xd800 + (cp >> 10);
}

static int key_compare(const void *a, const void *b)
{
    utf16_cursor ca = {(const unsigned char *)(*(const cJSON *const *)a)->string, 0};
    utf16_cursor cb = {(const unsigned char *)(*(const cJSON *const *)b)->string, 0};
    for (;;) {
        uint32_t ua = utf16_next(&ca), ub = utf16_next(&cb);
        if (ua != ub)
            return ua < ub ? -1 : 1;
        if (ua == 0)
            return 0;
    }
}

/* cJSON holds every number as a C double. This is the one place the ledger
 * reads one, only to prove it is an exact integer in the safe range; from here
 * on the value is an int64_t. The comparisons are exact for |v| <= 2^53. */
static bool number_as_integer(const cJSON *item, int64_t *out)
{
    if (!(item->valuedouble >= -LEDGER_JSON_INT_MAX && item->valuedouble <= LEDGER_JSON_INT_MAX))
        return false; /* also NaN */
    int64_t v = (int64_t)item->valuedouble;
    if (v != item->valuedouble)
        return false;
    *out = v;
    return true;
}

static ld_status walk(walker *w, const cJSON *item, int depth);

static ld_status walk_children(walker *w, const cJSON *item, int depth, bool is_object)
{
    size_t count = 0;
    for (const cJSON *c = item->child; c != NULL; c = c->next)
        count++;
    const cJSON **members = NULL;
    if (count > 0) {
        members = malloc(count * sizeof *members);
        if (members == NULL)
            return LD_FAIL(w->err, LD_EINTERNAL, "canonical JSON: out of memory");
    }
    size_t i = 0;
    for (const cJSON *c = item->child; c != NULL; c = c->next)
        members[i++] = c;

    size_t path_len = strlen(w->path);
    ld_status status = LD_OK;
    if (is_object) {
        for (i = 0; status == LD_OK && i < count; i++) {
            if (members[i]->string == NULL)
                status = LD_FAIL(w->err, LD_EINVAL, "%s: object member without a key", w->path);
            else
                status = check_utf8(w, members[i]->string, "key");
        }
        if (status == LD_OK && count > 1)
            qsort(members, count, sizeof *members, key_compare);
        for (i = 1; status == LD_OK && i < count; i++)
            if (key_compare(&members[i - 1], &members[i]) == 0)
                status = LD_FAIL(w->err, LD_EINVAL, "%s: duplicate key \"%s\"", w->path,
                                 members[i]->string);
    }
    if (status == LD_OK)
        status = out_put(w, is_object ? "{" : "[", 1);
    for (i = 0; status == LD_OK && i < count; i++) {
        if (i > 0)
            status = out_put(w, ",", 1);
        if (is_object) {
            snprintf(w->path + path_len, sizeof w->path - path_len, ".%s", members[i]->string);
            if (status == LD_OK)
                status = put_string(w, members[i]->string);
            if (status == LD_OK)
                status = out_put(w, ":", 1);
        } else {
            snprintf(w->path + path_len, sizeof w->path - path_len, "[%zu]", i);
        }
        if (status == LD_OK)
            status = walk(w, members[i], depth + 1);
        w->path[path_len] = '\0';
    }
    if (status == LD_OK)
        status = out_put(w, is_object ? "}" : "]", 1);
    free(members);
    return status;
}

static ld_status walk(walker *w, const cJSON *item, int depth)
{
    if (depth > LEDGER_JSON_DEPTH_MAX)
        return LD_FAIL(w->err, LD_EINVAL, "%s: nested deeper than %d levels", w->path,
                       LEDGER_JSON_DEPTH_MAX);
    switch (item->type & 0xff) {
    case cJSON_NULL:
        return out_put(w, "null", 4);
    case cJSON_True:
        return out_put(w, "true", 4);
    case cJSON_False:
        return out_put(w, "false", 5);
    case cJSON_Number: {
        int64_t v;
        if (!number_as_integer(item, &v))
            return LD_FAIL(w->err, LD_EINVAL,
                           "%s: must be an integer within +-9007199254740991 (ledger entries "
                           "hold fen and millionths, never fractions)",
                           w->path);
        char digits[24];
        int n = snprintf(digits, sizeof digits, "%" PRId64, v);
        return out_put(w, digits, (size_t)n);
    }
    case cJSON_String: {
        if (item->valuestring == NULL)
            return LD_FAIL(w->err, LD_EINVAL, "%s: string without a value", w->path);
        ld_status status = check_utf8(w, item->valuestring, "string");
        return status != LD_OK ? status : put_string(w, item->valuestring);
    }
    case cJSON_Array:
        return walk_children(w, item, depth, false);
    case cJSON_Object:
        return walk_children(w, item, depth, true);
    default:
        return LD_FAIL(w->err, LD_EINVAL, "%s: not a JSON value the ledger accepts", w->path);
    }
}

ld_status ledger_json_canonical(const cJSON *value, char **out, size_t *out_len, ld_error *err)
{
    walker w = {.out = {NULL, 0, 0}, .path = "$", .err = err};
    ld_status status =
        value == NULL ? LD_FAIL(err, LD_EINVAL, "$: no JSON value") : walk(&w, value, 0);
    if (status != LD_OK) {
        free(w.out.data);
        return status;
    }
    *out = w.out.data;
    *out_len = w.out.len;
    return LD_OK;
}

ld_status ledger_json_check_canonical(const char *bytes, size_t len, ld_error *err)
{
    if (len == 0)
        return LD_FAIL(err, LD_EINVAL, "canonical JSON: empty");
    const char *nul = memchr(bytes, '\0', len);
    if (nul != NULL)
        return LD_FAIL(err, LD_EINVAL, "canonical JSON: NUL byte at offset %zu",
                       (size_t)(nul - bytes));
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithLengthOpts(bytes, len, &end, 0);
    if (value == NULL) {
        size_t at = end != NULL && end >= bytes && end <= bytes + len ? (size_t)(end - bytes) : 0;
        return LD_FAIL(err, LD_EINVAL, "canonical JSON: not valid JSON near byte %zu", at);
    }
    char *again = NULL;
    size_t again_len = 0;
    ld_status status = ledger_json_canonical(value, &again, &again_len, err);
    cJSON_Delete(value);
    if (status != LD_OK)
        return status;
    if (again_len != len || memcmp(again, bytes, len) != 0) {
        size_t at = 0;
        while (at < len && at < again_len && again[at] == bytes[at])
            at++;
        status = LD_FAIL(err, LD_EINVAL, "canonical JSON: not in canonical form at byte %zu", at);
    }
    free(again);
    return status;
}
