/*
 * inspection_store.c - post-loan inspections (贷后检查): validation of the
 * officer's record, its storage, and the list of inspections that are due
 * (inspection.h).
 *
 * The record is validated into a normalised JSON object (money as decimal
 * strings, dates as ISO text, the LTV now computed here in basis points) and
 * stored as that text beside the columns queries need. An inspection is due
 * when the earliest of these dates has come: the officer's planned next date
 * (or, before any inspection, the policy's first-inspection deadline after
 * disbursement), the last inspection plus the policy interval for the loan's
 * category now (a loan that worsened is seen sooner), and the ledger's own
 * next_inspection, which close of business keeps rolling forward.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "borrower.h"
#include "inspection.h"
#include "json_in.h"
#include "ledger_events.h"
#include "loan_int.h"
#include "permission.h"
#include "policy.h"
#include "store_sql.h"

static const char *const inspection_schema[] = {
    /* version 1 */
    "CREATE TABLE inspection ("
    " id INTEGER PRIMARY KEY, loan_id INTEGER NOT NULL, kind TEXT NOT NULL"
    "  CHECK (kind = 'first' OR kind = 'routine' OR kind = 'special'),"
    " date INTEGER NOT NULL, next_date INTEGER NOT NULL, recommended_category INTEGER NOT NULL"
    "  CHECK (recommended_category BETWEEN 0 AND 4),"
    " officer_id INTEGER NOT NULL, body TEXT NOT NULL, recorded_at TEXT NOT NULL);"
    "CREATE INDEX inspection_by_loan ON inspection (loan_id, id);",
};

ld_status ledger_inspection_migrate(core_store *store, ld_error *err)
{
    return core_store_migrate_module(store, "inspection", inspection_schema,
                                     (int)(sizeof inspection_schema / sizeof inspection_schema[0]),
                                     err);
}

static const char *const kinds[] = {"first", "routine", "special", NULL};

/* Copies a required (or optional) text field into the normalised record. Only
 * a guarantor's name is a single line; the rest are prose that may span lines. */
static ld_status put_text(cJSON *out, const cJSON *in, const char *path, const char *key,
                          bool required, size_t max_len, ld_error *err)
{
    const char *text = NULL;
    bool present = false;
    ld_status st =
        strcmp(key, "name") == 0
            ? core_json_text(in, path, key, required, max_len, &text, &present, err)
            : core_json_text_lines(in, path, key, required, max_len, &text, &present, err);
    if (st == LD_OK && present)
        cJSON_AddStringToObject(out, key, text);
    return st;
}

static ld_status check_guarantors(cJSON *out, const cJSON *in, ld_error *err)
{
    static const char *const known[] = {"name", "standing", "remaining_capacity", NULL};
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(in, "guarantors");
    cJSON *arr = cJSON_AddArrayToObject(out, "guarantors");
    if (list == NULL || cJSON_IsNull(list))
        return LD_OK;
    if (!cJSON_IsArray(list))
        return LD_FAIL(err, LD_EINVAL, "guarantors: must be a list");
    int i = 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, list)
    {
        char path[32];
        snprintf(path, sizeof path, "guarantors[%d]", i++);
        if (!cJSON_IsObject(g))
            return LD_FAIL(err, LD_EINVAL, "%s: must be an object", path);
        ld_status st = core_json_reject_unknown(g, path, known, err);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        ld_money capacity = 0;
        if (st == LD_OK)
            st = put_text(o, g, path, "name", true, 200, err);
        if (st == LD_OK)
            st = put_text(o, g, path, "standing", true, 2000, err);
        if (st == LD_OK)
            st = core_json_money(g, path, "remaining_capacity", true, false, &capacity, NULL, err);
        if (st != LD_OK)
            return st;
        core_json_put_money(o, "remaining_capacity", capacity);
    }
    return LD_OK;
}

/* A collateral item named by an inspection must be one pledged for this
 * loan's own application. */
static ld_status collateral_of_loan(core_store *store, const char *path, int64_t collateral_id,
                                    const ledger_loan *loan, ld_error *err)
{
    static const char sql[] =
        "SELECT count(*) FROM collateral WHERE id = ?1 AND application_id = ?2";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, collateral_id);
    sqlite3_bind_int64(stmt, 2, loan->application_id);
    int rc = sqlite3_step(stmt);
    int64_t found = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return core_store_fail(store, "reading collateral", err);
    if (found == 0)
        return LD_FAIL(err, LD_EINVAL,
                       "%s.collateral_id: collateral %lld is not pledged for loan %lld", path,
                       (long long)collateral_id, (long long)loan->id);
    return LD_OK;
}

