/*
 * fit.c - fitting a scorecard to data (method in rating_fit.h).
 *
 * Every row's bin in every column is kept as one byte, so the Newton steps of
 * the logistic regression read WoE values through a small table instead of a
 * rows x columns matrix of doubles: a million rows of twenty columns take 20 MB
 * rather than 160 MB, and each step is one pass over them.
 */
#include "rating_fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "json_in.h"
#include "rating_int.h"
#include "rating_stats.h"

#define MAX_LEVELS   250 /* bin codes are bytes; the last values mark missing */
#define MAX_INITIAL  64
#define WOE_ZERO_ADD 0.5

void rating_fit_options_default(rating_fit_options *options)
{
    options->kind = CORE_RATING_INDIVIDUAL;
    options->min_bin_share = 0.05;
    options->min_iv = 0.02;
    options->initial_bins = 20;
    options->max_iterations = 50;
}

typedef struct fit_col {
    int csv_index;
    size_t report_index;
    core_rating_feature feature;
    char name[CORE_ATTRIBUTE_NAME_MAX]; /* the feature's name in the policy */
    bool custom;                        /* one of the bank's own variables */
    bool categorical;
    bool monotone;
    int level_bin[MAX_LEVELS]; /* categorical: each data level's bin */
    size_t fine_bins;          /* bins before merging to size and shape */
    size_t level_count;
    size_t nbins;                 /* regular bins; code nbins = missing */
    double cuts[MAX_INITIAL];     /* numeric: nbins - 1 cut points */
    size_t goods[MAX_LEVELS + 1]; /* per code */
    size_t bads[MAX_LEVELS + 1];
    double woe[MAX_LEVELS + 1];
    int points[MAX_LEVELS + 1];
    double iv;
    unsigned char *codes;
    bool kept;
    double beta;
} fit_col;

typedef struct pair {
    double x;
    unsigned char bad;
} pair;

static int by_x(const void *a, const void *b)
{
    double x = ((const pair *)a)->x, y = ((const pair *)b)->x;
    return (x > y) - (x < y);
}

/* The bits of x as an unsigned number in the order of the values: positive
 * ones with the sign bit set, negative ones with every bit flipped. */
static uint64_t order_key(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return (bits >> 63) != 0 ? ~bits : bits | 0x8000000000000000ULL;
}

#define RADIX_BITS   11
#define RADIX_SIZE   ((size_t)1 << RADIX_BITS)
#define RADIX_PASSES 6 /* 6 x 11 bits cover the 64 of a key */

/* Sorts work[0..m) by x (no NaN among them) with spare[0..m) as room: a
 * least-significant-digit radix sort, linear in m, where qsort's comparison
 * calls took most of the binning of a million rows. Passes whose digit is the
 * same in every key are skipped. Falls back to qsort when out of memory. */
