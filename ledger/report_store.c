/*
 * report_store.c - the read-only SQL behind the workbooks of reports/: loans
 * with their borrower, officer and grade, journal lines, the log's anchor and
 * its report.signed entries, rating dates, and the loans' history as the log
 * records it (inspection.h). Nothing here writes.
 *
 * The loan, journal and history iterators step one prepared statement, so a
 * workbook over a million loans holds one row at a time. They use their own
 * statements (not the store's cache) because a workbook reads loans and
 * journal lines while other cached statements run. The history is parsed
 * from the canonical JSON bodies of the log's loan.* entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "inspection.h"
#include "loan_int.h"
#include "log.h"
#include "merkle.h"
#include "store_sql.h"

struct ledger_report_iter {
    core_store *store;
    sqlite3_stmt *stmt;
};

void ledger_report_iter_free(ledger_report_iter *iter)
{
    if (iter == NULL)
        return;
    sqlite3_finalize(iter->stmt);
    free(iter);
}

static ld_status iter_prepare(core_store *store, const char *sql, ledger_report_iter **out,
                              ld_error *err)
{
    ld_status st = ledger_loan_migrate(store, err);
    if (st != LD_OK)
        return st;
    if ((st = ledger_inspection_migrate(store, err)) != LD_OK)
        return st;
    ledger_report_iter *it = calloc(1, sizeof *it);
    if (it == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    it->store = store;
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &it->stmt, NULL) != SQLITE_OK) {
        free(it);
        return core_store_fail(store, "preparing a report query", err);
    }
    *out = it;
    return LD_OK;
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *stmt, int col)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    snprintf(dst, size, "%s", text != NULL ? (const char *)text : "");
}

ld_status ledger_report_loans_open(core_store *store, ld_date from, ld_date to,
                                   ledger_report_iter **out, ld_error *err)
{
    /* The effective grade is the latest override of the latest rating, else
     * the model's grade; synthetic loans have neither application nor rating. */
    static const char sql[] =
        "SELECT l.id, COALESCE(l.application_id, 0), l.borrower_id, l.officer_id, l.contract_no,"
        " COALESCE(b.name, ''), COALESCE(b.kind, ''), COALESCE(b.industry, ''),"
        " COALESCE(u.username, ''), l.product,"
        " COALESCE((SELECT COALESCE((SELECT o.grade FROM rating_override o"
        "   WHERE o.rating_id = r.id ORDER BY o.id DESC LIMIT 1), r.grade)"
        "   FROM rating r WHERE r.application_id = l.application_id ORDER BY r.id DESC LIMIT 1),"
        "  ''),"
        " l.amount, l.rate, l.disbursed_on, l.closed_on, l.accrued_through, l.next_due,"
        " l.next_inspection, l.status, l.category, l.dpd, l.principal, l.principal_due,"
        " l.interest_due, l.fee_due, l.accrued, l.penalty, l.compound"
        " FROM loan l LEFT JOIN borrower b ON b.id = l.borrower_id"
        " LEFT JOIN app_user u ON u.id = l.officer_id"
        " WHERE l.disbursed_on <= ?1 AND (l.closed_on = ?3 OR l.closed_on >= ?2)"
        " ORDER BY l.id";
    ledger_report_iter *it = NULL;
    ld_status st = iter_prepare(store, sql, &it, err);
    if (st != LD_OK)
        return st;
    sqlite3_bind_int64(it->stmt, 1, to == LEDGER_NO_DATE ? INT32_MAX : to);
    sqlite3_bind_int64(it->stmt, 2, from == LEDGER_NO_DATE ? INT32_MIN : from);
    sqlite3_bind_int64(it->stmt, 3, LEDGER_NO_DATE);
    *out = it;
    return LD_OK;
}

