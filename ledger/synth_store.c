/*
 * synth_store.c - a synthetic loan book for benchmarks and demos, written
 * straight into the loan tables, and the bare read-compute-write loop the
 * close-of-business benchmark compares itself with.
 *
 * The loans are realistic in shape (products, amounts, rates, due dates spread
 * over the month, about 10 % overdue by 1 to 400 days with their penalty
 * running) but carry only the installments the next days reach, the last of
 * them holding the rest of the principal. They come into the book as a bank's
 * migrated portfolio does: with their balances as of the day before, and one
 * opening journal entry a part that books those balances (loans receivable by
 * category, interest accrued and due, penalty and compound, against cash and
 * income) and the provision they call for, logged with the part. So the
 * journal reconciles with the loans from the start, and after its first close
 * of business a book of them passes a full `ledger verify`, journal and loans
 * included. Each loan gets a bare borrower row of its own (core's table),
 * since close of business records overdue borrowers' repayment history
 * against it.
 */
#include <stdio.h>
#include <string.h>

#include "journal.h"
#include "json_in.h"
#include "ledger_events.h"
#include "ledger_synth.h"
#include "loan_int.h"
#include "store_sql.h"

static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 8) & 0xffffff;
}

/* One loan's balances, as the opening entry books them: each receivable
 * against cash (the principal lent) or the income it was earned as. */
static void book_opening_balances(ledger_jlines *lines, const ledger_loan_state *s)
{
    ledger_jlines_add(lines, ledger_acc_loans(s->category), s->principal);
    ledger_jlines_add(lines, LEDGER_ACC_CASH, -s->principal);
    ledger_jlines_add(lines, LEDGER_ACC_INT_ACCRUED, s->accrued);
    ledger_jlines_add(lines, LEDGER_ACC_INT_DUE, s->interest_due);
    ledger_jlines_add(lines, LEDGER_ACC_INT_INCOME, -(s->accrued + s->interest_due));
    ledger_jlines_add(lines, LEDGER_ACC_FEE_RCV, s->fee_due);
    ledger_jlines_add(lines, LEDGER_ACC_FEE_INCOME, -s->fee_due);
    ledger_jlines_add(lines, LEDGER_ACC_PENALTY_RCV, s->penalty);
    ledger_jlines_add(lines, LEDGER_ACC_COMPOUND_RCV, s->compound);
    ledger_jlines_add(lines, LEDGER_ACC_PENALTY_INCOME, -(s->penalty + s->compound));
}

/* Posts a part's opening entry dated date, then the provision its loans call
 * for, and logs both with the loans they open (ids first + 1 .. first +
 * count), as an operation's log entry carries the journal it posted. */
static ld_status post_opening(core_store *store, int64_t first, int64_t count, ld_date date,
                              const ledger_jlines *lines, ld_error *err)
{
    ledger_posting posting = {cJSON_CreateArray()};
    ld_status st = ledger_journal_post(store, &posting, date, "opening", 0, NULL, lines, err);
    if (st == LD_OK)
        st = ledger_journal_provision_sync(store, &posting, date, err);
    if (st == LD_OK) {
        cJSON *fields = cJSON_CreateObject();
        core_json_put_int(fields, "first_loan", first + 1);
        core_json_put_int(fields, "loans", count);
        cJSON_AddItemToObject(fields, "journal", posting.entries);
        posting.entries = NULL;
        st = ledger_event_append(store, "loan.opening", fields, err);
        cJSON_Delete(fields);
    }
    cJSON_Delete(posting.entries);
    return st;
}

ld_status ledger_synth_portfolio(core_store *store, int64_t count, ld_date as_of, unsigned seed,
                                 ld_error *err)
{
    unsigned rnd = seed;
    return ledger_synth_portfolio_part(store, 0, count, as_of, &rnd, err);
}

