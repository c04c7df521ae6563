/*
 * workflow.c - the application state machine of workflow.h as a table.
 */
#include "workflow.h"

#include <string.h>

static const char *const state_names[CORE_APP_STATE_COUNT] = {
    "draft", "submitted", "rated", "approved", "rejected", "withdrawn", "disbursed"};
static const char *const event_names[CORE_APP_EVENT_COUNT] = {
    "edit", "submit", "rate", "approve", "reject", "withdraw", "disburse", "return", "refer"};

#define NO (-1)

/* next[state][event]: the resulting state, or NO. Columns: edit, submit,
 * rate, approve, reject, withdraw, disburse, return, refer. A returned
 * application is a draft again (its steps record that it came back); a
 * referral leaves it rated, waiting for a manager. */
static const signed char next_state[CORE_APP_STATE_COUNT][CORE_APP_EVENT_COUNT] = {
    [CORE_APP_DRAFT] = {CORE_APP_DRAFT, CORE_APP_SUBMITTED, NO, NO, NO, CORE_APP_WITHDRAWN, NO, NO,
                        NO},
    [CORE_APP_SUBMITTED] = {NO, NO, CORE_APP_RATED, NO, CORE_APP_REJECTED, CORE_APP_WITHDRAWN, NO,
                            CORE_APP_DRAFT, NO},
    [CORE_APP_RATED] = {NO, NO, CORE_APP_RATED, CORE_APP_APPROVED, CORE_APP_REJECTED,
                        CORE_APP_WITHDRAWN, NO, CORE_APP_DRAFT, CORE_APP_RATED},
    [CORE_APP_APPROVED] = {NO, NO, NO, NO, NO, NO, CORE_APP_DISBURSED, NO, NO},
    [CORE_APP_REJECTED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [CORE_APP_WITHDRAWN] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [CORE_APP_DISBURSED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
};

const char *core_app_state_name(core_app_state state)
{
    return state_names[state];
}

const char *core_app_event_name(core_app_event event)
{
    return event_names[event];
}

ld_status core_app_state_parse(const char *text, core_app_state *out, ld_error *err)
{
    for (int i = 0; text != NULL && i < CORE_APP_STATE_COUNT; i++) {
        if (strcmp(text, state_names[i]) == 0) {
            *out = (core_app_state)i;
            return LD_OK;
        }
    }
    return LD_FAIL(err, LD_EINVAL,
                   "state: must be one of draft, submitted, rated, approved, rejected, "
                   "withdrawn, disbursed");
}

ld_status core_workflow_next(core_app_state state, core_app_event event, long long app_id,
                             core_app_state *next, ld_error *err)
{
    signed char to = next_state[state][event];
    if (to == NO)
        return LD_FAIL(err, LD_ESTATE, "cannot %s application %lld: it is %s", event_names[event],
                       app_id, state_names[state]);
    *next = (core_app_state)to;
    return LD_OK;
}
