/*
 * cmd_reports.c - the commands of post-loan inspections, signed workbooks and
 * their verification: `inspection add|show|due`, `report
 * inspection|investigation|rating|ledger|portfolio` and `verify`. Thin: parse, call the
 * operations API (inspections: loandesk/servicing.h; workbooks and
 * verification: loandesk/reports.h), print.
 *
 * `verify` with --ledger-export, or with --ca and nobody logged in, runs
 * without a database (the dispatcher opens none) so that an auditor can check
 * a file with nothing but the CA certificate and a ledger export; otherwise
 * it checks against the database through the session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_reports.h"
#include "loandesk/reports.h"
#include "loandesk/servicing.h"

int cmd_inspection_add(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--json", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t loan_id = 0;
    int rc = cli_check("inspection add", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("loan", args.positional[0], &loan_id)) != 0)
        return rc;
    const char *file = cli_opt(argc, argv, "--json");
    if (file == NULL)
        return cli_usage("inspection", "inspection add: --json FILE is required");
    ld_error err;
    cJSON *input = NULL, *result = NULL;
    if (ld_json_read_file(file, &input, &err) != LD_OK)
        return cli_fail(&err);
    ld_status st = ld_inspection_add(ctx->s, loan_id, input, &result, &err);
    cJSON_Delete(input);
    if (st != LD_OK)
        return cli_fail(&err);
    if (ctx->json) {
        cli_print_json(result);
    } else {
        printf("inspection %lld recorded for loan %lld\n", cli_int(result, "id"),
               (long long)loan_id);
    }
    cJSON_Delete(result);
    return 0;
}

int cmd_inspection_show(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--inspection", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t loan_id = 0, inspection_id = 0;
    int rc = cli_check("inspection show", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("loan", args.positional[0], &loan_id)) != 0)
        return rc;
    const char *which = cli_opt(argc, argv, "--inspection");
    if (which != NULL && (rc = cli_parse_id("inspection", which, &inspection_id)) != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_inspection_show(ctx->s, loan_id, inspection_id, &o, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, o, NULL);
}

int cmd_inspection_due(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--date", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("inspection due", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *rows = NULL;
    if (ld_inspection_due(ctx->s, cli_opt(argc, argv, "--date"), &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"loan_id",      "contract_no",     "borrower",
                                          "officer",      "category",        "due",
                                          "days_overdue", "last_inspection", NULL};
    return cli_show(argc, argv, rows, columns);
}

/* The options of each `report` command. */
static const char *const inspection_values[] = {"-o", "--out", "--lang", "--inspection", NULL};
static const char *const rating_values[] = {"-o", "--out", "--lang", NULL};
static const char *const ledger_values[] = {"-o", "--out", "--lang", "--from", "--to", NULL};
static const char *const portfolio_values[] = {"-o", "--out", "--lang", "--date", "--since", NULL};
static const char *const fit_values[] = {"-o", "--out", "--lang", NULL};
static const char *const report_flags[] = {"--no-sign", NULL};

/* Checks a report command's arguments (at most `positionals` words) and reads
 * the options every workbook takes. */
static int report_args(const char *command, int argc, char **argv, const char *const *values,
                       int positionals, cli_args *args, ld_report_spec *spec)
{
    const cli_spec cs = {.values = values, .flags = report_flags, .max_positionals = positionals};
    int rc = cli_check(command, argc, argv, &cs, args);
    if (rc != 0)
        return rc;
    *spec = (ld_report_spec){.path = cli_opt(argc, argv, "-o"),
                             .lang = cli_opt(argc, argv, "--lang"),
                             .no_sign = cli_flag(argc, argv, "--no-sign")};
    if (spec->path == NULL)
        spec->path = cli_opt(argc, argv, "--out");
    if (spec->path == NULL)
        return cli_usage("report", "report %s: -o FILE.xlsx is required", argv[0]);
    return 0;
}

static const char *json_text(const cJSON *o, const char *key)
{
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
    return text != NULL ? text : "";
}

static long long json_int(const cJSON *o, const char *key)
{
    return (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(o, key));
}

