/*
 * policy_model.c - the one parser of policy files (policy_model.h; format:
 * docs/policy.md).
 *
 * One pass over the JSON both fills a core_policy_model and records every
 * problem it finds, each as "JSONPATH: what is wrong", so `loandesk policy
 * check` can list them all at once instead of stopping at the first. A policy
 * with any problem is never handed out: core_policy_model_load fails and frees
 * what was built. The sections core applies (ltv_caps, approval_authority,
 * inspection, provision_rates, penalty_surcharge, risk_signals, lpr, pricing,
 * features) are read into the model's terms by core_policy_terms_read in the
 * same pass, so a policy that passes here does not fail later in core, ledger
 * or rating.
 *
 * cJSON stays at this edge; the scorer sees plain structs.
 */
#include "policy_model.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "care.h"
#include "date.h"
#include "decimal.h"
#include "digest.h"
#include "json_in.h"

#define PATH_MAX_LEN    160
#define POINTS_LIMIT    100000
#define SCORE_LIMIT     1000000
#define MAX_CATEGORIES  64
#define MAX_BINS        64
#define MAX_SPECIALS    16
#define MAX_PROBLEMS    1000
#define POLICY_MAX_SIZE (16 * 1024 * 1024)

/* ---- problem list ------------------------------------------------------------ */

void core_policy_problems_free(core_policy_problems *problems)
{
    if (problems == NULL)
        return;
    for (size_t i = 0; i < problems->count; i++)
        free(problems->messages[i]);
    free(problems->messages);
    problems->messages = NULL;
    problems->count = 0;
    problems->capacity = 0;
}

typedef struct parse_ctx {
    core_policy_problems *problems;
    bool out_of_memory;
    const core_policy_model *policy; /* its own variables are read before the scorecards */
} parse_ctx;

static void problem(parse_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(parse_ctx *ctx, const char *fmt, ...)
{
    core_policy_problems *p = ctx->problems;
    if (p->count >= MAX_PROBLEMS)
        return;
    if (p->count == p->capacity) {
        size_t capacity = p->capacity ? p->capacity * 2 : 16;
        char **grown = realloc(p->messages, capacity * sizeof *grown);
        if (grown == NULL) {
            ctx->out_of_memory = true;
            return;
        }
        p->messages = grown;
        p->capacity = capacity;
    }
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char *copy = strdup(line);
    if (copy == NULL) {
        ctx->out_of_memory = true;
        return;
    }
    p->messages[p->count++] = copy;
}

static char *dup_or_flag(parse_ctx *ctx, const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL)
        ctx->out_of_memory = true;
    return copy;
}

/* ---- typed field readers ----------------------------------------------------- */
/* Each reads obj[key], records a problem naming path.key when it is absent (and
 * required) or of the wrong form, and returns true when *out was set. */

static const cJSON *field(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static bool absent(const cJSON *item)
{
    return item == NULL || cJSON_IsNull(item);
}

/* The member key of obj, or NULL when it is absent (or null): then, when it
 * is required, the problem says it is missing. */
static const cJSON *member(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                           bool required)
{
    const cJSON *item = field(obj, key);
    if (!absent(item))
        return item;
    if (required)
        problem(ctx, "%s.%s: is missing", path, key);
    return NULL;
}

static bool read_string(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                        bool required, const char **out)
{
    const cJSON *item = member(ctx, obj, path, key, required);
    if (item == NULL)
        return false;
    if (!cJSON_IsString(item) || item->valuestring[0] == '\0') {
        problem(ctx, "%s.%s: must be a non-empty string", path, key);
        return false;
    }
    *out = item->valuestring;
    return true;
}

static bool read_money(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                       bool required, ld_money *out)
{
    const cJSON *item = member(ctx, obj, path, key, required);
    if (item == NULL)
        return false;
    if (!cJSON_IsString(item)) {
        problem(ctx, "%s.%s: money must be a decimal string such as \"500000.00\", not a %s", path,
                key, cJSON_IsNumber(item) ? "JSON number" : "non-string");
        return false;
    }
    char name[PATH_MAX_LEN + 40];
    snprintf(name, sizeof name, "%s.%s", path, key);
    ld_error err;
    ld_money value;
    if (ld_money_parse_nonneg(name, item->valuestring, &value, &err) != LD_OK) {
        problem(ctx, "%s", err.message);
        return false;
    }
    *out = value;
    return true;
}

static bool read_rate(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                      bool required, ld_rate *out)
{
    const cJSON *item = member(ctx, obj, path, key, required);
    if (item == NULL)
        return false;
    if (!cJSON_IsString(item)) {
        problem(ctx, "%s.%s: a percentage must be a decimal string such as \"4.35\"", path, key);
        return false;
    }
    char name[PATH_MAX_LEN + 40];
    snprintf(name, sizeof name, "%s.%s", path, key);
    ld_error err;
    ld_rate value;
    if (ld_rate_parse(name, item->valuestring, &value, &err) != LD_OK) {
        problem(ctx, "%s", err.message);
        return false;
    }
    *out = value;
    return true;
}

/* A multiple such as "10" or "0.5" (times income), into millionths. Strict like
 * money: digits, optional point and up to 6 decimals, at most 1000. */
static bool read_multiple(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                          int64_t *out)
{
    const cJSON *item = field(obj, key);
    if (absent(item))
        return false;
    const char *text = cJSON_IsString(item) ? item->valuestring : NULL;
    int64_t value = 0;
    int decimals = -1;
    bool ok = text != NULL && *text >= '0' && *text <= '9' &&
              !(text[0] == '0' && text[1] >= '0' && text[1] <= '9');
    for (const char *p = text; ok && *p != '\0'; p++) {
        if (*p == '.' && decimals < 0) {
            decimals = 0;
            ok = p[1] != '\0';
        } else if (*p >= '0' && *p <= '9') {
            if (decimals >= 0 && ++decimals > 6)
                ok = false;
            value = value * 10 + (*p - '0');
            if (value > 1000000000000LL)
                ok = false;
        } else {
            ok = false;
        }
    }
    if (!ok) {
        problem(ctx, "%s.%s: must be a decimal string such as \"5\" or \"0.5\" (a multiple)", path,
                key);
        return false;
    }
    for (int d = decimals < 0 ? 0 : decimals; d < 6; d++)
        value *= 10;
    if (value > 1000 * LD_RATE_ONE) {
        problem(ctx, "%s.%s: must not exceed 1000", path, key);
        return false;
    }
    *out = value;
    return true;
}

static bool read_int(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                     bool required, long min, long max, int *out)
{
    const cJSON *item = member(ctx, obj, path, key, required);
    if (item == NULL)
        return false;
    if (!cJSON_IsNumber(item) || item->valuedouble != floor(item->valuedouble)) {
        problem(ctx, "%s.%s: must be a whole number", path, key);
        return false;
    }
    if (item->valuedouble < min || item->valuedouble > max) {
        problem(ctx, "%s.%s: must be between %ld and %ld", path, key, min, max);
        return false;
    }
    *out = (int)item->valuedouble;
    return true;
}

/* A JSON number read exactly into millionths (decimal.h): bounds and scaling
 * are decimals as written, so a bound of 0.3 is 300000 and compares exactly;
 * more than six decimal places, or more than 10^12, is refused. */
static bool read_number(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                        bool required, int64_t *out)
{
    const cJSON *item = member(ctx, obj, path, key, required);
    if (item == NULL)
        return false;
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble)) {
        problem(ctx, "%s.%s: must be a number", path, key);
        return false;
    }
    char name[PATH_MAX_LEN + 40];
    snprintf(name, sizeof name, "%s.%s", path, key);
    ld_error err;
    if (core_decimal_from_json(name, item, out, &err) != LD_OK) {
        problem(ctx, "%s", err.message);
        return false;
    }
    return true;
}

