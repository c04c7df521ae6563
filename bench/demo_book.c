/*
 * demo_book.c - demo_book: plays a loan book forward month by month through
 * the operations API, as its users would, so that the demo's portfolio,
 * vintage and migration sheets have real curves. The database must hold the
 * users named below and draft applications (bench_gen | loandesk import).
 *
 * Each month M of [--from, --to]: on the 10th the officer's performing
 * customers pay what falls due that day, a share of the drafts is submitted,
 * rated, approved (the reviewer within authority, else the manager) and
 * disbursed; at the month's end, unless --no-cob, the close of business runs
 * and, every third month, loans 180 days past due are classed 损失 by the
 * reviewer and written off by the manager. About three loans in a hundred stop
 * paying, from a month chosen by a hash of its id, so that arrears age into
 * every category. Deterministic: no clock is read but the wall clock of the
 * audit trail.
 *
 * usage: demo_book --db PATH --from YYYY-MM --to YYYY-MM [--per-month N] [--no-cob]
 *   users and passwords from the environment: DEMO_OFFICER, DEMO_OFFICER_PW,
 *   DEMO_REVIEWER, DEMO_REVIEWER_PW, DEMO_MANAGER, DEMO_MANAGER_PW; the
 *   institution key is the key file beside the database, as for every command;
 *   state between runs is read back from the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loandesk/api.h"
#include "loandesk/care.h"
#include "money.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"

#define DEFAULT_RATE 3 /* loans in a hundred that stop paying */

typedef struct users {
    ld_session *officer, *reviewer, *manager;
} users;

static const char *need(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        fprintf(stderr, "demo_book: %s is not set\n", name);
        exit(1);
    }
    return v;
}

static void fail(const char *what, const ld_error *err)
{
    fprintf(stderr, "demo_book: %s: %s\n", what, err->message);
    exit(1);
}

