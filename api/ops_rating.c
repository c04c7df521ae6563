/*
 * ops_rating.c - rating operations of the operations API
 * (loandesk/servicing.h): rating an application from the facts core holds
 * with the policy in force, showing and overriding a rating, and the
 * scorecard tools that need no database (policy check, fit, validate).
 *
 * The rating of an application is computed here and nowhere else: core
 * gathers the facts and stores the summary (refusing a summary made under
 * another policy), rating/ scores; no front end hands in a rating.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "credit.h"
#include "json_in.h"
#include "loandesk/servicing.h"
#include "permission.h"
#include "policy.h"
#include "rating.h"
#include "rating_app.h"
#include "rating_csv.h"
#include "rating_fit.h"
#include "rating_stats.h"

typedef struct app_args {
    int64_t app_id;
    const char *grade;
    const char *reason;
    const char *start;
} app_args;

static ld_status rating_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    return core_rating_show(call->store, call->who, a->app_id, out, err);
}

ld_status ld_rating_show(ld_session *session, int64_t app_id, cJSON **out, ld_error *err)
{
    app_args a = {.app_id = app_id};
    return api_run_on(session, "rating.show", "application", app_id, rating_show, &a, out, err);
}

/* Scores the application's facts under the policy in force - the model core
 * keeps for it, not a parse of its own - the grade forced to forced_grade (-1:
 * the model's). *policy_out is the store's (valid for this command);
 * *result_out is the caller's to free. */
static ld_status score_facts(api_call *call, const core_credit_facts *facts, int forced_grade,
                             const core_policy_model **policy_out, rating_result **result_out,
                             ld_error *err)
{
    const core_policy_model *policy = NULL;
    ld_status st;
    if ((st = core_policy_model_get(call->store, &policy, err)) != LD_OK)
        return st;
    rating_input *input = malloc(sizeof *input);
    rating_result *result = malloc(sizeof *result);
    if (input == NULL || result == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
    } else {
        rating_input_from_facts(policy, facts, input);
        input->forced_grade = forced_grade;
        st = rating_score(policy, input, result, err);
    }
    free(input);
    if (st != LD_OK) {
        free(result);
        return st;
    }
    *policy_out = policy;
    *result_out = result;
    return LD_OK;
}

/* Facts, policy, score, summary, save: one body so that nothing between the
 * facts and the stored rating passes through a caller. */
static ld_status application_rate(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    core_credit_facts facts;
    const core_policy_model *policy = NULL;
    rating_result *result = NULL;
    char *json = NULL;
    ld_status st;
    if ((st = core_credit_facts_get(call->store, call->who, a->app_id, &facts, err)) != LD_OK ||
        (st = score_facts(call, &facts, -1, &policy, &result, err)) != LD_OK)
        return st;
    core_rating_summary summary;
    rating_summary_from_result(result, &summary);
    if ((st = rating_result_to_json(result, &json, err)) == LD_OK &&
        (st = core_rating_save(call->store, call->who, a->app_id, &summary, json, NULL, err)) ==
            LD_OK) {
        *out = cJSON_Parse(json);
        if (*out == NULL)
            st = LD_FAIL(err, LD_EINTERNAL, "rating: out of memory");
    }
    free(json);
    free(result);
    return st;
}

ld_status ld_application_rate(ld_session *session, int64_t app_id, cJSON **out, ld_error *err)
{
    app_args a = {.app_id = app_id};
    return api_run_on(session, "app.rate", "application", app_id, application_rate, &a, out, err);
}

/* An override moves the grade and with it the PD, the decision and the
 * terms: the same facts are rated again with the grade forced, and that
 * answer is stored beside the override for approval to be judged against.
 * The facts and the policy must still be those of the rating, or the terms
 * would belong to another assessment. */
