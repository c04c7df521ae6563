/*
 * borrower.h - borrower files: individuals and enterprises, each assigned to one
 * officer, who alone edits it (docs/design.md, "Roles"; customer data is confidential).
 *
 * Records come in and go out as JSON objects in one shape, so `show --json`
 * output edited by hand is valid `update` input:
 *   individual: kind, name, id_number (GB 11643), phone, address, employer,
 *     years_employed, monthly_income, existing_debt, existing_monthly_repayment,
 *     employment_type, housing, education, years_at_address (the scorecard's facts;
 *     each may be left out and is then reported missing, never guessed)
 *   enterprise: kind, name, credit_code (GB 32100), phone, address, industry,
 *     industry_risk_class (1 low .. 5 high), years_in_business, registered_capital,
 *     tax_rating (A, B, M, C, D),
 *     financials: [{year, total_assets, total_liabilities, current_assets,
 *     current_liabilities, inventory, revenue, net_profit, operating_cash_flow,
 *     and optionally cost_of_sales, receivables, interest_expense, income_tax,
 *     related_party_sales, from which the ratios of docs/policy.md are computed}]
 *   both: attributes (the bank's own variables the policy declares, e.g.
 *     {"checking_status": "A12"}), blocklisted (shown; set only by
 *     core_borrower_blocklist)
 * Money is a decimal string; the identity number and kind never change.
 */
#ifndef LD_BORROWER_H
#define LD_BORROWER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "money.h"
#include "page.h"
#include "permission.h"
#include "policy.h"
#include "session.h"
#include "store.h"

#define CORE_FINANCIAL_YEARS_MAX 64

/* The allowed values of the categorical facts, NULL-terminated, in the order
 * the row's indices use. */
extern const char *const core_employment_type_names[];
extern const char *const core_housing_names[];
extern const char *const core_education_names[];
extern const char *const core_tax_rating_names[];

/* One year's financial statement, validated. The optional lines are -1 when
 * the statement did not give them. */
typedef struct core_financial_row {
    int year;
    ld_money total_assets, total_liabilities, current_assets, current_liabilities, inventory,
        revenue, net_profit, operating_cash_flow;
    ld_money cost_of_sales, receivables, interest_expense, income_tax, related_party_sales;
} core_financial_row;

/* A validated borrower record, column by column as it is stored. Text points
 * into the JSON it was read from, which must outlive the row (bulk import
 * copies each text field out, in core/import.c keep_line_text: a new text
 * field must be added there too). Optional numbers the record did not give
 * are -1 (every one of them is otherwise >= 0). */
typedef struct core_borrower_row {
    core_borrower_kind kind;
    const char *name, *id_number, *phone, *address;
    const char *employer; /* individuals; NULL when not given */
    const char *industry; /* enterprises */
    ld_date birth;        /* individuals, from the resident ID; 0 for enterprises */
    int64_t years_employed;
    ld_money monthly_income, existing_debt, existing_monthly_repayment;
    int64_t industry_risk_class, years_in_business;
    ld_money registered_capital;
    /* indices into the names above; -1 when not given */
    int employment_type, housing, education, tax_rating;
    int64_t years_at_address;
    /* the bank's own variables, checked against the policy in force, as
     * stored (compact JSON; "" when none) */
    char attributes[CORE_ATTRIBUTES_TEXT_MAX];
    bool blocklisted;
    int financial_count;
    core_financial_row financials[CORE_FINANCIAL_YEARS_MAX];
} core_borrower_row;

/* Validates a borrower record (pure; no database, safe on any thread), naming
 * fields under path, and fills *out. attributes: the variables the policy in
 * force declares (core_policy_terms), against which "attributes" is checked. */
ld_status core_borrower_read(const cJSON *input, const char *path, ld_date today,
                             const core_attribute_set *attributes, core_borrower_row *out,
                             ld_error *err);

/* Stores a row read by core_borrower_read as a new borrower assigned to user_id,
 * with its financial statements; now is the creation time. Errors name fields
 * under path (a duplicate identity number is LD_EINVAL). Used by add and by
 * bulk import, which validates on another thread. */
