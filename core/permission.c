/*
 * permission.c - the role matrix of docs/design.md as a table, plus the customer
 * scope rules that no table can express (ownership, review visibility).
 */
#include "permission.h"

#include <string.h>

static const char *const role_names[CORE_ROLE_COUNT] = {"officer", "reviewer", "manager", "auditor",
                                                        "admin"};

const char *core_role_name(core_role role)
{
    return role_names[role];
}

ld_status core_role_parse(const char *field, const char *text, core_role *out, ld_error *err)
{
    for (int i = 0; text != NULL && i < CORE_ROLE_COUNT; i++) {
        if (strcmp(text, role_names[i]) == 0) {
            *out = (core_role)i;
            return LD_OK;
        }
    }
    return LD_FAIL(err, LD_EINVAL, "%s: must be one of officer, reviewer, manager, auditor, admin",
                   field);
}

static const char *const action_names[CORE_ACTION_COUNT] = {
    "manage users",        "list users",          "manage policy",       "create borrowers",
    "read customer files", "edit customer files", "reassign customers",  "submit applications",
    "decide applications", "rate applications",   "override ratings",    "record repayments",
    "operate the ledger",  "classify loans",      "write off loans",     "read the audit trail",
    "read the ledger",     "sign reports",        "blocklist customers", "reverse repayments",
    "back up the book",    "fit scorecards",
};

const char *core_action_name(core_action action)
{
    return action_names[action];
}

/* Columns: officer, reviewer, manager, auditor, admin. 1 = allowed by role; the
 * customer scope may still refuse it below. Reversing a repayment takes back
 * cash already booked from an officer's entry: a manager's correction. Backing
 * up is the admin's, who runs the machine's operations: the copy is encrypted
 * under the backup custodians' key, which no login holds. Fitting a scorecard
 * is the risk function's (reviewers, managers) and the admin's, who loads the
 * policy it becomes; officers rate the files they bring, not the model. */
static const unsigned char allowed[CORE_ACTION_COUNT][CORE_ROLE_COUNT] = {
    [CORE_ACT_USER_MANAGE] = {0, 0, 0, 0, 1},
    [CORE_ACT_USER_LIST] = {0, 0, 1, 1, 1},
    [CORE_ACT_POLICY_MANAGE] = {0, 0, 0, 0, 1},
    [CORE_ACT_BORROWER_CREATE] = {1, 0, 0, 0, 0},
    [CORE_ACT_CUSTOMER_READ] = {1, 1, 1, 1, 0},
    [CORE_ACT_CUSTOMER_EDIT] = {1, 0, 0, 0, 0},
    [CORE_ACT_CUSTOMER_ASSIGN] = {0, 0, 1, 0, 0},
    [CORE_ACT_APP_SUBMIT] = {1, 0, 0, 0, 0},
    [CORE_ACT_APP_DECIDE] = {0, 1, 1, 0, 0},
    [CORE_ACT_RATING_RUN] = {1, 1, 1, 0, 0},
    [CORE_ACT_RATING_OVERRIDE] = {0, 1, 1, 0, 0},
    [CORE_ACT_REPAYMENT_RECORD] = {1, 0, 1, 0, 0},
    [CORE_ACT_LEDGER_OPERATE] = {0, 0, 1, 0, 0},
    [CORE_ACT_LOAN_CLASSIFY] = {0, 1, 1, 0, 0},
    [CORE_ACT_LOAN_WRITE_OFF] = {0, 0, 1, 0, 0},
    [CORE_ACT_AUDIT_READ] = {0, 0, 1, 1, 1},
    [CORE_ACT_LEDGER_VERIFY] = {0, 1, 1, 1, 0},
    [CORE_ACT_REPORT_SIGN] = {1, 1, 1, 0, 0},
    [CORE_ACT_BORROWER_BLOCKLIST] = {0, 1, 1, 0, 0},
    [CORE_ACT_REPAYMENT_REVERSE] = {0, 0, 1, 0, 0},
    [CORE_ACT_BACKUP] = {0, 0, 0, 0, 1},
    [CORE_ACT_RATING_FIT] = {0, 1, 1, 0, 1},
};

static bool customer_bound(core_action action)
{
    return action == CORE_ACT_CUSTOMER_READ || action == CORE_ACT_CUSTOMER_EDIT ||
           action == CORE_ACT_APP_SUBMIT || action == CORE_ACT_RATING_RUN ||
           action == CORE_ACT_REPAYMENT_RECORD;
}

ld_status core_perm_require(const core_session *who, core_action action,
                            const core_customer_scope *scope, ld_error *err)
{
    if (!allowed[action][who->role])
        return LD_FAIL(err, LD_EPERM, "permission denied: the %s role may not %s",
                       core_role_name(who->role), core_action_name(action));
    if (scope == NULL || !customer_bound(action))
        return LD_OK;
    switch (who->role) {
    case CORE_ROLE_OFFICER:
        if (scope->officer_id != who->user_id)
            return LD_FAIL(err, LD_EPERM,
                           "permission denied: this customer is assigned to another officer");
        return LD_OK;
    case CORE_ROLE_REVIEWER:
        if (!scope->under_review)
            return LD_FAIL(err, LD_EPERM,
                           "permission denied: reviewers see a customer only once an "
                           "application is submitted");
        return LD_OK;
    case CORE_ROLE_MANAGER:
    case CORE_ROLE_AUDITOR:
    case CORE_ROLE_ADMIN:
        return LD_OK;
    }
    return LD_OK;
}

core_perm_reach core_perm_reach_of(core_action action, core_role role)
{
    if (!allowed[action][role])
        return CORE_REACH_NONE;
    if (!customer_bound(action))
        return CORE_REACH_ALL;
    switch (role) {
    case CORE_ROLE_OFFICER:
        return CORE_REACH_OWN;
    case CORE_ROLE_REVIEWER:
        return CORE_REACH_UNDER_REVIEW;
    case CORE_ROLE_MANAGER:
    case CORE_ROLE_AUDITOR:
    case CORE_ROLE_ADMIN:
        return CORE_REACH_ALL;
    }
    return CORE_REACH_NONE;
}
