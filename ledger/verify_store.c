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

static ld_status key_id_of(const char *cert, char out[CORE_PKI_HEX_MAX], ld_error *err)
{
    core_pki_cert_info info;
    ld_status st = core_pki_cert_inspect(cert, strlen(cert), &info, err);
    if (st == LD_OK)
        memcpy(out, info.fingerprint, CORE_PKI_HEX_MAX);
    return st;
}

ld_status ledger_checkpoint_make(core_store *store, const core_session *who, const char *password,
                                 ledger_checkpoint *out, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_LEDGER_OPERATE, NULL, err)) != LD_OK)
        return st;
    core_pki_key *key = NULL;
    char *cert = NULL;
    ledger_log *log = NULL;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    ledger_checkpoint cp;
    char text[LEDGER_CHECKPOINT_TEXT_MAX], key_id[CORE_PKI_HEX_MAX];
    size_t len = 0;
    /* The rows written so far are logged first, so the checkpoint covers them. */
    if ((st = ledger_rows_flush(store, err)) != LD_OK ||
        (st = core_keystore_institution_signer(store, password, &key, &cert, err)) != LD_OK)
        return st;
    if ((st = key_id_of(cert, key_id, err)) == LD_OK &&
        (st = ledger_log_open(core_store_db(store), &log, err)) == LD_OK &&
        (st = ledger_log_checkpoint_current(log, (int64_t)ledger_event_now(store), &cp, err)) ==
            LD_OK &&
        (st = ledger_checkpoint_text(&cp, text, &len, err)) == LD_OK &&
        (st = core_pki_sign(key, (const unsigned char *)text, len, &sig, &sig_len, err)) == LD_OK &&
        (st = ledger_log_checkpoint_insert(log, &cp, sig, sig_len, key_id, err)) == LD_OK)
        *out = cp;
    free(sig);
    ledger_log_close(log);
    core_pki_key_free(key);
    free(cert);
    return st;
}

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

/* True when the amounts of a journal's [account, amount] lines add up to zero.
 * The sum is checked: a wrapping one would let amounts adding up to 2^64 pass
 * for a balanced journal. An amount that is no integer, or a sum beyond what
 * ld_money_add allows, does not balance. */
static bool journal_balances(const cJSON *lines)
{
    ld_money sum = 0;
    const cJSON *pair;
    cJSON_ArrayForEach(pair, lines)
    {
        int64_t amount = 0;
        if (!core_json_integer(cJSON_GetArrayItem(pair, 1), &amount) ||
            !ld_money_add(sum, amount, &sum))
            return false;
    }
    return sum == 0;
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

static ld_status check_checkpoints(core_store *store, ledger_log *log, uint64_t size,
                                   uint64_t *count, ld_error *err)
{
    ledger_checkpoint_record *cps = NULL;
    size_t n = 0;
    char *cert = NULL;
    char key_id[CORE_PKI_HEX_MAX];
    ld_status st = ledger_log_checkpoint_list(log, &cps, &n, err);
    if (st != LD_OK)
        return st;
    if (n > 0 && ((st = core_keystore_institution_cert(store, &cert, err)) != LD_OK ||
                  (st = key_id_of(cert, key_id, err)) != LD_OK))
        goto out;
    for (size_t i = 0; i < n; i++) {
        const ledger_checkpoint *cp = &cps[i].checkpoint;
        char text[LEDGER_CHECKPOINT_TEXT_MAX];
        size_t len;
        ledger_hash root;
        if (strcmp(cps[i].key_id, key_id) != 0) {
            st = LD_FAIL(err, LD_EVERIFY, "checkpoint %zu: signed by unknown key %s", i + 1,
                         cps[i].key_id);
            goto out;
        }
        if ((st = ledger_checkpoint_text(cp, text, &len, err)) != LD_OK)
            goto out;
        if ((st = core_pki_verify(cert, strlen(cert), (const unsigned char *)text, len,
                                  cps[i].signature, cps[i].signature_len, err)) != LD_OK) {
            ld_error_prefix(err, "checkpoint %zu (size %llu): signature", i + 1,
                            (unsigned long long)cp->size);
            st = LD_EVERIFY;
            err->code = LD_EVERIFY;
            goto out;
        }
        if (cp->size > size) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "checkpoint %zu covers %llu entries but the log holds %llu: entry %llu "
                         "and later were removed",
                         i + 1, (unsigned long long)cp->size, (unsigned long long)size,
                         (unsigned long long)size);
            goto out;
        }
        if ((st = ledger_log_root(log, cp->size, &root, err)) != LD_OK)
            goto out;
        if (!ledger_hash_equal(&root, &cp->root)) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "checkpoint %zu: the log's first %llu entries no longer hash to the "
                         "signed root (an entry below %llu was changed)",
                         i + 1, (unsigned long long)cp->size, (unsigned long long)cp->size);
            goto out;
        }
        if (i > 0) {
            const ledger_checkpoint *prev = &cps[i - 1].checkpoint;
            ledger_proof proof;
            ld_error perr;
            if (prev->size > cp->size) {
                st = LD_FAIL(err, LD_EVERIFY, "checkpoint %zu: smaller than the one before", i + 1);
                goto out;
            }
            if ((st = ledger_log_consistency_proof(log, prev->size, cp->size, &proof, err)) !=
                LD_OK)
                goto out;
            if (!ledger_consistency_verify(prev->size, cp->size, &prev->root, &cp->root,
                                           proof.hashes, proof.count, &perr)) {
                st = LD_FAIL(err, LD_EVERIFY, "checkpoints %zu and %zu are not consistent: %s", i,
                             i + 1, perr.message);
                goto out;
            }
        }
    }
    *count = n;