static ld_status rating_override(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    ld_status st;
    core_application app;
    core_rating_summary rated;
    if ((st = core_perm_require(call->who, CORE_ACT_RATING_OVERRIDE, NULL, err)) != LD_OK ||
        (st = core_application_get(call->store, a->app_id, &app, err)) != LD_OK)
        return st;
    if (app.state != CORE_APP_RATED)
        return LD_FAIL(err, LD_ESTATE, "cannot override the rating of application %lld: it is %s",
                       (long long)a->app_id, core_app_state_name(app.state));
    if ((st = core_grade_check("grade", a->grade, err)) != LD_OK ||
        (st = core_rating_latest(call->store, a->app_id, &rated, err)) != LD_OK)
        return st;
    int forced = 0;
    while (forced < CORE_RATING_GRADE_COUNT - 1 &&
           strcmp(core_rating_grade_name(forced), a->grade) != 0)
        forced++;
    core_credit_facts facts;
    const core_policy_model *policy = NULL;
    rating_result *result = NULL;
    char *json = NULL;
    if ((st = core_credit_facts_get(call->store, call->who, a->app_id, &facts, err)) != LD_OK ||
        (st = score_facts(call, &facts, forced, &policy, &result, err)) != LD_OK)
        return st;
    if (strcmp(core_policy_model_sha256(policy), rated.policy_sha256) != 0)
        st = LD_FAIL(err, LD_ESTATE,
                     "the policy in force changed since application %lld was rated; rate it "
                     "again before overriding",
                     (long long)a->app_id);
    else if (result->score != rated.score)
        st = LD_FAIL(err, LD_ESTATE,
                     "the facts of application %lld changed since it was rated (score %d then, "
                     "%d now); rate it again before overriding",
                     (long long)a->app_id, rated.score, result->score);
    core_rating_summary terms;
    if (st == LD_OK && (st = rating_result_to_json(result, &json, err)) == LD_OK) {
        rating_summary_from_result(result, &terms);
        st = core_rating_override(call->store, call->who, a->app_id, a->grade, a->reason, &terms,
                                  json, err);
    }
    if (st == LD_OK) {
        cJSON *o = cJSON_CreateObject();
        core_json_put_int(o, "application_id", a->app_id);
        cJSON_AddStringToObject(o, "grade", a->grade);
        cJSON_AddStringToObject(o, "model_grade", rated.grade);
        cJSON_AddStringToObject(o, "decision", terms.decision);
        core_json_put_money(o, "recommended_amount", terms.recommended_amount);
        core_json_put_int(o, "recommended_term_months", terms.recommended_term_months);
        core_json_put_rate(o, "rate", terms.rate);
        *out = o;
    }
    free(json);
    free(result);
    return st;
}

ld_status ld_rating_override(ld_session *session, int64_t app_id, const char *grade,
                             const char *reason, cJSON **out, ld_error *err)
{
    app_args a = {.app_id = app_id, .grade = grade, .reason = reason};
    return api_run_on(session, "rating.override", "application", app_id, rating_override, &a, out,
                      err);
}

/* ---- Tools without a database ------------------------------------------------- */

ld_status ld_policy_check(const char *path, cJSON **out, ld_error *err)
{
    core_policy_problems problems = {0};
    ld_status st = core_policy_model_check_file(path, &problems, err);
    core_policy_model *policy = NULL;
    if (st == LD_OK)
        st = core_policy_model_load(path, &policy, err);
    if (st != LD_OK && !(st == LD_EINVAL && problems.count > 0)) {
        core_policy_problems_free(&problems);
        return st;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "file", path);
    cJSON_AddBoolToObject(root, "ok", st == LD_OK);
    if (policy != NULL) {
        cJSON_AddStringToObject(root, "version", core_policy_model_version(policy));
        cJSON_AddStringToObject(root, "sha256", core_policy_model_sha256(policy));
    }
    cJSON *list = cJSON_AddArrayToObject(root, "problems");
    for (size_t i = 0; i < problems.count; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(problems.messages[i]));
    core_policy_model_free(policy);
    core_policy_problems_free(&problems);
    *out = root;
    return LD_OK;
}

static ld_status parse_kind(const char *text, core_rating_kind *out, ld_error *err)
{
    *out = CORE_RATING_INDIVIDUAL;
    if (text != NULL && !core_rating_kind_from_name(text, out))
        return LD_FAIL(err, LD_EINVAL, "kind: must be individual or enterprise, not \"%s\"", text);
    return LD_OK;
}

