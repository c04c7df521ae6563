/*
 * stats.c - AUC, KS and PSI (definitions in rating_stats.h), and validation of
 * a policy's scorecard on a data set.
 *
 * AUC and KS sort (score, outcome) pairs once and walk groups of equal scores,
 * so ties are handled the same way in both: a group counts half for AUC and is
 * never split for KS.
 */
#include "rating_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rating_int.h"

typedef struct scored {
    double score;
    unsigned char bad;
} scored;

static int by_score(const void *a, const void *b)
{
    double x = ((const scored *)a)->score, y = ((const scored *)b)->score;
    return (x > y) - (x < y);
}

/* Sorted copy of the pairs plus the totals; LD_EINVAL without both outcomes. */
static ld_status sort_pairs(const double *score, const unsigned char *bad, size_t n, scored **out,
                            size_t *bads, ld_error *err)
{
    size_t b = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(score[i]))
            return LD_FAIL(err, LD_EINVAL, "score: row %zu is not a number", i + 1);
        b += bad[i] != 0;
    }
    if (b == 0 || b == n)
        return LD_FAIL(err, LD_EINVAL, "target: needs both good and bad outcomes (%zu bad of %zu)",
                       b, n);
    scored *pairs = malloc(n * sizeof *pairs);
    if (pairs == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "statistics: out of memory");
    for (size_t i = 0; i < n; i++) {
        pairs[i].score = score[i];
        pairs[i].bad = bad[i] != 0;
    }
    qsort(pairs, n, sizeof *pairs, by_score);
    *out = pairs;
    *bads = b;
    return LD_OK;
}

ld_status rating_auc(const double *score, const unsigned char *bad, size_t n, double *out,
                     ld_error *err)
{
    scored *pairs;
    size_t bads;
    ld_status st = sort_pairs(score, bad, n, &pairs, &bads, err);
    if (st != LD_OK)
        return st;
    size_t goods = n - bads;
    /* Each good beats every bad with a lower score and ties half with bads of
     * its own score. */
    double wins = 0, bads_below = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, group_bads = 0;
        while (j < n && pairs[j].score == pairs[i].score)
            group_bads += pairs[j++].bad;
        size_t group_goods = (j - i) - group_bads;
        wins += (double)group_goods * (bads_below + 0.5 * (double)group_bads);
        bads_below += (double)group_bads;
        i = j;
    }
    free(pairs);
    *out = wins / ((double)goods * (double)bads);
    return LD_OK;
}

ld_status rating_ks(const double *score, const unsigned char *bad, size_t n, double *out,
                    ld_error *err)
{
    scored *pairs;
    size_t bads;
    ld_status st = sort_pairs(score, bad, n, &pairs, &bads, err);
    if (st != LD_OK)
        return st;
    size_t goods = n - bads;
    double ks = 0, cum_bad = 0, cum_good = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && pairs[j].score == pairs[i].score) {
            if (pairs[j].bad)
                cum_bad++;
            else
                cum_good++;
            j++;
        }
        double gap = fabs(cum_bad / (double)bads - cum_good / (double)goods);
        if (gap > ks)
            ks = gap;
        i = j;
    }
    free(pairs);
    *out = ks;
    return LD_OK;
}

#define PSI_FLOOR 0.0001

double rating_psi(const double *expected_counts, const double *actual_counts, size_t bins)
{
    double e_total = 0, a_total = 0;
    for (size_t i = 0; i < bins; i++) {
        e_total += expected_counts[i];
        a_total += actual_counts[i];
    }
    if (e_total <= 0 || a_total <= 0)
        return 0;
    double psi = 0;
    for (size_t i = 0; i < bins; i++) {
        double e = expected_counts[i] / e_total, a = actual_counts[i] / a_total;
        if (e == 0 && a == 0)
            continue; /* a bin neither sample uses says nothing */
        if (e < PSI_FLOOR)
            e = PSI_FLOOR;
        if (a < PSI_FLOOR)
            a = PSI_FLOOR;
        psi += (a - e) * log(a / e);
    }
    return psi;
}

