/*
 * rows_store.c - the covered tables' rows in the log (rows.h): the triggers
 * that note changed rows, the "rows" entries that record them, their replay,
 * the comparison of every table with the replay, and the loan book's digest
 * that the close of business checks and leaves.
 *
 * A row's image is hashed in one typed encoding whether it comes from a
 * table or from the log: an integer is 'i' and its zigzag base-128 digits, a string 't', its
 * length (4 bytes) and bytes, null 'n', anything else ('r' real, 'b' blob)
 * differs from every image the application writes.
 */
#include "rows.h"
#include "rows_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "digest.h"
#include "inspection.h"
#include "json_in.h"
#include "ledger_events.h"
#include "loan_int.h"
#include "store_sql.h"

#define ROWS_PER_ENTRY 1000
#define ROW_HASH       16

typedef struct row_table {
    const char *name;
    const char *k1, *k2;   /* key columns; k2 NULL: a single integer key */
    const char *columns;   /* the image: the columns that matter */
    const char *update_of; /* NULL: every update is recorded */
    int v1;                /* how many of the columns format 1 images carry; 0: all of them */
} row_table;

/* The borrower's image: format 1 carried its first five columns; format 2
 * adds the facts a rating and an application's limits are computed from. */
#define BORROWER_COLUMNS                                                                           \
    "id, kind, id_number, officer_id, blocklisted, birth_date, employer, years_employed, "         \
    "monthly_income, existing_debt, existing_monthly_repayment, industry, industry_risk_class, "   \
    "years_in_business, registered_capital, employment_type, housing, education, "                 \
    "years_at_address, tax_rating, attributes"

/* The close of business writes these loan columns (LEDGER_LOAN_COLUMNS
 * indexes) without recording each row; its book digest covers them. */
#define LOAN_DAILY_MASK ((((uint64_t)1 << 26) - 1) & ~((uint64_t)0x1f | (1u << 6) | (1u << 23)))

static const row_table tables[] = {
    {"loan", "id", NULL, LEDGER_LOAN_COLUMNS,
     "id, product, rate, penalty_rate, status, principal, manual, contract_no, application_id, "
     "borrower_id, officer_id, borrower_kind, amount, method, period, months_each, installments, "
     "prepay_rule, regular, fee_method, fee_amount, disbursed_on, closed_on, manual_reason, "
     "matures_on",
     0},
    {"loan_installment", "loan_id", "number",
     "loan_id, number, due, principal, interest, fee, paid_principal, paid_interest, paid_fee, "
     "penalty, compound, paid_penalty, paid_compound, accrual_from",
     NULL, 0},
    {"loan_repayment", "id", NULL,
     "id, loan_id, kind, value_date, booked_on, amount, penalty, compound, fee, interest, "
     "principal, accrued, prepaid, backdated, reason, recorded_by, log_seq",
     NULL, 0},
    {"cob_run", "date", NULL, "date, loans, log_seq", NULL, 0},
    {"journal_entry", "id", NULL, "id, date, kind, loan_id, product", NULL, 0},
    {"journal_line", "entry_id", "line", "entry_id, line, account, amount", NULL, 0},
    {"inspection", "id", NULL,
     "id, loan_id, kind, date, next_date, recommended_category, officer_id, body, recorded_at",
     NULL, 0},
    {"application", "id", NULL,
     "id, borrower_id, product_code, amount, term_months, method, period, purpose, state, "
     "created_by, created_at, updated_at, submitted_at, decided_by, decided_at, decision_reason, "
     "approved_amount, approved_term_months, approved_rate, fee_method, fee_amount, grade, "
     "attributes",
     NULL, 22},
    {"rating", "id", NULL,
     "id, application_id, score, grade, pd, decision, recommended_amount, "
     "recommended_term_months, rate, fee_method, fee_amount, policy_sha256, result_json, "
     "rated_by, rated_at",
     NULL, 0},
    {"rating_override", "id", NULL,
     "id, rating_id, grade, reason, overridden_by, overridden_at, pd, decision, "
     "recommended_amount, recommended_term_months, rate, fee_method, fee_amount, result_json",
     NULL, 6},
    {"borrower", "id", NULL, BORROWER_COLUMNS, BORROWER_COLUMNS, 5},
    {"guarantor", "id", NULL,
     "id, application_id, kind, name, id_number, borrower_id, guarantee_type, "
     "guaranteed_amount, net_assets, outstanding_guarantees, created_by, created_at",
     NULL, 0},
    {"collateral", "id", NULL,
     "id, application_id, type, arrangement, owner_name, owner_is_borrower, certificate_no, "
     "appraised_value, appraisal_date, appraiser, lien_rank, prior_claims, registration_no, "
     "created_by, created_at",
     NULL, 0},
    {"investigation", "id", NULL,
     "id, application_id, site_visit_date, operations, assets_liabilities, repayment_capacity, "
     "conclusion, recorded_by, recorded_at",
     NULL, 0},
    {"financial_statement", "borrower_id", "year",
     "borrower_id, year, total_assets, total_liabilities, current_assets, current_liabilities, "
     "inventory, revenue, net_profit, operating_cash_flow, cost_of_sales, receivables, "
     "interest_expense, income_tax, related_party_sales",
     NULL, 10},
    {"app_user", "id", NULL, "id, username, full_name, role, authority_limit, active",
     "id, username, full_name, role, authority_limit, active", 0},
    {"pki_identity", "id", NULL,
     "id, kind, user_id, cert_pem, serial, fingerprint, issued_at, revoked_at",
     "id, kind, user_id, cert_pem, serial, fingerprint, issued_at, revoked_at", 0},
    {"audit_event", "id", NULL,
     "id, at, user_id, username, action, entity, entity_id, outcome, detail", NULL, 0},
    {"config_document", "id", NULL, "id, name, body, sha256, loaded_at, loaded_by", NULL, 0},
    {"application_step", "id", NULL, "id, application_id, kind, reason, user_id, at", NULL, 0},
    {"document", "id", NULL,
     "id, borrower_id, application_id, loan_id, type, sha256, content_type, size, file_name, "
     "expires_on, uploaded_by, uploaded_at",
     NULL, 0},
    {"document_check", "id", NULL,
     "id, document_id, authentic, legal, valid, note, checked_by, checked_at", NULL, 0},
    {"collection_case", "id", NULL,
     "id, loan_id, borrower_id, officer_id, opened_on, stage, stage_since, closed_on, outcome",
     NULL, 0},
    {"collection_stage", "id", NULL, "id, case_id, date, stage, dpd", NULL, 0},
    {"collection_action", "id", NULL,
     "id, case_id, date, kind, outcome, next_step, next_date, recorded_by, recorded_at", NULL, 0},
    {"collection_promise", "id", NULL,
     "id, case_id, amount, made_on, due_on, status, paid, settled_on, recorded_by, recorded_at",
     NULL, 0},
    {"collection_recovery", "id", NULL,
     "id, case_id, guarantor_id, amount, date, repayment_id, recorded_by, recorded_at", NULL, 0},
    {"visit", "id", NULL,
     "id, borrower_id, date, people, purpose, findings, follow_up, recorded_by, recorded_at", NULL,
     0},
    {"credit_report", "id", NULL,
     "id, borrower_id, report_date, source, inquiries_6m, card_utilisation, open_loans, "
     "worst_dpd_24m, outstanding_balance, entered_by, entered_at",
     NULL, 0},
    {"complaint", "id", NULL,
     "id, borrower_id, received_on, channel, text, assigned_to, deadline, response, "
     "responded_on, feedback, closed_on, recorded_by, recorded_at",
     NULL, 0},
};
#define TABLE_COUNT       ((int)(sizeof tables / sizeof tables[0]))
#define LOAN_TABLE        0
#define INSTALLMENT_TABLE 1

bool ledger_rows_table(int i, ledger_rows_table_info *out)
{
    if (i < 0 || i >= TABLE_COUNT)
        return false;
    *out = (ledger_rows_table_info){tables[i].name,    tables[i].k1,        tables[i].k2,
                                    tables[i].columns, tables[i].update_of, tables[i].v1};
    return true;
}

static int table_index(const char *name)
{
    for (int i = 0; i < TABLE_COUNT; i++)
        if (strcmp(tables[i].name, name) == 0)
            return i;
    return -1;
}

static int table_index_n(const char *name, size_t len)
{
    for (int i = 0; i < TABLE_COUNT; i++)
        if (strlen(tables[i].name) == len && memcmp(tables[i].name, name, len) == 0)
            return i;
    return -1;
}

