/*
 * test_api_admin.c - accounts, keys, policy, workbooks and verification
 * through the operations API (loandesk/admin.h, loandesk/reports.h), on one
 * database made by ld_api_init in a temporary folder with a fixed business
 * date and wall clock. Each user logs in once (PBKDF2 is slow) and the
 * sessions are reused; the audit trail and the documents in force are read
 * with SQLite beside the API.
 */
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "loandesk/admin.h"
#include "loandesk/api.h"
#include "loandesk/reports.h"

#define ADMIN_PASSWORD "Admin-pass-2026"
#define FIRST_PASSWORD "First-pass-2026"
#define OWN_PASSWORD   "Own-pass-2026x"
#define CA_PASSPHRASE  "Admin-test-CA-custodians"

static char dir[256];
static char db_path[300];
static ld_api *api;
static ld_session *admin, *officer, *reviewer, *auditor;

static int64_t fixed_wall(void *context)
{
    (void)context;
    return 1781481600; /* 2026-06-15T00:00:00Z */
}

static const ld_clock test_clock = {.business_date = "2026-06-15", .wall_now = fixed_wall};

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* One integer from the database, read beside the API. */
static long long db_count(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    long long value = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

static long long refusals(void)
{
    return db_count("SELECT count(*) FROM audit_event WHERE outcome = 'denied'");
}

static ld_session *login(const char *username, const char *password)
{
    ld_error err;
    ld_session *s = NULL;
    if (ld_session_login(api, username, password, &s, &err) != LD_OK) {
        fprintf(stderr, "login %s: %s\n", username, err.message);
        exit(99);
    }
    return s;
}

/* Adds a user with the first password and logs them in; the session must
 * change it before anything else. */
static ld_session *add_user(const char *username, const char *role, bool *certified)
{
    ld_error err;
    cJSON *o = NULL;
    ld_user_spec spec = {
        .username = username, .full_name = username, .role = role, .password = FIRST_PASSWORD};
    CHECK_INT(ld_user_add(admin, &spec, CA_PASSPHRASE, &o, &err), LD_OK);
    if (certified != NULL)
        *certified = cJSON_IsTrue(cJSON_GetObjectItem(o, "signing_certificate"));
    cJSON_Delete(o);
    return login(username, FIRST_PASSWORD);
}

static bool must_change(ld_session *s)
{
    ld_error err;
    cJSON *o = NULL;
    if (ld_session_whoami(s, &o, &err) != LD_OK)
        return false;
    bool change = cJSON_IsTrue(cJSON_GetObjectItem(o, "must_change_password"));
    cJSON_Delete(o);
    return change;
}

static void change_own(ld_session *s)
{
    ld_error err;
    cJSON *o = NULL;
    CHECK_INT(ld_user_passwd(s, NULL, OWN_PASSWORD, NULL, &o, &err), LD_OK);
    CHECK(!cJSON_IsTrue(cJSON_GetObjectItem(o, "must_change")));
    cJSON_Delete(o);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/loandesk-api-admin.XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(99);
    }
    path_in(db_path, sizeof db_path, "books.db");
    ld_init_spec init = {.admin_username = "admin",
                         .admin_full_name = "Administrator",
                         .admin_password = ADMIN_PASSWORD,
                         .institution = "Test Bank",
                         .policy_path = LOANDESK_SOURCE_DIR "/policy/default.json",
                         .products_path = LOANDESK_SOURCE_DIR "/policy/products.json",
                         .ca_passphrase = CA_PASSPHRASE};
    ld_error err;
    cJSON *o = NULL;
    if (ld_api_init(db_path, &test_clock, &init, &api, &o, &err) != LD_OK) {
        fprintf(stderr, "init: %s\n", err.message);
        exit(99);
    }
    cJSON_Delete(o);
    admin = login("admin", ADMIN_PASSWORD);
    bool certified = false;
    officer = add_user("olga", "officer", &certified);
    CHECK(certified);
    reviewer = add_user("rita", "reviewer", &certified);
    CHECK(certified);
    auditor = add_user("aldo", "auditor", &certified);
    CHECK(!certified); /* auditors sign nothing */
    change_own(officer);
    change_own(reviewer);
    change_own(auditor);
}

/* ---- Rule: a policy `policy check` refuses is never put in force ---------- */

