/*
 * score.c - rating one application against a loaded policy.
 *
 * The order of work is fixed so every rating can be explained: bin each factor
 * (missing first, then special values, then bins, then else), add the points to
 * the scorecard's base points, find the grade whose [min_score, max_score)
 * holds the score, apply the knock-out rules, and from the grade derive the
 * maximum amount, term, rate and fee. The decision is the most severe action of
 * everything that was hit (decline over refer over approve). Nothing here
 * allocates: the result is a plain struct the caller owns.
 *
 * Money stays in fen and is multiplied by rates in __int128, rounded once half
 * away from zero (docs/design.md "Rounding"); ratios are doubles because they are
 * inputs to bins, never amounts.
 */
#include "rating_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void rating_input_init(rating_input *in, core_rating_kind kind)
{
    memset(in, 0, sizeof *in);
    in->kind = kind;
    in->age_at_maturity = -1;
    in->identity_valid = false;
    in->forced_grade = -1;
}

void rating_input_set_number(rating_input *in, core_rating_feature feature, double value)
{
    if ((unsigned)feature >= CORE_RATING_VALUE_COUNT)
        return;
    in->features[feature].present = true;
    in->features[feature].number = value;
}

void rating_input_set_category(rating_input *in, core_rating_feature feature, const char *value)
{
    if ((unsigned)feature >= CORE_RATING_VALUE_COUNT)
        return;
    in->features[feature].present = value != NULL;
    snprintf(in->features[feature].category, CORE_RATING_CATEGORY_MAX, "%s", value ? value : "");
}

/* value x rate, rounded half away from zero: fen times millionths. */
static ld_money apply_rate(ld_money amount, int64_t millionths)
{
    return ld_round_div((__int128)amount * millionths, LD_RATE_ONE);
}

/* What the collateral can secure: sum of value x LTV cap, capped to money range. */
static ld_money collateral_capacity(const core_policy_model *policy, const rating_input *in)
{
    __int128 total = 0;
    for (size_t i = 0; i < in->collateral_count; i++) {
        const rating_collateral *c = &in->collateral[i];
        total += apply_rate(c->value, policy->terms.ltv_cap[c->type]);
    }
    return total > LD_MONEY_MAX ? LD_MONEY_MAX : (ld_money)total;
}

/* What the guarantees cover: each guarantee counts up to the guarantor's capacity
 * (net assets minus guarantees it already gives, the policy's only rule). */
static ld_money guarantee_cover(const rating_input *in)
{
    __int128 total = 0;
    for (size_t i = 0; i < in->guarantor_count; i++) {
        const rating_guarantor *g = &in->guarantors[i];
        __int128 capacity = (__int128)g->net_assets - g->outstanding_guarantees;
        if (capacity < 0)
            capacity = 0;
        total += g->amount_guaranteed < capacity ? g->amount_guaranteed : capacity;
    }
    return total > LD_MONEY_MAX ? LD_MONEY_MAX : (ld_money)total;
}

void rating_input_derive_cover(const core_policy_model *policy, rating_input *in)
{
    if (in->requested_amount <= 0 || in->collateral_count > RATING_MAX_COLLATERAL ||
        in->guarantor_count > RATING_MAX_GUARANTORS)
        return;
    for (size_t i = 0; i < in->collateral_count; i++)
        if ((unsigned)in->collateral[i].type >= RATING_COLL_TYPE_COUNT)
            return;
    if (!in->features[CORE_RATING_F_COLLATERAL_COVER].present)
        rating_input_set_number(in, CORE_RATING_F_COLLATERAL_COVER,
                                (double)collateral_capacity(policy, in) /
                                    (double)in->requested_amount);
    if (!in->features[CORE_RATING_F_GUARANTOR_COVER].present)
        rating_input_set_number(in, CORE_RATING_F_GUARANTOR_COVER,
                                (double)guarantee_cover(in) / (double)in->requested_amount);
}

