/*
 * credit_report.h - credit bureau reports on a borrower, as the officer enters
 * or imports them: the report's date and source, lender inquiries in the last
 * six months, credit card utilisation, loans open at other lenders, the worst
 * days past due in 24 months and the balance outstanding elsewhere.
 *
 * A report is a dated fact, never edited: a newer report is added beside the
 * old ones, and a rating reads the latest one (within the policy's maximum
 * age, which the rating module applies). A field the report does not give is
 * stored as unknown and the rating reports it as missing.
 *
 * Record shape (JSON, as `credit-report list --json` prints each one):
 *   report_date "YYYY-MM-DD" (not after today), source (e.g. "PBOC"),
 *   inquiries_6m, open_loans, worst_dpd_24m (whole numbers >= 0),
 *   card_utilisation (a percentage "45.5", or "none" when the borrower holds no
 *   credit card), outstanding_balance (money).
 */
#ifndef LD_CREDIT_REPORT_H
#define LD_CREDIT_REPORT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "money.h"
#include "session.h"
#include "store.h"

#define CORE_CREDIT_SOURCE_MAX 64

/* card_utilisation when the borrower holds no credit card. */
#define CORE_CARD_NONE (-1)

/* One report; numbers not given are -1 (card_utilisation: -2). */
typedef struct core_credit_report {
    ld_date report_date;
    char source[CORE_CREDIT_SOURCE_MAX + 1];
    int64_t inquiries_6m, open_loans, worst_dpd_24m;
    ld_rate card_utilisation; /* millionths of the limits (45 % = 450000); CORE_CARD_NONE */
    ld_money outstanding_balance;
} core_credit_report;

#define CORE_CARD_UNKNOWN (-2)

/* Validates a record (pure), naming fields under path. */
ld_status core_credit_report_read(const cJSON *input, const char *path, ld_date today,
                                  core_credit_report *out, ld_error *err);

/* Adds a report to borrower_id's file: the borrower's officer only
 * (CORE_ACT_CUSTOMER_EDIT). Audited. LD_EINVAL naming the field, LD_EPERM,
 * LD_ENOTFOUND. */
ld_status core_credit_report_add(core_store *store, const core_session *who, int64_t borrower_id,
                                 const cJSON *input, int64_t *id_out, ld_error *err);

/* Adds every report of a JSON array, each object naming its borrower_id; all
 * or nothing (errors name "[i].field"). *count_out is how many were added. */
ld_status core_credit_report_import(core_store *store, const core_session *who, const cJSON *list,
                                    int64_t *count_out, ld_error *err);

/* The borrower's reports, newest first, for those who may read the file. */
ld_status core_credit_report_list(core_store *store, const core_session *who, int64_t borrower_id,
                                  cJSON **out, ld_error *err);

/* The latest report of a borrower by report date (no permission check: for
 * gathering rating facts). *found is false when there is none. */
ld_status core_credit_report_latest(core_store *store, int64_t borrower_id, core_credit_report *out,
                                    bool *found, ld_error *err);

#endif