ld_status ledger_synth_portfolio_part(core_store *store, int64_t first, int64_t count,
                                      ld_date as_of, unsigned *random, ld_error *err)
{
    static const char *const products[] = {"PCL", "PBL", "PML", "SWC"};
    static const char ins_inst[] =
        "INSERT INTO loan_installment (loan_id, number, due, principal, interest, fee, "
        "paid_principal, paid_interest, paid_fee, penalty, compound, paid_penalty, "
        "paid_compound, accrual_from) VALUES (?,?,?,?,?,0,0,0,0,0,0,0,0,?)";
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = ledger_loan_migrate(store, err)) != LD_OK)
        return st;
    static const char ins_borrower[] =
        "INSERT INTO borrower (id, kind, name, id_number, officer_id, phone, address, "
        "created_by, created_at, updated_at) VALUES (?, 'individual', 'synthetic', ?, 1, "
        "'13800000000', 'synthetic', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')";
    unsigned rnd = *random;
    ledger_jlines opening;
    memset(&opening, 0, sizeof opening);
    for (int64_t i = first; i < first + count; i++) {
        sqlite3_stmt *b = core_store_stmt(store, ins_borrower, err);
        if (b == NULL)
            return LD_EINTERNAL;
        char id_number[32];
        snprintf(id_number, sizeof id_number, "SYN%015lld", (long long)i + 1);
        sqlite3_bind_int64(b, 1, i + 1);
        sqlite3_bind_text(b, 2, id_number, -1, SQLITE_TRANSIENT);
        int brc = sqlite3_step(b);
        sqlite3_reset(b);
        if (brc != SQLITE_DONE)
            return core_store_fail(store, "writing a synthetic borrower", err);
        ledger_loan l;
        memset(&l, 0, sizeof l);
        snprintf(l.contract_no, sizeof l.contract_no, "SYN-%lld", (long long)i + 1);
        l.borrower_id = i + 1;
        l.officer_id = 1;
        snprintf(l.product, sizeof l.product, "%s", products[next_random(&rnd) % 4]);
        l.amount = (ld_money)(1000000 + next_random(&rnd) % 99000000);
        l.rate = 30000 + (ld_rate)(next_random(&rnd) % 50000);
        l.penalty_rate = ledger_penalty_rate(l.rate, 500000);
        l.method = LD_METHOD_ANNUITY;
        l.period = 1;
        l.months_each = 1;
        l.installments = 36;
        l.regular = l.amount / 30;
        l.disbursed_on = as_of - 400;
        l.closed_on = LEDGER_NO_DATE;
        ledger_loan_state *s = &l.s;
        s->status = LEDGER_LOAN_ACTIVE;
        s->accrued_through = as_of - 1;
        s->principal = l.amount / 2;
        s->accrued = ledger_daily_interest(s->principal, l.rate) * (int64_t)(i % 30);
        s->oldest_unpaid_due = LEDGER_NO_DATE;
        s->manual = LEDGER_CATEGORY_NONE;
        s->next_inspection = as_of + (ld_date)(i % 90);
        int number = 14;
        ld_date next_due = as_of + (ld_date)(i % 30);
        ld_money part = s->principal / 20,
                 interest = ledger_daily_interest(s->principal, l.rate) * 30;
        ledger_loan_set_next(s, number, next_due, part, interest, 0);
        bool overdue = next_random(&rnd) % 10 == 0;
        ld_date overdue_due = 0;
        if (overdue) {
            int64_t dpd = 1 + next_random(&rnd) % 400;
            overdue_due = as_of - 1 - (ld_date)dpd;
            s->principal_due = part;
            s->interest_due = interest;
            s->penalty_daily = ledger_daily_penalty(part, l.penalty_rate);
            s->compound_daily = ledger_daily_penalty(interest, l.penalty_rate);
            s->penalty = s->penalty_daily * dpd;
            s->compound = s->compound_daily * dpd;
            s->oldest_unpaid_due = overdue_due;
            s->dpd = dpd;
            s->floor = s->category = ledger_category_floor(dpd);
        }
        if ((st = ledger_loan_insert(store, &l, err)) != LD_OK)
            return st;
        book_opening_balances(&opening, s);
        sqlite3_stmt *stmt;
        for (int k = overdue ? -1 : 0; k < 2; k++) {
            if ((stmt = core_store_stmt(store, ins_inst, err)) == NULL)
                return LD_EINTERNAL;
            ld_date due = k < 0 ? overdue_due : ld_date_add_months(next_due, k);
            sqlite3_bind_int64(stmt, 1, l.id);
            sqlite3_bind_int(stmt, 2, k < 0 ? number - 1 : number + k);
            sqlite3_bind_int64(stmt, 3, due);
            /* The last carries the rest of the principal: a loan's unpaid
             * installments add up to its balance, as ledger verify checks. */
            sqlite3_bind_int64(stmt, 4, k < 1 ? part : s->principal - part * (overdue ? 2 : 1));
            sqlite3_bind_int64(stmt, 5, interest);
            sqlite3_bind_int64(stmt, 6, due);
            int rc = sqlite3_step(stmt);
            sqlite3_reset(stmt);
            if (rc != SQLITE_DONE)
                return core_store_fail(store, "inserting a synthetic installment", err);
        }
    }
    *random = rnd;
    return post_opening(store, first, count, as_of - 1, &opening, err);
}

