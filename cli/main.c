/*
 * main.c - the loandesk program: global options, the command table, and the
 * one rule every command follows: open the store, authenticate, run the
 * handler inside one transaction, commit only on success, and record a
 * refused attempt after rolling back (docs/design.md, "Command line").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "cmd_care.h"
#include "cmd_ledger.h"
#include "cmd_rating_tools.h"
#include "cmd_reports.h"

/* How a command uses the database. */
typedef enum db_use {
    DB_NONE,   /* pure calculation */
    DB_CREATE, /* init: creates the file, no login */
    DB_API,    /* a session on the operations API; each operation is its own unit */
} db_use;

typedef struct command_spec {
    const char *group;
    const char *name; /* NULL for single-word commands */
    cli_handler handler;
    db_use db;
    const char *synopsis;
    const char *help;
} command_spec;

static const command_spec commands[] = {
    {"init", NULL, cmd_init, DB_CREATE,
     "init [--admin NAME] [--name FULL_NAME] [--institution NAME] [--policy FILE] "
     "[--products FILE]",
     "Creates the database with its first admin account (password from LOANDESK_PASSWORD or a "
     "prompt), the institution's CA (its key encrypted under the CA custodians' passphrase "
     "from LOANDESK_CA_PASSPHRASE_FILE, and LOANDESK_CA_PASSPHRASE2_FILE for a second "
     "custodian's half) and the institution key file beside the database (mode 0600; "
     "encrypted when LOANDESK_INSTITUTION_KEY_PASSPHRASE_FILE names a passphrase), and loads "
     "the policy and product catalogue (defaults: the shipped files)."},
    {"login", NULL, cmd_login, DB_API, "login [--json]",
     "Checks your password once and prints a session token; with LOANDESK_SESSION set to it, "
     "later commands need no password until `logout`, 30 minutes unused or 12 hours."},
    {"logout", NULL, cmd_logout, DB_API, "logout", "Ends the session of LOANDESK_SESSION."},
    {"whoami", NULL, cmd_whoami, DB_API, "whoami [--json]",
     "Shows who the session is: username, role, authority, whether the password must change."},
    {"roles", NULL, cmd_roles, DB_NONE, "roles [--json]",
     "Prints the permission table (what each role may do, and for which customers) from the "
     "rule itself; docs/permissions.md is this output."},
    {"user", "add", cmd_user_add, DB_API,
     "user add --username U --name FULL_NAME --role ROLE [--limit AMOUNT] [--json]",
     "Adds an account (admin). ROLE: officer, reviewer, manager, auditor, admin. The new "
     "password comes from LOANDESK_NEW_PASSWORD or a prompt and must be changed at first use; "
     "--limit is the approval authority (default: the policy's for the role). Officers, "
     "reviewers and managers get a signing certificate (the CA custodians' passphrase, from "
     "LOANDESK_CA_PASSPHRASE_FILE, unlocks the CA key)."},
    {"user", "list", cmd_user_list, DB_API, "user list [--json]",
     "Lists accounts (admin, manager, auditor)."},
    {"user", "passwd", cmd_user_passwd, DB_API, "user passwd [USERNAME] [--json]",
     "Changes your password (new one from LOANDESK_NEW_PASSWORD or a prompt) and re-encrypts "
     "your signing key under it. An admin naming another user sets a temporary password that "
     "user must change, issues them a new certificate (CA custodians' passphrase needed) and "
     "ends their sessions."},
    {"user", "unlock", cmd_user_unlock, DB_API, "user unlock USERNAME",
     "Unlocks an account locked after failed logins (admin)."},
    {"user", "revoke", cmd_user_revoke, DB_API, "user revoke USERNAME",
     "Deactivates an account, revokes its signing certificate from now on and ends its "
     "sessions (admin)."},
    {"pki", "ca-cert", cmd_pki_ca_cert, DB_API, "pki ca-cert",
     "Prints the institution's CA certificate in PEM (for `openssl cms -verify -CAfile`)."},
    {"policy", "load", cmd_policy_load, DB_API, "policy load [--policy FILE] [--products FILE]",
     "Loads a new version of the policy or product catalogue (admin). A policy must pass every "
     "check of `policy check`, or nothing is loaded."},
    {"policy", "check", cmd_policy_check, DB_NONE, "policy check FILE",
     "Validates a policy file and reports every problem with its JSON path."},
    {"rating", "fit", cmd_rating_fit, DB_API,
     "rating fit --data FILE.csv --target COLUMN --out POLICY.json [--base-policy FILE] "
     "[--report FIT.json]",
     "Builds a scorecard from historical outcomes (WoE binning, IV, logistic regression); "
     "columns named after no built-in feature become the bank's own variables (reviewers, "
     "managers, "
     "admins)."},
    {"rating", "validate", cmd_rating_validate, DB_NONE,
     "rating validate --data FILE.csv --target COLUMN [--policy FILE] [--compare OTHER.csv]",
     "Prints AUC, Gini, KS, default rates per grade and, with --compare, stability (PSI)."},
    {"rate", NULL, cmd_rate, DB_API, "rate APP [--json]",
     "Rates a submitted application with the policy in force: factor points, score, grade, PD, "
     "knock-outs, decision, recommended amount, term, rate and fee, and four reason codes."},
    {"rating", "show", cmd_rating_show, DB_API, "rating show APP [--json]",
     "Shows the latest rating of an application with its overrides."},
    {"rating", "override", cmd_rating_override, DB_API,
     "rating override APP --grade G --reason TEXT",
     "Overrides the grade (reviewer, manager); kept beside the model's answer and counted."},
    {"borrower", "add", cmd_borrower_add, DB_API,
     "borrower add (--json FILE|- | --kind K --name N --id-number ID ...)",
     "Registers a borrower assigned to you (officer). Fields as in `borrower show --json`."},
    {"borrower", "show", cmd_borrower_show, DB_API, "borrower show ID [--json]",
     "Shows a borrower's file, if you may read it."},
    {"borrower", "list", cmd_borrower_list, DB_API,
     "borrower list [--name TEXT] [--id-number ID] [--credit-code CODE] [--limit N] [--after ID] "
     "[--json]",
     "Lists the borrowers you may see, 50 at a time (--limit up to 1000, --after the last id "
     "shown), found by part of the name or an exact identity number or credit code; identity "
     "numbers are masked unless the customer is yours."},
    {"borrower", "update", cmd_borrower_update, DB_API,
     "borrower update ID (--json FILE|- | --FIELD VALUE ...)",
     "Changes fields of your customer's file; the audit trail keeps before and after."},
    {"borrower", "assign", cmd_borrower_assign, DB_API, "borrower assign ID --officer USERNAME",
     "Moves a customer to another officer (manager)."},
    {"borrower", "blocklist", cmd_borrower_blocklist, DB_API, "borrower blocklist ID --reason TEXT",
     "Blocklists a customer (reviewer, manager): every later rating declines it. Audited and "
     "kept in the ledger; no record field sets it."},
    {"borrower", "unblock", cmd_borrower_unblock, DB_API, "borrower unblock ID --reason TEXT",
     "Clears a customer's blocklist flag (reviewer, manager), with a reason; audited and kept in "
     "the ledger."},
    {"credit-report", "add", cmd_credit_report_add, DB_API,
     "credit-report add BORROWER_ID (--json FILE|- | --report-date D --source S "
     "[--inquiries-6m N] [--card-utilisation PCT|none] [--open-loans N] [--worst-dpd-24m N] "
     "[--outstanding-balance X])",
     "Adds a credit bureau report to your customer's file; a rating uses the latest one within "
     "the policy's maximum age. A fact left out is reported missing by the rating."},
    {"credit-report", "import", cmd_credit_report_import, DB_API, "credit-report import FILE",
     "Adds the credit reports of a JSON array, each with its borrower_id; all or nothing."},
    {"credit-report", "list", cmd_credit_report_list, DB_API,
     "credit-report list BORROWER_ID [--json]", "Lists a borrower's credit reports, newest first."},
    {"app", "create", cmd_app_create, DB_API,
     "app create (--json FILE|- | --borrower-id N --product P --amount X --term-months N "
     "--method M --purpose TEXT)",
     "Creates a draft application; the JSON form may include guarantors, collateral and an "
     "investigation."},
    {"app", "show", cmd_app_show, DB_API, "app show ID [--json]",
     "Shows an application with guarantors, collateral cover and investigations."},
    {"app", "file", cmd_app_file, DB_API, "app file ID [--json]",
     "Shows an application's whole file: borrower, guarantors, collateral, investigations, the "
     "latest rating with its reasons and overrides, the decisions, the loan once disbursed and "
     "the audit history, as far as you may read them."},
    {"app", "list", cmd_app_list, DB_API,
     "app list [--state S] [--borrower ID] [--officer U] [--product P] [--from D] [--to D] "
     "[--grade G] [--min-amount X] [--max-amount X] [--returned true|false] "
     "[--referred true|false] [--limit N] [--after ID] [--json]",
     "Lists the applications you may see, 50 at a time (--limit up to 1000, --after the last "
     "id shown); --from/--to bound the creation date, --grade is the effective grade; "
     "--returned true: drafts sent back for more information, --referred true: rated files "
     "referred to a manager."},
    {"app", "update", cmd_app_update, DB_API, "app update ID (--json FILE|- | --FIELD VALUE)",
     "Changes a draft application's product, amount, term, method or purpose."},
    {"app", "submit", cmd_app_submit, DB_API, "app submit ID",
     "Submits a draft for review; a pre-loan investigation must be recorded."},
    {"app", "approve", cmd_app_approve, DB_API,
     "app approve ID [--amount X] [--term N] [--rate R] [--fee-method M --fee X] [--reason T]",
     "Approves a rated application (reviewer, manager): not your own work or customer, nor a "
     "rating whose grade you overrode; within your authority. Terms default to the rating's "
     "recommendation; more, longer or cheaper, or approving a referred or declined rating, takes a "
     "manager and a reason."},
    {"app", "reject", cmd_app_reject, DB_API, "app reject ID --reason TEXT",
     "Rejects an application under review, with a reason."},
    {"app", "withdraw", cmd_app_withdraw, DB_API, "app withdraw ID --reason TEXT",
     "Withdraws your customer's application before a decision."},
    {"app", "return", cmd_app_return, DB_API, "app return ID --reason TEXT",
     "Sends a submitted or rated application back to its officer for more information "
     "(reviewer, manager): a draft again, to be completed and submitted anew."},
    {"app", "refer", cmd_app_refer, DB_API, "app refer ID --reason TEXT",
     "Refers a rated application to a manager's decision, with a reason (reviewer)."},
    {"guarantor", "add", cmd_guarantor_add, DB_API, "guarantor add APP (--json FILE|- | flags)",
     "Adds a guarantor to a draft application; capacity is net assets minus guarantees "
     "outstanding."},
    {"guarantor", "list", cmd_guarantor_list, DB_API, "guarantor list APP [--json]",
     "Lists an application's guarantors with capacity and shortfall flags."},
    {"collateral", "add", cmd_collateral_add, DB_API, "collateral add APP (--json FILE|- | flags)",
     "Adds a mortgage or pledge to a draft application."},
    {"collateral", "list", cmd_collateral_list, DB_API, "collateral list APP [--json]",
     "Lists collateral with LTV caps and lendable value."},
    {"investigation", "add", cmd_investigation_add, DB_API,
     "investigation add APP (--json FILE|- | flags)",
     "Records a pre-loan investigation (site visit, operations, assets and liabilities, "
     "repayment capacity, conclusion)."},
    {"audit", "list", cmd_audit_list, DB_API,
     "audit list [--entity E] [--id N] [--user U] [--limit N] [--json]",
     "Shows the audit trail, newest first (auditor, manager, admin)."},
    {"import", NULL, cmd_import, DB_API, "import FILE.jsonl",
     "Loads borrowers with applications, guarantors and collateral, one JSON object a line; "
     "nothing is kept unless every line is valid."},
    {"doc", "add", cmd_doc_add, DB_API,
     "doc add borrower|application|loan ID --type T --file F [--expires D] [--json]",
     "Adds a document your customer handed in (PDF, JPEG or PNG, judged by content; at most 20 "
     "MiB) to the archive beside the database, stored once by its SHA-256; the hash, type, "
     "uploader and time go into the ledger. T: id_card, household_register, "
     "marriage_certificate, income_proof, business_licence, articles, financial_statements, "
     "bank_statements, collateral_title, valuation_report, guarantor_consent, signed_contract, "
     "other."},
    {"doc", "check", cmd_doc_check, DB_API,
     "doc check DOC --authentic yes|no --legal yes|no --valid yes|no [--note TEXT] [--json]",
     "Records your check of a document (资料审查); a failed check needs a note. Submission, "
     "approval and disbursement need every document the product's checklist requires by then, "
     "checked and passed."},
    {"doc", "show", cmd_doc_show, DB_API, "doc show DOC [--json]",
     "Shows a document and every check of it."},
    {"doc", "list", cmd_doc_list, DB_API, "doc list borrower|application|loan ID [--json]",
     "Lists the documents of a borrower, application or loan; for an application, the product's "
     "checklist with each item's standing (ok, missing, unchecked, failed, expired)."},
    {"doc", "expiring", cmd_doc_expiring, DB_API, "doc expiring [--days N] [--json]",
     "Lists documents that lapse within N days (default 30) or have lapsed, of the customers you "
     "may see."},
    {"doc", "verify", cmd_doc_verify, DB_API, "doc verify [--json]",
     "Checks every archived file against the SHA-256 the ledger holds (reviewer, manager, "
     "auditor); exit 6 when a file is missing or changed."},
    {"collection", "list", cmd_collection_list, DB_API, "collection list [--all] [--json]",
     "Lists open collection cases (清收) of the customers you may see, most days past due and "
     "largest amount overdue first; --all adds closed ones with their outcome."},
    {"collection", "show", cmd_collection_show, DB_API, "collection show CASE [--json]",
     "Shows a case: its loan's days past due and amount overdue, stages, actions, promises to "
     "pay and recoveries."},
    {"collection", "action", cmd_collection_action, DB_API,
     "collection action CASE --kind K --outcome TEXT [--next-step TEXT] [--next-date D] "
     "[--date D]",
     "Records a collection action on your customer's case. K: call, sms, letter, visit, "
     "guarantor_demand, legal_filing."},
    {"collection", "promise", cmd_collection_promise, DB_API,
     "collection promise CASE --amount A --date D",
     "Records the customer's promise to pay A by D; close of business marks it kept or broken "
     "from the payments the loan receives."},
    {"collection", "recover", cmd_collection_recover, DB_API,
     "collection recover CASE --guarantor G --amount A --date D",
     "Records guarantor G's payment of A on D as a repayment of the loan (officer, manager); "
     "recorded apart, it lowers the guarantor's capacity; the approved record is unchanged."},
    {"visit", "add", cmd_visit_add, DB_API,
     "visit add BORROWER --people T --purpose T --findings T [--follow-up T] [--date D]",
     "Records a visit to your customer (走访): who was met, why, what was found, what follows."},
    {"visit", "list", cmd_visit_list, DB_API, "visit list BORROWER [--json]",
     "Lists the visits to a customer, newest first."},
    {"complaint", "add", cmd_complaint_add, DB_API,
     "complaint add BORROWER --channel C --text T [--received D]",
     "Records your customer's complaint (投诉), assigned to you and due by the policy's deadline "
     "(care.complaint_days). C: phone, counter, letter, online, regulator."},
    {"complaint", "assign", cmd_complaint_assign, DB_API, "complaint assign ID --to USER",
     "Gives a complaint to another user (manager)."},
    {"complaint", "respond", cmd_complaint_respond, DB_API, "complaint respond ID --response T",
     "Records the response to your customer's complaint."},
    {"complaint", "close", cmd_complaint_close, DB_API, "complaint close ID --feedback T",
     "Closes an answered complaint with the customer's feedback."},
    {"complaint", "list", cmd_complaint_list, DB_API, "complaint list [--all] [--overdue] [--json]",
     "Lists open complaints (--all: closed ones too) of the customers you may see, soonest "
     "deadline first; --overdue: those past their deadline (the manager's list)."},
    {"churn", "list", cmd_churn_list, DB_API, "churn list [--json]",
     "Churn warning (流失预警): customers whose loans are all settled with no new application "
     "within the policy's period, or whose loans were prepaid sharply of late."},
    {"inspection", "add", cmd_inspection_add, DB_API, "inspection add LOAN --json FILE",
     "Records a post-loan inspection of your customer's loan: kind, date, site visit, operations, "
     "guarantors, collateral (LTV now computed), risk signals from the policy, recommended "
     "category, next date."},
    {"inspection", "show", cmd_inspection_show, DB_API,
     "inspection show LOAN [--inspection ID] [--json]",
     "Shows a loan's latest (or given) inspection."},
    {"inspection", "due", cmd_inspection_due, DB_API, "inspection due [--date D] [--json]",
     "Lists loans whose post-loan inspection is due on or before D (default today)."},
    {"report", "inspection", cmd_report_inspection, DB_API,
     "report inspection LOAN [--inspection ID] -o FILE.xlsx [--lang en] [--no-sign]",
     "Writes the signed post-loan inspection workbook (贷后检查报告)."},
    {"report", "investigation", cmd_report_investigation, DB_API,
     "report investigation APP -o FILE.xlsx [--lang en] [--no-sign]",
     "Writes the signed pre-loan investigation report (贷前调查报告) of an application: its "
     "officer, reviewers and managers."},
    {"report", "rating", cmd_report_rating, DB_API,
     "report rating APP -o FILE.xlsx [--lang en] [--no-sign]",
     "Writes the signed rating workbook (评级报告)."},
    {"report", "fit", cmd_report_fit, DB_API,
     "report fit FIT.json -o FILE.xlsx [--lang en] [--no-sign]",
     "评分卡开发报告 of a scorecard fit (the report `rating fit --json` prints): every column's "
     "IV, bins, WoE, coefficient and why it was left out; signed (reviewer, manager)."},
    {"report", "ledger", cmd_report_ledger, DB_API,
     "report ledger [--from D] [--to D] -o FILE.xlsx [--lang en] [--no-sign]",
     "Writes the signed loan ledger workbook (贷款台帐) with its journal, streaming. The whole "
     "book: managers and reviewers (signed), auditors (--no-sign)."},
    {"report", "collection", cmd_report_collection, DB_API,
     "report collection -o FILE.xlsx [--lang en] [--no-sign]",
     "Writes the signed collection workbook (清收报告): the cases you may see, open and closed, "
     "their stages, days past due and amounts overdue, promises kept and broken, recoveries "
     "from guarantors."},
    {"report", "portfolio", cmd_report_portfolio, DB_API,
     "report portfolio --date D [--since D] -o FILE.xlsx [--lang en] [--no-sign]",
     "Writes the signed portfolio analysis (经营分析) with charts. The whole book: managers and "
     "reviewers (signed), auditors (--no-sign)."},
    {"verify", NULL, cmd_verify, DB_API,
     "verify FILE.xlsx (--ca ca.pem | --ca-fingerprint HEX) [--ledger-export DIR] [--p7s FILE]",
     "Checks a workbook's signature, its chain to the CA, the signer's revocation and the "
     "ledger entry under the CA you hold. Logged in (--user or LOANDESK_SESSION) and without "
     "--ledger-export: "
     "against the database, for officers, reviewers, managers and auditors (admins hold no "
     "customer files: they verify offline). With --ledger-export DIR, or --ca and nobody "
     "logged in: offline, no database. Exit code 6 on failure."},
    {"schedule", NULL, cmd_schedule, DB_NONE,
     "schedule --principal X --rate R --term N --method M --start D [--period P] [--json]",
     "Prints a repayment schedule; needs no database."},
    {"loan", "disburse", cmd_loan_disburse, DB_API,
     "loan disburse APP --date D [--contract NO] [--json]",
     "Turns an approved application into a loan (manager) with its schedule, the approved terms "
     "and fee."},
    {"loan", "repay", cmd_loan_repay, DB_API,
     "loan repay LOAN --amount X --date D [--backdated --reason TEXT] [--json]",
     "Records a repayment (the customer's officer, manager): penalty and compound, fee, interest, "
     "principal of the oldest installment first; the rest prepays principal and rebuilds the "
     "schedule. Dates before the last close of business need --backdated and --reason: the loan "
     "is then recomputed from that value date and the differences booked as a correction. A "
     "payment that leaves nothing owed closes the loan (结清)."},
    {"loan", "reverse", cmd_loan_reverse, DB_API,
     "loan reverse LOAN --repayment ID --reason TEXT [--json]",
     "Takes back a repayment entered wrongly (the customer's officer, manager): the loan is "
     "recomputed from its value date as if it had never been made, the differences booked as a "
     "correction on the open day; a loan closed by its payments reopens."},
    {"loan", "settle", cmd_loan_settle, DB_API, "loan settle LOAN --date D",
     "Takes the full payoff on a date and closes the loan."},
    {"loan", "list", cmd_loan_list, DB_API,
     "loan list [--state S] [--category C] [--min-dpd N] [--officer U] [--product P] "
     "[--maturing-before D] [--limit N] [--after ID] [--json]",
     "Lists the loan ledger (贷款台帐) you may see, 50 at a time: outstanding principal, status, "
     "category, days past due, maturity."},
    {"loan", "show", cmd_loan_show, DB_API, "loan show LOAN [--date D] [--json]",
     "Shows balances, schedule with what was paid against each installment, repayments, DPD, "
     "category and next inspection; with --date, as the loan stood at the end of that day."},
    {"loan", "history", cmd_loan_history, DB_API, "loan history LOAN [--from D] [--to D] [--json]",
     "The loan day by day, recomputed from its payments: interest accrued and falling due, "
     "penalty and compound, payments (their allocation in --json), principal, DPD, category and "
     "provision."},
    {"loan", "classify", cmd_loan_classify, DB_API, "loan classify LOAN --category C --reason TEXT",
     "Sets a category worse than the DPD floor (reviewer, manager); the floor itself clears it."},
    {"loan", "write-off", cmd_loan_write_off, DB_API, "loan write-off LOAN --reason TEXT",
     "Writes off a loss (损失) loan (manager)."},
    {"cob", NULL, cmd_cob, DB_API, "cob --date D",
     "Close of business (manager): brings every active loan to D day by day, posts the journal, "
     "and signs a checkpoint with the institution key file (no one's password is needed)."},
    {"journal", "trial-balance", cmd_journal_trial_balance, DB_API,
     "journal trial-balance --date D [--json]",
     "Trial balance of the journal on a date; exit 6 if it does not balance."},
    {"ledger", "checkpoint", cmd_ledger_checkpoint, DB_API, "ledger checkpoint",
     "Prints the newest signed checkpoint (signing the log first if an entry is not yet "
     "covered) as a block an auditor keeps for `ledger verify --since` (manager)."},
    {"ledger", "verify", cmd_ledger_verify, DB_API,
     "ledger verify (--ca FILE | --ca-fingerprint HEX) [--since CHECKPOINT] [--offline DIR]",
     "Verifies the log, checkpoints, journal and loan balances (reviewer, manager, auditor) "
     "under the CA you hold: every checkpoint signed by the institution certificate chained "
     "to it, none missing at the end; with --since, consistency with a checkpoint you kept. "
     "Exit 6 naming the first bad entry or checkpoint."},
    {"ledger", "export", cmd_ledger_export, DB_API, "ledger export --out DIR [--archive]",
     "Writes entries.jsonl, checkpoints, consistency, institution.pem and ca.pem for offline "
     "verification; with --archive also the customer archive's files (DIR/documents, each "
     "checked against the hash the entries record)."},
    {"ledger", "key-rotate", cmd_ledger_key_rotate, DB_API, "ledger key-rotate",
     "Replaces the institution key (admin; CA passphrase from LOANDESK_CA_PASSPHRASE_FILE, new "
     "key passphrase from LOANDESK_INSTITUTION_KEY_PASSPHRASE_FILE when set). Old "
     "checkpoints stay verifiable."},
    {"ledger", "prove", cmd_ledger_prove, DB_API,
     "ledger prove (--entry N [--size M] | --from A --to B)",
     "Prints an inclusion or consistency proof as JSON."},
    {"ledger", "verify-proof", cmd_ledger_verify_proof, DB_NONE,
     "ledger verify-proof FILE (--ca FILE | --ca-fingerprint HEX)",
     "Checks a proof from `ledger prove` offline, and the signed checkpoint vouching for its "
     "root under the CA you hold."},
    {"backup", "verify", cmd_backup_verify, DB_NONE,
     "backup verify FILE (--ca FILE | --ca-fingerprint HEX) [--since CHECKPOINT] [--work-dir DIR]",
     "Decrypts an archive into a temporary folder (backup key from LOANDESK_BACKUP_KEY_FILE or "
     "LOANDESK_BACKUP_PASSPHRASE_FILE), checks every part against its manifest, SQLite's "
     "integrity check and a full ledger verification of the copy under the CA you hold. Needs "
     "no database and no login. Exit 6 on any difference, a wrong key included."},
    {"backup", "keygen", cmd_backup_keygen, DB_NONE, "backup keygen --out FILE",
     "Writes a new random backup key file (mode 0600) for the backup custodians; never over a "
     "file."},
    {"backup", NULL, cmd_backup, DB_API,
     "backup (--out FILE | --dir DIR [--keep N]) [--with-institution-key]",
     "Takes an encrypted, consistent copy of the whole book while it stays in use (admin): the "
     "database (SQLite's online backup) and the folders beside the book (docs/operations.md; "
     "the institution key file only with --with-institution-key), with a manifest of the ledger's "
     "size, root and signed "
     "checkpoint and every part's SHA-256; AES-256-GCM under the backup key "
     "(LOANDESK_BACKUP_KEY_FILE or LOANDESK_BACKUP_PASSPHRASE_FILE). Written under a "
     "temporary name and renamed when complete. With --dir, named by the time; --keep N keeps "
     "the newest N there and says which it removed."},
    {"restore", NULL, cmd_restore, DB_NONE,
     "restore FILE --to PATH (--ca FILE | --ca-fingerprint HEX) [--since CHECKPOINT]",
     "Restores an archive as a new book at PATH with its files beside it, never over anything "
     "there; nothing is put in place unless the archive verifies as `backup verify` checks it."},
    {"serve", NULL, cmd_serve, DB_NONE,
     "serve [--listen 127.0.0.1:8080] [--threads N] [--reports-dir DIR] [--web-dir DIR] "
     "[--trust-proxy] [--max-body BYTES] [--max-import BYTES] [--per-client N] [--timeout SECONDS]",
     "Serves the JSON HTTP API (/api/v1/, docs/http.md) on loopback by default until Ctrl-C or "
     "SIGTERM, which finish the requests in flight; the web UI's pages from --web-dir (the "
     "source tree's web/ by default; --web-dir none serves none). TLS belongs to a reverse proxy "
     "(docs/deploy.md); --trust-proxy believes its X-Forwarded-Proto."},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

int cli_fail(const ld_error *err)
{
    fprintf(stderr, "loandesk: error: %s\n", err->message);
    return err->code == LD_OK ? LD_EINTERNAL : (int)err->code;
}

int cli_usage(const char *command, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    fprintf(stderr, "loandesk: error: %s\n", message);
    if (command != NULL)
        fprintf(stderr, "usage: loandesk %s (see `loandesk help %s`)\n", command, command);
    return LD_EUSAGE;
}

const char *cli_opt(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

bool cli_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

const char *cli_positional(int argc, char **argv, const char *const *bare_flags)
{
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            bool bare = strcmp(argv[i], "--json") == 0 && (i + 1 >= argc || argv[i + 1][0] == '-');
            for (int f = 0; bare_flags != NULL && bare_flags[f] != NULL && !bare; f++)
                bare = strcmp(argv[i], bare_flags[f]) == 0;
            if (!bare)
                i++;
            continue;
        }
        return argv[i];
    }
    return NULL;
}

