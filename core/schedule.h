/*
 * schedule.h - repayment schedules (docs/design.md, "Repayment methods").
 *
 * A pure calculation: terms in, installments out. Invariants, for every method and
 * every input accepted: the installments' principal sums to the principal exactly,
 * balances never go negative, and the last installment leaves a zero balance.
 * Due date k is the start date plus k periods, counted from the start date with
 * the day clamped to the month's end.
 */
#ifndef LD_SCHEDULE_H
#define LD_SCHEDULE_H

#include <stddef.h>

#include "date.h"
#include "ld_error.h"
#include "money.h"

typedef enum ld_repay_method {
    LD_METHOD_ANNUITY,         /* 等额本息 */
    LD_METHOD_EQUAL_PRINCIPAL, /* 等额本金 */
    LD_METHOD_INTEREST_ONLY,   /* 按期付息到期还本 */
    LD_METHOD_BULLET,          /* 到期一次还本付息 */
} ld_repay_method;

typedef enum ld_period {
    LD_PERIOD_MONTHLY = 1,
    LD_PERIOD_QUARTERLY = 3,
} ld_period;

#define LD_TERM_MAX_MONTHS 360

typedef struct ld_schedule_terms {
    ld_money principal;  /* > 0 */
    ld_rate annual_rate; /* >= 0 */
    int term_months;     /* 1 .. 360; a multiple of 3 for quarterly */
    ld_repay_method method;
    ld_period period;
    ld_date start; /* disbursement date */
} ld_schedule_terms;

typedef struct ld_installment {
    int number; /* 1-based */
    ld_date due;
    ld_money principal;
    ld_money interest;
    ld_money payment; /* principal + interest */
    ld_money balance; /* outstanding principal after this installment */
} ld_installment;

/* Names as in docs/design.md ("annuity", "equal_principal", ...). */
const char *core_repay_method_name(ld_repay_method method);
ld_status core_repay_method_parse(const char *field, const char *text, ld_repay_method *out,
                                  ld_error *err);
const char *core_period_name(ld_period period);
ld_status core_period_parse(const char *field, const char *text, ld_period *out, ld_error *err);

/* Checks the terms, naming the bad field ("principal", "term", ...). */
ld_status core_schedule_terms_check(const ld_schedule_terms *terms, ld_error *err);

/* Builds the schedule. *out is a malloc'd array of *count installments owned by
 * the caller (free()). LD_EINVAL for bad terms, LD_EINTERNAL when out of memory. */
ld_status core_schedule_build(const ld_schedule_terms *terms, ld_installment **out, size_t *count,
                              ld_error *err);

/* The regular installment amount of an amortising schedule without building it
 * (first payment for equal principal): used by affordability checks. */
ld_status core_schedule_first_payment(const ld_schedule_terms *terms, ld_money *out, ld_error *err);

#endif
