/*
 * pricing.h - the loan prime rate rules, each in one place for every module
 * that prices or checks a rate (docs/regulation.md): which LPR a term prices
 * off, the legal ceiling of 4 x the 1-year LPR, a rate kept within a floor and
 * a ceiling, and the policy's "lpr" section read for core and rating alike.
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

/* Reads the policy document's "lpr" section, reporting each problem
 * ("$.lpr.one_year: must be above zero") through problem. */
void core_lpr_parse(const cJSON *policy, core_lpr *out, core_problem_fn problem, void *context);

/* Terms longer than five years price off the over-5-year LPR. */
bool core_lpr_is_five_year(int term_months);

/* The LPR a term prices off. */
ld_rate core_lpr_for_term(const core_lpr *lpr, int term_months);

/* The legal ceiling: courts protect no more than 4 x the 1-year LPR. */
ld_rate core_rate_legal_cap(const core_lpr *lpr);

/* LPR + spread, raised to the floor, then cut to the ceiling. */
ld_rate core_rate_priced(ld_rate lpr, ld_rate spread, ld_rate floor, ld_rate ceiling);

#endif
