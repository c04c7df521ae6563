/*
 * care.h - the policy's terms for the care of loans and customers after the
 * decision: the collection stages (清收) by days past due, and the deadlines
 * of customer care. Read from the policy document's "collection" section;
 * a policy without it keeps the stages of docs/policy.md (reminder from day
 * 1, officer visit from 31, formal demand from 91, guarantor demand and legal
 * action from 181).
 */
#ifndef LD_CARE_H
#define LD_CARE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "ld_error.h"
#include "session.h"
#include "store.h"

#define CORE_STAGE_MAX      8
#define CORE_STAGE_CODE_MAX 16

typedef struct core_collection_stage {
    char code[CORE_STAGE_CODE_MAX]; /* reminder, visit, demand, guarantor, legal */
    int from_dpd;
} core_collection_stage;

typedef struct core_care_terms {
    core_collection_stage stages[CORE_STAGE_MAX]; /* from_dpd strictly increasing, the first 1 */
    int stage_count;
    /* "collection": {"enabled": false}: a bank that does not run collection
     * cases (stage_count 0); close of business opens, moves and closes none. */
    bool collection_off;
    /* "care": {"complaint_days", "churn_days", "churn_prepaid_pct"} */
    int complaint_days;    /* a complaint's deadline after it is received (default 15) */
    int churn_days;        /* settled with no new application for this long (default 90) */
    int churn_prepaid_pct; /* prepaid this share of a loan within churn_days (default 30) */
} core_care_terms;

/* Reads the policy document's "collection" section ({"enabled", "stages":
 * [{"code", "from_dpd"}]}; enabled false: collection off, and no stages may
 * be listed) into out; absent, the default stages. LD_EINVAL naming the
 * field ("$.collection.stages[1].from_dpd: ..."). */
ld_status core_care_terms_read(const cJSON *policy, core_care_terms *out, ld_error *err);

/* The terms of the policy in force. */
ld_status core_care_terms_get(core_store *store, core_care_terms *out, ld_error *err);

/* The index of the stage a loan dpd days past due is in (-1: none, dpd < 1). */
int core_care_stage_of(const core_care_terms *terms, int64_t dpd);

/* ---- Visits (走访) and complaints (投诉), care_store.c ---------------------------- */

/* A visit to borrower_id (the customer's officer): {"date" (not after the
 * business date; default it), "people", "purpose", "findings", "follow_up"}. */
ld_status core_visit_add(core_store *store, const core_session *who, int64_t borrower_id,
                         const cJSON *input, int64_t *id_out, ld_error *err);

/* The visits to borrower_id, newest first, for whoever may read the customer. */
ld_status core_visit_list(core_store *store, const core_session *who, int64_t borrower_id,
                          cJSON **out, ld_error *err);

/* A complaint of borrower_id received (the customer's officer): {"channel":
 * phone|counter|letter|online|regulator, "text", "received_on" (default the
 * business date)}; assigned to the customer's officer, due the policy's
 * complaint_days later. */
ld_status core_complaint_add(core_store *store, const core_session *who, int64_t borrower_id,
                             const cJSON *input, int64_t *id_out, ld_error *err);

/* Gives complaint id to another user (managers). */
ld_status core_complaint_assign(core_store *store, const core_session *who, int64_t id,
                                const char *username, ld_error *err);

/* The response to complaint id, on the business date (the customer's
 * officer, or the officer a manager assigned it to; so closing too). */
ld_status core_complaint_respond(core_store *store, const core_session *who, int64_t id,
                                 const char *response, ld_error *err);

/* Closes a responded complaint with the customer's feedback (the customer's
 * officer). */
ld_status core_complaint_close(core_store *store, const core_session *who, int64_t id,
                               const char *feedback, ld_error *err);

/* Complaints of the customers who may be read (open ones unless all; only
 * those past their deadline when overdue), soonest deadline first, each
 * with "past_deadline" true when its deadline has passed and it is open. */
ld_status core_complaint_list(core_store *store, const core_session *who, bool all, bool overdue,
                              cJSON **out, ld_error *err);

#endif