int cli_parse_id(const char *what, const char *text, int64_t *out)
{
    if (text == NULL) {
        fprintf(stderr, "loandesk: error: %s: an id is required\n", what);
        return LD_EUSAGE;
    }
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value <= 0) {
        fprintf(stderr, "loandesk: error: %s: \"%s\" is not a record id\n", what, text);
        return LD_EINVAL;
    }
    *out = value;
    return 0;
}

const char *cli_password(const char *env_name, const char *prompt)
{
    const char *from_env = getenv(env_name);
    if (from_env != NULL)
        return from_env;
    if (!isatty(STDIN_FILENO))
        return NULL;
    static char buffer[300];
    struct termios old, quiet;
    fprintf(stderr, "%s", prompt);
    fflush(stderr);
    bool restore = tcgetattr(STDIN_FILENO, &old) == 0;
    if (restore) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char *line = fgets(buffer, sizeof buffer, stdin);
    if (restore)
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
    fputc('\n', stderr);
    if (line == NULL)
        return NULL;
    buffer[strcspn(buffer, "\r\n")] = '\0';
    return buffer;
}

/* Prints the help of topic (all commands when NULL); false when no command
 * has that name. */
static bool print_help(const char *topic)
{
    if (topic == NULL) {
        printf("loandesk - credit-loan origination and risk review\n\n"
               "usage: loandesk [--db PATH] [--user NAME] COMMAND ...\n\n"
               "Global options: --db PATH (default ./loandesk.db or $LOANDESK_DB), --user NAME "
               "(or $LOANDESK_USER; password from $LOANDESK_PASSWORD or a prompt), --quiet.\n"
               "Exit codes: 0 ok, 1 usage, 2 invalid input, 3 permission denied, 4 not found, "
               "5 not allowed in the current state, 6 verification failed, 10 internal error.\n\n"
               "Commands:\n");
        for (size_t i = 0; i < COMMAND_COUNT; i++)
            printf("  %s\n", commands[i].synopsis);
        printf("\n`loandesk help COMMAND` explains one.\n");
        return true;
    }
    bool found = false;
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].group, topic) == 0) {
            printf("loandesk %s\n    %s\n\n", commands[i].synopsis, commands[i].help);
            found = true;
        }
    }
    if (!found)
        fprintf(stderr, "loandesk: error: no command %s; `loandesk help` lists them\n", topic);
    return found;
}

