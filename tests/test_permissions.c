/*
 * test_permissions.c - the permission matrix, through the operations API
 * itself: every operation × every role × the officer's own customer and
 * another's, each cell asserting what the one permission table
 * (core_perm_reach_of, printed by `loandesk roles`) says: allowed (the call
 * is not refused; it may still fail for its own reasons, such as a state), or
 * refused with exit 3 and one new `denied` row in the audit trail. Then the
 * identities that may do nothing: locked, deactivated (revoked) and expired.
 *
 * The book is made once: users of every role, two officers' customers, each
 * with a disbursed loan, a rated application and a draft. Each cell runs on
 * its own copy of that file, with a session resumed from a token issued while
 * making it, so no cell sees another's changes and no cell pays PBKDF2.
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
#include "ident.h"
#include "loandesk/admin.h"
#include "loandesk/care.h"
#include "loandesk/backup.h"
#include "loandesk/origination.h"
#include "loandesk/reports.h"
#include "loandesk/servicing.h"
#include "permission.h"
#include "store_sql.h"
#include "user.h"

#ifndef LOANDESK_SOURCE_DIR
#error "LOANDESK_SOURCE_DIR must name the source tree (policy files)"
#endif

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"
#define TODAY          AFX_TODAY

static char dir[256];
static char template_path[300];

/* Everything a cell may act on, by owner: [0] off1's customer (the acting
 * officer's own), [1] off2's. */
typedef struct book {
    int64_t borrower[2];
    int64_t loan[2];
    int64_t repayment[2]; /* a standing repayment of each loan */
    int64_t rated_app[2];
    int64_t draft_app[2];
    int64_t document[2];   /* one of the customer's documents */
    int64_t collection[2]; /* a collection case of the customer's loan */
    int64_t complaint[2];  /* an open, answered complaint of the customer's */
} book;

static book the_book;

enum { ROLE_USERS = CORE_ROLE_COUNT };
static const char *const role_user[ROLE_USERS] = {"off1", "rev1", "mgr", "aud", "admin"};
static char tokens[ROLE_USERS][LD_SESSION_TOKEN_MAX];
static char expired_token[LD_SESSION_TOKEN_MAX];

static void begin(ld_api *api)
{
    ld_error err;
    if (core_store_begin(api->store, &err) != LD_OK)
        afx_die("begin", &err);
}

static void commit(ld_api *api, ld_status st, const char *what, const ld_error *err)
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

static int64_t new_borrower(ld_api *api, const core_session *officer, int serial)
{
    char first17[18], id[19];
    snprintf(first17, sizeof first17, "11010519900501%03d", serial);
    memcpy(id, first17, 17);
    id[17] = core_resident_id_check_char(first17);
    id[18] = '\0';
    cJSON *b = cJSON_Parse("{\"kind\": \"individual\", \"name\": \"Zhang San\", \"phone\": "
                           "\"13800138000\", \"address\": \"1 Chang'an Ave\", \"employer\": "
                           "\"Acme\", \"years_employed\": 6, \"monthly_income\": \"30000.00\", "
                           "\"existing_debt\": \"0.00\"}");
    cJSON_AddStringToObject(b, "id_number", id);
    ld_error err;
    int64_t borrower = 0;
    begin(api);
    commit(api, core_borrower_add(api->store, officer, b, &borrower, &err), "borrower", &err);
    cJSON_Delete(b);
    return borrower;
}

static int64_t new_app(ld_api *api, const core_session *officer, int64_t borrower, bool submit)
{
    char json[512];
    snprintf(json, sizeof json,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"100000.00\", "
             "\"term_months\": 24, \"method\": \"annuity\", \"purpose\": \"renovation\", "
             "\"investigation\": {\"site_visit_date\": \"2026-06-01\", \"operations\": \"ok\", "
             "\"assets_liabilities\": \"ok\", \"repayment_capacity\": \"ok\", \"conclusion\": "
             "\"ok\"}}",
             (long long)borrower);
    cJSON *a = cJSON_Parse(json);
    ld_error err;
    int64_t app = 0;
    begin(api);
    commit(api, core_application_create(api->store, officer, a, &app, &err), "application", &err);
    cJSON_Delete(a);
    if (submit) {
        begin(api);
        dfx_complete(api->store, officer, app);
        commit(api, core_application_submit(api->store, officer, app, &err), "submit", &err);
    }
    return app;
}

static void rate(ld_session *reviewer, int64_t app)
{
    ld_error err;
    cJSON *out = NULL;
    if (ld_application_rate(reviewer, app, &out, &err) != LD_OK)
        afx_die("rating", &err);
    cJSON_Delete(out);
}

static int64_t new_loan(ld_api *api, ld_session *reviewer, ld_session *manager,
                        const core_session *officer, int64_t borrower)
{
    int64_t app = new_app(api, officer, borrower, true);
    rate(reviewer, app);
    ld_error err;
    core_approval_terms terms = {.rate = -1};
    begin(api);
    commit(api, core_application_approve(api->store, &reviewer->who, app, &terms, "fine", &err),
           "approve", &err);
    cJSON *out = NULL;
    if (ld_loan_disburse(manager, app, TODAY, NULL, &out, &err) != LD_OK)
        afx_die("disburse", &err);
    int64_t loan = (int64_t)cJSON_GetObjectItemCaseSensitive(out, "id")->valuedouble;
    cJSON_Delete(out);
    ld_repayment r = {.amount = "500.00", .date = TODAY};
    if (ld_loan_repay(manager, loan, &r, &out, &err) != LD_OK)
        afx_die("repay", &err);
    cJSON_Delete(out);
    return loan;
}

