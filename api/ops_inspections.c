/*
 * ops_inspections.c - post-loan inspections (贷后检查) in the operations API
 * (loandesk/servicing.h): recording one, showing one, and the loans whose
 * inspection is due. The rules (the customer's officer records, whoever may
 * read the customer reads, officers see their own customers' due list) are
 * the ledger's, checked inside the operation.
 */
#include <stdio.h>

#include "api_int.h"
#include "inspection.h"
#include "json_in.h"
#include "loandesk/servicing.h"

typedef struct inspection_args {
    int64_t loan_id, inspection_id;
    const cJSON *input;
    ld_date date;
    bool dated; /* date given, else the business date */
} inspection_args;

static ld_status inspection_add(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const inspection_args *a = args;
    int64_t id = 0;
    ld_status st = ledger_inspection_add(call->store, call->who, a->loan_id, a->input, &id, err);
    if (st != LD_OK)
        return st;
    cJSON *o = api_result_id(id, NULL, NULL);
    core_json_put_int(o, "loan_id", a->loan_id);
    *out = o;
    return LD_OK;
}

ld_status ld_inspection_add(ld_session *session, int64_t loan_id, const cJSON *input, cJSON **out,
                            ld_error *err)
{
    inspection_args a = {.loan_id = loan_id, .input = input};
    return api_run_on(session, "inspection.add", "loan", loan_id, inspection_add, &a, out, err);
}

static ld_status inspection_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const inspection_args *a = args;
    return ledger_inspection_get(call->store, call->who, a->loan_id, a->inspection_id, out, err);
}

ld_status ld_inspection_show(ld_session *session, int64_t loan_id, int64_t inspection_id,
                             cJSON **out, ld_error *err)
{
    inspection_args a = {.loan_id = loan_id, .inspection_id = inspection_id};
    return api_run_on(session, "inspection.show", "loan", loan_id, inspection_show, &a, out, err);
}

static ld_status inspection_due(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const inspection_args *a = args;
    ld_date date = a->dated ? a->date : core_store_today(call->store);
    return ledger_inspection_due(call->store, call->who, date, out, err);
}

ld_status ld_inspection_due(ld_session *session, const char *date, cJSON **out, ld_error *err)
{
    inspection_args a = {0};
    if (date != NULL) {
        ld_status st = ld_date_parse("date", date, &a.date, err);
        if (st != LD_OK)
            return st;
        a.dated = true;
    }
    return api_run(session, "inspection.due", date, 0, inspection_due, &a, out, err);
}
