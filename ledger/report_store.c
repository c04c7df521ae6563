/*
 * report_store.c - the read-only SQL behind the workbooks of reports/: loans
 * with their borrower, officer and grade, journal lines, the log's anchor and
 * its report.signed entries, rating dates and category snapshots
 * (inspection.h). Only the snapshot table is written, and only by
 * ledger_report_snapshot_save.
 *
 * The loan and journal iterators step one prepared statement, so a workbook
 * over a million loans holds one row at a time. They use their own statements
 * (not the store's cache) because a workbook reads loans and journal lines
 * while other cached statements run.
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

ld_status ledger_report_find_signed(core_store *store, const char *sha256_hex,
                                    ledger_report_signed *out, ld_error *err)
{
    /* The hash is 64 hex digits, so matching its quoted form cannot hit
     * another field by accident; the body is parsed to make sure. */
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
    char needle[80];
    snprintf(needle, sizeof needle, "\"%s\"", sha256_hex);
    sqlite3_bind_blob(stmt, 1, needle, (int)strlen(needle), SQLITE_TRANSIENT);
    ledger_report_signed found;
    memset(&found, 0, sizeof found);
    bool any = false;
    int rc;
    while (!any && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const void *body = sqlite3_column_blob(stmt, 1);
        int len = sqlite3_column_bytes(stmt, 1);
        cJSON *entry = cJSON_ParseWithLength(body, (size_t)len);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "type");
        const cJSON *sha = cJSON_GetObjectItemCaseSensitive(entry, "sha256");
        if (cJSON_IsString(type) && strcmp(type->valuestring, "report.signed") == 0 &&
            cJSON_IsString(sha) && strcmp(sha->valuestring, sha256_hex) == 0) {
            any = true;
            found.seq = (uint64_t)sqlite3_column_int64(stmt, 0);
            found.time = json_int(entry, "time");
            json_copy(found.kind, sizeof found.kind, entry, "kind");
            json_copy(found.signer, sizeof found.signer, entry, "signer");
            json_copy(found.fingerprint, sizeof found.fingerprint, entry, "fingerprint");
            found.anchor_size = (uint64_t)json_int(entry, "anchor_size");
            ledger_hash leaf;
            found.leaf_ok = ledger_hash_leaf(body, (size_t)len, &leaf, NULL) == LD_OK &&
                            sqlite3_column_bytes(stmt, 2) == LEDGER_HASH_SIZE &&
                            memcmp(sqlite3_column_blob(stmt, 2), leaf.bytes, LEDGER_HASH_SIZE) == 0;
        }
        cJSON_Delete(entry);
    }
    sqlite3_reset(stmt);
    if (!any)
        return LD_FAIL(err, LD_ENOTFOUND, "no report.signed entry in the ledger for %s",
                       sha256_hex);
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

ld_status ledger_report_snapshot_save(core_store *store, ld_date date, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st == LD_OK)
        st = ledger_loan_migrate(store, err);
    if (st == LD_OK)
        st = ledger_inspection_migrate(store, err);
    if (st != LD_OK)
        return st;
    static const char del[] = "DELETE FROM report_snapshot WHERE as_of = ?1";
    static const char ins[] = "INSERT INTO report_snapshot (as_of, loan_id, category, principal)"
                              " SELECT ?1, id, category, principal FROM loan WHERE status = 0";
    const char *const sqls[] = {del, ins};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *stmt = core_store_stmt(store, sqls[i], err);
        if (stmt == NULL)
            return LD_EINTERNAL;
        sqlite3_bind_int64(stmt, 1, date);
        int rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            return core_store_fail(store, "saving a category snapshot", err);
    }
    return LD_OK;
}

ld_status ledger_report_snapshot_before(core_store *store, ld_date date, ld_date *out,
                                        ld_error *err)
{
    ld_status st = ledger_inspection_migrate(store, err);
    if (st != LD_OK)
        return st;
    static const char sql[] = "SELECT max(as_of) FROM report_snapshot WHERE as_of <= ?1";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, date);
    int rc = sqlite3_step(stmt);
    bool found = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL;
    ld_date d = found ? (ld_date)sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (!found)
        return LD_FAIL(err, LD_ENOTFOUND, "no category snapshot on or before that date");
    *out = d;
    return LD_OK;
}

ld_status ledger_report_migration(core_store *store, ld_date from, int64_t counts[5][5],
                                  ld_money principal[5][5], ld_error *err)
{
    /* A loan settled or written off since the snapshot keeps its last
     * category; a written-off loan counts as 损失. */
    static const char sql[] =
        "SELECT s.category, CASE WHEN l.status = 2 THEN 4 ELSE l.category END, count(*),"
        " sum(s.principal) FROM report_snapshot s JOIN loan l ON l.id = s.loan_id"
        " WHERE s.as_of = ?1 GROUP BY 1, 2";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, from);
    memset(counts, 0, sizeof(int64_t[5][5]));
    memset(principal, 0, sizeof(ld_money[5][5]));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int a = sqlite3_column_int(stmt, 0), b = sqlite3_column_int(stmt, 1);
        if (a < 0 || a > 4 || b < 0 || b > 4)
            continue;
        counts[a][b] = sqlite3_column_int64(stmt, 2);
        principal[a][b] = sqlite3_column_int64(stmt, 3);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading category migration", err);
    return LD_OK;
}