/* The loan's last repayment. */
static int64_t last_repayment(ld_api *api, int64_t loan)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(core_store_db(api->store),
                       "SELECT max(id) FROM loan_repayment WHERE loan_id = ?", -1, &q, NULL);
    sqlite3_bind_int64(q, 1, loan);
    int64_t id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    if (id <= 0)
        afx_die("no repayment", NULL);
    return id;
}

static void add_user(ld_api *api, const core_session *admin, const char *name, core_role role)
{
    ld_error err;
    core_user_spec spec = {name, name, role, -1, USER_PASSWORD};
    int64_t id;
    if (core_user_add(api->store, admin, &spec, &id, &err) != LD_OK)
        afx_die("adding a user", &err);
}

static void exec_sql(ld_api *api, const char *sql)
{
    if (sqlite3_exec(core_store_db(api->store), sql, NULL, NULL, NULL) != SQLITE_OK)
        afx_die(sql, NULL);
}

static void issue(ld_session *s, char token[LD_SESSION_TOKEN_MAX])
{
    ld_error err;
    if (ld_session_token_issue(s, token, &err) != LD_OK)
        afx_die("token", &err);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* The CA certificate the auditor holds, for every verification. */
static char ca_path[300];
/* A scanned PDF an officer may add. */
static char scan_path[300];

/* The book every cell starts from. */
static void make_book(void)
{
    ld_api *api = afx_book_new("permissions", ADMIN_PASSWORD, dir, sizeof dir, template_path,
                               sizeof template_path);
    atexit(remove_dir);
    ld_session *admin = afx_login(api, "admin", ADMIN_PASSWORD);
    afx_ca_file(admin, dir, ca_path, sizeof ca_path);
    begin(api);
    add_user(api, &admin->who, "off1", CORE_ROLE_OFFICER);
    add_user(api, &admin->who, "off2", CORE_ROLE_OFFICER);
    add_user(api, &admin->who, "rev1", CORE_ROLE_REVIEWER);
    add_user(api, &admin->who, "mgr", CORE_ROLE_MANAGER);
    add_user(api, &admin->who, "aud", CORE_ROLE_AUDITOR);
    add_user(api, &admin->who, "locked1", CORE_ROLE_OFFICER);
    add_user(api, &admin->who, "revoked1", CORE_ROLE_OFFICER);
    add_user(api, &admin->who, "expired1", CORE_ROLE_OFFICER);
    commit(api, LD_OK, "users", NULL);
    /* Each has replaced the first password the admin gave them, but expired1
     * has not. */
    exec_sql(api,
             "UPDATE app_user SET password_changed_on = '" TODAY "' WHERE username <> 'expired1'");
    ld_session *s[ROLE_USERS];
    for (int r = 0; r < ROLE_USERS; r++)
        s[r] = r == CORE_ROLE_ADMIN ? admin : afx_login(api, role_user[r], USER_PASSWORD);
    ld_session *off2 = afx_login(api, "off2", USER_PASSWORD);
    const core_session *owner[2] = {&s[CORE_ROLE_OFFICER]->who, &off2->who};
    for (int o = 0; o < 2; o++) {
        the_book.borrower[o] = new_borrower(api, owner[o], 1 + o);
        the_book.loan[o] = new_loan(api, s[CORE_ROLE_REVIEWER], s[CORE_ROLE_MANAGER], owner[o],
                                    the_book.borrower[o]);
        the_book.repayment[o] = last_repayment(api, the_book.loan[o]);
        the_book.rated_app[o] = new_app(api, owner[o], the_book.borrower[o], true);
        rate(s[CORE_ROLE_REVIEWER], the_book.rated_app[o]);
        the_book.draft_app[o] = new_app(api, owner[o], the_book.borrower[o], false);
    }
    /* A collection case on each loan, as close of business opens one, and a
     * scan the officer may add. */
    begin(api);
    exec_sql(api, "INSERT INTO collection_case (loan_id, borrower_id, officer_id, opened_on, "
                  "stage, stage_since) SELECT id, borrower_id, officer_id, 20619, 'reminder', "
                  "20619 FROM loan ORDER BY id");
    exec_sql(api, "INSERT INTO complaint (borrower_id, received_on, channel, text, assigned_to, "
                  "deadline, response, responded_on, recorded_by, recorded_at) SELECT id, 20619, "
                  "'phone', 'a fee', officer_id, 20634, 'refunded', 20619, officer_id, "
                  "'2026-06-15T09:00:00Z' FROM borrower ORDER BY id");
    commit(api, LD_OK, "collection cases", NULL);
    for (int o = 0; o < 2; o++) {
        ld_error err;
        if (core_store_query_int(api->store, "SELECT min(id) FROM document WHERE borrower_id = ?",
                                 the_book.borrower[o], &the_book.document[o], &err) != LD_OK ||
            core_store_query_int(api->store,
                                 "SELECT c.id FROM collection_case c JOIN loan l ON "
                                 "l.id = c.loan_id WHERE l.borrower_id = ?",
                                 the_book.borrower[o], &the_book.collection[o], &err) != LD_OK ||
            core_store_query_int(api->store, "SELECT id FROM complaint WHERE borrower_id = ?",
                                 the_book.borrower[o], &the_book.complaint[o], &err) != LD_OK)
            afx_die("the book's documents and cases", &err);
    }
    snprintf(scan_path, sizeof scan_path, "%s/scan.pdf", dir);
    FILE *scan = fopen(scan_path, "wb");
    if (scan == NULL || fputs("%PDF-1.4\n%scan\n", scan) < 0 || fclose(scan) != 0)
        afx_die("the scan", NULL);
    for (int r = 0; r < ROLE_USERS; r++)
        issue(s[r], tokens[r]);
    ld_session *expired = afx_login(api, "expired1", USER_PASSWORD);
    issue(expired, expired_token);
    ld_session *locked = afx_login(api, "locked1", USER_PASSWORD);
    ld_session *revoked = afx_login(api, "revoked1", USER_PASSWORD);
    char locked_token[LD_SESSION_TOKEN_MAX], revoked_token[LD_SESSION_TOKEN_MAX];
    issue(locked, locked_token);
    issue(revoked, revoked_token);
    exec_sql(api, "UPDATE app_user SET locked = 1 WHERE username = 'locked1'");
    exec_sql(api, "UPDATE app_user SET active = 0 WHERE username = 'revoked1'");
    /* Their tokens stay in the book: resuming one must fail. */
    FILE *f = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/tokens", dir);
    if ((f = fopen(path, "w")) == NULL)
        afx_die("tokens file", NULL);
    fprintf(f, "%s\n%s\n", locked_token, revoked_token);
    fclose(f);
    for (int r = 0; r < ROLE_USERS; r++)
        if (r != CORE_ROLE_ADMIN)
            ld_session_free(s[r]);
    ld_session_free(admin);
    ld_session_free(off2);
    ld_session_free(expired);
    ld_session_free(locked);
    ld_session_free(revoked);
    ld_api_close(api);
}

/* ---- one cell ------------------------------------------------------------- */

typedef ld_status (*op_call)(ld_session *s, int owner, cJSON **out, ld_error *err);

/* An operation any authenticated session may call (the CA certificate). */
#define ANY_SESSION ((core_action)-1)

typedef struct operation {
    const char *name;
    core_action action; /* the permission the operation needs, or ANY_SESSION */
    op_call call;
    bool list; /* a list scoped to what the role may see: no single customer */
} operation;

static ld_api *open_copy(const char *name)
{
    char path[160], cmd[400];
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    snprintf(cmd, sizeof cmd, "cp %s %s", template_path, path);
    if (system(cmd) != 0)
        afx_die("copying the book", NULL);
    ld_api *api = NULL;
    ld_error err;
    char key_path[200];
    ld_api_default_key_path(template_path, key_path, sizeof key_path);
    if (ld_api_open(path, &afx_clock, &api, &err) != LD_OK ||
        ld_api_set_institution_key(api, key_path, NULL, &err) != LD_OK)
        afx_die("open", &err);
    return api;
}

static void close_copy(ld_api *api, const char *name)
{
    ld_api_close(api);
    char path[160];
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    unlink(path);
}

static int64_t denied_rows(ld_api *api)
{
    int64_t n = -1;
    ld_error err;
    if (core_store_query_int(api->store,
                             "SELECT count(*) FROM audit_event WHERE outcome = 'denied'", 0, &n,
                             &err) != LD_OK)
        afx_die("counting refusals", &err);
    return n;
}

/* What the table says of role acting on owner's customer (owner 0: the acting
 * officer's own; every customer here has an application under review). */
static bool table_allows(core_action action, core_role role, int owner)
{
    switch (core_perm_reach_of(action, role)) {
    case CORE_REACH_NONE:
        return false;
    case CORE_REACH_OWN:
        return owner == 0;
    case CORE_REACH_UNDER_REVIEW:
    case CORE_REACH_ALL:
        return true;
    }
    return false;
}

static int cells, failures;

static void run_cell(const operation *op, core_role role, int owner)
{
    cells++;
    char name[32];
    snprintf(name, sizeof name, "cell%d", cells);
    ld_api *api = open_copy(name);
    ld_session *s = NULL;
    ld_error err;
    if (ld_session_resume(api, tokens[role], &s, &err) != LD_OK)
        afx_die("resume", &err);
    int64_t before = denied_rows(api);
    cJSON *out = NULL;
    ld_status st = op->call(s, owner, &out, &err);
    cJSON_Delete(out);
    int64_t after = denied_rows(api);
    bool allowed = op->action == ANY_SESSION ? true
                   : op->list ? core_perm_reach_of(op->action, role) != CORE_REACH_NONE
                              : table_allows(op->action, role, owner);
    bool ok = allowed ? st != LD_EPERM && after == before : st == LD_EPERM && after == before + 1;
    if (!ok) {
        failures++;
        fprintf(stderr,
                "FAIL %s as %s on %s customer: table says %s, got status %d (%s), %lld new "
                "refusal rows\n",
                op->name, core_role_name(role), owner == 0 ? "own" : "another's",
                allowed ? "allowed" : "refused", (int)st, st == LD_OK ? "" : err.message,
                (long long)(after - before));
    }
    ld_session_free(s);
    close_copy(api, name);
}

/* ---- the operations --------------------------------------------------------- */

static ld_status op_borrower_show(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_borrower_show(s, the_book.borrower[o], out, err);
}
static ld_status op_rate(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_application_rate(s, the_book.rated_app[o], out, err);
}
static ld_status op_rating_show(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_rating_show(s, the_book.rated_app[o], out, err);
}
static ld_status op_rating_override(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_rating_override(s, the_book.rated_app[o], "B", "collateral undervalued", out, err);
}
static ld_status op_loan_show(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_loan_show(s, the_book.loan[o], out, err);
}
static ld_status op_loan_repay(ld_session *s, int o, cJSON **out, ld_error *err)
{
    ld_repayment r = {.amount = "1000.00", .date = TODAY};
    return ld_loan_repay(s, the_book.loan[o], &r, out, err);
}
static ld_status op_loan_repay_reverse(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_loan_repay_reverse(s, the_book.loan[o], the_book.repayment[o], "keyed twice", out,
                                 err);
}
static ld_status op_loan_show_at(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_loan_show_at(s, the_book.loan[o], TODAY, out, err);
}
static ld_status op_loan_history(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_loan_history(s, the_book.loan[o], NULL, NULL, out, err);
}
static ld_status op_loan_settle(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_loan_settle(s, the_book.loan[o], TODAY, out, err);
}
static ld_status op_loan_classify(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_loan_classify(s, the_book.loan[o], "special_mention", "sales fell", out, err);
}
static ld_status op_loan_write_off(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_loan_write_off(s, the_book.loan[o], "bankrupt", out, err);
}
static ld_status op_cob(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    ld_cob_options opt = {.date = TODAY};
    return ld_cob_run(s, &opt, out, err);
}
static ld_status op_trial_balance(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_journal_trial_balance(s, TODAY, out, err);
}
static ld_status op_ledger_checkpoint(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_ledger_checkpoint(s, out, err);
}
static ld_status op_ledger_verify(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    ld_trust_anchor anchor = {.ca_file = ca_path};
    return ld_ledger_verify(s, &anchor, out, err);
}
static ld_status op_ledger_export(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    char path[160];
    snprintf(path, sizeof path, "%s/export-%d", dir, cells);
    return ld_ledger_export(s, path, out, err);
}
static ld_status op_ledger_prove(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_ledger_prove_inclusion(s, 0, 0, out, err);
}
static ld_status op_inspection_due(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_inspection_due(s, NULL, out, err);
}
static ld_status op_inspection_show(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_inspection_show(s, the_book.loan[o], 0, out, err);
}

static ld_status op_borrower_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    cJSON *b = cJSON_Parse("{\"kind\": \"individual\", \"name\": \"Li Si\", \"id_number\": "
                           "\"110105198503032223\", \"phone\": \"13800138000\", \"address\": "
                           "\"2 Chang'an Ave\", \"monthly_income\": \"20000.00\", "
                           "\"existing_debt\": \"0.00\"}");
    ld_status st = ld_borrower_add(s, b, out, err);
    cJSON_Delete(b);
    return st;
}
static ld_status op_borrower_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_borrower_list(s, NULL, NULL, out, err);
}
static ld_status op_borrower_update(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *c = cJSON_Parse("{\"phone\": \"13900139000\"}");
    ld_status st = ld_borrower_update(s, the_book.borrower[o], c, out, err);
    cJSON_Delete(c);
    return st;
}
static ld_status op_borrower_assign(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_borrower_assign(s, the_book.borrower[o], o == 0 ? "off2" : "off1", out, err);
}
static ld_status op_borrower_blocklist(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_borrower_blocklist(s, the_book.borrower[o], true, "fraud alert", out, err);
}
static ld_status op_app_create(ld_session *s, int o, cJSON **out, ld_error *err)
{
    char json[256];
    snprintf(json, sizeof json,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"50000.00\", "
             "\"term_months\": 12, \"method\": \"annuity\", \"purpose\": \"car\"}",
             (long long)the_book.borrower[o]);
    cJSON *a = cJSON_Parse(json);
    ld_status st = ld_application_create(s, a, out, err);
    cJSON_Delete(a);
    return st;
}
static ld_status op_app_show(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_application_show(s, the_book.rated_app[o], out, err);
}
static ld_status op_app_file(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_application_file(s, the_book.rated_app[o], out, err);
}
static ld_status op_app_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_application_list(s, NULL, NULL, out, err);
}
static ld_status op_app_update(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *c = cJSON_Parse("{\"purpose\": \"kitchen\"}");
    ld_status st = ld_application_update(s, the_book.draft_app[o], c, out, err);
    cJSON_Delete(c);
    return st;
}
static ld_status op_app_submit(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_application_submit(s, the_book.draft_app[o], out, err);
}
static ld_status op_app_withdraw(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_application_withdraw(s, the_book.draft_app[o], "customer changed plans", out, err);
}
static ld_status op_app_approve(ld_session *s, int o, cJSON **out, ld_error *err)
{
    ld_approval terms = {0};
    return ld_application_approve(s, the_book.rated_app[o], &terms, out, err);
}
static ld_status op_app_reject(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_application_reject(s, the_book.rated_app[o], "income unproven", out, err);
}
static ld_status op_guarantor_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *g = cJSON_Parse("{\"kind\": \"individual\", \"name\": \"Wang Wu\", \"id_number\": "
                           "\"110105197502023216\", \"guarantee_type\": \"joint\", "
                           "\"guaranteed_amount\": \"50000.00\", \"net_assets\": \"900000.00\", "
                           "\"outstanding_guarantees\": \"0.00\"}");
    ld_status st = ld_guarantor_add(s, the_book.draft_app[o], g, out, err);
    cJSON_Delete(g);
    return st;
}
static ld_status op_investigation_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *i = cJSON_Parse("{\"site_visit_date\": \"2026-06-10\", \"operations\": \"ok\", "
                           "\"assets_liabilities\": \"ok\", \"repayment_capacity\": \"ok\", "
                           "\"conclusion\": \"ok\"}");
    ld_status st = ld_investigation_add(s, the_book.draft_app[o], i, out, err);
    cJSON_Delete(i);
    return st;
}
static ld_status op_guarantor_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_guarantor_list(s, the_book.rated_app[o], out, err);
}
static ld_status op_collateral_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_collateral_list(s, the_book.rated_app[o], out, err);
}
static ld_status op_loan_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_loan_list(s, NULL, NULL, out, err);
}
static ld_status op_audit_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_audit_list(s, NULL, out, err);
}
static ld_status op_import(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_import(s, LOANDESK_SOURCE_DIR "/tests/cli/cases/import-good.jsonl", out, err);
}