/* Prints what a report operation returned and frees it. */
static int report_done(cli_ctx *ctx, int argc, char **argv, ld_status st, const ld_error *err,
                       cJSON *o)
{
    if (st != LD_OK)
        return cli_fail(err);
    if (ctx->json)
        return cli_show(argc, argv, o, NULL);
    printf("%s workbook: %s (%lld rows)\nsha256: %s\n", json_text(o, "kind"), json_text(o, "file"),
           json_int(o, "rows"), json_text(o, "sha256"));
    if (cJSON_IsTrue(cJSON_GetObjectItem(o, "signed")))
        printf("signed by %s (certificate %s): %s\nrecorded in the ledger, anchored at size %lld\n",
               json_text(o, "signer"), json_text(o, "fingerprint"), json_text(o, "signature"),
               json_int(o, "anchor_size"));
    else
        printf("not signed (--no-sign)\n");
    cJSON_Delete(o);
    return 0;
}

int cmd_report_inspection(cli_ctx *ctx, int argc, char **argv)
{
    cli_args args;
    ld_report_spec spec;
    int64_t loan_id = 0, inspection_id = 0;
    int rc = report_args("report inspection", argc, argv, inspection_values, 1, &args, &spec);
    if (rc == 0)
        rc = cli_parse_id("loan", args.positional[0], &loan_id);
    const char *which = cli_opt(argc, argv, "--inspection");
    if (rc == 0 && which != NULL)
        rc = cli_parse_id("inspection", which, &inspection_id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    ld_status st =
        ld_report_inspection(ctx->s, loan_id, inspection_id, &spec, cli_key_password(), &o, &err);
    return report_done(ctx, argc, argv, st, &err, o);
}

int cmd_report_rating(cli_ctx *ctx, int argc, char **argv)
{
    cli_args args;
    ld_report_spec spec;
    int64_t app_id = 0;
    int rc = report_args("report rating", argc, argv, rating_values, 1, &args, &spec);
    if (rc == 0)
        rc = cli_parse_id("application", args.positional[0], &app_id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    ld_status st = ld_report_rating(ctx->s, app_id, &spec, cli_key_password(), &o, &err);
    return report_done(ctx, argc, argv, st, &err, o);
}

int cmd_report_investigation(cli_ctx *ctx, int argc, char **argv)
{
    cli_args args;
    ld_report_spec spec;
    int64_t app_id = 0;
    int rc = report_args("report investigation", argc, argv, rating_values, 1, &args, &spec);
    if (rc == 0)
        rc = cli_parse_id("application", args.positional[0], &app_id);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    ld_status st = ld_report_investigation(ctx->s, app_id, &spec, cli_key_password(), &o, &err);
    return report_done(ctx, argc, argv, st, &err, o);
}

int cmd_report_fit(cli_ctx *ctx, int argc, char **argv)
{
    cli_args args;
    ld_report_spec spec;
    int rc = report_args("report fit", argc, argv, fit_values, 1, &args, &spec);
    if (rc != 0)
        return rc;
    if (args.positional[0] == NULL)
        return cli_usage("report",
                         "report fit: give the fit report (rating fit --json > FIT.json)");
    ld_error err;
    cJSON *o = NULL;
    ld_status st = ld_report_fit(ctx->s, args.positional[0], &spec, cli_key_password(), &o, &err);
    return report_done(ctx, argc, argv, st, &err, o);
}

int cmd_report_collection(cli_ctx *ctx, int argc, char **argv)
{
    cli_args args;
    ld_report_spec spec;
    int rc = report_args("report collection", argc, argv, rating_values, 0, &args, &spec);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    ld_status st = ld_report_collection(ctx->s, &spec, cli_key_password(), &o, &err);
    return report_done(ctx, argc, argv, st, &err, o);
}

int cmd_report_ledger(cli_ctx *ctx, int argc, char **argv)
{
    cli_args args;
    ld_report_spec spec;
    int rc = report_args("report ledger", argc, argv, ledger_values, 0, &args, &spec);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    ld_status st =
        ld_report_ledger(ctx->s, cli_opt(argc, argv, "--from"), cli_opt(argc, argv, "--to"), &spec,
                         cli_key_password(), &o, &err);
    return report_done(ctx, argc, argv, st, &err, o);
}

int cmd_report_portfolio(cli_ctx *ctx, int argc, char **argv)
{
    cli_args args;
    ld_report_spec spec;
    const char *date = cli_opt(argc, argv, "--date");
    if (date == NULL)
        return cli_usage("report", "report portfolio: --date D is required");
    int rc = report_args("report portfolio", argc, argv, portfolio_values, 0, &args, &spec);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    ld_status st = ld_report_portfolio(ctx->s, date, cli_opt(argc, argv, "--since"), &spec,
                                       cli_key_password(), &o, &err);
    return report_done(ctx, argc, argv, st, &err, o);
}

static void print_time(const char *label, double seconds)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    char buf[32] = "";
    if (gmtime_r(&t, &tm) != NULL)
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("%s%s\n", label, buf);
}

static void print_verification(const cJSON *v)
{
    printf("OK: %s\nsha256: %s\nsigned by: %s (%s), certificate %s\n", json_text(v, "file"),
           json_text(v, "sha256"), json_text(v, "signer"), json_text(v, "role"),
           json_text(v, "fingerprint"));
    print_time("signing time (signer's claim): ",
               cJSON_GetNumberValue(cJSON_GetObjectItem(v, "signing_time")));
    if (cJSON_IsTrue(cJSON_GetObjectItem(v, "in_ledger"))) {
        printf("ledger: %s report, entry %lld", json_text(v, "kind"), json_int(v, "ledger_entry"));
        print_time(", recorded ", cJSON_GetNumberValue(cJSON_GetObjectItem(v, "ledger_time")));
        if (json_int(v, "checkpoint_size") > 0)
            printf("covered by the signed checkpoint of size %lld\n",
                   json_int(v, "checkpoint_size"));
        else
            printf("not yet covered by a signed checkpoint\n");
    } else {
        printf("ledger: not checked (give --user for the database or --ledger-export DIR)\n");
    }
    printf("sheet hashes: %s\n",
           !cJSON_IsTrue(cJSON_GetObjectItem(v, "sheets_checked"))
               ? "not recomputed (a workbook of the earlier hash form)"
           : cJSON_IsTrue(cJSON_GetObjectItem(v, "sheets_in_ledger"))
               ? "recomputed from the file; they match the signature sheet and the ledger's record"
               : "recomputed from the file; they match the signature sheet");
    printf("revocation: %s\n", cJSON_IsTrue(cJSON_GetObjectItem(v, "revocation_checked"))
                                   ? "not revoked when recorded"
                                   : "not checked (no database)");
}

int cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--ca", "--ca-fingerprint", "--ledger-export", "--p7s",
                                         NULL};
    static const cli_spec cs = {.values = values, .max_positionals = 1};
    cli_args args;
    int rc = cli_check("verify", argc, argv, &cs, &args);
    if (rc != 0)
        return rc;
    if (args.positional_count == 0)
        return cli_usage("verify", "verify: FILE.xlsx is required");
    ld_verify_spec spec = {.path = args.positional[0],
                           .p7s_path = cli_opt(argc, argv, "--p7s"),
                           .ca_pem_path = cli_opt(argc, argv, "--ca"),
                           .ca_fingerprint = cli_opt(argc, argv, "--ca-fingerprint"),
                           .export_dir = cli_opt(argc, argv, "--ledger-export")};
    ld_error err;
    cJSON *v = NULL;
    /* The dispatcher opened a session unless the check runs offline. */
    ld_status st =
        ctx->s != NULL ? ld_verify(ctx->s, &spec, &v, &err) : ld_verify_offline(&spec, &v, &err);
    if (st == LD_EUSAGE || st == LD_EPERM)
        return cli_fail(&err);
    if (st != LD_OK) {
        fprintf(stderr, "loandesk: error: verification failed: %s\n", err.message);
        return (int)st;
    }
    if (ctx->json)
        return cli_show(argc, argv, v, NULL);
    print_verification(v);
    cJSON_Delete(v);
    return 0;
}
