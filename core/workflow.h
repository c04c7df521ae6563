/*
 * workflow.h - the life of a loan application as a state machine.
 *
 *   draft --submit--> submitted --rate--> rated --approve--> approved --disburse--> disbursed
 *                         |                 \--reject--> rejected
 *                         \--reject--> rejected
 *   draft, submitted, rated --withdraw--> withdrawn
 *   submitted, rated --return--> draft   (sent back to the officer for more information)
 *   rated --refer--> rated               (a reviewer hands the decision to a manager)
 *
 * Approval needs a rating: the approved terms are judged against the rating's
 * recommendation (application.h).
 *
 * Edits (the application, its guarantors, collateral and investigations) are
 * allowed only in draft: what a reviewer decides on cannot change under them.
 * Rating may be repeated while the application is submitted or rated. Any other
 * event is refused with LD_ESTATE naming the current state.
 */
#ifndef LD_WORKFLOW_H
#define LD_WORKFLOW_H

#include "ld_error.h"

typedef enum core_app_state {
    CORE_APP_DRAFT,
    CORE_APP_SUBMITTED,
    CORE_APP_RATED,
    CORE_APP_APPROVED,
    CORE_APP_REJECTED,
    CORE_APP_WITHDRAWN,
    CORE_APP_DISBURSED,
} core_app_state;

#define CORE_APP_STATE_COUNT 7

typedef enum core_app_event {
    CORE_EV_EDIT,
    CORE_EV_SUBMIT,
    CORE_EV_RATE,
    CORE_EV_APPROVE,
    CORE_EV_REJECT,
    CORE_EV_WITHDRAW,
    CORE_EV_DISBURSE,
    CORE_EV_RETURN,
    CORE_EV_REFER,
} core_app_event;

#define CORE_APP_EVENT_COUNT 9

const char *core_app_state_name(core_app_state state);
ld_status core_app_state_parse(const char *text, core_app_state *out, ld_error *err);
const char *core_app_event_name(core_app_event event);

/* The state after event, or LD_ESTATE ("cannot approve application 7: it is
 * draft") when the event is not allowed in state. app_id is for the message. */
ld_status core_workflow_next(core_app_state state, core_app_event event, long long app_id,
                             core_app_state *next, ld_error *err);

#endif
