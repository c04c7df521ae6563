/*
 * application_store.c - applications, their parts and the approval workflow
 * (application.h), with their SQL.
 *
 * Every operation first resolves the application's customer and checks the
 * permission against that customer's scope, then the workflow state, then the
 * input: a user who may not see a record learns nothing about its state.
 */
#include "application.h"
#include "application_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "borrower.h"
#include "credit.h"
#include "document.h"
#include "json_in.h"
#include "permission.h"
#include "store_sql.h"
#include "text.h"

static const char *const app_fields[] = {"borrower_id",   "product",    "amount",     "term_months",
                                         "method",        "purpose",    "guarantors", "collateral",
                                         "investigation", "attributes", NULL};

const char *core_fee_method_name(core_fee_method method)
{
    static const char *const names[] = {"none", "upfront", "per_installment"};
    return names[method];
}

ld_status core_application_get(core_store *store, int64_t id, core_application *out, ld_error *err)
{
    static const char sql[] =
        "SELECT a.borrower_id, a.created_by, b.officer_id, a.product_code, a.amount, "
        "a.term_months, a.method, a.period, a.state, b.kind, a.approved_amount, "
        "a.approved_term_months, a.approved_rate, a.fee_method, a.fee_amount FROM application a "
        "JOIN borrower b ON b.id = a.borrower_id WHERE a.id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        if (rc == SQLITE_DONE)
            return LD_FAIL(err, LD_ENOTFOUND, "application %lld does not exist", (long long)id);
        return core_store_fail(store, "reading an application", err);
    }
    core_application app;
    memset(&app, 0, sizeof app);
    app.id = id;
    app.borrower_id = sqlite3_column_int64(stmt, 0);
    app.created_by = sqlite3_column_int64(stmt, 1);
    app.officer_id = sqlite3_column_int64(stmt, 2);
    snprintf(app.product_code, sizeof app.product_code, "%s",
             (const char *)sqlite3_column_text(stmt, 3));
    app.amount = sqlite3_column_int64(stmt, 4);
    app.term_months = sqlite3_column_int(stmt, 5);
    core_repay_method_parse("method", (const char *)sqlite3_column_text(stmt, 6), &app.method,
                            NULL);
    core_period_parse("period", (const char *)sqlite3_column_text(stmt, 7), &app.period, NULL);
    core_app_state_parse((const char *)sqlite3_column_text(stmt, 8), &app.state, NULL);
    app.borrower_kind = strcmp((const char *)sqlite3_column_text(stmt, 9), "individual") == 0
                            ? CORE_BORROWER_INDIVIDUAL
                            : CORE_BORROWER_ENTERPRISE;
    app.approved_amount = sqlite3_column_int64(stmt, 10);
    app.approved_term_months = sqlite3_column_int(stmt, 11);
    app.approved_rate = sqlite3_column_int64(stmt, 12);
    const char *fee = (const char *)sqlite3_column_text(stmt, 13);
    for (int f = CORE_FEE_NONE; fee != NULL && f <= CORE_FEE_PER_INSTALLMENT; f++)
        if (strcmp(fee, core_fee_method_name((core_fee_method)f)) == 0)
            app.fee_method = (core_fee_method)f;
    app.fee_amount = sqlite3_column_int64(stmt, 14);
    sqlite3_reset(stmt);
    *out = app;
    return LD_OK;
}

/* Loads the application and checks action against its customer. */
static ld_status require_app(core_store *store, const core_session *who, int64_t id,
                             core_action action, core_application *app, ld_error *err)
{
    ld_status st = core_perm_require(who, action, NULL, err);
    if (st != LD_OK)
        return st;
    if ((st = core_application_get(store, id, app, err)) != LD_OK)
        return st;
    return core_borrower_require(store, who, app->borrower_id, action, err);
}

/* The borrower facts an application is checked against. */
typedef struct borrower_facts {
    core_borrower_kind kind;
    ld_date birth;
    char id_number[32];
} borrower_facts;

static ld_status read_borrower_facts(core_store *store, int64_t borrower_id, borrower_facts *out,
                                     ld_error *err)
{
    static const char sql[] = "SELECT kind, birth_date, id_number FROM borrower WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, borrower_id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->kind = strcmp((const char *)sqlite3_column_text(stmt, 0), "individual") == 0
                        ? CORE_BORROWER_INDIVIDUAL
                        : CORE_BORROWER_ENTERPRISE;
        if (sqlite3_column_type(stmt, 1) != SQLITE_NULL)
            ld_date_parse("birth_date", (const char *)sqlite3_column_text(stmt, 1), &out->birth,
                          NULL);
        snprintf(out->id_number, sizeof out->id_number, "%s",
                 (const char *)sqlite3_column_text(stmt, 2));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return LD_FAIL(err, LD_ENOTFOUND, "borrower %lld does not exist", (long long)borrower_id);
    return LD_OK;
}

/* Reads an application's terms against the catalogue in force. */
static ld_status validate_terms(core_store *store, const cJSON *input, const char *path,
                                const borrower_facts *borrower, core_application_row *out,
                                ld_error *err)
{
    core_product_catalog catalog;
    const core_policy_terms *terms = NULL;
    ld_status st = core_product_catalog_get(store, &catalog, err);
    if (st != LD_OK ||
        (st = core_application_read(input, path, core_store_today(store), &catalog, borrower->kind,
                                    borrower->birth, out, err)) != LD_OK)
        return st;
    return core_application_read_attributes(
        input, path,
        core_policy_terms_get(store, &terms, NULL) == LD_OK ? &terms->attributes : NULL, out, err);
}

ld_status core_application_store_new(core_store *store, int64_t user_id, int64_t borrower_id,
                                     const core_application_row *row, const char *now,
                                     int64_t *id_out, ld_error *err)
{
    static const char sql[] =
        "INSERT INTO application (borrower_id, product_code, amount, term_months, method, "
        "period, purpose, state, created_by, created_at, updated_at, attributes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, borrower_id);
    core_store_bind_text_static(stmt, 2, row->product->code);
    sqlite3_bind_int64(stmt, 3, row->amount);
    sqlite3_bind_int(stmt, 4, row->term_months);
    core_store_bind_text_static(stmt, 5, core_repay_method_name(row->method));
    core_store_bind_text_static(stmt, 6, core_period_name(row->product->period));
    core_store_bind_text_static(stmt, 7, row->purpose);
    sqlite3_bind_int64(stmt, 8, user_id);
    core_store_bind_text_static(stmt, 9, now);
    core_store_bind_text_static(stmt, 10, now);
    core_store_bind_text_static(stmt, 11, row->attributes[0] ? row->attributes : NULL);
    return core_store_run_write(store, stmt, "storing the application", id_out, err);
}

ld_status core_guarantor_store_new(core_store *store, int64_t user_id, int64_t app_id,
                                   const core_guarantor_row *row, const char *now, int64_t *id_out,
                                   ld_error *err)
{
    static const char sql[] =
        "INSERT INTO guarantor (application_id, kind, name, id_number, borrower_id, "
        "guarantee_type, guaranteed_amount, net_assets, outstanding_guarantees, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    core_store_bind_text_static(stmt, 2, row->kind);
    core_store_bind_text_static(stmt, 3, row->name);
    core_store_bind_text_static(stmt, 4, row->id_number);
    if (row->borrower_id != 0)
        sqlite3_bind_int64(stmt, 5, row->borrower_id);
    else
        sqlite3_bind_null(stmt, 5);
    core_store_bind_text_static(stmt, 6, row->guarantee_type);
    sqlite3_bind_int64(stmt, 7, row->guaranteed_amount);
    sqlite3_bind_int64(stmt, 8, row->net_assets);
    sqlite3_bind_int64(stmt, 9, row->outstanding_guarantees);
    sqlite3_bind_int64(stmt, 10, user_id);
    core_store_bind_text_static(stmt, 11, now);
    ld_status st = core_store_run_write(store, stmt, "storing a guarantor", id_out, err);
    if (st != LD_OK &&
        sqlite3_extended_errcode(core_store_db(store)) == SQLITE_CONSTRAINT_FOREIGNKEY)
        return LD_FAIL(err, LD_EINVAL, "borrower_id: no borrower %lld",
                       (long long)row->borrower_id);
    return st;
}

