/*
 * cmd_schedule.c - `loandesk schedule`, the repayment calculator that needs no
 * database: docs/design.md's schedule rules applied to the terms on the command line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "json_in.h"
#include "schedule.h"

int cmd_schedule(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    ld_error err;
    const char *principal = cli_opt(argc, argv, "--principal");
    const char *rate = cli_opt(argc, argv, "--rate");
    const char *term = cli_opt(argc, argv, "--term");
    const char *method = cli_opt(argc, argv, "--method");
    const char *start = cli_opt(argc, argv, "--start");
    const char *period = cli_opt(argc, argv, "--period");
    if (principal == NULL || rate == NULL || term == NULL || method == NULL || start == NULL)
        return cli_usage("schedule", "--principal, --rate, --term, --method and --start are "
                                     "required");
    ld_schedule_terms terms = {.period = LD_PERIOD_MONTHLY};
    char *end = NULL;
    long months = strtol(term, &end, 10);
    if (end == term || *end != '\0' || months < 1 || months > LD_TERM_MAX_MONTHS) {
        fprintf(stderr, "loandesk: error: term: must be a whole number of months, 1 to %d\n",
                LD_TERM_MAX_MONTHS);
        return LD_EINVAL;
    }
    terms.term_months = (int)months;
    if (ld_money_parse("principal", principal, &terms.principal, &err) != LD_OK ||
        ld_rate_parse("rate", rate, &terms.annual_rate, &err) != LD_OK ||
        core_repay_method_parse("method", method, &terms.method, &err) != LD_OK ||
        ld_date_parse("start", start, &terms.start, &err) != LD_OK ||
        (period != NULL && core_period_parse("period", period, &terms.period, &err) != LD_OK))
        return cli_fail(&err);
    ld_installment *rows = NULL;
    size_t count = 0;
    if (core_schedule_build(&terms, &rows, &count, &err) != LD_OK)
        return cli_fail(&err);
    ld_money total_interest = 0, total_payment = 0;
    for (size_t i = 0; i < count; i++) {
        total_interest += rows[i].interest;
        total_payment += rows[i].payment;
    }
    if (cli_flag(argc, argv, "--json")) {
        cJSON *list = cJSON_CreateArray();
        for (size_t i = 0; i < count; i++) {
            cJSON *row = cJSON_CreateObject();
            core_json_put_int(row, "n", rows[i].number);
            core_json_put_date(row, "due", rows[i].due);
            core_json_put_money(row, "principal", rows[i].principal);
            core_json_put_money(row, "interest", rows[i].interest);
            core_json_put_money(row, "payment", rows[i].payment);
            core_json_put_money(row, "balance", rows[i].balance);
            cJSON_AddItemToArray(list, row);
        }
        cli_print_json(list);
        cJSON_Delete(list);
    } else {
        char a[LD_MONEY_TEXT_MAX], b[LD_MONEY_TEXT_MAX], c[LD_MONEY_TEXT_MAX], d[LD_MONEY_TEXT_MAX],
            due[LD_DATE_TEXT_MAX];
        printf("%4s  %-10s  %16s  %14s  %16s  %18s\n", "n", "due", "principal", "interest",
               "payment", "balance");
        for (size_t i = 0; i < count; i++)
            printf("%4d  %-10s  %16s  %14s  %16s  %18s\n", rows[i].number,
                   ld_date_format(rows[i].due, due), ld_money_format_grouped(rows[i].principal, a),
                   ld_money_format_grouped(rows[i].interest, b),
                   ld_money_format_grouped(rows[i].payment, c),
                   ld_money_format_grouped(rows[i].balance, d));
        printf("total %s interest, %s paid over %zu installments (%s)\n",
               ld_money_format_grouped(total_interest, a),
               ld_money_format_grouped(total_payment, b), count,
               core_repay_method_name(terms.method));
    }
    free(rows);
    return 0;
}
