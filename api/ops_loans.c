/*
 * ops_loans.c - loan operations of the operations API (loandesk/servicing.h):
 * disbursement, repayment, settlement, classification, write-off, close of
 * business and the trial balance, each a body run by api_run over ledger/;
 * and the repayment calculator, which needs no database.
 *
 * Dates and amounts arrive as text and are parsed here, naming the field; the
 * rules (the business date bounds every value date, allocation, floors) are
 * the ledger's, checked inside the transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "journal.h"
#include "json_in.h"
#include "loan.h"
#include "loandesk/servicing.h"
#include "schedule.h"

typedef struct loan_args {
    int64_t id;
    ld_date date;
    const char *text; /* contract number, category or reason */
    const char *reason;
    int64_t repayment; /* a repayment's id */
    ld_date to;        /* a history's last day */
    ledger_repay_request repay;
    ledger_cob_options cob;
} loan_args;

/* A required date: LD_EUSAGE when missing, LD_EINVAL naming it when bad. */
static ld_status need_date(const char *text, ld_date *out, ld_error *err)
{
    if (text == NULL)
        return LD_FAIL(err, LD_EUSAGE, "date: is required");
    return ld_date_parse("date", text, out, err);
}

/* Runs body on loan (or application) a->id once date, when one is taken, is
 * parsed into *date_out. */
static ld_status run_dated(ld_session *session, const char *action, const char *noun, loan_args *a,
                           const char *date, ld_date *date_out, api_body body, cJSON **out,
                           ld_error *err)
{
    ld_status st = date_out != NULL ? need_date(date, date_out, err) : LD_OK;
    if (st != LD_OK)
        return st;
    return api_run_on(session, action, noun, a->id, body, a, out, err);
}

static cJSON *loan_result(int64_t loan_id, const char *key, const char *value)
{
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "loan", loan_id);
    if (key != NULL)
        cJSON_AddStringToObject(o, key, value);
    return o;
}

static ld_status loan_disburse(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    int64_t loan_id = 0;
    ld_status st =
        ledger_loan_disburse(call->store, call->who, a->id, a->date, a->text, &loan_id, err);
    return st != LD_OK ? st : ledger_loan_show(call->store, call->who, loan_id, out, err);
}

ld_status ld_loan_disburse(ld_session *session, int64_t app_id, const char *date,
                           const char *contract_no, cJSON **out, ld_error *err)
{
    loan_args a = {.id = app_id, .text = contract_no};
    return run_dated(session, "loan.disburse", "application", &a, date, &a.date, loan_disburse, out,
                     err);
}

static ld_status loan_repay(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    ledger_allocation al;
    ld_status st = ledger_loan_repay(call->store, call->who, a->id, &a->repay, &al, err);
    if (st != LD_OK)
        return st;
    cJSON *o = loan_result(a->id, NULL, NULL);
    core_json_put_money(o, "amount", a->repay.amount);
    core_json_put_money(o, "penalty", al.penalty + al.compound);
    core_json_put_money(o, "fee", al.fee);
    core_json_put_money(o, "interest", al.interest);
    core_json_put_money(o, "principal", al.principal);
    core_json_put_money(o, "prepaid", al.prepaid);
    *out = o;
    return LD_OK;
}

ld_status ld_loan_repay(ld_session *session, int64_t loan_id, const ld_repayment *repayment,
                        cJSON **out, ld_error *err)
{
    loan_args a = {.id = loan_id};
    a.repay.backdated = repayment->backdated;
    a.repay.reason = repayment->reason;
    if (repayment->amount == NULL)
        return LD_FAIL(err, LD_EUSAGE, "amount: is required");
    ld_status st = ld_money_parse("amount", repayment->amount, &a.repay.amount, err);
    if (st != LD_OK)
        return st;
    return run_dated(session, "loan.repay", "loan", &a, repayment->date, &a.repay.date, loan_repay,
                     out, err);
}

static ld_status loan_repay_reverse(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    ld_status st =
        ledger_loan_repay_reverse(call->store, call->who, a->id, a->repayment, a->reason, err);
    if (st != LD_OK)
        return st;
    cJSON *show = NULL;
    if ((st = ledger_loan_show(call->store, call->who, a->id, &show, err)) != LD_OK)
        return st;
    cJSON *o = loan_result(a->id, NULL, NULL);
    core_json_put_int(o, "reverses", a->repayment);
    cJSON_AddItemToObject(o, "status", cJSON_DetachItemFromObjectCaseSensitive(show, "status"));
    cJSON_AddItemToObject(o, "balances", cJSON_DetachItemFromObjectCaseSensitive(show, "balances"));
    cJSON_Delete(show);
    *out = o;
    return LD_OK;
}