ld_status ledger_report_loans_next(ledger_report_iter *iter, bool *has_row, ledger_report_loan *out,
                                   ld_error *err)
{
    sqlite3_stmt *s = iter->stmt;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        *has_row = false;
        return LD_OK;
    }
    if (rc != SQLITE_ROW)
        return core_store_fail(iter->store, "reading loans", err);
    ledger_report_loan *l = out;
    int c = 0;
    l->id = sqlite3_column_int64(s, c++);
    l->application_id = sqlite3_column_int64(s, c++);
    l->borrower_id = sqlite3_column_int64(s, c++);
    l->officer_id = sqlite3_column_int64(s, c++);
    copy_text(l->contract_no, sizeof l->contract_no, s, c++);
    copy_text(l->borrower_name, sizeof l->borrower_name, s, c++);
    copy_text(l->borrower_kind, sizeof l->borrower_kind, s, c++);
    copy_text(l->industry, sizeof l->industry, s, c++);
    copy_text(l->officer, sizeof l->officer, s, c++);
    copy_text(l->product, sizeof l->product, s, c++);
    copy_text(l->grade, sizeof l->grade, s, c++);
    l->amount = sqlite3_column_int64(s, c++);
    l->rate = sqlite3_column_int64(s, c++);
    l->disbursed_on = (ld_date)sqlite3_column_int64(s, c++);
    l->closed_on = (ld_date)sqlite3_column_int64(s, c++);
    l->accrued_through = (ld_date)sqlite3_column_int64(s, c++);
    l->next_due = (ld_date)sqlite3_column_int64(s, c++);
    l->next_inspection = (ld_date)sqlite3_column_int64(s, c++);
    l->status = sqlite3_column_int(s, c++);
    l->category = sqlite3_column_int(s, c++);
    l->dpd = sqlite3_column_int64(s, c++);
    l->principal = sqlite3_column_int64(s, c++);
    l->principal_due = sqlite3_column_int64(s, c++);
    l->interest_due = sqlite3_column_int64(s, c++);
    l->fee_due = sqlite3_column_int64(s, c++);
    l->accrued = sqlite3_column_int64(s, c++);
    l->penalty = sqlite3_column_int64(s, c++);
    l->compound = sqlite3_column_int64(s, c++);
    *has_row = true;
    return LD_OK;
}

ld_status ledger_report_journal_open(core_store *store, ld_date from, ld_date to,
                                     ledger_report_iter **out, ld_error *err)
{
    static const char sql[] =
        "SELECT e.id, jl.line, e.date, e.kind, COALESCE(e.loan_id, 0), COALESCE(e.product, ''),"
        " jl.account, jl.amount FROM journal_entry e JOIN journal_line jl ON jl.entry_id = e.id"
        " WHERE e.date BETWEEN ?1 AND ?2 ORDER BY e.id, jl.line";
    ledger_report_iter *it = NULL;
    ld_status st = iter_prepare(store, sql, &it, err);
    if (st != LD_OK)
        return st;
    sqlite3_bind_int64(it->stmt, 1, from == LEDGER_NO_DATE ? INT32_MIN : from);
    sqlite3_bind_int64(it->stmt, 2, to == LEDGER_NO_DATE ? INT32_MAX : to);
    *out = it;
    return LD_OK;
}

ld_status ledger_report_journal_next(ledger_report_iter *iter, bool *has_row,
                                     ledger_report_jline *out, ld_error *err)
{
    sqlite3_stmt *s = iter->stmt;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        *has_row = false;
        return LD_OK;
    }
    if (rc != SQLITE_ROW)
        return core_store_fail(iter->store, "reading the journal", err);
    out->entry_id = sqlite3_column_int64(s, 0);
    out->line = sqlite3_column_int(s, 1);
    out->date = (ld_date)sqlite3_column_int64(s, 2);
    copy_text(out->kind, sizeof out->kind, s, 3);
    out->loan_id = sqlite3_column_int64(s, 4);
    copy_text(out->product, sizeof out->product, s, 5);
    copy_text(out->account, sizeof out->account, s, 6);
    out->amount = sqlite3_column_int64(s, 7);
    *has_row = true;
    return LD_OK;
}

