/*
 * application.h - loan applications and their parts: guarantors, collateral and
 * pre-loan investigations, with the four-eyes approval rules.
 *
 * Input shapes (JSON, money as decimal strings):
 *   application: borrower_id, product, amount, term_months, method, purpose,
 *     and optionally guarantors [...], collateral [...], investigation {...}
 *   guarantor: kind (person|enterprise), name, id_number (resident ID or credit
 *     code by kind), borrower_id (optional, when the guarantor is also a
 *     customer), guarantee_type (joint|general; general when not stated, as the
 *     Civil Code presumes), guaranteed_amount, net_assets, outstanding_guarantees
 *   collateral: type, arrangement (mortgage|pledge), owner_name, owner_is_borrower,
 *     certificate_no, appraised_value, appraisal_date, appraiser, lien_rank,
 *     prior_claims, registration_no
 *   investigation: site_visit_date, operations, assets_liabilities,
 *     repayment_capacity, conclusion
 *
 * Approval (four-eyes): the approver did not create the application and is not
 * the customer's officer; the amount is within the approver's authority limit.
 */
#ifndef LD_APPLICATION_H
#define LD_APPLICATION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "ld_error.h"
#include "json_text.h"
#include "page.h"
#include "policy.h"
#include "schedule.h"
#include "session.h"
#include "store.h"
#include "workflow.h"

typedef enum core_fee_method {
    CORE_FEE_NONE,
    CORE_FEE_UPFRONT,
    CORE_FEE_PER_INSTALLMENT,
} core_fee_method;

const char *core_fee_method_name(core_fee_method method);

/* The terms an approval sets; what is not given comes from the latest rating's
 * recommendation. Approving beyond it (more, longer, cheaper) or against a
 * refer/decline takes a manager and a written reason. */
typedef struct core_approval_terms {
    ld_money amount;
    int term_months;
    ld_rate rate; /* annual, millionths; < 0: the rating's */
    core_fee_method fee_method;
    ld_money fee_amount;
    bool fee_given; /* false: the rating's fee method and amount */
} core_approval_terms;

/* What other modules (rating, ledger) read of an application. */
typedef struct core_application {
    int64_t id;
    int64_t borrower_id;
    int64_t created_by;
    int64_t officer_id;
    char product_code[32];
    ld_money amount;
    int term_months;
    ld_repay_method method;
    ld_period period;
    core_app_state state;
    core_borrower_kind borrower_kind;
    /* Set at approval (zero before): the terms the loan is disbursed on. */
    ld_money approved_amount;
    int approved_term_months;
    ld_rate approved_rate;
    core_fee_method fee_method;
    ld_money fee_amount; /* upfront: the whole fee; per installment: each one */
} core_application;

ld_status core_application_get(core_store *store, int64_t id, core_application *out, ld_error *err);

ld_status core_application_create(core_store *store, const core_session *who, const cJSON *input,
                                  int64_t *id_out, ld_error *err);
ld_status core_application_update(core_store *store, const core_session *who, int64_t id,
                                  const cJSON *changes, ld_error *err);
ld_status core_application_show(core_store *store, const core_session *who, int64_t id, cJSON **out,
                                ld_error *err);
/* The record core_application_show gives, with the same checks, as JSON text
 * into out (reset first; its memory reused): the bytes cJSON_PrintUnformatted
 * gives for that record (application_text.c). */
ld_status core_application_show_text(core_store *store, const core_session *who, int64_t id,
                                     core_jtext *out, ld_error *err);

/* What an application list is narrowed to; NULL (0) fields narrow nothing.
 * Text as typed by the user, checked here (LD_EINVAL naming the field). */
typedef struct core_application_filter {
    const char *state;        /* workflow state (workflow.h) */
    int64_t borrower_id;      /* 0 for any */
    const char *officer;      /* username of the customer's officer */
    const char *product;      /* product code */
    const char *created_from; /* YYYY-MM-DD: created on or after this day */
    const char *created_to;   /* YYYY-MM-DD: created on or before this day */
    const char *grade;        /* effective grade: the latest rating's, or its override */
    const char *amount_min;   /* decimal yuan ("500000.00"), inclusive */
    const char *amount_max;   /* decimal yuan, inclusive */
    const char *returned;     /* "true": drafts sent back to the officer; "false": all others */
    const char *referred;     /* "true": rated ones referred to a manager; "false": all others */
    int limit;                /* core_application_list only: 0 for 1000 */
} core_application_filter;