ld_status ld_loan_repay_reverse(ld_session *session, int64_t loan_id, int64_t repayment_id,
                                const char *reason, cJSON **out, ld_error *err)
{
    if (repayment_id <= 0)
        return LD_FAIL(err, LD_EINVAL, "repayment: must be a positive id");
    loan_args a = {.id = loan_id, .reason = reason, .repayment = repayment_id};
    return api_run_on(session, "loan.repay_reverse", "loan", loan_id, loan_repay_reverse, &a, out,
                      err);
}

static ld_status loan_settle(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    ld_money paid = 0;
    ld_status st = ledger_loan_settle(call->store, call->who, a->id, a->date, &paid, err);
    if (st != LD_OK)
        return st;
    cJSON *o = loan_result(a->id, NULL, NULL);
    core_json_put_money(o, "paid", paid);
    *out = o;
    return LD_OK;
}

ld_status ld_loan_settle(ld_session *session, int64_t loan_id, const char *date, cJSON **out,
                         ld_error *err)
{
    loan_args a = {.id = loan_id};
    return run_dated(session, "loan.settle", "loan", &a, date, &a.date, loan_settle, out, err);
}

static ld_status loan_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    return ledger_loan_show(call->store, call->who, a->id, out, err);
}

ld_status ld_loan_show(ld_session *session, int64_t loan_id, cJSON **out, ld_error *err)
{
    loan_args a = {.id = loan_id};
    return api_run_on(session, "loan.show", "loan", loan_id, loan_show, &a, out, err);
}

static ld_status loan_show_at(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    return ledger_loan_show_at(call->store, call->who, a->id, a->date, out, err);
}

ld_status ld_loan_show_at(ld_session *session, int64_t loan_id, const char *date, cJSON **out,
                          ld_error *err)
{
    loan_args a = {.id = loan_id};
    return run_dated(session, "loan.show", "loan", &a, date, &a.date, loan_show_at, out, err);
}

static ld_status loan_history(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    return ledger_loan_history(call->store, call->who, a->id, a->date, a->to, out, err);
}

ld_status ld_loan_history(ld_session *session, int64_t loan_id, const char *from, const char *to,
                          cJSON **out, ld_error *err)
{
    loan_args a = {.id = loan_id, .date = LEDGER_NO_DATE, .to = LEDGER_NO_DATE};
    ld_status st;
    if ((from != NULL && (st = ld_date_parse("from", from, &a.date, err)) != LD_OK) ||
        (to != NULL && (st = ld_date_parse("to", to, &a.to, err)) != LD_OK))
        return st;
    return api_run_on(session, "loan.show", "loan", loan_id, loan_history, &a, out, err);
}

static ld_status loan_classify(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    ledger_category category;
    ld_status st;
    if ((st = ledger_category_parse("category", a->text, &category, err)) != LD_OK ||
        (st = ledger_loan_classify(call->store, call->who, a->id, category, a->reason, err)) !=
            LD_OK)
        return st;
    *out = loan_result(a->id, "category", ledger_category_name(category));
    return LD_OK;
}

ld_status ld_loan_classify(ld_session *session, int64_t loan_id, const char *category,
                           const char *reason, cJSON **out, ld_error *err)
{
    loan_args a = {.id = loan_id, .text = category, .reason = reason};
    return api_run_on(session, "loan.classify", "loan", loan_id, loan_classify, &a, out, err);
}

static ld_status loan_write_off(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    ld_status st = ledger_loan_write_off(call->store, call->who, a->id, a->reason, err);
    if (st != LD_OK)
        return st;
    *out = loan_result(a->id, "status", "written_off");
    return LD_OK;
}

ld_status ld_loan_write_off(ld_session *session, int64_t loan_id, const char *reason, cJSON **out,
                            ld_error *err)
{
    loan_args a = {.id = loan_id, .reason = reason};
    return api_run_on(session, "loan.write_off", "loan", loan_id, loan_write_off, &a, out, err);
}

