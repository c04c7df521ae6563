/*
 * ops_applications.c - applications, their parts, the workflow to a decision,
 * an application's whole file, the loan ledger's list and the audit trail
 * (loandesk/origination.h). Each operation is a body run by api_run; the
 * rules are core's and the ledger's, checked inside the transaction. What
 * front ends type as text (approval terms, filters) is read here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "application.h"
#include "audit.h"
#include "borrower.h"
#include "credit.h"
#include "json_in.h"
#include "list_int.h"
#include "loan.h"
#include "loandesk/origination.h"

typedef ld_status (*reasoned_step)(core_store *store, const core_session *who, int64_t id,
                                   const char *reason, ld_error *err);

typedef struct app_args {
    int64_t id;
    reasoned_step step;
    const cJSON *record;
    const char *reason;
    const ld_approval *approval;
    const ld_application_filter *filter;
    const ld_loan_filter *loan_filter;
    const ld_audit_filter *audit_filter;
    const ld_page *page;
} app_args;

static void app_subject(char *buf, size_t size, int64_t id)
{
    snprintf(buf, size, "application %lld", (long long)id);
}

/* Runs body on application id as operation action. */
static ld_status run_on_app(ld_session *session, const char *action, api_body body, app_args *a,
                            cJSON **out, ld_error *err)
{
    char subject[48];
    app_subject(subject, sizeof subject, a->id);
    return api_run(session, action, subject, 0, body, a, out, err);
}

/* {"id": id, "state": the application's state now}. */
static ld_status state_result(api_call *call, int64_t id, cJSON **out, ld_error *err)
{
    core_application app;
    ld_status st = core_application_get(call->store, id, &app, err);
    if (st == LD_OK && (*out = api_result_id(id, "state", core_app_state_name(app.state))) == NULL)
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
    return st;
}

static ld_status app_create(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    int64_t id;
    ld_status st = core_application_create(call->store, call->who, a->record, &id, err);
    if (st == LD_OK)
        st = state_result(call, id, out, err);
    return st;
}

ld_status ld_application_create(ld_session *session, const cJSON *record, cJSON **out,
                                ld_error *err)
{
    app_args a = {.record = record};
    return api_run(session, "app.create", NULL, 0, app_create, &a, out, err);
}

static ld_status app_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    return core_application_show(call->store, call->who, a->id, out, err);
}

ld_status ld_application_show(ld_session *session, int64_t id, cJSON **out, ld_error *err)
{
    app_args a = {.id = id};
    char subject[48];
    app_subject(subject, sizeof subject, id);
    return api_run(session, "app.show", subject, API_READ, app_show, &a, out, err);
}

static ld_status app_update(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    ld_status st = core_application_update(call->store, call->who, a->id, a->record, err);
    if (st == LD_OK)
        st = state_result(call, a->id, out, err);
    return st;
}

typedef struct app_text_args {
    int64_t id;
    ld_text *text;
} app_text_args;

static ld_status app_show_text(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)out;
    app_text_args *a = args;
    core_jtext t = {.data = a->text->data, .size = a->text->size};
    ld_status st = core_application_show_text(call->store, call->who, a->id, &t, err);
    /* The buffer may have grown: the caller keeps it either way. */
    a->text->data = t.data;
    a->text->size = t.size;
    a->text->len = st == LD_OK ? t.len : 0;
    return st;
}

/* The tree's text into out: for a call whose answer is kept under an
 * idempotency key, which stores the tree. */
static ld_status show_printed(ld_session *session, int64_t id, ld_text *out, ld_error *err)
{
    cJSON *record = NULL;
    ld_status st = ld_application_show(session, id, &record, err);
    if (st == LD_OK && !ld_json_print(record, out))
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
    cJSON_Delete(record);
    return st;
}

ld_status ld_application_show_text(ld_session *session, int64_t id, ld_text *out, ld_error *err)
{
    if (session->idempotency_key[0] != '\0')
        return show_printed(session, id, out, err);
    app_text_args a = {.id = id, .text = out};
    char subject[48];
    app_subject(subject, sizeof subject, id);
    return api_run(session, "app.show", subject, API_READ, app_show_text, &a, NULL, err);
}

ld_status ld_application_update(ld_session *session, int64_t id, const cJSON *changes, cJSON **out,
                                ld_error *err)
{
    app_args a = {.id = id, .record = changes};
    return run_on_app(session, "app.update", app_update, &a, out, err);
}

static ld_status app_submit(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    ld_status st = core_application_submit(call->store, call->who, a->id, err);
    if (st == LD_OK)
        st = state_result(call, a->id, out, err);
    return st;
}

ld_status ld_application_submit(ld_session *session, int64_t id, cJSON **out, ld_error *err)
{
    app_args a = {.id = id};
    return run_on_app(session, "app.submit", app_submit, &a, out, err);
}