out:
    free(cert);
    ledger_checkpoint_records_free(cps, n);
    return st;
}

ld_status ledger_verify(core_store *store, const core_session *who, ledger_verify_report *out,
                        ld_error *err)
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
        (st = check_checkpoints(store, log, size, &report.checkpoints, err)) != LD_OK ||
        (st = ledger_log_iter_new(log, 0, &iter, err)) != LD_OK)
        goto out;
    for (;;) {
        bool has = false;
        ledger_log_entry e;
        if ((st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK || !has)
            break;
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
    *out = report;
out:
    ledger_log_iter_free(iter);
    ledger_log_close(log);
    replay_free(&r);
    ledger_rows_replay_free(rows);
    return st;
}

/* ---- Export and offline verification ----------------------------------------- */

/* Export files hold customer data: 0600 whatever the umask (private_file.h). */
static ld_status write_file(const char *dir, const char *name, FILE **out, ld_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return core_private_file_create(path, out, err);
}

ld_status ledger_export(core_store *store, const core_session *who, const char *dir,
                        ledger_verify_report *out, ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err)) != LD_OK)
        return st;
    if ((st = core_private_dir_create(dir, err)) != LD_OK)
        return st;
    ledger_log *log = NULL;
    ledger_log_iter *iter = NULL;
    FILE *f = NULL;
    char *cert = NULL;
    ledger_checkpoint_record *cps = NULL;
    size_t n = 0;
    ledger_verify_report report;
    memset(&report, 0, sizeof report);
    if ((st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK ||
        (st = ledger_log_iter_new(log, 0, &iter, err)) != LD_OK ||
        (st = write_file(dir, "entries.jsonl", &f, err)) != LD_OK)
        goto out;
    for (;;) {
        bool has = false;
        ledger_log_entry e;
        if ((st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK || !has)
            break;
        fwrite(e.body, 1, e.len, f);
        fputc('\n', f);
        report.entries++;
    }
    if (fclose(f) != 0 && st == LD_OK)
        st = LD_FAIL(err, LD_EINTERNAL, "writing entries.jsonl failed");
    f = NULL;
    if (st != LD_OK || (st = ledger_log_checkpoint_list(log, &cps, &n, err)) != LD_OK ||
        (st = write_file(dir, "checkpoints", &f, err)) != LD_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        char text[LEDGER_CHECKPOINT_TEXT_MAX];
        size_t len;
        if ((st = ledger_checkpoint_text(&cps[i].checkpoint, text, &len, err)) != LD_OK)
            break;
        fwrite(text, 1, len, f);
        fputs("signature ", f);
        for (size_t k = 0; k < cps[i].signature_len; k++)
            fprintf(f, "%02x", cps[i].signature[k]);
        fprintf(f, "\nkey %s\n\n", cps[i].key_id);
    }
    report.checkpoints = n;
    if (fclose(f) != 0 && st == LD_OK)
        st = LD_FAIL(err, LD_EINTERNAL, "writing checkpoints failed");
    f = NULL;
    if (st != LD_OK || (st = core_keystore_institution_cert(store, &cert, err)) != LD_OK ||
        (st = write_file(dir, "institution.pem", &f, err)) != LD_OK)
        goto out;
    fputs(cert, f);
    if (fclose(f) != 0)
        st = LD_FAIL(err, LD_EINTERNAL, "writing institution.pem failed");
    f = NULL;
    if (st == LD_OK)
        *out = report;
out:
    if (f != NULL)
        fclose(f);
    free(cert);
    ledger_checkpoint_records_free(cps, n);
    ledger_log_iter_free(iter);
    ledger_log_close(log);
    return st;
}

ld_status ledger_verify_offline(const char *dir, ledger_verify_report *out, ld_error *err)
{
    char path[4096];
    ld_status st = LD_OK;
    ledger_hash *leaves = NULL;
    size_t count = 0, cap = 0;
    char *line = NULL, *cert = NULL, *cps_text = NULL;
    size_t line_cap = 0, cert_len = 0, cps_len = 0;
    ledger_hasher *hasher = NULL;
    ledger_verify_report report;
    memset(&report, 0, sizeof report);
    snprintf(path, sizeof path, "%s/entries.jsonl", dir);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return LD_FAIL(err, LD_ENOTFOUND, "%s: %s", path, strerror(errno));
    if ((st = ledger_hasher_new(&hasher, err)) != LD_OK)
        goto out;
    ssize_t got;
    while ((got = getline(&line, &line_cap, f)) >= 0) {
        size_t len = (size_t)got;
        if (len == 0 || line[len - 1] != '\n') {
            st = LD_FAIL(err, LD_EVERIFY, "entries.jsonl line %zu: not terminated by a newline",
                         count + 1);
            goto out;
        }
        len--;
        if ((st = ledger_json_check_canonical(line, len, err)) != LD_OK) {
            ld_error_prefix(err, "entries.jsonl line %zu (entry %zu)", count + 1, count);
            st = err->code = LD_EVERIFY;
            goto out;
        }
        cJSON *entry = cJSON_ParseWithLength(line, len);
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(entry, "journal"))
        {
            if (!journal_balances(cJSON_GetObjectItemCaseSensitive(item, "lines")))
                st = LD_FAIL(err, LD_EVERIFY, "entry %zu: a journal entry does not balance", count);
            report.journal_entries++;
        }
        cJSON_Delete(entry);
        if (st != LD_OK)
            goto out;
        if (!grow((void **)&leaves, &cap, count, sizeof *leaves)) {
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory reading entries");
            goto out;
        }
        if ((st = ledger_hasher_leaf(hasher, line, len, &leaves[count], err)) != LD_OK)
            goto out;
        count++;
    }
    report.entries = count;
    snprintf(path, sizeof path, "%s/institution.pem", dir);
    if ((st = core_read_file(path, &cert, &cert_len, err)) != LD_OK)
        goto out;
    snprintf(path, sizeof path, "%s/checkpoints", dir);
    if ((st = core_read_file(path, &cps_text, &cps_len, err)) != LD_OK)
        goto out;
    /* Blocks: 4 lines of signed text, "signature HEX", "key ID", blank. */
    char *p = cps_text, *end = cps_text + cps_len;
    ledger_hash previous_root;
    uint64_t previous_size = 0;
    while (p < end) {
        char *lines[7];
        for (int i = 0; i < 7; i++) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (nl == NULL) {
                st = LD_FAIL(err, LD_EVERIFY, "checkpoints: block %llu is truncated",
                             (unsigned long long)report.checkpoints + 1);
                goto out;
            }
            lines[i] = p;
            p = nl + 1;
        }
        unsigned long long index = report.checkpoints + 1;
        ledger_checkpoint cp;
        size_t text_len = (size_t)(lines[4] - lines[0]);
        if ((st = ledger_checkpoint_parse(lines[0], text_len, &cp, err)) != LD_OK ||
            strncmp(lines[4], "signature ", 10) != 0) {
            st = LD_FAIL(err, LD_EVERIFY, "checkpoint %llu: malformed", index);
            goto out;
        }
        const char *hex = lines[4] + 10;
        size_t hex_len = (size_t)(lines[5] - 1 - hex);
        unsigned char sig[256];
        size_t sig_len = hex_len / 2;
        if (sig_len > sizeof sig || !core_hex_decode(hex, hex_len, sig)) {
            st = LD_FAIL(err, LD_EVERIFY, "checkpoint %llu: malformed signature", index);
            goto out;
        }
        if (core_pki_verify(cert, cert_len, (const unsigned char *)lines[0], text_len, sig, sig_len,
                            err) != LD_OK) {
            st = LD_FAIL(err, LD_EVERIFY, "checkpoint %llu: bad signature", index);
            goto out;
        }
        if (cp.size > count) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "checkpoint %llu covers %llu entries; the export holds %zu", index,
                         (unsigned long long)cp.size, count);
            goto out;
        }
        ledger_hash root;
        if ((st = ledger_tree_root(leaves, cp.size, &root, err)) != LD_OK)
            goto out;
        if (!ledger_hash_equal(&root, &cp.root)) {
            /* Name the first entry that breaks it: the smallest prefix whose
             * root a previous checkpoint vouched for is intact; beyond that we
             * can only say which checkpoint fails. */
            st = LD_FAIL(err, LD_EVERIFY,
                         "checkpoint %llu: entries 0..%llu do not hash to the signed root "
                         "(an entry at or after %llu was changed)",
                         index, (unsigned long long)cp.size - 1, (unsigned long long)previous_size);
            goto out;
        }
        previous_root = root;
        previous_size = cp.size;
        report.checkpoints++;
    }
    (void)previous_root;
    *out = report;
