/*
 * test_list_plans.c - the lists and searches the web UI pages through read
 * their rows from indexes, checked on the query plans SQLite makes for them.
 *
 * Each list call (applications, borrowers, loans; each filter the screens
 * offer; each role's scope) runs on a small book while a trace notes every
 * statement it steps; each statement is then explained (EXPLAIN QUERY PLAN,
 * with the values it was bound to) and its plan must hold:
 *   - the index the filter stands on (application_by_state for a state, the
 *     name postings for a name search, ...), for the page's keys and for the
 *     total alike, so a filter never reads the whole table;
 *   - no sort of the matches for a page ("USE TEMP B-TREE FOR ORDER BY")
 *     unless the call narrows to few rows by an index first;
 *   - a full walk of a big table ("SCAN a" with no index) only where the
 *     plan is the page walk in id order that stops after a page.
 * The plans of a 1,000,000-application book are those of this book: no
 * ANALYZE statistics are kept, so SQLite plans from the schema alone.
 * LOANDESK_PLANS=1 test_list_plans prints every plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"
#include "borrower.h"
#include "check.h"
#include "loan.h"
#include "loan_int.h"
#include "store_sql.h"

/* fixture (test_core_fixture.c) */
typedef struct fx {
    core_store *store;
    core_session admin, off1, off2, rev1, rev2, mgr, aud;
} fx;
void fx_open(fx *f);
void fx_close(fx *f);
cJSON *fx_person(const char *first17);
const char *fx_resident_id(char out[19], const char *first17);
int64_t fx_add_borrower(fx *f, const core_session *officer, cJSON *record);
int64_t fx_add_app(fx *f, const core_session *officer, int64_t borrower_id, const char *amount,
                   const char *extra_json);

static bool verbose;

#define TRACED_MAX 16

/* The statements one list call stepped, with their values bound. */
typedef struct traced {
    char *sql[TRACED_MAX];
    int count;
} traced;

static int on_statement(unsigned type, void *context, void *p, void *x)
{
    (void)x;
    traced *t = context;
    if (type != SQLITE_TRACE_STMT || t->count >= TRACED_MAX)
        return 0;
    char *sql = sqlite3_expanded_sql((sqlite3_stmt *)p);
    /* Only the list's own reads: not the transaction's or the clock's. */
    if (sql != NULL && strncmp(sql, "SELECT", 6) == 0 && strstr(sql, "LIMIT") != NULL)
        t->sql[t->count++] = sql;
    else if (sql != NULL && strncmp(sql, "SELECT count(*)", 15) == 0)
        t->sql[t->count++] = sql;
    else
        sqlite3_free(sql);
    return 0;
}

/* The plan of sql, one detail per line, into out. */
static void plan_of(sqlite3 *db, const char *sql, char *out, size_t size)
{
    out[0] = '\0';
    char *explain = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, explain, -1, &stmt, NULL) != SQLITE_OK) {
        snprintf(out, size, "(cannot explain: %s)", sqlite3_errmsg(db));
        sqlite3_free(explain);
        return;
    }
    size_t used = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW && used < size) {
        int n =
            snprintf(out + used, size - used, "%s\n", (const char *)sqlite3_column_text(stmt, 3));
        used += n > 0 ? (size_t)n : 0;
    }
    sqlite3_finalize(stmt);
    sqlite3_free(explain);
}

/* What a call's plans must show. */
typedef struct expect {
    const char *index;      /* in every statement's plan: the index it reads through, or
                             * the plan line (NULL: none asked) */
    bool page_walk_allowed; /* the rows query may walk the table in id order */
} expect;

/* Holds when the statement reads through the index asked for, and its key
 * part (the whole statement for a total; for a page, the subquery k that
 * picks the page's ids, before "SCAN k") neither reads a table outright nor
 * sorts the matches, but the page walk in id order where allowed (SCAN of
 * the table in rowid order, stopping after a page) and, after a filter's
 * index narrowed the rows to few, the sort of their ids. The display part
 * joins and sorts the page's own rows only (at most a page). */
