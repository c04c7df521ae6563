/*
 * loan_ops.c - the loan ledger's operations (loan.h): permission checks, the
 * arithmetic of loan_calc.h on one loan held in memory, and the bookkeeping
 * each change owes: journal entries, the audit row and a log entry with the
 * loan's state before and after, all in the caller's transaction. No SQL here;
 * the store files hold it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"
#include "audit.h"
#include "borrower.h"
#include "json_in.h"
#include "credit.h"
#include "ledger_events.h"
#include "loan.h"
#include "loan_int.h"
#include "permission.h"
#include "rows.h"
#include "policy.h"
#include "text.h"

static ld_status load_terms(core_store *store, const ledger_loan *l, ledger_loan_terms *t,
                            ld_error *err)
{
    const core_policy_terms *policy;
    ld_status st = core_policy_terms_get(store, &policy, err);
    if (st != LD_OK)
        return st;
    t->rate = l->rate;
    t->penalty_rate = l->penalty_rate;
    for (int c = 0; c < LEDGER_CATEGORY_COUNT; c++)
        t->inspection_every_days[c] = policy->inspection_every_days[c];
    return LD_OK;
}

static void put_date_field(cJSON *obj, const char *key, ld_date date)
{
    core_json_put_date(obj, key, date);
}

/* Appends the log entry for an operation on one loan: its fields, the state
 * before (NULL for a new loan) and after, and the journal it posted. */
static ld_status record(core_store *store, const core_session *who, const char *type,
                        const ledger_loan *l, cJSON *fields, cJSON *before, ledger_posting *posting,
                        uint64_t *seq_out, ld_error *err)
{
    core_json_put_int(fields, "loan", l->id);
    cJSON_AddStringToObject(fields, "by", who->username);
    if (before != NULL)
        cJSON_AddItemToObject(fields, "before", before);
    cJSON_AddItemToObject(fields, "after", ledger_state_json(l->id, &l->s));
    cJSON_AddItemToObject(fields, "journal", posting->entries);
    posting->entries = NULL; /* now owned by fields */
    ld_status st = ledger_event_append_seq(store, type, fields, seq_out, err);
    if (st == LD_OK) {
        /* The audit trail keeps the same facts in the shape people read. */
        cJSON *detail = cJSON_CreateObject();
        cJSON_AddStringToObject(detail, "contract_no", l->contract_no);
        cJSON_AddStringToObject(detail, "status", ledger_loan_status_name(l->s.status));
        core_json_put_money(detail, "principal", l->s.principal);
        cJSON_AddStringToObject(detail, "category", ledger_category_name(l->s.category));
        /* A classification's row keeps its day and the reviewer's category,
         * which the replay of the loan's past days places (loan show --date). */
        const cJSON *manual = cJSON_GetObjectItemCaseSensitive(fields, "manual");
        const cJSON *date = cJSON_GetObjectItemCaseSensitive(fields, "date");
        if (cJSON_IsString(manual) && cJSON_IsString(date)) {
            cJSON_AddStringToObject(detail, "manual", manual->valuestring);
            cJSON_AddStringToObject(detail, "date", date->valuestring);
        }
        st = core_audit_record(store, who, type, "loan", l->id, detail, err);
        cJSON_Delete(detail);
    }
    return st;
}

/* Closes days for one loan held in memory up to through, summing the
 * journal's amounts. The installments array provides each next one. */
/* What a replay reports day by day (loan history): each closed day, then each
 * payment applied. */
typedef struct day_hook {
    void (*day)(void *ctx, const ledger_loan *l, const ledger_day_result *r);
    void (*payment)(void *ctx, const ledger_loan *l, const ledger_paid *p,
                    const ledger_allocation *a);
    void (*classified)(void *ctx, const ledger_loan *l); /* a reviewer's category placed */
    void *ctx;
} day_hook;

static ld_status catch_up(ledger_loan *l, const ledger_inst *insts, size_t count,
                          const ledger_loan_terms *t, ld_date through, ledger_day_sums *sums,
                          const day_hook *hook, ld_error *err)
{
    while (l->s.accrued_through < through) {
        int falling = l->s.next_number;
        ledger_day_result r;
        ld_status st = ledger_loan_day(&l->s, t, l->s.accrued_through + 1, &r, err);
        if (st != LD_OK)
            return st;
        ledger_day_sums_add(sums, &r, l->s.category, l->s.principal);
        if (hook != NULL)
            hook->day(hook->ctx, l, &r);
        if (r.fell_due) {
            const ledger_inst *next = NULL;
            for (size_t i = 0; i < count && next == NULL; i++)
                if (insts[i].number == falling + 1)
                    next = &insts[i];
            if (next != NULL)
                ledger_loan_set_next(&l->s, next->number, next->due, next->principal,
                                     next->interest, next->fee);
            else
                ledger_loan_set_next(&l->s, 0, LEDGER_NO_DATE, 0, 0, 0);
        }
    }
    return LD_OK;
}

ld_status ledger_loan_by_application(core_store *store, int64_t app_id, int64_t *out,
                                     ld_error *err);

