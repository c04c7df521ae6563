/*
 * rating.h - the credit scorecard: policy files, and rating one application.
 *
 * A rating is a pure calculation. The caller loads a policy file once
 * (rating_policy_load), fills a plain rating_input from the application and its
 * borrower, guarantors and collateral, and calls rating_score, which writes a
 * plain rating_result: each factor's value, bin and points, the score, grade and
 * PD, the knock-out rules hit, the decision, the recommended amount, term, rate
 * and fee, and the four reason codes that cost the most points. rating_score
 * allocates nothing and touches no database, so it can be run a million times a
 * second and tested alone.
 *
 * Conventions (docs/design.md): money is ld_money fen; rates and PDs are millionths
 * (1 % = 10000, so a PD of 0.25 % is 2500); ratios such as debt-to-asset are
 * plain doubles (0.55 is 55 %), since they are never stored as money. The policy
 * file format is documented field by field in docs/policy.md.
 *
 * Lifetimes: strings a rating_result points to (bin labels, reason texts, feature
 * names) belong to the policy or to static tables; a result is valid while its
 * policy is loaded. Serialise it (rating_result_to_json) before freeing the policy.
 */
#ifndef RATING_H
#define RATING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"
#include "money.h"
#include "policy_features.h"
#include "pricing.h"

/* ---- Borrower kinds and features -------------------------------------------- */

typedef enum rating_kind {
    RATING_INDIVIDUAL = 0,
    RATING_ENTERPRISE = 1,
} rating_kind;

#define RATING_KIND_COUNT 2

/* The fixed list of features a scorecard factor may use. Each is numeric or
 * categorical (rating_feature_is_categorical); docs/policy.md defines each one,
 * its unit and how the caller computes it. New features are added at the end. */
typedef enum rating_feature {
    /* enterprise financials (ratios as fractions: 0.62 is 62 %) */
    RATING_F_DEBT_TO_ASSET,       /* total liabilities / total assets */
    RATING_F_CURRENT_RATIO,       /* current assets / current liabilities */
    RATING_F_QUICK_RATIO,         /* (current assets - inventory) / current liabilities */
    RATING_F_RETURN_ON_ASSETS,    /* net profit / average total assets */
    RATING_F_REVENUE_GROWTH,      /* revenue this year / last year - 1 */
    RATING_F_OCF_TO_DEBT_SERVICE, /* operating cash flow / annual debt service */
    RATING_F_YEARS_IN_BUSINESS,   /* whole years since registration */
    RATING_F_INDUSTRY_RISK_CLASS, /* categorical: "1" (lowest risk) .. "5" */
    RATING_F_INTEREST_COVERAGE,   /* EBIT / interest expense */
    RATING_F_GROSS_MARGIN,        /* gross profit / revenue */
    RATING_F_RECEIVABLE_DAYS,     /* receivables turnover in days */
    RATING_F_INVENTORY_DAYS,      /* inventory turnover in days */
    RATING_F_TAX_RATING,          /* categorical: tax credit grade "A","B","M","C","D" */
    /* individual */
    RATING_F_DTI_AFTER_LOAN,   /* monthly debt payments incl. the new loan / monthly income */
    RATING_F_AGE,              /* whole years at application */
    RATING_F_YEARS_EMPLOYED,   /* whole years with the current employer or business */
    RATING_F_EMPLOYMENT_TYPE,  /* categorical: "civil_servant","employee","self_employed",... */
    RATING_F_HOUSING,          /* categorical: "own","mortgage","rent","family" */
    RATING_F_EDUCATION,        /* categorical: "postgraduate","bachelor","college","secondary" */
    RATING_F_INQUIRIES_6M,     /* credit report inquiries by lenders in 6 months */
    RATING_F_CARD_UTILISATION, /* credit card balances / limits */
    RATING_F_YEARS_AT_ADDRESS, /* whole years at the current address */
    /* both kinds */
    RATING_F_COLLATERAL_COVER,    /* sum(collateral value x LTV cap) / requested amount */
    RATING_F_GUARANTOR_COVER,     /* sum(guarantee within capacity) / requested amount */
    RATING_F_WORST_DPD_24M,       /* worst days past due in 24 months; special -1 = no history */
    RATING_F_LOAN_TO_INCOME,      /* requested amount / annual income (or revenue) */
    RATING_F_EXISTING_LOANS,      /* number of open loans at other lenders */
    RATING_F_RELATED_PARTY_SHARE, /* related-party sales / revenue */
    RATING_FEATURE_COUNT
} rating_feature;

