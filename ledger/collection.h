/*
 * collection.h - collection of overdue loans (清收) and what the archive needs
 * to know of a loan.
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

#endif
