/*
 * book.c - the workbook wrapper over libxlsxwriter (book_int.h).
 *
 * Determinism: libxlsxwriter takes the `created` document property from us
 * (the as-of date at 00:00 UTC) and otherwise writes the same bytes for the
 * same calls, so a workbook's bytes depend only on the data. Nothing here
 * reads the clock.
 *
 * Each sheet's content hash is fed through a 64 KiB buffer so that hashing a
 * million-row ledger costs one SHA-256 pass over short lines, not one
 * EVP_DigestUpdate per cell.
 */
#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "book_int.h"
#include "labels_int.h"
#include "private_file.h"
#include "text.h"

#define SHEETS_MAX     16
#define HASH_BUF       65536
#define CHARTS_MAX     16
#define SHEET_NAME_MAX 32
#define COLS_MAX       32

struct report_sheet {
    report_book *book;
    lxw_worksheet *ws;
    char name[SHEET_NAME_MAX * 4];
    EVP_MD_CTX *hash;
    unsigned char *buf;
    size_t used;
    /* The cells' canonical lines not yet hashed (book.c, "Sheet hashes"). */
    struct canon_cell *canon;
    size_t ncanon, canon_cap;
    char *arena;
    size_t arena_used, arena_cap;
    uint32_t canon_seq;
    int canon_max_row;
    int header_row; /* -1: no table */
    int cols;
    int last_row;
    int64_t rows; /* data rows (below the header) */
    /* Widths in tenths of a character unit: the widest content seen in each
     * column, and the width each column was given (kept for wrapped
     * columns, whose text wraps instead of widening them). */
    int measured[COLS_MAX];
    int declared[COLS_MAX];
    bool wraps[COLS_MAX];
    int max_col;
    lxw_format *col_fmt[COLS_MAX];
    int total_row;                    /* -1: none; its cells are bold with a rule above */
    bool filtered;                    /* the autofilter is set (above the totals row) */
    int tall_row, tall_lines;         /* the row last made taller for wrapped text */
    uint64_t widest_number[COLS_MAX]; /* the largest magnitude measured, plus one */
};

struct report_chart {
    report_book *book;
    lxw_chart *chart;
    lxw_worksheet *page; /* the chart's own sheet, after its data's */
    int series;
};

struct report_book {
    lxw_workbook *wb;
    char part[4096]; /* where the workbook is written */
    report_lang lang;
    char kind[32];
    char title[256];
    char institution[128];
    int widest10; /* the widest sheet, in tenths of a unit: chooses the paper */
    ld_date as_of;
    lxw_error first_error;
    bool oom;
    bool streaming;     /* constant_memory: rows are written once, in order */
    bool dense;         /* report_book_spec.dense */
    lxw_format *f_text; /* dense books' plain text (9 points) */
    lxw_format *f_header, *f_money, *f_date, *f_int, *f_id, *f_pct, *f_rate, *f_wrap, *f_label,
        *f_heading, *f_total_text, *f_total_money, *f_total_int, *f_total_pct, *f_hash, *f_decimal;
    report_sheet sheets[SHEETS_MAX];
    int sheet_count;
    report_chart charts[CHARTS_MAX];
    int chart_count;
};

static void note(report_book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->first_error == LXW_NO_ERROR)
        b->first_error = e;
}

report_lang report_book_lang(const report_book *book)
{
    return book->lang;
}

/* Dense books' type size, in points, and their rows' height. */
#define DENSE_POINTS 9
#define DENSE_ROW    12.0

static lxw_format *fmt(report_book *b, const char *num_format, bool bold, bool wrap)
{
    lxw_format *f = workbook_add_format(b->wb);
    if (b->dense)
        format_set_font_size(f, DENSE_POINTS);
    if (num_format != NULL)
        format_set_num_format(f, num_format);
    if (bold)
        format_set_bold(f);
    if (wrap) {
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    }
    return f;
}