/* "debt_to_asset" etc. */
const char *rating_feature_name(rating_feature feature);
/* Chinese and English names for reports ("资产负债率", "Debt-to-asset ratio"). */
const char *rating_feature_zh(rating_feature feature);
const char *rating_feature_en(rating_feature feature);
bool rating_feature_is_categorical(rating_feature feature);
/* Looks a name up; false when it is not in the list. */
bool rating_feature_from_name(const char *name, rating_feature *out);

/* The bank's own variables a policy declares (its "features" section) are
 * features too: RATING_FEATURE_COUNT + i is the policy's i-th. Their names,
 * labels and type come from the policy: */
#define RATING_MAX_CUSTOM  CORE_ATTRIBUTE_MAX
#define RATING_VALUE_COUNT (RATING_FEATURE_COUNT + RATING_MAX_CUSTOM)

const char *rating_kind_name(rating_kind kind); /* "individual" / "enterprise" */
bool rating_kind_from_name(const char *name, rating_kind *out);

/* Collateral types, in the order of the policy's "ltv_caps" keys. */
typedef enum rating_collateral_type {
    RATING_COLL_REAL_ESTATE,
    RATING_COLL_LAND_USE_RIGHT,
    RATING_COLL_VEHICLE,
    RATING_COLL_EQUIPMENT,
    RATING_COLL_DEPOSIT_RECEIPT,
    RATING_COLL_BONDS,
    RATING_COLL_RECEIVABLES,
    RATING_COLL_EQUITY,
    RATING_COLL_TYPE_COUNT
} rating_collateral_type;

const char *rating_collateral_type_name(rating_collateral_type type);
bool rating_collateral_type_from_name(const char *name, rating_collateral_type *out);

/* ---- Policy ------------------------------------------------------------------ */

/* A loaded, checked policy. Immutable once loaded; may be shared by threads. */
typedef struct rating_policy rating_policy;

/* Every problem a policy check found, each a line "JSONPATH: what is wrong"
 * (e.g. "$.grades[3].min_score: overlaps grades[2]"). */
typedef struct rating_problems {
    size_t count;
    size_t capacity;
    char **messages;
} rating_problems;

/* Frees the messages and zeroes the list; harmless on an empty list or NULL. */
void rating_problems_free(rating_problems *problems);

/* Reads, parses and checks the policy file at path and computes the SHA-256 of
 * its exact bytes. On success *out is a new policy owned by the caller
 * (rating_policy_free). Errors: LD_EINVAL when the file is not a valid policy
 * (the message gives the number of problems and the first one; use
 * rating_policy_check_file for all of them), LD_ENOTFOUND when the file does not
 * exist, LD_EINTERNAL on I/O or memory failure. */
ld_status rating_policy_load(const char *path, rating_policy **out, ld_error *err);

/* As rating_policy_load, from bytes in memory (the hash is of those bytes). */
ld_status rating_policy_load_buffer(const char *bytes, size_t length, rating_policy **out,
                                    ld_error *err);

/* Checks a policy and collects every problem into *problems (which the caller
 * frees with rating_problems_free; it must start zeroed). Returns LD_OK when the
 * policy is clean, LD_EINVAL when problems were found (err gives the count), or
 * the errors of rating_policy_load for a file that cannot be read. */
ld_status rating_policy_check_file(const char *path, rating_problems *problems, ld_error *err);
ld_status rating_policy_check_buffer(const char *bytes, size_t length, rating_problems *problems,
                                     ld_error *err);

void rating_policy_free(rating_policy *policy);

