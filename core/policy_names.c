/*
 * policy_names.c - the fixed vocabularies of the policy model: features,
 * borrower kinds, knock-out rules, decisions, fee methods and grades, with
 * their Chinese and English texts. The tables are indexed by the enums of
 * policy_model.h and must stay in their order; docs/policy.md lists the same
 * names.
 */
#include "policy_model.h"

#include <string.h>

typedef struct feature_info {
    const char *name;
    bool categorical;
    const char *zh;
    const char *en;
    const char *reason_zh;
    const char *reason_en;
} feature_info;

static const feature_info features[CORE_RATING_FEATURE_COUNT] = {
    [CORE_RATING_F_DEBT_TO_ASSET] = {"debt_to_asset", false, "资产负债率", "Debt-to-asset ratio",
                                     "资产负债率偏高", "Debt-to-asset ratio is high"},
    [CORE_RATING_F_CURRENT_RATIO] = {"current_ratio", false, "流动比率", "Current ratio",
                                     "流动比率偏低", "Current ratio is low"},
    [CORE_RATING_F_QUICK_RATIO] = {"quick_ratio", false, "速动比率", "Quick ratio", "速动比率偏低",
                                   "Quick ratio is low"},
    [CORE_RATING_F_RETURN_ON_ASSETS] = {"return_on_assets", false, "总资产收益率",
                                        "Return on assets", "盈利能力较弱",
                                        "Return on assets is weak"},
    [CORE_RATING_F_REVENUE_GROWTH] = {"revenue_growth", false, "营业收入增长率", "Revenue growth",
                                      "营业收入增长乏力或下降",
                                      "Revenue growth is weak or negative"},
    [CORE_RATING_F_OCF_TO_DEBT_SERVICE] = {"ocf_to_debt_service", false, "经营现金流偿债倍数",
                                           "Operating cash flow to debt service",
                                           "经营现金流对债务本息覆盖不足",
                                           "Operating cash flow covers debt service thinly"},
    [CORE_RATING_F_YEARS_IN_BUSINESS] = {"years_in_business", false, "经营年限",
                                         "Years in business", "经营年限较短",
                                         "Short time in business"},
    [CORE_RATING_F_INDUSTRY_RISK_CLASS] = {"industry_risk_class", true, "行业风险等级",
                                           "Industry risk class", "所属行业风险较高",
                                           "Industry carries higher risk"},
    [CORE_RATING_F_INTEREST_COVERAGE] = {"interest_coverage", false, "利息保障倍数",
                                         "Interest coverage", "利息保障倍数偏低",
                                         "Interest coverage is low"},
    [CORE_RATING_F_GROSS_MARGIN] = {"gross_margin", false, "毛利率", "Gross margin", "毛利率偏低",
                                    "Gross margin is low"},
    [CORE_RATING_F_RECEIVABLE_DAYS] = {"receivable_days", false, "应收账款周转天数",
                                       "Receivable turnover days", "应收账款回收较慢",
                                       "Receivables are collected slowly"},
    [CORE_RATING_F_INVENTORY_DAYS] = {"inventory_days", false, "存货周转天数",
                                      "Inventory turnover days", "存货周转较慢",
                                      "Inventory turns over slowly"},
    [CORE_RATING_F_TAX_RATING] = {"tax_rating", true, "纳税信用等级", "Tax credit rating",
                                  "纳税信用等级较低", "Tax credit rating is low"},
    [CORE_RATING_F_DTI_AFTER_LOAN] = {"dti_after_loan", false, "贷后负债收入比",
                                      "Debt-to-income after the loan", "负债收入比偏高",
                                      "Debt payments are high relative to income"},
    [CORE_RATING_F_AGE] = {"age", false, "年龄", "Age", "年龄因素", "Age band carries higher risk"},
    [CORE_RATING_F_YEARS_EMPLOYED] = {"years_employed", false, "现单位工作年限", "Years employed",
                                      "工作年限较短", "Short time with the current employer"},
    [CORE_RATING_F_EMPLOYMENT_TYPE] = {"employment_type", true, "职业类型", "Employment type",
                                       "职业稳定性较弱", "Employment is less stable"},
    [CORE_RATING_F_HOUSING] = {"housing", true, "居住状况", "Housing", "居住状况稳定性较弱",
                               "Housing situation is less stable"},
    [CORE_RATING_F_EDUCATION] = {"education", true, "学历", "Education", "学历因素",
                                 "Education band carries higher risk"},
    [CORE_RATING_F_INQUIRIES_6M] = {"inquiries_6m", false, "近6个月贷款审批查询次数",
                                    "Credit inquiries in 6 months", "近期征信查询次数较多",
                                    "Many recent credit inquiries"},
    [CORE_RATING_F_CARD_UTILISATION] = {"card_utilisation", false, "信用卡额度使用率",
                                        "Credit card utilisation", "信用卡额度使用率偏高",
                                        "Credit card utilisation is high"},
    [CORE_RATING_F_YEARS_AT_ADDRESS] = {"years_at_address", false, "现住址居住年限",
                                        "Years at address", "现住址居住时间较短",
                                        "Short time at the current address"},
    [CORE_RATING_F_COLLATERAL_COVER] = {"collateral_cover", false, "抵质押覆盖率",
                                        "Collateral cover", "抵质押物覆盖不足",
                                        "Collateral covers little of the loan"},
    [CORE_RATING_F_GUARANTOR_COVER] = {"guarantor_cover", false, "保证覆盖率", "Guarantor cover",
                                       "保证担保覆盖不足", "Guarantees cover little of the loan"},
    [CORE_RATING_F_WORST_DPD_24M] = {"worst_dpd_24m", false, "近24个月最长逾期天数",
                                     "Worst days past due in 24 months",
                                     "近24个月还款记录不足或有逾期",
                                     "Little or adverse repayment history in 24 months"},
    [CORE_RATING_F_LOAN_TO_INCOME] = {"loan_to_income", false, "贷款收入比", "Loan to income",
                                      "申请金额相对收入偏高",
                                      "Amount requested is high relative to income"},
    [CORE_RATING_F_EXISTING_LOANS] = {"existing_loans", false, "他行未结清贷款笔数",
                                      "Open loans at other lenders", "他行未结清贷款较多",
                                      "Many open loans at other lenders"},
    [CORE_RATING_F_RELATED_PARTY_SHARE] = {"related_party_share", false, "关联交易占比",
                                           "Related-party sales share", "关联交易占比偏高",
                                           "Related-party sales share is high"},
};