int rating_factor_select(const core_rating_factor *factor, const rating_value *value)
{
    if (!value->present)
        return RATING_BINSEL_MISSING;
    if (factor->categorical) {
        if (value->category[0] == '\0')
            return RATING_BINSEL_MISSING;
        /* The key, and whether the text ended within it (then equal keys
         * are equal texts). */
        uint64_t key = 0;
        int length = 0;
        while (length < 8 && value->category[length] != '\0') {
            key |= (uint64_t)(unsigned char)value->category[length] << (8 * length);
            length++;
        }
        bool short_text = length < 8;
        for (size_t b = 0; b < factor->bin_count; b++) {
            const core_rating_bin *bin = &factor->bins[b];
            for (size_t c = 0; c < bin->category_count; c++)
                if (bin->keys[c] == key &&
                    (short_text || strcmp(bin->categories[c], value->category) == 0))
                    return (int)b;
        }
        return RATING_BINSEL_ELSE;
    }
    double x = value->number;
    /* NaN compares false with every bound and would land in whichever bin is
     * tested first; it means "no value", so it goes to the missing bin. */
    if (isnan(x))
        return RATING_BINSEL_MISSING;
    /* The policy's bounds are exact millionths (core/policy_model.h): the
     * value is scaled once, and a decimal value such as 0.3 lands on the
     * bound 300000 itself. */
    double micro = x * 1e6;
    for (size_t s = 0; s < factor->special_count; s++)
        if ((double)factor->specials[s].value == micro)
            return -2 - (int)s;
    for (size_t b = 0; b < factor->bin_count; b++) {
        const core_rating_bin *bin = &factor->bins[b];
        if ((!bin->has_min || micro >= (double)bin->min) &&
            (!bin->has_max || micro < (double)bin->max))
            return (int)b;
    }
    /* A checked policy tiles the whole line, so this is unreachable; refer
     * rather than guess. */
    return RATING_BINSEL_ELSE;
}

/* Appends text to a hit's detail, cutting at its end. */
static void detail_append(char detail[RATING_DETAIL_MAX], const char *text)
{
    size_t used = strlen(detail);
    size_t room = RATING_DETAIL_MAX - 1 - used;
    size_t length = strlen(text);
    if (length > room)
        length = room;
    memcpy(detail + used, text, length);
    detail[used + length] = '\0';
}

/* x with four decimals ("0.6200"), for details; values beyond +-1e12 as "large". */
static const char *fixed4(double x, char out[32])
{
    if (!(x > -1e12 && x < 1e12))
        return "large";
    long long n = llround(x * 10000);
    bool negative = n < 0;
    unsigned long long u = negative ? (unsigned long long)-n : (unsigned long long)n;
    char digits[32];
    int len = 0;
    do {
        digits[len++] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0 || len < 5);
    size_t k = 0;
    if (negative)
        out[k++] = '-';
    for (int d = len - 1; d >= 0; d--) {
        out[k++] = digits[d];
        if (d == 4)
            out[k++] = '.';
    }
    out[k] = '\0';
    return out;
}

static rating_knockout_hit *add_hit(rating_result *out, core_rating_knockout rule,
                                    core_rating_decision action, const char *zh, const char *en)
{
    if (out->knockout_count >= RATING_MAX_HITS)
        return NULL;
    rating_knockout_hit *hit = &out->knockouts[out->knockout_count++];
    hit->rule = rule;
    hit->action = action;
    hit->zh = zh;
    hit->en = en;
    hit->detail[0] = '\0';
    if (action > out->decision)
        out->decision = action;
    return hit;
}