static ld_status check_collateral(core_store *store, cJSON *out, const cJSON *in,
                                  const ledger_loan *loan, ld_date date, ld_error *err)
{
    ld_money principal = loan->s.principal;
    static const char *const known[] = {"collateral_id",   "description", "in_place", "custody",
                                        "revalued_amount", "revalued_on", "insured",  NULL};
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(in, "collateral");
    cJSON *arr = cJSON_AddArrayToObject(out, "collateral");
    if (list == NULL || cJSON_IsNull(list))
        return LD_OK;
    if (!cJSON_IsArray(list))
        return LD_FAIL(err, LD_EINVAL, "collateral: must be a list");
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, list)
    {
        char path[32];
        snprintf(path, sizeof path, "collateral[%d]", i++);
        if (!cJSON_IsObject(c))
            return LD_FAIL(err, LD_EINVAL, "%s: must be an object", path);
        ld_status st = core_json_reject_unknown(c, path, known, err);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        int64_t collateral_id = 0;
        bool has_id = false, in_place = false, insured = false, has_insured = false;
        ld_money revalued = 0;
        ld_date revalued_on = 0;
        if (st == LD_OK)
            st = core_json_int(c, path, "collateral_id", false, 1, INT64_MAX, &collateral_id,
                               &has_id, err);
        if (st == LD_OK && has_id)
            st = collateral_of_loan(store, path, collateral_id, loan, err);
        if (st == LD_OK)
            st = put_text(o, c, path, "description", true, 500, err);
        if (st == LD_OK)
            st = core_json_bool(c, path, "in_place", true, &in_place, NULL, err);
        if (st == LD_OK)
            st = put_text(o, c, path, "custody", true, 500, err);
        if (st == LD_OK)
            st = core_json_bool(c, path, "insured", false, &insured, &has_insured, err);
        if (st == LD_OK)
            st = core_json_money(c, path, "revalued_amount", true, false, &revalued, NULL, err);
        if (st == LD_OK && revalued <= 0)
            st = LD_FAIL(err, LD_EINVAL, "%s.revalued_amount: must be positive", path);
        if (st == LD_OK)
            st = core_json_date(c, path, "revalued_on", true, &revalued_on, NULL, err);
        if (st == LD_OK && revalued_on > date)
            st = LD_FAIL(err, LD_EINVAL, "%s.revalued_on: must not be after the inspection date",
                         path);
        if (st != LD_OK)
            return st;
        if (has_id)
            core_json_put_int(o, "collateral_id", collateral_id);
        cJSON_AddBoolToObject(o, "in_place", in_place);
        if (has_insured)
            cJSON_AddBoolToObject(o, "insured", insured);
        core_json_put_money(o, "revalued_amount", revalued);
        core_json_put_date(o, "revalued_on", revalued_on);
        /* LTV now in basis points: the unpaid principal over the revalued amount. */
        core_json_put_int(o, "ltv_bp", ld_round_div((__int128)principal * 10000, revalued));
    }
    return LD_OK;
}

/* Risk signals must be codes of the policy's checklist ($.risk_signals, as the
 * policy model holds it). */
static ld_status check_signals(core_store *store, cJSON *out, const cJSON *in, ld_error *err)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(in, "risk_signals");
    cJSON *arr = cJSON_AddArrayToObject(out, "risk_signals");
    if (list == NULL || cJSON_IsNull(list))
        return LD_OK;
    if (!cJSON_IsArray(list))
        return LD_FAIL(err, LD_EINVAL, "risk_signals: must be a list of codes");
    const core_policy_terms *terms = NULL;
    ld_status st = core_policy_terms_get(store, &terms, err);
    if (st != LD_OK)
        return st;
    int i = 0;
    const cJSON *code;
    cJSON_ArrayForEach(code, list)
    {
        if (!cJSON_IsString(code))
            return LD_FAIL(err, LD_EINVAL, "risk_signals[%d]: must be a code (string)", i);
        if (core_risk_signal_find(terms, code->valuestring) == NULL)
            return LD_FAIL(err, LD_EINVAL,
                           "risk_signals[%d]: unknown code \"%s\" (not in the policy's checklist)",
                           i, code->valuestring);
        const cJSON *seen;
        cJSON_ArrayForEach(seen, arr)
        {
            if (strcmp(seen->valuestring, code->valuestring) == 0)
                return LD_FAIL(err, LD_EINVAL, "risk_signals[%d]: \"%s\" is listed twice", i,
                               code->valuestring);
        }
        cJSON_AddItemToArray(arr, cJSON_CreateString(code->valuestring));
        i++;
    }
    return LD_OK;
}