static ld_status op_user_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    ld_user_spec u = {.username = "newbie",
                      .full_name = "New Person",
                      .role = "officer",
                      .password = "First-pass-2026"};
    return ld_user_add(s, &u, AFX_CA_PASSPHRASE, out, err);
}
static ld_status op_user_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_user_list(s, out, err);
}
static ld_status op_user_reset(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_user_passwd(s, o == 0 ? "off1" : "off2", "Reset-pass-2026", AFX_CA_PASSPHRASE, out,
                          err);
}
static ld_status op_user_unlock(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_user_unlock(s, "locked1", out, err);
}
static ld_status op_user_revoke(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_user_revoke(s, "off2", out, err);
}
static ld_status op_ca_cert(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_pki_ca_cert(s, out, err);
}
static ld_status op_policy_load(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_policy_load(s, LOANDESK_SOURCE_DIR "/policy/default.json", NULL, out, err);
}
static ld_status report_path(char path[160], const char *what)
{
    snprintf(path, 160, "%s/%s-%d.xlsx", dir, what, cells);
    return LD_OK;
}
static ld_status op_report_rating(ld_session *s, int o, cJSON **out, ld_error *err)
{
    char path[160];
    report_path(path, "rating");
    ld_report_spec spec = {.path = path, .no_sign = true};
    return ld_report_rating(s, the_book.rated_app[o], &spec, NULL, out, err);
}
static ld_status op_report_ledger(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    char path[160];
    report_path(path, "ledger");
    ld_report_spec spec = {.path = path, .no_sign = true};
    return ld_report_ledger(s, NULL, NULL, &spec, NULL, out, err);
}
static ld_status op_report_portfolio(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    char path[160];
    report_path(path, "portfolio");
    ld_report_spec spec = {.path = path, .no_sign = true};
    return ld_report_portfolio(s, TODAY, NULL, &spec, NULL, out, err);
}

