/*
 * rating.h - the credit scorecard: rating one application by the policy model.
 *
 * A rating is a pure calculation. Core parses the policy file, once, into the
 * policy model (core/policy_model.h: core_policy_model_get for the policy in
 * force, core_policy_model_load for a file) and hands it to the scorer; the
 * caller fills a plain rating_input from the application and its borrower,
 * guarantors and collateral, and calls rating_score, which writes a
 * plain rating_result: each factor's value, bin and points, the score, grade and
 * PD, the knock-out rules hit, the decision, the recommended amount, term, rate
 * and fee, and the four reason codes that cost the most points. rating_score
 * allocates nothing and touches no database, so it can be run a million times a
 * second and tested alone.
 *
 * Conventions (docs/design.md): money is ld_money fen; rates and PDs are millionths
 * (1 % = 10000, so a PD of 0.25 % is 2500); ratios such as debt-to-asset are
 * plain doubles (0.55 is 55 %), since they are never stored as money; the
 * policy's bounds they are compared with are exact millionths. The policy file
 * format is documented field by field in docs/policy.md.
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
#include "policy_model.h"

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

/* ---- Input ------------------------------------------------------------------- */

#define RATING_MAX_COLLATERAL 16
#define RATING_MAX_GUARANTORS 8
#define RATING_REASONS        4

/* One feature's value. A NaN number counts as missing, never as a bin. */
typedef struct rating_value {
    bool present;
    double number;                           /* numeric features */
    char category[CORE_RATING_CATEGORY_MAX]; /* categorical features, NUL-terminated */
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
    core_rating_kind kind;
    rating_value
        features[CORE_RATING_VALUE_COUNT]; /* by core_rating_feature, then the policy's own */

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
void rating_input_init(rating_input *in, core_rating_kind kind);

/* Sets a numeric / categorical feature (category text is cut to fit). */
void rating_input_set_number(rating_input *in, core_rating_feature feature, double value);
void rating_input_set_category(rating_input *in, core_rating_feature feature, const char *value);

/* Fills collateral_cover and guarantor_cover from the collateral and guarantor
 * lists and the policy's LTV caps and capacity rule, unless they are already set.
 * Needs requested_amount > 0; otherwise leaves them missing. */
void rating_input_derive_cover(const core_policy_model *policy, rating_input *in);

/* ---- Result ------------------------------------------------------------------ */

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
    core_rating_feature feature;
    const char *name, *zh, *en; /* the feature's, from the policy */
    bool categorical;
    rating_bin_kind bin_kind;
    bool missing;
    double value;                            /* numeric value (0 when missing or categorical) */
    char category[CORE_RATING_CATEGORY_MAX]; /* categorical value ("" otherwise) */
    const char *bin_label;                   /* the bin's label from the policy */
    int points;
    int best_points; /* the most points this factor can give */
    bool refer;      /* the bin says "refer" (missing or unseen category) */
} rating_factor_result;

#define RATING_DETAIL_MAX 96

typedef struct rating_knockout_hit {
    core_rating_knockout rule;
    core_rating_decision action; /* CORE_RATING_REFER or CORE_RATING_DECLINE */
    const char *zh;              /* static text */
    const char *en;
    /* the values behind it, e.g. "dti_after_loan 0.6200 > cap 0.5500" */
    char detail[RATING_DETAIL_MAX];
} rating_knockout_hit;

#define RATING_MAX_HITS (CORE_RATING_KO_COUNT + CORE_RATING_MAX_FACTORS + 3)

typedef struct rating_reason {
    core_rating_feature feature;
    const char *code; /* the feature name, e.g. "debt_to_asset" */
    /* The factor's value is missing: the points were lost for want of data,
     * not for what was assessed. zh/en are then the feature's own name, and
     * the texts shown are "缺少数据：NAME" / "Missing data: NAME". */
    bool missing;
    const char *zh;
    const char *en;
    int points_lost; /* best_points - points, > 0 */
} rating_reason;

typedef struct rating_result {
    core_rating_kind kind;
    char policy_version[32];
    char policy_sha256[65];

    size_t factor_count;
    rating_factor_result factors[CORE_RATING_MAX_FACTORS];
    int score; /* base points + sum of factor points */

    int grade_index;   /* 0 = AAA .. 9 = D */
    const char *grade; /* "AAA" .. "D" */
    ld_rate pd;        /* probability of default of the grade, millionths */
    /* the grade the score gives; differs from grade_index when overridden */
    int model_grade_index;

    /* the factors whose value was missing, as indices into factors */
    size_t missing_count;
    unsigned char missing[CORE_RATING_MAX_FACTORS];

    size_t knockout_count;
    rating_knockout_hit knockouts[RATING_MAX_HITS];
    core_rating_decision decision;

    bool lending_allowed;        /* by the grade */
    ld_money max_amount;         /* the smallest of the limits, fen */
    ld_money recommended_amount; /* min(requested, max_amount) */
    int max_term_months;         /* min(grade, product) */
    int recommended_term_months; /* min(requested, max_term_months) */
    bool lpr_five_year;          /* priced off the 5-year LPR (term > 60 months) */
    ld_rate lpr;                 /* the LPR used */
    ld_rate rate;                /* LPR + spread, within [floor, ceiling] */
    core_rating_fee_method fee_method;
    ld_rate fee_rate;    /* millionths of the amount */
    ld_money fee_amount; /* up front: once; per installment: each installment */

    size_t reason_count;
    rating_reason reasons[RATING_REASONS];
} rating_result;

/* Rates one application. Writes *out completely on success; allocates nothing.
 * Errors: LD_EINVAL when the input is malformed (negative amounts, counts above
 * the array sizes, a kind out of range), naming the field. A borrower kind the
 * policy has no scorecard for is not an error: the result is a refer. */
ld_status rating_score(const core_policy_model *policy, const rating_input *in, rating_result *out,
                       ld_error *err);

/* The scorecard part alone, for validation over data sets: score, grade index
 * and PD from feature values, without knock-outs or terms. */
ld_status rating_score_only(const core_policy_model *policy, core_rating_kind kind,
                            const rating_value features[CORE_RATING_VALUE_COUNT], int *score_out,
                            int *grade_out, ld_rate *pd_out, ld_error *err);

/* The result as JSON text (money as decimal strings, rates as percentages with
 * 4 decimals, PD both ways), for `rating show --json` and for storage. *out is a
 * NUL-terminated string owned by the caller (free()). LD_EINTERNAL when out of
 * memory. */
ld_status rating_result_to_json(const rating_result *result, char **out, ld_error *err);

#endif
