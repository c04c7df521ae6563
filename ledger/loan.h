/*
 * loan.h - the loan ledger (贷款台帐): loans made from approved applications,
 * repayments, settlement, classification, write-off and the close of
 * business, each recorded in the journal (journal.h), the audit trail and the
 * tamper-evident log (ledger_events.h) in the caller's one transaction.
 *
 * Dates: a loan is kept "at the end of day accrued_through" (loan_calc.h). A
 * payment dated D first brings its loan to the end of D (the day's interest
 * and penalty included) and is applied after it. Dates before the last close
 * of business, or before the day the loan is closed through, are refused
 * (LD_ESTATE) unless a back-dated correction is asked for with a reason: the
 * loan is then recomputed from the payment's value date, as if it had been
 * entered on time, and the differences are booked as one correction entry on
 * the open day (docs/design.md, "Value dating"). A payment that leaves nothing
 * owed closes the loan (结清) that day.
 *
 * Errors common to all: LD_EPERM (the role or customer scope forbids it),
 * LD_ENOTFOUND (no such loan or application), LD_ESTATE (wrong state: not
 * approved, not active, not 损失 for a write-off), LD_EINVAL (bad amount, date
 * or category, naming the field), LD_EINTERNAL (no transaction, SQLite).
 */
#ifndef LEDGER_LOAN_H
#define LEDGER_LOAN_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "loan_calc.h"
#include "money.h"
#include "page.h"
#include "session.h"
#include "store.h"

/* Turns approved application app_id into a loan disbursed on date (manager):
 * the approved amount, term and rate, the application's method and period,
 * its fee method (upfront: fee income at disbursement; per installment: a fee
 * due with each installment). contract_no NULL makes "HT<yyyymmdd>-<app>".
 * The application moves to disbursed. */
ld_status ledger_loan_disburse(core_store *store, const core_session *who, int64_t app_id,
                               ld_date date, const char *contract_no, int64_t *loan_id_out,
                               ld_error *err);

typedef struct ledger_repay_request {
    ld_money amount;
    ld_date date;
    bool backdated;     /* allow a date before the last close of business */
    const char *reason; /* required with backdated */
} ledger_repay_request;

/* Records a repayment (the customer's officer, or a manager), allocated as
 * docs/design.md says; a payment beyond what is due prepays principal and rebuilds
 * the schedule by the product's rule. LD_EINVAL when the amount exceeds the
 * payoff (use settle). *out (may be NULL) gets the allocation. */
ld_status ledger_loan_repay(core_store *store, const core_session *who, int64_t loan_id,
                            const ledger_repay_request *request, ledger_allocation *out,
                            ld_error *err);

/* Takes back repayment repayment_id of the loan, entered wrongly (the
 * customer's officer, or a manager, with a reason): the loan is recomputed
 * from the payment's value date to the last close of business as if it had
 * never been made, the differences booked as one correction on the open day.
 * A loan closed by its payments reopens. LD_ENOTFOUND when the loan has no
 * such standing repayment; LD_ESTATE for a settlement or a written-off loan. */
ld_status ledger_loan_repay_reverse(core_store *store, const core_session *who, int64_t loan_id,
                                    int64_t repayment_id, const char *reason, ld_error *err);

/* Takes the full payoff on date and closes the loan as settled; *paid_out the
 * amount taken. */
ld_status ledger_loan_settle(core_store *store, const core_session *who, int64_t loan_id,
                             ld_date date, ld_money *paid_out, ld_error *err);

/* A reviewer's or manager's category: never better than the DPD floor
 * (LD_EINVAL); the floor itself clears an earlier manual category. */
ld_status ledger_loan_classify(core_store *store, const core_session *who, int64_t loan_id,
                               ledger_category category, const char *reason, ld_error *err);

/* Writes off a 损失 loan (manager): its balances leave the books through the
 * write-off loss account. */
ld_status ledger_loan_write_off(core_store *store, const core_session *who, int64_t loan_id,
                                const char *reason, ld_error *err);

/* The loan with balances, schedule (what was paid against each installment),
 * repayments, DPD, category and next inspection, for whoever may read the
 * customer. Money as decimal strings. */
