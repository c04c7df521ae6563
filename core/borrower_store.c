/*
 * borrower_store.c - validation and SQL of borrower files (borrower.h).
 *
 * An update is done as: read the record as JSON, overlay the changes, validate
 * the result exactly as a new record, write every column, and audit the diff.
 * One validator therefore guards both paths.
 */
#include "borrower.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "date.h"
#include "ident.h"
#include "json_in.h"
#include "money.h"
#include "store_sql.h"
#include "user.h"

static const char *const kind_names[] = {"individual", "enterprise", NULL};

static const char *const individual_fields[] = {
    "kind", "name", "id_number", "phone", "address", "employer", "years_employed", "monthly_income",
    "existing_debt", "existing_monthly_repayment", "blocklisted",
    /* read-only fields that show prints; accepted so show output round-trips */
    "id", "officer", "birth_date", "applications", NULL};
static const char *const enterprise_fields[] = {"kind",
                                                "name",
                                                "credit_code",
                                                "phone",
                                                "address",
                                                "industry",
                                                "industry_risk_class",
                                                "years_in_business",
                                                "registered_capital",
                                                "financials",
                                                "blocklisted",
                                                "id",
                                                "officer",
                                                "applications",
                                                NULL};
static const char *const financial_fields[] = {
    "year",      "total_assets", "total_liabilities", "current_assets",      "current_liabilities",
    "inventory", "revenue",      "net_profit",        "operating_cash_flow", NULL};

static ld_status check_phone(const cJSON *input, const char *path, ld_error *err)
{
    const char *phone = NULL;
    ld_status st = core_json_text(input, path, "phone", true, 20, &phone, NULL, err);
    if (st != LD_OK)
        return st;
    int digits = 0;
    for (const char *p = phone; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p != '-' && *p != '+' && *p != ' ')
            digits = -100;
    }
    if (digits < 7 || digits > 15) {
        char field[128];
        return LD_FAIL(err, LD_EINVAL, "%s: must be a telephone number of 7 to 15 digits",
                       core_json_field(field, sizeof field, path, "phone"));
    }
    return LD_OK;
}

static ld_status validate_financials(const cJSON *input, const char *path, ld_error *err)
{
    char field[128];
    core_json_field(field, sizeof field, path, "financials");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(input, "financials");
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return LD_FAIL(err, LD_EINVAL,
                       "%s: an enterprise needs financial statements for at "
                       "least one year",
                       field);
    int index = 0, this_year, month, day;
    ld_date_to_ymd(ld_date_today(), &this_year, &month, &day);
    int64_t years[64];
    const cJSON *fs;
    cJSON_ArrayForEach(fs, list)
    {
        char item[160];
        snprintf(item, sizeof item, "%s[%d]", field, index);
        if (index >= 64)
            return LD_FAIL(err, LD_EINVAL, "%s: at most 64 years of statements", field);
        ld_status st;
        int64_t year;
        ld_money total_assets, total_liabilities, current_assets, current_liabilities,
            inventory = 0, value;
        if ((st = core_json_reject_unknown(fs, item, financial_fields, err)) != LD_OK ||
            (st = core_json_int(fs, item, "year", true, 1900, this_year, &year, NULL, err)) !=
                LD_OK ||
            (st = core_json_money(fs, item, "total_assets", true, false, &total_assets, NULL,
                                  err)) != LD_OK ||
            (st = core_json_money(fs, item, "total_liabilities", true, false, &total_liabilities,
                                  NULL, err)) != LD_OK ||
            (st = core_json_money(fs, item, "current_assets", true, false, &current_assets, NULL,
                                  err)) != LD_OK ||
            (st = core_json_money(fs, item, "current_liabilities", true, false,
                                  &current_liabilities, NULL, err)) != LD_OK ||
            (st = core_json_money(fs, item, "inventory", false, false, &inventory, NULL, err)) !=
                LD_OK ||
            (st = core_json_money(fs, item, "revenue", true, false, &value, NULL, err)) != LD_OK ||
            (st = core_json_money(fs, item, "net_profit", true, true, &value, NULL, err)) !=
                LD_OK ||
            (st = core_json_money(fs, item, "operating_cash_flow", true, true, &value, NULL,
                                  err)) != LD_OK)
            return st;
        if (current_assets > total_assets)
            return LD_FAIL(err, LD_EINVAL, "%s.current_assets: must not exceed total_assets", item);
        if (current_liabilities > total_liabilities)
            return LD_FAIL(err, LD_EINVAL,
                           "%s.current_liabilities: must not exceed total_liabilities", item);
        if (inventory > current_assets)
            return LD_FAIL(err, LD_EINVAL, "%s.inventory: must not exceed current_assets", item);
        for (int j = 0; j < index; j++)
            if (years[j] == year)
                return LD_FAIL(err, LD_EINVAL, "%s.year: %lld appears twice", item,
                               (long long)year);
        years[index++] = year;
    }
    return LD_OK;
}