ld_status core_collateral_store_new(core_store *store, int64_t user_id, int64_t app_id,
                                    const core_collateral_row *row, const char *now,
                                    int64_t *id_out, ld_error *err)
{
    static const char sql[] =
        "INSERT INTO collateral (application_id, type, arrangement, owner_name, "
        "owner_is_borrower, certificate_no, appraised_value, appraisal_date, appraiser, "
        "lien_rank, prior_claims, registration_no, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    core_store_bind_text_static(stmt, 2, row->type);
    core_store_bind_text_static(stmt, 3, row->arrangement);
    core_store_bind_text_static(stmt, 4, row->owner_name);
    sqlite3_bind_int(stmt, 5, row->owner_is_borrower);
    core_store_bind_text_static(stmt, 6, row->certificate_no);
    sqlite3_bind_int64(stmt, 7, row->appraised_value);
    core_store_bind_text_static(stmt, 8, row->appraisal_date);
    core_store_bind_text_static(stmt, 9, row->appraiser);
    sqlite3_bind_int(stmt, 10, row->lien_rank);
    sqlite3_bind_int64(stmt, 11, row->prior_claims);
    core_store_bind_text_static(stmt, 12, row->registration_no);
    sqlite3_bind_int64(stmt, 13, user_id);
    core_store_bind_text_static(stmt, 14, now);
    return core_store_run_write(store, stmt, "storing collateral", id_out, err);
}

ld_status core_investigation_store_new(core_store *store, int64_t user_id, int64_t app_id,
                                       const core_investigation_row *row, const char *now,
                                       int64_t *id_out, ld_error *err)
{
    static const char sql[] =
        "INSERT INTO investigation (application_id, site_visit_date, operations, "
        "assets_liabilities, repayment_capacity, conclusion, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    core_store_bind_text_static(stmt, 2, row->site_visit_date);
    core_store_bind_text_static(stmt, 3, row->operations);
    core_store_bind_text_static(stmt, 4, row->assets_liabilities);
    core_store_bind_text_static(stmt, 5, row->repayment_capacity);
    core_store_bind_text_static(stmt, 6, row->conclusion);
    sqlite3_bind_int64(stmt, 7, user_id);
    core_store_bind_text_static(stmt, 8, now);
    return core_store_run_write(store, stmt, "storing an investigation", id_out, err);
}

/* Audits a part's creation with its input as "after". */
static ld_status audit_created(core_store *store, const core_session *who, const char *action,
                               const char *entity, int64_t id, const cJSON *input, ld_error *err)
{
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddItemToObject(detail, "after", cJSON_Duplicate(input, 1));
    ld_status st = core_audit_record(store, who, action, entity, id, detail, err);
    cJSON_Delete(detail);
    return st;
}

/* Reads, stores and audits one part (key says which), named path in errors. */
static ld_status add_one_part(core_store *store, const core_session *who, int64_t app_id,
                              const cJSON *part, const char *key, const char *path,
                              const borrower_facts *borrower, const char *now, int64_t *id_out,
                              ld_error *err)
{
    ld_status st;
    if (strcmp(key, "guarantors") == 0) {
        core_guarantor_row row;
        if ((st = core_guarantor_read(part, path, core_store_today(store), borrower->id_number,
                                      &row, err)) != LD_OK ||
            (st = core_guarantor_store_new(store, who->user_id, app_id, &row, now, id_out, err)) !=
                LD_OK)
            return st;
        return audit_created(store, who, "guarantor.add", "guarantor", *id_out, part, err);
    }
    if (strcmp(key, "collateral") == 0) {
        core_collateral_row row;
        if ((st = core_collateral_read(part, path, core_store_today(store), &row, err)) != LD_OK ||
            (st = core_collateral_store_new(store, who->user_id, app_id, &row, now, id_out, err)) !=
                LD_OK)
            return st;
        return audit_created(store, who, "collateral.add", "collateral", *id_out, part, err);
    }
    core_investigation_row row;
    if ((st = core_investigation_read(part, path, core_store_today(store), &row, err)) != LD_OK ||
        (st = core_investigation_store_new(store, who->user_id, app_id, &row, now, id_out, err)) !=
            LD_OK)
        return st;
    return audit_created(store, who, "investigation.add", "investigation", *id_out, part, err);
}

/* Adds every element of input[key] (an array; an object for the
 * investigation), naming elements "key[i]" in errors. */
static ld_status add_parts(core_store *store, const core_session *who, int64_t app_id,
                           const cJSON *input, const char *key, const borrower_facts *borrower,
                           int64_t *last_id, ld_error *err)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(input, key);
    if (list == NULL || cJSON_IsNull(list))
        return LD_OK;
    bool single = strcmp(key, "investigation") == 0;
    if (single ? !cJSON_IsObject(list) : !cJSON_IsArray(list))
        return LD_FAIL(err, LD_EINVAL, "%s: must be %s", key, single ? "an object" : "an array");
    char now[32];
    core_store_now_iso(store, now);
    int index = 0;
    const cJSON *part;
    for (part = single ? list : list->child; part != NULL; part = single ? NULL : part->next) {
        char path[64];
        if (single)
            snprintf(path, sizeof path, "%s", key);
        else
            snprintf(path, sizeof path, "%s[%d]", key, index);
        index++;
        int64_t id = 0;
        ld_status st = add_one_part(store, who, app_id, part, key, path, borrower, now, &id, err);
        if (st != LD_OK)
            return st;
        if (last_id != NULL)
            *last_id = id;
    }
    return LD_OK;
}

ld_status core_application_create(core_store *store, const core_session *who, const cJSON *input,
                                  int64_t *id_out, ld_error *err)
{
    ld_status st;
    int64_t borrower_id, id;
    borrower_facts borrower;
    core_application_row row;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_CUSTOMER_EDIT, NULL, err)) != LD_OK ||
        (st = core_json_reject_unknown(input, "", app_fields, err)) != LD_OK ||
        (st = core_json_int(input, "", "borrower_id", true, 1, INT64_MAX / 2, &borrower_id, NULL,
                            err)) != LD_OK ||
        (st = core_borrower_require(store, who, borrower_id, CORE_ACT_CUSTOMER_EDIT, err)) !=
            LD_OK ||
        (st = read_borrower_facts(store, borrower_id, &borrower, err)) != LD_OK ||
        (st = validate_terms(store, input, "", &borrower, &row, err)) != LD_OK)
        return st;
    char now[32];
    core_store_now_iso(store, now);
    if ((st = core_application_store_new(store, who->user_id, borrower_id, &row, now, &id, err)) !=
        LD_OK)
        return st;
    cJSON *after = cJSON_CreateObject();
    static const char *const own[] = {"borrower_id", "product", "amount",    "term_months",
                                      "method",      "purpose", "attributes"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (cJSON_GetObjectItemCaseSensitive(input, own[i]) != NULL)
            cJSON_AddItemToObject(
                after, own[i], cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(input, own[i]), 1));
    cJSON_AddStringToObject(after, "state", "draft");
    st = audit_created(store, who, "app.create", "application", id, after, err);
    cJSON_Delete(after);
    if (st != LD_OK)
        return st;
    static const char *const parts[] = {"guarantors", "collateral", "investigation"};
    for (size_t i = 0; i < 3; i++) {
        if ((st = add_parts(store, who, id, input, parts[i], &borrower, NULL, err)) != LD_OK)
            return st;
    }
    *id_out = id;
    return LD_OK;
}

/* The application's own fields in input shape (for update and show). */
static cJSON *app_fields_json(const core_application *app, sqlite3_stmt *stmt_purpose)
{
    const char *attributes = (const char *)sqlite3_column_text(stmt_purpose, 11);
    cJSON *a = cJSON_CreateObject();
    core_json_put_int(a, "borrower_id", app->borrower_id);
    cJSON_AddStringToObject(a, "product", app->product_code);
    core_json_put_money(a, "amount", app->amount);
    core_json_put_int(a, "term_months", app->term_months);
    cJSON_AddStringToObject(a, "method", core_repay_method_name(app->method));
    cJSON_AddStringToObject(a, "purpose", (const char *)sqlite3_column_text(stmt_purpose, 0));
    cJSON *parsed = attributes != NULL ? cJSON_Parse(attributes) : NULL;
    if (parsed != NULL)
        cJSON_AddItemToObject(a, "attributes", parsed);
    return a;
}

