/*
 * test_tamper.c - the row-tampering suite: a book with every kind of record
 * (borrowers with statements, applications with guarantors, collateral and
 * investigations, ratings and an override, approvals, two loans with their
 * schedules, a repayment, a classification, an inspection, a block-list
 * change, a refused attempt, two closes of business) is copied, one table row
 * is changed, deleted, inserted or reordered with a plain SQLite connection, as
 * whoever can write the file would, and `ledger verify` through the
 * operations API must fail with exit 6 naming what it found; the close of
 * business must refuse to run over a changed loan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "api_fixture.h"
#include "api_int.h"
#include "check.h"
#include "loandesk/admin.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"
#include "store_sql.h"
#include "user.h"

#ifndef LOANDESK_SOURCE_DIR
#error "LOANDESK_SOURCE_DIR must name the source tree (demo files)"
#endif

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"
#define DEMO           LOANDESK_SOURCE_DIR "/scripts/demo/"

static char dir[256], base[512], ca_path[512], key_path[600];
static ld_api *api;
static ld_session *s_admin, *s_off1, *s_rev1, *s_mgr, *s_aud;
static char aud_token[LD_SESSION_TOKEN_MAX], mgr_token[LD_SESSION_TOKEN_MAX];

static int64_t wall(void *context)
{
    (void)context;
    return 1781514000; /* 2026-06-15T09:00:00Z, as the fixture's */
}

/* The day after the book's last close, for the close of business over a copy. */
static const ld_clock next_day = {.business_date = "2026-06-16", .wall_now = wall};

static void drop(cJSON **doc)
{
    cJSON_Delete(*doc);
    *doc = NULL;
}

static void ok(ld_status st, const char *what, const ld_error *err)
{
    if (st != LD_OK)
        afx_die(what, err);
}

static cJSON *demo_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, DEMO "%s", name);
    cJSON *doc = NULL;
    ld_error err;
    ok(ld_json_read_file(path, &doc, &err), name, &err);
    return doc;
}

/* An account with its signing certificate, through the operations API. */
static void add_user(const char *name, const char *role)
{
    ld_error err;
    cJSON *out = NULL;
    ld_user_spec spec = {
        .username = name, .full_name = name, .role = role, .password = USER_PASSWORD};
    ok(ld_user_add(s_admin, &spec, AFX_CA_PASSPHRASE, &out, &err), "adding a user", &err);
    cJSON_Delete(out);
}

