/*
 * cmd_schedule.c - `loandesk schedule`, the repayment calculator that needs no
 * database: the terms on the command line go to the operations API
 * (ld_schedule_preview), which applies DESIGN.md's schedule rules.
 */
#include <stdio.h>

#include "commands.h"
#include "loandesk/servicing.h"

int cmd_schedule(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--principal", "--rate",   "--term", "--method",
                                         "--start",     "--period", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("schedule", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    cJSON *terms = cJSON_CreateObject();
    for (int i = 0; values[i] != NULL; i++) {
        const char *value = cli_opt(argc, argv, values[i]);
        if (value != NULL)
            cJSON_AddStringToObject(terms, values[i] + 2, value);
    }
    ld_error err;
    cJSON *schedule = NULL;
    ld_status st = ld_schedule_preview(terms, &schedule, &err);
    cJSON_Delete(terms);
    if (st == LD_EUSAGE)
        return cli_usage("schedule", "--principal, --rate, --term, --method and --start are "
                                     "required");
    if (st != LD_OK)
        return cli_fail(&err);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(schedule, "installments");
    if (ctx->json) {
        cli_print_json(rows);
        cJSON_Delete(schedule);
        return 0;
    }
    char a[LD_AMOUNT_TEXT_MAX], b[LD_AMOUNT_TEXT_MAX], c[LD_AMOUNT_TEXT_MAX], d[LD_AMOUNT_TEXT_MAX];
    printf("%4s  %-10s  %16s  %14s  %16s  %18s\n", "n", "due", "principal", "interest", "payment",
           "balance");
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        printf("%4lld  %-10s  %16s  %14s  %16s  %18s\n", cli_int(row, "n"), cli_text(row, "due"),
               ld_amount_grouped(cli_text(row, "principal"), a),
               ld_amount_grouped(cli_text(row, "interest"), b),
               ld_amount_grouped(cli_text(row, "payment"), c),
               ld_amount_grouped(cli_text(row, "balance"), d));
    }
    printf("total %s interest, %s paid over %d installments (%s)\n",
           ld_amount_grouped(cli_text(schedule, "total_interest"), a),
           ld_amount_grouped(cli_text(schedule, "total_payment"), b), cJSON_GetArraySize(rows),
           cli_text(schedule, "method"));
    cJSON_Delete(schedule);
    return 0;
}
