/*
 * test_loan.c - the loan ledger: pure arithmetic (floors, daily interest,
 * allocation order, schedule rebuilds, the daily step), then loans in an
 * in-memory database made through the core API: disbursement, repayment,
 * prepayment, settlement, classification, write-off, close of business, the
 * journal's balance and the sub-ledger against control accounts after every
 * operation of a long random scenario, and tampering through raw SQL that
 * `ledger verify` must catch with LD_EVERIFY naming the first bad entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "application.h"
#include "borrower.h"
#include "care.h"
#include "collection.h"
#include "check.h"
#include "doc_fixture.h"
#include "credit.h"
#include "ident.h"
#include "journal.h"
#include "json_in.h"
#include "keystore.h"
#include "ledger_events.h"
#include "ledger_synth.h"
#include "ledger_verify.h"
#include "loan.h"
#include "loan_calc.h"
#include "log.h"
#include "policy.h"
#include "store_sql.h"
#include "test_clock.h"
#include "user.h"

#ifndef LOANDESK_SOURCE_DIR
#error "LOANDESK_SOURCE_DIR must name the source tree"
#endif

#define PASSWORD      "Loan-test-pass-2026"
#define CA_PASSPHRASE "Loan-test-CA-custodians"

static ld_date D(const char *text)
{
    ld_date d = 0;
    ld_date_parse("date", text, &d, NULL);
    return d;
}

/* ---- Pure arithmetic ---------------------------------------------------------- */

static void test_category_floor_boundaries(void)
{
    static const struct {
        int64_t dpd;
        ledger_category want;
    } cases[] = {{0, LEDGER_CAT_NORMAL},           {1, LEDGER_CAT_SPECIAL_MENTION},
                 {90, LEDGER_CAT_SPECIAL_MENTION}, {91, LEDGER_CAT_SUBSTANDARD},
                 {270, LEDGER_CAT_SUBSTANDARD},    {271, LEDGER_CAT_DOUBTFUL},
                 {360, LEDGER_CAT_DOUBTFUL},       {361, LEDGER_CAT_LOSS},
                 {5000, LEDGER_CAT_LOSS}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_INT(ledger_category_floor(cases[i].dpd), cases[i].want);
    ledger_category c;
    CHECK_INT(ledger_category_parse("category", "doubtful", &c, NULL), LD_OK);
    CHECK_INT(c, LEDGER_CAT_DOUBTFUL);
    ld_error err;
    CHECK_INT(ledger_category_parse("category", "bad", &c, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "category:");
}

static void test_daily_interest_and_penalty_rounding(void)
{
    /* 100000.00 at 4.35 %: 10000000 * 0.0435 / 360 = 1208.333 -> 1208 fen. */
    CHECK_INT(ledger_daily_interest(10000000, 43500), 1208);
    CHECK_INT(ledger_daily_interest(0, 43500), 0);
    /* A tie: 720 fen at 25 % a year = 0.5 fen a day rounds away from zero. */
    CHECK_INT(ledger_daily_interest(720, 250000), 1);
    /* Penalty at rate x 1.5: 10000000 * 0.06525 / 360 = 1812.5 -> 1813. */
    int64_t pr = ledger_penalty_rate(43500, 500000);
    CHECK_INT(ledger_daily_penalty(10000000, pr), 1813);
    CHECK_INT(ledger_daily_penalty(-5, pr), 0);
    /* The largest loan the ledger accepts does not overflow. */
    CHECK(ledger_daily_penalty(LD_MONEY_MAX, ledger_penalty_rate(LD_RATE_MAX, LD_RATE_MAX)) > 0);
}

static ledger_inst inst(int n, ld_date due, ld_money p, ld_money i, ld_money pen)
{
    ledger_inst x;
    memset(&x, 0, sizeof x);
    x.number = n;
    x.due = due;
    x.principal = p;
    x.interest = i;
    x.penalty = pen;
    x.accrual_from = due;
    return x;
}

static void test_allocation_oldest_first_penalty_interest_principal(void)
{
    ld_date d = D("2026-03-01");
    static const struct {
        ld_money amount;
        ld_money pen, intr, prin, prepaid, unapplied;
        ld_money paid_p1, paid_i2;
    } cases[] = {
        {50, 50, 0, 0, 0, 0, 0, 0},                /* penalty of the oldest first */
        {150, 100, 50, 0, 0, 0, 0, 0},             /* then its interest */
        {1200, 100, 100, 1000, 0, 0, 1000, 0},     /* then its principal */
        {1250, 100, 150, 1000, 0, 0, 1000, 50},    /* then the next installment */
        {2400, 100, 200, 2000, 0, 100, 1000, 100}, /* nothing not yet due: unapplied */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ledger_inst rows[3] = {inst(1, d - 60, 1000, 100, 100), inst(2, d - 30, 1000, 100, 0),
                               inst(3, d + 30, 1000, 100, 0)};
        ledger_allocation a;
        CHECK_INT(ledger_allocate(rows, 3, d, cases[k].amount, 0, 0, false, &a, NULL), LD_OK);
        CHECK_INT(a.penalty, cases[k].pen);
        CHECK_INT(a.interest, cases[k].intr);
        CHECK_INT(a.principal, cases[k].prin);
        CHECK_INT(a.prepaid, cases[k].prepaid);
        CHECK_INT(a.unapplied, cases[k].unapplied);
        CHECK_INT(rows[0].paid_principal, cases[k].paid_p1);
        CHECK_INT(rows[1].paid_interest, cases[k].paid_i2);
        CHECK_INT(rows[2].paid_interest, 0); /* never pays what is not due */
        CHECK_INT(a.penalty + a.compound + a.fee + a.interest + a.principal + a.prepaid +
                      a.unapplied,
                  cases[k].amount);
    }
    ledger_inst one = inst(1, d, 1000, 100, 0);
    ledger_allocation a;
    CHECK_INT(ledger_allocate(&one, 1, d, 2000, 5000, 0, false, &a, NULL), LD_OK);
    CHECK_INT(a.prepaid, 900); /* overpayment prepays principal */
    CHECK_INT(ledger_allocate(&one, 1, d, 0, 0, 0, false, &a, NULL), LD_EINVAL);
}

static void test_rebuild_keeps_principal_and_dates(void)
{
    static const struct {
        ld_repay_method method;
        ledger_prepay_rule rule;
    } cases[] = {{LD_METHOD_ANNUITY, LEDGER_PREPAY_SHORTEN_TERM},
                 {LD_METHOD_ANNUITY, LEDGER_PREPAY_REDUCE_INSTALLMENT},
                 {LD_METHOD_EQUAL_PRINCIPAL, LEDGER_PREPAY_SHORTEN_TERM},
                 {LD_METHOD_EQUAL_PRINCIPAL, LEDGER_PREPAY_REDUCE_INSTALLMENT},
                 {LD_METHOD_INTEREST_ONLY, LEDGER_PREPAY_SHORTEN_TERM},
                 {LD_METHOD_BULLET, LEDGER_PREPAY_REDUCE_INSTALLMENT}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        bool bullet = cases[k].method == LD_METHOD_BULLET;
        ledger_rebuild rb = {.method = cases[k].method,
                             .period = LD_PERIOD_MONTHLY,
                             .months_each = bullet ? 12 : 1,
                             .rate = 43500,
                             .disbursed = D("2026-01-31"),
                             .term_installments = bullet ? 1 : 12,
                             .first_number = bullet ? 1 : 4,
                             .principal = 5000000,
                             .paid_on = D("2026-04-15"),
                             .accrued = 1234,
                             .rule = cases[k].rule,
                             .regular = cases[k].method == LD_METHOD_ANNUITY ? 853000 : 833333};
        ledger_inst *rows = NULL;
        size_t n = 0;
        ld_money regular = 0;
        CHECK_INT(ledger_schedule_rebuild(&rb, &rows, &n, &regular, NULL), LD_OK);
        ld_money sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += rows[i].principal;
        CHECK_INT(sum, 5000000);
        CHECK(n >= 1);
        if (n >= 1) {
            CHECK_INT(rows[0].number, rb.first_number);
            /* The broken period: the interest accrued through the day of the
             * prepayment (1234), then ACT/360 on the new principal from the
             * day after it to the day before the due date (the due date's
             * day accrues towards the next installment): 45 days to
             * 2026-05-31, 50,000.00 x 4.35 % x 45 / 360 = 271.875, 271.88. */
            ld_date due = bullet ? D("2027-01-31") : D("2026-05-31");
            CHECK_INT(rows[0].due, due);
            CHECK_INT(rows[0].interest, 1234 + (bullet ? 175208 : 27188)); /* bullet: 290 days */
        }
        if (!bullet && n >= 2)
            CHECK_INT(rows[0].due, D("2026-05-31")); /* from disbursement */
        if (!bullet && n >= 3)
            CHECK_INT(rows[1].due, D("2026-06-30")); /* clamped */
        if (cases[k].rule == LEDGER_PREPAY_SHORTEN_TERM &&
            cases[k].method != LD_METHOD_INTEREST_ONLY)
            CHECK(n < 9); /* fewer than the 9 left */
        if (cases[k].rule == LEDGER_PREPAY_REDUCE_INSTALLMENT && !bullet)
            CHECK_INT(n, 9);
        free(rows);
    }
}

static void test_day_step_due_overdue_penalty(void)
{
    ledger_loan_state s;
    memset(&s, 0, sizeof s);
    s.status = LEDGER_LOAN_ACTIVE;
    s.accrued_through = D("2026-01-31");
    s.principal = 1000000;
    s.oldest_unpaid_due = LEDGER_NO_DATE;
    s.manual = LEDGER_CATEGORY_NONE;
    s.next_inspection = D("2026-02-15");
    ledger_loan_set_next(&s, 1, D("2026-02-02"), 500000, 3000, 0);
    ledger_loan_terms t = {.rate = 36000,
                           .penalty_rate = ledger_penalty_rate(36000, 500000),
                           .inspection_every_days = {90, 30, 15, 15, 15}};
    ledger_day_result r;
    CHECK_INT(ledger_loan_day(&s, &t, D("2026-02-01"), &r, NULL), LD_OK);
    CHECK_INT(r.interest_accrued, 100); /* 1000000 * 0.036 / 360 */
    CHECK_INT(ledger_loan_day(&s, &t, D("2026-02-03"), &r, NULL), LD_EINVAL);
    CHECK_INT(ledger_loan_day(&s, &t, D("2026-02-02"), &r, NULL), LD_OK);
    CHECK(r.fell_due);
    CHECK_INT(r.accrued_released, 100);
    CHECK_INT(r.interest_fell_due, 3000);
    CHECK_INT(s.interest_due, 3000);
    CHECK_INT(r.interest_accrued, 50); /* only the principal not yet due accrues */
    CHECK_INT(s.dpd, 0);               /* due today is not past due */
    ledger_loan_set_next(&s, 0, LEDGER_NO_DATE, 0, 0, 0);
    CHECK_INT(ledger_loan_day(&s, &t, D("2026-02-03"), &r, NULL), LD_OK);
    CHECK(r.became_overdue);
    CHECK_INT(s.dpd, 1);
    CHECK_INT(s.category, LEDGER_CAT_SPECIAL_MENTION);
    CHECK_INT(r.penalty, 75); /* 500000 * 0.054 / 360 */
    CHECK_INT(r.compound, 0); /* 3000 * 0.054 / 360 = 0.45 -> 0 */
    /* Worse category brings the inspection forward: 30 days from here. */
    CHECK_INT(s.next_inspection, D("2026-02-15"));
    /* An installment materialized over the same days matches the loan. */
    ledger_inst x = inst(1, D("2026-02-02"), 500000, 3000, 0);
    ledger_inst_materialize(&x, t.penalty_rate, D("2026-02-03"));
    CHECK_INT(x.penalty, s.penalty);
}

/* ---- Store fixture -------------------------------------------------------------- */

static core_store *template_store;
static core_session s_admin, s_off, s_mgr, s_aud;

/* The institution key file of the template book, its key once read, and the
 * CA certificate an auditor holds, in a folder of their own. */
static char s_keydir[] = "/tmp/loandesk-loan-keys-XXXXXX";
static char s_key_path[300], s_ca_path[300];
static core_pki_key *s_key;
static char *s_cert;

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "test_loan: %s: %s\n", what, err ? err->message : "");
    exit(99);
}