static bool read_bool(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                      bool *out)
{
    const cJSON *item = member(ctx, obj, path, key, true);
    if (item == NULL)
        return false;
    if (!cJSON_IsBool(item)) {
        problem(ctx, "%s.%s: must be true or false", path, key);
        return false;
    }
    *out = cJSON_IsTrue(item);
    return true;
}

/* The member KEY of OBJ when it is present and of the kind IS_KIND accepts;
 * otherwise a problem naming the path and the kind (WHAT), and NULL. */
static const cJSON *need_kind(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                              cJSON_bool (*is_kind)(const cJSON *), const char *what)
{
    const cJSON *item = member(ctx, obj, path, key, true);
    if (item == NULL)
        return NULL;
    if (!is_kind(item)) {
        problem(ctx, "%s.%s: must be %s", path, key, what);
        return NULL;
    }
    return item;
}

static const cJSON *need_object(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key)
{
    return need_kind(ctx, obj, path, key, cJSON_IsObject, "an object");
}

static const cJSON *need_array(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key)
{
    return need_kind(ctx, obj, path, key, cJSON_IsArray, "an array");
}

/* Reports members of obj whose names are not in allowed (NULL-terminated): a
 * misspelt key would otherwise be ignored silently. */
static void check_keys(parse_ctx *ctx, const cJSON *obj, const char *path,
                       const char *const *allowed)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, obj)
    {
        bool known = false;
        for (const char *const *a = allowed; *a != NULL; a++)
            if (strcmp(*a, item->string) == 0)
                known = true;
        if (!known)
            problem(ctx, "%s.%s: unknown field", path, item->string);
    }
}

static void fmt_rate(ld_rate rate, char buf[LD_MONEY_TEXT_MAX])
{
    ld_rate_format(rate, buf);
}

/* ---- sections other modules read --------------------------------------------- */

/* ---- pricing, scaling, grades ------------------------------------------------ */

static void parse_scaling(parse_ctx *ctx, const cJSON *root, core_policy_model *policy)
{
    const cJSON *scaling = need_object(ctx, root, "$", "scaling");
    if (scaling == NULL)
        return;
    static const char *const keys[] = {"base_score", "odds_at_base", "pdo", NULL};
    check_keys(ctx, scaling, "$.scaling", keys);
    if (read_number(ctx, scaling, "$.scaling", "base_score", true, &policy->base_score) &&
        policy->base_score <= 0)
        problem(ctx, "$.scaling.base_score: must be above zero");
    if (read_number(ctx, scaling, "$.scaling", "odds_at_base", true, &policy->odds_at_base) &&
        policy->odds_at_base <= 0)
        problem(ctx, "$.scaling.odds_at_base: must be above zero");
    if (read_number(ctx, scaling, "$.scaling", "pdo", true, &policy->pdo) && policy->pdo <= 0)
        problem(ctx, "$.scaling.pdo: must be above zero");
}

static void parse_fee(parse_ctx *ctx, const cJSON *grade, const char *path, core_rating_grade *g)
{
    char fee_path[PATH_MAX_LEN];
    snprintf(fee_path, sizeof fee_path, "%s.fee", path);
    const cJSON *fee = need_object(ctx, grade, path, "fee");
    if (fee == NULL)
        return;
    static const char *const keys[] = {"method", "rate", NULL};
    check_keys(ctx, fee, fee_path, keys);
    const char *method;
    if (!read_string(ctx, fee, fee_path, "method", true, &method))
        return;
    if (strcmp(method, "none") == 0) {
        g->fee_method = CORE_RATING_FEE_NONE;
        if (!absent(field(fee, "rate")))
            problem(ctx, "%s.rate: must be absent when the method is \"none\"", fee_path);
        return;
    }
    if (strcmp(method, "upfront") == 0)
        g->fee_method = CORE_RATING_FEE_UPFRONT;
    else if (strcmp(method, "per_installment") == 0)
        g->fee_method = CORE_RATING_FEE_PER_INSTALLMENT;
    else {
        problem(ctx, "%s.method: must be \"none\", \"upfront\" or \"per_installment\"", fee_path);
        return;
    }
    if (read_rate(ctx, fee, fee_path, "rate", true, &g->fee_rate) && g->fee_rate > 100000)
        problem(ctx, "%s.rate: a fee above 10 %% of the amount is not plausible", fee_path);
}