static ld_status cob_run(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    ledger_cob_result r;
    ld_status st = ledger_cob_run(call->store, call->who, &a->cob, &r, err);
    /* The close is signed in its own transaction: the checkpoint named in
     * the result is the one that covers it. */
    if (st == LD_OK)
        st = api_seal(call->session->api, &r.checkpoint_size, err);
    if (st != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    core_json_put_date(o, "date", a->cob.date);
    cJSON_AddBoolToObject(o, "already_closed", r.already_closed);
    core_json_put_int(o, "loans", r.loans);
    core_json_put_int(o, "loan_days", r.loan_days);
    core_json_put_int(o, "newly_overdue", r.newly_overdue);
    core_json_put_int(o, "category_changes", r.category_changes);
    core_json_put_int(o, "journal_entries", r.journal_entries);
    cJSON *cases = cJSON_AddObjectToObject(o, "collection");
    core_json_put_int(cases, "opened", r.cases_opened);
    core_json_put_int(cases, "closed", r.cases_closed);
    core_json_put_int(cases, "stage_moves", r.case_stage_moves);
    core_json_put_int(cases, "promises_kept", r.promises_kept);
    core_json_put_int(cases, "promises_broken", r.promises_broken);
    core_json_put_int(o, "log_seq", (int64_t)r.log_seq);
    core_json_put_int(o, "checkpoint_size", (int64_t)r.checkpoint_size);
    *out = o;
    return LD_OK;
}

ld_status ld_cob_run(ld_session *session, const ld_cob_options *options, cJSON **out, ld_error *err)
{
    loan_args a = {0};
    ld_status st = need_date(options->date, &a.cob.date, err);
    if (st != LD_OK)
        return st;
    a.cob.progress = options->progress;
    a.cob.progress_ctx = options->progress_context;
    return api_run(session, "cob", options->date, 0, cob_run, &a, out, err);
}

static ld_status trial_balance(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const loan_args *a = args;
    return ledger_trial_balance(call->store, call->who, a->date, out, err);
}

ld_status ld_journal_trial_balance(ld_session *session, const char *date, cJSON **out,
                                   ld_error *err)
{
    loan_args a = {0};
    ld_status st = need_date(date, &a.date, err);
    if (st != LD_OK)
        return st;
    return api_run(session, "journal.trial_balance", date, 0, trial_balance, &a, out, err);
}

/* ---- The repayment calculator --------------------------------------------------- */

static const char *terms_text(const cJSON *terms, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(terms, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The term in months, as a JSON integer or a string of digits. */
static ld_status terms_months(const cJSON *terms, int *out, ld_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(terms, "term");
    long long months = -1;
    if (cJSON_IsNumber(item) && item->valuedouble == (double)(long long)item->valuedouble) {
        months = (long long)item->valuedouble;
    } else if (cJSON_IsString(item) && item->valuestring[0] != '\0') {
        char *end = NULL;
        months = strtoll(item->valuestring, &end, 10);
        if (*end != '\0')
            months = -1;
    }
    if (months < 1 || months > LD_TERM_MAX_MONTHS)
        return LD_FAIL(err, LD_EINVAL, "term: must be a whole number of months, 1 to %d",
                       LD_TERM_MAX_MONTHS);
    *out = (int)months;
    return LD_OK;
}

static ld_status schedule_terms(const cJSON *in, ld_schedule_terms *t, ld_error *err)
{
    static const char *const required[] = {"principal", "rate", "term", "method", "start"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (cJSON_GetObjectItemCaseSensitive(in, required[i]) == NULL)
            return LD_FAIL(err, LD_EUSAGE, "%s: is required", required[i]);
    const char *period = terms_text(in, "period");
    *t = (ld_schedule_terms){.period = LD_PERIOD_MONTHLY};
    ld_status st;
    if ((st = terms_months(in, &t->term_months, err)) != LD_OK ||
        (st = ld_money_parse("principal", terms_text(in, "principal"), &t->principal, err)) !=
            LD_OK ||
        (st = ld_rate_parse("rate", terms_text(in, "rate"), &t->annual_rate, err)) != LD_OK ||
        (st = core_repay_method_parse("method", terms_text(in, "method"), &t->method, err)) !=
            LD_OK ||
        (st = ld_date_parse("start", terms_text(in, "start"), &t->start, err)) != LD_OK)
        return st;
    if (period != NULL && (st = core_period_parse("period", period, &t->period, err)) != LD_OK)
        return st;
    return LD_OK;
}

ld_status ld_schedule_preview(const cJSON *terms, cJSON **out, ld_error *err)
{
    ld_schedule_terms t;
    ld_status st = schedule_terms(terms, &t, err);
    ld_installment *rows = NULL;
    size_t count = 0;
    if (st != LD_OK || (st = core_schedule_build(&t, &rows, &count, err)) != LD_OK)
        return st;
    ld_money total_interest = 0, total_payment = 0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "method", core_repay_method_name(t.method));
    cJSON *list = cJSON_AddArrayToObject(o, "installments");
    for (size_t i = 0; i < count; i++) {
        if (!ld_money_add(total_interest, rows[i].interest, &total_interest) ||
            !ld_money_add(total_payment, rows[i].payment, &total_payment)) {
            st = LD_FAIL(err, LD_EINVAL, "principal: the schedule's totals overflow");
            break;
        }
        cJSON *row = cJSON_CreateObject();
        core_json_put_int(row, "n", rows[i].number);
        core_json_put_date(row, "due", rows[i].due);
        core_json_put_money(row, "principal", rows[i].principal);
        core_json_put_money(row, "interest", rows[i].interest);
        core_json_put_money(row, "payment", rows[i].payment);
        core_json_put_money(row, "balance", rows[i].balance);
        cJSON_AddItemToArray(list, row);
    }
    free(rows);
    if (st != LD_OK) {
        cJSON_Delete(o);
        return st;
    }
    core_json_put_money(o, "total_interest", total_interest);
    core_json_put_money(o, "total_payment", total_payment);
    *out = o;
    return LD_OK;
}
