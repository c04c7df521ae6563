/*
 * report_fit.c - 评分卡开发报告, the workbook of a scorecard fit for the model
 * validation file: what data it was fitted on, the written policy's hash, and
 * for every column of the data its feature name, whether it is built-in or
 * one of the bank's own variables, its information value, bins, coefficient
 * and why it was left out; then every bin with its rows, bad rate, weight of
 * evidence and points. Everything comes from the fit report `rating fit
 * --json` printed; the workbook is signed and recorded like the others, so a
 * reviewer's sign-off on a model is kept beside the loans it rates.
 */
#include <stdio.h>
#include <string.h>

#include "book_int.h"
#include "labels_int.h"
#include "permission.h"

static double json_number(const cJSON *o, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(item) ? item->valuedouble : 0;
}

/* A figure to four decimals as text (IV, WoE, coefficients are not money). */
static void number_cell(report_sheet *s, int row, int col, double x)
{
    char text[48];
    snprintf(text, sizeof text, "%.4f", x);
    report_cell_text(s, row, col, text);
}

static void summary_sheet(report_book *b, const cJSON *fit)
{
    report_sheet *s = report_book_sheet(b, "概要", "Summary");
    report_sheet_form(s, 30, 70);
    int r = 0;
    report_cell_heading(s, r++, 0, REPORT_L(b, "评分卡开发报告", "Scorecard fit report"));
    static const struct {
        const char *zh, *en, *key;
    } texts[] = {{"评分卡", "Scorecard", "kind"},
                 {"写出的政策", "Policy written", "out"},
                 {"政策版本", "Policy version", "version"},
                 {"政策 SHA-256", "Policy SHA-256", "policy_sha256"}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        report_cell_text(s, r, 0, REPORT_L(b, texts[i].zh, texts[i].en));
        report_cell_text(s, r++, 1, report_json_str(fit, texts[i].key));
    }
    report_cell_text(s, r, 0, REPORT_L(b, "样本行数", "Rows"));
    report_cell_int(s, r++, 1, report_json_int(fit, "rows"));
    report_cell_text(s, r, 0, REPORT_L(b, "坏样本数", "Bad outcomes"));
    report_cell_int(s, r++, 1, report_json_int(fit, "bads"));
    report_cell_text(s, r, 0, REPORT_L(b, "截距", "Intercept"));
    number_cell(s, r++, 1, json_number(fit, "intercept"));
    report_cell_text(s, r, 0, REPORT_L(b, "牛顿迭代次数", "Newton steps"));
    report_cell_int(s, r++, 1, report_json_int(fit, "iterations"));
    report_cell_text(s, r, 0, REPORT_L(b, "样本内 AUC", "AUC on the same data"));
    number_cell(s, r++, 1, json_number(fit, "auc"));
}

static void columns_sheet(report_book *b, const cJSON *fit)
{
    static const report_col cols[] = {
        {"数据列", "Column", REPORT_COL_TEXT, 24}, {"特征", "Feature", REPORT_COL_TEXT, 24},
        {"来源", "Source", REPORT_COL_TEXT, 14},   {"类型", "Type", REPORT_COL_TEXT, 12},
        {"信息值 IV", "IV", REPORT_COL_TEXT, 10},  {"分箱数", "Bins", REPORT_COL_INT, 8},
        {"单调", "Monotone", REPORT_COL_TEXT, 9},  {"系数", "Coefficient", REPORT_COL_TEXT, 12},
        {"入模", "Kept", REPORT_COL_TEXT, 8},      {"说明", "Note", REPORT_COL_WRAP, 48},
    };
    report_sheet *s = report_book_sheet(b, "变量", "Columns");
    report_sheet_table(s, 0, cols, (int)(sizeof cols / sizeof cols[0]));
    int r = 1;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(fit, "columns"))
    {
        report_cell_text(s, r, 0, report_json_str(c, "name"));
        report_cell_text(s, r, 1, report_json_str(c, "feature"));
        bool builtin = strcmp(report_json_str(c, "source"), "built-in") == 0;
        report_cell_text(s, r, 2,
                         builtin ? REPORT_L(b, "内置", "built-in")
                                 : REPORT_L(b, "自定义变量", "bank variable"));
        report_cell_text(s, r, 3, report_json_str(c, "type"));
        number_cell(s, r, 4, json_number(c, "iv"));
        report_cell_int(s, r, 5, report_json_int(c, "bins"));
        const cJSON *monotone = cJSON_GetObjectItemCaseSensitive(c, "monotone");
        if (monotone != NULL)
            report_cell_text(s, r, 6, report_yes_no(report_book_lang(b), cJSON_IsTrue(monotone)));
        number_cell(s, r, 7, json_number(c, "coefficient"));
        report_cell_text(s, r, 8,
                         report_yes_no(report_book_lang(b),
                                       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "kept"))));
        report_cell_wrap(s, r, 9, report_json_str(c, "note"));
        r++;
    }
}

