/*
 * report_portfolio.c - 经营分析, the portfolio workbook: balances and counts
 * by grade, category, product, industry and officer; NPL ratio (次级 and worse
 * over all principal); overdue rates by balance and by count; the category
 * migration matrix since an earlier snapshot; top-10 borrower concentration;
 * default rate by months on book for each disbursement-month cohort; native
 * Excel charts over those tables.
 *
 * One pass over the loans (ledger_report_loans_next) fills small in-memory
 * groups; borrower totals go into an open-addressing table so a million loans
 * need one slot per borrower, not a sort of all loans. All sums are int64 fen
 * with overflow checks. Vintages: the ledger keeps only each loan's current
 * state, so each cohort contributes one point (its months on book now, and the
 * share of its amount now non-performing or written off); the points of all
 * cohorts together draw the curve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_int.h"
#include "inspection.h"
#include "labels_int.h"
#include "loan_calc.h"
#include "permission.h"

#define GROUPS_MAX 256

typedef struct group {
    char key[128];
    int64_t loans, overdue_loans, npl_loans;
    ld_money principal, overdue_principal, npl_principal, amount;
} group;

typedef struct grouping {
    group g[GROUPS_MAX];
    int count;
} grouping;

typedef struct cohort {
    int ym; /* year * 12 + month - 1 */
    int64_t loans, defaulted_loans;
    ld_money amount, defaulted_amount;
} cohort;

typedef struct borrower_slot {
    int64_t id; /* 0: empty */
    char name[128];
    ld_money principal;
} borrower_slot;

