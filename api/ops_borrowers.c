/*
 * ops_borrowers.c - borrower operations of the operations API
 * (loandesk/origination.h). Each is a body run by api_run: the rules are
 * core's, checked inside the transaction.
 */
#include <stdio.h>

#include "api_int.h"
#include "borrower.h"
#include "loandesk/origination.h"

typedef struct id_args {
    int64_t id;
} id_args;

static ld_status borrower_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const id_args *a = args;
    return core_borrower_show(call->store, call->who, a->id, out, err);
}

ld_status ld_borrower_show(ld_session *session, int64_t id, cJSON **out, ld_error *err)
{
    char subject[48];
    snprintf(subject, sizeof subject, "borrower %lld", (long long)id);
    id_args a = {.id = id};
    return api_run(session, "borrower.show", subject, 0, borrower_show, &a, out, err);
}