/* The approval terms typed by a person, read into what core compares. */
static ld_status approval_terms(const ld_approval *typed, core_approval_terms *out, ld_error *err)
{
    core_approval_terms terms = {.rate = -1};
    ld_status st;
    if (typed == NULL) {
        *out = terms;
        return LD_OK;
    }
    if (typed->amount != NULL &&
        (st = ld_money_parse_nonneg("amount", typed->amount, &terms.amount, err)) != LD_OK)
        return st;
    if (typed->term_months != NULL) {
        char *end = NULL;
        errno = 0;
        long long months = strtoll(typed->term_months, &end, 10);
        if (errno != 0 || end == typed->term_months || *end != '\0' || months <= 0)
            return LD_FAIL(err, LD_EINVAL, "term: \"%s\" is not a whole number of months",
                           typed->term_months);
        /* beyond any product's term: the product check names the limit */
        terms.term_months = months > 360 ? 361 : (int)months;
    }
    if (typed->rate != NULL && (st = ld_rate_parse("rate", typed->rate, &terms.rate, err)) != LD_OK)
        return st;
    if (typed->fee != NULL &&
        (st = ld_money_parse_nonneg("fee", typed->fee, &terms.fee_amount, err)) != LD_OK)
        return st;
    terms.fee_given = typed->fee_method != NULL || typed->fee != NULL;
    if (typed->fee_method != NULL) {
        bool known = false;
        for (int f = CORE_FEE_NONE; f <= CORE_FEE_PER_INSTALLMENT && !known; f++)
            if (strcmp(typed->fee_method, core_fee_method_name((core_fee_method)f)) == 0) {
                terms.fee_method = (core_fee_method)f;
                known = true;
            }
        if (!known)
            return LD_FAIL(err, LD_EINVAL, "fee_method: must be none, upfront or per_installment");
    }
    *out = terms;
    return LD_OK;
}

static ld_status app_approve(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    core_approval_terms terms;
    ld_status st = approval_terms(a->approval, &terms, err);
    if (st != LD_OK)
        return st;
    const char *reason = a->approval != NULL ? a->approval->reason : NULL;
    if ((st = core_application_approve(call->store, call->who, a->id, &terms, reason, err)) !=
        LD_OK)
        return st;
    return state_result(call, a->id, out, err);
}

ld_status ld_application_approve(ld_session *session, int64_t id, const ld_approval *terms,
                                 cJSON **out, ld_error *err)
{
    app_args a = {.id = id, .approval = terms};
    return run_on_app(session, "app.approve", app_approve, &a, out, err);
}

/* A workflow step that takes a reason: reject, withdraw, return, refer. */
static ld_status app_reasoned(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    ld_status st = a->step(call->store, call->who, a->id, a->reason, err);
    if (st == LD_OK)
        st = state_result(call, a->id, out, err);
    return st;
}

static ld_status run_reasoned(ld_session *session, const char *action, reasoned_step step,
                              int64_t id, const char *reason, cJSON **out, ld_error *err)
{
    app_args a = {.id = id, .reason = reason, .step = step};
    return run_on_app(session, action, app_reasoned, &a, out, err);
}

ld_status ld_application_reject(ld_session *session, int64_t id, const char *reason, cJSON **out,
                                ld_error *err)
{
    return run_reasoned(session, "app.reject", core_application_reject, id, reason, out, err);
}

ld_status ld_application_withdraw(ld_session *session, int64_t id, const char *reason, cJSON **out,
                                  ld_error *err)
{
    return run_reasoned(session, "app.withdraw", core_application_withdraw, id, reason, out, err);
}

ld_status ld_application_return(ld_session *session, int64_t id, const char *reason, cJSON **out,
                                ld_error *err)
{
    return run_reasoned(session, "app.return", core_application_return, id, reason, out, err);
}

ld_status ld_application_refer(ld_session *session, int64_t id, const char *reason, cJSON **out,
                               ld_error *err)
{
    return run_reasoned(session, "app.refer", core_application_refer, id, reason, out, err);
}

/* ---- Parts ---------------------------------------------------------------- */

typedef ld_status (*part_add_fn)(core_store *, const core_session *, int64_t, const cJSON *,
                                 int64_t *, ld_error *);
typedef ld_status (*part_list_fn)(core_store *, const core_session *, int64_t, cJSON **,
                                  ld_error *);

typedef struct part_args {
    int64_t app_id;
    const cJSON *record;
    part_add_fn add;
    part_list_fn list;
} part_args;

