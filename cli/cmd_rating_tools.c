/*
 * cmd_rating_tools.c - `policy check`, `rating fit` and `rating validate`.
 *
 * Thin: parse the options, call the operations API's tools that need no
 * database (loandesk/servicing.h), print. Problems found in a policy go to
 * stdout one per line (they are the command's result), followed by an error
 * on stderr and exit code 2, so scripts can both read and test them.
 */
#include "cmd_rating_tools.h"

#include <stdio.h>
#include <stdlib.h>

#include "loandesk/servicing.h"

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

static double number_of(const cJSON *o, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(item) ? item->valuedouble : 0.0;
}

/* A share in percent of whole, 0 when whole is 0. */
static double percent(double part, double whole)
{
    return whole > 0 ? 100.0 * part / whole : 0.0;
}

int cmd_policy_check(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int rc = cli_check("policy check", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    if (args.positional_count == 0)
        return cli_usage("policy check FILE", "policy check: a policy file is required");
    const char *path = args.positional[0];
    ld_error err;
    cJSON *r = NULL;
    if (ld_policy_check(path, &r, &err) != LD_OK)
        return cli_fail(&err);
    bool ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "ok"));
    const cJSON *problems = cJSON_GetObjectItemCaseSensitive(r, "problems");
    int count = cJSON_GetArraySize(problems);
    if (ctx->json) {
        cli_print_json(r);
    } else if (ok) {
        printf("%s: ok (version %s, sha256 %s)\n", path, cli_text(r, "version"),
               cli_text(r, "sha256"));
    } else {
        const cJSON *problem;
        cJSON_ArrayForEach(problem, problems) printf("%s\n", problem->valuestring);
    }
    cJSON_Delete(r);
    if (ok)
        return 0;
    fprintf(stderr, "loandesk: error: %s: %d problem%s\n", path, count, count == 1 ? "" : "s");
    return LD_EINVAL;
}

int cmd_rating_fit(cli_ctx *ctx, int argc, char **argv)
{
    static const char *usage = "rating fit --data FILE.csv --target COLUMN --out POLICY.json "
                               "[--base-policy FILE] [--kind individual|enterprise] [--min-iv X] "
                               "[--report FIT.json]";
    static const char *const values[] = {"--data", "--target", "--out",    "--base-policy",
                                         "--kind", "--min-iv", "--report", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("rating fit", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_fit_spec fit = {.data_path = cli_opt(argc, argv, "--data"),
                       .target = cli_opt(argc, argv, "--target"),
                       .out_path = cli_opt(argc, argv, "--out"),
                       .base_policy = cli_opt(argc, argv, "--base-policy"),
                       .kind = cli_opt(argc, argv, "--kind"),
                       .min_iv = cli_opt(argc, argv, "--min-iv"),
                       .report_path = cli_opt(argc, argv, "--report")};
    if (fit.data_path == NULL || fit.target == NULL || fit.out_path == NULL)
        return cli_usage(usage, "rating fit: --data, --target and --out are required");
    if (fit.base_policy == NULL)
        fit.base_policy = default_policy_path();
    ld_error err;
    cJSON *r = NULL;
    if (ld_rating_fit(ctx->s, &fit, &r, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    double rows = number_of(r, "rows"), bads = number_of(r, "bads"), auc = number_of(r, "auc");
    printf("fitted %s scorecard on %.0f rows (%.0f bad, %.2f %%), %lld Newton steps\n",
           cli_text(r, "kind"), rows, bads, percent(bads, rows), cli_int(r, "iterations"));
    printf("%-24s %8s %5s %11s  %s\n", "column", "IV", "bins", "coefficient", "");
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r, "columns"))
    {
        bool kept = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "kept"));
        const char *note = cli_text(c, "note");
        printf("%-24s %8.4f %5lld %11.4f  %s\n", cli_text(c, "name"), number_of(c, "iv"),
               cli_int(c, "bins"), number_of(c, "coefficient"),
               kept ? "kept" : (note[0] ? note : "not used"));
    }
    printf("intercept %.4f; AUC on the same data %.4f (Gini %.4f)\n", number_of(r, "intercept"),
           auc, 2 * auc - 1);
    printf("wrote %s\n", fit.out_path);
    cJSON_Delete(r);
    return 0;
}