/* The i-th name of a comma separated column list, into out. */
static const char *column_name(const char *list, int index, char *out, size_t size)
{
    const char *p = list;
    for (int i = 0; i < index && p != NULL; i++) {
        p = strchr(p, ',');
        if (p != NULL)
            p += 2;
    }
    if (p == NULL)
        return "?";
    size_t n = strcspn(p, ",");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static int column_count(const char *list)
{
    int n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    return n;
}

/* The format of the "rows" entries this process writes: 2, or 1 for tests
 * of books written before format 2 (ledger_rows_write_format_for_tests). */
static int write_format = 2;

void ledger_rows_write_format_for_tests(int format)
{
    write_format = format == 1 ? 1 : 2;
}

/* The columns of list (the table's image or update_of) an image of format
 * carries: all, or for format 1 the first v1, copied into out. */
static const char *format_columns(const row_table *tb, const char *list, int format, char *out,
                                  size_t size)
{
    if (list == NULL || format != 1 || tb->v1 == 0)
        return list;
    const char *p = list;
    for (int i = 0; i < tb->v1 && p != NULL; i++)
        p = strchr(p + (i > 0), ',');
    size_t n = p != NULL ? (size_t)(p - list) : strlen(list);
    snprintf(out, size, "%.*s", (int)n, list);
    return out;
}

/* Columns from..63 of an image, as a mask of columns to leave out. */
static uint64_t columns_from(int from)
{
    return from <= 0 ? ~(uint64_t)0 : from >= 64 ? 0 : ~(uint64_t)0 << from;
}

/* ---- The encoding -------------------------------------------------------- */

typedef struct rowbuf {
    unsigned char *p;
    size_t len, cap;
    bool failed;
} rowbuf;

static void put(rowbuf *b, const void *data, size_t len)
{
    if (b->failed)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + len)
            cap *= 2;
        unsigned char *grown = realloc(b->p, cap);
        if (grown == NULL) {
            b->failed = true;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

/* 'i' and the value zigzag-encoded in base-128 digits: most columns are
 * small, and the close of business hashes every loan twice. */
static void put_int(rowbuf *b, int64_t v)
{
    unsigned char c[12] = {'i'};
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    size_t n = 1;
    do {
        c[n++] = (unsigned char)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
        z >>= 7;
    } while (z != 0);
    put(b, c, n);
}

static void put_bytes(rowbuf *b, char tag, const void *data, size_t len)
{
    unsigned char c[5] = {(unsigned char)tag, (unsigned char)len, (unsigned char)(len >> 8),
                          (unsigned char)(len >> 16), (unsigned char)(len >> 24)};
    put(b, c, sizeof c);
    put(b, data, len);
}

static void put_column(rowbuf *b, sqlite3_stmt *stmt, int i)
{
    /* One call into the statement per column (each takes the connection's
     * lock); the value's own accessors take none. */
    sqlite3_value *v = sqlite3_column_value(stmt, i);
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        put_int(b, sqlite3_value_int64(v));
        break;
    case SQLITE_NULL:
        put(b, "n", 1);
        break;
    case SQLITE_TEXT: {
        const unsigned char *t = sqlite3_value_text(v);
        put_bytes(b, 't', t, (size_t)sqlite3_value_bytes(v));
        break;
    }
    case SQLITE_BLOB: {
        const void *t = sqlite3_value_blob(v);
        put_bytes(b, 'b', t, (size_t)sqlite3_value_bytes(v));
        break;
    }
    default: {
        /* A real number is never written by the application. */
        const unsigned char *t = sqlite3_value_text(v);
        put_bytes(b, 'r', t, (size_t)sqlite3_value_bytes(v));
        break;
    }
    }
}

/* Columns first .. first + n - 1 of the statement; mask: columns to leave out. */
static void put_stmt(rowbuf *b, sqlite3_stmt *stmt, int first, int n, uint64_t skip)
{
    for (int i = 0; i < n; i++)
        if (i >= 64 || !(skip >> i & 1))
            put_column(b, stmt, first + i);
}

static bool put_json(rowbuf *b, const cJSON *array, uint64_t skip)
{
    int i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        if (i < 64 && (skip >> i & 1)) {
            i++;
            continue;
        }
        int64_t v;
        if (cJSON_IsString(item))
            put_bytes(b, 't', item->valuestring, strlen(item->valuestring));
        else if (cJSON_IsNull(item))
            put(b, "n", 1);
        else if (core_json_integer(item, &v))
            put_int(b, v);
        else
            return false;
        i++;
    }
    return true;
}

/* SHA-256 of an encoded row, cut to ROW_HASH bytes; the hasher's context is
 * reused from row to row. */
static void hash16(ledger_hasher *hasher, const rowbuf *b, unsigned char out[ROW_HASH])
{
    ledger_hash h;
    ld_error ignored;
    if (ledger_hasher_sha256(hasher, b->p, b->len, &h, &ignored) != LD_OK)
        memset(h.bytes, 0, sizeof h.bytes); /* never equal to a real row's hash by chance */
    memcpy(out, h.bytes, ROW_HASH);
}
/* A JSON image as the log holds it (column values), from the statement. */
static cJSON *image_from_stmt(sqlite3_stmt *stmt, int first, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = first; i < first + n; i++) {
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
            cJSON_AddItemToArray(a, core_json_int_item(sqlite3_column_int64(stmt, i)));
            break;
        case SQLITE_NULL:
            cJSON_AddItemToArray(a, cJSON_CreateNull());
            break;
        default:
            cJSON_AddItemToArray(a, cJSON_CreateString((const char *)sqlite3_column_text(stmt, i)));
            break;
        }
    }
    return a;
}

/* ---- Triggers and the "rows" entries -------------------------------------- */

static ld_status exec(core_store *store, const char *sql, ld_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(core_store_db(store), sql, NULL, NULL, &msg) != SQLITE_OK) {
        ld_status st = LD_FAIL(err, LD_EINTERNAL, "installing the ledger's row triggers: %s",
                               msg != NULL ? msg : "?");
        sqlite3_free(msg);
        return st;
    }
    return LD_OK;
}

/* "json_array(OLD.a, OLD.b, ...)" for a column list. */
static void old_array(const char *columns, char *out, size_t size)
{
    size_t len = (size_t)snprintf(out, size, "json_array(");
    int n = column_count(columns);
    for (int i = 0; i < n && len < size; i++) {
        char name[64];
        len += (size_t)snprintf(out + len, size - len, "%sOLD.%s", i ? ", " : "",
                                column_name(columns, i, name, sizeof name));
    }
    if (len < size)
        snprintf(out + len, size - len, ")");
}

static ld_status commit_hook(void *context, ld_error *err)
{
    return ledger_rows_flush(context, err);
}

ld_status ledger_rows_install(core_store *store, ld_error *err)
{
    ld_status st;
    if ((st = ledger_loan_migrate(store, err)) != LD_OK ||
        (st = ledger_inspection_migrate(store, err)) != LD_OK ||
        (st = exec(store,
                   "CREATE TEMP TABLE IF NOT EXISTS ld_row_change (tbl INTEGER NOT NULL, "
                   "k1 INTEGER NOT NULL, k2 INTEGER NOT NULL, before TEXT, "
                   "PRIMARY KEY (tbl, k1, k2)) WITHOUT ROWID",
                   err)) != LD_OK)
        return st;
    /* On the stack: handles are opened on many threads at once (a server's
     * workers), and a static buffer would be shared by them. */
    char sql[8192], olds[4096], cols[1024], upd[1024];
    for (int t = 0; t < TABLE_COUNT; t++) {
        const row_table *tb = &tables[t];
        const char *columns = format_columns(tb, tb->columns, write_format, cols, sizeof cols);
        const char *update_of = format_columns(tb, tb->update_of, write_format, upd, sizeof upd);
        int64_t exists = 0;
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(core_store_db(store),
                               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                               "name = ?",
                               -1, &q, NULL) != SQLITE_OK)
            return core_store_fail(store, "reading the schema", err);
        sqlite3_bind_text(q, 1, tb->name, -1, SQLITE_STATIC);
        exists = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
        sqlite3_finalize(q);
        if (!exists)
            continue;
        char k2new[64], k2old[64];
        snprintf(k2new, sizeof k2new, "%s%s", tb->k2 ? "NEW." : "", tb->k2 ? tb->k2 : "0");
        snprintf(k2old, sizeof k2old, "%s%s", tb->k2 ? "OLD." : "", tb->k2 ? tb->k2 : "0");
        old_array(columns, olds, sizeof olds);
        snprintf(sql, sizeof sql,
                 "CREATE TEMP TRIGGER IF NOT EXISTS ld_rows_%s_i AFTER INSERT ON %s BEGIN "
                 "INSERT OR IGNORE INTO ld_row_change VALUES (%d, NEW.%s, %s, NULL); END;"
                 "CREATE TEMP TRIGGER IF NOT EXISTS ld_rows_%s_u AFTER UPDATE %s%s ON %s BEGIN "
                 "INSERT OR IGNORE INTO ld_row_change VALUES (%d, OLD.%s, %s, %s);"
                 "INSERT OR IGNORE INTO ld_row_change VALUES (%d, NEW.%s, %s, NULL); END;"
                 "CREATE TEMP TRIGGER IF NOT EXISTS ld_rows_%s_d AFTER DELETE ON %s BEGIN "
                 "INSERT OR IGNORE INTO ld_row_change VALUES (%d, OLD.%s, %s, %s); END;",
                 tb->name, tb->name, t, tb->k1, k2new, tb->name, update_of ? "OF " : "",
                 update_of ? update_of : "", tb->name, t, tb->k1, k2old, olds, t, tb->k1, k2new,
                 tb->name, tb->name, t, tb->k1, k2old, olds);
        if ((st = exec(store, sql, err)) != LD_OK)
            return st;
    }
    core_store_set_commit_hook(store, commit_hook, store);
    return LD_OK;
}

