/*
 * labels.c - small helpers the workbook writers share: reading typed values
 * out of the JSON the core and ledger modules return (money there is a decimal
 * string and is turned back into fen here, never into a double), and the
 * names of the five categories in both languages.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "labels_int.h"
#include "money.h"
#include "policy.h"

const char *report_json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

ld_money report_json_money(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ld_money m = 0;
    if (cJSON_IsString(v) && ld_money_parse(key, v->valuestring, &m, NULL) == LD_OK)
        return m;
    return 0;
}

bool report_json_has(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v != NULL && !cJSON_IsNull(v);
}

int64_t report_json_int(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

ld_rate report_json_rate(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ld_rate r = 0;
    if (cJSON_IsString(v) && ld_rate_parse(key, v->valuestring, &r, NULL) == LD_OK)
        return r;
    return 0;
}

ld_date report_json_date(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ld_date d = REPORT_NO_DATE;
    if (cJSON_IsString(v) && ld_date_parse(key, v->valuestring, &d, NULL) == LD_OK)
        return d;
    return REPORT_NO_DATE;
}

static const char *const category_zh[] = {"正常", "关注", "次级", "可疑", "损失"};
static const char *const category_en[] = {"Normal", "Special mention", "Substandard", "Doubtful",
                                          "Loss"};

const char *report_category_label(report_lang lang, int category)
{
    if (category < 0 || category > 4)
        return "";
    return lang == REPORT_LANG_EN ? category_en[category] : category_zh[category];
}

int report_category_index(const char *name)
{
    static const char *const names[] = {"normal", "special_mention", "substandard", "doubtful",
                                        "loss"};
    for (int i = 0; i < 5; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *report_yes_no(report_lang lang, bool value)
{
    if (lang == REPORT_LANG_EN)
        return value ? "Yes" : "No";
    return value ? "是" : "否";
}

/* ---- Code values in words ------------------------------------------------------
 * Every code a workbook shows (repayment methods, decisions, states, kinds)
 * is shown as words in the workbook's language; an unknown code is shown as
 * it is, so that nothing is hidden. */

typedef struct code_label {
    const char *set, *code, *zh, *en;
} code_label;