/* Scores the factors into out->factors and returns the score. */
static int score_factors(const core_rating_scorecard *sc, const rating_value *features,
                         rating_result *out)
{
    int score = sc->base_points;
    out->factor_count = sc->factor_count;
    out->missing_count = 0;
    for (size_t i = 0; i < sc->factor_count; i++) {
        const core_rating_factor *f = &sc->factors[i];
        const rating_value *v = &features[f->feature];
        rating_factor_result *r = &out->factors[i];
        int sel = rating_factor_select(f, v);
        r->feature = f->feature;
        r->name = f->name;
        r->zh = f->zh;
        r->en = f->en;
        r->categorical = f->categorical;
        r->best_points = f->best_points;
        r->refer = false;
        r->missing = sel == RATING_BINSEL_MISSING;
        bool categorical = f->categorical;
        r->value = !r->missing && !categorical ? v->number : 0.0;
        if (!r->missing && categorical) {
            memcpy(r->category, v->category, CORE_RATING_CATEGORY_MAX);
            r->category[CORE_RATING_CATEGORY_MAX - 1] = '\0';
        } else
            r->category[0] = '\0';
        if (sel >= 0) {
            r->bin_kind = categorical ? RATING_BIN_CATEGORY : RATING_BIN_RANGE;
            r->bin_label = f->bins[sel].label;
            r->points = f->bins[sel].points;
        } else if (sel == RATING_BINSEL_MISSING) {
            r->bin_kind = RATING_BIN_MISSING;
            r->bin_label = f->missing.label;
            r->points = f->missing.points;
            r->refer = f->missing.refer;
            out->missing[out->missing_count++] = (unsigned char)i;
        } else if (sel == RATING_BINSEL_ELSE) {
            r->bin_kind = RATING_BIN_ELSE;
            r->bin_label = f->other.set ? f->other.label : "other";
            r->points = f->other.set ? f->other.points : f->worst_points;
            r->refer = !f->other.set || f->other.refer;
        } else {
            const core_rating_special *s = &f->specials[-2 - sel];
            r->bin_kind = RATING_BIN_SPECIAL;
            r->bin_label = s->label;
            r->points = s->points;
        }
        score += r->points;
    }
    return score;
}

static int find_grade(const core_policy_model *policy, int score)
{
    for (int g = 0; g < CORE_RATING_GRADE_COUNT; g++) {
        const core_rating_grade *grade = &policy->grades[g];
        if ((!grade->has_min || score >= grade->min_score) &&
            (!grade->has_max || score < grade->max_score))
            return g;
    }
    return CORE_RATING_GRADE_COUNT - 1; /* unreachable for a checked policy */
}

/* The four factors that lost the most points against their best, ties in the
 * scorecard's order (a stable insertion into four slots). */
static void pick_reasons(const core_rating_scorecard *sc, rating_result *out)
{
    out->reason_count = 0;
    for (size_t i = 0; i < out->factor_count; i++) {
        int lost = out->factors[i].best_points - out->factors[i].points;
        if (lost <= 0)
            continue;
        size_t pos = out->reason_count;
        while (pos > 0 && out->reasons[pos - 1].points_lost < lost)
            pos--;
        if (pos >= RATING_REASONS)
            continue;
        size_t last = out->reason_count < RATING_REASONS ? out->reason_count : RATING_REASONS - 1;
        for (size_t k = last; k > pos; k--)
            out->reasons[k] = out->reasons[k - 1];
        const core_rating_factor *f = &sc->factors[i];
        rating_reason *r = &out->reasons[pos];
        r->feature = f->feature;
        r->code = f->name;
        r->missing = out->factors[i].missing;
        if (r->missing) {
            r->zh = f->zh;
            r->en = f->en;
        } else {
            r->zh = f->reason_zh ? f->reason_zh : core_rating_feature_reason_zh(f->feature);
            r->en = f->reason_en ? f->reason_en : core_rating_feature_reason_en(f->feature);
        }
        r->points_lost = lost;
        if (out->reason_count < RATING_REASONS)
            out->reason_count++;
    }
}

