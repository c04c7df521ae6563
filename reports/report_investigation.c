/*
 * report_investigation.c - 贷前调查报告, the pre-loan investigation report the
 * officer writes and signs before an application goes to review: the
 * borrower, each guarantor and what it can still guarantee, each collateral
 * item with its owner, value, LTV and how it would be realised, the on-site
 * investigations, the financial analysis over the statement years (ratios
 * computed here in integer arithmetic), the rating with its reasons, and the
 * proposed terms with the officer's opinion (the latest investigation's
 * conclusion). Everything is read through core as the acting user may read
 * it (core_application_show, core_borrower_show, core_rating_show), so the
 * officer of the application and the reviewers and managers may write it;
 * another officer is refused there. Dated by the business date it is written
 * on.
 */
#include <stdio.h>
#include <string.h>

#include "application.h"
#include "book_int.h"
#include "borrower.h"
#include "credit.h"
#include "labels_int.h"

/* The sheet's columns: a label, then values; tables use all of them. */
enum { LAST = 8 };

static void headers(report_book *b, report_sheet *s, int *r, const char *const *zh,
                    const char *const *en, int count)
{
    for (int c = 0; c < count; c++)
        report_cell_header(s, *r, c, REPORT_L(b, zh[c], en[c]));
    (*r)++;
}

static const char *code(report_book *b, const char *set, const cJSON *obj, const char *key)
{
    return report_code_label(report_book_lang(b), set, report_json_str(obj, key));
}

static void borrower_part(report_book *b, report_sheet *s, int *r, const cJSON *app,
                          const cJSON *bor, const char *product)
{
    report_lang lang = report_book_lang(b);
    report_form_section(s, r,
                        REPORT_L(b, "一、借款人及申请", "1. The borrower and the application"));
    report_form_int(s, r, REPORT_L(b, "申请编号", "Application"), report_json_int(app, "id"));
    report_form_text(s, r, LAST, REPORT_L(b, "借款人", "Borrower"), report_json_str(bor, "name"));
    report_form_text(s, r, LAST, REPORT_L(b, "客户类型", "Kind"),
                     code(b, "borrower_kind", bor, "kind"));
    bool enterprise = strcmp(report_json_str(bor, "kind"), "enterprise") == 0;
    if (enterprise) {
        report_form_text(s, r, LAST, REPORT_L(b, "统一社会信用代码", "Unified credit code"),
                         report_json_str(bor, "credit_code"));
        report_form_text(s, r, LAST, REPORT_L(b, "行业", "Industry"),
                         report_json_str(bor, "industry"));
        report_form_int(s, r, REPORT_L(b, "经营年限（年）", "Years in business"),
                        report_json_int(bor, "years_in_business"));
        report_form_money(s, r, REPORT_L(b, "注册资本", "Registered capital"),
                          report_json_money(bor, "registered_capital"));
    } else {
        report_form_text(s, r, LAST, REPORT_L(b, "身份证号", "Resident ID"),
                         report_json_str(bor, "id_number"));
        report_form_text(s, r, LAST, REPORT_L(b, "工作单位", "Employer"),
                         report_json_str(bor, "employer"));
        report_form_int(s, r, REPORT_L(b, "工作年限（年）", "Years employed"),
                        report_json_int(bor, "years_employed"));
        report_form_money(s, r, REPORT_L(b, "月收入", "Monthly income"),
                          report_json_money(bor, "monthly_income"));
        report_form_money(s, r, REPORT_L(b, "现有负债", "Existing debt"),
                          report_json_money(bor, "existing_debt"));
        report_form_money(s, r, REPORT_L(b, "现有月还款额", "Existing monthly repayments"),
                          report_json_money(bor, "existing_monthly_repayment"));
    }
    report_form_text(s, r, LAST, REPORT_L(b, "地址", "Address"), report_json_str(bor, "address"));
    report_form_text(s, r, LAST, REPORT_L(b, "客户经理", "Officer"),
                     report_json_str(app, "officer"));
    report_form_text(s, r, LAST, REPORT_L(b, "产品", "Product"), product);
    report_form_money(s, r, REPORT_L(b, "申请金额", "Amount applied for"),
                      report_json_money(app, "amount"));
    report_form_int(s, r, REPORT_L(b, "申请期限（月）", "Term applied for (months)"),
                    report_json_int(app, "term_months"));
    report_form_text(s, r, LAST, REPORT_L(b, "还款方式", "Repayment method"),
                     report_code_label(lang, "method", report_json_str(app, "method")));
    report_form_text(s, r, LAST, REPORT_L(b, "借款用途", "Purpose"),
                     report_json_str(app, "purpose"));
}

