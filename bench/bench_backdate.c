/*
 * bench_backdate.c - a back-dated repayment 60 days before the last close of
 * business (value dated: the loan replayed from disbursement with its
 * payments, the correction booked on the open day), timed against a repayment
 * on the open day, in the same run on the same book. Each operation is one
 * transaction as the operations API runs it: the ledger operation, the signed
 * checkpoint and the commit; the operation's time and the whole
 * transaction's are printed apart (the commit's fsync is the disk's). The book holds LOANS loans of
 * 24 monthly installments disbursed on 2025-06-15, every installment paid on its due date and
 * business closed daily through 2026-06-14; each loan takes one timed operation (half of them
 * back-dated, half on the open day, alternating). Target: the back-dated repayment under 10 ms
 * (median). Usage: bench_backdate [LOANS] [DB_PATH].
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "application.h"
#include "borrower.h"
#include "credit.h"
#include "doc_fixture.h"
#include "ident.h"
#include "ledger_events.h"
#include "loan.h"
#include "pki.h"
#include "policy.h"
#include "trust.h"
#include "user.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench_backdate: %s: %s\n", what, err ? err->message : "");
    exit(1);
}

typedef struct bench_signer {
    const core_pki_key *key;
    const char *cert;
} bench_signer;

static bench_signer signer;

static ld_status bench_key(void *ctx, const core_pki_key **key, const char **cert, ld_error *err)
{
    (void)ctx;
    (void)err;
    *key = signer.key;
    *cert = signer.cert;
    return LD_OK;
}

static core_store *store;
static core_session officer, manager;

static void begin(void)
{
    ld_error err;
    if (core_store_begin(store, &err) != LD_OK)
        die("begin", &err);
}

/* Ends a transaction as api_run does: sealed by a signed checkpoint. */
static ld_status end(ld_status st, ld_error *err)
{
    bool made = false;
    if (st == LD_OK &&
        ((st = ledger_checkpoint_seal(store, NULL, bench_key, NULL, (int64_t)time(NULL), &made,
                                      NULL, err)) != LD_OK ||
         (st = core_store_commit(store, err)) != LD_OK))
        return st;
    if (st != LD_OK)
        core_store_rollback(store);
    return st;
}

static ld_date day_of(const char *text)
{
    ld_date d;
    ld_error err;
    if (ld_date_parse("date", text, &d, &err) != LD_OK)
        die("date", &err);
    return d;
}

/* A disbursed loan of borrower n: 120,000.00 over 24 months at 4.35 %. */
static int64_t new_loan(int n, ld_date disbursed)
{
    ld_error err;
    char first17[18], id[19], json[640];
    snprintf(first17, sizeof first17, "11010519850301%03d", n % 1000);
    memcpy(id, first17, 17);
    id[17] = core_resident_id_check_char(first17);
    id[18] = '\0';
    snprintf(json, sizeof json,
             "{\"kind\": \"individual\", \"name\": \"Li Si\", \"phone\": \"13900139000\", "
             "\"address\": \"2 Jianguo Rd\", \"monthly_income\": \"40000.00\", \"id_number\": "
             "\"%s\"}",
             id);
    cJSON *b = cJSON_Parse(json);
    int64_t borrower = 0, app = 0, loan = 0;
    begin();
    if (end(core_borrower_add(store, &officer, b, &borrower, &err), &err) != LD_OK)
        die("borrower", &err);
    cJSON_Delete(b);
    snprintf(json, sizeof json,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"120000.00\", "
             "\"term_months\": 24, \"method\": \"annuity\", \"purpose\": \"renovation\", "
             "\"investigation\": {\"site_visit_date\": \"2025-06-01\", \"operations\": \"ok\", "
             "\"assets_liabilities\": \"ok\", \"repayment_capacity\": \"ok\", \"conclusion\": "
             "\"ok\"}}",
             (long long)borrower);
    cJSON *a = cJSON_Parse(json);
    begin();
    if (end(core_application_create(store, &officer, a, &app, &err), &err) != LD_OK)
        die("application", &err);
    cJSON_Delete(a);
    /* The papers the product's checklist requires, checked, as every gate asks. */
    dfx_complete(store, &officer, app);
    begin();
    if (end(core_application_submit(store, &officer, app, &err), &err) != LD_OK)
        die("submit", &err);
    core_rating_summary rating;
    memset(&rating, 0, sizeof rating);
    rating.score = 720;
    snprintf(rating.grade, sizeof rating.grade, "A");
    rating.pd = 10000;
    snprintf(rating.decision, sizeof rating.decision, "approve");
    rating.rate = 43500;
    snprintf(rating.policy_sha256, sizeof rating.policy_sha256, "%064d", 0);
    begin();
    if (end(core_rating_save(store, &manager, app, &rating, "{}", NULL, &err), &err) != LD_OK)
        die("rating", &err);
    core_approval_terms terms = {.rate = 43500, .fee_given = true, .fee_method = CORE_FEE_NONE};
    begin();
    if (end(core_application_approve(store, &manager, app, &terms, "fine", &err), &err) != LD_OK)
        die("approve", &err);
    begin();
    if (end(ledger_loan_disburse(store, &manager, app, disbursed, NULL, &loan, &err), &err) !=
        LD_OK)
        die("disburse", &err);
    return loan;
}