static ld_status check_input(const rating_input *in, ld_error *err)
{
    if ((unsigned)in->kind >= CORE_RATING_KIND_COUNT)
        return LD_FAIL(err, LD_EINVAL, "kind: must be individual or enterprise");
    if (in->forced_grade < -1 || in->forced_grade >= CORE_RATING_GRADE_COUNT)
        return LD_FAIL(err, LD_EINVAL, "forced_grade: must be -1 (none) or 0..%d",
                       CORE_RATING_GRADE_COUNT - 1);
    if (in->collateral_count > RATING_MAX_COLLATERAL)
        return LD_FAIL(err, LD_EINVAL, "collateral: at most %d items", RATING_MAX_COLLATERAL);
    if (in->guarantor_count > RATING_MAX_GUARANTORS)
        return LD_FAIL(err, LD_EINVAL, "guarantors: at most %d", RATING_MAX_GUARANTORS);
    for (size_t i = 0; i < in->collateral_count; i++) {
        const rating_collateral *c = &in->collateral[i];
        if ((unsigned)c->type >= RATING_COLL_TYPE_COUNT)
            return LD_FAIL(err, LD_EINVAL, "collateral[%zu].type: unknown", i);
        if (c->value < 0 || c->value > LD_MONEY_MAX || c->secured_amount < 0 ||
            c->secured_amount > LD_MONEY_MAX)
            return LD_FAIL(err, LD_EINVAL, "collateral[%zu]: amounts must be 0..%lld fen", i,
                           (long long)LD_MONEY_MAX);
    }
    for (size_t i = 0; i < in->guarantor_count; i++) {
        const rating_guarantor *g = &in->guarantors[i];
        if (g->net_assets < -LD_MONEY_MAX || g->net_assets > LD_MONEY_MAX ||
            g->outstanding_guarantees < 0 || g->outstanding_guarantees > LD_MONEY_MAX ||
            g->amount_guaranteed < 0 || g->amount_guaranteed > LD_MONEY_MAX)
            return LD_FAIL(err, LD_EINVAL, "guarantors[%zu]: amounts out of range", i);
    }
    const struct {
        const char *name;
        ld_money value;
    } amounts[] = {{"requested_amount", in->requested_amount},
                   {"annual_income", in->annual_income},
                   {"annual_revenue", in->annual_revenue},
                   {"product_max_amount", in->product_max_amount}};
    for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++)
        if (amounts[i].value < 0 || amounts[i].value > LD_MONEY_MAX)
            return LD_FAIL(err, LD_EINVAL, "%s: must be 0..%lld fen", amounts[i].name,
                           (long long)LD_MONEY_MAX);
    if (in->net_assets < -LD_MONEY_MAX || in->net_assets > LD_MONEY_MAX)
        return LD_FAIL(err, LD_EINVAL, "net_assets: out of range");
    if (in->requested_term_months < 0 || in->requested_term_months > 360)
        return LD_FAIL(err, LD_EINVAL, "requested_term_months: must be 0..360");
    if (in->product_max_term_months < 0 || in->product_max_term_months > 360)
        return LD_FAIL(err, LD_EINVAL, "product_max_term_months: must be 0..360");
    if (in->product_min_age < 0 || in->product_max_age < 0 || in->product_min_age > 150 ||
        in->product_max_age > 150)
        return LD_FAIL(err, LD_EINVAL, "product ages: must be 0..150");
    return LD_OK;
}

/* The rule "missing_facts": each named feature without a value refers. */
static void refer_missing(const core_policy_model *policy, const rating_input *in,
                          rating_result *out)
{
    const core_rating_ko_rule *rule = &policy->knockouts[CORE_RATING_KO_MISSING_FACTS];
    if (!rule->enabled)
        return;
    rating_knockout_hit *hit = NULL;
    for (size_t i = 0; i < policy->needed_count; i++) {
        const rating_value *v = &in->features[policy->needed[i]];
        bool missing =
            !v->present || (core_policy_model_feature_is_categorical(policy, policy->needed[i])
                                ? v->category[0] == '\0'
                                : isnan(v->number));
        if (!missing)
            continue;
        if (hit == NULL) {
            hit = add_hit(out, CORE_RATING_KO_MISSING_FACTS, rule->action, "缺少政策要求的数据",
                          "Facts the policy needs are missing");
            if (hit == NULL)
                return;
            detail_append(hit->detail, "missing:");
        }
        detail_append(hit->detail, " ");
        detail_append(hit->detail, core_policy_model_feature_name(policy, policy->needed[i]));
    }
}