static void world_close(void)
{
    ld_session *all[] = {s_admin, s_off1, s_rev1, s_mgr, s_aud};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ld_session_free(all[i]);
    ld_api_close(api);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* The book every tampering starts from, written once to base. */
static void book(void)
{
    char path[300];
    api = afx_book_new("tamper", ADMIN_PASSWORD, dir, sizeof dir, path, sizeof path);
    ld_api_default_key_path(path, key_path, sizeof key_path);
    atexit(world_close);
    ld_error err;
    cJSON *out = NULL;
    s_admin = afx_login(api, "admin", ADMIN_PASSWORD);
    add_user("off1", "officer");
    add_user("rev1", "reviewer");
    add_user("mgr", "manager");
    add_user("aud", "auditor");
    /* Each has replaced the first password the admin gave them. */
    afx_passwords_replaced(api);
    s_off1 = afx_login(api, "off1", USER_PASSWORD);
    s_rev1 = afx_login(api, "rev1", USER_PASSWORD);
    s_mgr = afx_login(api, "mgr", USER_PASSWORD);
    s_aud = afx_login(api, "aud", USER_PASSWORD);
    afx_ca_file(s_aud, dir, ca_path, sizeof ca_path);

    const char *borrowers[] = {"borrower-zhang.json", "borrower-huaxin.json"};
    const char *apps[] = {"app-zhang.json", "app-huaxin.json"};
    for (int i = 0; i < 2; i++) {
        cJSON *b = demo_file(borrowers[i]);
        ok(ld_borrower_add(s_off1, b, &out, &err), borrowers[i], &err);
        cJSON_Delete(b);
        drop(&out);
    }
    for (int i = 0; i < 2; i++) {
        cJSON *a = demo_file(apps[i]);
        ok(ld_application_create(s_off1, a, &out, &err), apps[i], &err);
        cJSON_Delete(a);
        drop(&out);
        afx_documents(s_off1, i + 1);
        ok(ld_application_submit(s_off1, i + 1, &out, &err), "submit", &err);
        drop(&out);
        ok(ld_application_rate(s_rev1, i + 1, &out, &err), "rate", &err);
        drop(&out);
    }
    ok(ld_rating_override(s_rev1, 2, "BB", "collateral in a narrow market", &out, &err), "override",
       &err);
    drop(&out);
    ld_approval terms = {.reason = "within the credit line, well secured"};
    for (int i = 1; i <= 2; i++) {
        ok(ld_application_approve(s_mgr, i, &terms, &out, &err), "approve", &err);
        drop(&out);
        ok(ld_loan_disburse(s_mgr, i, "2026-05-25", NULL, &out, &err), "disburse", &err);
        drop(&out);
    }
    ld_cob_options cob = {.date = "2026-06-10"};
    ok(ld_cob_run(s_mgr, &cob, &out, &err), "cob", &err);
    drop(&out);
    cJSON *ins = demo_file("inspection-zhang-first.json");
    cJSON_ReplaceItemInObject(ins, "date", cJSON_CreateString("2026-06-12"));
    ok(ld_inspection_add(s_off1, 1, ins, &out, &err), "inspection", &err);
    cJSON_Delete(ins);
    drop(&out);
    ld_repayment pay = {.amount = "5000.00", .date = "2026-06-12"};
    ok(ld_loan_repay(s_off1, 1, &pay, &out, &err), "repay", &err);
    drop(&out);
    ok(ld_loan_classify(s_rev1, 2, "special_mention", "orders fell by a third", &out, &err),
       "classify", &err);
    drop(&out);
    ok(ld_borrower_blocklist(s_rev1, 2, true, "court enforcement notice", &out, &err), "blocklist",
       &err);
    drop(&out);
    /* A credit bureau report, a fact ratings are made from. */
    cJSON *report =
        cJSON_Parse("{\"report_date\": \"2026-06-01\", \"source\": \"PBOC\", "
                    "\"inquiries_6m\": 1, \"card_utilisation\": \"35\", \"open_loans\": 1, "
                    "\"worst_dpd_24m\": 30, \"outstanding_balance\": \"12000.00\"}");
    ok(ld_credit_report_add(s_off1, 1, report, &out, &err), "credit report", &err);
    cJSON_Delete(report);
    drop(&out);
    /* A refused attempt, which the audit trail and the log keep. */
    if (ld_loan_classify(s_off1, 1, "loss", "x", &out, &err) != LD_EPERM)
        afx_die("an officer classified a loan", NULL);
    cob.date = AFX_TODAY;
    ok(ld_cob_run(s_mgr, &cob, &out, &err), "cob", &err);
    drop(&out);
    ok(ld_session_token_issue(s_aud, aud_token, &err), "token", &err);
    ok(ld_session_token_issue(s_mgr, mgr_token, &err), "token", &err);
    snprintf(base, sizeof base, "%s/base.db", dir);
    char sql[700];
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", base);
    if (sqlite3_exec(core_store_db(api->store), sql, NULL, NULL, NULL) != SQLITE_OK)
        afx_die("copying the book", NULL);
}

/* A copy of the book with sql applied by a connection of its own. */
static void tampered_copy(const char *sql, char *path, size_t size)
{
    static int serial;
    snprintf(path, size, "%s/t%d.db", dir, ++serial);
    sqlite3 *db = NULL;
    char copy[700];
    snprintf(copy, sizeof copy, "VACUUM INTO '%s'", path);
    if (sqlite3_open(base, &db) != SQLITE_OK ||
        sqlite3_exec(db, copy, NULL, NULL, NULL) != SQLITE_OK)
        afx_die("copy", NULL);
    sqlite3_close(db);
    char *msg = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "setup: tampering (%s): %s\n", sql, msg != NULL ? msg : "?");
        exit(99);
    }
    if (sqlite3_changes(db) == 0 && strncmp(sql, "SELECT", 6) != 0) {
        fprintf(stderr, "setup: tampering changed nothing: %s\n", sql);
        exit(99);
    }
    sqlite3_close(db);
}

