/*
 * ops_care.c - customer care in the operations API (loandesk/care.h): visits
 * (走访), complaints (投诉) and the churn warning (流失预警). The rules are
 * core's (core/care.h) and, for the churn warning, the ledger's.
 */
#include "api_int.h"
#include "care.h"
#include "collection.h"
#include "json_in.h"
#include "loandesk/care.h"

typedef struct care_args {
    int64_t id;
    const cJSON *input;
    const char *text;
    bool all, overdue;
} care_args;

static ld_status visit_add(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const care_args *a = args;
    int64_t id = 0;
    ld_status st = core_visit_add(call->store, call->who, a->id, a->input, &id, err);
    if (st == LD_OK)
        *out = api_result_id(id, NULL, NULL);
    return st;
}

ld_status ld_visit_add(ld_session *session, int64_t borrower_id, const cJSON *input, cJSON **out,
                       ld_error *err)
{
    care_args a = {.id = borrower_id, .input = input};
    return api_run_on(session, "visit.add", "borrower", borrower_id, visit_add, &a, out, err);
}

static ld_status visit_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const care_args *a = args;
    return core_visit_list(call->store, call->who, a->id, out, err);
}

ld_status ld_visit_list(ld_session *session, int64_t borrower_id, cJSON **out, ld_error *err)
{
    care_args a = {.id = borrower_id};
    return api_run_on(session, "visit.list", "borrower", borrower_id, visit_list, &a, out, err);
}

static ld_status complaint_add(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const care_args *a = args;
    int64_t id = 0;
    ld_status st = core_complaint_add(call->store, call->who, a->id, a->input, &id, err);
    if (st == LD_OK)
        *out = api_result_id(id, NULL, NULL);
    return st;
}

ld_status ld_complaint_add(ld_session *session, int64_t borrower_id, const cJSON *input,
                           cJSON **out, ld_error *err)
{
    care_args a = {.id = borrower_id, .input = input};
    return api_run_on(session, "complaint.add", "borrower", borrower_id, complaint_add, &a, out,
                      err);
}

typedef ld_status (*complaint_step)(core_store *, const core_session *, int64_t, const char *,
                                    ld_error *);

static ld_status run_step(api_call *call, const care_args *a, complaint_step step, cJSON **out,
                          ld_error *err)
{
    ld_status st = step(call->store, call->who, a->id, a->text, err);
    if (st == LD_OK)
        *out = api_result_id(a->id, NULL, NULL);
    return st;
}

static ld_status complaint_assign(api_call *call, void *args, cJSON **out, ld_error *err)
{
    return run_step(call, args, core_complaint_assign, out, err);
}

static ld_status complaint_respond(api_call *call, void *args, cJSON **out, ld_error *err)
{
    return run_step(call, args, core_complaint_respond, out, err);
}

static ld_status complaint_close(api_call *call, void *args, cJSON **out, ld_error *err)
{
    return run_step(call, args, core_complaint_close, out, err);
}

ld_status ld_complaint_assign(ld_session *session, int64_t id, const char *username, cJSON **out,
                              ld_error *err)
{
    care_args a = {.id = id, .text = username};
    return api_run_on(session, "complaint.assign", "complaint", id, complaint_assign, &a, out, err);
}

ld_status ld_complaint_respond(ld_session *session, int64_t id, const char *response, cJSON **out,
                               ld_error *err)
{
    care_args a = {.id = id, .text = response};
    return api_run_on(session, "complaint.respond", "complaint", id, complaint_respond, &a, out,
                      err);
}

ld_status ld_complaint_close(ld_session *session, int64_t id, const char *feedback, cJSON **out,
                             ld_error *err)
{
    care_args a = {.id = id, .text = feedback};
    return api_run_on(session, "complaint.close", "complaint", id, complaint_close, &a, out, err);
}

static ld_status complaint_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const care_args *a = args;
    return core_complaint_list(call->store, call->who, a->all, a->overdue, out, err);
}

ld_status ld_complaint_list(ld_session *session, bool all, bool overdue, cJSON **out, ld_error *err)
{
    care_args a = {.all = all, .overdue = overdue};
    return api_run(session, "complaint.list", NULL, API_READ, complaint_list, &a, out, err);
}

static ld_status churn_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    return ledger_churn_list(call->store, call->who, out, err);
}

ld_status ld_churn_list(ld_session *session, cJSON **out, ld_error *err)
{
    return api_run(session, "churn.list", NULL, API_READ, churn_list, NULL, out, err);
}
