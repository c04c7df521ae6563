/*
 * cmd_ledger.c - the loan ledger's commands (cmd_ledger.h): parse, call
 * ledger/, print. The dispatcher holds the one transaction; verification
 * failures exit 6 with the library's message naming the first bad entry.
 */
#include "cmd_ledger.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "json_in.h"
#include "ledger_verify.h"
#include "loan.h"

static const char *const bare[] = {"--json", "--backdated", "--quiet", NULL};

static int need_date(const char *cmd, int argc, char **argv, ld_date *out)
{
    const char *text = cli_opt(argc, argv, "--date");
    if (text == NULL)
        return cli_usage(cmd, "--date is required");
    ld_error err;
    if (ld_date_parse("date", text, out, &err) != LD_OK)
        return cli_fail(&err);
    return 0;
}

static int parse_u64(const char *what, const char *text, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = text ? strtoull(text, &end, 10) : 0;
    if (text == NULL || errno != 0 || end == text || *end != '\0' || text[0] == '-') {
        fprintf(stderr, "loandesk: error: %s: must be a whole number\n", what);
        return LD_EINVAL;
    }
    *out = v;
    return 0;
}

static int print_loan(cli_ctx *ctx, int64_t id, bool json)
{
    ld_error err;
    cJSON *loan = NULL;
    if (ledger_loan_show(ctx->store, &ctx->session, id, &loan, &err) != LD_OK)
        return cli_fail(&err);
    if (json) {
        cli_print_json(loan);
    } else {
        cJSON *schedule = cJSON_DetachItemFromObject(loan, "schedule");
        cJSON *repayments = cJSON_DetachItemFromObject(loan, "repayments");
        cli_print_record(loan);
        static const char *const cols[] = {"n",
                                           "due",
                                           "principal",
                                           "interest",
                                           "fee",
                                           "paid_principal",
                                           "paid_interest",
                                           "penalty",
                                           "paid_penalty",
                                           "state",
                                           NULL};
        printf("\nschedule:\n");
        cli_print_table(schedule, cols);
        if (cJSON_GetArraySize(repayments) > 0) {
            static const char *const rcols[] = {"id",        "kind",    "date",
                                                "amount",    "penalty", "interest",
                                                "principal", "prepaid", NULL};
            printf("\nrepayments:\n");
            cli_print_table(repayments, rcols);
        }
        cJSON_Delete(schedule);
        cJSON_Delete(repayments);
    }
    cJSON_Delete(loan);
    return 0;
}

int cmd_loan_disburse(cli_ctx *ctx, int argc, char **argv)
{
    int64_t app = 0, loan = 0;
    ld_date date;
    int rc;
    if ((rc = cli_parse_id("application", cli_positional(argc, argv, bare), &app)) != 0 ||
        (rc = need_date("loan disburse", argc, argv, &date)) != 0)
        return rc;
    ld_error err;
    if (ledger_loan_disburse(ctx->store, &ctx->session, app, date,
                             cli_opt(argc, argv, "--contract"), &loan, &err) != LD_OK)
        return cli_fail(&err);
    if (cli_flag(argc, argv, "--json"))
        return print_loan(ctx, loan, true);
    printf("loan %lld disbursed from application %lld\n", (long long)loan, (long long)app);
    return 0;
}

int cmd_loan_repay(cli_ctx *ctx, int argc, char **argv)
{
    int64_t loan = 0;
    int rc;
    ledger_repay_request req = {.backdated = cli_flag(argc, argv, "--backdated"),
                                .reason = cli_opt(argc, argv, "--reason")};
    if ((rc = cli_parse_id("loan", cli_positional(argc, argv, bare), &loan)) != 0 ||
        (rc = need_date("loan repay", argc, argv, &req.date)) != 0)
        return rc;
    const char *amount = cli_opt(argc, argv, "--amount");
    ld_error err;
    if (amount == NULL)
        return cli_usage("loan repay", "--amount is required");
    if (ld_money_parse("amount", amount, &req.amount, &err) != LD_OK)
        return cli_fail(&err);
    ledger_allocation a;
    if (ledger_loan_repay(ctx->store, &ctx->session, loan, &req, &a, &err) != LD_OK)
        return cli_fail(&err);
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "loan", loan);
    core_json_put_money(o, "amount", req.amount);
    core_json_put_money(o, "penalty", a.penalty + a.compound);
    core_json_put_money(o, "fee", a.fee);
    core_json_put_money(o, "interest", a.interest);
    core_json_put_money(o, "principal", a.principal);
    core_json_put_money(o, "prepaid", a.prepaid);
    if (cli_flag(argc, argv, "--json"))
        cli_print_json(o);
    else
        cli_print_record(o);
    cJSON_Delete(o);
    return 0;
}

