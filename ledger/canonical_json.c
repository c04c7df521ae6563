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

#include "json_in.h"

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
        if (!core_json_integer(item, &v)) /* from here on an int64_t */
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

/* ---- Checking bytes ------------------------------------------------------------
 * A single strict pass over the bytes that accepts exactly what the serialiser
 * above writes, without building a tree: it runs on every appended entry and
 * every line of an export, so it must cost little more than reading them. The
 * test program checks it against "parse, serialise again, compare" on many
 * mutated inputs. */

typedef struct checker {
    const unsigned char *p, *start, *end;
    ld_error *err;
} checker;

static ld_status check_fail(checker *c, const char *what)
{
    return LD_FAIL(c->err, LD_EINVAL, "canonical JSON: %s at byte %zu", what,
                   (size_t)(c->p - c->start));
}

static bool is_lower_hex(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

static unsigned hex_value(unsigned char ch)
{
    return ch <= '9' ? (unsigned)(ch - '0') : (unsigned)(ch - 'a' + 10);
}

/* Checks one string whose opening quote is at c->p; leaves c->p after the
 * closing quote. */
static ld_status check_string(checker *c)
{
    c->p++;
    for (;;) {
        if (c->p >= c->end)
            return check_fail(c, "unterminated string");
        unsigned char ch = *c->p;
        if (ch == '"') {
            c->p++;
            return LD_OK;
        }
        if (ch < 0x20)
            return check_fail(c, "unescaped control character");
        if (ch == '\\') {
            if (c->end - c->p < 2)
                return check_fail(c, "unterminated escape");
            unsigned char e = c->p[1];
            if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                c->p += 2;
                continue;
            }
            /* \u00xx only for controls without a short form, never U+0000. */
            if (e != 'u' || c->end - c->p < 6 || c->p[2] != '0' || c->p[3] != '0' ||
                !is_lower_hex(c->p[4]) || !is_lower_hex(c->p[5]))
                return check_fail(c, "escape not in canonical form");
            unsigned v = hex_value(c->p[4]) << 4 | hex_value(c->p[5]);
            if (v == 0 || v >= 0x20 || v == '\b' || v == '\f' || v == '\n' || v == '\r' ||
                v == '\t')
                return check_fail(c, "escape not in canonical form");
            c->p += 6;
            continue;
        }
        if (ch < 0x80) {
            c->p++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(c->p, (size_t)(c->end - c->p), &cp);
        if (n == 0)
            return check_fail(c, "invalid UTF-8");
        c->p += n;
    }
}

/* Code points of a checked string's contents [s, end), escapes decoded. */
static uint32_t raw_next_cp(const unsigned char **s, const unsigned char *end)
{
    const unsigned char *p = *s;
    uint32_t cp;
    if (*p != '\\') {
        size_t n = p[0] < 0x80 ? 1 : utf8_decode(p, (size_t)(end - p), &cp);
        if (n == 1)
            cp = p[0];
        *s = p + n;
        return cp;
    }
    switch (p[1]) {
    case 'b':
        cp = '\b';
        break;
    case 'f':
        cp = '\f';
        break;
    case 'n':
        cp = '\n';
        break;
    case 'r':
        cp = '\r';
        break;
    case 't':
        cp = '\t';
        break;
    case 'u':
        *s = p + 6;
        return hex_value(p[4]) << 4 | hex_value(p[5]);
    default:
        cp = p[1]; /* " or \ */
    }
    *s = p + 2;
    return cp;
}

/* Compares two checked keys (contents without quotes) by UTF-16 code units. */
static int raw_key_compare(const unsigned char *a, const unsigned char *a_end,
                           const unsigned char *b, const unsigned char *b_end)
{
    uint32_t pending_a = 0, pending_b = 0;
    for (;;) {
        bool a_done = pending_a == 0 && a == a_end, b_done = pending_b == 0 && b == b_end;
        if (a_done || b_done)
            return a_done && b_done ? 0 : a_done ? -1 : 1;
        uint32_t ua, ub;
        if (pending_a != 0) {
            ua = pending_a, pending_a = 0;
        } else {
            ua = raw_next_cp(&a, a_end);
            if (ua >= 0x10000)
                pending_a = 0xdc00 + ((ua - 0x10000) & 0x3ff), ua = 0xd800 + ((ua - 0x10000) >> 10);
        }
        if (pending_b != 0) {
            ub = pending_b, pending_b = 0;
        } else {
            ub = raw_next_cp(&b, b_end);
            if (ub >= 0x10000)
                pending_b = 0xdc00 + ((ub - 0x10000) & 0x3ff), ub = 0xd800 + ((ub - 0x10000) >> 10);
        }
        if (ua != ub)
            return ua < ub ? -1 : 1;
    }
}

static ld_status check_number(checker *c)
{
    bool negative = *c->p == '-';
    if (negative)
        c->p++;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
        return check_fail(c, "invalid number");
    if (*c->p == '0') {
        if (negative)
            return check_fail(c, "-0 is not canonical");
        c->p++;
    } else {
        int64_t v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            v = v * 10 + (*c->p - '0');
            if (v > LEDGER_JSON_INT_MAX)
                return check_fail(c, "integer beyond +-9007199254740991");
            c->p++;
        }
    }
    if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
        return check_fail(c, "number must be an integer without exponent");
    return LD_OK;
}

