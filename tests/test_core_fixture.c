/*
 * test_core_fixture.c - the shared starting point of the core test programs:
 * an in-memory store with the test policy, the product catalogue and one user
 * of each role (two officers, two reviewers with different authority limits),
 * all sharing one password. The accounts are made once through core_user_add
 * (PBKDF2 is slow) and copied into each test's fresh :memory: database with
 * SQLite's backup API, so every test starts from the same state and none sees
 * another's rows. The functions are declared in each test file (block
 * "fixture") because only .c files belong to these tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "application.h"
#include "borrower.h"
#include "credit.h"
#include "doc_fixture.h"
#include "check.h"
#include "ident.h"
#include "policy.h"
#include "store_sql.h"
#include "test_clock.h"
#include "user.h"

#ifndef LOANDESK_SOURCE_DIR
#error "LOANDESK_SOURCE_DIR must name the source tree (policy files)"
#endif

/* Keep in step with the declarations in the test files. */
typedef struct fx {
    core_store *store;
    core_session admin, off1, off2, rev1, rev2, mgr, aud;
} fx;

#define FX_PASSWORD "Fixture-pass-2026"
#define FX_TODAY    "2026-06-15"

static core_store *template_store;
static fx template_sessions;

static void fx_die(const char *what, const ld_error *err)
{
    fprintf(stderr, "fixture: %s: %s\n", what, err ? err->message : "");
    exit(99);
}

static core_session add_user(core_store *store, const core_session *admin, const char *name,
                             core_role role, ld_money limit)
{
    ld_error err;
    core_user_spec spec = {name, name, role, limit, FX_PASSWORD};
    int64_t id;
    if (core_user_add(store, admin, &spec, &id, &err) != LD_OK)
        fx_die("adding a user", &err);
    core_session s = {.user_id = id, .role = role};
    snprintf(s.username, sizeof s.username, "%s", name);
    if (limit < 0 && core_policy_default_authority(store, role, &s.authority_limit, &err) != LD_OK)
        fx_die("reading the default authority", &err);
    if (limit >= 0)
        s.authority_limit = limit;
    return s;
}

static void build_template(void)
{
    ld_error err;
    if (core_store_open(":memory:", &template_store, &err) != LD_OK)
        fx_die("opening the template", &err);
    test_set_today(template_store, FX_TODAY);
    if (core_store_begin(template_store, &err) != LD_OK ||
        core_user_init_admin(template_store, "admin", "Administrator", FX_PASSWORD,
                             &template_sessions.admin, &err) != LD_OK ||
        core_policy_load(template_store, NULL, LOANDESK_SOURCE_DIR "/tests/data/policy-core.json",
                         LOANDESK_SOURCE_DIR "/policy/products.json", &err) != LD_OK)
        fx_die("building the template", &err);
    fx *t = &template_sessions;
    t->off1 = add_user(template_store, &t->admin, "off1", CORE_ROLE_OFFICER, -1);
    t->off2 = add_user(template_store, &t->admin, "off2", CORE_ROLE_OFFICER, -1);
    t->rev1 = add_user(template_store, &t->admin, "rev1", CORE_ROLE_REVIEWER, -1);
    t->rev2 = add_user(template_store, &t->admin, "rev2", CORE_ROLE_REVIEWER, 5000000); /* 50k */
    t->mgr = add_user(template_store, &t->admin, "mgr", CORE_ROLE_MANAGER, -1);
    t->aud = add_user(template_store, &t->admin, "aud", CORE_ROLE_AUDITOR, -1);
    /* Each has replaced the first password the admin gave them. */
    char sql[128], today[LD_DATE_TEXT_MAX];
    snprintf(sql, sizeof sql, "UPDATE app_user SET password_changed_on = '%s'",
             ld_date_format(core_store_clock_date(template_store), today));
    if (sqlite3_exec(core_store_db(template_store), sql, NULL, NULL, NULL) != SQLITE_OK)
        fx_die("dating the passwords", NULL);
    if (core_store_commit(template_store, &err) != LD_OK)
        fx_die("committing the template", &err);
}