static ld_status write_text(const char *path, const char *text, ld_error *err)
{
    FILE *file = fopen(path, "wb");
    if (file == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "%s: %s", path, strerror(errno));
    size_t length = strlen(text);
    bool ok = fwrite(text, 1, length, file) == length && fputc('\n', file) != EOF;
    ok = fclose(file) == 0 && ok;
    if (!ok)
        return LD_FAIL(err, LD_EINTERNAL, "%s: write failed", path);
    return LD_OK;
}

static cJSON *fit_json(const ld_fit_spec *spec, const rating_fit_options *opt,
                       const rating_fit_report *report, const char *policy_text)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "out", spec->out_path);
    /* The written policy as it will be loaded: its version and hash tie the
     * fit report to the ratings made with it. */
    core_policy_model *written = NULL;
    if (core_policy_model_load_buffer(policy_text, strlen(policy_text), &written, NULL) == LD_OK) {
        cJSON_AddStringToObject(root, "version", core_policy_model_version(written));
        cJSON_AddStringToObject(root, "policy_sha256", core_policy_model_sha256(written));
    }
    core_policy_model_free(written);
    cJSON_AddStringToObject(root, "kind", core_rating_kind_name(opt->kind));
    cJSON_AddNumberToObject(root, "rows", (double)report->rows);
    cJSON_AddNumberToObject(root, "bads", (double)report->bads);
    cJSON_AddNumberToObject(root, "intercept", report->intercept);
    cJSON_AddNumberToObject(root, "iterations", report->iterations);
    cJSON_AddNumberToObject(root, "auc", report->auc);
    cJSON *cols = cJSON_AddArrayToObject(root, "columns");
    for (size_t i = 0; i < report->column_count; i++) {
        const rating_fit_column *c = &report->columns[i];
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToArray(cols, item);
        cJSON_AddStringToObject(item, "name", c->name);
        if (c->feature_name[0] != '\0')
            cJSON_AddStringToObject(item, "feature", c->feature_name);
        cJSON_AddStringToObject(item, "source", c->feature ? "built-in" : "bank variable");
        cJSON_AddStringToObject(item, "type", c->categorical ? "categorical" : "numeric");
        cJSON_AddBoolToObject(item, "kept", c->kept);
        cJSON_AddNumberToObject(item, "iv", c->iv);
        cJSON_AddNumberToObject(item, "bins", (double)c->bins);
        if (!c->categorical && c->bin_count > 0)
            cJSON_AddBoolToObject(item, "monotone", c->monotone);
        cJSON_AddNumberToObject(item, "coefficient", c->coefficient);
        if (c->note != NULL)
            cJSON_AddStringToObject(item, "note", c->note);
        cJSON *bins = cJSON_AddArrayToObject(item, "bin_detail");
        for (size_t b = 0; b < c->bin_count; b++) {
            const rating_fit_bin *fb = &c->bin[b];
            cJSON *bin = cJSON_CreateObject();
            cJSON_AddItemToArray(bins, bin);
            cJSON_AddStringToObject(bin, "label", fb->label);
            cJSON_AddNumberToObject(bin, "rows", (double)fb->rows);
            cJSON_AddNumberToObject(bin, "bads", (double)fb->bads);
            cJSON_AddNumberToObject(bin, "woe", fb->woe);
            cJSON_AddNumberToObject(bin, "points", fb->points);
        }
    }
    return root;
}

/* The permission alone: the fit reads files, not the book, so it runs
 * outside any transaction once the user may fit. */
static ld_status rating_fit_permit(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    (void)out;
    return core_perm_require(call->who, CORE_ACT_RATING_FIT, NULL, err);
}

