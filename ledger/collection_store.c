/*
 * collection_store.c - collection of overdue loans (collection.h): close of
 * business's pass over cases and promises, actions, promises, guarantors'
 * recoveries and the lists.
 *
 * The close of business's pass is set-based and touches only what changes:
 * a case row is written when it opens, moves a stage or closes, never daily,
 * so the log records those events and the days between cost nothing.
 */
#include "collection.h"

#include <stdio.h>
#include <string.h>

#include "application.h"
#include "audit.h"
#include "borrower.h"
#include "care.h"
#include "json_in.h"
#include "loan.h"
#include "loan_int.h"
#include "permission.h"
#include "store_sql.h"
#include "text.h"

ld_status ledger_loan_parties(core_store *store, int64_t loan_id, int64_t *application_id,
                              int64_t *borrower_id, ld_error *err)
{
    ledger_loan loan;
    ld_status st = ledger_loan_load(store, loan_id, &loan, err);
    if (st != LD_OK)
        return st;
    *application_id = loan.application_id;
    *borrower_id = loan.borrower_id;
    return LD_OK;
}

/* ---- Close of business ------------------------------------------------------------- */

static ld_status add_stage(core_store *store, int64_t case_id, ld_date date, const char *stage,
                           int64_t dpd, ld_error *err)
{
    static const char sql[] =
        "INSERT INTO collection_stage (case_id, date, stage, dpd) VALUES (?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int64(stmt, 2, date);
    core_store_bind_text(stmt, 3, stage);
    sqlite3_bind_int64(stmt, 4, dpd);
    return core_store_run_write(store, stmt, "recording a collection stage", NULL, err);
}

static ld_status settle_promises(core_store *store, ld_date date, ledger_collection_counts *n,
                                 ld_error *err)
{
    /* Each promise's payments: what the loan received, not reversed, from
     * the day it was made to its date. */
    static const char sql[] =
        "SELECT p.id, p.amount, (SELECT coalesce(sum(r.amount), 0) FROM loan_repayment r"
        " WHERE r.loan_id = c.loan_id AND r.kind <> 'reversed' AND r.value_date BETWEEN"
        " p.made_on AND p.due_on) FROM collection_promise p JOIN collection_case c ON"
        " c.id = p.case_id WHERE p.status = 'open' AND p.due_on <= ?";
    static const char mark[] =
        "UPDATE collection_promise SET status = ?, paid = ?, settled_on = ? WHERE id = ?";
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &q, NULL) != SQLITE_OK)
        return core_store_fail(store, "reading promises to pay", err);
    sqlite3_bind_int64(q, 1, date);
    ld_status st = LD_OK;
    int rc;
    while (st == LD_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        bool kept = sqlite3_column_int64(q, 2) >= sqlite3_column_int64(q, 1);
        sqlite3_stmt *u = core_store_stmt(store, mark, err);
        if (u == NULL) {
            st = LD_EINTERNAL;
            break;
        }
        core_store_bind_text(u, 1, kept ? "kept" : "broken");
        sqlite3_bind_int64(u, 2, sqlite3_column_int64(q, 2));
        sqlite3_bind_int64(u, 3, date);
        sqlite3_bind_int64(u, 4, sqlite3_column_int64(q, 0));
        st = core_store_run_write(store, u, "marking a promise", NULL, err);
        if (kept)
            n->promises_kept++;
        else
            n->promises_broken++;
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "reading promises to pay", err);
    sqlite3_finalize(q);
    return st;
}

/* Open cases: closed when their loan is no longer past due, else moved
 * forward to the stage of its days past due. */