ld_status core_borrower_validate(const cJSON *input, const char *path, ld_error *err)
{
    int kind = 0;
    ld_status st;
    const char *text;
    int64_t number;
    ld_money money;
    bool flag;
    if (!cJSON_IsObject(input))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a JSON object",
                       path && path[0] ? path : "borrower");
    if ((st = core_json_choice(input, path, "kind", true, kind_names, &kind, NULL, err)) != LD_OK)
        return st;
    if ((st = core_json_reject_unknown(
             input, path, kind == 0 ? individual_fields : enterprise_fields, err)) != LD_OK ||
        (st = core_json_text(input, path, "name", true, 200, &text, NULL, err)) != LD_OK ||
        (st = check_phone(input, path, err)) != LD_OK ||
        (st = core_json_text(input, path, "address", true, 400, &text, NULL, err)) != LD_OK ||
        (st = core_json_bool(input, path, "blocklisted", false, &flag, NULL, err)) != LD_OK)
        return st;
    char field[128];
    if (kind == 0) {
        if ((st = core_json_text(input, path, "id_number", true, 18, &text, NULL, err)) != LD_OK ||
            (st = core_resident_id_check(core_json_field(field, sizeof field, path, "id_number"),
                                         text, ld_date_today(), NULL, err)) != LD_OK ||
            (st = core_json_text(input, path, "employer", false, 200, &text, NULL, err)) != LD_OK ||
            (st = core_json_int(input, path, "years_employed", false, 0, 60, &number, NULL, err)) !=
                LD_OK ||
            (st = core_json_money(input, path, "monthly_income", true, false, &money, NULL, err)) !=
                LD_OK ||
            (st = core_json_money(input, path, "existing_debt", false, false, &money, NULL, err)) !=
                LD_OK ||
            (st = core_json_money(input, path, "existing_monthly_repayment", false, false, &money,
                                  NULL, err)) != LD_OK)
            return st;
        return LD_OK;
    }
    if ((st = core_json_text(input, path, "credit_code", true, 18, &text, NULL, err)) != LD_OK ||
        (st = core_uscc_check(core_json_field(field, sizeof field, path, "credit_code"), text,
                              err)) != LD_OK ||
        (st = core_json_text(input, path, "industry", true, 100, &text, NULL, err)) != LD_OK ||
        (st = core_json_int(input, path, "industry_risk_class", true, 1, 5, &number, NULL, err)) !=
            LD_OK ||
        (st = core_json_int(input, path, "years_in_business", true, 0, 300, &number, NULL, err)) !=
            LD_OK ||
        (st = core_json_money(input, path, "registered_capital", true, false, &money, NULL, err)) !=
            LD_OK)
        return st;
    return validate_financials(input, path, err);
}

void core_mask_id_number(const char *id, char *out, size_t size)
{
    size_t len = strlen(id);
    if (len < 10) {
        snprintf(out, size, "%s", "****");
        return;
    }
    snprintf(out, size, "%.6s%.*s%s", id, (int)(len - 10), "****************", id + len - 4);
}

static void bind_money_opt(sqlite3_stmt *stmt, int index, const cJSON *input, const char *key)
{
    ld_money value = 0;
    bool present = false;
    core_json_money(input, "", key, false, true, &value, &present, NULL);
    if (present)
        sqlite3_bind_int64(stmt, index, value);
    else
        sqlite3_bind_null(stmt, index);
}

static void bind_int_opt(sqlite3_stmt *stmt, int index, const cJSON *input, const char *key)
{
    int64_t value = 0;
    bool present = false;
    core_json_int(input, "", key, false, INT64_MIN / 2, INT64_MAX / 2, &value, &present, NULL);
    if (present)
        sqlite3_bind_int64(stmt, index, value);
    else
        sqlite3_bind_null(stmt, index);
}

