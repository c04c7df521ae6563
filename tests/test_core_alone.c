/*
 * test_core_alone.c - core stands alone: this program is linked against every
 * object of the core library and nothing of rating, ledger, reports or the
 * operations API (tests/layering.cmake), so a reference from core to a module
 * above it fails the build. It then parses the shipped policy with core's one
 * parser and reads the terms core applies from the model.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_in.h"
#include "policy_model.h"

static void core_parses_the_shipped_policy_alone(void)
{
    core_policy_model *model = NULL;
    ld_error err;
    CHECK_INT(core_policy_model_load(LOANDESK_SOURCE_DIR "/policy/default.json", &model, &err),
              LD_OK);
    if (model == NULL)
        return;
    CHECK(strlen(core_policy_model_sha256(model)) == 64);
    /* The terms core applies and the scorecards rating reads are one parse. */
    CHECK_INT(model->terms.lpr.one_year, 30000);
    CHECK_INT(model->terms.band.floor, 30000);
    CHECK_INT(model->terms.band.ceiling, 100000);
    CHECK(core_policy_model_has_scorecard(model, CORE_RATING_INDIVIDUAL));
    CHECK(core_policy_model_has_scorecard(model, CORE_RATING_ENTERPRISE));
    core_rating_feature f;
    CHECK(core_policy_model_feature_from_name(model, "housing", &f));
    CHECK_INT(f, CORE_RATING_F_HOUSING);
    core_policy_model_free(model);
}

static void core_reports_every_policy_problem_alone(void)
{
    static const char bad[] = "{\"version\": \"x\", \"lpr\": {\"one_year\": \"0\"}}";
    core_policy_problems problems = {0};
    ld_error err;
    CHECK_INT(core_policy_model_check_buffer(bad, sizeof bad - 1, &problems, &err), LD_EINVAL);
    CHECK(problems.count > 1);
    int lpr_named = 0;
    for (size_t i = 0; i < problems.count; i++)
        lpr_named += strstr(problems.messages[i], "$.lpr.one_year") != NULL;
    CHECK_INT(lpr_named, 1);
    core_policy_problems_free(&problems);
}

/* The band is made in one place and a stated rate judged in one place: the
 * file's ceiling cut to 4 x the 1-year LPR, both ends inclusive, the refusal
 * naming the field. */
static void rate_band_holds_floor_and_ceiling(void)
{
    core_lpr lpr = {.one_year = 30000, .five_year = 35000};
    core_rate_band band = core_rate_band_of(&lpr, 30000, 100000);
    CHECK_INT(band.floor, 30000);
    CHECK_INT(band.ceiling, 100000);
    CHECK_INT(core_rate_band_of(&lpr, 30000, 150000).ceiling, 120000);
    ld_error err;
    CHECK_INT(core_rate_check(&band, "rate", 30000, &err), LD_OK);
    CHECK_INT(core_rate_check(&band, "rate", 100000, &err), LD_OK);
    CHECK_INT(core_rate_check(&band, "rate", 100001, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "rate: 10.0001 % is above the policy's rate ceiling of 10.0000 %");
    CHECK_INT(core_rate_check(&band, "terms.rate", 29999, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message,
                   "terms.rate: 2.9999 % is below the policy's rate floor of 3.0000 %");
    /* The priced rate keeps to the same band. */
    CHECK_INT(core_rate_priced(core_lpr_for_term(&lpr, 61), 100000, &band), 100000);
    CHECK_INT(core_rate_priced(core_lpr_for_term(&lpr, 12), -10000, &band), 30000);
}

/* Bin bounds are exact decimals in millionths: 0.35 is 350000, and a bound
 * written with seven decimals is refused naming its path, never rounded. */
static void bin_bounds_are_exact_millionths(void)
{
    char *text = NULL;
    size_t length = 0;
    ld_error err;
    CHECK_INT(core_read_file(LOANDESK_SOURCE_DIR "/policy/default.json", &text, &length, &err),
              LD_OK);
    if (text == NULL)
        return;
    core_policy_model *model = NULL;
    CHECK_INT(core_policy_model_load_buffer(text, length, &model, &err), LD_OK);
    bool found = false;
    for (int k = 0; model != NULL && k < CORE_RATING_KIND_COUNT; k++) {
        const core_rating_scorecard *card = &model->scorecards[k];
        for (size_t i = 0; i < card->factor_count; i++)
            for (size_t b = 0; b < card->factors[i].bin_count; b++) {
                const core_rating_bin *bin = &card->factors[i].bins[b];
                found |= bin->has_min && bin->has_max && bin->min == 350000 && bin->max == 500000;
            }
    }
    CHECK(found);
    core_policy_model_free(model);
    /* The same document with one bound at seven decimals. */
    char *at = strstr(text, "\"min\": 0.35,");
    CHECK(at != NULL);
    if (at != NULL) {
        size_t head = (size_t)(at - text);
        char *edited = malloc(length + 16);
        CHECK(edited != NULL);
        if (edited != NULL) {
            int n = snprintf(edited, length + 16, "%.*s\"min\": 0.3500001,%s", (int)head, text,
                             at + strlen("\"min\": 0.35,"));
            core_policy_problems problems = {0};
            CHECK_INT(core_policy_model_check_buffer(edited, (size_t)n, &problems, &err),
                      LD_EINVAL);
            bool named = false;
            for (size_t i = 0; i < problems.count; i++)
                named |= strstr(problems.messages[i], "].min: ") != NULL &&
                         strstr(problems.messages[i], "decimal") != NULL;
            CHECK(named);
            core_policy_problems_free(&problems);
            free(edited);
        }
    }
    free(text);
}

static const check_case cases[] = {
    {"bin_bounds_are_exact_millionths", bin_bounds_are_exact_millionths},
    {"rate_band_holds_floor_and_ceiling", rate_band_holds_floor_and_ceiling},
    {"core_parses_the_shipped_policy_alone", core_parses_the_shipped_policy_alone},
    {"core_reports_every_policy_problem_alone", core_reports_every_policy_problem_alone},
};

int main(int argc, char **argv)
{
    return CHECK_RUN(argc, argv, cases);
}
