/*
 * verify_store.c - checkpoints, verification, export and proofs
 * (ledger_verify.h). Reads the log through log.h and the loan and journal
 * tables directly; the replay keeps one small record per journal entry and per
 * loan, indexed by id, so verifying is linear in the log and the loan book.
 */
#include "ledger_verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "canonical_json.h"
#include "digest.h"
#include "json_in.h"
#include "keystore.h"
#include "ledger_events.h"
#include "loan_int.h"
#include "log.h"
#include "permission.h"
#include "pki.h"
#include "private_file.h"
#include "rows.h"
#include "store_sql.h"

/* ---- Replay ------------------------------------------------------------------ */

typedef struct journal_seen {
    uint64_t seq; /* log entry + 1; 0 when the log never recorded this id */
    cJSON *lines;
} journal_seen;

typedef struct loan_seen {
    uint64_t epoch;     /* close-of-business count when last touched, + 1 */
    uint64_t first_seq; /* the first entry since that close */
    cJSON *before;      /* its "before" (NULL: the loan is new since) */
    uint64_t last_seq;
    cJSON *after;
} loan_seen;

typedef struct replay {
    journal_seen *journal;
    size_t journal_cap;
    loan_seen *loans;
    size_t loans_cap;
    uint64_t cobs;
    uint64_t cob_seq;
    char cob_digest[LEDGER_HASH_HEX];
} replay;

static bool grow(void **array, size_t *cap, size_t need, size_t size)
{
    if (need < *cap)
        return true;
    size_t cap2 = *cap ? *cap : 1024;
    while (cap2 <= need)
        cap2 *= 2;
    void *grown = realloc(*array, cap2 * size);
    if (grown == NULL)
        return false;
    memset((char *)grown + *cap * size, 0, (cap2 - *cap) * size);
    *array = grown;
    *cap = cap2;
    return true;
}

static void replay_free(replay *r)
{
    for (size_t i = 0; i < r->journal_cap; i++)
        cJSON_Delete(r->journal[i].lines);
    for (size_t i = 0; i < r->loans_cap; i++) {
        cJSON_Delete(r->loans[i].before);
        cJSON_Delete(r->loans[i].after);
    }
    free(r->journal);
    free(r->loans);
}

static int64_t json_int(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(item) ? (int64_t)item->valuedouble : -1;
}

static bool journal_balances(const cJSON *lines)
{
    return ledger_journal_lines_balance(lines);
}