typedef void (*policy_defect)(cJSON *policy);

static void pdo_zero(cJSON *p)
{
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(p, "scaling"), "pdo", cJSON_CreateNumber(0));
}

static void grades_overlap(cJSON *p)
{
    cJSON *second = cJSON_GetArrayItem(cJSON_GetObjectItem(p, "grades"), 1);
    cJSON_ReplaceItemInObject(second, "min_score", cJSON_CreateNumber(800));
}

static void money_as_number(cJSON *p)
{
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(p, "grades"), 0);
    cJSON_ReplaceItemInObject(first, "max_amount", cJSON_CreateNumber(50000000));
}

static void no_factors(cJSON *p)
{
    cJSON *card = cJSON_GetObjectItem(cJSON_GetObjectItem(p, "scorecards"), "individual");
    cJSON_ReplaceItemInObject(card, "factors", cJSON_CreateArray());
}

/* Writes policy/default.json with one defect to dir/name. */
static void write_policy(const char *name, policy_defect defect, char *path, size_t size)
{
    FILE *in = fopen(LOANDESK_SOURCE_DIR "/policy/default.json", "rb");
    static char text[1 << 16];
    size_t n = in ? fread(text, 1, sizeof text - 1, in) : 0;
    if (in)
        fclose(in);
    text[n] = '\0';
    cJSON *policy = cJSON_Parse(text);
    CHECK(policy != NULL);
    defect(policy);
    char *out = cJSON_Print(policy);
    path_in(path, size, name);
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fputs(out, f);
        fclose(f);
    }
    free(out);
    cJSON_Delete(policy);
}

static void test_policy_load_refuses_what_policy_check_refuses(void)
{
    static const struct {
        const char *name;
        policy_defect defect;
        const char *problem;
    } cases[] = {
        {"pdo-zero.json", pdo_zero, "$.scaling.pdo"},
        {"grades-overlap.json", grades_overlap, "$.grades[1]"},
        {"money-number.json", money_as_number, "$.grades[0].max_amount"},
        {"no-factors.json", no_factors, "$.scorecards.individual.factors"},
    };
    const char *in_force = "SELECT count(*) FROM config_document WHERE name = 'policy'";
    long long versions = db_count(in_force);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        write_policy(cases[i].name, cases[i].defect, path, sizeof path);
        ld_error err;
        cJSON *o = NULL;
        CHECK_INT(ld_policy_load(admin, path, NULL, &o, &err), LD_EINVAL);
        CHECK_CONTAINS(err.message, cases[i].problem);
        CHECK_INT(db_count(in_force), versions);
    }
    ld_error err;
    cJSON *o = NULL;
    CHECK_INT(ld_policy_load(admin, LOANDESK_SOURCE_DIR "/policy/default.json", NULL, &o, &err),
              LD_OK);
    CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(o, "policy_sha256")) != NULL);
    cJSON_Delete(o);
    CHECK_INT(db_count(in_force), versions + 1);
    /* Not the admin's: refused and audited before any file is read. */
    long long before = refusals();
    CHECK_INT(ld_policy_load(reviewer, LOANDESK_SOURCE_DIR "/policy/default.json", NULL, &o, &err),
              LD_EPERM);
    CHECK_INT(refusals(), before + 1);
}

/* ---- Rule: passwords an admin sets must be changed at first use ---------- */

static void test_admin_set_password_must_change_first(void)
{
    ld_session *newcomer = add_user("nina", "officer", NULL);
    ld_error err;
    cJSON *o = NULL;
    CHECK(must_change(newcomer));
    long long before = refusals();
    CHECK_INT(ld_pki_ca_cert(newcomer, &o, &err), LD_EPERM);
    CHECK_CONTAINS(err.message, "change it first");
    CHECK_INT(refusals(), before + 1);
    change_own(newcomer);
    CHECK(!must_change(newcomer));
    /* whoami names the business date front ends default their date fields
     * to: the API's clock (2026-06-15), not the machine's. */
    CHECK_INT(ld_session_whoami(newcomer, &o, &err), LD_OK);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "business_date")), "2026-06-15");
    cJSON_Delete(o);
    CHECK_INT(ld_pki_ca_cert(newcomer, &o, &err), LD_OK);
    CHECK_CONTAINS(cJSON_GetStringValue(cJSON_GetObjectItem(o, "pem")), "BEGIN CERTIFICATE");
    cJSON_Delete(o);

    /* An admin's reset: a temporary password, and the user's sessions end. */
    char token[LD_SESSION_TOKEN_MAX];
    CHECK_INT(ld_session_token_issue(newcomer, token, &err), LD_OK);
    CHECK_INT(ld_user_passwd(admin, "nina", "Reset-pass-2026", CA_PASSPHRASE, &o, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "must_change")));
    cJSON_Delete(o);
    ld_session *resumed = NULL;
    CHECK_INT(ld_session_resume(api, token, &resumed, &err), LD_EPERM);
    ld_session *again = login("nina", "Reset-pass-2026");
    CHECK(must_change(again));
    CHECK_INT(ld_user_list(again, &o, &err), LD_EPERM);
    change_own(again);
    ld_session_free(again);
    ld_session_free(newcomer);
}