static void parse_grades(parse_ctx *ctx, const cJSON *root, core_policy_model *policy)
{
    const cJSON *grades = need_array(ctx, root, "$", "grades");
    if (grades == NULL)
        return;
    int count = cJSON_GetArraySize(grades);
    if (count != CORE_RATING_GRADE_COUNT)
        problem(ctx,
                "$.grades: must list the %d grades AAA, AA, A, BBB, BB, B, CCC, CC, C, D "
                "(found %d)",
                CORE_RATING_GRADE_COUNT, count);
    static const char *const keys[] = {"grade",
                                       "min_score",
                                       "max_score",
                                       "pd",
                                       "lending",
                                       "max_amount",
                                       "income_multiple",
                                       "revenue_multiple",
                                       "net_assets_multiple",
                                       "unsecured_allowance",
                                       "max_term_months",
                                       "rate_spread",
                                       "fee",
                                       NULL};
    char a[LD_MONEY_TEXT_MAX], b[LD_MONEY_TEXT_MAX], c[LD_MONEY_TEXT_MAX];
    ld_rate legal_cap = core_rate_legal_cap(&policy->terms.lpr);
    bool pd_ok[CORE_RATING_GRADE_COUNT] = {false};
    bool min_ok[CORE_RATING_GRADE_COUNT] = {false}, max_ok[CORE_RATING_GRADE_COUNT] = {false};
    int i = 0;
    const cJSON *grade;
    cJSON_ArrayForEach(grade, grades)
    {
        if (i >= CORE_RATING_GRADE_COUNT)
            break;
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "$.grades[%d]", i);
        core_rating_grade *g = &policy->grades[i];
        if (!cJSON_IsObject(grade)) {
            problem(ctx, "%s: must be an object", path);
            i++;
            continue;
        }
        check_keys(ctx, grade, path, keys);
        const char *name;
        if (read_string(ctx, grade, path, "grade", true, &name)) {
            if (strcmp(name, core_rating_grade_name(i)) != 0)
                problem(ctx, "%s.grade: is \"%s\", expected \"%s\" (grades run AAA to D)", path,
                        name, core_rating_grade_name(i));
        }
        snprintf(g->name, sizeof g->name, "%s", core_rating_grade_name(i));
        g->has_min = read_int(ctx, grade, path, "min_score", false, -SCORE_LIMIT, SCORE_LIMIT,
                              &g->min_score);
        g->has_max = read_int(ctx, grade, path, "max_score", false, -SCORE_LIMIT, SCORE_LIMIT,
                              &g->max_score);
        min_ok[i] = g->has_min || absent(field(grade, "min_score"));
        max_ok[i] = g->has_max || absent(field(grade, "max_score"));
        if (g->has_min && g->has_max && g->min_score >= g->max_score)
            problem(ctx, "%s.max_score: must be above min_score (ranges are [min, max))", path);
        pd_ok[i] = read_rate(ctx, grade, path, "pd", true, &g->pd);
        read_bool(ctx, grade, path, "lending", &g->lending);
        g->income_multiple = g->revenue_multiple = g->net_assets_multiple = -1;
        if (g->lending) {
            read_money(ctx, grade, path, "max_amount", true, &g->max_amount);
            read_multiple(ctx, grade, path, "income_multiple", &g->income_multiple);
            read_multiple(ctx, grade, path, "revenue_multiple", &g->revenue_multiple);
            read_multiple(ctx, grade, path, "net_assets_multiple", &g->net_assets_multiple);
            read_money(ctx, grade, path, "unsecured_allowance", true, &g->unsecured_allowance);
            read_int(ctx, grade, path, "max_term_months", true, 1, 360, &g->max_term_months);
            if (read_rate(ctx, grade, path, "rate_spread", true, &g->spread) &&
                policy->terms.lpr.one_year > 0) {
                /* The legal ceiling applies whatever the term: check both bases. */
                ld_rate worst = policy->terms.lpr.one_year + g->spread;
                ld_rate longest =
                    core_lpr_for_term(&policy->terms.lpr, g->max_term_months) + g->spread;
                if (longest > worst)
                    worst = longest;
                if (worst > legal_cap) {
                    fmt_rate(worst, a);
                    fmt_rate(legal_cap, b);
                    fmt_rate(g->spread, c);
                    problem(ctx, "%s.rate_spread: LPR + %s = %s exceeds 4 x the 1-year LPR (%s)",
                            path, c, a, b);
                }
            }
            parse_fee(ctx, grade, path, g);
        }
        i++;
    }
    if (count < 1)
        return;
    int last = (count < CORE_RATING_GRADE_COUNT ? count : CORE_RATING_GRADE_COUNT) - 1;
    /* Coverage: the best grade is open above, the worst open below, and each
     * grade's max_score is exactly the better grade's min_score. */
    if (max_ok[0] && policy->grades[0].has_max)
        problem(ctx, "$.grades[0].max_score: scores of %d and above fall in no grade",
                policy->grades[0].max_score);
    if (min_ok[last] && policy->grades[last].has_min)
        problem(ctx, "$.grades[%d].min_score: scores below %d fall in no grade", last,
                policy->grades[last].min_score);
    for (int k = 1; k <= last; k++) {
        const core_rating_grade *better = &policy->grades[k - 1], *worse = &policy->grades[k];
        if (min_ok[k - 1] && !better->has_min) {
            problem(ctx, "$.grades[%d].min_score: only the last grade may be open below", k - 1);
            continue;
        }
        if (max_ok[k] && !worse->has_max) {
            problem(ctx, "$.grades[%d].max_score: overlaps grades[%d] (open above)", k, k - 1);
            continue;
        }
        if (!min_ok[k - 1] || !max_ok[k])
            continue;
        if (worse->max_score > better->min_score)
            problem(ctx, "$.grades[%d].max_score: overlaps grades[%d] (scores %d..%d in both)", k,
                    k - 1, better->min_score, worse->max_score - 1);
        else if (worse->max_score < better->min_score)
            problem(ctx,
                    "$.grades[%d].max_score: leaves a gap below grades[%d] (scores %d..%d in "
                    "no grade)",
                    k, k - 1, worse->max_score, better->min_score - 1);
    }
    for (int k = 1; k <= last; k++) {
        if (pd_ok[k] && pd_ok[k - 1] && policy->grades[k].pd <= policy->grades[k - 1].pd) {
            fmt_rate(policy->grades[k].pd, a);
            fmt_rate(policy->grades[k - 1].pd, b);
            problem(ctx,
                    "$.grades[%d].pd: %s is not above grades[%d].pd %s (PD must increase "
                    "as grades worsen)",
                    k, a, k - 1, b);
        }
    }
}

/* ---- knock-outs ---------------------------------------------------------------- */

/* The features of the rule "missing_facts": when any of them has no value,
 * the application is referred, whatever points the card's "missing" gives. */