static const char *text_opt(const cJSON *input, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(input, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* Writes the financial statements of a validated record, replacing old ones. */
static ld_status write_financials(core_store *store, int64_t id, const cJSON *input, ld_error *err)
{
    static const char del[] = "DELETE FROM financial_statement WHERE borrower_id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, del, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "replacing financial statements", err);
    static const char ins[] =
        "INSERT INTO financial_statement (borrower_id, year, total_assets, total_liabilities, "
        "current_assets, current_liabilities, inventory, revenue, net_profit, "
        "operating_cash_flow) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    const cJSON *fs;
    cJSON_ArrayForEach(fs, cJSON_GetObjectItemCaseSensitive(input, "financials"))
    {
        if ((stmt = core_store_stmt(store, ins, err)) == NULL)
            return LD_EINTERNAL;
        sqlite3_bind_int64(stmt, 1, id);
        bind_int_opt(stmt, 2, fs, "year");
        for (int i = 1; financial_fields[i] != NULL; i++)
            bind_money_opt(stmt, i + 2, fs, financial_fields[i]);
        if (cJSON_GetObjectItemCaseSensitive(fs, "inventory") == NULL)
            sqlite3_bind_int64(stmt, 7, 0); /* not reported: none held */
        rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            return core_store_fail(store, "storing financial statements", err);
    }
    return LD_OK;
}

/* INSERT (id == 0) or UPDATE of every column from a validated record. */
static ld_status write_borrower(core_store *store, const core_session *who, int64_t id,
                                const cJSON *input, int64_t *id_out, ld_error *err)
{
    static const char ins[] =
        "INSERT INTO borrower (kind, name, id_number, phone, address, birth_date, employer, "
        "years_employed, monthly_income, existing_debt, existing_monthly_repayment, industry, "
        "industry_risk_class, years_in_business, registered_capital, blocklisted, officer_id, "
        "created_by, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, "
        "?18, ?18)";
    static const char upd[] =
        "UPDATE borrower SET kind = ?1, name = ?2, id_number = ?3, phone = ?4, address = ?5, "
        "birth_date = ?6, employer = ?7, years_employed = ?8, monthly_income = ?9, "
        "existing_debt = ?10, existing_monthly_repayment = ?11, industry = ?12, "
        "industry_risk_class = ?13, years_in_business = ?14, registered_capital = ?15, "
        "blocklisted = ?16, updated_at = ?18 WHERE id = ?19";
    sqlite3_stmt *stmt = core_store_stmt(store, id == 0 ? ins : upd, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    bool individual = strcmp(text_opt(input, "kind"), "individual") == 0;
    const char *id_number = text_opt(input, individual ? "id_number" : "credit_code");
    char now[32], birth[LD_DATE_TEXT_MAX] = "";
    core_now_iso(now);
    if (individual) {
        ld_date born;
        if (core_resident_id_check("id_number", id_number, ld_date_today(), &born, NULL) == LD_OK)
            ld_date_format(born, birth);
    }
    core_store_bind_text(stmt, 1, text_opt(input, "kind"));
    core_store_bind_text(stmt, 2, text_opt(input, "name"));
    core_store_bind_text(stmt, 3, id_number);
    core_store_bind_text(stmt, 4, text_opt(input, "phone"));
    core_store_bind_text(stmt, 5, text_opt(input, "address"));
    core_store_bind_text(stmt, 6, birth[0] ? birth : NULL);
    core_store_bind_text(stmt, 7, text_opt(input, "employer"));
    bind_int_opt(stmt, 8, input, "years_employed");
    bind_money_opt(stmt, 9, input, "monthly_income");
    bind_money_opt(stmt, 10, input, "existing_debt");
    bind_money_opt(stmt, 11, input, "existing_monthly_repayment");
    core_store_bind_text(stmt, 12, text_opt(input, "industry"));
    bind_int_opt(stmt, 13, input, "industry_risk_class");
    bind_int_opt(stmt, 14, input, "years_in_business");
    bind_money_opt(stmt, 15, input, "registered_capital");
    sqlite3_bind_int(stmt, 16,
                     cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(input, "blocklisted")));
    if (id == 0)
        sqlite3_bind_int64(stmt, 17, who->user_id);
    core_store_bind_text(stmt, 18, now);
    if (id != 0)
        sqlite3_bind_int64(stmt, 19, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        if (sqlite3_extended_errcode(core_store_db(store)) == SQLITE_CONSTRAINT_UNIQUE)
            return LD_FAIL(err, LD_EINVAL, "%s: a borrower with this number already exists",
                           individual ? "id_number" : "credit_code");
        return core_store_fail(store, "storing the borrower", err);
    }
    if (id == 0)
        id = sqlite3_last_insert_rowid(core_store_db(store));
    if (!individual) {
        ld_status st = write_financials(store, id, input, err);
        if (st != LD_OK)
            return st;
    }
    *id_out = id;
    return LD_OK;
}

ld_status core_borrower_scope(core_store *store, int64_t id, core_customer_scope *out,
                              ld_error *err)
{
    static const char sql[] =
        "SELECT officer_id, EXISTS (SELECT 1 FROM application a WHERE a.borrower_id = b.id AND "
        "a.state NOT IN ('draft', 'withdrawn')) FROM borrower b WHERE b.id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        out->officer_id = sqlite3_column_int64(stmt, 0);
        out->under_review = sqlite3_column_int(stmt, 1) != 0;
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return LD_FAIL(err, LD_ENOTFOUND, "borrower %lld does not exist", (long long)id);
    if (rc != SQLITE_ROW)
        return core_store_fail(store, "reading a borrower", err);
    return LD_OK;
}

ld_status core_borrower_require(core_store *store, const core_session *who, int64_t id,
                                core_action action, ld_error *err)
{
    ld_status st = core_perm_require(who, action, NULL, err);
    if (st != LD_OK)
        return st;
    core_customer_scope scope;
    if ((st = core_borrower_scope(store, id, &scope, err)) != LD_OK)
        return st;
    return core_perm_require(who, action, &scope, err);
}

static void put_money_col(cJSON *obj, const char *key, sqlite3_stmt *stmt, int col)
{
    if (sqlite3_column_type(stmt, col) != SQLITE_NULL)
        core_json_put_money(obj, key, sqlite3_column_int64(stmt, col));
}

static void put_int_col(cJSON *obj, const char *key, sqlite3_stmt *stmt, int col)
{
    if (sqlite3_column_type(stmt, col) != SQLITE_NULL)
        core_json_put_int(obj, key, sqlite3_column_int64(stmt, col));
}

static void put_text_col(cJSON *obj, const char *key, sqlite3_stmt *stmt, int col)
{
    if (sqlite3_column_type(stmt, col) != SQLITE_NULL)
        cJSON_AddStringToObject(obj, key, (const char *)sqlite3_column_text(stmt, col));
}

/* The record in input shape (plus id, officer, birth_date). */
static ld_status borrower_json(core_store *store, int64_t id, cJSON **out, ld_error *err)
{
    static const char sql[] =
        "SELECT b.kind, b.name, b.id_number, b.phone, b.address, b.birth_date, b.employer, "
        "b.years_employed, b.monthly_income, b.existing_debt, b.existing_monthly_repayment, "
        "b.industry, b.industry_risk_class, b.years_in_business, b.registered_capital, "
        "b.blocklisted, u.username FROM borrower b JOIN app_user u ON u.id = b.officer_id "
        "WHERE b.id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_reset(stmt);
        return LD_FAIL(err, LD_ENOTFOUND, "borrower %lld does not exist", (long long)id);
    }
    cJSON *b = cJSON_CreateObject();
    bool individual = strcmp((const char *)sqlite3_column_text(stmt, 0), "individual") == 0;
    core_json_put_int(b, "id", id);
    put_text_col(b, "kind", stmt, 0);
    put_text_col(b, "name", stmt, 1);
    put_text_col(b, individual ? "id_number" : "credit_code", stmt, 2);
    put_text_col(b, "phone", stmt, 3);
    put_text_col(b, "address", stmt, 4);
    if (individual) {
        put_text_col(b, "birth_date", stmt, 5);
        put_text_col(b, "employer", stmt, 6);
        put_int_col(b, "years_employed", stmt, 7);
        put_money_col(b, "monthly_income", stmt, 8);
        put_money_col(b, "existing_debt", stmt, 9);
        put_money_col(b, "existing_monthly_repayment", stmt, 10);
    } else {
        put_text_col(b, "industry", stmt, 11);
        put_int_col(b, "industry_risk_class", stmt, 12);
        put_int_col(b, "years_in_business", stmt, 13);
        put_money_col(b, "registered_capital", stmt, 14);
    }
    cJSON_AddBoolToObject(b, "blocklisted", sqlite3_column_int(stmt, 15));
    put_text_col(b, "officer", stmt, 16);
    sqlite3_reset(stmt);
    if (!individual) {
        static const char fsql[] =
            "SELECT year, total_assets, total_liabilities, current_assets, current_liabilities, "
            "inventory, revenue, net_profit, operating_cash_flow FROM financial_statement "
            "WHERE borrower_id = ? ORDER BY year";
        if ((stmt = core_store_stmt(store, fsql, err)) == NULL) {
            cJSON_Delete(b);
            return LD_EINTERNAL;
        }
        sqlite3_bind_int64(stmt, 1, id);
        cJSON *list = cJSON_AddArrayToObject(b, "financials");
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            cJSON *fs = cJSON_CreateObject();
            put_int_col(fs, "year", stmt, 0);
            for (int i = 1; financial_fields[i] != NULL; i++)
                put_money_col(fs, financial_fields[i], stmt, i);
            cJSON_AddItemToArray(list, fs);
        }
        sqlite3_reset(stmt);
    }
    *out = b;
    return LD_OK;
}