const char *rating_psi_verdict(double psi)
{
    if (psi < 0.10)
        return "stable";
    if (psi <= 0.25)
        return "watch";
    return "shifted";
}

/* ---- data sets ------------------------------------------------------------- */

/* Column index of each feature in data, built-in or the policy's own, or -1. */
static void map_features(const core_policy_model *policy, const rating_csv *data,
                         int column_of[CORE_RATING_VALUE_COUNT])
{
    for (int f = 0; f < CORE_RATING_VALUE_COUNT; f++)
        column_of[f] = -1;
    for (int f = 0; f < CORE_RATING_FEATURE_COUNT + (int)policy->terms.attributes.count; f++)
        column_of[f] = rating_csv_column_index(
            data, core_policy_model_feature_name(policy, (core_rating_feature)f));
}

/* Feature values of one row. A numeric feature in a text column (or the
 * reverse) is read as well as it can be: text that is a number, a number
 * printed as text. */
static void row_values(const core_policy_model *policy, const rating_csv *data,
                       const int column_of[CORE_RATING_VALUE_COUNT], size_t row,
                       rating_value values[CORE_RATING_VALUE_COUNT])
{
    for (int f = 0; f < CORE_RATING_VALUE_COUNT; f++) {
        rating_value *v = &values[f];
        v->present = false;
        if (column_of[f] < 0)
            continue;
        const rating_csv_column *col = &data->columns[column_of[f]];
        bool categorical = core_policy_model_feature_is_categorical(policy, (core_rating_feature)f);
        if (col->numeric) {
            double x = col->numbers[row];
            if (isnan(x))
                continue;
            v->present = true;
            if (categorical)
                snprintf(v->category, sizeof v->category, "%.15g", x);
            else
                v->number = x;
        } else {
            uint32_t code = col->codes[row];
            if (code == RATING_CSV_MISSING_CODE)
                continue;
            const char *text = col->levels[code];
            if (categorical) {
                v->present = true;
                snprintf(v->category, sizeof v->category, "%s", text);
            } else {
                char *end;
                double x = strtod(text, &end);
                v->present = end != text && *end == '\0';
                v->number = v->present ? x : NAN;
            }
        }
    }
}

static double log_binomial_pmf(size_t n, size_t k, double p)
{
    double nn = (double)n, kk = (double)k;
    double log_choose = lgamma(nn + 1) - lgamma(kk + 1) - lgamma(nn - kk + 1);
    if (p <= 0)
        return k == 0 ? 0 : -INFINITY;
    if (p >= 1)
        return k == n ? 0 : -INFINITY;
    return log_choose + kk * log(p) + (nn - kk) * log1p(-p);
}

double rating_binomial_p(size_t n, size_t k, double p)
{
    if (n == 0)
        return 1;
    /* The two-sided test as R's binom.test: every outcome whose probability
     * does not exceed the observed one's (a small relative margin for
     * rounding) counts. Terms far below the observed one add nothing. */
    double observed = log_binomial_pmf(n, k, p);
    double limit = observed + log1p(1e-7);
    double total = 0;
    for (size_t i = 0; i <= n; i++) {
        double l = log_binomial_pmf(n, i, p);
        if (l <= limit && l > observed - 40)
            total += exp(l);
    }
    return total > 1 ? 1 : total;
}

/* Regularised upper incomplete gamma Q(a, x), by its series below a + 1 and
 * its continued fraction above (the usual split, both to 1e-14). */
static double upper_gamma_q(double a, double x)
{
    if (x <= 0)
        return 1;
    double log_prefix = a * log(x) - x - lgamma(a);
    if (x < a + 1) {
        double term = 1 / a, sum = term;
        for (int n = 1; n < 1000 && fabs(term) > fabs(sum) * 1e-14; n++) {
            term *= x / (a + n);
            sum += term;
        }
        double p = sum * exp(log_prefix);
        return p >= 1 ? 0 : 1 - p;
    }
    double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
    for (int i = 1; i < 1000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < 1e-300)
            d = 1e-300;
        c = b + an / c;
        if (fabs(c) < 1e-300)
            c = 1e-300;
        d = 1 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1) < 1e-14)
            break;
    }
    return exp(log_prefix) * h;
}