static void guarantor_part(report_book *b, report_sheet *s, int *r, const cJSON *app)
{
    static const char *const zh[] = {"保证人", "类型",     "保证方式",     "担保金额",
                                     "净资产", "对外担保", "剩余担保能力", "能力不足"};
    static const char *const en[] = {"Guarantor",     "Kind",       "Guarantee",
                                     "Guaranteed",    "Net assets", "Guarantees given",
                                     "Capacity left", "Short"};
    report_form_section(s, r,
                        REPORT_L(b, "二、保证人及担保能力", "2. Guarantors and their capacity"));
    headers(b, s, r, zh, en, 8);
    const cJSON *g;
    int first = *r;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(app, "guarantors"))
    {
        report_cell_text(s, *r, 0, report_json_str(g, "name"));
        report_cell_text(s, *r, 1, code(b, "guarantor", g, "kind"));
        report_cell_text(s, *r, 2, code(b, "guarantee", g, "guarantee_type"));
        report_cell_money(s, *r, 3, report_json_money(g, "guaranteed_amount"));
        report_cell_money(s, *r, 4, report_json_money(g, "net_assets"));
        report_cell_money(s, *r, 5, report_json_money(g, "outstanding_guarantees"));
        report_cell_money(s, *r, 6, report_json_money(g, "capacity"));
        report_cell_text(s, *r, 7,
                         report_yes_no(report_book_lang(b),
                                       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "short"))));
        (*r)++;
    }
    if (*r == first)
        report_form_text(s, r, LAST, REPORT_L(b, "（无保证人）", "(no guarantor)"), "");
}

/* How a creditor realises each kind of security (Civil Code, book two). */
static const char *realisation(report_lang lang, const char *type)
{
    static const struct {
        const char *type, *zh, *en;
    } ways[] = {
        {"real_estate", "协议折价或依法拍卖、变卖", "Sale by agreement or judicial auction"},
        {"land_use_right", "协议折价或依法拍卖、变卖", "Sale by agreement or judicial auction"},
        {"vehicle", "拍卖、变卖", "Auction or sale"},
        {"equipment", "拍卖、变卖", "Auction or sale"},
        {"deposit_receipt", "到期直接兑付受偿", "Paid out at maturity"},
        {"bonds", "兑付或转让受偿", "Redeemed or sold"},
        {"receivables", "向应收账款债务人直接收取", "Collected from the debtors"},
        {"equity", "股权转让或拍卖", "Transfer or auction of the shares"},
    };
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++)
        if (strcmp(ways[i].type, type) == 0)
            return lang == REPORT_LANG_EN ? ways[i].en : ways[i].zh;
    return "";
}

