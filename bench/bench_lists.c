/*
 * bench_lists.c - how long the first page of a list takes on a book of
 * 1,000,000 applications, filter by filter, through the store's list
 * functions (core_application_list_page, core_borrower_list_page,
 * ledger_loan_list_page) beside the bare SQL they amount to: the same count
 * and page queries prepared once and stepped with sqlite3 directly, their
 * columns read but no JSON built, no filter checked, no permission asked.
 * Target (issue 10): the first page (50 rows and the total) of any filter
 * under 50 ms, median of the runs.
 *
 * The book is built once and kept at the path given (a second run with the
 * same path reuses it): bench_gen writes the portfolio, core_import_jsonl
 * loads it as `loandesk import` does, and plain SQL then spreads it the way a
 * branch's book looks after three years - 40 officers plus one with a small
 * book, creation dates over three years, workflow states, ratings with their
 * grades and a loan for every disbursed application, a tenth of the active
 * ones overdue. Bench code may use SQLite directly (the rule that SQL lives
 * in the store files is for the product). Usage:
 *   bench_lists [--db PATH] [--count N] [--runs R] [--gen PATH]
 */
#include <errno.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "application.h"
#include "borrower.h"
#include "import.h"
#include "loan.h"
#include "loan_int.h" /* ledger_loan_migrate: the book is written straight into the tables */
#include "policy.h"
#include "store_sql.h"
#include "user.h"

#ifndef LOANDESK_SOURCE_DIR
#define LOANDESK_SOURCE_DIR "."
#endif
#define TARGET_MS  50.0
#define MAX_RUNS   51
#define PATH_MAX_L 4096

extern char **environ;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_lists: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(10);
}

/* ---- building the book -------------------------------------------------------- */

/* The spread, in order. Hashes of the id stand in for chance, so the book is
 * the same on every machine. */
static const char *const spread_sql[] = {
    /* 40 officers, a manager, a reviewer; passwords unused (sessions are
     * made directly, as a front end would after login) */
    "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 40) "
    "INSERT INTO app_user (username, full_name, role, password_hash, password_changed_on, "
    "created_at) SELECT printf('officer%02d', n), '信贷员' || n, 'officer', '-', '2023-06-01', "
    "'2023-06-01T00:00:00Z' FROM k",
    "INSERT INTO app_user (username, full_name, role, authority_limit, password_hash, "
    "password_changed_on, created_at) VALUES ('manager', '部门经理', 'manager', 0, '-', "
    "'2023-06-01', '2023-06-01T00:00:00Z'), ('reviewer', '风险审查', 'reviewer', 0, '-', "
    "'2023-06-01', '2023-06-01T00:00:00Z')",
    /* every thousandth customer stays with the importing officer (a small book) */
    "UPDATE borrower SET officer_id = (SELECT id FROM app_user WHERE username = 'officer01') + "
    "id % 40 WHERE id % 1000 <> 0",
    /* three years of applications, in id order, 10 % draft, 10 % submitted, 5 % rated,
     * 2 % approved, 20 % rejected, 8 % withdrawn, 45 % disbursed */
    "UPDATE application SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', '2023-06-15', "
    "'+' || (id * 1095 / (SELECT max(id) FROM application)) || ' days', "
    "'+' || (32400 + id % 32400) || ' seconds'), "
    "state = CASE WHEN id * 2654435761 % 100 < 10 THEN 'draft' "
    "WHEN id * 2654435761 % 100 < 20 THEN 'submitted' WHEN id * 2654435761 % 100 < 25 THEN 'rated' "
    "WHEN id * 2654435761 % 100 < 27 THEN 'approved' WHEN id * 2654435761 % 100 < 47 THEN "
    "'rejected' WHEN id * 2654435761 % 100 < 55 THEN 'withdrawn' ELSE 'disbursed' END",
    /* a rating for every application that went past submission; D is rare */
    "INSERT INTO rating (application_id, score, grade, pd, decision, recommended_amount, "
    "recommended_term_months, rate, fee_method, fee_amount, policy_sha256, result_json, rated_by, "
    "rated_at) SELECT id, 600, CASE id * 40503 % 20 WHEN 0 THEN 'AAA' WHEN 1 THEN 'AA' "
    "WHEN 2 THEN 'AA' WHEN 3 THEN 'A' WHEN 4 THEN 'A' WHEN 5 THEN 'A' WHEN 6 THEN 'BBB' "
    "WHEN 7 THEN 'BBB' WHEN 8 THEN 'BBB' WHEN 9 THEN 'BBB' WHEN 10 THEN 'BB' WHEN 11 THEN 'BB' "
    "WHEN 12 THEN 'BB' WHEN 13 THEN 'B' WHEN 14 THEN 'B' WHEN 15 THEN 'CCC' WHEN 16 THEN 'CC' "
    "WHEN 17 THEN 'C' WHEN 18 THEN 'B' ELSE CASE WHEN id % 7 = 0 THEN 'D' ELSE 'BB' END END, "
    "100000, 'approve', amount, term_months, 50000, 'none', 0, '-', '{}', "
    "(SELECT id FROM app_user WHERE username = 'reviewer'), created_at FROM application "
    "WHERE state IN ('rated', 'approved', 'rejected', 'disbursed')",
    /* a loan for every disbursed application: 70 % active (a tenth of them
     * overdue 1-400 days), 27 % settled, 3 % written off */
    "INSERT INTO loan (contract_no, application_id, borrower_id, officer_id, borrower_kind, "
    "product, amount, rate, penalty_rate, method, period, months_each, installments, "
    "prepay_rule, regular, fee_method, fee_amount, disbursed_on, closed_on, manual_reason, "
    "status, accrued_through, principal, principal_due, interest_due, fee_due, accrued, penalty, "
    "compound, penalty_daily, compound_daily, next_number, next_due, next_principal, "
    "next_interest, next_fee, oldest_unpaid_due, dpd, floor, manual, category, next_inspection, "
    "matures_on) SELECT 'HT-' || a.id, a.id, a.borrower_id, b.officer_id, b.kind = 'enterprise', "
    "a.product_code, a.amount, 50000, 75000000000, 0, 1, 1, a.term_months, 0, "
    "a.amount / a.term_months, 0, 0, d.on_day, CASE WHEN d.status = 0 THEN -2147483648 ELSE "
    "d.on_day + 300 END, '', d.status, 20618, CASE WHEN d.status = 0 THEN a.amount / 2 ELSE 0 "
    "END, 0, 0, 0, 0, 0, 0, 0, 0, 1, d.on_day + 30, 0, 0, 0, -2147483648, d.dpd, "
    "CASE WHEN d.dpd = 0 THEN 0 WHEN d.dpd <= 90 THEN 1 WHEN d.dpd <= 270 THEN 2 "
    "WHEN d.dpd <= 360 THEN 3 ELSE 4 END, -1, CASE WHEN d.dpd = 0 THEN 0 WHEN d.dpd <= 90 THEN 1 "
    "WHEN d.dpd <= 270 THEN 2 WHEN d.dpd <= 360 THEN 3 ELSE 4 END, d.on_day + 90, "
    "d.on_day + a.term_months * 30 FROM application a JOIN borrower b ON b.id = a.borrower_id "
    "JOIN (SELECT id, CAST(julianday(substr(created_at, 1, 10)) - 2440587.5 AS INTEGER) + 20 "
    "AS on_day, CASE WHEN id * 40503 % 100 < 70 THEN 0 WHEN id * 40503 % 100 < 97 THEN 1 "
    "ELSE 2 END AS status, CASE WHEN id * 40503 % 100 < 70 AND id % 10 = 3 THEN 1 + id * 7 % "
    "400 ELSE 0 END AS dpd FROM application) d ON d.id = a.id WHERE a.state = 'disbursed'",
};