static ld_status review_cases(core_store *store, ld_date date, const core_care_terms *terms,
                              ledger_collection_counts *n, ld_error *err)
{
    static const char sql[] =
        "SELECT c.id, c.stage, l.status, l.dpd FROM collection_case c JOIN loan l ON"
        " l.id = c.loan_id WHERE c.closed_on IS NULL";
    static const char close_sql[] =
        "UPDATE collection_case SET closed_on = ?, outcome = ? WHERE id = ?";
    static const char move_sql[] =
        "UPDATE collection_case SET stage = ?, stage_since = ? WHERE id = ?";
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &q, NULL) != SQLITE_OK)
        return core_store_fail(store, "reading collection cases", err);
    ld_status st = LD_OK;
    int rc;
    while (st == LD_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        const char *stage = (const char *)sqlite3_column_text(q, 1);
        int status = sqlite3_column_int(q, 2);
        int64_t dpd = sqlite3_column_int64(q, 3);
        const char *outcome = status == LEDGER_LOAN_WRITTEN_OFF ? "written_off"
                              : status == LEDGER_LOAN_SETTLED   ? "repaid"
                              : dpd == 0                        ? "cured"
                                                                : NULL;
        if (outcome != NULL) {
            sqlite3_stmt *u = core_store_stmt(store, close_sql, err);
            if (u == NULL) {
                st = LD_EINTERNAL;
                break;
            }
            sqlite3_bind_int64(u, 1, date);
            core_store_bind_text(u, 2, outcome);
            sqlite3_bind_int64(u, 3, id);
            st = core_store_run_write(store, u, "closing a collection case", NULL, err);
            n->closed++;
            continue;
        }
        int now = core_care_stage_of(terms, dpd), was = -1;
        for (int i = 0; i < terms->stage_count; i++)
            if (strcmp(terms->stages[i].code, stage) == 0)
                was = i;
        if (now <= was || now < 0)
            continue;
        sqlite3_stmt *u = core_store_stmt(store, move_sql, err);
        if (u == NULL) {
            st = LD_EINTERNAL;
            break;
        }
        core_store_bind_text(u, 1, terms->stages[now].code);
        sqlite3_bind_int64(u, 2, date);
        sqlite3_bind_int64(u, 3, id);
        if ((st = core_store_run_write(store, u, "moving a collection case", NULL, err)) == LD_OK)
            st = add_stage(store, id, date, terms->stages[now].code, dpd, err);
        n->stage_moves++;
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "reading collection cases", err);
    sqlite3_finalize(q);
    return st;
}

static ld_status open_cases(core_store *store, ld_date date, const core_care_terms *terms,
                            ledger_collection_counts *n, ld_error *err)
{
    static const char sql[] =
        "SELECT l.id, l.borrower_id, l.officer_id, l.dpd FROM loan l WHERE l.dpd > 0 AND"
        " l.status = 0 AND NOT EXISTS (SELECT 1 FROM collection_case c WHERE c.loan_id = l.id"
        " AND c.closed_on IS NULL)";
    static const char insert[] =
        "INSERT INTO collection_case (loan_id, borrower_id, officer_id, opened_on, stage,"
        " stage_since) VALUES (?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &q, NULL) != SQLITE_OK)
        return core_store_fail(store, "reading loans past due", err);
    ld_status st = LD_OK;
    int rc;
    while (st == LD_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t dpd = sqlite3_column_int64(q, 3);
        int stage = core_care_stage_of(terms, dpd);
        if (stage < 0)
            continue;
        sqlite3_stmt *u = core_store_stmt(store, insert, err);
        if (u == NULL) {
            st = LD_EINTERNAL;
            break;
        }
        for (int k = 0; k < 3; k++)
            sqlite3_bind_int64(u, k + 1, sqlite3_column_int64(q, k));
        sqlite3_bind_int64(u, 4, date);
        core_store_bind_text(u, 5, terms->stages[stage].code);
        sqlite3_bind_int64(u, 6, date);
        int64_t id = 0;
        if ((st = core_store_run_write(store, u, "opening a collection case", &id, err)) == LD_OK)
            st = add_stage(store, id, date, terms->stages[stage].code, dpd, err);
        n->opened++;
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "reading loans past due", err);
    sqlite3_finalize(q);
    return st;
}

ld_status ledger_collection_cob(core_store *store, ld_date date, ledger_collection_counts *out,
                                ld_error *err)
{
    core_care_terms terms;
    memset(out, 0, sizeof *out);
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_care_terms_get(store, &terms, err)) != LD_OK ||
        (st = settle_promises(store, date, out, err)) != LD_OK ||
        (st = review_cases(store, date, &terms, out, err)) != LD_OK)
        return st;
    return open_cases(store, date, &terms, out, err);
}

/* ---- A case ------------------------------------------------------------------------ */

typedef struct case_row {
    int64_t id, loan_id, borrower_id, officer_id;
    char stage[CORE_STAGE_CODE_MAX];
    bool open;
} case_row;

