/*
 * test_api_servicing.c - the servicing operations of the operations API
 * (loandesk/servicing.h) on a database made by ld_api_init in a temporary
 * directory, on the fixed business date 2026-06-15: rating (and who may store
 * one), the value-date rule of repayments, close of business, the journal,
 * who may read the whole ledger, export and proofs checked with no database,
 * inspections, and the tools without a database.
 *
 * The accounts are made once and each logs in once (PBKDF2 is slow); every
 * test seeds the applications it needs, so a test run alone by name passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_fixture.h"
#include "api_int.h"
#include "application.h"
#include "borrower.h"
#include "check.h"
#include "doc_fixture.h"
#include "credit.h"
#include "ident.h"
#include "loandesk/servicing.h"
#include "store_sql.h"
#include "user.h"

#ifndef LOANDESK_SOURCE_DIR
#error "LOANDESK_SOURCE_DIR must name the source tree (policy files)"
#endif

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"
#define TODAY          AFX_TODAY

static char dir[256];
static ld_api *api;
static ld_session *s_admin, *s_off1, *s_off2, *s_rev1, *s_mgr, *s_aud;
static int borrower_serial;
static char ca_path[300];
static ld_trust_anchor anchor;

/* Frees a result and forgets it, so a later refused call (which writes
 * nothing) leaves nothing to free twice. */
static void drop(cJSON **doc)
{
    cJSON_Delete(*doc);
    *doc = NULL;
}

static void add_user(const char *name, core_role role)
{
    ld_error err;
    core_user_spec spec = {name, name, role, -1, USER_PASSWORD};
    int64_t id;
    if (core_user_add(api->store, &s_admin->who, &spec, &id, &err) != LD_OK)
        afx_die("adding a user", &err);
}