static void test_admin_whose_password_must_change_sets_no_other(void)
{
    ld_session *second = add_user("adam", "admin", NULL);
    ld_error err;
    cJSON *o = NULL;
    long long before = refusals();
    CHECK_INT(ld_user_passwd(second, "olga", "Taken-over-2026", NULL, &o, &err), LD_EPERM);
    CHECK_INT(refusals(), before + 1);
    ld_session_free(second);
    ld_session *check = login("olga", OWN_PASSWORD); /* olga's password is hers still */
    ld_session_free(check);
}

static void test_user_add_names_bad_fields_and_officers_may_not(void)
{
    ld_error err;
    cJSON *o = NULL;
    ld_user_spec bad_role = {
        .username = "x1", .full_name = "X", .role = "wizard", .password = FIRST_PASSWORD};
    CHECK_INT(ld_user_add(admin, &bad_role, NULL, &o, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "role:");
    ld_user_spec nameless = {.full_name = "X", .role = "officer", .password = FIRST_PASSWORD};
    CHECK_INT(ld_user_add(admin, &nameless, NULL, &o, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "username: required");
    CHECK_INT(ld_user_revoke(admin, NULL, &o, &err), LD_EINVAL);
    ld_user_spec limit = {.username = "x1",
                          .full_name = "X",
                          .role = "officer",
                          .authority_limit = "100.00",
                          .password = FIRST_PASSWORD};
    CHECK_INT(ld_user_add(admin, &limit, NULL, &o, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "limit:");
    ld_user_spec fine = {
        .username = "x1", .full_name = "X", .role = "officer", .password = FIRST_PASSWORD};
    long long before = refusals();
    CHECK_INT(ld_user_add(officer, &fine, NULL, &o, &err), LD_EPERM);
    CHECK_INT(refusals(), before + 1);
    CHECK_INT(db_count("SELECT count(*) FROM app_user WHERE username = 'x1'"), 0);
}

/* A new auditor past the first password change, with a session token. */
static ld_session *auditor_with_token(const char *username, char token[LD_SESSION_TOKEN_MAX])
{
    ld_session *s = add_user(username, "auditor", NULL);
    change_own(s);
    ld_error err;
    CHECK_INT(ld_session_token_issue(s, token, &err), LD_OK);
    return s;
}

static void test_revoke_ends_sessions_and_unlock_names_the_user(void)
{
    char token[LD_SESSION_TOKEN_MAX];
    ld_session *leaving = auditor_with_token("lena", token);
    ld_error err;
    cJSON *o = NULL;
    CHECK_INT(ld_user_revoke(admin, "lena", &o, &err), LD_OK);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "username")), "lena");
    cJSON_Delete(o);
    CHECK_INT(db_count("SELECT count(*) FROM user_session s JOIN app_user u ON u.id = s.user_id "
                       "WHERE u.username = 'lena' AND s.ended = 0"),
              0);
    ld_session *resumed = NULL;
    CHECK_INT(ld_session_resume(api, token, &resumed, &err), LD_EPERM);
    CHECK_INT(ld_user_revoke(admin, "lena", &o, &err), LD_ESTATE);
    CHECK_INT(ld_user_unlock(admin, "nobody", &o, &err), LD_ENOTFOUND);
    CHECK_INT(ld_user_unlock(admin, "olga", &o, &err), LD_OK);
    cJSON_Delete(o);
    ld_session_free(leaving);
}

