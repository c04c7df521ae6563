/*
 * bench_rating.c - how fast the rating module is, against the targets of
 * issue 3: the pure scorer at no less than 1,000,000 ratings a second on one
 * core, and `rating fit` on 1,000,000 rows x 20 columns in under 30 seconds.
 *
 * The scorer is timed over a pool of varied applications against
 * policy/default.json (several runs; the median is reported). The fit reads a
 * CSV generated from a known logistic model into a temporary file, so the time
 * includes parsing as `loandesk rating fit` does. Usage:
 *   bench_rating [ROWS]   (default 1000000)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rating.h"
#include "rating_csv.h"
#include "rating_fit.h"

#define POOL           1024
#define PER_RUN        2000000
#define RUNS           7
#define DEFAULT_POLICY LOANDESK_SOURCE_DIR "/policy/default.json"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 42;

static double uniform(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void make_input(rating_input *in, size_t i)
{
    static const char *jobs[] = {"civil_servant", "employee", "self_employed", "retired",
                                 "astronaut"};
    static const char *homes[] = {"own", "mortgage", "rent", "family"};
    static const char *classes[] = {"1", "2", "3", "4", "5"};
    bool enterprise = i % 4 == 3;
    rating_input_init(in, enterprise ? RATING_ENTERPRISE : RATING_INDIVIDUAL);
    in->identity_valid = i % 97 != 0;
    in->age_at_maturity = 30 + (int)(40 * uniform());
    in->requested_amount = (ld_money)(1000000 + 100000000 * uniform());
    in->requested_term_months = 12 + (int)(108 * uniform());
    in->annual_income = (ld_money)(5000000 + 50000000 * uniform());
    in->annual_revenue = (ld_money)(100000000 + 1000000000 * uniform());
    in->net_assets_known = enterprise;
    in->net_assets = (ld_money)(-10000000 + 500000000 * uniform());
    in->collateral_count = i % 3;
    for (size_t c = 0; c < in->collateral_count; c++)
        in->collateral[c] = (rating_collateral){(rating_collateral_type)(c * 3 % 8),
                                                (ld_money)(100000000 * uniform()),
                                                (ld_money)(30000000 * uniform())};
    in->guarantor_count = i % 2;
    if (in->guarantor_count)
        in->guarantors[0] = (rating_guarantor){(ld_money)(200000000 * uniform()), 0,
                                               (ld_money)(50000000 * uniform())};
    for (int f = 0; f < RATING_FEATURE_COUNT; f++) {
        if (uniform() < 0.05)
            continue; /* some missing values */
        if (rating_feature_is_categorical((rating_feature)f)) {
            const char *v = f == RATING_F_EMPLOYMENT_TYPE ? jobs[i % 5]
                            : f == RATING_F_HOUSING       ? homes[i % 4]
                                                          : classes[i % 5];
            rating_input_set_category(in, (rating_feature)f, v);
        } else {
            rating_input_set_number(in, (rating_feature)f, 3 * uniform() - 0.2);
        }
    }
    rating_input_set_number(in, RATING_F_AGE, 22 + (int)(40 * uniform()));
    rating_input_set_number(in, RATING_F_WORST_DPD_24M, i % 10 == 0 ? -1 : (int)(40 * uniform()));
}

static int bench_scorer(void)
{
    rating_policy *policy = NULL;
    ld_error err;
    if (rating_policy_load(DEFAULT_POLICY, &policy, &err) != LD_OK) {
        fprintf(stderr, "bench_rating: %s\n", err.message);
        return 1;
    }
    rating_input *pool = malloc(POOL * sizeof *pool);
    rating_result *result = malloc(sizeof *result);
    if (pool == NULL || result == NULL)
        return 1;
    for (size_t i = 0; i < POOL; i++)
        make_input(&pool[i], i);
    double rates[RUNS];
    long long checksum = 0;
    size_t decisions[3] = {0};
    for (int run = 0; run < RUNS; run++) {
        double start = now();
        for (size_t i = 0; i < PER_RUN; i++) {
            if (rating_score(policy, &pool[i % POOL], result, &err) != LD_OK) {
                fprintf(stderr, "bench_rating: %s\n", err.message);
                return 1;
            }
            checksum += result->score; /* keeps the work observable */
            decisions[result->decision]++;
        }
        rates[run] = PER_RUN / (now() - start);
    }
    qsort(rates, RUNS, sizeof rates[0], by_double);
    printf("scorer: median %.0f ratings/s over %d runs of %d (min %.0f, max %.0f); "
           "target >= 1000000 ratings/s: %s\n",
           rates[RUNS / 2], RUNS, PER_RUN, rates[0], rates[RUNS - 1],
           rates[RUNS / 2] >= 1e6 ? "met" : "NOT met");
    printf("        (decisions approve/refer/decline %zu/%zu/%zu, checksum %lld)\n", decisions[0],
           decisions[1], decisions[2], checksum);
    free(pool);
    free(result);
    rating_policy_free(policy);
    return 0;
}

