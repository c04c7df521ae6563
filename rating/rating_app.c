/*
 * rating_app.c - application facts to scorecard features (rating_app.h).
 *
 * Ratios are plain doubles here, as rating.h allows: they are never money.
 * The new loan's installment for the debt-to-income features is estimated at
 * the 1-year (or 5-year) LPR, since the rate itself is what the rating decides.
 */
#include "rating_app.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cJSON.h"
#include "schedule.h"

static double ratio(ld_money numerator, ld_money denominator)
{
    return denominator == 0 ? NAN : (double)numerator / (double)denominator;
}

/* Monthly installment of the requested loan at the LPR that would price it. */
static ld_money estimated_installment(const core_policy_model *policy, const core_application *app)
{
    ld_rate lpr = core_lpr_for_term(core_policy_model_lpr(policy), app->term_months);
    ld_schedule_terms terms = {app->amount, lpr, app->term_months, app->method, app->period, 0};
    ld_money payment = 0;
    if (core_schedule_first_payment(&terms, &payment, NULL) != LD_OK)
        return 0;
    /* A quarterly installment is three months of debt service. */
    return app->period == LD_PERIOD_QUARTERLY ? payment / 3 : payment;
}

/* A categorical fact as stored; "" (not known) stays missing. */
static void set_known_category(rating_input *in, core_rating_feature feature, const char *value)
{
    if (value[0] != '\0')
        rating_input_set_category(in, feature, value);
}

/* A ratio whose lines may be unknown (-1): missing unless both are known. */
static void set_known_ratio(rating_input *in, core_rating_feature feature, ld_money numerator,
                            ld_money denominator, double scale)
{
    if (numerator >= 0 && denominator > 0)
        rating_input_set_number(in, feature, scale * ratio(numerator, denominator));
}

/* The ratios of docs/policy.md that need the optional statement lines. */
static void statement_ratios(const core_credit_facts *f, rating_input *in)
{
    const core_financials *now = &f->financials[0];
    /* EBIT = net profit + income tax + interest; a firm paying no interest
     * is covered without limit, which the top bin holds. */
    if (now->interest_expense > 0 && now->income_tax >= 0)
        rating_input_set_number(in, CORE_RATING_F_INTEREST_COVERAGE,
                                ratio(now->net_profit + now->income_tax + now->interest_expense,
                                      now->interest_expense));
    else if (now->interest_expense == 0)
        rating_input_set_number(in, CORE_RATING_F_INTEREST_COVERAGE, INFINITY);
    if (now->cost_of_sales >= 0 && now->revenue > 0)
        rating_input_set_number(in, CORE_RATING_F_GROSS_MARGIN,
                                ratio(now->revenue - now->cost_of_sales, now->revenue));
    set_known_ratio(in, CORE_RATING_F_RECEIVABLE_DAYS, now->receivables, now->revenue, 365.0);
    set_known_ratio(in, CORE_RATING_F_INVENTORY_DAYS, now->inventory, now->cost_of_sales, 365.0);
    set_known_ratio(in, CORE_RATING_F_RELATED_PARTY_SHARE, now->related_party_sales, now->revenue,
                    1.0);
}

/* The credit report's facts, when the latest report is within the policy's
 * maximum age; otherwise they stay missing. Days past due: the worse of the
 * report and this lender's own history (-1, no history, when neither knows). */
