/*
 * loan_calc.h - the loan ledger's arithmetic: daily accrual, penalty and
 * compound interest, days past due, the five-category floor, repayment
 * allocation, schedule rebuilds after prepayment and the settlement payoff.
 *
 * Pure: plain structs in and out, no database, no floating point. Money is fen
 * (ld_money); every product of money and a rate goes through __int128 and is
 * rounded once, half away from zero (ld_round_div), as docs/design.md requires.
 *
 * The model. A loan is "at the end of day accrued_through". Closing day d
 * (ledger_loan_day) does, in this order:
 *   1. penalty += penalty_daily, compound += compound_daily: ACT/360 on the
 *      principal and interest of installments that fell due before d;
 *   2. when the next installment falls due on d, its interest becomes
 *      receivable (the accrued-not-due interest is released into it and the
 *      difference trues up interest income), its principal and fee become due,
 *      and its daily penalty and compound join the loan's;
 *   3. one day of ACT/360 interest accrues on the principal not yet due;
 *   4. DPD = d - oldest unpaid due date; category = max(floor(DPD), manual);
 *      the next inspection rolls forward by the category's interval.
 * Penalty (罚息) runs at rate x (1 + surcharge) on overdue principal and
 * compound (复利) at the same rate on overdue interest, per installment: each
 * installment keeps what accrued up to accrual_from, and accrues its own daily
 * amount after that, so the loan's penalty always equals the sum of its
 * installments' (ledger_inst_materialize) and a payment can be allocated
 * installment by installment without the close of business touching them.
 */
#ifndef LEDGER_LOAN_CALC_H
#define LEDGER_LOAN_CALC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "money.h"
#include "schedule.h"
#include "store.h"

/* A date field that holds no date (no unpaid installment, nothing next). */
#define LEDGER_NO_DATE ((ld_date)INT32_MIN)

/* 五级分类, in order of worsening (2023 rules); names as core_category_names. */
typedef enum ledger_category {
    LEDGER_CAT_NORMAL,
    LEDGER_CAT_SPECIAL_MENTION,
    LEDGER_CAT_SUBSTANDARD,
    LEDGER_CAT_DOUBTFUL,
    LEDGER_CAT_LOSS,
} ledger_category;

#define LEDGER_CATEGORY_COUNT 5
#define LEDGER_CATEGORY_NONE  (-1) /* no manual category */

const char *ledger_category_name(int category);
ld_status ledger_category_parse(const char *field, const char *text, ledger_category *out,
                                ld_error *err);

/* The floor by days past due: 0 normal, 1-90 special mention, 91-270
 * substandard, 271-360 doubtful, over 360 loss. */
ledger_category ledger_category_floor(int64_t dpd);

/* The penalty rate as a fraction in millionths squared: rate x (10^6 +
 * surcharge), kept unrounded so that the daily penalty is rounded once. */
int64_t ledger_penalty_rate(ld_rate rate, ld_rate surcharge);

/* One day of ACT/360 interest: round(amount x rate / 360). */
ld_money ledger_daily_interest(ld_money amount, ld_rate rate);

/* One day of penalty at a rate from ledger_penalty_rate. */
ld_money ledger_daily_penalty(ld_money amount, int64_t penalty_rate);

/* ---- A loan's running balances --------------------------------------------- */

typedef enum ledger_loan_status {
    LEDGER_LOAN_ACTIVE,
    LEDGER_LOAN_SETTLED,
    LEDGER_LOAN_WRITTEN_OFF,
} ledger_loan_status;

const char *ledger_loan_status_name(ledger_loan_status status);

typedef struct ledger_loan_state {
    ledger_loan_status status;
    ld_date accrued_through; /* the last day closed for this loan */
    ld_money principal;      /* unpaid principal, fallen due or not */
    ld_money principal_due;  /* unpaid principal of fallen-due installments */
    ld_money interest_due;   /* unpaid interest of fallen-due installments */
    ld_money fee_due;        /* unpaid fees of fallen-due installments */
    ld_money accrued;        /* interest accrued, not yet due */
    ld_money penalty;        /* unpaid penalty interest */
    ld_money compound;       /* unpaid compound interest */
    ld_money penalty_daily;  /* sum of the overdue installments' daily penalty */
    ld_money compound_daily;
    int next_number; /* the installment to fall due next; 0 when none is left */
    ld_date next_due;
    ld_money next_principal, next_interest, next_fee;
    ld_date oldest_unpaid_due; /* LEDGER_NO_DATE when every fallen-due one is paid */
    int64_t dpd;
    int floor;    /* ledger_category */
    int manual;   /* a reviewer's worse category, or LEDGER_CATEGORY_NONE */
    int category; /* max(floor, manual) */
    ld_date next_inspection;
} ledger_loan_state;

/* What a loan's daily step needs besides its balances. */
typedef struct ledger_loan_terms {
    ld_rate rate;
    int64_t penalty_rate; /* ledger_penalty_rate */
    int inspection_every_days[LEDGER_CATEGORY_COUNT];
} ledger_loan_terms;

/* The money one day moved, for the journal. */
typedef struct ledger_day_result {
    ld_money interest_accrued;  /* step 3 */
    ld_money interest_fell_due; /* the installment's scheduled interest */
    ld_money accrued_released;  /* the accrued interest it absorbed */
    ld_money fee_fell_due;
    ld_money principal_fell_due;
    ld_money penalty, compound; /* step 1 */
    int category_before;
    bool fell_due;       /* the caller must load the following installment */
    bool became_overdue; /* DPD went from 0 to positive */
} ledger_day_result;

