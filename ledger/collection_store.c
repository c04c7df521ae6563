/*
 * collection_store.c - collection of overdue loans (collection.h).
 */
#include "collection.h"

#include "loan_int.h"

ld_status ledger_loan_parties(core_store *store, int64_t loan_id, int64_t *application_id,
                              int64_t *borrower_id, ld_error *err)
{
    ledger_loan loan;
    ld_status st = ledger_loan_load(store, loan_id, &loan, err);
    if (st != LD_OK)
        return st;
    *application_id = loan.application_id;
    *borrower_id = loan.borrower_id;
    return LD_OK;
}