static ld_status append_rows(core_store *store, cJSON **rows, ld_error *err)
{
    cJSON *fields = cJSON_CreateObject();
    if (write_format == 2)
        cJSON_AddItemToObject(fields, "format", core_json_int_item(2));
    cJSON_AddItemToObject(fields, "rows", *rows);
    *rows = cJSON_CreateArray();
    uint64_t seq = 0;
    ld_status st = ledger_event_append_seq(store, "rows", fields, &seq, err);
    /* Where each loan's and installment's last image is (ledger_rows_check_loan). */
    static const char sql[] = "INSERT OR REPLACE INTO ledger_row_seq VALUES (?1, ?2, ?3, ?4)";
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(fields, "rows"))
    {
        if (st != LD_OK)
            break;
        int t = table_index(cJSON_GetArrayItem(row, 0)->valuestring);
        if (t != LOAN_TABLE && t != INSTALLMENT_TABLE)
            continue;
        sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
        if (stmt == NULL) {
            st = LD_EINTERNAL;
            break;
        }
        int64_t k1 = 0, k2 = 0;
        core_json_integer(cJSON_GetArrayItem(row, 1), &k1);
        core_json_integer(cJSON_GetArrayItem(row, 2), &k2);
        sqlite3_bind_int(stmt, 1, t);
        sqlite3_bind_int64(stmt, 2, k1);
        sqlite3_bind_int64(stmt, 3, k2);
        sqlite3_bind_int64(stmt, 4, (int64_t)seq);
        int rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            st = core_store_fail(store, "recording where a row is logged", err);
    }
    cJSON_Delete(fields);
    return st;
}

ld_status ledger_rows_flush(core_store *store, ld_error *err)
{
    sqlite3 *db = core_store_db(store);
    sqlite3_stmt *changed = NULL;
    if (sqlite3_prepare_v2(
            db, "SELECT tbl, k1, k2, before FROM temp.ld_row_change ORDER BY tbl, k1, k2", -1,
            &changed, NULL) != SQLITE_OK)
        return LD_OK; /* not installed on this connection */
    ld_status st = LD_OK;
    cJSON *rows = cJSON_CreateArray();
    sqlite3_stmt *reads[TABLE_COUNT] = {0};
    int rc, count = 0;
    char sql[2048]; /* not static: connections of other threads flush at once */
    char cols[1024];
    bool first = true;
    while (st == LD_OK && (rc = sqlite3_step(changed)) == SQLITE_ROW) {
        if (first && write_format == 2) {
            /* The first write of a book not yet recorded in format 2 records
             * the format 2 image of every row format 2 widened. */
            first = false;
            sqlite3_reset(changed);
            if ((st = ledger_rows_format_upgrade(store, err)) != LD_OK)
                break;
            continue;
        }
        first = false;
        int t = sqlite3_column_int(changed, 0);
        if (t < 0 || t >= TABLE_COUNT)
            continue;
        const row_table *tb = &tables[t];
        const char *columns = format_columns(tb, tb->columns, write_format, cols, sizeof cols);
        int64_t k1 = sqlite3_column_int64(changed, 1), k2 = sqlite3_column_int64(changed, 2);
        sqlite3_stmt *row = reads[t];
        if (row == NULL) {
            snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE %s = ?1 AND %s = ?2", columns,
                     tb->name, tb->k1, tb->k2 ? tb->k2 : "?2");
            if (sqlite3_prepare_v2(db, sql, -1, &reads[t], NULL) != SQLITE_OK) {
                st = core_store_fail(store, "reading a changed row", err);
                break;
            }
            row = reads[t];
        }
        sqlite3_bind_int64(row, 1, k1);
        sqlite3_bind_int64(row, 2, k2);
        cJSON *after = NULL;
        int rrc = sqlite3_step(row);
        if (rrc == SQLITE_ROW)
            after = image_from_stmt(row, 0, column_count(columns));
        sqlite3_reset(row);
        if (rrc != SQLITE_ROW && rrc != SQLITE_DONE) {
            st = core_store_fail(store, "reading a changed row", err);
            break;
        }
        cJSON *before = NULL;
        if (sqlite3_column_type(changed, 3) != SQLITE_NULL) {
            before = cJSON_Parse((const char *)sqlite3_column_text(changed, 3));
            if (!cJSON_IsArray(before)) {
                cJSON_Delete(before);
                cJSON_Delete(after);
                st = LD_FAIL(err, LD_EINTERNAL, "%s %lld: unreadable image before the change",
                             tb->name, (long long)k1);
                break;
            }
        }
        if (before == NULL && after == NULL)
            continue; /* inserted and deleted within the transaction */
        cJSON *r = cJSON_CreateArray();
        cJSON_AddItemToArray(r, cJSON_CreateString(tb->name));
        cJSON_AddItemToArray(r, core_json_int_item(k1));
        cJSON_AddItemToArray(r, core_json_int_item(k2));
        cJSON_AddItemToArray(r, before != NULL ? before : cJSON_CreateNull());
        cJSON_AddItemToArray(r, after != NULL ? after : cJSON_CreateNull());
        cJSON_AddItemToArray(rows, r);
        if (++count == ROWS_PER_ENTRY) {
            st = append_rows(store, &rows, err);
            count = 0;
        }
    }
    sqlite3_finalize(changed);
    for (int t = 0; t < TABLE_COUNT; t++)
        sqlite3_finalize(reads[t]);
    if (st == LD_OK && count > 0)
        st = append_rows(store, &rows, err);
    cJSON_Delete(rows);
    if (st == LD_OK &&
        sqlite3_exec(db, "DELETE FROM temp.ld_row_change", NULL, NULL, NULL) != SQLITE_OK)
        st = core_store_fail(store, "clearing the changed rows", err);
    return st;
}

/* ---- Replay ---------------------------------------------------------------- */

typedef struct row_rec {
    uint64_t seq; /* log entry of the last image + 1; 0: an empty slot */
    int64_t k1, k2;
    int32_t tbl;
    bool present; /* the last image is a row (not a deletion) */
    bool seen;
    bool before_present;
    bool v1; /* the last image is of format 1, which carried only the table's first v1 columns */
    uint64_t epoch;             /* close-of-business count + 1 when first changed since */
    unsigned char h[ROW_HASH];  /* the last image */
    unsigned char sh[ROW_HASH]; /* its columns the close of business leaves alone */
    unsigned char *before;      /* loans: the image before the first change since */
    size_t before_len;
} row_rec;

struct ledger_rows_replay {
    ledger_hasher *hasher;
    bool full; /* the whole log, not only since the last close of business */
    row_rec *recs;
    size_t cap, used;
    uint64_t cobs;
    uint64_t cob_seq;
    bool has_book;
    char book[LEDGER_HASH_HEX];
    bool has_index; /* the last close of business named its book index */
    char book_index[LEDGER_HASH_HEX];
    int64_t *dirty; /* indexes of loan records holding a "before" */
    size_t dirty_len, dirty_cap;
    rowbuf buf, masked;
    ledger_rows_reader reader;
};

static uint64_t key_hash(int32_t t, int64_t k1, int64_t k2)
{
    uint64_t x = (uint64_t)k1 * 0x9E3779B97F4A7C15ull ^ (uint64_t)k2 * 0xC2B2AE3D27D4EB4Full ^
                 (uint64_t)t * 0x165667B19E3779F9ull;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
}

static row_rec *rec_find(ledger_rows_replay *r, int32_t t, int64_t k1, int64_t k2)
{
    if (r->cap == 0)
        return NULL;
    for (size_t i = key_hash(t, k1, k2) & (r->cap - 1);; i = (i + 1) & (r->cap - 1)) {
        row_rec *e = &r->recs[i];
        if (e->seq == 0)
            return NULL;
        if (e->tbl == t && e->k1 == k1 && e->k2 == k2)
            return e;
    }
}