static const code_label code_labels[] = {
    {"method", "annuity", "等额本息", "Equal instalments (annuity)"},
    {"method", "equal_principal", "等额本金", "Equal principal"},
    {"method", "interest_only", "按月付息、到期还本", "Interest monthly, principal at maturity"},
    {"method", "bullet", "到期一次还本付息", "Principal and interest at maturity"},
    {"decision", "approve", "同意", "Approve"},
    {"decision", "refer", "转人工审查", "Refer to a reviewer"},
    {"decision", "decline", "否决", "Decline"},
    {"fee_method", "none", "不收费", "No fee"},
    {"fee_method", "upfront", "放款时一次收取", "Charged once at disbursement"},
    {"fee_method", "per_installment", "按期分摊收取", "Charged with each instalment"},
    {"bin_kind", "range", "区间", "Range"},
    {"bin_kind", "category", "类别", "Category"},
    {"bin_kind", "special", "特殊值", "Special value"},
    {"bin_kind", "missing", "缺失", "Missing"},
    {"bin_kind", "else", "其他", "Other"},
    {"scorecard", "individual", "个人评分卡", "Individual scorecard"},
    {"scorecard", "enterprise", "企业评分卡", "Enterprise scorecard"},
    {"borrower_kind", "individual", "个人", "Individual"},
    {"borrower_kind", "enterprise", "企业", "Enterprise"},
    {"installment", "paid", "已还清", "Paid"},
    {"installment", "scheduled", "未到期", "Not yet due"},
    {"installment", "due", "今日到期", "Due today"},
    {"installment", "overdue", "逾期", "Overdue"},
    {"journal", "disbursement", "放款", "Disbursement"},
    {"journal", "accrual", "计提利息", "Interest accrual"},
    {"journal", "repayment", "还款", "Repayment"},
    {"journal", "settlement", "结清", "Settlement"},
    {"journal", "classification", "五级分类调整", "Reclassification"},
    {"journal", "provision", "计提拨备", "Loss provision"},
    {"journal", "write_off", "核销", "Write-off"},
    {"collateral", "real_estate", "房地产", "Real estate"},
    {"collateral", "land_use_right", "土地使用权", "Land-use right"},
    {"collateral", "vehicle", "机动车", "Vehicle"},
    {"collateral", "equipment", "机器设备", "Equipment"},
    {"collateral", "deposit_receipt", "存单", "Deposit receipt"},
    {"collateral", "bonds", "债券", "Bonds"},
    {"collateral", "receivables", "应收账款", "Receivables"},
    {"collateral", "equity", "股权", "Equity"},
    {"arrangement", "mortgage", "抵押", "Mortgage"},
    {"arrangement", "pledge", "质押", "Pledge"},
    {"guarantee", "joint", "连带责任保证", "Joint and several"},
    {"guarantee", "general", "一般保证", "General"},
    {"guarantor", "person", "自然人", "Person"},
    {"guarantor", "enterprise", "企业", "Enterprise"},
    {"report", "rating", "评级报告", "Rating report"},
    {"report", "inspection", "贷后检查报告", "Post-loan inspection report"},
    {"report", "ledger", "贷款台帐", "Loan ledger"},
    {"report", "portfolio", "经营分析", "Portfolio analysis"},
    {"report", "investigation", "贷前调查报告", "Pre-loan investigation report"},
    {"lpr_tenor", "one_year", "一年期", "One-year"},
    {"lpr_tenor", "five_year", "五年期以上", "Over five years"},
    {"period", "monthly", "按月", "Monthly"},
    {"period", "quarterly", "按季", "Quarterly"},
    {"role", "officer", "客户经理", "Loan officer"},
    {"role", "reviewer", "风险审查员", "Risk reviewer"},
    {"role", "manager", "经理", "Manager"},
    {"role", "auditor", "审计员", "Auditor"},
    {"role", "admin", "系统管理员", "Administrator"},
    {"account", "1001", "结算备付", "Settlement"},
    {"account", "1301.01", "贷款—正常", "Loans, normal"},
    {"account", "1301.02", "贷款—关注", "Loans, special mention"},
    {"account", "1301.03", "贷款—次级", "Loans, substandard"},
    {"account", "1301.04", "贷款—可疑", "Loans, doubtful"},
    {"account", "1301.05", "贷款—损失", "Loans, loss"},
    {"account", "1132.01", "应计利息", "Interest accrued"},
    {"account", "1132.02", "应收利息", "Interest receivable"},
    {"account", "1132.03", "应收罚息", "Penalty interest receivable"},
    {"account", "1132.04", "应收复利", "Compound interest receivable"},
    {"account", "1132.05", "应收手续费", "Fees receivable"},
    {"account", "1304.01", "贷款损失准备—正常", "Loss provision, normal"},
    {"account", "1304.02", "贷款损失准备—关注", "Loss provision, special mention"},
    {"account", "1304.03", "贷款损失准备—次级", "Loss provision, substandard"},
    {"account", "1304.04", "贷款损失准备—可疑", "Loss provision, doubtful"},
    {"account", "1304.05", "贷款损失准备—损失", "Loss provision, loss"},
    {"account", "6011", "利息收入", "Interest income"},
    {"account", "6012", "罚息及复利收入", "Penalty and compound income"},
    {"account", "6021", "手续费收入", "Fee income"},
    {"account", "6701", "资产减值损失", "Impairment loss"},
    {"account", "6702", "核销损失", "Write-off loss"},
};

const char *report_code_label(report_lang lang, const char *set, const char *code)
{
    if (code == NULL)
        return "";
    for (size_t i = 0; i < sizeof code_labels / sizeof code_labels[0]; i++)
        if (strcmp(code_labels[i].set, set) == 0 && strcmp(code_labels[i].code, code) == 0)
            return lang == REPORT_LANG_EN ? code_labels[i].en : code_labels[i].zh;
    return code;
}

const char *report_kind_label(report_lang lang, const char *kind)
{
    return report_code_label(lang, "report", kind);
}

const char *report_loan_status_label(report_lang lang, int status, int64_t dpd)
{
    /* What the ledger holds, in one word: an active loan past due is
     * overdue, whatever its category. */
    if (status == 1)
        return lang == REPORT_LANG_EN ? "Settled" : "已结清";
    if (status == 2)
        return lang == REPORT_LANG_EN ? "Written off" : "已核销";
    if (dpd > 0)
        return lang == REPORT_LANG_EN ? "Overdue" : "逾期";
    return lang == REPORT_LANG_EN ? "Current" : "正常还款";
}

void report_product_label(core_store *store, report_lang lang, const char *code, char *buf,
                          size_t size)
{
    core_product_catalog catalog;
    if (core_product_catalog_get(store, &catalog, NULL) != LD_OK)
        catalog = (core_product_catalog){0};
    report_product_name(&catalog, lang, code, buf, size);
}

void report_product_name(const core_product_catalog *catalog, report_lang lang, const char *code,
                         char *buf, size_t size)
{
    for (int i = 0; catalog != NULL && i < catalog->count; i++) {
        const core_product *p = &catalog->products[i];
        if (strcmp(p->code, code) == 0) {
            snprintf(buf, size, "%s %s", code, lang == REPORT_LANG_EN ? p->name_en : p->name_zh);
            return;
        }
    }
    snprintf(buf, size, "%s", code);
}

int64_t report_json_micro(const cJSON *v)
{
    if (!cJSON_IsNumber(v) || v->valuedouble > 9e12 || v->valuedouble < -9e12)
        return 0;
    return llround(v->valuedouble * 1e6);
}
