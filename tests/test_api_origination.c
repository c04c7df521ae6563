/*
 * test_api_origination.c - the origination operations as a front end calls
 * them: a database made by ld_api_init in a temporary folder, one login per
 * user for the whole program (password hashing is slow), a fixed business
 * date. What a front end cannot do through the API (adding users, a rating)
 * is set up through core on a second connection to the same file.
 *
 * Proves: flag records are typed by the API; the blocklist is changed only by
 * risk staff through its own operation, with a reason, audited and in the
 * ledger, and no record (add, update, import) changes it; whoever overrode the
 * grade does not approve on it; lists page past 1,000 rows with a total and a
 * cursor; an application's file holds each part only for who may read it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "application.h"
#include "api_fixture.h"
#include "check.h"
#include "credit.h"
#include "ident.h"
#include "loandesk/admin.h"
#include "loandesk/messages.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"
#include "store.h"
#include "store_sql.h"
#include "user.h"

#define TODAY    "2026-06-15"
#define PASSWORD "Test-pass-2026"
#define IMPORTED 1005

static char dir[] = "/tmp/loandesk-api-orig.XXXXXX";
static char db_path[300];
static ld_api *api;
static ld_session *admin, *off1, *off2, *rev1, *mgr;
static core_store *raw; /* core on the same file, for what the API does not do here */

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "setup: %s: %s\n", what, err->message);
    exit(99);
}

static core_session core_who(const char *username, core_role role)
{
    ld_error err;
    core_session who = {.role = role, .authority_limit = 100000000000};
    snprintf(who.username, sizeof who.username, "%s", username);
    if (core_user_id(raw, username, &who.user_id, &err) != LD_OK)
        die("user id", &err);
    return who;
}

static void raw_exec(const char *sql)
{
    ld_error err;
    if (core_store_exec(raw, sql, &err) != LD_OK)
        die(sql, &err);
}

static ld_session *user(const char *username, core_role role)
{
    ld_error err;
    core_session boss = core_who("admin", CORE_ROLE_ADMIN);
    core_user_spec spec = {.username = username,
                           .full_name = username,
                           .role = role,
                           .authority_limit = -1,
                           .password = PASSWORD};
    int64_t id;
    if (core_store_begin(raw, &err) != LD_OK ||
        core_user_add(raw, &boss, &spec, &id, &err) != LD_OK ||
        core_store_commit(raw, &err) != LD_OK)
        die("adding a user", &err);
    /* The admin set the password; this test stands for its first change (password
     * age follows the wall clock, not the business date). */
    raw_exec("UPDATE app_user SET password_changed_on = date('now')");
    ld_session *s;
    if (ld_session_login(api, username, PASSWORD, &s, &err) != LD_OK)
        die("login", &err);
    return s;
}

static int64_t id_of(const cJSON *result)
{
    return (int64_t)cJSON_GetObjectItemCaseSensitive(result, "id")->valuedouble;
}

static const char *resident_id(int seq, char out[19])
{
    /* born in 1990, a month per thousand: distinct for seq below 12,000 */
    snprintf(out, 19, "1101051990%02d01%03d", 1 + (seq / 1000) % 12, seq % 1000);
    out[17] = core_resident_id_check_char(out);
    out[18] = '\0';
    return out;
}

static cJSON *person(int seq)
{
    char id[19];
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "kind", "individual");
    cJSON_AddStringToObject(b, "name", "Zhang San");
    cJSON_AddStringToObject(b, "id_number", resident_id(seq, id));
    cJSON_AddStringToObject(b, "phone", "13800138000");
    cJSON_AddStringToObject(b, "address", "Beijing");
    cJSON_AddStringToObject(b, "monthly_income", "20000.00");
    return b;
}

static void setup(void)
{
    if (mkdtemp(dir) == NULL)
        exit(99);
    snprintf(db_path, sizeof db_path, "%s/loandesk.db", dir);
    ld_clock clock = {.business_date = TODAY};
    ld_init_spec spec = {.admin_username = "admin",
                         .admin_full_name = "Admin",
                         .admin_password = PASSWORD,
                         .institution = "test",
                         .policy_path = LOANDESK_SOURCE_DIR "/policy/default.json",
                         .products_path = LOANDESK_SOURCE_DIR "/policy/products.json",
                         .ca_passphrase = "Origination-CA-custodians"};
    ld_error err;
    cJSON *out = NULL;
    if (ld_api_init(db_path, &clock, &spec, &api, &out, &err) != LD_OK)
        die("init", &err);
    cJSON_Delete(out);
    if (core_store_open_existing(db_path, &raw, &err) != LD_OK)
        die("raw open", &err);
    core_clock c = {0};
    ld_date_parse("today", TODAY, &c.business_date, NULL);
    core_store_set_clock(raw, &c);
    if (ld_session_login(api, "admin", PASSWORD, &admin, &err) != LD_OK)
        die("admin login", &err);
    off1 = user("off1", CORE_ROLE_OFFICER);
    off2 = user("off2", CORE_ROLE_OFFICER);
    rev1 = user("rev1", CORE_ROLE_REVIEWER);
    mgr = user("mgr", CORE_ROLE_MANAGER);
}