static ld_status read_app_detail(core_store *store, const core_application *app, cJSON **out,
                                 ld_error *err)
{
    static const char sql[] =
        "SELECT a.purpose, a.created_at, a.updated_at, a.submitted_at, a.decided_at, "
        "a.decision_reason, c.username, d.username, b.name, o.username, a.period, a.attributes "
        "FROM application a JOIN app_user c ON c.id = a.created_by "
        "LEFT JOIN app_user d ON d.id = a.decided_by JOIN borrower b ON b.id = a.borrower_id "
        "JOIN app_user o ON o.id = b.officer_id WHERE a.id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app->id);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_reset(stmt);
        return core_store_fail(store, "reading an application", err);
    }
    cJSON *a = app_fields_json(app, stmt);
    static const struct {
        int col;
        const char *key;
    } extra[] = {{1, "created_at"},      {2, "updated_at"}, {3, "submitted_at"}, {4, "decided_at"},
                 {5, "decision_reason"}, {6, "created_by"}, {7, "decided_by"},   {8, "borrower"},
                 {9, "officer"},         {10, "period"}};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (sqlite3_column_type(stmt, extra[i].col) != SQLITE_NULL)
            cJSON_AddStringToObject(a, extra[i].key,
                                    (const char *)sqlite3_column_text(stmt, extra[i].col));
    sqlite3_reset(stmt);
    *out = a;
    return LD_OK;
}

ld_status core_application_update(core_store *store, const core_session *who, int64_t id,
                                  const cJSON *changes, ld_error *err)
{
    ld_status st;
    core_application app;
    core_app_state next;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = require_app(store, who, id, CORE_ACT_CUSTOMER_EDIT, &app, err)) != LD_OK ||
        (st = core_workflow_next(app.state, CORE_EV_EDIT, id, &next, err)) != LD_OK)
        return st;
    static const char *const editable[] = {"product", "amount",     "term_months", "method",
                                           "purpose", "attributes", NULL};
    if ((st = core_json_reject_unknown(changes, "", editable, err)) != LD_OK)
        return st;
    cJSON *before = NULL, *merged = NULL, *detail = NULL;
    if ((st = read_app_detail(store, &app, &before, err)) != LD_OK)
        return st;
    merged = cJSON_CreateObject();
    static const char *const own[] = {"borrower_id", "product", "amount",    "term_months",
                                      "method",      "purpose", "attributes"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        const cJSON *changed = cJSON_GetObjectItemCaseSensitive(changes, own[i]);
        const cJSON *old = cJSON_GetObjectItemCaseSensitive(before, own[i]);
        if (changed != NULL || old != NULL)
            cJSON_AddItemToObject(merged, own[i], cJSON_Duplicate(changed ? changed : old, 1));
    }
    borrower_facts borrower;
    core_application_row terms;
    if ((st = read_borrower_facts(store, app.borrower_id, &borrower, err)) != LD_OK ||
        (st = validate_terms(store, merged, "", &borrower, &terms, err)) != LD_OK)
        goto out;
    static const char sql[] =
        "UPDATE application SET product_code = ?, amount = ?, term_months = ?, method = ?, "
        "period = ?, purpose = ?, updated_at = ?, attributes = ? WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL) {
        st = LD_EINTERNAL;
        goto out;
    }
    char now[32];
    core_store_now_iso(store, now);
    core_store_bind_text(stmt, 1, terms.product->code);
    sqlite3_bind_int64(stmt, 2, terms.amount);
    sqlite3_bind_int(stmt, 3, terms.term_months);
    core_store_bind_text(stmt, 4, core_repay_method_name(terms.method));
    core_store_bind_text(stmt, 5, core_period_name(terms.product->period));
    core_store_bind_text(stmt, 6, terms.purpose);
    core_store_bind_text(stmt, 7, now);
    core_store_bind_text(stmt, 8, terms.attributes[0] ? terms.attributes : NULL);
    sqlite3_bind_int64(stmt, 9, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        st = core_store_fail(store, "updating the application", err);
        goto out;
    }
    detail = core_audit_diff(before, merged);
    st = core_audit_record(store, who, "app.update", "application", id, detail, err);
out:
    cJSON_Delete(before);
    cJSON_Delete(merged);
    cJSON_Delete(detail);
    return st;
}

const char core_app_guarantors_sql[] =
    "SELECT id, kind, name, id_number, borrower_id, guarantee_type, guaranteed_amount, "
    "net_assets, outstanding_guarantees, " CORE_GUARANTOR_RECOVERED_SQL
    " FROM guarantor g WHERE application_id = ? ORDER BY id";

const char core_app_collateral_sql[] =
    "SELECT id, type, arrangement, owner_name, owner_is_borrower, certificate_no, "
    "appraised_value, appraisal_date, appraiser, lien_rank, prior_claims, registration_no "
    "FROM collateral WHERE application_id = ? ORDER BY id";

const char *const core_app_investigation_keys[8] = {
    "id",         "site_visit_date", "operations", "assets_liabilities", "repayment_capacity",
    "conclusion", "recorded_by",     "recorded_at"};

const char core_app_investigations_sql[] =
    "SELECT i.id, i.site_visit_date, i.operations, i.assets_liabilities, "
    "i.repayment_capacity, i.conclusion, u.username, i.recorded_at FROM investigation i "
    "JOIN app_user u ON u.id = i.recorded_by WHERE i.application_id = ? ORDER BY i.id";

static ld_status list_guarantors_json(core_store *store, int64_t app_id, cJSON *into, ld_error *err)
{
    sqlite3_stmt *stmt = core_store_stmt(store, core_app_guarantors_sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *g = cJSON_CreateObject();
        core_json_put_int(g, "id", sqlite3_column_int64(stmt, 0));
        cJSON_AddStringToObject(g, "kind", (const char *)sqlite3_column_text(stmt, 1));
        cJSON_AddStringToObject(g, "name", (const char *)sqlite3_column_text(stmt, 2));
        cJSON_AddStringToObject(g, "id_number", (const char *)sqlite3_column_text(stmt, 3));
        if (sqlite3_column_type(stmt, 4) != SQLITE_NULL)
            core_json_put_int(g, "borrower_id", sqlite3_column_int64(stmt, 4));
        cJSON_AddStringToObject(g, "guarantee_type", (const char *)sqlite3_column_text(stmt, 5));
        ld_money amount = sqlite3_column_int64(stmt, 6), net = sqlite3_column_int64(stmt, 7),
                 outstanding = sqlite3_column_int64(stmt, 8),
                 recovered = sqlite3_column_int64(stmt, 9);
        core_json_put_money(g, "guaranteed_amount", amount);
        core_json_put_money(g, "net_assets", net);
        core_json_put_money(g, "outstanding_guarantees", outstanding);
        core_json_put_money(g, "recovered", recovered);
        /* Capacity = net assets - guarantees already given (docs/regulation.md)
         * - what the guarantor has already paid for this loan. */
        ld_money capacity = net - outstanding - recovered;
        core_json_put_money(g, "capacity", capacity);
        cJSON_AddBoolToObject(g, "short", amount > capacity);
        cJSON_AddItemToArray(into, g);
    }
    sqlite3_reset(stmt);
    return LD_OK;
}

ld_money core_app_lendable_value(ld_money appraised, ld_rate cap, ld_money prior)
{
    ld_money value = ld_round_div((__int128)appraised * cap, LD_RATE_ONE) - prior;
    return value > 0 ? value : 0;
}

int core_app_collateral_type_index(const char *type)
{
    for (int i = 0; i < CORE_COLLATERAL_TYPE_COUNT; i++)
        if (strcmp(core_collateral_type_names[i], type) == 0)
            return i;
    return 0;
}

static ld_status list_collateral_json(core_store *store, int64_t app_id, cJSON *into, ld_error *err)
{
    const core_policy_terms *policy;
    ld_status st = core_policy_terms_get(store, &policy, err);
    if (st != LD_OK)
        return st;
    sqlite3_stmt *stmt = core_store_stmt(store, core_app_collateral_sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *c = cJSON_CreateObject();
        const char *type = (const char *)sqlite3_column_text(stmt, 1);
        core_json_put_int(c, "id", sqlite3_column_int64(stmt, 0));
        cJSON_AddStringToObject(c, "type", type);
        cJSON_AddStringToObject(c, "arrangement", (const char *)sqlite3_column_text(stmt, 2));
        cJSON_AddStringToObject(c, "owner_name", (const char *)sqlite3_column_text(stmt, 3));
        cJSON_AddBoolToObject(c, "owner_is_borrower", sqlite3_column_int(stmt, 4));
        cJSON_AddStringToObject(c, "certificate_no", (const char *)sqlite3_column_text(stmt, 5));
        ld_money appraised = sqlite3_column_int64(stmt, 6);
        core_json_put_money(c, "appraised_value", appraised);
        cJSON_AddStringToObject(c, "appraisal_date", (const char *)sqlite3_column_text(stmt, 7));
        cJSON_AddStringToObject(c, "appraiser", (const char *)sqlite3_column_text(stmt, 8));
        core_json_put_int(c, "lien_rank", sqlite3_column_int64(stmt, 9));
        ld_money prior = sqlite3_column_int64(stmt, 10);
        core_json_put_money(c, "prior_claims", prior);
        if (sqlite3_column_type(stmt, 11) != SQLITE_NULL)
            cJSON_AddStringToObject(c, "registration_no",
                                    (const char *)sqlite3_column_text(stmt, 11));
        ld_rate cap = policy->ltv_cap[core_app_collateral_type_index(type)];
        core_json_put_rate(c, "ltv_cap", cap);
        core_json_put_money(c, "lendable_value", core_app_lendable_value(appraised, cap, prior));
        cJSON_AddItemToArray(into, c);
    }
    sqlite3_reset(stmt);
    return LD_OK;
}

