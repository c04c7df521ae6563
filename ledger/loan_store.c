/*
 * loan_store.c - SQL for the loan ledger's own tables: loans (借据), their
 * installments, repayments and close-of-business runs, and the module schema
 * that also holds the journal's tables.
 *
 * A loan row carries its running balances (ledger_loan_state) next to its
 * terms, so that the close of business reads and writes one row per loan and
 * touches an installment only when one falls due. Installment rows hold what
 * was scheduled and what was paid against each, and the penalty and compound
 * accrued up to their accrual_from day (loan_calc.h explains the model).
 * Schema steps are released once and never edited; a change is a new step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"
#include "loan_int.h"
#include "store_sql.h"

static const char *const loan_schema[] = {
    /* version 1 */
    "CREATE TABLE loan ("
    " id INTEGER PRIMARY KEY,"
    " contract_no TEXT NOT NULL UNIQUE,"
    " application_id INTEGER UNIQUE,"
    " borrower_id INTEGER NOT NULL, officer_id INTEGER NOT NULL, borrower_kind INTEGER NOT NULL,"
    " product TEXT NOT NULL, amount INTEGER NOT NULL, rate INTEGER NOT NULL,"
    " penalty_rate INTEGER NOT NULL, method INTEGER NOT NULL, period INTEGER NOT NULL,"
    " months_each INTEGER NOT NULL, installments INTEGER NOT NULL, prepay_rule INTEGER NOT NULL,"
    " regular INTEGER NOT NULL, fee_method INTEGER NOT NULL, fee_amount INTEGER NOT NULL,"
    " disbursed_on INTEGER NOT NULL, closed_on INTEGER NOT NULL, manual_reason TEXT NOT NULL,"
    " status INTEGER NOT NULL, accrued_through INTEGER NOT NULL, principal INTEGER NOT NULL,"
    " principal_due INTEGER NOT NULL, interest_due INTEGER NOT NULL, fee_due INTEGER NOT NULL,"
    " accrued INTEGER NOT NULL, penalty INTEGER NOT NULL, compound INTEGER NOT NULL,"
    " penalty_daily INTEGER NOT NULL, compound_daily INTEGER NOT NULL,"
    " next_number INTEGER NOT NULL, next_due INTEGER NOT NULL, next_principal INTEGER NOT NULL,"
    " next_interest INTEGER NOT NULL, next_fee INTEGER NOT NULL,"
    " oldest_unpaid_due INTEGER NOT NULL, dpd INTEGER NOT NULL, floor INTEGER NOT NULL,"
    " manual INTEGER NOT NULL, category INTEGER NOT NULL, next_inspection INTEGER NOT NULL);"
    "CREATE TABLE loan_installment ("
    " loan_id INTEGER NOT NULL, number INTEGER NOT NULL, due INTEGER NOT NULL,"
    " principal INTEGER NOT NULL, interest INTEGER NOT NULL, fee INTEGER NOT NULL,"
    " paid_principal INTEGER NOT NULL, paid_interest INTEGER NOT NULL, paid_fee INTEGER NOT NULL,"
    " penalty INTEGER NOT NULL, compound INTEGER NOT NULL, paid_penalty INTEGER NOT NULL,"
    " paid_compound INTEGER NOT NULL, accrual_from INTEGER NOT NULL,"
    " PRIMARY KEY (loan_id, number)) WITHOUT ROWID;"
    "CREATE TABLE loan_repayment ("
    " id INTEGER PRIMARY KEY, loan_id INTEGER NOT NULL, kind TEXT NOT NULL,"
    " value_date INTEGER NOT NULL, booked_on INTEGER NOT NULL, amount INTEGER NOT NULL,"
    " penalty INTEGER NOT NULL, compound INTEGER NOT NULL, fee INTEGER NOT NULL,"
    " interest INTEGER NOT NULL, principal INTEGER NOT NULL, accrued INTEGER NOT NULL,"
    " prepaid INTEGER NOT NULL, backdated INTEGER NOT NULL, reason TEXT,"
    " recorded_by INTEGER NOT NULL, log_seq INTEGER NOT NULL);"
    "CREATE INDEX loan_repayment_loan ON loan_repayment (loan_id);"
    "CREATE TABLE cob_run (date INTEGER PRIMARY KEY, loans INTEGER NOT NULL,"
    " log_seq INTEGER NOT NULL);"
    "CREATE TABLE journal_entry (id INTEGER PRIMARY KEY, date INTEGER NOT NULL,"
    " kind TEXT NOT NULL, loan_id INTEGER, product TEXT);"
    "CREATE INDEX journal_entry_date ON journal_entry (date);"
    "CREATE TABLE journal_line (entry_id INTEGER NOT NULL, line INTEGER NOT NULL,"
    " account TEXT NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (entry_id, line))"
    " WITHOUT ROWID;"
    "CREATE TABLE account_balance (account TEXT PRIMARY KEY, balance INTEGER NOT NULL)"
    " WITHOUT ROWID;",
    /* version 2: what the loan list filters on. matures_on is the contract
     * maturity (disbursement + installments x months each, the due date of
     * the last installment as first scheduled; a prepayment that shortens the
     * schedule does not move it); loans made before this step take their last
     * installment's due date. Close of business rewrites dpd and category of
     * every loan every day, so their indexes hold only the loans that are
     * overdue or classified worse than normal: a loan outside them costs the
     * close nothing, and the lists ask for those loans. */
    "ALTER TABLE loan ADD COLUMN matures_on INTEGER NOT NULL DEFAULT 0;"
    "UPDATE loan SET matures_on = COALESCE((SELECT max(i.due) FROM loan_installment i"
    " WHERE i.loan_id = loan.id), disbursed_on);"
    "CREATE INDEX loan_by_borrower ON loan (borrower_id);"
    "CREATE INDEX loan_by_status ON loan (status);"
    "CREATE INDEX loan_by_product ON loan (product);"
    "CREATE INDEX loan_by_maturity ON loan (matures_on);"
    "CREATE INDEX loan_overdue ON loan (dpd) WHERE dpd > 0;"
    "CREATE INDEX loan_classified ON loan (category) WHERE category > 0;",
    /* version 3: the log entry that last recorded each loan and installment
     * row (rows.h), so that an operation on one loan finds the images to
     * check it against without replaying the log. */
    ("CREATE TABLE ledger_row_seq (tbl INTEGER NOT NULL, k1 INTEGER NOT NULL,"
     " k2 INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (tbl, k1, k2)) WITHOUT ROWID;"),
    /* version 4: the book index of the last close of business (rows.h), which
     * names the loan when the book digest fails. */
    "CREATE TABLE ledger_book_index (part INTEGER PRIMARY KEY, data BLOB NOT NULL);",
    /* version 5: the formats of the log's "rows" entries whose images of
     * every row the book has recorded (rows.h); empty until the first write
     * after format 2 records them. */
    "CREATE TABLE ledger_rows_format (format INTEGER PRIMARY KEY);",
};