static row_rec *rec_add(ledger_rows_replay *r, int32_t t, int64_t k1, int64_t k2)
{
    row_rec *e = rec_find(r, t, k1, k2);
    if (e != NULL)
        return e;
    if ((r->used + 1) * 2 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        row_rec *recs = calloc(cap, sizeof *recs);
        if (recs == NULL)
            return NULL;
        for (size_t i = 0; i < r->cap; i++) {
            if (r->recs[i].seq == 0)
                continue;
            size_t j = key_hash(r->recs[i].tbl, r->recs[i].k1, r->recs[i].k2) & (cap - 1);
            while (recs[j].seq != 0)
                j = (j + 1) & (cap - 1);
            recs[j] = r->recs[i];
        }
        free(r->recs);
        r->recs = recs;
        r->cap = cap;
        /* Record indexes moved: the dirty list is rebuilt from the records. */
        r->dirty_len = 0;
        for (size_t i = 0; i < cap; i++)
            if (recs[i].before != NULL) {
                if (r->dirty_len == r->dirty_cap) {
                    size_t dc = r->dirty_cap ? r->dirty_cap * 2 : 256;
                    int64_t *d = realloc(r->dirty, dc * sizeof *d);
                    if (d == NULL)
                        return NULL;
                    r->dirty = d;
                    r->dirty_cap = dc;
                }
                r->dirty[r->dirty_len++] = (int64_t)i;
            }
    }
    size_t i = key_hash(t, k1, k2) & (r->cap - 1);
    while (r->recs[i].seq != 0)
        i = (i + 1) & (r->cap - 1);
    e = &r->recs[i];
    memset(e, 0, sizeof *e);
    e->tbl = t;
    e->k1 = k1;
    e->k2 = k2;
    e->seq = UINT64_MAX; /* taken; the caller sets it */
    r->used++;
    return e;
}

ld_status ledger_rows_replay_new(ledger_rows_replay **out, ld_error *err)
{
    ledger_rows_replay *r = calloc(1, sizeof *r);
    if (r == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory replaying the log");
    r->full = true;
    ld_status st = ledger_hasher_new(&r->hasher, err);
    if (st != LD_OK) {
        free(r);
        return st;
    }
    *out = r;
    return LD_OK;
}

static void drop_befores(ledger_rows_replay *r)
{
    for (size_t i = 0; i < r->dirty_len; i++) {
        row_rec *e = &r->recs[r->dirty[i]];
        free(e->before);
        e->before = NULL;
        e->before_len = 0;
    }
    r->dirty_len = 0;
}

void ledger_rows_replay_free(ledger_rows_replay *r)
{
    if (r == NULL)
        return;
    drop_befores(r);
    ledger_hasher_free(r->hasher);
    free(r->recs);
    free(r->dirty);
    free(r->buf.p);
    free(r->masked.p);
    ledger_rows_reader_release(&r->reader);
    free(r);
}

static uint64_t table_skip(int t)
{
    return t == LOAN_TABLE ? LOAN_DAILY_MASK : 0;
}

/* A row image from either reader: a JSON array (or null) from the general
 * parser, or cells from rows_reader.h. */
typedef struct row_image {
    const cJSON *json;
    const ledger_rows_reader *rd;
    const ledger_rows_cell *cells;
    int count; /* cells: -1 when the image is null */
} row_image;

static bool image_present(const row_image *im)
{
    return im->rd != NULL ? im->count >= 0 : cJSON_IsArray(im->json);
}

/* Encodes the image as put_json does, leaving out the columns in skip. */
static bool image_put(rowbuf *b, const row_image *im, uint64_t skip)
{
    if (im->rd == NULL)
        return put_json(b, im->json, skip);
    for (int i = 0; i < im->count; i++) {
        if (i < 64 && (skip >> i & 1))
            continue;
        const ledger_rows_cell *c = &im->cells[i];
        if (c->tag == 'i')
            put_int(b, c->value);
        else if (c->tag == 't')
            put_bytes(b, 't', ledger_rows_cell_text(im->rd, c), c->len);
        else
            put(b, "n", 1);
    }
    return true;
}

/* The columns of table t that a comparison with record e leaves out: the
 * close of business's, and those a format 1 image did not carry. */
static uint64_t rec_skip(const row_rec *e, int t)
{
    return table_skip(t) | (e->v1 ? columns_from(tables[t].v1) : 0);
}

static ld_status replay_image(ledger_rows_replay *r, uint64_t seq, int t, int64_t k1, int64_t k2,
                              const row_image *before, const row_image *after, int format,
                              ld_error *err)
{
    row_rec *e = rec_add(r, t, k1, k2);
    if (e == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory replaying the log");
    bool known = e->seq != UINT64_MAX;
    rowbuf *b = &r->buf;
    unsigned char sh[ROW_HASH];
    bool had_before = image_present(before);
    /* The row as this change found it must be the row as the log last left
     * it: else someone changed it in between, outside the application. A
     * row last recorded in format 1 is compared on the columns format 1
     * carried; what it said of the others is not proven before this image. */
    if (known && had_before) {
        b->len = 0;
        if (!image_put(b, before, rec_skip(e, t)) || b->failed)
            return LD_FAIL(err, LD_EVERIFY, "log entry %llu: malformed row",
                           (unsigned long long)seq);
        hash16(r->hasher, b, sh);
        if (!e->present || memcmp(sh, e->sh, ROW_HASH) != 0)
            return LD_FAIL(err, LD_EVERIFY,
                           "log entry %llu: %s %lld%s%.0lld was changed outside the application "
                           "before it (it differs from log entry %llu)",
                           (unsigned long long)seq, tables[t].name, (long long)k1,
                           tables[t].k2 ? "/" : "", (long long)k2,
                           (unsigned long long)(e->seq - 1));
    } else if (known && e->present) {
        return LD_FAIL(err, LD_EVERIFY,
                       "log entry %llu: %s %lld recorded by log entry %llu was deleted outside "
                       "the application",
                       (unsigned long long)seq, tables[t].name, (long long)k1,
                       (unsigned long long)(e->seq - 1));
    }
    if (t == LOAN_TABLE && e->epoch != r->cobs + 1) {
        /* First change since the last close of business: keep the image it
         * found, which that close's book digest covers. */
        e->epoch = r->cobs + 1;
        free(e->before);
        e->before = NULL;
        e->before_len = 0;
        e->before_present = had_before;
        if (e->before_present) {
            b->len = 0;
            image_put(b, before, 0);
            if (b->failed || (e->before = malloc(b->len)) == NULL)
                return LD_FAIL(err, LD_EINTERNAL, "out of memory replaying the log");
            memcpy(e->before, b->p, b->len);
            e->before_len = b->len;
            if (r->dirty_len == r->dirty_cap) {
                size_t dc = r->dirty_cap ? r->dirty_cap * 2 : 256;
                int64_t *d = realloc(r->dirty, dc * sizeof *d);
                if (d == NULL)
                    return LD_FAIL(err, LD_EINTERNAL, "out of memory replaying the log");
                r->dirty = d;
                r->dirty_cap = dc;
            }
            r->dirty[r->dirty_len++] = e - r->recs;
        }
    } else if (t != LOAN_TABLE) {
        e->epoch = r->cobs + 1;
    }
    e->seq = seq + 1;
    e->v1 = format == 1 && tables[t].v1 > 0;
    e->present = image_present(after);
    if (e->present) {
        b->len = 0;
        if (!image_put(b, after, 0) || b->failed)
            return LD_FAIL(err, LD_EVERIFY, "log entry %llu: malformed row",
                           (unsigned long long)seq);
        hash16(r->hasher, b, e->h);
        if (t == LOAN_TABLE) {
            b->len = 0;
            image_put(b, after, table_skip(t));
            hash16(r->hasher, b, e->sh);
        } else {
            memcpy(e->sh, e->h, ROW_HASH);
        }
    }
    return LD_OK;
}

static ld_status replay_row(ledger_rows_replay *r, uint64_t seq, const cJSON *row, int format,
                            ld_error *err)
{
    const cJSON *name = cJSON_GetArrayItem(row, 0);
    int64_t k1 = 0, k2 = 0;
    const cJSON *before = cJSON_GetArrayItem(row, 3), *after = cJSON_GetArrayItem(row, 4);
    int t = cJSON_IsString(name) ? table_index(name->valuestring) : -1;
    if (t < 0 || !core_json_integer(cJSON_GetArrayItem(row, 1), &k1) ||
        !core_json_integer(cJSON_GetArrayItem(row, 2), &k2) || before == NULL || after == NULL)
        return LD_FAIL(err, LD_EVERIFY, "log entry %llu: malformed row", (unsigned long long)seq);
    row_image bi = {before, NULL, NULL, 0}, ai = {after, NULL, NULL, 0};
    return replay_image(r, seq, t, k1, k2, &bi, &ai, format, err);
}

/* The format of a "rows" entry: 1 without the member, else 1 or 2; false
 * for anything else (as rows_reader.c reads it). */
static bool rows_format(const cJSON *entry, int *format)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(entry, "format");
    int64_t v = 1;
    if (f != NULL && !core_json_integer(f, &v))
        return false;
    *format = (int)v;
    return v == 1 || v == 2;
}

ld_status ledger_rows_replay_entry(ledger_rows_replay *r, uint64_t seq, const cJSON *entry,
                                   ld_error *err)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "type");
    if (!cJSON_IsString(type))
        return LD_OK;
    if (strcmp(type->valuestring, "cob") == 0) {
        const cJSON *book = cJSON_GetObjectItemCaseSensitive(entry, "book_digest");
        r->cobs++;
        r->cob_seq = seq;
        r->has_book = cJSON_IsString(book) && strlen(book->valuestring) == LEDGER_HASH_HEX - 1;
        if (r->has_book)
            memcpy(r->book, book->valuestring, LEDGER_HASH_HEX);
        const cJSON *index = cJSON_GetObjectItemCaseSensitive(entry, "book_index");
        r->has_index = cJSON_IsString(index) && strlen(index->valuestring) == LEDGER_HASH_HEX - 1;
        if (r->has_index)
            memcpy(r->book_index, index->valuestring, LEDGER_HASH_HEX);
        drop_befores(r);
        return LD_OK;
    }
    if (strcmp(type->valuestring, "rows") != 0)
        return LD_OK;
    int format = 0;
    if (!rows_format(entry, &format))
        return LD_FAIL(err, LD_EVERIFY, "log entry %llu: rows of an unknown format",
                       (unsigned long long)seq);
    const cJSON *row;
    ld_status st;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(entry, "rows"))
    {
        if ((st = replay_row(r, seq, row, format, err)) != LD_OK)
            return st;
    }
    return LD_OK;
}