static void collateral_part(report_book *b, report_sheet *s, int *r, const cJSON *app)
{
    static const char *const zh[] = {"类型", "方式",   "所有人",   "评估价值", "评估日期",
                                     "顺位", "抵押率", "可贷价值", "处置方式"};
    static const char *const en[] = {"Type",      "Arrangement",  "Owner",
                                     "Appraised", "Appraised on", "Rank",
                                     "LTV cap",   "Lendable",     "Realised by"};
    report_lang lang = report_book_lang(b);
    report_form_section(s, r, REPORT_L(b, "三、抵质押物", "3. Collateral"));
    headers(b, s, r, zh, en, LAST + 1);
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(app, "collateral"))
    {
        const char *type = report_json_str(c, "type");
        char owner[256];
        snprintf(owner, sizeof owner, "%s%s", report_json_str(c, "owner_name"),
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "owner_is_borrower"))
                     ? REPORT_L(b, "（借款人）", " (borrower)")
                     : REPORT_L(b, "（第三人）", " (third party)"));
        report_cell_text(s, *r, 0, report_code_label(lang, "collateral", type));
        report_cell_text(s, *r, 1, code(b, "arrangement", c, "arrangement"));
        report_cell_wrap(s, *r, 2, owner);
        report_cell_money(s, *r, 3, report_json_money(c, "appraised_value"));
        report_cell_date(s, *r, 4, report_json_date(c, "appraisal_date"));
        report_cell_int(s, *r, 5, report_json_int(c, "lien_rank"));
        report_cell_ratio(s, *r, 6, report_json_rate(c, "ltv_cap"), 1000000);
        report_cell_money(s, *r, 7, report_json_money(c, "lendable_value"));
        report_cell_wrap(s, *r, 8, realisation(lang, type));
        (*r)++;
        /* Where it is registered, and who valued it, under the item. */
        char where[512];
        snprintf(where, sizeof where, "%s %s; %s %s; %s %s", REPORT_L(b, "权证号", "Certificate"),
                 report_json_str(c, "certificate_no"), REPORT_L(b, "登记号", "Registration"),
                 report_json_str(c, "registration_no"), REPORT_L(b, "评估机构", "Appraiser"),
                 report_json_str(c, "appraiser"));
        report_cell_span(s, (*r)++, 1, LAST, where);
    }
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(app, "security");
    report_form_money(s, r, REPORT_L(b, "抵质押物评估价值合计", "Collateral appraised"),
                      report_json_money(sec, "collateral_appraised"));
    report_form_money(s, r, REPORT_L(b, "抵质押可贷价值合计", "Collateral cover"),
                      report_json_money(sec, "collateral_cover"));
    report_cell_text(s, *r, 0, REPORT_L(b, "抵质押覆盖率", "Collateral cover ratio"));
    report_cell_ratio(s, (*r)++, 1, report_json_rate(sec, "collateral_cover_ratio"), 1000000);
    report_cell_text(s, *r, 0, REPORT_L(b, "贷款价值比 LTV", "Loan to value"));
    report_cell_ratio(s, (*r)++, 1, report_json_rate(sec, "loan_to_value"), 1000000);
    report_form_money(s, r, REPORT_L(b, "保证金额合计", "Guaranteed"),
                      report_json_money(sec, "guaranteed"));
}

static void visit_part(report_book *b, report_sheet *s, int *r, const cJSON *app)
{
    report_form_section(s, r, REPORT_L(b, "四、现场调查", "4. On-site investigation"));
    const cJSON *v;
    int first = *r;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(app, "investigations"))
    {
        report_cell_text(s, *r, 0, REPORT_L(b, "调查日期", "Visited on"));
        report_cell_date(s, (*r)++, 1, report_json_date(v, "site_visit_date"));
        report_form_text(s, r, LAST, REPORT_L(b, "调查人", "By"),
                         report_json_str(v, "recorded_by"));
        report_form_text(s, r, LAST, REPORT_L(b, "经营情况", "Operations"),
                         report_json_str(v, "operations"));
        report_form_text(s, r, LAST, REPORT_L(b, "资产负债", "Assets and liabilities"),
                         report_json_str(v, "assets_liabilities"));
        report_form_text(s, r, LAST, REPORT_L(b, "还款能力", "Repayment capacity"),
                         report_json_str(v, "repayment_capacity"));
        report_form_text(s, r, LAST, REPORT_L(b, "调查结论", "Conclusion"),
                         report_json_str(v, "conclusion"));
    }
    if (*r == first)
        report_form_text(s, r, LAST, REPORT_L(b, "（未做现场调查）", "(no site visit recorded)"),
                         "");
}

/* Statement lines and ratios, one column per year (at most LAST years, the
 * latest). */