static void teardown(void)
{
    ld_session_free(admin);
    ld_session_free(off1);
    ld_session_free(off2);
    ld_session_free(rev1);
    ld_session_free(mgr);
    core_store_close(raw);
    ld_api_close(api);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void test_flag_records_are_typed_by_the_api(void)
{
    const char *names[] = {"--term-months", "borrower-id", "--amount", "--owner-is-borrower",
                           "--purpose"};
    const char *values[] = {"24", "7", "100000", "true", "12"};
    cJSON *record = NULL;
    ld_error err;
    CHECK_INT(ld_record_from_flags(5, names, values, &record, &err), LD_OK);
    CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(record, "term_months")));
    CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(record, "borrower_id")));
    /* money stays text, as docs/design.md wants; so does a number in a text field */
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(record, "amount")->valuestring, "100000");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(record, "owner_is_borrower")));
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(record, "purpose")->valuestring, "12");
    cJSON_Delete(record);
    CHECK_INT(ld_record_from_flags(0, names, values, &record, &err), LD_EUSAGE);
}

static int64_t add_borrower(ld_session *who, int seq)
{
    cJSON *b = person(seq), *out = NULL;
    ld_error err;
    if (ld_borrower_add(who, b, &out, &err) != LD_OK)
        die("borrower add", &err);
    cJSON_Delete(b);
    int64_t id = id_of(out);
    cJSON_Delete(out);
    return id;
}

static bool blocklisted(ld_session *who, int64_t id)
{
    cJSON *shown = NULL;
    ld_error err;
    if (ld_borrower_show(who, id, &shown, &err) != LD_OK)
        die("borrower show", &err);
    bool on = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(shown, "blocklisted"));
    cJSON_Delete(shown);
    return on;
}

static long long count(const char *sql)
{
    int64_t n = -1;
    ld_error err;
    if (core_store_query_int(raw, sql, 0, &n, &err) != LD_OK)
        die(sql, &err);
    return (long long)n;
}

