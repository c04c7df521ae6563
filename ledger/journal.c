/*
 * journal.c - the pure half of the journal (journal.h): the chart of accounts
 * and the lines that closing days produce. Every set of lines built here sums
 * to zero by construction: each amount is added once as a debit and once as a
 * credit, and category moves sum to zero because a loan leaves one category
 * exactly when it enters another.
 */
#include "journal.h"

#include "json_in.h"

#include <string.h>

static const char *const loans_accounts[LEDGER_CATEGORY_COUNT] = {"1301.01", "1301.02", "1301.03",
                                                                  "1301.04", "1301.05"};
static const char *const provision_accounts[LEDGER_CATEGORY_COUNT] = {
    "1304.01", "1304.02", "1304.03", "1304.04", "1304.05"};

const char *ledger_acc_loans(int category)
{
    return loans_accounts[category];
}

const char *ledger_acc_provision(int category)
{
    return provision_accounts[category];
}

static const struct {
    const char *code, *name;
} chart[] = {
    {LEDGER_ACC_CASH, "settlement / cash"},
    {"1301.01", "loans receivable - normal"},
    {"1301.02", "loans receivable - special mention"},
    {"1301.03", "loans receivable - substandard"},
    {"1301.04", "loans receivable - doubtful"},
    {"1301.05", "loans receivable - loss"},
    {LEDGER_ACC_INT_ACCRUED, "interest accrued, not due"},
    {LEDGER_ACC_INT_DUE, "interest receivable"},
    {LEDGER_ACC_PENALTY_RCV, "penalty interest receivable"},
    {LEDGER_ACC_COMPOUND_RCV, "compound interest receivable"},
    {LEDGER_ACC_FEE_RCV, "fees receivable"},
    {"1304.01", "loss provision - normal"},
    {"1304.02", "loss provision - special mention"},
    {"1304.03", "loss provision - substandard"},
    {"1304.04", "loss provision - doubtful"},
    {"1304.05", "loss provision - loss"},
    {LEDGER_ACC_INT_INCOME, "interest income"},
    {LEDGER_ACC_PENALTY_INCOME, "penalty and compound interest income"},
    {LEDGER_ACC_FEE_INCOME, "fee income"},
    {LEDGER_ACC_IMPAIRMENT, "impairment loss (provision charge)"},
    {LEDGER_ACC_WRITE_OFF, "write-off loss"},
};

const char *ledger_account_name(const char *code)
{
    for (size_t i = 0; i < sizeof chart / sizeof chart[0]; i++)
        if (strcmp(chart[i].code, code) == 0)
            return chart[i].name;
    return "";
}

void ledger_jlines_add(ledger_jlines *lines, const char *account, ld_money amount)
{
    if (amount == 0)
        return;
    for (size_t i = 0; i < lines->count; i++) {
        if (strcmp(lines->lines[i].account, account) == 0) {
            lines->lines[i].amount += amount;
            return;
        }
    }
    /* The chart has fewer accounts than LEDGER_JLINES_MAX, so merging by
     * account can never run out of room. */
    lines->lines[lines->count].account = account;
    lines->lines[lines->count].amount = amount;
    lines->count++;
}

void ledger_day_sums_add(ledger_day_sums *sums, const ledger_day_result *day, int category_after,
                         ld_money principal)
{
    sums->interest_accrued += day->interest_accrued;
    sums->interest_fell_due += day->interest_fell_due;
    sums->accrued_released += day->accrued_released;
    sums->fee_fell_due += day->fee_fell_due;
    sums->penalty += day->penalty;
    sums->compound += day->compound;
    if (category_after != day->category_before) {
        sums->category_moves[day->category_before] -= principal;
        sums->category_moves[category_after] += principal;
    }
    sums->loans++;
}

void ledger_day_sums_lines(const ledger_day_sums *s, ledger_jlines *out)
{
    memset(out, 0, sizeof *out);
    ledger_jlines_add(out, LEDGER_ACC_INT_ACCRUED, s->interest_accrued - s->accrued_released);
    ledger_jlines_add(out, LEDGER_ACC_INT_DUE, s->interest_fell_due);
    /* Income is what accrued plus the true-up at due dates (the scheduled
     * interest less what had accrued for it): scheduled interest in total. */
    ledger_jlines_add(out, LEDGER_ACC_INT_INCOME,
                      -(s->interest_accrued + s->interest_fell_due - s->accrued_released));
    ledger_jlines_add(out, LEDGER_ACC_FEE_RCV, s->fee_fell_due);
    ledger_jlines_add(out, LEDGER_ACC_FEE_INCOME, -s->fee_fell_due);
    ledger_jlines_add(out, LEDGER_ACC_PENALTY_RCV, s->penalty);
    ledger_jlines_add(out, LEDGER_ACC_COMPOUND_RCV, s->compound);
    ledger_jlines_add(out, LEDGER_ACC_PENALTY_INCOME, -(s->penalty + s->compound));
    for (int c = 0; c < LEDGER_CATEGORY_COUNT; c++)
        ledger_jlines_add(out, loans_accounts[c], s->category_moves[c]);
    /* Drop lines that merged to zero. */
    size_t kept = 0;
    for (size_t i = 0; i < out->count; i++)
        if (out->lines[i].amount != 0)
            out->lines[kept++] = out->lines[i];
    out->count = kept;
}

bool ledger_journal_lines_balance(const cJSON *lines)
{
    ld_money sum = 0;
    const cJSON *pair;
    if (!cJSON_IsArray(lines))
        return false;
    cJSON_ArrayForEach(pair, lines)
    {
        int64_t amount = 0;
        if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 ||
            !cJSON_IsString(cJSON_GetArrayItem(pair, 0)) ||
            !core_json_integer(cJSON_GetArrayItem(pair, 1), &amount) ||
            !ld_money_add(sum, amount, &sum))
            return false;
    }
    return sum == 0;
}
