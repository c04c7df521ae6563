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
#include "schema_int.h"
#include "store_sql.h"
#include "text.h"
#include "user.h"

static const char *const kind_names[] = {"individual", "enterprise", NULL};

/* Why a record may not carry the blocklist flag, where a record names it. */
static const char blocklist_rule[] =
    "is set and cleared only by a reviewer or manager, with a reason (loandesk borrower "
    "blocklist / borrower unblock)";

static const char *const individual_fields[] = {
    "kind", "name", "id_number", "phone", "address", "employer", "years_employed", "monthly_income",
    "existing_debt", "existing_monthly_repayment", "blocklisted", "employment_type", "housing",
    "education", "years_at_address", "attributes",
    /* read-only fields that show prints; accepted so show output round-trips */
    "id", "officer", "birth_date", "applications", "guarantees", "guarantees_given_total", NULL};
static const char *const enterprise_fields[] = {"kind",
                                                "name",
                                                "credit_code",
                                                "phone",
                                                "address",
                                                "industry",
                                                "industry_risk_class",
                                                "years_in_business",
                                                "registered_capital",
                                                "tax_rating",
                                                "attributes",
                                                "financials",
                                                "blocklisted",
                                                "id",
                                                "officer",
                                                "applications",
                                                "guarantees",
                                                "guarantees_given_total",
                                                NULL};
static const char *const financial_fields[] = {
    "year",           "total_assets",        "total_liabilities",
    "current_assets", "current_liabilities", "inventory",
    "revenue",        "net_profit",          "operating_cash_flow",
    "cost_of_sales",  "receivables",         "interest_expense",
    "income_tax",     "related_party_sales", NULL};
const char *const core_employment_type_names[] = {"civil_servant",
                                                  "state_enterprise",
                                                  "employee",
                                                  "self_employed",
                                                  "business_owner",
                                                  "freelance",
                                                  "retired",
                                                  "student",
                                                  "unemployed",
                                                  "other",
                                                  NULL};
const char *const core_housing_names[] = {"own", "mortgage", "rent", "family", "other", NULL};
const char *const core_education_names[] = {"postgraduate", "bachelor", "college", "secondary",
                                            "primary",      "other",    NULL};
const char *const core_tax_rating_names[] = {"A", "B", "M", "C", "D", NULL};

/* Reads the phone number into *out, checking it is 7 to 15 digits. */
static ld_status read_phone(const cJSON *input, const char *path, const char **out, ld_error *err)
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
    *out = phone;
    return LD_OK;
}

/* An optional amount or count: -1 when the record does not give it. */
static ld_status read_optional_money(const cJSON *input, const char *path, const char *key,
                                     ld_money *out, ld_error *err)
{
    bool present = false;
    ld_status st = core_json_money(input, path, key, false, false, out, &present, err);
    if (st == LD_OK && !present)
        *out = -1;
    return st;
}

static ld_status read_financials(const cJSON *input, const char *path, ld_date today,
                                 core_borrower_row *out, ld_error *err)
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
    ld_date_to_ymd(today, &this_year, &month, &day);
    const cJSON *fs;
    cJSON_ArrayForEach(fs, list)
    {
        char item[160];
        snprintf(item, sizeof item, "%s[%d]", field, index);
        if (index >= CORE_FINANCIAL_YEARS_MAX)
            return LD_FAIL(err, LD_EINVAL, "%s: at most %d years of statements", field,
                           CORE_FINANCIAL_YEARS_MAX);
        core_financial_row *row = &out->financials[index];
        ld_status st;
        int64_t year;
        row->inventory = 0; /* not reported: none held */
        if ((st = core_json_reject_unknown(fs, item, financial_fields, err)) != LD_OK ||
            (st = core_json_int(fs, item, "year", true, 1900, this_year, &year, NULL, err)) !=
                LD_OK ||
            (st = core_json_money(fs, item, "total_assets", true, false, &row->total_assets, NULL,
                                  err)) != LD_OK ||
            (st = core_json_money(fs, item, "total_liabilities", true, false,
                                  &row->total_liabilities, NULL, err)) != LD_OK ||
            (st = core_json_money(fs, item, "current_assets", true, false, &row->current_assets,
                                  NULL, err)) != LD_OK ||
            (st = core_json_money(fs, item, "current_liabilities", true, false,
                                  &row->current_liabilities, NULL, err)) != LD_OK ||
            (st = core_json_money(fs, item, "inventory", false, false, &row->inventory, NULL,
                                  err)) != LD_OK ||
            (st = core_json_money(fs, item, "revenue", true, false, &row->revenue, NULL, err)) !=
                LD_OK ||
            (st = core_json_money(fs, item, "net_profit", true, true, &row->net_profit, NULL,
                                  err)) != LD_OK ||
            (st = core_json_money(fs, item, "operating_cash_flow", true, true,
                                  &row->operating_cash_flow, NULL, err)) != LD_OK ||
            (st = read_optional_money(fs, item, "cost_of_sales", &row->cost_of_sales, err)) !=
                LD_OK ||
            (st = read_optional_money(fs, item, "receivables", &row->receivables, err)) != LD_OK ||
            (st = read_optional_money(fs, item, "interest_expense", &row->interest_expense, err)) !=
                LD_OK ||
            (st = read_optional_money(fs, item, "income_tax", &row->income_tax, err)) != LD_OK ||
            (st = read_optional_money(fs, item, "related_party_sales", &row->related_party_sales,
                                      err)) != LD_OK)
            return st;
        row->year = (int)year;
        if (row->current_assets > row->total_assets)
            return LD_FAIL(err, LD_EINVAL, "%s.current_assets: must not exceed total_assets", item);
        if (row->current_liabilities > row->total_liabilities)
            return LD_FAIL(err, LD_EINVAL,
                           "%s.current_liabilities: must not exceed total_liabilities", item);
        if (row->cost_of_sales > row->revenue)
            return LD_FAIL(err, LD_EINVAL, "%s.cost_of_sales: must not exceed revenue", item);
        if (row->related_party_sales > row->revenue)
            return LD_FAIL(err, LD_EINVAL, "%s.related_party_sales: must not exceed revenue", item);
        if (row->receivables > row->current_assets)
            return LD_FAIL(err, LD_EINVAL, "%s.receivables: must not exceed current_assets", item);
        if (row->inventory > row->current_assets)
            return LD_FAIL(err, LD_EINVAL, "%s.inventory: must not exceed current_assets", item);
        for (int j = 0; j < index; j++)
            if (out->financials[j].year == row->year)
                return LD_FAIL(err, LD_EINVAL, "%s.year: %lld appears twice", item,
                               (long long)year);
        out->financial_count = ++index;
    }
    return LD_OK;
}