ld_status ledger_rows_replay_bytes(ledger_rows_replay *r, uint64_t seq, const char *body,
                                   size_t len, bool *read, ld_error *err)
{
    *read = false;
    ledger_rows_reader *rd = &r->reader;
    ledger_rows_read_result res = ledger_rows_read(rd, body, len);
    if (res == LEDGER_ROWS_READ_NOMEM)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory replaying the log");
    if (res != LEDGER_ROWS_READ_ROWS)
        return LD_OK;
    *read = true;
    for (size_t i = 0; i < rd->rows_len; i++) {
        const ledger_rows_row *row = &rd->rows[i];
        int t = row->table.tag == 't'
                    ? table_index_n(ledger_rows_cell_text(rd, &row->table), row->table.len)
                    : -1;
        if (t < 0)
            return LD_FAIL(err, LD_EVERIFY, "log entry %llu: malformed row",
                           (unsigned long long)seq);
        row_image bi = {NULL, rd, rd->cells + row->before_first, row->before_count};
        row_image ai = {NULL, rd, rd->cells + row->after_first, row->after_count};
        ld_status st = replay_image(r, seq, t, row->k1, row->k2, &bi, &ai, rd->format, err);
        if (st != LD_OK)
            return st;
    }
    return LD_OK;
}

ld_status ledger_rows_replay_body(ledger_rows_replay *r, uint64_t seq, const char *body, size_t len,
                                  ld_error *err)
{
    bool read = false;
    ld_status st = ledger_rows_replay_bytes(r, seq, body, len, &read, err);
    if (st != LD_OK || read)
        return st;
    cJSON *entry = cJSON_ParseWithLength(body, len);
    if (entry == NULL)
        return LD_FAIL(err, LD_EVERIFY, "log entry %llu: not JSON", (unsigned long long)seq);
    st = ledger_rows_replay_entry(r, seq, entry, err);
    cJSON_Delete(entry);
    return st;
}

/* ---- The book digest ------------------------------------------------------- */

#define BOOK_CHUNK 65536

/* The book index: for each loan in id order, its id and a 64-bit hash of the
 * same bytes the book digest takes for it (LOCATOR_BYTES each, little-endian).
 * The close of business stores it (table ledger_book_index) and names its
 * SHA-256 in its "cob" entry, so that when the book digest fails, the index,
 * once shown to be the signed one, names the loan that differs. The index only
 * names; the proof is the book digest. */
#define LOCATOR_BYTES 16
#define INDEX_PART    (4096 * LOCATOR_BYTES)

typedef struct book_digest {
    ledger_hasher *hasher;
    unsigned char buf[LEDGER_HASH_SIZE + BOOK_CHUNK]; /* the chain so far, then data */
    size_t used;
    bool indexed; /* keep the book index */
    unsigned char *index;
    size_t index_len, index_cap;
} book_digest;

/* A fast 64-bit hash of a loan's bytes, for locating only. */
static uint64_t locator_hash(const unsigned char *p, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    uint64_t tail = 0;
    for (size_t k = 0; i + k < len; k++)
        tail |= (uint64_t)p[i + k] << (8 * k);
    h = (h ^ tail) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}

static void put_le64(unsigned char *out, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *in)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)in[i] << (8 * i);
    return v;
}

static void book_digest_free(book_digest *d)
{
    if (d == NULL)
        return;
    ledger_hasher_free(d->hasher);
    free(d->index);
    d->hasher = NULL;
    d->index = NULL;
}

static ld_status book_flush(book_digest *d, ld_error *err)
{
    ledger_hash h;
    ld_status st = ledger_hasher_sha256(d->hasher, d->buf, LEDGER_HASH_SIZE + d->used, &h, err);
    if (st == LD_OK)
        memcpy(d->buf, h.bytes, LEDGER_HASH_SIZE);
    d->used = 0;
    return st;
}

static ld_status book_add(book_digest *d, const unsigned char *data, size_t len, ld_error *err)
{
    while (len > 0) {
        size_t room = BOOK_CHUNK - d->used;
        size_t n = len < room ? len : room;
        memcpy(d->buf + LEDGER_HASH_SIZE + d->used, data, n);
        d->used += n;
        data += n;
        len -= n;
        ld_status st;
        if (d->used == BOOK_CHUNK && (st = book_flush(d, err)) != LD_OK)
            return st;
    }
    return LD_OK;
}

/* One loan's bytes into the digest, and into the index when it is kept. */
static ld_status book_add_loan(book_digest *d, int64_t id, const unsigned char *data, size_t len,
                               ld_error *err)
{
    if (d->indexed) {
        if (d->index_len + LOCATOR_BYTES > d->index_cap) {
            size_t cap = d->index_cap ? d->index_cap * 2 : INDEX_PART;
            unsigned char *p = realloc(d->index, cap);
            if (p == NULL)
                return LD_FAIL(err, LD_EINTERNAL, "out of memory for the book index");
            d->index = p;
            d->index_cap = cap;
        }
        put_le64(d->index + d->index_len, (uint64_t)id);
        put_le64(d->index + d->index_len + 8, locator_hash(data, len));
        d->index_len += LOCATOR_BYTES;
    }
    return book_add(d, data, len, err);
}

static ld_status book_hex(book_digest *d, char hex[LEDGER_HASH_HEX], ld_error *err)
{
    ld_status st = book_flush(d, err);
    if (st == LD_OK)
        core_hex_encode(d->buf, LEDGER_HASH_SIZE, hex);
    return st;
}

/* ---- Comparing tables with the replay --------------------------------------- */

/* Names the first column in which the table's row differs from the image of
 * the log entry that last recorded it. */
