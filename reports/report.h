/*
 * report.h - the signed workbooks of loandesk (issue 5, docs/design.md "Signed
 * files"): the post-loan inspection report, the rating report, the loan
 * ledger (贷款台帐) and the portfolio analysis, and their verification.
 *
 * Every workbook is deterministic: its document properties are fixed (author
 * "loandesk", a `created` time that is the data's as-of date at 00:00 UTC,
 * never the wall clock), so the same data gives the same bytes. Its last sheet
 * is the signature sheet: signer, certificate fingerprint, the ledger size
 * and root the report is anchored to, and the SHA-256 of each data sheet's
 * content (the canonical cell stream described in docs/reports.md).
 *
 * Signing writes FILE.xlsx.p7s, a detached DER CMS signature by the user's key
 * with the CA certificate included, then appends a report.signed entry (kind,
 * file SHA-256, signer, certificate fingerprint, anchored size) to the ledger
 * through core_event_emit, and an audit row, all in the caller's transaction.
 * No libxlsxwriter type crosses this header.
 *
 * Errors: LD_EPERM (role or customer scope), LD_ENOTFOUND (no such loan,
 * application, inspection), LD_EINVAL (bad options), LD_EVERIFY (verification
 * failed, with the reason), LD_EINTERNAL (libxlsxwriter, I/O, SQLite).
 */
#ifndef REPORT_H
#define REPORT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "date.h"
#include "ld_error.h"
#include "session.h"
#include "store.h"

typedef enum report_lang {
    REPORT_LANG_ZH, /* the default: labels in Chinese */
    REPORT_LANG_EN,
} report_lang;

/* An unlocked signing identity: the user's key, certificate and the CA. */
typedef struct report_signer report_signer;

/* Unlocks who's signing key with their password (officers, reviewers,
 * managers: CORE_ACT_REPORT_SIGN). LD_ENOTFOUND when the user has no active
 * certificate, LD_EPERM for a wrong password or a role that may not sign.
 * Free with report_signer_free. */
ld_status report_signer_open(core_store *store, const core_session *who, const char *password,
                             report_signer **out, ld_error *err);
void report_signer_free(report_signer *signer);

/* Options every workbook takes. */
typedef struct report_options {
    const char *path;            /* FILE.xlsx to write */
    report_lang lang;            /* labels */
    const report_signer *signer; /* NULL: unsigned (no .p7s, nothing logged) */
    const char *tmpdir;          /* libxlsxwriter's temporary files; NULL: default */
    const char *institution;     /* page headers of the ledger writer; NULL: from the CA */
    const struct core_product_catalog
        *products; /* the ledger writer's product names; NULL: codes */
} report_options;

/* What was written. */
typedef struct report_result {
    char sha256[65];      /* of the .xlsx file */
    bool is_signed;       /* a .p7s was written and the ledger entry appended */
    char signer[64];      /* username, "" when unsigned */
    char fingerprint[65]; /* certificate SHA-256, "" when unsigned */
    uint64_t anchor_size; /* the ledger size and root on the signature sheet */
    char anchor_root[65];
    int64_t rows; /* data rows written (all data sheets) */
} report_result;

/* ---- Workbooks ---------------------------------------------------------------- */

/* 评级报告: inputs, factor points against their bins, score, grade, PD, reason
 * codes, decision, recommended terms, overrides with who and why. For whoever
 * may read the application. As of the rating's date. */
ld_status report_rating_write(core_store *store, const core_session *who, int64_t app_id,
                              const report_options *options, report_result *out, ld_error *err);

/* 贷前调查报告 of an application: the borrower, guarantors and their capacity,
 * collateral with owner, value, LTV and how it is realised, the on-site
 * investigations, ratios over the statement years, the rating with its
 * reasons, and the proposed terms with the officer's opinion. For whoever may
 * read the application (its officer, reviewers, managers); dated by the
 * business date. */
ld_status report_investigation_write(core_store *store, const core_session *who, int64_t app_id,
                                     const report_options *options, report_result *out,
                                     ld_error *err);

/* 贷后检查报告 of loan_id: the inspection inspection_id (0: the latest). As of
 * the inspection's date. */
/* 评分卡开发报告 of a scorecard fit: fit is the report `rating fit --json`
 * printed (columns, bins, WoE, coefficients, the written policy's hash). For
 * risk staff (reviewers and managers). LD_EINVAL when fit is not one. */
ld_status report_fit_write(core_store *store, const core_session *who, const cJSON *fit,
                           const report_options *options, report_result *out, ld_error *err);

ld_status report_inspection_write(core_store *store, const core_session *who, int64_t loan_id,
                                  int64_t inspection_id, const report_options *options,
                                  report_result *out, ld_error *err);

