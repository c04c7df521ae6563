/*
 * test_rating.c - the rating module: policy files and their check, the scorer
 * (bins, missing, special and else values, knock-outs, reason codes, terms),
 * validation statistics against hand-computed cases, the CSV reader, and the
 * fitting of a scorecard to data drawn from a known logistic model.
 *
 * Policies under test are policy/default.json, or that file with one field
 * changed through cJSON, so each case states exactly what it breaks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "check.h"
#include "policy_model.h"
#include "rating.h"
#include "rating_csv.h"
#include "rating_fit.h"
#include "rating_stats.h"

#define DEFAULT_POLICY LOANDESK_SOURCE_DIR "/policy/default.json"

/* ---- helpers ----------------------------------------------------------------- */

static char *read_all(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf != NULL) {
        buf[size] = '\0';
        *length = (size_t)size;
    }
    return buf;
}

static cJSON *default_json(void)
{
    size_t length;
    char *text = read_all(DEFAULT_POLICY, &length);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    return root;
}

/* Follows a path such as "grades/3/max_score" (numbers index arrays). */
static cJSON *at(cJSON *root, const char *path)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", path);
    cJSON *node = root;
    for (char *part = copy; node != NULL && part != NULL;) {
        char *slash = strchr(part, '/');
        if (slash != NULL)
            *slash = '\0';
        if (part[0] >= '0' && part[0] <= '9')
            node = cJSON_GetArrayItem(node, (int)strtol(part, NULL, 10));
        else
            node = cJSON_GetObjectItemCaseSensitive(node, part);
        part = slash ? slash + 1 : NULL;
    }
    return node;
}

static void set_number(cJSON *root, const char *path, const char *key, double value)
{
    cJSON *parent = at(root, path);
    CHECK(parent != NULL);
    if (parent == NULL)
        return;
    if (cJSON_GetObjectItemCaseSensitive(parent, key))
        cJSON_ReplaceItemInObjectCaseSensitive(parent, key, cJSON_CreateNumber(value));
    else
        cJSON_AddNumberToObject(parent, key, value);
}

static void set_string(cJSON *root, const char *path, const char *key, const char *value)
{
    cJSON *parent = at(root, path);
    CHECK(parent != NULL);
    if (parent == NULL)
        return;
    if (cJSON_GetObjectItemCaseSensitive(parent, key))
        cJSON_ReplaceItemInObjectCaseSensitive(parent, key, cJSON_CreateString(value));
    else
        cJSON_AddStringToObject(parent, key, value);
}

static core_policy_model *load_json(cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);
    core_policy_model *policy = NULL;
    ld_error err;
    if (core_policy_model_load_buffer(text, strlen(text), &policy, &err) != LD_OK)
        fprintf(stderr, "policy: %s\n", err.message);
    free(text);
    return policy;
}

/* Checks root and returns the problems; the caller frees them. */
static core_policy_problems check_json(cJSON *root)
{
    core_policy_problems problems = {0};
    char *text = cJSON_PrintUnformatted(root);
    ld_error err;
    core_policy_model_check_buffer(text, strlen(text), &problems, &err);
    free(text);
    return problems;
}

static bool has_problem(const core_policy_problems *p, const char *path, const char *words)
{
    for (size_t i = 0; i < p->count; i++)
        if (strncmp(p->messages[i], path, strlen(path)) == 0 && strstr(p->messages[i], words))
            return true;
    return false;
}

