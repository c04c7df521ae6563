/*
 * report_ledger.c - 贷款台帐, the loan ledger workbook: a summary sheet with
 * totals, one row per loan on the books in the period (balances, category,
 * DPD) and the journal lines dated in it.
 *
 * It must hold a million loans in little memory, so the workbook is opened in
 * libxlsxwriter's constant_memory mode (each sheet streams row by row to a
 * temporary file, strings are written inline) and loans are read one row at a
 * time (ledger_report_loans_next). Totals are summed in int64 fen with
 * overflow checks and only become doubles in their cells. The summary sheet
 * comes first in the workbook but is written last, which constant_memory
 * allows because each sheet streams on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_int.h"
#include "inspection.h"
#include "labels_int.h"
#include "loan_calc.h"

enum { TOTALS = 8 };

struct report_ledger_writer {
    report_book *book;
    const char *path;
    report_sheet *summary, *loans, *journal;
    int loan_row, journal_row;
    ld_date from, to, as_of;
    int64_t loan_count, journal_count;
    ld_money totals[TOTALS]; /* amount, principal, overdue, interest due, accrued, penalty, npl */
    ld_money debit, credit;
    bool overflow;
    const core_product_catalog *products;
    char product[32], product_name[160]; /* the last product named, and its name */
};

static const report_col loan_cols[] = {
    {"借据号", "Contract", REPORT_COL_TEXT, 20},
    {"借款人", "Borrower", REPORT_COL_TEXT, 24},
    {"客户经理", "Officer", REPORT_COL_TEXT, 12},
    {"产品", "Product", REPORT_COL_TEXT, 14},
    {"等级", "Grade", REPORT_COL_TEXT, 6},
    {"放款日", "Disbursed", REPORT_COL_DATE, 12},
    {"贷款金额", "Amount", REPORT_COL_MONEY, 16},
    {"利率", "Rate", REPORT_COL_RATE, 10},
    {"本金余额", "Principal", REPORT_COL_MONEY, 16},
    {"逾期本金", "Principal overdue", REPORT_COL_MONEY, 16},
    {"应收利息", "Interest due", REPORT_COL_MONEY, 14},
    {"应计利息", "Interest accrued", REPORT_COL_MONEY, 14},
    {"罚息复利", "Penalty and compound", REPORT_COL_MONEY, 14},
    {"逾期天数", "DPD", REPORT_COL_INT, 8},
    {"五级分类", "Category", REPORT_COL_TEXT, 10},
    {"状态", "Status", REPORT_COL_TEXT, 10},
    {"下次检查", "Next inspection", REPORT_COL_DATE, 12},
};

static const report_col journal_cols[] = {
    {"分录号", "Entry", REPORT_COL_ID, 10},
    {"日期", "Date", REPORT_COL_DATE, 12},
    {"类型", "Kind", REPORT_COL_TEXT, 14},
    {"借据", "Loan", REPORT_COL_ID, 10},
    {"产品", "Product", REPORT_COL_TEXT, 14},
    {"科目", "Account", REPORT_COL_TEXT, 10},
    {"科目名称", "Account name", REPORT_COL_TEXT, 0},
    {"借方", "Debit", REPORT_COL_MONEY, 16},
    {"贷方", "Credit", REPORT_COL_MONEY, 16},
};

static void add(report_ledger_writer *w, ld_money *sum, ld_money v)
{
    if (__builtin_add_overflow(*sum, v, sum))
        w->overflow = true;
}

ld_status report_ledger_writer_open(const report_options *options, ld_date from, ld_date to,
                                    ld_date as_of, report_ledger_writer **out, ld_error *err)
{
    report_ledger_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    report_book_spec spec = {.path = options->path,
                             .lang = options->lang,
                             .kind = "ledger",
                             .title_zh = "贷款台帐",
                             .title_en = "Loan ledger",
                             .as_of = as_of,
                             .constant_memory = true,
                             .dense = true,
                             .company = options->institution,
                             .tmpdir = options->tmpdir};
    ld_status st = report_book_open(&spec, &w->book, err);
    if (st != LD_OK) {
        free(w);
        return st;
    }
    w->path = options->path;
    w->products = options->products;
    w->from = from;
    w->to = to;
    w->as_of = as_of;
    w->summary = report_book_sheet(w->book, "汇总", "Summary");
    report_sheet_form(w->summary, 24, 24);
    w->loans = report_book_sheet(w->book, "台帐", "Loans");
    report_sheet_table(w->loans, 0, loan_cols, (int)(sizeof loan_cols / sizeof loan_cols[0]));
    w->journal = report_book_sheet(w->book, "会计分录", "Journal");
    report_sheet_table(w->journal, 0, journal_cols,
                       (int)(sizeof journal_cols / sizeof journal_cols[0]));
    w->loan_row = 1;
    w->journal_row = 1;
    *out = w;
    return LD_OK;
}

