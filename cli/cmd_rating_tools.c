/*
 * cmd_rating_tools.c - `policy check`, `rating fit` and `rating validate`.
 *
 * Thin: parse the options, call the rating library, print. Problems found in a
 * policy go to stdout one per line (they are the command's result), followed by
 * an error on stderr and exit code 2, so scripts can both read and test them.
 */
#include "cmd_rating_tools.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "json_in.h"
#include "rating.h"
#include "rating_csv.h"
#include "rating_fit.h"
#include "rating_stats.h"

#ifdef LOANDESK_POLICY_DIR
#define DEFAULT_POLICY LOANDESK_POLICY_DIR "/default.json"
#else
#define DEFAULT_POLICY "policy/default.json"
#endif

/* The policy to use when none is named: $LOANDESK_POLICY, else the shipped one. */
static const char *default_policy_path(void)
{
    const char *env = getenv("LOANDESK_POLICY");
    return env != NULL && env[0] != '\0' ? env : DEFAULT_POLICY;
}

static int parse_kind(const char *command, const char *text, rating_kind *out)
{
    if (text == NULL) {
        *out = RATING_INDIVIDUAL;
        return 0;
    }
    if (!rating_kind_from_name(text, out))
        return cli_usage(command, "--kind: must be individual or enterprise, not \"%s\"", text);
    return 0;
}

static int print_json(cJSON *root)
{
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL) {
        fprintf(stderr, "loandesk: error: out of memory\n");
        return LD_EINTERNAL;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

int cmd_policy_check(cli_ctx *ctx, int argc, char **argv)
{
    const char *path = argc > 1 && strncmp(argv[1], "--", 2) != 0 ? argv[1] : NULL;
    if (path == NULL)
        return cli_usage("policy check FILE", "policy check: a policy file is required");
    rating_problems problems = {0};
    ld_error err;
    ld_error_clear(&err);
    ld_status st = rating_policy_check_file(path, &problems, &err);
    if (st != LD_OK && st != LD_EINVAL) {
        rating_problems_free(&problems);
        return cli_fail(&err);
    }
    rating_policy *policy = NULL;
    ld_error load_err;
    if (st == LD_OK && rating_policy_load(path, &policy, &load_err) != LD_OK) {
        rating_problems_free(&problems);
        return cli_fail(&load_err);
    }
    if (ctx->json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "file", path);
        cJSON_AddBoolToObject(root, "ok", st == LD_OK);
        if (policy != NULL) {
            cJSON_AddStringToObject(root, "version", rating_policy_version(policy));
            cJSON_AddStringToObject(root, "sha256", rating_policy_sha256(policy));
        }
        cJSON *list = cJSON_AddArrayToObject(root, "problems");
        for (size_t i = 0; i < problems.count; i++)
            cJSON_AddItemToArray(list, cJSON_CreateString(problems.messages[i]));
        int rc = print_json(root);
        if (rc != 0)
            st = LD_EINTERNAL;
    } else if (st == LD_OK) {
        printf("%s: ok (version %s, sha256 %s)\n", path, rating_policy_version(policy),
               rating_policy_sha256(policy));
    } else {
        for (size_t i = 0; i < problems.count; i++)
            printf("%s\n", problems.messages[i]);
    }
    rating_policy_free(policy);
    if (st == LD_EINVAL) {
        fprintf(stderr, "loandesk: error: %s: %zu problem%s\n", path, problems.count,
                problems.count == 1 ? "" : "s");
    }
    rating_problems_free(&problems);
    return (int)st;
}

static ld_status write_text(const char *path, const char *text, ld_error *err)
{
    FILE *file = fopen(path, "wb");
    if (file == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "%s: %s", path, strerror(errno));
    size_t length = strlen(text);
    bool ok = fwrite(text, 1, length, file) == length && fputc('\n', file) != EOF;
    ok = fclose(file) == 0 && ok;
    if (!ok)
        return LD_FAIL(err, LD_EINTERNAL, "%s: write failed", path);
    return LD_OK;
}