static void cob_through(ld_date date)
{
    ld_error err;
    ledger_cob_options o = {.date = date};
    ledger_cob_result r;
    begin();
    if (end(ledger_cob_run(store, &manager, &o, &r, &err), &err) != LD_OK)
        die("cob", &err);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static core_session add_user(const core_session *admin, const char *name, core_role role)
{
    ld_error err;
    core_user_spec spec = {name, name, role, -1, "Bench-pass-2026x"};
    core_session s = {.role = role};
    if (core_user_add(store, admin, &spec, &s.user_id, &err) != LD_OK)
        die("user", &err);
    snprintf(s.username, sizeof s.username, "%s", name);
    return s;
}

int main(int argc, char **argv)
{
    int loans = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 40;
    const char *path = argc > 2 ? argv[2] : "/tmp/bench_backdate.db";
    if (loans < 2 || loans > 900)
        loans = 40;
    char extra[600];
    unlink(path);
    snprintf(extra, sizeof extra, "%s-wal", path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", path);
    unlink(extra);
    ld_error err;
    core_session admin;
    core_clock clock = {.business_date = day_of("2026-06-15")};
    if (core_store_open(path, &store, &err) != LD_OK)
        die("open", &err);
    core_store_set_clock(store, &clock);
    if (ledger_events_attach(store, &err) != LD_OK || core_store_begin(store, &err) != LD_OK ||
        core_user_init_admin(store, "admin", "Admin", "Bench-pass-2026x", &admin, &err) != LD_OK ||
        core_policy_load(store, NULL, LOANDESK_SOURCE_DIR "/policy/default.json",
                         LOANDESK_SOURCE_DIR "/policy/products.json", &err) != LD_OK)
        die("setup", &err);
    officer = add_user(&admin, "off", CORE_ROLE_OFFICER);
    manager = add_user(&admin, "mgr", CORE_ROLE_MANAGER);
    core_policy_default_authority(store, CORE_ROLE_MANAGER, &manager.authority_limit, &err);
    if (core_store_commit(store, &err) != LD_OK)
        die("setup", &err);
    core_pki_subject subject = {"bench ledger", "institution", "bench"};
    core_pki_key *key = NULL;
    char *cert = NULL;
    if (core_pki_key_generate(&key, &err) != LD_OK ||
        core_pki_ca_cert_create(key, &subject, 30, time(NULL), &cert, &err) != LD_OK)
        die("bench key", &err);
    signer.key = key;
    signer.cert = cert;

    double t0 = now_seconds();
    ld_date disbursed = day_of("2025-06-15"), last = day_of("2026-06-14");
    int64_t *ids = calloc((size_t)loans, sizeof *ids);
    if (ids == NULL)
        die("memory", NULL);
    for (int i = 0; i < loans; i++)
        ids[i] = new_loan(i + 1, disbursed);
    /* Every installment paid on its due date, business closed day by day. */
    cJSON *show = NULL;
    if (ledger_loan_show(store, &manager, ids[0], &show, &err) != LD_OK)
        die("show", &err);
    ld_date closed = disbursed;
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(show, "schedule"))
    {
        ld_date due = day_of(cJSON_GetObjectItem(row, "due")->valuestring);
        if (due > last)
            break;
        ld_money amount = 0;
        ld_money_parse("amount", cJSON_GetObjectItem(row, "principal")->valuestring, &amount, &err);
        ld_money interest = 0;
        ld_money_parse("interest", cJSON_GetObjectItem(row, "interest")->valuestring, &interest,
                       &err);
        for (ld_date d = closed + 1; d < due; d++)
            cob_through(d);
        for (int i = 0; i < loans; i++) {
            ledger_repay_request req = {.amount = amount + interest, .date = due};
            begin();
            if (end(ledger_loan_repay(store, &manager, ids[i], &req, NULL, &err), &err) != LD_OK)
                die("installment", &err);
        }
        cob_through(due);
        closed = due;
    }
    cJSON_Delete(show);
    for (ld_date d = closed + 1; d <= last; d++)
        cob_through(d);
    printf("book: %d loans with their payments, closed daily through 2026-06-14, in %.1f s\n",
           loans, now_seconds() - t0);

    /* Alternating: a payment dated 60 days before the last close, entered
     * now, and one on the open day. Timed: the operation in its transaction,
     * and the whole transaction with its signed checkpoint and commit. */
    int half = loans / 2;
    double *t[4];
    for (int i = 0; i < 4; i++)
        if ((t[i] = calloc((size_t)half, sizeof *t[i])) == NULL)
            die("memory", NULL);
    for (int k = 0; k < half; k++) {
        ledger_repay_request late = {.amount = 300000,
                                     .date = last - 60,
                                     .backdated = true,
                                     .reason = "paid at the branch, keyed late"};
        ledger_repay_request today = {.amount = 300000, .date = last + 1};
        for (int kind = 0; kind < 2; kind++) {
            t0 = now_seconds();
            begin();
            ld_status st = ledger_loan_repay(store, &manager, ids[2 * k + kind],
                                             kind == 0 ? &late : &today, NULL, &err);
            t[kind][k] = now_seconds() - t0;
            if (end(st, &err) != LD_OK)
                die(kind == 0 ? "back-dated repayment" : "same-day repayment", &err);
            t[2 + kind][k] = now_seconds() - t0;
        }
    }
    double b = median(t[0], half) * 1e3, s = median(t[1], half) * 1e3;
    double bt = median(t[2], half) * 1e3, st = median(t[3], half) * 1e3;
    printf("medians over %d operations each          operation   with checkpoint and commit\n",
           half);
    printf("back-dated repayment, 60 days back:      %7.2f ms   %7.2f ms\n", b, bt);
    printf("same-day repayment (baseline):           %7.2f ms   %7.2f ms\n", s, st);
    printf("ratio back-dated / same-day = %.2f (operation); back-dated operation %s 10 ms\n", b / s,
           b < 10.0 ? "within" : "OVER");
    for (int i = 0; i < 4; i++)
        free(t[i]);
    free(ids);
    core_store_close(store);
    core_pki_key_free(key);
    free(cert);
    return 0;
}
