/*
 * borrower.h - borrower files: individuals and enterprises, each assigned to one
 * officer, who alone edits it (DESIGN.md, "Roles"; customer data is confidential).
 *
 * Records come in and go out as JSON objects in one shape, so `show --json`
 * output edited by hand is valid `update` input:
 *   individual: kind, name, id_number (GB 11643), phone, address, employer,
 *     years_employed, monthly_income, existing_debt, existing_monthly_repayment
 *   enterprise: kind, name, credit_code (GB 32100), phone, address, industry,
 *     industry_risk_class (1 low .. 5 high), years_in_business, registered_capital,
 *     financials: [{year, total_assets, total_liabilities, current_assets,
 *     current_liabilities, inventory, revenue, net_profit, operating_cash_flow}]
 *   both: blocklisted (only visible to, and settable by, what the policy allows)
 * Money is a decimal string; the identity number and kind never change.
 */
#ifndef LD_BORROWER_H
#define LD_BORROWER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "ld_error.h"
#include "permission.h"
#include "session.h"
#include "store.h"

/* Creates a borrower assigned to the acting officer. */
ld_status core_borrower_add(core_store *store, const core_session *who, const cJSON *input,
                            int64_t *id_out, ld_error *err);

/* Validates (naming fields under path) and stores a borrower assigned to the
 * acting officer; audit false is for bulk import, which audits once per file.
 * The caller has checked CORE_ACT_BORROWER_CREATE. */
ld_status core_borrower_insert(core_store *store, const core_session *who, const cJSON *input,
                               const char *path, bool audit, int64_t *id_out, ld_error *err);

/* Applies the fields present in changes; audit records each field's before/after. */
ld_status core_borrower_update(core_store *store, const core_session *who, int64_t id,
                               const cJSON *changes, ld_error *err);

/* The whole file (with id, officer, applications) for those allowed to read it. */
ld_status core_borrower_show(core_store *store, const core_session *who, int64_t id, cJSON **out,
                             ld_error *err);

/* The borrowers the user may see; identity numbers masked except for the
 * responsible officer. */
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
ld_status core_borrower_validate(const cJSON *input, const char *path, ld_error *err);

/* Masks the middle of an identity number: "110105********002X". */
void core_mask_id_number(const char *id, char *out, size_t size);

#endif