#define CHECK_PROBLEM(problems, path, words)                                                       \
    do {                                                                                           \
        if (!has_problem(&(problems), (path), (words))) {                                          \
            fprintf(stderr, "%s:%d: no problem \"%s ... %s\" among %zu:\n", __FILE__, __LINE__,    \
                    (path), (words), (problems).count);                                            \
            for (size_t i_ = 0; i_ < (problems).count; i_++)                                       \
                fprintf(stderr, "    %s\n", (problems).messages[i_]);                              \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

static core_policy_model *default_policy(void)
{
    core_policy_model *policy = NULL;
    ld_error err;
    if (core_policy_model_load(DEFAULT_POLICY, &policy, &err) != LD_OK)
        fprintf(stderr, "default policy: %s\n", err.message);
    return policy;
}

/* A sound salaried borrower asking for 300,000 yuan over 36 months. */
static void good_individual(rating_input *in)
{
    rating_input_init(in, CORE_RATING_INDIVIDUAL);
    in->identity_valid = true;
    in->age_at_maturity = 43;
    in->annual_income = 36000000; /* 360,000 yuan */
    in->requested_amount = 30000000;
    in->requested_term_months = 36;
    rating_input_set_number(in, CORE_RATING_F_DTI_AFTER_LOAN, 0.25);
    rating_input_set_number(in, CORE_RATING_F_WORST_DPD_24M, 0);
    rating_input_set_number(in, CORE_RATING_F_AGE, 40);
    rating_input_set_number(in, CORE_RATING_F_YEARS_EMPLOYED, 6);
    rating_input_set_category(in, CORE_RATING_F_EMPLOYMENT_TYPE, "employee");
    rating_input_set_category(in, CORE_RATING_F_HOUSING, "mortgage");
    rating_input_set_category(in, CORE_RATING_F_EDUCATION, "bachelor");
    rating_input_set_number(in, CORE_RATING_F_INQUIRIES_6M, 1);
    rating_input_set_number(in, CORE_RATING_F_CARD_UTILISATION, 0.2);
    rating_input_set_number(in, CORE_RATING_F_COLLATERAL_COVER, 0);
    rating_input_set_number(in, CORE_RATING_F_GUARANTOR_COVER, 0);
    rating_input_set_number(in, CORE_RATING_F_LOAN_TO_INCOME, 0.83);
}

static const rating_factor_result *factor_of(const rating_result *r, core_rating_feature feature)
{
    for (size_t i = 0; i < r->factor_count; i++)
        if (r->factors[i].feature == feature)
            return &r->factors[i];
    return NULL;
}

static bool hit(const rating_result *r, core_rating_knockout rule)
{
    for (size_t i = 0; i < r->knockout_count; i++)
        if (r->knockouts[i].rule == rule)
            return true;
    return false;
}

/* ---- policy files ------------------------------------------------------------- */

static void default_policy_loads_and_checks_clean(void)
{
    core_policy_problems problems = {0};
    ld_error err;
    CHECK_INT(core_policy_model_check_file(DEFAULT_POLICY, &problems, &err), LD_OK);
    CHECK_INT(problems.count, 0);
    for (size_t i = 0; i < problems.count; i++)
        fprintf(stderr, "    %s\n", problems.messages[i]);
    core_policy_problems_free(&problems);

    core_policy_model *policy = default_policy();
    CHECK(policy != NULL);
    if (policy == NULL)
        return;
    CHECK_STR(core_policy_model_version(policy), "2025.06-1");
    CHECK_INT(strlen(core_policy_model_sha256(policy)), 64);
    CHECK_INT(core_policy_model_lpr_one_year(policy), 30000);
    CHECK_INT(core_policy_model_lpr_five_year(policy), 35000);
    CHECK_STR(core_policy_model_lpr_effective(policy), "2025-05-20");
    CHECK(core_policy_model_has_scorecard(policy, CORE_RATING_INDIVIDUAL));
    CHECK(core_policy_model_has_scorecard(policy, CORE_RATING_ENTERPRISE));
    core_policy_model_free(policy);
}

static void policy_hash_is_of_the_exact_bytes(void)
{
    size_t length;
    char *text = read_all(DEFAULT_POLICY, &length);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    core_policy_model *a = NULL, *b = NULL, *c = NULL;
    ld_error err;
    CHECK_INT(core_policy_model_load_buffer(text, length, &a, &err), LD_OK);
    CHECK_INT(core_policy_model_load_buffer(text, length, &b, &err), LD_OK);
    /* One more trailing space: the same policy, a different file. */
    char *spaced = malloc(length + 2);
    memcpy(spaced, text, length);
    spaced[length] = ' ';
    spaced[length + 1] = '\0';
    CHECK_INT(core_policy_model_load_buffer(spaced, length + 1, &c, &err), LD_OK);
    if (a && b && c) {
        CHECK_STR(core_policy_model_sha256(a), core_policy_model_sha256(b));
        CHECK(strcmp(core_policy_model_sha256(a), core_policy_model_sha256(c)) != 0);
    }
    /* The SHA-256 of the empty string is well known; the buffer is not a policy. */
    core_policy_model *empty = NULL;
    CHECK_INT(core_policy_model_load_buffer("", 0, &empty, &err), LD_EINVAL);
    CHECK(empty == NULL);
    core_policy_model_free(a);
    core_policy_model_free(b);
    core_policy_model_free(c);
    free(spaced);
    free(text);
}

static void policy_load_reports_missing_file_and_bad_json(void)
{
    core_policy_model *policy = NULL;
    ld_error err;
    CHECK_INT(core_policy_model_load("/nonexistent/policy.json", &policy, &err), LD_ENOTFOUND);
    CHECK(policy == NULL);
    CHECK_INT(core_policy_model_load_buffer("{\"version\": ", 12, &policy, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "not valid JSON");
    CHECK_INT(core_policy_model_load_buffer("[1,2]", 5, &policy, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "$: must be a JSON object");
}

static void policy_check_finds_grade_overlap_gap_and_open_ends(void)
{
    cJSON *root = default_json();
    set_number(root, "grades/3", "max_score", 690); /* BBB reaches into A (680..) */
    set_number(root, "grades/5", "max_score", 590); /* B stops short of BB (600) */
    set_number(root, "grades/0", "max_score", 900); /* AAA closed above */
    set_number(root, "grades/9", "min_score", 300); /* D closed below */
    core_policy_problems p = check_json(root);
    CHECK_PROBLEM(p, "$.grades[3].max_score", "overlaps grades[2]");
    CHECK_PROBLEM(p, "$.grades[5].max_score", "gap below grades[4]");
    CHECK_PROBLEM(p, "$.grades[0].max_score", "fall in no grade");
    CHECK_PROBLEM(p, "$.grades[9].min_score", "fall in no grade");
    CHECK_INT(p.count, 4);
    core_policy_problems_free(&p);
    cJSON_Delete(root);
}

static void policy_check_finds_pd_not_increasing(void)
{
    cJSON *root = default_json();
    set_string(root, "grades/4", "pd", "0.50"); /* BB below BBB's 0.70 */
    core_policy_problems p = check_json(root);
    CHECK_PROBLEM(p, "$.grades[4].pd", "not above grades[3].pd");
    /* B (2.75) is above 0.50, so only the one grade is named. */
    CHECK_INT(p.count, 1);
    core_policy_problems_free(&p);
    cJSON_Delete(root);
}

static void policy_check_finds_bin_gap_overlap_and_uncovered_ends(void)
{
    cJSON *root = default_json();
    const char *f = "scorecards/individual/factors";
    char path[128];
    snprintf(path, sizeof path, "%s/0/bins/1", f); /* dti: [0.2, ...) -> [0.25, ...) */
    set_number(root, path, "min", 0.25);
    snprintf(path, sizeof path, "%s/2/bins/2", f); /* age: [35, 50) -> [30, 50) */
    set_number(root, path, "min", 30);
    snprintf(path, sizeof path, "%s/3/bins/0", f); /* years_employed: -inf -> 0 */
    set_number(root, path, "min", 0);
    snprintf(path, sizeof path, "%s/7/bins/3", f); /* inquiries: +inf -> 20 */
    set_number(root, path, "max", 20);
    core_policy_problems p = check_json(root);
    CHECK_PROBLEM(p, "$.scorecards.individual.factors[0].bins[1].min", "gap after bins[0]");
    CHECK_PROBLEM(p, "$.scorecards.individual.factors[2].bins[2].min", "overlaps bins[1]");
    CHECK_PROBLEM(p, "$.scorecards.individual.factors[3].bins[0].min", "fall in no bin");
    CHECK_PROBLEM(p, "$.scorecards.individual.factors[7].bins[3].max", "fall in no bin");
    CHECK_INT(p.count, 4);
    core_policy_problems_free(&p);
    cJSON_Delete(root);
}

static void policy_check_finds_unknown_feature_and_category_faults(void)
{
    cJSON *root = default_json();
    set_string(root, "scorecards/enterprise/factors/0", "feature", "debt_to_equity");
    /* housing: "rent" listed again in the "own" bin */
    cJSON *own = at(root, "scorecards/individual/factors/5/bins/0/categories");
    cJSON_AddItemToArray(own, cJSON_CreateString("rent"));
    /* education without its else bin */
    cJSON_DeleteItemFromObjectCaseSensitive(at(root, "scorecards/individual/factors/6"), "else");
    /* a misspelt key is reported, not ignored */
    set_number(root, "scorecards/individual/factors/1", "specials", 1);
    core_policy_problems p = check_json(root);
    CHECK_PROBLEM(p, "$.scorecards.enterprise.factors[0].feature", "unknown feature");
    CHECK_PROBLEM(p, "$.scorecards.individual.factors[5].bins[3].categories[0]",
                  "\"rent\" overlaps bins[0]");
    CHECK_PROBLEM(p, "$.scorecards.individual.factors[6].else", "unseen categories");
    CHECK_PROBLEM(p, "$.scorecards.individual.factors[1].specials", "unknown field");
    core_policy_problems_free(&p);
    cJSON_Delete(root);
}

static void policy_check_finds_rates_above_four_times_lpr(void)
{
    cJSON *root = default_json();
    set_string(root, "grades/6", "rate_spread", "9.50"); /* 3.0 + 9.5 > 12.0 */
    set_string(root, "grades/0", "rate_spread", "8.60"); /* 120 months: 3.5 + 8.6 > 12.0 */
    set_string(root, "pricing", "rate_ceiling", "12.5");
    core_policy_problems p = check_json(root);
    CHECK_PROBLEM(p, "$.grades[6].rate_spread", "exceeds 4 x the 1-year LPR (12.0000)");
    CHECK_PROBLEM(p, "$.grades[0].rate_spread", "= 12.1000 exceeds");
    CHECK_PROBLEM(p, "$.pricing.rate_ceiling", "exceeds 4 x the 1-year LPR");
    CHECK_INT(p.count, 3);
    core_policy_problems_free(&p);
    cJSON_Delete(root);
}

static void policy_check_rejects_money_as_json_number(void)
{
    cJSON *root = default_json();
    set_number(root, "grades/1", "max_amount", 30000000);
    set_string(root, "ltv_caps", "vehicle", "50.12345");
    set_string(root, "knockouts/rules/2", "rule", "too_old");
    core_policy_problems p = check_json(root);
    CHECK_PROBLEM(p, "$.grades[1].max_amount", "not a JSON number");
    CHECK_PROBLEM(p, "$.ltv_caps.vehicle", "at most 4 decimals");
    CHECK_PROBLEM(p, "$.knockouts.rules[2].rule", "unknown rule");
    core_policy_problems_free(&p);
    cJSON_Delete(root);
}

static void policy_check_reports_every_problem_at_once(void)
{
    cJSON *root = default_json();
    set_number(root, "grades/3", "max_score", 690);
    set_string(root, "grades/4", "pd", "0.50");
    set_number(root, "scorecards/individual/factors/0/bins/1", "min", 0.25);
    set_string(root, "scorecards/enterprise/factors/0", "feature", "nonsense");
    set_string(root, "grades/6", "rate_spread", "9.50");
    cJSON_DeleteItemFromObjectCaseSensitive(root, "lpr");
    core_policy_problems p = check_json(root);
    /* Without an LPR the rate checks cannot run; the other four stay. */
    CHECK_PROBLEM(p, "$.lpr", "is missing");
    CHECK_PROBLEM(p, "$.grades[3].max_score", "overlaps");
    CHECK_PROBLEM(p, "$.grades[4].pd", "not above");
    CHECK_PROBLEM(p, "$.scorecards.individual.factors[0].bins[1].min", "gap");
    CHECK_PROBLEM(p, "$.scorecards.enterprise.factors[0].feature", "unknown feature");
    core_policy_model *policy = load_json(root);
    CHECK(policy == NULL);
    core_policy_problems_free(&p);
    cJSON_Delete(root);
}

/* ---- the scorer --------------------------------------------------------------- */

static void scorer_rates_a_sound_borrower_within_terms(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    rating_input in;
    good_individual(&in);
    rating_result r;
    ld_error err;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    /* 200 + 48 + 60 + 45 + 45 + 40 + 40 + 40 + 38 + 45 + 20 + 20 + 45 */
    CHECK_INT(r.score, 686);
    CHECK_STR(r.grade, "A");
    CHECK_INT(r.pd, 3500);
    CHECK_INT(r.decision, CORE_RATING_APPROVE);
    CHECK_INT(r.knockout_count, 0);
    CHECK_INT(r.factor_count, 12);
    /* A: min(20,000,000 cap; 6 x 360,000 income; 0 cover + 2,000,000 unsecured) */
    CHECK_INT(r.max_amount, 200000000);
    CHECK_INT(r.recommended_amount, 30000000);
    CHECK_INT(r.recommended_term_months, 36);
    CHECK_INT(r.max_term_months, 96);
    CHECK(!r.lpr_five_year);
    CHECK_INT(r.rate, 37000); /* 3.0 + 0.70 */
    CHECK_INT(r.fee_method, CORE_RATING_FEE_UPFRONT);
    CHECK_INT(r.fee_amount, 90000); /* 0.3 % of 300,000.00 */
    CHECK_STR(r.policy_sha256, core_policy_model_sha256(policy));
    core_policy_model_free(policy);
}

static void scorer_bins_numeric_values_half_open(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    static const struct {
        double dti;
        int points;
        const char *label;
    } cases[] = {
        {-1.0, 60, "< 20%"}, {0.0, 60, "< 20%"},       {0.19999, 60, "< 20%"},
        {0.2, 48, "20-35%"}, {0.35, 30, "35-50%"},     {0.4999999, 30, "35-50%"},
        {0.5, 10, ">= 50%"}, {INFINITY, 10, ">= 50%"}, {-INFINITY, 60, "< 20%"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rating_input in;
        good_individual(&in);
        rating_input_set_number(&in, CORE_RATING_F_DTI_AFTER_LOAN, cases[i].dti);
        rating_result r;
        ld_error err;
        CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
        const rating_factor_result *f = factor_of(&r, CORE_RATING_F_DTI_AFTER_LOAN);
        CHECK_INT(f->points, cases[i].points);
        CHECK_STR(f->bin_label, cases[i].label);
        CHECK_INT(f->bin_kind, RATING_BIN_RANGE);
    }
    core_policy_model_free(policy);
}

static void scorer_uses_special_missing_and_else_bins_not_neighbours(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    rating_input in;
    rating_result r;
    ld_error err;

    /* -1 is "no credit history", a special value: not the [-inf, 1) bin it lies in. */
    good_individual(&in);
    rating_input_set_number(&in, CORE_RATING_F_WORST_DPD_24M, -1);
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    const rating_factor_result *f = factor_of(&r, CORE_RATING_F_WORST_DPD_24M);
    CHECK_INT(f->bin_kind, RATING_BIN_SPECIAL);
    CHECK_INT(f->points, 30);
    CHECK_STR(f->bin_label, "no credit history");
    /* -2 is no special value: the ordinary bin. */
    rating_input_set_number(&in, CORE_RATING_F_WORST_DPD_24M, -2);
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(factor_of(&r, CORE_RATING_F_WORST_DPD_24M)->bin_kind, RATING_BIN_RANGE);
    CHECK_INT(factor_of(&r, CORE_RATING_F_WORST_DPD_24M)->points, 60);

    /* NaN is missing, never a bin; years_employed missing gives its 15 points. */
    good_individual(&in);
    rating_input_set_number(&in, CORE_RATING_F_YEARS_EMPLOYED, NAN);
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    f = factor_of(&r, CORE_RATING_F_YEARS_EMPLOYED);
    CHECK_INT(f->bin_kind, RATING_BIN_MISSING);
    CHECK(f->missing);
    CHECK_INT(f->points, 15);
    CHECK_INT(r.decision, CORE_RATING_APPROVE);

    /* A missing DTI says "refer": the worst points and a referral. */
    good_individual(&in);
    in.features[CORE_RATING_F_DTI_AFTER_LOAN].present = false;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    f = factor_of(&r, CORE_RATING_F_DTI_AFTER_LOAN);
    CHECK_INT(f->bin_kind, RATING_BIN_MISSING);
    CHECK(f->refer);
    CHECK_INT(f->points, 10);
    CHECK_INT(r.decision, CORE_RATING_REFER);
    CHECK(hit(&r, CORE_RATING_KO_FACTOR_REFER));
    CHECK_CONTAINS(r.knockouts[0].detail, "dti_after_loan: missing");

    /* An unseen category takes the else bin, not the first or last bin. */
    good_individual(&in);
    rating_input_set_category(&in, CORE_RATING_F_EMPLOYMENT_TYPE, "astronaut");
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    f = factor_of(&r, CORE_RATING_F_EMPLOYMENT_TYPE);
    CHECK_INT(f->bin_kind, RATING_BIN_ELSE);
    CHECK_INT(f->points, 15);
    CHECK_STR(f->category, "astronaut");
    /* Categories match exactly: case and spaces matter. */
    rating_input_set_category(&in, CORE_RATING_F_EMPLOYMENT_TYPE, "Employee");
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(factor_of(&r, CORE_RATING_F_EMPLOYMENT_TYPE)->bin_kind, RATING_BIN_ELSE);
    /* An empty category is missing, not else. */
    rating_input_set_category(&in, CORE_RATING_F_EMPLOYMENT_TYPE, "");
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(factor_of(&r, CORE_RATING_F_EMPLOYMENT_TYPE)->bin_kind, RATING_BIN_MISSING);
    /* Each listed category of a multi-category bin lands in it. */
    rating_input_set_category(&in, CORE_RATING_F_EMPLOYMENT_TYPE, "state_enterprise");
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(factor_of(&r, CORE_RATING_F_EMPLOYMENT_TYPE)->points, 55);

    /* Enterprise industry class "6" is unseen and its else bin refers. */
    rating_input_init(&in, CORE_RATING_ENTERPRISE);
    in.identity_valid = true;
    rating_input_set_category(&in, CORE_RATING_F_INDUSTRY_RISK_CLASS, "6");
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    f = factor_of(&r, CORE_RATING_F_INDUSTRY_RISK_CLASS);
    CHECK_INT(f->bin_kind, RATING_BIN_ELSE);
    CHECK(f->refer);
    CHECK_INT(f->points, 0);
    CHECK_INT(r.decision, CORE_RATING_DECLINE); /* missing everything: a low grade */
    core_policy_model_free(policy);
}

static void scorer_grade_boundaries_are_half_open(void)
{
    cJSON *root = default_json();
    /* The sound borrower scores 486 + base points: move the base to land on 760. */
    set_number(root, "scorecards/individual", "base_points", 760 - 486);
    core_policy_model *at_760 = load_json(root);
    set_number(root, "scorecards/individual", "base_points", 759 - 486);
    core_policy_model *at_759 = load_json(root);
    set_number(root, "scorecards/individual", "base_points", 439 - 486);
    core_policy_model *at_439 = load_json(root);
    cJSON_Delete(root);
    CHECK(at_760 && at_759 && at_439);
    if (at_760 && at_759 && at_439) {
        rating_input in;
        good_individual(&in);
        rating_result r;
        ld_error err;
        CHECK_INT(rating_score(at_760, &in, &r, &err), LD_OK);
        CHECK_INT(r.score, 760);
        CHECK_STR(r.grade, "AAA");
        CHECK_INT(rating_score(at_759, &in, &r, &err), LD_OK);
        CHECK_STR(r.grade, "AA");
        CHECK_INT(rating_score(at_439, &in, &r, &err), LD_OK);
        CHECK_STR(r.grade, "D");
        CHECK_INT(r.decision, CORE_RATING_DECLINE);
        CHECK(hit(&r, CORE_RATING_KO_GRADE_NO_LENDING));
        CHECK_INT(r.max_amount, 0);
    }
    core_policy_model_free(at_760);
    core_policy_model_free(at_759);
    core_policy_model_free(at_439);
}

static void scorer_applies_each_knockout(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    rating_input in;
    rating_result r;
    ld_error err;

    good_individual(&in);
    in.identity_valid = false;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_INVALID_IDENTITY));
    CHECK_INT(r.decision, CORE_RATING_DECLINE);

    good_individual(&in);
    in.blocklisted = true;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_BLOCKLISTED));
    CHECK_INT(r.decision, CORE_RATING_DECLINE);

    /* Age: under the minimum now, over the maximum at maturity, the product's own
     * maximum, and unknown. 65 at maturity is allowed, 66 is not. */
    good_individual(&in);
    rating_input_set_number(&in, CORE_RATING_F_AGE, 17);
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_AGE_AT_MATURITY));
    good_individual(&in);
    in.age_at_maturity = 65;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(!hit(&r, CORE_RATING_KO_AGE_AT_MATURITY));
    in.age_at_maturity = 66;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_AGE_AT_MATURITY));
    CHECK_CONTAINS(r.knockouts[0].detail, "66 > maximum 65");
    in.age_at_maturity = 61;
    in.product_max_age = 60;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_AGE_AT_MATURITY));
    good_individual(&in);
    in.age_at_maturity = -1;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_AGE_AT_MATURITY));

    good_individual(&in);
    in.net_assets_known = true;
    in.net_assets = -1;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_NEGATIVE_NET_ASSETS));
    CHECK_INT(r.decision, CORE_RATING_DECLINE);

    /* DTI cap 55 %: 0.55 passes, 0.5501 refers. */
    good_individual(&in);
    rating_input_set_number(&in, CORE_RATING_F_DTI_AFTER_LOAN, 0.55);
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(!hit(&r, CORE_RATING_KO_DTI_OVER_CAP));
    rating_input_set_number(&in, CORE_RATING_F_DTI_AFTER_LOAN, 0.5501);
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_DTI_OVER_CAP));
    CHECK_INT(r.decision, CORE_RATING_REFER);

    /* Real estate LTV cap 70 %: 700,000 on 1,000,000 passes, one fen more refers. */
    good_individual(&in);
    in.collateral_count = 1;
    in.collateral[0] = (rating_collateral){RATING_COLL_REAL_ESTATE, 100000000, 70000000};
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(!hit(&r, CORE_RATING_KO_COLLATERAL_OVER_LTV));
    in.collateral[0].secured_amount = 70000001;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_COLLATERAL_OVER_LTV));
    CHECK_INT(r.decision, CORE_RATING_REFER);

    /* Guarantor capacity = net assets - outstanding guarantees. */
    good_individual(&in);
    in.guarantor_count = 1;
    in.guarantors[0] = (rating_guarantor){50000000, 20000000, 30000000};
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(!hit(&r, CORE_RATING_KO_GUARANTOR_SHORT));
    in.guarantors[0].amount_guaranteed = 30000001;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(hit(&r, CORE_RATING_KO_GUARANTOR_SHORT));

    /* Decline outranks refer whatever the order of the hits. */
    in.identity_valid = false;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.decision, CORE_RATING_DECLINE);
    core_policy_model_free(policy);
}