static ld_status part_add(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const part_args *a = args;
    int64_t id;
    ld_status st = a->add(call->store, call->who, a->app_id, a->record, &id, err);
    if (st != LD_OK)
        return st;
    if ((*out = api_result_id(id, NULL, NULL)) == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    core_json_put_int(*out, "application", a->app_id);
    return LD_OK;
}

static ld_status part_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const part_args *a = args;
    return a->list(call->store, call->who, a->app_id, out, err);
}

static ld_status run_part(ld_session *session, const char *action, part_args *a, cJSON **out,
                          ld_error *err)
{
    char subject[48];
    app_subject(subject, sizeof subject, a->app_id);
    return api_run(session, action, subject, 0, a->add != NULL ? part_add : part_list, a, out, err);
}

ld_status ld_guarantor_add(ld_session *session, int64_t app_id, const cJSON *record, cJSON **out,
                           ld_error *err)
{
    part_args a = {.app_id = app_id, .record = record, .add = core_guarantor_add};
    return run_part(session, "guarantor.add", &a, out, err);
}

ld_status ld_collateral_add(ld_session *session, int64_t app_id, const cJSON *record, cJSON **out,
                            ld_error *err)
{
    part_args a = {.app_id = app_id, .record = record, .add = core_collateral_add};
    return run_part(session, "collateral.add", &a, out, err);
}

ld_status ld_investigation_add(ld_session *session, int64_t app_id, const cJSON *record,
                               cJSON **out, ld_error *err)
{
    part_args a = {.app_id = app_id, .record = record, .add = core_investigation_add};
    return run_part(session, "investigation.add", &a, out, err);
}

ld_status ld_guarantor_list(ld_session *session, int64_t app_id, cJSON **out, ld_error *err)
{
    part_args a = {.app_id = app_id, .list = core_guarantor_list};
    return run_part(session, "guarantor.list", &a, out, err);
}

ld_status ld_collateral_list(ld_session *session, int64_t app_id, cJSON **out, ld_error *err)
{
    part_args a = {.app_id = app_id, .list = core_collateral_list};
    return run_part(session, "collateral.list", &a, out, err);
}

/* ---- Lists ---------------------------------------------------------------- */

/* Wraps a page result as the list shape, freeing what is left of it. */
static ld_status page_out(ld_status st, core_page_result *result, cJSON **out, ld_error *err)
{
    if (st != LD_OK)
        return st;
    *out = api_page_json(result);
    core_page_result_free(result);
    return *out != NULL ? LD_OK : LD_FAIL(err, LD_EINTERNAL, "out of memory");
}

static ld_status app_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    core_application_filter filter = {0};
    const ld_application_filter *f = a->filter;
    if (f != NULL) {
        filter.state = f->state;
        filter.borrower_id = f->borrower_id;
        filter.officer = f->officer;
        filter.product = f->product;
        filter.created_from = f->from;
        filter.created_to = f->to;
        filter.grade = f->grade;
        filter.amount_min = f->min_amount;
        filter.amount_max = f->max_amount;
        filter.returned = f->returned;
        filter.referred = f->referred;
    }
    core_page page = api_page_from(a->page);
    core_page_result result;
    return page_out(
        core_application_list_page(call->store, call->who, &filter, &page, &result, err), &result,
        out, err);
}

ld_status ld_application_list(ld_session *session, const ld_application_filter *filter,
                              const ld_page *page, cJSON **out, ld_error *err)
{
    app_args a = {.filter = filter, .page = page};
    return api_run(session, "app.list", NULL, API_READ, app_list, &a, out, err);
}

static ld_status loan_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    ledger_loan_filter filter = {0};
    const ld_loan_filter *f = a->loan_filter;
    if (f != NULL) {
        filter.state = f->state;
        filter.category = f->category;
        filter.officer = f->officer;
        filter.product = f->product;
        filter.matures_before = f->maturing_before;
        filter.borrower_id = f->borrower_id;
        if (f->min_dpd != NULL) {
            char *end = NULL;
            errno = 0;
            long long dpd = strtoll(f->min_dpd, &end, 10);
            if (errno != 0 || end == f->min_dpd || *end != '\0' || dpd < 0 || dpd > 100000)
                return LD_FAIL(err, LD_EINVAL, "min_dpd: \"%s\" is not a number of days",
                               f->min_dpd);
            filter.dpd_min = dpd;
        }
    }
    core_page page = api_page_from(a->page);
    core_page_result result;
    return page_out(ledger_loan_list_page(call->store, call->who, &filter, &page, &result, err),
                    &result, out, err);
}

ld_status ld_loan_list(ld_session *session, const ld_loan_filter *filter, const ld_page *page,
                       cJSON **out, ld_error *err)
{
    app_args a = {.loan_filter = filter, .page = page};
    return api_run(session, "loan.list", NULL, API_READ, loan_list, &a, out, err);
}