static void financial_part(report_book *b, report_sheet *s, int *r, const cJSON *bor)
{
    report_form_section(s, r, REPORT_L(b, "五、财务分析", "5. Financial analysis"));
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(bor, "financials");
    int n = cJSON_GetArraySize(fin);
    if (n == 0) {
        report_form_text(s, r, LAST, REPORT_L(b, "（无财务报表）", "(no financial statements)"),
                         "");
        return;
    }
    int skip = n > LAST ? n - LAST : 0, years = n - skip;
    const cJSON *year[LAST];
    int k = 0, i = 0;
    const cJSON *y;
    cJSON_ArrayForEach(y, fin)
    {
        if (i++ >= skip)
            year[k++] = y;
    }
    report_cell_header(s, *r, 0, REPORT_L(b, "项目", "Item"));
    for (int c = 0; c < years; c++) {
        char text[16];
        snprintf(text, sizeof text, "%lld", (long long)report_json_int(year[c], "year"));
        report_cell_header(s, *r, 1 + c, text);
    }
    (*r)++;
    static const struct {
        const char *zh, *en, *key;
    } lines[] = {{"资产总额", "Total assets", "total_assets"},
                 {"负债总额", "Total liabilities", "total_liabilities"},
                 {"流动资产", "Current assets", "current_assets"},
                 {"流动负债", "Current liabilities", "current_liabilities"},
                 {"存货", "Inventory", "inventory"},
                 {"营业收入", "Revenue", "revenue"},
                 {"净利润", "Net profit", "net_profit"},
                 {"经营活动现金流量净额", "Operating cash flow", "operating_cash_flow"}};
    for (size_t l = 0; l < sizeof lines / sizeof lines[0]; l++, (*r)++) {
        report_cell_text(s, *r, 0, REPORT_L(b, lines[l].zh, lines[l].en));
        for (int c = 0; c < years; c++)
            report_cell_money(s, *r, 1 + c, report_json_money(year[c], lines[l].key));
    }
    /* Ratios: numerator key, denominator key, shown as a percentage or as a
     * multiple; "-" subtracts the second key from the first (quick assets). */
    static const struct {
        const char *zh, *en, *num, *num_less, *den;
        bool percent;
    } ratios[] = {
        {"资产负债率", "Debt to assets", "total_liabilities", NULL, "total_assets", true},
        {"流动比率", "Current ratio", "current_assets", NULL, "current_liabilities", false},
        {"速动比率", "Quick ratio", "current_assets", "inventory", "current_liabilities", false},
        {"销售净利率", "Net margin", "net_profit", NULL, "revenue", true},
        {"总资产收益率", "Return on assets", "net_profit", NULL, "total_assets", true},
        {"现金流量比率", "Cash flow to current liabilities", "operating_cash_flow", NULL,
         "current_liabilities", false},
    };
    for (size_t q = 0; q < sizeof ratios / sizeof ratios[0]; q++, (*r)++) {
        report_cell_text(s, *r, 0, REPORT_L(b, ratios[q].zh, ratios[q].en));
        for (int c = 0; c < years; c++) {
            ld_money num = report_json_money(year[c], ratios[q].num);
            if (ratios[q].num_less != NULL)
                num -= report_json_money(year[c], ratios[q].num_less);
            ld_money den = report_json_money(year[c], ratios[q].den);
            if (den == 0)
                continue;
            if (ratios[q].percent)
                report_cell_ratio(s, *r, 1 + c, num, den);
            else
                report_cell_decimal(s, *r, 1 + c, num, den);
        }
    }
    report_cell_text(s, *r, 0, REPORT_L(b, "营业收入增长率", "Revenue growth"));
    for (int c = 1; c < years; c++) {
        ld_money before = report_json_money(year[c - 1], "revenue");
        if (before > 0)
            report_cell_ratio(s, *r, 1 + c, report_json_money(year[c], "revenue") - before, before);
    }
    (*r)++;
}

static void rating_part(report_book *b, report_sheet *s, int *r, const cJSON *rating)
{
    report_form_section(s, r, REPORT_L(b, "六、信用评级", "6. Rating"));
    if (rating == NULL) {
        report_form_text(s, r, LAST, REPORT_L(b, "（尚未评级）", "(not yet rated)"), "");
        return;
    }
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(rating, "model");
    report_form_text(s, r, LAST, REPORT_L(b, "评分卡", "Scorecard"),
                     code(b, "scorecard", m, "kind"));
    report_form_int(s, r, REPORT_L(b, "评分", "Score"), report_json_int(m, "score"));
    report_form_text(s, r, LAST, REPORT_L(b, "有效等级", "Effective grade"),
                     report_json_str(rating, "effective_grade"));
    report_form_rate(s, r, REPORT_L(b, "违约概率 PD", "Probability of default"),
                     report_json_int(m, "pd_millionths"));
    report_form_text(s, r, LAST, REPORT_L(b, "政策结论", "Policy decision"),
                     code(b, "decision", m, "decision"));
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(m, "reasons"))
    {
        char text[512];
        snprintf(text, sizeof text, "%s%s%lld%s",
                 REPORT_L(b, report_json_str(x, "zh"), report_json_str(x, "en")),
                 REPORT_L(b, "（失分 ", " (points lost: "),
                 (long long)report_json_int(x, "points_lost"), REPORT_L(b, "）", ")"));
        report_form_text(s, r, LAST, REPORT_L(b, "评级理由", "Reason"), text);
    }
}