static void parse_needed_facts(parse_ctx *ctx, const cJSON *rule, const char *path,
                               core_policy_model *policy)
{
    const cJSON *list = need_array(ctx, rule, path, "features");
    if (list == NULL)
        return;
    if (cJSON_GetArraySize(list) == 0)
        problem(ctx, "%s.features: name at least one feature", path);
    int i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        core_rating_feature feature;
        if (!cJSON_IsString(item) ||
            !core_policy_model_feature_from_name(policy, item->valuestring, &feature)) {
            problem(ctx, "%s.features[%d]: not a known feature", path, i);
        } else {
            bool twice = false;
            for (size_t k = 0; k < policy->needed_count; k++)
                twice = twice || policy->needed[k] == feature;
            if (twice)
                problem(ctx, "%s.features[%d]: \"%s\" is listed twice", path, i, item->valuestring);
            else if (policy->needed_count < CORE_RATING_VALUE_COUNT)
                policy->needed[policy->needed_count++] = feature;
        }
        i++;
    }
}

/* "credit_report": {"max_age_days": N}, optional: a rating uses the latest
 * credit report no older than this (180 days when the policy says nothing). */
static void parse_credit_report(parse_ctx *ctx, const cJSON *root, core_policy_model *policy)
{
    policy->credit_report_max_age_days = 180;
    if (absent(field(root, "credit_report")))
        return;
    const cJSON *section = need_object(ctx, root, "$", "credit_report");
    if (section == NULL)
        return;
    static const char *const keys[] = {"max_age_days", NULL};
    check_keys(ctx, section, "$.credit_report", keys);
    read_int(ctx, section, "$.credit_report", "max_age_days", true, 1, 3660,
             &policy->credit_report_max_age_days);
}

static void parse_knockouts(parse_ctx *ctx, const cJSON *root, core_policy_model *policy)
{
    const cJSON *ko = need_object(ctx, root, "$", "knockouts");
    if (ko == NULL)
        return;
    static const char *const keys[] = {"rules", "dti_cap", "default_min_age", "default_max_age",
                                       NULL};
    check_keys(ctx, ko, "$.knockouts", keys);
    read_rate(ctx, ko, "$.knockouts", "dti_cap", true, &policy->dti_cap);
    read_int(ctx, ko, "$.knockouts", "default_min_age", true, 14, 100, &policy->default_min_age);
    read_int(ctx, ko, "$.knockouts", "default_max_age", true, 14, 120, &policy->default_max_age);
    if (policy->default_min_age >= policy->default_max_age)
        problem(ctx, "$.knockouts.default_max_age: must be above default_min_age");
    const cJSON *rules = need_array(ctx, ko, "$.knockouts", "rules");
    if (rules == NULL)
        return;
    int i = 0;
    const cJSON *rule;
    cJSON_ArrayForEach(rule, rules)
    {
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "$.knockouts.rules[%d]", i++);
        static const char *const rule_keys[] = {"rule", "action", "features", NULL};
        check_keys(ctx, rule, path, rule_keys);
        const char *name, *action;
        core_rating_knockout which;
        bool named = read_string(ctx, rule, path, "rule", true, &name);
        if (named && !core_rating_knockout_from_name(name, &which)) {
            problem(ctx, "%s.rule: unknown rule \"%s\"", path, name);
            named = false;
        }
        if (named && which == CORE_RATING_KO_MISSING_FACTS)
            parse_needed_facts(ctx, rule, path, policy);
        else if (!absent(field(rule, "features")))
            problem(ctx, "%s.features: only the rule \"missing_facts\" names features", path);
        if (named && policy->knockouts[which].enabled)
            problem(ctx, "%s.rule: \"%s\" is listed twice", path, name);
        if (!read_string(ctx, rule, path, "action", true, &action))
            continue;
        core_rating_decision decision;
        if (strcmp(action, "decline") == 0)
            decision = CORE_RATING_DECLINE;
        else if (strcmp(action, "refer") == 0)
            decision = CORE_RATING_REFER;
        else {
            problem(ctx, "%s.action: must be \"decline\" or \"refer\"", path);
            continue;
        }
        if (named) {
            policy->knockouts[which].enabled = true;
            policy->knockouts[which].action = decision;
        }
    }
}

/* ---- scorecards -------------------------------------------------------------- */

static void format_bound(char *buf, size_t size, bool has, int64_t value, bool low)
{
    char text[CORE_DECIMAL_TEXT_MAX];
    snprintf(buf, size, "%s", has ? core_decimal_format(value, text) : low ? "-inf" : "+inf");
}

static bool parse_outcome(parse_ctx *ctx, const cJSON *obj, const char *path, const char *key,
                          core_rating_outcome *out)
{
    const cJSON *item = field(obj, key);
    if (absent(item))
        return false;
    char sub[PATH_MAX_LEN];
    snprintf(sub, sizeof sub, "%s.%s", path, key);
    if (!cJSON_IsObject(item)) {
        problem(ctx, "%s: must be an object with \"points\" or \"action\": \"refer\"", sub);
        return false;
    }
    static const char *const keys[] = {"points", "action", "label", NULL};
    check_keys(ctx, item, sub, keys);
    const char *action = NULL, *label = NULL;
    bool has_action = read_string(ctx, item, sub, "action", false, &action);
    bool has_points = !absent(field(item, "points"));
    if (has_action && strcmp(action, "refer") != 0) {
        problem(ctx, "%s.action: must be \"refer\"", sub);
        return false;
    }
    if (has_action == has_points) {
        problem(ctx, "%s: must give either \"points\" or \"action\": \"refer\"", sub);
        return false;
    }
    out->refer = has_action;
    if (has_points &&
        !read_int(ctx, item, sub, "points", true, -POINTS_LIMIT, POINTS_LIMIT, &out->points))
        return false;
    if (!read_string(ctx, item, sub, "label", false, &label))
        label = strcmp(key, "missing") == 0 ? "missing" : "other";
    out->label = dup_or_flag(ctx, label);
    out->set = true;
    return true;
}

/* Default reason texts of one of the policy's own variables. */
static void custom_reasons(parse_ctx *ctx, core_rating_factor *f)
{
    char text[192];
    if (f->reason_zh == NULL) {
        snprintf(text, sizeof text, "%s评分较低", f->zh);
        f->reason_zh = dup_or_flag(ctx, text);
    }
    if (f->reason_en == NULL) {
        snprintf(text, sizeof text, "%s scores low", f->en);
        f->reason_en = dup_or_flag(ctx, text);
    }
}