static void test_only_risk_staff_blocklist_and_no_record_clears_it(void)
{
    int64_t id = add_borrower(off1, 1);
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_borrower_blocklist(off1, id, true, "suspicious", &out, &err), LD_EPERM);
    CHECK_INT(ld_borrower_blocklist(rev1, id, true, NULL, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "reason");
    CHECK_INT(ld_borrower_blocklist(rev1, id, true, "fraud report", &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "blocklisted")));
    cJSON_Delete(out);
    CHECK(blocklisted(off1, id));
    CHECK_INT(count("SELECT count(*) FROM ledger_entry WHERE CAST(body AS TEXT) LIKE "
                    "'%\"type\":\"borrower.blocklist\"%'"),
              1);
    /* The reported bug: the customer's own officer cleared it with an update. */
    cJSON *changes = cJSON_Parse("{\"blocklisted\": false}");
    CHECK_INT(ld_borrower_update(off1, id, changes, &out, &err), LD_EPERM);
    CHECK_CONTAINS(err.message, "blocklisted");
    cJSON_Delete(changes);
    CHECK(blocklisted(off1, id));
    /* show's output, flag as it is, is still valid update input */
    cJSON *shown = NULL;
    CHECK_INT(ld_borrower_show(off1, id, &shown, &err), LD_OK);
    cJSON_ReplaceItemInObjectCaseSensitive(shown, "phone", cJSON_CreateString("13900139000"));
    CHECK_INT(ld_borrower_update(off1, id, shown, &out, &err), LD_OK);
    cJSON_Delete(out);
    cJSON_Delete(shown);
    CHECK(blocklisted(off1, id));
    /* a new record cannot arrive blocklisted (nor, so, be imported so) */
    cJSON *b = person(2);
    cJSON_AddBoolToObject(b, "blocklisted", true);
    CHECK_INT(ld_borrower_add(off1, b, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "blocklisted");
    cJSON_Delete(b);
    CHECK_INT(ld_borrower_blocklist(mgr, id, true, "again", &out, &err), LD_ESTATE);
    CHECK_INT(ld_borrower_blocklist(mgr, id, false, "report withdrawn", &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK(!blocklisted(off1, id));
    CHECK_INT(count("SELECT count(*) FROM audit_event WHERE action IN ('borrower.blocklist', "
                    "'borrower.unblock') AND outcome = 'ok' AND json_extract(detail, '$.reason') "
                    "IS NOT NULL"),
              2);
}

/* A submitted application of a new borrower of off1, rated by rev1 through core. */
static int64_t rated_application(int seq)
{
    int64_t borrower = add_borrower(off1, seq);
    char text[400];
    snprintf(text, sizeof text,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"100000.00\", "
             "\"term_months\": 24, \"method\": \"annuity\", \"purpose\": \"car\", "
             "\"investigation\": {\"site_visit_date\": \"2026-06-10\", \"operations\": \"a\", "
             "\"assets_liabilities\": \"b\", \"repayment_capacity\": \"c\", \"conclusion\": "
             "\"d\"}}",
             (long long)borrower);
    cJSON *record = cJSON_Parse(text), *out = NULL;
    ld_error err;
    if (ld_application_create(off1, record, &out, &err) != LD_OK)
        die("app create", &err);
    cJSON_Delete(record);
    int64_t app = id_of(out);
    cJSON_Delete(out);
    afx_documents(off1, app);
    if (ld_application_submit(off1, app, &out, &err) != LD_OK)
        die("app submit", &err);
    cJSON_Delete(out);
    core_session reviewer = core_who("rev1", CORE_ROLE_REVIEWER);
    core_rating_summary s = {.score = 700,
                             .pd = 10000,
                             .recommended_amount = 10000000,
                             .recommended_term_months = 24,
                             .rate = 50000};
    snprintf(s.grade, sizeof s.grade, "B");
    snprintf(s.decision, sizeof s.decision, "approve");
    snprintf(s.policy_sha256, sizeof s.policy_sha256, "%064d", 0);
    if (core_store_begin(raw, &err) != LD_OK ||
        core_rating_save(raw, &reviewer, app, &s, "{}", NULL, &err) != LD_OK ||
        core_store_commit(raw, &err) != LD_OK)
        die("rating", &err);
    return app;
}

static void test_who_overrode_the_grade_does_not_approve_on_it(void)
{
    int64_t app = rated_application(3);
    core_session reviewer = core_who("rev1", CORE_ROLE_REVIEWER);
    ld_error err;
    core_rating_summary forced;
    if (core_rating_latest(raw, app, &forced, &err) != LD_OK)
        die("rating", &err);
    snprintf(forced.grade, sizeof forced.grade, "A");
    if (core_store_begin(raw, &err) != LD_OK ||
        core_rating_override(raw, &reviewer, app, "A", "strong collateral", &forced, "{}", &err) !=
            LD_OK ||
        core_store_commit(raw, &err) != LD_OK)
        die("override", &err);
    cJSON *out = NULL;
    CHECK_INT(ld_application_approve(rev1, app, NULL, &out, &err), LD_EPERM);
    CHECK_CONTAINS(err.message, "overrode the grade");
    ld_approval terms = {.term_months = "3x"};
    CHECK_INT(ld_application_approve(mgr, app, &terms, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "term");
    CHECK_INT(ld_application_approve(mgr, app, NULL, &out, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(out, "state")->valuestring, "approved");
    cJSON_Delete(out);
}

static void test_an_applications_file_holds_what_the_session_may_read(void)
{
    int64_t app = rated_application(4);
    ld_error err;
    cJSON *file = NULL;
    CHECK_INT(ld_application_file(mgr, app, &file, &err), LD_OK);
    static const char *const parts[] = {"application",    "borrower", "guarantors", "collateral",
                                        "investigations", "rating",   "decisions",  "audit"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        CHECK(cJSON_GetObjectItemCaseSensitive(file, parts[i]) != NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(file, "decisions")), 2);
    cJSON_Delete(file);
    /* the officer reads the file but not the audit trail */
    CHECK_INT(ld_application_file(off1, app, &file, &err), LD_OK);
    CHECK(cJSON_GetObjectItemCaseSensitive(file, "rating") != NULL);
    CHECK(cJSON_GetObjectItemCaseSensitive(file, "audit") == NULL);
    cJSON_Delete(file);
    CHECK_INT(ld_application_file(off2, app, &file, &err), LD_EPERM);
    CHECK_INT(ld_application_file(mgr, 999999, &file, &err), LD_ENOTFOUND);
}

static long long number(const cJSON *o, const char *key)
{
    return (long long)cJSON_GetObjectItemCaseSensitive(o, key)->valuedouble;
}

static void test_lists_page_past_a_thousand_rows_with_a_total(void)
{
    char path[400];
    snprintf(path, sizeof path, "%s/many.jsonl", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    for (int i = 0; i < IMPORTED; i++) {
        char id[19];
        fprintf(f,
                "{\"borrower\": {\"kind\": \"individual\", \"name\": \"Li %d\", \"id_number\": "
                "\"%s\", \"phone\": \"13800138000\", \"address\": \"Beijing\", "
                "\"monthly_income\": \"20000.00\"}, \"application\": {\"product\": \"PCL\", "
                "\"amount\": \"50000.00\", \"term_months\": 12, \"method\": \"annuity\", "
                "\"purpose\": \"car\"}}\n",
                i, resident_id(5000 + i, id));
    }
    fclose(f);
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_import(off2, path, &out, &err), LD_OK);
    CHECK_INT(number(out, "applications"), IMPORTED);
    cJSON_Delete(out);
    /* the reported bug: the list stopped silently at 1,000 */
    ld_application_filter mine = {.officer = "off2"};
    CHECK_INT(ld_application_list(mgr, &mine, NULL, &out, &err), LD_OK);
    CHECK_INT(number(out, "total"), IMPORTED);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "rows")), 50);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "has_more")));
    cJSON_Delete(out);
    long long seen = 0;
    ld_page page = {.limit = 1000};
    for (int round = 0; round < 5; round++) {
        CHECK_INT(ld_application_list(mgr, &mine, &page, &out, &err), LD_OK);
        seen += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "rows"));
        bool more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "has_more"));
        if (more)
            page.after = number(out, "next_after");
        else
            CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(out, "next_after")));
        cJSON_Delete(out);
        if (!more)
            break;
    }
    CHECK_INT(seen, IMPORTED);
    /* --limit 1 is one row */
    page = (ld_page){.limit = 1};
    CHECK_INT(ld_application_list(off2, NULL, &page, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "rows")), 1);
    cJSON_Delete(out);
    /* borrower search by name, by identity number */
    ld_borrower_filter name = {.name = "Li 100"};
    CHECK_INT(ld_borrower_list(off2, &name, NULL, &out, &err), LD_OK);
    CHECK_INT(number(out, "total"), 6); /* Li 100, Li 1000..1004 */
    cJSON_Delete(out);
    char id[19];
    ld_borrower_filter number_of = {.id_number = resident_id(5007, id)};
    CHECK_INT(ld_borrower_list(mgr, &number_of, NULL, &out, &err), LD_OK);
    CHECK_INT(number(out, "total"), 1);
    cJSON_Delete(out);
    ld_application_filter bad = {.state = "submited"};
    CHECK_INT(ld_application_list(mgr, &bad, NULL, &out, &err), LD_EINVAL);
    ld_loan_filter loans = {.min_dpd = "-1"};
    CHECK_INT(ld_loan_list(mgr, &loans, NULL, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "min_dpd");
    CHECK_INT(ld_loan_list(mgr, NULL, NULL, &out, &err), LD_OK);
    CHECK_INT(number(out, "total"), 0);
    cJSON_Delete(out);
}