ld_status core_application_security(core_store *store, int64_t app_id, core_security_summary *out,
                                    ld_error *err)
{
    const core_policy_terms *policy;
    ld_status st = core_policy_terms_get(store, &policy, err);
    if (st != LD_OK)
        return st;
    core_security_summary s;
    memset(&s, 0, sizeof s);
    static const char gsql[] =
        "SELECT guaranteed_amount, net_assets, outstanding_guarantees "
        "+ " CORE_GUARANTOR_RECOVERED_SQL " FROM guarantor g WHERE application_id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, gsql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        ld_money amount = sqlite3_column_int64(stmt, 0);
        ld_money capacity = sqlite3_column_int64(stmt, 1) - sqlite3_column_int64(stmt, 2);
        s.guaranteed += amount;
        s.guarantor_capacity += capacity > 0 ? capacity : 0;
        s.guarantors_short += amount > capacity;
        s.guarantor_count++;
    }
    sqlite3_reset(stmt);
    static const char csql[] = "SELECT type, appraised_value, prior_claims FROM collateral "
                               "WHERE application_id = ?";
    if ((stmt = core_store_stmt(store, csql, err)) == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        ld_money appraised = sqlite3_column_int64(stmt, 1);
        ld_rate cap = policy->ltv_cap[core_app_collateral_type_index(
            (const char *)sqlite3_column_text(stmt, 0))];
        s.appraised += appraised;
        s.collateral_cover +=
            core_app_lendable_value(appraised, cap, sqlite3_column_int64(stmt, 2));
        s.collateral_count++;
    }
    sqlite3_reset(stmt);
    *out = s;
    return LD_OK;
}

/* The customer scope lets a reviewer see a customer with any application past
 * draft; each application (and its parts) is still hidden until submitted. */
static ld_status require_reviewable(const core_session *who, const core_application *app,
                                    ld_error *err)
{
    if (who->role == CORE_ROLE_REVIEWER &&
        (app->state == CORE_APP_DRAFT || app->state == CORE_APP_WITHDRAWN))
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: reviewers see applications once they are submitted");
    return LD_OK;
}

ld_status core_application_show(core_store *store, const core_session *who, int64_t id, cJSON **out,
                                ld_error *err)
{
    ld_status st;
    core_application app;
    if ((st = require_app(store, who, id, CORE_ACT_CUSTOMER_READ, &app, err)) != LD_OK)
        return st;
    if (who->role == CORE_ROLE_REVIEWER &&
        (app.state == CORE_APP_DRAFT || app.state == CORE_APP_WITHDRAWN))
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: reviewers see applications once "
                       "they are submitted");
    cJSON *a;
    if ((st = read_app_detail(store, &app, &a, err)) != LD_OK)
        return st;
    cJSON_AddStringToObject(a, "state", core_app_state_name(app.state));
    cJSON *g = cJSON_AddArrayToObject(a, "guarantors");
    cJSON *c = cJSON_AddArrayToObject(a, "collateral");
    core_security_summary s;
    if ((st = list_guarantors_json(store, id, g, err)) != LD_OK ||
        (st = list_collateral_json(store, id, c, err)) != LD_OK ||
        (st = core_application_security(store, id, &s, err)) != LD_OK) {
        cJSON_Delete(a);
        return st;
    }
    cJSON *cover = cJSON_AddObjectToObject(a, "security");
    core_json_put_money(cover, "collateral_appraised", s.appraised);
    core_json_put_money(cover, "collateral_cover", s.collateral_cover);
    core_json_put_money(cover, "guaranteed", s.guaranteed);
    core_json_put_money(cover, "guarantor_capacity", s.guarantor_capacity);
    core_json_put_int(cover, "guarantors_short", s.guarantors_short);
    /* Cover ratio in percent with two decimals, from integers only. */
    core_json_put_rate(
        cover, "collateral_cover_ratio",
        (ld_rate)ld_round_div((__int128)s.collateral_cover * LD_RATE_ONE, app.amount));
    if (s.appraised > 0)
        core_json_put_rate(cover, "loan_to_value",
                           (ld_rate)ld_round_div((__int128)app.amount * LD_RATE_ONE, s.appraised));
    sqlite3_stmt *stmt = core_store_stmt(store, core_app_investigations_sql, err);
    if (stmt == NULL) {
        cJSON_Delete(a);
        return LD_EINTERNAL;
    }
    sqlite3_bind_int64(stmt, 1, id);
    cJSON *list = cJSON_AddArrayToObject(a, "investigations");
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *inv = cJSON_CreateObject();
        core_json_put_int(inv, core_app_investigation_keys[0], sqlite3_column_int64(stmt, 0));
        for (int k = 1; k < 8; k++)
            cJSON_AddStringToObject(inv, core_app_investigation_keys[k],
                                    (const char *)sqlite3_column_text(stmt, k));
        cJSON_AddItemToArray(list, inv);
    }
    sqlite3_reset(stmt);
    cJSON *top = cJSON_CreateObject();
    core_json_put_int(top, "id", id);
    cJSON *item = a->child;
    while (item != NULL) {
        cJSON *following = item->next;
        cJSON_AddItemToObject(top, item->string, cJSON_DetachItemViaPointer(a, item));
        item = following;
    }
    cJSON_Delete(a);
    *out = top;
    return LD_OK;
}

static cJSON *application_list_row(sqlite3_stmt *stmt, void *context)
{
    (void)context;
    cJSON *row = cJSON_CreateObject();
    core_json_put_int(row, "id", sqlite3_column_int64(stmt, 0));
    core_json_put_int(row, "borrower_id", sqlite3_column_int64(stmt, 1));
    cJSON_AddStringToObject(row, "borrower", (const char *)sqlite3_column_text(stmt, 2));
    cJSON_AddStringToObject(row, "product", (const char *)sqlite3_column_text(stmt, 3));
    core_json_put_money(row, "amount", sqlite3_column_int64(stmt, 4));
    core_json_put_int(row, "term_months", sqlite3_column_int64(stmt, 5));
    cJSON_AddStringToObject(row, "method", (const char *)sqlite3_column_text(stmt, 6));
    cJSON_AddStringToObject(row, "state", (const char *)sqlite3_column_text(stmt, 7));
    cJSON_AddStringToObject(row, "officer", (const char *)sqlite3_column_text(stmt, 8));
    const unsigned char *grade = sqlite3_column_text(stmt, 9);
    cJSON_AddStringToObject(row, "grade", grade != NULL ? (const char *)grade : "");
    cJSON_AddStringToObject(row, "created_at", (const char *)sqlite3_column_text(stmt, 10));
    const unsigned char *step = sqlite3_column_text(stmt, 11);
    cJSON_AddStringToObject(row, "step", step != NULL ? (const char *)step : "");
    return row;
}

/* Filter values as the query binds them; they live until it is prepared. */
typedef struct app_list_values {
    char created_from[LD_DATE_TEXT_MAX], created_before[LD_DATE_TEXT_MAX];
    ld_money amount_min, amount_max;
    int64_t officer_id;
    int returned, referred; /* -1: not asked, 0: false, 1: true */
} app_list_values;

/* "true" or "false" of a filter flag into *out (1, 0); NULL leaves -1. */
static ld_status read_flag(const char *field, const char *text, int *out, ld_error *err)
{
    *out = -1;
    if (text == NULL)
        return LD_OK;
    if (strcmp(text, "true") == 0)
        *out = 1;
    else if (strcmp(text, "false") == 0)
        *out = 0;
    else
        return LD_FAIL(err, LD_EINVAL, "%s: must be true or false", field);
    return LD_OK;
}

/* The created-date range as instants: created_at is an ISO instant, so a day
 * D holds the instants from "D" up to (not including) "D+1". */