/* Opens a copy of the book with the book's own institution key file, as the
 * service that holds it would. */
static ld_status open_copy(const char *path, const ld_clock *clock, ld_api **out, ld_error *err)
{
    ld_status st = ld_api_open(path, clock, out, err);
    if (st == LD_OK && (st = ld_api_set_institution_key(*out, key_path, NULL, err)) != LD_OK) {
        ld_api_close(*out);
        *out = NULL;
    }
    return st;
}

static ld_status verify_copy(const char *path, ld_error *err)
{
    ld_api *a = NULL;
    ld_session *s = NULL;
    cJSON *out = NULL;
    ld_status st = open_copy(path, &afx_clock, &a, err);
    if (st == LD_OK && (st = ld_session_resume(a, aud_token, &s, err)) == LD_OK)
        st = ld_ledger_verify(s, &(ld_trust_anchor){.ca_file = ca_path}, &out, err);
    cJSON_Delete(out);
    ld_session_free(s);
    ld_api_close(a);
    return st;
}

static int tamperings;

/* One tampering: verify fails with exit 6 and a message holding expect. */
static void caught(const char *sql, const char *expect)
{
    char path[600];
    tampered_copy(sql, path, sizeof path);
    ld_error err;
    memset(&err, 0, sizeof err);
    ld_status st = verify_copy(path, &err);
    if (st != LD_EVERIFY || strstr(err.message, expect) == NULL)
        fprintf(stderr, "  tampering: %s\n  verify said %d: %s\n", sql, (int)st, err.message);
    CHECK_INT(st, LD_EVERIFY);
    CHECK_CONTAINS(err.message, expect);
    tamperings++;
    if (getenv("TAMPER_VERBOSE") != NULL)
        printf("  %s\n    -> %s\n", sql, err.message);
    remove(path);
}

static void the_book_verifies(void)
{
    ld_error err;
    CHECK_INT(verify_copy(base, &err), LD_OK);
}

static void journal_entries_and_lines(void)
{
    caught("UPDATE journal_entry SET date = date - 1 WHERE id = 1", "journal_entry 1");
    caught("UPDATE journal_entry SET date = date - 1 WHERE id = 1", "date");
    caught("UPDATE journal_entry SET kind = 'repayment' WHERE id = 1", "kind");
    caught("UPDATE journal_entry SET loan_id = 2 WHERE id = 1", "loan_id");
    caught("UPDATE journal_line SET amount = amount + 100 WHERE entry_id = 1 AND line = 1;"
           "UPDATE journal_line SET amount = amount - 100 WHERE entry_id = 1 AND line = 2",
           "journal_line 1/1");
    caught("UPDATE journal_line SET account = '6011' WHERE entry_id = 1 AND line = 2", "account");
    caught("DELETE FROM journal_line WHERE entry_id = 1 AND line = 1", "journal_line 1/1");
    caught("INSERT INTO journal_entry (id, date, kind, loan_id, product) VALUES (9999, 20614, "
           "'repayment', 1, 'PCL');"
           "INSERT INTO journal_line VALUES (9999, 1, '1001', 500000), "
           "(9999, 2, '1301.01', -500000)",
           "journal_entry 9999");
    caught("DELETE FROM journal_entry WHERE id = (SELECT max(id) FROM journal_entry)",
           "journal_entry");
    /* Reordered: two entries swap their dates. */
    caught("UPDATE journal_entry SET date = CASE id WHEN 1 THEN (SELECT date FROM journal_entry "
           "WHERE id = (SELECT max(id) FROM journal_entry)) ELSE (SELECT date FROM journal_entry "
           "WHERE id = 1) END WHERE id IN (1, (SELECT max(id) FROM journal_entry))",
           "journal_entry");
}