static ld_status audit_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    core_audit_filter filter = {0};
    if (a->audit_filter != NULL) {
        filter.entity = a->audit_filter->entity;
        filter.entity_id = a->audit_filter->entity_id;
        filter.username = a->audit_filter->username;
        filter.limit = a->audit_filter->limit > 100000 ? 100000 : a->audit_filter->limit;
    }
    return core_audit_list(call->store, call->who, &filter, out, err);
}

ld_status ld_audit_list(ld_session *session, const ld_audit_filter *filter, cJSON **out,
                        ld_error *err)
{
    app_args a = {.audit_filter = filter};
    return api_run(session, "audit.list", NULL, 0, audit_list, &a, out, err);
}

/* ---- An application's whole file ------------------------------------------ */

/* Adds part under key when reading it succeeded; a part the session may not
 * read (or that does not exist yet) is left out. Other failures fail. */
static ld_status file_part(cJSON *file, const char *key, ld_status st, cJSON *part, ld_error *err)
{
    if (st == LD_OK) {
        cJSON_AddItemToObject(file, key, part);
        return LD_OK;
    }
    if (st == LD_EPERM || st == LD_ENOTFOUND) {
        ld_error_clear(err);
        return LD_OK;
    }
    return st;
}

/* Moves item key of from to the top of file (the list reads it better there). */
static void file_lift(cJSON *file, cJSON *from, const char *key)
{
    cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(from, key);
    if (item != NULL)
        cJSON_AddItemToObject(file, key, item);
}

static ld_status app_file(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    core_store *store = call->store;
    const core_session *who = call->who;
    cJSON *application = NULL, *part = NULL;
    /* The application itself decides whether there is a file to show. */
    ld_status st = core_application_show(store, who, a->id, &application, err);
    if (st != LD_OK)
        return st;
    core_application app;
    if ((st = core_application_get(store, a->id, &app, err)) != LD_OK) {
        cJSON_Delete(application);
        return st;
    }
    cJSON *file = cJSON_CreateObject();
    cJSON_AddItemToObject(file, "application", application);
    cJSON_DeleteItemFromObjectCaseSensitive(application, "guarantors");
    cJSON_DeleteItemFromObjectCaseSensitive(application, "collateral");
    file_lift(file, application, "investigations");
    /* Each part is read first, then added: file_part takes what the read left. */
    part = NULL;
    st = core_borrower_show(store, who, app.borrower_id, &part, err);
    if ((st = file_part(file, "borrower", st, part, err)) != LD_OK)
        goto fail;
    part = NULL;
    st = core_guarantor_list(store, who, a->id, &part, err);
    if ((st = file_part(file, "guarantors", st, part, err)) != LD_OK)
        goto fail;
    part = NULL;
    st = core_collateral_list(store, who, a->id, &part, err);
    if ((st = file_part(file, "collateral", st, part, err)) != LD_OK)
        goto fail;
    part = NULL;
    st = core_rating_show(store, who, a->id, &part, err);
    if ((st = file_part(file, "rating", st, part, err)) != LD_OK)
        goto fail;
    part = NULL;
    st = core_application_history(store, who, a->id, &part, err);
    if ((st = file_part(file, "decisions", st, part, err)) != LD_OK)
        goto fail;
    part = NULL;
    st = core_application_authority(store, who, a->id, &part, err);
    if ((st = file_part(file, "authority", st, part, err)) != LD_OK)
        goto fail;
    if (app.state == CORE_APP_DISBURSED) {
        int64_t loan_id = 0;
        part = NULL;
        st = ledger_loan_by_application(store, a->id, &loan_id, err);
        if (st == LD_OK)
            st = ledger_loan_show(store, who, loan_id, &part, err);
        if ((st = file_part(file, "loan", st, part, err)) != LD_OK)
            goto fail;
    }
    /* The audit history is for those who may read the audit trail. */
    core_audit_filter history = {.entity = "application", .entity_id = a->id, .limit = 1000};
    part = NULL;
    st = core_audit_list(store, who, &history, &part, err);
    if ((st = file_part(file, "audit", st, part, err)) != LD_OK)
        goto fail;
    *out = file;
    return LD_OK;
fail:
    cJSON_Delete(file);
    return st;
}

static ld_status app_authority(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const app_args *a = args;
    return core_application_authority(call->store, call->who, a->id, out, err);
}

ld_status ld_application_authority(ld_session *session, int64_t id, cJSON **out, ld_error *err)
{
    app_args a = {.id = id};
    return api_run_on(session, "app.authority", "application", id, app_authority, &a, out, err);
}

ld_status ld_application_file(ld_session *session, int64_t id, cJSON **out, ld_error *err)
{
    app_args a = {.id = id};
    return run_on_app(session, "app.file", app_file, &a, out, err);
}