/* The policy's "version" string and the SHA-256 of its bytes as 64 hex digits. */
const char *rating_policy_version(const rating_policy *policy);
const char *rating_policy_sha256(const rating_policy *policy);

/* Loan prime rates (millionths) and their effective date ("YYYY-MM-DD"). */
ld_rate rating_policy_lpr_one_year(const rating_policy *policy);
ld_rate rating_policy_lpr_five_year(const rating_policy *policy);
const char *rating_policy_lpr_effective(const rating_policy *policy);
/* All three as core reads them (core/pricing.h holds the rules on them). */
const core_lpr *rating_policy_lpr(const rating_policy *policy);

/* The oldest credit report a rating may use, in days ("credit_report.max_age_days"). */
int rating_policy_credit_report_max_age_days(const rating_policy *policy);

/* A feature by name, built-in or declared by the policy; false when neither. */
bool rating_policy_feature_from_name(const rating_policy *policy, const char *name,
                                     rating_feature *out);
/* Name, labels and type of a built-in or declared feature. */
const char *rating_policy_feature_name(const rating_policy *policy, rating_feature feature);
const char *rating_policy_feature_zh(const rating_policy *policy, rating_feature feature);
const char *rating_policy_feature_en(const rating_policy *policy, rating_feature feature);
bool rating_policy_feature_is_categorical(const rating_policy *policy, rating_feature feature);
/* The names of the policy's categorical features, built-in and its own, into
 * out (RATING_VALUE_COUNT + 1 entries, NULL-terminated), for reading a data
 * set whose codes look numeric; returns true. */
bool rating_policy_text_columns(const rating_policy *policy,
                                const char *out[RATING_VALUE_COUNT + 1]);

/* The policy's own variables, as declared (count and definitions). */
const core_attribute_set *rating_policy_attributes(const rating_policy *policy);

/* True when the policy has a scorecard for this kind of borrower. */
bool rating_policy_has_scorecard(const rating_policy *policy, rating_kind kind);

/* ---- Input ------------------------------------------------------------------- */

#define RATING_CATEGORY_MAX   24 /* longest category text + 1 */
#define RATING_MAX_COLLATERAL 16
#define RATING_MAX_GUARANTORS 8
#define RATING_MAX_FACTORS    32 /* factors in one scorecard */
#define RATING_REASONS        4
#define RATING_GRADE_COUNT    10 /* AAA AA A BBB BB B CCC CC C D */

/* One feature's value. A NaN number counts as missing, never as a bin. */
typedef struct rating_value {
    bool present;
    double number;                      /* numeric features */
    char category[RATING_CATEGORY_MAX]; /* categorical features, NUL-terminated */
} rating_value;

typedef struct rating_collateral {
    rating_collateral_type type;
    ld_money value;          /* appraised value, fen, >= 0 */
    ld_money secured_amount; /* the part of this loan the item secures (担保金额); 0 = cover only */
} rating_collateral;

typedef struct rating_guarantor {
    ld_money net_assets;             /* latest net assets, fen (may be negative) */
    ld_money outstanding_guarantees; /* guarantees it already gives elsewhere, fen */
    ld_money amount_guaranteed;      /* what it guarantees of this loan, fen */
} rating_guarantor;

/* Everything one rating needs. Start with rating_input_init, then fill what is
 * known. Fields the scorecard does not use may stay at their initial values. */
typedef struct rating_input {
    rating_kind kind;
    rating_value features[RATING_VALUE_COUNT]; /* by rating_feature, then the policy's own */

    /* knock-out inputs */
    bool identity_valid; /* ID number / credit code checked (core_resident_id_check ...) */
    bool blocklisted;    /* on the institution's block list */
    int age_at_maturity; /* individuals: whole years on the last due date; -1 unknown */
    bool net_assets_known;
    ld_money net_assets;     /* enterprise net assets (individuals: own net worth), fen */
    ld_money annual_income;  /* individuals: verified annual income, fen */
    ld_money annual_revenue; /* enterprises: last full year's revenue, fen */
    size_t collateral_count;
    rating_collateral collateral[RATING_MAX_COLLATERAL];
    size_t guarantor_count;
    rating_guarantor guarantors[RATING_MAX_GUARANTORS];

    /* the request and the product's limits (0 = the product sets no limit) */
    ld_money requested_amount;
    int requested_term_months;
    ld_money product_max_amount;
    int product_max_term_months;
    int product_min_age; /* 0 = policy default */
    int product_max_age; /* 0 = policy default */

    /* A reviewer's grade override (0 = AAA .. 9 = D), or -1: the terms, the
     * PD and the decision follow this grade while the score stays the model's. */
    int forced_grade;
} rating_input;

