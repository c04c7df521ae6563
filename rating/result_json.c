/*
 * result_json.c - a rating result as JSON, for `rating show --json` and storage.
 *
 * Money is a decimal string ("500000.00"), rates and fee rates are percentages
 * with 4 decimals ("4.3500"), the PD is given both as a percentage string and as
 * integer millionths, per docs/design.md. Keys are stable: tools read them.
 */
#include "rating_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cJSON.h"

static bool add_money(cJSON *obj, const char *key, ld_money amount)
{
    char text[LD_MONEY_TEXT_MAX];
    return cJSON_AddStringToObject(obj, key, ld_money_format(amount, text)) != NULL;
}

static bool add_rate(cJSON *obj, const char *key, ld_rate rate)
{
    char text[LD_MONEY_TEXT_MAX];
    return cJSON_AddStringToObject(obj, key, ld_rate_format(rate, text)) != NULL;
}

static bool add_factors(cJSON *root, const rating_result *r)
{
    cJSON *factors = cJSON_AddArrayToObject(root, "factors");
    if (factors == NULL)
        return false;
    for (size_t i = 0; i < r->factor_count; i++) {
        const rating_factor_result *f = &r->factors[i];
        cJSON *item = cJSON_CreateObject();
        if (item == NULL || !cJSON_AddItemToArray(factors, item))
            return false;
        bool ok = cJSON_AddStringToObject(item, "feature", f->name) &&
                  cJSON_AddStringToObject(item, "zh", f->zh) &&
                  cJSON_AddStringToObject(item, "en", f->en);
        if (!ok)
            return false;
        if (f->missing)
            ok = cJSON_AddNullToObject(item, "value") != NULL;
        else if (f->categorical)
            ok = cJSON_AddStringToObject(item, "value", f->category) != NULL;
        else if (isfinite(f->value))
            ok = cJSON_AddNumberToObject(item, "value", f->value) != NULL;
        else
            ok = cJSON_AddStringToObject(item, "value", f->value > 0 ? "inf" : "-inf") != NULL;
        ok = ok && cJSON_AddStringToObject(item, "bin", f->bin_label ? f->bin_label : "") &&
             cJSON_AddStringToObject(item, "bin_kind", rating_bin_kind_name(f->bin_kind)) &&
             cJSON_AddNumberToObject(item, "points", f->points) &&
             cJSON_AddNumberToObject(item, "best_points", f->best_points) &&
             cJSON_AddBoolToObject(item, "refer", f->refer);
        if (!ok)
            return false;
    }
    return true;
}

static bool add_knockouts(cJSON *root, const rating_result *r)
{
    cJSON *list = cJSON_AddArrayToObject(root, "knockouts");
    if (list == NULL)
        return false;
    for (size_t i = 0; i < r->knockout_count; i++) {
        const rating_knockout_hit *k = &r->knockouts[i];
        cJSON *item = cJSON_CreateObject();
        if (item == NULL || !cJSON_AddItemToArray(list, item))
            return false;
        if (!cJSON_AddStringToObject(item, "rule", core_rating_knockout_name(k->rule)) ||
            !cJSON_AddStringToObject(item, "action", core_rating_decision_name(k->action)) ||
            !cJSON_AddStringToObject(item, "zh", k->zh) ||
            !cJSON_AddStringToObject(item, "en", k->en) ||
            !cJSON_AddStringToObject(item, "detail", k->detail))
            return false;
    }
    return true;
}

/* The facts the rating had no value for, so a reader sees what to collect. */
static bool add_missing(cJSON *root, const rating_result *r)
{
    cJSON *list = cJSON_AddArrayToObject(root, "missing_facts");
    if (list == NULL)
        return false;
    for (size_t i = 0; i < r->missing_count; i++) {
        cJSON *item = cJSON_CreateObject();
        if (item == NULL || !cJSON_AddItemToArray(list, item) ||
            !cJSON_AddStringToObject(item, "feature", r->factors[r->missing[i]].name) ||
            !cJSON_AddStringToObject(item, "zh", r->factors[r->missing[i]].zh) ||
            !cJSON_AddStringToObject(item, "en", r->factors[r->missing[i]].en))
            return false;
    }
    return true;
}

static bool add_reasons(cJSON *root, const rating_result *r)
{
    cJSON *list = cJSON_AddArrayToObject(root, "reasons");
    if (list == NULL)
        return false;
    for (size_t i = 0; i < r->reason_count; i++) {
        const rating_reason *reason = &r->reasons[i];
        cJSON *item = cJSON_CreateObject();
        if (item == NULL || !cJSON_AddItemToArray(list, item))
            return false;
        /* Points lost for want of data say so: the fact was not assessed. */
        char code[64], zh[160], en[160];
        snprintf(code, sizeof code, "%s%s", reason->missing ? "missing:" : "", reason->code);
        snprintf(zh, sizeof zh, "%s%s", reason->missing ? "缺少数据：" : "", reason->zh);
        snprintf(en, sizeof en, "%s%s", reason->missing ? "Missing data: " : "", reason->en);
        if (!cJSON_AddStringToObject(item, "code", code) ||
            !cJSON_AddStringToObject(item, "zh", zh) || !cJSON_AddStringToObject(item, "en", en) ||
            !cJSON_AddBoolToObject(item, "missing", reason->missing) ||
            !cJSON_AddNumberToObject(item, "points_lost", reason->points_lost))
            return false;
    }
    return true;
}

ld_status rating_result_to_json(const rating_result *r, char **out, ld_error *err)
{
    cJSON *root = cJSON_CreateObject();
    bool ok = root != NULL;
    ok = ok && cJSON_AddStringToObject(root, "kind", core_rating_kind_name(r->kind)) &&
         cJSON_AddStringToObject(root, "policy_version", r->policy_version) &&
         cJSON_AddStringToObject(root, "policy_sha256", r->policy_sha256) &&
         cJSON_AddNumberToObject(root, "score", r->score) &&
         cJSON_AddStringToObject(root, "grade", r->grade ? r->grade : "") &&
         cJSON_AddStringToObject(
             root, "model_grade",
             r->model_grade_index >= 0 ? core_rating_grade_name(r->model_grade_index) : "") &&
         add_rate(root, "pd", r->pd) &&
         cJSON_AddNumberToObject(root, "pd_millionths", (double)r->pd) &&
         cJSON_AddStringToObject(root, "decision", core_rating_decision_name(r->decision)) &&
         cJSON_AddBoolToObject(root, "lending_allowed", r->lending_allowed) &&
         add_money(root, "max_amount", r->max_amount) &&
         add_money(root, "recommended_amount", r->recommended_amount) &&
         cJSON_AddNumberToObject(root, "max_term_months", r->max_term_months) &&
         cJSON_AddNumberToObject(root, "recommended_term_months", r->recommended_term_months) &&
         cJSON_AddStringToObject(root, "lpr_tenor", r->lpr_five_year ? "five_year" : "one_year") &&
         add_rate(root, "lpr", r->lpr) && add_rate(root, "rate", r->rate) &&
         cJSON_AddStringToObject(root, "fee_method", core_rating_fee_method_name(r->fee_method)) &&
         add_rate(root, "fee_rate", r->fee_rate) && add_money(root, "fee_amount", r->fee_amount) &&
         add_factors(root, r) && add_knockouts(root, r) && add_missing(root, r) &&
         add_reasons(root, r);
    /* Compact: the text is stored with the rating and again, escaped, in the
     * log's image of its row; indentation was a fifth of it. */
    char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "rating: out of memory writing JSON");
    *out = text;
    return LD_OK;
}