static void print_validation(const cJSON *v)
{
    double rows = number_of(v, "rows"), bads = number_of(v, "bads");
    printf("policy %s; %.0f rows, %.0f bad (%.2f %%)\n", cli_text(v, "policy"), rows, bads,
           percent(bads, rows));
    long long unmatched = cli_int(v, "unmatched_features");
    if (unmatched > 0)
        printf("note: no column for %lld factor%s (scored as missing): %s\n", unmatched,
               unmatched == 1 ? "" : "s", cli_text(v, "unmatched"));
    printf("AUC %.4f  Gini %.4f  KS %.4f\n", number_of(v, "auc"), number_of(v, "gini"),
           number_of(v, "ks"));
    printf("%-5s %10s %8s %10s %10s %10s %9s\n", "grade", "count", "bad", "observed", "predicted",
           "expected", "binom. p");
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(v, "grades"))
    {
        bool empty = cli_int(g, "count") == 0;
        printf("%-5s %10lld %8lld %9.2f%% %9s%% %10.1f %9.4f %s%s\n", cli_text(g, "grade"),
               cli_int(g, "count"), cli_int(g, "bads"), 100 * number_of(g, "observed_rate"),
               cli_text(g, "predicted_pd"), number_of(g, "expected_bads"),
               number_of(g, "binomial_p"),
               !empty && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "calibrated"))
                   ? "PD REJECTED at 5 % "
                   : "",
               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "non_monotone"))
                   ? "NON-MONOTONE: fewer defaults than a better grade"
                   : "");
    }
    const cJSON *hl = cJSON_GetObjectItemCaseSensitive(v, "hosmer_lemeshow");
    printf("Hosmer-Lemeshow over the grades: %.4f on %lld degrees of freedom, p = %.4f\n",
           number_of(hl, "statistic"), cli_int(hl, "degrees_of_freedom"), number_of(hl, "p"));
    const cJSON *psi = cJSON_GetObjectItemCaseSensitive(v, "psi");
    if (psi == NULL)
        return;
    printf("stability against %s (%lld rows): PSI < 0.10 stable, 0.10-0.25 watch, > 0.25 "
           "shifted\n",
           cli_text(psi, "compare"), cli_int(psi, "rows"));
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(psi, "factors"))
    {
        printf("  %-24s %8.4f %s\n", cli_text(f, "feature"), number_of(f, "psi"),
               cli_text(f, "verdict"));
    }
    printf("  %-24s %8.4f %s\n", "(grades, overall)", number_of(psi, "overall"),
           cli_text(psi, "verdict"));
}

int cmd_rating_validate(cli_ctx *ctx, int argc, char **argv)
{
    static const char *usage = "rating validate --data FILE.csv --target COLUMN [--policy FILE] "
                               "[--kind individual|enterprise] [--compare OTHER.csv]";
    static const char *const values[] = {"--data", "--target",  "--policy",
                                         "--kind", "--compare", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("rating validate", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_validate_spec validate = {.data_path = cli_opt(argc, argv, "--data"),
                                 .target = cli_opt(argc, argv, "--target"),
                                 .policy_path = cli_opt(argc, argv, "--policy"),
                                 .kind = cli_opt(argc, argv, "--kind"),
                                 .compare_path = cli_opt(argc, argv, "--compare")};
    if (validate.data_path == NULL || validate.target == NULL)
        return cli_usage(usage, "rating validate: --data and --target are required");
    if (validate.policy_path == NULL)
        validate.policy_path = default_policy_path();
    ld_error err;
    cJSON *r = NULL;
    if (ld_rating_validate(&validate, &r, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    print_validation(r);
    cJSON_Delete(r);
    return 0;
}
