/*
 * inspection.h - post-loan inspections (贷后检查) and the read-only queries the
 * workbooks of reports/ make over the loan ledger.
 *
 * An inspection is recorded by the officer of the loan's customer: its kind
 * (first, routine, special), date, site visit, the borrower's operations and
 * repayment capacity now, each guarantor's standing and remaining capacity,
 * each collateral item (still in place, custody, revalued amount and date, and
 * the loan-to-value now, computed here from the loan's unpaid principal),
 * repayment behaviour, findings, risk signals from the policy's checklist
 * ($.risk_signals), a recommended category with its reason and the date of the
 * next inspection (docs/regulation.md, "Post-loan management"). It is stored as the
 * normalised JSON it was validated into, so the report shows exactly what was
 * accepted. The loan's own next_inspection is the ledger's (close of business
 * schedules it); `inspection due` lists loans whose date has come.
 *
 * The report queries (ledger_report_*) read loans, journal lines and the log
 * (its anchor, signed reports and each loan's history) for the workbooks;
 * they never change a loan. All SQL is in
 * inspection_store.c and report_store.c.
 *
 * Errors: LD_EINVAL naming the field (`collateral[1].revalued_amount: ...`,
 * `risk_signals[0]: unknown code "x"`), LD_EPERM, LD_ENOTFOUND, LD_ESTATE (an
 * inspection of a loan that is not active), LD_EINTERNAL (SQLite, no
 * transaction for writes).
 */
#ifndef LEDGER_INSPECTION_H
#define LEDGER_INSPECTION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "money.h"
#include "session.h"
#include "store.h"

/* ---- Inspections ----------------------------------------------------------- */

/* Creates or upgrades this module's tables (inspection);
 * idempotent, in the caller's transaction when one is open. */
ld_status ledger_inspection_migrate(core_store *store, ld_error *err);

/* Validates input and records it for loan_id (the customer's officer). The
 * LTV now of each collateral item is unpaid principal / revalued amount, in
 * basis points, rounded half away from zero. *id_out gets the new id. */
ld_status ledger_inspection_add(core_store *store, const core_session *who, int64_t loan_id,
                                const cJSON *input, int64_t *id_out, ld_error *err);

/* The inspection inspection_id of loan_id (0: the latest), as stored with
 * "id", "loan_id", "officer" and "recorded_at" added, for whoever may read the
 * customer. *out is the caller's (cJSON_Delete). LD_ENOTFOUND when none. */
ld_status ledger_inspection_get(core_store *store, const core_session *who, int64_t loan_id,
                                int64_t inspection_id, cJSON **out, ld_error *err);

/* Active loans whose next inspection is on or before date, oldest first:
 * [{"loan_id","contract_no","borrower","officer","category","next_inspection",
 * "days_overdue","last_inspection"}]. Officers see their own customers'; reviewers,
 * managers and auditors all. */
ld_status ledger_inspection_due(core_store *store, const core_session *who, ld_date date,
                                cJSON **out, ld_error *err);

/* ---- Read-only queries for workbooks ------------------------------------- */

/* One loan as the workbooks show it, joined with its borrower, officer and
 * the application's effective grade ("" when unrated). */
typedef struct ledger_report_loan {
    int64_t id, application_id, borrower_id, officer_id;
    char contract_no[64];
    char borrower_name[128];
    char borrower_kind[16];
    char industry[64];
    char officer[64];
    char product[32];
    char grade[4];
    ld_money amount;
    ld_rate rate;
    ld_date disbursed_on, closed_on, accrued_through, next_due, next_inspection;
    int status;   /* ledger_loan_status */
    int category; /* ledger_category */
    int64_t dpd;
    ld_money principal, principal_due, interest_due, fee_due, accrued, penalty, compound;
} ledger_report_loan;

typedef struct ledger_report_iter ledger_report_iter;

/* Loans in id order that were on the books some day of [from, to]: disbursed
 * on or before to and not closed before from (LEDGER_NO_DATE for an open end).
 * Streams: one row in memory at a time. */
ld_status ledger_report_loans_open(core_store *store, ld_date from, ld_date to,
                                   ledger_report_iter **out, ld_error *err);
ld_status ledger_report_loans_next(ledger_report_iter *iter, bool *has_row, ledger_report_loan *out,
                                   ld_error *err);

