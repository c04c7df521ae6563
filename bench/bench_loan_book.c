/*
 * bench_loan_book.c - the loan book the backup benchmark copies: every
 * applicant of a bench book (bench_book.h) taken through the real rules to a
 * disbursed loan, then closes of business, so that `ledger verify` (and so
 * `backup verify`) accepts the whole book in full: its log, its journal, its
 * loans.
 *
 * Each application goes through the operations API as its users would take
 * it: the documents its product's checklist requires filed and checked by
 * the officer (one scanned file, stored once, content-addressed), submitted
 * and rated by the officer, approved (or, when the rules refuse, rejected)
 * and disbursed by the manager. What is bulked is only the transaction: the
 * operations of BATCH applications run inside one transaction the program
 * holds on the API's connection (each operation nested in it with every
 * check it has alone, an approval in its own savepoint so that a refusal
 * undoes nothing else), which commits once with one signed checkpoint over
 * everything the batch appended. The book is written with synchronous off:
 * it measures backups, not durability, and a crash while it is written
 * only means writing it again. Closes of business run as `loandesk cob`
 * runs them (one transaction per day, each with its checkpoint).
 *
 * Resumable: a second run on the same folder takes the drafts still left,
 * then the closes not yet run.
 *
 * Usage: bench_loan_book DIR LOANS [CLOSES] [BATCH] [APPLICANTS]
 *   (defaults 30 closes, 1000 applications a transaction, LOANS applicants;
 *   a few applications are refused by the rules, so give a few more
 *   applicants than loans wanted). Prints the rate of writing as it goes.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api_int.h"
#include "bench_book.h"
#include "date.h"
#include "loandesk/care.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"
#include "store.h"
#include "store_sql.h"

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench_loan_book: %s: %s\n", what, err != NULL ? err->message : "failed");
    exit(1);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t json_int(const cJSON *o, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(item) ? (int64_t)item->valuedouble : 0;
}

static const char *json_str(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s != NULL ? s : "";
}

static void exec_sql(ld_api *api, const char *sql)
{
    if (sqlite3_exec(core_store_db(api->store), sql, NULL, NULL, NULL) != SQLITE_OK)
        die(sql, NULL);
}

typedef struct world {
    ld_api *api;
    ld_session *off, *mgr;
    char scan[600];
    char date[LD_DATE_TEXT_MAX];
    cJSON *investigation;
    long loans, declined, documents, investigations;
} world;

/* A document filed and checked by the officer. */
static void file_one(world *w, const char *target, int64_t target_id, const char *type)
{
    ld_error err;
    cJSON *out = NULL;
    ld_document_spec d = {.target = target, .target_id = target_id, .type = type, .path = w->scan};
    if (ld_document_add(w->off, &d, &out, &err) != LD_OK)
        die("document add", &err);
    int64_t id = json_int(out, "id");
    cJSON_Delete(out);
    out = NULL;
    if (ld_document_check(w->off, id, true, true, true, NULL, &out, &err) != LD_OK)
        die("document check", &err);
    cJSON_Delete(out);
    w->documents++;
}

/* The documents the application's checklist still needs for a gate, as an
 * officer files them: those for submission and approval now; those for
 * disbursement (the signed contract) once approved, into later (the
 * caller's, up to CORE_DOC_CHECKLIST_MAX types), with the borrower's id.
 * Those required at no gate are left. */
typedef struct later_docs {
    int count;
    int64_t borrower;
    char type[16][40];
    bool on_borrower[16];
} later_docs;

static void file_documents(world *w, int64_t app, later_docs *later)
{
    ld_error err;
    cJSON *list = NULL;
    if (ld_document_list(w->off, "application", app, &list, &err) != LD_OK)
        die("document list", &err);
    later->count = 0;
    later->borrower = json_int(list, "borrower_id");
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(list, "checklist"))
    {
        const char *required = json_str(item, "required");
        if (strcmp(required, "none") == 0 || strcmp(json_str(item, "standing"), "ok") == 0)
            continue;
        bool on_borrower = strcmp(json_str(item, "belongs_to"), "borrower") == 0;
        if (strcmp(required, "disbursement") == 0 && later->count < 16) {
            snprintf(later->type[later->count], sizeof later->type[0], "%s",
                     json_str(item, "type"));
            later->on_borrower[later->count++] = on_borrower;
            continue;
        }
        file_one(w, on_borrower ? "borrower" : "application", on_borrower ? later->borrower : app,
                 json_str(item, "type"));
    }
    cJSON_Delete(list);
}

/* One application from draft to a disbursed loan, or to a rejection when
 * the rules refuse its approval. */