static ld_status check_value(checker *c, int depth);

static ld_status check_container(checker *c, int depth, bool is_object)
{
    unsigned char close = is_object ? '}' : ']';
    c->p++;
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return LD_OK;
    }
    const unsigned char *prev_key = NULL, *prev_key_end = NULL;
    for (;;) {
        ld_status status;
        if (is_object) {
            if (c->p >= c->end || *c->p != '"')
                return check_fail(c, "expected a key");
            const unsigned char *key = c->p + 1;
            if ((status = check_string(c)) != LD_OK)
                return status;
            const unsigned char *key_end = c->p - 1;
            if (prev_key != NULL && raw_key_compare(prev_key, prev_key_end, key, key_end) >= 0) {
                c->p = key - 1;
                return check_fail(c, "keys not in canonical order or duplicated");
            }
            prev_key = key, prev_key_end = key_end;
            if (c->p >= c->end || *c->p != ':')
                return check_fail(c, "expected ':'");
            c->p++;
        }
        if ((status = check_value(c, depth + 1)) != LD_OK)
            return status;
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return LD_OK;
        }
        return check_fail(c, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static ld_status check_literal(checker *c, const char *word, size_t len)
{
    if ((size_t)(c->end - c->p) < len || memcmp(c->p, word, len) != 0)
        return check_fail(c, "invalid literal");
    c->p += len;
    return LD_OK;
}

static ld_status check_value(checker *c, int depth)
{
    if (depth > LEDGER_JSON_DEPTH_MAX)
        return check_fail(c, "nested too deep");
    if (c->p >= c->end)
        return check_fail(c, "value missing");
    switch (*c->p) {
    case '{':
        return check_container(c, depth, true);
    case '[':
        return check_container(c, depth, false);
    case '"':
        return check_string(c);
    case 't':
        return check_literal(c, "true", 4);
    case 'f':
        return check_literal(c, "false", 5);
    case 'n':
        return check_literal(c, "null", 4);
    default:
        if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
            return check_number(c);
        return check_fail(c, "not a JSON value");
    }
}

ld_status ledger_json_check_canonical(const char *bytes, size_t len, ld_error *err)
{
    if (len == 0)
        return LD_FAIL(err, LD_EINVAL, "canonical JSON: empty");
    if (len > LEDGER_JSON_SIZE_MAX)
        return LD_FAIL(err, LD_EINVAL, "canonical JSON: longer than %u bytes",
                       LEDGER_JSON_SIZE_MAX);
    checker c = {(const unsigned char *)bytes, (const unsigned char *)bytes,
                 (const unsigned char *)bytes + len, err};
    ld_status status = check_value(&c, 0);
    if (status == LD_OK && c.p != c.end)
        status = check_fail(&c, "bytes after the value");
    return status;
}