ld_status ld_rating_fit(ld_session *session, const ld_fit_spec *spec, cJSON **out, ld_error *err)
{
    ld_status st = api_run(session, "rating.fit", spec->data_path, API_READ, rating_fit_permit,
                           NULL, NULL, err);
    if (st != LD_OK)
        return st;
    rating_fit_options opt;
    rating_fit_options_default(&opt);
    if ((st = parse_kind(spec->kind, &opt.kind, err)) != LD_OK)
        return st;
    if (spec->min_iv != NULL) {
        char *end;
        errno = 0;
        opt.min_iv = strtod(spec->min_iv, &end);
        if (errno != 0 || end == spec->min_iv || *end != '\0' ||
            !(opt.min_iv >= 0 && opt.min_iv < 10))
            return LD_FAIL(err, LD_EINVAL, "min_iv: must be a number from 0 to 10");
    }
    char *base = NULL, *policy_text = NULL;
    size_t base_length = 0;
    rating_csv *data = NULL;
    rating_fit_report *report = malloc(sizeof *report);
    if (report == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    core_policy_model *base_policy = NULL;
    const char *text_columns[CORE_RATING_VALUE_COUNT + 1];
    if ((st = core_read_file(spec->base_policy, &base, &base_length, err)) == LD_OK &&
        (st = core_policy_model_load_buffer(base, base_length, &base_policy, err)) == LD_OK &&
        core_policy_model_text_columns(base_policy, text_columns) &&
        (st = rating_csv_read(spec->data_path, text_columns, &data, err)) == LD_OK &&
        (st = rating_fit(data, spec->target, &opt, base, base_length, &policy_text, report, err)) ==
            LD_OK &&
        (st = write_text(spec->out_path, policy_text, err)) == LD_OK)
        *out = fit_json(spec, &opt, report, policy_text);
    if (st == LD_OK && spec->report_path != NULL) {
        char *text = cJSON_Print(*out);
        st = text != NULL ? write_text(spec->report_path, text, err)
                          : LD_FAIL(err, LD_EINTERNAL, "out of memory");
        free(text);
        if (st != LD_OK) {
            cJSON_Delete(*out);
            *out = NULL;
        }
    }
    free(report);
    free(policy_text);
    free(base);
    core_policy_model_free(base_policy);
    rating_csv_free(data);
    return st;
}

static cJSON *validation_json(const ld_validate_spec *spec, const core_policy_model *policy,
                              const rating_validation *v)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "policy", spec->policy_path);
    cJSON_AddStringToObject(root, "policy_sha256", core_policy_model_sha256(policy));
    cJSON_AddNumberToObject(root, "rows", (double)v->rows);
    cJSON_AddNumberToObject(root, "bads", (double)v->bads);
    cJSON_AddNumberToObject(root, "auc", v->auc);
    cJSON_AddNumberToObject(root, "gini", v->gini);
    cJSON_AddNumberToObject(root, "ks", v->ks);
    cJSON_AddNumberToObject(root, "unmatched_features", (double)v->unmatched_features);
    if (v->unmatched_features > 0)
        cJSON_AddStringToObject(root, "unmatched", v->unmatched);
    cJSON *grades = cJSON_AddArrayToObject(root, "grades");
    for (int g = 0; g < CORE_RATING_GRADE_COUNT; g++) {
        const rating_grade_stats *gs = &v->grades[g];
        char pd[LD_MONEY_TEXT_MAX];
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToArray(grades, item);
        cJSON_AddStringToObject(item, "grade", core_rating_grade_name(g));
        cJSON_AddNumberToObject(item, "count", (double)gs->count);
        cJSON_AddNumberToObject(item, "bads", (double)gs->bads);
        cJSON_AddNumberToObject(item, "observed_rate", gs->observed_rate);
        cJSON_AddStringToObject(item, "predicted_pd", ld_rate_format(gs->predicted_pd, pd));
        cJSON_AddBoolToObject(item, "non_monotone", gs->non_monotone);
        cJSON_AddNumberToObject(item, "expected_bads", gs->expected_bads);
        cJSON_AddNumberToObject(item, "binomial_p", gs->binomial_p);
        cJSON_AddBoolToObject(item, "calibrated", gs->count == 0 || gs->binomial_p >= 0.05);
    }
    cJSON *hl = cJSON_AddObjectToObject(root, "hosmer_lemeshow");
    cJSON_AddNumberToObject(hl, "statistic", v->hosmer_lemeshow);
    cJSON_AddNumberToObject(hl, "degrees_of_freedom", v->hl_degrees);
    cJSON_AddNumberToObject(hl, "p", v->hl_p);
    cJSON_AddNumberToObject(root, "miscalibrated_grades", (double)v->miscalibrated_count);
    return root;
}