ld_status core_borrower_read(const cJSON *input, const char *path, ld_date today,
                             const core_attribute_set *attributes, core_borrower_row *out,
                             ld_error *err)
{
    int kind = 0;
    ld_status st;
    bool present;
    char field[128];
    if (!cJSON_IsObject(input))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a JSON object",
                       path && path[0] ? path : "borrower");
    if ((st = core_json_choice(input, path, "kind", true, kind_names, &kind, NULL, err)) != LD_OK)
        return st;
    /* Field by field: the statement array is large and only its used part matters. */
    out->kind = kind == 0 ? CORE_BORROWER_INDIVIDUAL : CORE_BORROWER_ENTERPRISE;
    out->name = out->id_number = out->phone = out->address = NULL;
    out->employer = out->industry = NULL;
    out->birth = 0;
    out->years_employed = out->monthly_income = out->existing_debt = -1;
    out->existing_monthly_repayment = out->industry_risk_class = out->years_in_business = -1;
    out->registered_capital = -1;
    out->employment_type = out->housing = out->education = out->tax_rating = -1;
    out->years_at_address = -1;
    out->blocklisted = false;
    out->financial_count = 0;
    if ((st = core_json_reject_unknown(
             input, path, kind == 0 ? individual_fields : enterprise_fields, err)) != LD_OK ||
        (st = core_json_text(input, path, "name", true, 200, &out->name, NULL, err)) != LD_OK ||
        (st = read_phone(input, path, &out->phone, err)) != LD_OK ||
        (st = core_json_text(input, path, "address", true, 400, &out->address, NULL, err)) != LD_OK)
        return st;
    /* The blocklist is the risk staff's knock-out: a record never sets it, so
     * neither the customer's officer nor an import can forge it (false, as
     * show prints it for a clear customer, is accepted so the shape
     * round-trips; the update path refuses any change of it). */
    bool blocklisted = false;
    if ((st = core_json_bool(input, path, "blocklisted", false, &blocklisted, NULL, err)) != LD_OK)
        return st;
    if (blocklisted)
        return LD_FAIL(err, LD_EINVAL, "%s: %s",
                       core_json_field(field, sizeof field, path, "blocklisted"), blocklist_rule);
    if ((st = core_attributes_normalize(attributes,
                                        cJSON_GetObjectItemCaseSensitive(input, "attributes"), path,
                                        out->attributes, err)) != LD_OK)
        return st;
    if (kind == 0) {
        if ((st = core_json_text(input, path, "id_number", true, 18, &out->id_number, NULL, err)) !=
                LD_OK ||
            (st = core_resident_id_check(core_json_field(field, sizeof field, path, "id_number"),
                                         out->id_number, today, &out->birth, err)) != LD_OK ||
            (st = core_json_text(input, path, "employer", false, 200, &out->employer, NULL, err)) !=
                LD_OK ||
            (st = core_json_int(input, path, "years_employed", false, 0, 60, &out->years_employed,
                                &present, err)) != LD_OK ||
            (st = core_json_money(input, path, "monthly_income", true, false, &out->monthly_income,
                                  NULL, err)) != LD_OK ||
            (st = read_optional_money(input, path, "existing_debt", &out->existing_debt, err)) !=
                LD_OK ||
            (st = read_optional_money(input, path, "existing_monthly_repayment",
                                      &out->existing_monthly_repayment, err)) != LD_OK)
            return st;
        if (!present)
            out->years_employed = -1;
        if ((st = core_json_choice(input, path, "employment_type", false,
                                   core_employment_type_names, &out->employment_type, NULL, err)) !=
                LD_OK ||
            (st = core_json_choice(input, path, "housing", false, core_housing_names, &out->housing,
                                   NULL, err)) != LD_OK ||
            (st = core_json_choice(input, path, "education", false, core_education_names,
                                   &out->education, NULL, err)) != LD_OK ||
            (st = core_json_int(input, path, "years_at_address", false, 0, 120,
                                &out->years_at_address, &present, err)) != LD_OK)
            return st;
        if (!present)
            out->years_at_address = -1;
        return LD_OK;
    }
    if ((st = core_json_text(input, path, "credit_code", true, 18, &out->id_number, NULL, err)) !=
            LD_OK ||
        (st = core_uscc_check(core_json_field(field, sizeof field, path, "credit_code"),
                              out->id_number, err)) != LD_OK ||
        (st = core_json_text(input, path, "industry", true, 100, &out->industry, NULL, err)) !=
            LD_OK ||
        (st = core_json_int(input, path, "industry_risk_class", true, 1, 5,
                            &out->industry_risk_class, NULL, err)) != LD_OK ||
        (st = core_json_int(input, path, "years_in_business", true, 0, 300, &out->years_in_business,
                            NULL, err)) != LD_OK ||
        (st = core_json_money(input, path, "registered_capital", true, false,
                              &out->registered_capital, NULL, err)) != LD_OK ||
        (st = core_json_choice(input, path, "tax_rating", false, core_tax_rating_names,
                               &out->tax_rating, NULL, err)) != LD_OK)
        return st;
    return read_financials(input, path, today, out, err);
}