static void world_close(void)
{
    ld_session *all[] = {s_admin, s_off1, s_off2, s_rev1, s_mgr, s_aud};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ld_session_free(all[i]);
    ld_api_close(api);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* The database, its accounts and their sessions, made on first use. */
static void world(void)
{
    if (api != NULL)
        return;
    char path[300];
    api = afx_book_new("api-servicing", ADMIN_PASSWORD, dir, sizeof dir, path, sizeof path);
    ld_error err;
    s_admin = afx_login(api, "admin", ADMIN_PASSWORD);
    if (core_store_begin(api->store, &err) != LD_OK)
        afx_die("begin", &err);
    add_user("off1", CORE_ROLE_OFFICER);
    add_user("off2", CORE_ROLE_OFFICER);
    add_user("rev1", CORE_ROLE_REVIEWER);
    add_user("mgr", CORE_ROLE_MANAGER);
    add_user("aud", CORE_ROLE_AUDITOR);
    /* Each has replaced the first password the admin gave them. */
    if (sqlite3_exec(core_store_db(api->store),
                     "UPDATE app_user SET password_changed_on = '" TODAY "'", NULL, NULL,
                     NULL) != SQLITE_OK ||
        core_store_commit(api->store, &err) != LD_OK)
        afx_die("dating the passwords", &err);
    s_off1 = afx_login(api, "off1", USER_PASSWORD);
    s_off2 = afx_login(api, "off2", USER_PASSWORD);
    s_rev1 = afx_login(api, "rev1", USER_PASSWORD);
    s_mgr = afx_login(api, "mgr", USER_PASSWORD);
    s_aud = afx_login(api, "aud", USER_PASSWORD);
    afx_ca_file(s_aud, dir, ca_path, sizeof ca_path);
    anchor.ca_file = ca_path;
    atexit(world_close);
}

static void committed(ld_status st, const char *what, const ld_error *err)
{
    ld_error e;
    if (st != LD_OK) {
        core_store_rollback(api->store);
        afx_die(what, err);
    }
    /* Signed as an operation's unit of work is (api_seal). */
    if (api_seal(api, NULL, &e) != LD_OK || core_store_commit(api->store, &e) != LD_OK)
        afx_die("commit", &e);
}

static void begin(void)
{
    ld_error err;
    if (core_store_begin(api->store, &err) != LD_OK)
        afx_die("begin", &err);
}

/* A submitted application of a new customer of off1: 100,000.00 over 24
 * months. */
static int64_t submitted_app(void)
{
    world();
    ld_error err;
    char first17[18], id[19];
    snprintf(first17, sizeof first17, "11010519900501%03d", ++borrower_serial);
    memcpy(id, first17, 17);
    id[17] = core_resident_id_check_char(first17);
    id[18] = '\0';
    cJSON *b = cJSON_Parse("{\"kind\": \"individual\", \"name\": \"Zhang San\", \"phone\": "
                           "\"13800138000\", \"address\": \"1 Chang'an Ave\", \"employer\": "
                           "\"Acme\", \"years_employed\": 6, \"monthly_income\": \"30000.00\", "
                           "\"existing_debt\": \"0.00\"}");
    cJSON_AddStringToObject(b, "id_number", id);
    int64_t borrower = 0, app = 0;
    begin();
    committed(core_borrower_add(api->store, &s_off1->who, b, &borrower, &err), "borrower", &err);
    cJSON_Delete(b);
    char json[512];
    snprintf(json, sizeof json,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"100000.00\", "
             "\"term_months\": 24, \"method\": \"annuity\", \"purpose\": \"renovation\", "
             "\"investigation\": {\"site_visit_date\": \"2026-06-01\", \"operations\": \"ok\", "
             "\"assets_liabilities\": \"ok\", \"repayment_capacity\": \"ok\", \"conclusion\": "
             "\"ok\"}}",
             (long long)borrower);
    cJSON *a = cJSON_Parse(json);
    begin();
    committed(core_application_create(api->store, &s_off1->who, a, &app, &err), "application",
              &err);
    cJSON_Delete(a);
    begin();
    dfx_complete(api->store, &s_off1->who, app);
    committed(core_application_submit(api->store, &s_off1->who, app, &err), "submit", &err);
    return app;
}

/* A loan disbursed today through the API from a rated, approved application. */
static int64_t disbursed_loan(void)
{
    int64_t app = submitted_app();
    ld_error err;
    cJSON *out = NULL;
    if (ld_application_rate(s_rev1, app, &out, &err) != LD_OK)
        afx_die("rating", &err);
    drop(&out);
    core_approval_terms terms = {.rate = -1};
    begin();
    committed(core_application_approve(api->store, &s_rev1->who, app, &terms, "fine", &err),
              "approve", &err);
    if (ld_loan_disburse(s_mgr, app, TODAY, NULL, &out, &err) != LD_OK)
        afx_die("disburse", &err);
    int64_t loan = (int64_t)cJSON_GetObjectItemCaseSensitive(out, "id")->valuedouble;
    drop(&out);
    return loan;
}

static long long count(const char *sql)
{
    int64_t value = -1;
    ld_error err;
    if (core_store_query_int(api->store, sql, 0, &value, &err) != LD_OK)
        afx_die(sql, &err);
    return value;
}

static long long denials(void)
{
    return count("SELECT count(*) FROM audit_event WHERE outcome = 'denied'");
}

static void rate_refuses_an_auditor_and_another_officer_with_an_audit_row(void)
{
    int64_t app = submitted_app();
    ld_error err;
    cJSON *out = NULL;
    long long before = denials();
    CHECK_INT(ld_application_rate(s_aud, app, &out, &err), LD_EPERM);
    CHECK_INT(denials(), before + 1);
    CHECK_INT(ld_application_rate(s_off2, app, &out, &err), LD_EPERM);
    CHECK_CONTAINS(err.message, "another officer");
    CHECK_INT(denials(), before + 2);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM rating WHERE application_id = %lld",
             (long long)app);
    CHECK_INT(count(sql), 0);
}

/* A rating summary nobody computed. */
static core_rating_summary made_up_rating(void)
{
    core_rating_summary s;
    memset(&s, 0, sizeof s);
    s.score = 900;
    snprintf(s.grade, sizeof s.grade, "AAA");
    snprintf(s.decision, sizeof s.decision, "approve");
    s.recommended_amount = 10000000000;
    s.recommended_term_months = 36;
    s.rate = 10000;
    return s;
}

static void rating_save_refuses_whoever_may_not_rate(void)
{
    int64_t app = submitted_app();
    core_rating_summary s = made_up_rating();
    ld_error err;
    const core_session *refused[] = {&s_aud->who, &s_off2->who, &s_admin->who};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        begin();
        CHECK_INT(core_rating_save(api->store, refused[i], app, &s, "{}", NULL, &err), LD_EPERM);
        core_store_rollback(api->store);
    }
    /* A draft cannot be rated either, whoever stores it. */
    begin();
    CHECK_INT(core_application_withdraw(api->store, &s_off1->who, app, "x", &err), LD_OK);
    CHECK_INT(core_rating_save(api->store, &s_off1->who, app, &s, "{}", NULL, &err), LD_ESTATE);
    core_store_rollback(api->store);
}