/* 贷款台帐: one row per loan on the books in [from, to] and the journal lines
 * dated in it (LEDGER_NO_DATE: open ends; the as-of date is `to`, else the
 * last close of business). Streams with libxlsxwriter's constant_memory.
 * Managers, reviewers and auditors (report_book_permit). */
/* 清收报告: the collection cases the writer may see, open and closed, their
 * promises to pay and recoveries from guarantors (report_collection.c). */
ld_status report_collection_write(core_store *store, const core_session *who,
                                  const report_options *options, report_result *out, ld_error *err);

ld_status report_ledger_write(core_store *store, const core_session *who, ld_date from, ld_date to,
                              const report_options *options, report_result *out, ld_error *err);

/* 经营分析 as of date: balances and counts by grade, category, product,
 * industry and officer, NPL ratio, overdue rates, top-10 borrower
 * concentration, and from the log's loan events the category migration from
 * since to date (0: three months before date, or the first disbursement when
 * later) and the cumulative default share by month on book of each
 * disbursement cohort, with native charts. Writes nothing to the database but
 * the signed report's entries. LD_EINVAL when since is after date; LD_EVERIFY
 * when a loan event of the log is malformed. Managers, reviewers and auditors
 * (report_book_permit). */
ld_status report_portfolio_write(core_store *store, const core_session *who, ld_date date,
                                 ld_date since, const report_options *options, report_result *out,
                                 ld_error *err);

/* ---- The ledger workbook's row writer --------------------------------------- */

/* report_ledger_write feeds loans and journal lines from the database to this
 * writer; benchmarks feed it generated rows. Loans and journal lines may be
 * interleaved; each sheet streams in the order given. */
struct ledger_report_loan;
struct ledger_report_jline;
typedef struct report_ledger_writer report_ledger_writer;

ld_status report_ledger_writer_open(const report_options *options, ld_date from, ld_date to,
                                    ld_date as_of, report_ledger_writer **out, ld_error *err);
ld_status report_ledger_writer_loan(report_ledger_writer *w, const struct ledger_report_loan *loan,
                                    ld_error *err);
ld_status report_ledger_writer_jline(report_ledger_writer *w,
                                     const struct ledger_report_jline *line, ld_error *err);
/* Writes the totals and an unsigned signature sheet, and the file. */
ld_status report_ledger_writer_close(report_ledger_writer *w, int64_t *rows_out, ld_error *err);

/* ---- Verification ------------------------------------------------------------- */

typedef struct report_verify_options {
    const char *path;           /* FILE.xlsx; the signature is path + ".p7s" */
    const char *p7s_path;       /* NULL: path + ".p7s" */
    const char *ca_pem_path;    /* the auditor's CA certificate, or: */
    const char *ca_fingerprint; /* its fingerprint, matched with the data's CA; one is needed */
    core_store *store;          /* NULL when verifying without a database */
    const core_session *who;    /* with store: the acting user, who must read customer files */
    const char *export_dir;     /* an offline ledger export (entries.jsonl); may be NULL */
} report_verify_options;

typedef struct report_verification {
    char sha256[65];
    char signer[256];      /* certificate common name */
    char signer_role[256]; /* certificate organisational unit */
    char fingerprint[65];
    time_t signing_time;      /* the signer's claim */
    bool in_ledger;           /* found a report.signed entry for the hash */
    uint64_t ledger_seq;      /* its position */
    int64_t ledger_time;      /* when the log recorded it */
    char kind[32];            /* from the entry */
    uint64_t checkpoint_size; /* first signed checkpoint covering it, 0: none */
    bool sheets_checked;      /* each sheet's hash recomputed and matched the signature sheet */
    bool sheets_in_ledger;    /* ... and the hashes the ledger recorded at signing */
    bool revocation_checked;  /* the certificate status was looked up */
    time_t revoked_at;        /* 0: not revoked */
} report_verification;

/* Checks the signature over the file, the chain to the CA, that the signer
 * was not revoked when the ledger recorded the file, and that the ledger
 * (database or export) records the file's hash with the same signer. When
 * neither a database nor an export is given, only the signature and chain are
 * checked (in_ledger false). Against a database, for the roles that read
 * customer files (LD_EPERM for an admin). The CA is the caller's trust anchor
 * (ca_pem_path or ca_fingerprint; LD_EUSAGE without), never the one the
 * database or export carries. An export is verified whole under the same
 * anchor first (ledger_verify_offline), and the checkpoint covering the
 * file's entry is named. LD_EVERIFY with the reason for any failure;
 * LD_ENOTFOUND when a file is missing. */
ld_status report_verify(const report_verify_options *options, report_verification *out,
                        ld_error *err);

#endif