static void run_child(char *const argv[])
{
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0)
        die(argv[0], strerror(rc));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die(argv[0], "failed");
}

static void check(ld_status st, const char *what, const ld_error *err)
{
    if (st != LD_OK)
        die(what, err->message);
}

static void build_book(const char *path, const char *gen, int64_t count)
{
    char jsonl[PATH_MAX_L], count_text[32];
    snprintf(jsonl, sizeof jsonl, "%s.jsonl", path);
    snprintf(count_text, sizeof count_text, "%" PRId64, count);
    double t0 = now_ms();
    char *gen_argv[] = {(char *)gen, "--count",    count_text, "--seed", "7",
                        "--today",   "2026-06-15", "--out",    jsonl,    NULL};
    run_child(gen_argv);
    printf("  bench_gen: %" PRId64 " applications in %.1f s\n", count, (now_ms() - t0) / 1e3);
    ld_error err;
    core_store *store = NULL;
    core_session admin;
    check(core_store_open(path, &store, &err), "opening", &err);
    check(core_store_begin(store, &err), "begin", &err);
    check(core_user_init_admin(store, "admin", "Admin", "Bench-lists-2026", &admin, &err), "admin",
          &err);
    check(core_policy_load(store, NULL, LOANDESK_SOURCE_DIR "/policy/default.json",
                           LOANDESK_SOURCE_DIR "/policy/products.json", &err),
          "policy", &err);
    check(core_store_exec(store,
                          "INSERT INTO app_user (username, full_name, role, password_hash, "
                          "password_changed_on, created_at) VALUES ('officer', '陈晓', "
                          "'officer', '-', '2023-06-01', '2023-06-01T00:00:00Z')",
                          &err),
          "officer", &err);
    core_session importer = {.role = CORE_ROLE_OFFICER, .username = "officer"};
    importer.user_id = sqlite3_last_insert_rowid(core_store_db(store));
    check(core_store_commit(store, &err), "commit", &err);
    t0 = now_ms();
    core_import_stats stats;
    check(core_store_set_cache_mib(store, 256, &err), "cache", &err);
    check(core_store_begin_large(store, &err), "begin", &err);
    check(core_import_jsonl(store, &importer, jsonl, &stats, &err), "import", &err);
    check(core_store_commit(store, &err), "commit", &err);
    printf("  import: %.1f s\n", (now_ms() - t0) / 1e3);
    unlink(jsonl);
    t0 = now_ms();
    check(core_store_begin_large(store, &err), "begin", &err);
    check(ledger_loan_migrate(store, &err), "loan tables", &err);
    for (size_t i = 0; i < sizeof spread_sql / sizeof spread_sql[0]; i++)
        check(core_store_exec(store, spread_sql[i], &err), "spreading the book", &err);
    check(core_store_commit(store, &err), "commit", &err);
    printf("  spread over officers, states, ratings and loans: %.1f s\n", (now_ms() - t0) / 1e3);
    core_store_close(store);
}

