/*
 * loan_calc.c - the loan ledger's pure arithmetic (loan_calc.h).
 *
 * Invariants kept here and checked by tests/test_loan.c: a loan's penalty and
 * compound equal the sum over its installments once materialized to the same
 * day; allocation never pays more than is owed and never leaves money
 * unaccounted (the parts plus unapplied equal the amount); a rebuilt schedule's
 * principal sums to the principal it was given. No floating point.
 */
#include "loan_calc.h"

#include <stdlib.h>
#include <string.h>

#include "annuity.h"
#include "policy.h"

const char *ledger_category_name(int category)
{
    if (category < 0 || category >= LEDGER_CATEGORY_COUNT)
        return "none";
    return core_category_names[category];
}

ld_status ledger_category_parse(const char *field, const char *text, ledger_category *out,
                                ld_error *err)
{
    for (int i = 0; text != NULL && i < LEDGER_CATEGORY_COUNT; i++) {
        if (strcmp(text, core_category_names[i]) == 0) {
            *out = (ledger_category)i;
            return LD_OK;
        }
    }
    return LD_FAIL(err, LD_EINVAL,
                   "%s: must be one of normal, special_mention, substandard, doubtful, loss",
                   field);
}

ledger_category ledger_category_floor(int64_t dpd)
{
    /* 五级分类 floors, 2023 rules (docs/regulation.md). */
    if (dpd <= 0)
        return LEDGER_CAT_NORMAL;
    if (dpd <= 90)
        return LEDGER_CAT_SPECIAL_MENTION;
    if (dpd <= 270)
        return LEDGER_CAT_SUBSTANDARD;
    if (dpd <= 360)
        return LEDGER_CAT_DOUBTFUL;
    return LEDGER_CAT_LOSS;
}

const char *ledger_loan_status_name(ledger_loan_status status)
{
    switch (status) {
    case LEDGER_LOAN_ACTIVE:
        return "active";
    case LEDGER_LOAN_SETTLED:
        return "settled";
    case LEDGER_LOAN_WRITTEN_OFF:
        return "written_off";
    }
    return "unknown";
}

int64_t ledger_penalty_rate(ld_rate rate, ld_rate surcharge)
{
    return rate * (LD_RATE_ONE + surcharge);
}

ld_money ledger_daily_interest(ld_money amount, ld_rate rate)
{
    return amount <= 0 ? 0 : ld_interest_act360(amount, rate, 1);
}

ld_money ledger_daily_penalty(ld_money amount, int64_t penalty_rate)
{
    if (amount <= 0)
        return 0;
    return ld_round_div((__int128)amount * penalty_rate, 360 * LD_RATE_ONE * LD_RATE_ONE);
}

static bool add_to(ld_money *total, ld_money amount)
{
    return ld_money_add(*total, amount, total);
}

ld_date ledger_inspection_next(ld_date planned, ld_date from, int every_days)
{
    ld_date latest = from + every_days;
    return planned == LEDGER_NO_DATE || planned > latest ? latest : planned;
}

/* A worse category brings the next visit forward to its own interval. A visit
 * that falls due stays due until an inspection is recorded: the date does not
 * move on by itself, so the loan stays on the list of inspections due. */
static void roll_inspection(ledger_loan_state *s, const ledger_loan_terms *t, ld_date day,
                            int category_before)
{
    if (s->category > category_before)
        s->next_inspection =
            ledger_inspection_next(s->next_inspection, day, t->inspection_every_days[s->category]);
}

ld_status ledger_loan_day(ledger_loan_state *s, const ledger_loan_terms *t, ld_date day,
                          ledger_day_result *out, ld_error *err)
{
    if (s->status != LEDGER_LOAN_ACTIVE)
        return LD_FAIL(err, LD_ESTATE, "loan is %s", ledger_loan_status_name(s->status));
    if (day != s->accrued_through + 1)
        return LD_FAIL(err, LD_EINVAL, "day: the loan is closed through day %d, not %d",
                       (int)s->accrued_through, (int)day - 1);
    memset(out, 0, sizeof *out);
    out->category_before = s->category;
    bool ok = true;
    /* 1. Penalty and compound on what fell due before today. */
    out->penalty = s->penalty_daily;
    out->compound = s->compound_daily;
    ok = ok && add_to(&s->penalty, s->penalty_daily) && add_to(&s->compound, s->compound_daily);
    /* 2. An installment falling due today. */
    if (s->next_number > 0 && s->next_due == day) {
        out->fell_due = true;
        out->interest_fell_due = s->next_interest;
        out->accrued_released = s->accrued;
        out->principal_fell_due = s->next_principal;
        out->fee_fell_due = s->next_fee;
        s->accrued = 0;
        ok = ok && add_to(&s->interest_due, s->next_interest) &&
             add_to(&s->principal_due, s->next_principal) && add_to(&s->fee_due, s->next_fee) &&
             add_to(&s->penalty_daily, ledger_daily_penalty(s->next_principal, t->penalty_rate)) &&
             add_to(&s->compound_daily, ledger_daily_penalty(s->next_interest, t->penalty_rate));
        if (s->oldest_unpaid_due == LEDGER_NO_DATE &&
            s->next_principal + s->next_interest + s->next_fee > 0)
            s->oldest_unpaid_due = day;
        s->next_number = 0;
    }
    /* 3. A day of interest on the principal not yet due (ACT/360). */
    out->interest_accrued = ledger_daily_interest(s->principal - s->principal_due, t->rate);
    ok = ok && add_to(&s->accrued, out->interest_accrued);
    if (!ok)
        return LD_FAIL(err, LD_EINTERNAL, "loan balance overflow on day %d", (int)day);
    /* 4. DPD, category, inspection. */
    int64_t before_dpd = s->dpd;
    s->dpd = s->oldest_unpaid_due == LEDGER_NO_DATE ? 0 : day - s->oldest_unpaid_due;
    out->became_overdue = before_dpd == 0 && s->dpd > 0;
    s->floor = ledger_category_floor(s->dpd);
    s->category = s->manual > s->floor ? s->manual : s->floor;
    roll_inspection(s, t, day, out->category_before);
    s->accrued_through = day;
    return LD_OK;
}