ld_status ledger_loan_migrate(core_store *store, ld_error *err)
{
    return core_store_migrate_module(store, "loan", loan_schema,
                                     (int)(sizeof loan_schema / sizeof loan_schema[0]), err);
}

#define STATE_COLUMNS                                                                              \
    "status, accrued_through, principal, principal_due, interest_due, fee_due, accrued, "          \
    "penalty, compound, penalty_daily, compound_daily, next_number, next_due, next_principal, "    \
    "next_interest, next_fee, oldest_unpaid_due, dpd, floor, manual, category, next_inspection"
#define STATE_COUNT 22

static void bind_state(sqlite3_stmt *stmt, int first, const ledger_loan_state *s)
{
    int64_t v[STATE_COUNT] = {
        s->status,         s->accrued_through,   s->principal, s->principal_due,  s->interest_due,
        s->fee_due,        s->accrued,           s->penalty,   s->compound,       s->penalty_daily,
        s->compound_daily, s->next_number,       s->next_due,  s->next_principal, s->next_interest,
        s->next_fee,       s->oldest_unpaid_due, s->dpd,       s->floor,          s->manual,
        s->category,       s->next_inspection,
    };
    for (int i = 0; i < STATE_COUNT; i++)
        sqlite3_bind_int64(stmt, first + i, v[i]);
}