static ld_status op_verify(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    char path[160];
    report_path(path, "absent");
    ld_verify_spec spec = {.path = path, .ca_pem_path = ca_path};
    return ld_verify(s, &spec, out, err);
}

/* A backup of the cell's copy under a key file made once. */
static ld_status op_backup(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    char key_file[160], path[160];
    snprintf(key_file, sizeof key_file, "%s/backup.key", dir);
    if (access(key_file, F_OK) != 0 && ld_backup_keygen(key_file, out, err) != LD_OK)
        afx_die("backup key", err);
    cJSON_Delete(*out);
    *out = NULL;
    snprintf(path, sizeof path, "%s/backup-%d.ldbak", dir, cells);
    ld_backup_key key = {.key_file = key_file};
    ld_backup_options options = {.out = path};
    return ld_backup_create(s, &key, &options, out, err);
}

/* A fit on a file that is not there: whoever may fit gets the file's own
 * error, whoever may not is refused (and audited) before it is looked for. */
static ld_status op_rating_fit(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    char data[160], policy[160];
    snprintf(data, sizeof data, "%s/absent-history.csv", dir);
    snprintf(policy, sizeof policy, "%s/fitted-%d.json", dir, cells);
    ld_fit_spec spec = {.data_path = data,
                        .target = "bad",
                        .out_path = policy,
                        .base_policy = LOANDESK_SOURCE_DIR "/policy/default.json"};
    return ld_rating_fit(s, &spec, out, err);
}