/* A token proves no password: changing one's own through a resumed session
 * takes the current password. */
static void test_own_change_through_a_token_needs_the_current_password(void)
{
    char token[LD_SESSION_TOKEN_MAX];
    ld_session *holder = auditor_with_token("tara", token);
    ld_error err;
    ld_session *resumed = NULL;
    CHECK_INT(ld_session_resume(api, token, &resumed, &err), LD_OK);
    cJSON *o = NULL;
    CHECK_INT(ld_user_passwd(resumed, NULL, "Next-pass-2026", NULL, &o, &err), LD_EUSAGE);
    long long before = refusals();
    CHECK_INT(ld_user_passwd(resumed, NULL, "Next-pass-2026", "Guess-pass-2026", &o, &err),
              LD_EPERM);
    CHECK_INT(refusals(), before + 1);
    CHECK_INT(ld_user_passwd(resumed, NULL, "Next-pass-2026", OWN_PASSWORD, &o, &err), LD_OK);
    cJSON_Delete(o);
    ld_session_free(login("tara", "Next-pass-2026"));
    ld_session_free(resumed);
    ld_session_free(holder);
}

/* ---- Rules: whole-book workbooks and who verifies online ----------------- */

static ld_status book(ld_session *s, const char *name, bool no_sign, cJSON **out, ld_error *err)
{
    char path[512];
    path_in(path, sizeof path, name);
    ld_report_spec spec = {.path = path, .lang = "en", .no_sign = no_sign};
    return ld_report_ledger(s, NULL, "2026-06-15", &spec, NULL, out, err);
}

static void test_whole_book_for_reviewers_managers_and_auditors(void)
{
    ld_error err;
    cJSON *o = NULL;
    /* Reviewers read and sign the whole book. */
    CHECK_INT(book(reviewer, "ledger-reviewer.xlsx", false, &o, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "signed")));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "signer")), "rita");
    cJSON_Delete(o);
    char path[512];
    path_in(path, sizeof path, "portfolio-reviewer.xlsx");
    ld_report_spec spec = {.path = path, .no_sign = true};
    CHECK_INT(ld_report_portfolio(reviewer, "2026-06-15", NULL, &spec, NULL, &o, &err), LD_OK);
    cJSON_Delete(o);
    /* Auditors read it unsigned; they hold no key. */
    CHECK_INT(book(auditor, "ledger-auditor.xlsx", true, &o, &err), LD_OK);
    cJSON_Delete(o);
    long long before = refusals();
    CHECK_INT(book(auditor, "ledger-auditor-signed.xlsx", false, &o, &err), LD_EPERM);
    /* Officers see their own customers only; admins none. */
    CHECK_INT(book(officer, "ledger-officer.xlsx", true, &o, &err), LD_EPERM);
    CHECK_CONTAINS(err.message, "may not read the ledger");
    CHECK_INT(book(admin, "ledger-admin.xlsx", true, &o, &err), LD_EPERM);
    CHECK_INT(ld_report_portfolio(admin, "2026-06-15", NULL, &spec, NULL, &o, &err), LD_EPERM);
    CHECK_INT(refusals(), before + 4);
    path_in(path, sizeof path, "ledger-admin.xlsx");
    CHECK(access(path, F_OK) != 0);
    /* A malformed date names its field. */
    spec.path = path;
    CHECK_INT(ld_report_ledger(reviewer, "2026-13-01", NULL, &spec, NULL, &o, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "from");
}