ld_status ledger_report_anchor(core_store *store, uint64_t *size_out, char root_hex[65],
                               ld_error *err)
{
    ledger_log *log = NULL;
    ld_status st = ledger_log_open(core_store_db(store), &log, err);
    uint64_t size = 0;
    ledger_hash root;
    if (st == LD_OK)
        st = ledger_log_size(log, &size, err);
    if (st == LD_OK)
        st = ledger_log_root(log, size, &root, err);
    ledger_log_close(log);
    if (st != LD_OK)
        return st;
    ledger_hash_to_hex(&root, root_hex);
    *size_out = size;
    return LD_OK;
}

static void json_copy(char *dst, size_t size, const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    snprintf(dst, size, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static int64_t json_int(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* Reads a report.signed entry's fields; false when body is not one or does
 * not satisfy match (sha256 or anchor and fingerprint). */
bool ledger_report_signed_match(const void *body, size_t len, const char *sha256_hex,
                                int64_t anchor, const char *fingerprint, ledger_report_signed *out)
{
    cJSON *entry = cJSON_ParseWithLength(body, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "type");
    const cJSON *sha = cJSON_GetObjectItemCaseSensitive(entry, "sha256");
    const cJSON *fp = cJSON_GetObjectItemCaseSensitive(entry, "fingerprint");
    bool ok = cJSON_IsString(type) && strcmp(type->valuestring, "report.signed") == 0;
    if (ok && sha256_hex != NULL)
        ok = cJSON_IsString(sha) && strcmp(sha->valuestring, sha256_hex) == 0;
    if (ok && fingerprint != NULL)
        ok = json_int(entry, "anchor_size") == anchor && cJSON_IsString(fp) &&
             strcmp(fp->valuestring, fingerprint) == 0;
    if (ok) {
        memset(out, 0, sizeof *out);
        out->time = json_int(entry, "time");
        json_copy(out->kind, sizeof out->kind, entry, "kind");
        json_copy(out->signer, sizeof out->signer, entry, "signer");
        json_copy(out->fingerprint, sizeof out->fingerprint, entry, "fingerprint");
        json_copy(out->sheets, sizeof out->sheets, entry, "sheets");
        out->anchor_size = (uint64_t)json_int(entry, "anchor_size");
    }
    cJSON_Delete(entry);
    return ok;
}

static ld_status find_signed(core_store *store, const char *needle, const char *sha256_hex,
                             int64_t anchor, const char *fingerprint, ledger_report_signed *out,
                             ld_error *err)
{
    /* The needle (the quoted hash, or the fingerprint) narrows the scan; the
     * body is parsed to make sure. */
    static const char sql[] = "SELECT seq, body, leaf_hash FROM ledger_entry"
                              " WHERE instr(body, ?1) > 0 ORDER BY seq";
    ledger_log *log = NULL;
    ld_status st = ledger_log_open(core_store_db(store), &log, err);
    ledger_log_close(log);
    if (st != LD_OK)
        return st;
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_blob(stmt, 1, needle, (int)strlen(needle), SQLITE_TRANSIENT);
    ledger_report_signed found;
    memset(&found, 0, sizeof found);
    bool any = false;
    int rc;
    while (!any && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const void *body = sqlite3_column_blob(stmt, 1);
        int len = sqlite3_column_bytes(stmt, 1);
        if (ledger_report_signed_match(body, (size_t)len, sha256_hex, anchor, fingerprint,
                                       &found)) {
            any = true;
            found.seq = (uint64_t)sqlite3_column_int64(stmt, 0);
            ledger_hash leaf;
            found.leaf_ok = ledger_hash_leaf(body, (size_t)len, &leaf, NULL) == LD_OK &&
                            sqlite3_column_bytes(stmt, 2) == LEDGER_HASH_SIZE &&
                            memcmp(sqlite3_column_blob(stmt, 2), leaf.bytes, LEDGER_HASH_SIZE) == 0;
        }
    }
    sqlite3_reset(stmt);
    if (!any)
        return LD_FAIL(err, LD_ENOTFOUND, "no report.signed entry in the ledger for %s", needle);
    static const char csql[] =
        "SELECT size, time FROM ledger_checkpoint WHERE size > ?1 ORDER BY id LIMIT 1";
    if ((stmt = core_store_stmt(store, csql, err)) == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, (int64_t)found.seq);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        found.checkpoint_size = (uint64_t)sqlite3_column_int64(stmt, 0);
        found.checkpoint_time = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_reset(stmt);
    *out = found;
    return LD_OK;
}

ld_status ledger_report_find_signed(core_store *store, const char *sha256_hex,
                                    ledger_report_signed *out, ld_error *err)
{
    char needle[80];
    snprintf(needle, sizeof needle, "\"%s\"", sha256_hex);
    return find_signed(store, needle, sha256_hex, 0, NULL, out, err);
}

ld_status ledger_report_find_signed_anchor(core_store *store, uint64_t anchor_size,
                                           const char *fingerprint, ledger_report_signed *out,
                                           ld_error *err)
{
    char needle[80];
    snprintf(needle, sizeof needle, "\"%.64s\"", fingerprint);
    return find_signed(store, needle, NULL, (int64_t)anchor_size, fingerprint, out, err);
}

ld_status ledger_report_rating_date(core_store *store, int64_t app_id, ld_date *out, ld_error *err)
{
    static const char sql[] =
        "SELECT substr(rated_at, 1, 10) FROM rating WHERE application_id = ?1 ORDER BY id DESC"
        " LIMIT 1";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, app_id);
    char day[16] = "";
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        copy_text(day, sizeof day, stmt, 0);
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return LD_FAIL(err, LD_ENOTFOUND, "application %lld: not rated", (long long)app_id);
    return ld_date_parse("rated_at", day, out, err);
}

ld_status ledger_report_last_cob(core_store *store, ld_date *out, ld_error *err)
{
    ld_status st = ledger_loan_migrate(store, err);
    return st == LD_OK ? ledger_cob_last(store, out, err) : st;
}

/* The loan events whose state the workbooks replay. A loan.category entry
 * (close of business) names only the new category; the others carry the
 * loan's whole state after them ("after", in ledger_state_values order). */
static const char *const history_types[] = {"loan.disburse",     "loan.category", "loan.classify",
                                            "loan.repay",        "loan.settle",   "loan.write_off",
                                            "loan.repay_reverse"};

enum { STATE_STATUS = 1, STATE_PRINCIPAL = 3, STATE_CATEGORY = 18 };

static ld_status history_fail(ld_error *err, uint64_t seq, const char *what)
{
    return LD_FAIL(err, LD_EVERIFY, "ledger entry %llu: %s", (unsigned long long)seq, what);
}

/* Fills *out from one parsed entry of a history type. */
static ld_status history_event(const cJSON *entry, uint64_t seq, const char *type,
                               ledger_report_event *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    out->seq = seq;
    out->disburse = strcmp(type, "loan.disburse") == 0;
    const cJSON *loan = cJSON_GetObjectItemCaseSensitive(entry, "loan");
    if (!cJSON_IsNumber(loan) || loan->valuedouble < 1)
        return history_fail(err, seq, "loan: missing");
    out->loan_id = (int64_t)loan->valuedouble;
    /* A payment's state after it is that of the day it was booked, which
     * is later than its value date when it was backdated. */
    const cJSON *day = cJSON_GetObjectItemCaseSensitive(entry, "booked_on");
    if (!cJSON_IsString(day))
        day = cJSON_GetObjectItemCaseSensitive(entry, "date");
    if (!cJSON_IsString(day) || ld_date_parse("date", day->valuestring, &out->date, NULL) != LD_OK)
        return history_fail(err, seq, "date: missing or malformed");
    if (strcmp(type, "loan.category") == 0) {
        const cJSON *to = cJSON_GetObjectItemCaseSensitive(entry, "to");
        ledger_category category;
        if (!cJSON_IsString(to) ||
            ledger_category_parse("to", to->valuestring, &category, NULL) != LD_OK)
            return history_fail(err, seq, "to: not a category");
        out->category = (int)category;
        out->status = -1;
        out->principal = -1;
        return LD_OK;
    }
    const cJSON *after = cJSON_GetObjectItemCaseSensitive(entry, "after");
    const cJSON *status = cJSON_GetArrayItem(after, STATE_STATUS);
    const cJSON *principal = cJSON_GetArrayItem(after, STATE_PRINCIPAL);
    const cJSON *category = cJSON_GetArrayItem(after, STATE_CATEGORY);
    if (!cJSON_IsArray(after) || cJSON_GetArraySize(after) != LEDGER_STATE_FIELDS ||
        !cJSON_IsNumber(status) || !cJSON_IsNumber(principal) || !cJSON_IsNumber(category) ||
        category->valuedouble < 0 || category->valuedouble >= LEDGER_CATEGORY_COUNT)
        return history_fail(err, seq, "after: not a loan state");
    out->status = (int)status->valuedouble;
    out->principal = (ld_money)principal->valuedouble;
    out->category = (int)category->valuedouble;
    if (out->disburse) {
        const cJSON *amount = cJSON_GetObjectItemCaseSensitive(entry, "amount");
        if (!cJSON_IsNumber(amount))
            return history_fail(err, seq, "amount: missing");
        out->amount = (ld_money)amount->valuedouble;
    }
    return LD_OK;
}

ld_status ledger_report_history_open(core_store *store, ledger_report_iter **out, ld_error *err)
{
    /* A scan of the whole log; the text match only skips entries that are
     * surely of other types, the parsed "type" decides. */
    static const char sql[] = "SELECT seq, body FROM ledger_entry"
                              " WHERE instr(body, '\"type\":\"loan.') > 0 ORDER BY seq";
    ledger_log *log = NULL;
    ld_status st = ledger_log_open(core_store_db(store), &log, err);
    ledger_log_close(log); /* it created the log's tables if absent */
    if (st != LD_OK)
        return st;
    return iter_prepare(store, sql, out, err);
}

ld_status ledger_report_history_next(ledger_report_iter *iter, bool *has_row,
                                     ledger_report_event *out, ld_error *err)
{
    sqlite3_stmt *s = iter->stmt;
    for (;;) {
        int rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) {
            *has_row = false;
            return LD_OK;
        }
        if (rc != SQLITE_ROW)
            return core_store_fail(iter->store, "reading the log", err);
        uint64_t seq = (uint64_t)sqlite3_column_int64(s, 0);
        const void *body = sqlite3_column_blob(s, 1);
        int len = sqlite3_column_bytes(s, 1);
        cJSON *entry = cJSON_ParseWithLength(body, (size_t)len);
        if (entry == NULL)
            return history_fail(err, seq, "not JSON");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "type");
        const char *wanted = NULL;
        for (size_t i = 0; cJSON_IsString(type) && wanted == NULL &&
                           i < sizeof history_types / sizeof history_types[0];
             i++)
            if (strcmp(type->valuestring, history_types[i]) == 0)
                wanted = history_types[i];
        ld_status st = LD_OK;
        if (wanted != NULL)
            st = history_event(entry, seq, wanted, out, err);
        cJSON_Delete(entry);
        if (st != LD_OK)
            return st;
        if (wanted != NULL) {
            *has_row = true;
            return LD_OK;
        }
    }
}