/* ---- the cases ---------------------------------------------------------------- */

enum { APPS, BORROWERS, LOANS };
enum { MANAGER, OFFICER, SMALL_OFFICER, REVIEWER, ROLES };

#define BENCH_PARAMS_MAX 5

/* One filter: the store call's filter, and the bare count and page queries
 * with their parameters (?1.. as text; "@OFFICER" stands for the session's
 * own id, "@OFFICER07" for officer07's). */
typedef struct bench_case {
    const char *name;
    int list, role;
    core_application_filter app;
    core_borrower_filter borrower;
    ledger_loan_filter loan;
    const char *bare_count, *bare_page;
    const char *params[BENCH_PARAMS_MAX];
} bench_case;

/* The bare queries take the plans the store takes (the page through the
 * filter's index when few rows match, else a walk in id order; counts of
 * most rows as all less the few outside), without its composition, checks
 * and JSON, and without reading ids before columns. */
#define APP_COLUMNS                                                                                \
    "SELECT a.id, a.borrower_id, b.name, a.product_code, a.amount, a.term_months, a.method, "      \
    "a.state, o.username, a.grade, a.created_at FROM "
#define APP_FROM                                                                                   \
    "application a JOIN borrower b ON b.id = a.borrower_id JOIN app_user o ON o.id = b.officer_id"
#define APP_WALK                                                                                   \
    "application a CROSS JOIN borrower b ON b.id = a.borrower_id JOIN app_user o ON o.id = "       \
    "b.officer_id"
#define APP_FEW_OFFICER                                                                            \
    "borrower b INDEXED BY borrower_by_officer CROSS JOIN application a ON a.borrower_id = b.id "  \
    "JOIN app_user o ON o.id = b.officer_id"
#define APP_COUNT_OFFICER                                                                          \
    "SELECT count(*) FROM borrower b INDEXED BY borrower_by_officer CROSS JOIN application a ON "  \
    "a.borrower_id = b.id WHERE b.officer_id = ?1"
#define BORROWER_COLUMNS                                                                           \
    "SELECT b.id, b.kind, b.name, b.id_number, u.username, b.officer_id, (SELECT count(*) FROM "   \
    "application a WHERE a.borrower_id = b.id) FROM "
#define BORROWER_FROM "borrower b JOIN app_user u ON u.id = b.officer_id"
#define BORROWER_BY_NAME                                                                           \
    "borrower b INDEXED BY borrower_by_name JOIN app_user u ON u.id = b.officer_id"
#define LOAN_COLUMNS                                                                               \
    "SELECT l.id, l.contract_no, l.borrower_id, b.name, u.username, l.product, l.amount, "         \
    "l.principal, l.status, l.category, l.dpd, l.disbursed_on, l.matures_on, l.next_due, "         \
    "l.next_number FROM "
#define LOAN_FROM                                                                                  \
    "loan l JOIN borrower b ON b.id = l.borrower_id JOIN app_user u ON u.id = b.officer_id"
#define LOAN_WALK                                                                                  \
    "loan l CROSS JOIN borrower b ON b.id = l.borrower_id JOIN app_user u ON u.id = b.officer_id"
#define LOAN_COUNT_OFFICER                                                                         \
    "SELECT count(*) FROM borrower b INDEXED BY borrower_by_officer CROSS JOIN loan l ON "         \
    "l.borrower_id = b.id WHERE b.officer_id = ?1"
#define LATEST_STEP_IS(kind)                                                                       \
    "(SELECT s.kind FROM application_step s WHERE s.application_id = a.id ORDER BY s.id DESC "     \
    "LIMIT 1) = '" kind "'"
#define REVIEWABLE   "a.state IN ('submitted', 'rated', 'approved', 'rejected', 'disbursed')"
#define NAME_HAS     "instr(b.name, ?1) > 0"
#define POSTED       "borrower_name_char p CROSS JOIN borrower b ON b.id = p.borrower_id"
#define POSTED_SHOWN POSTED " JOIN app_user u ON u.id = b.officer_id"
/* The trigram index (schema 7): the text as a phrase, counted from the index */
#define TRIGRAMS_HAVE "borrower_name_fts MATCH '\"' || ?1 || '\"'"
#define TRIGRAMS_SHOWN                                                                             \
    "borrower_name_fts CROSS JOIN borrower b ON b.id = borrower_name_fts.rowid JOIN app_user u "   \
    "ON u.id = b.officer_id"
#define POSTED_ALONE                                                                               \
    "borrower_name_char p CROSS JOIN borrower b ON b.id = p.borrower_id JOIN app_user u ON u.id "  \
    "= "                                                                                           \
    "b.officer_id"
#define ALSO_POSTED(n)                                                                             \
    " AND EXISTS (SELECT 1 FROM borrower_name_char e WHERE e.ch = ?" #n                            \
    " AND e.borrower_id = p.borrower_id)"

