/*
 * loandesk/reports.h - signed workbooks and their verification (operations
 * API).
 *
 * A workbook is signed with the acting user's own key (officers, reviewers,
 * managers hold one); key_password unlocks it (NULL: the password the session
 * logged in with; a resumed session holds none). Signing writes FILE.xlsx.p7s
 * and appends the file's SHA-256 to the ledger in the operation's transaction.
 *
 * Every report returns {"kind", "file", "sha256", "signed", "anchor_size",
 * "anchor_root", "rows"} and, when signed, "signature" (the .p7s path),
 * "signer" and "fingerprint". Errors: LD_EPERM (role or customer scope; an
 * auditor may write unsigned workbooks only), LD_ENOTFOUND, LD_EINVAL (a
 * malformed date naming its field, lang not zh or en), LD_EUSAGE (no key
 * password for a resumed session), LD_EINTERNAL.
 */
#ifndef LOANDESK_REPORTS_H
#define LOANDESK_REPORTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "loandesk/api.h"

/* What every workbook takes. */
typedef struct ld_report_spec {
    const char *path; /* FILE.xlsx to write */
    const char *lang; /* "zh" (NULL) or "en": the labels */
    bool no_sign;     /* true: no signature, nothing in the ledger */
} ld_report_spec;

/* 贷后检查报告 of a loan's inspection (0: the latest), for whoever may read the
 * loan's customer. */
ld_status ld_report_inspection(ld_session *session, int64_t loan_id, int64_t inspection_id,
                               const ld_report_spec *spec, const char *key_password, cJSON **out,
                               ld_error *err);

/* 贷前调查报告 of an application, written and signed by its officer (reviewers
 * and managers may write it too; whoever may read the application). */
ld_status ld_report_investigation(ld_session *session, int64_t app_id, const ld_report_spec *spec,
                                  const char *key_password, cJSON **out, ld_error *err);

/* 评级报告 of an application's latest rating, for whoever may read it. */
ld_status ld_report_rating(ld_session *session, int64_t app_id, const ld_report_spec *spec,
                           const char *key_password, cJSON **out, ld_error *err);

/* 贷款台帐 of the loans on the books between from and to ("YYYY-MM-DD", NULL:
 * open). Whole-book reports (this and the portfolio) are for managers,
 * reviewers (risk staff: they read and sign them) and auditors (unsigned). */
ld_status ld_report_ledger(ld_session *session, const char *from, const char *to,
                           const ld_report_spec *spec, const char *key_password, cJSON **out,
                           ld_error *err);

/* 清收报告: the collection cases the caller may see (officers: their own
 * customers'), open and closed, with promises kept and broken and recoveries
 * from guarantors, as of the business date. */
ld_status ld_report_collection(ld_session *session, const ld_report_spec *spec,
                               const char *key_password, cJSON **out, ld_error *err);

/* 经营分析 as of date (required), migration since (NULL: three months
 * before). Same roles as the ledger workbook. */
ld_status ld_report_portfolio(ld_session *session, const char *date, const char *since,
                              const ld_report_spec *spec, const char *key_password, cJSON **out,
                              ld_error *err);

/* 评分卡开发报告 of a scorecard fit, from the fit report `rating fit --json`
 * wrote to fit_path: columns, IV, bins, WoE, coefficients, why columns were
 * left out. For reviewers and managers. */
ld_status ld_report_fit(ld_session *session, const char *fit_path, const ld_report_spec *spec,
                        const char *key_password, cJSON **out, ld_error *err);

/* What to verify: the workbook, its signature (NULL: path + ".p7s"), the
 * auditor's trust anchor (the CA certificate in PEM, or its SHA-256
 * fingerprint matched with the CA the database or export carries; one is
 * required, LD_EUSAGE), an offline ledger export (verified whole first). */
typedef struct ld_verify_spec {
    const char *path;
    const char *p7s_path;
    const char *ca_pem_path;
    const char *ca_fingerprint;
    const char *export_dir;
} ld_verify_spec;

/* Verifies a workbook against the database: signature, chain to the CA, the
 * signer not revoked when the ledger recorded the file, the ledger entry and
 * the checkpoint covering it. For every role that reads customer files
 * (officer, reviewer, manager, auditor); an admin holds no customer files and
 * is refused (LD_EPERM, audited): admins verify offline with the CA
 * certificate. Result: {"file", "sha256", "signer", "role", "fingerprint",
 * "signing_time", "in_ledger", "revocation_checked"} and, when in the ledger,
 * "kind", "ledger_entry", "ledger_time", "checkpoint_size". LD_EVERIFY with the
 * reason, LD_ENOTFOUND for a missing file. */
ld_status ld_verify(ld_session *session, const ld_verify_spec *spec, cJSON **out, ld_error *err);

/* The same without a database or a session, for an auditor's own machine:
 * ca_pem_path is required (LD_EUSAGE); the ledger is checked when export_dir
 * is given, revocation never. */
ld_status ld_verify_offline(const ld_verify_spec *spec, cJSON **out, ld_error *err);

#endif