static ld_status read_created_range(const core_application_filter *f, app_list_values *v,
                                    ld_error *err)
{
    ld_date from = 0, to = 0;
    ld_status st;
    if (f->created_from != NULL &&
        (st = ld_date_parse("created_from", f->created_from, &from, err)) != LD_OK)
        return st;
    if (f->created_to != NULL &&
        (st = ld_date_parse("created_to", f->created_to, &to, err)) != LD_OK)
        return st;
    if (f->created_from != NULL && f->created_to != NULL && to < from)
        return LD_FAIL(err, LD_EINVAL, "created_to: must not be before created_from");
    if (f->created_from != NULL)
        ld_date_format(from, v->created_from);
    if (f->created_to != NULL)
        ld_date_format(to + 1, v->created_before);
    return LD_OK;
}

static ld_status read_amount_range(const core_application_filter *f, app_list_values *v,
                                   ld_error *err)
{
    ld_status st;
    if (f->amount_min != NULL &&
        (st = ld_money_parse_nonneg("amount_min", f->amount_min, &v->amount_min, err)) != LD_OK)
        return st;
    if (f->amount_max != NULL &&
        (st = ld_money_parse_nonneg("amount_max", f->amount_max, &v->amount_max, err)) != LD_OK)
        return st;
    if (f->amount_min != NULL && f->amount_max != NULL && v->amount_max < v->amount_min)
        return LD_FAIL(err, LD_EINVAL, "amount_max: must not be below amount_min");
    return LD_OK;
}

/* Checks every filter value (before any condition is composed, so the error
 * names the first bad field whatever else is given). */
static ld_status read_app_filter(core_store *store, const core_application_filter *f,
                                 app_list_values *v, ld_error *err)
{
    ld_status st;
    core_app_state state;
    memset(v, 0, sizeof *v);
    if (f->state != NULL && (st = core_app_state_parse(f->state, &state, err)) != LD_OK)
        return st;
    if (f->borrower_id < 0)
        return LD_FAIL(err, LD_EINVAL, "borrower_id: must be a borrower's id");
    if (f->product != NULL && (st = core_product_code_check("product", f->product, err)) != LD_OK)
        return st;
    if (f->grade != NULL && (st = core_grade_check("grade", f->grade, err)) != LD_OK)
        return st;
    if ((st = read_created_range(f, v, err)) != LD_OK ||
        (st = read_amount_range(f, v, err)) != LD_OK ||
        (st = read_flag("returned", f->returned, &v->returned, err)) != LD_OK ||
        (st = read_flag("referred", f->referred, &v->referred, err)) != LD_OK)
        return st;
    if (f->officer != NULL &&
        (st = core_list_officer_id(store, "officer", f->officer, &v->officer_id, err)) != LD_OK)
        return st;
    return LD_OK;
}

/* The reviewer's scope: every state but draft and withdrawn (as
 * require_reviewable), spelled as a list so SQLite can count it from the
 * state index. */
#define REVIEWABLE_STATES "('submitted', 'rated', 'approved', 'rejected', 'disbursed')"

/* The kind of an application's latest review step (NULL when none), read
 * from application_step_by_application. Returned: a draft whose latest step
 * is a return; referred: a rated one whose latest step is a referral. */
#define LATEST_STEP                                                                                \
    "(SELECT s.kind FROM application_step s WHERE s.application_id = a.id ORDER BY s.id DESC "     \
    "LIMIT 1)"
#define RETURNED "(a.state = 'draft' AND coalesce(" LATEST_STEP ", '') = 'return')"
#define REFERRED "(a.state = 'rated' AND coalesce(" LATEST_STEP ", '') = 'refer')"

/* The conditions of the filter and the scope. For a walk in id order
 * (walk), the reviewer's scope and an amount range are kept off their
 * indexes (unary +): they hold many rows, and SQLite would otherwise read
 * them all through the index and sort them to find the first page. */
static void app_conditions(const core_session *who, const core_application_filter *f,
                           const app_list_values *v, bool walk, core_sql *where)
{
    core_sql_init(where);
    if (who->role == CORE_ROLE_REVIEWER)
        core_sql_add(where, walk ? " AND +a.state IN " REVIEWABLE_STATES
                                 : " AND a.state IN " REVIEWABLE_STATES);
    else
        core_sql_add_customer_scope(where, who, false);
    if (f->officer != NULL)
        core_sql_add_int(where, " AND b.officer_id = ?", v->officer_id);
    if (f->state != NULL)
        core_sql_add_text(where, " AND a.state = ?", f->state);
    if (f->borrower_id > 0)
        core_sql_add_int(where, " AND a.borrower_id = ?", f->borrower_id);
    if (f->product != NULL)
        core_sql_add_text(where, " AND a.product_code = ?", f->product);
    if (f->grade != NULL)
        core_sql_add_text(where, " AND a.grade = ?", f->grade);
    if (f->created_from != NULL)
        core_sql_add_text(where, " AND a.created_at >= ?", v->created_from);
    if (f->created_to != NULL)
        core_sql_add_text(where, " AND a.created_at < ?", v->created_before);
    if (f->amount_min != NULL)
        core_sql_add_int(where, walk ? " AND +a.amount >= ?" : " AND a.amount >= ?", v->amount_min);
    if (f->amount_max != NULL)
        core_sql_add_int(where, walk ? " AND +a.amount <= ?" : " AND a.amount <= ?", v->amount_max);
    if (v->returned >= 0)
        core_sql_add(where, v->returned ? " AND " RETURNED : " AND NOT " RETURNED);
    if (v->referred >= 0)
        core_sql_add(where, v->referred ? " AND " REFERRED : " AND NOT " REFERRED);
}

static bool app_filtered(const core_application_filter *f)
{
    return f->state || f->borrower_id || f->officer || f->product || f->created_from ||
           f->created_to || f->grade || f->amount_min || f->amount_max || f->returned ||
           f->referred;
}

/* The keyset condition. In creation order it starts the index range at the
 * last row's instant, so a later page seeks rather than rereads the earlier
 * ones. */
static void app_after(bool by_created, int64_t after, core_sql *q)
{
    core_sql_init(q);
    if (!by_created) {
        core_sql_add_int(q, " AND a.id > ?", after);
        return;
    }
    core_sql_add_int(
        q, " AND a.created_at >= (SELECT c.created_at FROM application c WHERE c.id = ?)", after);
    core_sql_add_int(q,
                     " AND (a.created_at, a.id) > ((SELECT c.created_at FROM application c "
                     "WHERE c.id = ?), ",
                     after);
    core_sql_add_int(q, "?)", after);
}

ld_status core_application_list_page(core_store *store, const core_session *who,
                                     const core_application_filter *filter, const core_page *page,
                                     core_page_result *out, ld_error *err)
{
    static const core_application_filter none = {0};
    const core_application_filter *f = filter != NULL ? filter : &none;
    core_page p;
    app_list_values v;
    ld_status st;
    if ((st = core_list_begin(who, page, &p, err)) != LD_OK ||
        (st = read_app_filter(store, f, &v, err)) != LD_OK)
        return st;
    core_sql where, walk, after, none_left, drafts;
    app_conditions(who, f, &v, false, &where);
    app_conditions(who, f, &v, true, &walk);
    bool by_created = f->created_from != NULL || f->created_to != NULL;
    app_after(by_created, p.after, &after);
    /* One officer's applications: few are reached through their customers
     * (borrower_by_officer, then application_by_borrower), many by walking
     * the applications in order and looking at each one's customer. CROSS
     * JOIN makes SQLite keep the order of the tables as written. */
    bool one_officer = who->role == CORE_ROLE_OFFICER || f->officer != NULL;
    bool by_amount = f->amount_min != NULL || f->amount_max != NULL;
    core_list_query query = {
        .columns = "a.id, a.borrower_id, b.name, a.product_code, a.amount, a.term_months, "
                   "a.method, a.state, o.username, a.grade, a.created_at, " LATEST_STEP,
        .display = "JOIN application a ON a.id = k.id JOIN borrower b ON b.id = a.borrower_id "
                   "JOIN app_user o ON o.id = b.officer_id",
        .key = "a.id",
        .from = one_officer ? "application a CROSS JOIN borrower b ON b.id = a.borrower_id"
                            : "application a",
        .count_from = one_officer
                          ? "borrower b INDEXED BY borrower_by_officer CROSS JOIN application a "
                            "ON a.borrower_id = b.id"
                          : "application a",
        .from_few = one_officer
                        ? "borrower b INDEXED BY borrower_by_officer CROSS JOIN application a "
                          "ON a.borrower_id = b.id"
                    : by_amount ? "application a INDEXED BY application_by_amount"
                                : NULL,
        .where = &walk,
        .where_few = &where,
        .count_where = &where,
        .order = by_created ? " ORDER BY a.created_at, a.id" : " ORDER BY a.id",
        .after = &after,
    };
    if (who->role == CORE_ROLE_REVIEWER && !app_filtered(f)) {
        /* All applications less the drafts and withdrawn ones: a quick count
         * of the table and a short range of the state index. */
        core_sql_init(&none_left);
        core_sql_init(&drafts);
        core_sql_add(&drafts, " AND a.state IN ('draft', 'withdrawn')");
        query.count_where = &none_left;
        query.count_less = &drafts;
    }
    return core_store_list_page(store, &query, &p, application_list_row, NULL,
                                "listing applications", out, err);
}