ld_status report_book_open(const report_book_spec *spec, report_book **out, ld_error *err)
{
    report_book *b = calloc(1, sizeof *b);
    if (b == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    lxw_workbook_options opts = {.constant_memory = spec->constant_memory ? LXW_TRUE : LXW_FALSE,
                                 .tmpdir = (char *)spec->tmpdir,
                                 .use_zip64 = LXW_TRUE};
    if (strlen(spec->path) + sizeof ".part" > sizeof b->part) {
        free(b);
        return LD_FAIL(err, LD_EINVAL, "output: the file name is too long");
    }
    report_part_path(spec->path, b->part, sizeof b->part);
    /* libxlsxwriter opens its output by name with fopen, which would create
     * it 0644 less the umask; made here first, 0600, it keeps that mode when
     * reopened, and through the rename into place (private_file.h). */
    FILE *part = NULL;
    ld_status st = core_private_file_create(b->part, &part, err);
    if (st != LD_OK) {
        free(b);
        return st;
    }
    fclose(part);
    b->wb = workbook_new_opt(b->part, &opts);
    if (b->wb == NULL) {
        unlink(b->part);
        free(b);
        return LD_FAIL(err, LD_EINTERNAL, "%s: cannot create the workbook", spec->path);
    }
    b->lang = spec->lang;
    b->as_of = spec->as_of;
    b->streaming = spec->constant_memory;
    b->dense = spec->dense;
    snprintf(b->kind, sizeof b->kind, "%s", spec->kind);
    snprintf(b->title, sizeof b->title, "%s",
             spec->lang == REPORT_LANG_EN ? spec->title_en : spec->title_zh);
    snprintf(b->institution, sizeof b->institution, "%s",
             spec->company != NULL && spec->company[0] != '\0' ? spec->company : "loandesk");
    /* Fixed properties: the same data gives the same bytes (docs/design.md). */
    lxw_doc_properties props = {
        .title = b->title,
        .subject = b->kind,
        .author = "loandesk",
        .company = b->institution,
        .comments = "loandesk signed workbook; see the signature sheet",
        .created = (time_t)spec->as_of * 86400,
    };
    note(b, workbook_set_properties(b->wb, &props));
    b->f_header = fmt(b, NULL, true, true);
    format_set_bg_color(b->f_header, 0xDDEBF7);
    format_set_bottom(b->f_header, LXW_BORDER_THIN);
    b->f_money = fmt(b, "#,##0.00", false, false);
    b->f_date = fmt(b, "yyyy-mm-dd", false, false);
    b->f_int = fmt(b, "#,##0", false, false);
    b->f_id = fmt(b, "0", false, false);
    b->f_pct = fmt(b, "0.00%", false, false);
    b->f_rate = fmt(b, "0.0000%", false, false);
    b->f_decimal = fmt(b, "#,##0.0000", false, false);
    b->f_wrap = fmt(b, NULL, false, true);
    b->f_label = fmt(b, NULL, true, false);
    b->f_heading = fmt(b, NULL, true, false);
    format_set_font_size(b->f_heading, 14);
    b->f_text = b->dense ? fmt(b, NULL, false, false) : NULL;
    /* Totals rows: bold, a rule above. */
    b->f_total_text = fmt(b, NULL, true, false);
    b->f_total_money = fmt(b, "#,##0.00", true, false);
    b->f_total_int = fmt(b, "#,##0", true, false);
    b->f_total_pct = fmt(b, "0.00%", true, false);
    lxw_format *totals[] = {b->f_total_text, b->f_total_money, b->f_total_int, b->f_total_pct};
    for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
        format_set_top(totals[i], LXW_BORDER_THIN);
    /* Hashes and fingerprints: a fixed-pitch face, wrapped inside their cell
     * should a viewer's font run wider, never spilling onto another page. */
    b->f_hash = fmt(b, NULL, false, true);
    format_set_font_name(b->f_hash, "Courier New");
    format_set_font_size(b->f_hash, 8);
    *out = b;
    return LD_OK;
}

static void canon_flush(report_sheet *s);

static void hash_flush(report_sheet *s)
{
    if (s->used > 0)
        EVP_DigestUpdate(s->hash, s->buf, s->used);
    s->used = 0;
}

static void hash_bytes(report_sheet *s, const char *p, size_t n)
{
    while (n > 0) {
        if (s->used == HASH_BUF)
            hash_flush(s);
        size_t take = HASH_BUF - s->used < n ? HASH_BUF - s->used : n;
        memcpy(s->buf + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
    }
}

/* Decimal text of v into buf (no snprintf: this runs once per cell). */
static size_t int_text(int64_t v, char *buf)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    size_t len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = tmp[--n];
    return len;
}

/* ---- Sheet hashes ---------------------------------------------------------------
 * A sheet's hash is over its cells as the xlsx stores them (xlsx_read.h):
 * "REF \t TYPE \t VALUE \n" in row and column order, TYPE "s" for a shared
 * string, "inlineStr" for a streamed sheet's strings, "n" for a number whose
 * VALUE is the text libxlsxwriter writes ("%.16G"). Cells are written in any
 * order and may be written twice; each sheet keeps its cells' lines and sorts
 * them when it closes (a streamed sheet whenever a later row begins, as
 * libxlsxwriter writes its rows), the last write of a cell winning. An
 * independent reader recomputes the same lines from the file (verify.c). */

typedef struct canon_cell {
    int row, col;
    uint32_t seq, len;
    size_t off;
} canon_cell;

static void canon_push(report_sheet *s, int row, int col, const char *tail, size_t n)
{
    if (s->book->streaming && row > s->canon_max_row && s->ncanon > 0)
        canon_flush(s);
    if (s->ncanon == s->canon_cap) {
        size_t cap = s->canon_cap > 0 ? s->canon_cap * 2 : 64;
        canon_cell *c = realloc(s->canon, cap * sizeof *c);
        if (c == NULL) {
            s->book->oom = true;
            return;
        }
        s->canon = c;
        s->canon_cap = cap;
    }
    if (s->arena_used + n > s->arena_cap) {
        size_t cap = s->arena_cap > 0 ? s->arena_cap : 4096;
        while (s->arena_used + n > cap)
            cap *= 2;
        char *a = realloc(s->arena, cap);
        if (a == NULL) {
            s->book->oom = true;
            return;
        }
        s->arena = a;
        s->arena_cap = cap;
    }
    memcpy(s->arena + s->arena_used, tail, n);
    s->canon[s->ncanon++] = (canon_cell){
        .row = row, .col = col, .seq = s->canon_seq++, .len = (uint32_t)n, .off = s->arena_used};
    s->arena_used += n;
    if (row > s->canon_max_row)
        s->canon_max_row = row;
}

static int canon_order(const void *a, const void *b)
{
    const canon_cell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void canon_flush(report_sheet *s)
{
    if (s->ncanon > 1) {
        /* A streamed row arrives in column order but for a few cells. */
        bool sorted = true;
        for (size_t i = 1; i < s->ncanon && sorted; i++)
            sorted = canon_order(&s->canon[i - 1], &s->canon[i]) < 0;
        if (!sorted)
            qsort(s->canon, s->ncanon, sizeof *s->canon, canon_order);
    }
    for (size_t i = 0; i < s->ncanon; i++) {
        const canon_cell *c = &s->canon[i];
        if (i + 1 < s->ncanon && s->canon[i + 1].row == c->row && s->canon[i + 1].col == c->col)
            continue; /* written again later */
        char ref[LXW_MAX_CELL_NAME_LENGTH + 1];
        lxw_rowcol_to_cell(ref, (lxw_row_t)c->row, (lxw_col_t)c->col);
        hash_bytes(s, ref, strlen(ref));
        hash_bytes(s, "\t", 1);
        hash_bytes(s, s->arena + c->off, c->len);
    }
    s->ncanon = 0;
    s->arena_used = 0;
}

/* "%.16G" of v, as libxlsxwriter writes numbers, computed exactly with
 * integer arithmetic for |v| in [1e-4, 1e16) (a million-row ledger formats
 * ten million amounts: snprintf would cost as much as the rest of the
 * hashing). v = m * 2^e exactly; N = round(|v| * 10^(15 - X)) to even is its
 * 16 significant digits, X its decimal exponent. 0 when v is outside. */
static size_t g16_exact(double v, char *out)
{
    static const uint64_t pow10[20] = {1u,
                                       10u,
                                       100u,
                                       1000u,
                                       10000u,
                                       100000u,
                                       1000000u,
                                       10000000u,
                                       100000000u,
                                       1000000000u,
                                       10000000000u,
                                       100000000000u,
                                       1000000000000u,
                                       10000000000000u,
                                       100000000000000u,
                                       1000000000000000u,
                                       10000000000000000u,
                                       100000000000000000u,
                                       1000000000000000000u,
                                       10000000000000000000u};
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7FF);
    if (biased == 0 || biased == 0x7FF)
        return 0;
    uint64_t m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
    int shift = 1075 - biased; /* |v| = m / 2^shift */
    if (shift <= 0 || shift > 120)
        return 0;
    /* The decimal exponent from the binary one (log10 2 is about 0.30103),
     * corrected below. */
    int x = (int)((52 - shift) * 30103 / 100000) - ((52 - shift) < 0 ? 1 : 0);
    unsigned __int128 n = 0;
    for (int tries = 0; tries < 4; tries++) {
        int k = 15 - x;
        if (k < 0 || k > 19)
            return 0;
        unsigned __int128 num = (unsigned __int128)m * pow10[k];
        unsigned __int128 q = num >> shift, r = num - (q << shift);
        unsigned __int128 half = (unsigned __int128)1 << (shift - 1);
        if (r > half || (r == half && (q & 1)))
            q++;
        if (q >= pow10[16] && q != pow10[16]) {
            x++;
            continue;
        }
        if (q < pow10[15]) {
            x--;
            continue;
        }
        n = q;
        break;
    }
    if (n == 0)
        return 0;
    if (n == pow10[16]) { /* rounded up into the next decade */
        n = pow10[15];
        x++;
    }
    if (x < -4 || x >= 16)
        return 0;
    char digits[17];
    for (int i = 15; i >= 0; i--) {
        digits[i] = (char)('0' + (int)(n % 10));
        n /= 10;
    }
    int last = 15; /* the last significant digit */
    while (last > 0 && digits[last] == '0')
        last--;
    size_t len = 0;
    if (bits >> 63)
        out[len++] = '-';
    if (x >= 0) {
        for (int i = 0; i <= x; i++)
            out[len++] = digits[i];
        if (last > x) {
            out[len++] = '.';
            for (int i = x + 1; i <= last; i++)
                out[len++] = digits[i];
        }
    } else {
        out[len++] = '0';
        out[len++] = '.';
        for (int i = 0; i < -x - 1; i++)
            out[len++] = '0';
        for (int i = 0; i <= last; i++)
            out[len++] = digits[i];
    }
    out[len] = '\0';
    return len;
}

size_t report_number_text(double v, char out[REPORT_NUMBER_TEXT])
{
    size_t n = 0;
    if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v && (v != 0 || !signbit(v)))
        n = int_text((int64_t)v, out);
    else if ((n = g16_exact(v, out)) == 0) {
        int k = snprintf(out, REPORT_NUMBER_TEXT, "%.16G", v);
        n = k > 0 && k < REPORT_NUMBER_TEXT ? (size_t)k : 0;
    }
    out[n] = '\0';
    return n;
}

