/*
 * policy_model.h - the policy model: the one structure the policy document is
 * parsed into (format: docs/policy.md), and its one parser.
 *
 * core_policy_model_load_buffer (policy_model.c) is the one parser of the
 * policy document. The store keeps its result for the document in force
 * (core_policy_model_get, policy.h) and core reads the sections it applies
 * from its "terms" (LTV caps, approval authority, inspection, provisions, the
 * risk-signal checklist, LPR, the rate floor and ceiling, the bank's own
 * variables); the rating module scores from the same structure (grades,
 * scorecards, knock-outs), which core hands it. (The collection stages of
 * docs/care.md are still read from the stored text by core/care_terms.c, after
 * this parser has checked them.)
 *
 * The vocabulary the document is written in lives here too: the features a
 * scorecard factor may use, borrower kinds, knock-out rules, decisions, fee
 * methods and grades, each with its name in the document.
 *
 * Invariants after a clean parse: numeric bins of a factor are sorted,
 * contiguous and cover (-inf, +inf); categorical bins list each category once
 * and the factor has an else bin; grades are AAA..D in order, contiguous in
 * score, PDs increasing.
 */
#ifndef CORE_POLICY_MODEL_H
#define CORE_POLICY_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"
#include "money.h"
#include "policy.h"
#include "policy_features.h"
#include "pricing.h"

/* ---- Borrower kinds and features -------------------------------------------- */

typedef enum core_rating_kind {
    CORE_RATING_INDIVIDUAL = 0,
    CORE_RATING_ENTERPRISE = 1,
} core_rating_kind;

#define CORE_RATING_KIND_COUNT 2

/* The fixed list of features a scorecard factor may use. Each is numeric or
 * categorical (core_rating_feature_is_categorical); docs/policy.md defines each one,
 * its unit and how the caller computes it. New features are added at the end. */
typedef enum core_rating_feature {
    /* enterprise financials (ratios as fractions: 0.62 is 62 %) */
    CORE_RATING_F_DEBT_TO_ASSET,       /* total liabilities / total assets */
    CORE_RATING_F_CURRENT_RATIO,       /* current assets / current liabilities */
    CORE_RATING_F_QUICK_RATIO,         /* (current assets - inventory) / current liabilities */
    CORE_RATING_F_RETURN_ON_ASSETS,    /* net profit / average total assets */
    CORE_RATING_F_REVENUE_GROWTH,      /* revenue this year / last year - 1 */
    CORE_RATING_F_OCF_TO_DEBT_SERVICE, /* operating cash flow / annual debt service */
    CORE_RATING_F_YEARS_IN_BUSINESS,   /* whole years since registration */
    CORE_RATING_F_INDUSTRY_RISK_CLASS, /* categorical: "1" (lowest risk) .. "5" */
    CORE_RATING_F_INTEREST_COVERAGE,   /* EBIT / interest expense */
    CORE_RATING_F_GROSS_MARGIN,        /* gross profit / revenue */
    CORE_RATING_F_RECEIVABLE_DAYS,     /* receivables turnover in days */
    CORE_RATING_F_INVENTORY_DAYS,      /* inventory turnover in days */
    CORE_RATING_F_TAX_RATING,          /* categorical: tax credit grade "A","B","M","C","D" */
    /* individual */
    CORE_RATING_F_DTI_AFTER_LOAN,  /* monthly debt payments incl. the new loan / monthly income */
    CORE_RATING_F_AGE,             /* whole years at application */
    CORE_RATING_F_YEARS_EMPLOYED,  /* whole years with the current employer or business */
    CORE_RATING_F_EMPLOYMENT_TYPE, /* categorical: "civil_servant","employee","self_employed",... */
    CORE_RATING_F_HOUSING,         /* categorical: "own","mortgage","rent","family" */
    CORE_RATING_F_EDUCATION,    /* categorical: "postgraduate","bachelor","college","secondary" */
    CORE_RATING_F_INQUIRIES_6M, /* credit report inquiries by lenders in 6 months */
    CORE_RATING_F_CARD_UTILISATION, /* credit card balances / limits */
    CORE_RATING_F_YEARS_AT_ADDRESS, /* whole years at the current address */
    /* both kinds */
    CORE_RATING_F_COLLATERAL_COVER, /* sum(collateral value x LTV cap) / requested amount */
    CORE_RATING_F_GUARANTOR_COVER,  /* sum(guarantee within capacity) / requested amount */
    CORE_RATING_F_WORST_DPD_24M,    /* worst days past due in 24 months; special -1 = no history */
    CORE_RATING_F_LOAN_TO_INCOME,   /* requested amount / annual income (or revenue) */
    CORE_RATING_F_EXISTING_LOANS,   /* number of open loans at other lenders */
    CORE_RATING_F_RELATED_PARTY_SHARE, /* related-party sales / revenue */
    CORE_RATING_FEATURE_COUNT
} core_rating_feature;

