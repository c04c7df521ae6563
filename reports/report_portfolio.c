/*
 * report_portfolio.c - 经营分析, the portfolio workbook: balances and counts
 * by grade, category, product, industry and officer; NPL ratio (次级 and worse
 * over all principal); overdue rates by balance and by count; the category
 * migration matrix over a period; top-10 borrower concentration; vintage
 * default curves per disbursement cohort; native Excel charts over those
 * tables.
 *
 * One pass over the loans (ledger_report_loans_next) fills small in-memory
 * groups; borrower totals go into an open-addressing table so a million loans
 * need one slot per borrower, not a sort of all loans. All sums are int64 fen
 * with overflow checks.
 *
 * Migration and vintages come from the log, not from the loans as they stand:
 * one pass over its loan events (ledger_report_history_next) replays each
 * loan's category, status and principal as of the period's start and end
 * (a hash table keyed by loan id, one slot per loan), and notes the first day
 * each loan was 次级 or worse (or written off). So both work on any database,
 * whatever reports were run before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_int.h"
#include "inspection.h"
#include "labels_int.h"
#include "loan_calc.h"

#define GROUPS_MAX 256

typedef struct group {
    char key[128];
    int64_t loans, overdue_loans, npl_loans;
    ld_money principal, overdue_principal, npl_principal, amount, principal_due;
} group;

typedef struct grouping {
    group g[GROUPS_MAX];
    int count;
} grouping;

typedef struct borrower_slot {
    int64_t id; /* 0: empty */
    char name[128];
    ld_money principal;
} borrower_slot;

typedef struct portfolio {
    grouping by_grade, by_category, by_product, by_industry, by_officer;
    borrower_slot *borrowers;
    size_t borrower_cap, borrower_count;
    group total;
    bool overflow, oom;
} portfolio;

static void add(portfolio *p, ld_money *sum, ld_money v)
{
    if (__builtin_add_overflow(*sum, v, sum))
        p->overflow = true;
}

static void group_add(portfolio *p, group *g, const ledger_report_loan *l)
{
    g->loans++;
    add(p, &g->principal, l->principal);
    add(p, &g->amount, l->amount);
    add(p, &g->principal_due, l->principal_due);
    if (l->dpd > 0) {
        g->overdue_loans++;
        add(p, &g->overdue_principal, l->principal);
    }
    if (l->category >= LEDGER_CAT_SUBSTANDARD) {
        g->npl_loans++;
        add(p, &g->npl_principal, l->principal);
    }
}

static group *group_find(grouping *gs, const char *key)
{
    for (int i = 0; i < gs->count; i++)
        if (strcmp(gs->g[i].key, key) == 0)
            return &gs->g[i];
    /* Past GROUPS_MAX everything else is pooled under the last key. */
    group *g = &gs->g[gs->count < GROUPS_MAX ? gs->count++ : GROUPS_MAX - 1];
    if (g->loans == 0)
        snprintf(g->key, sizeof g->key, "%s", gs->count == GROUPS_MAX ? "…" : key);
    return g;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const group *)a)->key, ((const group *)b)->key);
}

static void borrower_add(portfolio *p, const ledger_report_loan *l)
{
    if (p->borrower_count * 2 >= p->borrower_cap) {
        size_t cap = p->borrower_cap ? p->borrower_cap * 2 : 1024;
        borrower_slot *t = calloc(cap, sizeof *t);
        if (t == NULL) {
            p->oom = true;
            return;
        }
        for (size_t i = 0; i < p->borrower_cap; i++) {
            if (p->borrowers[i].id == 0)
                continue;
            size_t h = (size_t)p->borrowers[i].id * 0x9E3779B97F4A7C15ull & (cap - 1);
            while (t[h].id != 0)
                h = (h + 1) & (cap - 1);
            t[h] = p->borrowers[i];
        }
        free(p->borrowers);
        p->borrowers = t;
        p->borrower_cap = cap;
    }
    size_t h = (size_t)l->borrower_id * 0x9E3779B97F4A7C15ull & (p->borrower_cap - 1);
    while (p->borrowers[h].id != 0 && p->borrowers[h].id != l->borrower_id)
        h = (h + 1) & (p->borrower_cap - 1);
    if (p->borrowers[h].id == 0) {
        p->borrowers[h].id = l->borrower_id;
        snprintf(p->borrowers[h].name, sizeof p->borrowers[h].name, "%s", l->borrower_name);
        p->borrower_count++;
    }
    add(p, &p->borrowers[h].principal, l->principal);
}