double rating_chi_square_p(double x, int df)
{
    return df <= 0 ? 1 : upper_gamma_q(df / 2.0, x / 2.0);
}

/* PD against observed bads per grade, and Hosmer-Lemeshow over the grades. */
static void calibrate(rating_validation *v)
{
    int groups = 0;
    for (int g = 0; g < CORE_RATING_GRADE_COUNT; g++) {
        rating_grade_stats *gs = &v->grades[g];
        double pd = (double)gs->predicted_pd / (double)LD_RATE_ONE;
        gs->expected_bads = (double)gs->count * pd;
        gs->binomial_p = rating_binomial_p(gs->count, gs->bads, pd);
        if (gs->count == 0)
            continue;
        groups++;
        if (gs->binomial_p < 0.05)
            v->miscalibrated_count++;
        double spread = gs->expected_bads * (1 - pd);
        if (spread > 0) {
            double gap = (double)gs->bads - gs->expected_bads;
            v->hosmer_lemeshow += gap * gap / spread;
        }
    }
    v->hl_degrees = groups > 3 ? groups - 2 : 1;
    v->hl_p = rating_chi_square_p(v->hosmer_lemeshow, v->hl_degrees);
}

ld_status rating_validate(const core_policy_model *policy, core_rating_kind kind,
                          const rating_csv *data, const char *target, rating_validation *out,
                          ld_error *err)
{
    if (!core_policy_model_has_scorecard(policy, kind))
        return LD_FAIL(err, LD_EINVAL, "kind: the policy has no %s scorecard",
                       core_rating_kind_name(kind));
    unsigned char *bad = NULL;
    double *score = NULL;
    ld_status st = rating_csv_target(data, target, &bad, err);
    if (st != LD_OK)
        return st;
    rating_validation v;
    memset(&v, 0, sizeof v);
    int column_of[CORE_RATING_VALUE_COUNT];
    map_features(policy, data, column_of);
    const core_rating_scorecard *sc = &policy->scorecards[kind];
    for (size_t i = 0; i < sc->factor_count; i++) {
        if (column_of[sc->factors[i].feature] >= 0)
            continue;
        size_t used = strlen(v.unmatched);
        snprintf(v.unmatched + used, sizeof v.unmatched - used, "%s%s", used ? "," : "",
                 sc->factors[i].name);
        v.unmatched_features++;
    }
    score = malloc((data->rows ? data->rows : 1) * sizeof *score);
    if (score == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "validate: out of memory");
        goto out;
    }
    rating_value values[CORE_RATING_VALUE_COUNT];
    for (size_t r = 0; r < data->rows; r++) {
        row_values(policy, data, column_of, r, values);
        int s, grade;
        ld_rate pd;
        st = rating_score_only(policy, kind, values, &s, &grade, &pd, err);
        if (st != LD_OK)
            goto out;
        score[r] = s;
        v.grades[grade].count++;
        v.grades[grade].bads += bad[r];
        v.bads += bad[r];
    }
    v.rows = data->rows;
    if ((st = rating_auc(score, bad, data->rows, &v.auc, err)) != LD_OK ||
        (st = rating_ks(score, bad, data->rows, &v.ks, err)) != LD_OK)
        goto out;
    v.gini = 2 * v.auc - 1;
    double worst_so_far = -1;
    for (int g = 0; g < CORE_RATING_GRADE_COUNT; g++) {
        rating_grade_stats *gs = &v.grades[g];
        gs->predicted_pd = policy->grades[g].pd;
        if (gs->count == 0)
            continue;
        gs->observed_rate = (double)gs->bads / (double)gs->count;
        /* Grades run best to worst, so observed rates should not fall. */
        if (gs->observed_rate < worst_so_far) {
            gs->non_monotone = true;
            v.non_monotone_count++;
        } else {
            worst_so_far = gs->observed_rate;
        }
    }
    calibrate(&v);
    *out = v;