static int parse_month(const char *text, int *y, int *m)
{
    char *end = NULL;
    long year = strtol(text, &end, 10);
    if (end == NULL || *end != '-')
        return -1;
    long month = strtol(end + 1, &end, 10);
    if (*end != '\0' || month < 1 || month > 12 || year < 1900 || year > 2200)
        return -1;
    *y = (int)year;
    *m = (int)month;
    return 0;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* The API open on business date `date` with the three users' sessions. */
static ld_api *open_on(const char *db, const char *date, users *u,
                       char tokens[3][LD_SESSION_TOKEN_MAX])
{
    ld_clock clock = {.business_date = date};
    ld_api *api = NULL;
    ld_error err;
    if (ld_api_open(db, &clock, &api, &err) != LD_OK)
        fail("open", &err);
    ld_session **s[3] = {&u->officer, &u->reviewer, &u->manager};
    static const char *const names[3][2] = {{"DEMO_OFFICER", "DEMO_OFFICER_PW"},
                                            {"DEMO_REVIEWER", "DEMO_REVIEWER_PW"},
                                            {"DEMO_MANAGER", "DEMO_MANAGER_PW"}};
    for (int i = 0; i < 3; i++) {
        /* Log in once (PBKDF2 is slow), then resume by token. */
        if (tokens[i][0] == '\0') {
            if (ld_session_login(api, need(names[i][0]), need(names[i][1]), s[i], &err) != LD_OK ||
                ld_session_token_issue(*s[i], tokens[i], &err) != LD_OK)
                fail("login", &err);
        } else if (ld_session_resume(api, tokens[i], s[i], &err) != LD_OK) {
            fail("resume", &err);
        }
    }
    return api;
}

static void close_api(ld_api *api, users *u)
{
    ld_session_free(u->officer);
    ld_session_free(u->reviewer);
    ld_session_free(u->manager);
    ld_api_close(api);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    return x ^ (x >> 33);
}

/* Whether loan id still pays in its month k on book (from 1). */
static bool pays(int64_t id, int k)
{
    uint64_t h = mix((uint64_t)id);
    if (h % 100 >= DEFAULT_RATE)
        return true;
    return k < 2 + (int)(h / 100 % 10);
}

static int64_t json_int(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

static const char *json_str(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s != NULL ? s : "";
}

/* Months from disbursed (YYYY-MM-DD) to date, counting the month it falls in. */
static int month_on_book(const char *disbursed, int y, int m)
{
    int dy = 0, dm = 0;
    char head[8];
    snprintf(head, sizeof head, "%.7s", disbursed);
    if (parse_month(head, &dy, &dm) != 0)
        return 0;
    return (y - dy) * 12 + (m - dm);
}

/* The officer's customers pay what falls due on date, unless they stopped. */
static void repayments(users *u, const char *date, int y, int m, int *paid)
{
    ld_page page = {.limit = 500, .after = 0};
    ld_loan_filter filter = {.state = "active"};
    for (;;) {
        cJSON *list = NULL;
        ld_error err;
        if (ld_loan_list(u->officer, &filter, &page, &list, &err) != LD_OK)
            fail("loan list", &err);
        const cJSON *rows = cJSON_GetObjectItemCaseSensitive(list, "rows");
        int n = 0;
        const cJSON *row;
        cJSON_ArrayForEach(row, rows)
        {
            n++;
            int64_t id = json_int(row, "id");
            page.after = id;
            const char *disbursed = json_str(row, "disbursed_on");
            const char *next_due = json_str(row, "next_due");
            if (!pays(id, month_on_book(disbursed, y, m)) || next_due[0] == '\0' ||
                strcmp(next_due, date) > 0)
                continue;
            cJSON *loan = NULL;
            if (ld_loan_show(u->officer, id, &loan, &err) != LD_OK)
                fail("loan show", &err);
            /* What falls due today: the installment's unpaid parts and
             * whatever is overdue, with a yuan to spare (kept as prepaid). */
            int64_t due_fen = 100;
            const cJSON *inst;
            cJSON_ArrayForEach(inst, cJSON_GetObjectItemCaseSensitive(loan, "schedule"))
            {
                if (strcmp(json_str(inst, "due"), date) > 0)
                    break;
                static const char *const parts[][2] = {{"principal", "paid_principal"},
                                                       {"interest", "paid_interest"},
                                                       {"fee", "paid_fee"},
                                                       {"penalty", "paid_penalty"}};
                for (int p = 0; p < 4; p++) {
                    ld_money owed = 0, done = 0;
                    if (ld_money_parse("due", json_str(inst, parts[p][0]), &owed, NULL) == LD_OK &&
                        ld_money_parse("paid", json_str(inst, parts[p][1]), &done, NULL) == LD_OK &&
                        owed > done)
                        due_fen += owed - done;
                }
            }
            cJSON_Delete(loan);
            if (due_fen <= 100)
                continue;
            char amount[32];
            snprintf(amount, sizeof amount, "%lld.%02lld", (long long)(due_fen / 100),
                     (long long)(due_fen % 100));
            ld_repayment r = {.amount = amount, .date = date};
            cJSON *out = NULL;
            ld_status st = ld_loan_repay(u->officer, id, &r, &out, &err);
            /* The last installment, with the yuan to spare, is more than the
             * loan owes: the customer settles instead. */
            if (st == LD_EINVAL && strstr(err.message, "loan settle") != NULL)
                st = ld_loan_settle(u->officer, id, date, &out, &err);
            if (st != LD_OK)
                fail("repay", &err);
            cJSON_Delete(out);
            (*paid)++;
        }
        cJSON_Delete(list);
        if (n < page.limit)
            break;
    }
}

/* The papers the checklist of app's product requires (the customer's own on
 * the customer, the rest on the application), handed in as one scanned PDF
 * each and checked by the officer. False when app is not the officer's
 * draft to complete. */
static bool file_documents(users *u, int64_t app)
{
    static char scan[300];
    if (scan[0] == '\0') {
        const char *tmp = getenv("TMPDIR");
        snprintf(scan, sizeof scan, "%s/demo-book-scan-%ld.pdf", tmp != NULL ? tmp : "/tmp",
                 (long)getpid());
        FILE *f = fopen(scan, "wb");
        if (f == NULL || fputs("%PDF-1.4\n%scanned by the officer\n", f) < 0 || fclose(f) != 0)
            fail("writing the scan", NULL);
    }
    ld_error err;
    cJSON *list = NULL;
    if (ld_document_list(u->officer, "application", app, &list, &err) != LD_OK)
        return false;
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(list, "checklist"))
    {
        const char *type = json_str(item, "type");
        if (strcmp(json_str(item, "required"), "none") == 0 ||
            strcmp(json_str(item, "standing"), "ok") == 0)
            continue;
        bool on_borrower = strcmp(json_str(item, "belongs_to"), "borrower") == 0;
        ld_document_spec d = {.target = on_borrower ? "borrower" : "application",
                              .target_id = on_borrower ? json_int(list, "borrower_id") : app,
                              .type = type,
                              .path = scan};
        cJSON *out = NULL;
        if (ld_document_add(u->officer, &d, &out, &err) != LD_OK)
            fail("doc add", &err);
        int64_t id = json_int(out, "id");
        cJSON_Delete(out);
        out = NULL;
        if (ld_document_check(u->officer, id, true, true, true, NULL, &out, &err) != LD_OK)
            fail("doc check", &err);
        cJSON_Delete(out);
    }
    cJSON_Delete(list);
    return true;
}

/* Takes up to `count` drafts from *next on: submit, rate, approve, disburse. */
static void originate(users *u, const char *date, int64_t *next, int64_t last, int count, int *lent,
                      int *declined)
{
    for (; count > 0 && *next <= last; (*next)++) {
        int64_t app = *next;
        ld_error err;
        cJSON *out = NULL;
        if (!file_documents(u, app) || ld_application_submit(u->officer, app, &out, &err) != LD_OK)
            continue; /* not a draft (the walkthrough's, or taken) */
        cJSON_Delete(out);
        out = NULL;
        if (ld_application_rate(u->officer, app, &out, &err) != LD_OK)
            fail("rate", &err);
        cJSON_Delete(out);
        out = NULL;
        ld_approval terms = {.reason = "评级通过，额度期限按模型建议"};
        ld_status st = ld_application_approve(u->reviewer, app, &terms, &out, &err);
        if (st != LD_OK) {
            cJSON_Delete(out);
            out = NULL;
            st = ld_application_approve(u->manager, app, &terms, &out, &err);
        }
        cJSON_Delete(out);
        out = NULL;
        if (st != LD_OK) {
            if (ld_application_reject(u->manager, app, "评级未通过或超出审批权限", &out, &err) !=
                LD_OK)
                fail("reject", &err);
            cJSON_Delete(out);
            (*declined)++;
            continue;
        }
        if (ld_loan_disburse(u->manager, app, date, NULL, &out, &err) != LD_OK)
            fail("disburse", &err);
        cJSON_Delete(out);
        (*lent)++;
        count--;
    }
}

/* Loans 180 days past due are classed 损失 and written off. */
static void write_offs(users *u, int *written)
{
    ld_page page = {.limit = 500, .after = 0};
    ld_loan_filter filter = {.state = "active", .min_dpd = "180"};
    cJSON *list = NULL;
    ld_error err;
    if (ld_loan_list(u->manager, &filter, &page, &list, &err) != LD_OK)
        fail("loan list", &err);
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(list, "rows"))
    {
        int64_t id = json_int(row, "id");
        cJSON *out = NULL;
        if (strcmp(json_str(row, "category"), "loss") != 0 &&
            ld_loan_classify(u->reviewer, id, "loss", "逾期超过180天，抵押物处置后仍无法收回", &out,
                             &err) != LD_OK)
            fail("classify", &err);
        cJSON_Delete(out);
        out = NULL;
        if (ld_loan_write_off(u->manager, id, "经催收及诉讼，确认无法收回，按规定核销", &out,
                              &err) != LD_OK)
            fail("write off", &err);
        cJSON_Delete(out);
        (*written)++;
    }
    cJSON_Delete(list);
}

