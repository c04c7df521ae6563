/*
 * report_rating.c - 评级报告, the rating workbook for risk staff: the
 * application and the model's answer (score, grade, PD, decision, recommended
 * terms), every factor with its value, bin and points against the best points
 * of that characteristic, the reason codes (those lost for want of data marked
 * so), the facts that were missing, the knock-outs and the reviewers'
 * overrides with who and why. Everything comes from core_rating_show, i.e. the
 * rating exactly as stored with the policy hash that produced it; the as-of
 * date is the rating's own date, so the workbook does not change with time.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "book_int.h"
#include "credit.h"
#include "inspection.h"
#include "labels_int.h"

static void form_row(report_sheet *s, int *row, const char *label, const char *text)
{
    report_cell_text(s, *row, 0, label);
    report_cell_text(s, *row, 1, text);
    (*row)++;
}

static void form_money(report_sheet *s, int *row, const char *label, ld_money m)
{
    report_cell_text(s, *row, 0, label);
    report_cell_money(s, *row, 1, m);
    (*row)++;
}

static void form_int(report_sheet *s, int *row, const char *label, int64_t v)
{
    report_cell_text(s, *row, 0, label);
    report_cell_int(s, *row, 1, v);
    (*row)++;
}

static void form_rate(report_sheet *s, int *row, const char *label, ld_rate r)
{
    report_cell_text(s, *row, 0, label);
    report_cell_rate(s, *row, 1, r);
    (*row)++;
}

static const char *code(report_book *b, const char *set, const cJSON *obj, const char *key)
{
    return report_code_label(report_book_lang(b), set, report_json_str(obj, key));
}

static void summary_sheet(report_book *b, const cJSON *app, const cJSON *rating, ld_date rated_on,
                          ld_date business_date, const char *product)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(rating, "model");
    report_sheet *s = report_book_sheet(b, "概要", "Summary");
    report_sheet_form(s, 26, 60);
    int r = 0;
    report_cell_heading(s, r++, 0, REPORT_L(b, "评级报告", "Rating report"));
    report_cell_text(s, r, 0, REPORT_L(b, "申请编号", "Application"));
    report_cell_int(s, r++, 1, report_json_int(rating, "application_id"));
    report_cell_text(s, r, 0, REPORT_L(b, "评级编号", "Rating"));
    report_cell_int(s, r++, 1, report_json_int(rating, "rating_id"));
    report_cell_text(s, r, 0, REPORT_L(b, "业务日期", "Business date"));
    report_cell_date(s, r++, 1, business_date);
    report_cell_text(s, r, 0, REPORT_L(b, "评级日期（系统时钟）", "Rated on (system clock)"));
    report_cell_date(s, r++, 1, rated_on);
    form_row(s, &r, REPORT_L(b, "借款人", "Borrower"), report_json_str(app, "borrower"));
    form_row(s, &r, REPORT_L(b, "客户经理", "Officer"), report_json_str(app, "officer"));
    form_row(s, &r, REPORT_L(b, "产品", "Product"), product);
    form_money(s, &r, REPORT_L(b, "申请金额", "Amount applied for"),
               report_json_money(app, "amount"));
    form_int(s, &r, REPORT_L(b, "申请期限（月）", "Term applied for (months)"),
             report_json_int(app, "term_months"));
    form_row(s, &r, REPORT_L(b, "还款方式", "Repayment method"), code(b, "method", app, "method"));
    form_row(s, &r, REPORT_L(b, "评分卡", "Scorecard"), code(b, "scorecard", m, "kind"));
    form_row(s, &r, REPORT_L(b, "政策版本", "Policy version"),
             report_json_str(m, "policy_version"));
    form_row(s, &r, REPORT_L(b, "政策 SHA-256", "Policy SHA-256"),
             report_json_str(m, "policy_sha256"));
    form_int(s, &r, REPORT_L(b, "评分", "Score"), report_json_int(m, "score"));
    form_row(s, &r, REPORT_L(b, "模型等级", "Model grade"), report_json_str(m, "grade"));
    form_row(s, &r, REPORT_L(b, "有效等级", "Effective grade"),
             report_json_str(rating, "effective_grade"));
    form_rate(s, &r, REPORT_L(b, "违约概率 PD", "Probability of default"),
              report_json_int(m, "pd_millionths"));
    form_row(s, &r, REPORT_L(b, "政策结论", "Policy decision"), code(b, "decision", m, "decision"));
    const cJSON *allowed = cJSON_GetObjectItemCaseSensitive(m, "lending_allowed");
    form_row(s, &r, REPORT_L(b, "允许放款", "Lending allowed"),
             report_yes_no(report_book_lang(b), cJSON_IsTrue(allowed)));
    form_money(s, &r, REPORT_L(b, "最高额度", "Maximum amount"),
               report_json_money(m, "max_amount"));
    form_money(s, &r, REPORT_L(b, "建议额度", "Recommended amount"),
               report_json_money(m, "recommended_amount"));
    form_int(s, &r, REPORT_L(b, "最长期限（月）", "Maximum term (months)"),
             report_json_int(m, "max_term_months"));
    form_int(s, &r, REPORT_L(b, "建议期限（月）", "Recommended term (months)"),
             report_json_int(m, "recommended_term_months"));
    form_row(s, &r, REPORT_L(b, "LPR 期限", "LPR tenor"), code(b, "lpr_tenor", m, "lpr_tenor"));
    form_rate(s, &r, REPORT_L(b, "LPR", "LPR"), report_json_rate(m, "lpr"));
    form_rate(s, &r, REPORT_L(b, "建议利率", "Recommended rate"), report_json_rate(m, "rate"));
    form_row(s, &r, REPORT_L(b, "收费方式", "Fee method"), code(b, "fee_method", m, "fee_method"));
    form_rate(s, &r, REPORT_L(b, "费率", "Fee rate"), report_json_rate(m, "fee_rate"));
    form_money(s, &r, REPORT_L(b, "手续费", "Fee"), report_json_money(m, "fee_amount"));
}

static void factor_sheet(report_book *b, const cJSON *m)
{
    static const report_col cols[] = {
        {"特征", "Characteristic", REPORT_COL_TEXT, 0},
        {"取值", "Value", REPORT_COL_TEXT, 0},
        {"分箱", "Bin", REPORT_COL_TEXT, 18},
        {"分箱类型", "Bin kind", REPORT_COL_TEXT, 12},
        {"得分", "Points", REPORT_COL_INT, 10},
        {"最高得分", "Best points", REPORT_COL_INT, 12},
        {"失分", "Points lost", REPORT_COL_INT, 10},
        {"需转审", "Refer", REPORT_COL_TEXT, 8},
    };
    report_sheet *s = report_book_sheet(b, "评分因子", "Factors");
    report_sheet_table(s, 0, cols, (int)(sizeof cols / sizeof cols[0]));
    int r = 1;
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m, "factors"))
    {
        report_cell_text(s, r, 0, REPORT_L(b, report_json_str(f, "zh"), report_json_str(f, "en")));
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
        /* Numbers as numbers: whole ones as integers, the others to six
         * decimals as the model saw them (a ratio of millionths). */
        if (cJSON_IsNumber(v)) {
            int64_t micro = report_json_micro(v);
            if (micro % 1000000 == 0)
                report_cell_int(s, r, 1, micro / 1000000);
            else
                report_cell_decimal(s, r, 1, micro, 1000000);
        } else if (cJSON_IsBool(v)) {
            report_cell_text(s, r, 1, report_yes_no(report_book_lang(b), cJSON_IsTrue(v)));
        } else if (cJSON_IsString(v)) {
            report_cell_text(s, r, 1, v->valuestring);
        }
        report_cell_text(s, r, 2, report_json_str(f, "bin"));
        report_cell_text(s, r, 3, code(b, "bin_kind", f, "bin_kind"));
        int64_t points = report_json_int(f, "points"), best = report_json_int(f, "best_points");
        report_cell_int(s, r, 4, points);
        report_cell_int(s, r, 5, best);
        report_cell_int(s, r, 6, best - points);
        report_cell_text(s, r, 7,
                         report_yes_no(report_book_lang(b),
                                       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "refer"))));
        r++;
    }
}