static bool plan_ok(const char *sql, const char *plan, const expect *e, char *why, size_t size)
{
    bool rows = strstr(sql, "LIMIT") != NULL;
    if (e->index != NULL && strstr(plan, e->index) == NULL) {
        snprintf(why, size, "does not use %s", e->index);
        return false;
    }
    const char *outer = rows ? strstr(plan, "\nSCAN k\n") : NULL;
    size_t key_len = outer != NULL ? (size_t)(outer - plan) + 1 : strlen(plan);
    for (const char *line = plan; line < plan + key_len;) {
        size_t n = strcspn(line, "\n");
        char one[256];
        snprintf(one, sizeof one, "%.*s", (int)n, line);
        bool scan = strncmp(one, "SCAN ", 5) == 0 && strstr(one, "INDEX") == NULL &&
                    strstr(one, "CONSTANT ROW") == NULL;
        if (scan && !(rows && e->page_walk_allowed)) {
            snprintf(why, size, "reads a table whole: %s", one);
            return false;
        }
        if (strstr(one, "USE TEMP B-TREE FOR ORDER BY") != NULL && e->index == NULL) {
            snprintf(why, size, "sorts the matches");
            return false;
        }
        line += n + (line[n] != '\0');
    }
    return true;
}

static void check_call(fx *f, const char *name, const expect *e, traced *t)
{
    sqlite3 *db = core_store_db(f->store);
    CHECK(t->count >= 2); /* the keys of the page and the total */
    for (int i = 0; i < t->count; i++) {
        char plan[4096], why[256];
        plan_of(db, t->sql[i], plan, sizeof plan);
        bool ok = plan_ok(t->sql[i], plan, e, why, sizeof why);
        if (verbose || !ok)
            fprintf(stderr, "%s %s [%d]: %s\n%s%s\n", ok ? "  " : "BAD", name, i, ok ? "" : why,
                    plan, verbose || !ok ? t->sql[i] : "");
        CHECK(ok);
        sqlite3_free(t->sql[i]);
    }
    t->count = 0;
}

#define LIST_CASE(fx_, name_, expect_, call_)                                                      \
    do {                                                                                           \
        traced t_ = {0};                                                                           \
        sqlite3_trace_v2(core_store_db((fx_)->store), SQLITE_TRACE_STMT, on_statement, &t_);       \
        core_page_result r_;                                                                       \
        ld_error e_;                                                                               \
        core_page page_ = {.limit = 20};                                                           \
        CHECK_INT((call_), LD_OK);                                                                 \
        sqlite3_trace_v2(core_store_db((fx_)->store), 0, NULL, NULL);                              \
        core_page_result_free(&r_);                                                                \
        check_call((fx_), (name_), &(expect_), &t_);                                               \
    } while (0)

/* A few borrowers and applications, so that every filter has a value to
 * match; the plans do not depend on how many. */
static void small_book(fx *f)
{
    for (int i = 0; i < 6; i++) {
        char first17[18];
        snprintf(first17, sizeof first17, "11010519900501%03d", 100 + i);
        const core_session *officer = i % 2 ? &f->off2 : &f->off1;
        int64_t b = fx_add_borrower(f, officer, fx_person(first17));
        fx_add_app(f, officer, b, "100000.00", NULL);
    }
}