/* A number cell: the value's text as libxlsxwriter writes it. */
static void canon_number(report_sheet *s, int row, int col, double v)
{
    char line[REPORT_NUMBER_TEXT + 4] = "n\t";
    size_t n = 2 + report_number_text(v, line + 2);
    line[n++] = '\n';
    canon_push(s, row, col, line, n);
}

/* A text cell as the xlsx stores it: control characters but tab and newline
 * as libxlsxwriter escapes them (_xHHHH_), then \ tab and newline escaped for
 * the line. Empty text is not written, so not hashed. Returns the text's
 * width in tenths of a unit, measured in the same pass over the bytes (this
 * runs once per cell of a million-row ledger): three-byte characters from
 * U+3000 on (CJK, Hangul, full-width forms) and four-byte ones are wide. */
static int canon_text(report_sheet *s, int row, int col, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    int w = 0;
    if (*p == '\0')
        return 0;
    char stack[512];
    size_t cap = sizeof stack, n = 0;
    char *line = stack;
    const char *type = s->book->streaming ? "inlineStr\t" : "s\t";
    size_t tl = strlen(type);
    memcpy(line, type, tl);
    n = tl;
    for (; *p != '\0'; p++) {
        unsigned c = *p;
        if (n + 16 > cap) {
            size_t ncap = cap * 2;
            char *bigger = line == stack ? malloc(ncap) : realloc(line, ncap);
            if (bigger == NULL) {
                if (line != stack)
                    free(line);
                s->book->oom = true;
                return w;
            }
            if (line == stack)
                memcpy(bigger, stack, n);
            line = bigger;
            cap = ncap;
        }
        if (c < 0x80) {
            w += c - 'A' < 26u || c == 'm' || c == 'w' ? 13 : 10;
            if (c == '\\' || c == '\t' || c == '\n') {
                line[n++] = '\\';
                line[n++] = c == '\\' ? '\\' : c == '\t' ? 't' : 'n';
            } else if (c < 0x20) {
                static const char hex[] = "0123456789ABCDEF";
                memcpy(line + n, "_x00", 4);
                line[n + 4] = hex[c >> 4];
                line[n + 5] = hex[c & 15];
                line[n + 6] = '_';
                n += 7;
            } else {
                line[n++] = (char)c;
            }
        } else {
            if (c >= 0xC0)
                w += c >= 0xF0 || (c >= 0xE3 && c != 0xEE) ||
                             (c == 0xE1 && p[1] >= 0x84 && p[1] <= 0x85)
                         ? 20
                         : 10;
            line[n++] = (char)c;
        }
    }
    line[n++] = '\n';
    canon_push(s, row, col, line, n);
    if (line != stack)
        free(line);
    return w;
}

/* ---- Column widths ------------------------------------------------------------
 * A character unit is the width of a digit of the default font. East Asian
 * wide characters take two; capitals a little more than one. */

static bool east_asian_wide(unsigned cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
}

/* The width of the widest line of well-formed UTF-8 text, in tenths. */
static int text_width10(const char *t)
{
    int widest = 0, w = 0;
    const unsigned char *p = (const unsigned char *)t;
    while (*p != '\0') {
        unsigned cp = *p++;
        if (cp >= 0xC0) {
            int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : 1;
            cp &= more == 1 ? 0x1Fu : more == 2 ? 0x0Fu : 0x07u;
            for (; more > 0 && (*p & 0xC0) == 0x80; more--)
                cp = cp << 6 | (*p++ & 0x3Fu);
        }
        if (cp == '\n') {
            widest = w > widest ? w : widest;
            w = 0;
        } else if (east_asian_wide(cp)) {
            w += 20;
        } else if ((cp >= 'A' && cp <= 'Z') || cp == 'm' || cp == 'w') {
            w += 13;
        } else {
            w += 10;
        }
    }
    return w > widest ? w : widest;
}