out:
    free(score);
    free(bad);
    return st;
}

/* Slot of a bin choice in a factor's count vector: bins, then specials, then
 * missing, then else. */
static size_t psi_slot(const core_rating_factor *f, int sel)
{
    if (sel >= 0)
        return (size_t)sel;
    if (sel == RATING_BINSEL_MISSING)
        return f->bin_count + f->special_count;
    if (sel == RATING_BINSEL_ELSE)
        return f->bin_count + f->special_count + 1;
    return f->bin_count + (size_t)(-2 - sel);
}

static ld_status count_bins(const core_policy_model *policy, core_rating_kind kind,
                            const rating_csv *data, double counts[][RATING_PSI_MAX_BINS],
                            double grade_counts[CORE_RATING_GRADE_COUNT], ld_error *err)
{
    const core_rating_scorecard *sc = &policy->scorecards[kind];
    int column_of[CORE_RATING_VALUE_COUNT];
    map_features(policy, data, column_of);
    rating_value values[CORE_RATING_VALUE_COUNT];
    for (size_t r = 0; r < data->rows; r++) {
        row_values(policy, data, column_of, r, values);
        for (size_t i = 0; i < sc->factor_count; i++) {
            const core_rating_factor *f = &sc->factors[i];
            counts[i][psi_slot(f, rating_factor_select(f, &values[f->feature]))] += 1;
        }
        int s, grade;
        ld_rate pd;
        ld_status st = rating_score_only(policy, kind, values, &s, &grade, &pd, err);
        if (st != LD_OK)
            return st;
        grade_counts[grade] += 1;
    }
    return LD_OK;
}

ld_status rating_psi_compare(const core_policy_model *policy, core_rating_kind kind,
                             const rating_csv *base, const rating_csv *compare,
                             rating_psi_report *out, ld_error *err)
{
    if (!core_policy_model_has_scorecard(policy, kind))
        return LD_FAIL(err, LD_EINVAL, "kind: the policy has no %s scorecard",
                       core_rating_kind_name(kind));
    const core_rating_scorecard *sc = &policy->scorecards[kind];
    for (size_t i = 0; i < sc->factor_count; i++)
        if (sc->factors[i].bin_count + sc->factors[i].special_count + 2 > RATING_PSI_MAX_BINS)
            return LD_FAIL(err, LD_EINVAL, "%s: too many bins for PSI", sc->factors[i].name);
    size_t size = CORE_RATING_MAX_FACTORS * sizeof(double[RATING_PSI_MAX_BINS]);
    double(*expected)[RATING_PSI_MAX_BINS] = calloc(1, size);
    double(*actual)[RATING_PSI_MAX_BINS] = calloc(1, size);
    double grades_e[CORE_RATING_GRADE_COUNT] = {0}, grades_a[CORE_RATING_GRADE_COUNT] = {0};
    ld_status st = LD_OK;
    if (expected == NULL || actual == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "psi: out of memory");
        goto out;
    }
    if ((st = count_bins(policy, kind, base, expected, grades_e, err)) != LD_OK ||
        (st = count_bins(policy, kind, compare, actual, grades_a, err)) != LD_OK)
        goto out;
    rating_psi_report report;
    memset(&report, 0, sizeof report);
    report.factor_count = sc->factor_count;
    for (size_t i = 0; i < sc->factor_count; i++) {
        const core_rating_factor *f = &sc->factors[i];
        size_t bins = f->bin_count + f->special_count + 2;
        report.factors[i].feature = f->feature;
        report.factors[i].bins = bins;
        report.factors[i].psi = rating_psi(expected[i], actual[i], bins);
    }
    report.overall = rating_psi(grades_e, grades_a, CORE_RATING_GRADE_COUNT);
    *out = report;
out:
    free(expected);
    free(actual);
    return st;
}