out:
    if (f != NULL)
        fclose(f);
    ledger_hasher_free(hasher);
    free(leaves);
    free(line);
    free(cert);
    free(cps_text);
    return st;
}

/* ---- Proofs ------------------------------------------------------------------- */

static cJSON *proof_json(const ledger_proof *proof)
{
    cJSON *array = cJSON_CreateArray();
    char hex[LEDGER_HASH_HEX];
    for (size_t i = 0; i < proof->count; i++)
        cJSON_AddItemToArray(array, cJSON_CreateString(ledger_hash_to_hex(&proof->hashes[i], hex)));
    return array;
}

ld_status ledger_prove_inclusion(core_store *store, const core_session *who, uint64_t index,
                                 uint64_t size, cJSON **out, ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err)) != LD_OK)
        return st;
    ledger_log *log = NULL;
    ledger_log_iter *iter = NULL;
    ledger_proof proof;
    ledger_hash leaf, root;
    uint64_t log_size = 0;
    char hex[LEDGER_HASH_HEX];
    if ((st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK)
        return st;
    if ((st = ledger_log_size(log, &log_size, err)) != LD_OK)
        goto out;
    if (size == 0)
        size = log_size;
    if (index >= size || size > log_size) {
        st = LD_FAIL(err, LD_EINVAL, "entry: %llu is not in a log of %llu entries",
                     (unsigned long long)index, (unsigned long long)size);
        goto out;
    }
    bool has = false;
    ledger_log_entry e;
    if ((st = ledger_log_inclusion_proof(log, index, size, &proof, err)) != LD_OK ||
        (st = ledger_log_leaf_hash(log, index, &leaf, err)) != LD_OK ||
        (st = ledger_log_root(log, size, &root, err)) != LD_OK ||
        (st = ledger_log_iter_new(log, index, &iter, err)) != LD_OK ||
        (st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK)
        goto out;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "inclusion");
    core_json_put_int(o, "index", index);
    core_json_put_int(o, "size", size);
    if (has) {
        char *body = malloc(e.len + 1);
        if (body != NULL) {
            memcpy(body, e.body, e.len);
            body[e.len] = '\0';
            cJSON_AddStringToObject(o, "entry", body);
            free(body);
        }
    }
    cJSON_AddStringToObject(o, "leaf_hash", ledger_hash_to_hex(&leaf, hex));
    cJSON_AddStringToObject(o, "root", ledger_hash_to_hex(&root, hex));
    cJSON_AddItemToObject(o, "proof", proof_json(&proof));
    *out = o;
out:
    ledger_log_iter_free(iter);
    ledger_log_close(log);
    return st;
}