/* The next three give an empty record: whoever may act gets the record's
 * own error, whoever may not is refused before the record is read. */
static ld_status op_collateral_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *c = cJSON_CreateObject();
    ld_status st = ld_collateral_add(s, the_book.draft_app[o], c, out, err);
    cJSON_Delete(c);
    return st;
}
static ld_status op_inspection_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *i = cJSON_CreateObject();
    ld_status st = ld_inspection_add(s, the_book.loan[o], i, out, err);
    cJSON_Delete(i);
    return st;
}
static ld_status op_loan_disburse(ld_session *s, int o, cJSON **out, ld_error *err)
{
    /* Rated, not approved: whoever may disburse is told the state. */
    return ld_loan_disburse(s, the_book.rated_app[o], TODAY, NULL, out, err);
}
static ld_status op_report_inspection(ld_session *s, int o, cJSON **out, ld_error *err)
{
    char path[160];
    report_path(path, "inspection");
    ld_report_spec spec = {.path = path, .no_sign = true};
    return ld_report_inspection(s, the_book.loan[o], 0, &spec, NULL, out, err);
}

static ld_status op_doc_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    ld_document_spec d = {"borrower", the_book.borrower[o], "income_proof", scan_path, NULL, NULL};
    return ld_document_add(s, &d, out, err);
}
static ld_status op_doc_check(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_document_check(s, the_book.document[o], true, true, true, NULL, out, err);
}
static ld_status op_doc_show(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_document_show(s, the_book.document[o], out, err);
}
static ld_status op_doc_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_document_list(s, "application", the_book.rated_app[o], out, err);
}
static ld_status op_doc_expiring(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_document_expiring(s, 30, out, err);
}
static ld_status op_doc_verify(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_document_verify(s, out, err);
}
static ld_status op_doc_export(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    char path[160];
    snprintf(path, sizeof path, "%s/archive-%d", dir, cells);
    return ld_document_export(s, path, out, err);
}
static ld_status op_collection_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_collection_list(s, true, out, err);
}
static ld_status op_collection_show(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_collection_show(s, the_book.collection[o], out, err);
}
static ld_status op_collection_action(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *a = cJSON_Parse("{\"kind\": \"sms\", \"outcome\": \"sent\"}");
    ld_status st = ld_collection_action(s, the_book.collection[o], a, out, err);
    cJSON_Delete(a);
    return st;
}
static ld_status op_collection_promise(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_collection_promise(s, the_book.collection[o], "1000.00", "2026-06-30", out, err);
}
static ld_status op_collection_recover(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_collection_recover(s, the_book.collection[o], 1, "1000.00", TODAY, out, err);
}