typedef struct portfolio {
    grouping by_grade, by_category, by_product, by_industry, by_officer;
    cohort cohorts[1200];
    int cohort_count;
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

static void cohort_add(portfolio *p, const ledger_report_loan *l)
{
    int y, m, d;
    ld_date_to_ymd(l->disbursed_on, &y, &m, &d);
    int ym = y * 12 + m - 1;
    cohort *c = NULL;
    for (int i = 0; i < p->cohort_count && c == NULL; i++)
        if (p->cohorts[i].ym == ym)
            c = &p->cohorts[i];
    if (c == NULL) {
        if (p->cohort_count == (int)(sizeof p->cohorts / sizeof p->cohorts[0]))
            return;
        c = &p->cohorts[p->cohort_count++];
        memset(c, 0, sizeof *c);
        c->ym = ym;
    }
    c->loans++;
    add(p, &c->amount, l->amount);
    if (l->category >= LEDGER_CAT_SUBSTANDARD || l->status == LEDGER_LOAN_WRITTEN_OFF) {
        c->defaulted_loans++;
        add(p, &c->defaulted_amount, l->amount);
    }
}

static int cmp_cohort(const void *a, const void *b)
{
    int x = ((const cohort *)a)->ym, y = ((const cohort *)b)->ym;
    return (x > y) - (x < y);
}

static const report_col group_cols[] = {
    {"分组", "Group", REPORT_COL_TEXT, 20},
    {"笔数", "Loans", REPORT_COL_INT, 10},
    {"本金余额", "Principal", REPORT_COL_MONEY, 18},
    {"占比", "Share", REPORT_COL_PCT, 10},
    {"逾期笔数", "Overdue loans", REPORT_COL_INT, 12},
    {"逾期余额", "Overdue principal", REPORT_COL_MONEY, 18},
    {"逾期率", "Overdue rate", REPORT_COL_PCT, 10},
    {"不良余额", "NPL principal", REPORT_COL_MONEY, 18},
    {"不良率", "NPL ratio", REPORT_COL_PCT, 10},
};

/* One table of groups at the top of its own sheet, with a chart beside it. */
static void group_sheet(report_book *b, grouping *gs, const group *total, const char *zh,
                        const char *en, bool sort, report_chart_kind chart_kind, report_lang lang,
                        bool categories)
{
    report_sheet *s = report_book_sheet(b, zh, en);
    report_sheet_table(s, 0, group_cols, 9);
    if (sort)
        qsort(gs->g, (size_t)gs->count, sizeof gs->g[0], cmp_key);
    int r = 1;
    for (int i = 0; i < gs->count; i++, r++) {
        const group *g = &gs->g[i];
        const char *key = g->key;
        if (categories)
            key = report_category_label(lang, (int)(g->key[0] - '0'));
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
        report_chart *c = report_chart_add(b, s, 1, 10, chart_kind, title);
        report_chart_series(c, s, 1, gs->count, 0, 2, title);
    }
}

static void summary_sheet(report_book *b, const portfolio *p, ld_date date, ld_money top10)
{
    report_sheet *s = report_book_sheet(b, "概要", "Summary");
    report_sheet_form(s, 28, 22);
    int r = 0;
    report_cell_heading(s, r++, 0, REPORT_L(b, "经营分析", "Portfolio analysis"));
    report_cell_text(s, r, 0, REPORT_L(b, "数据截至", "As of"));
    report_cell_date(s, r++, 1, date);
    report_cell_text(s, r, 0, REPORT_L(b, "在贷笔数", "Loans"));
    report_cell_int(s, r++, 1, p->total.loans);
    report_cell_text(s, r, 0, REPORT_L(b, "本金余额", "Principal outstanding"));
    report_cell_money(s, r++, 1, p->total.principal);
    report_cell_text(s, r, 0, REPORT_L(b, "逾期贷款余额", "Overdue principal"));
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
    if (top > 0) {
        report_chart *c = report_chart_add(b, s, 1, 6, REPORT_CHART_COLUMN,
                                           REPORT_L(b, "前十大借款人", "Top-10 borrowers"));
        report_chart_series(c, s, 1, (int)top, 1, 2, REPORT_L(b, "本金余额", "Principal"));
    }
    return cumulative;
}

static void migration_sheet(report_book *b, core_store *store, ld_date date, ld_date since,
                            report_lang lang, ld_error *err, ld_status *st)
{
    report_sheet *s = report_book_sheet(b, "五级分类迁徙", "Migration");
    report_col cols[7] = {{"期初＼期末", "From \\ to", REPORT_COL_TEXT, 16}};
    for (int c = 0; c < 5; c++)
        cols[c + 1] = (report_col){report_category_label(REPORT_LANG_ZH, c),
                                   report_category_label(REPORT_LANG_EN, c), REPORT_COL_INT, 16};
    cols[6] = (report_col){"期初笔数", "Loans at start", REPORT_COL_INT, 14};
    ld_date from = 0;
    ld_status found =
        ledger_report_snapshot_before(store, since != 0 ? since : date - 1, &from, NULL);
    report_cell_text(s, 0, 0, REPORT_L(b, "期初快照日", "Snapshot of"));
    if (found != LD_OK) {
        report_cell_text(s, 0, 1, REPORT_L(b, "无更早的快照", "no earlier snapshot"));
    } else {
        report_cell_date(s, 0, 1, from);
    }
    report_sheet_table(s, 2, cols, 7);
    int64_t counts[5][5];
    ld_money principal[5][5];
    memset(counts, 0, sizeof counts);
    memset(principal, 0, sizeof principal);
    if (found == LD_OK)
        *st = ledger_report_migration(store, from, counts, principal, err);
    for (int a = 0; a < 5; a++) {
        int r = 3 + a;
        int64_t row_total = 0;
        report_cell_text(s, r, 0, report_category_label(lang, a));
        for (int c = 0; c < 5; c++) {
            report_cell_int(s, r, 1 + c, counts[a][c]);
            row_total += counts[a][c];
        }
        report_cell_int(s, r, 6, row_total);
    }
    /* The same matrix by principal at the start, as shares of each row. */
    int r = 10;
    report_cell_text(s, r++, 0, REPORT_L(b, "按期初本金的迁徙率", "Migration rates by principal"));
    for (int a = 0; a < 5; a++, r++) {
        ld_money row_total = 0;
        for (int c = 0; c < 5; c++)
            row_total += principal[a][c];
        report_cell_text(s, r, 0, report_category_label(lang, a));
        for (int c = 0; c < 5; c++)
            report_cell_ratio(s, r, 1 + c, principal[a][c], row_total);
    }
}

static void vintage_sheet(report_book *b, portfolio *p, ld_date date)
{
    static const report_col cols[] = {
        {"放款月份", "Cohort", REPORT_COL_TEXT, 10},
        {"账龄（月）", "Months on book", REPORT_COL_INT, 14},
        {"笔数", "Loans", REPORT_COL_INT, 10},
        {"放款金额", "Amount lent", REPORT_COL_MONEY, 18},
        {"违约笔数", "Defaulted loans", REPORT_COL_INT, 14},
        {"违约金额", "Defaulted amount", REPORT_COL_MONEY, 18},
        {"违约率", "Default rate", REPORT_COL_PCT, 12},
    };
    report_sheet *s = report_book_sheet(b, "账龄分析", "Vintages");
    report_sheet_table(s, 0, cols, 7);
    qsort(p->cohorts, (size_t)p->cohort_count, sizeof p->cohorts[0], cmp_cohort);
    int y, m, d;
    ld_date_to_ymd(date, &y, &m, &d);
    int now = y * 12 + m - 1;
    /* Newest cohort first, so months on book rise down the sheet. */
    int r = 1;
    for (int i = p->cohort_count - 1; i >= 0; i--, r++) {
        const cohort *c = &p->cohorts[i];
        char label[16];
        snprintf(label, sizeof label, "%04d-%02d", c->ym / 12, c->ym % 12 + 1);
        report_cell_text(s, r, 0, label);
        report_cell_int(s, r, 1, now - c->ym);
        report_cell_int(s, r, 2, c->loans);
        report_cell_money(s, r, 3, c->amount);
        report_cell_int(s, r, 4, c->defaulted_loans);
        report_cell_money(s, r, 5, c->defaulted_amount);
        report_cell_ratio(s, r, 6, c->defaulted_amount, c->amount);
    }
    if (p->cohort_count > 0) {
        report_chart *c =
            report_chart_add(b, s, 1, 8, REPORT_CHART_LINE,
                             REPORT_L(b, "违约率与账龄", "Default rate by months on book"));
        report_chart_series(c, s, 1, p->cohort_count, 1, 6, REPORT_L(b, "违约率", "Default rate"));
    }
}

ld_status report_portfolio_write(core_store *store, const core_session *who, ld_date date,
                                 ld_date since, const report_options *options, report_result *out,
                                 ld_error *err)
{
    ld_status st = LD_OK;
    if (who->role != CORE_ROLE_REVIEWER &&
        (st = core_perm_require(who, CORE_ACT_AUDIT_READ, NULL, err)) != LD_OK)
        return st;
    portfolio *p = calloc(1, sizeof *p);
    if (p == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    report_job job;
    report_book *book = NULL;
    ledger_report_iter *it = NULL;
    if ((st = report_job_begin(&job, store, who, options, "portfolio", err)) != LD_OK)
        goto out;
    /* Loans on the books on date: disbursed by then and not closed before. */
    st = ledger_report_loans_open(store, date, date, &it, err);
    bool more = true;
    ledger_report_loan l;
    report_lang lang = options->lang;
    while (st == LD_OK && (st = ledger_report_loans_next(it, &more, &l, err)) == LD_OK && more) {
        cohort_add(p, &l);
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
    report_book_spec spec = {.path = options->path,
                             .lang = lang,
                             .kind = "portfolio",
                             .title_zh = "经营分析",
                             .title_en = "Portfolio analysis",
                             .as_of = date,
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
    summary_sheet(book, p, date, top10);
    group_sheet(book, &p->by_category, &p->total, "按五级分类", "By category", true,
                REPORT_CHART_COLUMN, lang, true);
    group_sheet(book, &p->by_grade, &p->total, "按评级", "By grade", true, REPORT_CHART_PIE, lang,
                false);
    group_sheet(book, &p->by_product, &p->total, "按产品", "By product", true, REPORT_CHART_COLUMN,
                lang, false);
    group_sheet(book, &p->by_industry, &p->total, "按行业", "By industry", true,
                REPORT_CHART_COLUMN, lang, false);
    group_sheet(book, &p->by_officer, &p->total, "按客户经理", "By officer", true,
                REPORT_CHART_COLUMN, lang, false);
    migration_sheet(book, store, date, since, lang, err, &st);
    top10_sheet(book, p);
    vintage_sheet(book, p, date);
    if (st != LD_OK) {
        report_book_discard(book);
        goto out;
    }
    if ((st = ledger_report_snapshot_save(store, date, err)) != LD_OK) {
        report_book_discard(book);
        goto out;
    }
    st = report_job_finish(&job, book, out, err);
out:
    free(p->borrowers);
    free(p);
    return st;
}