ld_status core_borrower_validate(const cJSON *input, const char *path, ld_date today, ld_error *err)
{
    core_borrower_row row;
    return core_borrower_read(input, path, today, NULL, &row, err);
}

/* The variables of the policy in force (none before a policy is loaded). */
static const core_attribute_set *policy_attributes(core_store *store)
{
    const core_policy_terms *terms = NULL;
    return core_policy_terms_get(store, &terms, NULL) == LD_OK ? &terms->attributes : NULL;
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

/* Binds an optional number: NULL when the row did not give it. */
static void bind_optional(sqlite3_stmt *stmt, int index, int64_t value)
{
    if (value < 0)
        sqlite3_bind_null(stmt, index);
    else
        sqlite3_bind_int64(stmt, index, value);
}

/* The name of choice index, or NULL (stored as NULL) when the record gave none. */
static const char *choice_name(const char *const *names, int index)
{
    return index < 0 ? NULL : names[index];
}

/* Writes a row's financial statements, replacing old ones (none for a new borrower). */
static ld_status write_financials(core_store *store, int64_t id, const core_borrower_row *row,
                                  bool replace, ld_error *err)
{
    sqlite3_stmt *stmt;
    int rc;
    if (replace) {
        static const char del[] = "DELETE FROM financial_statement WHERE borrower_id = ?";
        if ((stmt = core_store_stmt(store, del, err)) == NULL)
            return LD_EINTERNAL;
        sqlite3_bind_int64(stmt, 1, id);
        rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            return core_store_fail(store, "replacing financial statements", err);
    }
    static const char ins[] =
        "INSERT INTO financial_statement (borrower_id, year, total_assets, total_liabilities, "
        "current_assets, current_liabilities, inventory, revenue, net_profit, "
        "operating_cash_flow, cost_of_sales, receivables, interest_expense, income_tax, "
        "related_party_sales) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    for (int i = 0; i < row->financial_count; i++) {
        const core_financial_row *fs = &row->financials[i];
        if ((stmt = core_store_stmt(store, ins, err)) == NULL)
            return LD_EINTERNAL;
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_int(stmt, 2, fs->year);
        sqlite3_bind_int64(stmt, 3, fs->total_assets);
        sqlite3_bind_int64(stmt, 4, fs->total_liabilities);
        sqlite3_bind_int64(stmt, 5, fs->current_assets);
        sqlite3_bind_int64(stmt, 6, fs->current_liabilities);
        sqlite3_bind_int64(stmt, 7, fs->inventory);
        sqlite3_bind_int64(stmt, 8, fs->revenue);
        sqlite3_bind_int64(stmt, 9, fs->net_profit);
        sqlite3_bind_int64(stmt, 10, fs->operating_cash_flow);
        bind_optional(stmt, 11, fs->cost_of_sales);
        bind_optional(stmt, 12, fs->receivables);
        bind_optional(stmt, 13, fs->interest_expense);
        bind_optional(stmt, 14, fs->income_tax);
        bind_optional(stmt, 15, fs->related_party_sales);
        ld_status st = core_store_run_write(store, stmt, "storing financial statements", NULL, err);
        if (st != LD_OK)
            return st;
    }
    return LD_OK;
}

