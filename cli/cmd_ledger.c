/*
 * cmd_ledger.c - the loan ledger's commands (cmd_ledger.h): parse, call the
 * operations API (loandesk/servicing.h), print. Each command is one
 * operation; verification failures exit 6 with the message naming the first
 * bad entry. `cob` and every command that appends sign with the institution
 * key file (secrets.c); verification takes the CA from the auditor (--ca or
 * --ca-fingerprint), never from the data.
 */
#include "cmd_ledger.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loandesk/care.h"
#include "loandesk/servicing.h"

/* Checks argv against the command's options and parses its record id. */
static int check_id(const char *command, int argc, char **argv, const cli_spec *spec,
                    const char *what, int64_t *id)
{
    cli_args args;
    int rc = cli_check(command, argc, argv, spec, &args);
    if (rc == 0)
        rc = cli_parse_id(what, args.positional[0], id);
    return rc;
}

static int need_opt(const char *command, int argc, char **argv, const char *name, const char **out)
{
    *out = cli_opt(argc, argv, name);
    if (*out == NULL)
        return cli_usage(command, "%s is required", name);
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

/* The auditor's trust anchor from the command's options. */
static ld_trust_anchor anchor_opts(int argc, char **argv)
{
    return (ld_trust_anchor){.ca_file = cli_opt(argc, argv, "--ca"),
                             .ca_fingerprint = cli_opt(argc, argv, "--ca-fingerprint"),
                             .since_path = cli_opt(argc, argv, "--since")};
}

/* Prints a loan: the record, then its schedule and repayments as tables. */
static int print_loan(cJSON *loan, bool json)
{
    if (json) {
        cli_print_json(loan);
        cJSON_Delete(loan);
        return 0;
    }
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
        static const char *const rcols[] = {"id",       "kind",      "date",    "amount", "penalty",
                                            "interest", "principal", "prepaid", NULL};
        printf("\nrepayments:\n");
        cli_print_table(repayments, rcols);
    }
    cJSON_Delete(schedule);
    cJSON_Delete(repayments);
    cJSON_Delete(loan);
    return 0;
}