static void apply_knockouts(const core_policy_model *policy, const rating_input *in,
                            rating_result *out)
{
    const core_rating_ko_rule *rules = policy->knockouts;
    rating_knockout_hit *hit;
    refer_missing(policy, in, out);
    if (rules[CORE_RATING_KO_INVALID_IDENTITY].enabled && !in->identity_valid)
        add_hit(out, CORE_RATING_KO_INVALID_IDENTITY, rules[CORE_RATING_KO_INVALID_IDENTITY].action,
                "身份证件号码或统一社会信用代码无效", "Identity number is not valid");
    if (rules[CORE_RATING_KO_BLOCKLISTED].enabled && in->blocklisted)
        add_hit(out, CORE_RATING_KO_BLOCKLISTED, rules[CORE_RATING_KO_BLOCKLISTED].action,
                "列入禁入名单", "Listed on the block list");
    if (rules[CORE_RATING_KO_AGE_AT_MATURITY].enabled && in->kind == CORE_RATING_INDIVIDUAL) {
        int min_age = in->product_min_age ? in->product_min_age : policy->default_min_age;
        int max_age = in->product_max_age ? in->product_max_age : policy->default_max_age;
        const rating_value *age = &in->features[CORE_RATING_F_AGE];
        const char *zh = "借款人年龄超出产品允许范围", *en = "Borrower's age is outside the "
                                                             "product's range";
        core_rating_decision action = rules[CORE_RATING_KO_AGE_AT_MATURITY].action;
        if (age->present && !isnan(age->number) && age->number < min_age) {
            if ((hit = add_hit(out, CORE_RATING_KO_AGE_AT_MATURITY, action, zh, en)) != NULL)
                snprintf(hit->detail, sizeof hit->detail, "age %g < minimum %d", age->number,
                         min_age);
        } else if (in->age_at_maturity < 0) {
            if ((hit = add_hit(out, CORE_RATING_KO_AGE_AT_MATURITY, action, zh, en)) != NULL)
                snprintf(hit->detail, sizeof hit->detail, "age at maturity unknown");
        } else if (in->age_at_maturity > max_age) {
            if ((hit = add_hit(out, CORE_RATING_KO_AGE_AT_MATURITY, action, zh, en)) != NULL)
                snprintf(hit->detail, sizeof hit->detail, "age at maturity %d > maximum %d",
                         in->age_at_maturity, max_age);
        }
    }
    if (rules[CORE_RATING_KO_NEGATIVE_NET_ASSETS].enabled && in->net_assets_known &&
        in->net_assets < 0) {
        if ((hit = add_hit(out, CORE_RATING_KO_NEGATIVE_NET_ASSETS,
                           rules[CORE_RATING_KO_NEGATIVE_NET_ASSETS].action, "净资产为负",
                           "Net assets are negative")) != NULL) {
            char amount[LD_MONEY_TEXT_MAX];
            snprintf(hit->detail, sizeof hit->detail, "net_assets %s",
                     ld_money_format(in->net_assets, amount));
        }
    }
    const rating_value *dti = &in->features[CORE_RATING_F_DTI_AFTER_LOAN];
    if (rules[CORE_RATING_KO_DTI_OVER_CAP].enabled && dti->present && !isnan(dti->number) &&
        dti->number * (double)LD_RATE_ONE > (double)policy->dti_cap) {
        if ((hit = add_hit(out, CORE_RATING_KO_DTI_OVER_CAP,
                           rules[CORE_RATING_KO_DTI_OVER_CAP].action, "负债收入比超过上限",
                           "Debt-to-income exceeds the cap")) != NULL) {
            /* By hand, as the refer details: formatting a ratio with printf
             * was a tenth of the scorer's time. */
            char number[32];
            detail_append(hit->detail, "dti_after_loan ");
            detail_append(hit->detail, fixed4(dti->number, number));
            detail_append(hit->detail, " > cap ");
            detail_append(hit->detail,
                          fixed4((double)policy->dti_cap / (double)LD_RATE_ONE, number));
        }
    }
    if (rules[CORE_RATING_KO_COLLATERAL_OVER_LTV].enabled) {
        for (size_t i = 0; i < in->collateral_count; i++) {
            const rating_collateral *c = &in->collateral[i];
            ld_rate cap = policy->terms.ltv_cap[c->type];
            if ((__int128)c->secured_amount * LD_RATE_ONE <= (__int128)c->value * cap)
                continue;
            if ((hit = add_hit(out, CORE_RATING_KO_COLLATERAL_OVER_LTV,
                               rules[CORE_RATING_KO_COLLATERAL_OVER_LTV].action, "抵质押率超过上限",
                               "Collateral is over its loan-to-value cap")) != NULL) {
                char cap_text[LD_MONEY_TEXT_MAX];
                snprintf(hit->detail, sizeof hit->detail, "collateral[%zu] %s: LTV above %s %%", i,
                         rating_collateral_type_name(c->type), ld_rate_format(cap, cap_text));
            }
            break;
        }
    }
    if (rules[CORE_RATING_KO_GUARANTOR_SHORT].enabled) {
        for (size_t i = 0; i < in->guarantor_count; i++) {
            const rating_guarantor *g = &in->guarantors[i];
            __int128 capacity = (__int128)g->net_assets - g->outstanding_guarantees;
            if (g->amount_guaranteed <= capacity)
                continue;
            if ((hit = add_hit(out, CORE_RATING_KO_GUARANTOR_SHORT,
                               rules[CORE_RATING_KO_GUARANTOR_SHORT].action, "保证人担保能力不足",
                               "Guarantor's capacity is short of the guarantee")) != NULL)
                snprintf(hit->detail, sizeof hit->detail,
                         "guarantors[%zu]: guarantee above net assets minus outstanding", i);
            break;
        }
    }
}

