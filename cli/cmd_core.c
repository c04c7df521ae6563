/*
 * cmd_core.c - handlers for borrowers, applications and their parts, the loan
 * list, imports and the audit trail. Each checks its arguments, collects what
 * was typed, calls one operation of the operations API and prints the result;
 * the rules, the typing of records and the reading of terms are the API's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "loandesk/origination.h"

/* Prints the result of an operation that changed something: the JSON with
 * --json, else the sentence; frees result; returns 0. */
static int done(cli_ctx *ctx, cJSON *result, const char *sentence)
{
    if (ctx->json)
        cli_print_json(result);
    else
        printf("%s\n", sentence);
    cJSON_Delete(result);
    return 0;
}

/* The id of a result ({"id": N}). */
static long long result_id(const cJSON *result)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(result, "id");
    return cJSON_IsNumber(id) ? (long long)id->valuedouble : 0;
}

/* A record command's words: at most max_positionals words (the first parsed
 * as a record id named what when what is given), and the record as
 * --json FILE (or -) or as --field-name value pairs, which the API types. */
static int read_record(const char *command, int argc, char **argv, int max_positionals,
                       const char *what, int64_t *id, cJSON **out)
{
    const char *names[CLI_MAX_ARGS], *values[CLI_MAX_ARGS];
    const char *file = NULL;
    int count = 0, positionals = 0;
    const char *first = NULL;
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (strncmp(word, "--", 2) != 0 || word[2] == '\0') {
            if (positionals++ >= max_positionals)
                return cli_usage(command, "unexpected argument \"%s\"", word);
            first = first != NULL ? first : word;
            continue;
        }
        bool has_value = i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0;
        if (strcmp(word, "--json") == 0) {
            if (has_value && file == NULL)
                file = argv[++i];
            continue; /* a bare --json asks for JSON output */
        }
        if (!has_value)
            return cli_usage(command, "%s needs a value", word);
        if (count >= CLI_MAX_ARGS)
            return cli_usage(command, "too many fields");
        names[count] = word;
        values[count++] = argv[++i];
    }
    int rc;
    if (what != NULL && (rc = cli_parse_id(what, first, id)) != 0)
        return rc;
    ld_error err;
    ld_status st = file != NULL ? ld_record_from_file(file, out, &err)
                                : ld_record_from_flags(count, names, values, out, &err);
    if (st == LD_EUSAGE)
        return cli_usage(command, "%s", err.message);
    return st != LD_OK ? cli_fail(&err) : 0;
}

/* Checks a command that takes one record id and the given options. */
static int check_id(const char *command, int argc, char **argv, const char *const *values,
                    const char *what, int64_t *id)
{
    const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int rc = cli_check(command, argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    return cli_parse_id(what, args.positional[0], id);
}

/* Parses --limit and --after into a page. */
static int read_page(int argc, char **argv, ld_page *page)
{
    const char *limit = cli_opt(argc, argv, "--limit");
    const char *after = cli_opt(argc, argv, "--after");
    int64_t n = 0;
    int rc;
    *page = (ld_page){0};
    if (limit != NULL) {
        if ((rc = cli_parse_id("limit", limit, &n)) != 0)
            return rc;
        page->limit = n > 100000 ? 100000 : (int)n;
    }
    if (after != NULL && (rc = cli_parse_id("after", after, &page->after)) != 0)
        return rc;
    return 0;
}

/* 20008 as "20,008". */
static void grouped(long long n, char *buf, size_t size)
{
    char plain[32];
    int len = snprintf(plain, sizeof plain, "%lld", n);
    size_t used = 0;
    for (int i = 0; i < len && used + 2 < size; i++) {
        if (i > 0 && plain[i - 1] != '-' && (len - i) % 3 == 0)
            buf[used++] = ',';
        buf[used++] = plain[i];
    }
    buf[used] = '\0';
}

/* Prints a page of a list: the JSON as it is with --json, else the table and,
 * when more rows exist, how to get them; frees page. */
static int show_page(int argc, char **argv, cJSON *page, const char *const *columns)
{
    if (cli_flag(argc, argv, "--json"))
        return cli_show(argc, argv, page, NULL);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(page, "rows");
    cli_print_table(rows, columns);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(page, "has_more"))) {
        char shown[32], total[32];
        grouped(cJSON_GetArraySize(rows), shown, sizeof shown);
        grouped((long long)cJSON_GetObjectItemCaseSensitive(page, "total")->valuedouble, total,
                sizeof total);
        printf("showing %s of %s; more with --after %lld\n", shown, total,
               (long long)cJSON_GetObjectItemCaseSensitive(page, "next_after")->valuedouble);
    }
    cJSON_Delete(page);
    return 0;
}