int cmd_loan_settle(cli_ctx *ctx, int argc, char **argv)
{
    int64_t loan = 0;
    ld_date date;
    int rc;
    if ((rc = cli_parse_id("loan", cli_positional(argc, argv, bare), &loan)) != 0 ||
        (rc = need_date("loan settle", argc, argv, &date)) != 0)
        return rc;
    ld_error err;
    ld_money paid = 0;
    if (ledger_loan_settle(ctx->store, &ctx->session, loan, date, &paid, &err) != LD_OK)
        return cli_fail(&err);
    char text[LD_MONEY_TEXT_MAX];
    printf("loan %lld settled: %s paid\n", (long long)loan, ld_money_format(paid, text));
    return 0;
}

int cmd_loan_show(cli_ctx *ctx, int argc, char **argv)
{
    int64_t loan = 0;
    int rc = cli_parse_id("loan", cli_positional(argc, argv, bare), &loan);
    if (rc != 0)
        return rc;
    return print_loan(ctx, loan, cli_flag(argc, argv, "--json"));
}

int cmd_loan_classify(cli_ctx *ctx, int argc, char **argv)
{
    int64_t loan = 0;
    int rc = cli_parse_id("loan", cli_positional(argc, argv, bare), &loan);
    if (rc != 0)
        return rc;
    const char *category = cli_opt(argc, argv, "--category");
    if (category == NULL)
        return cli_usage("loan classify", "--category is required");
    ld_error err;
    ledger_category c;
    if (ledger_category_parse("category", category, &c, &err) != LD_OK ||
        ledger_loan_classify(ctx->store, &ctx->session, loan, c, cli_opt(argc, argv, "--reason"),
                             &err) != LD_OK)
        return cli_fail(&err);
    printf("loan %lld classified %s\n", (long long)loan, category);
    return 0;
}

int cmd_loan_write_off(cli_ctx *ctx, int argc, char **argv)
{
    int64_t loan = 0;
    int rc = cli_parse_id("loan", cli_positional(argc, argv, bare), &loan);
    if (rc != 0)
        return rc;
    ld_error err;
    if (ledger_loan_write_off(ctx->store, &ctx->session, loan, cli_opt(argc, argv, "--reason"),
                              &err) != LD_OK)
        return cli_fail(&err);
    printf("loan %lld written off\n", (long long)loan);
    return 0;
}