static ld_status replay_entry(replay *r, uint64_t seq, const cJSON *e, ld_error *err)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
    const cJSON *journal = cJSON_GetObjectItemCaseSensitive(e, "journal");
    const cJSON *item;
    cJSON_ArrayForEach(item, journal)
    {
        int64_t id = json_int(item, "id");
        const cJSON *lines = cJSON_GetObjectItemCaseSensitive(item, "lines");
        if (id <= 0 || !cJSON_IsArray(lines))
            return LD_FAIL(err, LD_EVERIFY, "log entry %llu: malformed journal",
                           (unsigned long long)seq);
        if (!grow((void **)&r->journal, &r->journal_cap, (size_t)id, sizeof *r->journal))
            return LD_FAIL(err, LD_EINTERNAL, "out of memory replaying the log");
        if (r->journal[id].seq != 0)
            return LD_FAIL(err, LD_EVERIFY, "log entry %llu: journal entry %lld recorded twice",
                           (unsigned long long)seq, (long long)id);
        if (!journal_balances(lines))
            return LD_FAIL(err, LD_EVERIFY, "log entry %llu: journal entry %lld does not balance",
                           (unsigned long long)seq, (long long)id);
        r->journal[id].seq = seq + 1;
        r->journal[id].lines = cJSON_Duplicate(lines, 1);
    }
    if (cJSON_IsString(type) && strcmp(type->valuestring, "cob") == 0) {
        /* Older closes carry the digest of the loans' states; newer ones the
         * book digest of whole rows, which rows_store.c checks. */
        const cJSON *digest = cJSON_GetObjectItemCaseSensitive(e, "state_digest");
        const cJSON *book = cJSON_GetObjectItemCaseSensitive(e, "book_digest");
        if (cJSON_IsString(digest) && strlen(digest->valuestring) == LEDGER_HASH_HEX - 1)
            memcpy(r->cob_digest, digest->valuestring, LEDGER_HASH_HEX);
        else if (cJSON_IsString(book))
            r->cob_digest[0] = '\0';
        else
            return LD_FAIL(err, LD_EVERIFY, "log entry %llu: close of business without a digest",
                           (unsigned long long)seq);
        r->cobs++;
        r->cob_seq = seq;
        return LD_OK;
    }
    const cJSON *after = cJSON_GetObjectItemCaseSensitive(e, "after");
    if (!cJSON_IsArray(after))
        return LD_OK;
    int64_t loan = json_int(e, "loan");
    if (loan <= 0)
        return LD_FAIL(err, LD_EVERIFY, "log entry %llu: loan state without a loan",
                       (unsigned long long)seq);
    if (!grow((void **)&r->loans, &r->loans_cap, (size_t)loan, sizeof *r->loans))
        return LD_FAIL(err, LD_EINTERNAL, "out of memory replaying the log");
    loan_seen *l = &r->loans[loan];
    const cJSON *before = cJSON_GetObjectItemCaseSensitive(e, "before");
    if (l->epoch != r->cobs + 1) {
        /* First entry about this loan since the last close of business. */
        cJSON_Delete(l->before);
        l->before = cJSON_IsArray(before) ? cJSON_Duplicate(before, 1) : NULL;
        l->first_seq = seq;
        l->epoch = r->cobs + 1;
    } else if (!cJSON_IsArray(before) || !cJSON_Compare(before, l->after, 1)) {
        return LD_FAIL(err, LD_EVERIFY,
                       "log entry %llu: loan %lld's state before it is not the state entry %llu "
                       "left",
                       (unsigned long long)seq, (long long)loan, (unsigned long long)l->last_seq);
    }
    cJSON_Delete(l->after);
    l->after = cJSON_Duplicate(after, 1);
    l->last_seq = seq;
    return LD_OK;
}

static bool values_equal(const cJSON *array, const int64_t v[LEDGER_STATE_FIELDS])
{
    if (cJSON_GetArraySize(array) != LEDGER_STATE_FIELDS)
        return false;
    for (int i = 0; i < LEDGER_STATE_FIELDS; i++) {
        const cJSON *item = cJSON_GetArrayItem(array, i);
        if (!cJSON_IsNumber(item) || (int64_t)item->valuedouble != v[i])
            return false;
    }
    return true;
}

static ld_status check_journal(core_store *store, replay *r, uint64_t *count, ld_error *err)
{
    static const char sql[] =
        "SELECT e.id, l.account, l.amount FROM journal_entry e LEFT JOIN journal_line l "
        "ON l.entry_id = e.id ORDER BY e.id, l.line";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    ld_status st = LD_OK;
    int rc;
    int64_t current = 0;
    cJSON *lines = NULL;
    uint64_t entries = 0;
    /* Compares the lines gathered for one database entry with the log's. */
#define FLUSH()                                                                                    \
    do {                                                                                           \
        if (current > 0) {                                                                         \
            entries++;                                                                             \
            if ((size_t)current >= r->journal_cap || r->journal[current].seq == 0)                 \
                st = LD_FAIL(err, LD_EVERIFY,                                                      \
                             "journal entry %lld: not recorded in the log (inserted)",             \
                             (long long)current);                                                  \
            else if (!cJSON_Compare(lines, r->journal[current].lines, 1))                          \
                st = LD_FAIL(err, LD_EVERIFY, "journal entry %lld differs from log entry %llu",    \
                             (long long)current,                                                   \
                             (unsigned long long)(r->journal[current].seq - 1));                   \
            else                                                                                   \
                r->journal[current].seq = 0; /* matched */                                         \
        }                                                                                          \
        cJSON_Delete(lines);                                                                       \
        lines = NULL;                                                                              \
    } while (0)
    while (st == LD_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(stmt, 0);
        if (id != current) {
            FLUSH();
            if (st != LD_OK)
                break;
            current = id;
            lines = cJSON_CreateArray();
        }
        if (sqlite3_column_type(stmt, 1) != SQLITE_NULL) {
            cJSON *pair = cJSON_CreateArray();
            cJSON_AddItemToArray(pair,
                                 cJSON_CreateString((const char *)sqlite3_column_text(stmt, 1)));
            cJSON_AddItemToArray(pair, core_json_int_item(sqlite3_column_int64(stmt, 2)));
            cJSON_AddItemToArray(lines, pair);
        }
    }
    if (st == LD_OK)
        FLUSH();
#undef FLUSH
    cJSON_Delete(lines);
    sqlite3_reset(stmt);
    if (st != LD_OK)
        return st;
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading the journal", err);
    for (size_t id = 0; id < r->journal_cap; id++)
        if (r->journal[id].seq != 0)
            return LD_FAIL(err, LD_EVERIFY,
                           "journal entry %zu recorded by log entry %llu is missing", id,
                           (unsigned long long)(r->journal[id].seq - 1));
    *count = entries;
    return LD_OK;
}