ld_status core_application_list(core_store *store, const core_session *who,
                                const core_application_filter *filter, cJSON **out, ld_error *err)
{
    core_page page = {.limit = filter != NULL && filter->limit > 0 ? filter->limit : 1000};
    core_page_result r;
    ld_status st = core_application_list_page(store, who, filter, &page, &r, err);
    if (st != LD_OK)
        return st;
    *out = r.rows;
    return LD_OK;
}

ld_status core_application_transition(core_store *store, const core_session *who, int64_t id,
                                      core_app_event event, const cJSON *detail, ld_error *err)
{
    ld_status st;
    core_application app;
    core_app_state next;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_application_get(store, id, &app, err)) != LD_OK ||
        (st = core_workflow_next(app.state, event, id, &next, err)) != LD_OK)
        return st;
    const cJSON *reason_item = detail ? cJSON_GetObjectItemCaseSensitive(detail, "reason") : NULL;
    const char *reason = cJSON_IsString(reason_item) ? reason_item->valuestring : NULL;
    bool decision = event == CORE_EV_APPROVE || event == CORE_EV_REJECT;
    static const char sql[] =
        "UPDATE application SET state = ?1, updated_at = ?2, "
        "submitted_at = CASE WHEN ?3 THEN ?2 ELSE submitted_at END, "
        "decided_by = CASE WHEN ?4 THEN ?5 ELSE decided_by END, "
        "decided_at = CASE WHEN ?4 THEN ?2 ELSE decided_at END, "
        "decision_reason = CASE WHEN ?6 IS NOT NULL THEN ?6 ELSE decision_reason END "
        "WHERE id = ?7 AND state = ?8";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    core_store_bind_text(stmt, 1, core_app_state_name(next));
    core_store_bind_text(stmt, 2, now);
    sqlite3_bind_int(stmt, 3, event == CORE_EV_SUBMIT);
    sqlite3_bind_int(stmt, 4, decision);
    sqlite3_bind_int64(stmt, 5, who->user_id);
    core_store_bind_text(stmt, 6, reason);
    sqlite3_bind_int64(stmt, 7, id);
    core_store_bind_text(stmt, 8, core_app_state_name(app.state));
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "changing the application's state", err);
    cJSON *record = detail ? cJSON_Duplicate(detail, 1) : cJSON_CreateObject();
    cJSON *change = cJSON_AddObjectToObject(record, "state");
    cJSON_AddStringToObject(change, "before", core_app_state_name(app.state));
    cJSON_AddStringToObject(change, "after", core_app_state_name(next));
    char action[32];
    snprintf(action, sizeof action, "app.%s", core_app_event_name(event));
    st = core_audit_record(store, who, action, "application", id, record, err);
    cJSON_Delete(record);
    if (st != LD_OK)
        return st;
    /* The decision also goes to the ledger, in integers (docs/design.md "Ledger entries"). */
    cJSON *fields = cJSON_CreateObject();
    core_json_put_int(fields, "application_id", id);
    core_json_put_int(fields, "borrower_id", app.borrower_id);
    cJSON_AddStringToObject(fields, "from", core_app_state_name(app.state));
    cJSON_AddStringToObject(fields, "to", core_app_state_name(next));
    core_json_put_int(fields, "user_id", who->user_id);
    cJSON_AddStringToObject(fields, "user", who->username);
    core_json_put_int(fields, "amount", app.amount);
    if (event == CORE_EV_APPROVE) {
        core_application approved;
        if ((st = core_application_get(store, id, &approved, err)) != LD_OK) {
            cJSON_Delete(fields);
            return st;
        }
        core_json_put_int(fields, "approved_amount", approved.approved_amount);
        core_json_put_int(fields, "approved_term_months", approved.approved_term_months);
        core_json_put_int(fields, "approved_rate", approved.approved_rate);
        cJSON_AddStringToObject(fields, "fee_method", core_fee_method_name(approved.fee_method));
        core_json_put_int(fields, "fee_amount", approved.fee_amount);
    }
    const cJSON *extra;
    cJSON_ArrayForEach(extra, detail)
    {
        /* Rating facts (score, grade, policy hash) and reasons travel with the entry. */
        if (cJSON_IsString(extra) || core_json_integer(extra, NULL))
            cJSON_AddItemToObject(fields, extra->string, cJSON_Duplicate(extra, 0));
    }
    char type[40];
    snprintf(type, sizeof type, "application.%s", core_app_event_name(event));
    st = core_event_emit(store, type, fields, err);
    cJSON_Delete(fields);
    return st;
}

ld_status core_application_history(core_store *store, const core_session *who, int64_t id,
                                   cJSON **out, ld_error *err)
{
    core_application app;
    ld_status st = require_app(store, who, id, CORE_ACT_CUSTOMER_READ, &app, err);
    if (st != LD_OK)
        return st;
    /* Every transition's audit row carries the state's before and after. */
    static const char sql[] =
        "SELECT at, username, action, json_extract(detail, '$.state.before'), "
        "json_extract(detail, '$.state.after'), json_extract(detail, '$.reason'), "
        "json_extract(detail, '$.approved') FROM audit_event WHERE entity = 'application' AND "
        "entity_id = ? AND outcome = 'ok' AND json_extract(detail, '$.state.after') IS NOT NULL "
        "ORDER BY id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    cJSON *list = cJSON_CreateArray();
    static const char *const keys[] = {"at", "user", "action", "from", "to", "reason"};
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *step = cJSON_CreateObject();
        for (int k = 0; k < 6; k++)
            if (sqlite3_column_type(stmt, k) != SQLITE_NULL)
                cJSON_AddStringToObject(step, keys[k], (const char *)sqlite3_column_text(stmt, k));
        if (sqlite3_column_type(stmt, 6) != SQLITE_NULL) {
            cJSON *approved = cJSON_Parse((const char *)sqlite3_column_text(stmt, 6));
            if (approved != NULL)
                cJSON_AddItemToObject(step, "approved", approved);
        }
        cJSON_AddItemToArray(list, step);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(list);
        return core_store_fail(store, "reading the application's history", err);
    }
    *out = list;
    return LD_OK;
}

ld_status core_application_disburse(core_store *store, const core_session *who, int64_t id,
                                    const cJSON *detail, ld_error *err)
{
    ld_status st;
    core_application app;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_LEDGER_OPERATE, NULL, err)) != LD_OK ||
        (st = core_application_get(store, id, &app, err)) != LD_OK)
        return st;
    if (app.state != CORE_APP_APPROVED)
        return LD_FAIL(err, LD_ESTATE, "cannot disburse application %lld: it is %s", (long long)id,
                       core_app_state_name(app.state));
    if ((st = core_document_gate(store, id, app.product_code, app.borrower_id,
                                 CORE_DOC_STAGE_DISBURSEMENT, "disburse", err)) != LD_OK)
        return st;
    return core_application_transition(store, who, id, CORE_EV_DISBURSE, detail, err);
}

static cJSON *reason_detail(const char *reason)
{
    cJSON *detail = cJSON_CreateObject();
    if (reason != NULL)
        cJSON_AddStringToObject(detail, "reason", reason);
    return detail;
}

static ld_status transition_with_reason(core_store *store, const core_session *who, int64_t id,
                                        core_app_event event, const char *reason, ld_error *err)
{
    cJSON *detail = reason_detail(reason);
    ld_status st = core_application_transition(store, who, id, event, detail, err);
    cJSON_Delete(detail);
    return st;
}

