/*
 * collection.h - collection of overdue loans (清收): the case close of business
 * opens when a loan falls past due and moves through the policy's stages
 * (core/care.h) as its days past due grow, closing it when the loan is cured,
 * repaid or written off; the collectors' actions with their outcome and next
 * step; promises to pay, which close of business marks kept or broken on
 * their date from the payments the loan received; recoveries from a
 * guarantor, posted as the loan's repayment and reducing the guarantor's net
 * assets; and each officer's list. Close of business's pass over the cases
 * and promises is collection_cob.h.
 *
 * Every table here is covered by the ledger's row log (rows.h), so each case,
 * stage, action, promise and recovery is in the tamper-evident log. A case's
 * stage only moves forward: a partial payment that lowers the days past due
 * does not take the collectors back a stage.
 *
 * Errors: LD_EINVAL naming the field, LD_EPERM, LD_ENOTFOUND, LD_ESTATE (a
 * closed case; a guarantor not of this loan), LD_EINTERNAL.
 */
#ifndef LEDGER_COLLECTION_H
#define LEDGER_COLLECTION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "money.h"
#include "session.h"
#include "store.h"

/* The application and borrower loan_id was made from. LD_ENOTFOUND. */
ld_status ledger_loan_parties(core_store *store, int64_t loan_id, int64_t *application_id,
                              int64_t *borrower_id, ld_error *err);

/* A collector's action on case_id (the customer's officer):
 * {"date", "kind", "outcome", "next_step", "next_date"}; kind one of call,
 * sms, letter, visit, guarantor_demand, legal_filing; date not after the
 * business date. *id_out gets the new id. */
ld_status ledger_collection_action_add(core_store *store, const core_session *who, int64_t case_id,
                                       const cJSON *input, int64_t *id_out, ld_error *err);

/* A promise to pay amount by due_on (after the business date), recorded on
 * the business date by the customer's officer. */
ld_status ledger_collection_promise_add(core_store *store, const core_session *who, int64_t case_id,
                                        ld_money amount, ld_date due_on, int64_t *id_out,
                                        ld_error *err);

/* A guarantor of the loan's application pays amount on date: posted as a
 * repayment of the loan (the customer's officer or a manager), recorded as a
 * recovery from guarantor_id, and the guarantor's net assets reduced by it.
 * *out gets {"recovery", "repayment", "loan", "guarantor", "amount",
 * "net_assets"}. */
ld_status ledger_collection_recover(core_store *store, const core_session *who, int64_t case_id,
                                    int64_t guarantor_id, ld_money amount, ld_date date,
                                    cJSON **out, ld_error *err);

/* A case with its loan's standing, stages, actions, promises and recoveries,
 * for whoever may read the customer. */
ld_status ledger_collection_show(core_store *store, const core_session *who, int64_t case_id,
                                 cJSON **out, ld_error *err);

/* Cases (open ones unless all) of the customers who may be seen (officers:
 * their own), by days past due then the amount overdue, largest first. */
ld_status ledger_collection_list(core_store *store, const core_session *who, bool all, cJSON **out,
                                 ld_error *err);

/* Churn warning (流失预警) for the customers who may be read (officers: their
 * own): those whose loans are all settled, the last at least the policy's
 * churn_days ago, with no application since ("settled"); and active loans
 * prepaid by at least churn_prepaid_pct % of their amount within the last
 * churn_days ("prepaying"). [{"borrower_id", "borrower", "officer",
 * "reason", "since" | "loan_id", "prepaid"}]. */
ld_status ledger_churn_list(core_store *store, const core_session *who, cJSON **out, ld_error *err);

#endif