/* INSERT (id == 0, assigned to user_id) or UPDATE of every column from a row. */
static ld_status write_borrower(core_store *store, int64_t user_id, int64_t id,
                                const core_borrower_row *row, const char *now, int64_t *id_out,
                                ld_error *err)
{
    static const char ins[] =
        "INSERT INTO borrower (kind, name, id_number, phone, address, birth_date, employer, "
        "years_employed, monthly_income, existing_debt, existing_monthly_repayment, industry, "
        "industry_risk_class, years_in_business, registered_capital, blocklisted, officer_id, "
        "created_by, created_at, updated_at, employment_type, housing, education, "
        "years_at_address, tax_rating, attributes) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, "
        "?18, ?18, ?20, ?21, ?22, ?23, ?24, ?25)";
    static const char upd[] =
        "UPDATE borrower SET kind = ?1, name = ?2, id_number = ?3, phone = ?4, address = ?5, "
        "birth_date = ?6, employer = ?7, years_employed = ?8, monthly_income = ?9, "
        "existing_debt = ?10, existing_monthly_repayment = ?11, industry = ?12, "
        "industry_risk_class = ?13, years_in_business = ?14, registered_capital = ?15, "
        "updated_at = ?18, employment_type = ?20, housing = ?21, education = ?22, "
        "years_at_address = ?23, tax_rating = ?24, attributes = ?25 WHERE id = ?19";
    sqlite3_stmt *stmt = core_store_stmt(store, id == 0 ? ins : upd, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    bool individual = row->kind == CORE_BORROWER_INDIVIDUAL;
    char birth[LD_DATE_TEXT_MAX];
    core_store_bind_text_static(stmt, 1, kind_names[row->kind]);
    core_store_bind_text_static(stmt, 2, row->name);
    core_store_bind_text_static(stmt, 3, row->id_number);
    core_store_bind_text_static(stmt, 4, row->phone);
    core_store_bind_text_static(stmt, 5, row->address);
    core_store_bind_text_static(stmt, 6, individual ? ld_date_format(row->birth, birth) : NULL);
    core_store_bind_text_static(stmt, 7, row->employer);
    bind_optional(stmt, 8, row->years_employed);
    bind_optional(stmt, 9, row->monthly_income);
    bind_optional(stmt, 10, row->existing_debt);
    bind_optional(stmt, 11, row->existing_monthly_repayment);
    core_store_bind_text_static(stmt, 12, row->industry);
    bind_optional(stmt, 13, row->industry_risk_class);
    bind_optional(stmt, 14, row->years_in_business);
    bind_optional(stmt, 15, row->registered_capital);
    sqlite3_bind_int(stmt, 16, row->blocklisted);
    if (id == 0)
        sqlite3_bind_int64(stmt, 17, user_id);
    core_store_bind_text_static(stmt, 18, now);
    if (id != 0)
        sqlite3_bind_int64(stmt, 19, id);
    core_store_bind_text_static(stmt, 20,
                                choice_name(core_employment_type_names, row->employment_type));
    core_store_bind_text_static(stmt, 21, choice_name(core_housing_names, row->housing));
    core_store_bind_text_static(stmt, 22, choice_name(core_education_names, row->education));
    bind_optional(stmt, 23, row->years_at_address);
    core_store_bind_text_static(stmt, 24, choice_name(core_tax_rating_names, row->tax_rating));
    core_store_bind_text_static(stmt, 25, row->attributes[0] ? row->attributes : NULL);
    int64_t new_id;
    ld_status st = core_store_run_write(store, stmt, "storing the borrower", &new_id, err);
    if (st != LD_OK) {
        if (sqlite3_extended_errcode(core_store_db(store)) == SQLITE_CONSTRAINT_UNIQUE)
            return LD_FAIL(err, LD_EINVAL, "%s: a borrower with this number already exists",
                           individual ? "id_number" : "credit_code");
        return st;
    }
    bool replace = id != 0;
    if (id == 0)
        id = new_id;
    if (!individual && (st = write_financials(store, id, row, replace, err)) != LD_OK)
        return st;
    *id_out = id;
    return LD_OK;
}

ld_status core_borrower_store_new(core_store *store, int64_t user_id, const core_borrower_row *row,
                                  const char *path, const char *now, int64_t *id_out, ld_error *err)
{
    ld_status st = write_borrower(store, user_id, 0, row, now, id_out, err);
    if (st != LD_OK && path[0] != '\0' && err != NULL && strncmp(err->message, path, strlen(path)))
        ld_error_prefix(err, "%s", path);
    return st;
}

ld_status core_borrower_scope(core_store *store, int64_t id, core_customer_scope *out,
                              ld_error *err)
{
    /* under_review is kept by triggers on application (schema.c): reading it
     * costs one row, where an EXISTS over the borrower's applications read
     * every draft of a customer with thousands of them on every check. */
    static const char sql[] = "SELECT officer_id, under_review FROM borrower WHERE id = ?";
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
        "b.blocklisted, u.username, b.employment_type, b.housing, b.education, "
        "b.years_at_address, b.tax_rating, b.attributes FROM borrower b "
        "JOIN app_user u ON u.id = b.officer_id "
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
        put_text_col(b, "employment_type", stmt, 17);
        put_text_col(b, "housing", stmt, 18);
        put_text_col(b, "education", stmt, 19);
        put_int_col(b, "years_at_address", stmt, 20);
    } else {
        put_text_col(b, "industry", stmt, 11);
        put_int_col(b, "industry_risk_class", stmt, 12);
        put_int_col(b, "years_in_business", stmt, 13);
        put_money_col(b, "registered_capital", stmt, 14);
        put_text_col(b, "tax_rating", stmt, 21);
    }
    const char *attributes = (const char *)sqlite3_column_text(stmt, 22);
    cJSON *parsed = attributes != NULL ? cJSON_Parse(attributes) : NULL;
    if (parsed != NULL)
        cJSON_AddItemToObject(b, "attributes", parsed);
    cJSON_AddBoolToObject(b, "blocklisted", sqlite3_column_int(stmt, 15));
    put_text_col(b, "officer", stmt, 16);
    sqlite3_reset(stmt);
    if (!individual) {
        static const char fsql[] =
            "SELECT year, total_assets, total_liabilities, current_assets, current_liabilities, "
            "inventory, revenue, net_profit, operating_cash_flow, cost_of_sales, receivables, "
            "interest_expense, income_tax, related_party_sales FROM financial_statement "
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

/* What show prints and no one writes through an add or an update. */
static const char *const readonly[] = {"id",
                                       "officer",
                                       "birth_date",
                                       "applications",
                                       "blocklisted",
                                       "guarantees",
                                       "guarantees_given_total"};

static bool is_readonly(const char *name)
{
    for (size_t i = 0; i < sizeof readonly / sizeof readonly[0]; i++)
        if (strcmp(name, readonly[i]) == 0)
            return true;
    return false;
}

static void strip_readonly(cJSON *record)
{
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
    core_borrower_row row;
    if ((st = core_borrower_read(input, "", core_store_today(store), policy_attributes(store), &row,
                                 err)) != LD_OK)
        return st;
    char now[32];
    core_store_now_iso(store, now);
    int64_t id;
    if ((st = core_borrower_store_new(store, who->user_id, &row, "", now, &id, err)) != LD_OK)
        return st;
    cJSON *record = cJSON_Duplicate(input, 1);
    strip_readonly(record);
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddItemToObject(detail, "after", record);
    st = core_audit_record(store, who, "borrower.add", "borrower", id, detail, err);
    cJSON_Delete(detail);
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
    /* show's output round-trips with the flag as it is; changing it is the
     * risk staff's operation (core_borrower_blocklist). */
    const cJSON *flag = cJSON_GetObjectItemCaseSensitive(changes, "blocklisted");
    if (flag != NULL &&
        !cJSON_Compare(flag, cJSON_GetObjectItemCaseSensitive(before, "blocklisted"), 1)) {
        st = LD_FAIL(err, LD_EPERM, "permission denied: blocklisted: %s", blocklist_rule);
        goto out;
    }
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
        if (is_readonly(change->string))
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(merged, change->string);
        if (!cJSON_IsNull(change))
            cJSON_AddItemToObject(merged, change->string, cJSON_Duplicate(change, 1));
    }
    core_borrower_row row;
    if ((st = core_borrower_read(merged, "", core_store_today(store), policy_attributes(store),
                                 &row, err)) != LD_OK)
        goto out;
    char now[32];
    core_store_now_iso(store, now);
    int64_t same;
    if ((st = write_borrower(store, who->user_id, id, &row, now, &same, err)) != LD_OK)
        goto out;
    detail = core_audit_diff(before, merged);
    st = core_audit_record(store, who, "borrower.update", "borrower", id, detail, err);
out:
    cJSON_Delete(before);
    cJSON_Delete(merged);
    cJSON_Delete(detail);
    return st;
}

ld_status core_borrower_blocklist(core_store *store, const core_session *who, int64_t id, bool on,
                                  const char *reason, ld_error *err)
{
    ld_status st;
    int64_t current = 0;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_BORROWER_BLOCKLIST, NULL, err)) != LD_OK)
        return st;
    if (reason == NULL || reason[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "reason: %s a customer needs a written reason",
                       on ? "blocklisting" : "unblocking");
    if ((st = core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err)) != LD_OK)
        return st;
    st = core_store_query_int(store, "SELECT blocklisted FROM borrower WHERE id = ?", id, &current,
                              err);
    if (st == LD_ENOTFOUND)
        return LD_FAIL(err, LD_ENOTFOUND, "borrower %lld does not exist", (long long)id);
    if (st != LD_OK)
        return st;
    if ((current != 0) == on)
        return LD_FAIL(err, LD_ESTATE, "borrower %lld is %s", (long long)id,
                       on ? "already blocklisted" : "not blocklisted");
    static const char sql[] = "UPDATE borrower SET blocklisted = ?1, updated_at = ?2 WHERE id = ?3";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int(stmt, 1, on);
    core_store_bind_text(stmt, 2, now);
    sqlite3_bind_int64(stmt, 3, id);
    int64_t unused;
    if ((st = core_store_run_write(store, stmt, "changing the blocklist", &unused, err)) != LD_OK)
        return st;
    const char *action = on ? "borrower.blocklist" : "borrower.unblock";
    cJSON *detail = cJSON_CreateObject();
    cJSON *change = cJSON_AddObjectToObject(detail, "blocklisted");
    cJSON_AddBoolToObject(change, "before", !on);
    cJSON_AddBoolToObject(change, "after", on);
    cJSON_AddStringToObject(detail, "reason", reason);
    st = core_audit_record(store, who, action, "borrower", id, detail, err);
    cJSON_Delete(detail);
    if (st != LD_OK)
        return st;
    /* A knock-out of every rating, so the ledger keeps who set or cleared it. */
    cJSON *fields = cJSON_CreateObject();
    core_json_put_int(fields, "borrower_id", id);
    cJSON_AddBoolToObject(fields, "blocklisted", on);
    cJSON_AddStringToObject(fields, "reason", reason);
    core_json_put_int(fields, "user_id", who->user_id);
    cJSON_AddStringToObject(fields, "user", who->username);
    st = core_event_emit(store, action, fields, err);
    cJSON_Delete(fields);
    return st;
}