ld_status core_borrower_store_new(core_store *store, int64_t user_id, const core_borrower_row *row,
                                  const char *path, const char *now, int64_t *id_out,
                                  ld_error *err);

/* For a bulk load of new borrowers inside one transaction: _suspend stops
 * the per-row upkeep of the name postings and gives the largest borrower id
 * in *last_id_out; _resume posts the names of every borrower after last_id
 * at once, sorted, and starts the upkeep again. Rows loaded in between must
 * be new borrowers, and their applications the only ones that move their
 * review flag. Call _resume on failure too (a rollback then restores what
 * _suspend changed either way). Errors: the store's. */
ld_status core_borrower_postings_suspend(core_store *store, int64_t *last_id_out, ld_error *err);
ld_status core_borrower_postings_resume(core_store *store, int64_t last_id, ld_error *err);

/* Creates a borrower assigned to the acting officer. */
ld_status core_borrower_add(core_store *store, const core_session *who, const cJSON *input,
                            int64_t *id_out, ld_error *err);

/* Applies the fields present in changes; audit records each field's before/after. */
ld_status core_borrower_update(core_store *store, const core_session *who, int64_t id,
                               const cJSON *changes, ld_error *err);

/* Sets (on) or clears the customer's blocklist flag, a knock-out of every
 * rating: reviewers and managers only, with a reason; audited and logged in
 * the ledger. Records (add, update, import) never carry the flag.
 * LD_EPERM, LD_EINVAL (no reason), LD_ENOTFOUND, LD_ESTATE (already so). */
ld_status core_borrower_blocklist(core_store *store, const core_session *who, int64_t id, bool on,
                                  const char *reason, ld_error *err);

/* The whole file (with id, officer, applications) for those allowed to read it. */
ld_status core_borrower_show(core_store *store, const core_session *who, int64_t id, cJSON **out,
                             ld_error *err);

/* What a borrower list is narrowed to; NULL fields narrow nothing. Text as
 * typed by the user, checked here (LD_EINVAL naming the field). */
typedef struct core_borrower_filter {
    const char *name;        /* part of the name, matched literally anywhere in it
                              * (Chinese exactly, Latin letters in either case) */
    const char *id_number;   /* a resident ID, exactly (individuals) */
    const char *credit_code; /* a unified social credit code, exactly (enterprises) */
    const char *kind;        /* individual | enterprise */
    const char *officer;     /* username of the responsible officer */
} core_borrower_filter;

/* One page of the borrowers the user may see (permission.h: officers their
 * own customers, reviewers customers with an application past draft, managers
 * and auditors all), in id order. Rows: id, kind, name, id_number, officer,
 * applications (their count). Identity numbers are masked except for the
 * responsible officer, also when searched for by number. filter may be NULL.
 * Errors: LD_EPERM (admins), LD_EINVAL (a filter value, limit or after). */
ld_status core_borrower_list_page(core_store *store, const core_session *who,
                                  const core_borrower_filter *filter, const core_page *page,
                                  core_page_result *out, ld_error *err);

/* Every borrower the user may see, unfiltered, as one JSON array: the pages
 * of core_borrower_list_page joined (for callers not yet paging). */
ld_status core_borrower_list(core_store *store, const core_session *who, cJSON **out,
                             ld_error *err);

/* Moves a customer to another officer (managers). */
ld_status core_borrower_assign(core_store *store, const core_session *who, int64_t id,
                               const char *officer_username, ld_error *err);

/* The customer scope of a borrower, for permission checks; LD_ENOTFOUND. */
ld_status core_borrower_scope(core_store *store, int64_t id, core_customer_scope *out,
                              ld_error *err);

/* Checks `action` on borrower id for who: LD_ENOTFOUND or LD_EPERM. */
ld_status core_borrower_require(core_store *store, const core_session *who, int64_t id,
                                core_action action, ld_error *err);

/* Validates a borrower record (pure; no database). Exposed for import and tests. */
ld_status core_borrower_validate(const cJSON *input, const char *path, ld_date today,
                                 ld_error *err);

/* Masks the middle of an identity number: "110105********002X". */
void core_mask_id_number(const char *id, char *out, size_t size);

#endif
