/*
 * report_inspection.c - 贷后检查报告, the post-loan inspection workbook: a
 * cover (loan, borrower, officer, dates, categories), the repayment status
 * (schedule against payments, overdue amounts, DPD), the borrower now, each
 * guarantor, each collateral item with its LTV at approval and now, findings
 * and risk signals, and the classification opinion (docs/regulation.md,
 * "Post-loan management"). The inspection is read as it was stored; the
 * loan's balances are the ledger's as of its last close of business. As of the
 * inspection's date.
 */
#include <stdio.h>
#include <string.h>

#include "application.h"
#include "book_int.h"
#include "inspection.h"
#include "labels_int.h"
#include "loan.h"
#include "policy.h"

/* The report sheet is a form of labels (column 0) and values (columns 1 to
 * LAST, text spanning them) with the guarantor and collateral tables in
 * between, so that the whole report prints on one or two pages. */
enum { LAST = 9 };

static const char *kind_label(report_book *b, const char *kind)
{
    if (strcmp(kind, "first") == 0)
        return REPORT_L(b, "首次检查", "First inspection");
    if (strcmp(kind, "special") == 0)
        return REPORT_L(b, "专项检查", "Special inspection");
    return REPORT_L(b, "常规检查", "Routine inspection");
}

static const char *category_text(report_book *b, const char *name)
{
    return report_category_label(report_book_lang(b), report_category_index(name));
}

static void cover(report_book *b, report_sheet *s, int *r, const char *product, const cJSON *ins,
                  const cJSON *loan, const cJSON *app)
{
    report_cell_heading(s, (*r)++, 0, REPORT_L(b, "贷后检查报告", "Post-loan inspection report"));
    report_form_section(s, r, REPORT_L(b, "基本信息", "The loan and the inspection"));
    report_form_int(s, r, REPORT_L(b, "借据编号", "Loan"), report_json_int(loan, "id"));
    report_form_text(s, r, LAST, REPORT_L(b, "合同编号", "Contract"),
                     report_json_str(loan, "contract_no"));
    report_form_text(s, r, LAST, REPORT_L(b, "借款人", "Borrower"),
                     report_json_str(app, "borrower"));
    report_form_text(s, r, LAST, REPORT_L(b, "客户经理", "Officer"),
                     report_json_str(ins, "officer"));
    report_form_text(s, r, LAST, REPORT_L(b, "产品", "Product"), product);
    report_form_text(
        s, r, LAST, REPORT_L(b, "还款方式", "Repayment method"),
        report_code_label(report_book_lang(b), "method", report_json_str(loan, "method")));
    report_form_money(s, r, REPORT_L(b, "贷款金额", "Loan amount"),
                      report_json_money(loan, "amount"));
    report_cell_text(s, *r, 0, REPORT_L(b, "执行利率", "Rate"));
    report_cell_rate(s, (*r)++, 1, report_json_rate(loan, "rate"));
    report_form_date(s, r, REPORT_L(b, "放款日", "Disbursed on"),
                     report_json_date(loan, "disbursed_on"));
    report_form_int(s, r, REPORT_L(b, "检查编号", "Inspection"), report_json_int(ins, "id"));
    report_form_text(s, r, LAST, REPORT_L(b, "检查类型", "Kind"),
                     kind_label(b, report_json_str(ins, "kind")));
    report_form_date(s, r, REPORT_L(b, "检查日期", "Inspected on"), report_json_date(ins, "date"));
    report_form_text(
        s, r, LAST, REPORT_L(b, "现场检查", "Site visit"),
        report_yes_no(report_book_lang(b),
                      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ins, "site_visit"))));
}