static void parse_factor(parse_ctx *ctx, const cJSON *item, const char *path, core_rating_factor *f,
                         bool *feature_seen)
{
    static const char *const keys[] = {"feature", "bins",      "special",   "missing",
                                       "else",    "reason_zh", "reason_en", NULL};
    check_keys(ctx, item, path, keys);
    const char *name, *text;
    bool known = false;
    if (read_string(ctx, item, path, "feature", true, &name)) {
        if (!core_policy_model_feature_from_name(ctx->policy, name, &f->feature))
            problem(ctx,
                    "%s.feature: unknown feature \"%s\" (neither built-in nor declared in "
                    "$.features)",
                    path, name);
        else if (feature_seen[f->feature])
            problem(ctx, "%s.feature: \"%s\" is used by another factor of this scorecard", path,
                    name);
        else
            known = feature_seen[f->feature] = true;
    }
    if (read_string(ctx, item, path, "reason_zh", false, &text))
        f->reason_zh = dup_or_flag(ctx, text);
    if (read_string(ctx, item, path, "reason_en", false, &text))
        f->reason_en = dup_or_flag(ctx, text);
    bool categorical = known && core_policy_model_feature_is_categorical(ctx->policy, f->feature);
    if (known) {
        f->name = core_policy_model_feature_name(ctx->policy, f->feature);
        f->zh = core_policy_model_feature_zh(ctx->policy, f->feature);
        f->en = core_policy_model_feature_en(ctx->policy, f->feature);
        f->categorical = categorical;
        if (f->feature >= CORE_RATING_FEATURE_COUNT)
            custom_reasons(ctx, f);
    }

    const cJSON *bins = need_array(ctx, item, path, "bins");
    int bin_count = bins ? cJSON_GetArraySize(bins) : 0;
    if (bins != NULL && (bin_count < 1 || bin_count > MAX_BINS))
        problem(ctx, "%s.bins: must hold 1 to %d bins", path, MAX_BINS);
    if (bin_count > 0 && bin_count <= MAX_BINS) {
        f->bins = calloc((size_t)bin_count, sizeof *f->bins);
        if (f->bins == NULL) {
            ctx->out_of_memory = true;
            return;
        }
    }
    bool have_points = false;
    int b = 0;
    const cJSON *bin;
    if (f->bins != NULL) {
        cJSON_ArrayForEach(bin, bins)
        {
            char bpath[PATH_MAX_LEN];
            snprintf(bpath, sizeof bpath, "%s.bins[%d]", path, b);
            core_rating_bin *rb = &f->bins[b++];
            static const char *const bin_keys[] = {"label",      "min",    "max",
                                                   "categories", "points", NULL};
            check_keys(ctx, bin, bpath, bin_keys);
            if (read_int(ctx, bin, bpath, "points", true, -POINTS_LIMIT, POINTS_LIMIT,
                         &rb->points)) {
                if (!have_points || rb->points > f->best_points)
                    f->best_points = rb->points;
                if (!have_points || rb->points < f->worst_points)
                    f->worst_points = rb->points;
                have_points = true;
            }
            const char *label = NULL;
            read_string(ctx, bin, bpath, "label", false, &label);
            char generated[96];
            if (!known) {
                /* The type is unknown, so nothing more can be said of this bin. */
            } else if (categorical) {
                if (!absent(field(bin, "min")) || !absent(field(bin, "max")))
                    problem(ctx, "%s: %s is categorical; use \"categories\", not min/max", bpath,
                            core_rating_feature_name(f->feature));
                const cJSON *cats = need_array(ctx, bin, bpath, "categories");
                int n = cats ? cJSON_GetArraySize(cats) : 0;
                if (cats != NULL && (n < 1 || n > MAX_CATEGORIES))
                    problem(ctx, "%s.categories: must list 1 to %d categories", bpath,
                            MAX_CATEGORIES);
                if (n >= 1 && n <= MAX_CATEGORIES) {
                    rb->categories = calloc((size_t)n, sizeof *rb->categories);
                    rb->keys = calloc((size_t)n, sizeof *rb->keys);
                    if (rb->categories == NULL || rb->keys == NULL) {
                        ctx->out_of_memory = true;
                        return;
                    }
                    const cJSON *cat;
                    int k = 0;
                    cJSON_ArrayForEach(cat, cats)
                    {
                        if (!cJSON_IsString(cat) || cat->valuestring[0] == '\0' ||
                            strlen(cat->valuestring) >= CORE_RATING_CATEGORY_MAX) {
                            problem(ctx,
                                    "%s.categories[%d]: must be a string of 1 to %d characters",
                                    bpath, k, CORE_RATING_CATEGORY_MAX - 1);
                            k++;
                            continue;
                        }
                        /* A category in two bins would make the bin depend on order. */
                        for (int ob = 0; ob < b; ob++) {
                            const core_rating_bin *other = &f->bins[ob];
                            for (size_t oc = 0; oc < other->category_count; oc++)
                                if (strcmp(other->categories[oc], cat->valuestring) == 0)
                                    problem(ctx, "%s.categories[%d]: \"%s\" overlaps bins[%d]",
                                            bpath, k, cat->valuestring, ob);
                        }
                        char *copy = dup_or_flag(ctx, cat->valuestring);
                        if (copy != NULL) {
                            rb->keys[rb->category_count] = core_rating_category_key(copy);
                            rb->categories[rb->category_count++] = copy;
                        }
                        k++;
                    }
                }
                if (label == NULL) {
                    snprintf(generated, sizeof generated, "%s",
                             rb->category_count ? rb->categories[0] : "?");
                    if (rb->category_count > 1) {
                        size_t used = strlen(generated);
                        snprintf(generated + used, sizeof generated - used, ",...");
                    }
                }
            } else {
                if (!absent(field(bin, "categories")))
                    problem(ctx, "%s: %s is numeric; use min/max, not \"categories\"", bpath,
                            core_rating_feature_name(f->feature));
                rb->has_min = read_number(ctx, bin, bpath, "min", false, &rb->min);
                rb->has_max = read_number(ctx, bin, bpath, "max", false, &rb->max);
                if (rb->has_min && rb->has_max && !(rb->min < rb->max))
                    problem(ctx, "%s.max: must be above min (bins are [min, max))", bpath);
                if (label == NULL) {
                    char lo[CORE_DECIMAL_TEXT_MAX], hi[CORE_DECIMAL_TEXT_MAX];
                    format_bound(lo, sizeof lo, rb->has_min, rb->min, true);
                    format_bound(hi, sizeof hi, rb->has_max, rb->max, false);
                    snprintf(generated, sizeof generated, "[%s, %s)", lo, hi);
                }
            }
            rb->label = dup_or_flag(ctx, label ? label : generated);
        }
        f->bin_count = (size_t)b;
    }

    if (known && !categorical && f->bin_count > 0) {
        /* Numeric bins, in the order given, must tile (-inf, +inf) exactly. */
        char bpath[PATH_MAX_LEN];
        char a[CORE_DECIMAL_TEXT_MAX], z[CORE_DECIMAL_TEXT_MAX];
        if (f->bins[0].has_min)
            problem(ctx,
                    "%s.bins[0].min: values below %s fall in no bin (leave min out for "
                    "-inf)",
                    path, core_decimal_format(f->bins[0].min, a));
        for (size_t k = 1; k < f->bin_count; k++) {
            const core_rating_bin *prev = &f->bins[k - 1], *cur = &f->bins[k];
            snprintf(bpath, sizeof bpath, "%s.bins[%zu]", path, k);
            if (!prev->has_max) {
                problem(ctx, "%s: overlaps bins[%zu], which is open above", bpath, k - 1);
                continue;
            }
            if (!cur->has_min) {
                problem(ctx, "%s.min: overlaps bins[%zu] (open below)", bpath, k - 1);
                continue;
            }
            if (cur->min < prev->max)
                problem(ctx, "%s.min: overlaps bins[%zu] ([%s, %s) in both)", bpath, k - 1,
                        core_decimal_format(cur->min, a), core_decimal_format(prev->max, z));
            else if (cur->min > prev->max)
                problem(ctx, "%s.min: leaves a gap after bins[%zu] ([%s, %s) in no bin)", bpath,
                        k - 1, core_decimal_format(prev->max, a), core_decimal_format(cur->min, z));
        }
        if (f->bins[f->bin_count - 1].has_max)
            problem(ctx,
                    "%s.bins[%zu].max: values of %s and above fall in no bin (leave max "
                    "out for +inf)",
                    path, f->bin_count - 1, core_decimal_format(f->bins[f->bin_count - 1].max, a));
    }

    const cJSON *specials = field(item, "special");
    if (!absent(specials)) {
        int n = cJSON_IsArray(specials) ? cJSON_GetArraySize(specials) : -1;
        if (n < 0 || n > MAX_SPECIALS)
            problem(ctx, "%s.special: must be an array of at most %d values", path, MAX_SPECIALS);
        else if (known && categorical && n > 0)
            problem(ctx, "%s.special: only numeric features have special values", path);
        else if (n > 0) {
            f->specials = calloc((size_t)n, sizeof *f->specials);
            if (f->specials == NULL) {
                ctx->out_of_memory = true;
                return;
            }
            const cJSON *sp;
            int k = 0;
            cJSON_ArrayForEach(sp, specials)
            {
                char spath[PATH_MAX_LEN];
                snprintf(spath, sizeof spath, "%s.special[%d]", path, k++);
                static const char *const sp_keys[] = {"value", "label", "points", NULL};
                check_keys(ctx, sp, spath, sp_keys);
                core_rating_special *rs = &f->specials[f->special_count];
                const char *label;
                bool ok = read_number(ctx, sp, spath, "value", true, &rs->value);
                ok = read_int(ctx, sp, spath, "points", true, -POINTS_LIMIT, POINTS_LIMIT,
                              &rs->points) &&
                     ok;
                if (!read_string(ctx, sp, spath, "label", false, &label))
                    label = "special";
                for (size_t o = 0; ok && o < f->special_count; o++)
                    if (f->specials[o].value == rs->value) {
                        char v[CORE_DECIMAL_TEXT_MAX];
                        problem(ctx, "%s.value: %s repeats special[%zu]", spath,
                                core_decimal_format(rs->value, v), o);
                        ok = false;
                    }
                if (!ok)
                    continue;
                rs->label = dup_or_flag(ctx, label);
                if (!have_points || rs->points > f->best_points)
                    f->best_points = rs->points;
                if (!have_points || rs->points < f->worst_points)
                    f->worst_points = rs->points;
                have_points = true;
                f->special_count++;
            }
        }
    }

    if (!parse_outcome(ctx, item, path, "missing", &f->missing) && absent(field(item, "missing")))
        problem(ctx, "%s.missing: is missing (give points or \"action\": \"refer\")", path);
    bool has_else = parse_outcome(ctx, item, path, "else", &f->other);
    if (known && categorical && !has_else && absent(field(item, "else")))
        problem(ctx,
                "%s.else: is missing; a categorical factor needs a bin for unseen "
                "categories",
                path);
    if (known && !categorical && !absent(field(item, "else")))
        problem(ctx, "%s.else: only categorical features have an else bin", path);
    /* Missing and else outcomes count toward best and worst like any bin, so a
     * reason code is never negative; "refer" takes the worst points. */
    core_rating_outcome *outcomes[2] = {&f->missing, &f->other};
    for (int k = 0; k < 2; k++) {
        if (!outcomes[k]->set || outcomes[k]->refer)
            continue;
        if (!have_points || outcomes[k]->points > f->best_points)
            f->best_points = outcomes[k]->points;
        if (!have_points || outcomes[k]->points < f->worst_points)
            f->worst_points = outcomes[k]->points;
        have_points = true;
    }
    for (int k = 0; k < 2; k++)
        if (outcomes[k]->set && outcomes[k]->refer)
            outcomes[k]->points = f->worst_points;
}