static void test_application_lists_read_through_their_indexes(void)
{
    fx f;
    fx_open(&f);
    small_book(&f);
    static const expect walk = {NULL, true};
    static const expect by_state = {"application_by_state", true};
    static const expect by_officer = {"borrower_by_officer", true};
    static const core_application_filter none = {0};
    static const core_application_filter state = {.state = "submitted"};
    static const core_application_filter returned = {.state = "draft", .returned = "true"};
    static const core_application_filter referred = {.state = "rated", .referred = "true"};
    static const core_application_filter borrower = {.borrower_id = 3};
    LIST_CASE(&f, "applications, manager", walk,
              core_application_list_page(f.store, &f.mgr, &none, &page_, &r_, &e_));
    LIST_CASE(&f, "applications by state", by_state,
              core_application_list_page(f.store, &f.mgr, &state, &page_, &r_, &e_));
    LIST_CASE(&f, "returned drafts, officer", by_officer,
              core_application_list_page(f.store, &f.off1, &returned, &page_, &r_, &e_));
    LIST_CASE(&f, "referred, manager", by_state,
              core_application_list_page(f.store, &f.mgr, &referred, &page_, &r_, &e_));
    static const expect by_borrower = {"application_by_borrower", true};
    LIST_CASE(&f, "one borrower's applications", by_borrower,
              core_application_list_page(f.store, &f.mgr, &borrower, &page_, &r_, &e_));
    LIST_CASE(&f, "applications, officer", by_officer,
              core_application_list_page(f.store, &f.off1, &none, &page_, &r_, &e_));
    fx_close(&f);
}

static void test_borrower_searches_read_through_their_indexes(void)
{
    fx f;
    fx_open(&f);
    small_book(&f);
    static const expect walk = {NULL, true};
    static const core_borrower_filter none = {0};
    static const core_borrower_filter name = {.name = "张三"};
    char number[19];
    const core_borrower_filter id = {.id_number = fx_resident_id(number, "11010519900501103")};
    LIST_CASE(&f, "borrowers, manager", walk,
              core_borrower_list_page(f.store, &f.mgr, &none, &page_, &r_, &e_));
    static const expect postings = {"SEARCH p USING PRIMARY KEY (ch=?)", true};
    LIST_CASE(&f, "borrowers by name", postings,
              core_borrower_list_page(f.store, &f.mgr, &name, &page_, &r_, &e_));
    static const expect by_id = {"sqlite_autoindex_borrower_1", true};
    LIST_CASE(&f, "borrowers by identity number", by_id,
              core_borrower_list_page(f.store, &f.mgr, &id, &page_, &r_, &e_));
    fx_close(&f);
}

static void test_loan_lists_read_through_their_indexes(void)
{
    fx f;
    fx_open(&f);
    small_book(&f);
    ld_error err;
    CHECK_INT(ledger_loan_migrate(f.store, &err), LD_OK);
    static const expect walk = {NULL, true};
    static const ledger_loan_filter none = {0};
    static const ledger_loan_filter overdue = {.dpd_min = 1};
    static const ledger_loan_filter borrower = {.borrower_id = 2};
    static const ledger_loan_filter maturing = {.matures_before = "2027-01-01"};
    LIST_CASE(&f, "loans, manager", walk,
              ledger_loan_list_page(f.store, &f.mgr, &none, &page_, &r_, &e_));
    static const expect by_dpd = {"loan_overdue", true};
    LIST_CASE(&f, "overdue loans", by_dpd,
              ledger_loan_list_page(f.store, &f.mgr, &overdue, &page_, &r_, &e_));
    static const expect by_borrower = {"loan_by_borrower", true};
    LIST_CASE(&f, "one borrower's loans", by_borrower,
              ledger_loan_list_page(f.store, &f.mgr, &borrower, &page_, &r_, &e_));
    static const expect by_maturity = {"loan_by_maturity", true};
    LIST_CASE(&f, "loans maturing", by_maturity,
              ledger_loan_list_page(f.store, &f.mgr, &maturing, &page_, &r_, &e_));
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"application_lists_read_through_their_indexes",
         test_application_lists_read_through_their_indexes},
        {"borrower_searches_read_through_their_indexes",
         test_borrower_searches_read_through_their_indexes},
        {"loan_lists_read_through_their_indexes", test_loan_lists_read_through_their_indexes},
    };
    verbose = getenv("LOANDESK_PLANS") != NULL;
    return CHECK_RUN(argc, argv, cases);
}