static const bench_case cases[] = {
    {"applications, all (manager)", APPS, MANAGER,
     .bare_count = "SELECT count(*) FROM application a",
     .bare_page = APP_COLUMNS APP_FROM " ORDER BY a.id LIMIT 51"},
    {"applications, own (officer)", APPS, OFFICER, .bare_count = APP_COUNT_OFFICER,
     .bare_page = APP_COLUMNS APP_WALK " WHERE b.officer_id = ?1 ORDER BY a.id LIMIT 51",
     .params = {"@OFFICER"}},
    {"applications, own (small book)", APPS, SMALL_OFFICER, .bare_count = APP_COUNT_OFFICER,
     .bare_page = APP_COLUMNS APP_FEW_OFFICER " WHERE b.officer_id = ?1 ORDER BY a.id LIMIT 51",
     .params = {"@OFFICER"}},
    {"applications, reviewable (reviewer)", APPS, REVIEWER,
     .bare_count = "SELECT (SELECT count(*) FROM application) - (SELECT count(*) FROM "
                   "application WHERE state IN ('draft', 'withdrawn'))",
     .bare_page = APP_COLUMNS APP_FROM " WHERE +" REVIEWABLE " ORDER BY a.id LIMIT 51"},
    {"applications, state=submitted", APPS, MANAGER, .app = {.state = "submitted"},
     .bare_count = "SELECT count(*) FROM application a WHERE a.state = ?1",
     .bare_page = APP_COLUMNS APP_FROM " WHERE a.state = ?1 ORDER BY a.id LIMIT 51",
     .params = {"submitted"}},
    {"applications, state=approved (officer)", APPS, OFFICER, .app = {.state = "approved"},
     .bare_count = APP_COUNT_OFFICER " AND a.state = ?2",
     .bare_page = APP_COLUMNS APP_WALK " WHERE b.officer_id = ?1 AND a.state = ?2 ORDER BY a.id "
                                       "LIMIT 51",
     .params = {"@OFFICER", "approved"}},
    {"applications, officer=officer07", APPS, MANAGER, .app = {.officer = "officer07"},
     .bare_count = APP_COUNT_OFFICER,
     .bare_page = APP_COLUMNS APP_WALK " WHERE b.officer_id = ?1 ORDER BY a.id LIMIT 51",
     .params = {"@OFFICER07"}},
    {"applications, product=EFA", APPS, MANAGER, .app = {.product = "EFA"},
     .bare_count = "SELECT count(*) FROM application a WHERE a.product_code = ?1",
     .bare_page = APP_COLUMNS APP_FROM " WHERE a.product_code = ?1 ORDER BY a.id LIMIT 51",
     .params = {"EFA"}},
    {"applications, created in May 2026", APPS, MANAGER,
     .app = {.created_from = "2026-05-01", .created_to = "2026-05-31"},
     .bare_count = "SELECT count(*) FROM application a WHERE a.created_at >= ?1 AND "
                   "a.created_at < ?2",
     .bare_page = APP_COLUMNS APP_FROM " WHERE a.created_at >= ?1 AND a.created_at < ?2 "
                                       "ORDER BY a.created_at, a.id LIMIT 51",
     .params = {"2026-05-01", "2026-06-01"}},
    {"applications, grade=D (rare)", APPS, MANAGER, .app = {.grade = "D"},
     .bare_count = "SELECT count(*) FROM application a WHERE a.grade = ?1",
     .bare_page = APP_COLUMNS APP_FROM " WHERE a.grade = ?1 ORDER BY a.id LIMIT 51",
     .params = {"D"}},
    {"applications, grade=BBB", APPS, MANAGER, .app = {.grade = "BBB"},
     .bare_count = "SELECT count(*) FROM application a WHERE a.grade = ?1",
     .bare_page = APP_COLUMNS APP_FROM " WHERE a.grade = ?1 ORDER BY a.id LIMIT 51",
     .params = {"BBB"}},
    {"applications, amount 1m-2m yuan", APPS, MANAGER,
     .app = {.amount_min = "1000000.00", .amount_max = "2000000.00"},
     .bare_count = "SELECT count(*) FROM application a WHERE a.amount >= ?1 AND a.amount <= ?2",
     .bare_page = APP_COLUMNS APP_FROM " WHERE +a.amount >= ?1 AND +a.amount <= ?2 ORDER BY a.id "
                                       "LIMIT 51",
     .params = {"100000000", "200000000"}},
    {"applications, amount 1,234,000-1,236,000 (rare)", APPS, MANAGER,
     .app = {.amount_min = "1234000.00", .amount_max = "1236000.00"},
     .bare_count = "SELECT count(*) FROM application a WHERE a.amount >= ?1 AND a.amount <= ?2",
     .bare_page = APP_COLUMNS "application a INDEXED BY application_by_amount JOIN borrower b ON "
                              "b.id = a.borrower_id JOIN app_user o ON o.id = b.officer_id WHERE "
                              "a.amount >= ?1 AND a.amount <= ?2 ORDER BY a.id LIMIT 51",
     .params = {"123400000", "123600000"}},
    /* The workbench's queues: drafts sent back to their officer, rated files
     * referred to a manager (the latest review step of each). */
    {"applications, returned drafts (officer)", APPS, OFFICER,
     .app = {.state = "draft", .returned = "true"},
     .bare_count = APP_COUNT_OFFICER " AND a.state = 'draft' AND " LATEST_STEP_IS("return"),
     .bare_page = APP_COLUMNS APP_FEW_OFFICER " WHERE b.officer_id = ?1 AND a.state = 'draft' "
                                              "AND " LATEST_STEP_IS("return") " ORDER BY a.id "
                                                                              "LIMIT 51",
     .params = {"@OFFICER"}},
    {"applications, referred (manager)", APPS, MANAGER,
     .app = {.state = "rated", .referred = "true"},
     .bare_count =
         "SELECT count(*) FROM application a WHERE a.state = 'rated' AND " LATEST_STEP_IS("refer"),
     .bare_page = APP_COLUMNS APP_FROM
     " WHERE a.state = 'rated' AND " LATEST_STEP_IS("refer") " ORDER BY a.id LIMIT 51"},
    {"borrowers, all (manager)", BORROWERS, MANAGER,
     .bare_count = "SELECT count(*) FROM borrower b",
     .bare_page = BORROWER_COLUMNS BORROWER_FROM " ORDER BY b.id LIMIT 51"},
    {"borrowers, own (officer)", BORROWERS, OFFICER,
     .bare_count = "SELECT count(*) FROM borrower b WHERE b.officer_id = ?1",
     .bare_page = BORROWER_COLUMNS BORROWER_FROM " WHERE b.officer_id = ?1 ORDER BY b.id LIMIT 51",
     .params = {"@OFFICER"}},
    {"borrowers, under review (reviewer)", BORROWERS, REVIEWER,
     .bare_count = "SELECT (SELECT count(*) FROM borrower) - (SELECT count(*) FROM borrower "
                   "WHERE under_review = 0)",
     .bare_page =
         BORROWER_COLUMNS BORROWER_FROM " WHERE b.under_review = 1 ORDER BY b.id LIMIT 51"},
    /* Name searches read the postings of the text's rarest characters
     * (?2, then ?3 and ?4) and confirm each candidate's name (?1); a text
     * whose every character is common scans the name index. */
    {"borrowers, name contains 王 (1 char)", BORROWERS, MANAGER, .borrower = {.name = "王"},
     .bare_count = "SELECT count(*) FROM borrower_name_char p WHERE p.ch = ?1",
     .bare_page = BORROWER_COLUMNS POSTED_ALONE " WHERE p.ch = ?1 ORDER BY p.borrower_id LIMIT 51",
     .params = {"王"}},
    {"borrowers, name contains 公 (1 char, 30%)", BORROWERS, MANAGER, .borrower = {.name = "公"},
     .bare_count = "SELECT count(*) FROM borrower_name_char p WHERE p.ch = ?1",
     .bare_page = BORROWER_COLUMNS POSTED_ALONE " WHERE p.ch = ?1 ORDER BY p.borrower_id LIMIT 51",
     .params = {"公"}},
    {"borrowers, name contains 王 (1 char, reviewer)", BORROWERS, REVIEWER,
     .borrower = {.name = "王"},
     .bare_count = "SELECT count(*) FROM borrower_name_char p WHERE p.ch = ?1 AND "
                   "p.under_review = 1",
     .bare_page = BORROWER_COLUMNS POSTED_SHOWN " WHERE p.ch = ?1 AND p.under_review = 1 "
                                                "ORDER BY p.borrower_id LIMIT 51",
     .params = {"王"}},
    {"borrowers, name contains 公 (1 char, 30%, reviewer)", BORROWERS, REVIEWER,
     .borrower = {.name = "公"},
     .bare_count = "SELECT count(*) FROM borrower_name_char p WHERE p.ch = ?1 AND "
                   "p.under_review = 1",
     .bare_page = BORROWER_COLUMNS POSTED_ALONE " WHERE p.ch = ?1 AND p.under_review = 1 "
                                                "ORDER BY p.borrower_id LIMIT 51",
     .params = {"公"}},
    {"borrowers, name contains 张伟 (2, rare)", BORROWERS, MANAGER, .borrower = {.name = "张伟"},
     .bare_count =
         "SELECT count(*) FROM " POSTED " WHERE p.ch = ?2" ALSO_POSTED(3) " AND " NAME_HAS,
     .bare_page = BORROWER_COLUMNS POSTED_SHOWN
     " WHERE p.ch = ?2" ALSO_POSTED(3) " AND " NAME_HAS " ORDER BY p.borrower_id LIMIT 51",
     .params = {"张伟", "张", "伟"}},
    {"borrowers, name contains 塑胶 (2, common)", BORROWERS, MANAGER, .borrower = {.name = "塑胶"},
     .bare_count =
         "SELECT count(*) FROM " POSTED " WHERE p.ch = ?2" ALSO_POSTED(3) " AND " NAME_HAS,
     .bare_page = BORROWER_COLUMNS POSTED_SHOWN
     " WHERE p.ch = ?2" ALSO_POSTED(3) " AND " NAME_HAS " ORDER BY p.borrower_id LIMIT 51",
     .params = {"塑胶", "塑", "胶"}},
    {"borrowers, name contains 鼎盛宏 (3)", BORROWERS, MANAGER, .borrower = {.name = "鼎盛宏"},
     .bare_count = "SELECT count(*) FROM " POSTED " WHERE p.ch = ?2" ALSO_POSTED(3)
         ALSO_POSTED(4) " AND " NAME_HAS,
     .bare_page = BORROWER_COLUMNS POSTED_SHOWN " WHERE p.ch = ?2" ALSO_POSTED(3)
         ALSO_POSTED(4) " AND " NAME_HAS " ORDER BY p.borrower_id LIMIT 51",
     .params = {"鼎盛宏", "鼎", "宏", "盛"}},
    {"borrowers, name contains 汇丰电子 (rare)", BORROWERS, MANAGER,
     .borrower = {.name = "汇丰电子"},
     .bare_count = "SELECT count(*) FROM " POSTED " WHERE p.ch = ?2" ALSO_POSTED(3)
         ALSO_POSTED(4) " AND " NAME_HAS,
     .bare_page = BORROWER_COLUMNS POSTED_SHOWN " WHERE p.ch = ?2" ALSO_POSTED(3)
         ALSO_POSTED(4) " AND " NAME_HAS " ORDER BY p.borrower_id LIMIT 51",
     .params = {"汇丰电子", "汇", "子", "丰"}},
    {"borrowers, name contains 王 (officer)", BORROWERS, OFFICER, .borrower = {.name = "王"},
     .bare_count = "SELECT count(*) FROM borrower b WHERE " NAME_HAS " AND b.officer_id = ?2",
     .bare_page = BORROWER_COLUMNS BORROWER_FROM " WHERE " NAME_HAS
                                                 " AND b.officer_id = ?2 ORDER BY b.id LIMIT 51",
     .params = {"王", "@OFFICER"}},
    {"borrowers, name contains 汇丰电子 (reviewer)", BORROWERS, REVIEWER,
     .borrower = {.name = "汇丰电子"},
     .bare_count = "SELECT count(*) FROM " POSTED " WHERE p.ch = ?2" ALSO_POSTED(3)
         ALSO_POSTED(4) " AND p.under_review = 1 AND " NAME_HAS,
     .bare_page = BORROWER_COLUMNS POSTED_SHOWN " WHERE p.ch = ?2" ALSO_POSTED(3)
         ALSO_POSTED(4) " AND p.under_review = 1 AND " NAME_HAS " ORDER BY p.borrower_id LIMIT 51",
     .params = {"汇丰电子", "汇", "子", "丰"}},
    {"borrowers, name contains 有限公司 (all common)", BORROWERS, MANAGER,
     .borrower = {.name = "有限公司"},
     .bare_count = "SELECT count(*) FROM borrower_name_fts WHERE " TRIGRAMS_HAVE,
     .bare_page = BORROWER_COLUMNS TRIGRAMS_SHOWN " WHERE " TRIGRAMS_HAVE " AND " NAME_HAS
                                                  " ORDER BY borrower_name_fts.rowid LIMIT 51",
     .params = {"有限公司"}},
    {"borrowers, id_number exact", BORROWERS, MANAGER, .borrower = {.id_number = "@ID"},
     .bare_count =
         "SELECT count(*) FROM borrower b WHERE b.kind = 'individual' AND b.id_number = ?1",
     .bare_page = BORROWER_COLUMNS BORROWER_FROM " WHERE b.kind = 'individual' AND b.id_number = "
                                                 "?1 ORDER BY b.id LIMIT 51",
     .params = {"@ID"}},
    {"borrowers, credit_code exact", BORROWERS, MANAGER, .borrower = {.credit_code = "@USCC"},
     .bare_count =
         "SELECT count(*) FROM borrower b WHERE b.kind = 'enterprise' AND b.id_number = ?1",
     .bare_page = BORROWER_COLUMNS BORROWER_FROM " WHERE b.kind = 'enterprise' AND b.id_number = "
                                                 "?1 ORDER BY b.id LIMIT 51",
     .params = {"@USCC"}},
    {"loans, all (manager)", LOANS, MANAGER, .bare_count = "SELECT count(*) FROM loan l",
     .bare_page = LOAN_COLUMNS LOAN_FROM " ORDER BY l.id LIMIT 51"},
    {"loans, own (officer)", LOANS, OFFICER, .bare_count = LOAN_COUNT_OFFICER,
     .bare_page = LOAN_COLUMNS LOAN_WALK " WHERE b.officer_id = ?1 ORDER BY l.id LIMIT 51",
     .params = {"@OFFICER"}},
    {"loans, under review (reviewer)", LOANS, REVIEWER,
     .bare_count = "SELECT (SELECT count(*) FROM loan) - (SELECT count(*) FROM loan l WHERE "
                   "l.application_id IS NULL AND (SELECT c.under_review FROM borrower c WHERE "
                   "c.id = l.borrower_id) = 0)",
     .bare_page = LOAN_COLUMNS LOAN_WALK " WHERE b.under_review = 1 ORDER BY l.id LIMIT 51"},
    {"loans, state=active", LOANS, MANAGER, .loan = {.state = "active"},
     .bare_count = "SELECT count(*) FROM loan l WHERE l.status = ?1",
     .bare_page = LOAN_COLUMNS LOAN_FROM " WHERE l.status = ?1 ORDER BY l.id LIMIT 51",
     .params = {"0"}},
    {"loans, category=normal", LOANS, MANAGER, .loan = {.category = "normal"},
     .bare_count = "SELECT (SELECT count(*) FROM loan) - (SELECT count(*) FROM loan WHERE "
                   "category > 0)",
     .bare_page = LOAN_COLUMNS LOAN_FROM " WHERE l.category = 0 ORDER BY l.id LIMIT 51"},
    {"loans, category=substandard", LOANS, MANAGER, .loan = {.category = "substandard"},
     .bare_count = "SELECT count(*) FROM loan l WHERE l.category > 0 AND l.category = ?1",
     .bare_page = LOAN_COLUMNS LOAN_FROM " WHERE l.category > 0 AND l.category = ?1 ORDER BY "
                                         "l.id LIMIT 51",
     .params = {"2"}},
    {"loans, dpd >= 90", LOANS, MANAGER, .loan = {.dpd_min = 90},
     .bare_count = "SELECT count(*) FROM loan l WHERE l.dpd > 0 AND l.dpd >= ?1",
     .bare_page = LOAN_COLUMNS LOAN_FROM " WHERE l.dpd > 0 AND l.dpd >= ?1 ORDER BY l.id LIMIT 51",
     .params = {"90"}},
    {"loans, officer=officer07", LOANS, MANAGER, .loan = {.officer = "officer07"},
     .bare_count = LOAN_COUNT_OFFICER,
     .bare_page = LOAN_COLUMNS LOAN_WALK " WHERE b.officer_id = ?1 ORDER BY l.id LIMIT 51",
     .params = {"@OFFICER07"}},
    {"loans, product=SWC", LOANS, MANAGER, .loan = {.product = "SWC"},
     .bare_count = "SELECT count(*) FROM loan l WHERE l.product = ?1",
     .bare_page = LOAN_COLUMNS LOAN_FROM " WHERE l.product = ?1 ORDER BY l.id LIMIT 51",
     .params = {"SWC"}},
    {"loans, one borrower's (borrower 1000)", LOANS, MANAGER, .loan = {.borrower_id = 1000},
     .bare_count = "SELECT count(*) FROM loan l WHERE l.borrower_id = ?1",
     .bare_page = LOAN_COLUMNS LOAN_FROM " WHERE l.borrower_id = ?1 ORDER BY l.id LIMIT 51",
     .params = {"1000"}},
    {"loans, maturing before 2025-01-01", LOANS, MANAGER, .loan = {.matures_before = "2025-01-01"},
     .bare_count = "SELECT count(*) FROM loan l WHERE l.matures_on < ?1",
     .bare_page = LOAN_COLUMNS LOAN_FROM " WHERE l.matures_on < ?1 ORDER BY l.id LIMIT 51",
     .params = {"20089"}},
};

