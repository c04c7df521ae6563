/*
 * book_int.h - private to reports/: the one wrapper over libxlsxwriter that
 * every workbook is written through, so that formats, frozen and filtered
 * header rows, fixed document properties, the per-sheet content hash and the
 * signature sheet are the same everywhere.
 *
 * Each data cell written through report_cell_* also feeds its sheet's SHA-256
 * with one canonical line, "ROW\tCOL\tTYPE\tVALUE\n" (rows and columns from
 * 0; TYPE s text, m money in fen, d ISO date, i integer, p rate in
 * millionths, r ratio "NUM/DEN"; text with \\, \t and \n escaped), so the
 * signature sheet can state what each data sheet holds, independent of how
 * libxlsxwriter lays out the XML. libxlsxwriter errors are kept (the first
 * one) and reported by report_book_close, so writers need not check each call.
 */
#ifndef REPORT_BOOK_INT_H
#define REPORT_BOOK_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "money.h"
#include "report.h"

typedef struct report_book report_book;
typedef struct report_sheet report_sheet;

/* Picks the label of the workbook's language. */
/* The form of the sheet hashes on the signature sheet and in the ledger
 * (xlsx_read.h); a workbook without it carries hashes of an earlier form,
 * which verify does not recompute. */
#define REPORT_SHEET_HASH_FORM "xlsx-cells/1"

#define REPORT_L(book, zh, en) (report_book_lang(book) == REPORT_LANG_EN ? (en) : (zh))

typedef struct report_book_spec {
    const char *path;
    report_lang lang;
    const char *kind;                /* "rating", "inspection", "ledger", "portfolio" */
    const char *title_zh, *title_en; /* document title */
    const char *company;             /* the institution; NULL: "loandesk" */
    ld_date as_of;                   /* created = as_of at 00:00 UTC */
    bool constant_memory;            /* stream rows (ledger) */
    /* Long tables printed densely (the ledger): 9-point type in 12-point rows,
     * columns narrowed to match, and each sheet turned to the orientation of
     * the workbook's paper that holds it at the largest scale. */
    bool dense;
    const char *tmpdir;
} report_book_spec;

ld_status report_book_open(const report_book_spec *spec, report_book **out, ld_error *err);
report_lang report_book_lang(const report_book *book);

/* Column types; they choose the cell format and the width unit. */
typedef enum report_col_type {
    REPORT_COL_TEXT,
    REPORT_COL_MONEY, /* #,##0.00 */
    REPORT_COL_DATE,  /* yyyy-mm-dd */
    REPORT_COL_INT,   /* #,##0 */
    REPORT_COL_ID,    /* 0 */
    REPORT_COL_PCT,   /* 0.00% */
    REPORT_COL_RATE,  /* 0.0000% */
    REPORT_COL_WRAP,  /* long text, wrapped */
} report_col_type;

typedef struct report_col {
    const char *zh, *en;
    report_col_type type;
    int width; /* in character units: at least this wide; wrapped columns exactly */
} report_col;

/* Adds a data sheet named in the book's language. */
report_sheet *report_book_sheet(report_book *book, const char *zh, const char *en);

/* Writes the header row at header_row with the columns' labels, sets the
 * widths, freezes the panes below it and, at close, filters header_row down
 * to the last row written. Call once per table sheet, before its rows. */
void report_sheet_table(report_sheet *sheet, int header_row, const report_col *cols, int count);

/* A two-column sheet of labels and values (cover pages): widths set. */
void report_sheet_form(report_sheet *sheet, int label_width, int value_width);

/* Marks row as a totals row: its cells are written bold with a rule above. */
void report_sheet_total_row(report_sheet *sheet, int row);

/* Cells. A date of LEDGER_NO_DATE-like value below 1900 is left blank. */
void report_cell_text(report_sheet *sheet, int row, int col, const char *text);
void report_cell_heading(report_sheet *sheet, int row, int col, const char *text);
void report_cell_money(report_sheet *sheet, int row, int col, ld_money fen);
void report_cell_date(report_sheet *sheet, int row, int col, ld_date date);
void report_cell_int(report_sheet *sheet, int row, int col, int64_t value);
void report_cell_rate(report_sheet *sheet, int row, int col, ld_rate millionths);
void report_cell_ratio(report_sheet *sheet, int row, int col, int64_t num, int64_t den);
/* The same value shown as a decimal number (#,##0.0000), not a percentage;
 * hashed as a ratio. */
void report_cell_decimal(report_sheet *sheet, int row, int col, int64_t num, int64_t den);
void report_cell_wrap(report_sheet *sheet, int row, int col, const char *text);
/* Long text across columns col..last_col (merged), wrapped, the row made as
 * tall as the text needs. Hashed as a text cell at (row, col). */
void report_cell_span(report_sheet *sheet, int row, int col, int last_col, const char *text);
/* A section title: bold, in column col, running over the empty cells right
 * of it. */
void report_cell_section(report_sheet *sheet, int row, int col, const char *text);
/* A form: a label in column 0 and its value in column 1 on row *row, which
 * each call moves on; text spans columns 1..last_col. A section title leaves
 * a blank row above it. */
void report_form_text(report_sheet *sheet, int *row, int last_col, const char *label,
                      const char *text);
void report_form_money(report_sheet *sheet, int *row, const char *label, ld_money fen);
void report_form_int(report_sheet *sheet, int *row, const char *label, int64_t value);
void report_form_rate(report_sheet *sheet, int *row, const char *label, ld_rate millionths);
void report_form_date(report_sheet *sheet, int *row, const char *label, ld_date date);
void report_form_section(report_sheet *sheet, int *row, const char *title);
/* A column label inside a sheet (a table that is not the sheet's first). */
void report_cell_header(report_sheet *sheet, int row, int col, const char *text);
/* Declares the least widths of a sheet's columns (a sheet of several
 * tables), in character units; the widest content still widens them. */