ld_status ledger_loan_show(core_store *store, const core_session *who, int64_t loan_id, cJSON **out,
                           ld_error *err);

/* The loan as it stood at the end of date (on or before the business date),
 * in ledger_loan_show's shape with "as_of": recomputed from disbursement with
 * the payments of that day and before (a reviewer's category and the next
 * inspection are today's). A loan closed by then is shown as it closed.
 * LD_EINVAL for a date before disbursement or after the business date. */
ld_status ledger_loan_show_at(core_store *store, const core_session *who, int64_t loan_id,
                              ld_date date, cJSON **out, ld_error *err);

/* The loan day by day from `from` to `to` (LEDGER_NO_DATE: disbursement, the
 * loan's last closed day), recomputed from its payments: each day's interest
 * accrued, interest, principal and fee falling due, penalty and compound
 * (separately), the payments of the day and their allocation, then the
 * balances, DPD, category, status and the loan's provision at the end of the
 * day. {"loan", "contract_no", "from", "to", "days"}. */
ld_status ledger_loan_history(core_store *store, const core_session *who, int64_t loan_id,
                              ld_date from, ld_date to, cJSON **out, ld_error *err);

/* What a loan list is narrowed to; NULL (0) fields narrow nothing. Text as
 * typed by the user, checked here (LD_EINVAL naming the field). */
typedef struct ledger_loan_filter {
    const char *state;          /* active | settled | written_off */
    const char *category;       /* normal | special_mention | substandard | doubtful | loss */
    int64_t dpd_min;            /* at least this many days past due; 0 for any */
    const char *officer;        /* username of the customer's officer */
    const char *product;        /* product code */
    const char *matures_before; /* YYYY-MM-DD: contract maturity before this day */
    int64_t borrower_id;        /* one borrower's loans; 0 for any */
} ledger_loan_filter;

/* One page of the loans (贷款台帐) the user may see, by the customer scope
 * of permission.h (officers their customers' loans, reviewers loans of
 * customers under review, managers and auditors all), in id order. Rows: id,
 * contract_no, borrower_id, borrower, officer, product, amount, principal
 * (outstanding), status, category, dpd, disbursed_on, matures_on, next_due
 * ("" when nothing is left to fall due). filter may be NULL. Creates the
 * loan tables when absent (so it needs a transaction or none open).
 * Errors: LD_EPERM (admins), LD_EINVAL (a filter value, limit or after). */
ld_status ledger_loan_list_page(core_store *store, const core_session *who,
                                const ledger_loan_filter *filter, const core_page *page,
                                core_page_result *out, ld_error *err);

/* The loan id made from an application; LD_ENOTFOUND. */
ld_status ledger_loan_by_application(core_store *store, int64_t app_id, int64_t *out,
                                     ld_error *err);

/* ---- Close of business ------------------------------------------------------- */

typedef struct ledger_cob_options {
    ld_date date;
    void (*progress)(void *ctx, int64_t done, int64_t total);
    void *progress_ctx;
} ledger_cob_options;

typedef struct ledger_cob_result {
    bool already_closed; /* the date was closed before: nothing changed */
    int64_t loans;       /* active loans brought to the date */
    int64_t loan_days;   /* loan-days closed */
    int64_t newly_overdue, category_changes;
    int64_t journal_entries;
    /* Collection (collection.h): cases opened, closed and moved a stage;
     * promises to pay that fell due, kept or broken. */
    int64_t cases_opened, cases_closed, case_stage_moves, promises_kept, promises_broken;
    uint64_t log_seq;         /* the summary entry */
    uint64_t checkpoint_size; /* set by the caller that seals the log (api_seal) */
} ledger_cob_result;

/* Brings every active loan day by day to options->date (manager), posts the
 * accrual journal per product per day, appends per-loan entries for loans that
 * fall overdue or change category and one summary entry carrying the state
 * digest of all loans, and ends with a signed checkpoint. The same date again
 * changes nothing; an earlier date is LD_ESTATE. */
ld_status ledger_cob_run(core_store *store, const core_session *who,
                         const ledger_cob_options *options, ledger_cob_result *out, ld_error *err);

#endif