ld_status ledger_synth_bare_pass(core_store *store, ld_date date, int64_t *rows_out, ld_error *err)
{
    static const char scan_sql[] =
        "SELECT id, product, rate, penalty_rate, status, accrued_through, principal, "
        "principal_due, interest_due, fee_due, accrued, penalty, compound, penalty_daily, "
        "compound_daily, next_number, next_due, next_principal, next_interest, next_fee, "
        "oldest_unpaid_due, dpd, floor, manual, category, next_inspection FROM loan ORDER BY id";
    static const char update_sql[] =
        "UPDATE loan SET accrued_through = ?, principal_due = ?, interest_due = ?, fee_due = ?, "
        "accrued = ?, penalty = ?, compound = ?, penalty_daily = ?, compound_daily = ?, "
        "next_number = ?, next_due = ?, next_principal = ?, next_interest = ?, next_fee = ?, "
        "oldest_unpaid_due = ?, dpd = ?, floor = ?, category = ?, next_inspection = ? "
        "WHERE id = ?";
    sqlite3 *db = core_store_db(store);
    sqlite3_stmt *scan = NULL, *update = NULL;
    ld_status st = LD_OK;
    int64_t rows = 0;
    if (sqlite3_prepare_v2(db, scan_sql, -1, &scan, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, update_sql, -1, &update, NULL) != SQLITE_OK) {
        st = core_store_fail(store, "preparing the bare pass", err);
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(scan)) == SQLITE_ROW) {
        int64_t v[26];
        for (int i = 0; i < 26; i++)
            v[i] = i == 1 ? 0 : sqlite3_column_int64(scan, i);
        if (v[4] != 0 || v[5] >= date)
            continue;
        /* The same arithmetic in its barest form: a day of interest and penalty. */
        v[5] = date;
        v[10] += ledger_daily_interest(v[6] - v[7], v[2]);
        v[11] += v[13];
        v[12] += v[14];
        if (v[20] != LEDGER_NO_DATE)
            v[21] = date - v[20];
        int64_t out_v[] = {v[5],  v[7],  v[8],  v[9],  v[10], v[11], v[12], v[13], v[14], v[15],
                           v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[24], v[25], v[0]};
        for (int k = 0; k < 20; k++)
            sqlite3_bind_int64(update, k + 1, out_v[k]);
        rc = sqlite3_step(update);
        sqlite3_reset(update);
        if (rc != SQLITE_DONE) {
            st = core_store_fail(store, "bare pass update", err);
            goto out;
        }
        rows++;
    }
    if (rc != SQLITE_DONE)
        st = core_store_fail(store, "bare pass scan", err);
    else
        *rows_out = rows;
out:
    sqlite3_finalize(scan);
    sqlite3_finalize(update);
    return st;
}