/* The width a column label needs when it may wrap onto two lines: its
 * longest word, or half of it for labels without spaces (Chinese wraps
 * between any two characters). */
static int label_width10(const char *label)
{
    int total = text_width10(label);
    if (strchr(label, ' ') == NULL)
        return total >= 80 ? total / 2 + 20 : total;
    int longest = 0;
    char word[128];
    for (const char *p = label; *p != '\0';) {
        size_t n = strcspn(p, " ");
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
        int w = text_width10(word);
        longest = w > longest ? w : longest;
        p += n;
        while (*p == ' ')
            p++;
    }
    int half = total / 2 + 30;
    return half > longest ? half : longest;
}

/* Digits of |v| with thousands separators. */
static int grouped_digits(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n + (n - 1) / 3;
}

static void measure(report_sheet *s, int col, int w10)
{
    if (col < 0 || col >= COLS_MAX)
        return;
    if (col > s->max_col)
        s->max_col = col;
    if (w10 > s->measured[col])
        s->measured[col] = w10;
}

static void measure_number(report_sheet *s, int col, int64_t v, int decimals)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    /* Most numbers are no wider than the widest seen in their column. */
    if (col >= 0 && col < COLS_MAX && u < s->widest_number[col] && v >= 0)
        return;
    if (col >= 0 && col < COLS_MAX && u >= s->widest_number[col] && u < UINT64_MAX)
        s->widest_number[col] = u + 1;
    int w = grouped_digits(u) + (v < 0 ? 1 : 0) + (decimals > 0 ? decimals + 1 : 0);
    measure(s, col, w * 10);
}

void report_sheet_total_row(report_sheet *s, int row)
{
    s->total_row = row;
    /* The filter covers the rows, not the totals under them; set now, while
     * a streamed sheet still stands on its last data row. */
    if (s->ws != NULL && s->header_row >= 0 && row - 1 > s->header_row) {
        note(s->book, worksheet_autofilter(s->ws, (lxw_row_t)s->header_row, 0, (lxw_row_t)(row - 1),
                                           (lxw_col_t)(s->cols - 1)));
        s->filtered = true;
    }
}

static void mark_row(report_sheet *s, int row)
{
    if (row > s->last_row)
        s->last_row = row;
}

report_sheet *report_book_sheet(report_book *b, const char *zh, const char *en)
{
    if (b->sheet_count >= SHEETS_MAX - 1) {
        note(b, LXW_ERROR_PARAMETER_VALIDATION);
        return &b->sheets[SHEETS_MAX - 1];
    }
    report_sheet *s = &b->sheets[b->sheet_count++];
    memset(s, 0, sizeof *s);
    s->book = b;
    snprintf(s->name, sizeof s->name, "%s", b->lang == REPORT_LANG_EN ? en : zh);
    s->ws = workbook_add_worksheet(b->wb, s->name);
    s->hash = EVP_MD_CTX_new();
    s->buf = malloc(HASH_BUF);
    s->header_row = -1;
    s->canon_max_row = -1;
    s->last_row = -1;
    s->total_row = -1;
    s->tall_row = -1;
    if (b->dense && s->ws != NULL)
        worksheet_set_default_row(s->ws, DENSE_ROW, LXW_FALSE);
    if (s->ws == NULL || s->hash == NULL || s->buf == NULL ||
        EVP_DigestInit_ex(s->hash, EVP_sha256(), NULL) != 1)
        b->oom = true;
    return s;
}

static lxw_format *col_format(report_book *b, report_col_type t)
{
    switch (t) {
    case REPORT_COL_MONEY:
        return b->f_money;
    case REPORT_COL_DATE:
        return b->f_date;
    case REPORT_COL_INT:
        return b->f_int;
    case REPORT_COL_ID:
        return b->f_id;
    case REPORT_COL_PCT:
        return b->f_pct;
    case REPORT_COL_RATE:
        return b->f_rate;
    case REPORT_COL_WRAP:
        return b->f_wrap;
    case REPORT_COL_TEXT:
        break;
    }
    return NULL;
}

/* Remembers a column's declared width and format; widths are set at close. */
static void declare_col(report_sheet *s, int c, int width, bool wraps, lxw_format *format)
{
    if (c < 0 || c >= COLS_MAX)
        return;
    s->declared[c] = width * 10;
    s->wraps[c] = wraps;
    s->col_fmt[c] = format;
    if (c > s->max_col)
        s->max_col = c;
    note(s->book, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, width, format));
}

void report_sheet_table(report_sheet *s, int header_row, const report_col *cols, int count)
{
    report_book *b = s->book;
    if (s->ws == NULL)
        return;
    s->header_row = header_row;
    s->cols = count;
    /* Two lines for the labels, which wrap rather than widen the table. */
    note(b, worksheet_set_row(s->ws, (lxw_row_t)header_row, b->dense ? 2 * DENSE_ROW : 30.0, NULL));
    for (int c = 0; c < count; c++) {
        declare_col(s, c, (int)cols[c].width, cols[c].type == REPORT_COL_WRAP,
                    col_format(b, cols[c].type));
        /* A table's columns fit their content; only wrapped ones keep the
         * width they were given. */
        if (cols[c].type != REPORT_COL_WRAP)
            s->declared[c] = 0;
        const char *label = b->lang == REPORT_LANG_EN ? cols[c].en : cols[c].zh;
        note(b, worksheet_write_string(s->ws, (lxw_row_t)header_row, (lxw_col_t)c, label,
                                       b->f_header));
        /* Bold runs a tenth wider. */
        measure(s, c, label_width10(label) * 11 / 10);
        canon_text(s, header_row, c, label);
    }
    mark_row(s, header_row);
    worksheet_freeze_panes(s->ws, (lxw_row_t)(header_row + 1), 0);
}

void report_sheet_form(report_sheet *s, int label_width, int value_width)
{
    if (s->ws == NULL)
        return;
    declare_col(s, 0, label_width, false, s->book->f_label);
    declare_col(s, 1, value_width, true, NULL);
}