static ld_status read_case(core_store *store, const core_session *who, int64_t id,
                           core_action action, case_row *out, ld_error *err)
{
    ld_status st = core_perm_require(who, action, NULL, err);
    if (st != LD_OK)
        return st;
    static const char sql[] = "SELECT loan_id, borrower_id, officer_id, stage, closed_on IS NULL"
                              " FROM collection_case WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        out->id = id;
        out->loan_id = sqlite3_column_int64(stmt, 0);
        out->borrower_id = sqlite3_column_int64(stmt, 1);
        out->officer_id = sqlite3_column_int64(stmt, 2);
        snprintf(out->stage, sizeof out->stage, "%s", (const char *)sqlite3_column_text(stmt, 3));
        out->open = sqlite3_column_int(stmt, 4) != 0;
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return LD_FAIL(err, LD_ENOTFOUND, "collection case %lld not found", (long long)id);
    if (rc != SQLITE_ROW)
        return core_store_fail(store, "reading the collection case", err);
    return core_borrower_require(store, who, out->borrower_id, action, err);
}

static ld_status require_open(const case_row *c, ld_error *err)
{
    if (!c->open)
        return LD_FAIL(err, LD_ESTATE, "collection case %lld is closed", (long long)c->id);
    return LD_OK;
}

static const char *const action_kinds[] = {
    "call", "sms", "letter", "visit", "guarantor_demand", "legal_filing", NULL};

ld_status ledger_collection_action_add(core_store *store, const core_session *who, int64_t case_id,
                                       const cJSON *in, int64_t *id_out, ld_error *err)
{
    static const char *const known[] = {"date", "kind", "outcome", "next_step", "next_date", NULL};
    case_row c;
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = read_case(store, who, case_id, CORE_ACT_CUSTOMER_EDIT, &c, err)) != LD_OK ||
        (st = require_open(&c, err)) != LD_OK)
        return st;
    if (!cJSON_IsObject(in))
        return LD_FAIL(err, LD_EINVAL, "action: must be a JSON object");
    int kind = 0;
    ld_date date = core_store_today(store), next_date = 0;
    bool dated = false, has_next = false;
    const char *outcome = NULL, *next_step = NULL;
    if ((st = core_json_reject_unknown(in, "action", known, err)) != LD_OK ||
        (st = core_json_choice(in, "action", "kind", true, action_kinds, &kind, NULL, err)) !=
            LD_OK ||
        (st = core_json_date(in, "action", "date", false, &date, &dated, err)) != LD_OK ||
        (st = core_json_text_lines(in, "action", "outcome", true, 4000, &outcome, NULL, err)) !=
            LD_OK ||
        (st = core_json_text_lines(in, "action", "next_step", false, 4000, &next_step, NULL,
                                   err)) != LD_OK ||
        (st = core_json_date(in, "action", "next_date", false, &next_date, &has_next, err)) !=
            LD_OK)
        return st;
    if (!dated)
        date = core_store_today(store);
    if (date > core_store_today(store))
        return LD_FAIL(err, LD_EINVAL, "action.date: must not be after the business date");
    if (has_next && next_date < date)
        return LD_FAIL(err, LD_EINVAL, "action.next_date: must not be before the action's date");
    static const char sql[] =
        "INSERT INTO collection_action (case_id, date, kind, outcome, next_step, next_date,"
        " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int64(stmt, 2, date);
    core_store_bind_text(stmt, 3, action_kinds[kind]);
    core_store_bind_text(stmt, 4, outcome);
    if (next_step != NULL)
        core_store_bind_text(stmt, 5, next_step);
    if (has_next)
        sqlite3_bind_int64(stmt, 6, next_date);
    sqlite3_bind_int64(stmt, 7, who->user_id);
    core_store_bind_text(stmt, 8, now);
    if ((st = core_store_run_write(store, stmt, "recording a collection action", id_out, err)) !=
        LD_OK)
        return st;
    cJSON *after = cJSON_CreateObject();
    core_json_put_int(after, "action", *id_out);
    cJSON_AddStringToObject(after, "kind", action_kinds[kind]);
    core_json_put_date(after, "date", date);
    st = core_audit_record_after(store, who, "collection.action", "collection_case", case_id, after,
                                 err);
    cJSON_Delete(after);
    return st;
}

