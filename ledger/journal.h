/*
 * journal.h - the double-entry journal behind the loan ledger.
 *
 * Chart of accounts (codes in the style of Chinese bank charts):
 *   1001       settlement / cash (结算)
 *   1301.0c    loans receivable, category c = 1 normal .. 5 loss (贷款)
 *   1132.01    interest accrued, not yet due (应计利息)
 *   1132.02    interest receivable, fallen due (应收利息)
 *   1132.03    penalty interest receivable (应收罚息)
 *   1132.04    compound interest receivable (应收复利)
 *   1132.05    fees receivable (应收手续费)
 *   1304.0c    loss provision, category c (贷款损失准备; credit balance)
 *   6011       interest income;  6012 penalty and compound income
 *   6021       fee income;       6701 impairment loss (provision charge)
 *   6702       write-off loss (核销损失)
 * A line's amount is signed, debit positive, so an entry balances when its
 * lines sum to zero; every entry posted is checked for that. Balances are
 * kept per account alongside the lines, debit positive.
 *
 * Invariants (checked by ledger_reconcile and the tests after every
 * operation): the trial balance balances; each control account equals the sum
 * of the loans' sub-ledger balances; each provision account is the policy's
 * rate times its category's loans receivable, rounded.
 *
 * Every entry posted during an operation is also collected, as JSON, in the
 * operation's ledger_posting so that the log entry recording the operation
 * carries the journal it produced: `ledger verify` compares the two.
 */
#ifndef LEDGER_JOURNAL_H
#define LEDGER_JOURNAL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "loan_calc.h"
#include "money.h"
#include "session.h"
#include "store.h"

#define LEDGER_ACC_CASH           "1001"
#define LEDGER_ACC_INT_ACCRUED    "1132.01"
#define LEDGER_ACC_INT_DUE        "1132.02"
#define LEDGER_ACC_PENALTY_RCV    "1132.03"
#define LEDGER_ACC_COMPOUND_RCV   "1132.04"
#define LEDGER_ACC_FEE_RCV        "1132.05"
#define LEDGER_ACC_INT_INCOME     "6011"
#define LEDGER_ACC_PENALTY_INCOME "6012"
#define LEDGER_ACC_FEE_INCOME     "6021"
#define LEDGER_ACC_IMPAIRMENT     "6701"
#define LEDGER_ACC_WRITE_OFF      "6702"

/* "1301.01" .. "1301.05" and "1304.01" .. "1304.05" by ledger_category. */
const char *ledger_acc_loans(int category);
const char *ledger_acc_provision(int category);

/* The English name of an account code; "" when unknown. */
const char *ledger_account_name(const char *code);

/* True when a journal entry's lines, as the log records them ([[account,
 * amount], ...], amounts integers in fen), add up to zero. The sum is checked:
 * amounts whose sum wraps a signed 64-bit integer (2048 × (2^53 − 1) + 2048
 * wraps to 0) do not balance, nor does anything that is not such a list. */
bool ledger_journal_lines_balance(const cJSON *lines);

#define LEDGER_JLINES_MAX 32

typedef struct ledger_jline {
    const char *account; /* one of the codes above (static storage) */
    ld_money amount;     /* debit positive, credit negative */
} ledger_jline;

/* Lines of one entry being built; adding merges lines of the same account. */
typedef struct ledger_jlines {
    size_t count;
    ledger_jline lines[LEDGER_JLINES_MAX];
} ledger_jlines;

void ledger_jlines_add(ledger_jlines *lines, const char *account, ld_money amount);

/* What closing days moved for one product on one day (or one loan's catch-up):
 * the sums of ledger_day_result, and principal moved between categories. */
typedef struct ledger_day_sums {
    ld_money interest_accrued, interest_fell_due, accrued_released, fee_fell_due;
    ld_money penalty, compound;
    ld_money category_moves[LEDGER_CATEGORY_COUNT]; /* net principal into each */
    int64_t loans;
} ledger_day_sums;

/* Adds one loan-day; principal is the loan's unpaid principal that day (moved
 * when its category changed). */
void ledger_day_sums_add(ledger_day_sums *sums, const ledger_day_result *day, int category_after,
                         ld_money principal);

/* The balanced lines for sums (accrual, true-up at due dates, fees, penalty,
 * compound, category transfers); zero lines dropped. */
void ledger_day_sums_lines(const ledger_day_sums *sums, ledger_jlines *out);

/* An operation's postings: the JSON of each entry posted, for its log entry. */
typedef struct ledger_posting {
    cJSON *entries; /* array of {"id","date","kind","lines":[[account, amount]...]} */
} ledger_posting;

/* ---- Store (journal_store.c) ---------------------------------------------------- */

/* Creates the journal tables when absent (part of the loan module schema). */
ld_status ledger_journal_migrate(core_store *store, ld_error *err);

/* Posts one entry dated date: LD_EINTERNAL when its lines do not balance (a
 * bug), LD_OK doing nothing when it has no lines. loan_id 0 and product NULL
 * for entries about no loan or product. The entry is added to posting. */
ld_status ledger_journal_post(core_store *store, ledger_posting *posting, ld_date date,
                              const char *kind, int64_t loan_id, const char *product,
                              const ledger_jlines *lines, ld_error *err);

/* Brings each category's provision to round(loans receivable x the policy
 * rate), posting one entry dated date when anything moves. */
ld_status ledger_journal_provision_sync(core_store *store, ledger_posting *posting, ld_date date,
                                        ld_error *err);

/* The balance of one account now (0 when never posted). */
ld_status ledger_journal_balance(core_store *store, const char *account, ld_money *out,
                                 ld_error *err);

/* Trial balance on date (entries dated on or before it): {"date","accounts":
 * [{"account","name","debit","credit","balance"}], "total_debit",
 * "total_credit", "balanced"}. Auditors, managers, reviewers. */
ld_status ledger_trial_balance(core_store *store, const core_session *who, ld_date date,
                               cJSON **out, ld_error *err);

/* Checks that the sub-ledger (the loans' balances) equals the control
 * accounts, provisions match the policy, the stored balances equal the sum of
 * the lines and the journal balances. LD_EVERIFY naming the first account that
 * disagrees. */
ld_status ledger_reconcile(core_store *store, ld_error *err);

#endif