/* Zeroes *in, marks every feature missing, age_at_maturity unknown and the
 * identity NOT valid (a caller that forgets to check it gets a decline). */
void rating_input_init(rating_input *in, rating_kind kind);

/* Sets a numeric / categorical feature (category text is cut to fit). */
void rating_input_set_number(rating_input *in, rating_feature feature, double value);
void rating_input_set_category(rating_input *in, rating_feature feature, const char *value);

/* Fills collateral_cover and guarantor_cover from the collateral and guarantor
 * lists and the policy's LTV caps and capacity rule, unless they are already set.
 * Needs requested_amount > 0; otherwise leaves them missing. */
void rating_input_derive_cover(const rating_policy *policy, rating_input *in);

/* ---- Result ------------------------------------------------------------------ */

typedef enum rating_decision {
    RATING_APPROVE = 0, /* approve within the recommended terms */
    RATING_REFER = 1,   /* a person must decide */
    RATING_DECLINE = 2,
} rating_decision;

const char *rating_decision_name(rating_decision decision); /* "approve","refer","decline" */

/* How a factor's value found its points. */
typedef enum rating_bin_kind {
    RATING_BIN_RANGE,    /* numeric value in [min, max) */
    RATING_BIN_CATEGORY, /* categorical value listed in a bin */
    RATING_BIN_SPECIAL,  /* numeric value equal to a special value (e.g. -1 = no history) */
    RATING_BIN_MISSING,  /* no value */
    RATING_BIN_ELSE,     /* a category no bin lists */
} rating_bin_kind;

const char *rating_bin_kind_name(rating_bin_kind kind);

typedef struct rating_factor_result {
    rating_feature feature;
    const char *name, *zh, *en; /* the feature's, from the policy */
    bool categorical;
    rating_bin_kind bin_kind;
    bool missing;
    double value;                       /* numeric value (0 when missing or categorical) */
    char category[RATING_CATEGORY_MAX]; /* categorical value ("" otherwise) */
    const char *bin_label;              /* the bin's label from the policy */
    int points;
    int best_points; /* the most points this factor can give */
    bool refer;      /* the bin says "refer" (missing or unseen category) */
} rating_factor_result;

typedef enum rating_knockout {
    RATING_KO_INVALID_IDENTITY,
    RATING_KO_BLOCKLISTED,
    RATING_KO_AGE_AT_MATURITY,
    RATING_KO_NEGATIVE_NET_ASSETS,
    RATING_KO_DTI_OVER_CAP,
    RATING_KO_COLLATERAL_OVER_LTV,
    RATING_KO_GUARANTOR_SHORT,
    RATING_KO_MISSING_FACTS, /* a fact the policy names as needed is missing */
    RATING_KO_COUNT,
    /* not policy rules, but reported the same way: */
    RATING_KO_FACTOR_REFER = RATING_KO_COUNT, /* a factor's bin says "refer" */
    RATING_KO_GRADE_NO_LENDING,               /* the grade does not allow lending */
    RATING_KO_NO_CAPACITY,                    /* the maximum amount works out at zero */
    RATING_KO_NO_SCORECARD,                   /* the policy has no scorecard for this kind */
} rating_knockout;

const char *rating_knockout_name(rating_knockout rule); /* "invalid_identity", ... */
bool rating_knockout_from_name(const char *name, rating_knockout *out);

#define RATING_DETAIL_MAX 96