ld_status core_application_submit(core_store *store, const core_session *who, int64_t id,
                                  ld_error *err)
{
    ld_status st;
    core_application app;
    core_app_state next;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = require_app(store, who, id, CORE_ACT_APP_SUBMIT, &app, err)) != LD_OK ||
        (st = core_workflow_next(app.state, CORE_EV_SUBMIT, id, &next, err)) != LD_OK)
        return st;
    int64_t investigations = 0;
    if ((st = core_store_query_int(store,
                                   "SELECT count(*) FROM investigation WHERE application_id = ?",
                                   id, &investigations, err)) != LD_OK)
        return st;
    if (investigations == 0)
        return LD_FAIL(err, LD_ESTATE,
                       "cannot submit application %lld: no pre-loan investigation is recorded "
                       "(loandesk investigation add)",
                       (long long)id);
    /* The product or the borrower may have changed since the draft was made. */
    const core_product *product;
    borrower_facts borrower;
    if ((st = core_product_get(store, "product", app.product_code, &product, err)) != LD_OK ||
        (st = read_borrower_facts(store, app.borrower_id, &borrower, err)) != LD_OK ||
        (st = core_application_check_product(product, core_store_today(store), borrower.kind,
                                             borrower.birth, app.amount, app.term_months,
                                             app.method, "", err)) != LD_OK ||
        (st = core_document_gate(store, id, app.product_code, app.borrower_id,
                                 CORE_DOC_STAGE_SUBMISSION, "submit", err)) != LD_OK)
        return st;
    return core_application_transition(store, who, id, CORE_EV_SUBMIT, NULL, err);
}

static ld_status require_decider(core_store *store, const core_session *who, int64_t id,
                                 core_app_event event, core_application *app, ld_error *err)
{
    ld_status st;
    core_app_state next;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = require_app(store, who, id, CORE_ACT_APP_DECIDE, app, err)) != LD_OK ||
        (st = core_workflow_next(app->state, event, id, &next, err)) != LD_OK)
        return st;
    /* Four eyes: whoever prepared or owns the file does not decide on it. */
    if (app->created_by == who->user_id)
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: you created application %lld; another reviewer "
                       "must decide",
                       (long long)id);
    if (app->officer_id == who->user_id)
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: the customer of application %lld is assigned to you",
                       (long long)id);
    return LD_OK;
}

/* Checks approval terms against the product, filling "as applied for"
 * defaults. The rate is judged against the policy's band by approval itself
 * (core_rate_check), after the manager's call on terms beyond the rating. */
static ld_status check_approval_terms(core_store *store, const core_application *app,
                                      core_approval_terms *terms, ld_error *err)
{
    const core_product *product;
    ld_status st;
    if ((st = core_product_get(store, "product", app->product_code, &product, err)) != LD_OK)
        return st;
    if (terms->amount == 0)
        terms->amount = app->amount;
    if (terms->term_months == 0)
        terms->term_months = app->term_months;
    char a[LD_MONEY_TEXT_MAX], b[LD_MONEY_TEXT_MAX];
    if (terms->amount < product->min_amount || terms->amount > product->max_amount)
        return LD_FAIL(err, LD_EINVAL, "amount: product %s lends %s to %s", product->code,
                       ld_money_format(product->min_amount, a),
                       ld_money_format(product->max_amount, b));
    if (terms->term_months < product->min_term || terms->term_months > product->max_term ||
        terms->term_months % (int)product->period != 0)
        return LD_FAIL(err, LD_EINVAL,
                       "term: product %s allows %d to %d months in whole %s periods", product->code,
                       product->min_term, product->max_term, core_period_name(product->period));

    if (terms->fee_method == CORE_FEE_NONE && terms->fee_amount != 0)
        return LD_FAIL(err, LD_EINVAL, "fee_amount: must be 0 when the fee method is none");
    return LD_OK;
}

/* Why approving at all goes against the rating (a manager's call), or NULL
 * when the rating recommends approval. */
static const char *against_rating(const core_rating_summary *rating)
{
    if (strcmp(rating->decision, "approve") == 0)
        return NULL;
    return strcmp(rating->decision, "decline") == 0 ? "the rating declined it"
                                                    : "the rating referred it";
}

/* The amount an approval takes when none is typed: the rating's
 * recommendation when it is below what was asked. */
static ld_money default_amount(const core_application *app, const core_rating_summary *rating)
{
    return rating->recommended_amount < app->amount && rating->recommended_amount > 0
               ? rating->recommended_amount
               : app->amount;
}

ld_status core_application_authority(core_store *store, const core_session *who, int64_t id,
                                     cJSON **out, ld_error *err)
{
    core_application app;
    core_rating_summary rating;
    ld_status st = require_app(store, who, id, CORE_ACT_CUSTOMER_READ, &app, err);
    if (st != LD_OK || (st = require_reviewable(who, &app, err)) != LD_OK)
        return st;
    st = core_rating_latest(store, id, &rating, err);
    if (st != LD_OK && st != LD_ENOTFOUND)
        return st;
    bool rated = st == LD_OK;
    ld_error_clear(err);
    ld_money amount = app.approved_amount > 0 ? app.approved_amount
                      : rated                 ? default_amount(&app, &rating)
                                              : app.amount;
    ld_money left;
    if (__builtin_sub_overflow(who->authority_limit, amount, &left))
        return LD_FAIL(err, LD_EINVAL, "amount: the authority left overflows");
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "application_id", id);
    cJSON_AddStringToObject(o, "role", core_role_name(who->role));
    core_json_put_money(o, "limit", who->authority_limit);
    core_json_put_money(o, "amount", amount);
    core_json_put_money(o, "left", left);
    cJSON_AddBoolToObject(o, "within", left >= 0);
    /* What approval would leave to a manager before the amount. */
    const char *manager_needed = rated ? against_rating(&rating) : NULL;
    cJSON_AddBoolToObject(o, "manager_required", manager_needed != NULL);
    if (manager_needed != NULL)
        cJSON_AddStringToObject(o, "manager_reason", manager_needed);
    cJSON_AddBoolToObject(o, "own_file",
                          app.created_by == who->user_id || app.officer_id == who->user_id);
    *out = o;
    return LD_OK;
}

ld_status core_application_approve(core_store *store, const core_session *who, int64_t id,
                                   const core_approval_terms *requested, const char *reason,
                                   ld_error *err)
{
    core_application app;
    ld_status st = require_decider(store, who, id, CORE_EV_APPROVE, &app, err);
    if (st == LD_OK)
        st = core_document_gate(store, id, app.product_code, app.borrower_id,
                                CORE_DOC_STAGE_APPROVAL, "approve", err);
    if (st != LD_OK)
        return st;
    core_approval_terms terms = *requested;
    core_rating_summary rating;
    bool own_override = false;
    if ((st = core_rating_latest(store, id, &rating, err)) != LD_OK ||
        (st = core_rating_overridden_by(store, id, who->user_id, &own_override, err)) != LD_OK)
        return st;
    /* Four eyes on the grade too: who moved it does not approve on it. */
    if (own_override)
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: you overrode the grade of application %lld's rating; "
                       "another reviewer or manager must approve it",
                       (long long)id);
    /* Unless told otherwise, approve what the rating recommends. */
    if (terms.amount == 0)
        terms.amount = default_amount(&app, &rating);
    if (terms.term_months == 0)
        terms.term_months =
            rating.recommended_term_months > 0 && rating.recommended_term_months < app.term_months
                ? rating.recommended_term_months
                : app.term_months;
    if (terms.rate < 0)
        terms.rate = rating.rate;
    if (!requested->fee_given) {
        terms.fee_method = rating.fee_method;
        terms.fee_amount = rating.fee_amount;
    }
    if ((st = check_approval_terms(store, &app, &terms, err)) != LD_OK)
        return st;
    /* Beyond the model: more, longer or cheaper than recommended, or against a
     * refer/decline, is a manager's call and needs a written reason. */
    const char *beyond = against_rating(&rating);
    if (beyond == NULL && terms.amount > rating.recommended_amount)
        beyond = "the amount is above the rating's recommendation";
    else if (beyond == NULL && terms.term_months > rating.recommended_term_months)
        beyond = "the term is longer than the rating's recommendation";
    else if (beyond == NULL && terms.rate < rating.rate)
        beyond = "the rate is below the rating's recommendation";
    if (beyond != NULL) {
        if (who->role != CORE_ROLE_MANAGER)
            return LD_FAIL(err, LD_EPERM, "permission denied: %s; only a manager may approve it",
                           beyond);
        if (reason == NULL || reason[0] == '\0')
            return LD_FAIL(err, LD_EINVAL, "reason: %s; the approval needs a written reason",
                           beyond);
        if (core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err) != LD_OK)
            return LD_EINVAL;
    }
    const core_policy_terms *policy;
    if ((st = core_policy_terms_get(store, &policy, err)) != LD_OK)
        return st;
    /* Every approved rate lies within the policy's band: its floor, and its
     * ceiling cut to 4 x the 1-year LPR (docs/regulation.md). */
    if ((st = core_rate_check(&policy->band, "rate", terms.rate, err)) != LD_OK)
        return st;
    if (terms.amount > who->authority_limit) {
        char amount[LD_MONEY_TEXT_MAX], limit[LD_MONEY_TEXT_MAX];
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: %s exceeds your authority limit of %s; a higher "
                       "approver must decide",
                       ld_money_format_grouped(terms.amount, amount),
                       ld_money_format_grouped(who->authority_limit, limit));
    }
    static const char sql[] =
        "UPDATE application SET approved_amount = ?, approved_term_months = ?, "
        "approved_rate = ?, fee_method = ?, fee_amount = ? WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, terms.amount);
    sqlite3_bind_int(stmt, 2, terms.term_months);
    sqlite3_bind_int64(stmt, 3, terms.rate);
    core_store_bind_text(stmt, 4, core_fee_method_name(terms.fee_method));
    sqlite3_bind_int64(stmt, 5, terms.fee_amount);
    sqlite3_bind_int64(stmt, 6, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "recording the approved terms", err);
    cJSON *detail = reason_detail(reason);
    if (beyond != NULL)
        cJSON_AddStringToObject(detail, "beyond_rating", beyond);
    cJSON *approved = cJSON_AddObjectToObject(detail, "approved");
    core_json_put_money(approved, "amount", terms.amount);
    core_json_put_int(approved, "term_months", terms.term_months);
    core_json_put_rate(approved, "rate", terms.rate);
    cJSON_AddStringToObject(approved, "fee_method", core_fee_method_name(terms.fee_method));
    core_json_put_money(approved, "fee_amount", terms.fee_amount);
    st = core_application_transition(store, who, id, CORE_EV_APPROVE, detail, err);
    cJSON_Delete(detail);
    return st;
}