static ld_money min_money(ld_money a, ld_money b)
{
    return a < b ? a : b;
}

/* Amount, term, rate and fee from the grade (issue 3, "per grade"). */
static void apply_terms(const core_policy_model *policy, const rating_input *in, rating_result *out)
{
    const core_rating_grade *g = &policy->grades[out->grade_index];
    out->lending_allowed = g->lending;
    if (!g->lending) {
        add_hit(out, CORE_RATING_KO_GRADE_NO_LENDING, CORE_RATING_DECLINE, "该信用等级不予授信",
                "The grade allows no lending");
        out->max_amount = out->recommended_amount = 0;
        out->max_term_months = out->recommended_term_months = 0;
        out->lpr_five_year = false;
        out->lpr = out->rate = 0;
        out->fee_method = CORE_RATING_FEE_NONE;
        out->fee_rate = 0;
        out->fee_amount = 0;
        return;
    }
    ld_money max_amount = g->max_amount;
    if (in->product_max_amount > 0)
        max_amount = min_money(max_amount, in->product_max_amount);
    if (in->kind == CORE_RATING_INDIVIDUAL) {
        if (g->income_multiple >= 0)
            max_amount = min_money(max_amount, apply_rate(in->annual_income, g->income_multiple));
    } else {
        if (g->revenue_multiple >= 0)
            max_amount = min_money(max_amount, apply_rate(in->annual_revenue, g->revenue_multiple));
        if (g->net_assets_multiple >= 0) {
            ld_money net = in->net_assets > 0 ? in->net_assets : 0;
            max_amount = min_money(max_amount, apply_rate(net, g->net_assets_multiple));
        }
    }
    __int128 cover =
        (__int128)collateral_capacity(policy, in) + guarantee_cover(in) + g->unsecured_allowance;
    if (cover < max_amount)
        max_amount = (ld_money)cover;
    out->max_amount = max_amount;
    out->recommended_amount =
        in->requested_amount > 0 ? min_money(in->requested_amount, max_amount) : max_amount;
    if (max_amount <= 0)
        add_hit(out, CORE_RATING_KO_NO_CAPACITY, CORE_RATING_REFER, "可授信额度为零",
                "No amount can be lent within the limits");

    int max_term = g->max_term_months;
    if (in->product_max_term_months > 0 && in->product_max_term_months < max_term)
        max_term = in->product_max_term_months;
    out->max_term_months = max_term;
    out->recommended_term_months =
        in->requested_term_months > 0 && in->requested_term_months < max_term
            ? in->requested_term_months
            : max_term;

    /* 1-year LPR prices terms up to 5 years, the 5-year LPR longer ones (docs/regulation.md). */
    out->lpr_five_year = core_lpr_is_five_year(out->recommended_term_months);
    out->lpr = core_lpr_for_term(&policy->terms.lpr, out->recommended_term_months);
    out->rate = core_rate_priced(out->lpr, g->spread, &policy->terms.band);
    out->fee_method = g->fee_method;
    out->fee_rate = g->fee_method == CORE_RATING_FEE_NONE ? 0 : g->fee_rate;
    out->fee_amount = apply_rate(out->recommended_amount, out->fee_rate);
}