int cmd_loan_disburse(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--date", "--contract", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    int64_t app = 0;
    const char *date;
    int rc = check_id("loan disburse", argc, argv, &spec, "application", &app);
    if (rc != 0 || (rc = need_opt("loan disburse", argc, argv, "--date", &date)) != 0)
        return rc;
    ld_error err;
    cJSON *loan = NULL;
    if (ld_loan_disburse(ctx->s, app, date, cli_opt(argc, argv, "--contract"), &loan, &err) !=
        LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return print_loan(loan, true);
    printf("loan %lld disbursed from application %lld\n", cli_int(loan, "id"), (long long)app);
    cJSON_Delete(loan);
    return 0;
}

int cmd_loan_repay(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--amount", "--date", "--reason", NULL};
    static const char *const flags[] = {"--backdated", NULL};
    static const cli_spec spec = {.values = values, .flags = flags, .max_positionals = 1};
    int64_t loan = 0;
    ld_repayment r = {.backdated = cli_flag(argc, argv, "--backdated"),
                      .reason = cli_opt(argc, argv, "--reason")};
    int rc = check_id("loan repay", argc, argv, &spec, "loan", &loan);
    if (rc != 0 || (rc = need_opt("loan repay", argc, argv, "--date", &r.date)) != 0 ||
        (rc = need_opt("loan repay", argc, argv, "--amount", &r.amount)) != 0)
        return rc;
    ld_error err;
    cJSON *result = NULL;
    if (ld_loan_repay(ctx->s, loan, &r, &result, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, result, NULL);
}

int cmd_loan_reverse(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--repayment", "--reason", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    int64_t loan = 0, repayment = 0;
    const char *text, *reason;
    int rc = check_id("loan reverse", argc, argv, &spec, "loan", &loan);
    if (rc != 0 || (rc = need_opt("loan reverse", argc, argv, "--repayment", &text)) != 0 ||
        (rc = need_opt("loan reverse", argc, argv, "--reason", &reason)) != 0 ||
        (rc = cli_parse_id("repayment", text, &repayment)) != 0)
        return rc;
    ld_error err;
    cJSON *result = NULL;
    if (ld_loan_repay_reverse(ctx->s, loan, repayment, reason, &result, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, result, NULL);
    printf("loan %lld: repayment %lld reversed; the loan is %s\n", (long long)loan,
           (long long)repayment, cli_text(result, "status"));
    cJSON_Delete(result);
    return 0;
}

int cmd_loan_settle(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--date", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    int64_t loan = 0;
    const char *date;
    int rc = check_id("loan settle", argc, argv, &spec, "loan", &loan);
    if (rc != 0 || (rc = need_opt("loan settle", argc, argv, "--date", &date)) != 0)
        return rc;
    ld_error err;
    cJSON *result = NULL;
    if (ld_loan_settle(ctx->s, loan, date, &result, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, result, NULL);
    printf("loan %lld settled: %s paid\n", (long long)loan, cli_text(result, "paid"));
    cJSON_Delete(result);
    return 0;
}

int cmd_loan_history(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--from", "--to", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    int64_t id = 0;
    int rc = check_id("loan history", argc, argv, &spec, "loan", &id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *h = NULL;
    if (ld_loan_history(ctx->s, id, cli_opt(argc, argv, "--from"), cli_opt(argc, argv, "--to"), &h,
                        &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, h, NULL);
    /* One line a day; the balances and each payment's allocation are in --json. */
    cJSON *days = cJSON_GetObjectItem(h, "days");
    cJSON *day;
    cJSON_ArrayForEach(day, days)
    {
        cJSON *b = cJSON_GetObjectItem(day, "balances");
        cJSON_AddStringToObject(day, "principal", cli_text(b, "principal"));
    }
    printf("loan %lld (%s), %s to %s:\n", (long long)id, cli_text(h, "contract_no"),
           cli_text(h, "from"), cli_text(h, "to"));
    static const char *const shown[] = {
        "date", "interest_accrued", "interest_fell_due", "penalty", "compound", "paid", "principal",
        "dpd",  "category",         "provision",         NULL};
    cli_print_table(days, shown);
    cJSON_Delete(h);
    return 0;
}

int cmd_loan_show(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--date", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    int64_t id = 0;
    int rc = check_id("loan show", argc, argv, &spec, "loan", &id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *loan = NULL;
    const char *date = cli_opt(argc, argv, "--date");
    if ((date != NULL ? ld_loan_show_at(ctx->s, id, date, &loan, &err)
                      : ld_loan_show(ctx->s, id, &loan, &err)) != LD_OK)
        return cli_fail(&err);
    return print_loan(loan, ctx->json);
}

int cmd_loan_classify(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--category", "--reason", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    int64_t loan = 0;
    const char *category;
    int rc = check_id("loan classify", argc, argv, &spec, "loan", &loan);
    if (rc != 0 || (rc = need_opt("loan classify", argc, argv, "--category", &category)) != 0)
        return rc;
    ld_error err;
    cJSON *result = NULL;
    if (ld_loan_classify(ctx->s, loan, category, cli_opt(argc, argv, "--reason"), &result, &err) !=
        LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, result, NULL);
    printf("loan %lld classified %s\n", (long long)loan, category);
    cJSON_Delete(result);
    return 0;
}

int cmd_loan_write_off(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--reason", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    int64_t loan = 0;
    int rc = check_id("loan write-off", argc, argv, &spec, "loan", &loan);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result = NULL;
    if (ld_loan_write_off(ctx->s, loan, cli_opt(argc, argv, "--reason"), &result, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, result, NULL);
    printf("loan %lld written off\n", (long long)loan);
    cJSON_Delete(result);
    return 0;
}

static void progress(void *context, int64_t done, int64_t total)
{
    (void)context;
    fprintf(stderr, "\rcob: %lld / %lld loans", (long long)done, (long long)total);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

int cmd_cob(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--date", NULL};
    static const char *const flags[] = {"--quiet", NULL};
    static const cli_spec spec = {.values = values, .flags = flags};
    cli_args args;
    ld_cob_options o = {0};
    int rc = cli_check("cob", argc, argv, &spec, &args);
    if (rc != 0 || (rc = need_opt("cob", argc, argv, "--date", &o.date)) != 0)
        return rc;
    if (!ctx->quiet && isatty(STDERR_FILENO))
        o.progress = progress;
    ld_error err;
    cJSON *r = NULL;
    if (ld_cob_run(ctx->s, &o, &r, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "already_closed")))
        printf("business of %s is closed already; nothing changed\n", cli_text(r, "date"));
    else
        printf("closed %s: %lld loans, %lld loan-days, %lld newly overdue, %lld category changes, "
               "%lld journal entries; log entry %lld; checkpoint at size %lld\n",
               cli_text(r, "date"), cli_int(r, "loans"), cli_int(r, "loan_days"),
               cli_int(r, "newly_overdue"), cli_int(r, "category_changes"),
               cli_int(r, "journal_entries"), cli_int(r, "log_seq"), cli_int(r, "checkpoint_size"));
    cJSON_Delete(r);
    return 0;
}

int cmd_journal_trial_balance(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--date", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    const char *date;
    int rc = cli_check("journal trial-balance", argc, argv, &spec, &args);
    if (rc != 0 || (rc = need_opt("journal trial-balance", argc, argv, "--date", &date)) != 0)
        return rc;
    ld_error err;
    cJSON *tb = NULL;
    if (ld_journal_trial_balance(ctx->s, date, &tb, &err) != LD_OK)
        return cli_fail(&err);
    bool balanced = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tb, "balanced"));
    if (ctx->json) {
        cli_print_json(tb);
    } else {
        static const char *const cols[] = {"account", "name", "debit", "credit", "balance", NULL};
        cli_print_table(cJSON_GetObjectItemCaseSensitive(tb, "accounts"), cols);
        printf("total debit %s, total credit %s: %s\n", cli_text(tb, "total_debit"),
               cli_text(tb, "total_credit"), balanced ? "balanced" : "NOT BALANCED");
    }
    cJSON_Delete(tb);
    return balanced ? 0 : LD_EVERIFY;
}

int cmd_ledger_checkpoint(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = cli_check("ledger checkpoint", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *cp = NULL;
    if (ld_ledger_checkpoint(ctx->s, &cp, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, cp, NULL);
    fputs(cli_text(cp, "block"), stdout);
    cJSON_Delete(cp);
    return 0;
}

int cmd_ledger_verify(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--offline", "--ca", "--ca-fingerprint", "--since", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("ledger verify", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    const char *dir = cli_opt(argc, argv, "--offline");
    ld_trust_anchor anchor = anchor_opts(argc, argv);
    ld_error err;
    cJSON *r = NULL;
    ld_status st = dir != NULL ? ld_ledger_verify_export(dir, &anchor, &r, &err)
                               : ld_ledger_verify(ctx->s, &anchor, &r, &err);
    if (st != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    printf("ledger verified: %lld entries, %lld checkpoints, %lld journal entries",
           cli_int(r, "entries"), cli_int(r, "checkpoints"), cli_int(r, "journal_entries"));
    if (dir == NULL)
        printf(", %lld loans", cli_int(r, "loans"));
    if (dir == NULL && cli_int(r, "rows_format1") > 0)
        printf("; %lld rows proven on their format 1 columns only (docs/ledger.md, section 7)",
               cli_int(r, "rows_format1"));
    else if (cli_int(r, "documents") > 0)
        printf(", %lld archived document files", cli_int(r, "documents"));
    printf("\n");
    cJSON_Delete(r);
    return 0;
}

int cmd_ledger_export(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--out", NULL};
    static const char *const flags[] = {"--archive", NULL};
    static const cli_spec spec = {.values = values, .flags = flags};
    cli_args args;
    const char *dir;
    int rc = cli_check("ledger export", argc, argv, &spec, &args);
    if (rc != 0 || (rc = need_opt("ledger export", argc, argv, "--out", &dir)) != 0)
        return rc;
    ld_error err;
    cJSON *r = NULL;
    if (ld_ledger_export(ctx->s, dir, &r, &err) != LD_OK)
        return cli_fail(&err);
    if (cli_flag(argc, argv, "--archive")) {
        cJSON *a = NULL;
        if (ld_document_export(ctx->s, dir, &a, &err) != LD_OK) {
            cJSON_Delete(r);
            return cli_fail(&err);
        }
        cJSON_AddItemToObject(r, "archive", a);
    }
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    printf("exported %lld entries and %lld checkpoints to %s\n", cli_int(r, "entries"),
           cli_int(r, "checkpoints"), dir);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(r, "archive");
    if (a != NULL)
        printf("and %lld archived document file(s) to %s\n", cli_int(a, "files"),
               cli_text(a, "dir"));
    cJSON_Delete(r);
    return 0;
}

int cmd_ledger_prove(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--entry", "--size", "--from", "--to", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("ledger prove", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *proof = NULL;
    ld_status st;
    const char *entry = cli_opt(argc, argv, "--entry"), *size = cli_opt(argc, argv, "--size");
    const char *from = cli_opt(argc, argv, "--from"), *to = cli_opt(argc, argv, "--to");
    if (entry != NULL) {
        uint64_t index = 0, tree_size = 0;
        if ((rc = parse_u64("entry", entry, &index)) != 0 ||
            (size != NULL && (rc = parse_u64("size", size, &tree_size)) != 0))
            return rc;
        st = ld_ledger_prove_inclusion(ctx->s, index, tree_size, &proof, &err);
    } else if (from != NULL && to != NULL) {
        uint64_t old_size = 0, new_size = 0;
        if ((rc = parse_u64("from", from, &old_size)) != 0 ||
            (rc = parse_u64("to", to, &new_size)) != 0)
            return rc;
        st = ld_ledger_prove_consistency(ctx->s, old_size, new_size, &proof, &err);
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
    static const char *const values[] = {"--ca", "--ca-fingerprint", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int rc = cli_check("ledger verify-proof", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    if (args.positional_count == 0)
        return cli_usage("ledger verify-proof", "a proof file is required");
    ld_trust_anchor anchor = anchor_opts(argc, argv);
    ld_error err;
    cJSON *r = NULL;
    if (ld_proof_verify_file(args.positional[0], &anchor, &r, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    printf("proof holds\n");
    cJSON_Delete(r);
    return 0;
}

int cmd_ledger_key_rotate(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = cli_check("ledger key-rotate", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    const char *ca = cli_ca_passphrase();
    if (ca == NULL)
        return cli_usage("ledger key-rotate", "the CA custodians' passphrase is needed "
                                              "(LOANDESK_CA_PASSPHRASE_FILE)");
    ld_error err;
    cJSON *r = NULL;
    if (ld_ledger_key_rotate(ctx->s, ca, cli_institution_key_passphrase(), &r, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    printf("institution key rotated: new certificate %s\n", cli_text(r, "fingerprint"));
    cJSON_Delete(r);
    return 0;
}
