/*
 * rating_int.h - the loaded policy's layout, shared by the rating sources only.
 *
 * The policy is parsed once into these plain structs; the scorer reads them and
 * nothing else, so a rating never touches JSON. Invariants after a clean check:
 * numeric bins of a factor are sorted, contiguous and cover (-inf, +inf);
 * categorical bins list each category once and the factor has an else bin;
 * grades are AAA..D in order, contiguous in score, PDs increasing.
 */
#ifndef RATING_INT_H
#define RATING_INT_H

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
    /* The sections core applies, read by core's own reader (LTV caps, LPR,
     * the bank's own variables ...): one structure for both modules. */
    core_policy_terms terms;
    ld_rate rate_floor;
    ld_rate rate_ceiling; /* already the smaller of the file's ceiling and 4x 1-year LPR */
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

/* The first eight bytes of a category, zero after its end: equal keys of
 * categories shorter than eight bytes mean equal categories, so the scorer
 * compares one number where it would call strcmp. */
static inline uint64_t rating_category_key(const char *text)
{
    uint64_t key = 0;
    for (int i = 0; i < 8 && text[i] != '\0'; i++)
        key |= (uint64_t)(unsigned char)text[i] << (8 * i);
    return key;
}

/* SHA-256 of bytes as 64 lowercase hex digits + NUL (the one place rating uses
 * OpenSSL). LD_EINTERNAL when the digest fails. */
ld_status rating_sha256_hex(const void *bytes, size_t length, char out[65], ld_error *err);

/* Default reason texts of a feature. */
const char *rating_feature_reason_zh(rating_feature feature);
const char *rating_feature_reason_en(rating_feature feature);

/* Which bin a value falls in: the index into factor->bins, or -1 for missing,
 * -2 - i for special value i, -1000 for else (categorical not listed). Shared
 * by the scorer and the PSI calculation so both bin identically. */
#define RATING_BINSEL_MISSING (-1)
#define RATING_BINSEL_ELSE    (-1000)
int rating_factor_select(const rating_factor *factor, const rating_value *value);

#endif
