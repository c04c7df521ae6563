/*
 * rating_stats.h - how well a scorecard separates good from bad, and whether
 * the population it meets has moved (docs/design.md, "Rating conventions").
 *
 * Scores are "higher is better": a good borrower should score above a bad one.
 *   AUC  = P(score of a random good > score of a random bad) + 0.5 P(equal),
 *          computed from ranks with ties sharing their average rank;
 *   Gini = 2 AUC - 1;
 *   KS   = the largest gap between the cumulative share of bads and of goods
 *          at or below a score, taken only between groups of equal scores;
 *   PSI  = sum over bins of (actual - expected) x ln(actual / expected), with a
 *          bin's share taken as at least 0.0001 so an empty bin gives a large
 *          but finite term; < 0.10 stable, 0.10-0.25 watch, > 0.25 shifted.
 */
#ifndef RATING_STATS_H
#define RATING_STATS_H

#include <stddef.h>

#include "rating.h"
#include "rating_csv.h"

/* bad[i] is 1 for a bad outcome, 0 for good. Both need at least one good and
 * one bad, else LD_EINVAL. Allocate a work array (LD_EINTERNAL without memory). */
ld_status rating_auc(const double *score, const unsigned char *bad, size_t n, double *out,
                     ld_error *err);
ld_status rating_ks(const double *score, const unsigned char *bad, size_t n, double *out,
                    ld_error *err);

/* Two-sided exact binomial test: the probability, under a PD of p, of k bads
 * in n or any outcome no more likely (summed in log space, so n may be large). */
double rating_binomial_p(size_t n, size_t k, double p);

/* P(X > x) for X chi-square with df degrees of freedom. */
double rating_chi_square_p(double x, int df);

/* PSI of two count vectors over the same bins. */
double rating_psi(const double *expected_counts, const double *actual_counts, size_t bins);

/* "stable", "watch" or "shifted". */
const char *rating_psi_verdict(double psi);

/* ---- validating a policy on a data set -------------------------------------- */

typedef struct rating_grade_stats {
    size_t count;
    size_t bads;
    double observed_rate; /* bads / count (0 when empty) */
    ld_rate predicted_pd; /* the grade's PD from the policy, millionths */
    bool non_monotone;    /* observed rate below that of a better grade with cases */
    /* calibration: count x PD bads were expected; binomial_p is the two-sided
     * exact binomial test of the observed bads against that PD (1 when empty) */
    double expected_bads;
    double binomial_p;
} rating_grade_stats;

typedef struct rating_validation {
    size_t rows;
    size_t bads;
    double auc, gini, ks;
    rating_grade_stats grades[CORE_RATING_GRADE_COUNT];
    size_t non_monotone_count;
    /* Hosmer-Lemeshow over the grades holding cases: sum of (O - E)^2 /
     * (E (1 - PD)); chi-square with (groups - 2) degrees of freedom (at least 1) */
    double hosmer_lemeshow;
    int hl_degrees;
    double hl_p;
    size_t miscalibrated_count; /* grades whose binomial test gives p < 0.05 */
    size_t unmatched_features;  /* scorecard factors with no column in the data */
    char unmatched[256];        /* their names, comma-separated */
} rating_validation;

/* Scores every row of data with the policy's scorecard for kind (columns named
 * after features; missing columns mean missing values) and compares with the
 * 0/1 target column. */
ld_status rating_validate(const core_policy_model *policy, core_rating_kind kind,
                          const rating_csv *data, const char *target, rating_validation *out,
                          ld_error *err);

#define RATING_PSI_MAX_BINS 80

typedef struct rating_psi_factor {
    core_rating_feature feature;
    double psi;
    size_t bins;
} rating_psi_factor;

typedef struct rating_psi_report {
    size_t factor_count;
    rating_psi_factor factors[CORE_RATING_MAX_FACTORS];
    double overall; /* PSI of the grade distribution */
} rating_psi_report;

/* PSI of each scorecard factor's bin distribution (bins, specials, missing and
 * else each counted) and of the grades, expected = base, actual = compare. */
ld_status rating_psi_compare(const core_policy_model *policy, core_rating_kind kind,
                             const rating_csv *base, const rating_csv *compare,
                             rating_psi_report *out, ld_error *err);

#endif