void fx_open(fx *f)
{
    if (template_store == NULL)
        build_template();
    ld_error err;
    *f = template_sessions;
    f->store = NULL;
    if (core_store_open(":memory:", &f->store, &err) != LD_OK)
        fx_die("opening a test store", &err);
    test_set_today(f->store, FX_TODAY);
    sqlite3_backup *copy =
        sqlite3_backup_init(core_store_db(f->store), "main", core_store_db(template_store), "main");
    if (copy == NULL || sqlite3_backup_step(copy, -1) != SQLITE_DONE)
        fx_die("copying the template", NULL);
    sqlite3_backup_finish(copy);
}

void fx_close(fx *f)
{
    core_store_close(f->store);
    f->store = NULL;
}

cJSON *fx_json(const char *text)
{
    cJSON *value = cJSON_Parse(text);
    if (value == NULL) {
        fprintf(stderr, "fixture: bad JSON in a test: %s\n", text);
        exit(99);
    }
    return value;
}

/* A resident ID with a correct check character from its first 17 digits. */
const char *fx_resident_id(char out[19], const char *first17)
{
    memcpy(out, first17, 17);
    out[17] = core_resident_id_check_char(first17);
    out[18] = '\0';
    return out;
}

const char *fx_credit_code(char out[19], const char *first17)
{
    memcpy(out, first17, 17);
    out[17] = core_uscc_check_char(first17);
    out[18] = '\0';
    return out;
}

/* An individual borrower record (born 1990-05-01 unless first17 says else). */
cJSON *fx_person(const char *first17)
{
    char id[19];
    cJSON *b = fx_json("{\"kind\": \"individual\", \"name\": \"Zhang San\", \"phone\": "
                       "\"13800138000\", \"address\": \"1 Chang'an Ave, Beijing\", "
                       "\"employer\": \"Acme\", \"years_employed\": 5, "
                       "\"monthly_income\": \"20000.00\", \"existing_debt\": \"0.00\"}");
    cJSON_AddStringToObject(b, "id_number",
                            fx_resident_id(id, first17 ? first17 : "11010519900501123"));
    return b;
}

cJSON *fx_company(const char *first17)
{
    char code[19];
    cJSON *b = fx_json(
        "{\"kind\": \"enterprise\", \"name\": \"Acme Trading Ltd\", \"phone\": \"021-5555-1234\","
        " \"address\": \"88 Century Ave, Shanghai\", \"industry\": \"wholesale\","
        " \"industry_risk_class\": 2, \"years_in_business\": 8, \"registered_capital\": "
        "\"5000000.00\", \"financials\": [{\"year\": 2025, \"total_assets\": \"20000000.00\","
        " \"total_liabilities\": \"8000000.00\", \"current_assets\": \"9000000.00\","
        " \"current_liabilities\": \"4000000.00\", \"inventory\": \"2000000.00\","
        " \"revenue\": \"30000000.00\", \"net_profit\": \"2500000.00\","
        " \"operating_cash_flow\": \"3000000.00\"}]}");
    cJSON_AddStringToObject(b, "credit_code",
                            fx_credit_code(code, first17 ? first17 : "91310000MA1FL2A3B"));
    return b;
}

/* Runs one write in its own transaction, committing on success and rolling
 * back on failure, as a front end does. */
static ld_status committed(fx *f, ld_status st)
{
    if (st == LD_OK) {
        ld_error err;
        if (core_store_commit(f->store, &err) != LD_OK)
            fx_die("commit", &err);
    } else {
        core_store_rollback(f->store);
    }
    return st;
}

void fx_begin(fx *f)
{
    ld_error err;
    if (core_store_begin(f->store, &err) != LD_OK)
        fx_die("begin", &err);
}

int64_t fx_add_borrower(fx *f, const core_session *officer, cJSON *record)
{
    ld_error err;
    int64_t id = 0;
    fx_begin(f);
    if (committed(f, core_borrower_add(f->store, officer, record, &id, &err)) != LD_OK)
        fx_die("adding a borrower", &err);
    cJSON_Delete(record);
    return id;
}

/* A PCL application record for borrower_id (100000.00 over 24 months by
 * annuity unless amount says else); the keys of extra_json (may be NULL)
 * replace or add to it. The caller owns the result. */
