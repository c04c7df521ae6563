/*
 * loandesk/servicing.h - rating an application, the loan ledger (贷款台帐) from
 * disbursement to write-off, close of business, the journal, the
 * tamper-evident log and its proofs, post-loan inspections, and the tools
 * that need no database: the repayment calculator, the policy checker and
 * the scorecard builder (operations API).
 *
 * Every function taking a session runs as one operation (api_run): role and
 * customer scope are checked in core and ledger, a failure changes nothing, a
 * refusal (LD_EPERM) is recorded in the audit trail. The result document
 * through out belongs to the caller and is what the command line prints with
 * --json. Dates are "YYYY-MM-DD" and amounts decimal strings ("500000.00");
 * a malformed one is LD_EINVAL naming the field. Functions without a session
 * touch no database.
 *
 * Who may read the whole ledger (verify it, export it, prove entries):
 * reviewers, managers and auditors, the roles that read every loan (the
 * trial balance, `inspection due`, the ledger workbook); officers see only
 * their own customers and admins no loan data.
 */
#ifndef LOANDESK_SERVICING_H
#define LOANDESK_SERVICING_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "loandesk/api.h"

/* ---- Rating ---------------------------------------------------------------- */

/* Rates application app_id with the policy in force from the facts core
 * holds, stores the result beside the policy's SHA-256 and moves the
 * application to rated. out is the rating module's whole answer (score,
 * grade, pd, decision, recommended terms, factors, knockouts, reasons).
 * The customer's officer, reviewers of submitted files and managers;
 * LD_EPERM, LD_ENOTFOUND, LD_ESTATE (not submitted). */
ld_status ld_application_rate(ld_session *session, int64_t app_id, cJSON **out, ld_error *err);

/* The latest rating with its overrides, for whoever may read the
 * application. LD_ENOTFOUND when unrated. */
ld_status ld_rating_show(ld_session *session, int64_t app_id, cJSON **out, ld_error *err);

/* A reviewer's or manager's grade override with a written reason, kept beside
 * the model's answer: {"application_id", "grade"}. */
ld_status ld_rating_override(ld_session *session, int64_t app_id, const char *grade,
                             const char *reason, cJSON **out, ld_error *err);

/* ---- Loans ----------------------------------------------------------------- */

/* Turns approved application app_id into a loan disbursed on date (manager);
 * contract_no NULL makes one. out is the new loan as ld_loan_show gives it. */
ld_status ld_loan_disburse(ld_session *session, int64_t app_id, const char *date,
                           const char *contract_no, cJSON **out, ld_error *err);

/* A repayment. date must not be after the business date; a date before the
 * last close of business needs backdated and a reason. */
typedef struct ld_repayment {
    const char *amount; /* decimal string */
    const char *date;
    bool backdated;
    const char *reason;
} ld_repayment;

/* Records a repayment (the customer's officer, a manager):
 * {"loan", "amount", "penalty", "fee", "interest", "principal", "prepaid"}. */
ld_status ld_loan_repay(ld_session *session, int64_t loan_id, const ld_repayment *repayment,
                        cJSON **out, ld_error *err);

/* Takes back repayment repayment_id of the loan, entered wrongly (a
 * manager: "reverse repayments"), with a reason: the loan is recomputed from
 * the payment's value date as if it had never been made and the differences
 * are booked as one correction on the open day; a loan closed by its payments
 * reopens. {"loan", "reverses", "amount", "status"}. */
ld_status ld_loan_repay_reverse(ld_session *session, int64_t loan_id, int64_t repayment_id,
                                const char *reason, cJSON **out, ld_error *err);

/* Takes the full payoff on date and closes the loan: {"loan", "paid"}. */
ld_status ld_loan_settle(ld_session *session, int64_t loan_id, const char *date, cJSON **out,
                         ld_error *err);

/* Balances, schedule against payments, repayments, DPD, category and next
 * inspection, for whoever may read the customer. */
ld_status ld_loan_show(ld_session *session, int64_t loan_id, cJSON **out, ld_error *err);

/* The loan as it stood at the end of date (YYYY-MM-DD, not after the business
 * date), as ld_loan_show gives it with "as_of": recomputed from disbursement
 * with the payments of that day and before. */
ld_status ld_loan_show_at(ld_session *session, int64_t loan_id, const char *date, cJSON **out,
                          ld_error *err);

/* The loan day by day, recomputed from its payments, from `from` to `to`
 * (YYYY-MM-DD; NULL: from disbursement, to the last closed day): interest
 * accrued and falling due, penalty and compound separately, the day's payments
 * and their allocation, the balances, DPD, category and provision at the end of
 * each day. {"loan", "contract_no", "from", "to", "days"}. */
