/*
 * test_workflow.c - the life of an application: every state against every
 * event of the table in core/workflow.h (refusals are LD_ESTATE naming the
 * current state), and the store's workflow commands on top of it: submission
 * needs an investigation, edits only in draft, four-eyes approval (neither the
 * creator nor the customer's officer decides), authority limits (a reviewer's
 * limit refused, a manager's higher one accepted), approvals beyond the rating
 * reserved to managers with a reason, reject and withdraw with reasons, the
 * audit rows of every transition and the events handed to the ledger sink.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"
#include "audit.h"
#include "borrower.h"
#include "check.h"
#include "doc_fixture.h"
#include "credit.h"
#include "store_sql.h"
#include "workflow.h"

/* fixture (test_core_fixture.c) */
typedef struct fx {
    core_store *store;
    core_session admin, off1, off2, rev1, rev2, mgr, aud;
} fx;
void fx_open(fx *f);
void fx_close(fx *f);
cJSON *fx_json(const char *text);
cJSON *fx_person(const char *first17);
void fx_begin(fx *f);
int64_t fx_add_borrower(fx *f, const core_session *officer, cJSON *record);
int64_t fx_add_app(fx *f, const core_session *officer, int64_t borrower_id, const char *amount,
                   const char *extra_json);
extern const char *const fx_investigation_json;
void fx_add_investigation(fx *f, const core_session *officer, int64_t app_id);
void fx_submit(fx *f, const core_session *officer, int64_t app_id);
void fx_rate(fx *f, const core_session *who, int64_t app_id, const char *decision);
long long fx_count(fx *f, const char *sql);
const char *fx_text(fx *f, const char *sql, char *out, size_t size);

#define EXPECT_ERR(call, err, code, fragment)                                                      \
    do {                                                                                           \
        CHECK_INT((call), (code));                                                                 \
        CHECK_CONTAINS((err).message, (fragment));                                                 \
    } while (0)

#define NO (-1)

/* The diagram of workflow.h, written out: next[state][event] or NO. Events:
 * edit, submit, rate, approve, reject, withdraw, disburse, return, refer. */