static const command_spec *find_command(int argc, char **argv, int *consumed)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].group, argv[0]) != 0)
            continue;
        if (commands[i].name == NULL) {
            *consumed = 0;
            return &commands[i];
        }
        if (argc > 1 && strcmp(commands[i].name, argv[1]) == 0) {
            *consumed = 1;
            return &commands[i];
        }
    }
    return NULL;
}

/* Commands that, given an option naming an export, need no database at all:
 * an auditor verifies what was handed over on a machine of their own. A
 * workbook is verified offline with an export, or when nobody logs in. */
static bool runs_offline(const cli_ctx *ctx, const command_spec *cmd, int argc, char **argv)
{
    if (strcmp(cmd->group, "verify") == 0) {
        const char *token = getenv("LOANDESK_SESSION");
        bool logged_in = ctx->username != NULL || (token != NULL && token[0] != '\0');
        return !logged_in || cli_opt(argc, argv, "--ledger-export") != NULL;
    }
    return strcmp(cmd->group, "ledger") == 0 && cmd->name != NULL &&
           strcmp(cmd->name, "verify") == 0 && cli_opt(argc, argv, "--offline") != NULL;
}

/* Opens the operations API on --db and a session: resumed from
 * $LOANDESK_SESSION when set (no password needed), else a login. */