void report_sheet_columns(report_sheet *sheet, const int *widths, int count);
/* Makes a column of such a sheet a wrapped one, width units wide. */
void report_sheet_wrap_column(report_sheet *sheet, int col, int width);

/* Native charts over ranges of a sheet (rows and columns from 0). */
typedef enum report_chart_kind {
    REPORT_CHART_COLUMN,
    REPORT_CHART_PIE,
    REPORT_CHART_LINE
} report_chart_kind;
typedef struct report_chart report_chart;
/* A chart of sheet `at`, printed below its table on a page of its own, as
 * wide as the table. */
report_chart *report_chart_add(report_book *book, report_sheet *at, report_chart_kind kind,
                               const char *title);
void report_chart_series(report_chart *chart, const report_sheet *data, int first_row, int last_row,
                         int category_col, int value_col, const char *name);

/* The identity and anchor the signature sheet shows. */
typedef struct report_book_seal {
    const char *signer;      /* username, or NULL for unsigned */
    const char *signer_name; /* the full name the user table has; NULL: the username */
    const char *signer_role;
    const char *fingerprint; /* certificate SHA-256 hex */
    uint64_t anchor_size;
    const char *anchor_root;
    /* Filled at close when not NULL: the data sheets' hashes as the ledger
     * records them, "NAME:SHA256" joined by "/" (neither can appear in a
     * sheet's name), in sheet order. */
    char *sheets_out;
    size_t sheets_out_size;
} report_book_seal;

/* Finishes the data sheets' hashes, writes the signature sheet and the file.
 * Frees the book whatever happens. *rows_out: data rows written.
 * The file is written as "<path>.part" (report_part_path) and stays there
 * until report_publish renames it into place, so a report that fails, or is
 * refused after it was written, never leaves a partial or unrecorded file
 * under the name a reader expects, nor replaces the previous report. On
 * failure the part is removed. */
ld_status report_book_close(report_book *book, const report_book_seal *seal, int64_t *rows_out,
                            ld_error *err);

/* Frees a book without writing it (error paths); no file is left. */
void report_book_discard(report_book *book);

/* "<path>.part", the name a file is written under until it is published. */
void report_part_path(const char *path, char *buf, size_t size);

/* Renames path's part into place (replacing any earlier file there). */
ld_status report_publish(const char *path, ld_error *err);

/* Removes path's part, if any. */
void report_abandon(const char *path);

/* A number's text as libxlsxwriter writes it into the sheet ("%.16G"), the
 * VALUE of its line in the sheet hash; returns its length. */
#define REPORT_NUMBER_TEXT 40
size_t report_number_text(double v, char out[REPORT_NUMBER_TEXT]);

/* ---- Sheet hashes recomputed from the file (verify_sheets.c) ------------------- */

#define REPORT_CLAIMS_MAX 64
struct xlsx_sheet_digest;

/* What the file holds: every sheet's recomputed hash, and what its signature
 * sheet claims (the hash form, the anchored size, the listed hashes). */
typedef struct report_sheet_claims {
    struct xlsx_sheet_digest *digests;
    int count;
    int signature_sheet; /* -1: none */
    bool form;           /* REPORT_SHEET_HASH_FORM: the hashes can be recomputed */
    bool have_anchor;
    uint64_t anchor_size;
    int listed;
    char name[REPORT_CLAIMS_MAX][128];
    char sha256[REPORT_CLAIMS_MAX][65];
} report_sheet_claims;

/* Reads the workbook's bytes (LD_EVERIFY naming path when it is not a
 * readable workbook). Free with report_sheets_free. */
ld_status report_sheets_read(const char *path, const unsigned char *bytes, size_t len,
                             report_sheet_claims *claims, ld_error *err);
void report_sheets_free(report_sheet_claims *claims);
/* Each data sheet's hash against the signature sheet's list. */
ld_status report_sheets_check_own(const char *path, const report_sheet_claims *claims,
                                  ld_error *err);
/* Each sheet's hash against the list ledger entry seq recorded. */
ld_status report_sheets_check_ledger(const char *path, const report_sheet_claims *claims,
                                     const char *recorded, uint64_t seq, ld_error *err);

/* ---- Signing and anchoring (sign.c) ------------------------------------------- */

/* Everything a writer does around its sheets: fills the seal from options
 * and the ledger before close, and after close hashes the file, signs it and
 * logs it. */
typedef struct report_job {
    core_store *store;
    const core_session *who;
    const report_options *options;
    const char *kind;
    uint64_t anchor_size;
    char anchor_root[65];
    char institution[128]; /* the CA certificate's organisation, for page headers */
    char sheets[4096];     /* the sheets' hashes, as report_book_seal.sheets_out */
} report_job;

ld_status report_job_begin(report_job *job, core_store *store, const core_session *who,
                           const report_options *options, const char *kind, ld_error *err);
/* Closes the book with the job's seal, then signs and logs; fills out. */
ld_status report_job_finish(report_job *job, report_book *book, report_result *out, ld_error *err);

/* Whole-book workbooks (the ledger, the portfolio) list every customer's
 * loans: for managers, auditors and reviewers, whose risk review and
 * portfolio analysis read the whole book (they sign it as managers do;
 * auditors, who hold no key, write it unsigned): those who may read the
 * whole ledger (CORE_ACT_LEDGER_VERIFY). Officers see their own customers
 * only, admins none: LD_EPERM. */
ld_status report_book_permit(const core_session *who, ld_error *err);

/* Reads a whole file; *out malloc'd. */
ld_status report_read_file(const char *path, unsigned char **out, size_t *len, ld_error *err);

#endif