static const report_col group_cols[] = {
    {"分组", "Group", REPORT_COL_TEXT, 20},
    {"笔数", "Loans", REPORT_COL_INT, 10},
    {"本金余额", "Principal", REPORT_COL_MONEY, 18},
    {"占比", "Share", REPORT_COL_PCT, 10},
    {"逾期笔数", "Overdue loans", REPORT_COL_INT, 12},
    {"逾期贷款余额", "Balance of overdue loans", REPORT_COL_MONEY, 18},
    {"逾期率", "Overdue rate", REPORT_COL_PCT, 10},
    {"不良余额", "NPL principal", REPORT_COL_MONEY, 18},
    {"不良率", "NPL ratio", REPORT_COL_PCT, 10},
};

/* One table of groups at the top of its own sheet, with a chart beside it. */
static void group_sheet(report_book *b, grouping *gs, const group *total, const char *zh,
                        const char *en, bool sort, report_chart_kind chart_kind, report_lang lang,
                        bool categories, const core_product_catalog *products)
{
    char name[160];
    report_sheet *s = report_book_sheet(b, zh, en);
    report_sheet_table(s, 0, group_cols, 9);
    if (sort)
        qsort(gs->g, (size_t)gs->count, sizeof gs->g[0], cmp_key);
    int r = 1;
    for (int i = 0; i <= gs->count; i++, r++) {
        /* The groups, then the whole book as the totals row. */
        const group *g = i < gs->count ? &gs->g[i] : total;
        const char *key = g->key;
        if (i == gs->count) {
            report_sheet_total_row(s, r);
            key = REPORT_L(b, "合计", "Total");
        } else if (categories) {
            key = report_category_label(lang, (int)(g->key[0] - '0'));
        } else if (products != NULL && key[0] != '\0') {
            report_product_name(products, lang, key, name, sizeof name);
            key = name;
        }
        report_cell_text(s, r, 0, key[0] != '\0' ? key : REPORT_L(b, "（未填）", "(none)"));
        report_cell_int(s, r, 1, g->loans);
        report_cell_money(s, r, 2, g->principal);
        report_cell_ratio(s, r, 3, g->principal, total->principal);
        report_cell_int(s, r, 4, g->overdue_loans);
        report_cell_money(s, r, 5, g->overdue_principal);
        report_cell_ratio(s, r, 6, g->overdue_principal, g->principal);
        report_cell_money(s, r, 7, g->npl_principal);
        report_cell_ratio(s, r, 8, g->npl_principal, g->principal);
    }
    if (gs->count > 0) {
        char title[128];
        snprintf(title, sizeof title, "%s", REPORT_L(b, "本金余额", "Principal"));
        report_chart *c = report_chart_add(b, s, chart_kind, title);
        report_chart_series(c, s, 1, gs->count, 0, 2, title);
    }
}

static void summary_sheet(report_book *b, const portfolio *p, ld_date date, ld_money top10)
{
    report_sheet *s = report_book_sheet(b, "概要", "Summary");
    report_sheet_form(s, 28, 22);
    int r = 0;
    report_cell_heading(s, r++, 0, REPORT_L(b, "经营分析", "Portfolio analysis"));
    report_cell_text(s, r, 0, REPORT_L(b, "业务日期", "Business date"));
    report_cell_date(s, r++, 1, date);
    report_cell_text(s, r, 0, REPORT_L(b, "在贷笔数", "Loans"));
    report_cell_int(s, r++, 1, p->total.loans);
    report_cell_text(s, r, 0, REPORT_L(b, "本金余额", "Principal outstanding"));
    report_cell_money(s, r++, 1, p->total.principal);
    report_cell_text(s, r, 0, REPORT_L(b, "逾期本金", "Principal overdue"));
    report_cell_money(s, r++, 1, p->total.principal_due);
    report_cell_text(s, r, 0, REPORT_L(b, "逾期贷款余额", "Balance of overdue loans"));
    report_cell_money(s, r++, 1, p->total.overdue_principal);
    report_cell_text(s, r, 0, REPORT_L(b, "逾期率（余额）", "Overdue rate (balance)"));
    report_cell_ratio(s, r++, 1, p->total.overdue_principal, p->total.principal);
    report_cell_text(s, r, 0, REPORT_L(b, "逾期率（笔数）", "Overdue rate (count)"));
    report_cell_ratio(s, r++, 1, p->total.overdue_loans, p->total.loans);
    report_cell_text(s, r, 0, REPORT_L(b, "不良贷款余额", "Non-performing principal"));
    report_cell_money(s, r++, 1, p->total.npl_principal);
    report_cell_text(s, r, 0, REPORT_L(b, "不良贷款率", "NPL ratio"));
    report_cell_ratio(s, r++, 1, p->total.npl_principal, p->total.principal);
    report_cell_text(s, r, 0, REPORT_L(b, "前十大借款人集中度", "Top-10 borrower concentration"));
    report_cell_ratio(s, r++, 1, top10, p->total.principal);
}