int cmd_rating_fit(cli_ctx *ctx, int argc, char **argv)
{
    static const char *usage = "rating fit --data FILE.csv --target COLUMN --out POLICY.json "
                               "[--base-policy FILE] [--kind individual|enterprise] [--min-iv X]";
    const char *data_path = cli_opt(argc, argv, "--data");
    const char *target = cli_opt(argc, argv, "--target");
    const char *out_path = cli_opt(argc, argv, "--out");
    const char *base_path = cli_opt(argc, argv, "--base-policy");
    const char *min_iv = cli_opt(argc, argv, "--min-iv");
    if (data_path == NULL || target == NULL || out_path == NULL)
        return cli_usage(usage, "rating fit: --data, --target and --out are required");
    rating_fit_options opt;
    rating_fit_options_default(&opt);
    int rc = parse_kind(usage, cli_opt(argc, argv, "--kind"), &opt.kind);
    if (rc != 0)
        return rc;
    if (min_iv != NULL) {
        char *end;
        errno = 0;
        opt.min_iv = strtod(min_iv, &end);
        if (errno != 0 || end == min_iv || *end != '\0' || !(opt.min_iv >= 0 && opt.min_iv < 10))
            return cli_usage(usage, "--min-iv: must be a number from 0 to 10");
    }
    if (base_path == NULL)
        base_path = default_policy_path();

    ld_error err;
    char *base = NULL, *policy_text = NULL;
    size_t base_length = 0;
    rating_csv *data = NULL;
    rating_fit_report report;
    ld_status st = core_read_file(base_path, &base, &base_length, &err);
    if (st == LD_OK)
        st = rating_csv_read(data_path, rating_csv_categorical_features(), &data, &err);
    if (st == LD_OK)
        st = rating_fit(data, target, &opt, base, base_length, &policy_text, &report, &err);
    if (st == LD_OK)
        st = write_text(out_path, policy_text, &err);
    if (st != LD_OK) {
        rc = cli_fail(&err);
        goto out;
    }
    if (ctx->json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "out", out_path);
        cJSON_AddStringToObject(root, "kind", rating_kind_name(opt.kind));
        cJSON_AddNumberToObject(root, "rows", (double)report.rows);
        cJSON_AddNumberToObject(root, "bads", (double)report.bads);
        cJSON_AddNumberToObject(root, "intercept", report.intercept);
        cJSON_AddNumberToObject(root, "iterations", report.iterations);
        cJSON_AddNumberToObject(root, "auc", report.auc);
        cJSON *cols = cJSON_AddArrayToObject(root, "columns");
        for (size_t i = 0; i < report.column_count; i++) {
            const rating_fit_column *c = &report.columns[i];
            cJSON *item = cJSON_CreateObject();
            cJSON_AddItemToArray(cols, item);
            cJSON_AddStringToObject(item, "name", c->name);
            cJSON_AddBoolToObject(item, "kept", c->kept);
            cJSON_AddNumberToObject(item, "iv", c->iv);
            cJSON_AddNumberToObject(item, "bins", (double)c->bins);
            cJSON_AddNumberToObject(item, "coefficient", c->coefficient);
            if (c->note != NULL)
                cJSON_AddStringToObject(item, "note", c->note);
        }
        rc = print_json(root);
        goto out;
    }
    printf("fitted %s scorecard on %zu rows (%zu bad, %.2f %%), %d Newton steps\n",
           rating_kind_name(opt.kind), report.rows, report.bads,
           report.rows ? 100.0 * (double)report.bads / (double)report.rows : 0.0,
           report.iterations);
    printf("%-24s %8s %5s %11s  %s\n", "column", "IV", "bins", "coefficient", "");
    for (size_t i = 0; i < report.column_count; i++) {
        const rating_fit_column *c = &report.columns[i];
        printf("%-24s %8.4f %5zu %11.4f  %s\n", c->name, c->iv, c->bins, c->coefficient,
               c->kept ? "kept" : (c->note ? c->note : "not used"));
    }
    printf("intercept %.4f; AUC on the same data %.4f (Gini %.4f)\n", report.intercept, report.auc,
           2 * report.auc - 1);
    printf("wrote %s\n", out_path);
    rc = 0;
out:
    free(policy_text);
    free(base);
    rating_csv_free(data);
    return rc;
}

static void print_validation(const rating_validation *v, const char *policy_path)
{
    printf("policy %s; %zu rows, %zu bad (%.2f %%)\n", policy_path, v->rows, v->bads,
           v->rows ? 100.0 * (double)v->bads / (double)v->rows : 0.0);
    if (v->unmatched_features > 0)
        printf("note: no column for %zu factor%s (scored as missing): %s\n", v->unmatched_features,
               v->unmatched_features == 1 ? "" : "s", v->unmatched);
    printf("AUC %.4f  Gini %.4f  KS %.4f\n", v->auc, v->gini, v->ks);
    printf("%-5s %10s %8s %10s %10s\n", "grade", "count", "bad", "observed", "predicted");
    for (int g = 0; g < RATING_GRADE_COUNT; g++) {
        const rating_grade_stats *gs = &v->grades[g];
        char pd[32];
        printf("%-5s %10zu %8zu %9.2f%% %9s%% %s\n", rating_grade_name(g), gs->count, gs->bads,
               100 * gs->observed_rate, ld_rate_format(gs->predicted_pd, pd),
               gs->non_monotone ? "NON-MONOTONE: fewer defaults than a better grade" : "");
    }
}