static void bins_sheet(report_book *b, const cJSON *fit)
{
    static const report_col cols[] = {
        {"特征", "Feature", REPORT_COL_TEXT, 24},     {"分箱", "Bin", REPORT_COL_TEXT, 30},
        {"行数", "Rows", REPORT_COL_INT, 12},         {"坏样本", "Bads", REPORT_COL_INT, 10},
        {"坏样本率", "Bad rate", REPORT_COL_PCT, 10}, {"WoE", "WoE", REPORT_COL_TEXT, 10},
        {"得分", "Points", REPORT_COL_INT, 8},
    };
    report_sheet *s = report_book_sheet(b, "分箱", "Bins");
    report_sheet_table(s, 0, cols, (int)(sizeof cols / sizeof cols[0]));
    int r = 1;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(fit, "columns"))
    {
        const cJSON *bin;
        cJSON_ArrayForEach(bin, cJSON_GetObjectItemCaseSensitive(c, "bin_detail"))
        {
            int64_t rows = report_json_int(bin, "rows"), bads = report_json_int(bin, "bads");
            const char *feature = report_json_str(c, "feature");
            report_cell_text(s, r, 0, feature[0] ? feature : report_json_str(c, "name"));
            report_cell_text(s, r, 1, report_json_str(bin, "label"));
            report_cell_int(s, r, 2, rows);
            report_cell_int(s, r, 3, bads);
            report_cell_ratio(s, r, 4, bads, rows);
            number_cell(s, r, 5, json_number(bin, "woe"));
            report_cell_int(s, r, 6, report_json_int(bin, "points"));
            r++;
        }
    }
}

ld_status report_fit_write(core_store *store, const core_session *who, const cJSON *fit,
                           const report_options *options, report_result *out, ld_error *err)
{
    /* A model's documentation is risk staff's: the roles that override ratings. */
    ld_status st = core_perm_require(who, CORE_ACT_RATING_OVERRIDE, NULL, err);
    if (st != LD_OK)
        return st;
    if (!cJSON_IsObject(fit) || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(fit, "columns")))
        return LD_FAIL(err, LD_EINVAL,
                       "fit: not a fit report (the JSON `rating fit --json` prints)");
    report_job job;
    report_book *book = NULL;
    if ((st = report_job_begin(&job, store, who, options, "fit", err)) != LD_OK)
        return st;
    report_book_spec spec = {.path = options->path,
                             .lang = options->lang,
                             .kind = "fit",
                             .title_zh = "评分卡开发报告",
                             .title_en = "Scorecard fit report",
                             .as_of = core_store_today(store),
                             .tmpdir = options->tmpdir};
    if ((st = report_book_open(&spec, &book, err)) != LD_OK)
        return st;
    summary_sheet(book, fit);
    columns_sheet(book, fit);
    bins_sheet(book, fit);
    return report_job_finish(&job, book, out, err);
}
