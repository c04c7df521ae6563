/*
 * loandesk/origination.h - borrowers, applications and their parts, the
 * workflow to a decision, imports and the audit trail (operations API).
 *
 * Every function takes the session first and reports through err last; the
 * result document through out belongs to the caller and is exactly what the
 * command line prints with --json. Money is a decimal string ("500000.00")
 * in and out. A refusal (LD_EPERM) is recorded in the audit trail.
 */
#ifndef LOANDESK_ORIGINATION_H
#define LOANDESK_ORIGINATION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "loandesk/api.h"

/* ---- Records given as input --------------------------------------------- */

/* The record a front end collected as `--field-name value` pairs, typed as the
 * record shapes want it: names lose their leading "--" and take '_' for '-';
 * whole-number fields (term_months, years_employed, years_in_business,
 * industry_risk_class, lien_rank, borrower_id, year) become JSON integers,
 * "true"/"false" booleans, everything else (money included) strings.
 * LD_EUSAGE when there is no pair. */
ld_status ld_record_from_flags(int count, const char *const *names, const char *const *values,
                               cJSON **out, ld_error *err);

/* A record read from a JSON file ("-": standard input). LD_ENOTFOUND,
 * LD_EINVAL naming the line of a syntax error. */
ld_status ld_record_from_file(const char *path, cJSON **out, ld_error *err);

/* ---- Lists ----------------------------------------------------------------- */

/* One page of a list: limit rows (0: 50; at most 1000) after the row whose id
 * is after (0: from the start). Lists return
 * {"rows": [...], "total": N, "next_after": id or null, "has_more": bool},
 * total counting every row the session may see that matches the filter. */
typedef struct ld_page {
    int limit;
    int64_t after;
} ld_page;

/* ---- Borrowers ------------------------------------------------------------ */

/* Registers a borrower (borrower.h shapes) assigned to the acting officer:
 * {"id"}. LD_EPERM, LD_EINVAL naming the field. */
ld_status ld_borrower_add(ld_session *session, const cJSON *record, cJSON **out, ld_error *err);

/* A borrower's file, if the session may read it (officers: their own
 * customers; reviewers: customers with an application under review; managers
 * and auditors: all). Identity numbers are masked for those who may not see
 * them. LD_ENOTFOUND, LD_EPERM. */
ld_status ld_borrower_show(ld_session *session, int64_t id, cJSON **out, ld_error *err);

/* What a borrower list is narrowed to; NULL narrows nothing. */
typedef struct ld_borrower_filter {
    const char *name;        /* part of the name, taken literally */
    const char *id_number;   /* a resident ID, exactly */
    const char *credit_code; /* a unified social credit code, exactly */
} ld_borrower_filter;

/* One page of the borrowers the session may see (filter may be NULL).
 * LD_EPERM, LD_EINVAL naming a filter value. */
ld_status ld_borrower_list(ld_session *session, const ld_borrower_filter *filter,
                           const ld_page *page, cJSON **out, ld_error *err);

/* Changes fields of the officer's own customer: {"id"}. The kind, the
 * identity number and the blocklist flag are not changed here. */
ld_status ld_borrower_update(ld_session *session, int64_t id, const cJSON *changes, cJSON **out,
                             ld_error *err);

/* Adds a credit bureau report to the officer's own customer (fields in
 * docs/policy.md, "Credit reports"): {"id"} of the report. LD_EINVAL naming
 * the field, LD_EPERM, LD_ENOTFOUND. */
ld_status ld_credit_report_add(ld_session *session, int64_t borrower_id, const cJSON *record,
                               cJSON **out, ld_error *err);

/* Adds every report of a JSON array (each with its borrower_id), all or
 * nothing: {"credit_reports": N}. */
ld_status ld_credit_report_import(ld_session *session, const cJSON *list, cJSON **out,
                                  ld_error *err);

/* A borrower's credit reports, newest first, for those who may read the file. */
ld_status ld_credit_report_list(ld_session *session, int64_t borrower_id, cJSON **out,
                                ld_error *err);