static core_session add_user(const char *name, core_role role)
{
    ld_error err;
    core_user_spec spec = {name, name, role, -1, PASSWORD};
    int64_t id;
    if (core_user_add(template_store, &s_admin, &spec, &id, &err) != LD_OK)
        die("adding a user", &err);
    core_session s = {.user_id = id, .role = role};
    snprintf(s.username, sizeof s.username, "%s", name);
    core_policy_default_authority(template_store, role, &s.authority_limit, &err);
    return s;
}

static core_store *open_store(void)
{
    ld_error err;
    if (template_store == NULL) {
        if (core_store_open(":memory:", &template_store, &err) != LD_OK)
            die("template", &err);
        test_set_today(template_store, "2026-12-31");
        if (ledger_events_attach(template_store, &err) != LD_OK ||
            core_store_begin(template_store, &err) != LD_OK ||
            core_user_init_admin(template_store, "admin", "Administrator", PASSWORD, &s_admin,
                                 &err) != LD_OK ||
            core_policy_load(template_store, NULL,
                             LOANDESK_SOURCE_DIR "/tests/data/policy-core.json",
                             LOANDESK_SOURCE_DIR "/policy/products.json", &err) != LD_OK ||
            mkdtemp(s_keydir) == NULL)
            die("template", &err);
        snprintf(s_key_path, sizeof s_key_path, "%s/institution-key", s_keydir);
        snprintf(s_ca_path, sizeof s_ca_path, "%s/ca.pem", s_keydir);
        core_keystore_custody custody = {CA_PASSPHRASE, s_key_path, NULL};
        char *ca = NULL;
        FILE *f = NULL;
        if (core_keystore_init(template_store, &s_admin, &custody, PASSWORD, "Test Bank",
                               1767225600, &err) != LD_OK ||
            core_keystore_institution_signer(template_store, s_key_path, NULL, &s_key, &s_cert,
                                             &err) != LD_OK ||
            core_keystore_ca_cert(template_store, &ca, &err) != LD_OK ||
            (f = fopen(s_ca_path, "w")) == NULL)
            die("template keys", &err);
        fputs(ca, f);
        fclose(f);
        free(ca);
        s_off = add_user("off1", CORE_ROLE_OFFICER);
        s_mgr = add_user("mgr", CORE_ROLE_MANAGER);
        s_aud = add_user("aud", CORE_ROLE_AUDITOR);
        if (core_store_commit(template_store, &err) != LD_OK)
            die("commit", &err);
    }
    core_store *store = NULL;
    if (core_store_open(":memory:", &store, &err) != LD_OK)
        die("open", &err);
    test_set_today(store, "2026-12-31");
    sqlite3_backup *copy =
        sqlite3_backup_init(core_store_db(store), "main", core_store_db(template_store), "main");
    if (copy == NULL || sqlite3_backup_step(copy, -1) != SQLITE_DONE)
        die("backup", NULL);
    sqlite3_backup_finish(copy);
    if (ledger_events_attach(store, &err) != LD_OK)
        die("attach", &err);
    return store;
}

static void begin(core_store *store)
{
    ld_error err;
    if (core_store_begin(store, &err) != LD_OK)
        die("begin", &err);
}

static ld_status test_key(void *ctx, const core_pki_key **key, const char **cert, ld_error *err)
{
    (void)ctx;
    (void)err;
    *key = s_key;
    *cert = s_cert;
    return LD_OK;
}

/* Commits as api_run does: what the operation appended is signed first. */
static ld_status end(core_store *store, ld_status st)
{
    ld_error err;
    if (st == LD_OK) {
        bool made = false;
        if (ledger_checkpoint_seal(store, NULL, test_key, NULL, (int64_t)ledger_event_now(store),
                                   &made, NULL, &err) != LD_OK ||
            core_store_commit(store, &err) != LD_OK)
            die("commit", &err);
    } else {
        core_store_rollback(store);
    }
    return st;
}

/* An approved application of borrower number n for product. */
static int64_t approved_app_of(core_store *store, const char *product, int n, const char *amount,
                               int term, const char *method, ld_rate rate,
                               core_fee_method fee_method, ld_money fee)
{
    ld_error err;
    char first17[18], id[19];
    snprintf(first17, sizeof first17, "11010519900501%03d", n % 1000);
    memcpy(id, first17, 17);
    id[17] = core_resident_id_check_char(first17);
    id[18] = '\0';
    cJSON *b = cJSON_Parse("{\"kind\": \"individual\", \"name\": \"Zhang San\", \"phone\": "
                           "\"13800138000\", \"address\": \"1 Chang'an Ave\", "
                           "\"monthly_income\": \"30000.00\"}");
    cJSON_AddStringToObject(b, "id_number", id);
    int64_t borrower = 0, app = 0;
    begin(store);
    if (end(store, core_borrower_add(store, &s_off, b, &borrower, &err)) != LD_OK)
        die("borrower", &err);
    cJSON_Delete(b);
    char json[512];
    snprintf(json, sizeof json,
             "{\"borrower_id\": %lld, \"product\": \"%s\", \"amount\": \"%s\", "
             "\"term_months\": %d, \"method\": \"%s\", \"purpose\": \"renovation\", "
             "\"investigation\": {\"site_visit_date\": \"2026-06-01\", \"operations\": \"ok\", "
             "\"assets_liabilities\": \"ok\", \"repayment_capacity\": \"ok\", \"conclusion\": "
             "\"ok\"}}",
             (long long)borrower, product, amount, term, method);
    cJSON *a = cJSON_Parse(json);
    begin(store);
    if (end(store, core_application_create(store, &s_off, a, &app, &err)) != LD_OK)
        die("application", &err);
    cJSON_Delete(a);
    begin(store);
    dfx_complete(store, &s_off, app);
    if (end(store, core_application_submit(store, &s_off, app, &err)) != LD_OK)
        die("submit", &err);
    core_rating_summary rating;
    memset(&rating, 0, sizeof rating);
    rating.score = 700;
    snprintf(rating.grade, sizeof rating.grade, "A");
    rating.pd = 10000;
    snprintf(rating.decision, sizeof rating.decision, "approve");
    rating.rate = rate;
    snprintf(rating.policy_sha256, sizeof rating.policy_sha256, "%064d", 0);
    begin(store);
    if (end(store, core_rating_save(store, &s_mgr, app, &rating, "{}", NULL, &err)) != LD_OK)
        die("rating", &err);
    core_approval_terms terms = {
        .rate = rate, .fee_given = true, .fee_method = fee_method, .fee_amount = fee};
    begin(store);
    if (end(store, core_application_approve(store, &s_mgr, app, &terms, "fine", &err)) != LD_OK)
        die("approve", &err);
    return app;
}

/* The same for the personal consumer loan (PCL). */
static int64_t approved_app(core_store *store, int n, const char *amount, int term,
                            const char *method, ld_rate rate, core_fee_method fee_method,
                            ld_money fee)
{
    return approved_app_of(store, "PCL", n, amount, term, method, rate, fee_method, fee);
}

static int64_t disburse(core_store *store, int64_t app, const char *date)
{
    ld_error err;
    int64_t loan = 0;
    begin(store);
    if (end(store, ledger_loan_disburse(store, &s_mgr, app, D(date), NULL, &loan, &err)) != LD_OK)
        die("disburse", &err);
    return loan;
}

static ld_status cob(core_store *store, const char *date, ledger_cob_result *r, ld_error *err)
{
    ledger_cob_options o = {.date = D(date)};
    ledger_cob_result local;
    begin(store);
    return end(store, ledger_cob_run(store, &s_mgr, &o, r ? r : &local, err));
}

static ld_status repay(core_store *store, int64_t loan, ld_money amount, const char *date,
                       ledger_allocation *a, ld_error *err)
{
    ledger_repay_request req = {.amount = amount, .date = D(date)};
    begin(store);
    return end(store, ledger_loan_repay(store, &s_off, loan, &req, a, err));
}

static void check_books(core_store *store, const char *when)
{
    ld_error err;
    begin(store);
    ld_status st = ledger_reconcile(store, &err);
    core_store_rollback(store);
    if (st != LD_OK)
        fprintf(stderr, "after %s: %s\n", when, err.message);
    CHECK_INT(st, LD_OK);
    cJSON *tb = NULL;
    CHECK_INT(ledger_trial_balance(store, &s_aud, D("2099-12-31"), &tb, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(tb, "balanced")));
    cJSON_Delete(tb);
}

static ld_status verify(core_store *store, ld_error *err)
{
    ledger_verify_report r;
    ledger_verify_options o = {.ca_file = s_ca_path};
    return ledger_verify(store, &s_aud, &o, &r, err);
}

/* ---- Store tests ---------------------------------------------------------------- */

/* Every journal entry about one loan names it: disbursement, repayment,
 * settlement, correction, write-off and classification. */
static void check_entries_name_their_loan(core_store *store, int kinds)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(core_store_db(store),
                       "SELECT count(*), count(DISTINCT e.kind), sum(e.loan_id IS NULL OR NOT "
                       "EXISTS (SELECT 1 FROM loan l WHERE l.id = e.loan_id)) FROM journal_entry "
                       "e WHERE e.kind IN ('disbursement', 'repayment', 'settlement', "
                       "'correction', 'write_off', 'classification')",
                       -1, &q, NULL);
    CHECK_INT(sqlite3_step(q), SQLITE_ROW);
    CHECK(sqlite3_column_int(q, 0) > 0);
    CHECK_INT(sqlite3_column_int(q, 1), kinds);
    CHECK_INT(sqlite3_column_int(q, 2), 0);
    sqlite3_finalize(q);
}

