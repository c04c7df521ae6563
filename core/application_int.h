/*
 * application_int.h - what core's own files share about applications and no
 * other module may call.
 *
 * core_application_transition moves an application along a workflow event
 * with no permission check of its own: each public operation (submit,
 * approve, reject, withdraw, core_rating_save, core_application_disburse)
 * checks who may take its step first. Outside core it would let anyone take
 * any step, so it is declared here and not in application.h.
 */
#ifndef LD_APPLICATION_INT_H
#define LD_APPLICATION_INT_H

#include "application.h"

/* Moves application id along event, recording the audit row and the ledger
 * event; the caller has checked the permission. LD_ENOTFOUND, LD_ESTATE. */
ld_status core_application_transition(core_store *store, const core_session *who, int64_t id,
                                      core_app_event event, const cJSON *detail, ld_error *err);

/* max(0, appraised * cap - prior claims): what a lender may count on. */
ld_money core_app_lendable_value(ld_money appraised, ld_rate cap, ld_money prior);

/* The index of a collateral type in core_collateral_type_names (its LTV cap's
 * place in the policy); 0 for a name not there. */
int core_app_collateral_type_index(const char *type);

/* The statements an application's parts are read with, for its record
 * (application_store.c) and its text (application_text.c) alike: one
 * statement each, prepared once per connection. */
extern const char core_app_guarantors_sql[];
extern const char core_app_collateral_sql[];
extern const char core_app_investigations_sql[];
/* The names of an investigation's members, in its statement's column order. */
extern const char *const core_app_investigation_keys[8];

#endif