static ld_status op_visit_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *v = cJSON_Parse("{\"people\": \"owner\", \"purpose\": \"review\", "
                           "\"findings\": \"fine\"}");
    ld_status st = ld_visit_add(s, the_book.borrower[o], v, out, err);
    cJSON_Delete(v);
    return st;
}
static ld_status op_visit_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_visit_list(s, the_book.borrower[o], out, err);
}
static ld_status op_complaint_add(ld_session *s, int o, cJSON **out, ld_error *err)
{
    cJSON *c = cJSON_Parse("{\"channel\": \"letter\", \"text\": \"slow service\"}");
    ld_status st = ld_complaint_add(s, the_book.borrower[o], c, out, err);
    cJSON_Delete(c);
    return st;
}
static ld_status op_complaint_assign(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_complaint_assign(s, the_book.complaint[o], "off2", out, err);
}
static ld_status op_complaint_respond(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_complaint_respond(s, the_book.complaint[o], "called back", out, err);
}
static ld_status op_complaint_close(ld_session *s, int o, cJSON **out, ld_error *err)
{
    return ld_complaint_close(s, the_book.complaint[o], "satisfied", out, err);
}
static ld_status op_complaint_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_complaint_list(s, true, false, out, err);
}
static ld_status op_churn_list(ld_session *s, int o, cJSON **out, ld_error *err)
{
    (void)o;
    return ld_churn_list(s, out, err);
}