static void test_disburse_repay_show_and_books(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t app =
        approved_app(store, 1, "120000.00", 12, "annuity", 43500, CORE_FEE_UPFRONT, 100000);
    int64_t loan = disburse(store, app, "2026-01-31");
    check_books(store, "disbursement");
    /* A second disbursement of the same application is refused. */
    begin(store);
    CHECK_INT(
        end(store, ledger_loan_disburse(store, &s_mgr, app, D("2026-01-31"), NULL, NULL, &err)),
        LD_ESTATE);
    /* An officer may not disburse. */
    int64_t other = approved_app(store, 2, "50000.00", 6, "equal_principal", 50000,
                                 CORE_FEE_PER_INSTALLMENT, 1000);
    begin(store);
    CHECK_INT(
        end(store, ledger_loan_disburse(store, &s_off, other, D("2026-01-31"), NULL, NULL, &err)),
        LD_EPERM);
    int64_t loan2 = disburse(store, other, "2026-01-31");
    cJSON *show = NULL;
    CHECK_INT(ledger_loan_show(store, &s_off, loan, &show, &err), LD_OK);
    cJSON *sched = cJSON_GetObjectItem(show, "schedule");
    CHECK_INT(cJSON_GetArraySize(sched), 12);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(sched, 0), "due")->valuestring, "2026-02-28");
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(sched, 1), "due")->valuestring, "2026-03-31");
    CHECK_STR(cJSON_GetObjectItem(show, "next_inspection")->valuestring, "2026-02-15");
    cJSON_Delete(show);
    /* Pay the first installment on its due date: no penalty, not overdue. */
    CHECK_INT(cob(store, "2026-02-27", NULL, &err), LD_OK);
    check_books(store, "cob 02-27");
    ledger_allocation a;
    CHECK_INT(repay(store, loan, 1024000, "2026-02-28", &a, &err), LD_OK);
    CHECK_INT(a.penalty, 0);
    CHECK(a.interest > 0);
    check_books(store, "repayment");
    CHECK_INT(verify(store, &err), LD_OK);
    /* Let the second fall overdue and check penalty, DPD and category. */
    ledger_cob_result r;
    CHECK_INT(cob(store, "2026-04-10", &r, &err), LD_OK);
    CHECK(r.newly_overdue >= 1);
    check_books(store, "cob 04-10");
    CHECK_INT(ledger_loan_show(store, &s_mgr, loan, &show, &err), LD_OK);
    CHECK_INT(cJSON_GetObjectItem(show, "dpd")->valuedouble, 10);
    CHECK_STR(cJSON_GetObjectItem(show, "category")->valuestring, "special_mention");
    CHECK(strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(show, "balances"), "penalty")->valuestring,
                 "0.00") != 0);
    cJSON_Delete(show);
    /* Dates before the last close of business need a back-dated correction. */
    CHECK_INT(repay(store, loan, 100000, "2026-04-01", NULL, &err), LD_ESTATE);
    CHECK_CONTAINS(err.message, "--backdated");
    ledger_repay_request req = {.amount = 100000, .date = D("2026-04-01"), .backdated = true};
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay(store, &s_off, loan, &req, NULL, &err)), LD_EINVAL);
    req.reason = "cash received at branch on 1 April, keyed late";
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay(store, &s_off, loan, &req, NULL, &err)), LD_OK);
    if (check_failures)
        fprintf(stderr, "backdated: %s\n", err.message);
    check_books(store, "backdated");
    /* Same date again changes nothing. */
    long long before = 0;
    ledger_log *log = NULL;
    uint64_t size1 = 0, size2 = 0;
    ledger_log_open(core_store_db(store), &log, NULL);
    ledger_log_size(log, &size1, NULL);
    CHECK_INT(cob(store, "2026-04-10", &r, &err), LD_OK);
    CHECK(r.already_closed);
    ledger_log_size(log, &size2, NULL);
    CHECK_INT(size2, size1);
    ledger_log_close(log);
    (void)before;
    CHECK_INT(cob(store, "2026-04-09", &r, &err), LD_ESTATE);
    /* Classification: never better than the floor; worse with a reason. */
    begin(store);
    CHECK_INT(
        end(store, ledger_loan_classify(store, &s_mgr, loan, LEDGER_CAT_NORMAL, "cured", &err)),
        LD_EINVAL);
    begin(store);
    CHECK_INT(end(store, ledger_loan_classify(store, &s_off, loan, LEDGER_CAT_DOUBTFUL, "x", &err)),
              LD_EPERM);
    begin(store);
    CHECK_INT(end(store, ledger_loan_classify(store, &s_mgr, loan, LEDGER_CAT_LOSS,
                                              "borrower absconded", &err)),
              LD_OK);
    check_books(store, "classify");
    /* Write-off: manager, loss only. */
    begin(store);
    CHECK_INT(end(store, ledger_loan_write_off(store, &s_mgr, loan2, "no", &err)), LD_ESTATE);
    begin(store);
    CHECK_INT(end(store, ledger_loan_write_off(store, &s_mgr, loan, "court ruling", &err)), LD_OK);
    check_books(store, "write-off");
    /* Settle the other loan. */
    ld_money paid = 0;
    begin(store);
    CHECK_INT(end(store, ledger_loan_settle(store, &s_off, loan2, D("2026-04-20"), &paid, &err)),
              LD_OK);
    CHECK(paid > 0);
    check_books(store, "settle");
    CHECK_INT(ledger_loan_show(store, &s_mgr, loan2, &show, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItem(show, "status")->valuestring, "settled");
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(show, "balances"), "payoff")->valuestring,
              "0.00");
    cJSON_Delete(show);
    check_entries_name_their_loan(store, 6);
    CHECK_INT(verify(store, &err), LD_OK);
    if (check_failures)
        fprintf(stderr, "verify: %s\n", err.message);
    core_store_close(store);
}

static void test_prepayment_rebuilds_schedule(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t app = approved_app(store, 3, "240000.00", 24, "annuity", 43500, CORE_FEE_NONE, 0);
    int64_t loan = disburse(store, app, "2026-01-15");
    ledger_allocation a;
    /* PCL shortens the term: a large prepayment after the first installment. */
    CHECK_INT(repay(store, loan, 10000000, "2026-02-15", &a, &err), LD_OK);
    CHECK(a.prepaid > 0);
    check_books(store, "prepayment");
    cJSON *show = NULL;
    CHECK_INT(ledger_loan_show(store, &s_mgr, loan, &show, &err), LD_OK);
    int rows = cJSON_GetArraySize(cJSON_GetObjectItem(show, "schedule"));
    CHECK(rows < 24);
    cJSON_Delete(show);
    /* Too much is refused. */
    CHECK_INT(repay(store, loan, 100000000, "2026-02-16", NULL, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "settle");
    CHECK_INT(verify(store, &err), LD_OK);
    core_store_close(store);
}

static unsigned rnd_state = 12345;
static unsigned rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 16) & 0x7fff;
}

static void test_random_scenario_books_balance_after_every_operation(void)
{
    core_store *store = open_store();
    ld_error err;
    const char *methods[] = {"annuity", "equal_principal"};
    int64_t loans[6];
    for (int i = 0; i < 6; i++) {
        char amount[32];
        snprintf(amount, sizeof amount, "%d0000.00", 2 + (int)(rnd() % 30));
        int64_t app = approved_app(store, 10 + i, amount, 6 + 6 * (int)(rnd() % 4), methods[i % 2],
                                   30000 + 1000 * (int)(rnd() % 40), (core_fee_method)(i % 3),
                                   i % 3 ? 5000 : 0);
        loans[i] = disburse(store, app, "2026-01-10");
    }
    ld_date day = D("2026-01-10");
    char text[LD_DATE_TEXT_MAX];
    int ops = 0;
    for (int step = 0; step < 60; step++) {
        day += 1 + (int)(rnd() % 12);
        ld_date_format(day, text);
        /* The business date moves with the scenario, as it does in a bank. */
        test_set_today(store, text);
        CHECK_INT(cob(store, text, NULL, &err), LD_OK);
        check_books(store, "cob");
        for (int k = 0; k < 3; k++) {
            int64_t loan = loans[rnd() % 6];
            ld_money amount = 1000 + (ld_money)(rnd() % 2000) * 500;
            ld_status st = repay(store, loan, amount, text, NULL, &err);
            if (st != LD_OK && st != LD_ESTATE && st != LD_EINVAL) {
                fprintf(stderr, "repay: %s\n", err.message);
                CHECK_INT(st, LD_OK);
            }
            check_books(store, "repay");
            ops++;
        }
        if (step % 20 == 19) {
            CHECK_INT(verify(store, &err), LD_OK);
            if (err.code != LD_OK)
                fprintf(stderr, "verify: %s\n", err.message);
        }
    }
    CHECK(ops > 0);
    CHECK_INT(verify(store, &err), LD_OK);
    core_store_close(store);
}

