/*
 * rows_reader.c - the "rows" entry reader (rows_reader.h): one pass over the
 * entry's bytes, cells into reused lists. Every path that meets something
 * outside the subset answers LEDGER_ROWS_READ_OTHER, so that the general
 * parser decides; nothing here is lenient in a way the general parser is not.
 */
#include "rows_reader.h"

#include <stdlib.h>
#include <string.h>

#define JSON_INT_MAX INT64_C(9007199254740991) /* 2^53 - 1, as the log's integers */

typedef struct cursor {
    const char *p, *end;
    ledger_rows_reader *rd;
    bool nomem;
} cursor;

static bool grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t cap2 = *cap ? *cap : 256;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*items, cap2 * size);
    if (p == NULL)
        return false;
    *items = p;
    *cap = cap2;
    return true;
}

static void skip_ws(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
        c->p++;
}

static bool take(cursor *c, char ch)
{
    skip_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* An integer in plain decimal within the log's range; a fraction or an
 * exponent is outside the subset. */
static bool read_int(cursor *c, int64_t *out)
{
    skip_ws(c);
    bool neg = c->p < c->end && *c->p == '-';
    const char *q = c->p + neg;
    if (q >= c->end || *q < '0' || *q > '9')
        return false;
    int64_t v = 0;
    const char *digits = q;
    while (q < c->end && *q >= '0' && *q <= '9') {
        if (v > JSON_INT_MAX / 10)
            return false;
        v = v * 10 + (*q - '0');
        if (v > JSON_INT_MAX)
            return false;
        q++;
    }
    if (*digits == '0' && q - digits > 1)
        return false; /* a leading zero: not JSON */
    if (q < c->end && (*q == '.' || *q == 'e' || *q == 'E'))
        return false;
    c->p = q;
    *out = neg ? -v : v;
    return true;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4)
        return false;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return false;
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return true;
}

static bool put_text(cursor *c, const void *data, size_t len)
{
    ledger_rows_reader *rd = c->rd;
    if (!grow((void **)&rd->text, &rd->text_cap, rd->text_len + len, 1)) {
        c->nomem = true;
        return false;
    }
    memcpy(rd->text + rd->text_len, data, len);
    rd->text_len += len;
    return true;
}

/* The escapes of a string [s, e), decoded as the general parser decodes
 * them, into the reader's buffer. U+0000 and lone surrogates are left to it. */
