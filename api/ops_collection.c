/*
 * ops_collection.c - collection of overdue loans (清收) in the operations API
 * (loandesk/care.h): the officer's list, a case, actions, promises to pay and
 * recoveries from guarantors. The rules are the ledger's (ledger/collection.h).
 */
#include "api_int.h"
#include "collection.h"
#include "json_in.h"
#include "loandesk/care.h"

typedef struct case_args {
    int64_t id, guarantor_id;
    bool all;
    const cJSON *input;
    ld_money amount;
    ld_date date;
} case_args;

static ld_status case_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const case_args *a = args;
    return ledger_collection_list(call->store, call->who, a->all, out, err);
}

ld_status ld_collection_list(ld_session *session, bool all, cJSON **out, ld_error *err)
{
    case_args a = {.all = all};
    return api_run(session, "collection.list", NULL, API_READ, case_list, &a, out, err);
}

static ld_status case_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const case_args *a = args;
    return ledger_collection_show(call->store, call->who, a->id, out, err);
}

ld_status ld_collection_show(ld_session *session, int64_t case_id, cJSON **out, ld_error *err)
{
    case_args a = {.id = case_id};
    return api_run_on(session, "collection.show", "collection case", case_id, case_show, &a, out,
                      err);
}

static cJSON *case_result(int64_t id, int64_t case_id)
{
    cJSON *o = api_result_id(id, NULL, NULL);
    core_json_put_int(o, "case_id", case_id);
    return o;
}

static ld_status case_action(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const case_args *a = args;
    int64_t id = 0;
    ld_status st = ledger_collection_action_add(call->store, call->who, a->id, a->input, &id, err);
    if (st == LD_OK)
        *out = case_result(id, a->id);
    return st;
}

ld_status ld_collection_action(ld_session *session, int64_t case_id, const cJSON *input,
                               cJSON **out, ld_error *err)
{
    case_args a = {.id = case_id, .input = input};
    return api_run_on(session, "collection.action", "collection case", case_id, case_action, &a,
                      out, err);
}

/* The amount and date every money-moving collection call takes. */
static ld_status amount_and_date(const char *amount, const char *date, case_args *a, ld_error *err)
{
    if (amount == NULL)
        return LD_FAIL(err, LD_EUSAGE, "amount: is required");
    if (date == NULL)
        return LD_FAIL(err, LD_EUSAGE, "date: is required");
    ld_status st = ld_money_parse("amount", amount, &a->amount, err);
    return st != LD_OK ? st : ld_date_parse("date", date, &a->date, err);
}

static ld_status case_promise(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const case_args *a = args;
    int64_t id = 0;
    ld_status st =
        ledger_collection_promise_add(call->store, call->who, a->id, a->amount, a->date, &id, err);
    if (st == LD_OK)
        *out = case_result(id, a->id);
    return st;
}

ld_status ld_collection_promise(ld_session *session, int64_t case_id, const char *amount,
                                const char *date, cJSON **out, ld_error *err)
{
    case_args a = {.id = case_id};
    ld_status st = amount_and_date(amount, date, &a, err);
    if (st != LD_OK)
        return st;
    return api_run_on(session, "collection.promise", "collection case", case_id, case_promise, &a,
                      out, err);
}

static ld_status case_recover(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const case_args *a = args;
    return ledger_collection_recover(call->store, call->who, a->id, a->guarantor_id, a->amount,
                                     a->date, out, err);
}

ld_status ld_collection_recover(ld_session *session, int64_t case_id, int64_t guarantor_id,
                                const char *amount, const char *date, cJSON **out, ld_error *err)
{
    case_args a = {.id = case_id, .guarantor_id = guarantor_id};
    ld_status st = amount_and_date(amount, date, &a, err);
    if (st != LD_OK)
        return st;
    if (guarantor_id <= 0)
        return LD_FAIL(err, LD_EINVAL, "guarantor: must be a positive number");
    return api_run_on(session, "collection.recover", "collection case", case_id, case_recover, &a,
                      out, err);
}
