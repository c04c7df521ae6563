/*
 * credit_store.c - gathering rating facts and keeping ratings (credit.h).
 */
#include "credit.h"

#include "application_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "borrower.h"
#include "ident.h"
#include "json_in.h"
#include "permission.h"
#include "store_sql.h"
#include "text.h"

static const char *const grade_names[] = {"AAA", "AA",  "A",  "BBB", "BB",
                                          "B",   "CCC", "CC", "C",   "D"};

ld_status core_grade_check(const char *field, const char *grade, ld_error *err)
{
    for (size_t i = 0; grade != NULL && i < sizeof grade_names / sizeof grade_names[0]; i++)
        if (strcmp(grade, grade_names[i]) == 0)
            return LD_OK;
    return LD_FAIL(err, LD_EINVAL, "%s: must be one of AAA, AA, A, BBB, BB, B, CCC, CC, C, D",
                   field);
}

static int64_t column_or(sqlite3_stmt *stmt, int col, int64_t unknown)
{
    return sqlite3_column_type(stmt, col) == SQLITE_NULL ? unknown
                                                         : sqlite3_column_int64(stmt, col);
}

static void column_text(sqlite3_stmt *stmt, int col, char *out, size_t size)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    snprintf(out, size, "%s", text != NULL ? (const char *)text : "");
}

static ld_status read_borrower(core_store *store, core_credit_facts *f, ld_error *err)
{
    static const char sql[] =
        "SELECT id_number, blocklisted, birth_date, monthly_income, existing_debt, "
        "existing_monthly_repayment, years_employed, industry_risk_class, years_in_business, "
        "years_at_address, employment_type, housing, education, tax_rating, attributes "
        "FROM borrower WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, f->app.borrower_id);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_reset(stmt);
        return LD_FAIL(err, LD_ENOTFOUND, "borrower %lld does not exist",
                       (long long)f->app.borrower_id);
    }
    const char *number = (const char *)sqlite3_column_text(stmt, 0);
    /* Re-checked at rating time: a file edited through raw SQL must not pass. */
    f->identity_valid = f->app.borrower_kind == CORE_BORROWER_INDIVIDUAL
                            ? core_resident_id_check("id", number, f->as_of, NULL, NULL) == LD_OK
                            : core_uscc_check("id", number, NULL) == LD_OK;
    f->blocklisted = sqlite3_column_int(stmt, 1) != 0;
    if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
        ld_date_parse("birth_date", (const char *)sqlite3_column_text(stmt, 2), &f->birth, NULL);
    f->monthly_income = sqlite3_column_int64(stmt, 3);
    f->existing_debt = sqlite3_column_int64(stmt, 4);
    f->existing_monthly_repayment = sqlite3_column_int64(stmt, 5);
    f->years_employed =
        sqlite3_column_type(stmt, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(stmt, 6);
    f->industry_risk_class = (int)column_or(stmt, 7, -1);
    f->years_in_business = (int)column_or(stmt, 8, -1);
    f->years_at_address = (int)column_or(stmt, 9, -1);
    column_text(stmt, 10, f->employment_type, sizeof f->employment_type);
    column_text(stmt, 11, f->housing, sizeof f->housing);
    column_text(stmt, 12, f->education, sizeof f->education);
    column_text(stmt, 13, f->tax_rating, sizeof f->tax_rating);
    column_text(stmt, 14, f->borrower_attributes, sizeof f->borrower_attributes);
    sqlite3_reset(stmt);

    static const char fsql[] =
        "SELECT year, total_assets, total_liabilities, current_assets, current_liabilities, "
        "inventory, revenue, net_profit, operating_cash_flow, cost_of_sales, receivables, "
        "interest_expense, income_tax, related_party_sales FROM financial_statement "
        "WHERE borrower_id = ? ORDER BY year DESC LIMIT 2";
    if ((stmt = core_store_stmt(store, fsql, err)) == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, f->app.borrower_id);
    while (f->financial_count < 2 && sqlite3_step(stmt) == SQLITE_ROW) {
        core_financials *fs = &f->financials[f->financial_count++];
        fs->year = sqlite3_column_int(stmt, 0);
        fs->total_assets = sqlite3_column_int64(stmt, 1);
        fs->total_liabilities = sqlite3_column_int64(stmt, 2);
        fs->current_assets = sqlite3_column_int64(stmt, 3);
        fs->current_liabilities = sqlite3_column_int64(stmt, 4);
        fs->inventory = sqlite3_column_int64(stmt, 5);
        fs->revenue = sqlite3_column_int64(stmt, 6);
        fs->net_profit = sqlite3_column_int64(stmt, 7);
        fs->operating_cash_flow = sqlite3_column_int64(stmt, 8);
        fs->cost_of_sales = column_or(stmt, 9, -1);
        fs->receivables = column_or(stmt, 10, -1);
        fs->interest_expense = column_or(stmt, 11, -1);
        fs->income_tax = column_or(stmt, 12, -1);
        fs->related_party_sales = column_or(stmt, 13, -1);
    }
    sqlite3_reset(stmt);
    return LD_OK;
}