static void test_money_moves_only_on_dates_that_have_come(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t app = approved_app(store, 50, "100000.00", 12, "annuity", 43500, CORE_FEE_NONE, 0);
    int64_t loan = disburse(store, app, "2026-12-31");
    /* today is pinned at 2026-12-31: the next day has not come */
    CHECK_INT(cob(store, "2027-01-01", NULL, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "date: 2027-01-01 is after today's business date 2026-12-31");
    CHECK_INT(repay(store, loan, 10000, "2027-01-01", NULL, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "after today's business date");
    int64_t other = approved_app(store, 51, "100000.00", 12, "annuity", 43500, CORE_FEE_NONE, 0);
    begin(store);
    int64_t id = 0;
    CHECK_INT(
        end(store, ledger_loan_disburse(store, &s_mgr, other, D("2027-01-01"), NULL, &id, &err)),
        LD_EINVAL);
    CHECK_INT(id, 0);
    CHECK_INT(cob(store, "2026-12-31", NULL, &err), LD_OK);
    CHECK_INT(repay(store, loan, 10000, "2026-12-31", NULL, &err), LD_OK);
    core_store_close(store);
}

/* A small ledger with a few operations, for tampering. */
/* Runs sql as someone editing the file would: what the store's connection
 * noted of the change for the log (rows.h) is dropped, so that no command of
 * loandesk records it. */
static void exec_outside(core_store *store, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(core_store_db(store), sql, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(core_store_db(store), "DELETE FROM temp.ld_row_change", NULL, NULL, &msg) !=
            SQLITE_OK) {
        fprintf(stderr, "sql: %s: %s\n", sql, msg);
        check_failures++;
    }
    sqlite3_free(msg);
}

static core_store *tamper_store(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t app = approved_app(store, 40, "100000.00", 12, "annuity", 43500, CORE_FEE_NONE, 0);
    int64_t loan = disburse(store, app, "2026-01-31");
    cob(store, "2026-03-05", NULL, &err);
    repay(store, loan, 900000, "2026-03-06", NULL, &err);
    cob(store, "2026-03-10", NULL, &err);
    repay(store, loan, 50000, "2026-03-11", NULL, &err);
    repay(store, loan, 50000, "2026-03-12", NULL, &err);
    CHECK_INT(verify(store, &err), LD_OK);
    return store;
}

/* The benchmarks' synthetic portfolio (ledger_synth.h) comes in as a migrated
 * book does, with an opening journal entry for its balances and installments
 * that add up to them, so a full verification accepts it, journal and loans
 * included, through closes that take installments past their due dates. */
static void test_a_synthetic_portfolio_verifies_in_full(void)
{
    core_store *store = open_store();
    ld_error err;
    unsigned random = 7;
    begin(store);
    /* Borrower ids far above the fixture's own. */
    CHECK_INT(
        end(store, ledger_synth_portfolio_part(store, 900000, 300, D("2026-10-01"), &random, &err)),
        LD_OK);
    int64_t opening = 0, overdue = 0;
    CHECK_INT(core_store_query_int(store,
                                   "SELECT count(*) FROM journal_entry WHERE kind = 'opening'", 0,
                                   &opening, &err),
              LD_OK);
    CHECK_INT(opening, 1);
    CHECK_INT(
        core_store_query_int(store, "SELECT count(*) FROM loan WHERE dpd > 0", 0, &overdue, &err),
        LD_OK);
    CHECK(overdue > 0);
    /* The journal reconciles from the start; the loans' balances are
     * proven from the first close on, whose digest covers them. */
    check_books(store, "the synthetic opening");
    for (ld_date d = D("2026-10-01"); d <= D("2026-11-15"); d++) {
        char day[LD_DATE_TEXT_MAX];
        CHECK_INT(cob(store, ld_date_format(d, day), NULL, &err), LD_OK);
    }
    check_books(store, "46 closes of the synthetic book");
    ld_status st = verify(store, &err);
    if (st != LD_OK)
        fprintf(stderr, "verify: %s\n", err.message);
    CHECK_INT(st, LD_OK);
    /* And the checks it now passes still bite: an unpaid installment moved. */
    exec_outside(store, "UPDATE loan_installment SET principal = principal + 1 WHERE "
                        "(loan_id, number) = (SELECT loan_id, number FROM loan_installment "
                        "WHERE paid_principal < principal ORDER BY loan_id, number LIMIT 1)");
    CHECK_INT(verify(store, &err), LD_EVERIFY);
    core_store_close(store);
}

static void test_tampering_is_caught(void)
{
    static const struct {
        const char *name, *sql, *expect;
    } cases[] = {
        {"entry body changed",
         "UPDATE ledger_entry SET body = CAST(replace(CAST(body AS TEXT), "
         "'\"time\":', '\"time\":1') AS BLOB) WHERE seq = 1",
         "entry 1"},
        {"entry deleted", "DELETE FROM ledger_entry WHERE seq = 2", "entry 2"},
        {"entry inserted",
         "INSERT INTO ledger_entry (seq, body, leaf_hash) SELECT max(seq) + 1, "
         "body, leaf_hash FROM ledger_entry",
         "not covered by any signed checkpoint"},
        {"entries reordered",
         "UPDATE ledger_entry SET seq = -1 WHERE seq = 0; UPDATE ledger_entry "
         "SET seq = 0 WHERE seq = 1; UPDATE ledger_entry SET seq = 1 WHERE seq "
         "= -1",
         "entry 0"},
        {"journal amount changed",
         "UPDATE journal_line SET amount = amount + 1 WHERE entry_id = 1 AND line = 1; "
         "UPDATE journal_line SET amount = amount - 1 WHERE entry_id = 1 AND line = 2",
         "journal_line 1/1"},
        {"journal entry deleted",
         "DELETE FROM journal_line WHERE entry_id = 2; DELETE FROM "
         "journal_entry WHERE id = 2",
         "journal_line 2/1"},
        {"loan principal changed", "UPDATE loan SET principal = principal - 100", "loan 1"},
        {"installment paid changed",
         "UPDATE loan_installment SET paid_interest = paid_interest + 5 WHERE number = 1",
         "loan_installment 1/1"},
        {"checkpoint removed entries", "DELETE FROM ledger_entry WHERE seq >= 3", "entr"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        core_store *store = tamper_store();
        exec_outside(store, cases[i].sql);
        ld_error err;
        ld_status st = verify(store, &err);
        if (st != LD_EVERIFY)
            fprintf(stderr, "%s: status %d %s\n", cases[i].name, st, err.message);
        CHECK_INT(st, LD_EVERIFY);
        CHECK_CONTAINS(err.message, cases[i].expect);
        core_store_close(store);
    }
}

static void test_export_offline_verify_and_proofs(void)
{
    core_store *store = tamper_store();
    ld_error err;
    char dir[] = "/tmp/loandesk-export-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    ledger_verify_report r;
    CHECK_INT(ledger_export(store, &s_aud, dir, &r, &err), LD_OK);
    CHECK(r.entries > 5);
    CHECK(r.checkpoints >= 2);
    ledger_verify_report off;
    ledger_verify_options anchor = {.ca_file = s_ca_path};
    CHECK_INT(ledger_verify_offline(dir, &anchor, &off, &err), LD_OK);
    CHECK_INT(off.entries, r.entries);
    CHECK_INT(off.checkpoints, r.checkpoints);
    /* Proofs round-trip and fail when altered. */
    cJSON *proof = NULL;
    CHECK_INT(ledger_prove_inclusion(store, &s_aud, 2, 0, &proof, &err), LD_OK);
    CHECK_INT(ledger_proof_check(proof, &anchor, &err), LD_OK);
    cJSON_ReplaceItemInObject(proof, "index", cJSON_CreateNumber(3));
    CHECK(ledger_proof_check(proof, &anchor, &err) != LD_OK);
    cJSON_Delete(proof);
    CHECK_INT(ledger_prove_consistency(store, &s_aud, 3, (uint64_t)r.entries, &proof, &err), LD_OK);
    CHECK_INT(ledger_proof_check(proof, &anchor, &err), LD_OK);
    cJSON_ReplaceItemInObject(proof, "old_size", cJSON_CreateNumber(2));
    CHECK_INT(ledger_proof_check(proof, &anchor, &err), LD_EVERIFY);
    cJSON_Delete(proof);
    CHECK_INT(ledger_prove_inclusion(store, &s_off, 2, 0, &proof, &err), LD_EPERM);
    /* Change one byte of one exported entry. */
    char path[512], *text = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/entries.jsonl", dir);
    CHECK_INT(core_read_file(path, &text, &len, &err), LD_OK);
    char *p = text ? strstr(text, "\"amount\":") : NULL;
    if (p != NULL) {
        p[9] = p[9] == '1' ? '2' : '1';
        FILE *f = fopen(path, "wb");
        fwrite(text, 1, len, f);
        fclose(f);
    }
    free(text);
    CHECK_INT(ledger_verify_offline(dir, &anchor, &off, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "checkpoint");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    core_store_close(store);
}

/* Journal lines whose amounts add up to exactly 2^64 wrapped to zero in a
 * 64-bit sum, so an unbalanced journal passed for a balanced one (and the sum
 * overflowed, which is undefined). Offline verification must refuse it. */
static void test_offline_verify_refuses_a_journal_balanced_only_by_overflow(void)
{
    char dir[] = "/tmp/loandesk-overflow-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/entries.jsonl", dir);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f != NULL) {
        /* 2048 * (2^53 - 1) + 2048 * 1 = 2^64. */
        fputs("{\"journal\":[{\"lines\":[", f);
        for (int i = 0; i < 4096; i++)
            fprintf(f, "%s[\"1001\",%s]", i ? "," : "", i < 2048 ? "9007199254740991" : "1");
        fputs("]}]}\n", f);
        fclose(f);
    }
    ledger_verify_report off;
    ld_error err;
    ledger_verify_options anchor = {.ca_file = s_ca_path};
    CHECK_INT(ledger_verify_offline(dir, &anchor, &off, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "does not balance");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

static ld_money show_money(const cJSON *obj, const char *key)
{
    ld_money m = 0;
    ld_error err;
    const cJSON *v = cJSON_GetObjectItem(obj, key);
    CHECK(cJSON_IsString(v));
    if (cJSON_IsString(v))
        CHECK_INT(ld_money_parse(key, v->valuestring, &m, &err), LD_OK);
    return m;
}

static cJSON *show_loan(core_store *store, int64_t loan)
{
    ld_error err;
    cJSON *show = NULL;
    CHECK_INT(ledger_loan_show(store, &s_mgr, loan, &show, &err), LD_OK);
    return show;
}

/* What a loan owes and how it stands, as text to compare. */
static char *loan_state_text(const cJSON *show)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "balances", cJSON_Duplicate(cJSON_GetObjectItem(show, "balances"), 1));
    cJSON_AddItemToObject(o, "dpd", cJSON_Duplicate(cJSON_GetObjectItem(show, "dpd"), 1));
    cJSON_AddItemToObject(o, "category", cJSON_Duplicate(cJSON_GetObjectItem(show, "category"), 1));
    cJSON_AddItemToObject(o, "status", cJSON_Duplicate(cJSON_GetObjectItem(show, "status"), 1));
    cJSON_AddItemToObject(o, "schedule", cJSON_Duplicate(cJSON_GetObjectItem(show, "schedule"), 1));
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

/* The id of the loan's last recorded repayment. */
static int64_t last_repayment_id(core_store *store, int64_t loan)
{
    cJSON *show = show_loan(store, loan);
    const cJSON *rows = cJSON_GetObjectItem(show, "repayments");
    const cJSON *last = cJSON_GetArrayItem(rows, cJSON_GetArraySize(rows) - 1);
    int64_t id = last ? (int64_t)cJSON_GetObjectItem(last, "id")->valuedouble : 0;
    cJSON_Delete(show);
    CHECK(id > 0);
    return id;
}

/* Closes business one day at a time from the day after from through to. */
static void cob_daily(core_store *store, ld_date from, ld_date to)
{
    ld_error err;
    char text[LD_DATE_TEXT_MAX];
    for (ld_date d = from + 1; d <= to; d++)
        if (cob(store, ld_date_format(d, text), NULL, &err) != LD_OK)
            die("cob", &err);
}

/* Sums the journal's lines dated before day, account by account, as text. */
static char *journal_before(core_store *store, ld_date day)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(core_store_db(store),
                       "SELECT group_concat(account || ':' || total, ',') FROM (SELECT l.account, "
                       "sum(l.amount) AS total FROM journal_line l JOIN journal_entry e ON "
                       "e.id = l.entry_id WHERE e.date < ? GROUP BY l.account ORDER BY l.account)",
                       -1, &q, NULL);
    sqlite3_bind_int64(q, 1, day);
    char *out = NULL;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
        out = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    CHECK(out != NULL);
    return out;
}

static ld_money day_money(const cJSON *row, const char *key)
{
    return show_money(row, key);
}

static ld_money account_total(core_store *store, const char *account)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(core_store_db(store),
                       "SELECT coalesce(sum(amount), 0) FROM journal_line WHERE account = ?", -1,
                       &q, NULL);
    sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
    ld_money total = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    return total;
}

/* The value-dated loan's history: the due date, penalty from the day after,
 * the payment of 1 September with that day's penalty, and the daily figures
 * summing to the journal's income (the only loan of its book). */
static void check_history(core_store *store, int64_t loan)
{
    ld_error err;
    cJSON *h = NULL;
    CHECK_INT(ledger_loan_history(store, &s_aud, loan, D("2026-08-23"), D("2026-09-02"), &h, &err),
              LD_OK);
    const cJSON *days = cJSON_GetObjectItem(h, "days");
    CHECK_INT(cJSON_GetArraySize(days), 11);
    const cJSON *due = cJSON_GetArrayItem(days, 1), *next = cJSON_GetArrayItem(days, 2);
    CHECK_STR(cJSON_GetObjectItem(due, "date")->valuestring, "2026-08-24");
    CHECK_INT(day_money(due, "principal_fell_due"), 8799323);
    CHECK_INT(day_money(due, "penalty"), 0);
    CHECK_INT(cJSON_GetObjectItem(due, "dpd")->valuedouble, 0);
    CHECK(day_money(next, "penalty") > 0);
    CHECK_INT(cJSON_GetObjectItem(next, "dpd")->valuedouble, 1);
    ld_money charged = 0;
    for (int i = 2; i <= 9; i++)
        charged += day_money(cJSON_GetArrayItem(days, i), "penalty") +
                   day_money(cJSON_GetArrayItem(days, i), "compound");
    CHECK_INT(charged, 19608);
    const cJSON *paid_day = cJSON_GetArrayItem(days, 9);
    CHECK_STR(cJSON_GetObjectItem(paid_day, "date")->valuestring, "2026-09-01");
    const cJSON *pay = cJSON_GetArrayItem(cJSON_GetObjectItem(paid_day, "payments"), 0);
    CHECK(pay != NULL);
    if (pay != NULL) {
        CHECK_INT(day_money(pay, "amount"), 9103818);
        CHECK_INT(day_money(pay, "penalty") + day_money(pay, "compound"), 19608);
        CHECK_INT(day_money(pay, "principal"), 8799323);
    }
    CHECK_INT(cJSON_GetObjectItem(paid_day, "dpd")->valuedouble, 0);
    CHECK_STR(cJSON_GetObjectItem(paid_day, "category")->valuestring, "normal");
    cJSON_Delete(h);
    /* From disbursement: the per-loan split sums to the journal's income. */
    CHECK_INT(ledger_loan_history(store, &s_aud, loan, LEDGER_NO_DATE, LEDGER_NO_DATE, &h, &err),
              LD_OK);
    ld_money interest = 0, penalty = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(h, "days"))
    {
        interest += day_money(row, "interest_accrued") + day_money(row, "interest_fell_due") -
                    day_money(row, "accrued_released");
        penalty += day_money(row, "penalty") + day_money(row, "compound");
    }
    CHECK_INT(-interest, account_total(store, "6011"));
    CHECK_INT(-penalty, account_total(store, "6012"));
    cJSON_Delete(h);
    CHECK_INT(ledger_loan_history(store, &s_aud, loan, D("2026-09-02"), D("2026-09-01"), &h, &err),
              LD_EINVAL);
    /* Daily accrual gives way to the scheduled interest on the due date: the
     * days from the previous due date to the day before this one are
     * released, the installment's interest falls due, and the due date's own
     * day accrues towards the next installment. */
    CHECK_INT(ledger_loan_history(store, &s_aud, loan, D("2026-07-24"), D("2026-08-24"), &h, &err),
              LD_OK);
    days = cJSON_GetObjectItem(h, "days");
    CHECK_INT(cJSON_GetArraySize(days), 32);
    ld_money accrued = 0;
    for (int i = 0; i < 31; i++)
        accrued += day_money(cJSON_GetArrayItem(days, i), "interest_accrued");
    due = cJSON_GetArrayItem(days, 31);
    CHECK(accrued > 0);
    CHECK_INT(day_money(due, "accrued_released"), accrued);
    CHECK(day_money(cJSON_GetArrayItem(days, 0), "accrued_released") > 0); /* the 12th's */
    CHECK(day_money(cJSON_GetArrayItem(days, 0), "interest_fell_due") > 0);
    CHECK_INT(day_money(cJSON_GetArrayItem(days, 1), "accrued_released"), 0);
    CHECK(day_money(due, "interest_fell_due") > 0);
    CHECK(day_money(due, "interest_accrued") > 0);
    CHECK_INT(day_money(cJSON_GetArrayItem(days, 1), "interest_fell_due"), 0);
    cJSON_Delete(h);
}

