/*
 * journal_store.c - SQL for the journal (journal.h): entries, their lines and
 * the running balance of each account, all written together so that the
 * balances always equal the sum of the lines (ledger_reconcile checks it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"
#include "loan_int.h"
#include "permission.h"
#include "policy.h"
#include "store_sql.h"

cJSON *ledger_jlines_json(const ledger_jlines *lines)
{
    cJSON *array = cJSON_CreateArray();
    for (size_t i = 0; i < lines->count; i++) {
        if (lines->lines[i].amount == 0)
            continue;
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateString(lines->lines[i].account));
        cJSON_AddItemToArray(pair, core_json_int_item(lines->lines[i].amount));
        cJSON_AddItemToArray(array, pair);
    }
    return array;
}

ld_status ledger_journal_migrate(core_store *store, ld_error *err)
{
    return ledger_loan_migrate(store, err);
}

ld_status ledger_journal_post(core_store *store, ledger_posting *posting, ld_date date,
                              const char *kind, int64_t loan_id, const char *product,
                              const ledger_jlines *lines, ld_error *err)
{
    ld_money sum = 0;
    size_t nonzero = 0;
    for (size_t i = 0; i < lines->count; i++) {
        sum += lines->lines[i].amount;
        nonzero += lines->lines[i].amount != 0;
    }
    if (sum != 0)
        return LD_FAIL(err, LD_EINTERNAL, "journal entry %s does not balance (off by %lld fen)",
                       kind, (long long)sum);
    if (nonzero == 0)
        return LD_OK;
    static const char entry_sql[] =
        "INSERT INTO journal_entry (date, kind, loan_id, product) VALUES (?, ?, ?, ?)";
    static const char line_sql[] =
        "INSERT INTO journal_line (entry_id, line, account, amount) VALUES (?, ?, ?, ?)";
    static const char balance_sql[] =
        "INSERT INTO account_balance (account, balance) VALUES (?1, ?2) "
        "ON CONFLICT (account) DO UPDATE SET balance = balance + ?2";
    sqlite3_stmt *stmt = core_store_stmt(store, entry_sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, date);
    core_store_bind_text(stmt, 2, kind);
    if (loan_id > 0)
        sqlite3_bind_int64(stmt, 3, loan_id);
    core_store_bind_text(stmt, 4, product);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "posting a journal entry", err);
    int64_t entry_id = sqlite3_last_insert_rowid(core_store_db(store));
    int line_no = 0;
    for (size_t i = 0; i < lines->count; i++) {
        const ledger_jline *l = &lines->lines[i];
        if (l->amount == 0)
            continue;
        if ((stmt = core_store_stmt(store, line_sql, err)) == NULL)
            return LD_EINTERNAL;
        sqlite3_bind_int64(stmt, 1, entry_id);
        sqlite3_bind_int(stmt, 2, ++line_no);
        core_store_bind_text(stmt, 3, l->account);
        sqlite3_bind_int64(stmt, 4, l->amount);
        rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            return core_store_fail(store, "posting a journal line", err);
        if ((stmt = core_store_stmt(store, balance_sql, err)) == NULL)
            return LD_EINTERNAL;
        core_store_bind_text(stmt, 1, l->account);
        sqlite3_bind_int64(stmt, 2, l->amount);
        rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            return core_store_fail(store, "updating an account balance", err);
    }
    if (posting != NULL && posting->entries != NULL) {
        cJSON *json = cJSON_CreateObject();
        core_json_put_int(json, "id", entry_id);
        core_json_put_int(json, "date", date);
        cJSON_AddStringToObject(json, "kind", kind);
        cJSON_AddItemToObject(json, "lines", ledger_jlines_json(lines));
        cJSON_AddItemToArray(posting->entries, json);
    }
    return LD_OK;
}

ld_status ledger_journal_balance(core_store *store, const char *account, ld_money *out,
                                 ld_error *err)
{
    static const char sql[] = "SELECT balance FROM account_balance WHERE account = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, account);
    int rc = sqlite3_step(stmt);
    ld_money balance = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return core_store_fail(store, "reading an account balance", err);
    *out = balance;
    return LD_OK;
}

ld_status ledger_journal_provision_sync(core_store *store, ledger_posting *posting, ld_date date,
                                        ld_error *err)
{
    const core_policy_terms *policy;
    ld_status st = core_policy_terms_get(store, &policy, err);
    if (st != LD_OK)
        return st;
    ledger_jlines lines;
    memset(&lines, 0, sizeof lines);
    for (int c = 0; c < LEDGER_CATEGORY_COUNT; c++) {
        ld_money loans = 0, provision = 0;
        if ((st = ledger_journal_balance(store, ledger_acc_loans(c), &loans, err)) != LD_OK ||
            (st = ledger_journal_balance(store, ledger_acc_provision(c), &provision, err)) != LD_OK)
            return st;
        /* Provision per category = loans receivable x the policy's rate
         * (REGULATION.md: practice, so the rate lives in the policy file). */
        ld_money target = ld_round_div((__int128)loans * policy->provision_rate[c], LD_RATE_ONE);
        ld_money delta = target + provision; /* provision carries a credit balance */
        ledger_jlines_add(&lines, LEDGER_ACC_IMPAIRMENT, delta);
        ledger_jlines_add(&lines, ledger_acc_provision(c), -delta);
    }
    return ledger_journal_post(store, posting, date, "provision", 0, NULL, &lines, err);
}