/* One journal line. */
typedef struct ledger_report_jline {
    int64_t entry_id;
    int line;
    ld_date date;
    char kind[32];
    int64_t loan_id; /* 0 for entries about no single loan */
    char product[32];
    char account[16];
    ld_money amount; /* debit positive */
} ledger_report_jline;

/* Journal lines dated within [from, to] in entry order. */
ld_status ledger_report_journal_open(core_store *store, ld_date from, ld_date to,
                                     ledger_report_iter **out, ld_error *err);
ld_status ledger_report_journal_next(ledger_report_iter *iter, bool *has_row,
                                     ledger_report_jline *out, ld_error *err);
void ledger_report_iter_free(ledger_report_iter *iter);

/* The tamper-evident log as it stands: its size and root (lowercase hex), the
 * anchor a workbook records on its signature sheet. */
ld_status ledger_report_anchor(core_store *store, uint64_t *size_out, char root_hex[65],
                               ld_error *err);

/* A report.signed entry of the log. */
typedef struct ledger_report_signed {
    uint64_t seq;
    int64_t time; /* when the log recorded it */
    char kind[32];
    char signer[64];
    char fingerprint[65];
    uint64_t anchor_size;
    char sheets[4096];        /* the sheets' hashes, "NAME:SHA256/..."; "" for older entries */
    bool leaf_ok;             /* the entry hashes to its stored leaf hash */
    uint64_t checkpoint_size; /* the first signed checkpoint covering it; 0: none yet */
    int64_t checkpoint_time;
} ledger_report_signed;

/* Finds the report.signed entry recording sha256_hex (the file's hash).
 * LD_ENOTFOUND when the log holds none. */
ld_status ledger_report_find_signed(core_store *store, const char *sha256_hex,
                                    ledger_report_signed *out, ld_error *err);

/* Finds the report.signed entry of a workbook by what its signature sheet
 * claims: the anchored ledger size and the signer's certificate fingerprint
 * (the first such entry). For naming what changed in a file the ledger does
 * not know by its hash. LD_ENOTFOUND when none. */
ld_status ledger_report_find_signed_anchor(core_store *store, uint64_t anchor_size,
                                           const char *fingerprint, ledger_report_signed *out,
                                           ld_error *err);

/* True when the entry body (len bytes) is a report.signed entry recording
 * sha256_hex (unless NULL) and, unless fingerprint is NULL, anchored at
 * anchor by that certificate; *out then holds what it records (seq and the
 * checkpoint left to the caller). For readers of a log without a database
 * (an export) as well as for the finders above. */
bool ledger_report_signed_match(const void *body, size_t len, const char *sha256_hex,
                                int64_t anchor, const char *fingerprint, ledger_report_signed *out);

/* The day the latest rating of app_id was made. LD_ENOTFOUND when unrated. */
ld_status ledger_report_rating_date(core_store *store, int64_t app_id, ld_date *out, ld_error *err);

/* The date of the last close of business (LEDGER_NO_DATE before the first). */
ld_status ledger_report_last_cob(core_store *store, ld_date *out, ld_error *err);

/* One loan event of the log, as the workbooks replay a loan's history:
 * loan.disburse, loan.category (close of business), loan.classify,
 * loan.repay, loan.repay_reverse, loan.settle and loan.write_off. */
typedef struct ledger_report_event {
    uint64_t seq; /* the entry's number in the log */
    int64_t loan_id;
    bool disburse;      /* loan.disburse: date is the disbursement, amount the amount lent */
    ld_date date;       /* the day the state below holds from (booked_on for payments) */
    int status;         /* ledger_loan_status after the event; -1: unchanged (loan.category) */
    int category;       /* ledger_category after the event */
    ld_money principal; /* unpaid principal after the event; -1: unchanged */
    ld_money amount;
} ledger_report_event;

/* The loan events of the log in log order, so each loan's events come in
 * the order they happened. LD_EVERIFY naming the entry when one of those
 * types lacks a field it always has. Free with ledger_report_iter_free. */
ld_status ledger_report_history_open(core_store *store, ledger_report_iter **out, ld_error *err);
ld_status ledger_report_history_next(ledger_report_iter *iter, bool *has_row,
                                     ledger_report_event *out, ld_error *err);

#endif