static ld_status validate(core_store *store, const cJSON *in, const ledger_loan *loan, cJSON **out,
                          int *kind_out, ld_date *date_out, ld_date *next_out, int *category_out,
                          ld_error *err)
{
    static const char *const known[] = {"kind",
                                        "date",
                                        "site_visit",
                                        "operations",
                                        "repayment_capacity",
                                        "guarantors",
                                        "collateral",
                                        "repayment_behaviour",
                                        "findings",
                                        "risk_signals",
                                        "recommended_category",
                                        "category_reason",
                                        "next_inspection",
                                        "measures",
                                        NULL};
    if (!cJSON_IsObject(in))
        return LD_FAIL(err, LD_EINVAL, "inspection: must be a JSON object");
    ld_status st = core_json_reject_unknown(in, "", known, err);
    cJSON *o = cJSON_CreateObject();
    int kind = 0, category = 0;
    ld_date date = 0, next = 0;
    bool site_visit = false;
    if (st == LD_OK)
        st = core_json_choice(in, "", "kind", true, kinds, &kind, NULL, err);
    if (st == LD_OK)
        st = core_json_date(in, "", "date", true, &date, NULL, err);
    if (st == LD_OK && date < loan->disbursed_on)
        st = LD_FAIL(err, LD_EINVAL, "date: before the loan was disbursed");
    /* An inspection is a visit that took place: never after the business date. */
    if (st == LD_OK)
        st = ledger_require_business_date(store, "date", date, err);
    if (st == LD_OK)
        st = core_json_bool(in, "", "site_visit", true, &site_visit, NULL, err);
    if (st == LD_OK) {
        cJSON_AddStringToObject(o, "kind", kinds[kind]);
        core_json_put_date(o, "date", date);
        cJSON_AddBoolToObject(o, "site_visit", site_visit);
        core_json_put_money(o, "principal_at_inspection", loan->s.principal);
        st = put_text(o, in, "", "operations", true, 4000, err);
    }
    if (st == LD_OK)
        st = put_text(o, in, "", "repayment_capacity", true, 4000, err);
    if (st == LD_OK)
        st = check_guarantors(o, in, err);
    if (st == LD_OK)
        st = check_collateral(store, o, in, loan, date, err);
    if (st == LD_OK)
        st = put_text(o, in, "", "repayment_behaviour", true, 4000, err);
    if (st == LD_OK)
        st = put_text(o, in, "", "findings", true, 8000, err);
    if (st == LD_OK)
        st = check_signals(store, o, in, err);
    if (st == LD_OK)
        st = core_json_choice(in, "", "recommended_category", true, core_category_names, &category,
                              NULL, err);
    if (st == LD_OK) {
        cJSON_AddStringToObject(o, "recommended_category", core_category_names[category]);
        st = put_text(o, in, "", "category_reason", true, 4000, err);
    }
    if (st == LD_OK)
        st = put_text(o, in, "", "measures", false, 4000, err);
    if (st == LD_OK)
        st = core_json_date(in, "", "next_inspection", true, &next, NULL, err);
    if (st == LD_OK && next <= date)
        st = LD_FAIL(err, LD_EINVAL, "next_inspection: must be after the inspection date");
    if (st != LD_OK) {
        cJSON_Delete(o);
        return st;
    }
    core_json_put_date(o, "next_inspection", next);
    *out = o;
    *kind_out = kind;
    *date_out = date;
    *next_out = next;
    *category_out = category;
    return LD_OK;
}