/* One page of the applications the user may see (officers those of their own
 * customers, reviewers those past draft and not withdrawn, managers and
 * auditors all). Rows: id, borrower_id, borrower, product, amount,
 * term_months, method, state, officer, grade ("" before a rating), created_at,
 * step (the latest review step, "return" or "refer", "" when none).
 * Order: by id; with created_from or created_to, by creation time and then id
 * (the cursor is still the id of the last row seen). filter may be NULL.
 * Errors: LD_EPERM (admins), LD_EINVAL (a filter value, limit or after). */
ld_status core_application_list_page(core_store *store, const core_session *who,
                                     const core_application_filter *filter, const core_page *page,
                                     core_page_result *out, ld_error *err);

/* The first filter->limit (default 1000) rows of core_application_list_page
 * as a JSON array, for callers not yet paging. */
ld_status core_application_list(core_store *store, const core_session *who,
                                const core_application_filter *filter, cJSON **out, ld_error *err);

/* Workflow commands. reason is required for reject and withdraw. */
ld_status core_application_submit(core_store *store, const core_session *who, int64_t id,
                                  ld_error *err);
ld_status core_application_approve(core_store *store, const core_session *who, int64_t id,
                                   const core_approval_terms *terms, const char *reason,
                                   ld_error *err);
ld_status core_application_reject(core_store *store, const core_session *who, int64_t id,
                                  const char *reason, ld_error *err);
ld_status core_application_withdraw(core_store *store, const core_session *who, int64_t id,
                                    const char *reason, ld_error *err);

/* The approval authority of who for application id, as approval judges it
 * (docs/policy.md "approval_authority": a limit per decision, by role):
 * {"application_id", "role", "limit", "amount" (what an approval without
 * typed terms would take: the approved amount, else the rating's
 * recommendation when lower than asked, else the amount asked), "left"
 * (limit - amount; negative beyond it), "within", "manager_required" (the
 * rating referred or declined it) with "manager_reason", "own_file" (who
 * created it or is the customer's officer: four eyes)}. For those who may
 * read the application. */
ld_status core_application_authority(core_store *store, const core_session *who, int64_t id,
                                     cJSON **out, ld_error *err);

/* Review steps that need a written reason, by a reviewer or manager who may
 * decide on the file (not its creator nor the customer's officer):
 * return sends a submitted or rated application back to its officer for
 * more information (a draft again, to be completed and submitted anew);
 * refer (reviewers only) hands a rated one to a manager's decision. Each
 * keeps a row in application_step, an audit row and a ledger event.
 * LD_EPERM, LD_EINVAL (reason), LD_ESTATE, LD_ENOTFOUND. */
ld_status core_application_return(core_store *store, const core_session *who, int64_t id,
                                  const char *reason, ld_error *err);
ld_status core_application_refer(core_store *store, const core_session *who, int64_t id,
                                 const char *reason, ld_error *err);

/* The workflow steps of an application, oldest first, as its audit rows keep
 * them: [{"at", "user", "action", "from", "to", "reason", "approved"}], for
 * those who may read the application. */
ld_status core_application_history(core_store *store, const core_session *who, int64_t id,
                                   cJSON **out, ld_error *err);

/* Marks an approved application disbursed, once the ledger has booked its
 * loan: those who operate the ledger (managers) only, and only from approved.
 * detail (may be NULL: loan id, contract number) goes to the audit row and the
 * ledger entry. LD_EPERM, LD_ENOTFOUND, LD_ESTATE. */
ld_status core_application_disburse(core_store *store, const core_session *who, int64_t id,
                                    const cJSON *detail, ld_error *err);

/* Parts: added in draft by the customer's officer. */
/* What the guarantor row aliased g has paid for the loans it backs (fen), as
 * an SQL expression: recoveries are recorded in collection_recovery, never
 * by changing the guarantor row, which is part of the application's record.
 * A guarantor's capacity is net assets - outstanding guarantees - this. */
#define CORE_GUARANTOR_RECOVERED_SQL                                                               \
    "(SELECT coalesce(sum(r.amount), 0) FROM collection_recovery r WHERE r.guarantor_id = g.id)"

ld_status core_guarantor_add(core_store *store, const core_session *who, int64_t app_id,
                             const cJSON *input, int64_t *id_out, ld_error *err);
ld_status core_guarantor_list(core_store *store, const core_session *who, int64_t app_id,
                              cJSON **out, ld_error *err);
ld_status core_collateral_add(core_store *store, const core_session *who, int64_t app_id,
                              const cJSON *input, int64_t *id_out, ld_error *err);
ld_status core_collateral_list(core_store *store, const core_session *who, int64_t app_id,
                               cJSON **out, ld_error *err);
ld_status core_investigation_add(core_store *store, const core_session *who, int64_t app_id,
                                 const cJSON *input, int64_t *id_out, ld_error *err);

