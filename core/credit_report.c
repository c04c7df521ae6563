/*
 * credit_report.c - credit bureau reports on borrowers (credit_report.h).
 */
#include "credit_report.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "borrower.h"
#include "json_in.h"
#include "permission.h"
#include "store_sql.h"

static const char *const report_fields[] = {
    "report_date", "source", "inquiries_6m", "card_utilisation", "open_loans", "worst_dpd_24m",
    "outstanding_balance",
    /* shown by list; accepted so its output can be imported again */
    "id", "borrower_id", "entered_by", "entered_at", NULL};

/* An optional count: -1 when the record does not give it. */
static ld_status read_count(const cJSON *input, const char *path, const char *key, int64_t max,
                            int64_t *out, ld_error *err)
{
    bool present = false;
    ld_status st = core_json_int(input, path, key, false, 0, max, out, &present, err);
    if (st == LD_OK && !present)
        *out = -1;
    return st;
}

ld_status core_credit_report_read(const cJSON *input, const char *path, ld_date today,
                                  core_credit_report *out, ld_error *err)
{
    char field[128];
    if (!cJSON_IsObject(input))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a JSON object",
                       path && path[0] ? path : "credit report");
    memset(out, 0, sizeof *out);
    const char *source = NULL;
    bool present = false;
    ld_status st;
    if ((st = core_json_reject_unknown(input, path, report_fields, err)) != LD_OK ||
        (st = core_json_date(input, path, "report_date", true, &out->report_date, NULL, err)) !=
            LD_OK ||
        (st = core_json_text(input, path, "source", true, CORE_CREDIT_SOURCE_MAX, &source, NULL,
                             err)) != LD_OK ||
        (st = read_count(input, path, "inquiries_6m", 1000, &out->inquiries_6m, err)) != LD_OK ||
        (st = read_count(input, path, "open_loans", 1000, &out->open_loans, err)) != LD_OK ||
        (st = read_count(input, path, "worst_dpd_24m", 730, &out->worst_dpd_24m, err)) != LD_OK ||
        (st = core_json_money(input, path, "outstanding_balance", false, false,
                              &out->outstanding_balance, &present, err)) != LD_OK)
        return st;
    if (!present)
        out->outstanding_balance = -1;
    if (out->report_date > today)
        return LD_FAIL(err, LD_EINVAL, "%s: is after today",
                       core_json_field(field, sizeof field, path, "report_date"));
    snprintf(out->source, sizeof out->source, "%s", source);
    out->card_utilisation = CORE_CARD_UNKNOWN;
    const cJSON *card = cJSON_GetObjectItemCaseSensitive(input, "card_utilisation");
    if (cJSON_IsString(card) && strcmp(card->valuestring, "none") == 0) {
        out->card_utilisation = CORE_CARD_NONE;
    } else if (card != NULL && !cJSON_IsNull(card)) {
        if ((st = core_json_rate(input, path, "card_utilisation", false, &out->card_utilisation,
                                 NULL, err)) != LD_OK) {
            if (err != NULL) {
                char message[sizeof err->message];
                snprintf(message, sizeof message, "%s (or \"none\" when no credit card is held)",
                         err->message);
                memcpy(err->message, message, sizeof message);
            }
            return st;
        }
    }
    return LD_OK;
}

static void bind_count(sqlite3_stmt *stmt, int index, int64_t value, int64_t unknown)
{
    if (value == unknown)
        sqlite3_bind_null(stmt, index);
    else
        sqlite3_bind_int64(stmt, index, value);
}

static ld_status store_report(core_store *store, const core_session *who, int64_t borrower_id,
                              const cJSON *input, const core_credit_report *r, int64_t *id_out,
                              ld_error *err)
{
    static const char sql[] =
        "INSERT INTO credit_report (borrower_id, report_date, source, inquiries_6m, "
        "card_utilisation, open_loans, worst_dpd_24m, outstanding_balance, entered_by, "
        "entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char date[LD_DATE_TEXT_MAX], now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, borrower_id);
    core_store_bind_text(stmt, 2, ld_date_format(r->report_date, date));
    core_store_bind_text(stmt, 3, r->source);
    bind_count(stmt, 4, r->inquiries_6m, -1);
    bind_count(stmt, 5, r->card_utilisation, CORE_CARD_UNKNOWN);
    bind_count(stmt, 6, r->open_loans, -1);
    bind_count(stmt, 7, r->worst_dpd_24m, -1);
    bind_count(stmt, 8, r->outstanding_balance, -1);
    sqlite3_bind_int64(stmt, 9, who->user_id);
    core_store_bind_text(stmt, 10, now);
    int64_t id;
    ld_status st = core_store_run_write(store, stmt, "storing the credit report", &id, err);
    if (st != LD_OK)
        return st;
    cJSON *detail = cJSON_CreateObject();
    cJSON *after = cJSON_Duplicate(input, 1);
    for (const char *const *k = report_fields + 7; *k != NULL; k++)
        cJSON_DeleteItemFromObjectCaseSensitive(after, *k);
    core_json_put_int(detail, "credit_report_id", id);
    cJSON_AddItemToObject(detail, "after", after);
    st = core_audit_record(store, who, "credit_report.add", "borrower", borrower_id, detail, err);
    cJSON_Delete(detail);
    if (st == LD_OK && id_out != NULL)
        *id_out = id;
    return st;
}