static void name_column(ledger_log *log, int t, const row_rec *e, sqlite3_stmt *stmt, int first,
                        uint64_t skip, char *out, size_t size)
{
    snprintf(out, size, "?");
    ledger_log_iter *iter = NULL;
    ld_error ignored;
    bool has = false;
    ledger_log_entry le;
    if (ledger_log_iter_new(log, e->seq - 1, &iter, &ignored) != LD_OK ||
        ledger_log_iter_next(iter, &has, &le, &ignored) != LD_OK || !has) {
        ledger_log_iter_free(iter);
        return;
    }
    cJSON *entry = cJSON_ParseWithLength(le.body, le.len);
    ledger_log_iter_free(iter);
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(entry, "rows"))
    {
        int64_t k1 = 0, k2 = 0;
        const cJSON *name = cJSON_GetArrayItem(row, 0);
        if (!cJSON_IsString(name) || strcmp(name->valuestring, tables[t].name) != 0 ||
            !core_json_integer(cJSON_GetArrayItem(row, 1), &k1) ||
            !core_json_integer(cJSON_GetArrayItem(row, 2), &k2) || k1 != e->k1 || k2 != e->k2)
            continue;
        const cJSON *after = cJSON_GetArrayItem(row, 4);
        int n = column_count(tables[t].columns);
        rowbuf a = {0}, b = {0};
        for (int i = 0; i < n; i++) {
            if (i < 64 && (skip >> i & 1))
                continue;
            cJSON *one = cJSON_CreateArray();
            cJSON_AddItemReferenceToArray(one, cJSON_GetArrayItem(after, i));
            a.len = b.len = 0;
            put_json(&a, one, 0);
            put_column(&b, stmt, first + i);
            cJSON_Delete(one);
            if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0) {
                char col[64];
                const char *c = column_name(tables[t].columns, i, col, sizeof col);
                const cJSON *logged = cJSON_GetArrayItem(after, i);
                char *shown = logged != NULL ? cJSON_PrintUnformatted(logged) : NULL;
                const char *now = (const char *)sqlite3_column_text(stmt, first + i);
                snprintf(out, size, "%s is %.40s in the table, %.40s in the log", c,
                         now != NULL ? now : "null", shown != NULL ? shown : "?");
                /* One line, whatever the values hold. */
                for (char *p = out; *p; p++)
                    if ((unsigned char)*p < 0x20)
                        *p = ' ';
                free(shown);
                break;
            }
        }
        free(a.p);
        free(b.p);
        break;
    }
    cJSON_Delete(entry);
}

/* One loan row (LEDGER_LOAN_COLUMNS from column first) against the replay;
 * feeds the digest of the book as the last close of business left it. */
static ld_status check_loan_row(ledger_rows_replay *r, ledger_log *log, sqlite3_stmt *stmt,
                                int first, book_digest *d, ld_error *err)
{
    int64_t id = sqlite3_column_int64(stmt, first);
    row_rec *e = rec_find(r, LOAN_TABLE, id, 0);
    rowbuf *b = &r->buf;
    b->len = 0;
    put_stmt(b, stmt, first, LEDGER_LOAN_COLUMN_COUNT, 0);
    if (b->failed)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory checking loans");
    if (e == NULL) {
        /* A book closed before loans were recorded row by row keeps them in
         * no digest this can check. */
        if (!r->has_book && r->cobs > 0)
            return LD_OK;
        /* The close of business replays only the days since the last close:
         * a loan untouched since is in that close's book digest. */
        if (!r->has_book || r->full)
            return LD_FAIL(err, LD_EVERIFY, "loan %lld: not recorded in the log (inserted)",
                           (long long)id);
        return book_add_loan(d, id, b->p, b->len, err);
    }
    e->seen = true;
    if (!e->present)
        return LD_FAIL(err, LD_EVERIFY, "loan %lld: deleted by log entry %llu, yet present",
                       (long long)id, (unsigned long long)(e->seq - 1));
    unsigned char h[ROW_HASH];
    bool since = e->epoch == r->cobs + 1;
    uint64_t skip = since ? 0 : LOAN_DAILY_MASK;
    /* b keeps the whole row for the book digest; the columns the close leaves
     * alone are compared through a second buffer. */
    rowbuf *m = b;
    if (!since) {
        m = &r->masked;
        m->len = 0;
        put_stmt(m, stmt, first, LEDGER_LOAN_COLUMN_COUNT, skip);
        if (m->failed)
            return LD_FAIL(err, LD_EINTERNAL, "out of memory checking loans");
    }
    hash16(r->hasher, m, h);
    if (memcmp(h, since ? e->h : e->sh, ROW_HASH) != 0) {
        char what[200];
        name_column(log, LOAN_TABLE, e, stmt, first, skip, what, sizeof what);
        return LD_FAIL(err, LD_EVERIFY, "loan %lld differs from log entry %llu: %s", (long long)id,
                       (unsigned long long)(e->seq - 1), what);
    }
    if (!r->has_book)
        return LD_OK;
    if (since)
        return e->before_present ? book_add_loan(d, id, e->before, e->before_len, err) : LD_OK;
    return book_add_loan(d, id, b->p, b->len, err);
}

/* Every row of table t, or only those whose first key is only_k1 (>= 0). */
static ld_status check_table(core_store *store, ledger_log *log, ledger_rows_replay *r, int t,
                             book_digest *d, uint64_t *rows, int64_t only_k1, ld_error *err)
{
    const row_table *tb = &tables[t];
    char sql[2048]; /* not static: connections of other threads flush at once */
    snprintf(sql, sizeof sql, "SELECT %s, %s, %s FROM %s %s%s%s ORDER BY 1, 2", tb->k1,
             tb->k2 ? tb->k2 : "0", tb->columns, tb->name, only_k1 >= 0 ? "WHERE " : "",
             only_k1 >= 0 ? tb->k1 : "", only_k1 >= 0 ? " = ?1" : "");
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return LD_OK; /* a table this book does not have yet */
    }
    if (only_k1 >= 0)
        sqlite3_bind_int64(stmt, 1, only_k1);
    int n = column_count(tb->columns), rc;
    ld_status st = LD_OK;
    rowbuf *b = &r->buf;
    while (st == LD_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        (*rows)++;
        if (t == LOAN_TABLE) {
            st = check_loan_row(r, log, stmt, 2, d, err);
            continue;
        }
        int64_t k1 = sqlite3_column_int64(stmt, 0), k2 = sqlite3_column_int64(stmt, 1);
        row_rec *e = rec_find(r, t, k1, k2);
        if (e == NULL) {
            st = LD_FAIL(err, LD_EVERIFY, "%s %lld%s%.0lld: not recorded in the log (inserted)",
                         tb->name, (long long)k1, tb->k2 ? "/" : "", (long long)k2);
            break;
        }
        e->seen = true;
        if (!e->present) {
            st = LD_FAIL(err, LD_EVERIFY, "%s %lld: deleted by log entry %llu, yet present",
                         tb->name, (long long)k1, (unsigned long long)(e->seq - 1));
            break;
        }
        uint64_t skip = rec_skip(e, t);
        b->len = 0;
        put_stmt(b, stmt, 2, n, skip);
        unsigned char h[ROW_HASH];
        hash16(r->hasher, b, h);
        if (memcmp(h, e->h, ROW_HASH) != 0) {
            char what[200];
            name_column(log, t, e, stmt, 2, skip, what, sizeof what);
            st = LD_FAIL(err, LD_EVERIFY, "%s %lld%s%.0lld differs from log entry %llu: %s",
                         tb->name, (long long)k1, tb->k2 ? "/" : "", (long long)k2,
                         (unsigned long long)(e->seq - 1), what);
        }
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "reading a table to verify", err);
    sqlite3_finalize(stmt);
    return st;
}

/* Rows the log recorded that a table no longer holds; t < 0: every table. */
static ld_status check_missing(const ledger_rows_replay *r, int t, ld_error *err)
{
    for (size_t i = 0; i < r->cap; i++) {
        const row_rec *e = &r->recs[i];
        if (e->seq != 0 && e->present && !e->seen && (t < 0 || e->tbl == t))
            return LD_FAIL(err, LD_EVERIFY,
                           "%s %lld%s%.0lld recorded by log entry %llu is missing (deleted)",
                           tables[e->tbl].name, (long long)e->k1, tables[e->tbl].k2 ? "/" : "",
                           (long long)e->k2, (unsigned long long)(e->seq - 1));
    }
    return LD_OK;
}

uint64_t ledger_rows_replay_format1_rows(const ledger_rows_replay *r)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->cap; i++)
        n += r->recs[i].seq != 0 && r->recs[i].present && r->recs[i].v1;
    return n;
}

/* After the book digest failed: the loan whose bytes differ from what the last
 * close of business left, by the book index that close stored, once the index
 * is shown to be the one its "cob" entry names. LD_EVERIFY naming the loan;
 * LD_OK when the index cannot tell (none kept, or itself changed). */
