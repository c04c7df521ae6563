/*
 * schedule.c - the four repayment methods of docs/design.md.
 *
 * Interest of a period is round(balance * annual * months_per_period / 12) on the
 * balance before the installment. The annuity payment is the one place real
 * arithmetic is used (a power, in annuity.c); its result is rounded once, and the
 * last installment absorbs what rounding left so that principal sums exactly.
 */
#include "schedule.h"

#include "annuity.h"
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {"annuity", "equal_principal", "interest_only", "bullet"};

const char *core_repay_method_name(ld_repay_method method)
{
    return method_names[method];
}

ld_status core_repay_method_parse(const char *field, const char *text, ld_repay_method *out,
                                  ld_error *err)
{
    for (size_t i = 0; text != NULL && i < sizeof method_names / sizeof method_names[0]; i++) {
        if (strcmp(text, method_names[i]) == 0) {
            *out = (ld_repay_method)i;
            return LD_OK;
        }
    }
    return LD_FAIL(err, LD_EINVAL,
                   "%s: must be one of annuity, equal_principal, interest_only, bullet", field);
}

const char *core_period_name(ld_period period)
{
    return period == LD_PERIOD_QUARTERLY ? "quarterly" : "monthly";
}

ld_status core_period_parse(const char *field, const char *text, ld_period *out, ld_error *err)
{
    if (text != NULL && strcmp(text, "monthly") == 0) {
        *out = LD_PERIOD_MONTHLY;
        return LD_OK;
    }
    if (text != NULL && strcmp(text, "quarterly") == 0) {
        *out = LD_PERIOD_QUARTERLY;
        return LD_OK;
    }
    return LD_FAIL(err, LD_EINVAL, "%s: must be monthly or quarterly", field);
}

ld_status core_schedule_terms_check(const ld_schedule_terms *terms, ld_error *err)
{
    if (terms->principal <= 0)
        return LD_FAIL(err, LD_EINVAL, "principal: must be positive");
    if (terms->principal > LD_MONEY_MAX)
        return LD_FAIL(err, LD_EINVAL, "principal: must not exceed 10000000000000.00 yuan");
    if (terms->annual_rate < 0 || terms->annual_rate > LD_RATE_MAX)
        return LD_FAIL(err, LD_EINVAL, "rate: must be between 0 and 100 percent");
    if (terms->term_months < 1 || terms->term_months > LD_TERM_MAX_MONTHS)
        return LD_FAIL(err, LD_EINVAL, "term: must be 1 to %d months", LD_TERM_MAX_MONTHS);
    if (terms->period != LD_PERIOD_MONTHLY && terms->period != LD_PERIOD_QUARTERLY)
        return LD_FAIL(err, LD_EINVAL, "period: must be monthly or quarterly");
    if (terms->term_months % (int)terms->period != 0)
        return LD_FAIL(err, LD_EINVAL, "term: %d months is not a whole number of quarters",
                       terms->term_months);
    if ((unsigned)terms->method > LD_METHOD_BULLET)
        return LD_FAIL(err, LD_EINVAL, "method: unknown repayment method");
    return LD_OK;
}

ld_status core_schedule_first_payment(const ld_schedule_terms *terms, ld_money *out, ld_error *err)
{
    ld_status st = core_schedule_terms_check(terms, err);
    if (st != LD_OK)
        return st;
    int per = (int)terms->period;
    int n = terms->term_months / per;
    ld_money interest = ld_interest_months(terms->principal, terms->annual_rate, per);
    switch (terms->method) {
    case LD_METHOD_ANNUITY:
        *out = core_annuity_payment(terms->principal, terms->annual_rate, per, n);
        break;
    case LD_METHOD_EQUAL_PRINCIPAL:
        *out = ld_round_div(terms->principal, n) + interest;
        break;
    case LD_METHOD_INTEREST_ONLY:
        *out = n == 1 ? terms->principal + interest : interest;
        break;
    case LD_METHOD_BULLET: {
        ld_date end = ld_date_add_months(terms->start, terms->term_months);
        *out = terms->principal +
               ld_interest_act360(terms->principal, terms->annual_rate, end - terms->start);
        break;
    }
    }
    return LD_OK;
}

ld_status core_schedule_build(const ld_schedule_terms *terms, ld_installment **out, size_t *count,
                              ld_error *err)
{
    ld_status st = core_schedule_terms_check(terms, err);
    if (st != LD_OK)
        return st;
    int per = (int)terms->period;
    int n = terms->method == LD_METHOD_BULLET ? 1 : terms->term_months / per;
    ld_installment *rows = calloc((size_t)n, sizeof *rows);
    if (rows == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory building a %d-installment schedule", n);

    ld_money balance = terms->principal;
    ld_money level_payment = core_annuity_payment(terms->principal, terms->annual_rate, per, n);
    ld_money level_principal = ld_round_div(terms->principal, n);
    for (int k = 1; k <= n; k++) {
        ld_installment *row = &rows[k - 1];
        row->number = k;
        if (terms->method == LD_METHOD_BULLET) {
            row->due = ld_date_add_months(terms->start, terms->term_months);
            row->interest =
                ld_interest_act360(balance, terms->annual_rate, row->due - terms->start);
            row->principal = balance;
        } else {
            row->due = ld_date_add_months(terms->start, k * per);
            ld_money on_balance = ld_interest_months(balance, terms->annual_rate, per);
            switch (terms->method) {
            case LD_METHOD_ANNUITY:
                row->interest = on_balance;
                row->principal = level_payment - on_balance;
                break;
            case LD_METHOD_EQUAL_PRINCIPAL:
                row->interest = on_balance;
                row->principal = level_principal;
                break;
            case LD_METHOD_INTEREST_ONLY:
                row->interest = ld_interest_months(terms->principal, terms->annual_rate, per);
                row->principal = 0;
                break;
            case LD_METHOD_BULLET:
                break;
            }
            /* Rounding may push a level amount past what is left; never let the
             * balance go negative, and let the last installment clear it. */
            if (row->principal < 0)
                row->principal = 0;
            if (row->principal > balance || k == n)
                row->principal = balance;
        }
        balance -= row->principal;
        row->payment = row->principal + row->interest;
        row->balance = balance;
    }
    *out = rows;
    *count = (size_t)n;
    return LD_OK;
}