/* "debt_to_asset" etc. */
const char *core_rating_feature_name(core_rating_feature feature);
/* Chinese and English names for reports ("资产负债率", "Debt-to-asset ratio"). */
const char *core_rating_feature_zh(core_rating_feature feature);
const char *core_rating_feature_en(core_rating_feature feature);
bool core_rating_feature_is_categorical(core_rating_feature feature);
/* Looks a name up; false when it is not in the list. */
bool core_rating_feature_from_name(const char *name, core_rating_feature *out);

/* The bank's own variables a policy declares (its "features" section) are
 * features too: CORE_RATING_FEATURE_COUNT + i is the policy's i-th. Their names,
 * labels and type come from the policy: */
#define CORE_RATING_MAX_CUSTOM  CORE_ATTRIBUTE_MAX
#define CORE_RATING_VALUE_COUNT (CORE_RATING_FEATURE_COUNT + CORE_RATING_MAX_CUSTOM)

const char *core_rating_kind_name(core_rating_kind kind); /* "individual" / "enterprise" */
bool core_rating_kind_from_name(const char *name, core_rating_kind *out);

#define CORE_RATING_CATEGORY_MAX 24 /* longest category text + 1 */
#define CORE_RATING_MAX_FACTORS  32 /* factors in one scorecard */
#define CORE_RATING_GRADE_COUNT  10 /* AAA AA A BBB BB B CCC CC C D */

/* ---- Decisions, knock-out rules, fees, grades --------------------------------- */

typedef enum core_rating_decision {
    CORE_RATING_APPROVE = 0, /* approve within the recommended terms */
    CORE_RATING_REFER = 1,   /* a person must decide */
    CORE_RATING_DECLINE = 2,
} core_rating_decision;

/* "approve", "refer", "decline" */
const char *core_rating_decision_name(core_rating_decision decision);

typedef enum core_rating_knockout {
    CORE_RATING_KO_INVALID_IDENTITY,
    CORE_RATING_KO_BLOCKLISTED,
    CORE_RATING_KO_AGE_AT_MATURITY,
    CORE_RATING_KO_NEGATIVE_NET_ASSETS,
    CORE_RATING_KO_DTI_OVER_CAP,
    CORE_RATING_KO_COLLATERAL_OVER_LTV,
    CORE_RATING_KO_GUARANTOR_SHORT,
    CORE_RATING_KO_MISSING_FACTS, /* a fact the policy names as needed is missing */
    CORE_RATING_KO_COUNT,
    /* not policy rules, but reported the same way: */
    CORE_RATING_KO_FACTOR_REFER = CORE_RATING_KO_COUNT, /* a factor's bin says "refer" */
    CORE_RATING_KO_GRADE_NO_LENDING,                    /* the grade does not allow lending */
    CORE_RATING_KO_NO_CAPACITY,                         /* the maximum amount works out at zero */
    CORE_RATING_KO_NO_SCORECARD, /* the policy has no scorecard for this kind */
} core_rating_knockout;