/* The guarantees this borrower gives for others' applications: guarantor
 * records naming the borrower (borrower_id) or carrying its identity number
 * (a resident ID or credit code), with "guarantees_given_total" the amount
 * guaranteed on applications still alive (neither rejected nor withdrawn).
 * The applicant of each is another customer's file: only its application's
 * id and state are shown. */
static ld_status guarantees_given(core_store *store, int64_t id, cJSON *b, ld_error *err)
{
    static const char sql[] =
        "SELECT g.application_id, a.state, g.guarantee_type, g.guaranteed_amount FROM guarantor g "
        "JOIN application a ON a.id = g.application_id "
        "WHERE g.id IN (SELECT id FROM guarantor WHERE borrower_id = ?1 UNION "
        "SELECT id FROM guarantor WHERE id_number = (SELECT id_number FROM borrower WHERE id = "
        "?1)) ORDER BY g.application_id, g.id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    cJSON *list = cJSON_AddArrayToObject(b, "guarantees");
    ld_money total = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *g = cJSON_CreateObject();
        put_int_col(g, "application_id", stmt, 0);
        put_text_col(g, "state", stmt, 1);
        put_text_col(g, "guarantee_type", stmt, 2);
        put_money_col(g, "guaranteed_amount", stmt, 3);
        cJSON_AddItemToArray(list, g);
        const char *state = (const char *)sqlite3_column_text(stmt, 1);
        bool alive = strcmp(state, "rejected") != 0 && strcmp(state, "withdrawn") != 0;
        if (alive && __builtin_add_overflow(total, sqlite3_column_int64(stmt, 3), &total)) {
            sqlite3_reset(stmt);
            return LD_FAIL(err, LD_EINVAL, "guaranteed_amount: the sum overflows");
        }
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading the guarantees given", err);
    core_json_put_money(b, "guarantees_given_total", total);
    return LD_OK;
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
    if ((st = guarantees_given(store, id, b, err)) != LD_OK) {
        cJSON_Delete(b);
        return st;
    }
    *out = b;
    return LD_OK;
}