static void rate_show_and_override(void)
{
    int64_t app = submitted_app();
    ld_error err;
    cJSON *rating = NULL, *shown = NULL, *over = NULL;
    CHECK_INT(ld_application_rate(s_rev1, app, &rating, &err), LD_OK);
    const char *text = NULL, *sha = NULL;
    CHECK_INT(core_policy_document(api->store, &text, &sha, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(rating, "policy_sha256")->valuestring, sha);
    CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rating, "grade")));
    CHECK_INT(ld_rating_show(s_off1, app, &shown, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(shown, "effective_grade")->valuestring,
              cJSON_GetObjectItemCaseSensitive(rating, "grade")->valuestring);
    CHECK_INT(ld_rating_override(s_off1, app, "BB", "x", &over, &err), LD_EPERM);
    CHECK_INT(ld_rating_override(s_rev1, app, "BB", "collateral weak", &over, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(over, "grade")->valuestring, "BB");
    drop(&rating);
    drop(&shown);
    drop(&over);
}

static void repay_after_the_business_date_is_refused(void)
{
    int64_t loan = disbursed_loan();
    ld_error err;
    cJSON *out = NULL;
    ld_repayment r = {.amount = "100.00", .date = "2026-06-16"};
    CHECK_INT(ld_loan_repay(s_off1, loan, &r, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "after today's business date 2026-06-15");
    r.date = "2026-13-45";
    CHECK_INT(ld_loan_repay(s_off1, loan, &r, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "date");
    CHECK_INT(count("SELECT count(*) FROM loan_repayment WHERE amount = 10000"), 0);
    CHECK_INT(ld_loan_settle(s_off1, loan, "2026-06-16", &out, &err), LD_EINVAL);
    r.date = TODAY;
    CHECK_INT(ld_loan_repay(s_off1, loan, &r, &out, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(out, "amount")->valuestring, "100.00");
    drop(&out);
    CHECK_INT(ld_loan_repay(s_off2, loan, &r, &out, &err), LD_EPERM);
}

/* Close of business signs with the institution key file: the manager who
 * runs it needs nobody's password. */
static void cob_signs_with_the_institution_key_file(void)
{
    disbursed_loan();
    ld_error err;
    cJSON *out = NULL;
    ld_cob_options o = {.date = TODAY};
    CHECK_INT(ld_cob_run(s_off1, &o, &out, &err), LD_EPERM);
    o.date = "2026-06-16";
    CHECK_INT(ld_cob_run(s_mgr, &o, &out, &err), LD_EINVAL);
    o.date = TODAY;
    CHECK_INT(ld_cob_run(s_mgr, &o, &out, &err), LD_OK);
    CHECK(cJSON_GetObjectItemCaseSensitive(out, "checkpoint_size")->valuedouble > 0);
    drop(&out);
    CHECK_INT(ld_cob_run(s_mgr, &o, &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "already_closed")));
    drop(&out);
}

/* Reviewers, managers and auditors read the whole ledger; officers and
 * admins do not, and their refusal is in the audit trail. */
static void the_ledger_is_read_by_reviewers_managers_and_auditors(void)
{
    disbursed_loan();
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_ledger_checkpoint(s_mgr, &out, &err), LD_OK);
    CHECK_CONTAINS(cJSON_GetObjectItemCaseSensitive(out, "text")->valuestring, "\n");
    drop(&out);
    ld_session *readers[] = {s_rev1, s_mgr, s_aud};
    for (size_t i = 0; i < 3; i++) {
        CHECK_INT(ld_ledger_verify(readers[i], &anchor, &out, &err), LD_OK);
        drop(&out);
        CHECK_INT(ld_journal_trial_balance(readers[i], TODAY, &out, &err), LD_OK);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "balanced")));
        drop(&out);
    }
    ld_session *others[] = {s_off1, s_admin};
    for (size_t i = 0; i < 2; i++) {
        long long before = denials();
        CHECK_INT(ld_ledger_verify(others[i], &anchor, &out, &err), LD_EPERM);
        CHECK_INT(ld_ledger_prove_inclusion(others[i], 0, 0, &out, &err), LD_EPERM);
        CHECK_INT(ld_journal_trial_balance(others[i], TODAY, &out, &err), LD_EPERM);
        CHECK_INT(denials(), before + 3);
    }
}