/* Counts each row below the header once, the first time a cell lands in it. */
static void count_row(report_sheet *s, int row)
{
    if (row > s->last_row) {
        if (row > s->header_row && row != s->total_row)
            s->rows++;
        s->last_row = row;
    }
}

/* Writes and hashes one text cell. Rows stored before input was checked may
 * hold malformed UTF-8, which would make the sheet's XML malformed and the
 * workbook unreadable: such bytes are shown as U+FFFD, and the cell is hashed
 * as written. Well-formed text, the rule, is written without a copy. */
static void write_text(report_sheet *s, int row, int col, const char *text, lxw_format *format)
{
    const char *t = text != NULL ? text : "";
    size_t len = strlen(t);
    char *repaired = NULL;
    if (!core_utf8_valid(t, len)) {
        repaired = core_utf8_repair(t, len);
        if (repaired == NULL) {
            s->book->oom = true;
            return;
        }
        t = repaired;
    }
    count_row(s, row);
    int width = canon_text(s, row, col, t);
    if (format == NULL && row == s->total_row)
        format = s->book->f_total_text;
    if (format == NULL)
        format = s->book->f_text;
    if (format != s->book->f_wrap)
        measure(s, col, width);
    if (t[0] != '\0')
        note(s->book, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, t, format));
    free(repaired);
}

void report_cell_text(report_sheet *s, int row, int col, const char *text)
{
    if (s->ws == NULL)
        return;
    write_text(s, row, col, text, NULL);
}

void report_cell_wrap(report_sheet *s, int row, int col, const char *text)
{
    if (s->ws == NULL)
        return;
    write_text(s, row, col, text, s->book->f_wrap);
    /* Not every viewer grows a row for its wrapped text: the row is made as
     * tall as the longest text of it needs in its column's width. A streamed
     * sheet has written the row already; it keeps its height. */
    /* Four fifths of the width: viewers' fonts run wider than the units. */
    int width = (col < COLS_MAX && s->declared[col] > 0 ? s->declared[col] : 300) * 4 / 5;
    int lines = text != NULL ? (text_width10(text) + width - 1) / width : 1;
    if (row != s->tall_row) {
        s->tall_row = row;
        s->tall_lines = 1;
    }
    if (lines > s->tall_lines && !s->book->streaming) {
        s->tall_lines = lines;
        note(s->book, worksheet_set_row(s->ws, (lxw_row_t)row, 15.0 * lines, NULL));
    }
}

void report_cell_span(report_sheet *s, int row, int col, int last_col, const char *text)
{
    if (s->ws == NULL)
        return;
    const char *t = text != NULL ? text : "";
    char *repaired = NULL;
    if (!core_utf8_valid(t, strlen(t))) {
        if ((repaired = core_utf8_repair(t, strlen(t))) == NULL) {
            s->book->oom = true;
            return;
        }
        t = repaired;
    }
    count_row(s, row);
    canon_text(s, row, col, t);
    if (col > s->max_col)
        s->max_col = col;
    /* Merged cells do not grow with their text in every viewer: the row is
     * made as tall as the lines the text takes across the span's declared
     * widths. */
    int span10 = 0;
    for (int c = col; c <= last_col && c < COLS_MAX; c++)
        span10 += s->declared[c] > 0 ? s->declared[c] : 100;
    span10 = span10 * 4 / 5; /* viewers' fonts run wider than the units */
    int lines = span10 > 0 ? (text_width10(t) + span10 - 1) / span10 : 1;
    for (const char *p = t; *p != '\0'; p++)
        lines += *p == '\n';
    if (lines > 1)
        note(s->book, worksheet_set_row(s->ws, (lxw_row_t)row, 15.0 * lines, NULL));
    note(s->book, worksheet_merge_range(s->ws, (lxw_row_t)row, (lxw_col_t)col, (lxw_row_t)row,
                                        (lxw_col_t)last_col, t, s->book->f_wrap));
    free(repaired);
}

void report_cell_section(report_sheet *s, int row, int col, const char *text)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    canon_text(s, row, col, text);
    note(s->book,
         worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, s->book->f_label));
}

void report_cell_header(report_sheet *s, int row, int col, const char *text)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    canon_text(s, row, col, text);
    measure(s, col, label_width10(text) * 11 / 10);
    note(s->book, worksheet_set_row(s->ws, (lxw_row_t)row, 30.0, NULL));
    note(s->book,
         worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, s->book->f_header));
}

void report_sheet_wrap_column(report_sheet *s, int col, int width)
{
    if (s->ws != NULL)
        declare_col(s, col, width, true, s->book->f_wrap);
}

void report_sheet_columns(report_sheet *s, const int *widths, int count)
{
    if (s->ws == NULL)
        return;
    for (int c = 0; c < count && c < COLS_MAX; c++)
        declare_col(s, c, widths[c], false, NULL);
}

void report_cell_heading(report_sheet *s, int row, int col, const char *text)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    canon_text(s, row, col, text);
    note(s->book,
         worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, s->book->f_heading));
}

void report_cell_money(report_sheet *s, int row, int col, ld_money fen)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    canon_number(s, row, col, (double)fen / 100.0);
    measure_number(s, col, fen / 100, 2);
    /* The one place money becomes a double: the xlsx number of the cell. */
    note(s->book,
         worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, (double)fen / 100.0,
                                row == s->total_row ? s->book->f_total_money : s->book->f_money));
}

void report_cell_date(report_sheet *s, int row, int col, ld_date date)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    int y = 0, m = 0, d = 0;
    /* 1900-01-01 is day -25567; earlier values are "no date" markers. */
    if (date >= -25567 && date <= 2932896)
        ld_date_to_ymd(date, &y, &m, &d);
    if (y < 1900 || y > 9999)
        return;
    lxw_datetime dt = {.year = y, .month = m, .day = d};
    canon_number(s, row, col, lxw_datetime_to_excel_datetime(&dt));
    measure(s, col, 100);
    note(s->book,
         worksheet_write_datetime(s->ws, (lxw_row_t)row, (lxw_col_t)col, &dt, s->book->f_date));
}

void report_cell_int(report_sheet *s, int row, int col, int64_t value)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    canon_number(s, row, col, (double)value);
    measure_number(s, col, value, 0);
    note(s->book,
         worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, (double)value,
                                row == s->total_row ? s->book->f_total_int : s->book->f_int));
}