static int cmp_borrower(const void *a, const void *b)
{
    const borrower_slot *x = a, *y = b;
    if (x->principal != y->principal)
        return x->principal < y->principal ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

static ld_money top10_sheet(report_book *b, portfolio *p)
{
    static const report_col cols[] = {
        {"排名", "Rank", REPORT_COL_INT, 6},
        {"借款人", "Borrower", REPORT_COL_TEXT, 28},
        {"本金余额", "Principal", REPORT_COL_MONEY, 18},
        {"占比", "Share", REPORT_COL_PCT, 10},
        {"累计占比", "Cumulative share", REPORT_COL_PCT, 14},
    };
    report_sheet *s = report_book_sheet(b, "客户集中度", "Concentration");
    report_sheet_table(s, 0, cols, 5);
    /* Compact the table and sort it: fine for the number of borrowers. */
    size_t n = 0;
    for (size_t i = 0; i < p->borrower_cap; i++)
        if (p->borrowers[i].id != 0)
            p->borrowers[n++] = p->borrowers[i];
    if (n > 0)
        qsort(p->borrowers, n, sizeof p->borrowers[0], cmp_borrower);
    ld_money cumulative = 0;
    size_t top = n < 10 ? n : 10;
    for (size_t i = 0; i < top; i++) {
        int r = (int)i + 1;
        add(p, &cumulative, p->borrowers[i].principal);
        report_cell_int(s, r, 0, r);
        report_cell_text(s, r, 1, p->borrowers[i].name);
        report_cell_money(s, r, 2, p->borrowers[i].principal);
        report_cell_ratio(s, r, 3, p->borrowers[i].principal, p->total.principal);
        report_cell_ratio(s, r, 4, cumulative, p->total.principal);
    }
    int r = (int)top + 1;
    report_sheet_total_row(s, r);
    report_cell_text(s, r, 1, REPORT_L(b, "前十大合计", "Top 10 together"));
    report_cell_money(s, r, 2, cumulative);
    report_cell_ratio(s, r, 3, cumulative, p->total.principal);
    char all[64];
    snprintf(all, sizeof all, REPORT_L(b, "全部借款人（%zu 户）", "All %zu borrowers"), n);
    report_cell_text(s, r + 1, 1, all);
    report_cell_money(s, r + 1, 2, p->total.principal);
    report_cell_ratio(s, r + 1, 3, p->total.principal, p->total.principal);
    if (top > 0) {
        report_chart *c = report_chart_add(b, s, REPORT_CHART_COLUMN,
                                           REPORT_L(b, "前十大借款人", "Top-10 borrowers"));
        report_chart_series(c, s, 1, (int)top, 1, 2, REPORT_L(b, "本金余额", "Principal"));
    }
    return cumulative;
}

/* ---- History: the migration over a period and the vintage curves ----------- */

#define OUTCOMES            7 /* the five categories, then settled, then written off */
#define OUTCOME_SETTLED     5
#define OUTCOME_WRITTEN_OFF 6
#define NOT_YET             (-1) /* status of a loan not yet disbursed on a day */

typedef struct loan_at {
    int status, category;
    ld_money principal;
} loan_at;

typedef struct history_loan {
    int64_t id; /* 0: empty slot */
    ld_date disbursed_on;
    ld_date defaulted_on; /* first day 次级 or worse, or written off; LEDGER_NO_DATE: never */
    ld_money amount;
    loan_at start, end; /* as of since and of date */
} history_loan;

typedef struct history {
    ld_date since, date;
    history_loan *loans;
    size_t cap, count;
    ld_date first_disbursed; /* LEDGER_NO_DATE: nothing lent by date */
    int64_t counts[LEDGER_CATEGORY_COUNT][OUTCOMES];
    ld_money principal[LEDGER_CATEGORY_COUNT][OUTCOMES];
    ld_money row_principal[LEDGER_CATEGORY_COUNT];
    bool overflow;
} history;

static size_t history_hash(int64_t id, size_t cap)
{
    return (size_t)id * 0x9E3779B97F4A7C15ull & (cap - 1);
}

static history_loan *history_find(const history *h, int64_t id)
{
    if (h->cap == 0)
        return NULL;
    size_t i = history_hash(id, h->cap);
    while (h->loans[i].id != 0 && h->loans[i].id != id)
        i = (i + 1) & (h->cap - 1);
    return h->loans[i].id == id ? &h->loans[i] : NULL;
}

/* The slot of a newly disbursed loan (the same slot if the log names it twice). */
static ld_status history_insert(history *h, int64_t id, history_loan **out, ld_error *err)
{
    if (h->count * 2 >= h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 1024;
        history_loan *t = calloc(cap, sizeof *t);
        if (t == NULL)
            return LD_FAIL(err, LD_EINTERNAL, "out of memory for the loans' history");
        for (size_t i = 0; i < h->cap; i++) {
            if (h->loans[i].id == 0)
                continue;
            size_t j = history_hash(h->loans[i].id, cap);
            while (t[j].id != 0)
                j = (j + 1) & (cap - 1);
            t[j] = h->loans[i];
        }
        free(h->loans);
        h->loans = t;
        h->cap = cap;
    }
    size_t i = history_hash(id, h->cap);
    while (h->loans[i].id != 0 && h->loans[i].id != id)
        i = (i + 1) & (h->cap - 1);
    if (h->loans[i].id == 0)
        h->count++;
    h->loans[i].id = id;
    *out = &h->loans[i];
    return LD_OK;
}

static void loan_at_apply(loan_at *a, const ledger_report_event *e)
{
    if (e->status >= 0)
        a->status = e->status;
    if (e->principal >= 0)
        a->principal = e->principal;
    a->category = e->category;
}

/* Replays the log's loan events dated on or before h->date into h->loans:
 * each loan's state at the end of h->since and of h->date. */
static ld_status history_replay(core_store *store, history *h, ld_error *err)
{
    free(h->loans);
    h->loans = NULL;
    h->cap = h->count = 0;
    h->first_disbursed = LEDGER_NO_DATE;
    ledger_report_iter *it = NULL;
    ld_status st = ledger_report_history_open(store, &it, err);
    bool more = true;
    ledger_report_event e;
    while (st == LD_OK && (st = ledger_report_history_next(it, &more, &e, err)) == LD_OK && more) {
        if (e.date > h->date)
            continue;
        history_loan *l = NULL;
        if (e.disburse) {
            if ((st = history_insert(h, e.loan_id, &l, err)) != LD_OK)
                break;
            l->disbursed_on = e.date;
            l->defaulted_on = LEDGER_NO_DATE;
            l->amount = e.amount;
            l->end = (loan_at){e.status, e.category, e.principal};
            l->start = e.date <= h->since ? l->end : (loan_at){NOT_YET, 0, 0};
            if (h->first_disbursed == LEDGER_NO_DATE || e.date < h->first_disbursed)
                h->first_disbursed = e.date;
        } else {
            /* A loan whose disbursement the log does not hold has no history. */
            if ((l = history_find(h, e.loan_id)) == NULL)
                continue;
            loan_at_apply(&l->end, &e);
            if (e.date <= h->since && l->start.status != NOT_YET)
                loan_at_apply(&l->start, &e);
        }
        if (l->defaulted_on == LEDGER_NO_DATE &&
            (e.category >= LEDGER_CAT_SUBSTANDARD || e.status == LEDGER_LOAN_WRITTEN_OFF))
            l->defaulted_on = e.date;
    }
    ledger_report_iter_free(it);
    return st;
}

/* Counts every loan active at the end of since by its category then and
 * where it stands at the end of date, with its unpaid principal at since. */
static void history_migrate(history *h)
{
    memset(h->counts, 0, sizeof h->counts);
    memset(h->principal, 0, sizeof h->principal);
    memset(h->row_principal, 0, sizeof h->row_principal);
    for (size_t i = 0; i < h->cap; i++) {
        const history_loan *l = &h->loans[i];
        if (l->id == 0 || l->start.status != LEDGER_LOAN_ACTIVE)
            continue;
        int from = l->start.category;
        int to = l->end.status == LEDGER_LOAN_SETTLED       ? OUTCOME_SETTLED
                 : l->end.status == LEDGER_LOAN_WRITTEN_OFF ? OUTCOME_WRITTEN_OFF
                                                            : l->end.category;
        if (from < 0 || from >= LEDGER_CATEGORY_COUNT || to < 0 || to >= OUTCOMES)
            continue;
        h->counts[from][to]++;
        if (__builtin_add_overflow(h->principal[from][to], l->start.principal,
                                   &h->principal[from][to]) ||
            __builtin_add_overflow(h->row_principal[from], l->start.principal,
                                   &h->row_principal[from]))
            h->overflow = true;
    }
}

static void migration_sheet(report_book *b, const history *h, report_lang lang)
{
    report_sheet *s = report_book_sheet(b, "五级分类迁徙", "Migration");
    report_col cols[OUTCOMES + 3] = {{"期初＼期末", "From \\ to", REPORT_COL_TEXT, 16}};
    for (int c = 0; c < LEDGER_CATEGORY_COUNT; c++)
        cols[c + 1] = (report_col){report_category_label(REPORT_LANG_ZH, c),
                                   report_category_label(REPORT_LANG_EN, c), REPORT_COL_INT, 16};
    cols[OUTCOME_SETTLED + 1] = (report_col){"结清", "Settled", REPORT_COL_INT, 12};
    cols[OUTCOME_WRITTEN_OFF + 1] = (report_col){"核销", "Written off", REPORT_COL_INT, 12};
    cols[OUTCOMES + 1] = (report_col){"期初笔数", "Loans at start", REPORT_COL_INT, 14};
    cols[OUTCOMES + 2] = (report_col){"期初本金", "Principal at start", REPORT_COL_MONEY, 18};
    report_cell_text(s, 0, 0, REPORT_L(b, "期初", "From"));
    report_cell_date(s, 0, 1, h->since);
    report_cell_text(s, 1, 0, REPORT_L(b, "期末", "To"));
    report_cell_date(s, 1, 1, h->date);
    report_sheet_table(s, 3, cols, OUTCOMES + 3);
    for (int a = 0; a < LEDGER_CATEGORY_COUNT; a++) {
        int r = 4 + a;
        int64_t row_loans = 0;
        report_cell_text(s, r, 0, report_category_label(lang, a));
        for (int c = 0; c < OUTCOMES; c++) {
            report_cell_int(s, r, 1 + c, h->counts[a][c]);
            row_loans += h->counts[a][c];
        }
        report_cell_int(s, r, OUTCOMES + 1, row_loans);
        report_cell_money(s, r, OUTCOMES + 2, h->row_principal[a]);
    }
    {
        int r = 4 + LEDGER_CATEGORY_COUNT;
        int64_t all = 0;
        ld_money principal = 0; /* each row's sum was checked for overflow */
        report_sheet_total_row(s, r);
        report_cell_text(s, r, 0, REPORT_L(b, "合计", "Total"));
        for (int c = 0; c < OUTCOMES; c++) {
            int64_t column = 0;
            for (int a = 0; a < LEDGER_CATEGORY_COUNT; a++)
                column += h->counts[a][c];
            report_cell_int(s, r, 1 + c, column);
            all += column;
        }
        for (int a = 0; a < LEDGER_CATEGORY_COUNT; a++)
            if (__builtin_add_overflow(principal, h->row_principal[a], &principal))
                principal = INT64_MAX;
        report_cell_int(s, r, OUTCOMES + 1, all);
        report_cell_money(s, r, OUTCOMES + 2, principal);
    }
    /* The same matrix by principal at the start, as shares of each row. */
    int r = 4 + LEDGER_CATEGORY_COUNT + 2;
    report_cell_text(s, r++, 0, REPORT_L(b, "按期初本金的迁徙率", "Migration rates by principal"));
    for (int a = 0; a < LEDGER_CATEGORY_COUNT; a++, r++) {
        report_cell_text(s, r, 0, report_category_label(lang, a));
        for (int c = 0; c < OUTCOMES; c++)
            report_cell_ratio(s, r, 1 + c, h->principal[a][c], h->row_principal[a]);
    }
}

/* The month on book that day falls in for a loan disbursed on from: the
 * m-th month is [from + (m - 1) months, from + m months). */
static int month_on_book(ld_date from, ld_date day)
{
    int y1, m1, d1, y2, m2, d2;
    ld_date_to_ymd(from, &y1, &m1, &d1);
    ld_date_to_ymd(day, &y2, &m2, &d2);
    /* A month short of the calendar difference is surely whole. */
    int whole = (y2 - y1) * 12 + (m2 - m1) - 1;
    if (whole < 0)
        whole = 0;
    while (ld_date_add_months(from, whole + 1) <= day)
        whole++;
    return whole + 1;
}

typedef struct cohort {
    int key; /* year * 12 + month - 1, or year * 4 + quarter - 1 */
    ld_date first_disbursed;
    int months; /* months on book of its oldest loan at date */
    int64_t loans;
    ld_money amount;
    int64_t *defaulted_loans; /* [m]: loans first 次级 or worse in month m on book */
    ld_money *defaulted_amount;
} cohort;

#define COHORT_MONTHS ((LD_DATE_MAX_YEAR - LD_DATE_MIN_YEAR + 1) * 12)

static int month_key(ld_date d)
{
    int y, m, day;
    ld_date_to_ymd(d, &y, &m, &day);
    return (y - LD_DATE_MIN_YEAR) * 12 + m - 1;
}

/* Cumulative default shares by month on book, one block of rows per cohort
 * (oldest first), cohorts by disbursement month, or by quarter when there
 * are more than 12 months; a line chart with one series per cohort. */
static ld_status vintage_sheet(report_book *b, const history *h, ld_error *err)
{
    static const report_col cols[] = {
        {"放款批次", "Cohort", REPORT_COL_TEXT, 10},
        {"账龄（月）", "Month on book", REPORT_COL_INT, 14},
        {"笔数", "Loans", REPORT_COL_INT, 10},
        {"放款金额", "Amount lent", REPORT_COL_MONEY, 18},
        {"累计违约笔数", "Defaulted loans", REPORT_COL_INT, 14},
        {"累计违约金额", "Defaulted amount", REPORT_COL_MONEY, 18},
        {"累计违约率（笔数）", "Default rate (count)", REPORT_COL_PCT, 14},
        {"累计违约率（金额）", "Default rate (amount)", REPORT_COL_PCT, 14},
    };
    report_sheet *s = report_book_sheet(b, "账龄分析", "Vintages");
    report_sheet_table(s, 0, cols, 8);
    ld_status st = LD_OK;
    int *index = calloc(COHORT_MONTHS, sizeof *index); /* month key -> cohort + 1 */
    cohort *cohorts = calloc(COHORT_MONTHS, sizeof *cohorts);
    int months = 0, count = 0;
    if (index == NULL || cohorts == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory for vintages");
        goto out;
    }
    for (size_t i = 0; i < h->cap; i++)
        if (h->loans[i].id != 0 && index[month_key(h->loans[i].disbursed_on)]++ == 0)
            months++;
    bool quarters = months > 12;
    /* Cohorts in key order, so the oldest comes first. */
    for (int k = 0; k < COHORT_MONTHS; k++) {
        if (index[k] == 0)
            continue;
        int key = quarters ? k / 3 : k;
        if (count == 0 || cohorts[count - 1].key != key)
            cohorts[count++] = (cohort){.key = key, .first_disbursed = LEDGER_NO_DATE};
        index[k] = count;
    }
    for (size_t i = 0; i < h->cap; i++) {
        const history_loan *l = &h->loans[i];
        if (l->id == 0)
            continue;
        cohort *c = &cohorts[index[month_key(l->disbursed_on)] - 1];
        if (c->first_disbursed == LEDGER_NO_DATE || l->disbursed_on < c->first_disbursed)
            c->first_disbursed = l->disbursed_on;
    }
    for (int i = 0; i < count; i++) {
        cohort *c = &cohorts[i];
        /* Its age in months, any part counting whole: a loan exactly six
         * months old on date has six months on book, not the first day of
         * a seventh; one four and a half months old has five. */
        c->months =
            h->date > c->first_disbursed ? month_on_book(c->first_disbursed, h->date - 1) : 1;
        c->defaulted_loans = calloc((size_t)c->months + 1, sizeof *c->defaulted_loans);
        c->defaulted_amount = calloc((size_t)c->months + 1, sizeof *c->defaulted_amount);
        if (c->defaulted_loans == NULL || c->defaulted_amount == NULL) {
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory for vintages");
            goto out;
        }
    }
    bool overflow = false;
    for (size_t i = 0; i < h->cap; i++) {
        const history_loan *l = &h->loans[i];
        if (l->id == 0)
            continue;
        cohort *c = &cohorts[index[month_key(l->disbursed_on)] - 1];
        c->loans++;
        overflow |= __builtin_add_overflow(c->amount, l->amount, &c->amount);
        if (l->defaulted_on == LEDGER_NO_DATE)
            continue;
        int m = month_on_book(l->disbursed_on, l->defaulted_on);
        if (m > c->months)
            m = c->months;
        c->defaulted_loans[m]++;
        overflow |=
            __builtin_add_overflow(c->defaulted_amount[m], l->amount, &c->defaulted_amount[m]);
    }
    if (overflow) {
        st = LD_FAIL(err, LD_EINTERNAL, "vintage totals overflow");
        goto out;
    }
    report_chart *chart =
        count > 0 ? report_chart_add(b, s, REPORT_CHART_LINE,
                                     REPORT_L(b, "累计违约率（金额）与账龄",
                                              "Cumulative default rate (amount) by month on book"))
                  : NULL;
    int r = 1;
    for (int i = 0; i < count; i++) {
        const cohort *c = &cohorts[i];
        char label[16];
        if (quarters)
            snprintf(label, sizeof label, "%04d-Q%d", LD_DATE_MIN_YEAR + c->key / 4,
                     c->key % 4 + 1);
        else
            snprintf(label, sizeof label, "%04d-%02d", LD_DATE_MIN_YEAR + c->key / 12,
                     c->key % 12 + 1);
        int64_t defaulted = 0;
        ld_money defaulted_amount = 0; /* at most the cohort's amount, checked above */
        int first_row = r;
        for (int m = 1; m <= c->months; m++, r++) {
            defaulted += c->defaulted_loans[m];
            defaulted_amount += c->defaulted_amount[m];
            report_cell_text(s, r, 0, label);
            report_cell_int(s, r, 1, m);
            report_cell_int(s, r, 2, c->loans);
            report_cell_money(s, r, 3, c->amount);
            report_cell_int(s, r, 4, defaulted);
            report_cell_money(s, r, 5, defaulted_amount);
            report_cell_ratio(s, r, 6, defaulted, c->loans);
            report_cell_ratio(s, r, 7, defaulted_amount, c->amount);
        }
        report_chart_series(chart, s, first_row, r - 1, 1, 7, label);
    }
out:
    for (int i = 0; cohorts != NULL && i < count; i++) {
        free(cohorts[i].defaulted_loans);
        free(cohorts[i].defaulted_amount);
    }
    free(cohorts);
    free(index);
    return st;
}

ld_status report_portfolio_write(core_store *store, const core_session *who, ld_date date,
                                 ld_date since, const report_options *options, report_result *out,
                                 ld_error *err)
{
    ld_status st = report_book_permit(who, err);
    if (st != LD_OK)
        return st;
    portfolio *p = calloc(1, sizeof *p);
    if (p == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    report_job job;
    report_book *book = NULL;
    ledger_report_iter *it = NULL;
    history h = {.date = date, .since = since != 0 ? since : ld_date_add_months(date, -3)};
    if (since > date) {
        st = LD_FAIL(err, LD_EINVAL, "since: after the report's date");
        goto out;
    }
    if ((st = report_job_begin(&job, store, who, options, "portfolio", err)) != LD_OK)
        goto out;
    /* Loans on the books on date: disbursed by then and not closed before. */
    st = ledger_report_loans_open(store, date, date, &it, err);
    bool more = true;
    ledger_report_loan l;
    report_lang lang = options->lang;
    while (st == LD_OK && (st = ledger_report_loans_next(it, &more, &l, err)) == LD_OK && more) {
        if (l.status != LEDGER_LOAN_ACTIVE)
            continue;
        group_add(p, &p->total, &l);
        group_add(p, group_find(&p->by_grade, l.grade), &l);
        char cat[2] = {(char)('0' + (l.category >= 0 && l.category < 5 ? l.category : 0)), '\0'};
        group_add(p, group_find(&p->by_category, cat), &l);
        group_add(p, group_find(&p->by_product, l.product), &l);
        group_add(p, group_find(&p->by_industry, l.industry), &l);
        group_add(p, group_find(&p->by_officer, l.officer), &l);
        borrower_add(p, &l);
    }
    ledger_report_iter_free(it);
    if (st == LD_OK && (p->overflow || p->oom))
        st = LD_FAIL(err, LD_EINTERNAL, p->oom ? "out of memory" : "portfolio totals overflow");
    if (st != LD_OK)
        goto out;
    /* The period starts three months back by default, or at the first
     * disbursement when the book is younger than that. */
    st = history_replay(store, &h, err);
    if (st == LD_OK && since == 0 && h.first_disbursed != LEDGER_NO_DATE &&
        h.first_disbursed > h.since) {
        h.since = h.first_disbursed;
        st = history_replay(store, &h, err);
    }
    if (st == LD_OK) {
        history_migrate(&h);
        if (h.overflow)
            st = LD_FAIL(err, LD_EINTERNAL, "migration totals overflow");
    }
    if (st != LD_OK)
        goto out;
    report_book_spec spec = {.path = options->path,
                             .lang = lang,
                             .kind = "portfolio",
                             .title_zh = "经营分析",
                             .title_en = "Portfolio analysis",
                             .as_of = date,
                             .company = job.institution,
                             .tmpdir = options->tmpdir};
    if ((st = report_book_open(&spec, &book, err)) != LD_OK)
        goto out;
    /* Sheets in reading order; the summary needs the top-10 figure, which is
     * computed with the concentration sheet, so it is filled from a copy. */
    ld_money top10 = 0;
    {
        size_t n = 0;
        borrower_slot *copy = p->borrower_cap ? calloc(p->borrower_cap, sizeof *copy) : NULL;
        if (copy != NULL) {
            for (size_t i = 0; i < p->borrower_cap; i++)
                if (p->borrowers[i].id != 0)
                    copy[n++] = p->borrowers[i];
            qsort(copy, n, sizeof *copy, cmp_borrower);
            for (size_t i = 0; i < n && i < 10; i++)
                add(p, &top10, copy[i].principal);
            free(copy);
        }
    }
    core_product_catalog catalog;
    if (core_product_catalog_get(store, &catalog, NULL) != LD_OK)
        catalog = (core_product_catalog){0};
    summary_sheet(book, p, date, top10);
    group_sheet(book, &p->by_category, &p->total, "按五级分类", "By category", true,
                REPORT_CHART_COLUMN, lang, true, NULL);
    group_sheet(book, &p->by_grade, &p->total, "按评级", "By grade", true, REPORT_CHART_PIE, lang,
                false, NULL);
    group_sheet(book, &p->by_product, &p->total, "按产品", "By product", true, REPORT_CHART_COLUMN,
                lang, false, &catalog);
    group_sheet(book, &p->by_industry, &p->total, "按行业", "By industry", true,
                REPORT_CHART_COLUMN, lang, false, NULL);
    group_sheet(book, &p->by_officer, &p->total, "按客户经理", "By officer", true,
                REPORT_CHART_COLUMN, lang, false, NULL);
    migration_sheet(book, &h, lang);
    top10_sheet(book, p);
    if ((st = vintage_sheet(book, &h, err)) != LD_OK) {
        report_book_discard(book);
        goto out;
    }
    st = report_job_finish(&job, book, out, err);
out:
    free(h.loans);
    free(p->borrowers);
    free(p);
    return st;
}
