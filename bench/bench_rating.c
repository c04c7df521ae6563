/*
 * bench_rating.c - how fast the rating module is, against its targets: the
 * pure scorer at no less than 1,000,000 ratings a second on one core, also
 * with ten of the bank's own variables in each scorecard, and `rating fit` on
 * 1,000,000 rows x 30 columns (10 categorical, 10 of them the bank's own
 * names) in under 30 seconds.
 *
 * The scorer is timed over a pool of varied applications against
 * policy/default.json and against the same policy with ten variables of its
 * own (five numeric, five categorical) added to both scorecards, runs of the
 * two taking turns so both meet the same machine; medians are reported side
 * by side. The fit reads a CSV generated from a known logistic model into a
 * temporary file, so the time includes parsing as `loandesk rating fit` does;
 * it is judged by its CPU time on one core (it runs on one thread), the wall
 * clock printed beside it.
 * Usage:
 *   bench_rating [ROWS]   (default 1000000)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cJSON.h"
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

/* The CPU time of this thread: the scorer's rate on one core, whatever else
 * the machine runs meanwhile (the wall clock counts the time others had it). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

#define CUSTOM 10

/* policy/default.json with ten variables of its own added to both cards:
 * even ones numeric (four range bins), odd ones categorical (three bins over
 * v0..v5, else and missing). NULL on failure. */
static core_policy_model *policy_with_custom(void)
{
    FILE *f = fopen(DEFAULT_POLICY, "rb");
    if (f == NULL)
        return NULL;
    char *text = calloc(1, 1 << 20);
    size_t length = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    cJSON *root = length ? cJSON_Parse(text) : NULL;
    free(text);
    if (root == NULL)
        return NULL;
    cJSON *features = cJSON_AddArrayToObject(root, "features");
    cJSON *cards = cJSON_GetObjectItemCaseSensitive(root, "scorecards");
    for (int k = 0; k < CUSTOM; k++) {
        char name[16];
        snprintf(name, sizeof name, "own_%d", k);
        cJSON *def = cJSON_CreateObject();
        cJSON_AddStringToObject(def, "name", name);
        cJSON_AddStringToObject(def, "type", k % 2 ? "categorical" : "numeric");
        cJSON_AddStringToObject(def, "zh", name);
        cJSON_AddStringToObject(def, "en", name);
        if (k % 2)
            cJSON_AddItemToObject(def, "values",
                                  cJSON_Parse("[\"v0\",\"v1\",\"v2\",\"v3\",\"v4\",\"v5\"]"));
        cJSON_AddItemToArray(features, def);
        const char *bins =
            k % 2 ? "[{\"categories\":[\"v0\",\"v1\"],\"points\":30},"
                    "{\"categories\":[\"v2\",\"v3\"],\"points\":20},"
                    "{\"categories\":[\"v4\"],\"points\":10}]"
                  : "[{\"max\":0.25,\"points\":10},{\"min\":0.25,\"max\":0.5,\"points\":20},"
                    "{\"min\":0.5,\"max\":0.75,\"points\":30},{\"min\":0.75,\"points\":40}]";
        const char *kinds[] = {"individual", "enterprise"};
        for (int c = 0; c < 2; c++) {
            cJSON *factor = cJSON_CreateObject();
            cJSON_AddStringToObject(factor, "feature", name);
            cJSON_AddItemToObject(factor, "bins", cJSON_Parse(bins));
            cJSON_AddItemToObject(factor, "missing", cJSON_Parse("{\"points\":15}"));
            if (k % 2)
                cJSON_AddItemToObject(factor, "else", cJSON_Parse("{\"points\":5}"));
            cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(
                                     cJSON_GetObjectItemCaseSensitive(cards, kinds[c]), "factors"),
                                 factor);
        }
    }
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    core_policy_model *policy = NULL;
    ld_error err;
    if (out == NULL || core_policy_model_load_buffer(out, strlen(out), &policy, &err) != LD_OK)
        fprintf(stderr, "bench_rating: the policy with its own variables: %s\n",
                out ? err.message : "out of memory");
    free(out);
    return policy;
}