static void column_state(sqlite3_stmt *stmt, int first, ledger_loan_state *s)
{
    int i = first;
    s->status = (ledger_loan_status)sqlite3_column_int(stmt, i++);
    s->accrued_through = (ld_date)sqlite3_column_int64(stmt, i++);
    s->principal = sqlite3_column_int64(stmt, i++);
    s->principal_due = sqlite3_column_int64(stmt, i++);
    s->interest_due = sqlite3_column_int64(stmt, i++);
    s->fee_due = sqlite3_column_int64(stmt, i++);
    s->accrued = sqlite3_column_int64(stmt, i++);
    s->penalty = sqlite3_column_int64(stmt, i++);
    s->compound = sqlite3_column_int64(stmt, i++);
    s->penalty_daily = sqlite3_column_int64(stmt, i++);
    s->compound_daily = sqlite3_column_int64(stmt, i++);
    s->next_number = sqlite3_column_int(stmt, i++);
    s->next_due = (ld_date)sqlite3_column_int64(stmt, i++);
    s->next_principal = sqlite3_column_int64(stmt, i++);
    s->next_interest = sqlite3_column_int64(stmt, i++);
    s->next_fee = sqlite3_column_int64(stmt, i++);
    s->oldest_unpaid_due = (ld_date)sqlite3_column_int64(stmt, i++);
    s->dpd = sqlite3_column_int64(stmt, i++);
    s->floor = sqlite3_column_int(stmt, i++);
    s->manual = sqlite3_column_int(stmt, i++);
    s->category = sqlite3_column_int(stmt, i++);
    s->next_inspection = (ld_date)sqlite3_column_int64(stmt, i++);
}

ld_status ledger_loan_insert(core_store *store, ledger_loan *loan, ld_error *err)
{
    static const char sql[] =
        "INSERT INTO loan (contract_no, application_id, borrower_id, officer_id, borrower_kind, "
        "product, amount, rate, penalty_rate, method, period, months_each, installments, "
        "prepay_rule, regular, fee_method, fee_amount, disbursed_on, closed_on, "
        "manual_reason, " STATE_COLUMNS ", matures_on) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, loan->contract_no);
    if (loan->application_id > 0)
        sqlite3_bind_int64(stmt, 2, loan->application_id);
    sqlite3_bind_int64(stmt, 3, loan->borrower_id);
    sqlite3_bind_int64(stmt, 4, loan->officer_id);
    sqlite3_bind_int(stmt, 5, loan->borrower_kind);
    core_store_bind_text(stmt, 6, loan->product);
    sqlite3_bind_int64(stmt, 7, loan->amount);
    sqlite3_bind_int64(stmt, 8, loan->rate);
    sqlite3_bind_int64(stmt, 9, loan->penalty_rate);
    sqlite3_bind_int(stmt, 10, loan->method);
    sqlite3_bind_int(stmt, 11, loan->period);
    sqlite3_bind_int(stmt, 12, loan->months_each);
    sqlite3_bind_int(stmt, 13, loan->installments);
    sqlite3_bind_int(stmt, 14, loan->prepay_rule);
    sqlite3_bind_int64(stmt, 15, loan->regular);
    sqlite3_bind_int(stmt, 16, loan->fee_method);
    sqlite3_bind_int64(stmt, 17, loan->fee_amount);
    sqlite3_bind_int64(stmt, 18, loan->disbursed_on);
    sqlite3_bind_int64(stmt, 19, loan->closed_on);
    core_store_bind_text(stmt, 20, loan->manual_reason);
    bind_state(stmt, 21, &loan->s);
    sqlite3_bind_int64(
        stmt, 21 + STATE_COUNT,
        ld_date_add_months(loan->disbursed_on, loan->installments * loan->months_each));
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "inserting a loan", err);
    loan->id = sqlite3_last_insert_rowid(core_store_db(store));
    return LD_OK;
}