static cJSON *list_apps(ld_session *who, const ld_application_filter *f)
{
    cJSON *out = NULL;
    ld_error err;
    if (ld_application_list(who, f, NULL, &out, &err) != LD_OK)
        die("app list", &err);
    return out;
}

static long long total_of(ld_session *who, const ld_application_filter *f)
{
    cJSON *out = list_apps(who, f);
    long long n = number(out, "total");
    cJSON_Delete(out);
    return n;
}

static const char *text_of(const cJSON *o, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(item) ? item->valuestring : "";
}

/* Rates app again through core (as rated_application does). */
static void rate_again(int64_t app)
{
    core_session reviewer = core_who("rev1", CORE_ROLE_REVIEWER);
    core_rating_summary s = {.score = 700,
                             .pd = 10000,
                             .recommended_amount = 10000000,
                             .recommended_term_months = 24,
                             .rate = 50000};
    snprintf(s.grade, sizeof s.grade, "B");
    snprintf(s.decision, sizeof s.decision, "refer");
    snprintf(s.policy_sha256, sizeof s.policy_sha256, "%064d", 0);
    ld_error err;
    if (core_store_begin(raw, &err) != LD_OK ||
        core_rating_save(raw, &reviewer, app, &s, "{}", NULL, &err) != LD_OK ||
        core_store_commit(raw, &err) != LD_OK)
        die("rating", &err);
}

static void test_a_reviewer_returns_a_file_for_more_information_and_refers_one(void)
{
    int64_t app = rated_application(20);
    ld_error err;
    cJSON *out = NULL;
    ld_application_filter returned = {.state = "draft", .returned = "true"};
    ld_application_filter fresh = {.state = "draft", .returned = "false"};
    ld_application_filter referred = {.state = "rated", .referred = "true"};
    ld_application_filter to_decide = {.state = "rated", .referred = "false"};
    long long returned0 = total_of(off1, &returned), fresh0 = total_of(off1, &fresh);
    long long referred0 = total_of(mgr, &referred), to_decide0 = total_of(rev1, &to_decide);
    /* Only those who decide return a file, with a reason. */
    CHECK_INT(ld_application_return(off1, app, "more", &out, &err), LD_EPERM);
    CHECK_INT(ld_application_return(rev1, app, "", &out, &err), LD_EINVAL);
    CHECK_STR(err.message, "reason: a return needs a reason");
    CHECK_INT(ld_application_return(rev1, app, "need the 2025 statements", &out, &err), LD_OK);
    CHECK_STR(text_of(out, "state"), "draft");
    cJSON_Delete(out);
    CHECK_INT(total_of(off1, &returned), returned0 + 1);
    CHECK_INT(total_of(off1, &fresh), fresh0);
    CHECK_INT(total_of(rev1, &to_decide), to_decide0 - 1);
    ld_application_filter mine = {.state = "draft", .returned = "true", .borrower_id = 0};
    out = list_apps(off1, &mine);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(out, "rows");
    const cJSON *last = cJSON_GetArrayItem(rows, cJSON_GetArraySize(rows) - 1);
    CHECK_INT(number(last, "id"), app);
    CHECK_STR(text_of(last, "step"), "return");
    cJSON_Delete(out);
    /* A returned file cannot be returned again, and is edited and submitted anew. */
    CHECK_INT(ld_application_return(rev1, app, "again", &out, &err), LD_ESTATE);
    CHECK_CONTAINS(err.message, "it is draft");
    cJSON *changes = cJSON_Parse("{\"amount\": \"90000.00\"}");
    CHECK_INT(ld_application_update(off1, app, changes, &out, &err), LD_OK);
    cJSON_Delete(out);
    cJSON_Delete(changes);
    CHECK_INT(ld_application_submit(off1, app, &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK_INT(total_of(off1, &returned), returned0);
    rate_again(app);
    /* Referral: reviewers only, with a reason; the manager's count moves. */
    CHECK_INT(ld_application_refer(mgr, app, "mine", &out, &err), LD_EPERM);
    CHECK_INT(ld_application_refer(rev1, app, NULL, &out, &err), LD_EINVAL);
    CHECK_INT(ld_application_refer(rev1, app, "the rating refers it", &out, &err), LD_OK);
    CHECK_STR(text_of(out, "state"), "rated");
    cJSON_Delete(out);
    CHECK_INT(total_of(mgr, &referred), referred0 + 1);
    CHECK_INT(total_of(rev1, &to_decide), to_decide0 - 1);
    ld_application_filter bad = {.returned = "yes"};
    CHECK_INT(ld_application_list(off1, &bad, NULL, &out, &err), LD_EINVAL);
    CHECK_STR(err.message, "returned: must be true or false");
    /* Each step is audited with its reason, in the log, and its row covered. */
    CHECK_INT(count("SELECT count(*) FROM audit_event WHERE action IN ('app.return', 'app.refer') "
                    "AND outcome = 'ok' AND json_extract(detail, '$.reason') IS NOT NULL"),
              2);
    CHECK_INT(count("SELECT count(*) FROM ledger_entry WHERE CAST(body AS TEXT) LIKE "
                    "'%\"type\":\"application.return\"%' OR CAST(body AS TEXT) LIKE "
                    "'%\"type\":\"application.refer\"%'"),
              2);
    CHECK_INT(count("SELECT count(*) FROM application_step"), 2);
    /* The manager decides; the referral leaves the count. */
    CHECK_INT(
        ld_application_approve(mgr, app, &(ld_approval){.reason = "referred, secured"}, &out, &err),
        LD_OK);
    cJSON_Delete(out);
    CHECK_INT(total_of(mgr, &referred), referred0);
}

static void test_authority_left_is_the_limit_less_what_approval_takes(void)
{
    int64_t app = rated_application(21);
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_application_authority(rev1, app, &out, &err), LD_OK);
    CHECK_STR(text_of(out, "limit"), "1000000.00");
    CHECK_STR(text_of(out, "amount"), "100000.00");
    CHECK_STR(text_of(out, "left"), "900000.00");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "within")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(out, "own_file")));
    cJSON_Delete(out);
    /* More asked than the rating recommends: approval takes the recommendation. */
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE application SET amount = 150000000 WHERE id = %lld",
             (long long)app);
    raw_exec(sql);
    CHECK_INT(ld_application_authority(rev1, app, &out, &err), LD_OK);
    CHECK_STR(text_of(out, "amount"), "100000.00"); /* the recommendation, lower than asked */
    cJSON_Delete(out);
    CHECK_INT(ld_application_file(mgr, app, &out, &err), LD_OK);
    const cJSON *au = cJSON_GetObjectItemCaseSensitive(out, "authority");
    CHECK_STR(text_of(au, "limit"), "10000000.00");
    CHECK_STR(text_of(au, "left"), "9900000.00");
    cJSON_Delete(out);
    CHECK_INT(ld_application_authority(off2, app, &out, &err), LD_EPERM);
}