static ld_status book_locate(core_store *store, const ledger_rows_replay *r, const book_digest *d,
                             ld_error *err)
{
    if (!r->has_index || !d->indexed)
        return LD_OK;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(core_store_db(store), "SELECT data FROM ledger_book_index ORDER BY part",
                           -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return LD_OK;
    }
    rowbuf kept = {0};
    while (sqlite3_step(stmt) == SQLITE_ROW)
        put(&kept, sqlite3_column_blob(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0));
    sqlite3_finalize(stmt);
    ld_status st = LD_OK;
    ledger_hasher *hasher = NULL;
    ledger_hash h;
    char hex[LEDGER_HASH_HEX];
    ld_error ignored;
    if (kept.failed || kept.len % LOCATOR_BYTES != 0 ||
        ledger_hasher_new(&hasher, &ignored) != LD_OK ||
        ledger_hasher_sha256(hasher, kept.p != NULL ? kept.p : (const unsigned char *)"", kept.len,
                             &h, &ignored) != LD_OK ||
        strcmp(ledger_hash_to_hex(&h, hex), r->book_index) != 0)
        goto out; /* not the index that close signed: it cannot name the loan */
    size_t i = 0, j = 0;
    while (i < d->index_len || j < kept.len) {
        int64_t now_id = i < d->index_len ? (int64_t)get_le64(d->index + i) : INT64_MAX;
        int64_t was_id = j < kept.len ? (int64_t)get_le64(kept.p + j) : INT64_MAX;
        if (now_id == was_id) {
            if (get_le64(d->index + i + 8) != get_le64(kept.p + j + 8)) {
                st = LD_FAIL(err, LD_EVERIFY,
                             "loan %lld: its balances differ from what close of business "
                             "recorded in log entry %llu (changed outside the application)",
                             (long long)now_id, (unsigned long long)r->cob_seq);
                break;
            }
            i += LOCATOR_BYTES;
            j += LOCATOR_BYTES;
        } else if (now_id < was_id) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "loan %lld: not in the book close of business recorded in log entry "
                         "%llu (inserted)",
                         (long long)now_id, (unsigned long long)r->cob_seq);
            break;
        } else {
            st = LD_FAIL(err, LD_EVERIFY,
                         "loan %lld: in the book close of business recorded in log entry %llu, "
                         "yet missing (deleted)",
                         (long long)was_id, (unsigned long long)r->cob_seq);
            break;
        }
    }
out:
    ledger_hasher_free(hasher);
    free(kept.p);
    return st;
}

