/*
 * cmd_collection.c - collection of overdue loans (清收) on the command line:
 * `collection list|show|action|promise|recover`. Thin: parse, call the
 * operations API (loandesk/care.h), print.
 */
#include <stdio.h>

#include "cli.h"
#include "cmd_care.h"
#include "loandesk/care.h"

int cmd_collection_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const flags[] = {"--all", NULL};
    static const cli_spec spec = {.flags = flags};
    cli_args args;
    int rc = cli_check("collection list", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *rows = NULL;
    if (ld_collection_list(ctx->s, cli_flag(argc, argv, "--all"), &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",      "loan_id", "contract_no", "borrower",
                                          "officer", "stage",   "stage_since", "dpd",
                                          "overdue", "outcome", NULL};
    return cli_show(argc, argv, rows, columns);
}

int cmd_collection_show(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int64_t id = 0;
    int rc = cli_check("collection show", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("case", args.positional[0], &id)) != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_collection_show(ctx->s, id, &o, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, o, NULL);
}

/* Prints "WHAT ID recorded on case CASE" or the JSON. */
static int recorded(cli_ctx *ctx, const char *what, cJSON *o)
{
    if (ctx->json)
        cli_print_json(o);
    else
        printf("%s %lld recorded on collection case %lld\n", what, cli_int(o, "id"),
               cli_int(o, "case_id"));
    cJSON_Delete(o);
    return 0;
}

int cmd_collection_action(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--kind",      "--outcome", "--next-step",
                                         "--next-date", "--date",    NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t id = 0;
    int rc = cli_check("collection action", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("case", args.positional[0], &id)) != 0)
        return rc;
    static const char *const keys[][2] = {{"--kind", "kind"},
                                          {"--outcome", "outcome"},
                                          {"--next-step", "next_step"},
                                          {"--next-date", "next_date"},
                                          {"--date", "date"}};
    cJSON *in = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = cli_opt(argc, argv, keys[i][0]);
        if (v != NULL)
            cJSON_AddStringToObject(in, keys[i][1], v);
    }
    ld_error err;
    cJSON *o = NULL;
    ld_status st = ld_collection_action(ctx->s, id, in, &o, &err);
    cJSON_Delete(in);
    if (st != LD_OK)
        return cli_fail(&err);
    return recorded(ctx, "action", o);
}

int cmd_collection_promise(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--amount", "--date", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t id = 0;
    int rc = cli_check("collection promise", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("case", args.positional[0], &id)) != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_collection_promise(ctx->s, id, cli_opt(argc, argv, "--amount"),
                              cli_opt(argc, argv, "--date"), &o, &err) != LD_OK)
        return cli_fail(&err);
    return recorded(ctx, "promise", o);
}

int cmd_collection_recover(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--guarantor", "--amount", "--date", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t id = 0, guarantor = 0;
    int rc = cli_check("collection recover", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("case", args.positional[0], &id)) != 0 ||
        (rc = cli_parse_id("guarantor", cli_opt(argc, argv, "--guarantor"), &guarantor)) != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_collection_recover(ctx->s, id, guarantor, cli_opt(argc, argv, "--amount"),
                              cli_opt(argc, argv, "--date"), &o, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, o, NULL);
    printf("recovered %s from guarantor %lld as repayment %lld of loan %lld\n",
           cli_text(o, "amount"), (long long)guarantor, cli_int(o, "repayment"),
           cli_int(o, "loan"));
    cJSON_Delete(o);
    return 0;
}