void report_cell_rate(report_sheet *s, int row, int col, ld_rate millionths)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    canon_number(s, row, col, (double)millionths / 1e6);
    measure(s, col, 90);
    note(s->book, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col,
                                         (double)millionths / 1e6, s->book->f_rate));
}

static void ratio_cell(report_sheet *s, int row, int col, int64_t num, int64_t den,
                       lxw_format *format);

void report_cell_ratio(report_sheet *s, int row, int col, int64_t num, int64_t den)
{
    ratio_cell(s, row, col, num, den, row == s->total_row ? s->book->f_total_pct : s->book->f_pct);
}

void report_cell_decimal(report_sheet *s, int row, int col, int64_t num, int64_t den)
{
    ratio_cell(s, row, col, num, den, s->book->f_decimal);
}

static void ratio_cell(report_sheet *s, int row, int col, int64_t num, int64_t den,
                       lxw_format *format)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    double v = den != 0 ? (double)num / (double)den : 0.0;
    canon_number(s, row, col, v);
    measure(s, col, v <= -10.0 || v >= 10.0 ? 90 : 80);
    if (format == s->book->f_decimal)
        measure_number(s, col, den != 0 ? num / den : 0, 4);
    note(s->book, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, format));
}

report_chart *report_chart_add(report_book *b, report_sheet *at, report_chart_kind kind,
                               const char *title)
{
    if (b->chart_count >= CHARTS_MAX || at->ws == NULL) {
        note(b, LXW_ERROR_PARAMETER_VALIDATION);
        return NULL;
    }
    uint8_t type = kind == REPORT_CHART_PIE    ? LXW_CHART_PIE
                   : kind == REPORT_CHART_LINE ? LXW_CHART_LINE
                                               : LXW_CHART_COLUMN;
    report_chart *c = &b->charts[b->chart_count++];
    c->book = b;
    c->series = 0;
    c->chart = workbook_add_chart(b->wb, type);
    if (c->chart == NULL) {
        b->oom = true;
        return NULL;
    }
    chart_title_set_name(c->chart, title);
    /* A chart prints on a sheet of its own, one whole page, right after its
     * data: set there at close, as libxlsxwriter wants the series first. */
    char name[SHEET_NAME_MAX * 4 + 16];
    snprintf(name, sizeof name, "%s%s", at->name, REPORT_L(b, "图", " chart"));
    c->page = workbook_add_worksheet(b->wb, name);
    if (c->page == NULL)
        b->oom = true;
    return c;
}

void report_chart_series(report_chart *c, const report_sheet *data, int first_row, int last_row,
                         int category_col, int value_col, const char *name)
{
    if (c == NULL || last_row < first_row)
        return;
    lxw_chart_series *s = chart_add_series(c->chart, NULL, NULL);
    if (s == NULL) {
        c->book->oom = true;
        return;
    }
    chart_series_set_categories(s, data->name, (lxw_row_t)first_row, (lxw_col_t)category_col,
                                (lxw_row_t)last_row, (lxw_col_t)category_col);
    chart_series_set_values(s, data->name, (lxw_row_t)first_row, (lxw_col_t)value_col,
                            (lxw_row_t)last_row, (lxw_col_t)value_col);
    if (name != NULL)
        chart_series_set_name(s, name);
    c->series++;
}

static void free_sheets(report_book *b)
{
    for (int i = 0; i < b->sheet_count; i++) {
        EVP_MD_CTX_free(b->sheets[i].hash);
        free(b->sheets[i].buf);
        free(b->sheets[i].canon);
        free(b->sheets[i].arena);
    }
}

void report_book_discard(report_book *b)
{
    if (b == NULL)
        return;
    free_sheets(b);
    /* libxlsxwriter has no way to drop a workbook without writing it. */
    workbook_close(b->wb);
    unlink(b->part);
    free(b);
}

void report_part_path(const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s.part", path);
}

ld_status report_publish(const char *path, ld_error *err)
{
    char part[4096 + 8];
    report_part_path(path, part, sizeof part);
    if (rename(part, path) != 0)
        return LD_FAIL(err, LD_EINTERNAL, "%s: cannot put the report in place: %s", path,
                       strerror(errno));
    return LD_OK;
}

void report_abandon(const char *path)
{
    char part[4096 + 8];
    report_part_path(path, part, sizeof part);
    unlink(part);
}

/* ---- Print layout --------------------------------------------------------------
 * Every sheet prints one page wide on the paper that suits its width (A4
 * portrait, A4 landscape, A3 landscape), with its header row repeated on
 * every page, the institution, report and business date in the page header,
 * and the page number, signer and sheet in the footer. */

enum { A4 = 9, A3 = 8 };

/* Appends text to buf with the header/footer control character & doubled. */
static void hf_append(char *buf, size_t size, const char *text)
{
    size_t n = strlen(buf);
    for (const char *p = text; *p != '\0' && n + 2 < size; p++) {
        if (*p == '&')
            buf[n++] = '&';
        buf[n++] = *p;
    }
    buf[n] = '\0';
}

/* Appends a control sequence (&L, &C, &P...) as it is. */
static void hf_code(char *buf, size_t size, const char *code)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s", code);
}

static void header_footer(report_book *b, lxw_worksheet *ws, const char *signer)
{
    char date[LD_DATE_TEXT_MAX];
    ld_date_format(b->as_of, date);
    /* libxlsxwriter takes at most 255 bytes of each. */
    char head[256] = "", foot[256] = "";
    hf_code(head, sizeof head, "&L");
    hf_append(head, sizeof head, b->institution);
    hf_code(head, sizeof head, "&C");
    hf_append(head, sizeof head, b->title);
    hf_code(head, sizeof head, "&R");
    hf_append(head, sizeof head, REPORT_L(b, "业务日期 ", "Business date "));
    hf_append(head, sizeof head, date);
    hf_code(foot, sizeof foot, "&L");
    hf_append(foot, sizeof foot, REPORT_L(b, "签名人：", "Signed by: "));
    hf_append(foot, sizeof foot, signer);
    hf_code(foot, sizeof foot, REPORT_L(b, "&C第 &P 页，共 &N 页&R&A", "&CPage &P of &N&R&A"));
    lxw_header_footer_options o = {.margin = 0.3};
    note(b, worksheet_set_header_opt(ws, head, &o));
    note(b, worksheet_set_footer_opt(ws, foot, &o));
}