const char *core_rating_knockout_name(core_rating_knockout rule); /* "invalid_identity", ... */
bool core_rating_knockout_from_name(const char *name, core_rating_knockout *out);

typedef enum core_rating_fee_method {
    CORE_RATING_FEE_NONE,
    CORE_RATING_FEE_UPFRONT,         /* fee_rate of the amount, once at disbursement */
    CORE_RATING_FEE_PER_INSTALLMENT, /* fee_rate of the amount with each installment */
} core_rating_fee_method;

const char *core_rating_fee_method_name(core_rating_fee_method method);

/* The grade name of an index 0..9 ("AAA" .. "D"). */
const char *core_rating_grade_name(int grade_index);

/* ---- Policy ------------------------------------------------------------------ */

/* A loaded, checked policy. Immutable once loaded; may be shared by threads. */
typedef struct core_policy_model core_policy_model;

/* Every problem a policy check found, each a line "JSONPATH: what is wrong"
 * (e.g. "$.grades[3].min_score: overlaps grades[2]"). */
typedef struct core_policy_problems {
    size_t count;
    size_t capacity;
    char **messages;
} core_policy_problems;

/* Frees the messages and zeroes the list; harmless on an empty list or NULL. */
void core_policy_problems_free(core_policy_problems *problems);

/* Reads, parses and checks the policy file at path and computes the SHA-256 of
 * its exact bytes. On success *out is a new policy owned by the caller
 * (core_policy_model_free). Errors: LD_EINVAL when the file is not a valid policy
 * (the message gives the number of problems and the first one; use
 * core_policy_model_check_file for all of them), LD_ENOTFOUND when the file does not
 * exist, LD_EINTERNAL on I/O or memory failure. */
ld_status core_policy_model_load(const char *path, core_policy_model **out, ld_error *err);

/* As core_policy_model_load, from bytes in memory (the hash is of those bytes). */
ld_status core_policy_model_load_buffer(const char *bytes, size_t length, core_policy_model **out,
                                        ld_error *err);

/* Checks a policy and collects every problem into *problems (which the caller
 * frees with core_policy_problems_free; it must start zeroed). Returns LD_OK when the
 * policy is clean, LD_EINVAL when problems were found (err gives the count), or
 * the errors of core_policy_model_load for a file that cannot be read. */
ld_status core_policy_model_check_file(const char *path, core_policy_problems *problems,
                                       ld_error *err);
ld_status core_policy_model_check_buffer(const char *bytes, size_t length,
                                         core_policy_problems *problems, ld_error *err);

void core_policy_model_free(core_policy_model *policy);

/* The policy's "version" string and the SHA-256 of its bytes as 64 hex digits. */
const char *core_policy_model_version(const core_policy_model *policy);
const char *core_policy_model_sha256(const core_policy_model *policy);

/* Loan prime rates (millionths) and their effective date ("YYYY-MM-DD"). */
ld_rate core_policy_model_lpr_one_year(const core_policy_model *policy);
ld_rate core_policy_model_lpr_five_year(const core_policy_model *policy);
const char *core_policy_model_lpr_effective(const core_policy_model *policy);
/* All three as core reads them (core/pricing.h holds the rules on them). */
const core_lpr *core_policy_model_lpr(const core_policy_model *policy);

/* The oldest credit report a rating may use, in days ("credit_report.max_age_days"). */
int core_policy_model_credit_report_max_age_days(const core_policy_model *policy);

/* A feature by name, built-in or declared by the policy; false when neither. */
bool core_policy_model_feature_from_name(const core_policy_model *policy, const char *name,
                                         core_rating_feature *out);
/* Name, labels and type of a built-in or declared feature. */
const char *core_policy_model_feature_name(const core_policy_model *policy,
                                           core_rating_feature feature);
const char *core_policy_model_feature_zh(const core_policy_model *policy,
                                         core_rating_feature feature);
const char *core_policy_model_feature_en(const core_policy_model *policy,
                                         core_rating_feature feature);
bool core_policy_model_feature_is_categorical(const core_policy_model *policy,
                                              core_rating_feature feature);