static void make_input(rating_input *in, size_t i)
{
    static const char *jobs[] = {"civil_servant", "employee", "self_employed", "retired",
                                 "astronaut"};
    static const char *homes[] = {"own", "mortgage", "rent", "family"};
    static const char *classes[] = {"1", "2", "3", "4", "5"};
    bool enterprise = i % 4 == 3;
    rating_input_init(in, enterprise ? CORE_RATING_ENTERPRISE : CORE_RATING_INDIVIDUAL);
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
    for (int f = 0; f < CORE_RATING_FEATURE_COUNT; f++) {
        if (uniform() < 0.05)
            continue; /* some missing values */
        if (core_rating_feature_is_categorical((core_rating_feature)f)) {
            const char *v = f == CORE_RATING_F_EMPLOYMENT_TYPE ? jobs[i % 5]
                            : f == CORE_RATING_F_HOUSING       ? homes[i % 4]
                                                               : classes[i % 5];
            rating_input_set_category(in, (core_rating_feature)f, v);
        } else {
            rating_input_set_number(in, (core_rating_feature)f, 3 * uniform() - 0.2);
        }
    }
    rating_input_set_number(in, CORE_RATING_F_AGE, 22 + (int)(40 * uniform()));
    /* The bank's own variables (ignored by the policy without them). */
    for (int k = 0; k < CUSTOM; k++) {
        if (uniform() < 0.05)
            continue;
        core_rating_feature f = (core_rating_feature)(CORE_RATING_FEATURE_COUNT + k);
        if (k % 2) {
            char v[4] = {'v', (char)('0' + (i + (size_t)k) % 7), '\0', '\0'};
            rating_input_set_category(in, f, v);
        } else {
            rating_input_set_number(in, f, uniform());
        }
    }
    rating_input_set_number(in, CORE_RATING_F_WORST_DPD_24M,
                            i % 10 == 0 ? -1 : (int)(40 * uniform()));
}

/* One timed run: PER_RUN ratings of the pool; ratings a second. */
static double scorer_run(const core_policy_model *policy, const rating_input *pool,
                         rating_result *result, long long *checksum, size_t decisions[3])
{
    ld_error err;
    double start = cpu_now();
    for (size_t i = 0; i < PER_RUN; i++) {
        if (rating_score(policy, &pool[i % POOL], result, &err) != LD_OK) {
            fprintf(stderr, "bench_rating: %s\n", err.message);
            exit(1);
        }
        *checksum += result->score; /* keeps the work observable */
        decisions[result->decision]++;
    }
    return PER_RUN / (cpu_now() - start);
}

static int bench_scorer(void)
{
    core_policy_model *plain = NULL, *own = policy_with_custom();
    ld_error err;
    if (own == NULL)
        return 1;
    if (core_policy_model_load(DEFAULT_POLICY, &plain, &err) != LD_OK) {
        fprintf(stderr, "bench_rating: %s\n", err.message);
        return 1;
    }
    rating_input *pool = malloc(POOL * sizeof *pool);
    rating_result *result = malloc(sizeof *result);
    if (pool == NULL || result == NULL)
        return 1;
    for (size_t i = 0; i < POOL; i++)
        make_input(&pool[i], i);
    double plain_rates[RUNS], own_rates[RUNS];
    long long checksum = 0;
    size_t plain_decisions[3] = {0}, own_decisions[3] = {0};
    for (int run = 0; run < RUNS; run++) {
        plain_rates[run] = scorer_run(plain, pool, result, &checksum, plain_decisions);
        own_rates[run] = scorer_run(own, pool, result, &checksum, own_decisions);
    }
    qsort(plain_rates, RUNS, sizeof plain_rates[0], by_double);
    qsort(own_rates, RUNS, sizeof own_rates[0], by_double);
    printf("scorer (ratings per second of CPU time on one core)\n");
    printf("scorer, built-in features only: median %.0f ratings/s over %d runs of %d "
           "(min %.0f, max %.0f)\n",
           plain_rates[RUNS / 2], RUNS, PER_RUN, plain_rates[0], plain_rates[RUNS - 1]);
    printf("scorer, with 10 of the bank's own variables: median %.0f ratings/s (min %.0f, "
           "max %.0f), %.0f %% of the built-in-only rate; target >= 1000000 ratings/s: %s\n",
           own_rates[RUNS / 2], own_rates[0], own_rates[RUNS - 1],
           100 * own_rates[RUNS / 2] / plain_rates[RUNS / 2],
           own_rates[RUNS / 2] >= 1e6 ? "met" : "NOT met");
    printf("        (decisions approve/refer/decline %zu/%zu/%zu and %zu/%zu/%zu, checksum %lld)\n",
           plain_decisions[0], plain_decisions[1], plain_decisions[2], own_decisions[0],
           own_decisions[1], own_decisions[2], checksum);
    free(pool);
    free(result);
    core_policy_model_free(plain);
    core_policy_model_free(own);
    return 0;
}

