/*
 * ops_borrowers.c - borrower operations of the operations API
 * (loandesk/origination.h), and the page shape every list shares. Each is a
 * body run by api_run: the rules are core's, checked inside the transaction.
 */
#include <stdio.h>

#include "api_int.h"
#include "borrower.h"
#include "json_in.h"
#include "list_int.h"
#include "loandesk/origination.h"

core_page api_page_from(const ld_page *page)
{
    core_page p = CORE_PAGE_FIRST;
    if (page != NULL && page->limit != 0)
        p.limit = page->limit;
    if (page != NULL)
        p.after = page->after;
    return p;
}

cJSON *api_page_json(core_page_result *result)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddItemToObject(o, "rows", result->rows != NULL ? result->rows : cJSON_CreateArray());
    result->rows = NULL; /* now owned by o */
    core_json_put_int(o, "total", result->total);
    if (result->has_more)
        core_json_put_int(o, "next_after", result->next_after);
    else
        cJSON_AddNullToObject(o, "next_after");
    cJSON_AddBoolToObject(o, "has_more", result->has_more);
    return o;
}

/* "borrower 7", the subject of a refusal's audit row. */
static void borrower_subject(char *buf, size_t size, int64_t id)
{
    snprintf(buf, size, "borrower %lld", (long long)id);
}

typedef struct borrower_args {
    int64_t id;
    const cJSON *record;
    const char *text; /* officer or reason */
    bool on;
    const ld_borrower_filter *filter;
    const ld_page *page;
} borrower_args;

static ld_status borrower_add(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const borrower_args *a = args;
    int64_t id;
    ld_status st = core_borrower_add(call->store, call->who, a->record, &id, err);
    if (st == LD_OK)
        *out = api_result_id(id, NULL, NULL);
    return st;
}

ld_status ld_borrower_add(ld_session *session, const cJSON *record, cJSON **out, ld_error *err)
{
    borrower_args a = {.record = record};
    return api_run(session, "borrower.add", NULL, 0, borrower_add, &a, out, err);
}

static ld_status borrower_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const borrower_args *a = args;
    return core_borrower_show(call->store, call->who, a->id, out, err);
}

ld_status ld_borrower_show(ld_session *session, int64_t id, cJSON **out, ld_error *err)
{
    char subject[48];
    borrower_subject(subject, sizeof subject, id);
    borrower_args a = {.id = id};
    return api_run(session, "borrower.show", subject, API_READ, borrower_show, &a, out, err);
}

static ld_status borrower_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const borrower_args *a = args;
    core_borrower_filter filter = {0};
    if (a->filter != NULL) {
        filter.name = a->filter->name;
        filter.id_number = a->filter->id_number;
        filter.credit_code = a->filter->credit_code;
    }
    core_page page = api_page_from(a->page);
    core_page_result result;
    ld_status st = core_borrower_list_page(call->store, call->who, &filter, &page, &result, err);
    if (st != LD_OK)
        return st;
    *out = api_page_json(&result);
    core_page_result_free(&result);
    return *out != NULL ? LD_OK : LD_FAIL(err, LD_EINTERNAL, "out of memory");
}

ld_status ld_borrower_list(ld_session *session, const ld_borrower_filter *filter,
                           const ld_page *page, cJSON **out, ld_error *err)
{
    borrower_args a = {.filter = filter, .page = page};
    return api_run(session, "borrower.list", NULL, API_READ, borrower_list, &a, out, err);
}

static ld_status borrower_update(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const borrower_args *a = args;
    ld_status st = core_borrower_update(call->store, call->who, a->id, a->record, err);
    if (st == LD_OK)
        *out = api_result_id(a->id, NULL, NULL);
    return st;
}

ld_status ld_borrower_update(ld_session *session, int64_t id, const cJSON *changes, cJSON **out,
                             ld_error *err)
{
    char subject[48];
    borrower_subject(subject, sizeof subject, id);
    borrower_args a = {.id = id, .record = changes};
    return api_run(session, "borrower.update", subject, 0, borrower_update, &a, out, err);
}

static ld_status borrower_assign(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const borrower_args *a = args;
    ld_status st = core_borrower_assign(call->store, call->who, a->id, a->text, err);
    if (st == LD_OK)
        *out = api_result_id(a->id, "officer", a->text);
    return st;
}

ld_status ld_borrower_assign(ld_session *session, int64_t id, const char *officer, cJSON **out,
                             ld_error *err)
{
    if (officer == NULL || officer[0] == '\0')
        return LD_FAIL(err, LD_EUSAGE, "officer: name the officer to assign the customer to");
    char subject[48];
    borrower_subject(subject, sizeof subject, id);
    borrower_args a = {.id = id, .text = officer};
    return api_run(session, "borrower.assign", subject, 0, borrower_assign, &a, out, err);
}

static ld_status borrower_blocklist(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const borrower_args *a = args;
    ld_status st = core_borrower_blocklist(call->store, call->who, a->id, a->on, a->text, err);
    if (st != LD_OK)
        return st;
    *out = api_result_id(a->id, NULL, NULL);
    if (*out == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    cJSON_AddBoolToObject(*out, "blocklisted", a->on);
    return LD_OK;
}

ld_status ld_borrower_blocklist(ld_session *session, int64_t id, bool on, const char *reason,
                                cJSON **out, ld_error *err)
{
    char subject[48];
    borrower_subject(subject, sizeof subject, id);
    borrower_args a = {.id = id, .on = on, .text = reason};
    return api_run(session, on ? "borrower.blocklist" : "borrower.unblock", subject, 0,
                   borrower_blocklist, &a, out, err);
}