ld_status ledger_loan_load(core_store *store, int64_t id, ledger_loan *out, ld_error *err)
{
    static const char sql[] =
        "SELECT id, contract_no, application_id, borrower_id, officer_id, borrower_kind, product, "
        "amount, rate, penalty_rate, method, period, months_each, installments, prepay_rule, "
        "regular, fee_method, fee_amount, disbursed_on, closed_on, manual_reason, " STATE_COLUMNS
        " FROM loan WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        if (rc == SQLITE_DONE)
            return LD_FAIL(err, LD_ENOTFOUND, "loan %lld: no such loan", (long long)id);
        return core_store_fail(store, "reading a loan", err);
    }
    ledger_loan l;
    memset(&l, 0, sizeof l);
    l.id = sqlite3_column_int64(stmt, 0);
    const unsigned char *text = sqlite3_column_text(stmt, 1);
    snprintf(l.contract_no, sizeof l.contract_no, "%s", text ? (const char *)text : "");
    l.application_id = sqlite3_column_int64(stmt, 2);
    l.borrower_id = sqlite3_column_int64(stmt, 3);
    l.officer_id = sqlite3_column_int64(stmt, 4);
    l.borrower_kind = sqlite3_column_int(stmt, 5);
    text = sqlite3_column_text(stmt, 6);
    snprintf(l.product, sizeof l.product, "%s", text ? (const char *)text : "");
    l.amount = sqlite3_column_int64(stmt, 7);
    l.rate = sqlite3_column_int64(stmt, 8);
    l.penalty_rate = sqlite3_column_int64(stmt, 9);
    l.method = sqlite3_column_int(stmt, 10);
    l.period = sqlite3_column_int(stmt, 11);
    l.months_each = sqlite3_column_int(stmt, 12);
    l.installments = sqlite3_column_int(stmt, 13);
    l.prepay_rule = sqlite3_column_int(stmt, 14);
    l.regular = sqlite3_column_int64(stmt, 15);
    l.fee_method = sqlite3_column_int(stmt, 16);
    l.fee_amount = sqlite3_column_int64(stmt, 17);
    l.disbursed_on = (ld_date)sqlite3_column_int64(stmt, 18);
    l.closed_on = (ld_date)sqlite3_column_int64(stmt, 19);
    text = sqlite3_column_text(stmt, 20);
    snprintf(l.manual_reason, sizeof l.manual_reason, "%s", text ? (const char *)text : "");
    column_state(stmt, 21, &l.s);
    sqlite3_reset(stmt);
    *out = l;
    return LD_OK;
}

ld_status ledger_loan_save(core_store *store, const ledger_loan *loan, ld_error *err)
{
    static const char sql[] =
        "UPDATE loan SET (regular, closed_on, manual_reason, " STATE_COLUMNS
        ") = (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, loan->regular);
    sqlite3_bind_int64(stmt, 2, loan->closed_on);
    core_store_bind_text(stmt, 3, loan->manual_reason);
    bind_state(stmt, 4, &loan->s);
    sqlite3_bind_int64(stmt, 4 + STATE_COUNT, loan->id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "updating a loan", err);
    return LD_OK;
}

ld_status ledger_insts_load(core_store *store, int64_t loan_id, ledger_inst **out, size_t *count,
                            ld_error *err)
{
    static const char sql[] =
        "SELECT number, due, principal, interest, fee, paid_principal, paid_interest, paid_fee, "
        "penalty, compound, paid_penalty, paid_compound, accrual_from FROM loan_installment "
        "WHERE loan_id = ? ORDER BY number";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, loan_id);
    ledger_inst *rows = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            ledger_inst *grown = realloc(rows, cap * sizeof *rows);
            if (grown == NULL) {
                free(rows);
                sqlite3_reset(stmt);
                return LD_FAIL(err, LD_EINTERNAL, "out of memory reading installments");
            }
            rows = grown;
        }
        ledger_inst *in = &rows[n++];
        in->number = sqlite3_column_int(stmt, 0);
        in->due = (ld_date)sqlite3_column_int64(stmt, 1);
        in->principal = sqlite3_column_int64(stmt, 2);
        in->interest = sqlite3_column_int64(stmt, 3);
        in->fee = sqlite3_column_int64(stmt, 4);
        in->paid_principal = sqlite3_column_int64(stmt, 5);
        in->paid_interest = sqlite3_column_int64(stmt, 6);
        in->paid_fee = sqlite3_column_int64(stmt, 7);
        in->penalty = sqlite3_column_int64(stmt, 8);
        in->compound = sqlite3_column_int64(stmt, 9);
        in->paid_penalty = sqlite3_column_int64(stmt, 10);
        in->paid_compound = sqlite3_column_int64(stmt, 11);
        in->accrual_from = (ld_date)sqlite3_column_int64(stmt, 12);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        free(rows);
        return core_store_fail(store, "reading installments", err);
    }
    *out = rows;
    *count = n;
    return LD_OK;
}

ld_status ledger_insts_save(core_store *store, int64_t loan_id, const ledger_inst *insts,
                            size_t count, ld_error *err)
{
    static const char del[] = "DELETE FROM loan_installment WHERE loan_id = ?";
    static const char ins[] =
        "INSERT INTO loan_installment (loan_id, number, due, principal, interest, fee, "
        "paid_principal, paid_interest, paid_fee, penalty, compound, paid_penalty, "
        "paid_compound, accrual_from) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *stmt = core_store_stmt(store, del, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, loan_id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "replacing installments", err);
    if ((stmt = core_store_stmt(store, ins, err)) == NULL)
        return LD_EINTERNAL;
    for (size_t i = 0; i < count; i++) {
        const ledger_inst *in = &insts[i];
        int64_t v[13] = {
            in->number,         in->due,           in->principal,   in->interest, in->fee,
            in->paid_principal, in->paid_interest, in->paid_fee,    in->penalty,  in->compound,
            in->paid_penalty,   in->paid_compound, in->accrual_from};
        sqlite3_bind_int64(stmt, 1, loan_id);
        for (int k = 0; k < 13; k++)
            sqlite3_bind_int64(stmt, 2 + k, v[k]);
        rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            return core_store_fail(store, "inserting an installment", err);
    }
    return LD_OK;
}