ld_status ledger_collection_promise_add(core_store *store, const core_session *who, int64_t case_id,
                                        ld_money amount, ld_date due_on, int64_t *id_out,
                                        ld_error *err)
{
    case_row c;
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = read_case(store, who, case_id, CORE_ACT_CUSTOMER_EDIT, &c, err)) != LD_OK ||
        (st = require_open(&c, err)) != LD_OK)
        return st;
    ld_date today = core_store_today(store);
    if (amount <= 0)
        return LD_FAIL(err, LD_EINVAL, "amount: must be positive");
    if (due_on <= today)
        return LD_FAIL(err, LD_EINVAL, "date: a promise falls due after the business date");
    static const char sql[] =
        "INSERT INTO collection_promise (case_id, amount, made_on, due_on, status, recorded_by,"
        " recorded_at) VALUES (?, ?, ?, ?, 'open', ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int64(stmt, 2, amount);
    sqlite3_bind_int64(stmt, 3, today);
    sqlite3_bind_int64(stmt, 4, due_on);
    sqlite3_bind_int64(stmt, 5, who->user_id);
    core_store_bind_text(stmt, 6, now);
    if ((st = core_store_run_write(store, stmt, "recording a promise", id_out, err)) != LD_OK)
        return st;
    cJSON *after = cJSON_CreateObject();
    core_json_put_int(after, "promise", *id_out);
    core_json_put_money(after, "amount", amount);
    core_json_put_date(after, "due", due_on);
    st = core_audit_record_after(store, who, "collection.promise", "collection_case", case_id,
                                 after, err);
    cJSON_Delete(after);
    return st;
}

ld_status ledger_collection_recover(core_store *store, const core_session *who, int64_t case_id,
                                    int64_t guarantor_id, ld_money amount, ld_date date,
                                    cJSON **out, ld_error *err)
{
    case_row c;
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = read_case(store, who, case_id, CORE_ACT_REPAYMENT_RECORD, &c, err)) != LD_OK ||
        (st = require_open(&c, err)) != LD_OK)
        return st;
    int64_t app = 0, borrower = 0, capacity = 0;
    if ((st = ledger_loan_parties(store, c.loan_id, &app, &borrower, err)) != LD_OK)
        return st;
    /* The guarantor row is part of the approved application's record and
     * stays as it was; what they paid is in collection_recovery, and their
     * capacity is computed from both (CORE_GUARANTOR_RECOVERED_SQL). */
    static const char find[] =
        "SELECT g.net_assets - g.outstanding_guarantees - " CORE_GUARANTOR_RECOVERED_SQL
        " FROM guarantor g WHERE g.id = ? AND g.application_id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, find, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, guarantor_id);
    sqlite3_bind_int64(stmt, 2, app);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        capacity = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return LD_FAIL(err, LD_ESTATE,
                       "guarantor: %lld is not a guarantor of loan %lld's application",
                       (long long)guarantor_id, (long long)c.loan_id);
    if (rc != SQLITE_ROW)
        return core_store_fail(store, "reading the guarantor", err);
    if (amount <= 0)
        return LD_FAIL(err, LD_EINVAL, "amount: must be positive");
    ledger_repay_request req = {.amount = amount, .date = date};
    ledger_allocation alloc;
    int64_t repayment = 0;
    if ((st = ledger_loan_repay(store, who, c.loan_id, &req, &alloc, err)) != LD_OK ||
        (st = core_store_query_int(store, "SELECT max(id) FROM loan_repayment WHERE loan_id = ?",
                                   c.loan_id, &repayment, err)) != LD_OK)
        return st;
    static const char record[] =
        "INSERT INTO collection_recovery (case_id, guarantor_id, amount, date, repayment_id,"
        " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    if ((stmt = core_store_stmt(store, record, err)) == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int64(stmt, 2, guarantor_id);
    sqlite3_bind_int64(stmt, 3, amount);
    sqlite3_bind_int64(stmt, 4, date);
    sqlite3_bind_int64(stmt, 5, repayment);
    sqlite3_bind_int64(stmt, 6, who->user_id);
    core_store_bind_text(stmt, 7, now);
    int64_t id = 0;
    if ((st = core_store_run_write(store, stmt, "recording the recovery", &id, err)) != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "recovery", id);
    core_json_put_int(o, "repayment", repayment);
    core_json_put_int(o, "loan", c.loan_id);
    core_json_put_int(o, "guarantor", guarantor_id);
    core_json_put_money(o, "amount", amount);
    core_json_put_date(o, "date", date);
    /* What the guarantor paid is gone from what backs their other guarantees. */
    core_json_put_money(o, "capacity", capacity - amount);
    if ((st = core_audit_record_after(store, who, "collection.recover", "collection_case", case_id,
                                      o, err)) != LD_OK) {
        cJSON_Delete(o);
        return st;
    }
    *out = o;
    return LD_OK;
}

/* ---- Reading ------------------------------------------------------------------------ */