static const int expected_next[CORE_APP_STATE_COUNT][CORE_APP_EVENT_COUNT] = {
    [CORE_APP_DRAFT] = {CORE_APP_DRAFT, CORE_APP_SUBMITTED, NO, NO, NO, CORE_APP_WITHDRAWN, NO, NO,
                        NO},
    [CORE_APP_SUBMITTED] = {NO, NO, CORE_APP_RATED, NO, CORE_APP_REJECTED, CORE_APP_WITHDRAWN, NO,
                            CORE_APP_DRAFT, NO},
    [CORE_APP_RATED] = {NO, NO, CORE_APP_RATED, CORE_APP_APPROVED, CORE_APP_REJECTED,
                        CORE_APP_WITHDRAWN, NO, CORE_APP_DRAFT, CORE_APP_RATED},
    [CORE_APP_APPROVED] = {NO, NO, NO, NO, NO, NO, CORE_APP_DISBURSED, NO, NO},
    [CORE_APP_REJECTED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [CORE_APP_WITHDRAWN] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [CORE_APP_DISBURSED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
};

static const char *const state_names[CORE_APP_STATE_COUNT] = {
    "draft", "submitted", "rated", "approved", "rejected", "withdrawn", "disbursed"};
static const char *const event_names[CORE_APP_EVENT_COUNT] = {
    "edit", "submit", "rate", "approve", "reject", "withdraw", "disburse", "return", "refer"};

static void workflow_every_state_against_every_event(void)
{
    int allowed = 0;
    for (int s = 0; s < CORE_APP_STATE_COUNT; s++) {
        CHECK_STR(core_app_state_name((core_app_state)s), state_names[s]);
        for (int e = 0; e < CORE_APP_EVENT_COUNT; e++) {
            CHECK_STR(core_app_event_name((core_app_event)e), event_names[e]);
            core_app_state next = (core_app_state)99;
            ld_error err;
            ld_error_clear(&err);
            ld_status st = core_workflow_next((core_app_state)s, (core_app_event)e, 7, &next, &err);
            if (expected_next[s][e] == NO) {
                char message[128];
                snprintf(message, sizeof message, "cannot %s application 7: it is %s",
                         event_names[e], state_names[s]);
                CHECK_INT(st, LD_ESTATE);
                CHECK_STR(err.message, message);
                CHECK_INT(next, 99); /* untouched */
            } else {
                allowed++;
                CHECK_INT(st, LD_OK);
                CHECK_INT(next, expected_next[s][e]);
            }
            if ((st == LD_OK) != (expected_next[s][e] != NO))
                fprintf(stderr, "  %s in %s\n", event_names[e], state_names[s]);
        }
    }
    CHECK_INT(allowed, 14);
}

static void workflow_state_names_parse_back(void)
{
    for (int s = 0; s < CORE_APP_STATE_COUNT; s++) {
        core_app_state parsed = (core_app_state)99;
        ld_error err;
        CHECK_INT(core_app_state_parse(state_names[s], &parsed, &err), LD_OK);
        CHECK_INT(parsed, s);
    }
    static const char *const bad[] = {"Draft", "approved ", "", "pending", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        core_app_state parsed = (core_app_state)99;
        ld_error err;
        EXPECT_ERR(core_app_state_parse(bad[i], &parsed, &err), err, LD_EINVAL, "state: ");
        CHECK_INT(parsed, 99);
    }
}

/* A draft PCL application of off1's customer. */
static int64_t draft(fx *f, const char *amount, const char *extra)
{
    static int serial = 0;
    char first17[18];
    snprintf(first17, sizeof first17, "110105198801%02d%03d", 1 + serial % 28, serial);
    serial++;
    int64_t borrower = fx_add_borrower(f, &f->off1, fx_person(first17));
    return fx_add_app(f, &f->off1, borrower, amount, extra);
}

static const char *state_of(fx *f, int64_t app, char out[32])
{
    char sql[80];
    snprintf(sql, sizeof sql, "SELECT state FROM application WHERE id = %lld", (long long)app);
    return fx_text(f, sql, out, 32);
}

static void app_submit_needs_an_investigation(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char state[32], expected[96];
    int64_t app = draft(&f, NULL, NULL);
    fx_begin(&f);
    EXPECT_ERR(core_application_submit(f.store, &f.off1, app, &err), err, LD_ESTATE,
               "no pre-loan investigation");
    core_store_rollback(f.store);
    CHECK_STR(state_of(&f, app, state), "draft");
    fx_begin(&f);
    EXPECT_ERR(core_application_submit(f.store, &f.off2, app, &err), err, LD_EPERM,
               "another officer");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_application_submit(f.store, &f.rev1, app, &err), err, LD_EPERM,
               "submit applications");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_application_submit(f.store, &f.off1, 4040, &err), err, LD_ENOTFOUND, "4040");
    core_store_rollback(f.store);
    fx_add_investigation(&f, &f.off1, app);
    fx_submit(&f, &f.off1, app);
    CHECK_STR(state_of(&f, app, state), "submitted");
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM application WHERE submitted_at IS NOT NULL"), 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'app.submit' AND "
                           "json_extract(detail, '$.state.before') = 'draft' AND "
                           "json_extract(detail, '$.state.after') = 'submitted'"),
              1);
    snprintf(expected, sizeof expected, "cannot submit application %lld: it is submitted",
             (long long)app);
    fx_begin(&f);
    EXPECT_ERR(core_application_submit(f.store, &f.off1, app, &err), err, LD_ESTATE, expected);
    core_store_rollback(f.store);
    fx_close(&f);
}

