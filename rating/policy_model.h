/*
 * policy_model.h - the policy model: the one structure the policy document is
 * parsed into, shared by core and the rating module.
 *
 * rating_policy_load_buffer (rating/policy.c) is the one parser of the policy
 * document. Core keeps its result in the store's cache for the document in
 * force (core_policy_model_get, core/policy.h) and reads the sections it
 * applies from its "terms" (LTV caps, approval authority, inspection,
 * provisions, the risk-signal checklist, LPR, the rate floor and ceiling, the
 * bank's own variables); the rating module scores from the same structure
 * (grades, scorecards, knock-outs). No rule reads the document's JSON again
 * (the inspection workbook still looks up risk-signal labels in the text).
 *
 * Invariants after a clean parse: numeric bins of a factor are sorted,
 * contiguous and cover (-inf, +inf); categorical bins list each category once
 * and the factor has an else bin; grades are AAA..D in order, contiguous in
 * score, PDs increasing.
 */
#ifndef RATING_POLICY_MODEL_H
#define RATING_POLICY_MODEL_H

#include "policy.h"
#include "pricing.h"
#include "rating.h"

typedef struct rating_bin {
    char *label;
    bool has_min, has_max; /* open ends are -inf / +inf */
    double min, max;       /* numeric: [min, max) */
    char **categories;     /* categorical */
    uint64_t *keys;        /* rating_category_key of each category */
    size_t category_count;
    int points;
} rating_bin;

typedef struct rating_special {
    double value;
    char *label;
    int points;
} rating_special;

/* The missing and else outcomes: points, or refer to a person. */
typedef struct rating_outcome {
    bool set;
    bool refer;
    int points; /* when refer: the factor's worst points (see docs/policy.md) */
    char *label;
} rating_outcome;

typedef struct rating_factor {
    rating_feature feature;
    const char *name, *zh, *en; /* static, or the policy's own variable's */
    bool categorical;
    rating_bin *bins;
    size_t bin_count;
    rating_special *specials;
    size_t special_count;
    rating_outcome missing;
    rating_outcome other; /* "else" */
    int best_points;
    int worst_points;
    char *reason_zh; /* NULL: the feature's default text */
    char *reason_en;
} rating_factor;

typedef struct rating_scorecard {
    bool present;
    int base_points;
    rating_factor *factors;
    size_t factor_count;
} rating_scorecard;

typedef struct rating_grade {
    char name[4];
    bool has_min, has_max; /* score range [min_score, max_score); open ends unbounded */
    int min_score, max_score;
    ld_rate pd;
    bool lending;
    ld_money max_amount;         /* grade cap */
    int64_t income_multiple;     /* millionths; < 0 = not used */
    int64_t revenue_multiple;    /* millionths; < 0 = not used */
    int64_t net_assets_multiple; /* millionths; < 0 = not used */
    ld_money unsecured_allowance;
    int max_term_months;
    ld_rate spread; /* over the LPR */
    rating_fee_method fee_method;
    ld_rate fee_rate;
} rating_grade;

typedef struct rating_ko_rule {
    bool enabled;
    rating_decision action;
} rating_ko_rule;

struct rating_policy {
    char version[32];
    char sha256[65];
    /* The sections core applies, read by core's reader of them (LTV caps,
     * LPR, the rate band, the bank's own variables ...) within this parse. */
    core_policy_terms terms;
    double base_score, odds_at_base, pdo;
    rating_grade grades[RATING_GRADE_COUNT];
    rating_scorecard scorecards[RATING_KIND_COUNT];
    rating_ko_rule knockouts[RATING_KO_COUNT];
    /* knockouts rule "missing_facts": the features whose absence refers */
    size_t needed_count;
    rating_feature needed[RATING_VALUE_COUNT];

    /* "credit_report": a report older than this many days is not used */
    int credit_report_max_age_days;
    ld_rate dti_cap; /* millionths of 1: 55 % = 550000 */
    int default_min_age;
    int default_max_age;
};

#endif