static void reasons_sheet(report_book *b, const cJSON *m)
{
    static const report_col cols[] = {
        {"类别", "Type", REPORT_COL_TEXT, 12},
        {"说明", "Description", REPORT_COL_TEXT, 48},
        {"失分", "Points lost", REPORT_COL_INT, 12},
    };
    report_sheet *s = report_book_sheet(b, "原因代码", "Reasons");
    report_sheet_table(s, 0, cols, 3);
    int r = 1;
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(m, "reasons"))
    {
        /* Points lost for want of data are not an assessment: said so. */
        bool missing = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "missing"));
        report_cell_text(s, r, 0,
                         missing ? REPORT_L(b, "原因（缺少数据）", "Reason (missing data)")
                                 : REPORT_L(b, "原因", "Reason"));
        report_cell_text(s, r, 1, REPORT_L(b, report_json_str(x, "zh"), report_json_str(x, "en")));
        report_cell_int(s, r, 2, report_json_int(x, "points_lost"));
        r++;
    }
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(m, "missing_facts"))
    {
        report_cell_text(s, r, 0, REPORT_L(b, "缺少数据", "Missing fact"));
        report_cell_text(s, r, 1, REPORT_L(b, report_json_str(x, "zh"), report_json_str(x, "en")));
        r++;
    }
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(m, "knockouts"))
    {
        report_cell_text(s, r, 0, REPORT_L(b, "否决", "Knock-out"));
        /* The knock-out's words; a bare code as it is. */
        report_cell_text(s, r, 1,
                         cJSON_IsString(x)
                             ? x->valuestring
                             : REPORT_L(b, report_json_str(x, "zh"), report_json_str(x, "en")));
        r++;
    }
}