static ld_status read_security(core_store *store, core_credit_facts *f, ld_error *err)
{
    static const char gsql[] = "SELECT net_assets, outstanding_guarantees, guaranteed_amount "
                               "FROM guarantor WHERE application_id = ? ORDER BY id";
    sqlite3_stmt *stmt = core_store_stmt(store, gsql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, f->app.id);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        if (f->guarantor_count == CORE_CREDIT_MAX_GUARANTORS) {
            sqlite3_reset(stmt);
            return LD_FAIL(err, LD_EINVAL, "guarantors: at most %d can be rated",
                           CORE_CREDIT_MAX_GUARANTORS);
        }
        int i = f->guarantor_count++;
        f->guarantors[i].net_assets = sqlite3_column_int64(stmt, 0);
        f->guarantors[i].outstanding_guarantees = sqlite3_column_int64(stmt, 1);
        f->guarantors[i].guaranteed_amount = sqlite3_column_int64(stmt, 2);
    }
    sqlite3_reset(stmt);
    static const char csql[] = "SELECT type, appraised_value, prior_claims FROM collateral "
                               "WHERE application_id = ? ORDER BY id";
    if ((stmt = core_store_stmt(store, csql, err)) == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, f->app.id);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        if (f->collateral_count == CORE_CREDIT_MAX_COLLATERAL) {
            sqlite3_reset(stmt);
            return LD_FAIL(err, LD_EINVAL, "collateral: at most %d items can be rated",
                           CORE_CREDIT_MAX_COLLATERAL);
        }
        int i = f->collateral_count++;
        const char *type = (const char *)sqlite3_column_text(stmt, 0);
        for (int t = 0; t < CORE_COLLATERAL_TYPE_COUNT; t++)
            if (strcmp(type, core_collateral_type_names[t]) == 0)
                f->collateral[i].type = t;
        f->collateral[i].appraised_value = sqlite3_column_int64(stmt, 1);
        f->collateral[i].prior_claims = sqlite3_column_int64(stmt, 2);
    }
    sqlite3_reset(stmt);
    return LD_OK;
}

/* The facts of app_id for one who may rate it; any_state skips the
 * workflow's check (a preview rates nothing). */