/* Runs each statement of sql in turn, binding ?1 to value where one has it. */
static ld_status exec_each(core_store *store, const char *sql, int64_t value, const char *what,
                           ld_error *err)
{
    const char *next = sql;
    while (*next != '\0') {
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(core_store_db(store), next, -1, &stmt, &next) != SQLITE_OK)
            return core_store_fail(store, what, err);
        if (stmt == NULL) /* white space after the last statement */
            continue;
        if (sqlite3_bind_parameter_count(stmt) > 0)
            sqlite3_bind_int64(stmt, 1, value);
        int rc = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE)
            return core_store_fail(store, what, err);
    }
    return LD_OK;
}

ld_status core_borrower_postings_suspend(core_store *store, int64_t *last_id_out, ld_error *err)
{
    int64_t last_id;
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_store_query_int(store, "SELECT coalesce(max(id), 0) FROM borrower", 0, &last_id,
                                   err)) != LD_OK ||
        (st = exec_each(store, core_schema_name_postings_suspend, 0, "suspending the name postings",
                        err)) != LD_OK)
        return st;
    *last_id_out = last_id;
    return LD_OK;
}

ld_status core_borrower_postings_resume(core_store *store, int64_t last_id, ld_error *err)
{
    return exec_each(store, core_schema_name_postings_resume, last_id,
                     "posting the loaded borrowers' names", err);
}

/* A list row; the identity number is shown whole to the responsible officer
 * only (docs/design.md: customer data is confidential). */
static cJSON *borrower_list_row(sqlite3_stmt *stmt, void *context)
{
    const core_session *who = context;
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
    return row;
}

/* A resident ID as GB 11643 writes it: 17 digits and the check character. A
 * number that is not one can match no borrower, so it is refused rather than
 * answered with an empty list. */
static ld_status check_resident_id(const char *field, const char *id, ld_error *err)
{
    bool digits = strlen(id) == 18;
    for (int i = 0; digits && i < 17; i++)
        digits = id[i] >= '0' && id[i] <= '9';
    if (!digits || core_resident_id_check_char(id) != id[17])
        return LD_FAIL(err, LD_EINVAL,
                       "%s: not a resident identity number (18 characters, "
                       "the last its check character)",
                       field);
    return LD_OK;
}

/* A name containing text: with Latin letters by LIKE, which folds their
 * case, with `%` and `_` escaped so that they match themselves; without
 * (Chinese names, digits) by instr(), which compares bytes and so is literal
 * already, and costs a quarter less per name (a search reads every name). */
static ld_status add_name_condition(core_sql *where, const char *name, char *pattern, size_t size,
                                    ld_error *err)
{
    bool latin = false;
    for (const char *c = name; *c != '\0'; c++)
        latin = latin || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z');
    ld_status st = core_sql_like_contains("name", name, pattern, size, err);
    if (st != LD_OK)
        return st;
    if (latin)
        core_sql_add_text(where, " AND b.name LIKE ? ESCAPE '\\'", pattern);
    else
        core_sql_add_text(where, " AND instr(b.name, ?) > 0", name);
    return LD_OK;
}

/* The filter's conditions and the scope; *pattern receives the name's LIKE
 * pattern, which must live until the query is prepared. */
static ld_status borrower_conditions(core_store *store, const core_session *who,
                                     const core_borrower_filter *f, core_sql *where, char *pattern,
                                     size_t size, ld_error *err)
{
    ld_status st;
    core_sql_init(where);
    if (f->name != NULL && (st = add_name_condition(where, f->name, pattern, size, err)) != LD_OK)
        return st;
    if (f->id_number != NULL) {
        if ((st = check_resident_id("id_number", f->id_number, err)) != LD_OK)
            return st;
        core_sql_add_text(where, " AND b.kind = 'individual' AND b.id_number = ?", f->id_number);
    }
    if (f->credit_code != NULL) {
        if ((st = core_uscc_check("credit_code", f->credit_code, err)) != LD_OK)
            return st;
        core_sql_add_text(where, " AND b.kind = 'enterprise' AND b.id_number = ?", f->credit_code);
    }
    if (f->kind != NULL) {
        if (strcmp(f->kind, "individual") != 0 && strcmp(f->kind, "enterprise") != 0)
            return LD_FAIL(err, LD_EINVAL, "kind: must be individual or enterprise");
        core_sql_add_text(where, " AND b.kind = ?", f->kind);
    }
    if (f->officer != NULL) {
        int64_t officer_id;
        if ((st = core_list_officer_id(store, "officer", f->officer, &officer_id, err)) != LD_OK)
            return st;
        core_sql_add_int(where, " AND b.officer_id = ?", officer_id);
    }
    /* The scope last: SQLite tests the conditions in the order written, and
     * a name is tested from the index alone, the scope from the table row. */
    core_sql_add_customer_scope(where, who, f->name || f->id_number || f->credit_code);
    return LD_OK;
}

