/*
 * rating_fit.h - building a scorecard from historical outcomes.
 *
 * Every column other than the target is a candidate. A column named after a
 * built-in feature (rating.h) is that feature; any other column becomes one of
 * the bank's own variables, declared in the written policy's "features"
 * section (numeric or categorical as the data are, its name lowered with
 * other characters made "_"), so the fitted policy rates applications whose
 * attributes carry it.
 *   1. bin it (fine classing, then coarse): a numeric column starts from up to
 *      initial_bins quantile bins and neighbours are merged until each bin
 *      holds at least min_bin_share of all rows; then neighbours are merged
 *      until the weight of evidence runs monotone in the value, unless that
 *      costs more than a tenth of the column's information value (a U-shaped
 *      risk such as age keeps its shape). A text column keeps each category
 *      as its own bin, except that categories below min_bin_share are pooled
 *      into one bin (which, if still too small, joins the category whose bad
 *      rate is nearest). Missing values form their own bin;
 *   2. WoE of a bin = ln((goods_in_bin / all_goods) / (bads_in_bin / all_bads)),
 *      where a bin with no goods or no bads gets 0.5 added to both its counts;
 *      IV = sum over bins of (good share - bad share) x WoE;
 *   3. keep the columns whose IV is at least min_iv;
 *   4. fit logistic regression of the outcome (1 = bad) on the kept columns'
 *      WoE values by Newton's method (IRLS); a column whose coefficient comes
 *      out positive (more evidence of good predicting more bad, i.e. a
 *      collinear leftover) is dropped and the model refitted;
 *   5. scale (docs/design.md): factor = PDO / ln 2, offset = base score - factor x
 *      ln(odds at base); a bin's points = round(-factor x beta x WoE), and the
 *      scorecard's base points = round(offset - factor x intercept). Missing
 *      values with no rows in the data, and the else bin of text columns, get
 *      the factor's worst points.
 * The scorecard replaces scorecards.<kind> in a base policy whose other
 * sections (grades, terms, scaling) are kept; the version gets "+fit".
 */
#ifndef RATING_FIT_H
#define RATING_FIT_H

#include <stddef.h>

#include "rating.h"
#include "rating_csv.h"

typedef struct rating_fit_options {
    core_rating_kind kind;
    double min_bin_share; /* 0.05 */
    double min_iv;        /* 0.02 */
    int initial_bins;     /* 20 */
    int max_iterations;   /* Newton steps, 50 */
} rating_fit_options;

void rating_fit_options_default(rating_fit_options *options);

#define RATING_FIT_MAX_COLUMNS 64
#define RATING_FIT_MAX_BINS    66 /* 64 bins, missing, and room for else */

/* One bin of a fitted column, for the fit report. */
typedef struct rating_fit_bin {
    char label[64]; /* "[0.35, 0.5)", "A11, A12", "missing" */
    size_t rows, bads;
    double woe;
    int points;
} rating_fit_bin;

typedef struct rating_fit_column {
    char name[48];         /* as in the data */
    char feature_name[48]; /* as in the policy ("" when the column could not be used) */
    bool feature;          /* the name is a built-in feature */
    bool custom;           /* one of the bank's own variables */
    bool categorical;
    bool monotone; /* numeric: the bins' WoE runs monotone */
    bool kept;     /* in the scorecard */
    double iv;
    double coefficient; /* beta on the WoE (0 when not kept) */
    size_t bins;        /* bins after merging and pooling */
    const char *note;   /* why it was left out, or NULL */
    size_t bin_count;   /* bin detail below, missing last when it has rows */
    rating_fit_bin bin[RATING_FIT_MAX_BINS];
} rating_fit_column;

typedef struct rating_fit_report {
    size_t rows;
    size_t bads;
    size_t column_count;
    rating_fit_column columns[RATING_FIT_MAX_COLUMNS];
    double intercept;
    int iterations;
    double auc; /* of the fitted points on the same data */
} rating_fit_report;

/* Fits a scorecard to data against the 0/1 target column and writes a policy:
 * base_policy (JSON bytes, must itself be a valid policy) with its scorecard
 * for options->kind replaced. *policy_out is NUL-terminated JSON owned by the
 * caller (free()); the report says what was kept and why. LD_EINVAL when the
 * data cannot support a model (no outcome of one kind, no column passing the
 * IV threshold), naming the cause; LD_EINTERNAL when out of memory or when the
 * written policy would not pass its own check. */
ld_status rating_fit(const rating_csv *data, const char *target, const rating_fit_options *options,
                     const char *base_policy, size_t base_length, char **policy_out,
                     rating_fit_report *report, ld_error *err);

#endif