/* 1,583,878.06 at 6.4752 %, equal principal over 18 months from 2025-07-24,
 * every installment paid on its due date until the 13th (2026-08-24), paid on
 * 2026-09-01 but entered on 2026-09-20 with close of business run daily: the
 * payment is allocated on its value date (eight days of penalty and compound,
 * 196.08, then the installment), and the loan is current again. */
static void test_backdated_payment_is_value_dated(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t app = approved_app_of(store, "PBL", 5, "1583878.06", 18, "equal_principal", 64752,
                                  CORE_FEE_NONE, 0);
    int64_t loan = disburse(store, app, "2025-07-24");
    cJSON *show = show_loan(store, loan);
    cJSON *sched = cJSON_Duplicate(cJSON_GetObjectItem(show, "schedule"), 1);
    cJSON_Delete(show);
    ld_date day = D("2025-07-24");
    char text[LD_DATE_TEXT_MAX];
    for (int i = 0; i < 12; i++) {
        const cJSON *row = cJSON_GetArrayItem(sched, i);
        ld_date due = D(cJSON_GetObjectItem(row, "due")->valuestring);
        /* Close of business runs at the due dates here (it brings each loan
         * day by day over a gap all the same) and daily from August on. */
        if (cob(store, ld_date_format(due - 1, text), NULL, &err) != LD_OK)
            die("cob", &err);
        ledger_allocation a;
        CHECK_INT(repay(store, loan, show_money(row, "principal") + show_money(row, "interest"),
                        cJSON_GetObjectItem(row, "due")->valuestring, &a, &err),
                  LD_OK);
        CHECK_INT(a.penalty + a.compound, 0);
        cob_daily(store, due - 1, due);
        day = due;
    }
    cJSON_Delete(sched);
    cob_daily(store, day, D("2026-09-19"));
    check_books(store, "before");
    show = show_loan(store, loan);
    CHECK_INT(cJSON_GetObjectItem(show, "dpd")->valuedouble, 26);
    char *unpaid = loan_state_text(show);
    cJSON_Delete(show);
    char *closed_books = journal_before(store, D("2026-09-20"));
    ledger_repay_request req = {.amount = 9103818,
                                .date = D("2026-09-01"),
                                .backdated = true,
                                .reason = "paid at the branch on 1 September, keyed late"};
    ledger_allocation a;
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay(store, &s_off, loan, &req, &a, &err)), LD_OK);
    CHECK_INT(a.penalty + a.compound, 19608);
    CHECK_INT(a.principal, 8799323);
    CHECK_INT(a.prepaid, 0);
    show = show_loan(store, loan);
    const cJSON *b = cJSON_GetObjectItem(show, "balances");
    CHECK_STR(cJSON_GetObjectItem(b, "principal_overdue")->valuestring, "0.00");
    CHECK_STR(cJSON_GetObjectItem(b, "penalty")->valuestring, "0.00");
    CHECK_STR(cJSON_GetObjectItem(b, "compound")->valuestring, "0.00");
    CHECK_INT(cJSON_GetObjectItem(show, "dpd")->valuedouble, 0);
    CHECK_STR(cJSON_GetObjectItem(show, "category")->valuestring, "normal");
    CHECK_STR(cJSON_GetObjectItem(show, "balances_as_of")->valuestring, "2026-09-19");
    cJSON_Delete(show);
    /* The correction is booked on the entry day: closed days keep their books. */
    char *after = journal_before(store, D("2026-09-20"));
    CHECK_STR(after, closed_books);
    free(after);
    check_books(store, "value-dated payment");
    CHECK_INT(verify(store, &err), LD_OK);
    /* Reversed, the payment leaves the loan as it stood without it. */
    int64_t paid_id = last_repayment_id(store, loan);
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay_reverse(store, &s_mgr, loan, paid_id, "", &err)),
              LD_EINVAL);
    /* Taking back booked cash is a manager's correction, not an officer's. */
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay_reverse(store, &s_off, loan, paid_id,
                                                   "keyed against the wrong loan", &err)),
              LD_EPERM);
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay_reverse(store, &s_mgr, loan, paid_id,
                                                   "keyed against the wrong loan", &err)),
              LD_OK);
    show = show_loan(store, loan);
    char *reversed = loan_state_text(show);
    cJSON_Delete(show);
    CHECK_STR(reversed, unpaid);
    free(reversed);
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay_reverse(store, &s_mgr, loan, paid_id, "again", &err)),
              LD_ENOTFOUND);
    check_books(store, "reversal");
    CHECK_INT(verify(store, &err), LD_OK);
    after = journal_before(store, D("2026-09-20"));
    CHECK_STR(after, closed_books);
    free(after);
    /* Entered again, it is value-dated again. */
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay(store, &s_off, loan, &req, &a, &err)), LD_OK);
    CHECK_INT(a.penalty + a.compound, 19608);
    free(unpaid);
    free(closed_books);
    /* As it stood: the last closed day as now, and the days around the payment. */
    cJSON *at = NULL;
    show = show_loan(store, loan);
    CHECK_INT(ledger_loan_show_at(store, &s_mgr, loan, D("2026-09-19"), &at, &err), LD_OK);
    char *now_text = loan_state_text(show), *at_text = loan_state_text(at);
    CHECK_STR(at_text, now_text);
    free(now_text);
    free(at_text);
    cJSON_Delete(show);
    cJSON_Delete(at);
    CHECK_INT(ledger_loan_show_at(store, &s_mgr, loan, D("2026-08-31"), &at, &err), LD_OK);
    CHECK_INT(cJSON_GetObjectItem(at, "dpd")->valuedouble, 7);
    CHECK_STR(cJSON_GetObjectItem(at, "category")->valuestring, "special_mention");
    CHECK_STR(
        cJSON_GetObjectItem(cJSON_GetObjectItem(at, "balances"), "principal_overdue")->valuestring,
        "87993.23");
    CHECK_STR(cJSON_GetObjectItem(at, "as_of")->valuestring, "2026-08-31");
    cJSON_Delete(at);
    CHECK_INT(ledger_loan_show_at(store, &s_mgr, loan, D("2026-09-01"), &at, &err), LD_OK);
    CHECK_INT(cJSON_GetObjectItem(at, "dpd")->valuedouble, 0);
    CHECK_STR(cJSON_GetObjectItem(at, "category")->valuestring, "normal");
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(at, "balances"), "penalty")->valuestring,
              "0.00");
    cJSON_Delete(at);
    CHECK_INT(ledger_loan_show_at(store, &s_mgr, loan, D("2025-07-23"), &at, &err), LD_EINVAL);
    CHECK_INT(ledger_loan_show_at(store, &s_aud, loan, D("2026-09-01"), &at, &err), LD_OK);
    cJSON_Delete(at);
    check_history(store, loan);
    /* The loan then goes on as if paid on time. */
    cob_daily(store, D("2026-09-19"), D("2026-09-24"));
    check_books(store, "after");
    show = show_loan(store, loan);
    CHECK_STR(cJSON_GetObjectItem(show, "category")->valuestring, "normal");
    CHECK_INT(cJSON_GetObjectItem(show, "dpd")->valuedouble, 0);
    cJSON_Delete(show);
    CHECK_INT(verify(store, &err), LD_OK);
    core_store_close(store);
}

/* A loan repaid installment by installment closes on the day of its last
 * payment: close of business leaves it alone and settle has nothing to take. */
static void test_fully_repaid_loan_closes(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t app = approved_app(store, 4, "30000.00", 6, "equal_principal", 50000, CORE_FEE_NONE, 0);
    int64_t loan = disburse(store, app, "2026-01-10");
    cJSON *show = NULL;
    CHECK_INT(ledger_loan_show(store, &s_off, loan, &show, &err), LD_OK);
    cJSON *sched = cJSON_Duplicate(cJSON_GetObjectItem(show, "schedule"), 1);
    cJSON_Delete(show);
    int n = cJSON_GetArraySize(sched);
    CHECK_INT(n, 6);
    for (int i = 0; i < n; i++) {
        const cJSON *row = cJSON_GetArrayItem(sched, i);
        ld_money due = show_money(row, "principal") + show_money(row, "interest");
        const char *date = cJSON_GetObjectItem(row, "due")->valuestring;
        ledger_allocation a;
        CHECK_INT(repay(store, loan, due, date, &a, &err), LD_OK);
        CHECK_INT(a.penalty, 0);
        CHECK_INT(a.prepaid, 0);
        check_books(store, "instalment");
        CHECK_INT(ledger_loan_show(store, &s_off, loan, &show, &err), LD_OK);
        CHECK_STR(cJSON_GetObjectItem(show, "status")->valuestring,
                  i + 1 < n ? "active" : "settled");
        if (i + 1 == n) {
            CHECK_STR(cJSON_GetObjectItem(show, "closed_on")->valuestring, date);
            CHECK_STR(
                cJSON_GetObjectItem(cJSON_GetObjectItem(show, "balances"), "payoff")->valuestring,
                "0.00");
            CHECK_STR(cJSON_GetObjectItem(show, "category")->valuestring, "normal");
        }
        cJSON_Delete(show);
    }
    cJSON_Delete(sched);
    /* Close of business no longer counts it; settle and repay refuse a closed loan. */
    ledger_cob_result r;
    CHECK_INT(cob(store, "2026-07-20", &r, &err), LD_OK);
    CHECK_INT(r.loans, 0);
    ld_money paid = 0;
    begin(store);
    CHECK_INT(end(store, ledger_loan_settle(store, &s_off, loan, D("2026-07-21"), &paid, &err)),
              LD_ESTATE);
    CHECK_CONTAINS(err.message, "settled");
    CHECK_INT(repay(store, loan, 100, "2026-07-21", NULL, &err), LD_ESTATE);
    check_books(store, "closed");
    CHECK_INT(verify(store, &err), LD_OK);
    /* Taking the last payment back reopens it, overdue since its due date. */
    begin(store);
    CHECK_INT(
        end(store, ledger_loan_repay_reverse(store, &s_mgr, loan, last_repayment_id(store, loan),
                                             "cheque returned unpaid", &err)),
        LD_OK);
    show = show_loan(store, loan);
    CHECK_STR(cJSON_GetObjectItem(show, "status")->valuestring, "active");
    CHECK_STR(cJSON_GetObjectItem(show, "balances_as_of")->valuestring, "2026-07-20");
    CHECK(cJSON_GetObjectItem(show, "dpd")->valuedouble > 0);
    CHECK(cJSON_GetObjectItem(show, "closed_on") == NULL);
    cJSON_Delete(show);
    check_books(store, "reopened");
    CHECK_INT(cob(store, "2026-07-21", &r, &err), LD_OK);
    CHECK_INT(r.loans, 1);
    check_books(store, "reopened cob");
    CHECK_INT(verify(store, &err), LD_OK);
    core_store_close(store);
}