static void parse_scorecards(parse_ctx *ctx, const cJSON *root, core_policy_model *policy)
{
    const cJSON *cards = need_object(ctx, root, "$", "scorecards");
    if (cards == NULL)
        return;
    static const char *const keys[] = {"individual", "enterprise", NULL};
    check_keys(ctx, cards, "$.scorecards", keys);
    bool any = false;
    for (int kind = 0; kind < CORE_RATING_KIND_COUNT; kind++) {
        const char *kind_name = core_rating_kind_name((core_rating_kind)kind);
        const cJSON *card = field(cards, kind_name);
        if (absent(card))
            continue;
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "$.scorecards.%s", kind_name);
        if (!cJSON_IsObject(card)) {
            problem(ctx, "%s: must be an object", path);
            continue;
        }
        any = true;
        static const char *const card_keys[] = {"base_points", "factors", NULL};
        check_keys(ctx, card, path, card_keys);
        core_rating_scorecard *sc = &policy->scorecards[kind];
        sc->present = true;
        read_int(ctx, card, path, "base_points", true, -SCORE_LIMIT, SCORE_LIMIT, &sc->base_points);
        const cJSON *factors = need_array(ctx, card, path, "factors");
        int n = factors ? cJSON_GetArraySize(factors) : 0;
        if (factors != NULL && (n < 1 || n > CORE_RATING_MAX_FACTORS)) {
            problem(ctx, "%s.factors: must hold 1 to %d factors", path, CORE_RATING_MAX_FACTORS);
            continue;
        }
        if (n == 0)
            continue;
        sc->factors = calloc((size_t)n, sizeof *sc->factors);
        if (sc->factors == NULL) {
            ctx->out_of_memory = true;
            return;
        }
        bool seen[CORE_RATING_VALUE_COUNT] = {false};
        const cJSON *item;
        cJSON_ArrayForEach(item, factors)
        {
            char fpath[PATH_MAX_LEN];
            snprintf(fpath, sizeof fpath, "%s.factors[%zu]", path, sc->factor_count);
            core_rating_factor *f = &sc->factors[sc->factor_count++];
            if (!cJSON_IsObject(item)) {
                problem(ctx, "%s: must be an object", fpath);
                continue;
            }
            parse_factor(ctx, item, fpath, f, seen);
            if (ctx->out_of_memory)
                return;
        }
    }
    if (!any)
        problem(ctx, "$.scorecards: must hold an \"individual\" or an \"enterprise\" scorecard");
}