/* Rows of sql (bound to case_id) as objects (core_store_rows_json). */
static ld_status rows_into(core_store *store, const char *sql, int64_t case_id, cJSON *list,
                           ld_error *err)
{
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, case_id);
    ld_status st = core_store_rows_json(store, stmt, list, err);
    sqlite3_reset(stmt);
    return st;
}

#define CASE_COLUMNS                                                                               \
    "c.id, c.loan_id, l.contract_no, c.borrower_id, b.name AS borrower, u.username AS officer,"    \
    " c.stage, c.stage_since, c.opened_on, c.closed_on, c.outcome, l.dpd,"                         \
    " l.principal_due + l.interest_due + l.fee_due + l.penalty + l.compound AS overdue "           \
    "FROM collection_case c JOIN loan l ON l.id = c.loan_id JOIN borrower b ON"                    \
    " b.id = c.borrower_id JOIN app_user u ON u.id = c.officer_id "

ld_status ledger_collection_show(core_store *store, const core_session *who, int64_t case_id,
                                 cJSON **out, ld_error *err)
{
    case_row c;
    ld_status st = read_case(store, who, case_id, CORE_ACT_CUSTOMER_READ, &c, err);
    if (st != LD_OK)
        return st;
    cJSON *tmp = cJSON_CreateArray();
    if ((st = rows_into(store, "SELECT " CASE_COLUMNS "WHERE c.id = ?", case_id, tmp, err)) !=
        LD_OK) {
        cJSON_Delete(tmp);
        return st;
    }
    cJSON *o = cJSON_DetachItemFromArray(tmp, 0);
    cJSON_Delete(tmp);
    if (o == NULL)
        return LD_FAIL(err, LD_ENOTFOUND, "collection case %lld not found", (long long)case_id);
    static const char *const parts[][2] = {
        {"stages", "SELECT date, stage, dpd FROM collection_stage WHERE case_id = ? ORDER BY id"},
        {"actions", "SELECT a.id, a.date, a.kind, a.outcome, a.next_step, a.next_date,"
                    " u.username AS recorded_by FROM collection_action a JOIN app_user u ON"
                    " u.id = a.recorded_by WHERE a.case_id = ? ORDER BY a.id"},
        {"promises", "SELECT id, amount, made_on, due_on, status, paid, settled_on FROM"
                     " collection_promise WHERE case_id = ? ORDER BY id"},
        {"recoveries", "SELECT r.id, r.guarantor_id, g.name AS guarantor, r.amount, r.date,"
                       " r.repayment_id FROM collection_recovery r JOIN guarantor g ON"
                       " g.id = r.guarantor_id WHERE r.case_id = ? ORDER BY r.id"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        cJSON *list = cJSON_AddArrayToObject(o, parts[i][0]);
        if ((st = rows_into(store, parts[i][1], case_id, list, err)) != LD_OK) {
            cJSON_Delete(o);
            return st;
        }
    }
    *out = o;
    return LD_OK;
}

ld_status ledger_collection_list(core_store *store, const core_session *who, bool all, cJSON **out,
                                 ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err);
    if (st != LD_OK)
        return st;
    core_sql q;
    core_sql_init(&q);
    /* The earliest promise still open: the officer follows it up that day. */
    core_sql_add(&q, "SELECT (SELECT min(p.due_on) FROM collection_promise p WHERE p.case_id ="
                     " c.id AND p.status = 'open') AS promise_due, " CASE_COLUMNS "WHERE 1 = 1");
    if (!all)
        core_sql_add(&q, " AND c.closed_on IS NULL");
    core_sql_add_customer_scope(&q, who, false);
    core_sql_add(&q,
                 " ORDER BY c.closed_on IS NOT NULL, l.dpd DESC, overdue DESC, c.id LIMIT 5000");
    sqlite3_stmt *stmt = NULL;
    if ((st = core_sql_prepare(store, &q, &stmt, err)) != LD_OK)
        return st;
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        core_json_put_int(o, "id", sqlite3_column_int64(stmt, 1));
        core_json_put_int(o, "loan_id", sqlite3_column_int64(stmt, 2));
        cJSON_AddStringToObject(o, "contract_no", (const char *)sqlite3_column_text(stmt, 3));
        core_json_put_int(o, "borrower_id", sqlite3_column_int64(stmt, 4));
        cJSON_AddStringToObject(o, "borrower", (const char *)sqlite3_column_text(stmt, 5));
        cJSON_AddStringToObject(o, "officer", (const char *)sqlite3_column_text(stmt, 6));
        cJSON_AddStringToObject(o, "stage", (const char *)sqlite3_column_text(stmt, 7));
        core_json_put_date(o, "stage_since", (ld_date)sqlite3_column_int64(stmt, 8));
        core_json_put_date(o, "opened_on", (ld_date)sqlite3_column_int64(stmt, 9));
        if (sqlite3_column_type(stmt, 10) != SQLITE_NULL) {
            core_json_put_date(o, "closed_on", (ld_date)sqlite3_column_int64(stmt, 10));
            cJSON_AddStringToObject(o, "outcome", (const char *)sqlite3_column_text(stmt, 11));
        }
        core_json_put_int(o, "dpd", sqlite3_column_int64(stmt, 12));
        core_json_put_money(o, "overdue", sqlite3_column_int64(stmt, 13));
        if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
            core_json_put_date(o, "promise_due", (ld_date)sqlite3_column_int64(stmt, 0));
        cJSON_AddItemToArray(list, o);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(list);
        return core_store_fail(store, "listing collection cases", err);
    }
    *out = list;
    return LD_OK;
}