typedef struct rating_knockout_hit {
    rating_knockout rule;
    rating_decision action; /* RATING_REFER or RATING_DECLINE */
    const char *zh;         /* static text */
    const char *en;
    /* the values behind it, e.g. "dti_after_loan 0.6200 > cap 0.5500" */
    char detail[RATING_DETAIL_MAX];
} rating_knockout_hit;

#define RATING_MAX_HITS (RATING_KO_COUNT + RATING_MAX_FACTORS + 3)

typedef struct rating_reason {
    rating_feature feature;
    const char *code; /* the feature name, e.g. "debt_to_asset" */
    /* The factor's value is missing: the points were lost for want of data,
     * not for what was assessed. zh/en are then the feature's own name, and
     * the texts shown are "缺少数据：NAME" / "Missing data: NAME". */
    bool missing;
    const char *zh;
    const char *en;
    int points_lost; /* best_points - points, > 0 */
} rating_reason;

typedef enum rating_fee_method {
    RATING_FEE_NONE,
    RATING_FEE_UPFRONT,         /* fee_rate of the amount, once at disbursement */
    RATING_FEE_PER_INSTALLMENT, /* fee_rate of the amount with each installment */
} rating_fee_method;

const char *rating_fee_method_name(rating_fee_method method);

typedef struct rating_result {
    rating_kind kind;
    char policy_version[32];
    char policy_sha256[65];

    size_t factor_count;
    rating_factor_result factors[RATING_MAX_FACTORS];
    int score; /* base points + sum of factor points */

    int grade_index;   /* 0 = AAA .. 9 = D */
    const char *grade; /* "AAA" .. "D" */
    ld_rate pd;        /* probability of default of the grade, millionths */
    /* the grade the score gives; differs from grade_index when overridden */
    int model_grade_index;

    /* the factors whose value was missing, as indices into factors */
    size_t missing_count;
    unsigned char missing[RATING_MAX_FACTORS];

    size_t knockout_count;
    rating_knockout_hit knockouts[RATING_MAX_HITS];
    rating_decision decision;

    bool lending_allowed;        /* by the grade */
    ld_money max_amount;         /* the smallest of the limits, fen */
    ld_money recommended_amount; /* min(requested, max_amount) */
    int max_term_months;         /* min(grade, product) */
    int recommended_term_months; /* min(requested, max_term_months) */
    bool lpr_five_year;          /* priced off the 5-year LPR (term > 60 months) */
    ld_rate lpr;                 /* the LPR used */
    ld_rate rate;                /* LPR + spread, within [floor, ceiling] */
    rating_fee_method fee_method;
    ld_rate fee_rate;    /* millionths of the amount */
    ld_money fee_amount; /* up front: once; per installment: each installment */

    size_t reason_count;
    rating_reason reasons[RATING_REASONS];
} rating_result;

/* Rates one application. Writes *out completely on success; allocates nothing.
 * Errors: LD_EINVAL when the input is malformed (negative amounts, counts above
 * the array sizes, a kind out of range), naming the field. A borrower kind the
 * policy has no scorecard for is not an error: the result is a refer. */
ld_status rating_score(const rating_policy *policy, const rating_input *in, rating_result *out,
                       ld_error *err);

/* The scorecard part alone, for validation over data sets: score, grade index
 * and PD from feature values, without knock-outs or terms. */
ld_status rating_score_only(const rating_policy *policy, rating_kind kind,
                            const rating_value features[RATING_VALUE_COUNT], int *score_out,
                            int *grade_out, ld_rate *pd_out, ld_error *err);

/* The grade name of an index 0..9 ("AAA" .. "D"). */
const char *rating_grade_name(int grade_index);

/* The result as JSON text (money as decimal strings, rates as percentages with
 * 4 decimals, PD both ways), for `rating show --json` and for storage. *out is a
 * NUL-terminated string owned by the caller (free()). LD_EINTERNAL when out of
 * memory. */
ld_status rating_result_to_json(const rating_result *result, char **out, ld_error *err);

#endif