const char *core_rating_feature_name(core_rating_feature feature)
{
    return (unsigned)feature < CORE_RATING_FEATURE_COUNT ? features[feature].name : "unknown";
}

const char *core_rating_feature_zh(core_rating_feature feature)
{
    return (unsigned)feature < CORE_RATING_FEATURE_COUNT ? features[feature].zh : "未知";
}

const char *core_rating_feature_en(core_rating_feature feature)
{
    return (unsigned)feature < CORE_RATING_FEATURE_COUNT ? features[feature].en : "Unknown";
}

const char *core_rating_feature_reason_zh(core_rating_feature feature)
{
    return (unsigned)feature < CORE_RATING_FEATURE_COUNT ? features[feature].reason_zh : "未知";
}

const char *core_rating_feature_reason_en(core_rating_feature feature)
{
    return (unsigned)feature < CORE_RATING_FEATURE_COUNT ? features[feature].reason_en : "Unknown";
}

bool core_rating_feature_is_categorical(core_rating_feature feature)
{
    return (unsigned)feature < CORE_RATING_FEATURE_COUNT && features[feature].categorical;
}

bool core_rating_feature_from_name(const char *name, core_rating_feature *out)
{
    for (int i = 0; i < CORE_RATING_FEATURE_COUNT; i++) {
        if (strcmp(features[i].name, name) == 0) {
            *out = (core_rating_feature)i;
            return true;
        }
    }
    return false;
}

static const char *const kind_names[CORE_RATING_KIND_COUNT] = {"individual", "enterprise"};

const char *core_rating_kind_name(core_rating_kind kind)
{
    return (unsigned)kind < CORE_RATING_KIND_COUNT ? kind_names[kind] : "unknown";
}

bool core_rating_kind_from_name(const char *name, core_rating_kind *out)
{
    for (int i = 0; i < CORE_RATING_KIND_COUNT; i++) {
        if (strcmp(kind_names[i], name) == 0) {
            *out = (core_rating_kind)i;
            return true;
        }
    }
    return false;
}

static const char *const knockout_names[] = {
    [CORE_RATING_KO_INVALID_IDENTITY] = "invalid_identity",
    [CORE_RATING_KO_BLOCKLISTED] = "blocklisted",
    [CORE_RATING_KO_AGE_AT_MATURITY] = "age_at_maturity",
    [CORE_RATING_KO_NEGATIVE_NET_ASSETS] = "negative_net_assets",
    [CORE_RATING_KO_DTI_OVER_CAP] = "dti_over_cap",
    [CORE_RATING_KO_COLLATERAL_OVER_LTV] = "collateral_over_ltv",
    [CORE_RATING_KO_GUARANTOR_SHORT] = "guarantor_short",
    [CORE_RATING_KO_MISSING_FACTS] = "missing_facts",
    [CORE_RATING_KO_FACTOR_REFER] = "factor_refer",
    [CORE_RATING_KO_GRADE_NO_LENDING] = "grade_no_lending",
    [CORE_RATING_KO_NO_CAPACITY] = "no_capacity",
    [CORE_RATING_KO_NO_SCORECARD] = "no_scorecard",
};

const char *core_rating_knockout_name(core_rating_knockout rule)
{
    return (unsigned)rule < sizeof knockout_names / sizeof knockout_names[0] ? knockout_names[rule]
                                                                             : "unknown";
}

bool core_rating_knockout_from_name(const char *name, core_rating_knockout *out)
{
    /* Only the policy rules can be named in a policy file. */
    for (int i = 0; i < CORE_RATING_KO_COUNT; i++) {
        if (strcmp(knockout_names[i], name) == 0) {
            *out = (core_rating_knockout)i;
            return true;
        }
    }
    return false;
}

const char *core_rating_decision_name(core_rating_decision decision)
{
    switch (decision) {
    case CORE_RATING_APPROVE:
        return "approve";
    case CORE_RATING_REFER:
        return "refer";
    case CORE_RATING_DECLINE:
        return "decline";
    }
    return "unknown";
}

const char *core_rating_fee_method_name(core_rating_fee_method method)
{
    switch (method) {
    case CORE_RATING_FEE_NONE:
        return "none";
    case CORE_RATING_FEE_UPFRONT:
        return "upfront";
    case CORE_RATING_FEE_PER_INSTALLMENT:
        return "per_installment";
    }
    return "unknown";
}

static const char *const grade_names[CORE_RATING_GRADE_COUNT] = {"AAA", "AA",  "A",  "BBB", "BB",
                                                                 "B",   "CCC", "CC", "C",   "D"};

const char *core_rating_grade_name(int grade_index)
{
    return grade_index >= 0 && grade_index < CORE_RATING_GRADE_COUNT ? grade_names[grade_index]
                                                                     : "";
}