ld_status rating_score(const core_policy_model *policy, const rating_input *in, rating_result *out,
                       ld_error *err)
{
    ld_status st = check_input(in, err);
    if (st != LD_OK)
        return st;
    out->kind = in->kind;
    memcpy(out->policy_version, policy->version, sizeof out->policy_version);
    memcpy(out->policy_sha256, policy->sha256, sizeof out->policy_sha256);
    out->knockout_count = 0;
    out->decision = CORE_RATING_APPROVE;
    out->reason_count = 0;

    const core_rating_scorecard *sc = &policy->scorecards[in->kind];
    if (!sc->present) {
        out->factor_count = 0;
        out->missing_count = 0;
        out->score = 0;
        out->grade_index = out->model_grade_index = -1;
        out->grade = "";
        out->pd = 0;
        out->lending_allowed = false;
        out->max_amount = out->recommended_amount = 0;
        out->max_term_months = out->recommended_term_months = 0;
        out->lpr_five_year = false;
        out->lpr = out->rate = out->fee_rate = 0;
        out->fee_method = CORE_RATING_FEE_NONE;
        out->fee_amount = 0;
        add_hit(out, CORE_RATING_KO_NO_SCORECARD, CORE_RATING_REFER, "政策未配置该类客户的评分卡",
                "The policy has no scorecard for this kind of borrower");
        apply_knockouts(policy, in, out);
        return LD_OK;
    }

    out->score = score_factors(sc, in->features, out);
    out->model_grade_index = find_grade(policy, out->score);
    /* An override moves the grade, and with it the PD and every term. */
    out->grade_index = in->forced_grade >= 0 && in->forced_grade < CORE_RATING_GRADE_COUNT
                           ? in->forced_grade
                           : out->model_grade_index;
    out->grade = core_rating_grade_name(out->grade_index);
    out->pd = policy->grades[out->grade_index].pd;

    apply_knockouts(policy, in, out);
    for (size_t i = 0; i < out->factor_count; i++) {
        const rating_factor_result *f = &out->factors[i];
        if (!f->refer)
            continue;
        rating_knockout_hit *hit =
            add_hit(out, CORE_RATING_KO_FACTOR_REFER, CORE_RATING_REFER, "评分要素需人工审查",
                    "A scorecard factor needs a person's review");
        if (hit == NULL)
            continue;
        /* Built by hand: this runs for every referred factor of every rating,
         * and snprintf would be most of the scorer's time. */
        detail_append(hit->detail, f->name);
        if (f->bin_kind == RATING_BIN_MISSING) {
            detail_append(hit->detail, ": missing");
        } else {
            detail_append(hit->detail, ": unseen category \"");
            detail_append(hit->detail, f->category);
            detail_append(hit->detail, "\"");
        }
    }
    apply_terms(policy, in, out);
    pick_reasons(sc, out);
    return LD_OK;
}

ld_status rating_score_only(const core_policy_model *policy, core_rating_kind kind,
                            const rating_value features[CORE_RATING_VALUE_COUNT], int *score_out,
                            int *grade_out, ld_rate *pd_out, ld_error *err)
{
    if ((unsigned)kind >= CORE_RATING_KIND_COUNT || !policy->scorecards[kind].present)
        return LD_FAIL(err, LD_EINVAL, "kind: the policy has no %s scorecard",
                       core_rating_kind_name(kind));
    const core_rating_scorecard *sc = &policy->scorecards[kind];
    int score = sc->base_points;
    for (size_t i = 0; i < sc->factor_count; i++) {
        const core_rating_factor *f = &sc->factors[i];
        int sel = rating_factor_select(f, &features[f->feature]);
        if (sel >= 0)
            score += f->bins[sel].points;
        else if (sel == RATING_BINSEL_MISSING)
            score += f->missing.points;
        else if (sel == RATING_BINSEL_ELSE)
            score += f->other.set ? f->other.points : f->worst_points;
        else
            score += f->specials[-2 - sel].points;
    }
    int grade = find_grade(policy, score);
    *score_out = score;
    *grade_out = grade;
    *pd_out = policy->grades[grade].pd;
    return LD_OK;
}