/* 30 columns from a known logistic model: 20 enterprise features (two of
 * them categorical) and 10 columns under the bank's own names (eight
 * categorical). */
#define FIT_COLUMNS 30
static const char *const fit_columns[FIT_COLUMNS] = {"debt_to_asset",
                                                     "current_ratio",
                                                     "quick_ratio",
                                                     "return_on_assets",
                                                     "revenue_growth",
                                                     "ocf_to_debt_service",
                                                     "years_in_business",
                                                     "industry_risk_class",
                                                     "interest_coverage",
                                                     "gross_margin",
                                                     "receivable_days",
                                                     "inventory_days",
                                                     "tax_rating",
                                                     "collateral_cover",
                                                     "guarantor_cover",
                                                     "worst_dpd_24m",
                                                     "loan_to_income",
                                                     "existing_loans",
                                                     "related_party_share",
                                                     "years_employed",
                                                     "region",
                                                     "channel",
                                                     "sector_code",
                                                     "branch",
                                                     "legal_form",
                                                     "account_tier",
                                                     "province",
                                                     "segment",
                                                     "months_on_book",
                                                     "utilisation_score"};

/* Categorical columns: their index and how many levels. */
static int levels_of(int c)
{
    if (c == 7 || c == 12)
        return 5;
    return c >= 20 && c < 28 ? 3 + c % 7 : 0;
}

static int write_fit_csv(const char *path, size_t rows)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return 1;
    for (int c = 0; c < FIT_COLUMNS; c++)
        fprintf(f, "%s,", fit_columns[c]);
    fprintf(f, "bad\n");
    static const char *tax[] = {"A", "B", "M", "C", "D"};
    for (size_t r = 0; r < rows; r++) {
        double x[FIT_COLUMNS];
        double z = -2.5;
        for (int c = 0; c < FIT_COLUMNS; c++) {
            x[c] = uniform();
            /* Alternate signs and shrinking weights; columns 16-19 are noise. */
            double weight = c < 16   ? (c % 2 ? -1.0 : 1.0) * (2.0 - 0.1 * c)
                            : c < 20 ? 0
                                     : (c % 2 ? -0.8 : 0.8);
            int levels = levels_of(c);
            /* A categorical column's effect is its level's, not the raw draw. */
            double v = levels ? (double)(int)(x[c] * levels) / levels : x[c];
            z += weight * (v - 0.5);
        }
        bool bad = uniform() < 1 / (1 + exp(-z));
        for (int c = 0; c < FIT_COLUMNS; c++) {
            int levels = levels_of(c);
            int level = (int)(x[c] * levels);
            if (c == 7)
                fprintf(f, "%d,", level + 1);
            else if (c == 12)
                fprintf(f, "%s,", tax[level]);
            else if (levels)
                fprintf(f, "L%d,", level);
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
    double t2 = now(), c2 = cpu_now();
    if (rating_csv_read(path, rating_csv_categorical_features(), &csv, &err) != LD_OK) {
        fprintf(stderr, "bench_rating: %s\n", err.message);
        return 1;
    }
    double t3 = now();
    rating_fit_options opt;
    rating_fit_options_default(&opt);
    opt.kind = CORE_RATING_ENTERPRISE;
    char *policy = NULL;
    rating_fit_report *report = malloc(sizeof *report);
    if (report == NULL)
        return 1;
    if (rating_fit(csv, "bad", &opt, base, (size_t)size, &policy, report, &err) != LD_OK) {
        fprintf(stderr, "bench_rating: %s\n", err.message);
        return 1;
    }
    double t4 = now(), c4 = cpu_now();
    size_t kept = 0, own = 0;
    for (size_t i = 0; i < report->column_count; i++) {
        kept += report->columns[i].kept;
        own += report->columns[i].kept && report->columns[i].custom;
    }
    /* The fit runs on one thread: its CPU time is what it takes on a core of
     * its own; the wall clock also counts the other work the machine ran. */
    printf("fit: %zu rows x %d columns (10 categorical): read CSV + fit %.2f s of CPU time on one "
           "core (target < 30 s: %s); wall clock %.2f s (read %.2f s + fit %.2f s); %zu columns "
           "kept (%zu of the bank's own), %d Newton steps, AUC %.4f\n",
           rows, FIT_COLUMNS, c4 - c2, c4 - c2 < 30 ? "met" : "NOT met", t4 - t2, t3 - t2, t4 - t3,
           kept, own, report->iterations, report->auc);
    printf("     (generating the CSV took %.2f s, not counted)\n", t1 - t0);
    free(report);
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
