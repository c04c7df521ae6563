/*
 * test_rows_format.c - format 2 of the log's row images (ledger/rows.h,
 * docs/ledger.md sections 7, 8 and 11). A book is written as the previous
 * version wrote it (format 1 entries, whose images leave out the borrower's
 * scorecard facts, the applications' attributes, the statement lines and an
 * override's terms), then read by this version: it verifies as it did; the
 * first write records the format 2 image of every such row, with a reason in
 * the audit trail, after which it still verifies and a change of any of
 * those columns is caught, directly or carried forward by a later change
 * made through the application (exit 6 naming the table, the row and the
 * column).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "api_fixture.h"
#include "api_int.h"
#include "check.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"
#include "rows.h"
#include "store_sql.h"

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"

static char dir[256], old_book[512], new_book[600], ca_path[512], key_path[600];
static char aud_token[LD_SESSION_TOKEN_MAX], off_token[LD_SESSION_TOKEN_MAX];

static void ok(ld_status st, const char *what, const ld_error *err)
{
    if (st != LD_OK)
        afx_die(what, err);
}

static void drop(cJSON **doc)
{
    cJSON_Delete(*doc);
    *doc = NULL;
}

static void cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void exec_on(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "setup: %s: %s\n", sql, msg != NULL ? msg : "?");
        exit(99);
    }
    sqlite3_close(db);
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

/* A copy of from at a new path, with sql (may be NULL) applied by a
 * connection of its own, as whoever can write the file would. */
static void copy_of(const char *from, const char *sql, char *path, size_t size)
{
    static int serial;
    snprintf(path, size, "%s/c%d.db", dir, ++serial);
    char copy[800];
    snprintf(copy, sizeof copy, "VACUUM INTO '%s'", path);
    exec_on(from, copy);
    if (sql != NULL)
        exec_on(path, sql);
}

/* The enterprise borrower of the demo, with two more lines in its last
 * statement. */
static cJSON *huaxin_with_lines(void)
{
    cJSON *huaxin = afx_demo_file("borrower-huaxin.json");
    cJSON *fs = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(huaxin, "financials"), 1);
    cJSON_AddStringToObject(fs, "cost_of_sales", "98000000.00");
    cJSON_AddStringToObject(fs, "receivables", "15000000.00");
    return huaxin;
}

/* The book as the previous version wrote it: format 1 entries only. Two
 * borrowers with their scorecard facts and statements, two rated
 * applications, one with attributes, and an override with its terms. */
static void old_book_write(void)
{
    ledger_rows_write_format_for_tests(1);
    char path[300];
    ld_api *api = afx_book_new("rows-format", ADMIN_PASSWORD, dir, sizeof dir, path, sizeof path);
    atexit(cleanup);
    ld_api_default_key_path(path, key_path, sizeof key_path);
    ld_error err;
    cJSON *out = NULL;
    ld_session *admin = afx_login(api, "admin", ADMIN_PASSWORD);
    afx_user_add(admin, "off1", "officer", USER_PASSWORD);
    afx_user_add(admin, "rev1", "reviewer", USER_PASSWORD);
    afx_user_add(admin, "aud", "auditor", USER_PASSWORD);
    /* Each has replaced the first password the admin gave them. */
    afx_passwords_replaced(api);
    ld_session *off1 = afx_login(api, "off1", USER_PASSWORD);
    ld_session *rev1 = afx_login(api, "rev1", USER_PASSWORD);
    ld_session *aud = afx_login(api, "aud", USER_PASSWORD);
    afx_ca_file(aud, dir, ca_path, sizeof ca_path);

    cJSON *zhang = afx_demo_file("borrower-zhang.json");
    cJSON_AddStringToObject(zhang, "housing", "own");
    cJSON_AddNumberToObject(zhang, "years_at_address", 6);
    ok(ld_borrower_add(off1, zhang, &out, &err), "borrower", &err);
    cJSON_Delete(zhang);
    drop(&out);
    cJSON *huaxin = huaxin_with_lines();
    ok(ld_borrower_add(off1, huaxin, &out, &err), "borrower", &err);
    cJSON_Delete(huaxin);
    drop(&out);
    const char *apps[] = {"app-zhang.json", "app-huaxin.json"};
    for (int i = 0; i < 2; i++) {
        cJSON *a = afx_demo_file(apps[i]);
        ok(ld_application_create(off1, a, &out, &err), apps[i], &err);
        cJSON_Delete(a);
        drop(&out);
        afx_documents(off1, i + 1);
        ok(ld_application_submit(off1, i + 1, &out, &err), "submit", &err);
        drop(&out);
        ok(ld_application_rate(rev1, i + 1, &out, &err), "rate", &err);
        drop(&out);
    }
    ok(ld_rating_override(rev1, 2, "BB", "collateral in a narrow market", &out, &err), "override",
       &err);
    drop(&out);
    ok(ld_session_token_issue(aud, aud_token, &err), "token", &err);
    ok(ld_session_token_issue(off1, off_token, &err), "token", &err);
    ld_session *all[] = {admin, off1, rev1, aud};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ld_session_free(all[i]);
    ld_api_close(api);
    snprintf(old_book, sizeof old_book, "%s/format1.db", dir);
    char copy[800];
    snprintf(copy, sizeof copy, "VACUUM INTO '%s'", old_book);
    exec_on(path, copy);
    /* From here on, this version as it is. */
    ledger_rows_write_format_for_tests(2);
}

