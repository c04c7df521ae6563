/*
 * cmd_reports.c - the commands of post-loan inspections, signed workbooks and
 * their verification: `inspection add|show|due`, `report
 * inspection|rating|ledger|portfolio` and `verify`. Thin: parse, call the
 * operations API (inspections, loandesk/servicing.h) or reports/, print.
 *
 * `verify` is run without the dispatcher's login so that an auditor can check
 * a file with nothing but the CA certificate and a ledger export; when a user
 * is named it opens the database itself, logs in and checks against it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_reports.h"
#include "json_in.h"
#include "loandesk/servicing.h"
#include "permission.h"
#include "report.h"
#include "user.h"

/* Options that take no value, so the first positional is found correctly. */
static const char *const bare[] = {"--no-sign", "--json", "--quiet", NULL};

/* The first argument that is not an option or an option's value; "-o" takes a
 * value too. */
static const char *positional(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            bool is_bare = false;
            for (int f = 0; bare[f] != NULL; f++)
                is_bare = is_bare || strcmp(argv[i], bare[f]) == 0;
            if (!is_bare)
                i++;
            continue;
        }
        return argv[i];
    }
    return NULL;
}

static int parse_date_opt(int argc, char **argv, const char *name, ld_date *out, bool *given)
{
    const char *text = cli_opt(argc, argv, name);
    *given = text != NULL;
    if (text == NULL)
        return 0;
    ld_error err;
    if (ld_date_parse(name + 2, text, out, &err) != LD_OK)
        return cli_fail(&err);
    return 0;
}

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

/* Options common to every `report` command; opens the signer unless --no-sign. */
static int report_setup(cli_ctx *ctx, int argc, char **argv, report_options *o,
                        report_signer **signer)
{
    memset(o, 0, sizeof *o);
    o->path = cli_opt(argc, argv, "-o");
    if (o->path == NULL)
        o->path = cli_opt(argc, argv, "--out");
    if (o->path == NULL)
        return cli_usage("report", "report %s: -o FILE.xlsx is required", argv[0]);
    const char *lang = cli_opt(argc, argv, "--lang");
    if (lang != NULL && strcmp(lang, "en") == 0)
        o->lang = REPORT_LANG_EN;
    else if (lang != NULL && strcmp(lang, "zh") != 0)
        return cli_usage("report", "--lang: \"%s\" is not zh or en", lang);
    *signer = NULL;
    if (!cli_flag(argc, argv, "--no-sign")) {
        ld_error err;
        if (report_signer_open(ctx->store, &ctx->session, ctx->password, signer, &err) != LD_OK)
            return cli_fail(&err);
        o->signer = *signer;
    }
    return 0;
}

static int report_done(cli_ctx *ctx, const char *kind, const report_options *o,
                       const report_result *r)
{
    if (ctx->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kind", kind);
        cJSON_AddStringToObject(j, "file", o->path);
        cJSON_AddStringToObject(j, "sha256", r->sha256);
        cJSON_AddBoolToObject(j, "signed", r->is_signed);
        if (r->is_signed) {
            char p7s[4096];
            snprintf(p7s, sizeof p7s, "%s.p7s", o->path);
            cJSON_AddStringToObject(j, "signature", p7s);
            cJSON_AddStringToObject(j, "signer", r->signer);
            cJSON_AddStringToObject(j, "fingerprint", r->fingerprint);
        }
        core_json_put_int(j, "anchor_size", (int64_t)r->anchor_size);
        cJSON_AddStringToObject(j, "anchor_root", r->anchor_root);
        core_json_put_int(j, "rows", r->rows);
        cli_print_json(j);
        cJSON_Delete(j);
        return 0;
    }
    printf("%s workbook: %s (%lld rows)\nsha256: %s\n", kind, o->path, (long long)r->rows,
           r->sha256);
    if (r->is_signed)
        printf("signed by %s (certificate %s): %s.p7s\nrecorded in the ledger, anchored at size "
               "%llu\n",
               r->signer, r->fingerprint, o->path, (unsigned long long)r->anchor_size);
    else
        printf("not signed (--no-sign)\n");
    return 0;
}

int cmd_report_inspection(cli_ctx *ctx, int argc, char **argv)
{
    int64_t loan_id = 0, inspection_id = 0;
    int rc = cli_parse_id("loan", positional(argc, argv), &loan_id);
    const char *which = cli_opt(argc, argv, "--inspection");
    if (rc == 0 && which != NULL)
        rc = cli_parse_id("inspection", which, &inspection_id);
    report_options o;
    report_signer *signer = NULL;
    if (rc == 0)
        rc = report_setup(ctx, argc, argv, &o, &signer);
    if (rc != 0)
        return rc;
    ld_error err;
    report_result r;
    ld_status st =
        report_inspection_write(ctx->store, &ctx->session, loan_id, inspection_id, &o, &r, &err);
    report_signer_free(signer);
    return st != LD_OK ? cli_fail(&err) : report_done(ctx, "inspection", &o, &r);
}

int cmd_report_rating(cli_ctx *ctx, int argc, char **argv)
{
    int64_t app_id = 0;
    int rc = cli_parse_id("application", positional(argc, argv), &app_id);
    report_options o;
    report_signer *signer = NULL;
    if (rc == 0)
        rc = report_setup(ctx, argc, argv, &o, &signer);
    if (rc != 0)
        return rc;
    ld_error err;
    report_result r;
    ld_status st = report_rating_write(ctx->store, &ctx->session, app_id, &o, &r, &err);
    report_signer_free(signer);
    return st != LD_OK ? cli_fail(&err) : report_done(ctx, "rating", &o, &r);
}