/* Moves a customer to another officer (managers): {"id", "officer"}. */
ld_status ld_borrower_assign(ld_session *session, int64_t id, const char *officer, cJSON **out,
                             ld_error *err);

/* Sets (on) or clears the blocklist flag, a knock-out of every rating:
 * reviewers and managers, with a reason; audited and logged in the ledger.
 * {"id", "blocklisted"}. LD_EPERM, LD_EINVAL, LD_ENOTFOUND, LD_ESTATE. */
ld_status ld_borrower_blocklist(ld_session *session, int64_t id, bool on, const char *reason,
                                cJSON **out, ld_error *err);

/* ---- Applications --------------------------------------------------------- */

/* Creates a draft (application.h shape, optionally with guarantors,
 * collateral and an investigation): {"id", "state"}. */
ld_status ld_application_create(ld_session *session, const cJSON *record, cJSON **out,
                                ld_error *err);

/* An application with guarantors, collateral cover and investigations. */
ld_status ld_application_show(ld_session *session, int64_t id, cJSON **out, ld_error *err);
/* The same record as JSON text into out (its memory reused), written
 * straight from the rows: for a front end that sends the bytes on (the
 * server's GET); the same checks, refusals and audit as ld_application_show.
 * On failure out's text is undefined. */
ld_status ld_application_show_text(ld_session *session, int64_t id, ld_text *out, ld_error *err);

/* An application's whole file in one document: the application, borrower,
 * guarantors, collateral, investigations, the latest rating with its reasons
 * and overrides, the decisions of its workflow, the loan once disbursed, and
 * the audit history; each part only when the session may read it (a part it
 * may not read is left out, never an error). LD_ENOTFOUND, LD_EPERM. */
ld_status ld_application_file(ld_session *session, int64_t id, cJSON **out, ld_error *err);

/* The session user's approval authority for the application, as approval
 * judges it (docs/policy.md, approval_authority: a limit per decision by
 * role): {"application_id", "role", "limit", "amount", "left", "within",
 * "manager_required", "manager_reason", "own_file"}; amount is what an
 * approval without typed terms takes, left = limit - amount (negative
 * beyond it). Also in the file as "authority". */
ld_status ld_application_authority(ld_session *session, int64_t id, cJSON **out, ld_error *err);

/* What an application list is narrowed to; NULL (0) narrows nothing. */
typedef struct ld_application_filter {
    const char *state;
    int64_t borrower_id;
    const char *officer;    /* username of the customer's officer */
    const char *product;    /* product code */
    const char *from, *to;  /* YYYY-MM-DD: created on or after / on or before */
    const char *grade;      /* effective grade (the override when there is one) */
    const char *min_amount; /* decimal yuan, inclusive */
    const char *max_amount;
    const char *returned; /* "true": drafts sent back to their officer; "false": the others */
    const char *referred; /* "true": rated ones a reviewer referred to a manager; "false" */
} ld_application_filter;

/* One page of the applications the session may see (filter may be NULL). */
ld_status ld_application_list(ld_session *session, const ld_application_filter *filter,
                              const ld_page *page, cJSON **out, ld_error *err);

/* Changes a draft's product, amount, term, method or purpose: {"id", "state"}. */
ld_status ld_application_update(ld_session *session, int64_t id, const cJSON *changes, cJSON **out,
                                ld_error *err);

/* Submits a draft for review (a pre-loan investigation must be recorded):
 * {"id", "state"}. */
ld_status ld_application_submit(ld_session *session, int64_t id, cJSON **out, ld_error *err);

/* The terms of an approval as typed; NULL: the rating's recommendation. */
typedef struct ld_approval {
    const char *amount;      /* decimal yuan */
    const char *term_months; /* whole months */
    const char *rate;        /* annual percent, up to 4 decimals */
    const char *fee_method;  /* none | upfront | per_installment */
    const char *fee;         /* decimal yuan */
    const char *reason;
} ld_approval;

