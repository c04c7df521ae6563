/*
 * cmd_rating.c - `rate APP`, `rating show APP` and `rating override APP`: the
 * scorecard of rating/ applied to an application's facts from core, with the
 * policy document in force (its SHA-256 is kept with the rating).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "credit.h"
#include "policy.h"
#include "rating.h"
#include "rating_app.h"

int cmd_rate(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_parse_id("application", cli_positional(argc, argv, NULL), &id);
    if (rc != 0)
        return rc;
    core_credit_facts facts;
    const char *text = NULL, *sha = NULL;
    rating_policy *policy = NULL;
    if (core_credit_facts_get(ctx->store, &ctx->session, id, &facts, &err) != LD_OK ||
        core_policy_document(ctx->store, &text, &sha, &err) != LD_OK ||
        rating_policy_load_buffer(text, strlen(text), &policy, &err) != LD_OK)
        return cli_fail(&err);
    /* rating_input and rating_result are large; keep them off the stack. */
    rating_input *input = malloc(sizeof *input);
    rating_result *result = malloc(sizeof *result);
    char *json = NULL;
    core_rating_summary summary;
    int64_t rating_id = 0;
    ld_status st = LD_OK;
    if (input == NULL || result == NULL) {
        st = LD_FAIL(&err, LD_EINTERNAL, "out of memory");
        goto out;
    }
    rating_input_from_facts(policy, &facts, input);
    if ((st = rating_score(policy, input, result, &err)) != LD_OK ||
        (st = rating_result_to_json(result, &json, &err)) != LD_OK)
        goto out;
    rating_summary_from_result(result, &summary);
    if ((st = core_rating_save(ctx->store, &ctx->session, id, &summary, json, &rating_id, &err)) !=
        LD_OK)
        goto out;
    if (ctx->json) {
        fputs(json, stdout);
        fputc('\n', stdout);
    } else {
        char amount[LD_MONEY_TEXT_MAX], rate[LD_MONEY_TEXT_MAX];
        printf("application %lld rated: score %d, grade %s, PD %.4f %%, decision %s\n",
               (long long)id, summary.score, summary.grade, (double)summary.pd / 10000.0,
               summary.decision);
        printf("recommended: up to %s for %d months at %s %%, fee %s\n",
               ld_money_format_grouped(summary.recommended_amount, amount),
               summary.recommended_term_months, ld_rate_format(summary.rate, rate),
               core_fee_method_name(summary.fee_method));
        for (size_t i = 0; i < result->reason_count; i++)
            printf("reason %zu: %s (%s), -%d points\n", i + 1, result->reasons[i].zh,
                   result->reasons[i].en, result->reasons[i].points_lost);
        for (size_t i = 0; i < result->knockout_count; i++)
            printf("knock-out: %s %s (%s) %s\n", rating_decision_name(result->knockouts[i].action),
                   result->knockouts[i].zh, result->knockouts[i].en, result->knockouts[i].detail);
    }
out:
    free(json);
    free(input);
    free(result);
    rating_policy_free(policy);
    return st == LD_OK ? 0 : cli_fail(&err);
}

int cmd_rating_show(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_parse_id("application", cli_positional(argc, argv, NULL), &id);
    if (rc != 0)
        return rc;
    cJSON *rating;
    if (core_rating_show(ctx->store, &ctx->session, id, &rating, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        cli_print_json(rating);
    else
        cli_print_record(rating);
    cJSON_Delete(rating);
    return 0;
}

int cmd_rating_override(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_parse_id("application", cli_positional(argc, argv, NULL), &id);
    if (rc != 0)
        return rc;
    const char *grade = cli_opt(argc, argv, "--grade");
    const char *reason = cli_opt(argc, argv, "--reason");
    if (grade == NULL || reason == NULL)
        return cli_usage("rating", "--grade G and --reason TEXT are required");
    if (core_rating_override(ctx->store, &ctx->session, id, grade, reason, &err) != LD_OK)
        return cli_fail(&err);
    printf("rating of application %lld overridden to %s\n", (long long)id, grade);
    return 0;
}