static void add_psi(cJSON *root, const ld_validate_spec *spec, const core_policy_model *policy,
                    size_t rows, const rating_psi_report *psi)
{
    cJSON *p = cJSON_AddObjectToObject(root, "psi");
    cJSON_AddStringToObject(p, "compare", spec->compare_path);
    cJSON_AddNumberToObject(p, "rows", (double)rows);
    cJSON_AddNumberToObject(p, "overall", psi->overall);
    cJSON_AddStringToObject(p, "verdict", rating_psi_verdict(psi->overall));
    cJSON *factors = cJSON_AddArrayToObject(p, "factors");
    for (size_t i = 0; i < psi->factor_count; i++) {
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToArray(factors, item);
        cJSON_AddStringToObject(item, "feature",
                                core_policy_model_feature_name(policy, psi->factors[i].feature));
        cJSON_AddNumberToObject(item, "psi", psi->factors[i].psi);
        cJSON_AddStringToObject(item, "verdict", rating_psi_verdict(psi->factors[i].psi));
    }
}

ld_status ld_rating_validate(const ld_validate_spec *spec, cJSON **out, ld_error *err)
{
    core_rating_kind kind;
    ld_status st = parse_kind(spec->kind, &kind, err);
    if (st != LD_OK)
        return st;
    core_policy_model *policy = NULL;
    rating_csv *data = NULL, *compare = NULL;
    rating_validation v;
    rating_psi_report psi;
    const char *text_columns[CORE_RATING_VALUE_COUNT + 1];
    if ((st = core_policy_model_load(spec->policy_path, &policy, err)) == LD_OK &&
        core_policy_model_text_columns(policy, text_columns) &&
        (st = rating_csv_read(spec->data_path, text_columns, &data, err)) == LD_OK &&
        (st = rating_validate(policy, kind, data, spec->target, &v, err)) == LD_OK &&
        spec->compare_path != NULL &&
        (st = rating_csv_read(spec->compare_path, text_columns, &compare, err)) == LD_OK)
        st = rating_psi_compare(policy, kind, data, compare, &psi, err);
    if (st == LD_OK) {
        cJSON *root = validation_json(spec, policy, &v);
        if (compare != NULL)
            add_psi(root, spec, policy, compare->rows, &psi);
        *out = root;
    }
    core_policy_model_free(policy);
    rating_csv_free(data);
    rating_csv_free(compare);
    return st;
}

/* ---- The schedule an application would repay ------------------------------ */

/* The terms and rate of app: approved (the approval's), rated (the latest
 * rating's, an override's terms when overridden) or, before a rating, an
 * indicative score of the facts as they stand under the policy in force,
 * shown and never stored. */
typedef struct priced_terms {
    ld_money principal;
    int term_months;
    ld_rate rate;
    const char *source; /* approved | rating | indicative */
    char grade[4];
} priced_terms;

/* The grade shown beside a rate: an override's when there is one. */
static void summary_grade(const core_rating_summary *s, char out[4])
{
    snprintf(out, 4, "%s", s->override_grade[0] != '\0' ? s->override_grade : s->grade);
}

/* A grade the policy does not lend at has no rate: a schedule at none would
 * mislead, so it is refused, naming the grade. */
static ld_status priced_or_refused(const priced_terms *t, int64_t app_id, ld_error *err)
{
    if (t->rate > 0)
        return LD_OK;
    return LD_FAIL(err, LD_ESTATE,
                   "rate: the %s grade %s of application %lld does not lend, so the policy "
                   "gives no rate; complete its facts or rate it",
                   strcmp(t->source, "indicative") == 0 ? "indicative" : "rated", t->grade,
                   (long long)app_id);
}