ld_status ledger_prove_consistency(core_store *store, const core_session *who, uint64_t old_size,
                                   uint64_t new_size, cJSON **out, ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err)) != LD_OK)
        return st;
    ledger_log *log = NULL;
    ledger_proof proof;
    ledger_hash old_root, new_root;
    char hex[LEDGER_HASH_HEX];
    if ((st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK)
        return st;
    if ((st = ledger_log_consistency_proof(log, old_size, new_size, &proof, err)) == LD_OK &&
        (st = ledger_log_root(log, old_size, &old_root, err)) == LD_OK &&
        (st = ledger_log_root(log, new_size, &new_root, err)) == LD_OK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "consistency");
        core_json_put_int(o, "old_size", old_size);
        core_json_put_int(o, "new_size", new_size);
        cJSON_AddStringToObject(o, "old_root", ledger_hash_to_hex(&old_root, hex));
        cJSON_AddStringToObject(o, "new_root", ledger_hash_to_hex(&new_root, hex));
        cJSON_AddItemToObject(o, "proof", proof_json(&proof));
        *out = o;
    }
    ledger_log_close(log);
    return st;
}

static ld_status read_hash(const cJSON *obj, const char *key, ledger_hash *out, ld_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: missing", key);
    return ledger_hash_from_hex(key, item->valuestring, out, err);
}