static const char *show_text(const cJSON *show, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(show, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static ld_status classify(core_store *store, int64_t loan, ledger_category c, const char *why,
                          ld_error *err)
{
    begin(store);
    return end(store, ledger_loan_classify(store, &s_mgr, loan, c, why, err));
}

/* A repayment request as the tests enter it. */
static ld_status repay_as(core_store *store, int64_t loan, ld_money amount, ld_date date,
                          bool backdated, ld_error *err)
{
    ledger_repay_request req = {.amount = amount,
                                .date = date,
                                .backdated = backdated,
                                .reason = backdated ? "entered after its value date" : NULL};
    begin(store);
    return end(store, ledger_loan_repay(store, &s_off, loan, &req, NULL, err));
}

/* Two books with the same loans: one enters every payment on its value date,
 * the other days later with --backdated, and sometimes a wrong payment it
 * then reverses. Whenever nothing is in flight both books must show the same
 * balances, schedule, DPD and category; after every step each journal
 * balances, each control account equals its sub-ledger, and the log verifies. */
static void test_value_dated_payments_match_payments_on_time(void)
{
    enum { LOANS = 5, PENDING_MAX = 256 };
    core_store *on_time = open_store(), *late = open_store();
    ld_error err;
    const char *methods[] = {"annuity", "equal_principal"};
    int64_t la[LOANS], lb[LOANS];
    for (int i = 0; i < LOANS; i++) {
        char amount[32];
        snprintf(amount, sizeof amount, "%d0000.00", 2 + (int)(rnd() % 30));
        int term = 6 + 6 * (int)(rnd() % 4);
        ld_rate rate = 30000 + 1000 * (int)(rnd() % 40);
        core_fee_method fee = (core_fee_method)(i % 3);
        la[i] = disburse(on_time,
                         approved_app(on_time, 20 + i, amount, term, methods[i % 2], rate, fee,
                                      i % 3 ? 5000 : 0),
                         "2026-01-10");
        lb[i] = disburse(
            late,
            approved_app(late, 20 + i, amount, term, methods[i % 2], rate, fee, i % 3 ? 5000 : 0),
            "2026-01-10");
    }
    struct {
        int loan;
        ld_money amount;
        ld_date value, entry;
        int64_t wrong; /* a wrong payment's id to reverse on entry, else 0 */
    } pend[PENDING_MAX];
    int pending = 0, compared = 0, backdated = 0, reversed = 0, classified = 0;
    ld_date day = D("2026-01-10");
    char text[LD_DATE_TEXT_MAX];
    for (int step = 0; step < 60; step++) {
        day += 1 + (int)(rnd() % 6);
        ld_date_format(day, text);
        test_set_today(on_time, text);
        test_set_today(late, text);
        /* Today's payments: on time in one book, queued for the other. */
        bool paid[LOANS] = {false};
        for (int k = (int)(rnd() % 3); k > 0 && pending < PENDING_MAX - 2; k--) {
            int loan = (int)(rnd() % LOANS);
            if (paid[loan])
                continue;
            paid[loan] = true;
            ld_money amount = 1000 + (ld_money)(rnd() % 400) * 500;
            if (repay_as(on_time, la[loan], amount, day, false, &err) != LD_OK)
                continue;
            pend[pending].loan = loan;
            pend[pending].amount = amount;
            pend[pending].value = day;
            pend[pending].entry = day + (ld_date)(rnd() % 3 == 0 ? 0 : rnd() % 9);
            pend[pending].wrong = 0;
            pending++;
        }
        /* Now and then a wrong back-dated payment, reversed a few days on. */
        if (rnd() % 5 == 0 && pending < PENDING_MAX - 1 && day > D("2026-01-20")) {
            int loan = (int)(rnd() % LOANS);
            ld_date value = day - 1 - (ld_date)(rnd() % 8);
            if (repay_as(late, lb[loan], 50000 + (ld_money)(rnd() % 100) * 1000, value, true,
                         &err) == LD_OK) {
                pend[pending].loan = loan;
                pend[pending].value = value;
                pend[pending].entry = day + (ld_date)(rnd() % 4);
                pend[pending].wrong = last_repayment_id(late, lb[loan]);
                pending++;
            }
        }
        /* The late book enters what falls to today, then both close the day. */
        for (int i = 0; i < pending;) {
            if (pend[i].entry > day) {
                i++;
                continue;
            }
            ld_status st;
            if (pend[i].wrong > 0) {
                begin(late);
                st = end(late, ledger_loan_repay_reverse(late, &s_mgr, lb[pend[i].loan],
                                                         pend[i].wrong, "keyed wrongly", &err));
                reversed++;
            } else {
                st = repay_as(late, lb[pend[i].loan], pend[i].amount, pend[i].value,
                              pend[i].value < day, &err);
                backdated += pend[i].value < day;
            }
            if (st != LD_OK)
                fprintf(stderr, "late book on %s: %s\n", text, err.message);
            CHECK_INT(st, LD_OK);
            check_books(late, "late entry");
            pend[i] = pend[--pending];
        }
        CHECK_INT(cob(on_time, text, NULL, &err), LD_OK);
        CHECK_INT(cob(late, text, NULL, &err), LD_OK);
        check_books(on_time, "cob");
        check_books(late, "cob");
        if (pending == 0) {
            for (int i = 0; i < LOANS; i++) {
                cJSON *a = show_loan(on_time, la[i]), *b = show_loan(late, lb[i]);
                char *ta = loan_state_text(a), *tb = loan_state_text(b);
                if (strcmp(ta, tb) != 0)
                    fprintf(stderr, "%s loan %d:\n on time %s\n late    %s\n", text, i, ta, tb);
                CHECK_STR(tb, ta);
                free(ta);
                free(tb);
                cJSON_Delete(a);
                cJSON_Delete(b);
            }
            compared++;
            /* Now and then a reviewer's category, the same in both books:
             * worse than the floor, or at it (which clears it). */
            if (rnd() % 4 == 0) {
                int loan = (int)(rnd() % LOANS);
                cJSON *a = show_loan(on_time, la[loan]);
                ledger_category floor = LEDGER_CAT_NORMAL;
                ledger_category_parse("floor", show_text(a, "category_floor"), &floor, NULL);
                bool active = strcmp(show_text(a, "status"), "active") == 0;
                cJSON_Delete(a);
                ledger_category to = (ledger_category)((int)floor + (int)(rnd() % 2));
                if (active && to <= LEDGER_CAT_DOUBTFUL) {
                    CHECK_INT(classify(on_time, la[loan], to, "reviewed", &err), LD_OK);
                    CHECK_INT(classify(late, lb[loan], to, "reviewed", &err), LD_OK);
                    classified++;
                }
            }
        }
        if (step % 15 == 14)
            CHECK_INT(verify(late, &err), LD_OK);
    }
    fprintf(stderr, "%d comparisons, %d back-dated payments, %d reversals, %d classifications\n",
            compared, backdated, reversed, classified);
    CHECK(classified > 0);
    CHECK(compared > 5);
    CHECK(backdated > 5);
    CHECK(reversed > 0);
    CHECK_INT(verify(on_time, &err), LD_OK);
    CHECK_INT(verify(late, &err), LD_OK);
    core_store_close(on_time);
    core_store_close(late);
}

/* The category the loan stood at at the end of a day, and its manual part. */
static void check_category_at(core_store *store, int64_t loan, const char *date,
                              const char *category, const char *manual)
{
    ld_error err;
    cJSON *at = NULL;
    CHECK_INT(ledger_loan_show_at(store, &s_mgr, loan, D(date), &at, &err), LD_OK);
    if (strcmp(show_text(at, "category"), category) != 0 ||
        strcmp(show_text(at, "category_manual"), manual) != 0)
        fprintf(stderr, "on %s: %s (manual %s), expected %s (manual %s)\n", date,
                show_text(at, "category"), show_text(at, "category_manual"), category, manual);
    CHECK_STR(show_text(at, "category"), category);
    CHECK_STR(show_text(at, "category_manual"), manual);
    cJSON_Delete(at);
}

/* A reviewer classifies a performing loan 关注 on 2026-01-20. Its floor then
 * reaches that category (DPD 1 on 2026-02-11) and passes it (次级 from DPD
 * 91, 2026-05-12): the loan follows the floor, and the reviewer's category stays on
 * record. Payments entered late with their value dates cure it: the floor
 * falls back to 正常 and the reviewer's 关注 holds again until a reviewer
 * classifies the loan at its floor. Shown for a past day, the loan has the
 * category it had then, the reviewer's included. */
static void test_reviewer_category_once_the_floor_reaches_it(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t app =
        approved_app(store, 40, "60000.00", 12, "equal_principal", 48000, CORE_FEE_NONE, 0);
    int64_t loan = disburse(store, app, "2026-01-10");
    CHECK_INT(cob(store, "2026-01-20", NULL, &err), LD_OK);
    CHECK_INT(classify(store, loan, LEDGER_CAT_SPECIAL_MENTION, "main customer lost", &err), LD_OK);
    CHECK_INT(cob(store, "2026-05-15", NULL, &err), LD_OK);
    cJSON *show = show_loan(store, loan);
    CHECK_INT(cJSON_GetObjectItem(show, "dpd")->valuedouble, 94);
    CHECK_STR(show_text(show, "category"), "substandard");
    CHECK_STR(show_text(show, "category_floor"), "substandard");
    CHECK_STR(show_text(show, "category_manual"), "special_mention");
    cJSON *sched = cJSON_Duplicate(cJSON_GetObjectItem(show, "schedule"), 1);
    cJSON_Delete(show);
    check_category_at(store, loan, "2026-01-19", "normal", "");
    check_category_at(store, loan, "2026-01-20", "special_mention", "special_mention");
    check_category_at(store, loan, "2026-02-11", "special_mention", "special_mention");
    check_category_at(store, loan, "2026-05-13", "substandard", "special_mention");
    /* The installments of February to May paid on their due dates, entered late. */
    for (int i = 0; i < 4; i++) {
        const cJSON *row = cJSON_GetArrayItem(sched, i);
        ld_status st =
            repay_as(store, loan, show_money(row, "principal") + show_money(row, "interest"),
                     D(cJSON_GetObjectItem(row, "due")->valuestring), true, &err);
        if (st != LD_OK)
            fprintf(stderr, "installment %d: %s\n", i + 1, err.message);
        CHECK_INT(st, LD_OK);
        check_books(store, "value-dated installment");
    }
    cJSON_Delete(sched);
    show = show_loan(store, loan);
    CHECK_INT(cJSON_GetObjectItem(show, "dpd")->valuedouble, 0);
    CHECK_STR(show_text(show, "category_floor"), "normal");
    CHECK_STR(show_text(show, "category"), "special_mention");
    CHECK_STR(show_text(show, "category_manual"), "special_mention");
    cJSON_Delete(show);
    check_category_at(store, loan, "2026-01-19", "normal", "");
    check_category_at(store, loan, "2026-02-11", "special_mention", "special_mention");
    check_category_at(store, loan, "2026-05-13", "special_mention", "special_mention");
    /* The history has the same days. */
    cJSON *h = NULL;
    CHECK_INT(ledger_loan_history(store, &s_aud, loan, D("2026-01-19"), D("2026-01-20"), &h, &err),
              LD_OK);
    CHECK_STR(show_text(cJSON_GetArrayItem(cJSON_GetObjectItem(h, "days"), 0), "category"),
              "normal");
    CHECK_STR(show_text(cJSON_GetArrayItem(cJSON_GetObjectItem(h, "days"), 1), "category"),
              "special_mention");
    cJSON_Delete(h);
    /* Classified at its floor, the reviewer's category is cleared from that day. */
    CHECK_INT(classify(store, loan, LEDGER_CAT_NORMAL, "customer replaced, paying", &err), LD_OK);
    show = show_loan(store, loan);
    CHECK_STR(show_text(show, "category"), "normal");
    CHECK(cJSON_GetObjectItem(show, "category_manual") == NULL);
    cJSON_Delete(show);
    check_category_at(store, loan, "2026-05-14", "special_mention", "special_mention");
    check_category_at(store, loan, "2026-05-15", "normal", "");
    CHECK_INT(cob(store, "2026-05-20", NULL, &err), LD_OK);
    check_books(store, "reclassified");
    /* A payment entered late after all this still replays. */
    CHECK_INT(repay_as(store, loan, 10000, D("2026-05-16"), true, &err), LD_OK);
    check_books(store, "late payment");
    CHECK_INT(verify(store, &err), LD_OK);
    core_store_close(store);
}

/* Before value dating, a back-dated payment was allocated against the
 * balances of the day it was entered and recorded with its value date. Such
 * a loan cannot be replayed to its balances: a value-dated correction or a
 * reversal on it, its past days and its history are refused as a wrong state
 * (exit code 5) naming the loan, nothing changed, while payments on the open
 * day go on. The old record is made here as that version wrote it, through
 * the store's connection, so the log has it and verifies. */
static void test_corrections_refused_on_loans_backdated_before_value_dating(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t app = approved_app(store, 41, "36000.00", 12, "annuity", 48000, CORE_FEE_NONE, 0);
    int64_t loan = disburse(store, app, "2026-01-10");
    CHECK_INT(cob(store, "2026-02-20", NULL, &err), LD_OK);
    ledger_allocation a;
    CHECK_INT(repay(store, loan, 400000, "2026-02-21", &a, &err), LD_OK);
    CHECK(a.penalty > 0);
    int64_t old_id = last_repayment_id(store, loan);
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE loan_repayment SET value_date = %d, backdated = 1, reason = 'paid on the "
             "due date' WHERE id = %lld",
             (int)D("2026-02-10"), (long long)old_id);
    begin(store);
    CHECK_INT(sqlite3_exec(core_store_db(store), sql, NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(end(store, LD_OK), LD_OK);
    CHECK_INT(cob(store, "2026-02-25", NULL, &err), LD_OK);
    CHECK_INT(verify(store, &err), LD_OK);
    cJSON *show = show_loan(store, loan);
    char *kept = loan_state_text(show);
    cJSON_Delete(show);
    char *books = journal_before(store, D("2099-12-31"));
    CHECK_INT(repay_as(store, loan, 10000, D("2026-02-23"), true, &err), LD_ESTATE);
    CHECK_CONTAINS(err.message, "loan ");
    CHECK_CONTAINS(err.message, "back-dated before value dating");
    char name[32];
    snprintf(name, sizeof name, "loan %lld:", (long long)loan);
    CHECK_CONTAINS(err.message, name);
    begin(store);
    CHECK_INT(end(store, ledger_loan_repay_reverse(store, &s_mgr, loan, old_id,
                                                   "keyed against the wrong loan", &err)),
              LD_ESTATE);
    CHECK_CONTAINS(err.message, name);
    cJSON *at = NULL;
    CHECK_INT(ledger_loan_show_at(store, &s_mgr, loan, D("2026-02-15"), &at, &err), LD_ESTATE);
    CHECK_CONTAINS(err.message, name);
    CHECK_INT(ledger_loan_history(store, &s_aud, loan, LEDGER_NO_DATE, LEDGER_NO_DATE, &at, &err),
              LD_ESTATE);
    CHECK_CONTAINS(err.message, name);
    /* Nothing changed; a payment on the open day is taken. */
    show = show_loan(store, loan);
    char *now = loan_state_text(show);
    cJSON_Delete(show);
    CHECK_STR(now, kept);
    char *after = journal_before(store, D("2099-12-31"));
    CHECK_STR(after, books);
    free(now);
    free(kept);
    free(books);
    free(after);
    CHECK_INT(repay_as(store, loan, 10000, D("2026-02-26"), false, &err), LD_OK);
    check_books(store, "open-day payment");
    CHECK_INT(verify(store, &err), LD_OK);
    core_store_close(store);
}

/* Three loans of 10,000.30 at the 1 % provision of 正常: each loan's share is
 * round(100.003) = 100.00, the category's round(300.009) = 300.01: the books
 * round each category's total once. Then, closing business day by day over
 * due dates, a late and a missed installment: the per-loan daily accrual,
 * penalty and fee of loan history add up, day by day, to the journal's
 * aggregated accrual (per product per day) and the payments' own accrual. */
static void test_per_loan_figures_sum_to_the_journal(void)
{
    enum { LOANS = 4, DAYS = 60 };
    core_store *store = open_store();
    ld_error err;
    int64_t loans[LOANS];
    for (int i = 0; i < 3; i++)
        loans[i] = disburse(
            store, approved_app(store, 50 + i, "10000.30", 12, "annuity", 48000, CORE_FEE_NONE, 0),
            "2026-01-10");
    CHECK_INT(account_total(store, "1301.01"), 3000090);
    CHECK_INT(account_total(store, "1304.01"), -30001);
    cJSON *h = NULL;
    loans[3] = disburse(store,
                        approved_app_of(store, "PBL", 53, "50000.00", 6, "equal_principal", 61000,
                                        CORE_FEE_PER_INSTALLMENT, 2500),
                        "2026-01-12");
    ld_date first = D("2026-01-10");
    cob_daily(store, first - 1, D("2026-02-09"));
    for (int i = 0; i < 3; i++) {
        CHECK_INT(ledger_loan_history(store, &s_aud, loans[i], first, first, &h, &err), LD_OK);
        CHECK_STR(show_text(cJSON_GetArrayItem(cJSON_GetObjectItem(h, "days"), 0), "provision"),
                  "100.00");
        cJSON_Delete(h);
    }

    CHECK_INT(repay(store, loans[0], 100000, "2026-02-10", NULL, &err), LD_OK);
    cob_daily(store, D("2026-02-09"), D("2026-02-11"));
    CHECK_INT(repay(store, loans[1], 100000, "2026-02-12", NULL, &err), LD_OK);
    cob_daily(store, D("2026-02-11"), first + DAYS - 1);
    check_books(store, "days");
    check_entries_name_their_loan(store, 2);
    /* Per day: interest, penalty and compound, fees, from each loan's history. */
    ld_money per_loan[DAYS][3];
    memset(per_loan, 0, sizeof per_loan);
    for (int i = 0; i < LOANS; i++) {
        CHECK_INT(
            ledger_loan_history(store, &s_aud, loans[i], LEDGER_NO_DATE, LEDGER_NO_DATE, &h, &err),
            LD_OK);
        const cJSON *row;
        cJSON_ArrayForEach(row, cJSON_GetObjectItem(h, "days"))
        {
            int d = (int)(D(show_text(row, "date")) - first);
            CHECK(d >= 0 && d < DAYS);
            if (d < 0 || d >= DAYS)
                continue;
            per_loan[d][0] += day_money(row, "interest_accrued") +
                              day_money(row, "interest_fell_due") -
                              day_money(row, "accrued_released");
            per_loan[d][1] += day_money(row, "penalty") + day_money(row, "compound");
            per_loan[d][2] += day_money(row, "fee_fell_due");
        }
        cJSON_Delete(h);
    }
    ld_money journal[DAYS][3];
    memset(journal, 0, sizeof journal);
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(core_store_db(store),
                       "SELECT e.date, l.account, sum(l.amount) FROM journal_entry e JOIN "
                       "journal_line l ON l.entry_id = e.id WHERE e.kind = 'accrual' AND "
                       "l.account IN ('6011', '6012', '6021') GROUP BY e.date, l.account",
                       -1, &q, NULL);
    int aggregated = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        int d = (int)(sqlite3_column_int64(q, 0) - first);
        const char *acc = (const char *)sqlite3_column_text(q, 1);
        int k = strcmp(acc, "6011") == 0 ? 0 : strcmp(acc, "6012") == 0 ? 1 : 2;
        CHECK(d >= 0 && d < DAYS);
        if (d >= 0 && d < DAYS)
            journal[d][k] -= sqlite3_column_int64(q, 2);
    }
    sqlite3_finalize(q);
    sqlite3_prepare_v2(core_store_db(store),
                       "SELECT count(*) FROM journal_entry WHERE kind = 'accrual' AND loan_id IS "
                       "NULL",
                       -1, &q, NULL);
    if (sqlite3_step(q) == SQLITE_ROW)
        aggregated = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    CHECK(aggregated >= DAYS - 2);
    int differ = 0;
    ld_money penalty = 0, fees = 0;
    for (int d = 0; d < DAYS; d++)
        for (int k = 0; k < 3; k++) {
            if (per_loan[d][k] != journal[d][k] && differ++ < 5)
                fprintf(stderr, "day %d account %d: loans %lld, journal %lld\n", d, k,
                        (long long)per_loan[d][k], (long long)journal[d][k]);
            penalty += k == 1 ? journal[d][k] : 0;
            fees += k == 2 ? journal[d][k] : 0;
        }
    CHECK_INT(differ, 0);
    CHECK(penalty > 0);
    CHECK(fees > 0);
    /* Provisions: each category's account is its total rounded once. */
    const core_policy_terms *policy = NULL;
    CHECK_INT(core_policy_terms_get(store, &policy, &err), LD_OK);
    for (int c = 0; c < 2 && policy != NULL; c++) {
        char loans_acc[16], prov_acc[16];
        snprintf(loans_acc, sizeof loans_acc, "1301.0%d", c + 1);
        snprintf(prov_acc, sizeof prov_acc, "1304.0%d", c + 1);
        ld_money total = account_total(store, loans_acc);
        CHECK(total > 0);
        CHECK_INT(-account_total(store, prov_acc),
                  ld_round_div((__int128)total * policy->provision_rate[c], LD_RATE_ONE));
    }
    CHECK_INT(verify(store, &err), LD_OK);
    core_store_close(store);
}

/* ---- Collection over a gap of days ------------------------------------------------ */

/* Every row of sql, one line each, as text (malloc'd). */
static char *rows_text(core_store *store, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &q, NULL) != SQLITE_OK)
        die("rows", NULL);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    while (sqlite3_step(q) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(q); i++) {
            const char *v = (const char *)sqlite3_column_text(q, i);
            size_t need = len + (v ? strlen(v) : 4) + 3;
            if (need > cap) {
                cap = need * 2;
                out = realloc(out, cap);
            }
            len += (size_t)snprintf(out + len, cap - len, "%s%s", v ? v : "null",
                                    i + 1 < sqlite3_column_count(q) ? "|" : "\n");
        }
    }
    sqlite3_finalize(q);
    return out;
}