ld_status core_credit_report_add(core_store *store, const core_session *who, int64_t borrower_id,
                                 const cJSON *input, int64_t *id_out, ld_error *err)
{
    ld_status st;
    core_credit_report r;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_borrower_require(store, who, borrower_id, CORE_ACT_CUSTOMER_EDIT, err)) !=
            LD_OK ||
        (st = core_credit_report_read(input, "", core_store_today(store), &r, err)) != LD_OK)
        return st;
    return store_report(store, who, borrower_id, input, &r, id_out, err);
}

ld_status core_credit_report_import(core_store *store, const core_session *who, const cJSON *list,
                                    int64_t *count_out, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    if (!cJSON_IsArray(list))
        return LD_FAIL(err, LD_EINVAL, "input: must be a JSON array of credit reports");
    int64_t count = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        char path[32];
        snprintf(path, sizeof path, "[%lld]", (long long)count);
        int64_t borrower_id = 0;
        core_credit_report r;
        if (!cJSON_IsObject(item))
            return LD_FAIL(err, LD_EINVAL, "%s: must be a JSON object", path);
        if ((st = core_json_int(item, path, "borrower_id", true, 1, INT64_MAX, &borrower_id, NULL,
                                err)) != LD_OK ||
            (st = core_borrower_require(store, who, borrower_id, CORE_ACT_CUSTOMER_EDIT, err)) !=
                LD_OK ||
            (st = core_credit_report_read(item, path, core_store_today(store), &r, err)) != LD_OK ||
            (st = store_report(store, who, borrower_id, item, &r, NULL, err)) != LD_OK) {
            if (err != NULL && strncmp(err->message, path, strlen(path)) != 0)
                ld_error_prefix(err, "%s", path);
            return st;
        }
        count++;
    }
    *count_out = count;
    return LD_OK;
}

static const char select_reports[] =
    "SELECT c.id, c.report_date, c.source, c.inquiries_6m, c.card_utilisation, c.open_loans, "
    "c.worst_dpd_24m, c.outstanding_balance, u.username, c.entered_at FROM credit_report c "
    "JOIN app_user u ON u.id = c.entered_by WHERE c.borrower_id = ? "
    "ORDER BY c.report_date DESC, c.id DESC";

static int64_t column_or(sqlite3_stmt *stmt, int col, int64_t unknown)
{
    return sqlite3_column_type(stmt, col) == SQLITE_NULL ? unknown
                                                         : sqlite3_column_int64(stmt, col);
}

static void row_to_report(sqlite3_stmt *stmt, core_credit_report *r)
{
    memset(r, 0, sizeof *r);
    ld_date_parse("report_date", (const char *)sqlite3_column_text(stmt, 1), &r->report_date, NULL);
    snprintf(r->source, sizeof r->source, "%s", (const char *)sqlite3_column_text(stmt, 2));
    r->inquiries_6m = column_or(stmt, 3, -1);
    r->card_utilisation = column_or(stmt, 4, CORE_CARD_UNKNOWN);
    r->open_loans = column_or(stmt, 5, -1);
    r->worst_dpd_24m = column_or(stmt, 6, -1);
    r->outstanding_balance = column_or(stmt, 7, -1);
}

ld_status core_credit_report_list(core_store *store, const core_session *who, int64_t borrower_id,
                                  cJSON **out, ld_error *err)
{
    ld_status st = core_borrower_require(store, who, borrower_id, CORE_ACT_CUSTOMER_READ, err);
    if (st != LD_OK)
        return st;
    sqlite3_stmt *stmt = core_store_stmt(store, select_reports, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, borrower_id);
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        core_credit_report r;
        row_to_report(stmt, &r);
        cJSON *o = cJSON_CreateObject();
        core_json_put_int(o, "id", sqlite3_column_int64(stmt, 0));
        core_json_put_int(o, "borrower_id", borrower_id);
        core_json_put_date(o, "report_date", r.report_date);
        cJSON_AddStringToObject(o, "source", r.source);
        if (r.inquiries_6m >= 0)
            core_json_put_int(o, "inquiries_6m", r.inquiries_6m);
        if (r.card_utilisation == CORE_CARD_NONE)
            cJSON_AddStringToObject(o, "card_utilisation", "none");
        else if (r.card_utilisation >= 0)
            core_json_put_rate(o, "card_utilisation", r.card_utilisation);
        if (r.open_loans >= 0)
            core_json_put_int(o, "open_loans", r.open_loans);
        if (r.worst_dpd_24m >= 0)
            core_json_put_int(o, "worst_dpd_24m", r.worst_dpd_24m);
        if (r.outstanding_balance >= 0)
            core_json_put_money(o, "outstanding_balance", r.outstanding_balance);
        cJSON_AddStringToObject(o, "entered_by", (const char *)sqlite3_column_text(stmt, 8));
        cJSON_AddStringToObject(o, "entered_at", (const char *)sqlite3_column_text(stmt, 9));
        cJSON_AddItemToArray(list, o);
    }
    sqlite3_reset(stmt);
    *out = list;
    return LD_OK;
}

ld_status core_credit_report_latest(core_store *store, int64_t borrower_id, core_credit_report *out,
                                    bool *found, ld_error *err)
{
    sqlite3_stmt *stmt = core_store_stmt(store, select_reports, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, borrower_id);
    int rc = sqlite3_step(stmt);
    *found = rc == SQLITE_ROW;
    if (*found)
        row_to_report(stmt, out);
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return core_store_fail(store, "reading credit reports", err);
    return LD_OK;
}