/* A character whose postings reach this many is common: intersecting it
 * would confirm about as many names as scanning the name index reads. */
#define NAME_CHAR_COMMON 50000

static int64_t name_char_common(const core_store *store)
{
    int64_t set = core_store_name_common(store);
    return set > 0 ? set : NAME_CHAR_COMMON;
}

/* Characters of a name search kept for intersecting; the rarest decides the
 * cost, the next two prune most candidates before their names are read. */
#define NAME_CHARS_MAX 3

/* A character as substr() cuts it: one to four bytes of UTF-8, more only
 * for text that is not UTF-8 (such a search scans instead). */
#define NAME_CHAR_BYTES 16

/* The searched text's characters, rarest first, as the postings count them. */
typedef struct name_chars {
    char ch[NAME_CHARS_MAX][NAME_CHAR_BYTES];
    int count;           /* distinct characters kept, at most NAME_CHARS_MAX */
    int64_t rarest;      /* postings of ch[0], counted up to NAME_CHAR_COMMON */
    int64_t text_length; /* characters in the searched text */
} name_chars;

/* Splits the text with substr() and lower(), as the postings' triggers do,
 * and counts each character's postings up to NAME_CHAR_COMMON (a range of
 * the postings' key, so a rare character costs what it holds). Returns
 * LD_ENOTFOUND when a character does not fit NAME_CHAR_BYTES. */
static ld_status name_chars_rarest(core_store *store, const char *text, name_chars *out,
                                   ld_error *err)
{
    static const char sql[] =
        "WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at WHERE n < length(?1)), "
        "q(ch) AS (SELECT DISTINCT substr(lower(?1), n, 1) FROM at) "
        "SELECT ch, (SELECT count(*) FROM (SELECT 1 FROM borrower_name_char p "
        "WHERE p.ch = q.ch LIMIT ?2)) AS postings, length(?1) FROM q ORDER BY postings LIMIT ?3";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, text);
    sqlite3_bind_int64(stmt, 2, name_char_common(store));
    sqlite3_bind_int(stmt, 3, NAME_CHARS_MAX);
    name_chars chars = {0};
    ld_status st = LD_OK;
    int rc;
    while (st == LD_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int bytes = sqlite3_column_bytes(stmt, 0);
        if (bytes >= NAME_CHAR_BYTES) {
            st = LD_ENOTFOUND;
            break;
        }
        memcpy(chars.ch[chars.count], sqlite3_column_text(stmt, 0), (size_t)bytes + 1);
        if (chars.count == 0)
            chars.rarest = sqlite3_column_int64(stmt, 1);
        chars.text_length = sqlite3_column_int64(stmt, 2);
        chars.count++;
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "counting a name's characters", err);
    sqlite3_reset(stmt);
    if (st == LD_OK)
        *out = chars;
    return st;
}

/* The postings of the searched characters as the list's rows: the rarest
 * character's postings in id order, each kept when the other characters
 * are posted for it too, then tested by the conditions (the exact substring
 * among them) on the borrower row. A one-character search with no other
 * condition than the scope is its postings exactly, and is read without the
 * rows (an officer's search never comes here: their index is narrower).
 * *posted receives the conditions; query->from and ->count_from the tables. */
static void name_postings_query(const name_chars *chars, const core_sql *conditions, bool reviewer,
                                bool postings_alone, core_sql *posted, core_list_query *query)
{
    core_sql_init(posted);
    core_sql_add_text(posted, " AND p.ch = ?", chars->ch[0]);
    if (reviewer) /* the scope from the posting, before any other is read */
        core_sql_add(posted, " AND p.under_review = 1");
    for (int i = 1; i < chars->count; i++)
        core_sql_add_text(posted,
                          " AND EXISTS (SELECT 1 FROM borrower_name_char e WHERE e.ch = ? AND "
                          "e.borrower_id = p.borrower_id)",
                          chars->ch[i]);
    if (!postings_alone)
        core_sql_append(posted, conditions);
    query->from = postings_alone
                      ? "borrower_name_char p"
                      : "borrower_name_char p CROSS JOIN borrower b ON b.id = p.borrower_id";
    query->count_from = query->from;
    query->from_few = NULL;
    query->key = "p.borrower_id";
    /* The first column is the id in both the inner and the outer query, and
     * the postings hold it in order for one character. */
    query->order = " ORDER BY 1";
    query->where = posted;
}

/* A search of three or more characters, all common, through the trigram
 * index (migration 7): the total is counted from the index alone, as the
 * phrase of the lowered text's trigrams, which matches exactly the names
 * holding the text (LIKE's fold being lower()'s); the page's rows are read
 * in id order from the index and confirmed by the conditions, the exact
 * substring test among them. Only for a search whose scope and filters are
 * the name alone: any other condition would have to be counted on the rows.
 * *matched and *posted receive the conditions of the count and the rows. */