static ld_status price_application(api_call *call, int64_t app_id, const core_application *app,
                                   priced_terms *out, ld_error *err)
{
    *out = (priced_terms){.principal = app->amount, .term_months = app->term_months};
    core_rating_summary rated;
    ld_status st = core_rating_latest(call->store, app_id, &rated, err);
    if (st != LD_OK && st != LD_ENOTFOUND)
        return st;
    ld_error_clear(err);
    if (st == LD_OK)
        summary_grade(&rated, out->grade);
    if (app->approved_amount > 0) {
        out->principal = app->approved_amount;
        out->term_months = app->approved_term_months;
        out->rate = app->approved_rate;
        out->source = "approved";
        return LD_OK;
    }
    if (st == LD_OK) {
        if (rated.recommended_amount > 0 && rated.recommended_amount < app->amount)
            out->principal = rated.recommended_amount;
        if (rated.recommended_term_months > 0 && rated.recommended_term_months < app->term_months)
            out->term_months = rated.recommended_term_months;
        out->rate = rated.rate;
        out->source = "rating";
        return priced_or_refused(out, app_id, err);
    }
    core_credit_facts facts;
    const core_policy_model *policy = NULL;
    rating_result *result = NULL;
    if ((st = core_credit_facts_preview(call->store, call->who, app_id, &facts, err)) != LD_OK ||
        (st = score_facts(call, &facts, -1, &policy, &result, err)) != LD_OK)
        return st;
    core_rating_summary indicative;
    rating_summary_from_result(result, &indicative);
    free(result);
    out->rate = indicative.rate;
    out->source = "indicative";
    summary_grade(&indicative, out->grade);
    return priced_or_refused(out, app_id, err);
}

static ld_status application_schedule(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    core_application app;
    cJSON *shown = NULL;
    ld_status st;
    /* Whoever may read the application (a reviewer once it is submitted). */
    if ((st = core_application_show(call->store, call->who, a->app_id, &shown, err)) != LD_OK)
        return st;
    cJSON_Delete(shown);
    ld_date start = core_store_today(call->store);
    if (a->start != NULL && (st = ld_date_parse("start", a->start, &start, err)) != LD_OK)
        return st;
    priced_terms t;
    if ((st = core_application_get(call->store, a->app_id, &app, err)) != LD_OK ||
        (st = price_application(call, a->app_id, &app, &t, err)) != LD_OK)
        return st;
    char principal[LD_MONEY_TEXT_MAX], rate[LD_MONEY_TEXT_MAX], day[LD_DATE_TEXT_MAX];
    cJSON *terms = cJSON_CreateObject();
    cJSON_AddStringToObject(terms, "principal", ld_money_format(t.principal, principal));
    cJSON_AddStringToObject(terms, "rate", ld_rate_format(t.rate, rate));
    cJSON_AddNumberToObject(terms, "term", t.term_months);
    cJSON_AddStringToObject(terms, "method", core_repay_method_name(app.method));
    cJSON_AddStringToObject(terms, "start", ld_date_format(start, day));
    cJSON_AddStringToObject(terms, "period", core_period_name(app.period));
    cJSON *schedule = NULL;
    st = ld_schedule_preview(terms, &schedule, err);
    cJSON_Delete(terms);
    if (st != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "application_id", a->app_id);
    cJSON_AddStringToObject(o, "principal", principal);
    core_json_put_int(o, "term_months", t.term_months);
    cJSON_AddStringToObject(o, "rate", rate);
    cJSON_AddStringToObject(o, "rate_source", t.source);
    cJSON_AddStringToObject(o, "grade", t.grade);
    cJSON_AddStringToObject(o, "start", day);
    cJSON *item;
    while ((item = schedule->child) != NULL)
        cJSON_AddItemToObject(o, item->string, cJSON_DetachItemViaPointer(schedule, item));
    cJSON_Delete(schedule);
    *out = o;
    return LD_OK;
}

ld_status ld_application_schedule(ld_session *session, int64_t app_id, const char *start,
                                  cJSON **out, ld_error *err)
{
    app_args a = {.app_id = app_id, .start = start};
    return api_run_on(session, "app.schedule", "application", app_id, application_schedule, &a, out,
                      err);
}