typedef struct bench_env {
    core_store *store;
    core_session who[ROLES];
    char officer07[24], id_number[32], uscc[32];
} bench_env;

static core_session session_of(core_store *store, const char *username, core_role role)
{
    core_session s = {.role = role};
    snprintf(s.username, sizeof s.username, "%s", username);
    ld_error err;
    check(core_user_id(store, username, &s.user_id, &err), username, &err);
    return s;
}

static void text_of(core_store *store, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
}

/* The parameter as the bare query binds it. */
static const char *param_value(const bench_env *env, const bench_case *c, const char *p, char *buf,
                               size_t size)
{
    if (strcmp(p, "@OFFICER") == 0)
        snprintf(buf, size, "%" PRId64, env->who[c->role].user_id);
    else if (strcmp(p, "@OFFICER07") == 0)
        snprintf(buf, size, "%s", env->officer07);
    else if (strcmp(p, "@ID") == 0)
        snprintf(buf, size, "%s", env->id_number);
    else if (strcmp(p, "@USCC") == 0)
        snprintf(buf, size, "%s", env->uscc);
    else
        snprintf(buf, size, "%s", p);
    return buf;
}

static double store_run(const bench_env *env, const bench_case *c, int64_t *total, int *rows)
{
    core_page page = CORE_PAGE_FIRST;
    core_page_result r;
    ld_error err;
    core_borrower_filter bf = c->borrower;
    if (bf.id_number != NULL)
        bf.id_number = env->id_number;
    if (bf.credit_code != NULL)
        bf.credit_code = env->uscc;
    const core_session *who = &env->who[c->role];
    double t0 = now_ms();
    ld_status st =
        c->list == APPS ? core_application_list_page(env->store, who, &c->app, &page, &r, &err)
        : c->list == BORROWERS ? core_borrower_list_page(env->store, who, &bf, &page, &r, &err)
                               : ledger_loan_list_page(env->store, who, &c->loan, &page, &r, &err);
    double ms = now_ms() - t0;
    check(st, c->name, &err);
    *total = r.total;
    *rows = cJSON_GetArraySize(r.rows);
    core_page_result_free(&r);
    return ms;
}

