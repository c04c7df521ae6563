/*
 * fuzz_policy.c - the rating policy loader and the checker behind
 * `loandesk policy check` (core/policy_model.c). The two must agree: a document
 * loads exactly when the check finds no problem, and every problem is a line
 * naming a JSON path. A policy that loads carries the SHA-256 of its bytes and
 * must rate any application without failing: each kind of borrower with every
 * feature missing, then with every feature set to the same awkward value; a
 * kind it has no scorecard for gets no grade and is never approved.
 */
#include "fuzz.h"

#include <math.h>

#include "digest.h"
#include "rating.h"

static const double awkward_numbers[] = {0.0, -1.0, 1e308, -1e308, 0.5, NAN};
static const char *const awkward_categories[] = {"", "else", "missing", "1", "个体", "special"};
#define AWKWARD_COUNT (sizeof awkward_numbers / sizeof awkward_numbers[0])

static void rate_with(const core_policy_model *policy, core_rating_kind kind, size_t variant)
{
    rating_input in;
    rating_input_init(&in, kind);
    if (variant < AWKWARD_COUNT) {
        /* Built-in features and the policy's own variables alike. */
        int count = CORE_RATING_FEATURE_COUNT + (int)core_policy_model_attributes(policy)->count;
        for (int f = 0; f < count; f++) {
            if (core_policy_model_feature_is_categorical(policy, (core_rating_feature)f))
                rating_input_set_category(&in, (core_rating_feature)f, awkward_categories[variant]);
            else
                rating_input_set_number(&in, (core_rating_feature)f, awkward_numbers[variant]);
        }
        in.identity_valid = true;
        in.age_at_maturity = 40;
        in.requested_amount = 30000000;
        in.requested_term_months = 36;
        in.collateral_count = 1;
        in.collateral[0].type = RATING_COLL_EQUITY;
        in.collateral[0].value = 50000000;
        in.guarantor_count = 1;
        in.guarantors[0].net_assets = -100;
        in.guarantors[0].amount_guaranteed = 30000000;
        rating_input_derive_cover(policy, &in);
    }
    rating_result result;
    ld_error err;
    FUZZ_CHECK(rating_score(policy, &in, &result, &err) == LD_OK);
    /* Without a scorecard for the kind there is no grade (-1) and a refer. */
    if (core_policy_model_has_scorecard(policy, kind))
        FUZZ_CHECK(result.grade_index >= 0 && result.grade_index < CORE_RATING_GRADE_COUNT);
    else
        FUZZ_CHECK(result.grade_index == -1 && result.decision != CORE_RATING_APPROVE);
    FUZZ_CHECK(result.recommended_amount >= 0 && result.fee_amount >= 0);
    char *json = NULL;
    FUZZ_CHECK(rating_result_to_json(&result, &json, &err) == LD_OK && json != NULL);
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    core_policy_model *policy = NULL;
    core_policy_problems problems = {0};
    ld_error load_err, check_err;
    ld_status loaded = core_policy_model_load_buffer(bytes, size, &policy, &load_err);
    ld_status checked = core_policy_model_check_buffer(bytes, size, &problems, &check_err);

    FUZZ_CHECK((loaded == LD_OK) == (checked == LD_OK));
    FUZZ_CHECK((checked == LD_OK) == (problems.count == 0));
    for (size_t i = 0; i < problems.count; i++)
        FUZZ_CHECK(problems.messages[i] != NULL && problems.messages[i][0] != '\0');
    if (loaded != LD_OK) {
        FUZZ_CHECK(policy == NULL && load_err.code == LD_EINVAL);
    } else {
        char sha[CORE_SHA256_HEX];
        core_sha256_hex(data, size, sha);
        FUZZ_CHECK(strcmp(core_policy_model_sha256(policy), sha) == 0);
        for (int kind = 0; kind < CORE_RATING_KIND_COUNT; kind++)
            for (size_t variant = 0; variant <= AWKWARD_COUNT; variant++)
                rate_with(policy, (core_rating_kind)kind, variant);
    }
    core_policy_problems_free(&problems);
    core_policy_model_free(policy);
    return 0;
}