static ld_status open_copy(const char *path, ld_api **out, ld_error *err)
{
    ld_status st = ld_api_open(path, &afx_clock, out, err);
    if (st == LD_OK && (st = ld_api_set_institution_key(*out, key_path, NULL, err)) != LD_OK) {
        ld_api_close(*out);
        *out = NULL;
    }
    return st;
}

/* Rows the last verification compared on their format 1 columns only. */
static long long format1_rows = -1;

static ld_status verify(const char *path, ld_error *err)
{
    ld_api *a = NULL;
    ld_session *s = NULL;
    cJSON *out = NULL;
    memset(err, 0, sizeof *err);
    ld_status st = open_copy(path, &a, err);
    if (st == LD_OK && (st = ld_session_resume(a, aud_token, &s, err)) == LD_OK)
        st = ld_ledger_verify(s, &(ld_trust_anchor){.ca_file = ca_path}, &out, err);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(out, "rows_format1");
    format1_rows = cJSON_IsNumber(n) ? (long long)n->valuedouble : -1;
    cJSON_Delete(out);
    ld_session_free(s);
    ld_api_close(a);
    return st;
}

/* A change of the officer's through the application: the borrower's phone
 * (contact data, in no image) and, when changes is not NULL, those. */
static ld_status officer_update(const char *path, int64_t borrower, const char *changes,
                                ld_error *err)
{
    ld_api *a = NULL;
    ld_session *s = NULL;
    cJSON *out = NULL;
    cJSON *c = cJSON_Parse(changes != NULL ? changes : "{\"phone\": \"13900139000\"}");
    ld_status st = open_copy(path, &a, err);
    if (st == LD_OK && (st = ld_session_resume(a, off_token, &s, err)) == LD_OK)
        st = ld_borrower_update(s, borrower, c, &out, err);
    cJSON_Delete(c);
    cJSON_Delete(out);
    ld_session_free(s);
    ld_api_close(a);
    return st;
}

static const char FORMAT_2_ENTRIES[] =
    "SELECT count(*) FROM ledger_entry WHERE CAST(body AS TEXT) LIKE '%\"format\":2%'";

/* The book the previous version wrote has no format 2 entry, and this
 * version verifies it as it is, writing nothing. */
