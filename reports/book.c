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
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "book_int.h"
#include "private_file.h"
#include "text.h"

#define SHEETS_MAX     16
#define HASH_BUF       65536
#define CHARTS_MAX     16
#define SHEET_NAME_MAX 32

struct report_sheet {
    report_book *book;
    lxw_worksheet *ws;
    char name[SHEET_NAME_MAX * 4];
    EVP_MD_CTX *hash;
    unsigned char *buf;
    size_t used;
    int header_row; /* -1: no table */
    int cols;
    int last_row;
    int64_t rows; /* data rows (below the header) */
};

struct report_chart {
    report_book *book;
    lxw_chart *chart;
    lxw_worksheet *at;
    int row, col;
    int series;
};

struct report_book {
    lxw_workbook *wb;
    char part[4096]; /* where the workbook is written */
    report_lang lang;
    char kind[32];
    char title[256];
    ld_date as_of;
    lxw_error first_error;
    bool oom;
    lxw_format *f_header, *f_money, *f_date, *f_int, *f_id, *f_pct, *f_rate, *f_wrap, *f_label,
        *f_heading;
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

static lxw_format *fmt(lxw_workbook *wb, const char *num_format, bool bold, bool wrap)
{
    lxw_format *f = workbook_add_format(wb);
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
    snprintf(b->kind, sizeof b->kind, "%s", spec->kind);
    snprintf(b->title, sizeof b->title, "%s",
             spec->lang == REPORT_LANG_EN ? spec->title_en : spec->title_zh);
    /* Fixed properties: the same data gives the same bytes (DESIGN.md). */
    lxw_doc_properties props = {
        .title = b->title,
        .subject = b->kind,
        .author = "loandesk",
        .company = (char *)(spec->company != NULL ? spec->company : "loandesk"),
        .comments = "loandesk signed workbook; see the signature sheet",
        .created = (time_t)spec->as_of * 86400,
    };
    note(b, workbook_set_properties(b->wb, &props));
    b->f_header = fmt(b->wb, NULL, true, false);
    format_set_bg_color(b->f_header, 0xDDEBF7);
    format_set_bottom(b->f_header, LXW_BORDER_THIN);
    b->f_money = fmt(b->wb, "#,##0.00", false, false);
    b->f_date = fmt(b->wb, "yyyy-mm-dd", false, false);
    b->f_int = fmt(b->wb, "#,##0", false, false);
    b->f_id = fmt(b->wb, "0", false, false);
    b->f_pct = fmt(b->wb, "0.00%", false, false);
    b->f_rate = fmt(b->wb, "0.0000%", false, false);
    b->f_wrap = fmt(b->wb, NULL, false, true);
    b->f_label = fmt(b->wb, NULL, true, false);
    b->f_heading = fmt(b->wb, NULL, true, false);
    format_set_font_size(b->f_heading, 14);
    *out = b;
    return LD_OK;
}

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

static void hash_cell_head(report_sheet *s, int row, int col, char type)
{
    char line[64];
    size_t n = int_text(row, line);
    line[n++] = '\t';
    n += int_text(col, line + n);
    line[n++] = '\t';
    line[n++] = type;
    line[n++] = '\t';
    hash_bytes(s, line, n);
}

static void hash_int_cell(report_sheet *s, int row, int col, char type, int64_t v)
{
    char line[96];
    size_t n = int_text(row, line);
    line[n++] = '\t';
    n += int_text(col, line + n);
    line[n++] = '\t';
    line[n++] = type;
    line[n++] = '\t';
    n += int_text(v, line + n);
    line[n++] = '\n';
    hash_bytes(s, line, n);
}

static void hash_text_cell(report_sheet *s, int row, int col, const char *text)
{
    hash_cell_head(s, row, col, 's');
    const char *p = text, *run = text;
    for (; *p != '\0'; p++) {
        const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : NULL;
        if (esc != NULL) {
            hash_bytes(s, run, (size_t)(p - run));
            hash_bytes(s, esc, 2);
            run = p + 1;
        }
    }
    hash_bytes(s, run, (size_t)(p - run));
    hash_bytes(s, "\n", 1);
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
    s->last_row = -1;
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

void report_sheet_table(report_sheet *s, int header_row, const report_col *cols, int count)
{
    report_book *b = s->book;
    if (s->ws == NULL)
        return;
    s->header_row = header_row;
    s->cols = count;
    for (int c = 0; c < count; c++) {
        note(b, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width,
                                     col_format(b, cols[c].type)));
        const char *label = b->lang == REPORT_LANG_EN ? cols[c].en : cols[c].zh;
        note(b, worksheet_write_string(s->ws, (lxw_row_t)header_row, (lxw_col_t)c, label,
                                       b->f_header));
        hash_text_cell(s, header_row, c, label);
    }
    mark_row(s, header_row);
    worksheet_freeze_panes(s->ws, (lxw_row_t)(header_row + 1), 0);
}

void report_sheet_form(report_sheet *s, double label_width, double value_width)
{
    if (s->ws == NULL)
        return;
    note(s->book, worksheet_set_column(s->ws, 0, 0, label_width, s->book->f_label));
    note(s->book, worksheet_set_column(s->ws, 1, 1, value_width, NULL));
}

/* Counts each row below the header once, the first time a cell lands in it. */
static void count_row(report_sheet *s, int row)
{
    if (row > s->last_row) {
        if (row > s->header_row)
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
    hash_text_cell(s, row, col, t);
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
}

void report_cell_heading(report_sheet *s, int row, int col, const char *text)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    hash_text_cell(s, row, col, text);
    note(s->book,
         worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, s->book->f_heading));
}