/* The highest application id, and the first still a draft. */
static void drafts(users *u, int64_t *first, int64_t *last)
{
    ld_page page = {.limit = 1000, .after = 0};
    ld_application_filter filter = {.state = "draft"};
    *first = 0;
    *last = 0;
    for (;;) {
        cJSON *list = NULL;
        ld_error err;
        if (ld_application_list(u->officer, &filter, &page, &list, &err) != LD_OK)
            fail("app list", &err);
        int n = 0;
        const cJSON *row;
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(list, "rows"))
        {
            int64_t id = json_int(row, "id");
            if (*first == 0 || id < *first)
                *first = id;
            if (id > *last)
                *last = id;
            page.after = id;
            n++;
        }
        cJSON_Delete(list);
        if (n < page.limit)
            break;
    }
}

int main(int argc, char **argv)
{
    const char *db = NULL, *from = NULL, *to = NULL;
    bool cob = true;
    int per_month = 100;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            from = argv[++i];
        else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            to = argv[++i];
        else if (strcmp(argv[i], "--per-month") == 0 && i + 1 < argc)
            per_month = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--no-cob") == 0)
            cob = false;
        else {
            fprintf(stderr, "usage: demo_book --db PATH --from YYYY-MM --to YYYY-MM [--per-month "
                            "N] [--no-cob]\n");
            return 1;
        }
    }
    int y, m, ty, tm;
    if (db == NULL || from == NULL || to == NULL || parse_month(from, &y, &m) != 0 ||
        parse_month(to, &ty, &tm) != 0) {
        fprintf(
            stderr,
            "usage: demo_book --db PATH --from YYYY-MM --to YYYY-MM [--per-month N] [--no-cob]\n");
        return 1;
    }
    char tokens[3][LD_SESSION_TOKEN_MAX] = {"", "", ""};
    users u;
    char date[16];
    snprintf(date, sizeof date, "%04d-%02d-10", y, m);
    ld_api *api = open_on(db, date, &u, tokens);
    int64_t next = 0, last = 0;
    drafts(&u, &next, &last);
    close_api(api, &u);
    int months = (ty - y) * 12 + (tm - m) + 1;
    for (int k = 0; k < months && months > 0; k++) {
        int paid = 0, lent = 0, declined = 0, written = 0;
        snprintf(date, sizeof date, "%04d-%02d-10", y, m);
        api = open_on(db, date, &u, tokens);
        repayments(&u, date, y, m, &paid);
        /* A few more each month, as the business grows. */
        originate(&u, date, &next, last, per_month + per_month * k / 24, &lent, &declined);
        close_api(api, &u);
        if (cob) {
            snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, days_in(y, m));
            api = open_on(db, date, &u, tokens);
            ld_cob_options o = {.date = date};
            cJSON *out = NULL;
            ld_error err;
            if (ld_cob_run(u.manager, &o, &out, &err) != LD_OK)
                fail("cob", &err);
            cJSON_Delete(out);
            if (m % 3 == 0)
                write_offs(&u, &written);
            close_api(api, &u);
        }
        printf("%04d-%02d: %d repayments, %d loans disbursed, %d declined, %d written off\n", y, m,
               paid, lent, declined, written);
        fflush(stdout);
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return 0;
}