static ld_status facts_read(core_store *store, const core_session *who, int64_t app_id,
                            bool any_state, core_credit_facts *out, ld_error *err)
{
    core_credit_facts f;
    memset(&f, 0, sizeof f);
    ld_status st;
    core_app_state next;
    if ((st = core_perm_require(who, CORE_ACT_RATING_RUN, NULL, err)) != LD_OK ||
        (st = core_application_get(store, app_id, &f.app, err)) != LD_OK ||
        (st = core_borrower_require(store, who, f.app.borrower_id, CORE_ACT_RATING_RUN, err)) !=
            LD_OK ||
        (!any_state &&
         (st = core_workflow_next(f.app.state, CORE_EV_RATE, app_id, &next, err)) != LD_OK) ||
        (st = core_product_get(store, "product", f.app.product_code, &f.product, err)) != LD_OK)
        return st;
    f.as_of = core_store_today(store);
    if ((st = read_borrower(store, &f, err)) != LD_OK ||
        (st = read_security(store, &f, err)) != LD_OK)
        return st;
    static const char dsql[] =
        "SELECT max(dpd), count(*) FROM borrower_dpd WHERE borrower_id = ? AND on_date >= ?";
    sqlite3_stmt *stmt = core_store_stmt(store, dsql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char since[LD_DATE_TEXT_MAX];
    ld_date_format(ld_date_add_months(f.as_of, -24), since);
    sqlite3_bind_int64(stmt, 1, f.app.borrower_id);
    core_store_bind_text(stmt, 2, since);
    f.worst_dpd_24m = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int64(stmt, 1) > 0)
        f.worst_dpd_24m = sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
    if ((st = core_credit_report_latest(store, f.app.borrower_id, &f.credit_report,
                                        &f.has_credit_report, err)) != LD_OK)
        return st;
    static const char asql[] = "SELECT attributes FROM application WHERE id = ?";
    if ((stmt = core_store_stmt(store, asql, err)) == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        column_text(stmt, 0, f.application_attributes, sizeof f.application_attributes);
    sqlite3_reset(stmt);
    *out = f;
    return LD_OK;
}

ld_status core_credit_facts_get(core_store *store, const core_session *who, int64_t app_id,
                                core_credit_facts *out, ld_error *err)
{
    return facts_read(store, who, app_id, false, out, err);
}

ld_status core_credit_facts_preview(core_store *store, const core_session *who, int64_t app_id,
                                    core_credit_facts *out, ld_error *err)
{
    return facts_read(store, who, app_id, true, out, err);
}

/* Binds PD, decision, amount, term, rate, fee method and fee from index on,
 * in that order: the columns a rating and an override both keep. */
static void bind_terms(sqlite3_stmt *stmt, int index, const core_rating_summary *s)
{
    sqlite3_bind_int64(stmt, index, s->pd);
    core_store_bind_text(stmt, index + 1, s->decision);
    sqlite3_bind_int64(stmt, index + 2, s->recommended_amount);
    sqlite3_bind_int(stmt, index + 3, s->recommended_term_months);
    sqlite3_bind_int64(stmt, index + 4, s->rate);
    core_store_bind_text(stmt, index + 5, core_fee_method_name(s->fee_method));
    sqlite3_bind_int64(stmt, index + 6, s->fee_amount);
}

ld_status core_rating_save(core_store *store, const core_session *who, int64_t app_id,
                           const core_rating_summary *s, const char *result_json,
                           int64_t *rating_id_out, ld_error *err)
{
    ld_status st;
    core_application app;
    core_app_state next;
    /* The same checks as gathering the facts: whoever may not rate this
     * application may not store a rating of it either. */
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_RATING_RUN, NULL, err)) != LD_OK ||
        (st = core_application_get(store, app_id, &app, err)) != LD_OK ||
        (st = core_borrower_require(store, who, app.borrower_id, CORE_ACT_RATING_RUN, err)) !=
            LD_OK ||
        (st = core_workflow_next(app.state, CORE_EV_RATE, app_id, &next, err)) != LD_OK)
        return st;
    static const char sql[] =
        "INSERT INTO rating (application_id, score, grade, pd, decision, recommended_amount, "
        "recommended_term_months, rate, fee_method, fee_amount, policy_sha256, result_json, "
        "rated_by, rated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, app_id);
    sqlite3_bind_int(stmt, 2, s->score);
    core_store_bind_text(stmt, 3, s->grade);
    bind_terms(stmt, 4, s);
    core_store_bind_text(stmt, 11, s->policy_sha256);
    core_store_bind_text(stmt, 12, result_json);
    sqlite3_bind_int64(stmt, 13, who->user_id);
    core_store_bind_text(stmt, 14, now);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "storing the rating", err);
    int64_t id = sqlite3_last_insert_rowid(core_store_db(store));
    cJSON *detail = cJSON_CreateObject();
    core_json_put_int(detail, "rating_id", id);
    core_json_put_int(detail, "score", s->score);
    cJSON_AddStringToObject(detail, "grade", s->grade);
    cJSON_AddStringToObject(detail, "decision", s->decision);
    cJSON_AddStringToObject(detail, "policy_sha256", s->policy_sha256);
    st = core_application_transition(store, who, app_id, CORE_EV_RATE, detail, err);
    cJSON_Delete(detail);
    if (st == LD_OK && rating_id_out != NULL)
        *rating_id_out = id;
    return st;
}