ld_status ledger_loan_disburse(core_store *store, const core_session *who, int64_t app_id,
                               ld_date date, const char *contract_no, int64_t *loan_id_out,
                               ld_error *err)
{
    ld_status st;
    core_application app;
    const core_product *product;
    const core_policy_terms *policy;
    ld_date last_cob;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_LEDGER_OPERATE, NULL, err)) != LD_OK ||
        (st = ledger_require_business_date(store, "date", date, err)) != LD_OK ||
        (st = ledger_loan_migrate(store, err)) != LD_OK ||
        (st = core_application_get(store, app_id, &app, err)) != LD_OK)
        return st;
    if (app.state != CORE_APP_APPROVED)
        return LD_FAIL(err, LD_ESTATE, "cannot disburse application %lld: it is %s",
                       (long long)app_id, core_app_state_name(app.state));
    if ((st = core_product_get(store, "product", app.product_code, &product, err)) != LD_OK ||
        (st = core_policy_terms_get(store, &policy, err)) != LD_OK ||
        (st = ledger_cob_last(store, &last_cob, err)) != LD_OK)
        return st;
    char text[LD_DATE_TEXT_MAX];
    if (last_cob != LEDGER_NO_DATE && date < last_cob)
        return LD_FAIL(err, LD_ESTATE, "date: before the last close of business (%s)",
                       ld_date_format(last_cob, text));
    ld_schedule_terms terms = {.principal = app.approved_amount,
                               .annual_rate = app.approved_rate,
                               .term_months = app.approved_term_months,
                               .method = app.method,
                               .period = app.period,
                               .start = date};
    ld_installment *rows = NULL;
    size_t count = 0;
    if ((st = core_schedule_build(&terms, &rows, &count, err)) != LD_OK)
        return st;
    ledger_loan l;
    memset(&l, 0, sizeof l);
    if (contract_no != NULL && contract_no[0] != '\0') {
        if (strlen(contract_no) >= sizeof l.contract_no) {
            free(rows);
            return LD_FAIL(err, LD_EINVAL, "contract: at most %zu characters",
                           sizeof l.contract_no - 1);
        }
        snprintf(l.contract_no, sizeof l.contract_no, "%s", contract_no);
    } else {
        int y, m, d;
        ld_date_to_ymd(date, &y, &m, &d);
        snprintf(l.contract_no, sizeof l.contract_no, "HT%04d%02d%02d-%06lld", y, m, d,
                 (long long)app_id);
    }
    l.application_id = app_id;
    l.borrower_id = app.borrower_id;
    l.officer_id = app.officer_id;
    l.borrower_kind = app.borrower_kind;
    snprintf(l.product, sizeof l.product, "%s", app.product_code);
    l.amount = app.approved_amount;
    l.rate = app.approved_rate;
    ld_rate surcharge =
        product->penalty_surcharge >= 0 ? product->penalty_surcharge : policy->penalty_surcharge;
    l.penalty_rate = ledger_penalty_rate(l.rate, surcharge);
    l.method = app.method;
    l.period = app.period;
    l.months_each = app.method == LD_METHOD_BULLET ? app.approved_term_months : (int)app.period;
    l.installments = (int)count;
    l.prepay_rule = product->prepayment == CORE_PREPAY_SHORTEN_TERM
                        ? LEDGER_PREPAY_SHORTEN_TERM
                        : LEDGER_PREPAY_REDUCE_INSTALLMENT;
    l.regular = app.method == LD_METHOD_ANNUITY ? rows[0].payment : rows[0].principal;
    l.fee_method = app.fee_method;
    l.fee_amount = app.fee_amount;
    l.disbursed_on = date;
    l.closed_on = LEDGER_NO_DATE;
    ledger_inst *insts = calloc(count, sizeof *insts);
    if (insts == NULL) {
        free(rows);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory disbursing a loan");
    }
    ld_money per_fee = app.fee_method == CORE_FEE_PER_INSTALLMENT ? app.fee_amount : 0;
    for (size_t i = 0; i < count; i++) {
        insts[i].number = rows[i].number;
        insts[i].due = rows[i].due;
        insts[i].principal = rows[i].principal;
        insts[i].interest = rows[i].interest;
        insts[i].fee = per_fee;
        insts[i].accrual_from = rows[i].due;
    }
    free(rows);
    ledger_loan_state *s = &l.s;
    s->status = LEDGER_LOAN_ACTIVE;
    s->accrued_through = date - 1; /* interest runs from the day of disbursement */
    s->principal = l.amount;
    s->oldest_unpaid_due = LEDGER_NO_DATE;
    s->manual = LEDGER_CATEGORY_NONE;
    s->floor = s->category = LEDGER_CAT_NORMAL;
    s->next_inspection = ledger_inspection_next(LEDGER_NO_DATE, date,
                                                policy->first_inspection_days[app.borrower_kind]);
    ledger_loan_set_next(s, insts[0].number, insts[0].due, insts[0].principal, insts[0].interest,
                         insts[0].fee);
    ledger_posting posting = {cJSON_CreateArray()};
    ledger_jlines lines;
    memset(&lines, 0, sizeof lines);
    ledger_jlines_add(&lines, ledger_acc_loans(LEDGER_CAT_NORMAL), l.amount);
    ledger_jlines_add(&lines, LEDGER_ACC_CASH, -l.amount);
    if (app.fee_method == CORE_FEE_UPFRONT) {
        ledger_jlines_add(&lines, LEDGER_ACC_CASH, app.fee_amount);
        ledger_jlines_add(&lines, LEDGER_ACC_FEE_INCOME, -app.fee_amount);
    }
    cJSON *detail = cJSON_CreateObject();
    cJSON *fields = cJSON_CreateObject();
    if ((st = ledger_loan_insert(store, &l, err)) != LD_OK ||
        (st = ledger_insts_save(store, l.id, insts, count, err)) != LD_OK ||
        (st = ledger_journal_post(store, &posting, date, "disbursement", l.id, l.product, &lines,
                                  err)) != LD_OK ||
        (st = ledger_journal_provision_sync(store, &posting, date, err)) != LD_OK)
        goto out;
    core_json_put_int(detail, "loan_id", l.id);
    cJSON_AddStringToObject(detail, "contract_no", l.contract_no);
    /* From now on the borrower has a repayment history (clean so far). */
    int dy, dm, dd;
    ld_date_to_ymd(l.disbursed_on, &dy, &dm, &dd);
    if ((st = core_credit_record_dpd(store, l.borrower_id, ld_date_from_ymd(dy, dm, 1), 0, err)) !=
        LD_OK)
        goto out;
    if ((st = core_application_disburse(store, who, app_id, detail, err)) != LD_OK)
        goto out;
    core_json_put_int(fields, "application", app_id);
    core_json_put_int(fields, "borrower", l.borrower_id);
    cJSON_AddStringToObject(fields, "contract_no", l.contract_no);
    cJSON_AddStringToObject(fields, "product", l.product);
    core_json_put_int(fields, "amount", l.amount);
    core_json_put_int(fields, "rate", l.rate);
    core_json_put_int(fields, "penalty_surcharge", surcharge);
    cJSON_AddNumberToObject(fields, "term_months", app.approved_term_months);
    cJSON_AddStringToObject(fields, "method", core_repay_method_name(app.method));
    cJSON_AddStringToObject(fields, "fee_method", core_fee_method_name(app.fee_method));
    core_json_put_int(fields, "fee_amount", app.fee_amount);
    put_date_field(fields, "date", date);
    st = record(store, who, "loan.disburse", &l, fields, NULL, &posting, NULL, err);
    if (st == LD_OK && loan_id_out != NULL)
        *loan_id_out = l.id;
out:
    cJSON_Delete(fields);
    cJSON_Delete(detail);
    cJSON_Delete(posting.entries);
    free(insts);
    return st;
}

/* Loads a loan in any state for an operation and checks the caller's right. */
static ld_status load_loan(core_store *store, const core_session *who, int64_t loan_id,
                           core_action action, bool customer_scope, ledger_loan *l, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = ledger_loan_migrate(store, err)) != LD_OK)
        return st;
    if (!customer_scope && (st = core_perm_require(who, action, NULL, err)) != LD_OK)
        return st;
    if ((st = ledger_loan_load(store, loan_id, l, err)) != LD_OK)
        return st;
    if (customer_scope &&
        (st = core_borrower_require(store, who, l->borrower_id, action, err)) != LD_OK)
        return st;
    /* What the operation builds on must be what the log recorded. */
    return ledger_rows_check_loan(store, loan_id, err);
}

/* Loads an active loan for an operation and checks the caller's right. */
static ld_status load_active(core_store *store, const core_session *who, int64_t loan_id,
                             core_action action, bool customer_scope, ledger_loan *l, ld_error *err)
{
    ld_status st = load_loan(store, who, loan_id, action, customer_scope, l, err);
    if (st != LD_OK)
        return st;
    if (l->s.status != LEDGER_LOAN_ACTIVE)
        return LD_FAIL(err, LD_ESTATE, "loan %lld is %s", (long long)loan_id,
                       ledger_loan_status_name(l->s.status));
    return LD_OK;
}

/* The installments' penalty and compound must add up to the loan's: when they
 * do not, a row was changed behind the ledger's back. */
static ld_status check_penalties(const ledger_loan *l, ledger_inst *insts, size_t count,
                                 ld_error *err)
{
    ld_money penalty = 0, compound = 0, principal = 0;
    for (size_t i = 0; i < count; i++) {
        ledger_inst_materialize(&insts[i], l->penalty_rate, l->s.accrued_through);
        if (insts[i].due <= l->s.accrued_through) {
            penalty += insts[i].penalty - insts[i].paid_penalty;
            compound += insts[i].compound - insts[i].paid_compound;
        }
        principal += insts[i].principal - insts[i].paid_principal;
    }
    if (penalty != l->s.penalty || compound != l->s.compound || principal != l->s.principal)
        return LD_FAIL(err, LD_EVERIFY,
                       "loan %lld: installments (principal %lld, penalty %lld, compound %lld) "
                       "disagree with the loan (%lld, %lld, %lld)",
                       (long long)l->id, (long long)principal, (long long)penalty,
                       (long long)compound, (long long)l->s.principal, (long long)l->s.penalty,
                       (long long)l->s.compound);
    return LD_OK;
}

static void put_allocation(cJSON *obj, const ledger_allocation *a)
{
    core_json_put_int(obj, "penalty", a->penalty);
    core_json_put_int(obj, "compound", a->compound);
    core_json_put_int(obj, "fee", a->fee);
    core_json_put_int(obj, "interest", a->interest);
    core_json_put_int(obj, "principal", a->principal);
    core_json_put_int(obj, "accrued", a->accrued);
    core_json_put_int(obj, "prepaid", a->prepaid);
}

