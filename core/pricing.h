/*
 * pricing.h - the loan prime rate rules, each in one place for every module
 * that prices or checks a rate (docs/regulation.md): which LPR a term prices
 * off, the legal ceiling of 4 x the 1-year LPR, a rate kept within a floor and
 * a ceiling, and the policy's "lpr" and "pricing" sections, read once by the
 * one policy parser (policy_model.h) into core's terms.
 */
#ifndef LD_PRICING_H
#define LD_PRICING_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "date.h"
#include "money.h"
#include "policy_features.h"

typedef struct core_lpr {
    ld_rate one_year, five_year; /* millionths */
    ld_date effective;
    char effective_text[11]; /* "YYYY-MM-DD" */
} core_lpr;

/* The band every priced rate is kept within: the policy's floor, and its
 * ceiling already cut to the legal one. */
typedef struct core_rate_band {
    ld_rate floor, ceiling; /* millionths */
} core_rate_band;

/* Reads the policy document's "pricing" section against the LPR already read,
 * reporting each problem ("$.pricing.rate_ceiling: 24.0000 exceeds ...")
 * through problem. */
void core_rate_band_parse(const cJSON *policy, const core_lpr *lpr, core_rate_band *out,
                          core_problem_fn problem, void *context);

/* Reads the policy document's "lpr" section, reporting each problem
 * ("$.lpr.one_year: must be above zero") through problem. */
void core_lpr_parse(const cJSON *policy, core_lpr *out, core_problem_fn problem, void *context);

/* Terms longer than five years price off the over-5-year LPR. */
bool core_lpr_is_five_year(int term_months);

/* The LPR a term prices off. */
ld_rate core_lpr_for_term(const core_lpr *lpr, int term_months);

/* The legal ceiling: courts protect no more than 4 x the 1-year LPR. */
ld_rate core_rate_legal_cap(const core_lpr *lpr);

/* The band a policy's floor and ceiling give: the floor, and the ceiling cut
 * to the legal one (core_rate_legal_cap). The one place the band is made. */
core_rate_band core_rate_band_of(const core_lpr *lpr, ld_rate floor, ld_rate ceiling);

/* LPR + spread, raised to the band's floor, then cut to its ceiling. */
ld_rate core_rate_priced(ld_rate lpr, ld_rate spread, const core_rate_band *band);

/* Judges a rate a person states (an approval's) against the band: LD_OK
 * within [floor, ceiling]; LD_EINVAL naming field otherwise ("rate: 12.0000 %
 * is above the policy's rate ceiling of 10.0000 %"). The one place a stated
 * rate is held to the floor and the ceiling. */
ld_status core_rate_check(const core_rate_band *band, const char *field, ld_rate rate,
                          ld_error *err);

#endif