static void app_edits_are_allowed_only_in_draft(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t app = draft(&f, NULL, NULL);
    fx_add_investigation(&f, &f.off1, app);
    fx_submit(&f, &f.off1, app);
    char expected[96];
    snprintf(expected, sizeof expected, "cannot edit application %lld: it is submitted",
             (long long)app);
    cJSON *change = fx_json("{\"amount\": \"90000.00\"}");
    cJSON *guarantor = fx_json("{\"kind\": \"person\"}");
    cJSON *collateral = fx_json("{\"type\": \"vehicle\"}");
    cJSON *inv = fx_json(fx_investigation_json);
    int64_t id;
    long long audits = fx_count(&f, "SELECT count(*) FROM audit_event");
    fx_begin(&f);
    EXPECT_ERR(core_application_update(f.store, &f.off1, app, change, &err), err, LD_ESTATE,
               expected);
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_guarantor_add(f.store, &f.off1, app, guarantor, &id, &err), err, LD_ESTATE,
               expected);
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_collateral_add(f.store, &f.off1, app, collateral, &id, &err), err, LD_ESTATE,
               expected);
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_investigation_add(f.store, &f.off1, app, inv, &id, &err), err, LD_ESTATE,
               expected);
    core_store_rollback(f.store);
    /* Someone who may not see the file learns nothing about its state. */
    fx_begin(&f);
    EXPECT_ERR(core_application_update(f.store, &f.off2, app, change, &err), err, LD_EPERM,
               "permission denied");
    core_store_rollback(f.store);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event"), audits);
    CHECK_INT(fx_count(&f, "SELECT amount FROM application"), 10000000);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM investigation"), 1);
    cJSON_Delete(change);
    cJSON_Delete(guarantor);
    cJSON_Delete(collateral);
    cJSON_Delete(inv);
    fx_close(&f);
}