static void test_a_borrower_shows_the_guarantees_it_gives(void)
{
    char id[19];
    int64_t guarantor = add_borrower(off1, 22);
    int64_t other = add_borrower(off1, 23);
    char text[700];
    snprintf(text, sizeof text,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"100000.00\", "
             "\"term_months\": 24, \"method\": \"annuity\", \"purpose\": \"car\", "
             "\"guarantors\": [{\"kind\": \"person\", \"name\": \"Zhang San\", \"id_number\": "
             "\"%s\", \"guarantee_type\": \"joint\", \"guaranteed_amount\": \"60000.00\", "
             "\"net_assets\": \"500000.00\", \"outstanding_guarantees\": \"0.00\"}]}",
             (long long)other, resident_id(22, id));
    cJSON *record = cJSON_Parse(text), *out = NULL;
    ld_error err;
    CHECK_INT(ld_application_create(off1, record, &out, &err), LD_OK);
    cJSON_Delete(record);
    int64_t app = id_of(out);
    cJSON_Delete(out);
    CHECK_INT(ld_borrower_show(off1, guarantor, &out, &err), LD_OK);
    const cJSON *given = cJSON_GetObjectItemCaseSensitive(out, "guarantees");
    CHECK_INT(cJSON_GetArraySize(given), 1);
    CHECK_INT(number(cJSON_GetArrayItem(given, 0), "application_id"), app);
    CHECK_STR(text_of(cJSON_GetArrayItem(given, 0), "guaranteed_amount"), "60000.00");
    CHECK_STR(text_of(out, "guarantees_given_total"), "60000.00");
    cJSON_Delete(out);
    /* a withdrawn application's guarantee no longer counts */
    CHECK_INT(ld_application_withdraw(off1, app, "customer changed plans", &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK_INT(ld_borrower_show(off1, guarantor, &out, &err), LD_OK);
    CHECK_STR(text_of(out, "guarantees_given_total"), "0.00");
    cJSON_Delete(out);
    CHECK_INT(ld_borrower_show(off1, other, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "guarantees")), 0);
    cJSON_Delete(out);
}

static void test_loans_filter_by_borrower_and_products_and_schedules_come_from_policy(void)
{
    int64_t app = rated_application(24);
    ld_error err;
    cJSON *out = NULL;
    /* before approval: the rating's rate */
    CHECK_INT(ld_application_schedule(off1, app, "2026-06-15", &out, &err), LD_OK);
    CHECK_STR(text_of(out, "rate_source"), "rating");
    CHECK_STR(text_of(out, "grade"), "B");
    CHECK_STR(text_of(out, "rate"), "5.0000");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "installments")), 24);
    cJSON_Delete(out);
    CHECK_INT(ld_application_schedule(off1, app, "2026-02-30", &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "start");
    CHECK_INT(ld_application_schedule(off2, app, NULL, &out, &err), LD_EPERM);
    CHECK_INT(ld_application_approve(mgr, app, NULL, &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK_INT(ld_application_schedule(off1, app, NULL, &out, &err), LD_OK);
    CHECK_STR(text_of(out, "rate_source"), "approved");
    cJSON_Delete(out);
    CHECK_INT(ld_loan_disburse(mgr, app, TODAY, NULL, &out, &err), LD_OK);
    int64_t borrower = number(out, "borrower_id");
    cJSON_Delete(out);
    ld_loan_filter mine = {.borrower_id = borrower};
    CHECK_INT(ld_loan_list(mgr, &mine, NULL, &out, &err), LD_OK);
    CHECK_INT(number(out, "total"), 1);
    cJSON_Delete(out);
    ld_loan_filter nobody = {.borrower_id = borrower + 100000};
    CHECK_INT(ld_loan_list(mgr, &nobody, NULL, &out, &err), LD_OK);
    CHECK_INT(number(out, "total"), 0);
    cJSON_Delete(out);
    CHECK_INT(ld_loan_list(off2, &mine, NULL, &out, &err), LD_OK); /* not off2's customer */
    CHECK_INT(number(out, "total"), 0);
    cJSON_Delete(out);
    ld_loan_filter bad = {.borrower_id = -1};
    CHECK_INT(ld_loan_list(mgr, &bad, NULL, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower_id");
    /* the catalogue as the policy has it */
    CHECK_INT(ld_product_list(off1, &out, &err), LD_OK);
    CHECK(cJSON_GetArraySize(out) >= 2);
    bool pcl = false;
    const cJSON *p;
    cJSON_ArrayForEach(p, out)
    {
        if (strcmp(text_of(p, "code"), "PCL") == 0) {
            pcl = true;
            CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p, "methods")) > 0);
            CHECK(text_of(p, "max_amount")[0] != '\0');
        }
    }
    CHECK(pcl);
    cJSON_Delete(out);
}

static void test_a_draft_is_priced_at_its_indicative_grade_or_refused(void)
{
    int64_t borrower = add_borrower(off1, 25);
    char text[300];
    snprintf(text, sizeof text,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"100000.00\", "
             "\"term_months\": 12, \"method\": \"annuity\", \"purpose\": \"car\"}",
             (long long)borrower);
    cJSON *record = cJSON_Parse(text), *out = NULL;
    ld_error err;
    CHECK_INT(ld_application_create(off1, record, &out, &err), LD_OK);
    cJSON_Delete(record);
    int64_t app = id_of(out);
    cJSON_Delete(out);
    long long ratings = count("SELECT count(*) FROM rating");
    /* A thin file (no statements, no credit report) scores a grade that does
     * not lend: no rate, so no schedule, and the refusal says why. */
    CHECK_INT(ld_application_schedule(off1, app, NULL, &out, &err), LD_ESTATE);
    CHECK_CONTAINS(err.message, "the indicative grade CC of application");
    CHECK_CONTAINS(err.message, "does not lend");
    /* The file completed: a grade that lends, and the schedule at its rate. */
    cJSON *facts = cJSON_Parse("{\"employer\": \"Acme\", \"years_employed\": 8, "
                               "\"employment_type\": \"civil_servant\", \"housing\": \"own\", "
                               "\"education\": \"postgraduate\", \"years_at_address\": 10, "
                               "\"existing_debt\": \"0.00\", \"existing_monthly_repayment\": "
                               "\"0.00\"}");
    CHECK_INT(ld_borrower_update(off1, borrower, facts, &out, &err), LD_OK);
    cJSON_Delete(out);
    cJSON_Delete(facts);
    cJSON *report =
        cJSON_Parse("{\"report_date\": \"2026-06-01\", \"source\": \"PBOC\", "
                    "\"inquiries_6m\": 0, \"card_utilisation\": \"10\", \"open_loans\": 0, "
                    "\"worst_dpd_24m\": 0, \"outstanding_balance\": \"0.00\"}");
    CHECK_INT(ld_credit_report_add(off1, borrower, report, &out, &err), LD_OK);
    cJSON_Delete(out);
    cJSON_Delete(report);
    CHECK_INT(ld_application_schedule(off1, app, NULL, &out, &err), LD_OK);
    if (out != NULL) {
        CHECK_STR(text_of(out, "rate_source"), "indicative");
        CHECK_STR(text_of(out, "grade"), "A");
        CHECK_STR(text_of(out, "rate"), "3.7000"); /* the policy's rate for A at 12 months */
        CHECK_STR(text_of(out, "start"), TODAY);
        CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "installments")), 12);
        cJSON_Delete(out);
    }
    CHECK_INT(count("SELECT count(*) FROM rating"), ratings);                  /* nothing stored */
    CHECK_INT(ld_application_schedule(rev1, app, NULL, &out, &err), LD_EPERM); /* a draft */
}