static const operation operations[] = {
    {"collateral.add", CORE_ACT_CUSTOMER_EDIT, op_collateral_add, false},
    {"inspection.add", CORE_ACT_CUSTOMER_EDIT, op_inspection_add, false},
    {"loan.disburse", CORE_ACT_LEDGER_OPERATE, op_loan_disburse, false},
    {"report.inspection (unsigned)", CORE_ACT_CUSTOMER_READ, op_report_inspection, false},
    {"verify (against the database)", CORE_ACT_CUSTOMER_READ, op_verify, true},
    {"user.add", CORE_ACT_USER_MANAGE, op_user_add, true},
    {"user.list", CORE_ACT_USER_LIST, op_user_list, true},
    {"user.passwd (another's)", CORE_ACT_USER_MANAGE, op_user_reset, true},
    {"user.unlock", CORE_ACT_USER_MANAGE, op_user_unlock, true},
    {"user.revoke", CORE_ACT_USER_MANAGE, op_user_revoke, true},
    {"pki.ca_cert", ANY_SESSION, op_ca_cert, true},
    {"policy.load", CORE_ACT_POLICY_MANAGE, op_policy_load, true},
    {"report.rating (unsigned)", CORE_ACT_CUSTOMER_READ, op_report_rating, false},
    {"report.ledger (unsigned)", CORE_ACT_LEDGER_VERIFY, op_report_ledger, true},
    {"report.portfolio (unsigned)", CORE_ACT_LEDGER_VERIFY, op_report_portfolio, true},
    {"borrower.add", CORE_ACT_BORROWER_CREATE, op_borrower_add, true},
    {"borrower.list", CORE_ACT_CUSTOMER_READ, op_borrower_list, true},
    {"borrower.update", CORE_ACT_CUSTOMER_EDIT, op_borrower_update, false},
    {"borrower.assign", CORE_ACT_CUSTOMER_ASSIGN, op_borrower_assign, false},
    {"borrower.blocklist", CORE_ACT_BORROWER_BLOCKLIST, op_borrower_blocklist, false},
    {"application.create", CORE_ACT_CUSTOMER_EDIT, op_app_create, false},
    {"application.show", CORE_ACT_CUSTOMER_READ, op_app_show, false},
    {"application.file", CORE_ACT_CUSTOMER_READ, op_app_file, false},
    {"application.list", CORE_ACT_CUSTOMER_READ, op_app_list, true},
    {"application.update", CORE_ACT_CUSTOMER_EDIT, op_app_update, false},
    {"application.submit", CORE_ACT_APP_SUBMIT, op_app_submit, false},
    {"application.withdraw", CORE_ACT_APP_SUBMIT, op_app_withdraw, false},
    {"application.approve", CORE_ACT_APP_DECIDE, op_app_approve, false},
    {"application.reject", CORE_ACT_APP_DECIDE, op_app_reject, false},
    {"guarantor.add", CORE_ACT_CUSTOMER_EDIT, op_guarantor_add, false},
    {"investigation.add", CORE_ACT_CUSTOMER_EDIT, op_investigation_add, false},
    {"guarantor.list", CORE_ACT_CUSTOMER_READ, op_guarantor_list, false},
    {"collateral.list", CORE_ACT_CUSTOMER_READ, op_collateral_list, false},
    {"loan.list", CORE_ACT_CUSTOMER_READ, op_loan_list, true},
    {"audit.list", CORE_ACT_AUDIT_READ, op_audit_list, true},
    {"import", CORE_ACT_BORROWER_CREATE, op_import, true},
    {"borrower.show", CORE_ACT_CUSTOMER_READ, op_borrower_show, false},
    {"application.rate", CORE_ACT_RATING_RUN, op_rate, false},
    {"rating.show", CORE_ACT_CUSTOMER_READ, op_rating_show, false},
    {"rating.override", CORE_ACT_RATING_OVERRIDE, op_rating_override, false},
    {"loan.show", CORE_ACT_CUSTOMER_READ, op_loan_show, false},
    {"loan.repay", CORE_ACT_REPAYMENT_RECORD, op_loan_repay, false},
    {"loan.settle", CORE_ACT_REPAYMENT_RECORD, op_loan_settle, false},
    {"loan.repay_reverse", CORE_ACT_REPAYMENT_REVERSE, op_loan_repay_reverse, false},
    {"loan.show --date", CORE_ACT_CUSTOMER_READ, op_loan_show_at, false},
    {"loan.history", CORE_ACT_CUSTOMER_READ, op_loan_history, false},
    {"loan.classify", CORE_ACT_LOAN_CLASSIFY, op_loan_classify, false},
    {"loan.write_off", CORE_ACT_LOAN_WRITE_OFF, op_loan_write_off, false},
    {"cob.run", CORE_ACT_LEDGER_OPERATE, op_cob, false},
    {"journal.trial_balance", CORE_ACT_LEDGER_VERIFY, op_trial_balance, false},
    {"ledger.checkpoint", CORE_ACT_LEDGER_OPERATE, op_ledger_checkpoint, false},
    {"ledger.verify", CORE_ACT_LEDGER_VERIFY, op_ledger_verify, false},
    {"ledger.export", CORE_ACT_LEDGER_VERIFY, op_ledger_export, false},
    {"ledger.prove", CORE_ACT_LEDGER_VERIFY, op_ledger_prove, false},
    {"inspection.due", CORE_ACT_CUSTOMER_READ, op_inspection_due, true},
    {"inspection.show", CORE_ACT_CUSTOMER_READ, op_inspection_show, false},
    {"doc.add", CORE_ACT_CUSTOMER_EDIT, op_doc_add, false},
    {"doc.check", CORE_ACT_CUSTOMER_EDIT, op_doc_check, false},
    {"doc.show", CORE_ACT_CUSTOMER_READ, op_doc_show, false},
    {"doc.list", CORE_ACT_CUSTOMER_READ, op_doc_list, false},
    {"doc.expiring", CORE_ACT_CUSTOMER_READ, op_doc_expiring, true},
    {"doc.verify", CORE_ACT_LEDGER_VERIFY, op_doc_verify, false},
    {"doc.export", CORE_ACT_LEDGER_VERIFY, op_doc_export, false},
    {"collection.list", CORE_ACT_CUSTOMER_READ, op_collection_list, true},
    {"collection.show", CORE_ACT_CUSTOMER_READ, op_collection_show, false},
    {"collection.action", CORE_ACT_CUSTOMER_EDIT, op_collection_action, false},
    {"collection.promise", CORE_ACT_CUSTOMER_EDIT, op_collection_promise, false},
    {"collection.recover", CORE_ACT_REPAYMENT_RECORD, op_collection_recover, false},
    {"visit.add", CORE_ACT_CUSTOMER_EDIT, op_visit_add, false},
    {"visit.list", CORE_ACT_CUSTOMER_READ, op_visit_list, false},
    {"complaint.add", CORE_ACT_CUSTOMER_EDIT, op_complaint_add, false},
    {"complaint.assign", CORE_ACT_CUSTOMER_ASSIGN, op_complaint_assign, true},
    {"complaint.respond", CORE_ACT_CUSTOMER_EDIT, op_complaint_respond, false},
    {"complaint.close", CORE_ACT_CUSTOMER_EDIT, op_complaint_close, false},
    {"complaint.list", CORE_ACT_CUSTOMER_READ, op_complaint_list, true},
    {"churn.list", CORE_ACT_CUSTOMER_READ, op_churn_list, true},
    {"backup.create", CORE_ACT_BACKUP, op_backup, true},
    {"rating.fit", CORE_ACT_RATING_FIT, op_rating_fit, true},
};

