/*
 * ledger_synth.h - a synthetic loan book for benchmarks (synth_store.c) and
 * the bare loop the close of business is measured against. Not for real data:
 * the loans come in with their balances and an opening journal entry that
 * books them, as a migrated portfolio would, and carry only the installments
 * the next days reach (the last holding the rest of the principal). After its
 * first close of business such a book passes a full `ledger verify`.
 */
#ifndef LEDGER_SYNTH_H
#define LEDGER_SYNTH_H

#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "store.h"

/* Inserts count active loans closed through as_of - 1, about 10 % overdue,
 * with their opening journal entry (dated as_of - 1, then the provision),
 * logged as a "loan.opening" entry, in the caller's transaction. */
ld_status ledger_synth_portfolio(core_store *store, int64_t count, ld_date as_of, unsigned seed,
                                 ld_error *err);

/* The same book written in parts, each in its own transaction (a bulk load
 * commits as it goes) with an opening entry of its own: loans first + 1 ..
 * first + count (borrower ids too), drawing from *random, which carries from
 * one part to the next. Parts 0..n of a book, written in order with one
 * *random, hold the loans ledger_synth_portfolio writes, with one opening
 * entry a part. */
ld_status ledger_synth_portfolio_part(core_store *store, int64_t first, int64_t count,
                                      ld_date as_of, unsigned *random, ld_error *err);

/* Reads every loan row, adds one day of interest and penalty and writes the
 * same columns back, as plainly as C and SQLite allow. */
ld_status ledger_synth_bare_pass(core_store *store, ld_date date, int64_t *rows_out, ld_error *err);

#endif