static void loans_and_schedules(void)
{
    caught("UPDATE loan SET rate = rate * 3 WHERE id = 1", "rate");
    caught("UPDATE loan SET rate = rate * 3 WHERE id = 1", "loan 1");
    caught("UPDATE loan SET amount = amount + 100 WHERE id = 2", "amount");
    caught("UPDATE loan SET penalty_rate = 0 WHERE id = 2", "penalty_rate");
    caught("UPDATE loan SET principal = principal - 100000 WHERE id = 1", "loan 1");
    caught("UPDATE loan SET manual = -1, category = 0 WHERE id = 2", "loan");
    /* A loan's daily balances, untouched since the last close, are named by
     * that close's book index. */
    caught("UPDATE loan SET accrued = accrued + 1 WHERE id = 2", "loan 2");
    caught("UPDATE loan SET next_interest = next_interest + 1 WHERE id = 1", "loan 1");
    caught("UPDATE loan SET dpd = dpd + 30 WHERE id = 2", "loan 2: its balances differ");
    /* The index changed as well: it no longer is the one the close signed,
     * so it names nothing, and the book digest still catches the change. */
    caught("UPDATE loan SET accrued = accrued + 1 WHERE id = 2;"
           "UPDATE ledger_book_index SET data = zeroblob(length(data))",
           "the loan book differs from what close of business recorded");
    caught("UPDATE ledger_book_index SET data = zeroblob(length(data));"
           "UPDATE loan SET penalty = penalty + 1 WHERE id = 1",
           "the loan book differs");
    caught("DELETE FROM loan WHERE id = 2", "loan 2");
    caught("INSERT INTO loan SELECT 3, 'FORGED-3', NULL, borrower_id, officer_id, borrower_kind, "
           "product, amount, rate, penalty_rate, method, period, months_each, installments, "
           "prepay_rule, regular, fee_method, fee_amount, disbursed_on, closed_on, manual_reason, "
           "status, accrued_through, principal, principal_due, interest_due, fee_due, accrued, "
           "penalty, compound, penalty_daily, compound_daily, next_number, next_due, "
           "next_principal, next_interest, next_fee, oldest_unpaid_due, dpd, floor, manual, "
           "category, next_inspection, matures_on FROM loan WHERE id = 1",
           "loan 3");
    caught("UPDATE loan_installment SET interest = interest + 1 WHERE loan_id = 1 AND number = 5",
           "loan_installment 1/5");
    caught("UPDATE loan_installment SET paid_principal = paid_principal + 1 WHERE loan_id = 2 "
           "AND number = 3",
           "paid_principal");
    caught("DELETE FROM loan_installment WHERE loan_id = 2 AND number = 12",
           "loan_installment 2/12");
    caught("INSERT INTO loan_installment SELECT loan_id, 99, due + 3000, principal, interest, "
           "fee, 0, 0, 0, 0, 0, 0, 0, accrual_from FROM loan_installment WHERE loan_id = 1 AND "
           "number = 1",
           "loan_installment 1/99");
    caught("UPDATE loan_installment SET due = CASE number WHEN 2 THEN (SELECT due FROM "
           "loan_installment WHERE loan_id = 1 AND number = 3) ELSE (SELECT due FROM "
           "loan_installment WHERE loan_id = 1 AND number = 2) END WHERE loan_id = 1 AND "
           "number IN (2, 3)",
           "loan_installment 1/2");
}