void report_cell_money(report_sheet *s, int row, int col, ld_money fen)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    hash_int_cell(s, row, col, 'm', fen);
    /* The one place money becomes a double: the xlsx number of the cell. */
    note(s->book, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, (double)fen / 100.0,
                                         s->book->f_money));
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
    if (y < 1900 || y > 9999) {
        hash_text_cell(s, row, col, "");
        return;
    }
    char text[LD_DATE_TEXT_MAX];
    ld_date_format(date, text);
    hash_cell_head(s, row, col, 'd');
    hash_bytes(s, text, strlen(text));
    hash_bytes(s, "\n", 1);
    lxw_datetime dt = {.year = y, .month = m, .day = d};
    note(s->book,
         worksheet_write_datetime(s->ws, (lxw_row_t)row, (lxw_col_t)col, &dt, s->book->f_date));
}

void report_cell_int(report_sheet *s, int row, int col, int64_t value)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    hash_int_cell(s, row, col, 'i', value);
    note(s->book, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, (double)value,
                                         s->book->f_int));
}

void report_cell_rate(report_sheet *s, int row, int col, ld_rate millionths)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    hash_int_cell(s, row, col, 'p', millionths);
    note(s->book, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col,
                                         (double)millionths / 1e6, s->book->f_rate));
}

void report_cell_ratio(report_sheet *s, int row, int col, int64_t num, int64_t den)
{
    if (s->ws == NULL)
        return;
    count_row(s, row);
    char line[64];
    size_t n = int_text(num, line);
    line[n++] = '/';
    n += int_text(den, line + n);
    line[n++] = '\n';
    hash_cell_head(s, row, col, 'r');
    hash_bytes(s, line, n);
    double v = den != 0 ? (double)num / (double)den : 0.0;
    note(s->book, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, s->book->f_pct));
}

report_chart *report_chart_add(report_book *b, report_sheet *at, int row, int col,
                               report_chart_kind kind, const char *title)
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
    /* Inserted at close: libxlsxwriter wants the series first. */
    c->at = at->ws;
    c->row = row;
    c->col = col;
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