static void name_trigrams_query(const char *name, const core_sql *conditions, core_sql *matched,
                                core_sql *posted, core_list_query *query)
{
    /* A quoted FTS5 phrase, its own quote marks doubled, so that no
     * character of the text is read as query syntax. */
    static const char match[] = " AND borrower_name_fts MATCH "
                                "'\"' || replace(lower(?), '\"', '\"\"') || '\"'";
    core_sql_init(matched);
    core_sql_add_text(matched, match, name);
    core_sql_init(posted);
    core_sql_append(posted, matched);
    core_sql_append(posted, conditions);
    query->from = "borrower_name_fts CROSS JOIN borrower b ON b.id = borrower_name_fts.rowid";
    query->count_from = "borrower_name_fts";
    query->from_few = NULL;
    query->key = "borrower_name_fts.rowid";
    /* The index returns its rows in rowid order, the borrowers' ids. */
    query->order = " ORDER BY 1";
    query->where = posted;
    query->count_where = matched;
}

ld_status core_borrower_list_page(core_store *store, const core_session *who,
                                  const core_borrower_filter *filter, const core_page *page,
                                  core_page_result *out, ld_error *err)
{
    static const core_borrower_filter none = {0};
    const core_borrower_filter *f = filter != NULL ? filter : &none;
    core_page p;
    core_sql where, after;
    char pattern[256];
    ld_status st;
    if ((st = core_list_begin(who, page, &p, err)) != LD_OK ||
        (st = borrower_conditions(store, who, f, &where, pattern, sizeof pattern, err)) != LD_OK)
        return st;
    core_sql_init(&after);
    core_sql_add_int(&after, " AND b.id > ?", p.after);
    /* A name that few borrowers bear is found by reading a name index
     * (narrower than the table) and sorting the ids of the matches: one
     * officer's customers by (officer, name), everyone's by name. More
     * matches are met soon enough walking in id order. */
    bool one_officer = who->role == CORE_ROLE_OFFICER || f->officer != NULL;
    const char *by_name = f->name == NULL || f->id_number != NULL || f->credit_code != NULL ? NULL
                          : one_officer ? "borrower b INDEXED BY borrower_by_officer_name"
                                        : "borrower b INDEXED BY borrower_by_name";
    core_list_query query = {
        .columns = "b.id, b.kind, b.name, b.id_number, u.username, b.officer_id, "
                   "(SELECT count(*) FROM application a WHERE a.borrower_id = b.id)",
        .display = "JOIN borrower b ON b.id = k.id JOIN app_user u ON u.id = b.officer_id",
        .key = "b.id",
        .from = "borrower b",
        .from_few = by_name,
        .count_from = by_name != NULL ? by_name : "borrower b",
        .order = " ORDER BY b.id",
        .where = &where,
        .after = &after,
    };
    core_sql all, outside, posted, matched;
    bool filtered = f->name || f->id_number || f->credit_code || f->kind || f->officer;
    name_chars chars;
    if (f->name != NULL && f->id_number == NULL && f->credit_code == NULL && !one_officer) {
        st = name_chars_rarest(store, f->name, &chars, err);
        if (st != LD_OK && st != LD_ENOTFOUND)
            return st;
        /* The kind is read from the row; the reviewer's scope is posted. */
        bool postings_alone = chars.text_length == 1 && f->kind == NULL;
        bool common = st == LD_OK && chars.rarest >= name_char_common(store);
        if (st == LD_OK && (!common || postings_alone)) {
            name_postings_query(&chars, &where, who->role == CORE_ROLE_REVIEWER, postings_alone,
                                &posted, &query);
            core_sql_init(&after);
            core_sql_add_int(&after, " AND p.borrower_id > ?", p.after);
        } else if (common && chars.text_length >= 3 && f->kind == NULL &&
                   who->role != CORE_ROLE_REVIEWER) {
            name_trigrams_query(f->name, &where, &matched, &posted, &query);
            core_sql_init(&after);
            core_sql_add_int(&after, " AND borrower_name_fts.rowid > ?", p.after);
        }
    }
    if (who->role == CORE_ROLE_REVIEWER && !filtered) {
        /* All customers less those not under review: a quick count of the
         * table and a short range of the flag's index. */
        core_sql_init(&all);
        core_sql_init(&outside);
        core_sql_add(&outside, " AND b.under_review = 0");
        query.count_where = &all;
        query.count_less = &outside;
    }
    return core_store_list_page(store, &query, &p, borrower_list_row, (void *)who,
                                "listing borrowers", out, err);
}

ld_status core_borrower_list(core_store *store, const core_session *who, cJSON **out, ld_error *err)
{
    core_page page = {.limit = CORE_PAGE_LIMIT_MAX, .after = 0};
    cJSON *all = cJSON_CreateArray();
    for (;;) {
        core_page_result r;
        ld_status st = core_borrower_list_page(store, who, NULL, &page, &r, err);
        if (st != LD_OK) {
            cJSON_Delete(all);
            return st;
        }
        while (cJSON_GetArraySize(r.rows) > 0)
            cJSON_AddItemToArray(all, cJSON_DetachItemFromArray(r.rows, 0));
        bool more = r.has_more;
        page.after = r.next_after;
        core_page_result_free(&r);
        if (!more)
            break;
    }
    *out = all;
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
    core_store_now_iso(store, now);
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