static void app_update_in_draft_records_before_and_after(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t app = draft(&f, NULL, NULL);
    cJSON *change = fx_json("{\"amount\": \"120000.00\", \"purpose\": \"car\"}");
    fx_begin(&f);
    CHECK_INT(core_application_update(f.store, &f.off1, app, change, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    cJSON_Delete(change);
    char detail[1000];
    fx_text(&f, "SELECT detail FROM audit_event WHERE action = 'app.update'", detail,
            sizeof detail);
    cJSON *d = fx_json(detail[0] ? detail : "{}");
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(d, "amount");
    CHECK(amount != NULL);
    if (amount != NULL) {
        CHECK_STR(cJSON_GetObjectItemCaseSensitive(amount, "before")->valuestring, "100000.00");
        CHECK_STR(cJSON_GetObjectItemCaseSensitive(amount, "after")->valuestring, "120000.00");
    }
    const cJSON *purpose = cJSON_GetObjectItemCaseSensitive(d, "purpose");
    CHECK(purpose != NULL);
    if (purpose != NULL)
        CHECK_STR(cJSON_GetObjectItemCaseSensitive(purpose, "after")->valuestring, "car");
    CHECK(cJSON_GetObjectItemCaseSensitive(d, "term_months") == NULL);
    cJSON_Delete(d);
    CHECK_INT(fx_count(&f, "SELECT amount FROM application"), 12000000);
    static const struct {
        const char *change, *fragment;
    } bad[] = {
        {"{\"state\": \"approved\"}", "state: is not a known field"},
        {"{\"borrower_id\": 2}", "borrower_id: is not a known field"},
        {"{\"amount\": 120000}", "amount: money must be"},
        {"{\"amount\": \"600000.00\"}", "amount: product PCL lends"},
        {"{\"method\": \"bullet\"}", "method: product PCL does not offer bullet"},
        {"{\"product\": \"SWC\"}", "product: product SWC is for enterprise"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *c = fx_json(bad[i].change);
        fx_begin(&f);
        EXPECT_ERR(core_application_update(f.store, &f.off1, app, c, &err), err, LD_EINVAL,
                   bad[i].fragment);
        core_store_rollback(f.store);
        cJSON_Delete(c);
    }
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'app.update'"), 1);
    fx_close(&f);
}

/* A rated application (recommending what was applied for), ready to decide. */
static int64_t rated(fx *f, const char *amount, const char *extra, const char *decision)
{
    int64_t app = draft(f, amount, extra);
    fx_add_investigation(f, &f->off1, app);
    fx_submit(f, &f->off1, app);
    fx_rate(f, &f->rev1, app, decision);
    return app;
}

static ld_status approve(fx *f, const core_session *who, int64_t app, ld_money amount,
                         const char *reason, ld_error *err)
{
    core_approval_terms terms = {.amount = amount, .rate = -1};
    fx_begin(f);
    ld_status st = core_application_approve(f->store, who, app, &terms, reason, err);
    if (st == LD_OK) {
        ld_error commit_err;
        if (core_store_commit(f->store, &commit_err) != LD_OK)
            return commit_err.code;
    } else {
        core_store_rollback(f->store);
    }
    return st;
}

static void app_approval_is_four_eyes(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char state[32];
    int64_t app = rated(&f, NULL, NULL, "approve");
    CHECK_STR(state_of(&f, app, state), "rated");
    EXPECT_ERR(approve(&f, &f.off1, app, 0, NULL, &err), err, LD_EPERM, "decide applications");
    EXPECT_ERR(approve(&f, &f.aud, app, 0, NULL, &err), err, LD_EPERM, "decide applications");
    EXPECT_ERR(approve(&f, &f.admin, app, 0, NULL, &err), err, LD_EPERM, "decide applications");
    /* The creator, later a manager, still may not decide on their own work. */
    core_session creator = f.off1;
    creator.role = CORE_ROLE_MANAGER;
    creator.authority_limit = f.mgr.authority_limit;
    EXPECT_ERR(approve(&f, &creator, app, 0, NULL, &err), err, LD_EPERM, "you created application");
    /* Nor the officer the customer is now assigned to, acting as reviewer. */
    core_application a;
    CHECK_INT(core_application_get(f.store, app, &a, &err), LD_OK);
    fx_begin(&f);
    CHECK_INT(core_borrower_assign(f.store, &f.mgr, a.borrower_id, "off2", &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    core_session owner = f.off2;
    owner.role = CORE_ROLE_REVIEWER;
    owner.authority_limit = f.rev1.authority_limit;
    EXPECT_ERR(approve(&f, &owner, app, 0, NULL, &err), err, LD_EPERM, "is assigned to you");
    CHECK_STR(state_of(&f, app, state), "rated");
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'app.approve'"), 0);
    /* Another reviewer within the limit may. */
    CHECK_INT(approve(&f, &f.rev1, app, 0, NULL, &err), LD_OK);
    CHECK_STR(state_of(&f, app, state), "approved");
    CHECK_INT(core_application_get(f.store, app, &a, &err), LD_OK);
    CHECK_INT(a.approved_amount, 10000000);
    CHECK_INT(a.approved_term_months, 24);
    CHECK_INT(a.approved_rate, 50000);
    CHECK_INT(a.fee_method, CORE_FEE_NONE);
    CHECK_INT(fx_count(&f, "SELECT decided_by FROM application"), f.rev1.user_id);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'app.approve' AND "
                           "json_extract(detail, '$.state.before') = 'rated' AND "
                           "json_extract(detail, '$.state.after') = 'approved' AND "
                           "json_extract(detail, '$.approved.amount') = '100000.00'"),
              1);
    char expected[96];
    snprintf(expected, sizeof expected, "cannot approve application %lld: it is approved",
             (long long)app);
    EXPECT_ERR(approve(&f, &f.mgr, app, 0, NULL, &err), err, LD_ESTATE, expected);
    fx_close(&f);
}

static void app_amount_above_authority_needs_a_higher_approver(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char state[32];
    /* rev2's limit is 50,000.00; rev1's 1,000,000.00; the manager's 10,000,000.00. */
    int64_t small = rated(&f, "100000.00", NULL, "approve");
    EXPECT_ERR(approve(&f, &f.rev2, small, 0, NULL, &err), err, LD_EPERM,
               "exceeds your authority limit of 50,000.00");
    CHECK_STR(state_of(&f, small, state), "rated");
    /* Within it when the approved amount is cut to the limit. */
    CHECK_INT(approve(&f, &f.rev2, small, 5000000, NULL, &err), LD_OK);
    CHECK_STR(state_of(&f, small, state), "approved");

    int64_t large = rated(&f, "1500000.00", "{\"product\": \"PBL\"}", "approve");
    EXPECT_ERR(approve(&f, &f.rev1, large, 0, NULL, &err), err, LD_EPERM, "authority limit");
    CHECK_STR(state_of(&f, large, state), "rated");
    CHECK_INT(approve(&f, &f.mgr, large, 0, NULL, &err), LD_OK);
    CHECK_STR(state_of(&f, large, state), "approved");
    fx_close(&f);
}

static void app_approval_beyond_the_rating_takes_a_manager_and_a_reason(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char state[32];
    int64_t app = rated(&f, NULL, NULL, "approve"); /* recommends 100,000.00 */
    EXPECT_ERR(approve(&f, &f.rev1, app, 15000000, "good customer", &err), err, LD_EPERM,
               "above the rating's recommendation");
    EXPECT_ERR(approve(&f, &f.mgr, app, 15000000, NULL, &err), err, LD_EINVAL, "reason: ");
    EXPECT_ERR(approve(&f, &f.mgr, app, 50000001, "too much", &err), err, LD_EINVAL, "amount: ");
    CHECK_STR(state_of(&f, app, state), "rated");
    CHECK_INT(approve(&f, &f.mgr, app, 15000000, "long relationship, salary account", &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT approved_amount FROM application"), 15000000);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'app.approve' AND "
                           "json_extract(detail, '$.beyond_rating') IS NOT NULL"),
              1);

    int64_t referred = rated(&f, NULL, NULL, "refer");
    EXPECT_ERR(approve(&f, &f.rev1, referred, 0, NULL, &err), err, LD_EPERM, "referred");
    /* Terms outside the product or the legal ceiling are invalid for anyone. */
    core_approval_terms terms = {.rate = 120001};
    fx_begin(&f);
    EXPECT_ERR(core_application_approve(f.store, &f.mgr, referred, &terms, "x", &err), err,
               LD_EINVAL, "rate: ");
    core_store_rollback(f.store);
    core_approval_terms long_term = {.term_months = 61, .rate = -1};
    fx_begin(&f);
    EXPECT_ERR(core_application_approve(f.store, &f.mgr, referred, &long_term, "x", &err), err,
               LD_EINVAL, "term");
    core_store_rollback(f.store);
    CHECK_STR(state_of(&f, referred, state), "rated");
    fx_close(&f);
}

static void app_decisions_need_a_rated_or_submitted_application(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char expected[96], state[32];
    int64_t app = draft(&f, NULL, NULL);
    snprintf(expected, sizeof expected, "cannot reject application %lld: it is draft",
             (long long)app);
    fx_begin(&f);
    EXPECT_ERR(core_application_reject(f.store, &f.rev1, app, "no", &err), err, LD_ESTATE,
               expected);
    core_store_rollback(f.store);
    fx_add_investigation(&f, &f.off1, app);
    fx_submit(&f, &f.off1, app);
    /* Approval needs a rating first. */
    snprintf(expected, sizeof expected, "cannot approve application %lld: it is submitted",
             (long long)app);
    EXPECT_ERR(approve(&f, &f.rev1, app, 0, NULL, &err), err, LD_ESTATE, expected);
    fx_begin(&f);
    EXPECT_ERR(core_application_reject(f.store, &f.rev1, app, NULL, &err), err, LD_EINVAL,
               "reason: ");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_application_reject(f.store, &f.rev1, app, "", &err), err, LD_EINVAL,
               "reason: ");
    core_store_rollback(f.store);
    fx_begin(&f);
    CHECK_INT(core_application_reject(f.store, &f.rev1, app, "income not verified", &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_STR(state_of(&f, app, state), "rejected");
    char reason[64];
    CHECK_STR(fx_text(&f, "SELECT decision_reason FROM application", reason, sizeof reason),
              "income not verified");
    snprintf(expected, sizeof expected, "cannot withdraw application %lld: it is rejected",
             (long long)app);
    fx_begin(&f);
    EXPECT_ERR(core_application_withdraw(f.store, &f.off1, app, "changed mind", &err), err,
               LD_ESTATE, expected);
    core_store_rollback(f.store);
    fx_close(&f);
}

static void app_withdrawal_is_the_officers_with_a_reason(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char state[32];
    int64_t in_draft = draft(&f, NULL, NULL);
    int64_t in_rated = rated(&f, NULL, NULL, "approve");
    fx_begin(&f);
    EXPECT_ERR(core_application_withdraw(f.store, &f.off1, in_draft, NULL, &err), err, LD_EINVAL,
               "reason: ");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_application_withdraw(f.store, &f.rev1, in_rated, "x", &err), err, LD_EPERM,
               "submit applications");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_application_withdraw(f.store, &f.off2, in_draft, "x", &err), err, LD_EPERM,
               "another officer");
    core_store_rollback(f.store);
    const int64_t apps[] = {in_draft, in_rated};
    for (int i = 0; i < 2; i++) {
        fx_begin(&f);
        CHECK_INT(core_application_withdraw(f.store, &f.off1, apps[i], "customer declined", &err),
                  LD_OK);
        CHECK_INT(core_store_commit(f.store, &err), LD_OK);
        CHECK_STR(state_of(&f, apps[i], state), "withdrawn");
    }
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'app.withdraw' AND "
                           "json_extract(detail, '$.reason') = 'customer declined'"),
              2);
    /* Withdrawn files drop out of the reviewers' view again. */
    cJSON *list = NULL;
    CHECK_INT(core_application_list(f.store, &f.rev1, NULL, &list, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(list), 0);
    cJSON_Delete(list);
    fx_close(&f);
}

static void app_lists_show_each_role_its_own_view(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t d = draft(&f, NULL, NULL);
    int64_t s = draft(&f, NULL, NULL);
    fx_add_investigation(&f, &f.off1, s);
    fx_submit(&f, &f.off1, s);
    const struct {
        const core_session *who;
        ld_status status;
        int count;
    } cases[] = {{&f.off1, LD_OK, 2}, {&f.off2, LD_OK, 0}, {&f.rev1, LD_OK, 1},
                 {&f.mgr, LD_OK, 2},  {&f.aud, LD_OK, 2},  {&f.admin, LD_EPERM, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *list = NULL;
        CHECK_INT(core_application_list(f.store, cases[i].who, NULL, &list, &err), cases[i].status);
        CHECK_INT(list ? cJSON_GetArraySize(list) : 0, cases[i].count);
        cJSON_Delete(list);
    }
    core_application_filter drafts = {.state = "draft"};
    cJSON *list = NULL;
    CHECK_INT(core_application_list(f.store, &f.mgr, &drafts, &list, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(list), 1);
    CHECK_INT(
        (int64_t)cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "id")->valuedouble,
        d);
    cJSON_Delete(list);
    cJSON *shown = NULL;
    CHECK_INT(core_application_show(f.store, &f.rev1, s, &shown, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(shown, "state")->valuestring, "submitted");
    cJSON_Delete(shown);
    EXPECT_ERR(core_application_show(f.store, &f.mgr, 5151, &shown, &err), err, LD_ENOTFOUND,
               "5151");
    fx_close(&f);
}

/* app show refuses a reviewer a draft (application_store.c); the parts of that
 * draft must be just as hidden, even when the customer has another
 * application under review that makes the customer visible. */
static void app_reviewers_cannot_read_the_parts_of_a_draft(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t submitted = draft(&f, NULL, NULL);
    fx_add_investigation(&f, &f.off1, submitted);
    fx_submit(&f, &f.off1, submitted);
    core_application a;
    CHECK_INT(core_application_get(f.store, submitted, &a, &err), LD_OK);
    int64_t in_draft = fx_add_app(&f, &f.off1, a.borrower_id, "20000.00", NULL);
    cJSON *out = NULL;
    EXPECT_ERR(core_application_show(f.store, &f.rev1, in_draft, &out, &err), err, LD_EPERM,
               "submitted");
    CHECK_INT(core_guarantor_list(f.store, &f.rev1, in_draft, &out, &err), LD_EPERM);
    cJSON_Delete(out);
    out = NULL;
    CHECK_INT(core_collateral_list(f.store, &f.rev1, in_draft, &out, &err), LD_EPERM);
    cJSON_Delete(out);
    out = NULL;
    /* The submitted one and its parts are the reviewer's to read. */
    CHECK_INT(core_guarantor_list(f.store, &f.rev1, submitted, &out, &err), LD_OK);
    cJSON_Delete(out);
    fx_close(&f);
}

/* Collects event types; fails when told to. */
typedef struct sink_log {
    char types[8][40];
    int count;
    long long last_approved_amount;
    bool fail;
} sink_log;

static ld_status sink(void *context, const char *type, const cJSON *fields, ld_error *err)
{
    sink_log *log = context;
    if (log->fail)
        return LD_FAIL(err, LD_EINTERNAL, "ledger unavailable");
    if (log->count < 8)
        snprintf(log->types[log->count++], sizeof log->types[0], "%s", type);
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(fields, "approved_amount");
    if (cJSON_IsNumber(amount))
        log->last_approved_amount = (long long)amount->valuedouble;
    return LD_OK;
}

static void workflow_decisions_reach_the_ledger_sink_in_the_same_transaction(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char state[32];
    sink_log log;
    memset(&log, 0, sizeof log);
    int64_t app = draft(&f, NULL, NULL);
    fx_add_investigation(&f, &f.off1, app);
    dfx_complete(f.store, &f.off1, app);
    core_store_set_event_sink(f.store, sink, &log);
    CHECK(core_store_has_event_sink(f.store));
    /* A failing sink fails the command, which then leaves nothing. */
    log.fail = true;
    fx_begin(&f);
    EXPECT_ERR(core_application_submit(f.store, &f.off1, app, &err), err, LD_EINTERNAL,
               "ledger unavailable");
    core_store_rollback(f.store);
    CHECK_STR(state_of(&f, app, state), "draft");
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'app.submit'"), 0);
    log.fail = false;
    fx_submit(&f, &f.off1, app);
    fx_rate(&f, &f.rev1, app, "approve");
    CHECK_INT(approve(&f, &f.rev1, app, 9000000, NULL, &err), LD_OK);
    /* Disbursing is the ledger's step: not the creator's, and only once. */
    fx_begin(&f);
    EXPECT_ERR(core_application_disburse(f.store, &f.off1, app, NULL, &err), err, LD_EPERM,
               "operate the ledger");
    EXPECT_ERR(core_application_disburse(f.store, &f.rev1, app, NULL, &err), err, LD_EPERM,
               "operate the ledger");
    CHECK_INT(core_application_disburse(f.store, &f.mgr, app, NULL, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_STR(state_of(&f, app, state), "disbursed");
    CHECK_INT(log.count, 4);
    CHECK_STR(log.types[0], "application.submit");
    CHECK_STR(log.types[1], "application.rate");
    CHECK_STR(log.types[2], "application.approve");
    CHECK_STR(log.types[3], "application.disburse");
    CHECK_INT(log.last_approved_amount, 9000000);
    fx_begin(&f);
    EXPECT_ERR(core_application_disburse(f.store, &f.mgr, app, NULL, &err), err, LD_ESTATE,
               "it is disbursed");
    EXPECT_ERR(core_application_withdraw(f.store, &f.off1, app, "changed mind", &err), err,
               LD_ESTATE, "it is disbursed");
    core_store_rollback(f.store);
    /* Every transition left its audit row with before and after. */
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE entity = 'application' AND "
                           "json_extract(detail, '$.state.after') IS NOT NULL"),
              4);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"workflow_every_state_against_every_event", workflow_every_state_against_every_event},
        {"workflow_state_names_parse_back", workflow_state_names_parse_back},
        {"app_submit_needs_an_investigation", app_submit_needs_an_investigation},
        {"app_edits_are_allowed_only_in_draft", app_edits_are_allowed_only_in_draft},
        {"app_update_in_draft_records_before_and_after",
         app_update_in_draft_records_before_and_after},
        {"app_approval_is_four_eyes", app_approval_is_four_eyes},
        {"app_amount_above_authority_needs_a_higher_approver",
         app_amount_above_authority_needs_a_higher_approver},
        {"app_approval_beyond_the_rating_takes_a_manager_and_a_reason",
         app_approval_beyond_the_rating_takes_a_manager_and_a_reason},
        {"app_decisions_need_a_rated_or_submitted_application",
         app_decisions_need_a_rated_or_submitted_application},
        {"app_withdrawal_is_the_officers_with_a_reason",
         app_withdrawal_is_the_officers_with_a_reason},
        {"app_lists_show_each_role_its_own_view", app_lists_show_each_role_its_own_view},
        {"app_reviewers_cannot_read_the_parts_of_a_draft",
         app_reviewers_cannot_read_the_parts_of_a_draft},
        {"workflow_decisions_reach_the_ledger_sink_in_the_same_transaction",
         workflow_decisions_reach_the_ledger_sink_in_the_same_transaction},
    };
    return CHECK_RUN(argc, argv, cases);
}