static void export_and_proofs_are_checked_without_a_database(void)
{
    disbursed_loan();
    ld_error err;
    cJSON *out = NULL, *proof = NULL;
    CHECK_INT(ld_ledger_checkpoint(s_mgr, &out, &err), LD_OK);
    drop(&out);
    char export_dir[128];
    snprintf(export_dir, sizeof export_dir, "%s/export", dir);
    CHECK_INT(ld_ledger_export(s_off1, export_dir, &out, &err), LD_EPERM);
    CHECK_INT(ld_ledger_export(s_rev1, export_dir, &out, &err), LD_OK);
    long long entries = (long long)cJSON_GetObjectItemCaseSensitive(out, "entries")->valuedouble;
    drop(&out);
    CHECK_INT(ld_ledger_verify_export(export_dir, &anchor, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetObjectItemCaseSensitive(out, "entries")->valuedouble, entries);
    drop(&out);
    CHECK_INT(ld_ledger_prove_inclusion(s_aud, 1, 0, &proof, &err), LD_OK);
    CHECK_INT(ld_proof_verify(proof, &anchor, &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "holds")));
    drop(&out);
    cJSON_ReplaceItemInObjectCaseSensitive(proof, "index", cJSON_CreateNumber(0));
    CHECK_INT(ld_proof_verify(proof, &anchor, &out, &err), LD_EVERIFY);
    drop(&proof);
    CHECK_INT(ld_ledger_prove_consistency(s_aud, 1, (uint64_t)entries, &proof, &err), LD_OK);
    CHECK_INT(ld_proof_verify(proof, &anchor, &out, &err), LD_OK);
    drop(&out);
    drop(&proof);
}

static void inspections_through_the_api(void)
{
    int64_t loan = disbursed_loan();
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_inspection_show(s_off1, loan, 0, &out, &err), LD_ENOTFOUND);
    cJSON *input = cJSON_Parse("{\"kind\": \"first\"}");
    CHECK_INT(ld_inspection_add(s_off2, loan, input, &out, &err), LD_EPERM);
    cJSON_Delete(input);
    CHECK_INT(ld_inspection_due(s_mgr, "2099-01-01", &out, &err), LD_OK);
    CHECK(cJSON_GetArraySize(out) >= 1);
    drop(&out);
    CHECK_INT(ld_inspection_due(s_mgr, "2026-02-30", &out, &err), LD_EINVAL);
    CHECK_INT(ld_inspection_due(s_off2, NULL, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(out), 0);
    drop(&out);
}

static void schedule_preview_needs_no_database(void)
{
    cJSON *terms = cJSON_Parse("{\"principal\": \"100000.00\", \"rate\": \"4.35\", \"term\": 12, "
                               "\"method\": \"annuity\", \"start\": \"2026-01-31\"}");
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_schedule_preview(terms, &out, &err), LD_OK);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(out, "installments");
    CHECK_INT(cJSON_GetArraySize(rows), 12);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rows, 0), "due")->valuestring,
              "2026-02-28");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(out, "method")->valuestring, "annuity");
    drop(&out);
    cJSON_ReplaceItemInObjectCaseSensitive(terms, "term", cJSON_CreateString("0"));
    CHECK_INT(ld_schedule_preview(terms, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "term: must be a whole number of months, 1 to 360");
    cJSON_DeleteItemFromObjectCaseSensitive(terms, "start");
    CHECK_INT(ld_schedule_preview(terms, &out, &err), LD_EUSAGE);
    cJSON_Delete(terms);
    char buf[LD_AMOUNT_TEXT_MAX];
    CHECK_STR(ld_amount_grouped("1234567.80", buf), "1,234,567.80");
    CHECK_STR(ld_amount_grouped("-1000.00", buf), "-1,000.00");
}

static void policy_check_reports_problems_as_a_result(void)
{
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_policy_check(LOANDESK_SOURCE_DIR "/policy/default.json", &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "ok")));
    CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(out, "sha256")));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "problems")), 0);
    drop(&out);
    char path[64];
    snprintf(path, sizeof path, "/tmp/ld-policy-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, "{\"version\": 1}", 14) == 14);
    close(fd);
    CHECK_INT(ld_policy_check(path, &out, &err), LD_OK);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(out, "ok")));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "problems")) > 0);
    drop(&out);
    unlink(path);
    CHECK_INT(ld_policy_check("/nonexistent/policy.json", &out, &err), LD_ENOTFOUND);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"rate_refuses_an_auditor_and_another_officer_with_an_audit_row",
         rate_refuses_an_auditor_and_another_officer_with_an_audit_row},
        {"rating_save_refuses_whoever_may_not_rate", rating_save_refuses_whoever_may_not_rate},
        {"rate_show_and_override", rate_show_and_override},
        {"repay_after_the_business_date_is_refused", repay_after_the_business_date_is_refused},
        {"cob_signs_with_the_institution_key_file", cob_signs_with_the_institution_key_file},
        {"the_ledger_is_read_by_reviewers_managers_and_auditors",
         the_ledger_is_read_by_reviewers_managers_and_auditors},
        {"export_and_proofs_are_checked_without_a_database",
         export_and_proofs_are_checked_without_a_database},
        {"inspections_through_the_api", inspections_through_the_api},
        {"schedule_preview_needs_no_database", schedule_preview_needs_no_database},
        {"policy_check_reports_problems_as_a_result", policy_check_reports_problems_as_a_result},
    };
    return CHECK_RUN(argc, argv, cases);
}
