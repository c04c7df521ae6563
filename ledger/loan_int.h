/*
 * loan_int.h - private to the ledger module: the loan record as stored, the
 * store functions over loans, installments, repayments and close-of-business
 * runs (loan_store.c), and the state digest that the log's close-of-business
 * entries carry (loan_state.c).
 */
#ifndef LEDGER_LOAN_INT_H
#define LEDGER_LOAN_INT_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <time.h>

#include "journal.h"
#include "loan_calc.h"
#include "merkle.h"
#include "store.h"

typedef struct ledger_loan {
    int64_t id;
    char contract_no[64];
    int64_t application_id; /* 0 for synthetic loans */
    int64_t borrower_id, officer_id;
    int borrower_kind;
    char product[32];
    ld_money amount;
    ld_rate rate;
    int64_t penalty_rate;
    int method, period, months_each, installments, prepay_rule;
    ld_money regular;
    int fee_method;
    ld_money fee_amount;
    ld_date disbursed_on;
    ld_date closed_on; /* LEDGER_NO_DATE while active */
    char manual_reason[512];
    ledger_loan_state s;
} ledger_loan;

/* The loan module's tables, created or upgraded (idempotent). */
ld_status ledger_loan_migrate(core_store *store, ld_error *err);

ld_status ledger_loan_insert(core_store *store, ledger_loan *loan, ld_error *err);
/* LD_ENOTFOUND "loan N: no such loan". */
ld_status ledger_loan_load(core_store *store, int64_t id, ledger_loan *out, ld_error *err);
ld_status ledger_loan_save(core_store *store, const ledger_loan *loan, ld_error *err);

/* All installments of a loan by number (*out malloc'd, free()). */
ld_status ledger_insts_load(core_store *store, int64_t loan_id, ledger_inst **out, size_t *count,
                            ld_error *err);
/* Replaces all installments of a loan. */
ld_status ledger_insts_save(core_store *store, int64_t loan_id, const ledger_inst *insts,
                            size_t count, ld_error *err);

typedef struct ledger_repayment_row {
    int64_t loan_id;
    const char *kind; /* "repay" or "settle" */
    ld_date value_date, booked_on;
    ld_money amount;
    ledger_allocation allocation;
    bool backdated;
    const char *reason;
    int64_t recorded_by;
    uint64_t log_seq;
} ledger_repayment_row;

ld_status ledger_repayment_insert(core_store *store, const ledger_repayment_row *row,
                                  int64_t *id_out, ld_error *err);
/* A recorded payment as the replay of a loan needs it. */
typedef struct ledger_paid {
    int64_t id;
    ld_date value_date;
    ld_money amount;
    bool settle;
} ledger_paid;
/* A loan's standing payments (not reversed) by value date, then in the order they were entered
 * (*out malloc'd, free()). */
ld_status ledger_paid_load(core_store *store, int64_t loan_id, ledger_paid **out, size_t *count,
                           ld_error *err);

/* A reviewer's classification as the replay of a loan needs it: the day it
 * was made (after that day's close) and the manual category it left
 * (LEDGER_CATEGORY_NONE when classifying at the floor cleared it). */
typedef struct ledger_classified {
    ld_date date;
    int manual;
} ledger_classified;
/* A loan's classifications in the order made, from their audit rows (*out
 * malloc'd, free()). *dated is false when one was recorded without its day
 * and category (by a version before they were kept), so the replay cannot
 * place it. */
ld_status ledger_classified_load(core_store *store, int64_t loan_id, ledger_classified **out,
                                 size_t *count, bool *dated, ld_error *err);

/* Marks a repayment as reversed ("reversed"): the replay leaves it out. */
ld_status ledger_repayment_mark_reversed(core_store *store, int64_t id, ld_error *err);

ld_status ledger_repayments_json(core_store *store, int64_t loan_id, cJSON **out, ld_error *err);

/* The last close-of-business date, LEDGER_NO_DATE before the first. */
ld_status ledger_cob_last(core_store *store, ld_date *out, ld_error *err);
ld_status ledger_cob_record(core_store *store, ld_date date, int64_t loans, uint64_t log_seq,
                            ld_error *err);

/* ---- Loan state as the log records it (loan_state.c, pure) ------------------ */

#define LEDGER_STATE_FIELDS 20

void ledger_state_values(int64_t id, const ledger_loan_state *s, int64_t out[LEDGER_STATE_FIELDS]);
cJSON *ledger_state_json(int64_t id, const ledger_loan_state *s);

/* The digest of all loans' states in id order: SHA-256 over the SHA-256 of
 * each 64 KiB chunk of their text lines ("v1," then the state values, comma
 * separated, newline), so that it streams over a million loans. */
typedef struct ledger_state_digest ledger_state_digest;
ld_status ledger_state_digest_new(ledger_state_digest **out, ld_error *err);
ld_status ledger_state_digest_add_values(ledger_state_digest *d,
                                         const int64_t values[LEDGER_STATE_FIELDS], ld_error *err);
ld_status ledger_state_digest_add(ledger_state_digest *d, int64_t id, const ledger_loan_state *s,
                                  ld_error *err);
ld_status ledger_state_digest_finish(ledger_state_digest *d, ledger_hash *out, ld_error *err);
void ledger_state_digest_free(ledger_state_digest *d);

/* ---- The log (ledger_events_store.c) ----------------------------------------- */

/* Appends {"type": type, "time": now, ...fields} as canonical JSON. */
ld_status ledger_event_append_seq(core_store *store, const char *type, const cJSON *fields,
                                  uint64_t *seq_out, ld_error *err);

/* The same through a log handle the caller keeps open (close of business);
 * the store gives the entry's wall-clock time and business date. */
typedef struct ledger_log ledger_log;
ld_status ledger_event_append_to(ledger_log *log, const core_store *store, const char *type,
                                 const cJSON *fields, uint64_t *seq_out, ld_error *err);

/* Journal lines as the log holds them: [[account, amount], ...]. */
cJSON *ledger_jlines_json(const ledger_jlines *lines);

#endif
