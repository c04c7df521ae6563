/*
 * rows.h - the rows of every table that bears on money or a decision, recorded
 * in the log in the transaction that writes them, and replayed by
 * verification and by the close of business.
 *
 * Each covered table (rows_store.c lists them with the columns that matter)
 * has temporary triggers on the application's own connection that note which
 * rows a transaction inserts, updates or deletes, and each row's image before
 * its first change. Before the transaction commits, and before a checkpoint
 * is signed, the noted rows are appended to the log as "rows" entries:
 *
 *     {"type":"rows","time":T,"rows":[[TABLE, KEY1, KEY2, BEFORE, AFTER], ...]}
 *
 * BEFORE and AFTER are arrays of the row's covered columns (integers, strings
 * or null), or null when the row did not exist before or does not exist after.
 * A write made with any other connection (a database editor) leaves no such
 * entry, and verification finds the row differing from the log.
 *
 * The close of business rewrites the daily columns of every loan without
 * recording each row; instead its "cob" entry carries the book digest: one
 * SHA-256 over every loan's whole row in id order. The next close of business
 * and verification recompute it, taking for a loan changed since then its
 * image before that change. Beside it the close leaves the book index (one id
 * and 64-bit hash per loan, its SHA-256 in the "cob" entry), which names the
 * loan when the digest fails.
 *
 * "rows" entries are read by rows_reader.h, not as a JSON tree. Entries
 * written now carry "format": 2 and images of every column of the list;
 * entries without the member are format 1, whose images of some tables carry
 * fewer columns (ledger_rows_table_info.v1). Replay reads both: a row whose
 * last image is of format 1 is compared on the columns format 1 carried, so
 * books written before format 2 keep verifying, and is proven whole from the
 * first format 2 image of it, which the first write of a book after the
 * upgrade records for every such row (docs/ledger.md, sections 7 and 11).
 */
#ifndef LEDGER_ROWS_H
#define LEDGER_ROWS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "ld_error.h"
#include "log.h"
#include "merkle.h"
#include "store.h"

/* The loan columns in the order of the loan image and of the close of
 * business's scan: the first 26 are what the close of business reads. */
#define LEDGER_LOAN_COLUMNS                                                                        \
    "id, product, rate, penalty_rate, status, accrued_through, principal, principal_due, "         \
    "interest_due, fee_due, accrued, penalty, compound, penalty_daily, compound_daily, "           \
    "next_number, next_due, next_principal, next_interest, next_fee, oldest_unpaid_due, dpd, "     \
    "floor, manual, category, next_inspection, contract_no, application_id, borrower_id, "         \
    "officer_id, borrower_kind, amount, method, period, months_each, installments, prepay_rule, "  \
    "regular, fee_method, fee_amount, disbursed_on, closed_on, manual_reason, matures_on"
#define LEDGER_LOAN_COLUMN_COUNT 44

/* The i-th covered table, for documentation and its test (docs/ledger.md,
 * section 8, is checked against this list): its name, key columns (k2 NULL
 * for a single key), the columns its image carries and, when only updates of
 * some columns are recorded, those (NULL: every update); v1, when not 0, is
 * how many of the columns (the first ones) images of format 1 carried, the
 * rest being added by format 2. false past the last. */
typedef struct ledger_rows_table_info {
    const char *name, *k1, *k2, *columns, *update_of;
    int v1;
} ledger_rows_table_info;
bool ledger_rows_table(int i, ledger_rows_table_info *out);

/* Creates the temporary change table and triggers on the store's connection
 * (migrating the ledger's own tables first) and makes ledger_rows_flush the
 * store's commit hook. */
ld_status ledger_rows_install(core_store *store, ld_error *err);

/* Appends the rows the open transaction changed to the log and forgets them.
 * The first time it appends on a book not yet recorded in format 2 (no row in
 * ledger_rows_format), it records in the same transaction the format 2 image
 * of every row of the tables format 2 widened, with an audit event saying
 * why (ledger_rows_format_upgrade). */
ld_status ledger_rows_flush(core_store *store, ld_error *err);

/* Notes, in the open transaction, every row of the tables whose images format
 * 2 widened as changed (image before: the row as it is), so the flush records
 * their format 2 images; audits it and marks the book recorded in format 2.
 * Does nothing when the book already is. rows_format.c. */
ld_status ledger_rows_format_upgrade(core_store *store, ld_error *err);

/* For tests of books written before format 2 only: makes this process write
 * format 1 entries (1) or format 2 entries (2, the default). Takes effect on
 * handles opened afterwards. */
