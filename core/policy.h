/*
 * policy.h - the institution's configuration documents as the core reads them:
 * the product catalogue and the parts of the policy file that origination and
 * the ledger apply (collateral LTV caps, approval authority, penalty surcharge,
 * inspection intervals, provision rates, LPR, rate band). The policy document
 * is parsed once, by core's one parser, into the policy model
 * (policy_model.h): core keeps that model for the document in force and reads
 * these terms from it; the rating module scores from the model core hands it.
 *
 * Documents are loaded into the database by `init` or by an admin, with their
 * SHA-256, and never edited in place: a new load adds a version, so a decision
 * can always be traced to the exact document in force.
 */
#ifndef LD_POLICY_H
#define LD_POLICY_H

#include <stdbool.h>

#include "date.h"
#include "document.h"
#include "ld_error.h"
#include "policy_features.h"
#include "pricing.h"
#include "money.h"
#include "schedule.h"
#include "session.h"
#include "store.h"

#define CORE_COLLATERAL_TYPE_COUNT 8
#define CORE_CATEGORY_COUNT        5

/* Collateral types, in the order of the policy's ltv_caps keys. */
extern const char *const core_collateral_type_names[CORE_COLLATERAL_TYPE_COUNT + 1];
/* Five categories: normal, special_mention, substandard, doubtful, loss. */
extern const char *const core_category_names[CORE_CATEGORY_COUNT + 1];

typedef enum core_borrower_kind {
    CORE_BORROWER_INDIVIDUAL,
    CORE_BORROWER_ENTERPRISE
} core_borrower_kind;

typedef enum core_prepayment_rule {
    CORE_PREPAY_SHORTEN_TERM,
    CORE_PREPAY_REDUCE_INSTALLMENT,
} core_prepayment_rule;

typedef struct core_product {
    char code[32];
    char name_zh[96];
    char name_en[96];
    core_borrower_kind borrower_kind;
    ld_money min_amount, max_amount;
    int min_term, max_term; /* months */
    unsigned methods;       /* bit (1 << ld_repay_method) per allowed method */
    ld_period period;
    int min_age, max_age_at_maturity; /* individuals */
    ld_rate penalty_surcharge;        /* fraction of the contract rate, millionths */
    core_prepayment_rule prepayment;
    core_doc_checklist documents; /* what the borrower hands in, and by when */
} core_product;

#define CORE_RISK_SIGNAL_MAX 64 /* entries of the policy's risk-signal checklist */

/* One entry of the checklist post-loan inspections tick ($.risk_signals). */
typedef struct core_risk_signal {
    char code[65];
    char zh[201];
    char en[201];
} core_risk_signal;

typedef struct core_policy_terms {
    ld_rate ltv_cap[CORE_COLLATERAL_TYPE_COUNT];
    ld_money reviewer_authority, manager_authority;
    ld_rate penalty_surcharge;
    int first_inspection_days[2]; /* by core_borrower_kind */
    int inspection_every_days[CORE_CATEGORY_COUNT];
    ld_rate provision_rate[CORE_CATEGORY_COUNT];
    core_lpr lpr;                  /* core/pricing.h */
    core_rate_band band;           /* the policy's rate floor and ceiling */
    core_attribute_set attributes; /* the bank's own variables ("features") */
    size_t risk_signal_count;
    core_risk_signal risk_signals[CORE_RISK_SIGNAL_MAX];
} core_policy_terms;

/* The checklist entry of code, or NULL when the policy does not list it. */
const core_risk_signal *core_risk_signal_find(const core_policy_terms *terms, const char *code);

/* Validates and stores the policy and product documents (admin, or NULL during
 * init). Either path may be NULL to keep the current document. */
ld_status core_policy_load(core_store *store, const core_session *who, const char *policy_path,
                           const char *products_path, ld_error *err);

/* The policy terms in force; LD_ESTATE when no policy is loaded. */
ld_status core_policy_terms_get(core_store *store, const core_policy_terms **out, ld_error *err);

/* The policy model in force (policy_model.h): the one parse of the
 * document, whose terms core_policy_terms_get returns. It stays valid until
 * the next policy load or the end of the command. LD_ESTATE when none. */
typedef struct core_policy_model core_policy_model;
ld_status core_policy_model_get(core_store *store, const core_policy_model **out, ld_error *err);

/* The product by code; LD_EINVAL naming field when unknown. */
ld_status core_product_get(core_store *store, const char *field, const char *code,
                           const core_product **out, ld_error *err);

/* The catalogue in force, as a plain list that stays valid until the next
 * policy load, so a thread that must not touch the store can look products up. */
typedef struct core_product_catalog {
    const core_product *products;
    int count;
} core_product_catalog;

ld_status core_product_catalog_get(core_store *store, core_product_catalog *out, ld_error *err);

/* The catalogue in force as a JSON array, a product per element: code,
 * name_zh, name_en, borrower_kind, min_amount, max_amount, min_term_months,
 * max_term_months, methods, period, min_age and max_age_at_maturity
 * (individuals), penalty_surcharge, prepayment. LD_ESTATE when none is in
 * force. */
ld_status core_product_catalog_json(core_store *store, cJSON **out, ld_error *err);

/* LD_OK when code has the shape of a product code (1-31 letters, digits, -
 * and _), in force or retired: lists filter on codes that old applications
 * and loans keep after a product leaves the catalogue. LD_EINVAL naming field
 * otherwise. */
ld_status core_product_code_check(const char *field, const char *code, ld_error *err);

/* The product by code in catalog; LD_EINVAL naming field when unknown. */
ld_status core_product_find(const core_product_catalog *catalog, const char *field,
                            const char *code, const core_product **out, ld_error *err);

/* The raw policy document and its SHA-256 hex (for the workbooks that quote it). The
 * returned text belongs to the store's cache and lives until the next load. */
ld_status core_policy_document(core_store *store, const char **text, const char **sha256_hex,
                               ld_error *err);

/* The default approval authority of a role (0 for roles that do not approve). */
ld_status core_policy_default_authority(core_store *store, core_role role, ld_money *out,
                                        ld_error *err);

/* Reads the sections of a policy document core applies (ltv_caps,
 * guarantor_capacity, approval_authority, penalty_surcharge, inspection,
 * provision_rates, risk_signals, lpr, pricing, features) into *out, reporting
 * every problem ("JSONPATH: what is wrong") through problem. Part of the one
 * policy parser (core_policy_model_load_buffer), which calls it; taken says which
 * names the built-in features (policy_model.h) hold. */
void core_policy_terms_read(const cJSON *doc, core_policy_terms *out, core_name_taken_fn taken,
                            core_problem_fn problem, void *context);

#endif