ld_status ld_loan_history(ld_session *session, int64_t loan_id, const char *from, const char *to,
                          cJSON **out, ld_error *err);

/* A category worse than the DPD floor (reviewer, manager), with a reason;
 * the floor's own name clears a manual one: {"loan", "category"}. */
ld_status ld_loan_classify(ld_session *session, int64_t loan_id, const char *category,
                           const char *reason, cJSON **out, ld_error *err);

/* Writes off a 损失 loan (manager): {"loan", "status"}. */
ld_status ld_loan_write_off(ld_session *session, int64_t loan_id, const char *reason, cJSON **out,
                            ld_error *err);

/* ---- Close of business and the journal --------------------------------------- */

typedef struct ld_cob_options {
    const char *date;
    void (*progress)(void *context, int64_t done, int64_t total); /* may be NULL */
    void *progress_context;
} ld_cob_options;

/* Close of business (manager): {"date", "already_closed", "loans", "loan_days",
 * "newly_overdue", "category_changes", "journal_entries", "log_seq",
 * "checkpoint_size"}. The same date again changes nothing. The closing
 * checkpoint is signed with the institution key file the handle was given
 * (ld_api_set_institution_key): nobody's password is needed. */
ld_status ld_cob_run(ld_session *session, const ld_cob_options *options, cJSON **out,
                     ld_error *err);

/* The journal's trial balance on date (reviewer, manager, auditor):
 * {"date", "accounts": [...], "total_debit", "total_credit", "balanced"}. A
 * journal that does not balance is a result ("balanced": false), not an
 * error. */
ld_status ld_journal_trial_balance(ld_session *session, const char *date, cJSON **out,
                                   ld_error *err);

/* ---- The tamper-evident log ---------------------------------------------------- */

/* What an auditor brings to a verification: the CA certificate file they
 * hold (ca_file) or its SHA-256 fingerprint (ca_fingerprint, matched against
 * the CA certificate the data carries); one is required (LD_EUSAGE). Optional
 * since_path: a checkpoint block kept from an earlier `ledger checkpoint` or
 * export, which the log must still contain and extend (RFC 6962
 * consistency). */
typedef struct ld_trust_anchor {
    const char *ca_file;
    const char *ca_fingerprint;
    const char *since_path;
} ld_trust_anchor;

/* Makes sure the log as it stands is covered by a signed checkpoint (every
 * operation that appends signs already) and returns the newest (manager):
 * {"size", "root", "time", "text", "block"}; text is the signed checkpoint
 * text, block the whole checkpoint with its signature and key line, for an
 * auditor to keep and later pass as since_path. */
ld_status ld_ledger_checkpoint(ld_session *session, cJSON **out, ld_error *err);

/* Full verification of the log, checkpoints, journal and loan balances under
 * the auditor's anchor: {"entries", "checkpoints", "journal_entries",
 * "loans"}; LD_EVERIFY naming the first bad entry or checkpoint,
 * or the range no checkpoint covers. */
ld_status ld_ledger_verify(ld_session *session, const ld_trust_anchor *anchor, cJSON **out,
                           ld_error *err);

/* Writes entries.jsonl, checkpoints, consistency, institution.pem and ca.pem
 * into dir: {"dir", "entries", "checkpoints"}. */
ld_status ld_ledger_export(ld_session *session, const char *dir, cJSON **out, ld_error *err);

/* Verifies an export in dir with no database and no login, under the
 * auditor's anchor: {"entries", "checkpoints", "journal_entries"};
 * LD_EVERIFY naming the first bad line or checkpoint, LD_EUSAGE without an
 * anchor. */
ld_status ld_ledger_verify_export(const char *dir, const ld_trust_anchor *anchor, cJSON **out,
                                  ld_error *err);

/* Replaces the institution key (admin, with the CA custodians' passphrase):
 * a new key certified by the CA goes to the handle's key file, encrypted
 * under new_key_passphrase (NULL: plain, mode 0600); earlier certificates
 * stay, so every checkpoint signed before still verifies. {"fingerprint"}. */
ld_status ld_ledger_key_rotate(ld_session *session, const char *ca_passphrase,
                               const char *new_key_passphrase, cJSON **out, ld_error *err);

/* An inclusion proof of entry index in the tree of size entries (0: the
 * whole log), or a consistency proof between two sizes, as JSON that
 * ld_proof_verify checks offline. LD_EINVAL for sizes out of range. */
ld_status ld_ledger_prove_inclusion(ld_session *session, uint64_t index, uint64_t size, cJSON **out,
                                    ld_error *err);
ld_status ld_ledger_prove_consistency(ld_session *session, uint64_t old_size, uint64_t new_size,
                                      cJSON **out, ld_error *err);