static void repayment_sheet(report_book *b, const cJSON *loan)
{
    static const report_col cols[] = {
        {"期次", "No.", REPORT_COL_INT, 6},
        {"到期日", "Due", REPORT_COL_DATE, 12},
        {"应还本金", "Principal", REPORT_COL_MONEY, 16},
        {"应还利息", "Interest", REPORT_COL_MONEY, 14},
        {"手续费", "Fee", REPORT_COL_MONEY, 12},
        {"已还本金", "Principal paid", REPORT_COL_MONEY, 16},
        {"已还利息", "Interest paid", REPORT_COL_MONEY, 14},
        {"已还费用", "Fee paid", REPORT_COL_MONEY, 12},
        {"罚息复利", "Penalty", REPORT_COL_MONEY, 12},
        {"已还罚息", "Penalty paid", REPORT_COL_MONEY, 12},
        {"状态", "State", REPORT_COL_TEXT, 12},
    };
    report_sheet *s = report_book_sheet(b, "还款情况", "Repayment");
    /* Balances above the schedule: the overdue amounts and DPD at a glance. */
    const cJSON *bal = cJSON_GetObjectItemCaseSensitive(loan, "balances");
    int r = 0;
    struct {
        const char *zh, *en, *key;
    } lines[] = {{"本金余额", "Principal outstanding", "principal"},
                 {"逾期本金", "Principal overdue", "principal_overdue"},
                 {"应收未收利息", "Interest due", "interest_due"},
                 {"应计利息", "Interest accrued", "interest_accrued"},
                 {"罚息", "Penalty interest", "penalty"},
                 {"复利", "Compound interest", "compound"},
                 {"结清金额", "Payoff", "payoff"}};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        report_cell_span(s, r, 0, 1, REPORT_L(b, lines[i].zh, lines[i].en));
        report_cell_money(s, r++, 2, report_json_money(bal, lines[i].key));
    }
    report_cell_span(s, r, 0, 1, REPORT_L(b, "逾期天数", "Days past due"));
    report_cell_int(s, r++, 2, report_json_int(loan, "dpd"));
    report_cell_span(s, r, 0, 1, REPORT_L(b, "余额截至", "Balances as of"));
    report_cell_date(s, r++, 2, report_json_date(loan, "balances_as_of"));
    int header = r + 1;
    report_sheet_table(s, header, cols, (int)(sizeof cols / sizeof cols[0]));
    r = header + 1;
    static const char *const keys[] = {"principal",     "interest", "fee",     "paid_principal",
                                       "paid_interest", "paid_fee", "penalty", "paid_penalty"};
    ld_money totals[8] = {0};
    const cJSON *i;
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(loan, "schedule"))
    {
        report_cell_int(s, r, 0, report_json_int(i, "n"));
        report_cell_date(s, r, 1, report_json_date(i, "due"));
        for (int k = 0; k < 8; k++) {
            ld_money v = report_json_money(i, keys[k]);
            report_cell_money(s, r, 2 + k, v);
            /* Each is at most the loan's amount plus its interest: a
             * schedule's sums stay far inside int64. */
            totals[k] += v;
        }
        report_cell_text(
            s, r, 10,
            report_code_label(report_book_lang(b), "installment", report_json_str(i, "state")));
        r++;
    }
    report_sheet_total_row(s, r);
    report_cell_text(s, r, 1, REPORT_L(b, "合计", "Total"));
    for (int k = 0; k < 8; k++)
        report_cell_money(s, r, 2 + k, totals[k]);
}

static void borrower_part(report_book *b, report_sheet *s, int *r, const cJSON *ins)
{
    report_form_section(s, r, REPORT_L(b, "借款人情况", "The borrower"));
    report_form_text(s, r, LAST, REPORT_L(b, "经营及财务状况", "Operations and finances"),
                     report_json_str(ins, "operations"));
    report_form_text(s, r, LAST, REPORT_L(b, "当前还款能力", "Repayment capacity now"),
                     report_json_str(ins, "repayment_capacity"));
    report_form_text(s, r, LAST, REPORT_L(b, "还款表现", "Repayment behaviour"),
                     report_json_str(ins, "repayment_behaviour"));
    report_form_money(s, r, REPORT_L(b, "检查时本金余额", "Principal at inspection"),
                      report_json_money(ins, "principal_at_inspection"));
}