/* The bare queries, prepared before timing; the page's columns are read. */
static double bare_run(sqlite3_stmt *count, sqlite3_stmt *page, int64_t *total)
{
    double t0 = now_ms();
    sqlite3_reset(count);
    if (sqlite3_step(count) == SQLITE_ROW)
        *total = sqlite3_column_int64(count, 0);
    sqlite3_reset(page);
    int64_t sink = 0;
    while (sqlite3_step(page) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(page); i++)
            sink += sqlite3_column_bytes(page, i);
    double ms = now_ms() - t0;
    return sink >= 0 ? ms : ms;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int n)
{
    qsort(values, (size_t)n, sizeof *values, by_double);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static sqlite3_stmt *prepare_bare(const bench_env *env, const bench_case *c, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(core_store_db(env->store), sql, -1, &stmt, NULL) != SQLITE_OK)
        die(c->name, sqlite3_errmsg(core_store_db(env->store)));
    char buf[64];
    for (int i = 0; i < BENCH_PARAMS_MAX && c->params[i] != NULL; i++)
        if (i < sqlite3_bind_parameter_count(stmt))
            sqlite3_bind_text(stmt, i + 1, param_value(env, c, c->params[i], buf, sizeof buf), -1,
                              SQLITE_TRANSIENT);
    return stmt;
}