static void test_messages_read_in_chinese_with_their_values(void)
{
    char zh[512];
    CHECK_STR(ld_message_zh(LD_EINVAL, "amount: must be positive", zh, sizeof zh),
              "金额：须大于零");
    CHECK_STR(ld_message_zh(LD_ESTATE, "cannot approve application 7: it is draft", zh, sizeof zh),
              "无法对申请 7 执行“批准”：当前状态为“草稿”");
    CHECK_STR(ld_message_zh(LD_EPERM,
                            "permission denied: 1,500,000.00 exceeds your authority limit of "
                            "1,000,000.00; a higher approver must decide",
                            zh, sizeof zh),
              "无权操作：1,500,000.00 超出您的审批权限 1,000,000.00，须由更高权限的审批人决定");
    CHECK_STR(ld_message_zh(LD_EINVAL,
                            "rate: 10.5000 % is above the policy's rate ceiling of 10.0000 % (at "
                            "most 4 x the 1-year LPR)",
                            zh, sizeof zh),
              "利率：10.5000% 高于政策利率上限 10.0000%（上限不超过一年期 LPR 的 4 倍）");
    CHECK_STR(
        ld_message_zh(LD_EINVAL, "amount: product PCL lends 10000.00 to 500000.00", zh, sizeof zh),
        "金额：产品 PCL 的金额须在 10000.00 至 500000.00 之间");
    CHECK_STR(
        ld_message_zh(LD_EINVAL, "guarantors[1].net_assets: must not be negative", zh, sizeof zh),
        "guarantors[1].净资产：不得为负数");
    CHECK_STR(ld_message_zh(LD_EPERM,
                            "permission denied: the rating referred it; only a manager may "
                            "approve it",
                            zh, sizeof zh),
              "无权操作：评级建议提交上级，只有审批经理可以批准");
    /* unknown wording: the code's meaning and the English kept */
    CHECK_STR(ld_message_zh(LD_EINVAL, "widget: frobbed", zh, sizeof zh),
              "widget：输入无效（frobbed）");
    CHECK_STR(ld_message_zh(LD_ENOTFOUND, "borrower 12 does not exist", zh, sizeof zh),
              "借款人 12 不存在");
    CHECK_STR(ld_message_zh(LD_ESTATE,
                            "rate: the indicative grade CC of application 5 does not lend, so the "
                            "policy gives no rate; complete its facts or rate it",
                            zh, sizeof zh),
              "利率：申请 5 的预估等级 CC 不予放贷，政策未给出利率；请补全资料或进行评级");
    /* a short buffer ends on a whole character */
    char small[8];
    ld_message_zh(LD_EINVAL, "amount: must be positive", small, sizeof small);
    CHECK_STR(small, "金额");
}

