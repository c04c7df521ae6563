/*
 * loandesk/origination.h - borrowers, applications and their parts, the
 * workflow to a decision, imports and the audit trail (operations API).
 *
 * Every function takes the session first and reports through err last; the
 * result document through out belongs to the caller and is exactly what the
 * command line prints with --json.
 */
#ifndef LOANDESK_ORIGINATION_H
#define LOANDESK_ORIGINATION_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "loandesk/api.h"

/* A borrower's file, if the session may read it (officers: their own
 * customers; reviewers: customers with an application under review; managers
 * and auditors: all). Identity numbers are masked for those who may not see
 * them. LD_ENOTFOUND, LD_EPERM. */
ld_status ld_borrower_show(ld_session *session, int64_t id, cJSON **out, ld_error *err);

#endif