/* Approves a rated application (reviewers, managers): not one the approver
 * created, owns, or whose latest rating's grade they overrode; within their
 * authority. {"id", "state"}. LD_EPERM, LD_EINVAL, LD_ESTATE. */
ld_status ld_application_approve(ld_session *session, int64_t id, const ld_approval *terms,
                                 cJSON **out, ld_error *err);

/* Rejects an application under review, or withdraws the officer's own
 * customer's application before a decision; both need a reason. */
ld_status ld_application_reject(ld_session *session, int64_t id, const char *reason, cJSON **out,
                                ld_error *err);
ld_status ld_application_withdraw(ld_session *session, int64_t id, const char *reason, cJSON **out,
                                  ld_error *err);

/* Sends a submitted or rated application back to its officer for more
 * information, with a reason (reviewers, managers; not their own files): it
 * is a draft again, listed with returned=true until submitted anew.
 * {"id", "state"}. LD_EPERM, LD_EINVAL (reason), LD_ESTATE. */
ld_status ld_application_return(ld_session *session, int64_t id, const char *reason, cJSON **out,
                                ld_error *err);

/* Refers a rated application to a manager's decision, with a reason
 * (reviewers): listed with referred=true while rated. {"id", "state"}. */
ld_status ld_application_refer(ld_session *session, int64_t id, const char *reason, cJSON **out,
                               ld_error *err);

/* ---- Parts of a draft ----------------------------------------------------- */

/* Adds a part to a draft application of the officer's own customer:
 * {"id", "application"}. */
ld_status ld_guarantor_add(ld_session *session, int64_t app_id, const cJSON *record, cJSON **out,
                           ld_error *err);
ld_status ld_collateral_add(ld_session *session, int64_t app_id, const cJSON *record, cJSON **out,
                            ld_error *err);
ld_status ld_investigation_add(ld_session *session, int64_t app_id, const cJSON *record,
                               cJSON **out, ld_error *err);

/* An application's guarantors (capacity, shortfall) and collateral (LTV cap,
 * lendable value), as JSON arrays. */
ld_status ld_guarantor_list(ld_session *session, int64_t app_id, cJSON **out, ld_error *err);
ld_status ld_collateral_list(ld_session *session, int64_t app_id, cJSON **out, ld_error *err);

/* ---- Loans ---------------------------------------------------------------- */

/* What a loan list is narrowed to; NULL narrows nothing. */
typedef struct ld_loan_filter {
    const char *state;           /* active | settled | written_off */
    const char *category;        /* normal | special_mention | substandard | doubtful | loss */
    const char *min_dpd;         /* at least this many days past due */
    const char *officer;         /* username of the customer's officer */
    const char *product;         /* product code */
    const char *maturing_before; /* YYYY-MM-DD */
    int64_t borrower_id;         /* one borrower's loans; 0 for any */
} ld_loan_filter;

/* One page of the loan ledger (贷款台帐) the session may see. */
ld_status ld_loan_list(ld_session *session, const ld_loan_filter *filter, const ld_page *page,
                       cJSON **out, ld_error *err);

/* ---- Bulk import and the audit trail -------------------------------------- */

/* Imports a JSON Lines file ("-": standard input) in one transaction:
 * {"lines", "borrowers", "applications", "guarantors", "collateral"}.
 * On failure err reads "line N: field: problem" and nothing is kept. */
ld_status ld_import(ld_session *session, const char *path, cJSON **out, ld_error *err);

/* What an audit listing is narrowed to; NULL (0) narrows nothing. */
typedef struct ld_audit_filter {
    const char *entity;
    int64_t entity_id;
    const char *username;
    int limit; /* 0: 100 */
} ld_audit_filter;

/* The audit trail, newest first (auditors, managers, admins): a JSON array. */
ld_status ld_audit_list(ld_session *session, const ld_audit_filter *filter, cJSON **out,
                        ld_error *err);

#endif