/* Closes day `day` (= accrued_through + 1) for an active loan. LD_EINVAL when
 * day is not the next day; LD_EINTERNAL on an overflow (impossible for amounts
 * the ledger accepts). After fell_due the caller sets the next installment with
 * ledger_loan_set_next (or leaves next_number 0 after the last). */
ld_status ledger_loan_day(ledger_loan_state *state, const ledger_loan_terms *terms, ld_date day,
                          ledger_day_result *out, ld_error *err);

/* The following installment to fall due (number 0: none left). */
void ledger_loan_set_next(ledger_loan_state *state, int number, ld_date due, ld_money principal,
                          ld_money interest, ld_money fee);

/* ---- Installments ------------------------------------------------------------ */

typedef struct ledger_inst {
    int number;
    ld_date due;
    ld_money principal, interest, fee; /* as scheduled */
    ld_money paid_principal, paid_interest, paid_fee;
    ld_money penalty, compound; /* accrued up to accrual_from */
    ld_money paid_penalty, paid_compound;
    ld_date accrual_from; /* penalty and compound accrued through this day (>= due) */
} ledger_inst;

/* Brings an installment's penalty and compound to the end of day `through`
 * (nothing when it has not fallen due by then). */
void ledger_inst_materialize(ledger_inst *inst, int64_t penalty_rate, ld_date through);

/* The daily penalty and compound of a fallen-due installment as it stands. */
ld_money ledger_inst_penalty_daily(const ledger_inst *inst, int64_t penalty_rate);
ld_money ledger_inst_compound_daily(const ledger_inst *inst, int64_t penalty_rate);

bool ledger_inst_fully_paid(const ledger_inst *inst);

/* Recomputes the loan's due balances, daily rates and oldest unpaid due date
 * from its installments (all materialized through state->accrued_through).
 * The interest-accrued and not-due parts are left alone. */
void ledger_loan_recount(ledger_loan_state *state, const ledger_inst *insts, size_t count,
                         int64_t penalty_rate);

/* ---- Repayment allocation ------------------------------------------------------ */

typedef struct ledger_allocation {
    ld_money penalty, compound, fee, interest, principal; /* against fallen-due installments */
    ld_money accrued;   /* accrued interest paid (settlement only) */
    ld_money prepaid;   /* principal not yet due, paid early */
    ld_money unapplied; /* what no balance could take */
} ledger_allocation;

/* Allocates amount to the installments fallen due by `through` (materialized to
 * it), oldest first, within each penalty and compound, then fee, then
 * interest, then principal (docs/design.md, "Repayment allocation"); what is left
 * prepays up to not_due_principal; with pay_accrued (settlement) the accrued
 * interest is paid before the prepayment. Updates the installments' paid
 * amounts. LD_EINVAL for a non-positive amount. */
ld_status ledger_allocate(ledger_inst *insts, size_t count, ld_date through, ld_money amount,
                          ld_money not_due_principal, ld_money accrued, bool pay_accrued,
                          ledger_allocation *out, ld_error *err);

/* Everything a loan owes at the end of accrued_through: what has fallen due,
 * the principal not yet due, and the interest accrued on it. */
ld_money ledger_loan_payoff(const ledger_loan_state *state);

/* ---- Schedule rebuild after a prepayment ---------------------------------------- */

typedef enum ledger_prepay_rule {
    LEDGER_PREPAY_SHORTEN_TERM,
    LEDGER_PREPAY_REDUCE_INSTALLMENT,
} ledger_prepay_rule;

typedef struct ledger_rebuild {
    ld_repay_method method;
    ld_period period;
    int months_each; /* months between due dates: the period, or the term for bullet */
    ld_rate rate;
    ld_date disbursed;
    int term_installments; /* the original count: due dates never move past it */
    int first_number;      /* the first installment not yet fallen due */
    ld_money principal;    /* principal not yet due, after the prepayment */
    ld_date paid_on;       /* the day the prepayment was taken (its interest is accrued) */
    ld_money accrued;      /* interest accrued, not due, carried into the first one */
    ledger_prepay_rule rule;
    ld_money regular; /* annuity payment / equal-principal part before the prepayment */
    ld_money fee;     /* per-installment fee */
} ledger_rebuild;

/* The installments from first_number on, due dates counted from disbursement.
 * The first one's interest is the carried accrual plus ACT/360 on the new
 * principal for the days still to run; later ones follow the method
 * (balance x rate / 12 per month). shorten_term keeps the regular payment
 * (annuity) or principal part (equal principal) and ends early;
 * reduce_installment keeps the count and lowers the payment. Interest-only and
 * bullet loans keep their dates under both rules. Principal sums to
 * in->principal exactly. *out is malloc'd (free()); *regular_out the new
 * regular amount. LD_EINVAL when no installment is left to rebuild. */
ld_status ledger_schedule_rebuild(const ledger_rebuild *in, ledger_inst **out, size_t *count,
                                  ld_money *regular_out, ld_error *err);

/* The one rule for a loan's next post-loan inspection: the date planned
 * (LEDGER_NO_DATE: none), but never later than every_days after from. Used at
 * disbursement (from the disbursement, the policy's first interval), when an
 * inspection is recorded (from its date), and when a worse category brings
 * the visit forward (from that day); the loan row holds the result, which
 * `loan show`, `inspection due` and the inspection record all give. */
ld_date ledger_inspection_next(ld_date planned, ld_date from, int every_days);

/* Money moves on business dates that have come: LD_EINVAL naming field when
 * date is after today, the business date of the store's clock. Interest
 * accrued or a repayment booked ahead of time would be money that does not
 * exist yet. */
ld_status ledger_require_business_date(const core_store *store, const char *field, ld_date date,
                                       ld_error *err);

#endif