static const char *const collection_views[] = {
    "SELECT loan_id, opened_on, stage, stage_since, closed_on, outcome FROM collection_case"
    " ORDER BY loan_id, id",
    "SELECT c.loan_id, s.date, s.stage, s.dpd FROM collection_stage s JOIN collection_case c"
    " ON c.id = s.case_id ORDER BY c.loan_id, s.id",
    "SELECT c.loan_id, p.amount, p.due_on, p.status, p.paid, p.settled_on FROM"
    " collection_promise p JOIN collection_case c ON c.id = p.case_id ORDER BY c.loan_id, p.id",
    "SELECT id, status, dpd, category FROM loan ORDER BY id", NULL};

/* The count of rows of sql bound to one integer. */
static int64_t count_of(core_store *store, const char *sql, int64_t param)
{
    int64_t n = -1;
    ld_error err;
    if (core_store_query_int(store, sql, param, &n, &err) != LD_OK)
        die("count", &err);
    return n;
}

/* What the incremental pass relies on, after every close: an active loan
 * past due has an open case at least at its stage (the default stages), and
 * an open case's loan is active and past due. */
static void check_collection_invariant(core_store *store)
{
    CHECK_INT(count_of(store,
                       "SELECT count(*) FROM loan l WHERE l.status = 0 AND l.dpd > ? AND NOT "
                       "EXISTS (SELECT 1 FROM collection_case c WHERE c.loan_id = l.id AND "
                       "c.closed_on IS NULL)",
                       0),
              0);
    CHECK_INT(count_of(store,
                       "SELECT count(*) FROM collection_case c JOIN loan l ON l.id = c.loan_id "
                       "WHERE c.closed_on IS NULL AND (l.status <> 0 OR l.dpd <= ?)",
                       0),
              0);
    CHECK_INT(count_of(store,
                       "SELECT count(*) FROM collection_case c JOIN loan l ON l.id = c.loan_id "
                       "WHERE c.closed_on IS NULL AND ((l.dpd >= 31 AND c.stage = 'reminder') OR "
                       "(l.dpd >= 91 AND c.stage IN ('reminder', 'visit')) OR (l.dpd >= ? AND "
                       "c.stage <> 'legal'))",
                       181),
              0);
}

