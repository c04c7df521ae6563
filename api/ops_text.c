/*
 * ops_text.c - reading input documents and showing amounts for front ends
 * (loandesk/servicing.h): the same strict JSON reader every operation's input
 * goes through, and money with thousands separators as the project prints it.
 */
#include <stdio.h>

#include "api_int.h"
#include "json_in.h"
#include "loandesk/servicing.h"

ld_status ld_json_read_file(const char *path, cJSON **out, ld_error *err)
{
    return core_json_parse_file(path, out, err);
}

const char *ld_amount_grouped(const char *amount, char buf[LD_AMOUNT_TEXT_MAX])
{
    ld_money value;
    if (amount == NULL || ld_money_parse("amount", amount, &value, NULL) != LD_OK)
        return amount;
    char grouped[LD_MONEY_TEXT_MAX];
    snprintf(buf, LD_AMOUNT_TEXT_MAX, "%s", ld_money_format_grouped(value, grouped));
    return buf;
}