static void scorer_ranks_reason_codes_by_points_lost(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    rating_input in;
    good_individual(&in);
    /* Points lost against each factor's best: */
    rating_input_set_number(&in, CORE_RATING_F_INQUIRIES_6M, 7);        /* 45 -> 5: 40 */
    rating_input_set_number(&in, CORE_RATING_F_CARD_UTILISATION, 0.95); /* 45 -> 5: 40 */
    rating_input_set_number(&in, CORE_RATING_F_COLLATERAL_COVER, 0);    /* 55 -> 20: 35 */
    rating_input_set_number(&in, CORE_RATING_F_LOAN_TO_INCOME, 7);      /* 45 -> 8: 37 */
    rating_input_set_number(&in, CORE_RATING_F_YEARS_EMPLOYED, 0.5);    /* 50 -> 10: 40 */
    rating_result r;
    ld_error err;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.reason_count, 4);
    /* Ties keep the scorecard's order: years_employed, inquiries, card, then 37. */
    CHECK_STR(r.reasons[0].code, "years_employed");
    CHECK_STR(r.reasons[1].code, "inquiries_6m");
    CHECK_STR(r.reasons[2].code, "card_utilisation");
    CHECK_STR(r.reasons[3].code, "loan_to_income");
    CHECK_INT(r.reasons[0].points_lost, 40);
    CHECK_INT(r.reasons[3].points_lost, 37);
    CHECK_STR(r.reasons[1].zh, "近期征信查询次数较多");
    CHECK_STR(r.reasons[1].en, "Many recent credit inquiries");
    for (size_t i = 0; i < r.factor_count; i++)
        CHECK(r.factors[i].points <= r.factors[i].best_points);

    /* A borrower at every factor's best has no reasons. */
    rating_input best;
    good_individual(&best);
    rating_input_set_number(&best, CORE_RATING_F_DTI_AFTER_LOAN, 0.1);
    rating_input_set_number(&best, CORE_RATING_F_AGE, 40);
    rating_input_set_number(&best, CORE_RATING_F_YEARS_EMPLOYED, 12);
    rating_input_set_category(&best, CORE_RATING_F_EMPLOYMENT_TYPE, "civil_servant");
    rating_input_set_category(&best, CORE_RATING_F_HOUSING, "own");
    rating_input_set_category(&best, CORE_RATING_F_EDUCATION, "postgraduate");
    rating_input_set_number(&best, CORE_RATING_F_INQUIRIES_6M, 0);
    rating_input_set_number(&best, CORE_RATING_F_CARD_UTILISATION, 0.1);
    rating_input_set_number(&best, CORE_RATING_F_COLLATERAL_COVER, 1.5);
    rating_input_set_number(&best, CORE_RATING_F_GUARANTOR_COVER, 1.0);
    rating_input_set_number(&best, CORE_RATING_F_LOAN_TO_INCOME, 0.5);
    CHECK_INT(rating_score(policy, &best, &r, &err), LD_OK);
    CHECK_INT(r.reason_count, 0);
    CHECK_INT(r.score, 790);
    CHECK_STR(r.grade, "AAA");
    core_policy_model_free(policy);
}