/* One text for the whole program: each call reuses its memory. */
static ld_text shown_text;

/* The application as text is the bytes its record prints to, and a refusal
 * is the same refusal (and audited alike). */
static void same_as_record(ld_session *who, int64_t app, ld_status expected)
{
    cJSON *record = NULL;
    ld_error tree_err, text_err;
    long long denials = count("SELECT count(*) FROM audit_event WHERE outcome <> 'ok'");
    ld_status tree = ld_application_show(who, app, &record, &tree_err);
    long long after_tree = count("SELECT count(*) FROM audit_event WHERE outcome <> 'ok'");
    ld_status text = ld_application_show_text(who, app, &shown_text, &text_err);
    long long after_text = count("SELECT count(*) FROM audit_event WHERE outcome <> 'ok'");
    CHECK_INT(tree, expected);
    CHECK_INT(text, expected);
    CHECK_INT(after_text - after_tree, after_tree - denials);
    if (expected != LD_OK) {
        CHECK_STR(text_err.message, tree_err.message);
        return;
    }
    char *printed = cJSON_PrintUnformatted(record);
    CHECK_STR(shown_text.data, printed);
    CHECK_INT((long long)shown_text.len, (long long)strlen(printed));
    free(printed);
    cJSON_Delete(record);
}

static int64_t create_application(ld_session *who, const char *text)
{
    cJSON *record = cJSON_Parse(text), *out = NULL;
    ld_error err;
    if (record == NULL || ld_application_create(who, record, &out, &err) != LD_OK)
        die("app create", &err);
    cJSON_Delete(record);
    int64_t app = id_of(out);
    cJSON_Delete(out);
    return app;
}

static void test_an_application_as_text_is_the_bytes_of_its_record(void)
{
    int64_t borrower = add_borrower(off1, 40);
    add_borrower(off1, 41); /* the second guarantor is a borrower of the book too */
    char id[19], linked[19], text[3000];
    ld_error err;
    /* Guarantors with and without a borrower of the book, collateral with and
     * without a registration, an investigation, Chinese text throughout. */
    snprintf(
        text, sizeof text,
        "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"300000.00\", "
        "\"term_months\": 36, \"method\": \"equal_principal\", \"purpose\": \"住房装修\", "
        "\"guarantors\": [{\"kind\": \"person\", \"name\": \"李娜\", \"id_number\": \"%s\", "
        "\"guarantee_type\": \"joint\", \"guaranteed_amount\": \"300000.00\", "
        "\"net_assets\": \"1200000.00\", \"outstanding_guarantees\": \"0.00\"}, "
        "{\"kind\": \"person\", \"name\": \"王\\\"强\\\\\", \"id_number\": \"%s\", "
        "\"guarantee_type\": \"general\", "
        "\"guaranteed_amount\": \"90000.00\", \"net_assets\": \"80000.00\", "
        "\"outstanding_guarantees\": \"5000.00\"}], "
        "\"collateral\": [{\"type\": \"real_estate\", \"arrangement\": \"mortgage\", "
        "\"owner_name\": \"张伟\", \"owner_is_borrower\": true, \"certificate_no\": "
        "\"京(2019)朝阳区不动产权第0081234号\", \"appraised_value\": \"2600000.00\", "
        "\"appraisal_date\": \"2026-04-15\", \"appraiser\": \"北京中衡房地产评估有限公司\", "
        "\"lien_rank\": 1, \"registration_no\": \"京朝抵字2026第10234号\"}, "
        "{\"type\": \"vehicle\", \"arrangement\": \"mortgage\", \"owner_name\": \"Zhang San\", "
        "\"owner_is_borrower\": false, \"certificate_no\": \"V-1\", \"appraised_value\": "
        "\"120000.00\", \"appraisal_date\": \"2026-05-01\", \"appraiser\": \"A & B\", "
        "\"lien_rank\": 2, \"prior_claims\": \"10000.00\"}], "
        "\"investigation\": {\"site_visit_date\": \"2026-05-06\", \"operations\": "
        "\"任职华信科技八年，岗位稳定。\", \"assets_liabilities\": \"自有住房一套。\", "
        "\"repayment_capacity\": \"月收入3.2万元。\", \"conclusion\": \"建议按申请额度放款。\"}}",
        (long long)borrower, resident_id(42, id), resident_id(41, linked));
    int64_t full = create_application(off1, text);
    same_as_record(off1, full, LD_OK);
    same_as_record(mgr, full, LD_OK);
    /* Every byte cJSON escapes, bytes it passes as they are, and a document
     * of attributes, written where no input check stands between. */
    char sql[600];
    snprintf(sql, sizeof sql,
             "UPDATE application SET purpose = 'q\"b\\s/' || char(8) || char(12) || char(10) || "
             "char(13) || char(9) || char(1) || char(31) || char(127) || '改😀', attributes = "
             "'{\"n\": 1.5, \"big\": 1e300, \"i\": -42, \"list\": [1, \"二\", null, true, false], "
             "\"o\": {\"k\": \"a\\u0001\"}}' WHERE id = %lld",
             (long long)full);
    raw_exec(sql);
    /* Integers from 10^15 up print in cJSON's own form. */
    snprintf(sql, sizeof sql,
             "UPDATE collateral SET lien_rank = CASE WHEN type = 'vehicle' THEN 12345678901234567 "
             "ELSE 1000000000000000 END WHERE application_id = %lld",
             (long long)full);
    raw_exec(sql);
    same_as_record(off1, full, LD_OK);
    /* A bare draft after it: the reused text holds only the new record. */
    snprintf(text, sizeof text,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"20000.00\", "
             "\"term_months\": 6, \"method\": \"annuity\", \"purpose\": \"x\"}",
             (long long)borrower);
    int64_t bare = create_application(off1, text);
    same_as_record(off1, bare, LD_OK);
    /* Under an idempotency key the answer is kept as the tree is, and a
     * second call under the key replays those bytes. */
    static const char digest[] = "00000000000000000000000000000000"
                                 "00000000000000000000000000000001";
    cJSON *replay = NULL;
    CHECK_INT(ld_session_idempotency(off1, "show-text-1", digest, &replay, &err), LD_OK);
    CHECK(replay == NULL);
    CHECK_INT(ld_application_show_text(off1, bare, &shown_text, &err), LD_OK);
    char *kept = strdup(shown_text.data);
    CHECK_INT(ld_session_idempotency(off1, "show-text-1", digest, &replay, &err), LD_OK);
    char *replayed = replay != NULL ? cJSON_PrintUnformatted(replay) : NULL;
    CHECK(replayed != NULL && strcmp(replayed, kept) == 0);
    ld_session_idempotency_clear(off1);
    free(replayed);
    free(kept);
    cJSON_Delete(replay);
    same_as_record(off1, bare, LD_OK);
    /* Rated, its grade overridden, approved: the decision's fields. */
    int64_t rated = rated_application(43);
    same_as_record(rev1, rated, LD_OK);
    core_session reviewer = core_who("rev1", CORE_ROLE_REVIEWER);
    core_rating_summary forced;
    if (core_rating_latest(raw, rated, &forced, &err) != LD_OK)
        die("rating", &err);
    snprintf(forced.grade, sizeof forced.grade, "A");
    if (core_store_begin(raw, &err) != LD_OK ||
        core_rating_override(raw, &reviewer, rated, "A", "strong collateral", &forced, "{}",
                             &err) != LD_OK ||
        core_store_commit(raw, &err) != LD_OK)
        die("override", &err);
    cJSON *out = NULL;
    CHECK_INT(ld_application_approve(mgr, rated, NULL, &out, &err), LD_OK);
    cJSON_Delete(out);
    same_as_record(mgr, rated, LD_OK);
    int64_t refused = rated_application(44);
    CHECK_INT(ld_application_reject(mgr, refused, "收入不足 \"see\" C:\\file", &out, &err), LD_OK);
    cJSON_Delete(out);
    same_as_record(off1, refused, LD_OK);
}