/* "CODE name" of a product; the last one is kept, rows of one product
 * often come together. */
static const char *product_name(report_ledger_writer *w, const char *code)
{
    if (w->products == NULL || code[0] == '\0')
        return code;
    if (strcmp(w->product, code) != 0) {
        snprintf(w->product, sizeof w->product, "%s", code);
        report_product_name(w->products, report_book_lang(w->book), code, w->product_name,
                            sizeof w->product_name);
    }
    return w->product_name;
}

ld_status report_ledger_writer_loan(report_ledger_writer *w, const ledger_report_loan *l,
                                    ld_error *err)
{
    (void)err;
    report_sheet *s = w->loans;
    report_lang lang = report_book_lang(w->book);
    int r = w->loan_row++;
    ld_money penalty = 0;
    if (__builtin_add_overflow(l->penalty, l->compound, &penalty))
        w->overflow = true;
    report_cell_text(s, r, 0, l->contract_no);
    report_cell_text(s, r, 1, l->borrower_name);
    report_cell_text(s, r, 2, l->officer);
    report_cell_text(s, r, 3, product_name(w, l->product));
    report_cell_text(s, r, 4, l->grade);
    report_cell_date(s, r, 5, l->disbursed_on);
    report_cell_money(s, r, 6, l->amount);
    report_cell_rate(s, r, 7, l->rate);
    report_cell_money(s, r, 8, l->principal);
    report_cell_money(s, r, 9, l->principal_due);
    report_cell_money(s, r, 10, l->interest_due);
    report_cell_money(s, r, 11, l->accrued);
    report_cell_money(s, r, 12, penalty);
    report_cell_int(s, r, 13, l->dpd);
    report_cell_text(s, r, 14, report_category_label(lang, l->category));
    report_cell_text(s, r, 15, report_loan_status_label(lang, l->status, l->dpd));
    report_cell_date(s, r, 16,
                     l->status == LEDGER_LOAN_ACTIVE ? l->next_inspection : REPORT_NO_DATE);
    w->loan_count++;
    add(w, &w->totals[0], l->amount);
    add(w, &w->totals[1], l->principal);
    add(w, &w->totals[2], l->principal_due);
    add(w, &w->totals[3], l->interest_due);
    add(w, &w->totals[4], l->accrued);
    add(w, &w->totals[5], penalty);
    if (l->category >= LEDGER_CAT_SUBSTANDARD)
        add(w, &w->totals[6], l->principal);
    return LD_OK;
}

ld_status report_ledger_writer_jline(report_ledger_writer *w, const ledger_report_jline *j,
                                     ld_error *err)
{
    (void)err;
    report_sheet *s = w->journal;
    int r = w->journal_row++;
    report_cell_int(s, r, 0, j->entry_id);
    report_cell_date(s, r, 1, j->date);
    report_lang lang = report_book_lang(w->book);
    report_cell_text(s, r, 2, report_code_label(lang, "journal", j->kind));
    if (j->loan_id != 0)
        report_cell_int(s, r, 3, j->loan_id);
    report_cell_text(s, r, 4, product_name(w, j->product));
    report_cell_text(s, r, 5, j->account);
    report_cell_text(s, r, 6, report_code_label(lang, "account", j->account));
    if (j->amount >= 0) {
        report_cell_money(s, r, 7, j->amount);
        add(w, &w->debit, j->amount);
    } else {
        report_cell_money(s, r, 8, -j->amount);
        add(w, &w->credit, -j->amount);
    }
    w->journal_count++;
    return LD_OK;
}

/* The totals rows under the loans and the journal; the summary repeats them. */
static void write_totals(report_ledger_writer *w)
{
    report_book *b = w->book;
    report_sheet *s = w->loans;
    int r = w->loan_row;
    report_sheet_total_row(s, r);
    report_cell_text(s, r, 0, REPORT_L(b, "合计", "Total"));
    report_cell_int(s, r, 1, w->loan_count);
    static const int cols[] = {6, 8, 9, 10, 11, 12};
    for (int i = 0; i < 6; i++)
        report_cell_money(s, r, cols[i], w->totals[i]);
    s = w->journal;
    r = w->journal_row;
    report_sheet_total_row(s, r);
    report_cell_text(s, r, 2, REPORT_L(b, "合计", "Total"));
    report_cell_money(s, r, 7, w->debit);
    report_cell_money(s, r, 8, w->credit);
}