static void strip_readonly(cJSON *record)
{
    static const char *const readonly[] = {"id", "officer", "birth_date", "applications"};
    for (size_t i = 0; i < sizeof readonly / sizeof readonly[0]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(record, readonly[i]);
}

ld_status core_borrower_add(core_store *store, const core_session *who, const cJSON *input,
                            int64_t *id_out, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_BORROWER_CREATE, NULL, err)) != LD_OK)
        return st;
    return core_borrower_insert(store, who, input, "", true, id_out, err);
}

ld_status core_borrower_insert(core_store *store, const core_session *who, const cJSON *input,
                               const char *path, bool audit, int64_t *id_out, ld_error *err)
{
    ld_status st = core_borrower_validate(input, path, err);
    if (st != LD_OK)
        return st;
    cJSON *record = cJSON_Duplicate(input, 1);
    strip_readonly(record);
    int64_t id;
    st = write_borrower(store, who, 0, record, &id, err);
    if (st != LD_OK && path[0] != '\0' && err != NULL && strncmp(err->message, path, strlen(path)))
        ld_error_prefix(err, "%s", path);
    if (st == LD_OK && audit) {
        cJSON *detail = cJSON_CreateObject();
        cJSON_AddItemToObject(detail, "after", record);
        record = NULL;
        st = core_audit_record(store, who, "borrower.add", "borrower", id, detail, err);
        cJSON_Delete(detail);
    }
    cJSON_Delete(record);
    if (st == LD_OK)
        *id_out = id;
    return st;
}

