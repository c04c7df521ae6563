/*
 * rows_reader.h - a purpose-built reader for the log's "rows" entries (rows.h),
 * used by verification and the close of business instead of a general JSON
 * parser: it reads the entry's bytes once, without building a tree, into a
 * flat list of rows whose images are lists of cells (integer, string, null).
 *
 * It reads the subset of JSON that the log writes for these entries (the
 * canonical form, ledger/canonical_json.h): an object whose members are
 * "business_date", "format" (1 or 2; absent: 1), "rows", "time" and "type";
 * rows of exactly five items;
 * images of integers within +-(2^53 - 1), strings and nulls. Anything else
 * (another member, a fraction, true, a \u0000 escape, a sixth item) is
 * LEDGER_ROWS_READ_OTHER: the caller then parses the entry as general JSON,
 * which gives the same answer more slowly, so the reader never decides
 * differently from the general parser; it only decides faster.
 *
 * Strings are handed out as (offset, length) into the entry's bytes, or into
 * the reader's own buffer when they held escapes, so no string is copied
 * unless it must be.
 */
#ifndef LEDGER_ROWS_READER_H
#define LEDGER_ROWS_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    LEDGER_ROWS_READ_ROWS,     /* a "rows" entry, read whole */
    LEDGER_ROWS_READ_NOT_ROWS, /* an entry of another type (or not one this reader knows) */
    LEDGER_ROWS_READ_OTHER,    /* outside the subset: parse it as general JSON */
    LEDGER_ROWS_READ_NOMEM
} ledger_rows_read_result;

/* One value of an image, or a row's table name. */
typedef struct ledger_rows_cell {
    char tag;        /* 'i' integer, 't' string, 'n' null */
    bool unescaped;  /* the string is in the reader's buffer, not the entry */
    int64_t value;   /* 'i' */
    size_t off, len; /* 't' */
} ledger_rows_cell;

/* One row: [TABLE, KEY1, KEY2, BEFORE, AFTER]. An image is cells
 * [first, first + count) of the reader's cell list, count -1 for null. */
typedef struct ledger_rows_row {
    ledger_rows_cell table;
    int64_t k1, k2;
    size_t before_first, after_first;
    int before_count, after_count;
} ledger_rows_row;

typedef struct ledger_rows_reader {
    const char *body; /* the entry last read */
    int format;       /* its "format": 1 when it has none, or 2 */
    ledger_rows_cell *cells;
    size_t cells_len, cells_cap;
    ledger_rows_row *rows;
    size_t rows_len, rows_cap;
    char *text; /* unescaped strings */
    size_t text_len, text_cap;
} ledger_rows_reader;

/* Reads one entry's bytes. The reader keeps pointers into body until the
 * next read; its lists are reused from entry to entry. */
ledger_rows_read_result ledger_rows_read(ledger_rows_reader *rd, const char *body, size_t len);

/* The bytes of a string cell of the entry last read. */
static inline const char *ledger_rows_cell_text(const ledger_rows_reader *rd,
                                                const ledger_rows_cell *c)
{
    return (c->unescaped ? rd->text : rd->body) + c->off;
}

void ledger_rows_reader_release(ledger_rows_reader *rd);

#endif