#define LOAN_STATE_SQL                                                                             \
    "SELECT id, status, accrued_through, principal, principal_due, interest_due, fee_due, "        \
    "accrued, penalty, compound, penalty_daily, compound_daily, next_number, next_due, "           \
    "oldest_unpaid_due, dpd, floor, manual, category, next_inspection FROM loan ORDER BY id"

static ld_status check_loans(core_store *store, replay *r, uint64_t *count, ld_error *err)
{
    static const char sql[] = LOAN_STATE_SQL;
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    ledger_state_digest *digest = NULL;
    ld_status st = ledger_state_digest_new(&digest, err);
    if (st != LD_OK) {
        sqlite3_reset(stmt);
        return st;
    }
    uint64_t loans = 0;
    int rc;
    int64_t previous = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t v[LEDGER_STATE_FIELDS];
        for (int i = 0; i < LEDGER_STATE_FIELDS; i++)
            v[i] = sqlite3_column_int64(stmt, i);
        int64_t id = v[0];
        loans++;
        /* Loans deleted from the table show as gaps the log knows about. */
        for (int64_t gap = previous + 1; gap < id; gap++)
            if ((size_t)gap < r->loans_cap && r->loans[gap].epoch != 0)
                st = LD_FAIL(err, LD_EVERIFY, "loan %lld recorded by log entry %llu is missing",
                             (long long)gap, (unsigned long long)r->loans[gap].last_seq);
        previous = id;
        if (st != LD_OK)
            break;
        loan_seen *l = (size_t)id < r->loans_cap ? &r->loans[id] : NULL;
        bool since_cob = l != NULL && l->epoch == r->cobs + 1;
        if (since_cob) {
            if (!values_equal(l->after, v)) {
                st = LD_FAIL(err, LD_EVERIFY, "loan %lld: balances differ from log entry %llu",
                             (long long)id, (unsigned long long)l->last_seq);
                break;
            }
            l->epoch = UINT64_MAX; /* checked */
            if (l->before != NULL && r->cobs > 0 && r->cob_digest[0] != '\0') {
                int64_t b[LEDGER_STATE_FIELDS];
                for (int i = 0; i < LEDGER_STATE_FIELDS; i++)
                    b[i] = (int64_t)cJSON_GetArrayItem(l->before, i)->valuedouble;
                st = ledger_state_digest_add_values(digest, b, err);
            }
        } else if (r->cobs == 0) {
            st = LD_FAIL(err, LD_EVERIFY, "loan %lld: not recorded in the log (inserted)",
                         (long long)id);
            break;
        } else if (r->cob_digest[0] != '\0') {
            st = ledger_state_digest_add_values(digest, v, err);
        }
        if (st != LD_OK)
            break;
    }
    sqlite3_reset(stmt);
    if (st == LD_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        st = core_store_fail(store, "reading loans", err);
    for (size_t id = 0; st == LD_OK && id < r->loans_cap; id++)
        if (r->loans[id].epoch == r->cobs + 1)
            st = LD_FAIL(err, LD_EVERIFY, "loan %zu recorded by log entry %llu is missing", id,
                         (unsigned long long)r->loans[id].last_seq);
    if (st == LD_OK && r->cobs > 0 && r->cob_digest[0] != '\0') {
        ledger_hash root;
        char hex[LEDGER_HASH_HEX];
        if ((st = ledger_state_digest_finish(digest, &root, err)) == LD_OK &&
            strcmp(ledger_hash_to_hex(&root, hex), r->cob_digest) != 0)
            st = LD_FAIL(err, LD_EVERIFY,
                         "loan balances differ from the state digest of log entry %llu (close "
                         "of business)",
                         (unsigned long long)r->cob_seq);
    }
    ledger_state_digest_free(digest);
    if (st != LD_OK)
        return st;
    /* Each active loan's installments add up to its balances. */
    static const char inst_sql[] =
        "SELECT l.id FROM loan l JOIN loan_installment i ON i.loan_id = l.id WHERE l.status = 0 "
        "GROUP BY l.id HAVING sum(i.principal - i.paid_principal) != l.principal OR "
        "sum(CASE WHEN i.due <= l.accrued_through THEN i.interest - i.paid_interest ELSE 0 END) "
        "!= l.interest_due OR "
        "sum(CASE WHEN i.due <= l.accrued_through THEN i.fee - i.paid_fee ELSE 0 END) "
        "!= l.fee_due ORDER BY l.id LIMIT 1";
    int64_t bad = 0;
    st = core_store_query_int(store, inst_sql, 0, &bad, err);
    if (st == LD_OK)
        return LD_FAIL(err, LD_EVERIFY, "loan %lld: installments disagree with its balances",
                       (long long)bad);
    if (st != LD_ENOTFOUND)
        return st;
    ld_error_clear(err);
    *count = loans;
    return LD_OK;
}