static ld_status latest_row(core_store *store, int64_t app_id, core_rating_summary *out,
                            int64_t *rating_id, char **json, ld_error *err)
{
    static const char sql[] =
        "SELECT r.id, r.score, r.grade, r.pd, r.decision, r.recommended_amount, "
        "r.recommended_term_months, r.rate, r.fee_method, r.fee_amount, r.policy_sha256, "
        "r.result_json, o.grade, o.pd, o.decision, o.recommended_amount, "
        "o.recommended_term_months, o.rate, o.fee_method, o.fee_amount FROM rating r "
        "LEFT JOIN rating_override o ON o.id = (SELECT max(l.id) FROM rating_override l "
        "WHERE l.rating_id = r.id) WHERE r.application_id = ? ORDER BY r.id DESC LIMIT 1";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        if (rc == SQLITE_DONE)
            return LD_FAIL(err, LD_ENOTFOUND, "application %lld has not been rated",
                           (long long)app_id);
        return core_store_fail(store, "reading a rating", err);
    }
    core_rating_summary s;
    memset(&s, 0, sizeof s);
    *rating_id = sqlite3_column_int64(stmt, 0);
    s.score = sqlite3_column_int(stmt, 1);
    snprintf(s.grade, sizeof s.grade, "%s", (const char *)sqlite3_column_text(stmt, 2));
    /* An override carries the terms of its grade (made by the rating module
     * when it was recorded): approval is judged against those. */
    int t = sqlite3_column_type(stmt, 14) != SQLITE_NULL ? 13 : 3;
    s.pd = sqlite3_column_int64(stmt, t);
    snprintf(s.decision, sizeof s.decision, "%s", (const char *)sqlite3_column_text(stmt, t + 1));
    s.recommended_amount = sqlite3_column_int64(stmt, t + 2);
    s.recommended_term_months = sqlite3_column_int(stmt, t + 3);
    s.rate = sqlite3_column_int64(stmt, t + 4);
    const char *fee = (const char *)sqlite3_column_text(stmt, t + 5);
    for (int m = CORE_FEE_NONE; m <= CORE_FEE_PER_INSTALLMENT; m++)
        if (strcmp(fee, core_fee_method_name((core_fee_method)m)) == 0)
            s.fee_method = (core_fee_method)m;
    s.fee_amount = sqlite3_column_int64(stmt, t + 6);
    snprintf(s.policy_sha256, sizeof s.policy_sha256, "%s",
             (const char *)sqlite3_column_text(stmt, 10));
    if (json != NULL)
        *json = core_store_column_strdup(stmt, 11);
    if (sqlite3_column_type(stmt, 12) != SQLITE_NULL)
        snprintf(s.override_grade, sizeof s.override_grade, "%s",
                 (const char *)sqlite3_column_text(stmt, 12));
    sqlite3_reset(stmt);
    *out = s;
    return LD_OK;
}

