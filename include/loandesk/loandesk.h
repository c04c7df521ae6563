/*
 * loandesk/loandesk.h - the whole operations API in one include, for front
 * ends that use every area (the command line, the HTTP server).
 *
 *   api.h          the handle, the injected clock, sessions, the permission table
 *   origination.h  borrowers, applications and their parts, lists, import, audit
 *   servicing.h    rating, loans, close of business, the journal, the log,
 *                  inspections, schedules and the rating tools
 *   admin.h        accounts, the CA certificate, the policy
 *   reports.h      signed workbooks and their verification
 *   error.h        the status every call returns
 */
#ifndef LOANDESK_LOANDESK_H
#define LOANDESK_LOANDESK_H

#include "loandesk/admin.h"
#include "loandesk/api.h"
#include "loandesk/care.h"
#include "loandesk/backup.h"
#include "loandesk/error.h"
#include "loandesk/origination.h"
#include "loandesk/reports.h"
#include "loandesk/servicing.h"

#endif