/* One paper for the whole workbook, the one its widest sheet needs (a
 * document is filed on one paper; some viewers also lay every sheet out on
 * the first sheet's paper): printable widths at full scale, margins of half
 * an inch, are about 100 units on A4 portrait, 148 on A4 landscape and 213 on
 * A3 landscape. Each sheet is then scaled to one page wide, to no less than
 * about three fifths. */
/* A dense book's page for a sheet width10 wide on paper of width and height
 * in millimetres (margins of half an inch and three quarters; about 0.54
 * units per millimetre of printable width): its rows, in tenths of a row,
 * and the scale that fits the width, in hundredths. */
static int64_t dense_rows(int width10, int w_mm, int h_mm, int *scale100)
{
    int64_t printable10 = (int64_t)(w_mm * 10 - 254) * 54 / 100; /* tenths of a unit */
    int64_t h_pt = (int64_t)(h_mm * 10 - 381) * 72 / 254;
    int64_t rows10 = h_pt * 10 / (int64_t)DENSE_ROW;
    *scale100 = width10 > printable10 ? (int)(printable10 * 100 / width10) : 100;
    return width10 > printable10 ? rows10 * printable10 / width10 : rows10;
}

static void page_setup(report_book *b, lxw_worksheet *ws, const char *signer, int width10)
{
    /* A dense book's 9-point type is scaled no further than about four
     * fifths on A4; wider books take A3. */
    int a4_limit = b->dense ? 1700 : 2200;
    bool a3 = b->widest10 > a4_limit, landscape = b->widest10 > 1700;
    if (b->dense) {
        /* Each sheet on the paper's side that prints the most of its rows
         * at nearly full scale: a narrow journal stands upright on the wide ledger's
         * paper. */
        int w = a3 ? 420 : 297, h = a3 ? 297 : 210, sl = 0, sp = 0;
        int64_t rows_l = dense_rows(width10, w, h, &sl), rows_p = dense_rows(width10, h, w, &sp);
        landscape = !(sp >= 90 && rows_p > rows_l);
    }
    worksheet_set_paper(ws, a3 ? A3 : A4);
    if (landscape)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_set_margins(ws, 0.5, 0.5, 0.75, 0.75);
    worksheet_fit_to_pages(ws, 1, 0);
    header_footer(b, ws, signer);
}

/* A chart's sheet: the chart alone, filling one page of the workbook's paper
 * (960 by 600 pixels, 15 default columns by 30 rows). A worksheet rather than
 * a chart sheet, which not every viewer prints. */
static void chart_page(report_book *b, report_chart *c, const char *signer)
{
    if (c->page == NULL || c->series == 0)
        return;
    lxw_chart_options opt = {.x_scale = 2.0, .y_scale = 600 / 288.0};
    note(b, worksheet_insert_chart_opt(c->page, 0, 0, c->chart, &opt));
    note(b, worksheet_print_area(c->page, 0, 0, 29, 14));
    page_setup(b, c->page, signer, b->widest10);
    worksheet_fit_to_pages(c->page, 1, 1);
}

/* The width a column prints at, in tenths: its content with room to spare,
 * or its declared width for wrapped text. */
static int col_width10(const report_sheet *s, int c)
{
    if (s->wraps[c])
        return s->declared[c] > 0 ? s->declared[c] : 300;
    /* A dense book's 9-point type takes nine elevenths of the units. */
    int w = s->book->dense ? s->measured[c] * 9 / 10 + 15 : s->measured[c] * 11 / 10 + 20;
    if (w < (s->book->dense ? 50 : 60))
        w = s->book->dense ? 50 : 60;
    if (w > 600)
        w = 600;
    return w > s->declared[c] ? w : s->declared[c];
}

static int sheet_width10(const report_sheet *s)
{
    int total10 = 0;
    for (int c = 0; c <= s->max_col && c < COLS_MAX; c++)
        total10 += col_width10(s, c);
    return total10;
}

static void layout_sheet(report_book *b, report_sheet *s, const char *signer)
{
    if (s->ws == NULL)
        return;
    for (int c = 0; c <= s->max_col && c < COLS_MAX; c++)
        note(b, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, col_width10(s, c) / 10.0,
                                     s->col_fmt[c]));
    int last = s->last_row < 0 ? 0 : s->last_row;
    int cols = s->max_col + 1;
    if (s->cols > cols)
        cols = s->cols;
    note(b, worksheet_print_area(s->ws, 0, 0, (lxw_row_t)last, (lxw_col_t)(cols - 1)));
    if (s->header_row >= 0)
        note(b, worksheet_repeat_rows(s->ws, (lxw_row_t)s->header_row, (lxw_row_t)s->header_row));
    page_setup(b, s->ws, signer, sheet_width10(s));
}

/* The signature sheet: written directly, it is not part of any hash. Long
 * values (hashes, fingerprints) sit in a wide wrapped cell spanning the
 * value columns, so no page holds the tail of one. */
