/*
 * application_text.c - one application as JSON text (application.h,
 * core_application_show_text): the record core_application_show gives,
 * written straight from the rows into the caller's reused buffer.
 *
 * A server answers this read many times a second, and building a tree of a
 * hundred nodes to print it once cost more than the reads themselves. So the
 * same checks run in the same order (the permission, the record, the
 * customer's scope, a reviewer's view of drafts), with fewer statements: the
 * application, its customer's scope and the names it shows come in one row,
 * and the guarantee and collateral totals are summed from the rows listed
 * rather than read again. tests/test_app_text.c holds the text to the bytes
 * cJSON_PrintUnformatted gives for core_application_show's record.
 */
#include <stdio.h>
#include <string.h>

#include "application.h"
#include "application_int.h"
#include "borrower.h"
#include "permission.h"
#include "policy.h"
#include "store_sql.h"

static const char *column_text(sqlite3_stmt *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt, col);
}

/* The guarantors, as list_guarantors_json lists them, and their totals. */
static ld_status write_guarantors(core_store *store, int64_t app_id, core_jtext *t,
                                  core_security_summary *s, ld_error *err)
{
    sqlite3_stmt *stmt = core_store_stmt(store, core_app_guarantors_sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    core_jt_key(t, "guarantors");
    core_jt_open(t, '[');
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        core_jt_item(t);
        core_jt_open(t, '{');
        core_jt_int_member(t, "id", sqlite3_column_int64(stmt, 0));
        core_jt_text_member(t, "kind", column_text(stmt, 1));
        core_jt_text_member(t, "name", column_text(stmt, 2));
        core_jt_text_member(t, "id_number", column_text(stmt, 3));
        if (sqlite3_column_type(stmt, 4) != SQLITE_NULL)
            core_jt_int_member(t, "borrower_id", sqlite3_column_int64(stmt, 4));
        core_jt_text_member(t, "guarantee_type", column_text(stmt, 5));
        ld_money amount = sqlite3_column_int64(stmt, 6), net = sqlite3_column_int64(stmt, 7),
                 outstanding = sqlite3_column_int64(stmt, 8),
                 recovered = sqlite3_column_int64(stmt, 9);
        core_jt_money_member(t, "guaranteed_amount", amount);
        core_jt_money_member(t, "net_assets", net);
        core_jt_money_member(t, "outstanding_guarantees", outstanding);
        core_jt_money_member(t, "recovered", recovered);
        /* Capacity = net assets - guarantees already given - what the
         * guarantor has already paid for this loan (as the list says). */
        ld_money capacity = net - outstanding - recovered;
        core_jt_money_member(t, "capacity", capacity);
        core_jt_bool_member(t, "short", amount > capacity);
        core_jt_close(t, '}');
        s->guaranteed += amount;
        s->guarantor_capacity += capacity > 0 ? capacity : 0;
        s->guarantors_short += amount > capacity;
        s->guarantor_count++;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading the guarantors", err);
    core_jt_close(t, ']');
    return LD_OK;
}

/* The collateral, as list_collateral_json lists it, and its totals. */
static ld_status write_collateral(core_store *store, int64_t app_id, core_jtext *t,
                                  core_security_summary *s, ld_error *err)
{
    const core_policy_terms *policy;
    ld_status st = core_policy_terms_get(store, &policy, err);
    if (st != LD_OK)
        return st;
    sqlite3_stmt *stmt = core_store_stmt(store, core_app_collateral_sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    core_jt_key(t, "collateral");
    core_jt_open(t, '[');
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *type = column_text(stmt, 1);
        core_jt_item(t);
        core_jt_open(t, '{');
        core_jt_int_member(t, "id", sqlite3_column_int64(stmt, 0));
        core_jt_text_member(t, "type", type);
        core_jt_text_member(t, "arrangement", column_text(stmt, 2));
        core_jt_text_member(t, "owner_name", column_text(stmt, 3));
        core_jt_bool_member(t, "owner_is_borrower", sqlite3_column_int(stmt, 4) != 0);
        core_jt_text_member(t, "certificate_no", column_text(stmt, 5));
        ld_money appraised = sqlite3_column_int64(stmt, 6);
        core_jt_money_member(t, "appraised_value", appraised);
        core_jt_text_member(t, "appraisal_date", column_text(stmt, 7));
        core_jt_text_member(t, "appraiser", column_text(stmt, 8));
        core_jt_int_member(t, "lien_rank", sqlite3_column_int64(stmt, 9));
        ld_money prior = sqlite3_column_int64(stmt, 10);
        core_jt_money_member(t, "prior_claims", prior);
        core_jt_text_member(t, "registration_no", column_text(stmt, 11));
        ld_rate cap = policy->ltv_cap[core_app_collateral_type_index(type != NULL ? type : "")];
        ld_money lendable = core_app_lendable_value(appraised, cap, prior);
        core_jt_rate_member(t, "ltv_cap", cap);
        core_jt_money_member(t, "lendable_value", lendable);
        core_jt_close(t, '}');
        s->appraised += appraised;
        s->collateral_cover += lendable;
        s->collateral_count++;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading the collateral", err);
    core_jt_close(t, ']');
    return LD_OK;
}

static void write_security(core_jtext *t, const core_security_summary *s, ld_money amount)
{
    core_jt_key(t, "security");
    core_jt_open(t, '{');
    core_jt_money_member(t, "collateral_appraised", s->appraised);
    core_jt_money_member(t, "collateral_cover", s->collateral_cover);
    core_jt_money_member(t, "guaranteed", s->guaranteed);
    core_jt_money_member(t, "guarantor_capacity", s->guarantor_capacity);
    core_jt_int_member(t, "guarantors_short", s->guarantors_short);
    /* Cover ratio in percent with two decimals, from integers only. */
    core_jt_rate_member(t, "collateral_cover_ratio",
                        (ld_rate)ld_round_div((__int128)s->collateral_cover * LD_RATE_ONE, amount));
    if (s->appraised > 0)
        core_jt_rate_member(t, "loan_to_value",
                            (ld_rate)ld_round_div((__int128)amount * LD_RATE_ONE, s->appraised));
    core_jt_close(t, '}');
}

static ld_status write_investigations(core_store *store, int64_t app_id, core_jtext *t,
                                      ld_error *err)
{
    sqlite3_stmt *stmt = core_store_stmt(store, core_app_investigations_sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    core_jt_key(t, "investigations");
    core_jt_open(t, '[');
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        core_jt_item(t);
        core_jt_open(t, '{');
        core_jt_int_member(t, core_app_investigation_keys[0], sqlite3_column_int64(stmt, 0));
        for (int k = 1; k < 8; k++)
            core_jt_text_member(t, core_app_investigation_keys[k], column_text(stmt, k));
        core_jt_close(t, '}');
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading the investigations", err);
    core_jt_close(t, ']');
    return LD_OK;
}

/* The application's row: its own fields, the names it shows and its
 * customer's scope, in one statement. */
static const char app_sql[] =
    "SELECT a.borrower_id, a.product_code, a.amount, a.term_months, a.method, a.purpose, "
    "a.attributes, a.created_at, a.updated_at, a.submitted_at, a.decided_at, a.decision_reason, "
    "c.username, d.username, b.name, o.username, a.period, a.state, b.officer_id, b.under_review "
    "FROM application a JOIN borrower b ON b.id = a.borrower_id "
    "JOIN app_user c ON c.id = a.created_by LEFT JOIN app_user d ON d.id = a.decided_by "
    "JOIN app_user o ON o.id = b.officer_id WHERE a.id = ?";

/* Checks who may read the application in stmt's row, as
 * core_application_show checks it. */
static ld_status check_row(const core_session *who, sqlite3_stmt *stmt, ld_error *err)
{
    core_customer_scope scope = {.officer_id = sqlite3_column_int64(stmt, 18),
                                 .under_review = sqlite3_column_int(stmt, 19) != 0};
    ld_status st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, &scope, err);
    if (st != LD_OK)
        return st;
    core_app_state state = CORE_APP_DRAFT;
    core_app_state_parse(column_text(stmt, 17), &state, NULL);
    if (who->role == CORE_ROLE_REVIEWER && (state == CORE_APP_DRAFT || state == CORE_APP_WITHDRAWN))
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: reviewers see applications once "
                       "they are submitted");
    return LD_OK;
}

/* The application's own fields, in the order core_application_show puts them. */
static void write_fields(core_jtext *t, int64_t id, sqlite3_stmt *stmt, ld_money *amount)
{
    core_jt_int_member(t, "id", id);
    core_jt_int_member(t, "borrower_id", sqlite3_column_int64(stmt, 0));
    core_jt_text_member(t, "product", column_text(stmt, 1));
    *amount = sqlite3_column_int64(stmt, 2);
    core_jt_money_member(t, "amount", *amount);
    core_jt_int_member(t, "term_months", sqlite3_column_int(stmt, 3));
    ld_repay_method method = LD_METHOD_ANNUITY;
    core_repay_method_parse("method", column_text(stmt, 4), &method, NULL);
    core_jt_text_member(t, "method", core_repay_method_name(method));
    core_jt_text_member(t, "purpose", column_text(stmt, 5));
    core_jt_json_member(t, "attributes", column_text(stmt, 6));
    static const struct {
        int col;
        const char *key;
    } extra[] = {{7, "created_at"},  {8, "updated_at"},       {9, "submitted_at"},
                 {10, "decided_at"}, {11, "decision_reason"}, {12, "created_by"},
                 {13, "decided_by"}, {14, "borrower"},        {15, "officer"},
                 {16, "period"}};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        core_jt_text_member(t, extra[i].key, column_text(stmt, extra[i].col));
    core_app_state state = CORE_APP_DRAFT;
    core_app_state_parse(column_text(stmt, 17), &state, NULL);
    core_jt_text_member(t, "state", core_app_state_name(state));
}

ld_status core_application_show_text(core_store *store, const core_session *who, int64_t id,
                                     core_jtext *out, ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err);
    if (st != LD_OK)
        return st;
    sqlite3_stmt *stmt = core_store_stmt(store, app_sql, err);
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
    if ((st = check_row(who, stmt, err)) != LD_OK) {
        sqlite3_reset(stmt);
        return st;
    }
    core_jt_reset(out);
    core_jt_open(out, '{');
    ld_money amount = 0;
    write_fields(out, id, stmt, &amount);
    sqlite3_reset(stmt);
    core_security_summary s;
    memset(&s, 0, sizeof s);
    if ((st = write_guarantors(store, id, out, &s, err)) != LD_OK ||
        (st = write_collateral(store, id, out, &s, err)) != LD_OK)
        return st;
    write_security(out, &s, amount);
    if ((st = write_investigations(store, id, out, err)) != LD_OK)
        return st;
    core_jt_close(out, '}');
    if (out->failed)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    return LD_OK;
}