ld_status core_rating_latest(core_store *store, int64_t app_id, core_rating_summary *out,
                             ld_error *err)
{
    int64_t id;
    return latest_row(store, app_id, out, &id, NULL, err);
}

ld_status core_rating_show(core_store *store, const core_session *who, int64_t app_id, cJSON **out,
                           ld_error *err)
{
    cJSON *app = NULL;
    ld_status st = core_application_show(store, who, app_id, &app, err);
    if (st != LD_OK)
        return st;
    cJSON_Delete(app);
    core_rating_summary s;
    int64_t rating_id;
    char *json = NULL;
    if ((st = latest_row(store, app_id, &s, &rating_id, &json, err)) != LD_OK)
        return st;
    cJSON *result = json ? cJSON_Parse(json) : NULL;
    free(json);
    if (result == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "stored rating %lld is unreadable", (long long)rating_id);
    cJSON *top = cJSON_CreateObject();
    core_json_put_int(top, "application_id", app_id);
    core_json_put_int(top, "rating_id", rating_id);
    cJSON_AddItemToObject(top, "model", result);
    static const char osql[] =
        "SELECT o.grade, o.reason, u.username, o.overridden_at, o.result_json FROM rating_override "
        "o "
        "JOIN app_user u ON u.id = o.overridden_by WHERE o.rating_id = ? ORDER BY o.id";
    sqlite3_stmt *stmt = core_store_stmt(store, osql, err);
    if (stmt == NULL) {
        cJSON_Delete(top);
        return LD_EINTERNAL;
    }
    sqlite3_bind_int64(stmt, 1, rating_id);
    cJSON *overrides = cJSON_AddArrayToObject(top, "overrides");
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "grade", (const char *)sqlite3_column_text(stmt, 0));
        cJSON_AddStringToObject(o, "reason", (const char *)sqlite3_column_text(stmt, 1));
        cJSON_AddStringToObject(o, "by", (const char *)sqlite3_column_text(stmt, 2));
        cJSON_AddStringToObject(o, "at", (const char *)sqlite3_column_text(stmt, 3));
        /* the rating as the overridden grade gives it: PD, decision and terms */
        const char *forced = (const char *)sqlite3_column_text(stmt, 4);
        cJSON *forced_result = forced != NULL ? cJSON_Parse(forced) : NULL;
        if (forced_result != NULL)
            cJSON_AddItemToObject(o, "result", forced_result);
        cJSON_AddItemToArray(overrides, o);
    }
    sqlite3_reset(stmt);
    cJSON_AddStringToObject(top, "effective_grade",
                            s.override_grade[0] ? s.override_grade : s.grade);
    /* what approval is judged against: the override's terms when overridden */
    cJSON *terms = cJSON_AddObjectToObject(top, "effective_terms");
    core_json_put_rate(terms, "pd", s.pd);
    cJSON_AddStringToObject(terms, "decision", s.decision);
    core_json_put_money(terms, "recommended_amount", s.recommended_amount);
    core_json_put_int(terms, "recommended_term_months", s.recommended_term_months);
    core_json_put_rate(terms, "rate", s.rate);
    cJSON_AddStringToObject(terms, "fee_method", core_fee_method_name(s.fee_method));
    core_json_put_money(terms, "fee_amount", s.fee_amount);
    int64_t total = 0, overridden = 0;
    core_store_query_int(store, "SELECT count(*) FROM rating", 0, &total, NULL);
    core_store_query_int(store, "SELECT count(DISTINCT rating_id) FROM rating_override", 0,
                         &overridden, NULL);
    cJSON *stats = cJSON_AddObjectToObject(top, "override_statistics");
    core_json_put_int(stats, "ratings", total);
    core_json_put_int(stats, "overridden", overridden);
    *out = top;
    return LD_OK;
}

