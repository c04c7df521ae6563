/*
 * loandesk/care.h - the customer archive and the care of customers and loans
 * after the decision (operations API): documents and their checks (客户档案,
 * 资料审查), and the archive's verification.
 *
 * Every function taking a session runs as one operation (api_run): role and
 * customer scope are checked in core, a failure changes nothing, a refusal
 * (LD_EPERM) is recorded in the audit trail. The result document through out
 * belongs to the caller and is what the command line prints with --json.
 *
 * Documents: the customer's officer adds and checks them; whoever may read
 * the customer reads them; reviewers, managers and auditors verify the
 * archive. The archive folder is beside the database:
 * ld_document_dir("book.db") is "book.db.documents".
 *
 * Collection (清收): close of business opens a case for each loan that falls
 * past due and moves it through the policy's stages; the customer's officer
 * records actions and promises to pay; the officer or a manager records a
 * guarantor's payment; whoever may read the customer reads cases.
 */
#ifndef LOANDESK_CARE_H
#define LOANDESK_CARE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loandesk/api.h"

/* ---- Documents ------------------------------------------------------------------- */

/* What a document is attached to: "borrower", "application" or "loan". */
typedef struct ld_document_spec {
    const char *target; /* borrower, application, loan */
    int64_t target_id;
    const char *type;    /* id_card, household_register, ... (docs/documents.md) */
    const char *path;    /* the file: PDF, JPEG or PNG, judged by content */
    const char *expires; /* YYYY-MM-DD or NULL: when the document lapses */
    /* The name it was handed in under, for people (a browser's upload is
     * stored under a temporary path); NULL: the last part of path; "": none.
     * LD_EINVAL naming "file_name" when it is not one line of text. */
    const char *file_name;
} ld_document_spec;

/* The archive folder of the database at db_path, into out (size bytes). */
ld_status ld_document_dir(const char *db_path, char *out, size_t size, ld_error *err);

/* Stores the file once (content-addressed by SHA-256) and records the
 * document: {"id", "borrower_id", "type", "sha256", "content_type", "size",
 * "stored"}. LD_EINVAL naming "file" (not PDF/JPEG/PNG, empty, too large,
 * unreadable), "type", "target" or "expires". */
ld_status ld_document_add(ld_session *session, const ld_document_spec *spec, cJSON **out,
                          ld_error *err);

/* The officer's check of document id: authentic, legal, valid, and a note
 * (required when any is false). */
ld_status ld_document_check(ld_session *session, int64_t id, bool authentic, bool legal, bool valid,
                            const char *note, cJSON **out, ld_error *err);

/* One document with all its checks. */
ld_status ld_document_show(ld_session *session, int64_t id, cJSON **out, ld_error *err);

/* The documents of a borrower, application or loan, each with its standing
 * (ok, unchecked, failed, expired); for an application also the product's
 * checklist with each item's standing. */
ld_status ld_document_list(ld_session *session, const char *target, int64_t target_id, cJSON **out,
                           ld_error *err);

/* Documents lapsing within days (default 30 when days < 0) or lapsed, soonest
 * first, of the customers the caller may read. */
ld_status ld_document_expiring(ld_session *session, int days, cJSON **out, ld_error *err);

/* Every archived file against its recorded SHA-256 (reviewer, manager,
 * auditor): {"files", "documents", "ok", "problems"}; LD_EVERIFY (with out
 * set) when a file is missing or changed. */
ld_status ld_document_verify(ld_session *session, cJSON **out, ld_error *err);

/* Copies the archive's files, each checked against its hash, into
 * dir/documents beside a ledger export (`ledger export --archive`): {"dir",
 * "files"} (reviewer, manager, auditor). */
ld_status ld_document_export(ld_session *session, const char *dir, cJSON **out, ld_error *err);

/* ---- Collection (清收) -------------------------------------------------------------- */

/* Open cases (all: closed ones too) of the customers the caller may read,
 * most days past due first, then the largest amount overdue:
 * [{"id", "loan_id", "contract_no", "borrower", "officer", "stage",
 * "stage_since", "opened_on", "dpd", "overdue", ...}]. */
ld_status ld_collection_list(ld_session *session, bool all, cJSON **out, ld_error *err);

/* A case with its stages, actions, promises and recoveries. */
ld_status ld_collection_show(ld_session *session, int64_t case_id, cJSON **out, ld_error *err);

/* An action on an open case: {"kind": call|sms|letter|visit|guarantor_demand|
 * legal_filing, "outcome", "next_step", "next_date", "date"} (date: the
 * business date when absent). {"id", "case_id"}. */
ld_status ld_collection_action(ld_session *session, int64_t case_id, const cJSON *input,
                               cJSON **out, ld_error *err);

/* A promise to pay amount (decimal yuan) by date (after the business date);
 * close of business marks it kept or broken. {"id", "case_id"}. */
ld_status ld_collection_promise(ld_session *session, int64_t case_id, const char *amount,
                                const char *date, cJSON **out, ld_error *err);

/* A guarantor of the loan pays amount on date: a repayment of the loan,
 * recorded as recovered from that guarantor, whose net assets it reduces. */
ld_status ld_collection_recover(ld_session *session, int64_t case_id, int64_t guarantor_id,
                                const char *amount, const char *date, cJSON **out, ld_error *err);

/* ---- Visits (走访), complaints (投诉), churn warning (流失预警) ---------------------- */

/* A visit to the officer's customer: {"date", "people", "purpose",
 * "findings", "follow_up"}. {"id", "borrower_id"}. */
ld_status ld_visit_add(ld_session *session, int64_t borrower_id, const cJSON *input, cJSON **out,
                       ld_error *err);
ld_status ld_visit_list(ld_session *session, int64_t borrower_id, cJSON **out, ld_error *err);

/* A complaint received: {"channel": phone|counter|letter|online|regulator,
 * "text", "received_on"}; assigned to the customer's officer, due by the
 * policy's complaint_days (care.complaint_days, default 15). */
ld_status ld_complaint_add(ld_session *session, int64_t borrower_id, const cJSON *input,
                           cJSON **out, ld_error *err);
/* Gives a complaint to another user (managers). */
ld_status ld_complaint_assign(ld_session *session, int64_t id, const char *username, cJSON **out,
                              ld_error *err);
/* The response, then the customer's feedback closing it (the customer's officer). */
ld_status ld_complaint_respond(ld_session *session, int64_t id, const char *response, cJSON **out,
                               ld_error *err);
ld_status ld_complaint_close(ld_session *session, int64_t id, const char *feedback, cJSON **out,
                             ld_error *err);
/* Open complaints (all: closed ones too; overdue: only those past their
 * deadline), soonest deadline first, of the customers the caller may read:
 * the manager's list of overdue complaints is ld_complaint_list(s, false,
 * true). */
ld_status ld_complaint_list(ld_session *session, bool all, bool overdue, cJSON **out,
                            ld_error *err);

/* Customers to win back: loans all settled long ago with no new application,
 * or loans prepaid sharply of late (the policy's care.churn_days and
 * churn_prepaid_pct). */
ld_status ld_churn_list(ld_session *session, cJSON **out, ld_error *err);

#endif