static ld_status read_u64(const cJSON *obj, const char *key, uint64_t *out, ld_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    int64_t v;
    if (!core_json_integer(item, &v) || v < 0)
        return LD_FAIL(err, LD_EINVAL, "%s: must be a whole number", key);
    *out = (uint64_t)v;
    return LD_OK;
}

ld_status ledger_proof_check(const cJSON *p, ld_error *err)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(p, "type");
    const cJSON *hashes = cJSON_GetObjectItemCaseSensitive(p, "proof");
    if (!cJSON_IsString(type) || !cJSON_IsArray(hashes))
        return LD_FAIL(err, LD_EINVAL, "proof: needs \"type\" and \"proof\"");
    ledger_proof proof;
    memset(&proof, 0, sizeof proof);
    const cJSON *item;
    ld_status st;
    cJSON_ArrayForEach(item, hashes)
    {
        if (proof.count == LEDGER_PROOF_MAX || !cJSON_IsString(item))
            return LD_FAIL(err, LD_EINVAL, "proof: too long or not hex strings");
        if ((st = ledger_hash_from_hex("proof", item->valuestring, &proof.hashes[proof.count++],
                                       err)) != LD_OK)
            return st;
    }
    if (strcmp(type->valuestring, "inclusion") == 0) {
        uint64_t index = 0, size = 0;
        ledger_hash leaf, root;
        if ((st = read_u64(p, "index", &index, err)) != LD_OK ||
            (st = read_u64(p, "size", &size, err)) != LD_OK ||
            (st = read_hash(p, "leaf_hash", &leaf, err)) != LD_OK ||
            (st = read_hash(p, "root", &root, err)) != LD_OK)
            return st;
        const cJSON *entry = cJSON_GetObjectItemCaseSensitive(p, "entry");
        if (cJSON_IsString(entry)) {
            ledger_hash computed;
            if ((st = ledger_hash_leaf(entry->valuestring, strlen(entry->valuestring), &computed,
                                       err)) != LD_OK)
                return st;
            if (!ledger_hash_equal(&computed, &leaf))
                return LD_FAIL(err, LD_EVERIFY, "entry: does not hash to leaf_hash");
        }
        if (!ledger_inclusion_verify(index, size, &leaf, proof.hashes, proof.count, &root, err))
            return err != NULL && err->code != LD_OK ? err->code : LD_EVERIFY;
        return LD_OK;
    }
    if (strcmp(type->valuestring, "consistency") == 0) {
        uint64_t old_size = 0, new_size = 0;
        ledger_hash old_root, new_root;
        if ((st = read_u64(p, "old_size", &old_size, err)) != LD_OK ||
            (st = read_u64(p, "new_size", &new_size, err)) != LD_OK ||
            (st = read_hash(p, "old_root", &old_root, err)) != LD_OK ||
            (st = read_hash(p, "new_root", &new_root, err)) != LD_OK)
            return st;
        if (!ledger_consistency_verify(old_size, new_size, &old_root, &new_root, proof.hashes,
                                       proof.count, err))
            return err != NULL && err->code != LD_OK ? err->code : LD_EVERIFY;
        return LD_OK;
    }
    return LD_FAIL(err, LD_EINVAL, "type: must be inclusion or consistency");
}