static void proposal_part(report_book *b, report_sheet *s, int *r, const cJSON *app,
                          const cJSON *rating)
{
    report_form_section(s, r,
                        REPORT_L(b, "七、授信方案及调查意见", "7. Proposed terms and opinion"));
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(rating, "model");
    /* The terms the model recommends, within what was applied for. */
    ld_money amount = report_json_money(app, "amount");
    ld_money recommended = rating != NULL ? report_json_money(m, "recommended_amount") : amount;
    int64_t term = report_json_int(app, "term_months");
    int64_t max_term = rating != NULL ? report_json_int(m, "recommended_term_months") : term;
    report_form_money(s, r, REPORT_L(b, "建议金额", "Amount"),
                      recommended < amount ? recommended : amount);
    report_form_int(s, r, REPORT_L(b, "建议期限（月）", "Term (months)"),
                    max_term > 0 && max_term < term ? max_term : term);
    report_form_text(s, r, LAST, REPORT_L(b, "还款方式", "Repayment method"),
                     code(b, "method", app, "method"));
    if (rating != NULL) {
        report_form_rate(s, r, REPORT_L(b, "建议利率", "Rate"), report_json_rate(m, "rate"));
        report_form_text(s, r, LAST, REPORT_L(b, "收费方式", "Fee method"),
                         code(b, "fee_method", m, "fee_method"));
        report_form_money(s, r, REPORT_L(b, "手续费", "Fee"), report_json_money(m, "fee_amount"));
    }
    /* The officer's opinion: the latest site visit's conclusion. */
    const char *opinion = "";
    const cJSON *v;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(app, "investigations"))
    {
        opinion = report_json_str(v, "conclusion");
    }
    report_form_text(s, r, LAST, REPORT_L(b, "调查人意见", "Officer's opinion"), opinion);
    report_form_text(s, r, LAST, REPORT_L(b, "调查人", "Officer"), report_json_str(app, "officer"));
}

ld_status report_investigation_write(core_store *store, const core_session *who, int64_t app_id,
                                     const report_options *options, report_result *out,
                                     ld_error *err)
{
    cJSON *app = NULL, *bor = NULL, *rating = NULL;
    report_book *book = NULL;
    report_job job;
    ld_status st = core_application_show(store, who, app_id, &app, err);
    if (st == LD_OK)
        st = core_borrower_show(store, who, report_json_int(app, "borrower_id"), &bor, err);
    if (st == LD_OK) {
        /* An application not yet rated has no rating section to show. */
        ld_error ignored;
        if (core_rating_show(store, who, app_id, &rating, &ignored) != LD_OK)
            rating = NULL;
        st = report_job_begin(&job, store, who, options, "investigation", err);
    }
    if (st != LD_OK)
        goto out;
    char title_zh[128], title_en[128];
    snprintf(title_zh, sizeof title_zh, "贷前调查报告 申请 %lld", (long long)app_id);
    snprintf(title_en, sizeof title_en, "Pre-loan investigation, application %lld",
             (long long)app_id);
    report_book_spec spec = {.path = options->path,
                             .lang = options->lang,
                             .kind = "investigation",
                             .title_zh = title_zh,
                             .title_en = title_en,
                             .as_of = core_store_today(store),
                             .company = job.institution,
                             .tmpdir = options->tmpdir};
    if ((st = report_book_open(&spec, &book, err)) != LD_OK)
        goto out;
    char product[160];
    report_product_label(store, options->lang, report_json_str(app, "product"), product,
                         sizeof product);
    report_sheet *s = report_book_sheet(book, "调查报告", "Investigation");
    static const int widths[LAST + 1] = {18, 12, 14, 14, 11, 7, 9, 14, 16};
    report_sheet_columns(s, widths, LAST + 1);
    report_sheet_wrap_column(s, 2, 18);
    report_sheet_wrap_column(s, 8, 16);
    int r = 0;
    report_cell_heading(s, r++, 0, REPORT_L(book, "贷前调查报告", "Pre-loan investigation report"));
    borrower_part(book, s, &r, app, bor, product);
    guarantor_part(book, s, &r, app);
    collateral_part(book, s, &r, app);
    visit_part(book, s, &r, app);
    financial_part(book, s, &r, bor);
    rating_part(book, s, &r, rating);
    proposal_part(book, s, &r, app, rating);
    st = report_job_finish(&job, book, out, err);
out:
    cJSON_Delete(app);
    cJSON_Delete(bor);
    cJSON_Delete(rating);
    return st;
}