ld_status core_rating_override(core_store *store, const core_session *who, int64_t app_id,
                               const char *grade, const char *reason,
                               const core_rating_summary *terms, const char *result_json,
                               ld_error *err)
{
    ld_status st;
    core_application app;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_RATING_OVERRIDE, NULL, err)) != LD_OK ||
        (st = core_application_get(store, app_id, &app, err)) != LD_OK)
        return st;
    if (app.state != CORE_APP_RATED)
        return LD_FAIL(err, LD_ESTATE, "cannot override the rating of application %lld: it is %s",
                       (long long)app_id, core_app_state_name(app.state));
    if ((st = core_grade_check("grade", grade, err)) != LD_OK)
        return st;
    if (reason == NULL || reason[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "reason: an override needs a written reason");
    if (core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    core_rating_summary s;
    int64_t rating_id;
    if ((st = latest_row(store, app_id, &s, &rating_id, NULL, err)) != LD_OK)
        return st;
    /* The terms must be the overridden grade's, made under the rating's policy. */
    if (terms == NULL || strcmp(terms->grade, grade) != 0 ||
        strcmp(terms->policy_sha256, s.policy_sha256) != 0)
        return LD_FAIL(err, LD_EINVAL,
                       "grade: the override needs the terms of grade %s under the policy of "
                       "the rating",
                       grade);
    static const char sql[] =
        "INSERT INTO rating_override (rating_id, grade, reason, overridden_by, overridden_at, pd, "
        "decision, recommended_amount, recommended_term_months, rate, fee_method, fee_amount, "
        "result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, rating_id);
    core_store_bind_text(stmt, 2, grade);
    core_store_bind_text(stmt, 3, reason);
    sqlite3_bind_int64(stmt, 4, who->user_id);
    core_store_bind_text(stmt, 5, now);
    bind_terms(stmt, 6, terms);
    core_store_bind_text(stmt, 13, result_json);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "storing the override", err);
    cJSON *detail = cJSON_CreateObject();
    cJSON *change = cJSON_AddObjectToObject(detail, "grade");
    cJSON_AddStringToObject(change, "before", s.override_grade[0] ? s.override_grade : s.grade);
    cJSON_AddStringToObject(change, "after", grade);
    cJSON_AddStringToObject(detail, "model_grade", s.grade);
    cJSON *after = cJSON_AddObjectToObject(detail, "terms");
    cJSON_AddStringToObject(after, "decision", terms->decision);
    core_json_put_money(after, "recommended_amount", terms->recommended_amount);
    core_json_put_int(after, "recommended_term_months", terms->recommended_term_months);
    core_json_put_rate(after, "rate", terms->rate);
    cJSON_AddStringToObject(detail, "reason", reason);
    st = core_audit_record(store, who, "rating.override", "application", app_id, detail, err);
    cJSON_Delete(detail);
    return st;
}

ld_status core_rating_overridden_by(core_store *store, int64_t app_id, int64_t user_id, bool *out,
                                    ld_error *err)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM rating_override o WHERE o.overridden_by = ?2 AND "
        "o.rating_id = (SELECT max(r.id) FROM rating r WHERE r.application_id = ?1))";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    sqlite3_bind_int64(stmt, 2, user_id);
    int rc = sqlite3_step(stmt);
    bool overridden = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0) != 0;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return core_store_fail(store, "reading the rating's overrides", err);
    *out = overridden;
    return LD_OK;
}

ld_status core_credit_record_dpd(core_store *store, int64_t borrower_id, ld_date on, int dpd,
                                 ld_error *err)
{
    static const char sql[] =
        "INSERT INTO borrower_dpd (borrower_id, on_date, dpd) VALUES (?, ?, ?) "
        "ON CONFLICT (borrower_id, on_date) DO UPDATE SET dpd = max(dpd, excluded.dpd)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char date[LD_DATE_TEXT_MAX];
    sqlite3_bind_int64(stmt, 1, borrower_id);
    core_store_bind_text(stmt, 2, ld_date_format(on, date));
    sqlite3_bind_int(stmt, 3, dpd);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "recording days past due", err);
}