static void guarantor_part(report_book *b, report_sheet *s, int *r, const cJSON *ins,
                           const cJSON *app)
{
    report_form_section(s, r, REPORT_L(b, "保证人", "Guarantors"));
    report_cell_header(s, *r, 0, REPORT_L(b, "保证人", "Guarantor"));
    report_cell_header(s, *r, 1, REPORT_L(b, "担保金额", "Guaranteed"));
    report_cell_header(s, *r, 2, REPORT_L(b, "剩余担保能力", "Capacity left"));
    report_cell_header(s, *r, 3, REPORT_L(b, "能力不足", "Short"));
    report_cell_header(s, *r, 4, REPORT_L(b, "资信状况", "Standing"));
    (*r)++;
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(ins, "guarantors"))
    {
        const char *name = report_json_str(g, "name");
        ld_money guaranteed = 0;
        const cJSON *a;
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(app, "guarantors"))
        {
            if (strcmp(report_json_str(a, "name"), name) == 0)
                guaranteed = report_json_money(a, "guaranteed_amount");
        }
        ld_money capacity = report_json_money(g, "remaining_capacity");
        report_cell_text(s, *r, 0, name);
        report_cell_money(s, *r, 1, guaranteed);
        report_cell_money(s, *r, 2, capacity);
        report_cell_text(s, *r, 3, report_yes_no(report_book_lang(b), capacity < guaranteed));
        report_cell_span(s, *r, 4, LAST, report_json_str(g, "standing"));
        (*r)++;
    }
}

static void collateral_part(report_book *b, report_sheet *s, int *r, const cJSON *ins,
                            const cJSON *app, ld_money amount)
{
    static const char *const zh[] = {"抵质押物", "类型",   "原评估价值", "原抵押率", "仍在位",
                                     "保管情况", "已投保", "重估价值",   "重估日期", "当前抵押率"};
    static const char *const en[] = {"Item",        "Type",    "Appraised then", "LTV then",
                                     "In place",    "Custody", "Insured",        "Revalued",
                                     "Revalued on", "LTV now"};
    report_form_section(s, r, REPORT_L(b, "抵质押物", "Collateral"));
    for (int c = 0; c <= LAST; c++)
        report_cell_header(s, *r, c, REPORT_L(b, zh[c], en[c]));
    (*r)++;
    report_lang lang = report_book_lang(b);
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ins, "collateral"))
    {
        const cJSON *orig = NULL, *a;
        int64_t id = report_json_int(c, "collateral_id");
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(app, "collateral"))
        {
            if (id != 0 && report_json_int(a, "id") == id)
                orig = a;
        }
        int row = *r;
        report_cell_text(s, row, 0, report_json_str(c, "description"));
        report_cell_text(s, row, 1,
                         orig != NULL
                             ? report_code_label(lang, "collateral", report_json_str(orig, "type"))
                             : "");
        if (orig != NULL) {
            ld_money appraised = report_json_money(orig, "appraised_value");
            report_cell_money(s, row, 2, appraised);
            report_cell_ratio(s, row, 3, amount, appraised);
        }
        report_cell_text(
            s, row, 4,
            report_yes_no(lang, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "in_place"))));
        report_cell_wrap(s, row, 5, report_json_str(c, "custody"));
        report_cell_text(
            s, row, 6,
            report_json_has(c, "insured")
                ? report_yes_no(lang, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "insured")))
                : "");
        report_cell_money(s, row, 7, report_json_money(c, "revalued_amount"));
        report_cell_date(s, row, 8, report_json_date(c, "revalued_on"));
        report_cell_ratio(s, row, 9, report_json_int(c, "ltv_bp"), 10000);
        (*r)++;
    }
}

static void findings_part(report_book *b, report_sheet *s, int *r, core_store *store,
                          const cJSON *ins)
{
    report_form_section(s, r, REPORT_L(b, "发现与风险信号", "Findings and risk signals"));
    report_form_text(s, r, LAST, REPORT_L(b, "检查发现", "Findings"),
                     report_json_str(ins, "findings"));
    /* The checklist of the policy model in force (parsed once by core). */
    const core_policy_terms *terms = NULL;
    if (core_policy_terms_get(store, &terms, NULL) != LD_OK)
        terms = NULL;
    const cJSON *code;
    cJSON_ArrayForEach(code, cJSON_GetObjectItemCaseSensitive(ins, "risk_signals"))
    {
        /* The checklist's words; a code the policy no longer lists as it is. */
        const char *label = cJSON_IsString(code) ? code->valuestring : "";
        const core_risk_signal *signal = terms != NULL && cJSON_IsString(code)
                                             ? core_risk_signal_find(terms, code->valuestring)
                                             : NULL;
        if (signal != NULL)
            label = REPORT_L(b, signal->zh, signal->en);
        report_form_text(s, r, LAST, REPORT_L(b, "风险信号", "Risk signal"), label);
    }
    if (report_json_has(ins, "measures"))
        report_form_text(s, r, LAST, REPORT_L(b, "措施", "Measures"),
                         report_json_str(ins, "measures"));
}