/* Checks a proof of either kind offline, and that a checkpoint signed by the
 * institution under the auditor's anchor vouches for its root: {"type",
 * "holds": true}; LD_EVERIFY when it does not hold, LD_EINVAL when it is
 * malformed, LD_EUSAGE without an anchor. The _file form reads the proof from
 * path first. */
ld_status ld_proof_verify(const cJSON *proof, const ld_trust_anchor *anchor, cJSON **out,
                          ld_error *err);
ld_status ld_proof_verify_file(const char *path, const ld_trust_anchor *anchor, cJSON **out,
                               ld_error *err);

/* ---- Post-loan inspections ------------------------------------------------------ */

/* Records an inspection of loan_id by the customer's officer (fields in
 * docs/reports.md): {"id", "loan_id"}. */
ld_status ld_inspection_add(ld_session *session, int64_t loan_id, const cJSON *input, cJSON **out,
                            ld_error *err);

/* The inspection inspection_id of loan_id (0: the latest). */
ld_status ld_inspection_show(ld_session *session, int64_t loan_id, int64_t inspection_id,
                             cJSON **out, ld_error *err);

/* Loans whose next inspection is on or before date (NULL: the business
 * date); officers see their own customers'. */
ld_status ld_inspection_due(ld_session *session, const char *date, cJSON **out, ld_error *err);

/* ---- Tools without a database ------------------------------------------------------ */

/* A repayment schedule from terms {"principal", "rate", "term" (months, a
 * number or a string of digits), "method", "start", "period" (optional:
 * monthly)}; a missing key is LD_EUSAGE naming it: {"method",
 * "installments": [{"n", "due", "principal", "interest", "payment",
 * "balance"}], "total_interest", "total_payment"}. `schedule --json` prints
 * the installments. */
ld_status ld_schedule_preview(const cJSON *terms, cJSON **out, ld_error *err);

/* The schedule application app_id would repay from start (YYYY-MM-DD; NULL:
 * the business date), at the rate the policy gives it: the approved terms
 * once approved; the latest rating's recommended amount, term and rate once
 * rated (an override's when overridden); before a rating, the rate of an
 * indicative score of its facts as they stand (shown, never stored). For
 * whoever may read the application: {"application_id", "principal",
 * "term_months", "rate", "rate_source" (approved | rating | indicative),
 * "grade", "start", "method", "installments", "total_interest",
 * "total_payment"}. */
ld_status ld_application_schedule(ld_session *session, int64_t app_id, const char *start,
                                  cJSON **out, ld_error *err);

/* Checks the policy file at path and reports every problem with its JSON
 * path: {"file", "ok", "version", "sha256", "problems": [...]} (version and
 * sha256 when ok). A policy with problems is a result ("ok": false). */
ld_status ld_policy_check(const char *path, cJSON **out, ld_error *err);

/* Builds a scorecard from historical outcomes and writes the policy to
 * out_path. Fitting is a permission of its own (reviewers, managers and
 * admins; docs/permissions.md): session's user must hold it, or LD_EPERM
 * (audited) before anything is read. */
typedef struct ld_fit_spec {
    const char *data_path;   /* CSV */
    const char *target;      /* the 0/1 outcome column */
    const char *out_path;    /* the policy written */
    const char *base_policy; /* the policy the scorecard goes into */
    const char *kind;        /* "individual" (NULL) or "enterprise" */
    const char *min_iv;      /* a number from 0 to 10; NULL: the default */
    const char *report_path; /* the fit report as JSON too (for `report fit`); NULL: not */
} ld_fit_spec;
ld_status ld_rating_fit(ld_session *session, const ld_fit_spec *spec, cJSON **out, ld_error *err);

/* AUC, Gini, KS and default rates per grade of a policy on data, and with
 * compare_path stability (PSI). */
typedef struct ld_validate_spec {
    const char *data_path;
    const char *target;
    const char *policy_path;
    const char *kind;         /* "individual" (NULL) or "enterprise" */
    const char *compare_path; /* may be NULL */
} ld_validate_spec;
ld_status ld_rating_validate(const ld_validate_spec *spec, cJSON **out, ld_error *err);

/* ---- Reading input, showing amounts --------------------------------------------------- */

/* Reads the JSON document in the file at path ("-": standard input) as
 * strictly as every operation reads its input. */
ld_status ld_json_read_file(const char *path, cJSON **out, ld_error *err);

/* amount ("1234567.80") with thousands separators ("1,234,567.80") into buf;
 * returns buf, or amount itself when it is not a decimal amount. */
#define LD_AMOUNT_TEXT_MAX 40
const char *ld_amount_grouped(const char *amount, char buf[LD_AMOUNT_TEXT_MAX]);

#endif