static bool measure(const bench_env *env, const bench_case *c, int runs)
{
    double store_ms[MAX_RUNS], bare_ms[MAX_RUNS];
    int64_t total = 0, bare_total = 0;
    int rows = 0;
    sqlite3_stmt *count = prepare_bare(env, c, c->bare_count);
    sqlite3_stmt *page = prepare_bare(env, c, c->bare_page);
    /* one run of each first, so both start from a warm page cache */
    store_run(env, c, &total, &rows);
    bare_run(count, page, &bare_total);
    for (int i = 0; i < runs; i++) {
        store_ms[i] = store_run(env, c, &total, &rows);
        bare_ms[i] = bare_run(count, page, &bare_total);
    }
    sqlite3_finalize(count);
    sqlite3_finalize(page);
    double s = median(store_ms, runs), b = median(bare_ms, runs);
    printf("  %-44s %9" PRId64 " %4d %9.2f %9.2f %6.2f %s\n", c->name, total, rows, s, b,
           b > 0 ? s / b : 0.0, s <= TARGET_MS ? "" : "OVER");
    if (bare_total != total)
        printf("    (the bare count says %" PRId64 ")\n", bare_total);
    return s <= TARGET_MS;
}

static bool parse_count(const char *text, int64_t min, int64_t max, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        return false;
    *out = value;
    return true;
}

