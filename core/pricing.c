/*
 * pricing.c - the loan prime rate rules (pricing.h).
 */
#include "pricing.h"

#include <stdio.h>
#include <string.h>

#include "json_in.h"

void core_lpr_parse(const cJSON *policy, core_lpr *out, core_problem_fn problem, void *context)
{
    memset(out, 0, sizeof *out);
    const cJSON *lpr = cJSON_GetObjectItemCaseSensitive(policy, "lpr");
    if (!cJSON_IsObject(lpr)) {
        problem(context, lpr == NULL ? "$.lpr: is missing" : "$.lpr: must be an object");
        return;
    }
    static const char *const keys[] = {"one_year", "five_year", "effective", NULL};
    ld_error err;
    if (core_json_reject_unknown(lpr, "$.lpr", keys, &err) != LD_OK)
        problem(context, err.message);
    if (core_json_rate(lpr, "$.lpr", "one_year", true, &out->one_year, NULL, &err) != LD_OK)
        problem(context, err.message);
    else if (out->one_year == 0)
        problem(context, "$.lpr.one_year: must be above zero");
    if (core_json_rate(lpr, "$.lpr", "five_year", true, &out->five_year, NULL, &err) != LD_OK)
        problem(context, err.message);
    if (core_json_date(lpr, "$.lpr", "effective", true, &out->effective, NULL, &err) != LD_OK)
        problem(context, err.message);
    else
        ld_date_format(out->effective, out->effective_text);
}

bool core_lpr_is_five_year(int term_months)
{
    return term_months > 60;
}

ld_rate core_lpr_for_term(const core_lpr *lpr, int term_months)
{
    return core_lpr_is_five_year(term_months) ? lpr->five_year : lpr->one_year;
}

ld_rate core_rate_legal_cap(const core_lpr *lpr)
{
    return 4 * lpr->one_year;
}

ld_rate core_rate_priced(ld_rate lpr, ld_rate spread, ld_rate floor, ld_rate ceiling)
{
    ld_rate rate = lpr + spread;
    if (rate < floor)
        rate = floor;
    if (rate > ceiling)
        rate = ceiling;
    return rate;
}
