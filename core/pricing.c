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

core_rate_band core_rate_band_of(const core_lpr *lpr, ld_rate floor, ld_rate ceiling)
{
    ld_rate legal_cap = core_rate_legal_cap(lpr);
    return (core_rate_band){floor, ceiling < legal_cap ? ceiling : legal_cap};
}

ld_status core_rate_check(const core_rate_band *band, const char *field, ld_rate rate,
                          ld_error *err)
{
    char a[LD_MONEY_TEXT_MAX], b[LD_MONEY_TEXT_MAX];
    /* A grade that does not lend has no rate (0): approving against such a
     * rating states a rate rather than lending at nothing. */
    if (rate < band->floor)
        return LD_FAIL(err, LD_EINVAL,
                       "%s: %s %% is below the policy's rate floor of %s %% (a grade that does "
                       "not lend has no rate: an approval against the rating states its rate)",
                       field, ld_rate_format(rate, a), ld_rate_format(band->floor, b));
    if (rate > band->ceiling)
        return LD_FAIL(err, LD_EINVAL,
                       "%s: %s %% is above the policy's rate ceiling of %s %% (at most 4 x the "
                       "1-year LPR)",
                       field, ld_rate_format(rate, a), ld_rate_format(band->ceiling, b));
    return LD_OK;
}

ld_rate core_rate_priced(ld_rate lpr, ld_rate spread, const core_rate_band *band)
{
    ld_rate rate = lpr + spread;
    if (rate < band->floor)
        rate = band->floor;
    if (rate > band->ceiling)
        rate = band->ceiling;
    return rate;
}

void core_rate_band_parse(const cJSON *policy, const core_lpr *lpr, core_rate_band *out,
                          core_problem_fn problem, void *context)
{
    ld_rate legal_cap = core_rate_legal_cap(lpr);
    *out = core_rate_band_of(lpr, 0, legal_cap);
    const cJSON *pricing = cJSON_GetObjectItemCaseSensitive(policy, "pricing");
    if (!cJSON_IsObject(pricing)) {
        problem(context,
                pricing == NULL ? "$.pricing: is missing" : "$.pricing: must be an object");
        return;
    }
    static const char *const keys[] = {"rate_floor", "rate_ceiling", NULL};
    ld_error err;
    if (core_json_reject_unknown(pricing, "$.pricing", keys, &err) != LD_OK)
        problem(context, err.message);
    if (core_json_rate(pricing, "$.pricing", "rate_floor", true, &out->floor, NULL, &err) != LD_OK)
        problem(context, err.message);
    ld_rate ceiling = legal_cap;
    if (core_json_rate(pricing, "$.pricing", "rate_ceiling", true, &ceiling, NULL, &err) != LD_OK) {
        problem(context, err.message);
        ceiling = legal_cap;
    } else if (lpr->one_year > 0 && ceiling > legal_cap) {
        char a[LD_MONEY_TEXT_MAX], b[LD_MONEY_TEXT_MAX], message[160];
        snprintf(message, sizeof message,
                 "$.pricing.rate_ceiling: %s exceeds 4 x the 1-year LPR (%s)",
                 ld_rate_format(ceiling, a), ld_rate_format(legal_cap, b));
        problem(context, message);
    }
    *out = core_rate_band_of(lpr, out->floor, ceiling);
    /* Against the file's own ceiling: one above the legal cap is reported above. */
    if (out->floor > ceiling)
        problem(context, "$.pricing.rate_floor: is above the rate ceiling");
}