ld_status ledger_trial_balance(core_store *store, const core_session *who, ld_date date,
                               cJSON **out, ld_error *err)
{
    ld_status st;
    /* Reading the ledger: the roles that verify it (reviewers, managers, auditors). */
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err)) != LD_OK)
        return st;
    if ((st = ledger_loan_migrate(store, err)) != LD_OK)
        return st;
    static const char sql[] =
        "SELECT l.account, sum(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END), "
        "sum(CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END) FROM journal_line l "
        "JOIN journal_entry e ON e.id = l.entry_id WHERE e.date <= ? GROUP BY l.account "
        "ORDER BY l.account";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, date);
    cJSON *result = cJSON_CreateObject();
    core_json_put_date(result, "date", date);
    cJSON *accounts = cJSON_AddArrayToObject(result, "accounts");
    ld_money total_debit = 0, total_credit = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *account = (const char *)sqlite3_column_text(stmt, 0);
        ld_money debit = sqlite3_column_int64(stmt, 1), credit = sqlite3_column_int64(stmt, 2);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "account", account);
        cJSON_AddStringToObject(row, "name", ledger_account_name(account));
        core_json_put_money(row, "debit", debit);
        core_json_put_money(row, "credit", credit);
        core_json_put_money(row, "balance", debit - credit);
        cJSON_AddItemToArray(accounts, row);
        total_debit += debit;
        total_credit += credit;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(result);
        return core_store_fail(store, "reading the journal", err);
    }
    core_json_put_money(result, "total_debit", total_debit);
    core_json_put_money(result, "total_credit", total_credit);
    cJSON_AddBoolToObject(result, "balanced", total_debit == total_credit);
    *out = result;
    return LD_OK;
}

ld_status ledger_reconcile(core_store *store, ld_error *err)
{
    ld_status st = ledger_loan_migrate(store, err);
    if (st != LD_OK)
        return st;
    /* 1. Stored balances equal the sum of the lines, and the lines balance. */
    static const char lines_sql[] =
        "SELECT coalesce(s.account, b.account), coalesce(s.total, 0), coalesce(b.balance, 0) "
        "FROM (SELECT account, sum(amount) AS total FROM journal_line GROUP BY account) s "
        "FULL OUTER JOIN account_balance b ON b.account = s.account";
    static const char total_sql[] = "SELECT coalesce(sum(amount), 0) FROM journal_line";
    sqlite3_stmt *stmt = core_store_stmt(store, lines_sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (sqlite3_column_int64(stmt, 1) != sqlite3_column_int64(stmt, 2)) {
            st = LD_FAIL(
                err, LD_EVERIFY, "account %s: balance %lld differs from its journal lines (%lld)",
                (const char *)sqlite3_column_text(stmt, 0),
                (long long)sqlite3_column_int64(stmt, 2), (long long)sqlite3_column_int64(stmt, 1));
            sqlite3_reset(stmt);
            return st;
        }
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading the journal", err);
    int64_t total = 0;
    if ((st = core_store_query_int(store, total_sql, 0, &total, err)) != LD_OK)
        return st;
    if (total != 0)
        return LD_FAIL(err, LD_EVERIFY, "journal: debits and credits differ by %lld fen",
                       (long long)total);
    /* 2. Sub-ledger equals control accounts. Settled and written-off loans
     * hold zero balances, so summing every loan is the same as summing the
     * active ones. */
    static const char sub_sql[] =
        "SELECT category, sum(principal), sum(accrued), sum(interest_due), sum(penalty), "
        "sum(compound), sum(fee_due) FROM loan GROUP BY category";
    if ((stmt = core_store_stmt(store, sub_sql, err)) == NULL)
        return LD_EINTERNAL;
    ld_money by_cat[LEDGER_CATEGORY_COUNT] = {0};
    ld_money sums[5] = {0};
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int c = sqlite3_column_int(stmt, 0);
        if (c >= 0 && c < LEDGER_CATEGORY_COUNT)
            by_cat[c] += sqlite3_column_int64(stmt, 1);
        for (int i = 0; i < 5; i++)
            sums[i] += sqlite3_column_int64(stmt, 2 + i);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "summing loans", err);
    const char *controls[5] = {LEDGER_ACC_INT_ACCRUED, LEDGER_ACC_INT_DUE, LEDGER_ACC_PENALTY_RCV,
                               LEDGER_ACC_COMPOUND_RCV, LEDGER_ACC_FEE_RCV};
    for (int c = 0; c < LEDGER_CATEGORY_COUNT; c++) {
        ld_money control = 0;
        if ((st = ledger_journal_balance(store, ledger_acc_loans(c), &control, err)) != LD_OK)
            return st;
        if (control != by_cat[c])
            return LD_FAIL(err, LD_EVERIFY,
                           "account %s: control %lld differs from the loans' principal %lld",
                           ledger_acc_loans(c), (long long)control, (long long)by_cat[c]);
    }
    for (int i = 0; i < 5; i++) {
        ld_money control = 0;
        if ((st = ledger_journal_balance(store, controls[i], &control, err)) != LD_OK)
            return st;
        if (control != sums[i])
            return LD_FAIL(err, LD_EVERIFY,
                           "account %s: control %lld differs from the loans' sub-ledger %lld",
                           controls[i], (long long)control, (long long)sums[i]);
    }
    /* 3. Provisions at the policy's rates. */
    const core_policy_terms *policy;
    if ((st = core_policy_terms_get(store, &policy, err)) != LD_OK)
        return st;
    for (int c = 0; c < LEDGER_CATEGORY_COUNT; c++) {
        ld_money provision = 0;
        if ((st = ledger_journal_balance(store, ledger_acc_provision(c), &provision, err)) != LD_OK)
            return st;
        ld_money target =
            ld_round_div((__int128)by_cat[c] * policy->provision_rate[c], LD_RATE_ONE);
        if (-provision != target)
            return LD_FAIL(err, LD_EVERIFY, "account %s: provision %lld, policy says %lld",
                           ledger_acc_provision(c), (long long)-provision, (long long)target);
    }
    return LD_OK;
}