static void repayments_and_allocation(void)
{
    caught("UPDATE loan_repayment SET amount = amount * 10", "loan_repayment 1");
    caught("UPDATE loan_repayment SET interest = interest + 100, principal = principal - 100",
           "interest");
    caught("UPDATE loan_repayment SET value_date = value_date - 3", "value_date");
    caught("DELETE FROM loan_repayment", "loan_repayment 1");
    caught("INSERT INTO loan_repayment SELECT 2, loan_id, kind, value_date, booked_on, amount, "
           "penalty, compound, fee, interest, principal, accrued, prepaid, backdated, reason, "
           "recorded_by, log_seq FROM loan_repayment WHERE id = 1",
           "loan_repayment 2");
}

static void decisions(void)
{
    caught("UPDATE application SET approved_amount = approved_amount * 2 WHERE id = 1",
           "approved_amount");
    caught("UPDATE application SET approved_rate = approved_rate + 1000 WHERE id = 2",
           "application 2");
    caught("UPDATE application SET decided_by = 2 WHERE id = 2", "decided_by");
    caught("UPDATE application SET id = 1000 WHERE id = 1; UPDATE application SET id = 1 WHERE "
           "id = 2; UPDATE application SET id = 2 WHERE id = 1000",
           "application 1");
    caught("UPDATE rating SET grade = 'AAA' WHERE application_id = 1", "rating 1");
    caught("DELETE FROM rating WHERE application_id = 1", "rating 1");
    caught("UPDATE rating_override SET reason = 'none'", "rating_override 1");
    caught("DELETE FROM rating_override", "rating_override 1");
    caught("UPDATE collateral SET appraised_value = appraised_value * 3", "collateral 1");
    caught("UPDATE guarantor SET guaranteed_amount = 1", "guarantor 1");
    caught("UPDATE investigation SET conclusion = 'forged' WHERE id = 1", "investigation 1");
    caught("INSERT INTO application_step (application_id, kind, reason, user_id, at) VALUES (1, "
           "'return', 'forged', 1, '2026-06-01T00:00:00Z')",
           "application_step 1");
    caught("UPDATE financial_statement SET net_profit = net_profit * 10 WHERE year = 2025",
           "financial_statement 2/2025");
    caught("UPDATE credit_report SET worst_dpd_24m = 0", "worst_dpd_24m");
    caught("DELETE FROM credit_report", "credit_report 1");
    caught("UPDATE borrower SET blocklisted = 0 WHERE id = 2", "blocklisted");
    caught("UPDATE borrower SET officer_id = 1 WHERE id = 1", "borrower 1");
    caught("UPDATE inspection SET date = 22645", "inspection 1");
    caught("DELETE FROM inspection", "inspection 1");
    caught("INSERT INTO inspection SELECT 2, 2, kind, date, next_date, recommended_category, "
           "officer_id, body, recorded_at FROM inspection WHERE id = 1",
           "inspection 2");
    caught("UPDATE config_document SET body = replace(body, '\"', '\"') || ' ' WHERE id = "
           "(SELECT max(id) FROM config_document)",
           "config_document");
}