/* ---- Churn warning ------------------------------------------------------------------ */

ld_status ledger_churn_list(core_store *store, const core_session *who, cJSON **out, ld_error *err)
{
    core_care_terms terms;
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err)) != LD_OK ||
        (st = core_care_terms_get(store, &terms, err)) != LD_OK)
        return st;
    ld_date today = core_store_today(store), since = today - terms.churn_days;
    core_sql q;
    core_sql_init(&q);
    /* Settled: no active loan, the last settled long enough ago, and no
     * application made on or after the day it closed. */
    core_sql_add(&q, "SELECT b.id, b.name, u.username, 'settled', s.last, NULL, NULL FROM"
                     " (SELECT borrower_id, max(closed_on) AS last FROM loan WHERE status = 1"
                     " GROUP BY borrower_id) s JOIN borrower b ON b.id = s.borrower_id JOIN"
                     " app_user u ON u.id = b.officer_id WHERE NOT EXISTS (SELECT 1 FROM loan l"
                     " WHERE l.borrower_id = b.id AND l.status = 0) AND NOT EXISTS (SELECT 1 FROM"
                     " application a WHERE a.borrower_id = b.id AND substr(a.created_at, 1, 10)"
                     " >= date('1970-01-01', '+' || s.last || ' days'))");
    core_sql_add_int(&q, " AND s.last <= ?", since);
    core_sql_add_customer_scope(&q, who, false);
    /* Prepaying: what was prepaid lately against the amount lent. */
    core_sql_add(&q, " UNION ALL SELECT b.id, b.name, u.username, 'prepaying', NULL, l.id,"
                     " p.prepaid FROM (SELECT loan_id, sum(prepaid) AS prepaid FROM loan_repayment"
                     " WHERE kind <> 'reversed'");
    core_sql_add_int(&q, " AND value_date > ?", since);
    core_sql_add(&q, " GROUP BY loan_id) p JOIN loan l ON l.id = p.loan_id JOIN borrower b ON"
                     " b.id = l.borrower_id JOIN app_user u ON u.id = b.officer_id WHERE"
                     " l.status = 0");
    core_sql_add_int(&q, " AND p.prepaid * 100 >= l.amount * ?", terms.churn_prepaid_pct);
    core_sql_add_customer_scope(&q, who, false);
    core_sql_add(&q, " LIMIT 5000");
    sqlite3_stmt *stmt = NULL;
    if ((st = core_sql_prepare(store, &q, &stmt, err)) != LD_OK)
        return st;
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        core_json_put_int(o, "borrower_id", sqlite3_column_int64(stmt, 0));
        cJSON_AddStringToObject(o, "borrower", (const char *)sqlite3_column_text(stmt, 1));
        cJSON_AddStringToObject(o, "officer", (const char *)sqlite3_column_text(stmt, 2));
        cJSON_AddStringToObject(o, "reason", (const char *)sqlite3_column_text(stmt, 3));
        if (sqlite3_column_type(stmt, 4) != SQLITE_NULL)
            core_json_put_date(o, "since", (ld_date)sqlite3_column_int64(stmt, 4));
        if (sqlite3_column_type(stmt, 5) != SQLITE_NULL) {
            core_json_put_int(o, "loan_id", sqlite3_column_int64(stmt, 5));
            core_json_put_money(o, "prepaid", sqlite3_column_int64(stmt, 6));
        }
        cJSON_AddItemToArray(list, o);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(list);
        return core_store_fail(store, "listing churn warnings", err);
    }
    *out = list;
    return LD_OK;
}