ld_status core_borrower_update(core_store *store, const core_session *who, int64_t id,
                               const cJSON *changes, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_borrower_require(store, who, id, CORE_ACT_CUSTOMER_EDIT, err)) != LD_OK)
        return st;
    if (!cJSON_IsObject(changes))
        return LD_FAIL(err, LD_EINVAL, "input: must be a JSON object of the fields to change");
    cJSON *before = NULL, *merged = NULL, *detail = NULL;
    if ((st = borrower_json(store, id, &before, err)) != LD_OK)
        return st;
    strip_readonly(before);
    merged = cJSON_Duplicate(before, 1);
    const cJSON *change;
    cJSON_ArrayForEach(change, changes)
    {
        if (strcmp(change->string, "kind") == 0 || strcmp(change->string, "id_number") == 0 ||
            strcmp(change->string, "credit_code") == 0) {
            const cJSON *old = cJSON_GetObjectItemCaseSensitive(before, change->string);
            if (old == NULL || !cJSON_Compare(old, change, 1)) {
                st = LD_FAIL(err, LD_EINVAL, "%s: cannot be changed; register a new borrower",
                             change->string);
                goto out;
            }
        }
        if (strcmp(change->string, "id") == 0 || strcmp(change->string, "officer") == 0 ||
            strcmp(change->string, "birth_date") == 0 ||
            strcmp(change->string, "applications") == 0)
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(merged, change->string);
        if (!cJSON_IsNull(change))
            cJSON_AddItemToObject(merged, change->string, cJSON_Duplicate(change, 1));
    }
    if ((st = core_borrower_validate(merged, "", err)) != LD_OK)
        goto out;
    int64_t same;
    if ((st = write_borrower(store, who, id, merged, &same, err)) != LD_OK)
        goto out;
    detail = core_audit_diff(before, merged);
    st = core_audit_record(store, who, "borrower.update", "borrower", id, detail, err);
out:
    cJSON_Delete(before);
    cJSON_Delete(merged);
    cJSON_Delete(detail);
    return st;
}