static void runs_users_and_the_trail(void)
{
    caught("DELETE FROM cob_run WHERE date = (SELECT max(date) FROM cob_run)", "cob_run");
    caught("UPDATE cob_run SET loans = loans + 1", "cob_run");
    caught("UPDATE app_user SET role = 'manager' WHERE username = 'off1'", "app_user");
    caught("UPDATE app_user SET authority_limit = 999999999999 WHERE username = 'rev1'",
           "authority_limit");
    caught("UPDATE pki_identity SET revoked_at = 1781000000 WHERE user_id = (SELECT id FROM "
           "app_user WHERE username = 'off1')",
           "revoked_at");
    caught("DELETE FROM pki_identity WHERE user_id = (SELECT id FROM app_user WHERE username = "
           "'rev1')",
           "pki_identity");
    caught("DELETE FROM audit_event WHERE outcome = 'denied'", "audit_event");
    caught("UPDATE audit_event SET outcome = 'ok' WHERE outcome = 'denied'", "outcome");
    caught("UPDATE audit_event SET username = 'mgr' WHERE action = 'loan.classify' AND "
           "outcome = 'ok'",
           "username");
    caught("INSERT INTO audit_event (at, user_id, username, action, entity, entity_id, outcome, "
           "detail) VALUES ('2026-06-15T09:00:00Z', 3, 'rev1', 'loan.write_off', 'loan', 1, "
           "'ok', '{}')",
           "audit_event");
    caught("UPDATE ledger_entry SET body = CAST(replace(CAST(body AS TEXT), '\"loans\":2', "
           "'\"loans\":3') AS BLOB) WHERE CAST(body AS TEXT) LIKE '%\"type\":\"cob\"%'",
           "log entry");
    caught("DELETE FROM ledger_entry WHERE seq = (SELECT max(seq) FROM ledger_entry)", "");
}

/* The close of business over a copy, as the manager, the day after. */
static ld_status cob_copy(const char *path, ld_error *err)
{
    ld_api *a = NULL;
    ld_session *s = NULL;
    cJSON *out = NULL;
    ld_cob_options cob = {.date = "2026-06-16"};
    ld_status st = open_copy(path, &next_day, &a, err);
    if (st == LD_OK && (st = ld_session_resume(a, mgr_token, &s, err)) == LD_OK)
        st = ld_cob_run(s, &cob, &out, err);
    cJSON_Delete(out);
    ld_session_free(s);
    ld_api_close(a);
    return st;
}