static void overrides_sheet(report_book *b, const cJSON *rating)
{
    static const report_col cols[] = {
        {"调整后等级", "Grade", REPORT_COL_TEXT, 12},
        {"理由", "Reason", REPORT_COL_WRAP, 60},
        {"调整人", "By", REPORT_COL_TEXT, 14},
        {"时间", "At", REPORT_COL_TEXT, 22},
    };
    report_sheet *s = report_book_sheet(b, "人工调整", "Overrides");
    report_sheet_table(s, 0, cols, 4);
    int r = 1;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(rating, "overrides"))
    {
        report_cell_text(s, r, 0, report_json_str(o, "grade"));
        report_cell_wrap(s, r, 1, report_json_str(o, "reason"));
        report_cell_text(s, r, 2, report_json_str(o, "by"));
        report_cell_text(s, r, 3, report_json_str(o, "at"));
        r++;
    }
}

ld_status report_rating_write(core_store *store, const core_session *who, int64_t app_id,
                              const report_options *options, report_result *out, ld_error *err)
{
    cJSON *rating = NULL, *app = NULL;
    report_book *book = NULL;
    ld_date rated_on = 0;
    report_job job;
    ld_status st = core_rating_show(store, who, app_id, &rating, err);
    if (st == LD_OK)
        st = core_application_show(store, who, app_id, &app, err);
    if (st == LD_OK)
        st = ledger_report_rating_date(store, app_id, &rated_on, err);
    if (st == LD_OK)
        st = report_job_begin(&job, store, who, options, "rating", err);
    if (st != LD_OK)
        goto out;
    /* Dated by the business date it is written on; the rating's own
     * system-clock date is shown beside it. */
    ld_date business_date = core_store_today(store);
    char title_zh[128], title_en[128];
    snprintf(title_zh, sizeof title_zh, "评级报告 申请 %lld", (long long)app_id);
    snprintf(title_en, sizeof title_en, "Rating report, application %lld", (long long)app_id);
    report_book_spec spec = {.path = options->path,
                             .lang = options->lang,
                             .kind = "rating",
                             .title_zh = title_zh,
                             .title_en = title_en,
                             .as_of = business_date,
                             .company = job.institution,
                             .tmpdir = options->tmpdir};
    if ((st = report_book_open(&spec, &book, err)) != LD_OK)
        goto out;
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(rating, "model");
    char product[160];
    report_product_label(store, report_book_lang(book), report_json_str(app, "product"), product,
                         sizeof product);
    summary_sheet(book, app, rating, rated_on, business_date, product);
    factor_sheet(book, model);
    reasons_sheet(book, model);
    overrides_sheet(book, rating);
    st = report_job_finish(&job, book, out, err);
out:
    cJSON_Delete(rating);
    cJSON_Delete(app);
    return st;
}