static void test_an_application_as_text_is_refused_as_its_record_is(void)
{
    int64_t borrower = add_borrower(off1, 45);
    char text[300];
    snprintf(text, sizeof text,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"20000.00\", "
             "\"term_months\": 6, \"method\": \"annuity\", \"purpose\": \"x\"}",
             (long long)borrower);
    int64_t draft = create_application(off1, text);
    same_as_record(rev1, draft, LD_EPERM); /* a reviewer does not see drafts */
    same_as_record(off2, draft, LD_EPERM); /* another officer's customer */
    same_as_record(off1, 99999999, LD_ENOTFOUND);
    same_as_record(off1, draft, LD_OK);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"flag_records_are_typed_by_the_api", test_flag_records_are_typed_by_the_api},
        {"only_risk_staff_blocklist_and_no_record_clears_it",
         test_only_risk_staff_blocklist_and_no_record_clears_it},
        {"who_overrode_the_grade_does_not_approve_on_it",
         test_who_overrode_the_grade_does_not_approve_on_it},
        {"an_applications_file_holds_what_the_session_may_read",
         test_an_applications_file_holds_what_the_session_may_read},
        {"lists_page_past_a_thousand_rows_with_a_total",
         test_lists_page_past_a_thousand_rows_with_a_total},
        {"a_reviewer_returns_a_file_for_more_information_and_refers_one",
         test_a_reviewer_returns_a_file_for_more_information_and_refers_one},
        {"authority_left_is_the_limit_less_what_approval_takes",
         test_authority_left_is_the_limit_less_what_approval_takes},
        {"a_borrower_shows_the_guarantees_it_gives", test_a_borrower_shows_the_guarantees_it_gives},
        {"loans_filter_by_borrower_and_products_and_schedules_come_from_policy",
         test_loans_filter_by_borrower_and_products_and_schedules_come_from_policy},
        {"a_draft_is_priced_at_its_indicative_grade_or_refused",
         test_a_draft_is_priced_at_its_indicative_grade_or_refused},
        {"messages_read_in_chinese_with_their_values",
         test_messages_read_in_chinese_with_their_values},
        {"an_application_as_text_is_the_bytes_of_its_record",
         test_an_application_as_text_is_the_bytes_of_its_record},
        {"an_application_as_text_is_refused_as_its_record_is",
         test_an_application_as_text_is_refused_as_its_record_is},
    };
    setup();
    int rc = CHECK_RUN(argc, argv, cases);
    ld_text_free(&shown_text);
    teardown();
    return rc;
}