static void sort_by_x(pair *work, pair *spare, size_t m)
{
    size_t(*count)[RADIX_SIZE] = calloc(RADIX_PASSES, sizeof *count);
    if (count == NULL || spare == NULL) {
        free(count);
        qsort(work, m, sizeof *work, by_x);
        return;
    }
    for (size_t i = 0; i < m; i++) {
        uint64_t key = order_key(work[i].x);
        for (int p = 0; p < RADIX_PASSES; p++)
            count[p][(key >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
    }
    pair *from = work, *to = spare;
    for (int p = 0; p < RADIX_PASSES; p++) {
        size_t *c = count[p], offset = 0;
        bool trivial = false;
        for (size_t d = 0; d < RADIX_SIZE && !trivial; d++)
            trivial = c[d] == m;
        if (trivial)
            continue;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t n = c[d];
            c[d] = offset;
            offset += n;
        }
        for (size_t i = 0; i < m; i++)
            to[c[(order_key(from[i].x) >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++] = from[i];
        pair *t = from;
        from = to;
        to = t;
    }
    if (from != work)
        memcpy(work, from, m * sizeof *work);
    free(count);
}

static double woe_of(size_t goods, size_t bads, size_t total_goods, size_t total_bads)
{
    double g = (double)goods, b = (double)bads;
    if (goods == 0 || bads == 0) {
        g += WOE_ZERO_ADD;
        b += WOE_ZERO_ADD;
    }
    return log((g / (double)total_goods) / (b / (double)total_bads));
}

/* Working bins of a numeric column while merging. */
typedef struct wbin {
    double lo; /* the cut below this bin (unused for the first) */
    size_t goods, bads;
} wbin;

static void merge_into(wbin *bins, size_t *n, size_t i)
{
    /* bins i and i+1 become one, starting where bin i starts. */
    bins[i].goods += bins[i + 1].goods;
    bins[i].bads += bins[i + 1].bads;
    memmove(&bins[i + 1], &bins[i + 2], (*n - i - 2) * sizeof *bins);
    (*n)--;
}

/* Log-likelihood of the outcomes when each bin predicts its own bad rate. */
static double bins_loglik(const wbin *bins, size_t n)
{
    double ll = 0;
    for (size_t i = 0; i < n; i++) {
        double g = (double)bins[i].goods, b = (double)bins[i].bads, t = g + b;
        if (g > 0)
            ll += g * log(g / t);
        if (b > 0)
            ll += b * log(b / t);
    }
    return ll;
}

/* Quantile bins merged to the minimum size and, where it costs little, to
 * monotone WoE. */
/* Cut points are written into the policy, which holds bounds as exact
 * millionths (core/policy_model.h): the fit cuts where the policy will, so
 * the fitted bins are the scored ones. Rounded half away from zero by plain
 * arithmetic (no library call in the binning loop); beyond 10^12, which no
 * policy holds, the value is left as it is and the check of the written
 * policy names it. */
static inline double to_millionth(double x)
{
    if (!(fabs(x) < 1e12))
        return x;
    return (double)(int64_t)(x * 1e6 + (x < 0 ? -0.5 : 0.5)) / 1e6;
}

static void bin_numeric(fit_col *col, const double *x, const unsigned char *bad, size_t rows,
                        size_t total_goods, size_t total_bads, const rating_fit_options *opt,
                        pair *work, pair *spare)
{
    size_t m = 0;
    for (size_t r = 0; r < rows; r++) {
        if (isnan(x[r])) {
            if (bad[r])
                col->bads[MAX_LEVELS]++;
            else
                col->goods[MAX_LEVELS]++;
            continue;
        }
        work[m].x = x[r];
        work[m].bad = bad[r];
        m++;
    }
    wbin bins[MAX_INITIAL];
    size_t n = 0;
    if (m > 0) {
        sort_by_x(work, spare, m);
        int initial = opt->initial_bins < 1 ? 1 : opt->initial_bins;
        if (initial > MAX_INITIAL)
            initial = MAX_INITIAL;
        bins[n++] = (wbin){work[0].x, 0, 0};
        for (int k = 1; k < initial; k++) {
            double cut = to_millionth(work[(size_t)((double)k * (double)m / initial)].x);
            if (cut > bins[n - 1].lo)
                bins[n++] = (wbin){cut, 0, 0};
        }
        size_t b = 0;
        for (size_t i = 0; i < m; i++) {
            while (b + 1 < n && work[i].x >= bins[b + 1].lo)
                b++;
            if (work[i].bad)
                bins[b].bads++;
            else
                bins[b].goods++;
        }
    }
    /* Fine classing: the smallest bin below the minimum joins the neighbour
     * whose bad rate is closer, so the merge blurs the least evidence. */
    double min_rows = opt->min_bin_share * (double)rows;
    while (n > 1) {
        size_t i = 0;
        for (size_t k = 1; k < n; k++)
            if (bins[k].goods + bins[k].bads < bins[i].goods + bins[i].bads)
                i = k;
        if ((double)(bins[i].goods + bins[i].bads) >= min_rows)
            break;
        if (i == 0) {
            merge_into(bins, &n, 0);
        } else if (i == n - 1) {
            merge_into(bins, &n, n - 2);
        } else {
            double rate = (double)bins[i].bads / (double)(bins[i].goods + bins[i].bads + 1);
            double left =
                (double)bins[i - 1].bads / (double)(bins[i - 1].goods + bins[i - 1].bads + 1);
            double right =
                (double)bins[i + 1].bads / (double)(bins[i + 1].goods + bins[i + 1].bads + 1);
            merge_into(bins, &n, fabs(rate - left) <= fabs(rate - right) ? i - 1 : i);
        }
    }
    /* Coarse classing: WoE monotone in the direction of the overall trend
     * (count-weighted slope of WoE on bin order), unless that costs more than
     * a tenth of the information value the fine bins hold. */
    wbin fine[MAX_INITIAL];
    size_t fine_n = n;
    col->fine_bins = n;
    memcpy(fine, bins, n * sizeof *bins);
    for (bool changed = true; changed && n > 1;) {
        changed = false;
        double woe[MAX_INITIAL], mean_i = 0, total = 0, slope = 0;
        for (size_t i = 0; i < n; i++) {
            woe[i] = woe_of(bins[i].goods, bins[i].bads, total_goods, total_bads);
            double c = (double)(bins[i].goods + bins[i].bads);
            mean_i += c * (double)i;
            total += c;
        }
        mean_i /= total;
        for (size_t i = 0; i < n; i++)
            slope += (double)(bins[i].goods + bins[i].bads) * ((double)i - mean_i) * woe[i];
        double direction = slope >= 0 ? 1 : -1;
        for (size_t i = 0; i + 1 < n; i++) {
            if ((woe[i + 1] - woe[i]) * direction < 0) {
                merge_into(bins, &n, i);
                changed = true;
                break;
            }
        }
    }
    col->monotone = true;
    if (n < fine_n && rating_chi_square_p(2 * (bins_loglik(fine, fine_n) - bins_loglik(bins, n)),
                                          (int)(fine_n - n)) < 0.05) {
        memcpy(bins, fine, fine_n * sizeof *bins);
        n = fine_n;
        col->monotone = false;
    }
    col->nbins = n;
    for (size_t i = 0; i < n; i++) {
        col->goods[i] = bins[i].goods;
        col->bads[i] = bins[i].bads;
        if (i > 0)
            col->cuts[i - 1] = bins[i].lo;
    }
    /* Missing counts were gathered at MAX_LEVELS; move them to code nbins. */
    col->goods[n] = col->goods[MAX_LEVELS];
    col->bads[n] = col->bads[MAX_LEVELS];
    if (n != MAX_LEVELS)
        col->goods[MAX_LEVELS] = col->bads[MAX_LEVELS] = 0;
    for (size_t r = 0; r < rows; r++) {
        if (isnan(x[r])) {
            col->codes[r] = (unsigned char)n;
            continue;
        }
        /* Count of cuts <= x: the half-open bin [cut_{k-1}, cut_k) holding x. */
        size_t lo = 0, hi = n - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (x[r] >= col->cuts[mid])
                lo = mid + 1;
            else
                hi = mid;
        }
        col->codes[r] = (unsigned char)lo;
    }
}

/* Each category its own bin, except that categories below the minimum share
 * are pooled (and the pool, if still too small, joins the category whose bad
 * rate is nearest). */
/* The name a column has as a feature: lowered, other characters made "_",
 * starting with a letter ("Credit History" is credit_history). */
static void feature_name_of(const char *column, char out[CORE_ATTRIBUTE_NAME_MAX])
{
    size_t n = 0;
    if (!((column[0] >= 'a' && column[0] <= 'z') || (column[0] >= 'A' && column[0] <= 'Z'))) {
        out[n++] = 'v';
        out[n++] = '_';
    }
    for (const char *p = column; *p && n < CORE_ATTRIBUTE_NAME_MAX - 1; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
    }
    out[n] = '\0';
}

static void bin_categorical(fit_col *col, const rating_csv_column *data, const unsigned char *bad,
                            size_t rows, const rating_fit_options *opt)
{
    size_t goods[MAX_LEVELS] = {0}, bads[MAX_LEVELS] = {0}, missing_goods = 0, missing_bads = 0;
    col->level_count = data->level_count;
    for (size_t r = 0; r < rows; r++) {
        uint32_t code = data->codes[r];
        if (code == RATING_CSV_MISSING_CODE) {
            missing_goods += !bad[r];
            missing_bads += bad[r];
        } else {
            goods[code] += !bad[r];
            bads[code] += bad[r];
        }
    }
    double min_rows = opt->min_bin_share * (double)rows;
    size_t n = 0, pool_goods = 0, pool_bads = 0;
    bool pooled = false;
    for (size_t l = 0; l < data->level_count; l++) {
        if ((double)(goods[l] + bads[l]) >= min_rows) {
            col->goods[n] = goods[l];
            col->bads[n] = bads[l];
            col->level_bin[l] = (int)n++;
        } else {
            col->level_bin[l] = -1;
            pool_goods += goods[l];
            pool_bads += bads[l];
            pooled = true;
        }
    }
    if (pooled) {
        size_t target = n;
        if ((double)(pool_goods + pool_bads) < min_rows && n > 0) {
            double rate = (double)pool_bads / (double)(pool_goods + pool_bads + 1);
            target = 0;
            for (size_t b = 1; b < n; b++) {
                double d =
                    fabs((double)col->bads[b] / (double)(col->goods[b] + col->bads[b] + 1) - rate);
                double best = fabs((double)col->bads[target] /
                                       (double)(col->goods[target] + col->bads[target] + 1) -
                                   rate);
                if (d < best)
                    target = b;
            }
        } else {
            col->goods[n] = col->bads[n] = 0;
            n++;
        }
        col->goods[target] += pool_goods;
        col->bads[target] += pool_bads;
        for (size_t l = 0; l < data->level_count; l++)
            if (col->level_bin[l] < 0)
                col->level_bin[l] = (int)target;
    }
    col->nbins = n;
    col->fine_bins = data->level_count;
    col->goods[n] = missing_goods;
    col->bads[n] = missing_bads;
    for (size_t r = 0; r < rows; r++) {
        uint32_t code = data->codes[r];
        col->codes[r] = code == RATING_CSV_MISSING_CODE ? (unsigned char)n
                                                        : (unsigned char)col->level_bin[code];
    }
}

static void compute_woe(fit_col *col, size_t total_goods, size_t total_bads)
{
    col->iv = 0;
    for (size_t b = 0; b <= col->nbins; b++) {
        if (col->goods[b] + col->bads[b] == 0) {
            col->woe[b] = 0; /* no rows: never looked up while fitting */
            continue;
        }
        double w = woe_of(col->goods[b], col->bads[b], total_goods, total_bads);
        double g = (double)col->goods[b], bb = (double)col->bads[b];
        if (col->goods[b] == 0 || col->bads[b] == 0) {
            g += WOE_ZERO_ADD;
            bb += WOE_ZERO_ADD;
        }
        col->woe[b] = w;
        col->iv += (g / (double)total_goods - bb / (double)total_bads) * w;
    }
}

/* Solves A x = b for symmetric positive definite A (n x n, row-major) by
 * Cholesky; false when A is not positive definite. */
static bool solve_spd(double *a, double *b, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double d = a[j * n + j];
        for (size_t k = 0; k < j; k++)
            d -= a[j * n + k] * a[j * n + k];
        if (d <= 0)
            return false;
        d = sqrt(d);
        a[j * n + j] = d;
        for (size_t i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / d;
        }
    }
    for (size_t i = 0; i < n; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= a[i * n + k] * b[k];
        b[i] = s / a[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= a[k * n + i] * b[k];
        b[i] = s / a[i * n + i];
    }
    return true;
}

/* Row r's design vector (1, then each column's WoE) into xrow, and the
 * model's probability of bad for it. */
static double row_mu(fit_col *const *use, size_t p, const double *beta, size_t r, double *xrow)
{
    xrow[0] = 1;
    double eta = beta[0];
    for (size_t k = 0; k < p; k++) {
        xrow[k + 1] = use[k]->woe[use[k]->codes[r]];
        eta += beta[k + 1] * xrow[k + 1];
    }
    return 1 / (1 + exp(-eta));
}

/* Logistic regression of bad on the WoE of the columns in use[], by Newton's
 * method. beta[0] is the intercept, beta[1 + k] the k-th column in use. */
static ld_status logistic(fit_col *const *use, size_t p, const unsigned char *bad, size_t rows,
                          int max_iterations, double *beta, int *iterations, ld_error *err)
{
    size_t q = p + 1;
    double h[(CORE_RATING_MAX_FACTORS + 1) * (CORE_RATING_MAX_FACTORS + 1)];
    double g[CORE_RATING_MAX_FACTORS + 1], xrow[CORE_RATING_MAX_FACTORS + 1];
    size_t bads = 0;
    for (size_t r = 0; r < rows; r++)
        bads += bad[r];
    for (size_t k = 0; k < q; k++)
        beta[k] = 0;
    beta[0] = log((double)bads / (double)(rows - bads));
    for (int it = 1; it <= max_iterations; it++) {
        memset(h, 0, q * q * sizeof *h);
        memset(g, 0, q * sizeof *g);
        for (size_t r = 0; r < rows; r++) {
            double mu = row_mu(use, p, beta, r, xrow);
            double w = mu * (1 - mu);
            double resid = (double)bad[r] - mu;
            for (size_t i = 0; i < q; i++) {
                double wx = w * xrow[i];
                g[i] += resid * xrow[i];
                double *hrow = &h[i * q];
                for (size_t j = 0; j <= i; j++)
                    hrow[j] += wx * xrow[j];
            }
        }
        for (size_t i = 0; i < q; i++) {
            for (size_t j = 0; j < i; j++)
                h[j * q + i] = h[i * q + j];
            h[i * q + i] += 1e-9 * (double)rows; /* keeps a flat direction solvable */
        }
        if (!solve_spd(h, g, q))
            return LD_FAIL(err, LD_EINVAL,
                           "fit: the columns are collinear; the model has no "
                           "unique solution");
        double step = 0;
        for (size_t i = 0; i < q; i++) {
            beta[i] += g[i];
            if (fabs(g[i]) > step)
                step = fabs(g[i]);
        }
        *iterations = it;
        if (!isfinite(step))
            return LD_FAIL(err, LD_EINVAL, "fit: the model diverged (separated data?)");
        if (step < 1e-8)
            break;
    }
    return LD_OK;
}

/* A bin's label: its categories joined, or its range. */
static void bin_label(const rating_csv *data, const fit_col *col, size_t b, char *out, size_t size)
{
    out[0] = '\0';
    if (b == col->nbins) {
        snprintf(out, size, "missing");
        return;
    }
    if (!col->categorical) {
        char lo[32] = "-inf", hi[32] = "+inf";
        if (b > 0)
            snprintf(lo, sizeof lo, "%g", col->cuts[b - 1]);
        if (b + 1 < col->nbins)
            snprintf(hi, sizeof hi, "%g", col->cuts[b]);
        snprintf(out, size, "[%s, %s)", lo, hi);
        return;
    }
    size_t used = 0;
    for (size_t l = 0; l < col->level_count; l++) {
        if (col->level_bin[l] != (int)b)
            continue;
        const char *level = data->columns[col->csv_index].levels[l];
        if (used + strlen(level) + 6 >= size) {
            snprintf(out + used, size - used, "%s...", used ? ", " : "");
            return;
        }
        used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "", level);
    }
}

/* The efficient score (Rao) test of adding each candidate column to the
 * fitted model: S = U^2 / (I_zz - I_zb I_bb^-1 I_bz), with U the score of
 * the candidate's WoE at the fitted betas, read as chi-square on the fine
 * bins' degrees of freedom (the WoE coding was chosen among them by the same
 * outcome);
 * u_out gets U (negative: more evidence of good, fewer bads, as it must be).
 * One pass over the rows for every candidate at once. */
static void score_test(fit_col *const *use, size_t p, const double *beta, fit_col *const *cand,
                       size_t nc, const unsigned char *bad, size_t rows, double *stat_out,
                       double *u_out)
{
    size_t q = p + 1;
    double h[(CORE_RATING_MAX_FACTORS + 1) * (CORE_RATING_MAX_FACTORS + 1)] = {0};
    double hz[RATING_FIT_MAX_COLUMNS][CORE_RATING_MAX_FACTORS + 1];
    double zz[RATING_FIT_MAX_COLUMNS] = {0}, xrow[CORE_RATING_MAX_FACTORS + 1];
    memset(hz, 0, sizeof hz);
    for (size_t c = 0; c < nc; c++)
        u_out[c] = 0;
    for (size_t r = 0; r < rows; r++) {
        double mu = row_mu(use, p, beta, r, xrow);
        double w = mu * (1 - mu), resid = (double)bad[r] - mu;
        for (size_t i = 0; i < q; i++)
            for (size_t j = 0; j <= i; j++)
                h[i * q + j] += w * xrow[i] * xrow[j];
        for (size_t c = 0; c < nc; c++) {
            double z = cand[c]->woe[cand[c]->codes[r]];
            u_out[c] += z * resid;
            zz[c] += w * z * z;
            for (size_t i = 0; i < q; i++)
                hz[c][i] += w * z * xrow[i];
        }
    }
    for (size_t i = 0; i < q; i++)
        for (size_t j = 0; j < i; j++)
            h[j * q + i] = h[i * q + j];
    for (size_t c = 0; c < nc; c++) {
        double a[(CORE_RATING_MAX_FACTORS + 1) * (CORE_RATING_MAX_FACTORS + 1)],
            v[CORE_RATING_MAX_FACTORS + 1];
        memcpy(a, h, q * q * sizeof *a);
        memcpy(v, hz[c], q * sizeof *v);
        stat_out[c] = 0;
        if (!solve_spd(a, v, q))
            continue;
        double var = zz[c];
        for (size_t i = 0; i < q; i++)
            var -= hz[c][i] * v[i];
        if (var > 1e-12 * (zz[c] + 1))
            stat_out[c] = u_out[c] * u_out[c] / var;
    }
}

/* The scorecard JSON for the kept columns. */
static cJSON *scorecard_json(const rating_csv *data, fit_col *const *use, size_t p, int base_points)
{
    cJSON *card = cJSON_CreateObject();
    cJSON *factors = card ? cJSON_AddArrayToObject(card, "factors") : NULL;
    if (factors == NULL || !cJSON_AddNumberToObject(card, "base_points", base_points)) {
        cJSON_Delete(card);
        return NULL;
    }
    for (size_t k = 0; k < p; k++) {
        const fit_col *col = use[k];
        int worst = col->points[0];
        for (size_t b = 1; b < col->nbins; b++)
            if (col->points[b] < worst)
                worst = col->points[b];
        cJSON *f = cJSON_CreateObject();
        if (f == NULL || !cJSON_AddItemToArray(factors, f) ||
            !cJSON_AddStringToObject(f, "feature", col->name)) {
            cJSON_Delete(card);
            return NULL;
        }
        cJSON *bins = cJSON_AddArrayToObject(f, "bins");
        bool ok = bins != NULL;
        for (size_t b = 0; ok && b < col->nbins; b++) {
            cJSON *bin = cJSON_CreateObject();
            ok = bin != NULL && cJSON_AddItemToArray(bins, bin);
            if (ok && col->categorical) {
                char label[64];
                bin_label(data, col, b, label, sizeof label);
                cJSON *cats = cJSON_AddArrayToObject(bin, "categories");
                ok = cJSON_AddStringToObject(bin, "label", label) && cats;
                for (size_t l = 0; ok && l < col->level_count; l++)
                    if (col->level_bin[l] == (int)b)
                        ok = cJSON_AddItemToArray(
                            cats, cJSON_CreateString(data->columns[col->csv_index].levels[l]));
            } else if (ok) {
                if (b > 0)
                    ok = cJSON_AddNumberToObject(bin, "min", col->cuts[b - 1]) != NULL;
                if (ok && b + 1 < col->nbins)
                    ok = cJSON_AddNumberToObject(bin, "max", col->cuts[b]) != NULL;
            }
            ok = ok && cJSON_AddNumberToObject(bin, "points", col->points[b]);
        }
        /* Missing with rows in the data has its own evidence; without, the
         * worst points, so an unseen gap in data never scores well. */
        size_t missing_rows = col->goods[col->nbins] + col->bads[col->nbins];
        cJSON *missing = ok ? cJSON_AddObjectToObject(f, "missing") : NULL;
        ok = missing != NULL &&
             cJSON_AddNumberToObject(missing, "points",
                                     missing_rows ? col->points[col->nbins] : worst);
        if (ok && col->categorical) {
            cJSON *other = cJSON_AddObjectToObject(f, "else");
            ok = other != NULL && cJSON_AddNumberToObject(other, "points", worst);
        }
        if (!ok) {
            cJSON_Delete(card);
            return NULL;
        }
    }
    return card;
}

/* Writes the fitted scorecard into the base policy and checks the result. */
/* Declarations of the bank's own variables the scorecard uses that the base
 * policy does not declare yet, added to its "features" section. */
static bool declare_custom(cJSON *root, const rating_csv *data, fit_col *const *use, size_t p)
{
    cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
    if (features == NULL)
        features = cJSON_AddArrayToObject(root, "features");
    if (!cJSON_IsArray(features))
        return false;
    for (size_t k = 0; k < p; k++) {
        const fit_col *col = use[k];
        bool declared = false;
        const cJSON *item;
        cJSON_ArrayForEach(item, features)
        {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
            declared =
                declared || (cJSON_IsString(name) && strcmp(name->valuestring, col->name) == 0);
        }
        if (!col->custom || declared)
            continue;
        /* The column's own name labels it, cut on a character boundary to fit
         * the policy's labels. */
        char label[60];
        const char *column = data->columns[col->csv_index].name;
        size_t n = strlen(column);
        if (n >= sizeof label)
            for (n = sizeof label - 1; n > 0 && ((unsigned char)column[n] & 0xC0) == 0x80; n--)
                ;
        memcpy(label, column, n);
        label[n] = '\0';
        cJSON *def = cJSON_CreateObject();
        if (def == NULL || !cJSON_AddItemToArray(features, def) ||
            !cJSON_AddStringToObject(def, "name", col->name) ||
            !cJSON_AddStringToObject(def, "type", col->categorical ? "categorical" : "numeric") ||
            !cJSON_AddStringToObject(def, "zh", label) ||
            !cJSON_AddStringToObject(def, "en", label))
            return false;
        if (col->categorical) {
            cJSON *values = cJSON_AddArrayToObject(def, "values");
            for (size_t l = 0; values != NULL && l < col->level_count; l++)
                if (!cJSON_AddItemToArray(
                        values, cJSON_CreateString(data->columns[col->csv_index].levels[l])))
                    return false;
            if (values == NULL)
                return false;
        }
    }
    if (cJSON_GetArraySize(features) == 0)
        cJSON_DeleteItemFromObjectCaseSensitive(root, "features");
    return true;
}

static ld_status write_policy(const char *base_policy, size_t base_length, core_rating_kind kind,
                              const rating_csv *data, fit_col *const *use, size_t p, cJSON *card,
                              char **out, ld_error *err)
{
    cJSON *root = NULL;
    ld_status parsed = core_json_parse(base_policy, base_length, "base policy", &root, err);
    if (parsed != LD_OK) {
        cJSON_Delete(card);
        return parsed;
    }
    cJSON *cards = cJSON_GetObjectItemCaseSensitive(root, "scorecards");
    if (cards == NULL || !cJSON_IsObject(cards)) {
        cJSON_Delete(root);
        cJSON_Delete(card);
        return LD_FAIL(err, LD_EINVAL, "base policy: not a policy with a scorecards section");
    }
    if (!declare_custom(root, data, use, p)) {
        cJSON_Delete(root);
        cJSON_Delete(card);
        return LD_FAIL(err, LD_EINTERNAL, "fit: out of memory declaring the variables");
    }
    if (cJSON_GetObjectItemCaseSensitive(cards, core_rating_kind_name(kind)))
        cJSON_ReplaceItemInObjectCaseSensitive(cards, core_rating_kind_name(kind), card);
    else
        cJSON_AddItemToObject(cards, core_rating_kind_name(kind), card);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    char fitted[32];
    snprintf(fitted, sizeof fitted, "%.26s+fit",
             cJSON_IsString(version) ? version->valuestring : "policy");
    cJSON_ReplaceItemInObjectCaseSensitive(root, "version", cJSON_CreateString(fitted));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (text == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "fit: out of memory writing the policy");
    core_policy_problems problems = {0};
    ld_error check_err;
    ld_status st = core_policy_model_check_buffer(text, strlen(text), &problems, &check_err);
    if (st != LD_OK) {
        st = LD_FAIL(err, st == LD_EINVAL ? LD_EINTERNAL : st,
                     "fit: the written policy does not pass its check: %s",
                     problems.count ? problems.messages[0] : check_err.message);
        core_policy_problems_free(&problems);
        free(text);
        return st;
    }
    *out = text;
    return LD_OK;
}

ld_status rating_fit(const rating_csv *data, const char *target, const rating_fit_options *options,
                     const char *base_policy, size_t base_length, char **policy_out,
                     rating_fit_report *report_out, ld_error *err)
{
    rating_fit_options opt;
    if (options != NULL)
        opt = *options;
    else
        rating_fit_options_default(&opt);
    core_policy_model *base = NULL;
    ld_status st = core_policy_model_load_buffer(base_policy, base_length, &base, err);
    if (st != LD_OK) {
        ld_error_prefix(err, "base policy");
        return st;
    }
    unsigned char *bad = NULL;
    fit_col *cols = NULL;
    pair *work = NULL, *spare = NULL;
    double *scores = NULL;
    /* The report is large (every bin of every column): on the heap. */
    rating_fit_report *report = calloc(1, sizeof *report);
    size_t custom_count = base->terms.attributes.count;
    if (report == NULL) {
        core_policy_model_free(base);
        return LD_FAIL(err, LD_EINTERNAL, "fit: out of memory");
    }
    size_t rows = data->rows, ncols = 0;

    if ((st = rating_csv_target(data, target, &bad, err)) != LD_OK)
        goto out;
    for (size_t r = 0; r < rows; r++)
        report->bads += bad[r];
    report->rows = rows;
    size_t total_bads = report->bads, total_goods = rows - report->bads;
    if (total_bads == 0 || total_goods == 0) {
        st = LD_FAIL(err, LD_EINVAL, "%s: needs both good and bad outcomes (%zu bad of %zu)",
                     target, total_bads, rows);
        goto out;
    }
    cols = calloc(data->column_count, sizeof *cols);
    work = malloc(rows * sizeof *work);
    spare = malloc(rows * sizeof *spare); /* the radix sort's room; NULL: qsort */
    if (cols == NULL || work == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "fit: out of memory");
        goto out;
    }

    /* Bin every feature column and measure its information value. */
    for (size_t c = 0; c < data->column_count; c++) {
        const rating_csv_column *dc = &data->columns[c];
        if (strcmp(dc->name, target) == 0)
            continue;
        if (report->column_count == RATING_FIT_MAX_COLUMNS) {
            st = LD_FAIL(err, LD_EINVAL, "fit: more than %d columns", RATING_FIT_MAX_COLUMNS);
            goto out;
        }
        rating_fit_column *rc = &report->columns[report->column_count];
        snprintf(rc->name, sizeof rc->name, "%s", dc->name);
        report->column_count++;
        char name[CORE_ATTRIBUTE_NAME_MAX];
        core_rating_feature feature = CORE_RATING_FEATURE_COUNT;
        feature_name_of(dc->name, name);
        rc->feature = core_rating_feature_from_name(name, &feature);
        const core_attribute_def *declared = core_attribute_find(&base->terms.attributes, name);
        bool categorical = rc->feature ? core_rating_feature_is_categorical(feature)
                           : declared  ? declared->categorical
                                       : !dc->numeric;
        rc->custom = !rc->feature;
        rc->categorical = categorical;
        bool taken = false;
        for (size_t k = 0; k < ncols; k++)
            taken = taken || strcmp(cols[k].name, name) == 0;
        if (taken) {
            rc->note = "another column has the same feature name";
            continue;
        }
        snprintf(rc->feature_name, sizeof rc->feature_name, "%s", name);
        if (!categorical && !dc->numeric) {
            rc->note = "text in a numeric feature";
            continue;
        }
        if (categorical && dc->numeric) {
            rc->note = "numbers in a categorical feature (read the column as text)";
            continue;
        }
        size_t max_levels = rc->custom ? CORE_ATTRIBUTE_VALUES_MAX : MAX_LEVELS - 1;
        if (categorical && dc->level_count > max_levels) {
            rc->note = rc->custom ? "more categories than a policy variable may list (64)"
                                  : "too many categories";
            continue;
        }
        bool long_level = false;
        for (size_t l = 0; categorical && l < dc->level_count; l++)
            long_level = long_level || strlen(dc->levels[l]) >= CORE_RATING_CATEGORY_MAX;
        if (long_level) {
            rc->note = "a category is too long";
            continue;
        }
        if (rc->custom && declared == NULL && custom_count == CORE_RATING_MAX_CUSTOM) {
            rc->note = "the policy holds no more of the bank's own variables (32)";
            continue;
        }
        custom_count += rc->custom && declared == NULL;
        fit_col *col = &cols[ncols];
        col->csv_index = (int)c;
        col->report_index = report->column_count - 1;
        col->feature = feature;
        col->custom = rc->custom;
        snprintf(col->name, sizeof col->name, "%s", name);
        col->categorical = categorical;
        col->codes = malloc(rows ? rows : 1);
        if (col->codes == NULL) {
            st = LD_FAIL(err, LD_EINTERNAL, "fit: out of memory");
            goto out;
        }
        ncols++;
        if (categorical)
            bin_categorical(col, dc, bad, rows, &opt);
        else
            bin_numeric(col, dc->numbers, bad, rows, total_goods, total_bads, &opt, work, spare);
        rc->monotone = col->monotone;
        compute_woe(col, total_goods, total_bads);
        rc->iv = col->iv;
        rc->bins = col->nbins;
        if (col->nbins < 2 || col->iv < opt.min_iv) {
            rc->note = col->nbins < 2 ? "one bin only" : "information value below threshold";
            continue;
        }
        col->kept = true;
    }

    /* At most CORE_RATING_MAX_FACTORS columns, the most informative. */
    fit_col *use[CORE_RATING_MAX_FACTORS + 1];
    size_t p = 0;
    for (;;) {
        fit_col *best = NULL;
        for (size_t c = 0; c < ncols; c++) {
            bool taken = false;
            for (size_t k = 0; k < p; k++)
                taken = taken || use[k] == &cols[c];
            if (cols[c].kept && !taken && (best == NULL || cols[c].iv > best->iv))
                best = &cols[c];
        }
        if (best == NULL)
            break;
        if (p == CORE_RATING_MAX_FACTORS) {
            best->kept = false;
            report->columns[best->report_index].note = "scorecard is full (32 factors)";
            continue;
        }
        use[p++] = best;
    }
    if (p == 0) {
        st = LD_FAIL(err, LD_EINVAL,
                     "fit: no feature column reaches the information value "
                     "threshold %.3f",
                     opt.min_iv);
        goto out;
    }

    double beta[CORE_RATING_MAX_FACTORS + 1];
    bool tested = false;
    for (;;) {
        st = logistic(use, p, bad, rows, opt.max_iterations, beta, &report->iterations, err);
        if (st != LD_OK)
            goto out;
        /* Once: a column weak alone can still add evidence beside the others
         * (a rate of instalment against income, given the amount and the
         * term). Columns below the IV threshold whose score test says so at
         * 5 % join the model, which is fitted again. */
        if (!tested) {
            tested = true;
            fit_col *cand[RATING_FIT_MAX_COLUMNS];
            double stat[RATING_FIT_MAX_COLUMNS], u[RATING_FIT_MAX_COLUMNS];
            size_t nc = 0;
            for (size_t c = 0; c < ncols && nc < RATING_FIT_MAX_COLUMNS; c++)
                if (!cols[c].kept && cols[c].nbins >= 2 && cols[c].iv > 0)
                    cand[nc++] = &cols[c];
            score_test(use, p, beta, cand, nc, bad, rows, stat, u);
            size_t added = 0;
            for (size_t c = 0; c < nc && p < CORE_RATING_MAX_FACTORS; c++) {
                /* The WoE coding was itself fitted to the outcome, merging
                 * the fine bins as the outcome led: count the degrees of
                 * freedom of the fine bins it was chosen from. */
                if (u[c] >= 0 || rating_chi_square_p(stat[c], (int)cand[c]->fine_bins - 1) >= 0.05)
                    continue;
                cand[c]->kept = true;
                report->columns[cand[c]->report_index].note =
                    "IV below the threshold, but significant beside the others (score test, 5 %)";
                use[p++] = cand[c];
                added++;
            }
            if (added > 0)
                continue;
        }
        /* Evidence of good must lower the odds of bad; a positive coefficient is
         * a column that only corrects for another. Drop the worst and refit. */
        size_t worst = p;
        for (size_t k = 0; k < p; k++)
            if (beta[k + 1] > 0 && (worst == p || beta[k + 1] > beta[worst + 1]))
                worst = k;
        if (worst == p)
            break;
        use[worst]->kept = false;
        report->columns[use[worst]->report_index].note = "positive coefficient (dropped)";
        memmove(&use[worst], &use[worst + 1], (p - worst - 1) * sizeof *use);
        p--;
        if (p == 0) {
            st = LD_FAIL(err, LD_EINVAL, "fit: no column keeps a negative coefficient");
            goto out;
        }
    }
    report->intercept = beta[0];

    /* Scale to points (docs/design.md, "Rating conventions"). */
    double factor = (double)base->pdo / 1e6 / log(2.0);
    double offset = (double)base->base_score / 1e6 - factor * log((double)base->odds_at_base / 1e6);
    int base_points = (int)lround(offset - factor * beta[0]);
    for (size_t k = 0; k < p; k++) {
        fit_col *col = use[k];
        col->beta = beta[k + 1];
        report->columns[col->report_index].coefficient = col->beta;
        report->columns[col->report_index].kept = true;
        for (size_t b = 0; b <= col->nbins; b++)
            col->points[b] = (int)lround(-factor * col->beta * col->woe[b]);
    }

    /* The report's bins: every column that was binned, kept or not. */
    for (size_t c = 0; c < ncols; c++) {
        const fit_col *col = &cols[c];
        rating_fit_column *rc = &report->columns[col->report_index];
        size_t with_missing = col->goods[col->nbins] + col->bads[col->nbins] ? 1 : 0;
        for (size_t b = 0; b < col->nbins + with_missing && b < RATING_FIT_MAX_BINS; b++) {
            rating_fit_bin *fb = &rc->bin[rc->bin_count++];
            bin_label(data, col, b, fb->label, sizeof fb->label);
            fb->rows = col->goods[b] + col->bads[b];
            fb->bads = col->bads[b];
            fb->woe = col->woe[b];
            fb->points = col->kept ? col->points[b] : 0;
        }
    }

    scores = malloc(rows * sizeof *scores);
    if (scores == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "fit: out of memory");
        goto out;
    }
    for (size_t r = 0; r < rows; r++) {
        int s = base_points;
        for (size_t k = 0; k < p; k++)
            s += use[k]->points[use[k]->codes[r]];
        scores[r] = s;
    }
    if ((st = rating_auc(scores, bad, rows, &report->auc, err)) != LD_OK)
        goto out;

    cJSON *card = scorecard_json(data, use, p, base_points);
    if (card == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "fit: out of memory writing the scorecard");
        goto out;
    }
    char *text = NULL;
    st = write_policy(base_policy, base_length, opt.kind, data, use, p, card, &text, err);
    if (st != LD_OK)
        goto out;
    *policy_out = text;
    if (report_out != NULL)
        *report_out = *report;
out:
    if (cols != NULL)
        for (size_t c = 0; c < ncols; c++)
            free(cols[c].codes);
    free(cols);
    free(work);
    free(spare);
    free(scores);
    free(bad);
    free(report);
    core_policy_model_free(base);
    return st;
}