static void progress(void *ctx, int64_t done, int64_t total)
{
    (void)ctx;
    fprintf(stderr, "\rcob: %lld / %lld loans", (long long)done, (long long)total);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

int cmd_cob(cli_ctx *ctx, int argc, char **argv)
{
    ledger_cob_options o = {0};
    int rc = need_date("cob", argc, argv, &o.date);
    if (rc != 0)
        return rc;
    o.institution_password =
        cli_password("LOANDESK_INSTITUTION_PASSWORD", "institution key password: ");
    if (o.institution_password == NULL)
        return cli_usage("cob", "the institution key's password is needed for the checkpoint "
                                "(LOANDESK_INSTITUTION_PASSWORD)");
    if (!ctx->quiet && isatty(STDERR_FILENO))
        o.progress = progress;
    ld_error err;
    ledger_cob_result r;
    if (ledger_cob_run(ctx->store, &ctx->session, &o, &r, &err) != LD_OK)
        return cli_fail(&err);
    char date[LD_DATE_TEXT_MAX];
    ld_date_format(o.date, date);
    if (r.already_closed) {
        printf("business of %s is closed already; nothing changed\n", date);
        return 0;
    }
    printf("closed %s: %lld loans, %lld loan-days, %lld newly overdue, %lld category changes, "
           "%lld journal entries; log entry %llu; checkpoint at size %llu\n",
           date, (long long)r.loans, (long long)r.loan_days, (long long)r.newly_overdue,
           (long long)r.category_changes, (long long)r.journal_entries,
           (unsigned long long)r.log_seq, (unsigned long long)r.checkpoint_size);
    return 0;
}

int cmd_journal_trial_balance(cli_ctx *ctx, int argc, char **argv)
{
    ld_date date;
    int rc = need_date("journal trial-balance", argc, argv, &date);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *tb = NULL;
    if (ledger_trial_balance(ctx->store, &ctx->session, date, &tb, &err) != LD_OK)
        return cli_fail(&err);
    if (cli_flag(argc, argv, "--json")) {
        cli_print_json(tb);
    } else {
        static const char *const cols[] = {"account", "name", "debit", "credit", "balance", NULL};
        cli_print_table(cJSON_GetObjectItem(tb, "accounts"), cols);
        printf("total debit %s, total credit %s: %s\n",
               cJSON_GetObjectItem(tb, "total_debit")->valuestring,
               cJSON_GetObjectItem(tb, "total_credit")->valuestring,
               cJSON_IsTrue(cJSON_GetObjectItem(tb, "balanced")) ? "balanced" : "NOT BALANCED");
    }
    bool balanced = cJSON_IsTrue(cJSON_GetObjectItem(tb, "balanced"));
    cJSON_Delete(tb);
    return balanced ? 0 : LD_EVERIFY;
}

int cmd_ledger_checkpoint(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const char *password =
        cli_password("LOANDESK_INSTITUTION_PASSWORD", "institution key password: ");
    if (password == NULL)
        return cli_usage("ledger checkpoint", "the institution key's password is needed "
                                              "(LOANDESK_INSTITUTION_PASSWORD)");
    ld_error err;
    ledger_checkpoint cp;
    if (ledger_checkpoint_make(ctx->store, &ctx->session, password, &cp, &err) != LD_OK)
        return cli_fail(&err);
    char text[LEDGER_CHECKPOINT_TEXT_MAX];
    size_t len;
    if (ledger_checkpoint_text(&cp, text, &len, &err) != LD_OK)
        return cli_fail(&err);
    fwrite(text, 1, len, stdout);
    return 0;
}

int cmd_ledger_verify(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    ledger_verify_report r;
    const char *dir = cli_opt(argc, argv, "--offline");
    ld_status st = dir != NULL ? ledger_verify_offline(dir, &r, &err)
                               : ledger_verify(ctx->store, &ctx->session, &r, &err);
    if (st != LD_OK)
        return cli_fail(&err);
    printf("ledger verified: %llu entries, %llu checkpoints, %llu journal entries",
           (unsigned long long)r.entries, (unsigned long long)r.checkpoints,
           (unsigned long long)r.journal_entries);
    if (dir == NULL)
        printf(", %llu loans", (unsigned long long)r.loans);
    printf("\n");
    return 0;
}

int cmd_ledger_export(cli_ctx *ctx, int argc, char **argv)
{
    const char *dir = cli_opt(argc, argv, "--out");
    if (dir == NULL)
        return cli_usage("ledger export", "--out DIR is required");
    ld_error err;
    ledger_verify_report r;
    if (ledger_export(ctx->store, &ctx->session, dir, &r, &err) != LD_OK)
        return cli_fail(&err);
    printf("exported %llu entries and %llu checkpoints to %s\n", (unsigned long long)r.entries,
           (unsigned long long)r.checkpoints, dir);
    return 0;
}

int cmd_ledger_prove(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    cJSON *proof = NULL;
    int rc;
    ld_status st;
    if (cli_opt(argc, argv, "--entry") != NULL) {
        uint64_t index = 0, size = 0;
        if ((rc = parse_u64("entry", cli_opt(argc, argv, "--entry"), &index)) != 0 ||
            (cli_opt(argc, argv, "--size") != NULL &&
             (rc = parse_u64("size", cli_opt(argc, argv, "--size"), &size)) != 0))
            return rc;
        st = ledger_prove_inclusion(ctx->store, &ctx->session, index, size, &proof, &err);
    } else if (cli_opt(argc, argv, "--from") != NULL && cli_opt(argc, argv, "--to") != NULL) {
        uint64_t from = 0, to = 0;
        if ((rc = parse_u64("from", cli_opt(argc, argv, "--from"), &from)) != 0 ||
            (rc = parse_u64("to", cli_opt(argc, argv, "--to"), &to)) != 0)
            return rc;
        st = ledger_prove_consistency(ctx->store, &ctx->session, from, to, &proof, &err);
    } else {
        return cli_usage("ledger prove", "give --entry N [--size M] or --from A --to B");
    }
    if (st != LD_OK)
        return cli_fail(&err);
    cli_print_json(proof);
    cJSON_Delete(proof);
    return 0;
}

int cmd_ledger_verify_proof(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    const char *path = cli_positional(argc, argv, bare);
    if (path == NULL)
        return cli_usage("ledger verify-proof", "a proof file is required");
    ld_error err;
    cJSON *proof = NULL;
    if (core_json_parse_file(path, &proof, &err) != LD_OK)
        return cli_fail(&err);
    ld_status st = ledger_proof_check(proof, &err);
    cJSON_Delete(proof);
    if (st != LD_OK)
        return cli_fail(&err);
    printf("proof holds\n");
    return 0;
}