static int open_session(cli_ctx *ctx)
{
    ld_error err;
    if (ld_api_open(ctx->db_path, &ctx->api_clock, &ctx->api, &err) != LD_OK)
        return cli_fail(&err);
    int rc = cli_institution_key_setup(ctx->api);
    if (rc != 0) {
        ld_api_close(ctx->api);
        ctx->api = NULL;
        return rc;
    }
    const char *token = getenv("LOANDESK_SESSION");
    ld_status st;
    if (token != NULL && token[0] != '\0') {
        st = ld_session_resume(ctx->api, token, &ctx->s, &err);
    } else {
        const char *password = cli_password("LOANDESK_PASSWORD", "password: ");
        st = ld_session_login(ctx->api, ctx->username, password, &ctx->s, &err);
    }
    if (st != LD_OK) {
        ld_api_close(ctx->api);
        ctx->api = NULL;
        return cli_fail(&err);
    }
    return 0;
}

static void close_session(cli_ctx *ctx)
{
    ld_session_free(ctx->s);
    ctx->s = NULL;
    ld_api_close(ctx->api);
    ctx->api = NULL;
}

static int run(cli_ctx *ctx, const command_spec *cmd, int argc, char **argv)
{
    if (cmd->db == DB_NONE || cmd->db == DB_CREATE || runs_offline(ctx, cmd, argc, argv))
        return cmd->handler(ctx, argc, argv);
    int rc = open_session(ctx);
    if (rc != 0)
        return rc;
    rc = cmd->handler(ctx, argc, argv);
    close_session(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    cli_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.db_path = getenv("LOANDESK_DB") ? getenv("LOANDESK_DB") : "./loandesk.db";
    ctx.username = getenv("LOANDESK_USER");
    const char *today = getenv("LOANDESK_TODAY");
    if (today != NULL && today[0] != '\0') {
        ld_error err;
        if (ld_date_check("LOANDESK_TODAY", today, &err) != LD_OK)
            return cli_fail(&err);
        ctx.api_clock.business_date = today;
    }
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            ctx.db_path = argv[++i];
        else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
            ctx.username = argv[++i];
        else if (strcmp(argv[i], "--quiet") == 0)
            ctx.quiet = true;
        else
            break;
    }
    if (i < argc && strcmp(argv[i], "--version") == 0) {
        printf("loandesk %s\n", ld_api_version());
        return 0;
    }
    if (i < argc && strncmp(argv[i], "--", 2) == 0)
        return cli_usage(NULL,
                         "unknown global option %s (global options: --db PATH, --user NAME, "
                         "--quiet, --version)",
                         argv[i]);
    if (i >= argc || strcmp(argv[i], "help") == 0 || strcmp(argv[i], "--help") == 0) {
        if (i + 2 < argc)
            return cli_usage(NULL, "help takes one command name");
        bool found = print_help(i + 1 < argc ? argv[i + 1] : NULL);
        return i >= argc || !found ? LD_EUSAGE : 0;
    }
    int consumed = 0;
    const command_spec *cmd = find_command(argc - i, argv + i, &consumed);
    if (cmd == NULL) {
        /* A group named alone ("loandesk app") shows what it holds. */
        bool group = i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0;
        for (size_t c = 0; group && c < COMMAND_COUNT; c++)
            if (strcmp(commands[c].group, argv[i]) == 0) {
                print_help(argv[i]);
                return LD_EUSAGE;
            }
        return cli_usage(NULL, "unknown command \"%s%s%s\"; `loandesk help` lists them", argv[i],
                         i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
    }
    int sub = i + consumed;
    /* Global options come before the command word: after it, --user and --db
     * belong to the command (`audit list --user chen` filters by chen). */
    ctx.quiet = ctx.quiet || cli_flag(argc - sub, argv + sub, "--quiet");
    for (int j = sub + 1; j < argc; j++)
        if (strcmp(argv[j], "--json") == 0 && (j + 1 >= argc || strncmp(argv[j + 1], "--", 2) == 0))
            ctx.json = true;
    return run(&ctx, cmd, argc - sub, argv + sub);
}