ld_status report_book_close(report_book *b, const report_book_seal *seal, int64_t *rows_out,
                            ld_error *err)
{
    char hashes[SHEETS_MAX][65];
    int64_t rows = 0;
    int data_sheets = b->sheet_count;
    for (int i = 0; i < data_sheets; i++) {
        report_sheet *s = &b->sheets[i];
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int md_len = 0;
        hashes[i][0] = '\0';
        if (s->hash == NULL)
            continue;
        hash_flush(s);
        if (EVP_DigestFinal_ex(s->hash, md, &md_len) == 1 && md_len == 32) {
            static const char hex[] = "0123456789abcdef";
            for (unsigned j = 0; j < 32; j++) {
                hashes[i][2 * j] = hex[md[j] >> 4];
                hashes[i][2 * j + 1] = hex[md[j] & 15];
            }
            hashes[i][64] = '\0';
        }
        if (s->header_row >= 0 && s->last_row > s->header_row && s->ws != NULL)
            note(b, worksheet_autofilter(s->ws, (lxw_row_t)s->header_row, 0, (lxw_row_t)s->last_row,
                                         (lxw_col_t)(s->cols - 1)));
        rows += s->rows;
    }
    for (int i = 0; i < b->chart_count; i++) {
        report_chart *c = &b->charts[i];
        lxw_chart_options opt = {.x_scale = 1.2, .y_scale = 1.1};
        if (c->series > 0)
            note(b, worksheet_insert_chart_opt(c->at, (lxw_row_t)c->row, (lxw_col_t)c->col,
                                               c->chart, &opt));
    }
    /* The signature sheet: written directly, it is not part of any hash. */
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, REPORT_L(b, "签名", "Signature"));
    if (ws == NULL) {
        b->oom = true;
    } else {
        worksheet_set_column(ws, 0, 0, 30, b->f_label);
        worksheet_set_column(ws, 1, 1, 70, NULL);
        worksheet_set_column(ws, 2, 2, 12, NULL);
        char text[128];
        int r = 0;
        worksheet_write_string(ws, (lxw_row_t)r++, 0,
                               REPORT_L(b, "电子签名与账本锚定", "Signature and ledger anchor"),
                               b->f_heading);
        worksheet_write_string(ws, (lxw_row_t)r, 0, REPORT_L(b, "报告", "Report"), NULL);
        worksheet_write_string(ws, (lxw_row_t)r++, 1, b->title, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 0, REPORT_L(b, "报告类型", "Kind"), NULL);
        worksheet_write_string(ws, (lxw_row_t)r++, 1, b->kind, NULL);
        int y, m, d;
        ld_date_to_ymd(b->as_of, &y, &m, &d);
        lxw_datetime dt = {.year = y, .month = m, .day = d};
        worksheet_write_string(ws, (lxw_row_t)r, 0, REPORT_L(b, "数据截至", "As of"), NULL);
        worksheet_write_datetime(ws, (lxw_row_t)r++, 1, &dt, b->f_date);
        const char *unsigned_label = REPORT_L(b, "（未签名）", "(unsigned)");
        worksheet_write_string(ws, (lxw_row_t)r, 0, REPORT_L(b, "签名人", "Signer"), NULL);
        worksheet_write_string(ws, (lxw_row_t)r++, 1,
                               seal->signer != NULL ? seal->signer : unsigned_label, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 0, REPORT_L(b, "签名人角色", "Signer role"), NULL);
        worksheet_write_string(ws, (lxw_row_t)r++, 1,
                               seal->signer_role != NULL ? seal->signer_role : "", NULL);
        worksheet_write_string(
            ws, (lxw_row_t)r, 0,
            REPORT_L(b, "证书指纹 (SHA-256)", "Certificate fingerprint (SHA-256)"), NULL);
        worksheet_write_string(ws, (lxw_row_t)r++, 1,
                               seal->fingerprint != NULL ? seal->fingerprint : "", NULL);
        snprintf(text, sizeof text, "%llu", (unsigned long long)seal->anchor_size);
        worksheet_write_string(ws, (lxw_row_t)r, 0,
                               REPORT_L(b, "锚定账本条目数", "Anchored ledger size"), NULL);
        worksheet_write_string(ws, (lxw_row_t)r++, 1, text, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 0,
                               REPORT_L(b, "锚定账本根哈希", "Anchored ledger root"), NULL);
        worksheet_write_string(ws, (lxw_row_t)r++, 1,
                               seal->anchor_root != NULL ? seal->anchor_root : "", NULL);
        worksheet_write_string(
            ws, (lxw_row_t)r++, 0,
            REPORT_L(b, "签名文件: 本文件名 + .p7s（DER 格式 CMS 分离签名）",
                     "Signature file: this file's name + .p7s (detached DER CMS)"),
            NULL);
        r++;
        worksheet_write_string(ws, (lxw_row_t)r, 0, REPORT_L(b, "数据表", "Data sheet"),
                               b->f_header);
        worksheet_write_string(ws, (lxw_row_t)r, 1, REPORT_L(b, "内容 SHA-256", "Content SHA-256"),
                               b->f_header);
        worksheet_write_string(ws, (lxw_row_t)r++, 2, REPORT_L(b, "行数", "Rows"), b->f_header);
        for (int i = 0; i < data_sheets; i++) {
            worksheet_write_string(ws, (lxw_row_t)r, 0, b->sheets[i].name, NULL);
            worksheet_write_string(ws, (lxw_row_t)r, 1, hashes[i], NULL);
            worksheet_write_number(ws, (lxw_row_t)r++, 2, (double)b->sheets[i].rows, b->f_int);
        }
    }
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