static void originate(world *w, int64_t app)
{
    ld_error err;
    cJSON *out = NULL;
    later_docs later;
    file_documents(w, app, &later);
    /* Half of bench_gen's applications come with the officer's pre-loan
     * investigation; the others get one when submission asks for it. */
    exec_sql(w->api, "SAVEPOINT submission");
    ld_status st = ld_application_submit(w->off, app, &out, &err);
    cJSON_Delete(out);
    out = NULL;
    if (st != LD_OK) {
        exec_sql(w->api, "ROLLBACK TO submission");
        if (ld_investigation_add(w->off, app, w->investigation, &out, &err) != LD_OK)
            die("investigation", &err);
        cJSON_Delete(out);
        out = NULL;
        if (ld_application_submit(w->off, app, &out, &err) != LD_OK)
            die("submit", &err);
        cJSON_Delete(out);
        out = NULL;
        w->investigations++;
    }
    exec_sql(w->api, "RELEASE submission");
    if (ld_application_rate(w->off, app, &out, &err) != LD_OK)
        die("rate", &err);
    cJSON_Delete(out);
    out = NULL;
    ld_approval terms = {.reason = "评级通过，额度期限按模型建议"};
    exec_sql(w->api, "SAVEPOINT approval");
    st = ld_application_approve(w->mgr, app, &terms, &out, &err);
    cJSON_Delete(out);
    out = NULL;
    if (st != LD_OK) {
        exec_sql(w->api, "ROLLBACK TO approval");
        if (getenv("BENCH_SHOW_REFUSALS") != NULL)
            fprintf(stderr, "application %lld: %s\n", (long long)app, err.message);
        exec_sql(w->api, "RELEASE approval");
        if (ld_application_reject(w->mgr, app, "评级未通过", &out, &err) != LD_OK)
            die("reject", &err);
        cJSON_Delete(out);
        w->declined++;
        return;
    }
    exec_sql(w->api, "RELEASE approval");
    for (int i = 0; i < later.count; i++)
        file_one(w, later.on_borrower[i] ? "borrower" : "application",
                 later.on_borrower[i] ? later.borrower : app, later.type[i]);
    if (ld_loan_disburse(w->mgr, app, w->date, NULL, &out, &err) != LD_OK)
        die("disburse", &err);
    cJSON_Delete(out);
    w->loans++;
}

/* The drafts left, in order (a read of the driver's own, not a write). */
static int64_t *drafts(ld_api *api, size_t *count)
{
    sqlite3_stmt *stmt = NULL;
    size_t cap = 1024, n = 0;
    int64_t *ids = malloc(cap * sizeof *ids);
    if (ids == NULL || sqlite3_prepare_v2(core_store_db(api->store),
                                          "SELECT id FROM application WHERE state = 'draft' "
                                          "ORDER BY id",
                                          -1, &stmt, NULL) != SQLITE_OK)
        die("listing drafts", NULL);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        if (n == cap) {
            cap *= 2;
            int64_t *grown = realloc(ids, cap * sizeof *ids);
            if (grown == NULL)
                die("listing drafts", NULL);
            ids = grown;
        }
        ids[n++] = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    *count = n;
    return ids;
}