static void signature_sheet(report_book *b, const report_book_seal *seal, char hashes[][65],
                            int data_sheets, const char *signer)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, REPORT_L(b, "签名", "Signature"));
    if (ws == NULL) {
        b->oom = true;
        return;
    }
    const char *labels_zh[] = {"报告",           "报告类型",      "业务日期",
                               "签名人",         "签名人角色",    "证书指纹 (SHA-256)",
                               "锚定账本条目数", "锚定账本根哈希"};
    const char *labels_en[] = {"Report",
                               "Kind",
                               "Business date",
                               "Signer",
                               "Signer role",
                               "Certificate fingerprint (SHA-256)",
                               "Anchored ledger size",
                               "Anchored ledger root"};
    int label10 = 0;
    for (int i = 0; i < 8; i++) {
        int w = text_width10(REPORT_L(b, labels_zh[i], labels_en[i])) * 11 / 10 + 20;
        label10 = w > label10 ? w : label10;
    }
    for (int i = 0; i < data_sheets; i++) {
        int w = text_width10(b->sheets[i].name) * 11 / 10 + 20;
        label10 = w > label10 ? w : label10;
    }
    worksheet_set_column(ws, 0, 0, label10 / 10.0, b->f_label);
    worksheet_set_column(ws, 1, 1, 72, NULL);
    worksheet_set_column(ws, 2, 2, 10, NULL);
    int r = 0;
    worksheet_write_string(ws, (lxw_row_t)r++, 0,
                           REPORT_L(b, "电子签名与账本锚定", "Signature and ledger anchor"),
                           b->f_heading);
    const char *kind = report_kind_label(b->lang, b->kind);
    const char *values[] = {
        b->title,
        kind,
        NULL,
        signer,
        seal->signer_role != NULL ? report_code_label(b->lang, "role", seal->signer_role) : "",
        seal->fingerprint != NULL ? seal->fingerprint : "",
        NULL,
        seal->anchor_root != NULL ? seal->anchor_root : ""};
    for (int i = 0; i < 8; i++, r++) {
        worksheet_write_string(ws, (lxw_row_t)r, 0, REPORT_L(b, labels_zh[i], labels_en[i]), NULL);
        if (i == 2) {
            int y, m, d;
            ld_date_to_ymd(b->as_of, &y, &m, &d);
            lxw_datetime dt = {.year = y, .month = m, .day = d};
            worksheet_write_datetime(ws, (lxw_row_t)r, 1, &dt, b->f_date);
        } else if (i == 6) {
            worksheet_write_number(ws, (lxw_row_t)r, 1, seal->anchor_size, b->f_int);
        } else {
            lxw_format *f = i == 5 || i == 7 ? b->f_hash : NULL;
            worksheet_merge_range(ws, (lxw_row_t)r, 1, (lxw_row_t)r, 2, values[i], f);
        }
    }
    worksheet_merge_range(ws, (lxw_row_t)r, 0, (lxw_row_t)r, 2,
                          REPORT_L(b, "签名文件：本文件名加 .p7s（DER 格式 CMS 分离签名）",
                                   "Signature file: this file's name + .p7s (detached DER CMS)"),
                          b->f_wrap);
    /* The form of the hashes below (xlsx_read.h, docs/reports.md). */
    worksheet_write_string(ws, (lxw_row_t)(r + 1), 0, REPORT_L(b, "哈希形式", "Sheet hash form"),
                           NULL);
    worksheet_write_string(ws, (lxw_row_t)(r + 1), 1, REPORT_SHEET_HASH_FORM, NULL);
    r += 3;
    int header = r;
    worksheet_write_string(ws, (lxw_row_t)r, 0, REPORT_L(b, "数据表", "Data sheet"), b->f_header);
    worksheet_write_string(ws, (lxw_row_t)r, 1, REPORT_L(b, "内容 SHA-256", "Content SHA-256"),
                           b->f_header);
    worksheet_write_string(ws, (lxw_row_t)r++, 2, REPORT_L(b, "行数", "Rows"), b->f_header);
    for (int i = 0; i < data_sheets; i++) {
        worksheet_write_string(ws, (lxw_row_t)r, 0, b->sheets[i].name, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 1, hashes[i], b->f_hash);
        worksheet_write_number(ws, (lxw_row_t)r++, 2, (double)b->sheets[i].rows, b->f_int);
    }
    worksheet_print_area(ws, 0, 0, (lxw_row_t)(r - 1), 2);
    worksheet_repeat_rows(ws, (lxw_row_t)header, (lxw_row_t)header);
    page_setup(b, ws, signer, label10 + 820);
}

ld_status report_book_close(report_book *b, const report_book_seal *seal, int64_t *rows_out,
                            ld_error *err)
{
    char hashes[SHEETS_MAX][65];
    int64_t rows = 0;
    int data_sheets = b->sheet_count;
    char signer[160];
    if (seal->signer == NULL)
        snprintf(signer, sizeof signer, "%s", REPORT_L(b, "（未签名）", "(unsigned)"));
    else if (seal->signer_name != NULL && seal->signer_name[0] != '\0' &&
             strcmp(seal->signer_name, seal->signer) != 0)
        snprintf(signer, sizeof signer, "%s (%s)", seal->signer_name, seal->signer);
    else
        snprintf(signer, sizeof signer, "%s", seal->signer);
    for (int i = 0; i < data_sheets; i++) {
        int w = sheet_width10(&b->sheets[i]);
        b->widest10 = w > b->widest10 ? w : b->widest10;
    }
    for (int i = 0; i < data_sheets; i++) {
        report_sheet *s = &b->sheets[i];
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int md_len = 0;
        hashes[i][0] = '\0';
        if (s->hash == NULL)
            continue;
        canon_flush(s);
        hash_flush(s);
        if (EVP_DigestFinal_ex(s->hash, md, &md_len) == 1 && md_len == 32) {
            static const char hex[] = "0123456789abcdef";
            for (unsigned j = 0; j < 32; j++) {
                hashes[i][2 * j] = hex[md[j] >> 4];
                hashes[i][2 * j + 1] = hex[md[j] & 15];
            }
            hashes[i][64] = '\0';
        }
        if (!s->filtered && s->header_row >= 0 && s->last_row > s->header_row && s->ws != NULL)
            note(b, worksheet_autofilter(s->ws, (lxw_row_t)s->header_row, 0, (lxw_row_t)s->last_row,
                                         (lxw_col_t)(s->cols - 1)));
        layout_sheet(b, s, signer);
        rows += s->rows;
    }
    if (seal->sheets_out != NULL && seal->sheets_out_size > 0) {
        size_t used = 0;
        seal->sheets_out[0] = '\0';
        for (int i = 0; i < data_sheets; i++) {
            int k = snprintf(seal->sheets_out + used, seal->sheets_out_size - used, "%s%s:%s",
                             i > 0 ? "/" : "", b->sheets[i].name, hashes[i]);
            if (k < 0 || (size_t)k >= seal->sheets_out_size - used) {
                b->oom = true;
                break;
            }
            used += (size_t)k;
        }
    }
    for (int i = 0; i < b->chart_count; i++)
        chart_page(b, &b->charts[i], signer);
    signature_sheet(b, seal, hashes, data_sheets, signer);
    free_sheets(b);
    lxw_error e = workbook_close(b->wb);
    note(b, e);
    bool oom = b->oom;
    lxw_error first = b->first_error;
    if (oom || first != LXW_NO_ERROR)
        unlink(b->part);
    free(b);
    if (oom)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory writing the workbook");
    if (first != LXW_NO_ERROR)
        return LD_FAIL(err, LD_EINTERNAL, "writing the workbook: %s", lxw_strerror(first));
    if (rows_out != NULL)
        *rows_out = rows;
    return LD_OK;
}