static int64_t open_case_of(core_store *store, int64_t loan)
{
    return count_of(store, "SELECT id FROM collection_case WHERE loan_id = ? AND closed_on IS NULL",
                    loan);
}

/* The same book in each store: four loans, three past due from 11 February
 * (one never pays and promises in vain, one pays part as promised, one pays
 * all it owes the next day), one lent later that falls past due on 26
 * February. */
static void collection_book(core_store *store, int64_t loans[4])
{
    ld_error err;
    for (int i = 0; i < 4; i++)
        loans[i] = disburse(
            store, approved_app(store, 60 + i, "100000.00", 24, "annuity", 45000, CORE_FEE_NONE, 0),
            i < 3 ? "2026-01-10" : "2026-01-25");
    test_set_today(store, "2026-02-11");
    if (cob(store, "2026-02-11", NULL, &err) != LD_OK)
        die("cob", &err);
    int64_t id = 0;
    begin(store);
    CHECK_INT(end(store, ledger_collection_promise_add(store, &s_off, open_case_of(store, loans[0]),
                                                       400000, D("2026-02-25"), &id, &err)),
              LD_OK);
    begin(store);
    CHECK_INT(end(store, ledger_collection_promise_add(store, &s_off, open_case_of(store, loans[1]),
                                                       100000, D("2026-03-01"), &id, &err)),
              LD_OK);
    test_set_today(store, "2026-02-12");
    CHECK_INT(repay(store, loans[1], 100000, "2026-02-12", NULL, &err), LD_OK);
    ld_money owed = count_of(store,
                             "SELECT principal_due + interest_due + fee_due + penalty + compound "
                             "FROM loan WHERE id = ?",
                             loans[2]);
    CHECK(owed > 0);
    CHECK_INT(repay(store, loans[2], owed + 100000, "2026-02-12", NULL, &err), LD_OK);
    test_set_today(store, "2026-12-31");
}

static void test_collection_over_a_gap_matches_day_by_day(void)
{
    core_store *daily = open_store(), *gap = open_store();
    ld_error err;
    int64_t la[4], lb[4];
    collection_book(daily, la);
    collection_book(gap, lb);
    for (int i = 0; i < 4; i++)
        CHECK_INT(la[i], lb[i]);
    cob_daily(daily, D("2026-02-11"), D("2026-05-20"));
    ledger_cob_result r;
    CHECK_INT(cob(gap, "2026-05-20", &r, &err), LD_OK);
    CHECK_INT(r.promises_kept, 1);
    CHECK_INT(r.promises_broken, 1);
    CHECK_INT(r.cases_opened, 2); /* the later loan, and the cured one past due again */
    CHECK_INT(r.cases_closed, 1);
    for (int v = 0; collection_views[v] != NULL; v++) {
        char *a = rows_text(daily, collection_views[v]), *b = rows_text(gap, collection_views[v]);
        if (strcmp(a, b) != 0)
            fprintf(stderr, "day by day:\n%sat once:\n%s", a, b);
        CHECK_STR(a, b);
        free(a);
        free(b);
    }
    /* Each on its day: the stages where the days past due crossed 31 and
     * 91, the promises on their dates, the cure at the first close after the
     * payment, the later loan's case on its first day past due. */
    char *stages = rows_text(gap, collection_views[1]),
         *cases = rows_text(gap, collection_views[0]);
    char *promises = rows_text(gap, collection_views[2]), want[200];
    ld_date feb11 = D("2026-02-11");
    snprintf(want, sizeof want, "%lld|%lld|visit|31\n%lld|%lld|demand|91\n", (long long)lb[0],
             (long long)(feb11 + 30), (long long)lb[0], (long long)(feb11 + 90));
    CHECK_CONTAINS(stages, want);
    snprintf(want, sizeof want, "%lld|%lld|reminder|%lld|%lld|cured", (long long)lb[2],
             (long long)feb11, (long long)feb11, (long long)D("2026-02-12"));
    CHECK_CONTAINS(cases, want);
    snprintf(want, sizeof want, "%lld|%lld|reminder|1\n", (long long)lb[3],
             (long long)D("2026-02-26"));
    CHECK_CONTAINS(stages, want);
    snprintf(want, sizeof want, "%lld|400000|%lld|broken|0|%lld", (long long)lb[0],
             (long long)D("2026-02-25"), (long long)D("2026-02-25"));
    CHECK_CONTAINS(promises, want);
    snprintf(want, sizeof want, "%lld|100000|%lld|kept|100000|%lld", (long long)lb[1],
             (long long)D("2026-03-01"), (long long)D("2026-03-01"));
    CHECK_CONTAINS(promises, want);
    free(stages);
    free(cases);
    free(promises);
    check_collection_invariant(daily);
    check_collection_invariant(gap);
    CHECK_INT(verify(gap, &err), LD_OK);
    CHECK_INT(verify(daily, &err), LD_OK);
    core_store_close(daily);
    core_store_close(gap);
}

/* The policy at tests/data/policy-core.json with its collection section
 * replaced by section (JSON), loaded as the admin. */
static void load_collection_policy(core_store *store, const char *section)
{
    ld_error err;
    FILE *in = fopen(LOANDESK_SOURCE_DIR "/tests/data/policy-core.json", "rb");
    static char text[1 << 18];
    size_t n = in != NULL ? fread(text, 1, sizeof text - 1, in) : 0;
    if (in != NULL)
        fclose(in);
    text[n] = '\0';
    cJSON *doc = cJSON_Parse(text);
    if (doc == NULL)
        die("policy", NULL);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "collection");
    cJSON_AddItemToObject(doc, "collection", cJSON_Parse(section));
    char path[400];
    snprintf(path, sizeof path, "%s/policy-collection.json", s_keydir);
    char *out = cJSON_Print(doc);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fputs(out, f) < 0 || fclose(f) != 0)
        die("policy file", NULL);
    free(out);
    cJSON_Delete(doc);
    begin(store);
    if (end(store, core_policy_load(store, &s_admin, path, NULL, &err)) != LD_OK)
        die("policy load", &err);
    unlink(path);
}

/* New stages take effect on the next close for every open case; with
 * collection off the close leaves cases alone, and turned back on it opens
 * the cases it missed. */
static void test_collection_follows_the_policy_stages(void)
{
    core_store *store = open_store();
    ld_error err;
    int64_t loans[4];
    collection_book(store, loans);
    ledger_cob_result r;
    CHECK_INT(cob(store, "2026-02-20", &r, &err), LD_OK);
    load_collection_policy(store, "{\"stages\": [{\"code\": \"reminder\", \"from_dpd\": 1}, "
                                  "{\"code\": \"visit\", \"from_dpd\": 5}, {\"code\": \"legal\", "
                                  "\"from_dpd\": 9}]}");
    CHECK_INT(cob(store, "2026-02-21", &r, &err), LD_OK);
    /* Loans 0 and 1, 11 days past due, jump to legal action on the 21st. */
    CHECK_INT(r.case_stage_moves, 2);
    char *cases = rows_text(store, collection_views[0]), want[200];
    snprintf(want, sizeof want, "%lld|%lld|legal|%lld|null|null", (long long)loans[0],
             (long long)D("2026-02-11"), (long long)D("2026-02-21"));
    CHECK_CONTAINS(cases, want);
    free(cases);
    check_collection_invariant(store);
    /* Off: loan 3 falls past due on the 26th and no case opens; nor is
     * the promise of the 1st of March marked. */
    load_collection_policy(store, "{\"enabled\": false}");
    CHECK_INT(cob(store, "2026-03-02", &r, &err), LD_OK);
    CHECK_INT(r.cases_opened + r.promises_kept + r.promises_broken + r.case_stage_moves, 0);
    CHECK_INT(count_of(store, "SELECT count(*) FROM collection_case WHERE loan_id = ?", loans[3]),
              0);
    load_collection_policy(store, "{\"enabled\": true}");
    CHECK_INT(cob(store, "2026-03-03", &r, &err), LD_OK);
    CHECK_INT(r.cases_opened, 1);
    CHECK_INT(r.promises_kept, 1);
    check_collection_invariant(store);
    /* A policy cannot list stages and turn collection off. */
    cJSON *bad = cJSON_Parse("{\"collection\": {\"enabled\": false, \"stages\": []}}");
    core_care_terms terms;
    CHECK_INT(core_care_terms_read(bad, &terms, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "$.collection.stages");
    cJSON_Delete(bad);
    CHECK_INT(verify(store, &err), LD_OK);
    core_store_close(store);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"category_floor_boundaries", test_category_floor_boundaries},
        {"daily_interest_and_penalty_rounding", test_daily_interest_and_penalty_rounding},
        {"allocation_oldest_first", test_allocation_oldest_first_penalty_interest_principal},
        {"rebuild_keeps_principal_and_dates", test_rebuild_keeps_principal_and_dates},
        {"day_step_due_overdue_penalty", test_day_step_due_overdue_penalty},
        {"disburse_repay_show_and_books", test_disburse_repay_show_and_books},
        {"prepayment_rebuilds_schedule", test_prepayment_rebuilds_schedule},
        {"fully_repaid_loan_closes", test_fully_repaid_loan_closes},
        {"backdated_payment_is_value_dated", test_backdated_payment_is_value_dated},
        {"value_dated_payments_match_payments_on_time",
         test_value_dated_payments_match_payments_on_time},
        {"random_scenario_books_balance", test_random_scenario_books_balance_after_every_operation},
        {"corrections_refused_on_loans_backdated_before_value_dating",
         test_corrections_refused_on_loans_backdated_before_value_dating},
        {"per_loan_figures_sum_to_the_journal", test_per_loan_figures_sum_to_the_journal},
        {"reviewer_category_once_the_floor_reaches_it",
         test_reviewer_category_once_the_floor_reaches_it},
        {"money_moves_only_on_dates_that_have_come", test_money_moves_only_on_dates_that_have_come},
        {"collection_over_a_gap_matches_day_by_day", test_collection_over_a_gap_matches_day_by_day},
        {"collection_follows_the_policy_stages", test_collection_follows_the_policy_stages},
        {"a_synthetic_portfolio_verifies_in_full", test_a_synthetic_portfolio_verifies_in_full},
        {"tampering_is_caught", test_tampering_is_caught},
        {"export_offline_verify_and_proofs", test_export_offline_verify_and_proofs},
        {"offline_verify_refuses_a_journal_balanced_only_by_overflow",
         test_offline_verify_refuses_a_journal_balanced_only_by_overflow},
    };
    int rc = CHECK_RUN(argc, argv, cases);
    core_store_close(template_store);
    return rc;
}