static long count_of(ld_api *api, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    long n = 0;
    if (sqlite3_prepare_v2(core_store_db(api->store), sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static ld_api *open_on(const char *db, const char *date, world *w)
{
    ld_error err;
    ld_clock clock = {.business_date = date};
    ld_api *api = NULL;
    if (ld_api_open(db, &clock, &api, &err) != LD_OK ||
        ld_session_login(api, "off", BENCH_USER_PASSWORD, &w->off, &err) != LD_OK ||
        ld_session_login(api, "mgr", BENCH_USER_PASSWORD, &w->mgr, &err) != LD_OK ||
        core_store_set_cache_mib(api->store, 256, &err) != LD_OK)
        die("open", &err);
    /* Durability is not what this book is for (see above). */
    exec_sql(api, "PRAGMA synchronous = OFF");
    return api;
}

static void close_world(world *w)
{
    ld_session_free(w->off);
    ld_session_free(w->mgr);
    ld_api_close(w->api);
    w->off = w->mgr = NULL;
    w->api = NULL;
}

static void write_scan(world *w, const char *dir)
{
    snprintf(w->scan, sizeof w->scan, "%s/scan.pdf", dir);
    FILE *f = fopen(w->scan, "wb");
    if (f == NULL || fputs("%PDF-1.4\n%scanned by the officer\n", f) < 0 || fclose(f) != 0)
        die("writing the scan", NULL);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage: bench_loan_book DIR LOANS [CLOSES] [BATCH] [APPLICANTS]", NULL);
    const char *dir = argv[1];
    long want = strtol(argv[2], NULL, 10);
    int closes = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 30;
    long batch = argc > 4 ? strtol(argv[4], NULL, 10) : 1000;
    long applicants = argc > 5 ? strtol(argv[5], NULL, 10) : want;
    if (want < 1 || closes < 0 || closes > 3650 || batch < 1 || applicants < want)
        die("usage: bench_loan_book DIR LOANS [CLOSES 0..3650] [BATCH] [APPLICANTS >= LOANS]",
            NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    char db[600], state[700];
    mkdir(dir, 0700);
    snprintf(db, sizeof db, "%s/book.db", dir);
    snprintf(state, sizeof state, "%s/first-day", dir);
    struct stat info;
    if (stat(db, &info) != 0)
        bench_book_new(dir, db, applicants);

    /* The day the loans are disbursed is kept, so that a resumed run
     * disburses on it and closes the same days. */
    world w;
    memset(&w, 0, sizeof w);
    ld_date first = 0;
    ld_error err;
    FILE *f = fopen(state, "r");
    if (f != NULL) {
        char text[32] = "";
        if (fgets(text, sizeof text, f) == NULL)
            text[0] = '\0';
        fclose(f);
        text[strcspn(text, "\n")] = '\0';
        if (ld_date_parse("first-day", text, &first, &err) != LD_OK)
            die("first-day", &err);
    } else {
        first = (ld_date)(time(NULL) / 86400);
        char text[LD_DATE_TEXT_MAX];
        f = fopen(state, "w");
        if (f == NULL || fprintf(f, "%s\n", ld_date_format(first, text)) < 0 || fclose(f) != 0)
            die("first-day", NULL);
    }
    ld_date_format(first, w.date);
    write_scan(&w, dir);
    w.investigation = cJSON_CreateObject();
    cJSON_AddStringToObject(w.investigation, "site_visit_date", w.date);
    cJSON_AddStringToObject(w.investigation, "operations",
                            "实地走访借款人住所及单位，信息属实，未发现异常。");
    cJSON_AddStringToObject(w.investigation, "assets_liabilities",
                            "负债以银行借款为主，征信记录良好，无逾期。");
    cJSON_AddStringToObject(w.investigation, "repayment_capacity",
                            "第一还款来源充足，月还款额占收入比例适中。");
    cJSON_AddStringToObject(w.investigation, "conclusion", "情况属实，同意申报。");
    w.api = open_on(db, w.date, &w);
    size_t n = 0;
    int64_t *ids = drafts(w.api, &n);
    long have = count_of(w.api, "SELECT count(*) FROM loan");
    printf("origination on %s: %ld loans in the book, %zu drafts left, %ld wanted, %ld "
           "applications a transaction\n",
           w.date, have, n, want, batch);
    double t0 = now_seconds(), c0 = cpu_seconds(), t_last = t0;
    long done_apps = 0;
    for (size_t i = 0; i < n && have + w.loans < want;) {
        if (core_store_begin(w.api->store, &err) != LD_OK)
            die("begin", &err);
        for (long k = 0; k < batch && i < n && have + w.loans < want; k++, i++, done_apps++)
            originate(&w, ids[i]);
        if (core_store_commit(w.api->store, &err) != LD_OK)
            die("commit", &err);
        double t = now_seconds();
        if (t - t_last >= 30 || have + w.loans >= want || i >= n) {
            t_last = t;
            printf("  %ld loans (%ld this run, %ld declined, %ld documents, %ld investigations): "
                   "%.0f s, %.0f s cpu, "
                   "%.2f ms (%.2f ms cpu) an application\n",
                   have + w.loans, w.loans, w.declined, w.documents, w.investigations, t - t0,
                   cpu_seconds() - c0, 1000 * (t - t0) / (double)done_apps,
                   1000 * (cpu_seconds() - c0) / done_apps);
        }
    }
    free(ids);
    cJSON_Delete(w.investigation);
    double origination = now_seconds() - t0;
    close_world(&w);

    /* Closes of business, as `loandesk cob` runs them, on the days after
     * the disbursements. */
    char last[LD_DATE_TEXT_MAX];
    ld_date_format(first + closes, last);
    t0 = now_seconds();
    c0 = cpu_seconds();
    if (closes > 0) {
        w.api = open_on(db, last, &w);
        ld_cob_options o = {.date = last};
        cJSON *out = NULL;
        if (ld_cob_run(w.mgr, &o, &out, &err) != LD_OK)
            die("close of business", &err);
        printf("closes of business through %s: %lld loan days, %lld journal entries\n", last,
               (long long)json_int(out, "loan_days"), (long long)json_int(out, "journal_entries"));
        cJSON_Delete(out);
        close_world(&w);
    }
    double cob = now_seconds() - t0, cob_cpu = cpu_seconds() - c0;
    w.api = open_on(db, last, &w);
    printf("book %s: %ld loans, %ld applications, %ld log entries, %ld checkpoints; "
           "origination %.1f s, closes %.1f s (%.1f s cpu)\n",
           db, count_of(w.api, "SELECT count(*) FROM loan"),
           count_of(w.api, "SELECT count(*) FROM application"),
           count_of(w.api, "SELECT count(*) FROM ledger_entry"),
           count_of(w.api, "SELECT count(*) FROM ledger_checkpoint"), origination, cob, cob_cpu);
    close_world(&w);
    return 0;
}
