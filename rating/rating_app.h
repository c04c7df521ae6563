/*
 * rating_app.h - turning an application's credit facts (core/credit.h) into a
 * scorecard input, and a rating result into the summary the core stores.
 *
 * Pure: no database. The features are computed as docs/policy.md defines them;
 * what the facts do not tell stays missing, and the policy decides what a
 * missing value is worth (points or a referral).
 */
#ifndef RATING_APP_H
#define RATING_APP_H

#include "credit.h"
#include "rating.h"

/* Fills *in from the facts (after rating_input_init), including the derived
 * collateral and guarantor cover. */
void rating_input_from_facts(const core_policy_model *policy, const core_credit_facts *facts,
                             rating_input *in);

/* The stored summary of a result (policy hash, decision, terms). */
void rating_summary_from_result(const rating_result *result, core_rating_summary *out);

#endif