static void write_summary(report_ledger_writer *w)
{
    report_book *b = w->book;
    report_sheet *s = w->summary;
    write_totals(w);
    int r = 0;
    report_cell_heading(s, r++, 0, REPORT_L(b, "贷款台帐", "Loan ledger"));
    report_cell_text(s, r, 0, REPORT_L(b, "业务日期", "Business date"));
    report_cell_date(s, r++, 1, w->as_of);
    report_cell_text(s, r, 0, REPORT_L(b, "期间起", "Period from"));
    report_cell_date(s, r++, 1, w->from);
    report_cell_text(s, r, 0, REPORT_L(b, "期间止", "Period to"));
    report_cell_date(s, r++, 1, w->to);
    report_cell_text(s, r, 0, REPORT_L(b, "借据笔数", "Loans"));
    report_cell_int(s, r++, 1, w->loan_count);
    static const char *const zh[] = {"贷款金额合计", "本金余额合计", "逾期本金合计", "应收利息合计",
                                     "应计利息合计", "罚息复利合计", "不良贷款余额"};
    static const char *const en[] = {"Amount lent",
                                     "Principal outstanding",
                                     "Principal overdue",
                                     "Interest due",
                                     "Interest accrued",
                                     "Penalty and compound interest",
                                     "Non-performing principal"};
    for (int i = 0; i < 7; i++) {
        report_cell_text(s, r, 0, REPORT_L(b, zh[i], en[i]));
        report_cell_money(s, r++, 1, w->totals[i]);
    }
    report_cell_text(s, r, 0, REPORT_L(b, "不良率", "NPL ratio"));
    report_cell_ratio(s, r++, 1, w->totals[6], w->totals[1]);
    report_cell_text(s, r, 0, REPORT_L(b, "分录行数", "Journal lines"));
    report_cell_int(s, r++, 1, w->journal_count);
    report_cell_text(s, r, 0, REPORT_L(b, "借方合计", "Total debit"));
    report_cell_money(s, r++, 1, w->debit);
    report_cell_text(s, r, 0, REPORT_L(b, "贷方合计", "Total credit"));
    report_cell_money(s, r++, 1, w->credit);
}

ld_status report_ledger_writer_close(report_ledger_writer *w, int64_t *rows_out, ld_error *err)
{
    write_summary(w);
    report_book_seal seal = {0};
    bool overflow = w->overflow;
    const char *path = w->path;
    ld_status st = report_book_close(w->book, &seal, rows_out, err);
    free(w);
    if (st == LD_OK && overflow) {
        report_abandon(path);
        return LD_FAIL(err, LD_EINTERNAL, "ledger totals overflow");
    }
    return st == LD_OK ? report_publish(path, err) : st;
}

ld_status report_ledger_write(core_store *store, const core_session *who, ld_date from, ld_date to,
                              const report_options *options, report_result *out, ld_error *err)
{
    ld_status st = report_book_permit(who, err);
    if (st != LD_OK)
        return st;
    if (from != REPORT_NO_DATE && to != REPORT_NO_DATE && from > to)
        return LD_FAIL(err, LD_EINVAL, "from: after to");
    ld_date as_of = to;
    if (as_of == REPORT_NO_DATE) {
        if ((st = ledger_report_last_cob(store, &as_of, err)) != LD_OK)
            return st;
        /* Before the first close of business there is nothing to date it by. */
        if (as_of == REPORT_NO_DATE)
            as_of = from != REPORT_NO_DATE ? from : ld_date_from_ymd(2000, 1, 1);
    }
    report_job job;
    if ((st = report_job_begin(&job, store, who, options, "ledger", err)) != LD_OK)
        return st;
    report_ledger_writer *w = NULL;
    report_options named = *options;
    named.institution = job.institution;
    core_product_catalog catalog;
    if (core_product_catalog_get(store, &catalog, err) != LD_OK)
        return LD_EINTERNAL;
    named.products = &catalog;
    if ((st = report_ledger_writer_open(&named, from, to, as_of, &w, err)) != LD_OK)
        return st;
    ledger_report_iter *it = NULL;
    bool more = true;
    ledger_report_loan loan;
    st = ledger_report_loans_open(store, from, to, &it, err);
    while (st == LD_OK && (st = ledger_report_loans_next(it, &more, &loan, err)) == LD_OK && more)
        st = report_ledger_writer_loan(w, &loan, err);
    ledger_report_iter_free(it);
    it = NULL;
    ledger_report_jline line;
    if (st == LD_OK)
        st = ledger_report_journal_open(store, from, to, &it, err);
    more = true;
    while (st == LD_OK && (st = ledger_report_journal_next(it, &more, &line, err)) == LD_OK && more)
        st = report_ledger_writer_jline(w, &line, err);
    ledger_report_iter_free(it);
    write_summary(w);
    report_book *book = w->book;
    bool overflow = w->overflow;
    free(w);
    if (st != LD_OK) {
        report_book_discard(book);
        return st;
    }
    if (overflow) {
        report_book_discard(book);
        return LD_FAIL(err, LD_EINTERNAL, "ledger totals overflow");
    }
    return report_job_finish(&job, book, out, err);
}
