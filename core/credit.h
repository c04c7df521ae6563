/*
 * credit.h - what the rating of an application is computed from, and where its
 * result is kept.
 *
 * core_credit_facts gathers, for one application, the borrower's file, its
 * latest financial statements, guarantors, collateral, the product and the
 * borrower's repayment history, as plain values. The rating module turns them
 * into a scorecard input (rating/rating_app.h) without touching the database.
 * The result is stored here beside the exact policy hash that produced it;
 * reviewers' grade overrides are kept next to the model's answer, never over it.
 */
#ifndef LD_CREDIT_H
#define LD_CREDIT_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "application.h"
#include "credit_report.h"
#include "policy.h"

#define CORE_CREDIT_MAX_GUARANTORS 8
#define CORE_CREDIT_MAX_COLLATERAL 16

typedef struct core_financials {
    int year;
    ld_money total_assets, total_liabilities, current_assets, current_liabilities, inventory;
    ld_money revenue, net_profit, operating_cash_flow;
    /* optional lines: -1 when the statement did not give them */
    ld_money cost_of_sales, receivables, interest_expense, income_tax, related_party_sales;
} core_financials;

typedef struct core_credit_facts {
    core_application app;
    const core_product *product; /* owned by the store's configuration cache */
    ld_date as_of;               /* the rating date */
    bool identity_valid;
    bool blocklisted;
    /* individuals */
    ld_date birth;
    ld_money monthly_income, existing_debt, existing_monthly_repayment;
    int years_employed;   /* -1 unknown */
    int years_at_address; /* -1 unknown */
    /* categorical facts as stored ("" when not known) */
    char employment_type[24], housing[24], education[24];
    /* enterprises */
    int industry_risk_class, years_in_business; /* -1 unknown */
    char tax_rating[4];
    int financial_count; /* 0..2: [0] the latest year, [1] the year before */
    core_financials financials[2];
    /* security */
    int guarantor_count;
    struct {
        ld_money net_assets, outstanding_guarantees, guaranteed_amount;
    } guarantors[CORE_CREDIT_MAX_GUARANTORS];
    int collateral_count;
    struct {
        int type; /* index into core_collateral_type_names */
        ld_money appraised_value, prior_claims;
    } collateral[CORE_CREDIT_MAX_COLLATERAL];
    /* history: worst days past due over the last 24 months, -1 when none */
    int worst_dpd_24m;
    /* the bank's own variables, as stored (compact JSON, "" when none); the
     * application's win over the borrower's of the same name */
    char borrower_attributes[CORE_ATTRIBUTES_TEXT_MAX];
    char application_attributes[CORE_ATTRIBUTES_TEXT_MAX];
    /* the latest credit report (the rating applies the policy's maximum age) */
    bool has_credit_report;
    core_credit_report credit_report;
} core_credit_facts;

/* Gathers the facts for rating app_id: the caller must be allowed to rate it
 * (officer of the customer, reviewer, manager) and the application must be in
 * a state that can be rated (LD_ESTATE otherwise). */
ld_status core_credit_facts_get(core_store *store, const core_session *who, int64_t app_id,
                                core_credit_facts *out, ld_error *err);

/* The same facts in any state (a draft too), for an indicative score that is
 * shown and never stored: the same permission and customer scope. */
ld_status core_credit_facts_preview(core_store *store, const core_session *who, int64_t app_id,
                                    core_credit_facts *out, ld_error *err);

/* The summary of a rating, as stored and as approval compares against. */
typedef struct core_rating_summary {
    int score;
    char grade[4];
    ld_rate pd;
    char decision[8]; /* approve, refer, decline */
    ld_money recommended_amount;
    int recommended_term_months;
    ld_rate rate;
    core_fee_method fee_method;
    ld_money fee_amount;
    char policy_sha256[65];
    char override_grade[4]; /* "" when not overridden */
} core_rating_summary;

/* Stores a rating (result_json is the module's whole answer) and moves the
 * application to rated. The caller must be allowed to rate the application
 * (CORE_ACT_RATING_RUN within the customer's scope: LD_EPERM) and it must be
 * in a state that can be rated (LD_ESTATE). Only the operations API's rate
 * operation calls this, with what rating/ computed from
 * core_credit_facts_get and the policy in force; front ends never see it. */
ld_status core_rating_save(core_store *store, const core_session *who, int64_t app_id,
                           const core_rating_summary *summary, const char *result_json,
                           int64_t *rating_id_out, ld_error *err);

/* The latest rating of an application: LD_ENOTFOUND when it has none. */
ld_status core_rating_latest(core_store *store, int64_t app_id, core_rating_summary *out,
                             ld_error *err);

/* The latest rating in full, with its overrides, for those who may read the
 * application. */
ld_status core_rating_show(core_store *store, const core_session *who, int64_t app_id, cJSON **out,
                           ld_error *err);

/* LD_OK when grade is one of the scale's grades (AAA .. D); LD_EINVAL naming
 * field otherwise. */
ld_status core_grade_check(const char *field, const char *grade, ld_error *err);

/* A reviewer's or manager's grade override, with a reason. terms is the
 * rating of the same facts with the grade forced to the new one (the rating
 * module's answer, result_json in full): its PD, decision, amount, term, rate
 * and fee replace the model's in what approval is judged against. LD_EINVAL
 * when terms is NULL, for another grade or under another policy. */
ld_status core_rating_override(core_store *store, const core_session *who, int64_t app_id,
                               const char *grade, const char *reason,
                               const core_rating_summary *terms, const char *result_json,
                               ld_error *err);

/* Whether user_id overrode the grade of the latest rating of app_id: the
 * approval relying on an override is then another person's (four eyes). */
ld_status core_rating_overridden_by(core_store *store, int64_t app_id, int64_t user_id, bool *out,
                                    ld_error *err);

/* Records a borrower's days past due on a date (from the ledger's close of
 * business) so later ratings see the history. */
ld_status core_credit_record_dpd(core_store *store, int64_t borrower_id, ld_date on, int dpd,
                                 ld_error *err);

#endif