cJSON *fx_app_json(int64_t borrower_id, const char *amount, const char *extra_json)
{
    cJSON *a = fx_json("{\"product\": \"PCL\", \"term_months\": 24, \"method\": \"annuity\","
                       " \"purpose\": \"home renovation\"}");
    cJSON_AddNumberToObject(a, "borrower_id", (double)borrower_id);
    cJSON_AddStringToObject(a, "amount", amount ? amount : "100000.00");
    if (extra_json != NULL) {
        cJSON *extra = fx_json(extra_json), *item = extra->child;
        while (item != NULL) {
            cJSON *following = item->next;
            cJSON_DeleteItemFromObjectCaseSensitive(a, item->string);
            cJSON_AddItemToObject(a, item->string, cJSON_DetachItemViaPointer(extra, item));
            item = following;
        }
        cJSON_Delete(extra);
    }
    return a;
}

int64_t fx_add_app(fx *f, const core_session *officer, int64_t borrower_id, const char *amount,
                   const char *extra_json)
{
    ld_error err;
    cJSON *a = fx_app_json(borrower_id, amount, extra_json);
    int64_t id = 0;
    fx_begin(f);
    if (committed(f, core_application_create(f->store, officer, a, &id, &err)) != LD_OK)
        fx_die("creating an application", &err);
    cJSON_Delete(a);
    return id;
}

const char *const fx_investigation_json =
    "{\"site_visit_date\": \"2026-06-01\", \"operations\": \"steady salaried job\","
    " \"assets_liabilities\": \"owns flat, no other debt\", \"repayment_capacity\": "
    "\"payment below 30% of income\", \"conclusion\": \"recommend\"}";

void fx_add_investigation(fx *f, const core_session *officer, int64_t app_id)
{
    ld_error err;
    cJSON *inv = fx_json(fx_investigation_json);
    int64_t id;
    fx_begin(f);
    if (committed(f, core_investigation_add(f->store, officer, app_id, inv, &id, &err)) != LD_OK)
        fx_die("adding an investigation", &err);
    cJSON_Delete(inv);
}

void fx_submit(fx *f, const core_session *officer, int64_t app_id)
{
    ld_error err;
    dfx_complete(f->store, officer, app_id);
    fx_begin(f);
    if (committed(f, core_application_submit(f->store, officer, app_id, &err)) != LD_OK)
        fx_die("submitting", &err);
}

/* Stores a rating that recommends exactly what was applied for, at 5 %. */
void fx_rate(fx *f, const core_session *who, int64_t app_id, const char *decision)
{
    ld_error err;
    core_application app;
    if (core_application_get(f->store, app_id, &app, &err) != LD_OK)
        fx_die("reading the application", &err);
    core_rating_summary s;
    memset(&s, 0, sizeof s);
    s.score = 700;
    snprintf(s.grade, sizeof s.grade, "%s", "A");
    s.pd = 10000;
    snprintf(s.decision, sizeof s.decision, "%s", decision);
    s.recommended_amount = app.amount;
    s.recommended_term_months = app.term_months;
    s.rate = 50000;
    s.fee_method = CORE_FEE_NONE;
    snprintf(s.policy_sha256, sizeof s.policy_sha256, "%064d", 0);
    fx_begin(f);
    if (committed(f, core_rating_save(f->store, who, app_id, &s, "{}", NULL, &err)) != LD_OK)
        fx_die("saving a rating", &err);
}

/* One integer from SQL (counts in tests); -1 on error. */
long long fx_count(fx *f, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    long long value = -1;
    if (sqlite3_prepare_v2(core_store_db(f->store), sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
}

/* A text value from SQL copied into out ("" when no row). */
const char *fx_text(fx *f, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(core_store_db(f->store), sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL)
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
}

/* A temporary folder per test program, made on first use and removed (when
 * empty) by fx_temp_remove; out receives FOLDER/name. */
static char temp_dir[64];

const char *fx_temp_path(char *out, size_t size, const char *name)
{
    if (temp_dir[0] == '\0') {
        snprintf(temp_dir, sizeof temp_dir, "%s", "/tmp/ld-test-XXXXXX");
        if (mkdtemp(temp_dir) == NULL) {
            perror("mkdtemp");
            exit(99);
        }
    }
    snprintf(out, size, "%s/%s", temp_dir, name);
    return out;
}

void fx_temp_remove(void)
{
    if (temp_dir[0] != '\0')
        rmdir(temp_dir);
}