int cmd_report_ledger(cli_ctx *ctx, int argc, char **argv)
{
    ld_date from = INT32_MIN, to = INT32_MIN;
    bool given = false;
    int rc = parse_date_opt(argc, argv, "--from", &from, &given);
    if (rc == 0)
        rc = parse_date_opt(argc, argv, "--to", &to, &given);
    report_options o;
    report_signer *signer = NULL;
    if (rc == 0)
        rc = report_setup(ctx, argc, argv, &o, &signer);
    if (rc != 0)
        return rc;
    ld_error err;
    report_result r;
    ld_status st = report_ledger_write(ctx->store, &ctx->session, from, to, &o, &r, &err);
    report_signer_free(signer);
    return st != LD_OK ? cli_fail(&err) : report_done(ctx, "ledger", &o, &r);
}

int cmd_report_portfolio(cli_ctx *ctx, int argc, char **argv)
{
    ld_date date = 0, since = 0;
    bool given = false, since_given = false;
    int rc = parse_date_opt(argc, argv, "--date", &date, &given);
    if (rc == 0 && !given)
        return cli_usage("report", "report portfolio: --date D is required");
    if (rc == 0)
        rc = parse_date_opt(argc, argv, "--since", &since, &since_given);
    report_options o;
    report_signer *signer = NULL;
    if (rc == 0)
        rc = report_setup(ctx, argc, argv, &o, &signer);
    if (rc != 0)
        return rc;
    ld_error err;
    report_result r;
    ld_status st = report_portfolio_write(ctx->store, &ctx->session, date, since_given ? since : 0,
                                          &o, &r, &err);
    report_signer_free(signer);
    return st != LD_OK ? cli_fail(&err) : report_done(ctx, "portfolio", &o, &r);
}

static void print_time(const char *label, time_t t)
{
    struct tm tm;
    char buf[32] = "";
    if (gmtime_r(&t, &tm) != NULL)
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("%s%s\n", label, buf);
}

int cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    const char *file = positional(argc, argv);
    if (file == NULL)
        return cli_usage("verify", "verify: FILE.xlsx is required");
    report_verify_options o = {.path = file,
                               .p7s_path = cli_opt(argc, argv, "--p7s"),
                               .ca_pem_path = cli_opt(argc, argv, "--ca"),
                               .export_dir = cli_opt(argc, argv, "--ledger-export")};
    ld_error err;
    ld_error_clear(&err);
    core_store *store = NULL;
    /* With a user named (and no export given), check against the database. */
    if (ctx->username != NULL && o.export_dir == NULL) {
        core_session session;
        const char *password = cli_password("LOANDESK_PASSWORD", "password: ");
        ld_status st = core_store_open_existing(ctx->db_path, &store, &err);
        if (st == LD_OK)
            st = core_user_login(store, ctx->username, password, false, &session, &err);
        if (st == LD_OK && core_perm_require(&session, CORE_ACT_LEDGER_VERIFY, NULL, NULL) != LD_OK)
            st = core_perm_require(&session, CORE_ACT_REPORT_SIGN, NULL, &err);
        if (st == LD_OK)
            st = core_store_begin(store, &err);
        if (st != LD_OK) {
            core_store_close(store);
            return cli_fail(&err);
        }
        o.store = store;
    } else if (o.ca_pem_path == NULL) {
        return cli_usage("verify", "verify: without a database (--user), --ca ca.pem is needed");
    }
    report_verification v;
    ld_status st = report_verify(&o, &v, &err);
    if (store != NULL) {
        core_store_rollback(store); /* verification changes nothing */
        core_store_close(store);
    }
    if (st != LD_OK) {
        fprintf(stderr, "loandesk: error: verification failed: %s\n", err.message);
        return (int)st;
    }
    if (ctx->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "file", file);
        cJSON_AddStringToObject(j, "sha256", v.sha256);
        cJSON_AddStringToObject(j, "signer", v.signer);
        cJSON_AddStringToObject(j, "role", v.signer_role);
        cJSON_AddStringToObject(j, "fingerprint", v.fingerprint);
        core_json_put_int(j, "signing_time", (int64_t)v.signing_time);
        cJSON_AddBoolToObject(j, "in_ledger", v.in_ledger);
        if (v.in_ledger) {
            cJSON_AddStringToObject(j, "kind", v.kind);
            core_json_put_int(j, "ledger_entry", (int64_t)v.ledger_seq);
            core_json_put_int(j, "ledger_time", v.ledger_time);
            core_json_put_int(j, "checkpoint_size", (int64_t)v.checkpoint_size);
        }
        cJSON_AddBoolToObject(j, "revocation_checked", v.revocation_checked);
        cli_print_json(j);
        cJSON_Delete(j);
        return 0;
    }
    printf("OK: %s\nsha256: %s\nsigned by: %s (%s), certificate %s\n", file, v.sha256, v.signer,
           v.signer_role, v.fingerprint);
    print_time("signing time (signer's claim): ", v.signing_time);
    if (v.in_ledger) {
        printf("ledger: %s report, entry %llu", v.kind, (unsigned long long)v.ledger_seq);
        print_time(", recorded ", (time_t)v.ledger_time);
        if (v.checkpoint_size > 0)
            printf("covered by the signed checkpoint of size %llu\n",
                   (unsigned long long)v.checkpoint_size);
        else
            printf("not yet covered by a signed checkpoint\n");
    } else {
        printf("ledger: not checked (give --user for the database or --ledger-export DIR)\n");
    }
    printf("revocation: %s\n",
           v.revocation_checked ? "not revoked when recorded" : "not checked (no database)");
    return 0;
}