static void credit_report_features(const core_policy_model *policy, const core_credit_facts *f,
                                   rating_input *in)
{
    int worst = f->worst_dpd_24m;
    const core_credit_report *r = &f->credit_report;
    bool usable = f->has_credit_report &&
                  r->report_date >= f->as_of - core_policy_model_credit_report_max_age_days(policy);
    if (usable) {
        if (r->inquiries_6m >= 0)
            rating_input_set_number(in, CORE_RATING_F_INQUIRIES_6M, (double)r->inquiries_6m);
        if (r->open_loans >= 0)
            rating_input_set_number(in, CORE_RATING_F_EXISTING_LOANS, (double)r->open_loans);
        if (r->card_utilisation == CORE_CARD_NONE)
            rating_input_set_number(in, CORE_RATING_F_CARD_UTILISATION, -1.0);
        else if (r->card_utilisation >= 0)
            rating_input_set_number(in, CORE_RATING_F_CARD_UTILISATION,
                                    (double)r->card_utilisation / (double)LD_RATE_ONE);
        if (r->worst_dpd_24m > worst)
            worst = (int)r->worst_dpd_24m;
    }
    rating_input_set_number(in, CORE_RATING_F_WORST_DPD_24M, worst);
}

/* The bank's own variables from a stored attributes object. A name the
 * policy in force does not declare (it was declared by an earlier policy)
 * stays out, and a factor using a variable without a value scores missing. */
static void attribute_features(const core_policy_model *policy, const char *text, rating_input *in)
{
    if (text[0] == '\0')
        return;
    cJSON *attributes = cJSON_Parse(text);
    const cJSON *item;
    cJSON_ArrayForEach(item, attributes)
    {
        core_rating_feature feature;
        if (!core_policy_model_feature_from_name(policy, item->string, &feature) ||
            feature < CORE_RATING_FEATURE_COUNT)
            continue;
        if (core_policy_model_feature_is_categorical(policy, feature) && cJSON_IsString(item))
            rating_input_set_category(in, feature, item->valuestring);
        else if (!core_policy_model_feature_is_categorical(policy, feature) && cJSON_IsNumber(item))
            rating_input_set_number(in, feature, item->valuedouble);
    }
    cJSON_Delete(attributes);
}