/* The names of the policy's categorical features, built-in and its own, into
 * out (CORE_RATING_VALUE_COUNT + 1 entries, NULL-terminated), for reading a data
 * set whose codes look numeric; returns true. */
bool core_policy_model_text_columns(const core_policy_model *policy,
                                    const char *out[CORE_RATING_VALUE_COUNT + 1]);

/* The policy's own variables, as declared (count and definitions). */
const core_attribute_set *core_policy_model_attributes(const core_policy_model *policy);

/* True when the policy has a scorecard for this kind of borrower. */
bool core_policy_model_has_scorecard(const core_policy_model *policy, core_rating_kind kind);

/* ---- The model ------------------------------------------------------------------ */

typedef struct core_rating_bin {
    char *label;
    bool has_min, has_max; /* open ends are -inf / +inf */
    int64_t min, max;      /* numeric: [min, max), millionths, exact (decimal.h) */
    char **categories;     /* categorical */
    uint64_t *keys;        /* core_rating_category_key of each category */
    size_t category_count;
    int points;
} core_rating_bin;

typedef struct core_rating_special {
    int64_t value; /* millionths, exact (decimal.h) */
    char *label;
    int points;
} core_rating_special;

/* The missing and else outcomes: points, or refer to a person. */
typedef struct core_rating_outcome {
    bool set;
    bool refer;
    int points; /* when refer: the factor's worst points (see docs/policy.md) */
    char *label;
} core_rating_outcome;

typedef struct core_rating_factor {
    core_rating_feature feature;
    const char *name, *zh, *en; /* static, or the policy's own variable's */
    bool categorical;
    core_rating_bin *bins;
    size_t bin_count;
    core_rating_special *specials;
    size_t special_count;
    core_rating_outcome missing;
    core_rating_outcome other; /* "else" */
    int best_points;
    int worst_points;
    char *reason_zh; /* NULL: the feature's default text */
    char *reason_en;
} core_rating_factor;

typedef struct core_rating_scorecard {
    bool present;
    int base_points;
    core_rating_factor *factors;
    size_t factor_count;
} core_rating_scorecard;

typedef struct core_rating_grade {
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
    core_rating_fee_method fee_method;
    ld_rate fee_rate;
} core_rating_grade;

typedef struct core_rating_ko_rule {
    bool enabled;
    core_rating_decision action;
} core_rating_ko_rule;

struct core_policy_model {
    char version[32];
    char sha256[65];
    /* The sections core applies, read by core's reader of them (LTV caps,
     * LPR, the rate band, the bank's own variables ...) within this parse. */
    core_policy_terms terms;
    /* "scaling", millionths, exact (decimal.h): the fit turns odds into points */
    int64_t base_score, odds_at_base, pdo;
    core_rating_grade grades[CORE_RATING_GRADE_COUNT];
    core_rating_scorecard scorecards[CORE_RATING_KIND_COUNT];
    core_rating_ko_rule knockouts[CORE_RATING_KO_COUNT];
    /* knockouts rule "missing_facts": the features whose absence refers */
    size_t needed_count;
    core_rating_feature needed[CORE_RATING_VALUE_COUNT];

    /* "credit_report": a report older than this many days is not used */
    int credit_report_max_age_days;
    ld_rate dti_cap; /* millionths of 1: 55 % = 550000 */
    int default_min_age;
    int default_max_age;
};

/* The first eight bytes of a category, zero after its end: equal keys of
 * categories shorter than eight bytes mean equal categories, so the scorer
 * compares one number where it would call strcmp. */
static inline uint64_t core_rating_category_key(const char *text)
{
    uint64_t key = 0;
    for (int i = 0; i < 8 && text[i] != '\0'; i++)
        key |= (uint64_t)(unsigned char)text[i] << (8 * i);
    return key;
}

/* Default reason texts of a feature. */
const char *core_rating_feature_reason_zh(core_rating_feature feature);
const char *core_rating_feature_reason_en(core_rating_feature feature);

#endif