ld_status ledger_rows_check(core_store *store, ledger_log *log, ledger_rows_replay *r,
                            uint64_t *rows_out, ld_error *err)
{
    book_digest *d = calloc(1, sizeof *d);
    if (d == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory checking tables");
    ld_status st = ledger_hasher_new(&d->hasher, err);
    d->indexed = r->has_index;
    uint64_t rows = 0;
    for (int t = 0; st == LD_OK && t < TABLE_COUNT; t++)
        st = check_table(store, log, r, t, d, &rows, -1, err);
    if (st == LD_OK)
        st = check_missing(r, -1, err);
    if (st == LD_OK && r->has_book) {
        char hex[LEDGER_HASH_HEX];
        if ((st = book_hex(d, hex, err)) == LD_OK && strcmp(hex, r->book) != 0 &&
            (st = book_locate(store, r, d, err)) == LD_OK)
            st = LD_FAIL(err, LD_EVERIFY,
                         "loan: the loan book differs from what close of business recorded in "
                         "log entry %llu (a loan's balances were changed)",
                         (unsigned long long)r->cob_seq);
    }
    book_digest_free(d);
    free(d);
    if (st == LD_OK && rows_out != NULL)
        *rows_out = rows;
    return st;
}

/* ---- The close of business's check ----------------------------------------- */

/* One column of the loan the close of business is on, read once. */
typedef struct loan_cell {
    int type;
    int64_t value;
    const unsigned char *text;
    int len;
} loan_cell;

struct ledger_book {
    loan_cell cells[LEDGER_LOAN_COLUMN_COUNT];
    core_store *store;
    ledger_rows_replay *replay;
    ledger_log *log;
    book_digest before, after;
    rowbuf buf, after_buf;
    /* The close writes columns 5 to 25 only: when buf holds the loan as read,
     * the loan after the close is its bytes up to daily_from, the new daily
     * columns, and its bytes from daily_to, so the rest is encoded once. */
    bool spliceable;
    size_t daily_from, daily_to;
};

void ledger_book_free(ledger_book *b)
{
    if (b == NULL)
        return;
    ledger_rows_replay_free(b->replay);
    book_digest_free(&b->before);
    book_digest_free(&b->after);
    free(b->buf.p);
    free(b->after_buf.p);
    free(b);
}

ld_status ledger_book_open(core_store *store, ledger_log *log, ledger_book **out, ld_error *err)
{
    ledger_book *b = calloc(1, sizeof *b);
    if (b == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    b->log = log;
    b->store = store;
    int64_t from = 0;
    ld_status st = core_store_query_int(
        store, "SELECT log_seq FROM cob_run ORDER BY date DESC LIMIT 1", 0, &from, err);
    if (st == LD_ENOTFOUND) {
        ld_error_clear(err);
        from = 0;
        st = LD_OK;
    }
    ledger_log_iter *iter = NULL;
    if (st != LD_OK || (st = ledger_rows_replay_new(&b->replay, err)) != LD_OK ||
        (st = ledger_hasher_new(&b->before.hasher, err)) != LD_OK ||
        (st = ledger_hasher_new(&b->after.hasher, err)) != LD_OK ||
        (st = ledger_log_iter_new(log, (uint64_t)from, &iter, err)) != LD_OK)
        goto out;
    b->replay->full = from == 0;
    b->after.indexed = true;
    bool first = true;
    for (;;) {
        bool has = false;
        ledger_log_entry e;
        if ((st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK || !has)
            break;
        if (first && from > 0) {
            cJSON *entry = cJSON_ParseWithLength(e.body, e.len);
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "type");
            bool is_cob = cJSON_IsString(type) && strcmp(type->valuestring, "cob") == 0;
            cJSON_Delete(entry);
            if (!is_cob) {
                st = LD_FAIL(err, LD_EVERIFY,
                             "cob_run: the last close of business names log entry %lld, which "
                             "is no close of business",
                             (long long)from);
                break;
            }
        }
        first = false;
        if ((st = ledger_rows_replay_body(b->replay, e.seq, e.body, e.len, err)) != LD_OK)
            break;
    }
out:
    ledger_log_iter_free(iter);
    if (st == LD_OK)
        b->before.indexed = b->replay->has_index;
    if (st != LD_OK) {
        ledger_book_free(b);
        return st;
    }
    *out = b;
    return LD_OK;
}

/* The loan's row encoded from its cells; daily (may be NULL) replaces the
 * columns 5 to 25. Encodes as put_column would. */
static void put_cells(rowbuf *buf, const loan_cell *cells, const int64_t *daily, size_t *from,
                      size_t *to)
{
    buf->len = 0;
    for (int i = 0; i < LEDGER_LOAN_COLUMN_COUNT; i++) {
        const loan_cell *c = &cells[i];
        if (i == 5 && from != NULL)
            *from = buf->len;
        if (i == 26 && to != NULL)
            *to = buf->len;
        if (daily != NULL && i >= 5 && i <= 25)
            put_int(buf, daily[i - 5]);
        else if (c->type == SQLITE_INTEGER)
            put_int(buf, c->value);
        else if (c->type == SQLITE_NULL)
            put(buf, "n", 1);
        else
            put_bytes(buf,
                      c->type == SQLITE_TEXT   ? 't'
                      : c->type == SQLITE_BLOB ? 'b'
                                               : 'r',
                      c->text, (size_t)c->len);
    }
}

ld_status ledger_book_check_loan(ledger_book *b, void *stmt, ld_error *err)
{
    /* Each column is read once; the row before and after the close is
     * encoded from these cells. */
    for (int i = 0; i < LEDGER_LOAN_COLUMN_COUNT; i++) {
        loan_cell *c = &b->cells[i];
        /* One call into the statement per column; the value's accessors
         * need no lock. */
        sqlite3_value *v = sqlite3_column_value(stmt, i);
        c->type = sqlite3_value_type(v);
        if (c->type == SQLITE_INTEGER) {
            c->value = sqlite3_value_int64(v);
        } else if (c->type != SQLITE_NULL) {
            c->text = c->type == SQLITE_BLOB ? sqlite3_value_blob(v) : sqlite3_value_text(v);
            c->len = sqlite3_value_bytes(v);
        }
    }
    ledger_rows_replay *r = b->replay;
    /* Most loans: untouched since the last close, so they go into the digest
     * of the book as that close left it. */
    b->spliceable = false;
    if (r->has_book && !r->full && rec_find(r, LOAN_TABLE, b->cells[0].value, 0) == NULL) {
        put_cells(&b->buf, b->cells, NULL, &b->daily_from, &b->daily_to);
        b->spliceable = true;
        if (b->buf.failed)
            return LD_FAIL(err, LD_EINTERNAL, "out of memory at close of business");
        return book_add_loan(&b->before, b->cells[0].value, b->buf.p, b->buf.len, err);
    }
    ld_status st = check_loan_row(r, b->log, stmt, 0, &b->before, err);
    if (st == LD_EVERIFY)
        ld_error_prefix(err, "close of business refused");
    return st;
}

bool ledger_book_loan_changed(const ledger_book *b)
{
    return !b->spliceable;
}

void ledger_book_integers(const ledger_book *b, int64_t out[LEDGER_LOAN_COLUMN_COUNT])
{
    for (int i = 0; i < LEDGER_LOAN_COLUMN_COUNT; i++)
        out[i] = b->cells[i].type == SQLITE_INTEGER ? b->cells[i].value : 0;
}

ld_status ledger_book_add_after(ledger_book *b, void *stmt, const int64_t daily[21], ld_error *err)
{
    (void)stmt; /* the cells ledger_book_check_loan read from it */
    rowbuf *a = &b->after_buf;
    if (b->spliceable && !b->buf.failed) {
        a->len = 0;
        put(a, b->buf.p, b->daily_from);
        for (int i = 0; i < 21; i++)
            put_int(a, daily[i]);
        put(a, b->buf.p + b->daily_to, b->buf.len - b->daily_to);
    } else {
        put_cells(a, b->cells, daily, NULL, NULL);
    }
    if (a->failed)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory at close of business");
    return book_add_loan(&b->after, b->cells[0].value, a->p, a->len, err);
}

/* Which loan differs: the whole log replayed and the loan table compared,
 * which names the loan and the column for all but the daily balances. Run
 * only when the book digest already failed. */
static ld_status name_the_loan(ledger_book *b, ld_error *err)
{
    ledger_rows_replay *r = NULL;
    ledger_log_iter *iter = NULL;
    book_digest *d = calloc(1, sizeof *d);
    ld_status st = d == NULL ? LD_FAIL(err, LD_EINTERNAL, "out of memory") : LD_OK;
    if (st == LD_OK && (st = ledger_rows_replay_new(&r, err)) == LD_OK &&
        (st = ledger_hasher_new(&d->hasher, err)) == LD_OK &&
        (st = ledger_log_iter_new(b->log, 0, &iter, err)) == LD_OK) {
        for (;;) {
            bool has = false;
            ledger_log_entry e;
            if ((st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK || !has)
                break;
            bool read = false;
            if ((st = ledger_rows_replay_bytes(r, e.seq, e.body, e.len, &read, err)) == LD_OK &&
                !read) {
                /* An unreadable entry names no loan; verification reports it. */
                cJSON *entry = cJSON_ParseWithLength(e.body, e.len);
                st = entry != NULL ? ledger_rows_replay_entry(r, e.seq, entry, err) : LD_OK;
                cJSON_Delete(entry);
            }
            if (st != LD_OK)
                break;
        }
    }
    uint64_t rows = 0;
    if (st == LD_OK &&
        (st = check_table(b->store, b->log, r, LOAN_TABLE, d, &rows, -1, err)) == LD_OK)
        st = check_missing(r, LOAN_TABLE, err);
    ledger_log_iter_free(iter);
    ledger_rows_replay_free(r);
    book_digest_free(d);
    free(d);
    return st;
}

ld_status ledger_book_finish(ledger_book *b, char hex[LEDGER_HASH_HEX], ld_error *err)
{
    ld_status st;
    ledger_rows_replay *r = b->replay;
    if ((st = check_missing(r, LOAN_TABLE, err)) != LD_OK) {
        ld_error_prefix(err, "close of business refused");
        return st;
    }
    if (r->has_book) {
        char was[LEDGER_HASH_HEX];
        if ((st = book_hex(&b->before, was, err)) != LD_OK)
            return st;
        if (strcmp(was, r->book) != 0) {
            if ((st = name_the_loan(b, err)) == LD_EVERIFY ||
                (st == LD_OK && (st = book_locate(b->store, r, &b->before, err)) == LD_EVERIFY)) {
                ld_error_prefix(err, "close of business refused");
                return st;
            }
            return LD_FAIL(err, LD_EVERIFY,
                           "close of business refused: the loans differ from what close of "
                           "business recorded in log entry %llu (a loan's balances were changed "
                           "outside the application)",
                           (unsigned long long)r->cob_seq);
        }
    }
    return book_hex(&b->after, hex, err);
}

ld_status ledger_book_index_save(ledger_book *b, char hex[LEDGER_HASH_HEX], ld_error *err)
{
    const book_digest *a = &b->after;
    ledger_hash h;
    ld_status st = ledger_hasher_sha256(
        a->hasher, a->index != NULL ? a->index : (const unsigned char *)"", a->index_len, &h, err);
    if (st != LD_OK)
        return st;
    core_hex_encode(h.bytes, LEDGER_HASH_SIZE, hex);
    sqlite3 *db = core_store_db(b->store);
    if (sqlite3_exec(db, "DELETE FROM ledger_book_index", NULL, NULL, NULL) != SQLITE_OK)
        return core_store_fail(b->store, "clearing the book index", err);
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO ledger_book_index (part, data) VALUES (?1, ?2)", -1,
                           &ins, NULL) != SQLITE_OK)
        return core_store_fail(b->store, "writing the book index", err);
    for (size_t off = 0, part = 0; st == LD_OK && off < a->index_len; off += INDEX_PART, part++) {
        size_t n = a->index_len - off < INDEX_PART ? a->index_len - off : INDEX_PART;
        sqlite3_bind_int64(ins, 1, (int64_t)part);
        sqlite3_bind_blob(ins, 2, a->index + off, (int)n, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            st = core_store_fail(b->store, "writing the book index", err);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    return st;
}

/* ---- One loan before an operation uses it ------------------------------------ */

ld_status ledger_rows_check_loan(core_store *store, int64_t loan_id, ld_error *err)
{
    ld_status st = ledger_rows_flush(store, err);
    if (st != LD_OK)
        return st;
    ledger_rows_replay *r = NULL;
    ledger_log *log = NULL;
    book_digest *d = calloc(1, sizeof *d);
    sqlite3_stmt *seqs = NULL;
    if (d == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    if ((st = ledger_rows_replay_new(&r, err)) != LD_OK ||
        (st = ledger_hasher_new(&d->hasher, err)) != LD_OK ||
        (st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK)
        goto out;
    if (sqlite3_prepare_v2(core_store_db(store),
                           "SELECT DISTINCT seq FROM ledger_row_seq WHERE tbl IN (0, 1) AND "
                           "k1 = ?1 ORDER BY seq DESC",
                           -1, &seqs, NULL) != SQLITE_OK) {
        st = core_store_fail(store, "finding a loan's rows in the log", err);
        goto out;
    }
    sqlite3_bind_int64(seqs, 1, loan_id);
    int rc;
    while (st == LD_OK && (rc = sqlite3_step(seqs)) == SQLITE_ROW) {
        uint64_t seq = (uint64_t)sqlite3_column_int64(seqs, 0);
        ledger_log_iter *iter = NULL;
        bool has = false;
        ledger_log_entry e;
        if ((st = ledger_log_iter_new(log, seq, &iter, err)) == LD_OK &&
            (st = ledger_log_iter_next(iter, &has, &e, err)) == LD_OK) {
            cJSON *entry = has ? cJSON_ParseWithLength(e.body, e.len) : NULL;
            int format = 1;
            if (entry != NULL && !rows_format(entry, &format))
                st = LD_FAIL(err, LD_EVERIFY, "log entry %llu: rows of an unknown format",
                             (unsigned long long)seq);
            const cJSON *row,
                *rows = st == LD_OK ? cJSON_GetObjectItemCaseSensitive(entry, "rows") : NULL;
            cJSON_ArrayForEach(row, rows)
            {
                int64_t k1 = 0;
                const cJSON *name = cJSON_GetArrayItem(row, 0);
                int t = cJSON_IsString(name) ? table_index(name->valuestring) : -1;
                int64_t k2 = 0;
                /* Latest entries first: a row takes its last image only. */
                if ((t == LOAN_TABLE || t == INSTALLMENT_TABLE) &&
                    core_json_integer(cJSON_GetArrayItem(row, 1), &k1) && k1 == loan_id &&
                    core_json_integer(cJSON_GetArrayItem(row, 2), &k2) &&
                    rec_find(r, t, k1, k2) == NULL &&
                    (st = replay_row(r, seq, row, format, err)) != LD_OK)
                    break;
            }
            cJSON_Delete(entry);
        }
        ledger_log_iter_free(iter);
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "finding a loan's rows in the log", err);
    /* The loan's daily balances move at each close of business without an
     * image: only its other columns are compared (a close's book digest
     * covers the balances). */
    r->cobs = 1;
    r->has_book = true; /* a loan the log never recorded is refused */
    uint64_t rows = 0;
    if (st == LD_OK)
        st = check_table(store, log, r, LOAN_TABLE, d, &rows, loan_id, err);
    if (st == LD_OK)
        st = check_table(store, log, r, INSTALLMENT_TABLE, d, &rows, loan_id, err);
    if (st == LD_OK)
        st = check_missing(r, -1, err);
    if (st == LD_EVERIFY)
        ld_error_prefix(err, "refused, the loan differs from the log");
out:
    sqlite3_finalize(seqs);
    ledger_log_close(log);
    ledger_rows_replay_free(r);
    book_digest_free(d);
    free(d);
    return st;
}