static void scorer_takes_the_smallest_amount_limit_and_prices_by_term(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    rating_input in;
    rating_result r;
    ld_error err;
    good_individual(&in); /* grade A: cap 20,000,000; 6 x income; unsecured 2,000,000 */

    in.annual_income = 10000000; /* 100,000 yuan: 6 x = 600,000 binds */
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.max_amount, 60000000);

    in.annual_income = 1000000000; /* income no longer binds: cover does (unsecured 2M) */
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.max_amount, 200000000);

    /* Collateral 1,000,000 real estate at 70 % + a 500,000 guarantee + 2,000,000. */
    in.collateral_count = 1;
    in.collateral[0] = (rating_collateral){RATING_COLL_REAL_ESTATE, 100000000, 0};
    in.guarantor_count = 1;
    in.guarantors[0] = (rating_guarantor){100000000, 0, 50000000};
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.max_amount, 70000000 + 50000000 + 200000000);

    in.product_max_amount = 25000000; /* the product binds */
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.max_amount, 25000000);
    CHECK_INT(r.recommended_amount, 25000000); /* below the 300,000 asked */

    /* Term: 60 months prices off the 1-year LPR, 61 off the 5-year. */
    in.requested_term_months = 60;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(!r.lpr_five_year);
    CHECK_INT(r.rate, 30000 + 7000);
    in.requested_term_months = 61;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK(r.lpr_five_year);
    CHECK_INT(r.rate, 35000 + 7000);
    in.requested_term_months = 200; /* beyond the grade's 96 months */
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.recommended_term_months, 96);
    in.product_max_term_months = 24;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.recommended_term_months, 24);

    /* Derived cover: 700,000 of capacity on 300,000 asked is 2.33. */
    good_individual(&in);
    in.features[CORE_RATING_F_COLLATERAL_COVER].present = false;
    in.features[CORE_RATING_F_GUARANTOR_COVER].present = false;
    in.collateral_count = 1;
    in.collateral[0] = (rating_collateral){RATING_COLL_REAL_ESTATE, 100000000, 0};
    rating_input_derive_cover(policy, &in);
    CHECK(fabs(in.features[CORE_RATING_F_COLLATERAL_COVER].number - 7.0 / 3.0) < 1e-12);
    CHECK(in.features[CORE_RATING_F_GUARANTOR_COVER].present);
    CHECK(in.features[CORE_RATING_F_GUARANTOR_COVER].number == 0.0);

    /* Bad input is an error naming the field; out is untouched. */
    good_individual(&in);
    in.requested_amount = -1;
    r.score = 12345;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "requested_amount");
    CHECK_INT(r.score, 12345);
    good_individual(&in);
    in.collateral_count = RATING_MAX_COLLATERAL + 1;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_EINVAL);
    core_policy_model_free(policy);
}

static void scorer_result_serialises_money_as_strings(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    rating_input in;
    good_individual(&in);
    rating_input_set_number(&in, CORE_RATING_F_INQUIRIES_6M, 7); /* 646: BBB */
    rating_result r;
    ld_error err;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    char *json = NULL;
    CHECK_INT(rating_result_to_json(&r, &json, &err), LD_OK);
    cJSON *root = json ? cJSON_Parse(json) : NULL;
    CHECK(root != NULL);
    if (root != NULL) {
        CHECK_STR(cJSON_GetObjectItem(root, "max_amount")->valuestring, "1000000.00");
        CHECK_STR(cJSON_GetObjectItem(root, "recommended_amount")->valuestring, "300000.00");
        CHECK_STR(cJSON_GetObjectItem(root, "rate")->valuestring, "4.1000");
        CHECK_STR(cJSON_GetObjectItem(root, "decision")->valuestring, "approve");
        CHECK_STR(cJSON_GetObjectItem(root, "policy_sha256")->valuestring,
                  core_policy_model_sha256(policy));
        cJSON *reasons = cJSON_GetObjectItem(root, "reasons");
        CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(reasons, 0), "code")->valuestring,
                  "inquiries_6m");
        CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(root, "factors")), 12);
        /* Stored with every rating and in the log's image of its row: no
         * indentation or line breaks, which were a fifth of its bytes. */
        char *compact = cJSON_PrintUnformatted(root);
        CHECK_STR(json, compact);
        free(compact);
    }
    cJSON_Delete(root);
    free(json);
    core_policy_model_free(policy);
}

static void scorer_refers_a_kind_without_scorecard(void)
{
    cJSON *root = default_json();
    cJSON_DeleteItemFromObjectCaseSensitive(at(root, "scorecards"), "enterprise");
    core_policy_model *policy = load_json(root);
    cJSON_Delete(root);
    CHECK(policy != NULL);
    if (policy == NULL)
        return;
    rating_input in;
    rating_input_init(&in, CORE_RATING_ENTERPRISE);
    in.identity_valid = true;
    rating_result r;
    ld_error err;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.decision, CORE_RATING_REFER);
    CHECK(hit(&r, CORE_RATING_KO_NO_SCORECARD));
    CHECK_INT(r.grade_index, -1);
    core_policy_model_free(policy);
}

/* ---- statistics: hand-computed cases ------------------------------------------ */

static bool near(double a, double b, double tolerance)
{
    return fabs(a - b) <= tolerance;
}