void rating_input_from_facts(const core_policy_model *policy, const core_credit_facts *f,
                             rating_input *in)
{
    bool individual = f->app.borrower_kind == CORE_BORROWER_INDIVIDUAL;
    rating_input_init(in, individual ? CORE_RATING_INDIVIDUAL : CORE_RATING_ENTERPRISE);
    in->identity_valid = f->identity_valid;
    in->blocklisted = f->blocklisted;
    in->requested_amount = f->app.amount;
    in->requested_term_months = f->app.term_months;
    in->product_max_amount = f->product->max_amount;
    in->product_max_term_months = f->product->max_term;
    ld_money installment = estimated_installment(policy, &f->app);
    if (individual) {
        in->product_min_age = f->product->min_age;
        in->product_max_age = f->product->max_age_at_maturity;
        in->age_at_maturity =
            ld_date_years_between(f->birth, ld_date_add_months(f->as_of, f->app.term_months));
        rating_input_set_number(in, CORE_RATING_F_AGE, ld_date_years_between(f->birth, f->as_of));
        if (f->years_employed >= 0)
            rating_input_set_number(in, CORE_RATING_F_YEARS_EMPLOYED, f->years_employed);
        if (f->years_at_address >= 0)
            rating_input_set_number(in, CORE_RATING_F_YEARS_AT_ADDRESS, f->years_at_address);
        set_known_category(in, CORE_RATING_F_EMPLOYMENT_TYPE, f->employment_type);
        set_known_category(in, CORE_RATING_F_HOUSING, f->housing);
        set_known_category(in, CORE_RATING_F_EDUCATION, f->education);
        in->annual_income = f->monthly_income * 12;
        rating_input_set_number(
            in, CORE_RATING_F_DTI_AFTER_LOAN,
            ratio(f->existing_monthly_repayment + installment, f->monthly_income));
        rating_input_set_number(in, CORE_RATING_F_LOAN_TO_INCOME,
                                ratio(f->app.amount, in->annual_income));
    } else {
        if (f->industry_risk_class > 0) {
            char risk_class[12];
            snprintf(risk_class, sizeof risk_class, "%d", f->industry_risk_class);
            rating_input_set_category(in, CORE_RATING_F_INDUSTRY_RISK_CLASS, risk_class);
        }
        if (f->years_in_business >= 0)
            rating_input_set_number(in, CORE_RATING_F_YEARS_IN_BUSINESS, f->years_in_business);
        set_known_category(in, CORE_RATING_F_TAX_RATING, f->tax_rating);
        if (f->financial_count > 0) {
            const core_financials *now = &f->financials[0];
            in->net_assets_known = true;
            in->net_assets = now->total_assets - now->total_liabilities;
            in->annual_revenue = now->revenue;
            rating_input_set_number(in, CORE_RATING_F_DEBT_TO_ASSET,
                                    ratio(now->total_liabilities, now->total_assets));
            rating_input_set_number(in, CORE_RATING_F_CURRENT_RATIO,
                                    ratio(now->current_assets, now->current_liabilities));
            rating_input_set_number(
                in, CORE_RATING_F_QUICK_RATIO,
                ratio(now->current_assets - now->inventory, now->current_liabilities));
            ld_money average_assets = now->total_assets;
            if (f->financial_count > 1)
                average_assets = (now->total_assets + f->financials[1].total_assets) / 2;
            rating_input_set_number(in, CORE_RATING_F_RETURN_ON_ASSETS,
                                    ratio(now->net_profit, average_assets));
            if (f->financial_count > 1 && f->financials[1].revenue > 0)
                rating_input_set_number(in, CORE_RATING_F_REVENUE_GROWTH,
                                        ratio(now->revenue, f->financials[1].revenue) - 1.0);
            rating_input_set_number(in, CORE_RATING_F_OCF_TO_DEBT_SERVICE,
                                    ratio(now->operating_cash_flow, installment * 12));
            rating_input_set_number(in, CORE_RATING_F_LOAN_TO_INCOME,
                                    ratio(f->app.amount, now->revenue));
            statement_ratios(f, in);
        }
    }
    credit_report_features(policy, f, in);
    attribute_features(policy, f->borrower_attributes, in);
    attribute_features(policy, f->application_attributes, in);
    in->collateral_count = (size_t)f->collateral_count;
    for (int i = 0; i < f->collateral_count && i < RATING_MAX_COLLATERAL; i++) {
        in->collateral[i].type = (rating_collateral_type)f->collateral[i].type;
        /* Prior claims rank ahead of this loan: only the rest is cover. */
        ld_money value = f->collateral[i].appraised_value - f->collateral[i].prior_claims;
        in->collateral[i].value = value > 0 ? value : 0;
        in->collateral[i].secured_amount = 0;
    }
    in->guarantor_count = (size_t)f->guarantor_count;
    for (int i = 0; i < f->guarantor_count && i < RATING_MAX_GUARANTORS; i++) {
        in->guarantors[i].net_assets = f->guarantors[i].net_assets;
        in->guarantors[i].outstanding_guarantees = f->guarantors[i].outstanding_guarantees;
        in->guarantors[i].amount_guaranteed = f->guarantors[i].guaranteed_amount;
    }
    rating_input_derive_cover(policy, in);
}

void rating_summary_from_result(const rating_result *r, core_rating_summary *out)
{
    memset(out, 0, sizeof *out);
    out->score = r->score;
    snprintf(out->grade, sizeof out->grade, "%s", r->grade ? r->grade : "D");
    out->pd = r->pd;
    snprintf(out->decision, sizeof out->decision, "%s", core_rating_decision_name(r->decision));
    out->recommended_amount = r->recommended_amount;
    out->recommended_term_months = r->recommended_term_months;
    out->rate = r->rate;
    out->fee_method = r->fee_method == CORE_RATING_FEE_UPFRONT           ? CORE_FEE_UPFRONT
                      : r->fee_method == CORE_RATING_FEE_PER_INSTALLMENT ? CORE_FEE_PER_INSTALLMENT
                                                                         : CORE_FEE_NONE;
    out->fee_amount = r->fee_amount;
    snprintf(out->policy_sha256, sizeof out->policy_sha256, "%s", r->policy_sha256);
}
