/*
 * ops_credit.c - credit bureau reports of the operations API
 * (loandesk/origination.h): adding one, importing many, listing a
 * borrower's. The rules are core's (core/credit_report.h).
 */
#include <stdio.h>

#include "api_int.h"
#include "credit_report.h"
#include "json_in.h"
#include "loandesk/origination.h"

typedef struct credit_args {
    int64_t borrower_id;
    const cJSON *record;
} credit_args;

static ld_status report_add(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const credit_args *a = args;
    int64_t id;
    ld_status st =
        core_credit_report_add(call->store, call->who, a->borrower_id, a->record, &id, err);
    if (st == LD_OK)
        *out = api_result_id(id, NULL, NULL);
    return st;
}

ld_status ld_credit_report_add(ld_session *session, int64_t borrower_id, const cJSON *record,
                               cJSON **out, ld_error *err)
{
    credit_args a = {.borrower_id = borrower_id, .record = record};
    return api_run_on(session, "credit_report.add", "borrower", borrower_id, report_add, &a, out,
                      err);
}

static ld_status report_import(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const credit_args *a = args;
    int64_t count = 0;
    ld_status st = core_credit_report_import(call->store, call->who, a->record, &count, err);
    if (st != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    core_json_put_int(o, "credit_reports", count);
    *out = o;
    return LD_OK;
}

ld_status ld_credit_report_import(ld_session *session, const cJSON *list, cJSON **out,
                                  ld_error *err)
{
    credit_args a = {.record = list};
    return api_run(session, "credit_report.import", NULL, 0, report_import, &a, out, err);
}

static ld_status report_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const credit_args *a = args;
    return core_credit_report_list(call->store, call->who, a->borrower_id, out, err);
}

ld_status ld_credit_report_list(ld_session *session, int64_t borrower_id, cJSON **out,
                                ld_error *err)
{
    credit_args a = {.borrower_id = borrower_id};
    return api_run_on(session, "credit_report.list", "borrower", borrower_id, report_list, &a, out,
                      err);
}