/* Replaces the installments not yet due (due after the loan's day) by rows. */
static ld_status splice(ledger_inst **insts, size_t *count, ld_date through,
                        const ledger_inst *rows, size_t rows_count, ld_error *err)
{
    size_t kept = 0;
    while (kept < *count && (*insts)[kept].due <= through)
        kept++;
    ledger_inst *grown = realloc(*insts, (kept + rows_count + 1) * sizeof **insts);
    if (grown == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory rebuilding a schedule");
    memcpy(grown + kept, rows, rows_count * sizeof *rows);
    *insts = grown;
    *count = kept + rows_count;
    return LD_OK;
}

/* Applies a payment of amount to a loan held in memory at the end of its day
 * (allocation, prepayment and rebuilt schedule, settlement, closing when
 * nothing is left): the arithmetic both a payment and the replay of a loan's
 * payments share. LD_EINVAL when the amount exceeds the payoff. */
static ld_status apply_payment(ledger_loan *l, ledger_inst **insts, size_t *count, ld_money amount,
                               bool settle, ledger_allocation *a, ld_error *err)
{
    char a_text[LD_MONEY_TEXT_MAX], d_text[LD_DATE_TEXT_MAX];
    ld_status st;
    if (amount <= 0)
        return LD_FAIL(err, LD_ESTATE, "loan %lld owes nothing", (long long)l->id);
    if ((st = ledger_allocate(*insts, *count, l->s.accrued_through, amount,
                              l->s.principal - l->s.principal_due, l->s.accrued, settle, a, err)) !=
        LD_OK)
        return st;
    if (a->unapplied > 0)
        return LD_FAIL(err, LD_EINVAL,
                       "amount: exceeds what loan %lld owes on %s (payoff %s); use loan settle",
                       (long long)l->id, ld_date_format(l->s.accrued_through, d_text),
                       ld_money_format(ledger_loan_payoff(&l->s), a_text));
    ld_date through = l->s.accrued_through;
    if (settle) {
        /* The rest of the schedule becomes one installment paid today. */
        ledger_inst last;
        memset(&last, 0, sizeof last);
        last.number = l->s.next_number > 0 ? l->s.next_number : (int)*count + 1;
        last.due = through;
        last.principal = last.paid_principal = a->prepaid;
        last.interest = last.paid_interest = a->accrued;
        last.accrual_from = through;
        if ((st = splice(insts, count, through, &last, a->prepaid > 0 || a->accrued > 0 ? 1 : 0,
                         err)) != LD_OK)
            return st;
        l->s.accrued = 0;
        l->s.status = LEDGER_LOAN_SETTLED;
        l->closed_on = through;
        ledger_loan_set_next(&l->s, 0, LEDGER_NO_DATE, 0, 0, 0);
    } else if (a->prepaid > 0) {
        ledger_rebuild rb = {.method = (ld_repay_method)l->method,
                             .period = (ld_period)l->period,
                             .months_each = l->months_each,
                             .rate = l->rate,
                             .disbursed = l->disbursed_on,
                             .term_installments = l->installments,
                             .first_number = l->s.next_number,
                             .principal = l->s.principal - l->s.principal_due - a->prepaid,
                             .paid_on = through,
                             .accrued = l->s.accrued,
                             .rule = (ledger_prepay_rule)l->prepay_rule,
                             .regular = l->regular,
                             .fee = l->fee_method == CORE_FEE_PER_INSTALLMENT ? l->fee_amount : 0};
        size_t rebuilt_count = 0;
        ledger_inst *rebuilt = NULL;
        if ((st = ledger_schedule_rebuild(&rb, &rebuilt, &rebuilt_count, &l->regular, err)) ==
                LD_OK &&
            (st = splice(insts, count, through, rebuilt, rebuilt_count, err)) == LD_OK)
            ledger_loan_set_next(&l->s, rebuilt[0].number, rebuilt[0].due, rebuilt[0].principal,
                                 rebuilt[0].interest, rebuilt[0].fee);
        free(rebuilt);
        if (st != LD_OK)
            return st;
    }
    ld_money accrued = l->s.accrued;
    ledger_loan_recount(&l->s, *insts, *count, l->penalty_rate);
    l->s.accrued = accrued;
    /* A payment that leaves nothing owed closes the loan that day (结清), as
     * a settlement does: close of business no longer carries it. */
    bool closes = !settle && l->s.principal == 0 && l->s.accrued == 0 && l->s.interest_due == 0 &&
                  l->s.penalty == 0 && l->s.compound == 0 && l->s.fee_due == 0;
    if (closes) {
        l->s.status = LEDGER_LOAN_SETTLED;
        l->closed_on = through;
        ledger_loan_set_next(&l->s, 0, LEDGER_NO_DATE, 0, 0, 0);
    }
    if (settle || closes)
        l->s.category = l->s.floor = LEDGER_CAT_NORMAL, l->s.manual = LEDGER_CATEGORY_NONE;
    return LD_OK;
}

/* The loan as its recorded payments make it when replayed from disbursement
 * day by day to through: without the payment skip_id, with one more payment
 * (extra, may be NULL) on its value date after those of the same date;
 * *captured gets the allocation of payment capture_id (extra's id). The
 * reviewer's category and the inspection date are the current ones. */
typedef struct replay_marks {
    const ledger_classified *at;
    size_t count, next;
    bool dated; /* false: place none, take the current manual category */
} replay_marks;

/* Brings a replayed loan to through, placing each reviewer's classification
 * at the end of its day: from then on the loan's category is the worse of
 * its floor and that manual category, as close of business keeps it. */
static ld_status advance(ledger_loan *l, const ledger_inst *insts, size_t count,
                         const ledger_loan_terms *t, ld_date through, ledger_day_sums *sums,
                         const day_hook *hook, replay_marks *m, ld_error *err)
{
    ld_status st = LD_OK;
    while (st == LD_OK && m->dated && m->next < m->count && m->at[m->next].date <= through) {
        const ledger_classified *c = &m->at[m->next++];
        if ((st = catch_up(l, insts, count, t, c->date, sums, hook, err)) == LD_OK) {
            l->s.manual = c->manual;
            l->s.category = l->s.manual > l->s.floor ? l->s.manual : l->s.floor;
            if (hook != NULL)
                hook->classified(hook->ctx, l);
        }
    }
    return st == LD_OK ? catch_up(l, insts, count, t, through, sums, hook, err) : st;
}

/* The loan's classifications for its replay; free(m->at) after. */
static ld_status load_marks(core_store *store, int64_t loan_id, replay_marks *m, ld_error *err)
{
    ledger_classified *at = NULL;
    memset(m, 0, sizeof *m);
    ld_status st = ledger_classified_load(store, loan_id, &at, &m->count, &m->dated, err);
    m->at = at;
    return st;
}

static ld_status replay(const ledger_loan *cur, const ledger_loan_terms *t, const ledger_paid *paid,
                        size_t n, const ledger_paid *extra, int64_t skip_id, int64_t capture_id,
                        ld_date through, ledger_loan *out, ledger_inst **insts_out,
                        size_t *count_out, ledger_day_sums *sums, ledger_allocation *captured,
                        const day_hook *hook, replay_marks *marks, ld_error *err)
{
    ld_schedule_terms terms = {.principal = cur->amount,
                               .annual_rate = cur->rate,
                               .term_months = cur->installments * cur->months_each,
                               .method = (ld_repay_method)cur->method,
                               .period = (ld_period)cur->period,
                               .start = cur->disbursed_on};
    ld_installment *rows = NULL;
    size_t count = 0;
    ld_status st = core_schedule_build(&terms, &rows, &count, err);
    if (st != LD_OK)
        return st;
    ledger_inst *insts = calloc(count + 1, sizeof *insts);
    if (insts == NULL) {
        free(rows);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory replaying a loan");
    }
    ld_money per_fee = cur->fee_method == CORE_FEE_PER_INSTALLMENT ? cur->fee_amount : 0;
    for (size_t i = 0; i < count; i++) {
        insts[i].number = rows[i].number;
        insts[i].due = rows[i].due;
        insts[i].principal = rows[i].principal;
        insts[i].interest = rows[i].interest;
        insts[i].fee = per_fee;
        insts[i].accrual_from = rows[i].due;
    }
    *out = *cur;
    out->regular = cur->method == LD_METHOD_ANNUITY ? rows[0].payment : rows[0].principal;
    free(rows);
    out->closed_on = LEDGER_NO_DATE;
    ledger_loan_state *s = &out->s;
    memset(s, 0, sizeof *s);
    s->status = LEDGER_LOAN_ACTIVE;
    s->accrued_through = cur->disbursed_on - 1;
    s->principal = cur->amount;
    s->oldest_unpaid_due = LEDGER_NO_DATE;
    s->manual = LEDGER_CATEGORY_NONE;
    s->floor = s->category = LEDGER_CAT_NORMAL;
    s->next_inspection = cur->s.next_inspection;
    ledger_loan_set_next(s, insts[0].number, insts[0].due, insts[0].principal, insts[0].interest,
                         insts[0].fee);
    bool extra_done = extra == NULL;
    for (size_t i = 0; i <= n && st == LD_OK; i++) {
        const ledger_paid *p = i < n ? &paid[i] : NULL;
        if (!extra_done && (p == NULL || p->value_date > extra->value_date)) {
            p = extra;
            extra_done = true;
            i--;
        }
        if (p == NULL)
            break;
        if (p->id == skip_id)
            continue;
        if (s->status != LEDGER_LOAN_ACTIVE) {
            st = LD_FAIL(err, LD_ESTATE, "loan %lld: a payment on a day it owed nothing",
                         (long long)cur->id);
            break;
        }
        ledger_allocation a;
        if ((st = advance(out, insts, count, t, p->value_date, sums, hook, marks, err)) != LD_OK)
            break;
        for (size_t k = 0; k < count; k++)
            ledger_inst_materialize(&insts[k], out->penalty_rate, s->accrued_through);
        if ((st = apply_payment(out, &insts, &count, p->amount, p->settle, &a, err)) == LD_OK &&
            p->id == capture_id)
            *captured = a;
        if (st == LD_OK && hook != NULL)
            hook->payment(hook->ctx, out, p, &a);
    }
    if (st == LD_OK && s->status == LEDGER_LOAN_ACTIVE)
        st = advance(out, insts, count, t, through, sums, hook, marks, err);
    if (st == LD_OK && s->status == LEDGER_LOAN_ACTIVE) {
        /* A reviewer's category stands until a reviewer changes it, also
         * while the floor is at or past it (docs/design.md 4.6); replayed to
         * the loan's own day it is today's, whether or not its day is known. */
        if (!marks->dated || through >= cur->s.accrued_through)
            s->manual = cur->s.manual;
        s->category = s->manual > s->floor ? s->manual : s->floor;
        s->next_inspection = cur->s.next_inspection;
    }
    if (st != LD_OK) {
        free(insts);
        return st;
    }
    *insts_out = insts;
    *count_out = count;
    return LD_OK;
}

/* A loan's replay to its own day must be the loan as kept. It is not for a
 * loan given a back-dated payment before value dating, which allocated it as
 * of the day it was entered: what depends on replaying such a loan (what)
 * is refused, as the state it would start from is not the books'. */
static ld_status same_as_kept(const ledger_loan *kept, const ledger_loan *replayed,
                              const char *what, ld_error *err)
{
    int64_t a[LEDGER_STATE_FIELDS], b[LEDGER_STATE_FIELDS];
    ledger_state_values(kept->id, &kept->s, a);
    ledger_state_values(kept->id, &replayed->s, b);
    if (memcmp(a, b, sizeof a) == 0)
        return LD_OK;
    return LD_FAIL(err, LD_ESTATE,
                   "loan %lld: its recorded payments do not replay to its balances (a payment "
                   "back-dated before value dating was allocated as of the day it was entered), "
                   "so %s; payments on the open day are taken as usual",
                   (long long)kept->id, what);
}

/* Replays a loan to its own day with its standing payments and checks it
 * comes out as kept (same_as_kept). */
static ld_status check_replays(const ledger_loan *l, const ledger_loan_terms *t,
                               const ledger_paid *paid, size_t n, replay_marks marks,
                               const char *what, ld_error *err)
{
    ledger_loan was;
    ledger_inst *insts = NULL;
    size_t count = 0;
    ledger_day_sums sums;
    memset(&sums, 0, sizeof sums);
    ledger_allocation a;
    ld_status st = replay(l, t, paid, n, NULL, 0, 0, l->s.accrued_through, &was, &insts, &count,
                          &sums, &a, NULL, &marks, err);
    free(insts);
    return st == LD_OK ? same_as_kept(l, &was, what, err) : st;
}

/* The income a replay earned: interest, fees, penalty and compound. */
static void income_of(const ledger_day_sums *s, ld_money out[3])
{
    out[0] = s->interest_accrued + s->interest_fell_due - s->accrued_released;
    out[1] = s->fee_fell_due;
    out[2] = s->penalty + s->compound;
}

/* A payment dated before the loan's day, or the reversal of one: the loan is
 * replayed from disbursement with its recorded payments as they stand and as
 * they become (with extra, without skip_id); the first must be the loan as
 * kept (else its history is not one a replay reproduces and the correction is
 * refused), and the second, brought to through, replaces it. *lines gets the
 * correction: cash (what the payments change by), each balance's change and
 * the income earned differently over the recomputed days. *a gets the
 * allocation of the added or the reversed payment. */
typedef struct recompute_request {
    const ledger_paid *extra;
    int64_t skip_id;
    ld_date through;
    ld_money cash;
} recompute_request;

static ld_status recompute(core_store *store, ledger_loan *l, ledger_inst **insts, size_t *count,
                           const ledger_loan_terms *t, const recompute_request *rq,
                           ledger_allocation *a, ledger_jlines *lines, ld_error *err)
{
    ledger_paid *paid = NULL;
    size_t n = 0;
    ld_status st = ledger_paid_load(store, l->id, &paid, &n, err);
    if (st != LD_OK)
        return st;
    ledger_loan was, now;
    ledger_inst *was_insts = NULL, *now_insts = NULL;
    size_t was_count = 0, now_count = 0;
    ledger_day_sums was_sums, now_sums;
    memset(&was_sums, 0, sizeof was_sums);
    memset(&now_sums, 0, sizeof now_sums);
    replay_marks marks;
    if ((st = load_marks(store, l->id, &marks, err)) != LD_OK)
        goto out;
    replay_marks again_marks = marks;
    if ((st = replay(l, t, paid, n, NULL, 0, rq->skip_id, l->s.accrued_through, &was, &was_insts,
                     &was_count, &was_sums, a, NULL, &marks, err)) != LD_OK ||
        (st = replay(l, t, paid, n, rq->extra, rq->skip_id, rq->extra ? rq->extra->id : 0,
                     rq->through, &now, &now_insts, &now_count, &now_sums, a, NULL, &again_marks,
                     err)) != LD_OK) {
        free((void *)marks.at);
        goto out;
    }
    free((void *)marks.at);
    if ((st = same_as_kept(l, &was, "a value-dated correction or reversal on it is refused",
                           err)) != LD_OK)
        goto out;
    ld_money in_was[3], in_now[3];
    income_of(&was_sums, in_was);
    income_of(&now_sums, in_now);
    memset(lines, 0, sizeof *lines);
    ledger_jlines_add(lines, LEDGER_ACC_CASH, rq->cash);
    ledger_jlines_add(lines, ledger_acc_loans(l->s.category), -l->s.principal);
    ledger_jlines_add(lines, ledger_acc_loans(now.s.category), now.s.principal);
    ledger_jlines_add(lines, LEDGER_ACC_INT_ACCRUED, now.s.accrued - l->s.accrued);
    ledger_jlines_add(lines, LEDGER_ACC_INT_DUE, now.s.interest_due - l->s.interest_due);
    ledger_jlines_add(lines, LEDGER_ACC_FEE_RCV, now.s.fee_due - l->s.fee_due);
    ledger_jlines_add(lines, LEDGER_ACC_PENALTY_RCV, now.s.penalty - l->s.penalty);
    ledger_jlines_add(lines, LEDGER_ACC_COMPOUND_RCV, now.s.compound - l->s.compound);
    ledger_jlines_add(lines, LEDGER_ACC_INT_INCOME, -(in_now[0] - in_was[0]));
    ledger_jlines_add(lines, LEDGER_ACC_FEE_INCOME, -(in_now[1] - in_was[1]));
    ledger_jlines_add(lines, LEDGER_ACC_PENALTY_INCOME, -(in_now[2] - in_was[2]));
    *l = now;
    free(*insts);
    *insts = now_insts;
    *count = now_count;
    now_insts = NULL;
out:
    free(paid);
    free(was_insts);
    free(now_insts);
    return st;
}

/* The day a correction is booked on: the open day after the last close of
 * business (closed days' books never change), or the loan's own day when a
 * payment already brought it there. */
static ld_date correction_day(const ledger_loan *l, ld_date last_cob)
{
    ld_date day = last_cob == LEDGER_NO_DATE ? l->s.accrued_through : last_cob + 1;
    return day < l->s.accrued_through ? l->s.accrued_through : day;
}

static ld_status take_payment(core_store *store, const core_session *who, int64_t loan_id,
                              const ledger_repay_request *req, bool settle, ld_money *paid_out,
                              ledger_allocation *alloc_out, ld_error *err)
{
    ledger_loan l;
    ledger_loan_terms t;
    ld_date last_cob;
    ld_status st;
    char a_text[LD_MONEY_TEXT_MAX], d_text[LD_DATE_TEXT_MAX];
    if ((st = load_active(store, who, loan_id, CORE_ACT_REPAYMENT_RECORD, true, &l, err)) !=
            LD_OK ||
        (st = load_terms(store, &l, &t, err)) != LD_OK ||
        (st = ledger_cob_last(store, &last_cob, err)) != LD_OK)
        return st;
    if (!settle && req->amount <= 0)
        return LD_FAIL(err, LD_EINVAL, "amount: must be positive");
    if ((st = ledger_require_business_date(store, "date", req->date, err)) != LD_OK)
        return st;
    if (req->date < l.disbursed_on)
        return LD_FAIL(err, LD_EINVAL, "date: before the loan was disbursed (%s)",
                       ld_date_format(l.disbursed_on, d_text));
    ld_date bound = l.s.accrued_through;
    if (last_cob != LEDGER_NO_DATE && last_cob > bound)
        bound = last_cob;
    bool backdated = req->date < bound;
    if (backdated && !req->backdated)
        return LD_FAIL(err, LD_ESTATE,
                       "date: %s is before the last close of business (%s); a back-dated "
                       "correction needs --backdated and --reason",
                       ld_date_format(req->date, a_text), ld_date_format(bound, d_text));
    if (backdated && (req->reason == NULL || req->reason[0] == '\0'))
        return LD_FAIL(err, LD_EINVAL, "reason: a back-dated correction needs a reason");
    if (req->reason != NULL && req->reason[0] != '\0' &&
        core_text_check("reason", req->reason, strlen(req->reason), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    ledger_inst *insts = NULL;
    size_t count = 0;
    if ((st = ledger_insts_load(store, l.id, &insts, &count, err)) != LD_OK)
        return st;
    cJSON *before = ledger_state_json(l.id, &l.s);
    cJSON *fields = cJSON_CreateObject();
    ledger_posting posting = {cJSON_CreateArray()};
    ledger_day_sums sums;
    memset(&sums, 0, sizeof sums);
    /* A back-dated payment is booked on the open day after the last close:
     * the books of closed days never change. */
    ld_date booked = backdated ? correction_day(&l, last_cob) : req->date;
    if ((st = catch_up(&l, insts, count, &t, backdated ? l.s.accrued_through : req->date, &sums,
                       NULL, err)) != LD_OK ||
        (st = check_penalties(&l, insts, count, err)) != LD_OK)
        goto out;
    ld_money amount = settle ? ledger_loan_payoff(&l.s) : req->amount;
    ledger_allocation a;
    memset(&a, 0, sizeof a);
    int category_before = l.s.category;
    ledger_jlines lines;
    if (backdated && !settle) {
        ledger_paid extra = {.id = -1, .value_date = req->date, .amount = amount};
        recompute_request rq = {.extra = &extra, .through = l.s.accrued_through, .cash = amount};
        if ((st = recompute(store, &l, &insts, &count, &t, &rq, &a, &lines, err)) != LD_OK)
            goto out;
    } else if ((st = apply_payment(&l, &insts, &count, amount, settle, &a, err)) != LD_OK)
        goto out;
    bool closes = !settle && l.s.status == LEDGER_LOAN_SETTLED;
    if (!(backdated && !settle)) {
        /* Journal: the catch-up accrual, then the payment. */
        ledger_day_sums_lines(&sums, &lines);
        if ((st = ledger_journal_post(store, &posting, booked, "accrual", l.id, l.product, &lines,
                                      err)) != LD_OK)
            goto out;
        memset(&lines, 0, sizeof lines);
        ledger_jlines_add(&lines, LEDGER_ACC_CASH, amount);
        ledger_jlines_add(&lines, LEDGER_ACC_PENALTY_RCV, -a.penalty);
        ledger_jlines_add(&lines, LEDGER_ACC_COMPOUND_RCV, -a.compound);
        ledger_jlines_add(&lines, LEDGER_ACC_FEE_RCV, -a.fee);
        ledger_jlines_add(&lines, LEDGER_ACC_INT_DUE, -a.interest);
        ledger_jlines_add(&lines, LEDGER_ACC_INT_ACCRUED, -a.accrued);
        ledger_jlines_add(&lines, ledger_acc_loans(category_before), -(a.principal + a.prepaid));
        if (l.s.category != category_before) {
            ledger_jlines_add(&lines, ledger_acc_loans(category_before), -l.s.principal);
            ledger_jlines_add(&lines, ledger_acc_loans(l.s.category), l.s.principal);
        }
    }
    if ((st = ledger_journal_post(store, &posting, booked,
                                  settle      ? "settlement"
                                  : backdated ? "correction"
                                              : "repayment",
                                  l.id, l.product, &lines, err)) != LD_OK ||
        (st = ledger_journal_provision_sync(store, &posting, booked, err)) != LD_OK ||
        (st = ledger_loan_save(store, &l, err)) != LD_OK ||
        (st = ledger_insts_save(store, l.id, insts, count, err)) != LD_OK)
        goto out;
    core_json_put_int(fields, "amount", amount);
    put_date_field(fields, "date", req->date);
    put_date_field(fields, "booked_on", booked);
    if (closes)
        cJSON_AddBoolToObject(fields, "settled", 1);
    if (backdated) {
        cJSON_AddBoolToObject(fields, "backdated", 1);
        cJSON_AddStringToObject(fields, "reason", req->reason);
        put_date_field(fields, "recomputed_from", req->date);
        put_date_field(fields, "recomputed_through", booked);
    }
    put_allocation(cJSON_AddObjectToObject(fields, "allocation"), &a);
    uint64_t seq = 0;
    cJSON *before_owned = before;
    before = NULL;
    if ((st = record(store, who, settle ? "loan.settle" : "loan.repay", &l, fields, before_owned,
                     &posting, &seq, err)) != LD_OK)
        goto out;
    ledger_repayment_row row = {.loan_id = l.id,
                                .kind = settle ? "settle" : "repay",
                                .value_date = req->date,
                                .booked_on = booked,
                                .amount = amount,
                                .allocation = a,
                                .backdated = backdated,
                                .reason = backdated ? req->reason : NULL,
                                .recorded_by = who->user_id,
                                .log_seq = seq};
    if ((st = ledger_repayment_insert(store, &row, NULL, err)) != LD_OK)
        goto out;
    if (paid_out != NULL)
        *paid_out = amount;
    if (alloc_out != NULL)
        *alloc_out = a;
out:
    cJSON_Delete(before);
    cJSON_Delete(fields);
    cJSON_Delete(posting.entries);
    free(insts);
    return st;
}

ld_status ledger_loan_repay(core_store *store, const core_session *who, int64_t loan_id,
                            const ledger_repay_request *request, ledger_allocation *out,
                            ld_error *err)
{
    return take_payment(store, who, loan_id, request, false, NULL, out, err);
}

ld_status ledger_loan_settle(core_store *store, const core_session *who, int64_t loan_id,
                             ld_date date, ld_money *paid_out, ld_error *err)
{
    ledger_repay_request req = {.date = date};
    return take_payment(store, who, loan_id, &req, true, paid_out, NULL, err);
}

ld_status ledger_loan_repay_reverse(core_store *store, const core_session *who, int64_t loan_id,
                                    int64_t repayment_id, const char *reason, ld_error *err)
{
    ledger_loan l;
    ledger_loan_terms t;
    ld_date last_cob;
    ld_status st;
    if ((st = load_loan(store, who, loan_id, CORE_ACT_REPAYMENT_REVERSE, true, &l, err)) != LD_OK ||
        (st = load_terms(store, &l, &t, err)) != LD_OK ||
        (st = ledger_cob_last(store, &last_cob, err)) != LD_OK)
        return st;
    if (reason == NULL || reason[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "reason: a reversal needs a reason");
    if (core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    /* A loan closed by its payments reopens when one is taken back; one
     * settled on request or written off stays closed. */
    if (l.s.status == LEDGER_LOAN_WRITTEN_OFF)
        return LD_FAIL(err, LD_ESTATE, "loan %lld is %s", (long long)l.id,
                       ledger_loan_status_name(l.s.status));
    ledger_paid *paid = NULL;
    size_t n = 0;
    if ((st = ledger_paid_load(store, l.id, &paid, &n, err)) != LD_OK)
        return st;
    ledger_paid found = {0};
    for (size_t i = 0; i < n; i++)
        if (paid[i].id == repayment_id)
            found = paid[i];
    free(paid);
    if (found.id == 0)
        return LD_FAIL(err, LD_ENOTFOUND,
                       "repayment: loan %lld has no standing repayment %lld (reversed ones "
                       "cannot be reversed again)",
                       (long long)l.id, (long long)repayment_id);
    if (found.settle)
        return LD_FAIL(err, LD_ESTATE,
                       "repayment: %lld is a settlement; a settled loan is not reopened",
                       (long long)repayment_id);
    ledger_inst *insts = NULL;
    size_t count = 0;
    if ((st = ledger_insts_load(store, l.id, &insts, &count, err)) != LD_OK)
        return st;
    cJSON *before = ledger_state_json(l.id, &l.s);
    cJSON *fields = cJSON_CreateObject();
    ledger_posting posting = {cJSON_CreateArray()};
    ledger_allocation a;
    memset(&a, 0, sizeof a);
    ledger_jlines lines;
    ld_date booked = correction_day(&l, last_cob);
    ld_date through = l.s.accrued_through;
    if (last_cob != LEDGER_NO_DATE && last_cob > through)
        through = last_cob;
    recompute_request rq = {.skip_id = found.id, .through = through, .cash = -found.amount};
    bool reopens = l.s.status == LEDGER_LOAN_SETTLED;
    if ((st = recompute(store, &l, &insts, &count, &t, &rq, &a, &lines, err)) != LD_OK ||
        (st = ledger_journal_post(store, &posting, booked, "correction", l.id, l.product, &lines,
                                  err)) != LD_OK ||
        (st = ledger_journal_provision_sync(store, &posting, booked, err)) != LD_OK ||
        (st = ledger_loan_save(store, &l, err)) != LD_OK ||
        (st = ledger_insts_save(store, l.id, insts, count, err)) != LD_OK ||
        (st = ledger_repayment_mark_reversed(store, found.id, err)) != LD_OK)
        goto out;
    reopens = reopens && l.s.status == LEDGER_LOAN_ACTIVE;
    core_json_put_int(fields, "reverses", found.id);
    core_json_put_int(fields, "amount", found.amount);
    put_date_field(fields, "date", found.value_date);
    put_date_field(fields, "booked_on", booked);
    put_date_field(fields, "recomputed_from", found.value_date);
    put_date_field(fields, "recomputed_through", through);
    cJSON_AddStringToObject(fields, "reason", reason);
    if (reopens)
        cJSON_AddBoolToObject(fields, "reopened", 1);
    put_allocation(cJSON_AddObjectToObject(fields, "allocation"), &a);
    uint64_t seq = 0;
    cJSON *before_owned = before;
    before = NULL;
    if ((st = record(store, who, "loan.repay_reverse", &l, fields, before_owned, &posting, &seq,
                     err)) != LD_OK)
        goto out;
    ledger_repayment_row row = {.loan_id = l.id,
                                .kind = "reversal",
                                .value_date = found.value_date,
                                .booked_on = booked,
                                .amount = found.amount,
                                .allocation = a,
                                .backdated = true,
                                .reason = reason,
                                .recorded_by = who->user_id,
                                .log_seq = seq};
    st = ledger_repayment_insert(store, &row, NULL, err);
out:
    cJSON_Delete(before);
    cJSON_Delete(fields);
    cJSON_Delete(posting.entries);
    free(insts);
    return st;
}

/* The day a decision without a date of its own is booked on. */
static ld_status decision_day(core_store *store, const ledger_loan *l, ld_date *out, ld_error *err)
{
    ld_date last_cob;
    ld_status st = ledger_cob_last(store, &last_cob, err);
    if (st != LD_OK)
        return st;
    ld_date day = l->s.accrued_through;
    if (last_cob != LEDGER_NO_DATE && last_cob > day)
        day = last_cob;
    if (day < l->disbursed_on)
        day = l->disbursed_on;
    *out = day;
    return LD_OK;
}

ld_status ledger_loan_classify(core_store *store, const core_session *who, int64_t loan_id,
                               ledger_category category, const char *reason, ld_error *err)
{
    ledger_loan l;
    ledger_loan_terms t;
    ld_date day;
    ld_status st;
    if ((st = load_active(store, who, loan_id, CORE_ACT_LOAN_CLASSIFY, false, &l, err)) != LD_OK ||
        (st = load_terms(store, &l, &t, err)) != LD_OK ||
        (st = decision_day(store, &l, &day, err)) != LD_OK)
        return st;
    if (reason == NULL || reason[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "reason: a classification needs a reason");
    if (core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    if ((int)category < l.s.floor)
        return LD_FAIL(err, LD_EINVAL,
                       "category: %s is better than the floor %s (%lld days past due); a loan "
                       "may be classified worse than its floor, never better",
                       ledger_category_name(category), ledger_category_name(l.s.floor),
                       (long long)l.s.dpd);
    cJSON *before = ledger_state_json(l.id, &l.s);
    int from = l.s.category;
    l.s.manual = (int)category > l.s.floor ? (int)category : LEDGER_CATEGORY_NONE;
    l.s.category = (int)category;
    snprintf(l.manual_reason, sizeof l.manual_reason, "%s",
             l.s.manual == LEDGER_CATEGORY_NONE ? "" : reason);
    if (l.s.category > from)
        l.s.next_inspection =
            ledger_inspection_next(l.s.next_inspection, day, t.inspection_every_days[l.s.category]);
    ledger_posting posting = {cJSON_CreateArray()};
    ledger_jlines lines;
    memset(&lines, 0, sizeof lines);
    if (l.s.category != from) {
        ledger_jlines_add(&lines, ledger_acc_loans(from), -l.s.principal);
        ledger_jlines_add(&lines, ledger_acc_loans(l.s.category), l.s.principal);
    }
    cJSON *fields = cJSON_CreateObject();
    if ((st = ledger_journal_post(store, &posting, day, "classification", l.id, l.product, &lines,
                                  err)) == LD_OK &&
        (st = ledger_journal_provision_sync(store, &posting, day, err)) == LD_OK &&
        (st = ledger_loan_save(store, &l, err)) == LD_OK) {
        cJSON_AddStringToObject(fields, "from", ledger_category_name(from));
        cJSON_AddStringToObject(fields, "to", ledger_category_name(category));
        cJSON_AddStringToObject(fields, "floor", ledger_category_name(l.s.floor));
        cJSON_AddStringToObject(
            fields, "manual",
            l.s.manual == LEDGER_CATEGORY_NONE ? "none" : ledger_category_name(l.s.manual));
        cJSON_AddStringToObject(fields, "reason", reason);
        put_date_field(fields, "date", day);
        st = record(store, who, "loan.classify", &l, fields, before, &posting, NULL, err);
        before = NULL;
    }
    cJSON_Delete(before);
    cJSON_Delete(fields);
    cJSON_Delete(posting.entries);
    return st;
}

ld_status ledger_loan_write_off(core_store *store, const core_session *who, int64_t loan_id,
                                const char *reason, ld_error *err)
{
    ledger_loan l;
    ld_date day;
    ld_status st;
    if ((st = load_active(store, who, loan_id, CORE_ACT_LOAN_WRITE_OFF, false, &l, err)) != LD_OK ||
        (st = decision_day(store, &l, &day, err)) != LD_OK)
        return st;
    if (reason == NULL || reason[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "reason: a write-off needs a reason");
    if (core_text_check("reason", reason, strlen(reason), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    if (l.s.category != LEDGER_CAT_LOSS)
        return LD_FAIL(err, LD_ESTATE, "loan %lld is %s: only a loss (损失) loan is written off",
                       (long long)l.id, ledger_category_name(l.s.category));
    cJSON *before = ledger_state_json(l.id, &l.s);
    ledger_jlines lines;
    memset(&lines, 0, sizeof lines);
    ld_money total =
        l.s.principal + l.s.accrued + l.s.interest_due + l.s.penalty + l.s.compound + l.s.fee_due;
    ledger_jlines_add(&lines, LEDGER_ACC_WRITE_OFF, total);
    ledger_jlines_add(&lines, ledger_acc_loans(l.s.category), -l.s.principal);
    ledger_jlines_add(&lines, LEDGER_ACC_INT_ACCRUED, -l.s.accrued);
    ledger_jlines_add(&lines, LEDGER_ACC_INT_DUE, -l.s.interest_due);
    ledger_jlines_add(&lines, LEDGER_ACC_PENALTY_RCV, -l.s.penalty);
    ledger_jlines_add(&lines, LEDGER_ACC_COMPOUND_RCV, -l.s.compound);
    ledger_jlines_add(&lines, LEDGER_ACC_FEE_RCV, -l.s.fee_due);
    cJSON *fields = cJSON_CreateObject();
    core_json_put_int(fields, "principal", l.s.principal);
    core_json_put_int(fields, "interest", (l.s.accrued + l.s.interest_due));
    core_json_put_int(fields, "penalty", (l.s.penalty + l.s.compound));
    core_json_put_int(fields, "fee", l.s.fee_due);
    cJSON_AddStringToObject(fields, "reason", reason);
    put_date_field(fields, "date", day);
    ledger_loan_state *s = &l.s;
    s->status = LEDGER_LOAN_WRITTEN_OFF;
    s->principal = s->principal_due = s->interest_due = s->fee_due = s->accrued = 0;
    s->penalty = s->compound = s->penalty_daily = s->compound_daily = 0;
    ledger_loan_set_next(s, 0, LEDGER_NO_DATE, 0, 0, 0);
    l.closed_on = day;
    ledger_posting posting = {cJSON_CreateArray()};
    if ((st = ledger_journal_post(store, &posting, day, "write_off", l.id, l.product, &lines,
                                  err)) == LD_OK &&
        (st = ledger_journal_provision_sync(store, &posting, day, err)) == LD_OK &&
        (st = ledger_loan_save(store, &l, err)) == LD_OK) {
        st = record(store, who, "loan.write_off", &l, fields, before, &posting, NULL, err);
        before = NULL;
    }
    cJSON_Delete(before);
    cJSON_Delete(fields);
    cJSON_Delete(posting.entries);
    return st;
}

/* The loan as ledger_loan_show gives it, from a loan and its installments
 * held in memory; takes repayments. */
static cJSON *show_json(const ledger_loan *lp, const ledger_inst *insts, size_t count,
                        cJSON *repayments)
{
    const ledger_loan l = *lp;
    const ledger_loan_state *s = &l.s;
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "id", l.id);
    cJSON_AddStringToObject(o, "contract_no", l.contract_no);
    if (l.application_id > 0)
        core_json_put_int(o, "application_id", l.application_id);
    core_json_put_int(o, "borrower_id", l.borrower_id);
    cJSON_AddStringToObject(o, "product", l.product);
    cJSON_AddStringToObject(o, "status", ledger_loan_status_name(s->status));
    core_json_put_money(o, "amount", l.amount);
    core_json_put_rate(o, "rate", l.rate);
    cJSON_AddStringToObject(o, "method", core_repay_method_name((ld_repay_method)l.method));
    core_json_put_date(o, "disbursed_on", l.disbursed_on);
    if (l.closed_on != LEDGER_NO_DATE)
        core_json_put_date(o, "closed_on", l.closed_on);
    core_json_put_date(o, "balances_as_of", s->accrued_through);
    cJSON *b = cJSON_AddObjectToObject(o, "balances");
    core_json_put_money(b, "principal", s->principal);
    core_json_put_money(b, "principal_overdue", s->principal_due);
    core_json_put_money(b, "interest_due", s->interest_due);
    core_json_put_money(b, "interest_accrued", s->accrued);
    core_json_put_money(b, "penalty", s->penalty);
    core_json_put_money(b, "compound", s->compound);
    core_json_put_money(b, "fees_due", s->fee_due);
    core_json_put_money(b, "payoff", ledger_loan_payoff(s));
    core_json_put_int(o, "dpd", s->dpd);
    cJSON_AddStringToObject(o, "category", ledger_category_name(s->category));
    cJSON_AddStringToObject(o, "category_floor", ledger_category_name(s->floor));
    if (s->manual != LEDGER_CATEGORY_NONE) {
        cJSON_AddStringToObject(o, "category_manual", ledger_category_name(s->manual));
        cJSON_AddStringToObject(o, "category_reason", l.manual_reason);
    }
    if (s->status == LEDGER_LOAN_ACTIVE)
        core_json_put_date(o, "next_inspection", s->next_inspection);
    cJSON *sched = cJSON_AddArrayToObject(o, "schedule");
    for (size_t i = 0; i < count; i++) {
        ledger_inst in = insts[i];
        if (s->status == LEDGER_LOAN_ACTIVE)
            ledger_inst_materialize(&in, l.penalty_rate, s->accrued_through);
        cJSON *row = cJSON_CreateObject();
        core_json_put_int(row, "n", in.number);
        core_json_put_date(row, "due", in.due);
        core_json_put_money(row, "principal", in.principal);
        core_json_put_money(row, "interest", in.interest);
        core_json_put_money(row, "fee", in.fee);
        core_json_put_money(row, "paid_principal", in.paid_principal);
        core_json_put_money(row, "paid_interest", in.paid_interest);
        core_json_put_money(row, "paid_fee", in.paid_fee);
        core_json_put_money(row, "penalty", in.penalty + in.compound);
        core_json_put_money(row, "paid_penalty", in.paid_penalty + in.paid_compound);
        const char *state = ledger_inst_fully_paid(&in)    ? "paid"
                            : in.due > s->accrued_through  ? "scheduled"
                            : in.due == s->accrued_through ? "due"
                                                           : "overdue";
        cJSON_AddStringToObject(row, "state", state);
        cJSON_AddItemToArray(sched, row);
    }
    cJSON_AddItemToObject(o, "repayments", repayments);
    return o;
}

/* Loads a loan for reading by whoever may read its customer. */
static ld_status load_readable(core_store *store, const core_session *who, int64_t loan_id,
                               ledger_loan *l, ld_error *err)
{
    ld_status st;
    if ((st = ledger_loan_migrate(store, err)) != LD_OK ||
        (st = ledger_loan_load(store, loan_id, l, err)) != LD_OK)
        return st;
    return core_borrower_require(store, who, l->borrower_id, CORE_ACT_CUSTOMER_READ, err);
}

ld_status ledger_loan_show(core_store *store, const core_session *who, int64_t loan_id, cJSON **out,
                           ld_error *err)
{
    ledger_loan l;
    ld_status st;
    if ((st = load_readable(store, who, loan_id, &l, err)) != LD_OK)
        return st;
    ledger_inst *insts = NULL;
    size_t count = 0;
    cJSON *repayments = NULL;
    if ((st = ledger_insts_load(store, l.id, &insts, &count, err)) != LD_OK)
        return st;
    if ((st = ledger_repayments_json(store, l.id, &repayments, err)) != LD_OK) {
        free(insts);
        return st;
    }
    *out = show_json(&l, insts, count, repayments);
    free(insts);
    return LD_OK;
}

ld_status ledger_loan_show_at(core_store *store, const core_session *who, int64_t loan_id,
                              ld_date date, cJSON **out, ld_error *err)
{
    ledger_loan l;
    ledger_loan_terms t;
    ld_status st;
    char text[LD_DATE_TEXT_MAX];
    if ((st = load_readable(store, who, loan_id, &l, err)) != LD_OK ||
        (st = load_terms(store, &l, &t, err)) != LD_OK ||
        (st = ledger_require_business_date(store, "date", date, err)) != LD_OK)
        return st;
    if (date < l.disbursed_on)
        return LD_FAIL(err, LD_EINVAL, "date: before the loan was disbursed (%s)",
                       ld_date_format(l.disbursed_on, text));
    /* A closed loan stays as it closed; the replay knows no write-off. */
    if (l.s.status != LEDGER_LOAN_ACTIVE && l.closed_on != LEDGER_NO_DATE && date >= l.closed_on)
        return ledger_loan_show(store, who, loan_id, out, err);
    if (l.s.status == LEDGER_LOAN_WRITTEN_OFF)
        return LD_FAIL(err, LD_ESTATE, "loan %lld is written off; it is shown as it is now",
                       (long long)l.id);
    ledger_paid *paid = NULL;
    size_t n = 0;
    if ((st = ledger_paid_load(store, l.id, &paid, &n, err)) != LD_OK)
        return st;
    size_t all = n;
    while (n > 0 && paid[n - 1].value_date > date)
        n--;
    ledger_loan then;
    ledger_inst *insts = NULL;
    size_t count = 0;
    ledger_day_sums sums;
    memset(&sums, 0, sizeof sums);
    ledger_allocation a;
    replay_marks marks;
    if ((st = load_marks(store, l.id, &marks, err)) == LD_OK &&
        (st = check_replays(&l, &t, paid, all, marks, "its past days cannot be shown", err)) ==
            LD_OK &&
        (st = replay(&l, &t, paid, n, NULL, 0, 0, date, &then, &insts, &count, &sums, &a, NULL,
                     &marks, err)) == LD_OK) {
        cJSON *rows = NULL;
        if ((st = ledger_repayments_json(store, l.id, &rows, err)) == LD_OK) {
            /* Only the payments of that day and before. */
            ld_date_format(date, text);
            for (int i = cJSON_GetArraySize(rows) - 1; i >= 0; i--) {
                const cJSON *d = cJSON_GetObjectItem(cJSON_GetArrayItem(rows, i), "date");
                if (!cJSON_IsString(d) || strcmp(d->valuestring, text) > 0)
                    cJSON_DeleteItemFromArray(rows, i);
            }
            /* The reason kept is that of today's reviewer's category. */
            if (then.s.manual != l.s.manual)
                snprintf(then.manual_reason, sizeof then.manual_reason, "%s",
                         "(see the loan's classifications in the audit trail)");
            *out = show_json(&then, insts, count, rows);
            core_json_put_date(*out, "as_of", date);
        }
    }
    free((void *)marks.at);
    free(paid);
    free(insts);
    return st;
}

/* Collects a loan's history between two days. */
typedef struct history_ctx {
    ld_date from, to;
    const ld_rate *provision_rate;
    cJSON *days;
    cJSON *last;   /* the row of the day last closed */
    ld_money paid; /* what was paid on that day */
} history_ctx;

static void history_day(void *ctx, const ledger_loan *l, const ledger_day_result *r)
{
    history_ctx *h = ctx;
    const ledger_loan_state *s = &l->s;
    h->last = NULL;
    if (s->accrued_through < h->from || s->accrued_through > h->to)
        return;
    cJSON *row = cJSON_CreateObject();
    core_json_put_date(row, "date", s->accrued_through);
    core_json_put_money(row, "interest_accrued", r->interest_accrued);
    core_json_put_money(row, "interest_fell_due", r->interest_fell_due);
    core_json_put_money(row, "accrued_released", r->accrued_released);
    core_json_put_money(row, "principal_fell_due", r->principal_fell_due);
    core_json_put_money(row, "fee_fell_due", r->fee_fell_due);
    core_json_put_money(row, "penalty", r->penalty);
    core_json_put_money(row, "compound", r->compound);
    core_json_put_money(row, "paid", 0);
    cJSON_AddArrayToObject(row, "payments");
    cJSON_AddItemToArray(h->days, row);
    h->paid = 0;
    h->last = row;
}

/* The balances, DPD, category and provision at the end of a row's day. */
static void history_close_row(const history_ctx *h, cJSON *row, const ledger_loan *l)
{
    const ledger_loan_state *s = &l->s;
    cJSON *b = cJSON_CreateObject();
    core_json_put_money(b, "principal", s->principal);
    core_json_put_money(b, "principal_overdue", s->principal_due);
    core_json_put_money(b, "interest_due", s->interest_due);
    core_json_put_money(b, "interest_accrued", s->accrued);
    core_json_put_money(b, "penalty", s->penalty);
    core_json_put_money(b, "compound", s->compound);
    core_json_put_money(b, "fees_due", s->fee_due);
    /* A payment after the day's close rewrites the row's end-of-day figures. */
    cJSON_DeleteItemFromObject(row, "balances");
    cJSON_AddItemToObject(row, "balances", b);
    cJSON_DeleteItemFromObject(row, "dpd");
    cJSON_DeleteItemFromObject(row, "category");
    cJSON_DeleteItemFromObject(row, "status");
    cJSON_DeleteItemFromObject(row, "provision");
    core_json_put_int(row, "dpd", s->dpd);
    cJSON_AddStringToObject(row, "category", ledger_category_name(s->category));
    cJSON_AddStringToObject(row, "status", ledger_loan_status_name(s->status));
    /* The loan's share of its category's provision; the books round the
     * category's total once (docs/design.md 4.8). */
    core_json_put_money(
        row, "provision",
        ld_round_div((__int128)s->principal * h->provision_rate[s->category], LD_RATE_ONE));
}

static void history_payment(void *ctx, const ledger_loan *l, const ledger_paid *p,
                            const ledger_allocation *a)
{
    history_ctx *h = ctx;
    if (h->last == NULL || p->value_date < h->from || p->value_date > h->to)
        return;
    cJSON *row = cJSON_CreateObject();
    core_json_put_int(row, "id", p->id);
    core_json_put_money(row, "amount", p->amount);
    core_json_put_money(row, "penalty", a->penalty);
    core_json_put_money(row, "compound", a->compound);
    core_json_put_money(row, "fee", a->fee);
    core_json_put_money(row, "interest", a->interest);
    core_json_put_money(row, "principal", a->principal);
    core_json_put_money(row, "accrued", a->accrued);
    core_json_put_money(row, "prepaid", a->prepaid);
    cJSON_AddItemToArray(cJSON_GetObjectItem(h->last, "payments"), row);
    h->paid += p->amount;
    cJSON_DeleteItemFromObject(h->last, "paid");
    core_json_put_money(h->last, "paid", h->paid);
    history_close_row(h, h->last, l);
}

static void history_classified(void *ctx, const ledger_loan *l)
{
    history_ctx *h = ctx;
    if (h->last != NULL)
        history_close_row(h, h->last, l);
}

static void history_day_closed(void *ctx, const ledger_loan *l, const ledger_day_result *r)
{
    history_ctx *h = ctx;
    history_day(ctx, l, r);
    if (h->last != NULL)
        history_close_row(h, h->last, l);
}

ld_status ledger_loan_history(core_store *store, const core_session *who, int64_t loan_id,
                              ld_date from, ld_date to, cJSON **out, ld_error *err)
{
    ledger_loan l;
    ledger_loan_terms t;
    const core_policy_terms *policy;
    ld_status st;
    char text[LD_DATE_TEXT_MAX];
    if ((st = load_readable(store, who, loan_id, &l, err)) != LD_OK ||
        (st = load_terms(store, &l, &t, err)) != LD_OK ||
        (st = core_policy_terms_get(store, &policy, err)) != LD_OK)
        return st;
    if (l.s.status == LEDGER_LOAN_WRITTEN_OFF)
        return LD_FAIL(err, LD_ESTATE, "loan %lld is written off: its history is in the log",
                       (long long)l.id);
    ld_date last = l.s.accrued_through;
    if (from == LEDGER_NO_DATE)
        from = l.disbursed_on;
    if (to == LEDGER_NO_DATE || to > last)
        to = last;
    if (from < l.disbursed_on)
        return LD_FAIL(err, LD_EINVAL, "from: before the loan was disbursed (%s)",
                       ld_date_format(l.disbursed_on, text));
    if (from > to)
        return LD_FAIL(err, LD_EINVAL, "from: after to (%s)", ld_date_format(to, text));
    ledger_paid *paid = NULL;
    size_t n = 0;
    if ((st = ledger_paid_load(store, l.id, &paid, &n, err)) != LD_OK)
        return st;
    history_ctx h = {.from = from,
                     .to = to,
                     .provision_rate = policy->provision_rate,
                     .days = cJSON_CreateArray()};
    day_hook hook = {.day = history_day_closed,
                     .payment = history_payment,
                     .classified = history_classified,
                     .ctx = &h};
    ledger_loan then;
    ledger_inst *insts = NULL;
    size_t count = 0;
    ledger_day_sums sums;
    memset(&sums, 0, sizeof sums);
    ledger_allocation a;
    replay_marks marks;
    if ((st = load_marks(store, l.id, &marks, err)) == LD_OK &&
        (st = check_replays(&l, &t, paid, n, marks, "its history cannot be recomputed", err)) ==
            LD_OK)
        st = replay(&l, &t, paid, n, NULL, 0, 0, to, &then, &insts, &count, &sums, &a, &hook,
                    &marks, err);
    free((void *)marks.at);
    free(paid);
    free(insts);
    if (st != LD_OK) {
        cJSON_Delete(h.days);
        return st;
    }
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "loan", l.id);
    cJSON_AddStringToObject(o, "contract_no", l.contract_no);
    core_json_put_date(o, "from", from);
    core_json_put_date(o, "to", to);
    cJSON_AddItemToObject(o, "days", h.days);
    *out = o;
    return LD_OK;
}