ld_status ledger_inspection_add(core_store *store, const core_session *who, int64_t loan_id,
                                const cJSON *input, int64_t *id_out, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st == LD_OK)
        st = ledger_inspection_migrate(store, err);
    if (st == LD_OK)
        st = ledger_loan_migrate(store, err);
    ledger_loan loan;
    if (st == LD_OK)
        st = ledger_loan_load(store, loan_id, &loan, err);
    if (st != LD_OK)
        return st;
    /* Inspections are the customer's officer's work (docs/design.md, "Roles"). */
    if (who->role != CORE_ROLE_OFFICER)
        return LD_FAIL(err, LD_EPERM,
                       "inspection add: only the customer's officer records "
                       "inspections");
    if ((st = core_borrower_require(store, who, loan.borrower_id, CORE_ACT_CUSTOMER_EDIT, err)) !=
        LD_OK)
        return st;
    if (loan.s.status != LEDGER_LOAN_ACTIVE)
        return LD_FAIL(err, LD_ESTATE, "loan %lld: not active (%s)", (long long)loan_id,
                       ledger_loan_status_name(loan.s.status));
    cJSON *record = NULL;
    int kind = 0, category = 0;
    ld_date date = 0, next = 0;
    if ((st = validate(store, input, &loan, &record, &kind, &date, &next, &category, err)) != LD_OK)
        return st;
    /* The next visit: the officer's plan, within the policy's interval for
     * the worse of the loan's category and the one recommended. It becomes
     * the loan's one next-inspection date unless a later visit is on file. */
    const core_policy_terms *terms = NULL;
    int64_t latest = LEDGER_NO_DATE;
    if ((st = core_policy_terms_get(store, &terms, err)) != LD_OK ||
        (st = core_store_query_int(store,
                                   "SELECT coalesce(max(date), -2147483648) FROM inspection "
                                   "WHERE loan_id = ?",
                                   loan_id, &latest, err)) != LD_OK) {
        cJSON_Delete(record);
        return st;
    }
    int worse = category > loan.s.category ? category : loan.s.category;
    ld_date effective = ledger_inspection_next(next, date, terms->inspection_every_days[worse]);
    if (effective != next) {
        core_json_put_date(record, "next_inspection_planned", next);
        cJSON_DeleteItemFromObject(record, "next_inspection");
        core_json_put_date(record, "next_inspection", effective);
        next = effective;
    }
    bool moves_loan = date >= (ld_date)latest;
    char *body = cJSON_PrintUnformatted(record);
    char now[32];
    core_store_now_iso(store, now);
    static const char sql[] =
        "INSERT INTO inspection (loan_id, kind, date, next_date, recommended_category, "
        "officer_id, body, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL || body == NULL) {
        free(body);
        cJSON_Delete(record);
        return stmt == NULL ? LD_EINTERNAL : LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    sqlite3_bind_int64(stmt, 1, loan_id);
    core_store_bind_text(stmt, 2, kinds[kind]);
    sqlite3_bind_int64(stmt, 3, date);
    sqlite3_bind_int64(stmt, 4, next);
    sqlite3_bind_int(stmt, 5, category);
    sqlite3_bind_int64(stmt, 6, who->user_id);
    core_store_bind_text(stmt, 7, body);
    core_store_bind_text(stmt, 8, now);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    free(body);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(record);
        return core_store_fail(store, "inserting inspection", err);
    }
    int64_t id = sqlite3_last_insert_rowid(core_store_db(store));
    if (moves_loan && loan.s.next_inspection != next) {
        /* The loan row changes outside the close of business: logged with its
         * state before and after, like every other loan operation. */
        cJSON *fields = cJSON_CreateObject();
        core_json_put_int(fields, "loan", loan.id);
        core_json_put_int(fields, "inspection", id);
        core_json_put_date(fields, "date", date);
        core_json_put_date(fields, "next_inspection", next);
        cJSON_AddStringToObject(fields, "by", who->username);
        cJSON_AddItemToObject(fields, "before", ledger_state_json(loan.id, &loan.s));
        loan.s.next_inspection = next;
        cJSON_AddItemToObject(fields, "after", ledger_state_json(loan.id, &loan.s));
        if ((st = ledger_loan_save(store, &loan, err)) == LD_OK)
            st = ledger_event_append(store, "loan.inspection", fields, err);
        cJSON_Delete(fields);
        if (st != LD_OK) {
            cJSON_Delete(record);
            return st;
        }
    }
    cJSON *detail = cJSON_CreateObject();
    core_json_put_int(detail, "loan_id", loan_id);
    cJSON_AddItemToObject(detail, "after", record);
    st = core_audit_record(store, who, "inspection.add", "inspection", id, detail, err);
    cJSON_Delete(detail);
    if (st == LD_OK)
        *id_out = id;
    return st;
}