void ledger_loan_set_next(ledger_loan_state *s, int number, ld_date due, ld_money principal,
                          ld_money interest, ld_money fee)
{
    s->next_number = number;
    s->next_due = number > 0 ? due : LEDGER_NO_DATE;
    s->next_principal = number > 0 ? principal : 0;
    s->next_interest = number > 0 ? interest : 0;
    s->next_fee = number > 0 ? fee : 0;
}

ld_money ledger_inst_penalty_daily(const ledger_inst *inst, int64_t penalty_rate)
{
    return ledger_daily_penalty(inst->principal - inst->paid_principal, penalty_rate);
}

ld_money ledger_inst_compound_daily(const ledger_inst *inst, int64_t penalty_rate)
{
    return ledger_daily_penalty(inst->interest - inst->paid_interest, penalty_rate);
}

void ledger_inst_materialize(ledger_inst *inst, int64_t penalty_rate, ld_date through)
{
    if (through <= inst->accrual_from)
        return;
    int64_t days = through - inst->accrual_from;
    inst->penalty += ledger_inst_penalty_daily(inst, penalty_rate) * days;
    inst->compound += ledger_inst_compound_daily(inst, penalty_rate) * days;
    inst->accrual_from = through;
}

bool ledger_inst_fully_paid(const ledger_inst *inst)
{
    return inst->paid_principal >= inst->principal && inst->paid_interest >= inst->interest &&
           inst->paid_fee >= inst->fee;
}

void ledger_loan_recount(ledger_loan_state *s, const ledger_inst *insts, size_t count,
                         int64_t penalty_rate)
{
    ld_money principal = 0, principal_due = 0, interest_due = 0, fee_due = 0, penalty = 0,
             compound = 0, penalty_daily = 0, compound_daily = 0;
    ld_date oldest = LEDGER_NO_DATE;
    for (size_t i = 0; i < count; i++) {
        const ledger_inst *in = &insts[i];
        principal += in->principal - in->paid_principal;
        if (in->due > s->accrued_through)
            continue;
        principal_due += in->principal - in->paid_principal;
        interest_due += in->interest - in->paid_interest;
        fee_due += in->fee - in->paid_fee;
        penalty += in->penalty - in->paid_penalty;
        compound += in->compound - in->paid_compound;
        penalty_daily += ledger_inst_penalty_daily(in, penalty_rate);
        compound_daily += ledger_inst_compound_daily(in, penalty_rate);
        if (oldest == LEDGER_NO_DATE && !ledger_inst_fully_paid(in))
            oldest = in->due;
    }
    s->principal = principal;
    s->principal_due = principal_due;
    s->interest_due = interest_due;
    s->fee_due = fee_due;
    s->penalty = penalty;
    s->compound = compound;
    s->penalty_daily = penalty_daily;
    s->compound_daily = compound_daily;
    s->oldest_unpaid_due = oldest;
    s->dpd = oldest == LEDGER_NO_DATE ? 0 : s->accrued_through - oldest;
    s->floor = ledger_category_floor(s->dpd);
    s->category = s->manual > s->floor ? s->manual : s->floor;
}

/* Pays up to *left towards owed - *paid. */
static ld_money take(ld_money *left, ld_money owed, ld_money *paid)
{
    ld_money open = owed - *paid;
    ld_money part = open < *left ? open : *left;
    if (part <= 0)
        return 0;
    *paid += part;
    *left -= part;
    return part;
}

