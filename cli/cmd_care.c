/*
 * cmd_care.c - customer care on the command line: `visit add|list`,
 * `complaint add|assign|respond|close|list` and `churn list`. Thin: parse,
 * call the operations API (loandesk/care.h), print.
 */
#include <stdio.h>

#include "cli.h"
#include "cmd_care.h"
#include "loandesk/care.h"

/* The options given, as the JSON record the API takes. */
static cJSON *record_of(int argc, char **argv, const char *const (*keys)[2], int count)
{
    cJSON *in = cJSON_CreateObject();
    for (int i = 0; i < count; i++) {
        const char *v = cli_opt(argc, argv, keys[i][0]);
        if (v != NULL)
            cJSON_AddStringToObject(in, keys[i][1], v);
    }
    return in;
}

typedef ld_status (*record_fn)(ld_session *, int64_t, const cJSON *, cJSON **, ld_error *);

/* `WHAT add BORROWER --options`: a record of the customer's. */
static int add_record(cli_ctx *ctx, int argc, char **argv, const char *command,
                      const char *const *values, const char *const (*keys)[2], int count,
                      record_fn fn, const char *what)
{
    const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t borrower = 0;
    int rc = cli_check(command, argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("borrower", args.positional[0], &borrower)) != 0)
        return rc;
    cJSON *in = record_of(argc, argv, keys, count);
    ld_error err;
    cJSON *o = NULL;
    ld_status st = fn(ctx->s, borrower, in, &o, &err);
    cJSON_Delete(in);
    if (st != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        cli_print_json(o);
    else
        printf("%s %lld recorded for borrower %lld\n", what, cli_int(o, "id"), (long long)borrower);
    cJSON_Delete(o);
    return 0;
}

int cmd_visit_add(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--date",     "--people",    "--purpose",
                                         "--findings", "--follow-up", NULL};
    static const char *const keys[][2] = {{"--date", "date"},
                                          {"--people", "people"},
                                          {"--purpose", "purpose"},
                                          {"--findings", "findings"},
                                          {"--follow-up", "follow_up"}};
    return add_record(ctx, argc, argv, "visit add", values, keys, 5, ld_visit_add, "visit");
}

int cmd_complaint_add(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--channel", "--text", "--received", NULL};
    static const char *const keys[][2] = {
        {"--channel", "channel"}, {"--text", "text"}, {"--received", "received_on"}};
    return add_record(ctx, argc, argv, "complaint add", values, keys, 3, ld_complaint_add,
                      "complaint");
}

int cmd_visit_list(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int64_t borrower = 0;
    int rc = cli_check("visit list", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("borrower", args.positional[0], &borrower)) != 0)
        return rc;
    ld_error err;
    cJSON *rows = NULL;
    if (ld_visit_list(ctx->s, borrower, &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",       "date",      "people",      "purpose",
                                          "findings", "follow_up", "recorded_by", NULL};
    return cli_show(argc, argv, rows, columns);
}

typedef ld_status (*step_fn)(ld_session *, int64_t, const char *, cJSON **, ld_error *);

/* `complaint STEP ID --option TEXT`. */
static int complaint_step(cli_ctx *ctx, int argc, char **argv, const char *command,
                          const char *option, step_fn fn, const char *done)
{
    const char *const values[] = {option, NULL};
    const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t id = 0;
    int rc = cli_check(command, argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("complaint", args.positional[0], &id)) != 0)
        return rc;
    const char *text = cli_opt(argc, argv, option);
    if (text == NULL)
        return cli_usage("complaint", "%s: %s is required", command, option);
    ld_error err;
    cJSON *o = NULL;
    if (fn(ctx->s, id, text, &o, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        cli_print_json(o);
    else
        printf("complaint %lld %s\n", (long long)id, done);
    cJSON_Delete(o);
    return 0;
}

int cmd_complaint_assign(cli_ctx *ctx, int argc, char **argv)
{
    return complaint_step(ctx, argc, argv, "complaint assign", "--to", ld_complaint_assign,
                          "assigned");
}

int cmd_complaint_respond(cli_ctx *ctx, int argc, char **argv)
{
    return complaint_step(ctx, argc, argv, "complaint respond", "--response", ld_complaint_respond,
                          "answered");
}

int cmd_complaint_close(cli_ctx *ctx, int argc, char **argv)
{
    return complaint_step(ctx, argc, argv, "complaint close", "--feedback", ld_complaint_close,
                          "closed");
}

int cmd_complaint_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const flags[] = {"--all", "--overdue", NULL};
    static const cli_spec spec = {.flags = flags};
    cli_args args;
    int rc = cli_check("complaint list", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *rows = NULL;
    if (ld_complaint_list(ctx->s, cli_flag(argc, argv, "--all"), cli_flag(argc, argv, "--overdue"),
                          &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",          "borrower",  "channel",
                                          "received_on", "deadline",  "past_deadline",
                                          "assigned_to", "closed_on", NULL};
    return cli_show(argc, argv, rows, columns);
}

int cmd_churn_list(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = cli_check("churn list", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *rows = NULL;
    if (ld_churn_list(ctx->s, &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"borrower_id", "borrower", "officer", "reason",
                                          "since",       "loan_id",  "prepaid", NULL};
    return cli_show(argc, argv, rows, columns);
}