static void classification_part(report_book *b, report_sheet *s, int *r, const cJSON *ins,
                                const cJSON *loan)
{
    report_form_section(s, r, REPORT_L(b, "分类意见", "Classification"));
    report_form_text(s, r, LAST, REPORT_L(b, "逾期天数下限分类", "Floor by days past due"),
                     category_text(b, report_json_str(loan, "category_floor")));
    report_form_text(s, r, LAST, REPORT_L(b, "当前五级分类", "Category now"),
                     category_text(b, report_json_str(loan, "category")));
    report_form_text(s, r, LAST, REPORT_L(b, "建议五级分类", "Recommended category"),
                     category_text(b, report_json_str(ins, "recommended_category")));
    report_form_text(s, r, LAST, REPORT_L(b, "理由", "Reason"),
                     report_json_str(ins, "category_reason"));
    report_form_date(s, r, REPORT_L(b, "下次检查日期", "Next inspection"),
                     report_json_date(ins, "next_inspection"));
}

ld_status report_inspection_write(core_store *store, const core_session *who, int64_t loan_id,
                                  int64_t inspection_id, const report_options *options,
                                  report_result *out, ld_error *err)
{
    cJSON *ins = NULL, *loan = NULL, *app = NULL;
    report_book *book = NULL;
    report_job job;
    ld_status st = ledger_inspection_get(store, who, loan_id, inspection_id, &ins, err);
    if (st == LD_OK)
        st = ledger_loan_show(store, who, loan_id, &loan, err);
    if (st == LD_OK && report_json_int(loan, "application_id") > 0)
        st = core_application_show(store, who, report_json_int(loan, "application_id"), &app, err);
    if (st == LD_OK)
        st = report_job_begin(&job, store, who, options, "inspection", err);
    if (st != LD_OK)
        goto out;
    char title_zh[128], title_en[128];
    snprintf(title_zh, sizeof title_zh, "贷后检查报告 %s", report_json_str(loan, "contract_no"));
    snprintf(title_en, sizeof title_en, "Post-loan inspection %s",
             report_json_str(loan, "contract_no"));
    report_book_spec spec = {.path = options->path,
                             .lang = options->lang,
                             .kind = "inspection",
                             .title_zh = title_zh,
                             .title_en = title_en,
                             .as_of = report_json_date(ins, "date"),
                             .company = job.institution,
                             .tmpdir = options->tmpdir};
    if ((st = report_book_open(&spec, &book, err)) != LD_OK)
        goto out;
    char product[160];
    report_product_label(store, report_book_lang(book), report_json_str(loan, "product"), product,
                         sizeof product);
    report_sheet *s = report_book_sheet(book, "检查报告", "Inspection");
    static const int widths[LAST + 1] = {16, 13, 14, 9, 7, 14, 7, 13, 11, 9};
    report_sheet_columns(s, widths, LAST + 1);
    int r = 0;
    cover(book, s, &r, product, ins, loan, app);
    borrower_part(book, s, &r, ins);
    guarantor_part(book, s, &r, ins, app);
    collateral_part(book, s, &r, ins, app, report_json_money(loan, "amount"));
    findings_part(book, s, &r, store, ins);
    classification_part(book, s, &r, ins, loan);
    repayment_sheet(book, loan);
    st = report_job_finish(&job, book, out, err);
out:
    cJSON_Delete(ins);
    cJSON_Delete(loan);
    cJSON_Delete(app);
    return st;
}