ld_status ledger_allocate(ledger_inst *insts, size_t count, ld_date through, ld_money amount,
                          ld_money not_due_principal, ld_money accrued, bool pay_accrued,
                          ledger_allocation *out, ld_error *err)
{
    if (amount <= 0)
        return LD_FAIL(err, LD_EINVAL, "amount: must be positive");
    ledger_allocation a;
    memset(&a, 0, sizeof a);
    ld_money left = amount;
    /* Oldest installment first; within it penalty and compound, fee, interest,
     * principal (docs/design.md). Fees rank with the charges, before interest. */
    for (size_t i = 0; i < count && left > 0; i++) {
        ledger_inst *in = &insts[i];
        if (in->due > through)
            continue;
        a.penalty += take(&left, in->penalty, &in->paid_penalty);
        a.compound += take(&left, in->compound, &in->paid_compound);
        a.fee += take(&left, in->fee, &in->paid_fee);
        a.interest += take(&left, in->interest, &in->paid_interest);
        a.principal += take(&left, in->principal, &in->paid_principal);
    }
    if (pay_accrued) {
        a.accrued = left < accrued ? left : accrued;
        left -= a.accrued;
    }
    a.prepaid = left < not_due_principal ? left : not_due_principal;
    left -= a.prepaid;
    a.unapplied = left;
    *out = a;
    return LD_OK;
}

ld_money ledger_loan_payoff(const ledger_loan_state *s)
{
    return s->principal + s->interest_due + s->fee_due + s->accrued + s->penalty + s->compound;
}

static ld_date due_of(const ledger_rebuild *in, int number)
{
    return ld_date_add_months(in->disbursed, number * in->months_each);
}

ld_status ledger_schedule_rebuild(const ledger_rebuild *in, ledger_inst **out, size_t *count,
                                  ld_money *regular_out, ld_error *err)
{
    int remaining = in->term_installments - in->first_number + 1;
    if (remaining < 1 || in->principal < 0)
        return LD_FAIL(err, LD_EINVAL, "schedule: no installment is left to rebuild");
    ledger_inst *rows = calloc((size_t)remaining, sizeof *rows);
    if (rows == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory rebuilding a schedule");
    int months = in->months_each;
    int n = 0;
    ld_money regular = in->regular;
    ld_money balance = in->principal;
    bool shorten = in->rule == LEDGER_PREPAY_SHORTEN_TERM &&
                   (in->method == LD_METHOD_ANNUITY || in->method == LD_METHOD_EQUAL_PRINCIPAL);
    if (shorten && in->method == LD_METHOD_ANNUITY &&
        regular <= ld_interest_months(balance, in->rate, months))
        shorten = false; /* the old payment no longer covers interest: keep the count */
    if (shorten && regular <= 0)
        shorten = false;
    if (balance == 0) {
        n = 1; /* only the carried interest is left */
    } else if (shorten) {
        while (balance > 0 && n < remaining) {
            ld_money part;
            if (in->method == LD_METHOD_ANNUITY)
                part = regular - ld_interest_months(balance, in->rate, months);
            else
                part = regular;
            if (part > balance || n == remaining - 1)
                part = balance;
            rows[n].principal = part;
            rows[n].interest = ld_interest_months(balance, in->rate, months);
            balance -= part;
            n++;
        }
    } else if (in->method == LD_METHOD_INTEREST_ONLY || in->method == LD_METHOD_BULLET) {
        n = in->method == LD_METHOD_BULLET ? 1 : remaining;
        for (int k = 0; k < n; k++)
            rows[k].interest =
                in->method == LD_METHOD_BULLET ? 0 : ld_interest_months(balance, in->rate, months);
        rows[n - 1].principal = balance;
    } else {
        ld_schedule_terms terms = {.principal = balance,
                                   .annual_rate = in->rate,
                                   .term_months = remaining * months,
                                   .method = in->method,
                                   .period = in->period,
                                   .start = due_of(in, in->first_number - 1)};
        ld_installment *built = NULL;
        size_t built_count = 0;
        ld_status st = core_schedule_build(&terms, &built, &built_count, err);
        if (st != LD_OK) {
            free(rows);
            return st;
        }
        n = (int)built_count;
        for (int k = 0; k < n; k++) {
            rows[k].principal = built[k].principal;
            rows[k].interest = built[k].interest;
        }
        regular =
            in->method == LD_METHOD_ANNUITY ? built[n > 1 ? 1 : 0].payment : built[0].principal;
        free(built);
    }
    for (int k = 0; k < n; k++) {
        rows[k].number = in->first_number + k;
        rows[k].due = due_of(in, rows[k].number);
        rows[k].accrual_from = rows[k].due;
        rows[k].fee = in->fee;
    }
    /* The first installment: what has accrued so far, and ACT/360 on the new
     * principal for the days from the prepayment to the due date (the day of
     * the prepayment itself has accrued already). */
    int64_t days = rows[0].due - in->paid_on - 1;
    rows[0].interest =
        in->accrued + (days > 0 ? ld_interest_act360(in->principal, in->rate, days) : 0);
    *out = rows;
    *count = (size_t)n;
    *regular_out = regular;
    return LD_OK;
}

ld_status ledger_require_business_date(const core_store *store, const char *field, ld_date date,
                                       ld_error *err)
{
    ld_date today = core_store_today(store);
    if (date <= today)
        return LD_OK;
    char when[LD_DATE_TEXT_MAX], now[LD_DATE_TEXT_MAX];
    return LD_FAIL(err, LD_EINVAL, "%s: %s is after today's business date %s", field,
                   ld_date_format(date, when), ld_date_format(today, now));
}