/* Guarantee and collateral totals of an application, as rating reads them. */
typedef struct core_security_summary {
    ld_money guaranteed;         /* sum of guaranteed amounts */
    ld_money guarantor_capacity; /* sum of max(0, net assets - outstanding) */
    int guarantors_short;        /* guarantors whose capacity is below their amount */
    ld_money appraised;          /* sum of appraised values */
    ld_money collateral_cover;   /* sum of max(0, appraised * LTV cap - prior claims) */
    int collateral_count;
    int guarantor_count;
} core_security_summary;

ld_status core_application_security(core_store *store, int64_t app_id, core_security_summary *out,
                                    ld_error *err);

/* Validated rows, column by column as they are stored. Text points into the
 * JSON they were read from (or to static names), which must outlive them;
 * bulk import copies each text field out (core/import.c keep_line_text), so a
 * new text field must be added there too. */
typedef struct core_application_row {
    const core_product *product;
    ld_money amount;
    int term_months;
    ld_repay_method method;
    const char *purpose;
    /* the bank's own variables as stored ("" when none; core_application_read
     * leaves it empty, core_application_read_attributes fills it) */
    char attributes[CORE_ATTRIBUTES_TEXT_MAX];
} core_application_row;

/* Checks the record's "attributes" against the variables of the policy in
 * force (core_policy_terms; NULL: none) into row->attributes. LD_EINVAL
 * naming "PATH.attributes.KEY". */
ld_status core_application_read_attributes(const cJSON *input, const char *path,
                                           const core_attribute_set *attributes,
                                           core_application_row *row, ld_error *err);

typedef struct core_guarantor_row {
    const char *kind, *name, *id_number, *guarantee_type;
    int64_t borrower_id; /* 0: the guarantor is not a customer */
    ld_money guaranteed_amount, net_assets, outstanding_guarantees;
} core_guarantor_row;

typedef struct core_collateral_row {
    const char *type, *arrangement, *owner_name, *certificate_no, *appraisal_date, *appraiser;
    const char *registration_no; /* NULL when not yet registered */
    bool owner_is_borrower;
    ld_money appraised_value, prior_claims;
    int lien_rank;
} core_collateral_row;

typedef struct core_investigation_row {
    const char *site_visit_date, *operations, *assets_liabilities, *repayment_capacity, *conclusion;
} core_investigation_row;

/* Pure readers (no database; safe on any thread): validate a record, naming
 * fields under path, and fill the row. An application's terms are checked
 * against its product and the borrower (kind, and birth for the age limits).
 * borrower_id_number is the borrower's own number: nobody guarantees their
 * own loan. */
ld_status core_application_read(const cJSON *input, const char *path, ld_date today,
                                const core_product_catalog *catalog, core_borrower_kind kind,
                                ld_date birth, core_application_row *out, ld_error *err);
ld_status core_guarantor_read(const cJSON *input, const char *path, ld_date today,
                              const char *borrower_id_number, core_guarantor_row *out,
                              ld_error *err);
ld_status core_collateral_read(const cJSON *input, const char *path, ld_date today,
                               core_collateral_row *out, ld_error *err);
ld_status core_investigation_read(const cJSON *input, const char *path, ld_date today,
                                  core_investigation_row *out, ld_error *err);

/* Store rows as new records created by user_id at now (the caller has checked
 * permissions and state): a draft application of borrower_id, and parts of
 * application app_id. A guarantor naming no stored borrower is LD_EINVAL. */
ld_status core_application_store_new(core_store *store, int64_t user_id, int64_t borrower_id,
                                     const core_application_row *row, const char *now,
                                     int64_t *id_out, ld_error *err);
ld_status core_guarantor_store_new(core_store *store, int64_t user_id, int64_t app_id,
                                   const core_guarantor_row *row, const char *now, int64_t *id_out,
                                   ld_error *err);
ld_status core_collateral_store_new(core_store *store, int64_t user_id, int64_t app_id,
                                    const core_collateral_row *row, const char *now,
                                    int64_t *id_out, ld_error *err);
ld_status core_investigation_store_new(core_store *store, int64_t user_id, int64_t app_id,
                                       const core_investigation_row *row, const char *now,
                                       int64_t *id_out, ld_error *err);

/* Checks an application's terms against its product and the borrower's age:
 * amount and term limits, allowed method, term in whole periods. birth may be
 * 0 for enterprises. today is the business date ages are counted on. */
ld_status core_application_check_product(const core_product *product, ld_date today,
                                         core_borrower_kind borrower_kind, ld_date birth,
                                         ld_money amount, int term_months, ld_repay_method method,
                                         const char *path, ld_error *err);

#endif