/* ---- load ------------------------------------------------------------------- */

static void free_factor(core_rating_factor *f)
{
    for (size_t b = 0; b < f->bin_count; b++) {
        for (size_t c = 0; c < f->bins[b].category_count; c++)
            free(f->bins[b].categories[c]);
        free(f->bins[b].categories);
        free(f->bins[b].keys);
        free(f->bins[b].label);
    }
    free(f->bins);
    for (size_t s = 0; s < f->special_count; s++)
        free(f->specials[s].label);
    free(f->specials);
    free(f->missing.label);
    free(f->other.label);
    free(f->reason_zh);
    free(f->reason_en);
}

void core_policy_model_free(core_policy_model *policy)
{
    if (policy == NULL)
        return;
    for (int k = 0; k < CORE_RATING_KIND_COUNT; k++) {
        core_rating_scorecard *sc = &policy->scorecards[k];
        for (size_t i = 0; i < sc->factor_count; i++)
            free_factor(&sc->factors[i]);
        free(sc->factors);
    }
    free(policy);
}

/* Parses bytes into a new policy, recording every problem. Returns LD_OK with
 * *out set when there were none; LD_EINVAL when there were (nothing is kept);
 * LD_EINTERNAL when memory ran out. */
static bool builtin_name(const char *name)
{
    core_rating_feature feature;
    return core_rating_feature_from_name(name, &feature);
}

static void report_problem(void *context, const char *message)
{
    problem(context, "%s", message);
}

static ld_status parse_policy(const char *bytes, size_t length, core_policy_model **out,
                              core_policy_problems *problems, ld_error *err)
{
    core_policy_model *policy = calloc(1, sizeof *policy);
    if (policy == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "policy: out of memory");
    parse_ctx ctx = {problems, false, policy};
    core_sha256_hex(bytes, length, policy->sha256);
    /* The strict reader: a repeated key would otherwise let the first of two
     * cutoffs win unseen. */
    cJSON *root = NULL;
    ld_error json_err;
    ld_status json_st = core_json_parse(bytes, length, NULL, &root, &json_err);
    if (json_st == LD_EINTERNAL) {
        core_policy_model_free(policy);
        if (err != NULL)
            *err = json_err;
        return json_st;
    }
    if (json_st != LD_OK) {
        /* The reader names a field "a.b" or the place of a syntax error;
         * here paths begin at "$". */
        const char *m = json_err.message;
        bool syntax = strncmp(m, "not valid JSON", 14) == 0 || strncmp(m, "trailing text", 13) == 0;
        problem(&ctx, "%s%s", m[0] == '$' ? "" : syntax ? "$: " : "$.", m);
    } else if (!cJSON_IsObject(root)) {
        problem(&ctx, "$: must be a JSON object");
    } else {
        static const char *const keys[] = {"version",
                                           "name",
                                           "description",
                                           "lpr",
                                           "pricing",
                                           "scaling",
                                           "grades",
                                           "knockouts",
                                           "scorecards",
                                           "ltv_caps",
                                           "guarantor_capacity",
                                           "approval_authority",
                                           "penalty_surcharge",
                                           "inspection",
                                           "provision_rates",
                                           "risk_signals",
                                           "credit_report",
                                           "features",
                                           "collection",
                                           "care",
                                           NULL};
        check_keys(&ctx, root, "$", keys);
        core_care_terms care;
        ld_error care_err;
        if (core_care_terms_read(root, &care, &care_err) != LD_OK)
            problem(&ctx, "%s", care_err.message);
        const char *version;
        if (read_string(&ctx, root, "$", "version", true, &version)) {
            if (strlen(version) >= sizeof policy->version)
                problem(&ctx, "$.version: must be at most %zu characters",
                        sizeof policy->version - 1);
            else
                snprintf(policy->version, sizeof policy->version, "%s", version);
        }
        /* The sections core applies, by core's own reader, first: pricing
         * checks the LPR, knock-outs and factors name the bank's variables. */
        core_policy_terms_read(root, &policy->terms, builtin_name, report_problem, &ctx);
        /* Sections core reads only when given; a complete policy has them. */
        static const char *const complete[] = {"guarantor_capacity", "risk_signals"};
        for (int k = 0; k < 2; k++)
            if (absent(field(root, complete[k])))
                problem(&ctx, "$.%s: is missing", complete[k]);
        parse_scaling(&ctx, root, policy);
        parse_grades(&ctx, root, policy);
        parse_knockouts(&ctx, root, policy);
        parse_credit_report(&ctx, root, policy);
        parse_scorecards(&ctx, root, policy);
    }
    cJSON_Delete(root);
    if (ctx.out_of_memory) {
        core_policy_model_free(policy);
        return LD_FAIL(err, LD_EINTERNAL, "policy: out of memory");
    }
    if (problems->count > 0) {
        core_policy_model_free(policy);
        return LD_FAIL(err, LD_EINVAL, "policy: %zu problem%s; first: %s", problems->count,
                       problems->count == 1 ? "" : "s", problems->messages[0]);
    }
    *out = policy;
    return LD_OK;
}