void ledger_rows_write_format_for_tests(int format);

/* ---- Replay -------------------------------------------------------------- */

typedef struct ledger_rows_replay ledger_rows_replay;

ld_status ledger_rows_replay_new(ledger_rows_replay **out, ld_error *err);
void ledger_rows_replay_free(ledger_rows_replay *r);

/* Takes one log entry: "rows" entries update the expected rows, "cob" entries
 * start a new day for the loans (and give the book digest). Anything else is
 * ignored. LD_EVERIFY when a row's image before a change is not the image the
 * log last recorded (the row was changed outside the application). */
ld_status ledger_rows_replay_entry(ledger_rows_replay *r, uint64_t seq, const cJSON *entry,
                                   ld_error *err);

/* The same from the entry's bytes: a "rows" entry is read by the purpose-built
 * reader (rows_reader.h) and *read set; any other entry is left alone (*read
 * false) for the caller to parse and pass to ledger_rows_replay_entry. */
ld_status ledger_rows_replay_bytes(ledger_rows_replay *r, uint64_t seq, const char *body,
                                   size_t len, bool *read, ld_error *err);

/* ledger_rows_replay_bytes, falling back to the general parser: one entry's
 * bytes replayed, whatever its type. LD_EVERIFY when they are not JSON. */
ld_status ledger_rows_replay_body(ledger_rows_replay *r, uint64_t seq, const char *body, size_t len,
                                  ld_error *err);

/* Compares every covered table, every row and column, with the replayed log:
 * LD_EVERIFY naming the table, the row and the column (and the log entry)
 * at the first difference, a row the log never recorded, or a row it recorded
 * that is missing. *rows_out counts the rows compared. */
ld_status ledger_rows_check(core_store *store, ledger_log *log, ledger_rows_replay *r,
                            uint64_t *rows_out, ld_error *err);

/* After replay: how many rows the log last recorded in format 1 images of
 * tables format 2 widened, whose added columns are therefore not proven
 * (until the book's first write by this version records them). */
uint64_t ledger_rows_replay_format1_rows(const ledger_rows_replay *r);

/* Checks one loan and its installments against the images the log last
 * recorded of them, before an operation (repayment, settlement,
 * classification, write-off) uses them: LD_EVERIFY naming the row and the
 * column. The loan's daily balances are left to the close of business's book
 * digest. */
ld_status ledger_rows_check_loan(core_store *store, int64_t loan_id, ld_error *err);

/* ---- The loan book at close of business ---------------------------------- */

typedef struct ledger_book ledger_book;

/* Prepares the close of business's check: replays the log from the last close
 * of business (all of it when there is none). */
ld_status ledger_book_open(core_store *store, ledger_log *log, ledger_book **out, ld_error *err);
void ledger_book_free(ledger_book *b);

/* One loan as the scan read it (LEDGER_LOAN_COLUMNS from column 0 of stmt):
 * checks it against the log before the close of business uses it. LD_EVERIFY
 * naming the loan and the column. */
ld_status ledger_book_check_loan(ledger_book *b, void *stmt, ld_error *err);

/* Whether the loan ledger_book_check_loan just read was changed since the
 * last close of business (every loan when there was none). */
bool ledger_book_loan_changed(const ledger_book *b);

/* The integer columns of the loan ledger_book_check_loan just read, in
 * LEDGER_LOAN_COLUMNS order (0 for the others). */
void ledger_book_integers(const ledger_book *b, int64_t out[LEDGER_LOAN_COLUMN_COUNT]);

/* The same loan after the close of business: daily holds the new values of
 * the columns the close writes, in LEDGER_LOAN_COLUMNS order from 5 to 25
 * (principal and manual included, unchanged). */
ld_status ledger_book_add_after(ledger_book *b, void *stmt, const int64_t daily[21], ld_error *err);

/* After the scan: LD_EVERIFY when the loans as read differ from what the last
 * close of business recorded; else the digest of the book as left, for the
 * "cob" entry. */
ld_status ledger_book_finish(ledger_book *b, char hex[LEDGER_HASH_HEX], ld_error *err);

/* After ledger_book_finish: stores the book index of the book as left (one
 * id and 64-bit hash per loan, table ledger_book_index) and gives its SHA-256
 * for the "cob" entry, so that the next check can name a loan whose balances
 * differ from that close's. */
ld_status ledger_book_index_save(ledger_book *b, char hex[LEDGER_HASH_HEX], ld_error *err);

#endif