/* ---- Borrowers ------------------------------------------------------------ */

int cmd_borrower_add(cli_ctx *ctx, int argc, char **argv)
{
    cJSON *record = NULL;
    int rc = read_record("borrower add", argc, argv, 0, NULL, NULL, &record);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result;
    ld_status st = ld_borrower_add(ctx->s, record, &result, &err);
    cJSON_Delete(record);
    if (st != LD_OK)
        return cli_fail(&err);
    char sentence[64];
    snprintf(sentence, sizeof sentence, "created borrower %lld", result_id(result));
    return done(ctx, result, sentence);
}

int cmd_borrower_show(cli_ctx *ctx, int argc, char **argv)
{
    int64_t id;
    int rc = check_id("borrower show", argc, argv, NULL, "borrower", &id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *record;
    if (ld_borrower_show(ctx->s, id, &record, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, record, NULL);
}

int cmd_borrower_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--name",  "--id-number", "--credit-code",
                                         "--limit", "--after",     NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    ld_page page;
    int rc = cli_check("borrower list", argc, argv, &spec, &args);
    if (rc != 0 || (rc = read_page(argc, argv, &page)) != 0)
        return rc;
    ld_borrower_filter filter = {
        .name = cli_opt(argc, argv, "--name"),
        .id_number = cli_opt(argc, argv, "--id-number"),
        .credit_code = cli_opt(argc, argv, "--credit-code"),
    };
    ld_error err;
    cJSON *result;
    if (ld_borrower_list(ctx->s, &filter, &page, &result, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",      "kind",         "name", "id_number",
                                          "officer", "applications", NULL};
    return show_page(argc, argv, result, columns);
}

int cmd_borrower_update(cli_ctx *ctx, int argc, char **argv)
{
    int64_t id;
    cJSON *changes = NULL;
    int rc = read_record("borrower update", argc, argv, 1, "borrower", &id, &changes);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result;
    ld_status st = ld_borrower_update(ctx->s, id, changes, &result, &err);
    cJSON_Delete(changes);
    if (st != LD_OK)
        return cli_fail(&err);
    char sentence[64];
    snprintf(sentence, sizeof sentence, "updated borrower %lld", (long long)id);
    return done(ctx, result, sentence);
}

int cmd_credit_report_add(cli_ctx *ctx, int argc, char **argv)
{
    int64_t id;
    cJSON *record = NULL;
    int rc = read_record("credit-report add", argc, argv, 1, "borrower", &id, &record);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result;
    ld_status st = ld_credit_report_add(ctx->s, id, record, &result, &err);
    cJSON_Delete(record);
    if (st != LD_OK)
        return cli_fail(&err);
    char sentence[96];
    snprintf(sentence, sizeof sentence, "added credit report %lld to borrower %lld",
             result_id(result), (long long)id);
    return done(ctx, result, sentence);
}

int cmd_credit_report_import(cli_ctx *ctx, int argc, char **argv)
{
    const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int rc = cli_check("credit-report import", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    if (args.positional[0] == NULL)
        return cli_usage("credit-report import", "give the JSON file of reports");
    ld_error err;
    cJSON *list = NULL, *result = NULL;
    if (ld_record_from_file(args.positional[0], &list, &err) != LD_OK)
        return cli_fail(&err);
    ld_status st = ld_credit_report_import(ctx->s, list, &result, &err);
    cJSON_Delete(list);
    if (st != LD_OK)
        return cli_fail(&err);
    char sentence[64];
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(result, "credit_reports");
    snprintf(sentence, sizeof sentence, "imported %lld credit reports",
             cJSON_IsNumber(n) ? (long long)n->valuedouble : 0LL);
    return done(ctx, result, sentence);
}

int cmd_credit_report_list(cli_ctx *ctx, int argc, char **argv)
{
    int64_t id;
    int rc = check_id("credit-report list", argc, argv, NULL, "borrower", &id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *list;
    if (ld_credit_report_list(ctx->s, id, &list, &err) != LD_OK)
        return cli_fail(&err);
    if (cli_flag(argc, argv, "--json"))
        return cli_show(argc, argv, list, NULL);
    static const char *const columns[] = {"id",
                                          "report_date",
                                          "source",
                                          "inquiries_6m",
                                          "card_utilisation",
                                          "open_loans",
                                          "worst_dpd_24m",
                                          "outstanding_balance",
                                          NULL};
    cli_print_table(list, columns);
    cJSON_Delete(list);
    return 0;
}

int cmd_borrower_assign(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--officer", NULL};
    int64_t id;
    int rc = check_id("borrower assign", argc, argv, values, "borrower", &id);
    if (rc != 0)
        return rc;
    const char *officer = cli_opt(argc, argv, "--officer");
    if (officer == NULL)
        return cli_usage("borrower", "--officer USERNAME is required");
    ld_error err;
    cJSON *result;
    if (ld_borrower_assign(ctx->s, id, officer, &result, &err) != LD_OK)
        return cli_fail(&err);
    char sentence[160];
    snprintf(sentence, sizeof sentence, "borrower %lld is now assigned to %s", (long long)id,
             officer);
    return done(ctx, result, sentence);
}

static int blocklist(cli_ctx *ctx, int argc, char **argv, bool on)
{
    static const char *const values[] = {"--reason", NULL};
    int64_t id;
    int rc = check_id(on ? "borrower blocklist" : "borrower unblock", argc, argv, values,
                      "borrower", &id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result;
    if (ld_borrower_blocklist(ctx->s, id, on, cli_opt(argc, argv, "--reason"), &result, &err) !=
        LD_OK)
        return cli_fail(&err);
    char sentence[64];
    snprintf(sentence, sizeof sentence, "borrower %lld %s", (long long)id,
             on ? "is blocklisted" : "is no longer blocklisted");
    return done(ctx, result, sentence);
}

int cmd_borrower_blocklist(cli_ctx *ctx, int argc, char **argv)
{
    return blocklist(ctx, argc, argv, true);
}

int cmd_borrower_unblock(cli_ctx *ctx, int argc, char **argv)
{
    return blocklist(ctx, argc, argv, false);
}

/* ---- Applications --------------------------------------------------------- */

int cmd_app_create(cli_ctx *ctx, int argc, char **argv)
{
    cJSON *record = NULL;
    int rc = read_record("app create", argc, argv, 0, NULL, NULL, &record);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result;
    ld_status st = ld_application_create(ctx->s, record, &result, &err);
    cJSON_Delete(record);
    if (st != LD_OK)
        return cli_fail(&err);
    char sentence[64];
    snprintf(sentence, sizeof sentence, "created draft application %lld", result_id(result));
    return done(ctx, result, sentence);
}

typedef ld_status (*app_read_fn)(ld_session *, int64_t, cJSON **, ld_error *);

static int show_app(cli_ctx *ctx, int argc, char **argv, const char *command, app_read_fn read)
{
    int64_t id;
    int rc = check_id(command, argc, argv, NULL, "application", &id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *record;
    if (read(ctx->s, id, &record, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, record, NULL);
}

int cmd_app_show(cli_ctx *ctx, int argc, char **argv)
{
    return show_app(ctx, argc, argv, "app show", ld_application_show);
}

int cmd_app_file(cli_ctx *ctx, int argc, char **argv)
{
    return show_app(ctx, argc, argv, "app file", ld_application_file);
}

int cmd_app_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--state",      "--borrower", "--officer", "--product",
                                         "--from",       "--to",       "--grade",   "--min-amount",
                                         "--max-amount", "--limit",    "--after",   "--returned",
                                         "--referred",   NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    ld_page page;
    int rc = cli_check("app list", argc, argv, &spec, &args);
    if (rc != 0 || (rc = read_page(argc, argv, &page)) != 0)
        return rc;
    ld_application_filter filter = {
        .state = cli_opt(argc, argv, "--state"),
        .officer = cli_opt(argc, argv, "--officer"),
        .product = cli_opt(argc, argv, "--product"),
        .from = cli_opt(argc, argv, "--from"),
        .to = cli_opt(argc, argv, "--to"),
        .grade = cli_opt(argc, argv, "--grade"),
        .min_amount = cli_opt(argc, argv, "--min-amount"),
        .max_amount = cli_opt(argc, argv, "--max-amount"),
        .returned = cli_opt(argc, argv, "--returned"),
        .referred = cli_opt(argc, argv, "--referred"),
    };
    const char *borrower = cli_opt(argc, argv, "--borrower");
    if (borrower != NULL && (rc = cli_parse_id("borrower", borrower, &filter.borrower_id)) != 0)
        return rc;
    ld_error err;
    cJSON *result;
    if (ld_application_list(ctx->s, &filter, &page, &result, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",     "borrower", "product", "amount",  "term_months",
                                          "method", "state",    "grade",   "officer", NULL};
    return show_page(argc, argv, result, columns);
}

int cmd_app_update(cli_ctx *ctx, int argc, char **argv)
{
    int64_t id;
    cJSON *changes = NULL;
    int rc = read_record("app update", argc, argv, 1, "application", &id, &changes);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result;
    ld_status st = ld_application_update(ctx->s, id, changes, &result, &err);
    cJSON_Delete(changes);
    if (st != LD_OK)
        return cli_fail(&err);
    char sentence[64];
    snprintf(sentence, sizeof sentence, "updated application %lld", (long long)id);
    return done(ctx, result, sentence);
}

/* Prints "application N <what>" for a workflow step that succeeded. */
static int stepped(cli_ctx *ctx, ld_status st, const ld_error *err, int64_t id, cJSON *result,
                   const char *what)
{
    if (st != LD_OK)
        return cli_fail(err);
    char sentence[64];
    snprintf(sentence, sizeof sentence, "application %lld %s", (long long)id, what);
    return done(ctx, result, sentence);
}

int cmd_app_submit(cli_ctx *ctx, int argc, char **argv)
{
    int64_t id;
    int rc = check_id("app submit", argc, argv, NULL, "application", &id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result = NULL;
    ld_status st = ld_application_submit(ctx->s, id, &result, &err);
    return stepped(ctx, st, &err, id, result, "submitted");
}

int cmd_app_approve(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--amount", "--term",       "--rate", "--fee",
                                         "--reason", "--fee-method", NULL};
    int64_t id;
    int rc = check_id("app approve", argc, argv, values, "application", &id);
    if (rc != 0)
        return rc;
    ld_approval terms = {
        .amount = cli_opt(argc, argv, "--amount"),
        .term_months = cli_opt(argc, argv, "--term"),
        .rate = cli_opt(argc, argv, "--rate"),
        .fee_method = cli_opt(argc, argv, "--fee-method"),
        .fee = cli_opt(argc, argv, "--fee"),
        .reason = cli_opt(argc, argv, "--reason"),
    };
    ld_error err;
    cJSON *result = NULL;
    ld_status st = ld_application_approve(ctx->s, id, &terms, &result, &err);
    return stepped(ctx, st, &err, id, result, "approved");
}

typedef ld_status (*decision_fn)(ld_session *, int64_t, const char *, cJSON **, ld_error *);

static int decide(cli_ctx *ctx, int argc, char **argv, const char *command, decision_fn fn,
                  const char *what)
{
    static const char *const values[] = {"--reason", NULL};
    int64_t id;
    int rc = check_id(command, argc, argv, values, "application", &id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result = NULL;
    ld_status st = fn(ctx->s, id, cli_opt(argc, argv, "--reason"), &result, &err);
    return stepped(ctx, st, &err, id, result, what);
}

int cmd_app_reject(cli_ctx *ctx, int argc, char **argv)
{
    return decide(ctx, argc, argv, "app reject", ld_application_reject, "rejected");
}

int cmd_app_withdraw(cli_ctx *ctx, int argc, char **argv)
{
    return decide(ctx, argc, argv, "app withdraw", ld_application_withdraw, "withdrawn");
}

int cmd_app_return(cli_ctx *ctx, int argc, char **argv)
{
    return decide(ctx, argc, argv, "app return", ld_application_return, "returned to its officer");
}

int cmd_app_refer(cli_ctx *ctx, int argc, char **argv)
{
    return decide(ctx, argc, argv, "app refer", ld_application_refer, "referred to a manager");
}

/* ---- Parts ---------------------------------------------------------------- */

typedef ld_status (*part_add_fn)(ld_session *, int64_t, const cJSON *, cJSON **, ld_error *);

static int add_part(cli_ctx *ctx, int argc, char **argv, const char *command, part_add_fn fn,
                    const char *what)
{
    int64_t app;
    cJSON *record = NULL;
    int rc = read_record(command, argc, argv, 1, "application", &app, &record);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *result;
    ld_status st = fn(ctx->s, app, record, &result, &err);
    cJSON_Delete(record);
    if (st != LD_OK)
        return cli_fail(&err);
    char sentence[96];
    snprintf(sentence, sizeof sentence, "added %s %lld to application %lld", what,
             result_id(result), (long long)app);
    return done(ctx, result, sentence);
}

static int list_parts(cli_ctx *ctx, int argc, char **argv, const char *command, app_read_fn fn,
                      const char *const *columns)
{
    int64_t app;
    int rc = check_id(command, argc, argv, NULL, "application", &app);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *rows;
    if (fn(ctx->s, app, &rows, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, rows, columns);
}

int cmd_guarantor_add(cli_ctx *ctx, int argc, char **argv)
{
    return add_part(ctx, argc, argv, "guarantor add", ld_guarantor_add, "guarantor");
}

int cmd_guarantor_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const columns[] = {
        "id", "kind", "name", "guarantee_type", "guaranteed_amount", "capacity", "short", NULL};
    return list_parts(ctx, argc, argv, "guarantor list", ld_guarantor_list, columns);
}

int cmd_collateral_add(cli_ctx *ctx, int argc, char **argv)
{
    return add_part(ctx, argc, argv, "collateral add", ld_collateral_add, "collateral");
}

int cmd_collateral_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const columns[] = {
        "id",      "type",           "arrangement", "owner_name", "appraised_value",
        "ltv_cap", "lendable_value", "lien_rank",   NULL};
    return list_parts(ctx, argc, argv, "collateral list", ld_collateral_list, columns);
}

int cmd_investigation_add(cli_ctx *ctx, int argc, char **argv)
{
    return add_part(ctx, argc, argv, "investigation add", ld_investigation_add, "investigation");
}

/* ---- Loans, import, audit ------------------------------------------------- */

int cmd_loan_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--state",   "--category", "--min-dpd",
                                         "--officer", "--product",  "--maturing-before",
                                         "--limit",   "--after",    NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    ld_page page;
    int rc = cli_check("loan list", argc, argv, &spec, &args);
    if (rc != 0 || (rc = read_page(argc, argv, &page)) != 0)
        return rc;
    ld_loan_filter filter = {
        .state = cli_opt(argc, argv, "--state"),
        .category = cli_opt(argc, argv, "--category"),
        .min_dpd = cli_opt(argc, argv, "--min-dpd"),
        .officer = cli_opt(argc, argv, "--officer"),
        .product = cli_opt(argc, argv, "--product"),
        .maturing_before = cli_opt(argc, argv, "--maturing-before"),
    };
    ld_error err;
    cJSON *result;
    if (ld_loan_list(ctx->s, &filter, &page, &result, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",       "contract_no", "borrower",   "officer",
                                          "product",  "amount",      "principal",  "status",
                                          "category", "dpd",         "matures_on", NULL};
    return show_page(argc, argv, result, columns);
}

int cmd_import(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int rc = cli_check("import", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    if (args.positional_count == 0)
        return cli_usage("import", "name the JSON Lines file (or - for stdin)");
    ld_error err;
    cJSON *stats;
    if (ld_import(ctx->s, args.positional[0], &stats, &err) != LD_OK)
        return cli_fail(&err);
    const char *const keys[] = {"lines", "borrowers", "applications", "guarantors", "collateral"};
    long long n[5];
    for (int i = 0; i < 5; i++)
        n[i] = (long long)cJSON_GetObjectItemCaseSensitive(stats, keys[i])->valuedouble;
    char sentence[200];
    snprintf(sentence, sizeof sentence,
             "imported %lld lines: %lld borrowers, %lld applications, %lld guarantors, %lld "
             "collateral items",
             n[0], n[1], n[2], n[3], n[4]);
    return done(ctx, stats, sentence);
}

int cmd_audit_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--entity", "--id", "--user", "--limit", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("audit", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_audit_filter filter = {
        .entity = cli_opt(argc, argv, "--entity"),
        .username = cli_opt(argc, argv, "--user"),
    };
    const char *id = cli_opt(argc, argv, "--id");
    const char *limit = cli_opt(argc, argv, "--limit");
    if (id != NULL && (rc = cli_parse_id("id", id, &filter.entity_id)) != 0)
        return rc;
    if (limit != NULL) {
        int64_t n;
        if ((rc = cli_parse_id("limit", limit, &n)) != 0)
            return rc;
        filter.limit = n > 100000 ? 100000 : (int)n;
    }
    ld_error err;
    cJSON *rows;
    if (ld_audit_list(ctx->s, &filter, &rows, &err) != LD_OK)
        return cli_fail(&err);
    if (cli_flag(argc, argv, "--json"))
        return cli_show(argc, argv, rows, NULL);
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        char *detail = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(row, "detail"));
        const cJSON *entity_id = cJSON_GetObjectItemCaseSensitive(row, "entity_id");
        char entity[96];
        if (entity_id != NULL)
            snprintf(entity, sizeof entity, "%s %lld",
                     cJSON_GetObjectItemCaseSensitive(row, "entity")->valuestring,
                     (long long)entity_id->valuedouble);
        else
            snprintf(entity, sizeof entity, "%s",
                     cJSON_GetObjectItemCaseSensitive(row, "entity")->valuestring);
        printf("%s  %-10s %-6s %-20s %-16s %s\n",
               cJSON_GetObjectItemCaseSensitive(row, "at")->valuestring,
               cJSON_GetObjectItemCaseSensitive(row, "user")->valuestring,
               cJSON_GetObjectItemCaseSensitive(row, "outcome")->valuestring,
               cJSON_GetObjectItemCaseSensitive(row, "action")->valuestring, entity,
               detail ? detail : "");
        cJSON_free(detail);
    }
    cJSON_Delete(rows);
    return 0;
}