ld_status ledger_verify(core_store *store, const core_session *who,
                        const ledger_verify_options *opt, ledger_verify_report *out, ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err)) != LD_OK ||
        (st = ledger_loan_migrate(store, err)) != LD_OK)
        return st;
    ledger_log *log = NULL;
    ledger_log_iter *iter = NULL;
    ledger_rows_replay *rows = NULL;
    replay r;
    memset(&r, 0, sizeof r);
    ledger_verify_report report;
    memset(&report, 0, sizeof report);
    uint64_t first_bad = 0, size = 0;
    if ((st = ledger_rows_replay_new(&rows, err)) != LD_OK)
        return st;
    if ((st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK) {
        ledger_rows_replay_free(rows);
        return st;
    }
    st = ledger_log_verify_all(log, &first_bad, err);
    if (st == LD_EVERIFY) {
        ld_error_prefix(err, "log entry %llu", (unsigned long long)first_bad);
        goto out;
    }
    if (st != LD_OK || (st = ledger_log_size(log, &size, err)) != LD_OK ||
        (st = ledger_verify_checkpoints(store, opt, size, &report.checkpoints, err)) != LD_OK ||
        (st = ledger_log_iter_new(log, 0, &iter, err)) != LD_OK)
        goto out;
    for (;;) {
        bool has = false;
        ledger_log_entry e;
        if ((st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK || !has)
            break;
        /* A "rows" entry, most of the log, is read without a JSON tree; it
         * carries nothing else the replay below looks at. */
        bool read = false;
        if ((st = ledger_rows_replay_bytes(rows, e.seq, e.body, e.len, &read, err)) != LD_OK)
            break;
        if (read) {
            report.entries++;
            continue;
        }
        cJSON *entry = cJSON_ParseWithLength(e.body, e.len);
        if (entry == NULL) {
            st = LD_FAIL(err, LD_EVERIFY, "log entry %llu: not JSON", (unsigned long long)e.seq);
            break;
        }
        st = replay_entry(&r, e.seq, entry, err);
        if (st == LD_OK)
            st = ledger_rows_replay_entry(rows, e.seq, entry, err);
        cJSON_Delete(entry);
        if (st != LD_OK)
            break;
        report.entries++;
    }
    /* The rows first: they name the table, the row and the column. */
    if (st != LD_OK || (st = ledger_rows_check(store, log, rows, &report.rows, err)) != LD_OK ||
        (st = check_journal(store, &r, &report.journal_entries, err)) != LD_OK ||
        (st = check_loans(store, &r, &report.loans, err)) != LD_OK)
        goto out;
    if ((st = ledger_reconcile(store, err)) != LD_OK)
        goto out;
    report.rows_format1 = ledger_rows_replay_format1_rows(rows);
    *out = report;
out:
    ledger_log_iter_free(iter);
    ledger_log_close(log);
    replay_free(&r);
    ledger_rows_replay_free(rows);
    return st;
}