ld_status core_borrower_show(core_store *store, const core_session *who, int64_t id, cJSON **out,
                             ld_error *err)
{
    ld_status st = core_borrower_require(store, who, id, CORE_ACT_CUSTOMER_READ, err);
    if (st != LD_OK)
        return st;
    cJSON *b;
    if ((st = borrower_json(store, id, &b, err)) != LD_OK)
        return st;
    static const char sql[] = "SELECT id, product_code, amount, term_months, state FROM "
                              "application WHERE borrower_id = ? ORDER BY id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL) {
        cJSON_Delete(b);
        return LD_EINTERNAL;
    }
    sqlite3_bind_int64(stmt, 1, id);
    cJSON *apps = cJSON_AddArrayToObject(b, "applications");
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *a = cJSON_CreateObject();
        put_int_col(a, "id", stmt, 0);
        put_text_col(a, "product", stmt, 1);
        put_money_col(a, "amount", stmt, 2);
        put_int_col(a, "term_months", stmt, 3);
        put_text_col(a, "state", stmt, 4);
        cJSON_AddItemToArray(apps, a);
    }
    sqlite3_reset(stmt);
    *out = b;
    return LD_OK;
}

ld_status core_borrower_list(core_store *store, const core_session *who, cJSON **out, ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err);
    if (st != LD_OK)
        return st;
    /* Visibility mirrors core_perm_require's customer scope, in SQL so that a
     * list never reads rows it would then have to hide. */
    static const char sql[] =
        "SELECT b.id, b.kind, b.name, b.id_number, u.username, b.officer_id, "
        "(SELECT count(*) FROM application a WHERE a.borrower_id = b.id) "
        "FROM borrower b JOIN app_user u ON u.id = b.officer_id "
        "WHERE ?1 IN ('manager', 'auditor') OR (?1 = 'officer' AND b.officer_id = ?2) "
        "OR (?1 = 'reviewer' AND EXISTS (SELECT 1 FROM application a WHERE a.borrower_id = b.id "
        "AND a.state NOT IN ('draft', 'withdrawn'))) ORDER BY b.id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, core_role_name(who->role));
    sqlite3_bind_int64(stmt, 2, who->user_id);
    cJSON *rows = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *row = cJSON_CreateObject();
        put_int_col(row, "id", stmt, 0);
        put_text_col(row, "kind", stmt, 1);
        put_text_col(row, "name", stmt, 2);
        char masked[64];
        const char *number = (const char *)sqlite3_column_text(stmt, 3);
        if (sqlite3_column_int64(stmt, 5) == who->user_id)
            snprintf(masked, sizeof masked, "%s", number);
        else
            core_mask_id_number(number, masked, sizeof masked);
        cJSON_AddStringToObject(row, "id_number", masked);
        put_text_col(row, "officer", stmt, 4);
        put_int_col(row, "applications", stmt, 6);
        cJSON_AddItemToArray(rows, row);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(rows);
        return core_store_fail(store, "listing borrowers", err);
    }
    *out = rows;
    return LD_OK;
}

ld_status core_borrower_assign(core_store *store, const core_session *who, int64_t id,
                               const char *officer_username, ld_error *err)
{
    ld_status st;
    core_customer_scope scope;
    int64_t officer_id;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_CUSTOMER_ASSIGN, NULL, err)) != LD_OK ||
        (st = core_borrower_scope(store, id, &scope, err)) != LD_OK ||
        (st = core_user_officer_id(store, "officer", officer_username, &officer_id, err)) != LD_OK)
        return st;
    if (officer_id == scope.officer_id)
        return LD_FAIL(err, LD_EINVAL, "officer: the customer is already assigned to %s",
                       officer_username);
    static const char sql[] = "UPDATE borrower SET officer_id = ?, updated_at = ? WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_now_iso(now);
    sqlite3_bind_int64(stmt, 1, officer_id);
    core_store_bind_text(stmt, 2, now);
    sqlite3_bind_int64(stmt, 3, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reassigning the borrower", err);
    cJSON *detail = cJSON_CreateObject();
    cJSON *change = cJSON_AddObjectToObject(detail, "officer_id");
    core_json_put_int(change, "before", scope.officer_id);
    core_json_put_int(change, "after", officer_id);
    st = core_audit_record(store, who, "borrower.assign", "borrower", id, detail, err);
    cJSON_Delete(detail);
    return st;
}