/* 20 enterprise feature columns from a known logistic model. */
static const char *const fit_columns[20] = {
    "debt_to_asset",     "current_ratio",       "quick_ratio",         "return_on_assets",
    "revenue_growth",    "ocf_to_debt_service", "years_in_business",   "industry_risk_class",
    "interest_coverage", "gross_margin",        "receivable_days",     "inventory_days",
    "tax_rating",        "collateral_cover",    "guarantor_cover",     "worst_dpd_24m",
    "loan_to_income",    "existing_loans",      "related_party_share", "years_employed"};

static int write_fit_csv(const char *path, size_t rows)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return 1;
    for (int c = 0; c < 20; c++)
        fprintf(f, "%s,", fit_columns[c]);
    fprintf(f, "bad\n");
    static const char *tax[] = {"A", "B", "M", "C", "D"};
    for (size_t r = 0; r < rows; r++) {
        double x[20];
        double z = -2.5;
        for (int c = 0; c < 20; c++) {
            x[c] = uniform();
            /* Alternate signs and shrinking weights; the last four are noise. */
            double weight = c < 16 ? (c % 2 ? -1.0 : 1.0) * (2.0 - 0.1 * c) : 0;
            z += weight * (x[c] - 0.5);
        }
        int cls = (int)(x[7] * 5), grade = (int)(x[12] * 5);
        bool bad = uniform() < 1 / (1 + exp(-z));
        for (int c = 0; c < 20; c++) {
            if (c == 7)
                fprintf(f, "%d,", cls + 1);
            else if (c == 12)
                fprintf(f, "%s,", tax[grade]);
            else if (uniform() < 0.02)
                fputc(',', f); /* missing */
            else
                fprintf(f, "%.5f,", x[c]);
        }
        fprintf(f, "%d\n", bad);
    }
    return fclose(f) != 0;
}

static int bench_fit(size_t rows)
{
    char path[] = "/tmp/bench_rating_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    double t0 = now();
    if (write_fit_csv(path, rows) != 0) {
        unlink(path);
        return 1;
    }
    double t1 = now();
    FILE *pf = fopen(DEFAULT_POLICY, "rb");
    if (pf == NULL)
        return 1;
    fseek(pf, 0, SEEK_END);
    long size = ftell(pf);
    fseek(pf, 0, SEEK_SET);
    char *base = malloc((size_t)size + 1);
    if (base == NULL || fread(base, 1, (size_t)size, pf) != (size_t)size)
        return 1;
    fclose(pf);

    ld_error err;
    rating_csv *csv = NULL;
    double t2 = now();
    if (rating_csv_read(path, rating_csv_categorical_features(), &csv, &err) != LD_OK) {
        fprintf(stderr, "bench_rating: %s\n", err.message);
        return 1;
    }
    double t3 = now();
    rating_fit_options opt;
    rating_fit_options_default(&opt);
    opt.kind = RATING_ENTERPRISE;
    char *policy = NULL;
    rating_fit_report report;
    if (rating_fit(csv, "bad", &opt, base, (size_t)size, &policy, &report, &err) != LD_OK) {
        fprintf(stderr, "bench_rating: %s\n", err.message);
        return 1;
    }
    double t4 = now();
    size_t kept = 0;
    for (size_t i = 0; i < report.column_count; i++)
        kept += report.columns[i].kept;
    printf("fit: %zu rows x 20 columns: read CSV %.2f s + fit %.2f s = %.2f s "
           "(target < 30 s: %s); %zu columns kept, %d Newton steps, AUC %.4f\n",
           rows, t3 - t2, t4 - t3, t4 - t2, t4 - t2 < 30 ? "met" : "NOT met", kept,
           report.iterations, report.auc);
    printf("     (generating the CSV took %.2f s, not counted)\n", t1 - t0);
    free(policy);
    free(base);
    rating_csv_free(csv);
    unlink(path);
    return 0;
}

int main(int argc, char **argv)
{
    size_t rows = 1000000;
    if (argc > 1) {
        char *end;
        long long n = strtoll(argv[1], &end, 10);
        if (end == argv[1] || *end != '\0' || n < 100 || n > 100000000) {
            fprintf(stderr, "usage: bench_rating [ROWS]\n");
            return 1;
        }
        rows = (size_t)n;
    }
    if (bench_scorer() != 0)
        return 1;
    return bench_fit(rows);
}