int cmd_rating_validate(cli_ctx *ctx, int argc, char **argv)
{
    static const char *usage = "rating validate --data FILE.csv --target COLUMN [--policy FILE] "
                               "[--kind individual|enterprise] [--compare OTHER.csv]";
    const char *data_path = cli_opt(argc, argv, "--data");
    const char *target = cli_opt(argc, argv, "--target");
    const char *policy_path = cli_opt(argc, argv, "--policy");
    const char *compare_path = cli_opt(argc, argv, "--compare");
    if (data_path == NULL || target == NULL)
        return cli_usage(usage, "rating validate: --data and --target are required");
    rating_kind kind;
    int rc = parse_kind(usage, cli_opt(argc, argv, "--kind"), &kind);
    if (rc != 0)
        return rc;
    if (policy_path == NULL)
        policy_path = default_policy_path();

    ld_error err;
    rating_policy *policy = NULL;
    rating_csv *data = NULL, *compare = NULL;
    rating_validation v;
    rating_psi_report psi;
    ld_status st = rating_policy_load(policy_path, &policy, &err);
    if (st == LD_OK)
        st = rating_csv_read(data_path, rating_csv_categorical_features(), &data, &err);
    if (st == LD_OK)
        st = rating_validate(policy, kind, data, target, &v, &err);
    if (st == LD_OK && compare_path != NULL) {
        st = rating_csv_read(compare_path, rating_csv_categorical_features(), &compare, &err);
        if (st == LD_OK)
            st = rating_psi_compare(policy, kind, data, compare, &psi, &err);
    }
    if (st != LD_OK) {
        rc = cli_fail(&err);
        goto out;
    }
    if (ctx->json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "policy_sha256", rating_policy_sha256(policy));
        cJSON_AddNumberToObject(root, "rows", (double)v.rows);
        cJSON_AddNumberToObject(root, "bads", (double)v.bads);
        cJSON_AddNumberToObject(root, "auc", v.auc);
        cJSON_AddNumberToObject(root, "gini", v.gini);
        cJSON_AddNumberToObject(root, "ks", v.ks);
        cJSON *grades = cJSON_AddArrayToObject(root, "grades");
        for (int g = 0; g < RATING_GRADE_COUNT; g++) {
            const rating_grade_stats *gs = &v.grades[g];
            char pd[32];
            cJSON *item = cJSON_CreateObject();
            cJSON_AddItemToArray(grades, item);
            cJSON_AddStringToObject(item, "grade", rating_grade_name(g));
            cJSON_AddNumberToObject(item, "count", (double)gs->count);
            cJSON_AddNumberToObject(item, "bads", (double)gs->bads);
            cJSON_AddNumberToObject(item, "observed_rate", gs->observed_rate);
            cJSON_AddStringToObject(item, "predicted_pd", ld_rate_format(gs->predicted_pd, pd));
            cJSON_AddBoolToObject(item, "non_monotone", gs->non_monotone);
        }
        if (compare != NULL) {
            cJSON *p = cJSON_AddObjectToObject(root, "psi");
            cJSON_AddNumberToObject(p, "overall", psi.overall);
            cJSON_AddStringToObject(p, "verdict", rating_psi_verdict(psi.overall));
            cJSON *factors = cJSON_AddArrayToObject(p, "factors");
            for (size_t i = 0; i < psi.factor_count; i++) {
                cJSON *item = cJSON_CreateObject();
                cJSON_AddItemToArray(factors, item);
                cJSON_AddStringToObject(item, "feature",
                                        rating_feature_name(psi.factors[i].feature));
                cJSON_AddNumberToObject(item, "psi", psi.factors[i].psi);
                cJSON_AddStringToObject(item, "verdict", rating_psi_verdict(psi.factors[i].psi));
            }
        }
        rc = print_json(root);
        goto out;
    }
    print_validation(&v, policy_path);
    if (compare != NULL) {
        printf("stability against %s (%zu rows): PSI < 0.10 stable, 0.10-0.25 watch, > 0.25 "
               "shifted\n",
               compare_path, compare->rows);
        for (size_t i = 0; i < psi.factor_count; i++)
            printf("  %-24s %8.4f %s\n", rating_feature_name(psi.factors[i].feature),
                   psi.factors[i].psi, rating_psi_verdict(psi.factors[i].psi));
        printf("  %-24s %8.4f %s\n", "(grades, overall)", psi.overall,
               rating_psi_verdict(psi.overall));
    }
    rc = 0;
out:
    rating_policy_free(policy);
    rating_csv_free(data);
    rating_csv_free(compare);
    return rc;
}