int main(int argc, char **argv)
{
    const char *path = "/tmp/loandesk-bench-lists.db", *gen = NULL;
    int64_t count = 1000000, runs = 15;
    static char gen_path[PATH_MAX_L];
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--db") == 0 && value)
            path = argv[++i];
        else if (strcmp(argv[i], "--count") == 0 && value &&
                 parse_count(value, 1000, 100000000, &count))
            i++;
        else if (strcmp(argv[i], "--runs") == 0 && value && parse_count(value, 1, MAX_RUNS, &runs))
            i++;
        else if (strcmp(argv[i], "--gen") == 0 && value)
            gen = argv[++i];
        else {
            fprintf(stderr, "usage: bench_lists [--db PATH] [--count N] [--runs R] [--gen PATH]\n");
            return 1;
        }
    }
    if (gen == NULL) {
        ssize_t n = readlink("/proc/self/exe", gen_path, sizeof gen_path - 16);
        if (n <= 0)
            die("finding bench_gen", "name it with --gen");
        gen_path[n] = '\0';
        char *slash = strrchr(gen_path, '/');
        snprintf(slash != NULL ? slash + 1 : gen_path, 16, "bench_gen");
        gen = gen_path;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("bench_lists: building a book of %" PRId64 " applications in %s\n", count, path);
        build_book(path, gen, count);
    } else {
        printf("bench_lists: reusing %s\n", path);
    }
    bench_env env = {0};
    ld_error err;
    check(core_store_open_existing(path, &env.store, &err), "opening", &err);
    /* Review steps, once per book: a fifth of the drafts came back from
     * review, a third of the rated files were referred to a manager. */
    check(core_store_exec(env.store,
                          "INSERT INTO application_step (application_id, kind, reason, user_id, "
                          "at) SELECT id, CASE state WHEN 'draft' THEN 'return' ELSE 'refer' END, "
                          "'bench', (SELECT id FROM app_user WHERE username = 'reviewer'), "
                          "created_at FROM application WHERE ((state = 'draft' AND id % 5 = 0) "
                          "OR (state = 'rated' AND id % 3 = 0)) AND NOT EXISTS (SELECT 1 FROM "
                          "application_step)",
                          &err),
          "adding review steps", &err);
    env.who[MANAGER] = session_of(env.store, "manager", CORE_ROLE_MANAGER);
    env.who[OFFICER] = session_of(env.store, "officer07", CORE_ROLE_OFFICER);
    env.who[SMALL_OFFICER] = session_of(env.store, "officer", CORE_ROLE_OFFICER);
    env.who[REVIEWER] = session_of(env.store, "reviewer", CORE_ROLE_REVIEWER);
    snprintf(env.officer07, sizeof env.officer07, "%" PRId64, env.who[OFFICER].user_id);
    text_of(env.store,
            "SELECT id_number FROM borrower WHERE kind = 'individual' ORDER BY id DESC LIMIT 1",
            env.id_number, sizeof env.id_number);
    text_of(env.store,
            "SELECT id_number FROM borrower WHERE kind = 'enterprise' ORDER BY id DESC LIMIT 1",
            env.uscc, sizeof env.uscc);
    char apps[32];
    text_of(env.store, "SELECT count(*) FROM application", apps, sizeof apps);
    printf("book: %s applications; first page of 50 rows and the total, median of %" PRId64
           " runs (ms)\n",
           apps, runs);
    printf("  %-44s %9s %4s %9s %9s %6s\n", "list and filter", "total", "rows", "store", "bare",
           "ratio");
    int met = 0, n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n; i++)
        met += measure(&env, &cases[i], (int)runs);
    printf("target: first page under %.0f ms: %d of %d filters\n", TARGET_MS, met, n);
    core_store_close(env.store);
    return 0;
}