static long long query(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    long long v = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

/* The laundering: a tripled rate would be accrued and signed over. The close
 * refuses, names the loan and the column, and leaves no trace of the day. */
static void cob_refuses_a_changed_loan(void)
{
    char path[600];
    const char *counts = "SELECT (SELECT count(*) FROM cob_run) * 1000000 + (SELECT count(*) "
                         "FROM ledger_checkpoint)";
    tampered_copy("UPDATE loan SET rate = rate * 3 WHERE id = 1", path, sizeof path);
    long long before = query(path, counts);
    ld_error err;
    CHECK_INT(cob_copy(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "loan 1");
    CHECK_CONTAINS(err.message, "rate");
    CHECK_INT(query(path, counts), before);
    CHECK_INT(query(path, "SELECT accrued_through FROM loan WHERE id = 1"),
              query(base, "SELECT accrued_through FROM loan WHERE id = 1"));
    tampered_copy("UPDATE loan SET accrued = accrued + 500 WHERE id = 2", path, sizeof path);
    CHECK_INT(cob_copy(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "close of business refused");
    CHECK_CONTAINS(err.message, "loan 2");
    CHECK_INT(query(path, counts), before);
    /* With the book index cleared the close still refuses, naming no loan. */
    tampered_copy("UPDATE loan SET accrued = accrued + 500 WHERE id = 2; DELETE FROM "
                  "ledger_book_index",
                  path, sizeof path);
    CHECK_INT(cob_copy(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "the loans differ from what close of business recorded");
    CHECK_INT(query(path, counts), before);
    tampered_copy("UPDATE loan SET status = 1 WHERE id = 2", path, sizeof path);
    CHECK_INT(cob_copy(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "loan 2");
    tampered_copy("DELETE FROM loan WHERE id = 2", path, sizeof path);
    CHECK_INT(cob_copy(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "loan 2");
}

/* Repayment, classification and write-off check the loan they touch. */
static void operations_refuse_a_changed_loan(void)
{
    char path[600];
    ld_error err;
    ld_api *a = NULL;
    ld_session *s = NULL;
    cJSON *out = NULL;
    ld_repayment pay = {.amount = "100.00", .date = AFX_TODAY};
    tampered_copy("UPDATE loan SET rate = rate * 3 WHERE id = 1", path, sizeof path);
    CHECK_INT(open_copy(path, &afx_clock, &a, &err), LD_OK);
    CHECK_INT(ld_session_resume(a, mgr_token, &s, &err), LD_OK);
    CHECK_INT(ld_loan_repay(s, 1, &pay, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "loan 1");
    CHECK_CONTAINS(err.message, "rate");
    CHECK_INT(ld_loan_settle(s, 1, AFX_TODAY, &out, &err), LD_EVERIFY);
    /* The other loan is intact and may be repaid. */
    CHECK_INT(ld_loan_repay(s, 2, &pay, &out, &err), LD_OK);
    drop(&out);
    ld_session_free(s);
    ld_api_close(a);
    tampered_copy("UPDATE loan_installment SET principal = principal - 100 WHERE loan_id = 2 AND "
                  "number = 2;"
                  "UPDATE loan_installment SET principal = principal + 100 WHERE loan_id = 2 AND "
                  "number = 3",
                  path, sizeof path);
    CHECK_INT(open_copy(path, &afx_clock, &a, &err), LD_OK);
    CHECK_INT(ld_session_resume(a, mgr_token, &s, &err), LD_OK);
    CHECK_INT(ld_loan_classify(s, 2, "substandard", "guarantor insolvent", &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "loan_installment 2/2");
    CHECK_INT(ld_loan_write_off(s, 2, "uncollectable", &out, &err), LD_EVERIFY);
    ld_session_free(s);
    ld_api_close(a);
}

/* Untouched, the next close runs and the book still verifies. */
static void cob_runs_over_an_intact_book(void)
{
    char path[600];
    tampered_copy("SELECT 1", path, sizeof path);
    ld_error err;
    CHECK_INT(cob_copy(path, &err), LD_OK);
    CHECK_INT(verify_copy(path, &err), LD_OK);
    /* A change after that close is caught against its book digest. */
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "UPDATE loan SET penalty = penalty + 7 WHERE id = 1", NULL, NULL, NULL) !=
            SQLITE_OK)
        afx_die("tampering", NULL);
    sqlite3_close(db);
    CHECK_INT(verify_copy(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "close of business");
    CHECK_CONTAINS(err.message, "loan 1");
}

static const char *text_of(const cJSON *o, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(item) ? item->valuestring : "";
}

/* Whether the list of inspections due holds loan, and with which date. */
static const char *due_date_of(const cJSON *due, int64_t loan)
{
    const cJSON *row;
    cJSON_ArrayForEach(row, due)
    {
        if ((int64_t)cJSON_GetObjectItemCaseSensitive(row, "loan_id")->valuedouble == loan)
            return text_of(row, "due");
    }
    return NULL;
}

/* An inspection is a visit that took place, of this loan's own collateral. */
static void inspections_are_checked(void)
{
    ld_error err;
    cJSON *out = NULL, *ins = demo_file("inspection-zhang-first.json");
    int64_t before = -1, after = -2;
    core_store_query_int(api->store, "SELECT count(*) FROM inspection", 0, &before, &err);
    cJSON_ReplaceItemInObject(ins, "date", cJSON_CreateString("2030-01-01"));
    cJSON_ReplaceItemInObject(ins, "next_inspection", cJSON_CreateString("2030-03-01"));
    CHECK_INT(ld_inspection_add(s_off1, 1, ins, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "date");
    CHECK_CONTAINS(err.message, "business date");
    /* Collateral 1 is pledged for loan 1 (application 1), not for loan 2. */
    cJSON_ReplaceItemInObject(ins, "date", cJSON_CreateString("2026-06-14"));
    cJSON_ReplaceItemInObject(ins, "next_inspection", cJSON_CreateString("2026-07-10"));
    CHECK_INT(ld_inspection_add(s_off1, 2, ins, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "collateral[0].collateral_id");
    CHECK_CONTAINS(err.message, "not pledged for loan 2");
    cJSON_Delete(ins);
    core_store_query_int(api->store, "SELECT count(*) FROM inspection", 0, &after, &err);
    CHECK_INT(after, before);
}

/* One next-inspection date: the loan's, which the inspection record, the
 * list of inspections due and `loan show` all give. */
static void one_next_inspection_date(void)
{
    ld_error err;
    cJSON *loan = NULL, *ins = NULL, *due = NULL;
    CHECK_INT(ld_loan_show(s_off1, 1, &loan, &err), LD_OK);
    CHECK_INT(ld_inspection_show(s_off1, 1, 0, &ins, &err), LD_OK);
    /* Planned for 2026-09-08, within 90 days of the visit on 2026-06-12. */
    CHECK_STR(text_of(loan, "next_inspection"), "2026-09-08");
    CHECK_STR(text_of(ins, "next_inspection"), "2026-09-08");
    CHECK_INT(ld_inspection_due(s_mgr, "2026-09-08", &due, &err), LD_OK);
    const char *d = due_date_of(due, 1);
    CHECK(d != NULL);
    CHECK_STR(d != NULL ? d : "", "2026-09-08");
    drop(&due);
    CHECK_INT(ld_inspection_due(s_mgr, "2026-09-07", &due, &err), LD_OK);
    CHECK(due_date_of(due, 1) == NULL);
    drop(&due);
    drop(&loan);
    drop(&ins);
}

/* A visit that falls due stays due: closing the books past it does not move
 * the date on. Loan 2 (an enterprise's) is first due 30 days after
 * disbursement, 2026-06-24. */
static void an_inspection_due_stays_due(void)
{
    char path[600];
    tampered_copy("SELECT 1", path, sizeof path);
    static const ld_clock july = {.business_date = "2026-07-01", .wall_now = wall};
    ld_api *a = NULL;
    ld_session *s = NULL;
    cJSON *out = NULL;
    ld_error err;
    ld_cob_options cob = {.date = "2026-07-01"};
    CHECK_INT(open_copy(path, &july, &a, &err), LD_OK);
    CHECK_INT(ld_session_resume(a, mgr_token, &s, &err), LD_OK);
    CHECK_INT(ld_cob_run(s, &cob, &out, &err), LD_OK);
    drop(&out);
    CHECK_INT(ld_inspection_due(s, "2026-07-01", &out, &err), LD_OK);
    const char *d = due_date_of(out, 2);
    CHECK_STR(d != NULL ? d : "(not due)", "2026-06-24");
    drop(&out);
    CHECK_INT(ld_loan_show(s, 2, &out, &err), LD_OK);
    CHECK_STR(text_of(out, "next_inspection"), "2026-06-24");
    drop(&out);
    ld_session_free(s);
    ld_api_close(a);
}

static void enough_tamperings(void)
{
    CHECK(tamperings >= 35);
}

int main(int argc, char **argv)
{
    book();
    static const check_case cases[] = {
        {"the_book_verifies", the_book_verifies},
        {"journal_entries_and_lines", journal_entries_and_lines},
        {"loans_and_schedules", loans_and_schedules},
        {"repayments_and_allocation", repayments_and_allocation},
        {"decisions", decisions},
        {"runs_users_and_the_trail", runs_users_and_the_trail},
        {"cob_refuses_a_changed_loan", cob_refuses_a_changed_loan},
        {"cob_runs_over_an_intact_book", cob_runs_over_an_intact_book},
        {"operations_refuse_a_changed_loan", operations_refuse_a_changed_loan},
        {"inspections_are_checked", inspections_are_checked},
        {"one_next_inspection_date", one_next_inspection_date},
        {"an_inspection_due_stays_due", an_inspection_due_stays_due},
        {"enough_tamperings", enough_tamperings},
    };
    return CHECK_RUN(argc, argv, cases);
}