#define OPERATION_COUNT (sizeof operations / sizeof operations[0])

static void every_operation_follows_the_table_for_every_role_and_customer(void)
{
    for (size_t i = 0; i < OPERATION_COUNT; i++)
        for (int r = 0; r < CORE_ROLE_COUNT; r++)
            for (int owner = 0; owner < 2; owner++)
                run_cell(&operations[i], (core_role)r, owner);
    fprintf(stderr, "%d cells, %d disagree with the table\n", cells, failures);
    CHECK_INT(failures, 0);
}

/* An expired password (here: one the admin set and its owner never replaced)
 * may change itself and nothing else: every operation is refused and audited. */
static void an_expired_password_may_do_nothing_but_change(void)
{
    int refused = 0;
    for (size_t i = 0; i < OPERATION_COUNT; i++) {
        ld_api *api = open_copy("expired");
        ld_session *s = NULL;
        ld_error err;
        if (ld_session_resume(api, expired_token, &s, &err) != LD_OK)
            afx_die("resume expired", &err);
        int64_t before = denied_rows(api);
        cJSON *out = NULL;
        ld_status st = operations[i].call(s, 0, &out, &err);
        cJSON_Delete(out);
        /* Changing someone else's password is refused for the role itself
         * (officers manage no accounts); everything else for the password. */
        if (st == LD_EPERM && denied_rows(api) == before + 1)
            refused++;
        else
            fprintf(stderr, "FAIL %s with an expired password: status %d\n", operations[i].name,
                    (int)st);
        ld_session_free(s);
        close_copy(api, "expired");
    }
    CHECK_INT(refused, (int)OPERATION_COUNT);
}

/* A locked or deactivated account cannot log in, and the tokens it held stop
 * working at once; each refused login leaves a row. */
static void locked_and_revoked_identities_get_no_session(void)
{
    char path[160], tokens_text[2][LD_SESSION_TOKEN_MAX + 2];
    snprintf(path, sizeof path, "%s/tokens", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    for (int i = 0; i < 2; i++) {
        if (fgets(tokens_text[i], sizeof tokens_text[i], f) == NULL)
            tokens_text[i][0] = '\0';
        tokens_text[i][strcspn(tokens_text[i], "\n")] = '\0';
    }
    fclose(f);
    const char *names[2] = {"locked1", "revoked1"};
    for (int i = 0; i < 2; i++) {
        ld_api *api = open_copy("identity");
        ld_session *s = NULL;
        ld_error err;
        int64_t before = denied_rows(api);
        CHECK_INT(ld_session_login(api, names[i], USER_PASSWORD, &s, &err), LD_EPERM);
        CHECK(s == NULL);
        CHECK_INT(denied_rows(api), before + 1);
        CHECK_INT(ld_session_resume(api, tokens_text[i], &s, &err), LD_EPERM);
        CHECK(s == NULL);
        close_copy(api, "identity");
    }
}

int main(int argc, char **argv)
{
    make_book();
    static const check_case cases[] = {
        {"every_operation_follows_the_table_for_every_role_and_customer",
         every_operation_follows_the_table_for_every_role_and_customer},
        {"an_expired_password_may_do_nothing_but_change",
         an_expired_password_may_do_nothing_but_change},
        {"locked_and_revoked_identities_get_no_session",
         locked_and_revoked_identities_get_no_session},
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
