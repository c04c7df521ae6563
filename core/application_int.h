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

#endif