ld_status core_application_reject(core_store *store, const core_session *who, int64_t id,
                                  const char *reason, ld_error *err)
{
    core_application app;
    ld_status st = require_decider(store, who, id, CORE_EV_REJECT, &app, err);
    if (st != LD_OK)
        return st;
    if (reason == NULL || reason[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "reason: a rejection needs a reason");
    if (core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    return transition_with_reason(store, who, id, CORE_EV_REJECT, reason, err);
}

ld_status core_application_withdraw(core_store *store, const core_session *who, int64_t id,
                                    const char *reason, ld_error *err)
{
    ld_status st;
    core_application app;
    core_app_state next;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = require_app(store, who, id, CORE_ACT_APP_SUBMIT, &app, err)) != LD_OK ||
        (st = core_workflow_next(app.state, CORE_EV_WITHDRAW, id, &next, err)) != LD_OK)
        return st;
    if (reason == NULL || reason[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "reason: a withdrawal needs a reason");
    if (core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    return transition_with_reason(store, who, id, CORE_EV_WITHDRAW, reason, err);
}

/* Records a review step (return, refer) with its reason, then moves the
 * application as the workflow says: the step's row and the state change are
 * one write, covered by the log as every application change is. */
static ld_status review_step(core_store *store, const core_session *who, int64_t id,
                             core_app_event event, const char *reason, ld_error *err)
{
    const char *what = event == CORE_EV_RETURN ? "a return" : "a referral";
    if (reason == NULL || reason[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "reason: %s needs a reason", what);
    if (core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    static const char sql[] = "INSERT INTO application_step (application_id, kind, reason, "
                              "user_id, at) VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, id);
    core_store_bind_text(stmt, 2, core_app_event_name(event));
    core_store_bind_text(stmt, 3, reason);
    sqlite3_bind_int64(stmt, 4, who->user_id);
    core_store_bind_text(stmt, 5, now);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "recording the review step", err);
    return transition_with_reason(store, who, id, event, reason, err);
}

ld_status core_application_return(core_store *store, const core_session *who, int64_t id,
                                  const char *reason, ld_error *err)
{
    core_application app;
    ld_status st = require_decider(store, who, id, CORE_EV_RETURN, &app, err);
    if (st != LD_OK)
        return st;
    return review_step(store, who, id, CORE_EV_RETURN, reason, err);
}

ld_status core_application_refer(core_store *store, const core_session *who, int64_t id,
                                 const char *reason, ld_error *err)
{
    core_application app;
    ld_status st = require_decider(store, who, id, CORE_EV_REFER, &app, err);
    if (st != LD_OK)
        return st;
    /* A referral hands the decision up: a manager has no one to refer to. */
    if (who->role != CORE_ROLE_REVIEWER)
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: reviewers refer applications to a manager");
    return review_step(store, who, id, CORE_EV_REFER, reason, err);
}

/* Adds one part to a draft application of the user's own customer. */
static ld_status add_part(core_store *store, const core_session *who, int64_t app_id,
                          const cJSON *input, const char *key, int64_t *id_out, ld_error *err)
{
    ld_status st;
    core_application app;
    core_app_state next;
    borrower_facts borrower;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = require_app(store, who, app_id, CORE_ACT_CUSTOMER_EDIT, &app, err)) != LD_OK ||
        (st = core_workflow_next(app.state, CORE_EV_EDIT, app_id, &next, err)) != LD_OK ||
        (st = read_borrower_facts(store, app.borrower_id, &borrower, err)) != LD_OK)
        return st;
    if (!cJSON_IsObject(input))
        return LD_FAIL(err, LD_EINVAL, "input: must be a JSON object");
    cJSON *wrapper = cJSON_CreateObject();
    bool single = strcmp(key, "investigation") == 0;
    if (single) {
        cJSON_AddItemToObject(wrapper, key, cJSON_Duplicate(input, 1));
    } else {
        cJSON *list = cJSON_AddArrayToObject(wrapper, key);
        cJSON_AddItemToArray(list, cJSON_Duplicate(input, 1));
    }
    int64_t id = 0;
    st = add_parts(store, who, app_id, wrapper, key, &borrower, &id, err);
    cJSON_Delete(wrapper);
    if (st != LD_OK) {
        /* Name the field as the single input's, not as an array element. */
        if (err != NULL && !single) {
            char prefix[32];
            size_t len = (size_t)snprintf(prefix, sizeof prefix, "%s[0].", key);
            if (strncmp(err->message, prefix, len) == 0)
                memmove(err->message, err->message + len, strlen(err->message + len) + 1);
        } else if (err != NULL) {
            size_t len = strlen(key) + 1;
            if (strncmp(err->message, key, len - 1) == 0 && err->message[len - 1] == '.')
                memmove(err->message, err->message + len, strlen(err->message + len) + 1);
        }
        return st;
    }
    *id_out = id;
    return LD_OK;
}

ld_status core_guarantor_add(core_store *store, const core_session *who, int64_t app_id,
                             const cJSON *input, int64_t *id_out, ld_error *err)
{
    return add_part(store, who, app_id, input, "guarantors", id_out, err);
}

ld_status core_collateral_add(core_store *store, const core_session *who, int64_t app_id,
                              const cJSON *input, int64_t *id_out, ld_error *err)
{
    return add_part(store, who, app_id, input, "collateral", id_out, err);
}

ld_status core_investigation_add(core_store *store, const core_session *who, int64_t app_id,
                                 const cJSON *input, int64_t *id_out, ld_error *err)
{
    return add_part(store, who, app_id, input, "investigation", id_out, err);
}

typedef ld_status (*part_lister)(core_store *, int64_t, cJSON *, ld_error *);

/* A part list of an application the user may read, as a JSON array. */
static ld_status list_parts(core_store *store, const core_session *who, int64_t app_id,
                            part_lister lister, cJSON **out, ld_error *err)
{
    core_application app;
    ld_status st = require_app(store, who, app_id, CORE_ACT_CUSTOMER_READ, &app, err);
    if (st != LD_OK || (st = require_reviewable(who, &app, err)) != LD_OK)
        return st;
    cJSON *list = cJSON_CreateArray();
    if ((st = lister(store, app_id, list, err)) != LD_OK) {
        cJSON_Delete(list);
        return st;
    }
    *out = list;
    return LD_OK;
}

ld_status core_guarantor_list(core_store *store, const core_session *who, int64_t app_id,
                              cJSON **out, ld_error *err)
{
    return list_parts(store, who, app_id, list_guarantors_json, out, err);
}

ld_status core_collateral_list(core_store *store, const core_session *who, int64_t app_id,
                               cJSON **out, ld_error *err)
{
    return list_parts(store, who, app_id, list_collateral_json, out, err);
}
