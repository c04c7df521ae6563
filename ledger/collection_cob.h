/*
 * collection_cob.h - close of business's collection pass (清收, collection.h):
 * cases opened, moved a stage and closed, and promises to pay marked kept or
 * broken, each on the day it happens, touching only the loans that change.
 *
 * The close of business's scan of the loans (cob_store.c) already computes
 * every loan's days past due for every day it closes; it tells the pass of
 * each loan-day on which something can happen to a case: the loan falls past
 * due, its days past due cross into a later stage, it is cured, or it was
 * changed since the last close (a repayment, a reversal, a settlement, a
 * write-off, a recovery from a guarantor). The pass then opens, moves and
 * closes cases in day order, dated on the day the days past due crossed the
 * boundary, and settles the promises that fell due on their own dates, so a
 * close over a gap of days leaves the same cases, stages, promise outcomes
 * and dates as closing each day in turn. After every close every active loan
 * past due has an open case at least at the stage of its days past due, and
 * every open case's loan is active and past due; the pass relies on that.
 *
 * The invariant holds only while the stages stay the same: the close records
 * the stages it worked with in its "cob" log entry ("collection_stages"), and
 * when the policy's stages differ from the last close's (or collection was
 * off, or there was no close), the pass also reviews every open case and every
 * loan past due on the closing date, as the first close of a book does.
 * A policy with collection off ("collection": {"enabled": false}) leaves cases
 * as they are: the close opens, moves and closes none and marks no promise.
 */
#ifndef LEDGER_COLLECTION_COB_H
#define LEDGER_COLLECTION_COB_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "log.h"
#include "store.h"

typedef struct ledger_collection_counts {
    int64_t opened, closed, stage_moves, promises_kept, promises_broken;
} ledger_collection_counts;

typedef struct ledger_collection_pass ledger_collection_pass;

/* One loan as the scan read it. */
typedef struct ledger_collection_loan {
    int64_t id, borrower_id, officer_id;
    int status; /* ledger_loan_status */
} ledger_collection_loan;

/* Starts the pass of a close of business over the days first..last (first
 * the day after the last close), reading the stages of the policy in force
 * and those the last close recorded in its log entry (log). */
ld_status ledger_collection_pass_new(core_store *store, ledger_log *log, ld_date first,
                                     ld_date last, ledger_collection_pass **out, ld_error *err);
void ledger_collection_pass_free(ledger_collection_pass *p);

/* The stages this close works with, for its "cob" entry ("off" when the
 * policy has collection off). */
const char *ledger_collection_pass_stages(const ledger_collection_pass *p);

/* Whether ledger_collection_note must hear of a loan-day on which its days
 * past due went from dpd_before to dpd_after (changed: the loan was changed
 * since the last close and this is the first day the close brings it to). */
bool ledger_collection_wants(const ledger_collection_pass *p, int64_t dpd_before, int64_t dpd_after,
                             bool changed);

/* A loan-day the pass must look at: the loan went from dpd_before to dpd
 * days past due on day (changed as for ledger_collection_wants). */
ld_status ledger_collection_note(ledger_collection_pass *p, const ledger_collection_loan *loan,
                                 ld_date day, int64_t dpd_before, int64_t dpd, bool changed,
                                 ld_error *err);

/* Runs the pass in the close's transaction: promises falling due by the last
 * day, marked kept (the loan received at least the amount between the promise
 * and its date) or broken on their date; then, day by day, the cases of the
 * loans noted: closed when the loan is no longer past due (cured), settled
 * (repaid) or written off; moved forward to the stage of its days past due;
 * opened for a loan past due without one. */
ld_status ledger_collection_pass_run(core_store *store, ledger_collection_pass *p,
                                     ledger_collection_counts *out, ld_error *err);

#endif
