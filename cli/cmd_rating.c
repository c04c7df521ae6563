/*
 * cmd_rating.c - `rate APP`, `rating show APP` and `rating override APP`:
 * parse, call the operations API (loandesk/servicing.h), print. Rating an
 * application (facts, policy in force, scorecard, saving) is one API
 * operation; this file only shows its answer.
 */
#include <stdio.h>

#include "commands.h"
#include "loandesk/servicing.h"

/* The rating in a few sentences: grade and decision, the terms recommended,
 * the reason codes and the knock-outs. */
static void print_rating(int64_t id, const cJSON *r)
{
    char amount[LD_AMOUNT_TEXT_MAX];
    printf("application %lld rated: score %lld, grade %s, PD %s %%, decision %s\n", (long long)id,
           cli_int(r, "score"), cli_text(r, "grade"), cli_text(r, "pd"), cli_text(r, "decision"));
    printf("recommended: up to %s for %lld months at %s %%, fee %s\n",
           ld_amount_grouped(cli_text(r, "recommended_amount"), amount),
           cli_int(r, "recommended_term_months"), cli_text(r, "rate"), cli_text(r, "fee_method"));
    int n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(r, "reasons"))
    {
        printf("reason %d: %s (%s), -%lld points\n", ++n, cli_text(item, "zh"),
               cli_text(item, "en"), cli_int(item, "points_lost"));
    }
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(r, "knockouts"))
    {
        printf("knock-out: %s %s (%s) %s\n", cli_text(item, "action"), cli_text(item, "zh"),
               cli_text(item, "en"), cli_text(item, "detail"));
    }
    /* What the officer still has to collect: scored as missing, not assessed. */
    const cJSON *missing = cJSON_GetObjectItemCaseSensitive(r, "missing_facts");
    if (cJSON_GetArraySize(missing) > 0) {
        printf("missing facts:");
        n = 0;
        cJSON_ArrayForEach(item, missing)
            printf("%s %s", n++ ? "," : "", cli_text(item, "feature"));
        printf("\n");
    }
}

int cmd_rate(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int64_t id;
    int rc = cli_check("rate", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("application", args.positional[0], &id)) != 0)
        return rc;
    ld_error err;
    cJSON *rating = NULL;
    if (ld_application_rate(ctx->s, id, &rating, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        cli_print_json(rating);
    else
        print_rating(id, rating);
    cJSON_Delete(rating);
    return 0;
}

int cmd_rating_show(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int64_t id;
    int rc = cli_check("rating show", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("application", args.positional[0], &id)) != 0)
        return rc;
    ld_error err;
    cJSON *rating;
    if (ld_rating_show(ctx->s, id, &rating, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, rating, NULL);
}

int cmd_rating_override(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--grade", "--reason", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t id;
    int rc = cli_check("rating override", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("application", args.positional[0], &id)) != 0)
        return rc;
    const char *grade = cli_opt(argc, argv, "--grade");
    const char *reason = cli_opt(argc, argv, "--reason");
    if (grade == NULL || reason == NULL)
        return cli_usage("rating override", "--grade G and --reason TEXT are required");
    ld_error err;
    cJSON *result;
    if (ld_rating_override(ctx->s, id, grade, reason, &result, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, result, NULL);
    char amount[LD_AMOUNT_TEXT_MAX];
    printf("rating of application %lld overridden to %s (model %s): decision %s, up to %s for "
           "%lld months at %s %%\n",
           (long long)id, cli_text(result, "grade"), cli_text(result, "model_grade"),
           cli_text(result, "decision"),
           ld_amount_grouped(cli_text(result, "recommended_amount"), amount),
           cli_int(result, "recommended_term_months"), cli_text(result, "rate"));
    cJSON_Delete(result);
    return 0;
}