/* Reads a whole file into a malloc'd buffer. */
static ld_status read_file(const char *path, char **out, size_t *length, ld_error *err)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        int code = errno;
        return LD_FAIL(err, code == ENOENT ? LD_ENOTFOUND : LD_EINTERNAL, "%s: %s", path,
                       strerror(code));
    }
    char *buffer = NULL;
    size_t used = 0, capacity = 0;
    ld_status st = LD_OK;
    for (;;) {
        if (used == capacity) {
            if (capacity >= POLICY_MAX_SIZE) {
                st = LD_FAIL(err, LD_EINVAL, "%s: larger than %d bytes", path, POLICY_MAX_SIZE);
                goto out;
            }
            capacity = capacity ? capacity * 2 : 65536;
            char *grown = realloc(buffer, capacity + 1);
            if (grown == NULL) {
                st = LD_FAIL(err, LD_EINTERNAL, "%s: out of memory", path);
                goto out;
            }
            buffer = grown;
        }
        size_t got = fread(buffer + used, 1, capacity - used, file);
        used += got;
        if (got == 0) {
            if (ferror(file))
                st = LD_FAIL(err, LD_EINTERNAL, "%s: read failed", path);
            break;
        }
    }
out:
    fclose(file);
    if (st != LD_OK) {
        free(buffer);
        return st;
    }
    if (buffer == NULL) {
        buffer = malloc(1);
        if (buffer == NULL)
            return LD_FAIL(err, LD_EINTERNAL, "%s: out of memory", path);
    }
    buffer[used] = '\0';
    *out = buffer;
    *length = used;
    return LD_OK;
}

ld_status core_policy_model_load_buffer(const char *bytes, size_t length, core_policy_model **out,
                                        ld_error *err)
{
    core_policy_problems problems = {0};
    core_policy_model *policy = NULL;
    ld_status st = parse_policy(bytes, length, &policy, &problems, err);
    core_policy_problems_free(&problems);
    if (st == LD_OK)
        *out = policy;
    return st;
}

ld_status core_policy_model_check_buffer(const char *bytes, size_t length,
                                         core_policy_problems *problems, ld_error *err)
{
    core_policy_model *policy = NULL;
    ld_status st = parse_policy(bytes, length, &policy, problems, err);
    core_policy_model_free(policy);
    return st;
}

ld_status core_policy_model_load(const char *path, core_policy_model **out, ld_error *err)
{
    char *bytes;
    size_t length;
    ld_status st = read_file(path, &bytes, &length, err);
    if (st != LD_OK)
        return st;
    st = core_policy_model_load_buffer(bytes, length, out, err);
    free(bytes);
    if (st != LD_OK && err != NULL)
        ld_error_prefix(err, "%s", path);
    return st;
}

ld_status core_policy_model_check_file(const char *path, core_policy_problems *problems,
                                       ld_error *err)
{
    char *bytes;
    size_t length;
    ld_status st = read_file(path, &bytes, &length, err);
    if (st != LD_OK)
        return st;
    st = core_policy_model_check_buffer(bytes, length, problems, err);
    free(bytes);
    return st;
}

const char *core_policy_model_version(const core_policy_model *policy)
{
    return policy->version;
}

const char *core_policy_model_sha256(const core_policy_model *policy)
{
    return policy->sha256;
}

ld_rate core_policy_model_lpr_one_year(const core_policy_model *policy)
{
    return policy->terms.lpr.one_year;
}

const core_lpr *core_policy_model_lpr(const core_policy_model *policy)
{
    return &policy->terms.lpr;
}

ld_rate core_policy_model_lpr_five_year(const core_policy_model *policy)
{
    return policy->terms.lpr.five_year;
}

bool core_policy_model_feature_from_name(const core_policy_model *policy, const char *name,
                                         core_rating_feature *out)
{
    if (core_rating_feature_from_name(name, out))
        return true;
    for (size_t i = 0; i < policy->terms.attributes.count; i++) {
        if (strcmp(policy->terms.attributes.defs[i].name, name) == 0) {
            *out = (core_rating_feature)(CORE_RATING_FEATURE_COUNT + i);
            return true;
        }
    }
    return false;
}

static const core_attribute_def *custom_def(const core_policy_model *policy,
                                            core_rating_feature feature)
{
    size_t i = (size_t)feature - CORE_RATING_FEATURE_COUNT;
    return feature >= CORE_RATING_FEATURE_COUNT && i < policy->terms.attributes.count
               ? &policy->terms.attributes.defs[i]
               : NULL;
}

const char *core_policy_model_feature_name(const core_policy_model *policy,
                                           core_rating_feature feature)
{
    const core_attribute_def *def = custom_def(policy, feature);
    return def != NULL ? def->name : core_rating_feature_name(feature);
}

const char *core_policy_model_feature_zh(const core_policy_model *policy,
                                         core_rating_feature feature)
{
    const core_attribute_def *def = custom_def(policy, feature);
    return def != NULL ? def->zh : core_rating_feature_zh(feature);
}

const char *core_policy_model_feature_en(const core_policy_model *policy,
                                         core_rating_feature feature)
{
    const core_attribute_def *def = custom_def(policy, feature);
    return def != NULL ? def->en : core_rating_feature_en(feature);
}

bool core_policy_model_feature_is_categorical(const core_policy_model *policy,
                                              core_rating_feature feature)
{
    const core_attribute_def *def = custom_def(policy, feature);
    return def != NULL ? def->categorical : core_rating_feature_is_categorical(feature);
}

bool core_policy_model_text_columns(const core_policy_model *policy,
                                    const char *out[CORE_RATING_VALUE_COUNT + 1])
{
    size_t n = 0;
    for (int f = 0; f < CORE_RATING_FEATURE_COUNT + (int)policy->terms.attributes.count; f++)
        if (core_policy_model_feature_is_categorical(policy, (core_rating_feature)f))
            out[n++] = core_policy_model_feature_name(policy, (core_rating_feature)f);
    out[n] = NULL;
    return true;
}

const core_attribute_set *core_policy_model_attributes(const core_policy_model *policy)
{
    return &policy->terms.attributes;
}

int core_policy_model_credit_report_max_age_days(const core_policy_model *policy)
{
    return policy->credit_report_max_age_days;
}

const char *core_policy_model_lpr_effective(const core_policy_model *policy)
{
    return policy->terms.lpr.effective_text;
}

bool core_policy_model_has_scorecard(const core_policy_model *policy, core_rating_kind kind)
{
    return (unsigned)kind < CORE_RATING_KIND_COUNT && policy->scorecards[kind].present;
}
