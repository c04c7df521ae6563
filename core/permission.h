/*
 * permission.h - the one place that says who may do what (docs/design.md, "Roles").
 *
 * Every core operation calls core_perm_require before touching data, so no
 * front end can skip a check. Customer-bound actions also take the customer's
 * scope: officers act only on customers assigned to them, reviewers read only
 * customers with an application past draft, managers and auditors read all.
 * A denial is LD_EPERM with a sentence naming the action and the reason.
 */
#ifndef LD_PERMISSION_H
#define LD_PERMISSION_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

typedef enum core_action {
    CORE_ACT_USER_MANAGE, /* add users, unlock, reset passwords */
    CORE_ACT_USER_LIST,
    CORE_ACT_POLICY_MANAGE, /* load policy and product files, keys */
    CORE_ACT_BORROWER_CREATE,
    CORE_ACT_CUSTOMER_READ,   /* borrower file, its applications and their parts */
    CORE_ACT_CUSTOMER_EDIT,   /* borrower, application, guarantor, collateral, investigation */
    CORE_ACT_CUSTOMER_ASSIGN, /* move a customer to another officer */
    CORE_ACT_APP_SUBMIT,      /* submit or withdraw */
    CORE_ACT_APP_DECIDE,      /* approve or reject */
    CORE_ACT_RATING_RUN,
    CORE_ACT_RATING_OVERRIDE,
    CORE_ACT_REPAYMENT_RECORD,
    CORE_ACT_LEDGER_OPERATE, /* disburse, close of business, checkpoints */
    CORE_ACT_LOAN_CLASSIFY,
    CORE_ACT_LOAN_WRITE_OFF,
    CORE_ACT_AUDIT_READ,
    CORE_ACT_LEDGER_VERIFY, /* read the whole ledger: verify, export, prove, trial balance */
    CORE_ACT_REPORT_SIGN,
    CORE_ACT_BORROWER_BLOCKLIST, /* set or clear a customer's blocklist flag (risk roles) */
    CORE_ACT_REPAYMENT_REVERSE,  /* take back a booked repayment entered wrongly */
    CORE_ACT_BACKUP,             /* take an encrypted copy of the whole book */
    CORE_ACT_RATING_FIT,         /* fit a scorecard on historical outcomes (risk roles) */
} core_action;

#define CORE_ACTION_COUNT 22

/* What a customer-bound check needs to know about the customer. */
typedef struct core_customer_scope {
    int64_t officer_id; /* the officer the customer is assigned to */
    bool under_review;  /* has an application past draft (reviewers may read) */
} core_customer_scope;

const char *core_action_name(core_action action);

/* LD_OK when who may do action; scope is NULL for actions not bound to a customer
 * (and then customer-bound rules judge by role alone: an officer may create
 * borrowers, but reads and edits need a scope). */
ld_status core_perm_require(const core_session *who, core_action action,
                            const core_customer_scope *scope, ld_error *err);

/* How far a role's permission for an action reaches, as core_perm_require
 * judges it: not at all, customers assigned to the officer, customers with an
 * application under review, or every customer. The permission table that
 * docs/permissions.md and the README show is generated from this. */
typedef enum core_perm_reach {
    CORE_REACH_NONE,
    CORE_REACH_OWN,
    CORE_REACH_UNDER_REVIEW,
    CORE_REACH_ALL,
} core_perm_reach;

core_perm_reach core_perm_reach_of(core_action action, core_role role);

#endif