ld_status ledger_repayment_insert(core_store *store, const ledger_repayment_row *r, int64_t *id_out,
                                  ld_error *err)
{
    static const char sql[] =
        "INSERT INTO loan_repayment (loan_id, kind, value_date, booked_on, amount, penalty, "
        "compound, fee, interest, principal, accrued, prepaid, backdated, reason, recorded_by, "
        "log_seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    const ledger_allocation *a = &r->allocation;
    sqlite3_bind_int64(stmt, 1, r->loan_id);
    core_store_bind_text(stmt, 2, r->kind);
    sqlite3_bind_int64(stmt, 3, r->value_date);
    sqlite3_bind_int64(stmt, 4, r->booked_on);
    sqlite3_bind_int64(stmt, 5, r->amount);
    sqlite3_bind_int64(stmt, 6, a->penalty);
    sqlite3_bind_int64(stmt, 7, a->compound);
    sqlite3_bind_int64(stmt, 8, a->fee);
    sqlite3_bind_int64(stmt, 9, a->interest);
    sqlite3_bind_int64(stmt, 10, a->principal);
    sqlite3_bind_int64(stmt, 11, a->accrued);
    sqlite3_bind_int64(stmt, 12, a->prepaid);
    sqlite3_bind_int(stmt, 13, r->backdated);
    core_store_bind_text(stmt, 14, r->reason);
    sqlite3_bind_int64(stmt, 15, r->recorded_by);
    sqlite3_bind_int64(stmt, 16, (sqlite3_int64)r->log_seq);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "recording a repayment", err);
    if (id_out != NULL)
        *id_out = sqlite3_last_insert_rowid(core_store_db(store));
    return LD_OK;
}

/* Room for one more row in a growing array of *cap rows holding n: the
 * array, moved if it had to grow, or NULL (rows untouched) when out of memory. */
static void *grow_rows(void *rows, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return rows;
    size_t grown_cap = *cap ? *cap * 2 : 8;
    void *grown = realloc(rows, grown_cap * size);
    if (grown != NULL)
        *cap = grown_cap;
    return grown;
}

ld_status ledger_paid_load(core_store *store, int64_t loan_id, ledger_paid **out, size_t *count,
                           ld_error *err)
{
    static const char sql[] = "SELECT id, value_date, amount, kind = 'settle' FROM loan_repayment "
                              "WHERE loan_id = ? AND kind IN ('repay', 'settle') "
                              "ORDER BY value_date, id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, loan_id);
    ledger_paid *rows = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        ledger_paid *grown = grow_rows(rows, &cap, n, sizeof *rows);
        if (grown == NULL) {
            free(rows);
            sqlite3_reset(stmt);
            return LD_FAIL(err, LD_EINTERNAL, "out of memory reading payments");
        }
        rows = grown;
        rows[n].id = sqlite3_column_int64(stmt, 0);
        rows[n].value_date = (ld_date)sqlite3_column_int64(stmt, 1);
        rows[n].amount = sqlite3_column_int64(stmt, 2);
        rows[n].settle = sqlite3_column_int(stmt, 3) != 0;
        n++;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        free(rows);
        return core_store_fail(store, "reading payments", err);
    }
    *out = rows;
    *count = n;
    return LD_OK;
}