static bool unescape(cursor *c, const char *s, const char *e, ledger_rows_cell *cell)
{
    cell->unescaped = true;
    cell->off = c->rd->text_len;
    while (s < e) {
        const char *bs = memchr(s, '\\', (size_t)(e - s));
        if (bs == NULL)
            bs = e;
        if (!put_text(c, s, (size_t)(bs - s)))
            return false;
        if (bs == e)
            break;
        if (bs + 1 >= e)
            return false;
        char ch = bs[1], out = 0;
        s = bs + 2;
        switch (ch) {
        case '"':
        case '\\':
        case '/':
            out = ch;
            break;
        case 'b':
            out = '\b';
            break;
        case 'f':
            out = '\f';
            break;
        case 'n':
            out = '\n';
            break;
        case 'r':
            out = '\r';
            break;
        case 't':
            out = '\t';
            break;
        case 'u': {
            unsigned cp;
            if (!hex4(s, e, &cp) || cp == 0)
                return false;
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (e - s < 6 || s[0] != '\\' || s[1] != 'u' || !hex4(s + 2, e, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return false;
                s += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return false;
            }
            unsigned char u[4];
            size_t n;
            if (cp < 0x80) {
                u[0] = (unsigned char)cp;
                n = 1;
            } else if (cp < 0x800) {
                u[0] = (unsigned char)(0xC0 | cp >> 6);
                u[1] = (unsigned char)(0x80 | (cp & 0x3F));
                n = 2;
            } else if (cp < 0x10000) {
                u[0] = (unsigned char)(0xE0 | cp >> 12);
                u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
                u[2] = (unsigned char)(0x80 | (cp & 0x3F));
                n = 3;
            } else {
                u[0] = (unsigned char)(0xF0 | cp >> 18);
                u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
                u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
                u[3] = (unsigned char)(0x80 | (cp & 0x3F));
                n = 4;
            }
            if (!put_text(c, u, n))
                return false;
            continue;
        }
        default:
            return false;
        }
        if (!put_text(c, &out, 1))
            return false;
    }
    cell->len = c->rd->text_len - cell->off;
    return true;
}

/* A string: its bytes as a cell. A raw control character or a NUL inside is
 * outside the subset (the general parser stops a string at NUL). */
static bool read_string(cursor *c, ledger_rows_cell *cell)
{
    skip_ws(c);
    if (c->p >= c->end || *c->p != '"')
        return false;
    const char *s = ++c->p;
    bool escaped = false;
    while (c->p < c->end && *c->p != '"') {
        unsigned char ch = (unsigned char)*c->p;
        if (ch < 0x20)
            return false;
        if (ch == '\\') {
            escaped = true;
            c->p++;
            if (c->p >= c->end)
                return false;
        }
        c->p++;
    }
    if (c->p >= c->end)
        return false;
    const char *e = c->p++;
    cell->tag = 't';
    cell->value = 0;
    if (!escaped) {
        cell->unescaped = false;
        cell->off = (size_t)(s - c->rd->body);
        cell->len = (size_t)(e - s);
        return true;
    }
    return unescape(c, s, e, cell);
}

static bool read_literal(cursor *c, const char *word)
{
    skip_ws(c);
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* One cell: integer, string or null. */
static bool read_cell(cursor *c, ledger_rows_cell *cell)
{
    skip_ws(c);
    if (c->p >= c->end)
        return false;
    if (*c->p == '"')
        return read_string(c, cell);
    if (*c->p == 'n') {
        cell->tag = 'n';
        cell->value = 0;
        return read_literal(c, "null");
    }
    cell->tag = 'i';
    return read_int(c, &cell->value);
}

/* An image: null, or an array of cells appended to the list. */
static bool read_image(cursor *c, size_t *first, int *count)
{
    ledger_rows_reader *rd = c->rd;
    *first = rd->cells_len;
    *count = -1;
    skip_ws(c);
    if (c->p < c->end && *c->p == 'n')
        return read_literal(c, "null");
    if (!take(c, '['))
        return false;
    *count = 0;
    if (take(c, ']'))
        return true;
    do {
        if (!grow((void **)&rd->cells, &rd->cells_cap, rd->cells_len + 1, sizeof *rd->cells)) {
            c->nomem = true;
            return false;
        }
        if (!read_cell(c, &rd->cells[rd->cells_len]))
            return false;
        rd->cells_len++;
        if (*count == INT32_MAX)
            return false;
        (*count)++;
    } while (take(c, ','));
    return take(c, ']');
}

static bool read_row(cursor *c)
{
    ledger_rows_reader *rd = c->rd;
    if (!grow((void **)&rd->rows, &rd->rows_cap, rd->rows_len + 1, sizeof *rd->rows)) {
        c->nomem = true;
        return false;
    }
    ledger_rows_row *row = &rd->rows[rd->rows_len];
    if (!take(c, '[') || !read_string(c, &row->table) || !take(c, ',') || !read_int(c, &row->k1) ||
        !take(c, ',') || !read_int(c, &row->k2) || !take(c, ',') ||
        !read_image(c, &row->before_first, &row->before_count) || !take(c, ',') ||
        !read_image(c, &row->after_first, &row->after_count) || !take(c, ']'))
        return false;
    rd->rows_len++;
    return true;
}

static bool read_rows(cursor *c)
{
    if (!take(c, '['))
        return false;
    if (take(c, ']'))
        return true;
    do {
        if (!read_row(c))
            return false;
    } while (take(c, ','));
    return take(c, ']');
}

static bool key_is(const ledger_rows_reader *rd, const ledger_rows_cell *k, const char *name)
{
    size_t n = strlen(name);
    return k->len == n && memcmp(ledger_rows_cell_text(rd, k), name, n) == 0;
}

ledger_rows_read_result ledger_rows_read(ledger_rows_reader *rd, const char *body, size_t len)
{
    cursor c = {body, body + len, rd, false};
    rd->body = body;
    rd->cells_len = rd->rows_len = rd->text_len = 0;
    rd->format = 1;
    bool seen_rows = false, seen_type = false, seen_time = false, seen_date = false;
    bool seen_format = false;
    bool is_rows = false;
    if (!take(&c, '{'))
        return LEDGER_ROWS_READ_OTHER;
    if (!take(&c, '}')) {
        do {
            ledger_rows_cell key;
            if (!read_string(&c, &key) || !take(&c, ':'))
                goto other;
            /* Duplicate members are left to the general parser, which keeps
             * the first. */
            if (key_is(rd, &key, "rows")) {
                if (seen_rows || !read_rows(&c))
                    goto other;
                seen_rows = true;
            } else if (key_is(rd, &key, "type")) {
                ledger_rows_cell type;
                if (seen_type || !read_string(&c, &type))
                    goto other;
                seen_type = true;
                is_rows = key_is(rd, &type, "rows");
            } else if (key_is(rd, &key, "time") || key_is(rd, &key, "business_date")) {
                bool *seen = key_is(rd, &key, "time") ? &seen_time : &seen_date;
                ledger_rows_cell v;
                if (*seen || !read_cell(&c, &v))
                    goto other;
                *seen = true;
            } else if (key_is(rd, &key, "format")) {
                int64_t v = 0;
                if (seen_format || !read_int(&c, &v) || (v != 1 && v != 2))
                    goto other; /* the general parser refuses it */
                seen_format = true;
                rd->format = (int)v;
            } else {
                goto other; /* an entry of another kind: journal, states, ... */
            }
        } while (take(&c, ','));
        if (!take(&c, '}'))
            goto other;
    }
    skip_ws(&c);
    if (c.p != c.end)
        goto other;
    if (!seen_type)
        goto other;
    if (!is_rows)
        return LEDGER_ROWS_READ_NOT_ROWS;
    if (!seen_rows)
        goto other;
    return LEDGER_ROWS_READ_ROWS;
other:
    return c.nomem ? LEDGER_ROWS_READ_NOMEM : LEDGER_ROWS_READ_OTHER;
}

void ledger_rows_reader_release(ledger_rows_reader *rd)
{
    free(rd->cells);
    free(rd->rows);
    free(rd->text);
    memset(rd, 0, sizeof *rd);
}