ld_status ledger_inspection_get(core_store *store, const core_session *who, int64_t loan_id,
                                int64_t inspection_id, cJSON **out, ld_error *err)
{
    ld_status st = ledger_inspection_migrate(store, err);
    if (st == LD_OK)
        st = ledger_loan_migrate(store, err);
    ledger_loan loan;
    if (st == LD_OK)
        st = ledger_loan_load(store, loan_id, &loan, err);
    if (st == LD_OK)
        st = core_borrower_require(store, who, loan.borrower_id, CORE_ACT_CUSTOMER_READ, err);
    if (st != LD_OK)
        return st;
    static const char sql[] =
        "SELECT i.id, i.body, COALESCE(u.username, ''), i.recorded_at FROM inspection i"
        " LEFT JOIN app_user u ON u.id = i.officer_id"
        " WHERE i.loan_id = ?1 AND (?2 = 0 OR i.id = ?2) ORDER BY i.date DESC, i.id DESC LIMIT 1";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, loan_id);
    sqlite3_bind_int64(stmt, 2, inspection_id);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            return core_store_fail(store, "reading inspections", err);
        if (inspection_id != 0)
            return LD_FAIL(err, LD_ENOTFOUND, "inspection %lld: no such inspection of loan %lld",
                           (long long)inspection_id, (long long)loan_id);
        return LD_FAIL(err, LD_ENOTFOUND, "loan %lld: no inspection recorded", (long long)loan_id);
    }
    int64_t id = sqlite3_column_int64(stmt, 0);
    cJSON *o = cJSON_Parse((const char *)sqlite3_column_text(stmt, 1));
    if (o != NULL) {
        core_json_put_int(o, "id", id);
        core_json_put_int(o, "loan_id", loan_id);
        cJSON_AddStringToObject(o, "officer", (const char *)sqlite3_column_text(stmt, 2));
        cJSON_AddStringToObject(o, "recorded_at", (const char *)sqlite3_column_text(stmt, 3));
    }
    sqlite3_reset(stmt);
    if (o == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "inspection %lld: stored record is unreadable",
                       (long long)id);
    *out = o;
    return LD_OK;
}

ld_status ledger_inspection_due(core_store *store, const core_session *who, ld_date date,
                                cJSON **out, ld_error *err)
{
    int64_t officer = 0;
    if (who->role == CORE_ROLE_OFFICER)
        officer = who->user_id;
    else if (who->role == CORE_ROLE_ADMIN)
        return LD_FAIL(err, LD_EPERM, "inspection due: admins do not read customer files");
    ld_status st = ledger_inspection_migrate(store, err);
    if (st == LD_OK)
        st = ledger_loan_migrate(store, err);
    if (st != LD_OK)
        return st;
    static const char sql[] =
        "SELECT l.id, l.contract_no, COALESCE(b.name, ''), COALESCE(u.username, ''), l.category,"
        " l.next_inspection, l.disbursed_on, l.borrower_kind,"
        " (SELECT i.date FROM inspection i WHERE i.loan_id = l.id ORDER BY i.date DESC, i.id DESC"
        "  LIMIT 1),"
        " (SELECT i.next_date FROM inspection i WHERE i.loan_id = l.id"
        "  ORDER BY i.date DESC, i.id DESC LIMIT 1)"
        " FROM loan l LEFT JOIN borrower b ON b.id = l.borrower_id"
        " LEFT JOIN app_user u ON u.id = b.officer_id"
        " WHERE l.status = 0 AND (?1 = 0 OR b.officer_id = ?1) ORDER BY l.id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, officer);
    cJSON *rows = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int category = sqlite3_column_int(stmt, 4);
        ld_date ledger_next = (ld_date)sqlite3_column_int64(stmt, 5);
        bool inspected = sqlite3_column_type(stmt, 8) != SQLITE_NULL;
        /* The loan's one next-inspection date (ledger_inspection_next). */
        ld_date due = ledger_next;
        if (due == LEDGER_NO_DATE || due > date)
            continue;
        cJSON *r = cJSON_CreateObject();
        core_json_put_int(r, "loan_id", sqlite3_column_int64(stmt, 0));
        cJSON_AddStringToObject(r, "contract_no", (const char *)sqlite3_column_text(stmt, 1));
        cJSON_AddStringToObject(r, "borrower", (const char *)sqlite3_column_text(stmt, 2));
        cJSON_AddStringToObject(r, "officer", (const char *)sqlite3_column_text(stmt, 3));
        cJSON_AddStringToObject(r, "category", ledger_category_name(category));
        core_json_put_date(r, "due", due);
        core_json_put_int(r, "days_overdue", date - due);
        if (inspected)
            core_json_put_date(r, "last_inspection", (ld_date)sqlite3_column_int64(stmt, 8));
        else
            cJSON_AddStringToObject(r, "last_inspection", "");
        cJSON_AddItemToArray(rows, r);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(rows);
        return core_store_fail(store, "listing inspections due", err);
    }
    *out = rows;
    return LD_OK;
}