static void test_verify_online_for_readers_offline_for_anyone(void)
{
    ld_error err;
    cJSON *o = NULL;
    char path[512], ca[512];
    path_in(path, sizeof path, "ledger-reviewer.xlsx");
    path_in(ca, sizeof ca, "ca.pem");
    CHECK_INT(ld_pki_ca_cert(admin, &o, &err), LD_OK);
    FILE *f = fopen(ca, "wb");
    if (f != NULL) {
        fputs(cJSON_GetStringValue(cJSON_GetObjectItem(o, "pem")), f);
        fclose(f);
    }
    cJSON_Delete(o);
    ld_verify_spec spec = {.path = path};
    /* Online too, the CA is the verifier's, never the database's. */
    CHECK_INT(ld_verify(reviewer, &spec, &o, &err), LD_EUSAGE);
    spec.ca_pem_path = ca;
    ld_session *readers[] = {officer, reviewer, auditor};
    for (size_t i = 0; i < 3; i++) {
        CHECK_INT(ld_verify(readers[i], &spec, &o, &err), LD_OK);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "in_ledger")));
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(o, "kind")), "ledger");
        cJSON_Delete(o);
    }
    /* An admin holds no customer files: refused, and the refusal audited. */
    long long before = refusals();
    CHECK_INT(ld_verify(admin, &spec, &o, &err), LD_EPERM);
    CHECK_INT(refusals(), before + 1);
    CHECK_INT(db_count("SELECT count(*) FROM audit_event WHERE outcome = 'denied' AND action = "
                       "'verify'"),
              1);
    /* Offline: the CA certificate is needed, nothing else. */
    spec.ca_pem_path = NULL;
    CHECK_INT(ld_verify_offline(&spec, &o, &err), LD_EUSAGE);
    spec.ca_pem_path = ca;
    CHECK_INT(ld_verify_offline(&spec, &o, &err), LD_OK);
    CHECK(!cJSON_IsTrue(cJSON_GetObjectItem(o, "in_ledger")));
    cJSON_Delete(o);
    char unsigned_path[512];
    path_in(unsigned_path, sizeof unsigned_path, "ledger-auditor.xlsx");
    spec.path = unsigned_path;
    CHECK_INT(ld_verify_offline(&spec, &o, &err), LD_ENOTFOUND);
}

/* The CA key is in its custodians' keeping, apart from every login: the
 * admin's password change touches it not at all, certificates are issued with
 * the custodians' passphrase before and after, and no login password opens
 * it. */
static void test_admin_own_change_keeps_the_ca_usable(void)
{
    ld_error err;
    cJSON *o = NULL;
    CHECK_INT(ld_user_passwd(admin, NULL, "Admin-new-2026x", ADMIN_PASSWORD, &o, &err), LD_OK);
    cJSON_Delete(o);
    ld_user_spec spec = {
        .username = "omar", .full_name = "Omar", .role = "manager", .password = FIRST_PASSWORD};
    CHECK_INT(ld_user_add(admin, &spec, CA_PASSPHRASE, &o, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "signing_certificate")));
    cJSON_Delete(o);
    /* Neither the old nor the new login password opens the CA. */
    spec.username = "olaf";
    CHECK_INT(ld_user_add(admin, &spec, ADMIN_PASSWORD, &o, &err), LD_EPERM);
    CHECK_INT(ld_user_add(admin, &spec, "Admin-new-2026x", &o, &err), LD_EPERM);
    CHECK_INT(ld_user_add(admin, &spec, NULL, &o, &err), LD_EUSAGE);
    CHECK_INT(db_count("SELECT count(*) FROM app_user WHERE username = 'olaf'"), 0);
}

static void teardown(void)
{
    ld_session_free(admin);
    ld_session_free(officer);
    ld_session_free(reviewer);
    ld_session_free(auditor);
    ld_api_close(api);
    char command[400];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    if (getenv("LOANDESK_TEST_KEEP") == NULL && system(command) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
    setup();
    static const check_case cases[] = {
        {"policy_load_refuses_what_policy_check_refuses",
         test_policy_load_refuses_what_policy_check_refuses},
        {"admin_set_password_must_change_first", test_admin_set_password_must_change_first},
        {"admin_whose_password_must_change_sets_no_other",
         test_admin_whose_password_must_change_sets_no_other},
        {"user_add_names_bad_fields_and_officers_may_not",
         test_user_add_names_bad_fields_and_officers_may_not},
        {"revoke_ends_sessions_and_unlock_names_the_user",
         test_revoke_ends_sessions_and_unlock_names_the_user},
        {"own_change_through_a_token_needs_the_current_password",
         test_own_change_through_a_token_needs_the_current_password},
        {"whole_book_for_reviewers_managers_and_auditors",
         test_whole_book_for_reviewers_managers_and_auditors},
        {"verify_online_for_readers_offline_for_anyone",
         test_verify_online_for_readers_offline_for_anyone},
        {"admin_own_change_keeps_the_ca_usable", test_admin_own_change_keeps_the_ca_usable},
    };
    int rc = CHECK_RUN(argc, argv, cases);
    teardown();
    return rc;
}