ld_status ledger_classified_load(core_store *store, int64_t loan_id, ledger_classified **out,
                                 size_t *count, bool *dated, ld_error *err)
{
    static const char sql[] = "SELECT detail FROM audit_event WHERE entity = 'loan' AND "
                              "entity_id = ? AND action = 'loan.classify' AND outcome = 'ok' "
                              "ORDER BY id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, loan_id);
    ledger_classified *rows = NULL;
    size_t n = 0, cap = 0;
    *dated = true;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *detail = cJSON_Parse((const char *)sqlite3_column_text(stmt, 0));
        const cJSON *date = cJSON_GetObjectItemCaseSensitive(detail, "date");
        const cJSON *manual = cJSON_GetObjectItemCaseSensitive(detail, "manual");
        ledger_classified c = {LEDGER_NO_DATE, LEDGER_CATEGORY_NONE};
        ledger_category category;
        bool ok = cJSON_IsString(date) && cJSON_IsString(manual) &&
                  ld_date_parse("date", date->valuestring, &c.date, NULL) == LD_OK;
        if (ok && strcmp(manual->valuestring, "none") != 0) {
            ok = ledger_category_parse("manual", manual->valuestring, &category, NULL) == LD_OK;
            c.manual = (int)category;
        }
        cJSON_Delete(detail);
        if (!ok) {
            *dated = false;
            continue;
        }
        ledger_classified *grown = grow_rows(rows, &cap, n, sizeof *rows);
        if (grown == NULL) {
            free(rows);
            sqlite3_reset(stmt);
            return LD_FAIL(err, LD_EINTERNAL, "out of memory reading classifications");
        }
        rows = grown;
        rows[n++] = c;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        free(rows);
        return core_store_fail(store, "reading classifications", err);
    }
    *out = rows;
    *count = n;
    return LD_OK;
}

ld_status ledger_repayment_mark_reversed(core_store *store, int64_t id, ld_error *err)
{
    sqlite3_stmt *stmt =
        core_store_stmt(store, "UPDATE loan_repayment SET kind = 'reversed' WHERE id = ?", err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "marking a repayment reversed", err);
    return LD_OK;
}

ld_status ledger_repayments_json(core_store *store, int64_t loan_id, cJSON **out, ld_error *err)
{
    static const char sql[] =
        "SELECT id, kind, value_date, booked_on, amount, penalty, compound, fee, interest, "
        "principal, accrued, prepaid, backdated, reason FROM loan_repayment WHERE loan_id = ? "
        "ORDER BY id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, loan_id);
    cJSON *rows = cJSON_CreateArray();
    int rc;
    static const char *const money[] = {"amount",   "penalty",   "compound", "fee",
                                        "interest", "principal", "accrued",  "prepaid"};
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *row = cJSON_CreateObject();
        core_json_put_int(row, "id", sqlite3_column_int64(stmt, 0));
        cJSON_AddStringToObject(row, "kind", (const char *)sqlite3_column_text(stmt, 1));
        core_json_put_date(row, "date", (ld_date)sqlite3_column_int64(stmt, 2));
        core_json_put_date(row, "booked_on", (ld_date)sqlite3_column_int64(stmt, 3));
        for (int i = 0; i < 8; i++)
            core_json_put_money(row, money[i], sqlite3_column_int64(stmt, 4 + i));
        if (sqlite3_column_int(stmt, 12)) {
            cJSON_AddBoolToObject(row, "backdated", 1);
            cJSON_AddStringToObject(row, "reason", (const char *)sqlite3_column_text(stmt, 13));
        }
        cJSON_AddItemToArray(rows, row);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(rows);
        return core_store_fail(store, "reading repayments", err);
    }
    *out = rows;
    return LD_OK;
}

ld_status ledger_cob_last(core_store *store, ld_date *out, ld_error *err)
{
    static const char sql[] = "SELECT max(date) FROM cob_run";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    int rc = sqlite3_step(stmt);
    ld_date last = LEDGER_NO_DATE;
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
        last = (ld_date)sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return core_store_fail(store, "reading close-of-business runs", err);
    *out = last;
    return LD_OK;
}

ld_status ledger_cob_record(core_store *store, ld_date date, int64_t loans, uint64_t log_seq,
                            ld_error *err)
{
    static const char sql[] = "INSERT INTO cob_run (date, loans, log_seq) VALUES (?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, date);
    sqlite3_bind_int64(stmt, 2, loans);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)log_seq);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "recording a close of business", err);
    return LD_OK;
}

ld_status ledger_loan_by_application(core_store *store, int64_t app_id, int64_t *out, ld_error *err)
{
    ld_status st = ledger_loan_migrate(store, err);
    if (st != LD_OK)
        return st;
    int64_t id = 0;
    st = core_store_query_int(store, "SELECT id FROM loan WHERE application_id = ?", app_id, &id,
                              err);
    if (st == LD_ENOTFOUND)
        return LD_FAIL(err, LD_ENOTFOUND, "application %lld: no loan was made from it",
                       (long long)app_id);
    if (st == LD_OK)
        *out = id;
    return st;
}
