/*
 * ledger_events.h - appending workflow and financial events to the
 * tamper-evident log (log.h), for every module's decisions.
 *
 * An entry is the canonical JSON (RFC 8785, integers only: money in fen, rates
 * in millionths, dates as "YYYY-MM-DD" strings) of
 *
 *     {"type": TYPE, "time": UNIX_SECONDS, "business_date": "YYYY-MM-DD", ...fields}
 *
 * The entry's number is its position in the log (log.h), so it carries no
 * sequence field of its own; "time" is when it was recorded (UTC seconds of
 * the wall clock the caller injected into the store, core_clock) and
 * "business_date" the day the books were kept on at the time (the store's
 * business date), which may differ from the wall clock's day. Types used so far:
 * loan.disburse, loan.repay, loan.settle, loan.classify, loan.write_off,
 * loan.overdue, loan.category, cob (the ledger); application.submit,
 * application.rate, application.approve, application.reject,
 * application.withdraw, application.disburse (core's workflow, through the
 * event sink) and report.signed (reports).
 *
 * The append joins the caller's transaction: the entry commits or vanishes
 * with the change it records.
 */
#ifndef LEDGER_EVENTS_H
#define LEDGER_EVENTS_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <time.h>

#include "ld_error.h"
#include "store.h"

/* Appends one event. fields (an object, may be NULL) is copied, not taken;
 * it must not hold "type", "time" or "business_date", and every number in it must be an
 * integer (LD_EINVAL naming the field otherwise). LD_EINTERNAL without a
 * transaction or on SQLite failure. */
ld_status ledger_event_append(core_store *store, const char *type, const cJSON *fields,
                              ld_error *err);

/* Makes the ledger the store's event sink (core/store.h), so that workflow
 * decisions taken in core (submission, rating, approval, rejection, withdrawal,
 * disbursement, signed reports) are appended to the log in the transaction
 * that takes them, and records every covered table's changed rows (rows.h).
 * Every front end calls this right after opening a store, outside a
 * transaction. */
ld_status ledger_events_attach(core_store *store, ld_error *err);

/* The time events are stamped with: the wall clock of the store's injected
 * clock (core_store_now), in Unix seconds. */
time_t ledger_event_now(const core_store *store);

#endif