static void an_old_book_verifies(void)
{
    CHECK_INT(query(old_book, FORMAT_2_ENTRIES), 0);
    CHECK(query(old_book, "SELECT count(*) FROM borrower WHERE monthly_income > 0") >= 1);
    CHECK(query(old_book, "SELECT count(*) FROM rating_override WHERE rate > 0") == 1);
    char path[600];
    copy_of(old_book, NULL, path, sizeof path);
    ld_error err;
    CHECK_INT(verify(path, &err), LD_OK);
    CHECK_INT(query(path, FORMAT_2_ENTRIES), 0);
    /* It says how many rows it proved on their format 1 columns only. */
    CHECK_INT(format1_rows, query(path, "SELECT (SELECT count(*) FROM borrower) + (SELECT "
                                        "count(*) FROM application) + (SELECT count(*) FROM "
                                        "financial_statement) + (SELECT count(*) FROM "
                                        "rating_override)"));
    /* What format 1 recorded, it proves: a borrower's officer. */
    copy_of(old_book, "UPDATE borrower SET officer_id = 1 WHERE id = 1", path, sizeof path);
    CHECK_INT(verify(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "borrower 1");
    CHECK_CONTAINS(err.message, "officer_id");
}

/* The first write records the format 2 image of every row format 2 widened,
 * says so in the audit trail, and the book verifies; from then on the added
 * columns are proven. */
static void the_first_write_records_format_2(void)
{
    ld_error err;
    CHECK(query(new_book, FORMAT_2_ENTRIES) >= 1);
    CHECK_INT(query(new_book, "SELECT count(*) FROM ledger_rows_format WHERE format = 2"), 1);
    CHECK_INT(query(new_book, "SELECT count(*) FROM audit_event WHERE action = "
                              "'ledger.rows_format' AND outcome = 'ok' AND "
                              "json_extract(detail, '$.rows') > 0"),
              1);
    /* Every borrower, application, statement and override is in its
     * format 2 entries, each once: as it stands, or as the write changed it. */
    CHECK_INT(query(new_book,
                    "SELECT count(*) FROM ledger_entry e, json_each(CAST(e.body AS TEXT), "
                    "'$.rows') r WHERE json_extract(CAST(e.body AS TEXT), '$.format') = 2 AND "
                    "json_extract(r.value, '$[0]') IN ('borrower', 'application', "
                    "'financial_statement', 'rating_override')"),
              query(new_book, "SELECT (SELECT count(*) FROM borrower) + (SELECT count(*) FROM "
                              "application) + (SELECT count(*) FROM financial_statement) + "
                              "(SELECT count(*) FROM rating_override)"));
    CHECK(query(new_book, "SELECT json_extract(detail, '$.rows') FROM audit_event WHERE action = "
                          "'ledger.rows_format'") >= 5);
    CHECK_INT(verify(new_book, &err), LD_OK);
    CHECK_INT(format1_rows, 0);
    /* Once only: the next write records no more of them. */
    long long entries = query(new_book, "SELECT count(*) FROM ledger_entry");
    CHECK_INT(officer_update(new_book, 2, NULL, &err), LD_OK);
    CHECK(query(new_book, "SELECT count(*) FROM ledger_entry") - entries <= 3);
    CHECK_INT(query(new_book, "SELECT count(*) FROM audit_event WHERE action = "
                              "'ledger.rows_format'"),
              1);
    CHECK_INT(verify(new_book, &err), LD_OK);
}

/* Before the first format 2 image, the added columns are proven only as far
 * as format 1 proved them, which is not at all: a change then is recorded by
 * the first write as the row stood (docs/ledger.md, section 7). A change of
 * a column format 1 carried is caught by that write's image before. */
static void before_the_upgrade(void)
{
    char path[600];
    ld_error err;
    copy_of(old_book, "UPDATE borrower SET monthly_income = 99900000 WHERE id = 1", path,
            sizeof path);
    CHECK_INT(officer_update(path, 1, NULL, &err), LD_OK);
    CHECK_INT(verify(path, &err), LD_OK);
    copy_of(old_book, "UPDATE borrower SET officer_id = 1 WHERE id = 2", path, sizeof path);
    CHECK_INT(officer_update(path, 1, NULL, &err), LD_OK);
    CHECK_INT(verify(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "borrower 2 was changed outside the application");
}

static int tamperings;

/* A change made directly in the database, after the upgrade: exit 6 naming
 * the table, the row and the column. */
static void caught(const char *sql, const char *row, const char *column)
{
    char path[600];
    ld_error err;
    copy_of(new_book, sql, path, sizeof path);
    ld_status st = verify(path, &err);
    if (st != LD_EVERIFY || strstr(err.message, row) == NULL || strstr(err.message, column) == NULL)
        fprintf(stderr, "  tampering: %s\n  verify said %d: %s\n", sql, (int)st, err.message);
    CHECK_INT(st, LD_EVERIFY);
    CHECK_CONTAINS(err.message, row);
    CHECK_CONTAINS(err.message, column);
    tamperings++;
    remove(path);
}

static void every_added_column_family_is_proven(void)
{
    /* The borrower's scorecard facts. */
    caught("UPDATE borrower SET monthly_income = monthly_income * 10 WHERE id = 1", "borrower 1",
           "monthly_income");
    caught("UPDATE borrower SET existing_debt = 0 WHERE id = 1", "borrower 1", "existing_debt");
    caught("UPDATE borrower SET years_employed = 30 WHERE id = 1", "borrower 1", "years_employed");
    caught("UPDATE borrower SET housing = 'rent' WHERE id = 1", "borrower 1", "housing");
    caught("UPDATE borrower SET birth_date = '1960-01-01' WHERE id = 1", "borrower 1",
           "birth_date");
    caught("UPDATE borrower SET industry_risk_class = 1 WHERE id = 2", "borrower 2",
           "industry_risk_class");
    caught("UPDATE borrower SET registered_capital = 1 WHERE id = 2", "borrower 2",
           "registered_capital");
    caught("UPDATE borrower SET tax_rating = 'A' WHERE id = 2", "borrower 2", "tax_rating");
    caught("UPDATE borrower SET attributes = '{\"x\": 1}' WHERE id = 2", "borrower 2",
           "attributes");
    /* An application's attributes. */
    caught("UPDATE application SET attributes = '{\"forged\": true}' WHERE id = 1", "application 1",
           "attributes");
    /* The statement lines. */
    caught("UPDATE financial_statement SET cost_of_sales = 1 WHERE borrower_id = 2 AND year = 2025",
           "financial_statement 2/2025", "cost_of_sales");
    caught("UPDATE financial_statement SET income_tax = 5 WHERE borrower_id = 2 AND year = 2024",
           "financial_statement 2/2024", "income_tax");
    caught("UPDATE financial_statement SET related_party_sales = 7 WHERE borrower_id = 2 AND "
           "year = 2024",
           "financial_statement 2/2024", "related_party_sales");
    /* An override's terms. */
    caught("UPDATE rating_override SET rate = rate + 10000", "rating_override 1", "rate");
    caught("UPDATE rating_override SET decision = CASE decision WHEN 'approve' THEN 'reject' "
           "ELSE 'approve' END",
           "rating_override 1", "decision");
    caught("UPDATE rating_override SET recommended_amount = recommended_amount * 2",
           "rating_override 1", "recommended_amount");
    caught("UPDATE rating_override SET result_json = json_set(result_json, '$.forged', 1)",
           "rating_override 1", "result_json");
    caught("UPDATE rating_override SET pd = 1", "rating_override 1", "pd");
    CHECK(tamperings >= 18);
}

/* Changed directly, then carried forward by a later change made through the
 * application: that change's image before is not the one the log recorded. */
static void carried_forward(void)
{
    char path[600];
    ld_error err;
    copy_of(new_book, "UPDATE borrower SET monthly_income = 99900000 WHERE id = 1", path,
            sizeof path);
    CHECK_INT(officer_update(path, 1, "{\"monthly_income\": \"35000.00\"}", &err), LD_OK);
    CHECK_INT(verify(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "borrower 1 was changed outside the application before it");
    copy_of(new_book,
            "UPDATE financial_statement SET receivables = 1 WHERE borrower_id = 2 AND year = 2025",
            path, sizeof path);
    /* The officer enters the statements again, as they were. */
    cJSON *huaxin = huaxin_with_lines(), *changes = cJSON_CreateObject();
    cJSON_AddItemToObject(changes, "financials", cJSON_DetachItemFromObject(huaxin, "financials"));
    char *text = cJSON_PrintUnformatted(changes);
    CHECK_INT(officer_update(path, 2, text, &err), LD_OK);
    free(text);
    cJSON_Delete(changes);
    cJSON_Delete(huaxin);
    CHECK_INT(verify(path, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "financial_statement 2/2025");
    /* Unchanged, the same later change verifies. */
    copy_of(new_book, NULL, path, sizeof path);
    CHECK_INT(officer_update(path, 1, "{\"monthly_income\": \"35000.00\"}", &err), LD_OK);
    CHECK_INT(verify(path, &err), LD_OK);
}

int main(int argc, char **argv)
{
    old_book_write();
    /* The old book after its first write by this version. */
    copy_of(old_book, NULL, new_book, sizeof new_book);
    ld_error err;
    ok(officer_update(new_book, 1, NULL, &err), "the first write", &err);
    static const check_case cases[] = {
        {"an_old_book_verifies", an_old_book_verifies},
        {"the_first_write_records_format_2", the_first_write_records_format_2},
        {"before_the_upgrade", before_the_upgrade},
        {"every_added_column_family_is_proven", every_added_column_family_is_proven},
        {"carried_forward", carried_forward},
    };
    return CHECK_RUN(argc, argv, cases);
}