static void auc_counts_pairs_and_halves_ties(void)
{
    static const struct {
        double score[4];
        unsigned char bad[4];
        double auc;
    } cases[] = {
        /* goods 2,4 over bads 1,3: 3 of 4 pairs */
        {{1, 2, 3, 4}, {1, 0, 1, 0}, 0.75},
        /* each good ties one bad and beats or loses the other: 2 of 4 */
        {{1, 1, 2, 2}, {1, 0, 1, 0}, 0.5},
        /* goods 5,3 over bads 3,1: 2 + 1.5 of 4 */
        {{5, 3, 3, 1}, {0, 0, 1, 1}, 0.875},
        {{9, 8, 2, 1}, {0, 0, 1, 1}, 1.0},
        {{1, 2, 8, 9}, {0, 0, 1, 1}, 0.0},
        {{7, 7, 7, 7}, {0, 1, 0, 1}, 0.5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double auc = -1;
        ld_error err;
        CHECK_INT(rating_auc(cases[i].score, cases[i].bad, 4, &auc, &err), LD_OK);
        CHECK(near(auc, cases[i].auc, 1e-12));
    }
    double s[2] = {1, 2};
    unsigned char all_good[2] = {0, 0};
    double auc;
    ld_error err;
    CHECK_INT(rating_auc(s, all_good, 2, &auc, &err), LD_EINVAL);
}

static void ks_never_splits_a_group_of_equal_scores(void)
{
    ld_error err;
    double ks = -1;
    double s1[4] = {1, 2, 3, 4};
    unsigned char b1[4] = {1, 0, 1, 0};
    CHECK_INT(rating_ks(s1, b1, 4, &ks, &err), LD_OK);
    CHECK(near(ks, 0.5, 1e-12));
    /* Split between the bad and the good at score 1 the gap would read 1.0. */
    double s2[3] = {1, 1, 2};
    unsigned char b2[3] = {1, 0, 0};
    CHECK_INT(rating_ks(s2, b2, 3, &ks, &err), LD_OK);
    CHECK(near(ks, 0.5, 1e-12));
    double s3[4] = {1, 2, 8, 9};
    unsigned char b3[4] = {1, 1, 0, 0};
    CHECK_INT(rating_ks(s3, b3, 4, &ks, &err), LD_OK);
    CHECK(near(ks, 1.0, 1e-12));
}

static void psi_matches_hand_computation_and_verdicts(void)
{
    double e1[2] = {50, 50}, a1[2] = {25, 75};
    /* (0.25 - 0.5) ln 0.5 + (0.75 - 0.5) ln 1.5 */
    CHECK(near(rating_psi(e1, a1, 2), 0.25 * log(2.0) + 0.25 * log(1.5), 1e-12));
    CHECK(near(rating_psi(e1, e1, 2), 0, 1e-15));
    /* An empty expected bin is floored at 0.0001. */
    double e2[2] = {100, 0}, a2[2] = {90, 10};
    CHECK(near(rating_psi(e2, a2, 2), -0.1 * log(0.9) + 0.0999 * log(1000.0), 1e-12));
    /* Counts, not shares: scale does not matter. */
    double e3[3] = {1, 2, 3}, a3[3] = {10, 20, 30};
    CHECK(near(rating_psi(e3, a3, 3), 0, 1e-15));
    CHECK_STR(rating_psi_verdict(0.0999), "stable");
    CHECK_STR(rating_psi_verdict(0.10), "watch");
    CHECK_STR(rating_psi_verdict(0.25), "watch");
    CHECK_STR(rating_psi_verdict(0.2501), "shifted");
}

/* ---- CSV ------------------------------------------------------------------------ */

static void csv_reads_quotes_missing_values_and_types(void)
{
    const char *text = "id,name,\"amount, yuan\",industry_risk_class,note\r\n"
                       "1,\"Li, Wei\",12.5,3,\"said \"\"ok\"\"\"\r\n"
                       "2,Zhang,,4,\"two\nlines\"\r\n"
                       "\r\n"
                       "3,,-7e2,,plain\n";
    rating_csv *csv = NULL;
    ld_error err;
    CHECK_INT(rating_csv_parse(text, strlen(text), rating_csv_categorical_features(), &csv, &err),
              LD_OK);
    if (csv == NULL)
        return;
    CHECK_INT(csv->rows, 3);
    CHECK_INT(csv->column_count, 5);
    CHECK_STR(csv->columns[2].name, "amount, yuan");
    CHECK(csv->columns[0].numeric);
    CHECK(!csv->columns[1].numeric);
    CHECK(csv->columns[2].numeric);
    CHECK(csv->columns[2].numbers[0] == 12.5);
    CHECK(isnan(csv->columns[2].numbers[1]));
    CHECK(csv->columns[2].numbers[2] == -700);
    CHECK_STR(csv->columns[1].levels[csv->columns[1].codes[0]], "Li, Wei");
    CHECK_INT(csv->columns[1].codes[2], RATING_CSV_MISSING_CODE);
    /* Looks numeric, but a category: kept as text. */
    CHECK(!csv->columns[3].numeric);
    CHECK_STR(csv->columns[3].levels[csv->columns[3].codes[1]], "4");
    CHECK_STR(csv->columns[4].levels[csv->columns[4].codes[0]], "said \"ok\"");
    CHECK_STR(csv->columns[4].levels[csv->columns[4].codes[1]], "two\nlines");
    CHECK_INT(rating_csv_column_index(csv, "note"), 4);
    CHECK_INT(rating_csv_column_index(csv, "nope"), -1);
    rating_csv_free(csv);
}

static void csv_rejects_ragged_rows_and_bad_quotes(void)
{
    rating_csv *csv = NULL;
    ld_error err;
    const char *ragged = "a,b\n1,2\n3\n";
    CHECK_INT(rating_csv_parse(ragged, strlen(ragged), NULL, &csv, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "line 3: 1 fields, the header has 2");
    const char *open = "a,b\n1,\"2\n";
    CHECK_INT(rating_csv_parse(open, strlen(open), NULL, &csv, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "bad quoting");
    const char *stray = "a,b\n1,2\"x\n";
    CHECK_INT(rating_csv_parse(stray, strlen(stray), NULL, &csv, &err), LD_EINVAL);
    CHECK_INT(rating_csv_parse("", 0, NULL, &csv, &err), LD_EINVAL);
    const char *twice = "a,a\n1,2\n";
    CHECK_INT(rating_csv_parse(twice, strlen(twice), NULL, &csv, &err), LD_EINVAL);
    CHECK(csv == NULL);
    /* "nan" and hex are text, not numbers. */
    const char *odd = "a,b\nnan,0x10\n1,2\n";
    CHECK_INT(rating_csv_parse(odd, strlen(odd), NULL, &csv, &err), LD_OK);
    if (csv != NULL) {
        CHECK(!csv->columns[0].numeric);
        CHECK(!csv->columns[1].numeric);
    }
    rating_csv_free(csv);
}

/* A NUL byte would cut a text value short where levels are compared as C
 * strings, so "x\0y" and "x\0z" became two levels that read "x": a file
 * holding one is not text and is refused, naming its line. */
static void csv_refuses_nul_bytes_naming_the_line(void)
{
    static const char text[] = "a,b\n1,x\0y\n2,x\0z\n";
    rating_csv *csv = NULL;
    ld_error err;
    CHECK_INT(rating_csv_parse(text, sizeof text - 1, NULL, &csv, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "line 2");
    CHECK(csv == NULL);
    rating_csv_free(csv);
    static const char header[] = "a\0x,a\0y\n1,2\n";
    CHECK_INT(rating_csv_parse(header, sizeof header - 1, NULL, &csv, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "line 1");
    rating_csv_free(csv);
}

/* ---- validation on a data set ---------------------------------------------------- */

static void validate_reports_grades_and_flags_non_monotone(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    /* Only dti_after_loan is known: 0.1 scores 467 (C), 0.6 scores 417 (D). */
    const char *text = "dti_after_loan,bad\n0.1,1\n0.1,0\n0.6,0\n0.6,0\n";
    rating_csv *csv = NULL;
    ld_error err;
    CHECK_INT(rating_csv_parse(text, strlen(text), NULL, &csv, &err), LD_OK);
    rating_validation v;
    CHECK_INT(rating_validate(policy, CORE_RATING_INDIVIDUAL, csv, "bad", &v, &err), LD_OK);
    CHECK_INT(v.rows, 4);
    CHECK_INT(v.bads, 1);
    CHECK_INT(v.grades[8].count, 2);
    CHECK_INT(v.grades[8].bads, 1);
    CHECK_INT(v.grades[9].count, 2);
    CHECK(!v.grades[8].non_monotone);
    CHECK(v.grades[9].non_monotone);
    CHECK_INT(v.non_monotone_count, 1);
    CHECK_INT(v.grades[9].predicted_pd, 400000);
    CHECK(near(v.auc, 0.5 / 3, 1e-12));
    CHECK(near(v.gini, 2 * (0.5 / 3) - 1, 1e-12));
    CHECK(near(v.ks, 2.0 / 3, 1e-12));
    CHECK_INT(v.unmatched_features, 11);
    /* A target that is not 0/1 is named with its row. */
    const char *bad_target = "dti_after_loan,bad\n0.1,2\n";
    rating_csv *csv2 = NULL;
    CHECK_INT(rating_csv_parse(bad_target, strlen(bad_target), NULL, &csv2, &err), LD_OK);
    CHECK_INT(rating_validate(policy, CORE_RATING_INDIVIDUAL, csv2, "bad", &v, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "row 1");
    rating_csv_free(csv2);
    rating_csv_free(csv);
    core_policy_model_free(policy);
}

/* PD per grade against observed defaults: the exact binomial test as R's
 * binom.test gives it, and Hosmer-Lemeshow over the grades. */
static void validate_calibrates_pd_per_grade_and_hosmer_lemeshow(void)
{
    /* binom.test(3, 10, 0.1): 0.0701908264; (2, 200, 0.02): 0.4484256701;
     * (30, 1000, 0.02): 0.0309330668 */
    CHECK(near(rating_binomial_p(10, 3, 0.1), 0.0701908264, 1e-9));
    CHECK(near(rating_binomial_p(200, 2, 0.02), 0.4484256701, 1e-9));
    CHECK(near(rating_binomial_p(1000, 30, 0.02), 0.0309330668, 1e-9));
    CHECK(near(rating_binomial_p(0, 0, 0.3), 1, 1e-12));
    /* chi-square upper tails: 3.841459 on 1 is 0.05; exp(-3)(1 + 3) on 4 at 6;
     * 0.0752352461 on 5 at 10 */
    CHECK(near(rating_chi_square_p(3.841458820694124, 1), 0.05, 1e-9));
    CHECK(near(rating_chi_square_p(6, 4), 4 * exp(-3), 1e-12));
    CHECK(near(rating_chi_square_p(10, 5), 0.0752352461, 1e-9));
    CHECK(near(rating_chi_square_p(200, 5), 0, 1e-12));

    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    /* Two rows in C (PD 18.45 %, one bad) and two in D (PD 40 %, none). */
    const char *text = "dti_after_loan,bad\n0.1,1\n0.1,0\n0.6,0\n0.6,0\n";
    rating_csv *csv = NULL;
    ld_error err;
    CHECK_INT(rating_csv_parse(text, strlen(text), NULL, &csv, &err), LD_OK);
    rating_validation v;
    CHECK_INT(rating_validate(policy, CORE_RATING_INDIVIDUAL, csv, "bad", &v, &err), LD_OK);
    CHECK(near(v.grades[8].expected_bads, 0.369, 1e-12));
    CHECK(near(v.grades[9].expected_bads, 0.8, 1e-12));
    CHECK(near(v.grades[8].binomial_p, 0.33495975, 1e-9));
    CHECK(near(v.grades[9].binomial_p, 0.52, 1e-9));
    CHECK(near(v.grades[0].binomial_p, 1, 1e-12));
    /* (1 - 0.369)^2 / (0.369 x 0.8155) + 0.8^2 / (0.8 x 0.6) */
    CHECK(near(v.hosmer_lemeshow, 2.656481218398941, 1e-9));
    CHECK_INT(v.hl_degrees, 1);
    CHECK(near(v.hl_p, 0.10312865100022742, 1e-9));
    CHECK_INT(v.miscalibrated_count, 0);
    rating_csv_free(csv);
    core_policy_model_free(policy);
}

/* A missing fact is scored as the card's "missing" points and named as
 * missing, never given an assessed reason; the rule "missing_facts" refers
 * when a fact the policy names is missing. */
static void scorer_names_missing_facts_and_refers_when_the_policy_says(void)
{
    cJSON *root = default_json();
    cJSON *rules = at(root, "knockouts/rules");
    cJSON_AddItemToArray(rules, cJSON_Parse("{\"rule\": \"missing_facts\", \"action\": "
                                            "\"refer\", \"features\": [\"inquiries_6m\", "
                                            "\"housing\"]}"));
    core_policy_model *policy = load_json(root);
    CHECK(policy != NULL);
    if (policy == NULL) {
        cJSON_Delete(root);
        return;
    }
    rating_input in;
    good_individual(&in);
    rating_result r;
    ld_error err;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.missing_count, 0);
    CHECK_INT(r.decision, CORE_RATING_APPROVE);
    in.features[CORE_RATING_F_EMPLOYMENT_TYPE].present = false;
    in.features[CORE_RATING_F_INQUIRIES_6M].present = false;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.missing_count, 2);
    CHECK_STR(r.factors[r.missing[0]].name, "employment_type");
    CHECK_STR(r.factors[r.missing[1]].name, "inquiries_6m");
    CHECK_INT(r.decision, CORE_RATING_REFER);
    bool hit = false;
    for (size_t i = 0; i < r.knockout_count; i++)
        if (r.knockouts[i].rule == CORE_RATING_KO_MISSING_FACTS) {
            hit = true;
            CHECK_STR(r.knockouts[i].detail, "missing: inquiries_6m");
        }
    CHECK(hit);
    /* employment_type: missing 15 of best 55, the largest loss: the first reason. */
    CHECK_STR(r.reasons[0].code, "employment_type");
    CHECK(r.reasons[0].missing);
    char *json = NULL;
    CHECK_INT(rating_result_to_json(&r, &json, &err), LD_OK);
    CHECK_CONTAINS(json, "\"code\":\"missing:employment_type\"");
    CHECK_CONTAINS(json, "缺少数据：职业类型");
    CHECK_CONTAINS(json, "\"missing_facts\"");
    CHECK(strstr(json, "职业稳定性较弱") == NULL);
    free(json);
    core_policy_model_free(policy);
    /* The rule names known features, each once, and only it has a list. */
    cJSON *bad = cJSON_GetArrayItem(rules, cJSON_GetArraySize(rules) - 1);
    cJSON_ReplaceItemInObjectCaseSensitive(bad, "features",
                                           cJSON_Parse("[\"inquiries_6m\", \"shoe_size\", "
                                                       "\"inquiries_6m\"]"));
    cJSON_AddItemToObject(cJSON_GetArrayItem(rules, 0), "features", cJSON_Parse("[\"age\"]"));
    core_policy_problems problems = check_json(root);
    CHECK_PROBLEM(problems, "$.knockouts.rules[7].features[1]", "not a known feature");
    CHECK_PROBLEM(problems, "$.knockouts.rules[7].features[2]", "listed twice");
    CHECK_PROBLEM(problems, "$.knockouts.rules[0].features", "only the rule");
    core_policy_problems_free(&problems);
    cJSON_Delete(root);
}

/* An override forces the grade: PD, decision and terms follow it, the score
 * and the model's grade stay. */
static void scorer_forced_grade_prices_the_overridden_grade(void)
{
    core_policy_model *policy = default_policy();
    if (policy == NULL)
        return;
    rating_input in;
    good_individual(&in);
    rating_result r;
    ld_error err;
    in.forced_grade = 5; /* B */
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.score, 686);
    CHECK_INT(r.model_grade_index, 2); /* A */
    CHECK_STR(r.grade, "B");
    CHECK_INT(r.pd, 27500);
    CHECK_INT(r.rate, 53000); /* 3.0 + 2.30 */
    CHECK_INT(r.fee_method, CORE_RATING_FEE_PER_INSTALLMENT);
    CHECK_INT(r.recommended_term_months, 36);
    in.forced_grade = 7; /* CC: no lending */
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
    CHECK_INT(r.decision, CORE_RATING_DECLINE);
    CHECK_INT(r.recommended_amount, 0);
    in.forced_grade = 10;
    CHECK_INT(rating_score(policy, &in, &r, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "forced_grade");
    core_policy_model_free(policy);
}

/* The policy's own variables: declared, checked, scored like built-ins. */
static void policy_own_variables_are_checked_and_scored(void)
{
    cJSON *root = default_json();
    cJSON_AddItemToObject(
        root, "features",
        cJSON_Parse("[{\"name\": \"region\", \"type\": \"categorical\", \"zh\": \"地区\", "
                    "\"en\": \"Region\", \"values\": [\"north\", \"south\"]},"
                    "{\"name\": \"tenure\", \"type\": \"numeric\", \"zh\": \"账龄\", \"en\": "
                    "\"Tenure\", \"min\": 0, \"max\": 600}]"));
    cJSON_AddItemToArray(
        at(root, "scorecards/individual/factors"),
        cJSON_Parse("{\"feature\": \"region\", \"bins\": [{\"categories\": [\"north\"], "
                    "\"points\": 30}, {\"categories\": [\"south\"], \"points\": 10}], "
                    "\"else\": {\"points\": 0}, \"missing\": {\"points\": 12}}"));
    cJSON_AddItemToArray(
        at(root, "scorecards/individual/factors"),
        cJSON_Parse("{\"feature\": \"tenure\", \"bins\": [{\"max\": 24, \"points\": 5}, "
                    "{\"min\": 24, \"points\": 25}], \"missing\": {\"points\": 8}}"));
    core_policy_model *policy = load_json(root);
    CHECK(policy != NULL);
    if (policy != NULL) {
        core_rating_feature region, tenure;
        CHECK(core_policy_model_feature_from_name(policy, "region", &region));
        CHECK(core_policy_model_feature_from_name(policy, "tenure", &tenure));
        CHECK_INT(region, CORE_RATING_FEATURE_COUNT);
        CHECK(core_policy_model_feature_is_categorical(policy, region));
        CHECK_STR(core_policy_model_feature_zh(policy, tenure), "账龄");
        rating_input in;
        good_individual(&in);
        rating_result r;
        ld_error err;
        CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
        CHECK_INT(r.score, 686 + 12 + 8); /* both missing */
        rating_input_set_category(&in, region, "north");
        rating_input_set_number(&in, tenure, 30);
        CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
        CHECK_INT(r.score, 686 + 30 + 25);
        rating_input_set_category(&in, region, "south");
        rating_input_set_number(&in, tenure, 23.9);
        CHECK_INT(rating_score(policy, &in, &r, &err), LD_OK);
        CHECK_INT(r.score, 686 + 10 + 5);
        CHECK_STR(r.factors[12].name, "region");
        CHECK_STR(r.factors[12].en, "Region");
        /* Its default reason names it (20 points lost, among the four). */
        const rating_reason *reason = NULL;
        for (size_t i = 0; i < r.reason_count; i++)
            if (strcmp(r.reasons[i].code, "region") == 0)
                reason = &r.reasons[i];
        CHECK(reason != NULL && reason->points_lost == 20);
        if (reason != NULL)
            CHECK_STR(reason->en, "Region scores low");
        core_policy_model_free(policy);
    }
    /* Declarations are checked: a built-in's name, a bad type, no values. */
    cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
    cJSON_AddItemToArray(features, cJSON_Parse("{\"name\": \"housing\", \"type\": \"numeric\", "
                                               "\"zh\": \"x\", \"en\": \"x\"}"));
    cJSON_AddItemToArray(features, cJSON_Parse("{\"name\": \"Bad Name\", \"type\": \"text\", "
                                               "\"zh\": \"x\", \"en\": \"x\"}"));
    cJSON_AddItemToArray(features, cJSON_Parse("{\"name\": \"colour\", \"type\": "
                                               "\"categorical\", \"zh\": \"x\", \"en\": \"x\"}"));
    core_policy_problems problems = check_json(root);
    CHECK_PROBLEM(problems, "$.features[2].name", "is a built-in feature");
    CHECK_PROBLEM(problems, "$.features[3].name", "lowercase letters");
    CHECK_PROBLEM(problems, "$.features[3].type", "numeric");
    CHECK_PROBLEM(problems, "$.features[4].values", "allowed values");
    core_policy_problems_free(&problems);
    cJSON_Delete(root);
}

/* The sections core applies are read by core's reader for both modules, and
 * the checker still reports every problem in them at once. */
static void policy_check_reports_core_sections_through_one_reader(void)
{
    cJSON *root = default_json();
    set_string(root, "provision_rates", "loss", "10");
    set_string(root, "approval_authority/0", "role", "clerk");
    set_string(root, "ltv_caps", "yacht", "30");
    set_string(root, "lpr", "one_year", "0");
    core_policy_problems problems = {0};
    {
        cJSON *twice = default_json();
        cJSON *signals = cJSON_GetObjectItemCaseSensitive(twice, "risk_signals");
        cJSON_AddItemToArray(signals, cJSON_Duplicate(cJSON_GetArrayItem(signals, 0), true));
        problems = check_json(twice);
        CHECK_PROBLEM(problems, "$.risk_signals[12].code", "repeats risk_signals[0]");
        core_policy_problems_free(&problems);
        cJSON_Delete(twice);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(root, "risk_signals");
    problems = check_json(root);
    CHECK_PROBLEM(problems, "$.provision_rates.loss", "below the better class");
    CHECK_PROBLEM(problems, "$.approval_authority[0].role", "reviewer");
    CHECK_PROBLEM(problems, "$.ltv_caps.yacht", "unknown collateral type");
    CHECK_PROBLEM(problems, "$.lpr.one_year", "above zero");
    CHECK_PROBLEM(problems, "$.risk_signals", "is missing");
    core_policy_problems_free(&problems);
    /* Loading is the same parse: refused, naming the count and the first. */
    char *text = cJSON_PrintUnformatted(root);
    core_policy_model *refused = NULL;
    ld_error err;
    CHECK_INT(core_policy_model_load_buffer(text, strlen(text), &refused, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "5 problems");
    CHECK(refused == NULL);
    free(text);
    cJSON_Delete(root);
    /* A sound policy: the terms core reads are inside the model rating
     * scores from, and the pricing rules read them. */
    core_policy_model *policy = default_policy();
    root = default_json();
    text = cJSON_PrintUnformatted(root);
    if (policy != NULL) {
        const core_policy_terms *terms = &policy->terms;
        CHECK(core_policy_model_lpr(policy) == &terms->lpr);
        CHECK_INT(core_rate_legal_cap(&terms->lpr), 4 * core_policy_model_lpr_one_year(policy));
        CHECK_INT(core_lpr_for_term(&terms->lpr, 61), core_policy_model_lpr_five_year(policy));
        CHECK_INT(core_lpr_for_term(&terms->lpr, 60), core_policy_model_lpr_one_year(policy));
        /* pricing: rate_floor 3.00 %, rate_ceiling 10.00 % in the default */
        CHECK_INT(terms->band.floor, 30000);
        CHECK_INT(terms->band.ceiling, 100000);
    }
    core_rate_band band = {40000, 120000};
    CHECK_INT(core_rate_priced(30000, 5000, &band), 40000);
    CHECK_INT(core_rate_priced(30000, 100000, &band), 120000);
    CHECK_INT(core_rate_priced(30000, 50000, &band), 80000);
    free(text);
    cJSON_Delete(root);
    core_policy_model_free(policy);
}

/* ---- fitting data drawn from a known model ----------------------------------------- */

static uint64_t rng_state;

static double uniform(void)
{
    /* splitmix64: a fixed seed gives the same data on every platform. */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* logit P(bad) = -2 + 3 debt_to_asset - 1.5 current_ratio - 0.06 years
 *                + 0.15 (industry class - 3); quick_ratio is pure noise. */
static char *model_csv(size_t rows, uint64_t seed, double dta_shift, double *true_auc)
{
    rng_state = seed;
    size_t cap = rows * 64 + 128, used = 0;
    char *text = malloc(cap);
    double *logit = malloc(rows * sizeof *logit);
    unsigned char *bad = malloc(rows);
    used += (size_t)snprintf(text, cap,
                             "id,debt_to_asset,current_ratio,years_in_business,"
                             "industry_risk_class,quick_ratio,bad\n");
    for (size_t r = 0; r < rows; r++) {
        double dta = 0.1 + 0.85 * uniform() + dta_shift;
        double cr = 0.3 + 2.7 * uniform();
        double yib = floor(20 * uniform());
        int cls = 1 + (int)(5 * uniform());
        double qr = 0.2 + 2 * uniform();
        bool cr_missing = uniform() < 0.05;
        double z = -2 + 3 * dta - 1.5 * (cr_missing ? 1.65 : cr) - 0.06 * yib + 0.15 * (cls - 3);
        logit[r] = -z;
        bad[r] = uniform() < 1 / (1 + exp(-z));
        char cr_text[32] = "";
        if (!cr_missing)
            snprintf(cr_text, sizeof cr_text, "%.4f", cr);
        used += (size_t)snprintf(text + used, cap - used, "%zu,%.4f,%s,%.0f,%d,%.4f,%d\n", r, dta,
                                 cr_text, yib, cls, qr, bad[r]);
    }
    if (true_auc != NULL) {
        ld_error err;
        rating_auc(logit, bad, rows, true_auc, &err);
    }
    free(logit);
    free(bad);
    return text;
}

static const rating_fit_column *fit_column(const rating_fit_report *report, const char *name)
{
    for (size_t i = 0; i < report->column_count; i++)
        if (strcmp(report->columns[i].name, name) == 0)
            return &report->columns[i];
    return NULL;
}

/* Points of a factor for a value, through the policy written by fit. */
static int points_for(const core_policy_model *policy, core_rating_feature feature, double value,
                      const char *category)
{
    rating_value values[CORE_RATING_VALUE_COUNT];
    memset(values, 0, sizeof values);
    int s0, s1, grade;
    ld_rate pd;
    ld_error err;
    rating_score_only(policy, CORE_RATING_ENTERPRISE, values, &s0, &grade, &pd, &err);
    values[feature].present = true;
    values[feature].number = value;
    if (category != NULL)
        snprintf(values[feature].category, CORE_RATING_CATEGORY_MAX, "%s", category);
    rating_score_only(policy, CORE_RATING_ENTERPRISE, values, &s1, &grade, &pd, &err);
    /* The same minus the factor's missing points. */
    values[feature].present = false;
    return s1 - s0;
}

static void fit_recovers_a_known_logistic_model(void)
{
    double true_auc = 0;
    char *text = model_csv(40000, 20250601, 0, &true_auc);
    rating_csv *csv = NULL;
    ld_error err;
    CHECK_INT(rating_csv_parse(text, strlen(text), rating_csv_categorical_features(), &csv, &err),
              LD_OK);
    free(text);
    size_t base_length;
    char *base = read_all(DEFAULT_POLICY, &base_length);
    rating_fit_options opt;
    rating_fit_options_default(&opt);
    opt.kind = CORE_RATING_ENTERPRISE;
    char *policy_text = NULL;
    rating_fit_report report;
    CHECK_INT(rating_fit(csv, "bad", &opt, base, base_length, &policy_text, &report, &err), LD_OK);
    if (policy_text == NULL) {
        fprintf(stderr, "fit: %s\n", err.message);
        free(base);
        rating_csv_free(csv);
        return;
    }
    const rating_fit_column *dta = fit_column(&report, "debt_to_asset");
    const rating_fit_column *cr = fit_column(&report, "current_ratio");
    const rating_fit_column *yib = fit_column(&report, "years_in_business");
    const rating_fit_column *cls = fit_column(&report, "industry_risk_class");
    const rating_fit_column *qr = fit_column(&report, "quick_ratio");
    const rating_fit_column *id = fit_column(&report, "id");
    CHECK(dta && cr && yib && cls && qr && id);
    if (!(dta && cr && yib && cls && qr && id))
        return;
    /* Kept: the four with an effect; the noise column and the id are not. */
    CHECK(dta->kept && cr->kept && yib->kept && cls->kept);
    CHECK(!qr->kept);
    CHECK(qr->iv < 0.02);
    CHECK(!id->kept);
    /* Information value follows the size of each effect (sd of its logit part). */
    CHECK(cr->iv > dta->iv);
    CHECK(dta->iv > yib->iv);
    CHECK(yib->iv > cls->iv);
    /* WoE coefficients are negative and near one for a well-specified model. */
    CHECK(dta->coefficient < 0 && cr->coefficient < 0 && yib->coefficient < 0 &&
          cls->coefficient < 0);
    CHECK(near(dta->coefficient, -1, 0.3));
    CHECK(near(cr->coefficient, -1, 0.3));
    /* AUC close to what the generating model itself reaches. */
    CHECK(report.auc > true_auc - 0.02);
    CHECK(report.auc <= true_auc + 0.01);

    /* The written policy loads, and its points run the way the model says:
     * more debt, fewer points; more liquidity and years, more points; a riskier
     * industry class, fewer points. */
    core_policy_model *fitted = NULL;
    CHECK_INT(core_policy_model_load_buffer(policy_text, strlen(policy_text), &fitted, &err),
              LD_OK);
    if (fitted != NULL) {
        CHECK_STR(core_policy_model_version(fitted), "2025.06-1+fit");
        CHECK(points_for(fitted, CORE_RATING_F_DEBT_TO_ASSET, 0.15, NULL) >
              points_for(fitted, CORE_RATING_F_DEBT_TO_ASSET, 0.9, NULL));
        CHECK(points_for(fitted, CORE_RATING_F_CURRENT_RATIO, 2.8, NULL) >
              points_for(fitted, CORE_RATING_F_CURRENT_RATIO, 0.4, NULL));
        CHECK(points_for(fitted, CORE_RATING_F_YEARS_IN_BUSINESS, 18, NULL) >
              points_for(fitted, CORE_RATING_F_YEARS_IN_BUSINESS, 1, NULL));
        CHECK(points_for(fitted, CORE_RATING_F_INDUSTRY_RISK_CLASS, 0, "1") >
              points_for(fitted, CORE_RATING_F_INDUSTRY_RISK_CLASS, 0, "5"));
        /* Validation with the fitted policy agrees with the fit's own AUC. */
        rating_validation v;
        CHECK_INT(rating_validate(fitted, CORE_RATING_ENTERPRISE, csv, "bad", &v, &err), LD_OK);
        CHECK(near(v.auc, report.auc, 1e-9));
        CHECK(v.ks > 0.2);

        /* PSI: the same population is stable; shifted debt is not. */
        rating_psi_report psi;
        CHECK_INT(rating_psi_compare(fitted, CORE_RATING_ENTERPRISE, csv, csv, &psi, &err), LD_OK);
        CHECK(psi.overall < 1e-12);
        char *shifted_text = model_csv(20000, 7, 0.25, NULL);
        rating_csv *shifted = NULL;
        CHECK_INT(rating_csv_parse(shifted_text, strlen(shifted_text),
                                   rating_csv_categorical_features(), &shifted, &err),
                  LD_OK);
        free(shifted_text);
        CHECK_INT(rating_psi_compare(fitted, CORE_RATING_ENTERPRISE, csv, shifted, &psi, &err),
                  LD_OK);
        for (size_t i = 0; i < psi.factor_count; i++) {
            if (psi.factors[i].feature == CORE_RATING_F_DEBT_TO_ASSET)
                CHECK(psi.factors[i].psi > 0.25);
            if (psi.factors[i].feature == CORE_RATING_F_CURRENT_RATIO)
                CHECK(psi.factors[i].psi < 0.10);
        }
        rating_csv_free(shifted);
    }
    core_policy_model_free(fitted);
    free(policy_text);
    free(base);
    rating_csv_free(csv);
}

static void fit_numeric_bins_hold_five_percent_and_monotone_woe(void)
{
    char *text = model_csv(20000, 99, 0, NULL);
    rating_csv *csv = NULL;
    ld_error err;
    CHECK_INT(rating_csv_parse(text, strlen(text), rating_csv_categorical_features(), &csv, &err),
              LD_OK);
    free(text);
    size_t base_length;
    char *base = read_all(DEFAULT_POLICY, &base_length);
    rating_fit_options opt;
    rating_fit_options_default(&opt);
    opt.kind = CORE_RATING_ENTERPRISE;
    char *policy_text = NULL;
    rating_fit_report report;
    CHECK_INT(rating_fit(csv, "bad", &opt, base, base_length, &policy_text, &report, &err), LD_OK);
    cJSON *root = policy_text ? cJSON_Parse(policy_text) : NULL;
    cJSON *factors = at(root, "scorecards/enterprise/factors");
    CHECK(factors != NULL);
    core_policy_model *fitted = NULL;
    if (policy_text)
        core_policy_model_load_buffer(policy_text, strlen(policy_text), &fitted, &err);
    int debt = rating_csv_column_index(csv, "debt_to_asset");
    cJSON *factor;
    cJSON_ArrayForEach(factor, factors)
    {
        const char *feature = cJSON_GetObjectItem(factor, "feature")->valuestring;
        if (strcmp(feature, "debt_to_asset") != 0)
            continue;
        /* Every bin holds at least 5 % of rows, and points fall as debt rises. */
        cJSON *bins = cJSON_GetObjectItem(factor, "bins");
        int previous = INT32_MAX;
        cJSON *bin;
        cJSON_ArrayForEach(bin, bins)
        {
            cJSON *min = cJSON_GetObjectItem(bin, "min"), *max = cJSON_GetObjectItem(bin, "max");
            size_t count = 0;
            for (size_t r = 0; r < csv->rows; r++) {
                double x = csv->columns[debt].numbers[r];
                if ((!min || x >= min->valuedouble) && (!max || x < max->valuedouble))
                    count++;
            }
            CHECK((double)count >= 0.05 * (double)csv->rows);
            int points = cJSON_GetObjectItem(bin, "points")->valueint;
            CHECK(points <= previous);
            previous = points;
        }
        CHECK(cJSON_GetArraySize(bins) >= 3);
    }
    CHECK(fitted != NULL);
    core_policy_model_free(fitted);
    cJSON_Delete(root);
    free(policy_text);
    free(base);
    rating_csv_free(csv);
}

static void fit_refuses_data_without_both_outcomes(void)
{
    const char *text = "debt_to_asset,bad\n0.5,0\n0.6,0\n";
    rating_csv *csv = NULL;
    ld_error err;
    CHECK_INT(rating_csv_parse(text, strlen(text), NULL, &csv, &err), LD_OK);
    size_t base_length;
    char *base = read_all(DEFAULT_POLICY, &base_length);
    char *out = NULL;
    CHECK_INT(rating_fit(csv, "bad", NULL, base, base_length, &out, NULL, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "both good and bad");
    CHECK_INT(rating_fit(csv, "missing_col", NULL, base, base_length, &out, NULL, &err), LD_EINVAL);
    CHECK(out == NULL);
    free(base);
    rating_csv_free(csv);
}

static const check_case cases[] = {
    {"default_policy_loads_and_checks_clean", default_policy_loads_and_checks_clean},
    {"policy_hash_is_of_the_exact_bytes", policy_hash_is_of_the_exact_bytes},
    {"policy_load_reports_missing_file_and_bad_json",
     policy_load_reports_missing_file_and_bad_json},
    {"policy_check_finds_grade_overlap_gap_and_open_ends",
     policy_check_finds_grade_overlap_gap_and_open_ends},
    {"policy_check_finds_pd_not_increasing", policy_check_finds_pd_not_increasing},
    {"policy_check_finds_bin_gap_overlap_and_uncovered_ends",
     policy_check_finds_bin_gap_overlap_and_uncovered_ends},
    {"policy_check_finds_unknown_feature_and_category_faults",
     policy_check_finds_unknown_feature_and_category_faults},
    {"policy_check_finds_rates_above_four_times_lpr",
     policy_check_finds_rates_above_four_times_lpr},
    {"policy_check_rejects_money_as_json_number", policy_check_rejects_money_as_json_number},
    {"policy_check_reports_every_problem_at_once", policy_check_reports_every_problem_at_once},
    {"scorer_rates_a_sound_borrower_within_terms", scorer_rates_a_sound_borrower_within_terms},
    {"scorer_bins_numeric_values_half_open", scorer_bins_numeric_values_half_open},
    {"scorer_uses_special_missing_and_else_bins_not_neighbours",
     scorer_uses_special_missing_and_else_bins_not_neighbours},
    {"scorer_grade_boundaries_are_half_open", scorer_grade_boundaries_are_half_open},
    {"scorer_applies_each_knockout", scorer_applies_each_knockout},
    {"scorer_ranks_reason_codes_by_points_lost", scorer_ranks_reason_codes_by_points_lost},
    {"scorer_takes_the_smallest_amount_limit_and_prices_by_term",
     scorer_takes_the_smallest_amount_limit_and_prices_by_term},
    {"scorer_result_serialises_money_as_strings", scorer_result_serialises_money_as_strings},
    {"scorer_refers_a_kind_without_scorecard", scorer_refers_a_kind_without_scorecard},
    {"auc_counts_pairs_and_halves_ties", auc_counts_pairs_and_halves_ties},
    {"ks_never_splits_a_group_of_equal_scores", ks_never_splits_a_group_of_equal_scores},
    {"psi_matches_hand_computation_and_verdicts", psi_matches_hand_computation_and_verdicts},
    {"csv_reads_quotes_missing_values_and_types", csv_reads_quotes_missing_values_and_types},
    {"csv_rejects_ragged_rows_and_bad_quotes", csv_rejects_ragged_rows_and_bad_quotes},
    {"csv_refuses_nul_bytes_naming_the_line", csv_refuses_nul_bytes_naming_the_line},
    {"validate_reports_grades_and_flags_non_monotone",
     validate_reports_grades_and_flags_non_monotone},
    {"scorer_names_missing_facts_and_refers_when_the_policy_says",
     scorer_names_missing_facts_and_refers_when_the_policy_says},
    {"scorer_forced_grade_prices_the_overridden_grade",
     scorer_forced_grade_prices_the_overridden_grade},
    {"policy_own_variables_are_checked_and_scored", policy_own_variables_are_checked_and_scored},
    {"policy_check_reports_core_sections_through_one_reader",
     policy_check_reports_core_sections_through_one_reader},
    {"validate_calibrates_pd_per_grade_and_hosmer_lemeshow",
     validate_calibrates_pd_per_grade_and_hosmer_lemeshow},
    {"fit_recovers_a_known_logistic_model", fit_recovers_a_known_logistic_model},
    {"fit_numeric_bins_hold_five_percent_and_monotone_woe",
     fit_numeric_bins_hold_five_percent_and_monotone_woe},
    {"fit_refuses_data_without_both_outcomes", fit_refuses_data_without_both_outcomes},
};

int main(int argc, char **argv)
{
    return CHECK_RUN(argc, argv, cases);
}
