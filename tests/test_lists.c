/*
 * test_lists.c - lists a page at a time: applications, borrowers and loans.
 * Paging walks every row exactly once whatever the page size, the total is
 * the same on every page and counts only what the caller may see, limits
 * outside 1..1000 are refused naming `limit`, each filter narrows to exactly
 * the rows it names (Chinese substrings, `%` and `_` taken literally, the
 * effective grade after an override, inclusive date and amount bounds), bad
 * filter values are refused naming their field, the triggers that keep
 * the reviewer's customer scope agree with the rule they stand for, and a
 * name search through the character postings lists what a plain scan of
 * every name finds, however the names were renamed or deleted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"
#include "borrower.h"
#include "check.h"
#include "credit.h"
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
cJSON *fx_json(const char *text);
cJSON *fx_person(const char *first17);
cJSON *fx_company(const char *first17);
const char *fx_resident_id(char out[19], const char *first17);
const char *fx_credit_code(char out[19], const char *first17);
void fx_begin(fx *f);
int64_t fx_add_borrower(fx *f, const core_session *officer, cJSON *record);
int64_t fx_add_app(fx *f, const core_session *officer, int64_t borrower_id, const char *amount,
                   const char *extra_json);
void fx_add_investigation(fx *f, const core_session *officer, int64_t app_id);
void fx_submit(fx *f, const core_session *officer, int64_t app_id);
void fx_rate(fx *f, const core_session *who, int64_t app_id, const char *decision);
long long fx_count(fx *f, const char *sql);

#define EXPECT_ERR(call, err, code, fragment)                                                      \
    do {                                                                                           \
        CHECK_INT((call), (code));                                                                 \
        CHECK_CONTAINS((err).message, (fragment));                                                 \
    } while (0)

/* ---- a small book ----------------------------------------------------------- */

/* A person with a distinct resident ID (born 1990-05-01, sequence seq). */
static int64_t add_person(fx *f, const core_session *officer, int seq, const char *name)
{
    char first17[18];
    snprintf(first17, sizeof first17, "11010519900501%03d", seq);
    cJSON *b = fx_person(first17);
    cJSON_ReplaceItemInObject(b, "name", cJSON_CreateString(name));
    return fx_add_borrower(f, officer, b);
}

static const char *resident_id(int seq, char out[19])
{
    char first17[18];
    snprintf(first17, sizeof first17, "11010519900501%03d", seq);
    return fx_resident_id(out, first17);
}

static void submit(fx *f, const core_session *officer, int64_t app)
{
    fx_add_investigation(f, officer, app);
    fx_submit(f, officer, app);
}

/* off1: 12 customers with an application each (customer k applies for
 * 10,000 x (k + 1)), off2: 8. Customers 2, 5, 8, 11, 14 and 17 submit, and
 * of those 5, 11 and 17 are rated (grade A). */
typedef struct book {
    int64_t borrower[20], app[20];
    int officer1, officer2, submitted;
} book;

static void make_book(fx *f, book *bk)
{
    memset(bk, 0, sizeof *bk);
    static const char *const names[] = {"王小明", "李%华", "张_三",  "Acme Trading", "王大明",
                                        "陈晓",   "刘洋",  "赵敏",   "孙小美",       "周杰",
                                        "吴芳",   "郑爽",  "冯小刚", "韩梅梅",       "杨过",
                                        "小龙女", "郭靖",  "黄蓉",   "欧阳锋",       "李100%"};
    for (int i = 0; i < 20; i++) {
        const core_session *who = i < 12 ? &f->off1 : &f->off2;
        bk->borrower[i] = add_person(f, who, i + 1, names[i]);
        char amount[32];
        snprintf(amount, sizeof amount, "%d0000.00", i + 1);
        bk->app[i] = fx_add_app(f, who, bk->borrower[i], amount, NULL);
        if ((i + 1) % 3 == 0) {
            submit(f, who, bk->app[i]);
            bk->submitted++;
        }
        if ((i + 1) % 6 == 0)
            fx_rate(f, &f->rev1, bk->app[i], "approve");
    }
    bk->officer1 = 12;
    bk->officer2 = 8;
}

/* ---- walking pages ------------------------------------------------------------ */

typedef ld_status (*lister)(fx *f, const core_session *who, const void *filter,
                            const core_page *page, core_page_result *out, ld_error *err);

static ld_status list_apps(fx *f, const core_session *who, const void *filter,
                           const core_page *page, core_page_result *out, ld_error *err)
{
    return core_application_list_page(f->store, who, filter, page, out, err);
}

static ld_status list_borrowers(fx *f, const core_session *who, const void *filter,
                                const core_page *page, core_page_result *out, ld_error *err)
{
    return core_borrower_list_page(f->store, who, filter, page, out, err);
}

static ld_status list_loans(fx *f, const core_session *who, const void *filter,
                            const core_page *page, core_page_result *out, ld_error *err)
{
    return ledger_loan_list_page(f->store, who, filter, page, out, err);
}

#define MAX_ROWS 64

/* Walks every page of limit rows; ids[] gets the rows' ids in order. Checks
 * that every page reports the same total, that has_more and next_after agree
 * and that the rows add up to the total. Returns the row count, -1 on error. */
static int walk(fx *f, lister list, const core_session *who, const void *filter, int limit,
                int64_t ids[MAX_ROWS], int64_t *total_out)
{
    core_page page = {.limit = limit, .after = 0};
    int n = 0;
    int64_t total = -1;
    for (int pages = 0; pages <= MAX_ROWS; pages++) {
        core_page_result r;
        ld_error err;
        ld_status st = list(f, who, filter, &page, &r, &err);
        if (st != LD_OK) {
            fprintf(stderr, "walk: %s\n", err.message);
            return -1;
        }
        CHECK(total < 0 || r.total == total);
        total = r.total;
        int got = cJSON_GetArraySize(r.rows);
        CHECK(got <= limit);
        CHECK(r.has_more ? got == limit : r.next_after == 0);
        const cJSON *row;
        cJSON_ArrayForEach(row, r.rows)
        {
            if (n < MAX_ROWS)
                ids[n] = (int64_t)cJSON_GetObjectItemCaseSensitive(row, "id")->valuedouble;
            n++;
        }
        bool more = r.has_more;
        if (more)
            CHECK_INT(r.next_after, ids[n - 1]);
        page.after = r.next_after;
        core_page_result_free(&r);
        if (!more)
            break;
    }
    CHECK_INT(n, total);
    *total_out = total;
    return n;
}

static bool each_once(const int64_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (ids[i] == ids[j])
                return false;
    return true;
}

static bool ascending(const int64_t *ids, int n)
{
    for (int i = 1; i < n; i++)
        if (ids[i] <= ids[i - 1])
            return false;
    return true;
}

/* The rows and total of the first page (limit 1000), freed by the caller. */
static core_page_result first(fx *f, lister list, const core_session *who, const void *filter)
{
    core_page page = {.limit = CORE_PAGE_LIMIT_MAX};
    core_page_result r = {0};
    ld_error err;
    if (list(f, who, filter, &page, &r, &err) != LD_OK)
        fprintf(stderr, "first: %s\n", err.message);
    return r;
}

static int64_t total_of(fx *f, lister list, const core_session *who, const void *filter)
{
    core_page_result r = first(f, list, who, filter);
    int64_t total = r.rows != NULL ? r.total : -1;
    core_page_result_free(&r);
    return total;
}

static bool all_rows_have(const core_page_result *r, const char *key, const char *value)
{
    const cJSON *row;
    cJSON_ArrayForEach(row, r->rows)
    {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(row, key);
        if (!cJSON_IsString(item) || strcmp(item->valuestring, value) != 0)
            return false;
    }
    return true;
}

/* ---- paging ------------------------------------------------------------------- */

static void test_paging_walks_every_row_exactly_once_at_any_page_size(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    static const int limits[] = {1, 2, 3, 7, 19, 20, 21, 1000};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        int64_t ids[MAX_ROWS], total;
        CHECK_INT(walk(&f, list_apps, &f.mgr, NULL, limits[i], ids, &total), 20);
        CHECK(each_once(ids, 20) && ascending(ids, 20));
        CHECK_INT(walk(&f, list_borrowers, &f.aud, NULL, limits[i], ids, &total), 20);
        CHECK(each_once(ids, 20) && ascending(ids, 20));
    }
    /* A page after the last row is empty, with the total still right. */
    core_page page = {.limit = 5, .after = bk.app[19]};
    core_page_result r;
    ld_error err;
    CHECK_INT(core_application_list_page(f.store, &f.mgr, NULL, &page, &r, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(r.rows), 0);
    CHECK_INT(r.total, 20);
    CHECK(!r.has_more);
    core_page_result_free(&r);
    /* As one document for --json: rows, total, has_more, next_after. */
    page = (core_page){.limit = 5, .after = 0};
    CHECK_INT(core_application_list_page(f.store, &f.mgr, NULL, &page, &r, &err), LD_OK);
    cJSON *doc = core_page_result_json(&r);
    CHECK(r.rows == NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "rows")), 5);
    CHECK_INT(cJSON_GetObjectItemCaseSensitive(doc, "total")->valuedouble, 20);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "has_more")));
    CHECK_INT(cJSON_GetObjectItemCaseSensitive(doc, "next_after")->valuedouble, bk.app[4]);
    cJSON_Delete(doc);
    fx_close(&f);
}

static void test_limit_outside_1_to_1000_is_refused_naming_limit(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_page_result r;
    static const int bad[] = {0, -1, 1001, 2000000000};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        core_page page = {.limit = bad[i]};
        EXPECT_ERR(core_application_list_page(f.store, &f.mgr, NULL, &page, &r, &err), err,
                   LD_EINVAL, "limit");
        EXPECT_ERR(core_borrower_list_page(f.store, &f.mgr, NULL, &page, &r, &err), err, LD_EINVAL,
                   "limit");
        EXPECT_ERR(ledger_loan_list_page(f.store, &f.mgr, NULL, &page, &r, &err), err, LD_EINVAL,
                   "limit");
    }
    core_page negative = {.limit = 10, .after = -1};
    EXPECT_ERR(core_application_list_page(f.store, &f.mgr, NULL, &negative, &r, &err), err,
               LD_EINVAL, "after");
    static const int good[] = {1, 50, 1000};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        core_page page = {.limit = good[i]};
        CHECK_INT(core_application_list_page(f.store, &f.mgr, NULL, &page, &r, &err), LD_OK);
        core_page_result_free(&r);
    }
    /* No page given: the first 50. */
    add_person(&f, &f.off1, 1, "王小明");
    CHECK_INT(core_borrower_list_page(f.store, &f.mgr, NULL, NULL, &r, &err), LD_OK);
    CHECK_INT(r.total, 1);
    core_page_result_free(&r);
    fx_close(&f);
}

static void test_legacy_lists_keep_their_shape(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    cJSON *rows = NULL;
    ld_error err;
    CHECK_INT(core_borrower_list(f.store, &f.off1, &rows, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(rows), 12);
    cJSON_Delete(rows);
    core_application_filter one = {.limit = 1};
    CHECK_INT(core_application_list(f.store, &f.mgr, &one, &rows, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(rows), 1);
    cJSON_Delete(rows);
    fx_close(&f);
}

/* ---- scope -------------------------------------------------------------------- */

static void test_an_officer_never_sees_another_officers_rows_nor_counts_them(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    int64_t ids[MAX_ROWS], total;
    CHECK_INT(walk(&f, list_apps, &f.off1, NULL, 5, ids, &total), bk.officer1);
    CHECK_INT(walk(&f, list_apps, &f.off2, NULL, 3, ids, &total), bk.officer2);
    for (int i = 0; i < bk.officer2; i++)
        CHECK(ids[i] >= bk.app[12]);
    CHECK_INT(walk(&f, list_borrowers, &f.off2, NULL, 4, ids, &total), bk.officer2);
    /* Filters do not widen the scope: off2 asking for off1's customers. */
    core_application_filter theirs = {.officer = "off1"};
    CHECK_INT(total_of(&f, list_apps, &f.off2, &theirs), 0);
    core_borrower_filter by_name = {.name = "王小明"};
    CHECK_INT(total_of(&f, list_borrowers, &f.off2, &by_name), 0);
    CHECK_INT(total_of(&f, list_borrowers, &f.off1, &by_name), 1);
    core_page_result r = first(&f, list_apps, &f.off1, NULL);
    CHECK(all_rows_have(&r, "officer", "off1"));
    core_page_result_free(&r);
    fx_close(&f);
}

static void test_reviewers_see_submitted_work_only_and_admins_nothing(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    CHECK_INT(total_of(&f, list_apps, &f.rev1, NULL), bk.submitted);
    CHECK_INT(total_of(&f, list_borrowers, &f.rev1, NULL), bk.submitted);
    core_application_filter drafts = {.state = "draft"};
    CHECK_INT(total_of(&f, list_apps, &f.rev1, &drafts), 0);
    CHECK_INT(total_of(&f, list_apps, &f.mgr, &drafts), 20 - bk.submitted);
    /* Withdrawing the only submitted application hides the customer again. */
    ld_error err;
    fx_begin(&f);
    CHECK_INT(
        core_application_withdraw(f.store, &f.off1, bk.app[2], "customer changed plans", &err),
        LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_INT(total_of(&f, list_borrowers, &f.rev1, NULL), bk.submitted - 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower b WHERE b.under_review <> EXISTS "
                           "(SELECT 1 FROM application a WHERE a.borrower_id = b.id AND "
                           "a.state NOT IN ('draft', 'withdrawn'))"),
              0);
    core_page_result r;
    EXPECT_ERR(core_application_list_page(f.store, &f.admin, NULL, NULL, &r, &err), err, LD_EPERM,
               "permission denied");
    EXPECT_ERR(core_borrower_list_page(f.store, &f.admin, NULL, NULL, &r, &err), err, LD_EPERM,
               "permission denied");
    EXPECT_ERR(ledger_loan_list_page(f.store, &f.admin, NULL, NULL, &r, &err), err, LD_EPERM,
               "permission denied");
    fx_close(&f);
}

/* ---- application filters ------------------------------------------------------ */

/* Moves an application's creation to 2026-month-day_of_month, 08:00 UTC. */
static void set_created(fx *f, int64_t app, int month, int day_of_month)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE application SET created_at = '2026-%02d-%02dT08:00:00Z' WHERE id = %lld",
             month, day_of_month, (long long)app);
    fx_count(f, sql);
}

static void test_application_filters_narrow_to_exactly_their_rows(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    /* Creation days: customer k applied on 2026-01-(k+1). */
    for (int i = 0; i < 20; i++)
        set_created(&f, bk.app[i], 1, i + 1);
    ld_error err;
    fx_begin(&f);
    core_rating_summary terms;
    CHECK_INT(core_rating_latest(f.store, bk.app[5], &terms, &err), LD_OK);
    snprintf(terms.grade, sizeof terms.grade, "BB");
    CHECK_INT(
        core_rating_override(f.store, &f.rev1, bk.app[5], "BB", "thin file", &terms, "{}", &err),
        LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    static const struct {
        core_application_filter filter;
        int64_t total;
    } cases[] = {
        {{.state = "submitted"}, 3},
        {{.state = "rated"}, 3},
        {{.officer = "off2"}, 8},
        {{.officer = "off2", .state = "submitted"}, 1},
        {{.product = "PCL"}, 20},
        {{.product = "PBL"}, 0},
        {{.grade = "A"}, 2},  /* customers 11 and 17; 5 was overridden */
        {{.grade = "BB"}, 1}, /* the override is the effective grade */
        {{.created_from = "2026-01-05", .created_to = "2026-01-07"}, 3},
        {{.created_from = "2026-01-20"}, 1},
        {{.created_to = "2026-01-01"}, 1},
        {{.amount_min = "50000.00", .amount_max = "70000.00"}, 3},
        {{.amount_min = "200000.00"}, 1},
        {{.amount_max = "10000.00"}, 1},
        {{.amount_min = "0.00"}, 20},
        {{.borrower_id = 1}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ids[MAX_ROWS], total;
        int n = walk(&f, list_apps, &f.mgr, &cases[i].filter, 2, ids, &total);
        if (n != cases[i].total)
            fprintf(stderr, "application filter case %zu\n", i);
        CHECK_INT(n, cases[i].total);
        CHECK(each_once(ids, n));
    }
    core_application_filter graded = {.grade = "BB"};
    core_page_result r = first(&f, list_apps, &f.mgr, &graded);
    CHECK(all_rows_have(&r, "grade", "BB"));
    core_page_result_free(&r);
    fx_close(&f);
}

static void test_a_date_range_lists_in_creation_order_across_pages(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    /* Creation order runs against id order, with ties on one instant. */
    for (int i = 0; i < 20; i++)
        set_created(&f, bk.app[i], 2, 20 - i / 2);
    core_application_filter range = {.created_from = "2026-02-01", .created_to = "2026-02-28"};
    int64_t ids[MAX_ROWS], total;
    CHECK_INT(walk(&f, list_apps, &f.mgr, &range, 3, ids, &total), 20);
    CHECK(each_once(ids, 20));
    CHECK_INT(ids[0], bk.app[18]); /* 02-11, the lower id of the pair first */
    CHECK_INT(ids[1], bk.app[19]);
    CHECK_INT(ids[19], bk.app[1]);
    fx_close(&f);
}

static void test_bad_application_filter_values_are_refused_naming_the_field(void)
{
    fx f;
    fx_open(&f);
    static const struct {
        core_application_filter filter;
        const char *field;
    } cases[] = {
        {{.state = "pending"}, "state"},
        {{.officer = "nobody"}, "officer"},
        {{.product = "P C L"}, "product"},
        {{.product = ""}, "product"},
        {{.grade = "E"}, "grade"},
        {{.created_from = "2026-02-30"}, "created_from"},
        {{.created_to = "yesterday"}, "created_to"},
        {{.created_from = "2026-03-01", .created_to = "2026-02-01"}, "created_to"},
        {{.amount_min = "-1.00"}, "amount_min"},
        {{.amount_max = "12.345"}, "amount_max"},
        {{.amount_min = "10.00", .amount_max = "9.99"}, "amount_max"},
        {{.borrower_id = -3}, "borrower_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        core_page_result r;
        ld_error err;
        EXPECT_ERR(core_application_list_page(f.store, &f.mgr, &cases[i].filter, NULL, &r, &err),
                   err, LD_EINVAL, cases[i].field);
    }
    fx_close(&f);
}

/* ---- borrower filters --------------------------------------------------------- */

static void test_borrower_name_search_is_literal_and_finds_chinese_substrings(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    add_person(&f, &f.off1, 30, "Ab_c%d");
    add_person(&f, &f.off1, 31, "AbXcYd");
    static const struct {
        const char *name;
        int64_t total;
    } cases[] = {
        {"小明", 1},   /* 王小明 */
        {"王", 2},     /* 王小明, 王大明 */
        {"明", 2},     /* 王小明, 王大明 */
        {"小", 4},     /* 王小明, 孙小美, 冯小刚, 小龙女 */
        {"%", 3},      /* 李%华, 李100%, Ab_c%d */
        {"_", 2},      /* 张_三, Ab_c%d */
        {"李%", 1},    /* 李%华: % is not a wildcard */
        {"100%", 1},   /* 李100% */
        {"acme", 1},   /* Latin letters in either case */
        {"ACME T", 1}, /* Acme Trading */
        {"b_c%", 1},   /* Ab_c%d, not AbXcYd: literal beside Latin letters too */
        {"B_C", 1},    /* Ab_c%d */
        {"abx", 1},    /* AbXcYd */
        {"王明", 0},   /* not a subsequence match */
        {"\\", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        core_borrower_filter filter = {.name = cases[i].name};
        int64_t ids[MAX_ROWS], total;
        int n = walk(&f, list_borrowers, &f.mgr, &filter, 1, ids, &total);
        if (n != cases[i].total)
            fprintf(stderr, "name case \"%s\"\n", cases[i].name);
        CHECK_INT(n, cases[i].total);
    }
    core_borrower_filter empty = {.name = ""};
    core_page_result r;
    ld_error err;
    EXPECT_ERR(core_borrower_list_page(f.store, &f.mgr, &empty, NULL, &r, &err), err, LD_EINVAL,
               "name");
    fx_close(&f);
}

/* ---- name search against the plain scan ------------------------------------ */

/* A small deterministic generator (a 64-bit LCG), so a failure repeats. */
static unsigned next_random(uint64_t *state, unsigned below)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)(*state >> 33) % below;
}

/* Few distinct characters, so random texts match often: Chinese, Latin in
 * both cases, the LIKE wildcards and the escape, and a space. */
static const char *const name_alphabet[] = {"王", "李", "小", "明", "公", "司", "a", "A",
                                            "b",  "B",  "c",  "%",  "_",  "\\", " ", "1"};

static void random_text(uint64_t *state, int chars, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < chars; i++) {
        const char *c = name_alphabet[next_random(
            state, (unsigned)(sizeof name_alphabet / sizeof name_alphabet[0]))];
        size_t len = strlen(c);
        if (n + len + 1 > size)
            break;
        memcpy(out + n, c, len + 1);
        n += len;
    }
}

/* The text with ASCII letters lowered: LIKE's and lower()'s folding. */
static void fold_latin(const char *text, char *out, size_t size)
{
    size_t n = 0;
    for (; *text != '\0' && n + 1 < size; text++)
        out[n++] = *text >= 'A' && *text <= 'Z' ? (char)(*text - 'A' + 'a') : *text;
    out[n] = '\0';
}

static void exec_bound(fx *f, const char *sql, int64_t id, const char *text)
{
    sqlite3_stmt *stmt = NULL;
    CHECK_INT(sqlite3_prepare_v2(core_store_db(f->store), sql, -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, id);
    if (text != NULL)
        sqlite3_bind_text(stmt, 2, text, -1, SQLITE_TRANSIENT);
    CHECK_INT(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
}

#define SCAN_ROWS_MAX 1000

/* The ids a plain scan of every borrower finds for the text within the
 * caller's scope (officer's own, reviewer's under review), in id order. */
static int plain_scan(fx *f, const core_session *who, const char *text, int64_t *ids)
{
    static const char sql[] = "SELECT id, name, officer_id, under_review FROM borrower ORDER BY id";
    sqlite3_stmt *stmt = NULL;
    CHECK_INT(sqlite3_prepare_v2(core_store_db(f->store), sql, -1, &stmt, NULL), SQLITE_OK);
    char wanted[128], name[256];
    fold_latin(text, wanted, sizeof wanted);
    int n = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW && n < SCAN_ROWS_MAX) {
        fold_latin((const char *)sqlite3_column_text(stmt, 1), name, sizeof name);
        bool in_scope = who->role == CORE_ROLE_OFFICER
                            ? sqlite3_column_int64(stmt, 2) == who->user_id
                        : who->role == CORE_ROLE_REVIEWER ? sqlite3_column_int(stmt, 3) == 1
                                                          : true;
        if (in_scope && strstr(name, wanted) != NULL)
            ids[n++] = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return n;
}

/* Lists the text as who and compares rows and total with the plain scan;
 * false (after saying which text) when they differ. */
static bool search_equals_scan(fx *f, const core_session *who, const char *kind, const char *text)
{
    static int64_t expected[SCAN_ROWS_MAX];
    int n = plain_scan(f, who, text, expected);
    core_borrower_filter filter = {.name = text, .kind = kind};
    core_page page = {.limit = CORE_PAGE_LIMIT_MAX};
    core_page_result r = {0};
    ld_error err;
    bool same = core_borrower_list_page(f->store, who, &filter, &page, &r, &err) == LD_OK &&
                r.total == n && cJSON_GetArraySize(r.rows) == n;
    for (int i = 0; same && i < n; i++)
        same = (int64_t)cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(r.rows, i), "id")
                   ->valuedouble == expected[i];
    if (!same)
        fprintf(stderr, "name search \"%s\" as role %d: %lld listed, %d scanned\n", text,
                (int)who->role, (long long)r.total, n);
    core_page_result_free(&r);
    return same;
}

/* The postings hold exactly the characters of the names as they are now,
 * each with its borrower's under_review: none missing, none left from an
 * old name. */
static long long postings_out_of_step(fx *f)
{
    return fx_count(f, "WITH RECURSIVE at(id, name, under_review, n) AS (SELECT id, lower(name), "
                       "under_review, 1 FROM borrower UNION ALL SELECT id, name, under_review, "
                       "n + 1 FROM at WHERE n < length(name)), expected AS (SELECT substr(name, "
                       "n, 1), id, under_review FROM at) SELECT count(*) FROM (SELECT * FROM "
                       "expected EXCEPT SELECT ch, borrower_id, under_review FROM "
                       "borrower_name_char UNION ALL SELECT * FROM (SELECT ch, borrower_id, "
                       "under_review FROM borrower_name_char EXCEPT SELECT * FROM expected))");
}

/* Random texts of 1 to 6 characters, and pieces of real names with their
 * Latin case flipped, as a manager, a reviewer, an officer and with a kind
 * filter: every search lists what the plain scan finds, before and after
 * renames (through the store and raw SQL) and deletes. common is the store's
 * threshold of a common character (0: the default). */
static void name_search_equals_the_plain_scan(int64_t common)
{
    fx f;
    fx_open(&f);
    core_store_set_name_common(f.store, common);
    uint64_t state = 20261129;
    int64_t ids[160];
    int count = (int)(sizeof ids / sizeof ids[0]);
    for (int i = 0; i < count; i++) {
        char name[64];
        random_text(&state, 1 + (int)next_random(&state, 8), name, sizeof name);
        if (strspn(name, " ") == strlen(name))
            snprintf(name, sizeof name, "%s", "王"); /* the store refuses a blank name */
        ids[i] = add_person(&f, i % 3 == 0 ? &f.off2 : &f.off1, i + 1, name);
    }
    exec_bound(&f, "UPDATE borrower SET under_review = 1 WHERE id % ?1 = 0", 3, NULL);
    const core_session *who[] = {&f.mgr, &f.rev1, &f.off1, &f.aud};
    for (int round = 0; round < 3; round++) {
        CHECK_INT(postings_out_of_step(&f), 0);
        for (int q = 0; q < 150; q++) {
            char text[64];
            random_text(&state, 1 + (int)next_random(&state, 6), text, sizeof text);
            const char *kind = q % 7 == 0 ? "individual" : NULL;
            CHECK(search_equals_scan(&f, who[q % 4], kind, text));
        }
        for (int q = 0; q < 50; q++) { /* a piece of a real name, its Latin case flipped */
            char text[64] = "";
            sqlite3_stmt *stmt = NULL;
            CHECK_INT(sqlite3_prepare_v2(core_store_db(f.store),
                                         "SELECT substr(name, ?2, ?3) FROM borrower "
                                         "ORDER BY id LIMIT 1 OFFSET ?1",
                                         -1, &stmt, NULL),
                      SQLITE_OK);
            sqlite3_bind_int(stmt, 1, (int)next_random(&state, 100));
            sqlite3_bind_int(stmt, 2, 1 + (int)next_random(&state, 3));
            sqlite3_bind_int(stmt, 3, 1 + (int)next_random(&state, 4));
            if (sqlite3_step(stmt) == SQLITE_ROW)
                snprintf(text, sizeof text, "%s", (const char *)sqlite3_column_text(stmt, 0));
            sqlite3_finalize(stmt);
            for (char *c = text; *c != '\0'; c++)
                if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
                    *c = (char)(*c ^ 0x20);
            if (text[0] != '\0')
                CHECK(search_equals_scan(&f, who[q % 4], NULL, text));
        }
        /* the reviewer's scope moves for some (the postings carry it) */
        exec_bound(&f, "UPDATE borrower SET under_review = 1 - under_review WHERE id % 5 = ?1",
                   round, NULL);
        /* renames: some by raw SQL (the triggers alone), one through the store */
        for (int i = 0; i < 30; i++) {
            char name[64];
            random_text(&state, 1 + (int)next_random(&state, 8), name, sizeof name);
            exec_bound(&f, "UPDATE borrower SET name = ?2 WHERE id = ?1",
                       ids[next_random(&state, (unsigned)count)], name);
        }
        cJSON *change = fx_json("{\"name\": \"王A%明_\"}");
        ld_error err;
        fx_begin(&f);
        CHECK_INT(core_borrower_update(f.store, (1 + round) % 3 == 0 ? &f.off2 : &f.off1,
                                       ids[1 + round], change, &err),
                  LD_OK);
        CHECK_INT(core_store_commit(f.store, &err), LD_OK);
        cJSON_Delete(change);
        /* deletes: borrowers without applications, so nothing refers to them;
         * the first ten stay for the renames through the store */
        for (int i = 0; i < 10; i++)
            exec_bound(&f, "DELETE FROM borrower WHERE id = ?1",
                       ids[10 + next_random(&state, (unsigned)count - 10)], NULL);
    }
    CHECK_INT(postings_out_of_step(&f), 0);
    fx_close(&f);
}

static void test_name_search_equals_the_plain_scan_after_renames_and_deletes(void)
{
    name_search_equals_the_plain_scan(0);
}

/* Every character common: searches of three or more characters go through
 * the trigram index, which the renames and deletes must keep in step. */
static void test_trigram_search_equals_the_plain_scan_after_renames_and_deletes(void)
{
    name_search_equals_the_plain_scan(1);
}

static void test_borrower_identity_search_is_exact_and_keeps_the_mask(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    char id[19], masked[64];
    resident_id(2, id);
    core_mask_id_number(id, masked, sizeof masked);
    core_borrower_filter by_id = {.id_number = id};
    core_page_result r = first(&f, list_borrowers, &f.mgr, &by_id);
    CHECK_INT(r.total, 1);
    CHECK(all_rows_have(&r, "id_number", masked)); /* a manager reads it masked */
    core_page_result_free(&r);
    r = first(&f, list_borrowers, &f.off1, &by_id);
    CHECK(all_rows_have(&r, "id_number", id)); /* the customer's officer whole */
    CHECK_INT(r.total, 1);
    core_page_result_free(&r);
    CHECK_INT(total_of(&f, list_borrowers, &f.off2, &by_id), 0);
    char code[19];
    int64_t company = fx_add_borrower(&f, &f.off2, fx_company(NULL));
    CHECK(company > 0);
    core_borrower_filter by_code = {.credit_code = fx_credit_code(code, "91310000MA1FL2A3B")};
    CHECK_INT(total_of(&f, list_borrowers, &f.aud, &by_code), 1);
    core_borrower_filter enterprises = {.kind = "enterprise"};
    CHECK_INT(total_of(&f, list_borrowers, &f.aud, &enterprises), 1);
    core_borrower_filter of_off2 = {.officer = "off2"};
    CHECK_INT(total_of(&f, list_borrowers, &f.mgr, &of_off2), 9);
    char wrong[19];
    resident_id(1, wrong);
    wrong[17] = wrong[17] == '0' ? '1' : '0'; /* the check character no longer fits */
    const struct {
        core_borrower_filter filter;
        const char *field;
    } bad[] = {
        {{.id_number = wrong}, "id_number"},
        {{.id_number = "1101"}, "id_number"},
        {{.credit_code = "91310000MA1FL2A3X"}, "credit_code"},
        {{.kind = "person"}, "kind"},
        {{.officer = "ghost"}, "officer"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ld_error err;
        EXPECT_ERR(core_borrower_list_page(f.store, &f.mgr, &bad[i].filter, NULL, &r, &err), err,
                   LD_EINVAL, bad[i].field);
    }
    fx_close(&f);
}

/* ---- loans -------------------------------------------------------------------- */

static ld_date day(const char *text)
{
    ld_date d = 0;
    ld_date_parse("date", text, &d, NULL);
    return d;
}

/* A loan of borrower_id straight into the ledger's table, with the state a
 * list shows. */
static void add_loan(fx *f, int64_t borrower_id, const char *product, int status, int64_t dpd,
                     const char *disbursed, int months)
{
    static int serial;
    ledger_loan l;
    memset(&l, 0, sizeof l);
    snprintf(l.contract_no, sizeof l.contract_no, "HT-TEST-%d", ++serial);
    l.borrower_id = borrower_id;
    l.officer_id = 1;
    snprintf(l.product, sizeof l.product, "%s", product);
    l.amount = 10000000;
    l.rate = 50000;
    l.months_each = 1;
    l.installments = months;
    l.disbursed_on = day(disbursed);
    l.closed_on = LEDGER_NO_DATE;
    l.s.status = (ledger_loan_status)status;
    l.s.principal = l.amount;
    l.s.dpd = dpd;
    l.s.floor = l.s.category = ledger_category_floor(dpd);
    l.s.manual = LEDGER_CATEGORY_NONE;
    l.s.oldest_unpaid_due = LEDGER_NO_DATE;
    ledger_loan_set_next(&l.s, 1, ld_date_add_months(l.disbursed_on, 1), 100, 10, 0);
    ld_error err;
    fx_begin(f);
    if (ledger_loan_migrate(f->store, &err) != LD_OK || ledger_loan_insert(f->store, &l, &err))
        fprintf(stderr, "add_loan: %s\n", err.message);
    CHECK_INT(core_store_commit(f->store, &err), LD_OK);
}

static void test_loan_filters_and_scope(void)
{
    fx f;
    fx_open(&f);
    book bk;
    make_book(&f, &bk);
    /* off1's customers 0..4, off2's 12..14; customers 2 and 14 are under
     * review. Maturity: disbursement + months. */
    add_loan(&f, bk.borrower[0], "PCL", LEDGER_LOAN_ACTIVE, 0, "2025-01-10", 12);
    add_loan(&f, bk.borrower[1], "PCL", LEDGER_LOAN_ACTIVE, 30, "2025-03-10", 24);
    add_loan(&f, bk.borrower[2], "PBL", LEDGER_LOAN_ACTIVE, 95, "2024-06-30", 12);
    add_loan(&f, bk.borrower[3], "PBL", LEDGER_LOAN_SETTLED, 0, "2023-01-31", 12);
    add_loan(&f, bk.borrower[4], "PML", LEDGER_LOAN_WRITTEN_OFF, 400, "2022-05-01", 36);
    add_loan(&f, bk.borrower[12], "PCL", LEDGER_LOAN_ACTIVE, 1, "2025-06-01", 6);
    add_loan(&f, bk.borrower[13], "PCL", LEDGER_LOAN_ACTIVE, 0, "2025-06-01", 60);
    add_loan(&f, bk.borrower[14], "SWC", LEDGER_LOAN_ACTIVE, 271, "2024-01-01", 12);
    static const struct {
        ledger_loan_filter filter;
        int64_t total;
    } cases[] = {
        {{0}, 8},
        {{.state = "active"}, 6},
        {{.state = "settled"}, 1},
        {{.state = "written_off"}, 1},
        {{.category = "normal"}, 3},
        {{.category = "special_mention"}, 2},
        {{.category = "substandard"}, 1},
        {{.category = "doubtful"}, 1},
        {{.category = "loss"}, 1},
        {{.dpd_min = 1}, 5},
        {{.dpd_min = 91}, 3},
        {{.dpd_min = 400}, 1},
        {{.dpd_min = 401}, 0},
        {{.officer = "off2"}, 3},
        {{.officer = "off2", .dpd_min = 1}, 2},
        {{.product = "PCL"}, 4},
        {{.matures_before = "2025-01-01"}, 1}, /* 2024-01-31; 2025-01-01 is not before */
        {{.matures_before = "2026-01-10"}, 5},
        {{.state = "active", .product = "PCL", .dpd_min = 1}, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ids[MAX_ROWS], total;
        int n = walk(&f, list_loans, &f.mgr, &cases[i].filter, 2, ids, &total);
        if (n != cases[i].total)
            fprintf(stderr, "loan filter case %zu\n", i);
        CHECK_INT(n, cases[i].total);
        CHECK(each_once(ids, n) && ascending(ids, n));
    }
    CHECK_INT(total_of(&f, list_loans, &f.off1, NULL), 5);
    CHECK_INT(total_of(&f, list_loans, &f.off2, NULL), 3);
    ledger_loan_filter theirs = {.officer = "off1"};
    CHECK_INT(total_of(&f, list_loans, &f.off2, &theirs), 0);
    CHECK_INT(total_of(&f, list_loans, &f.rev1, NULL), 2); /* customers 2 and 14 */
    core_page_result r = first(&f, list_loans, &f.off2, NULL);
    CHECK(all_rows_have(&r, "officer", "off2"));
    core_page_result_free(&r);
    static const struct {
        ledger_loan_filter filter;
        const char *field;
    } bad[] = {
        {{.state = "open"}, "state"},
        {{.category = "bad"}, "category"},
        {{.dpd_min = -1}, "dpd_min"},
        {{.product = "a b"}, "product"},
        {{.matures_before = "2025-13-01"}, "matures_before"},
        {{.officer = "ghost"}, "officer"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ld_error err;
        EXPECT_ERR(ledger_loan_list_page(f.store, &f.mgr, &bad[i].filter, NULL, &r, &err), err,
                   LD_EINVAL, bad[i].field);
    }
    fx_close(&f);
}

/* A list reads its page one of two ways, chosen by the total: through the
 * filter's index when few rows match (at most CORE_LIST_FEW_ROWS pages), by
 * walking in id order otherwise. With 45 matches, pages of 1 walk and pages
 * of 3 go through the index: both must list the same rows. */
static void test_both_ways_of_reading_a_page_list_the_same_rows(void)
{
    fx f;
    fx_open(&f);
    for (int i = 0; i < 45; i++) {
        char name[32], amount[32];
        snprintf(name, sizeof name, "王某%d", i);
        snprintf(amount, sizeof amount, "%d000.00", 10 + i);
        int64_t borrower = add_person(&f, &f.off1, i + 1, name);
        fx_add_app(&f, &f.off1, borrower, amount, NULL);
        add_loan(&f, borrower, "PCL", LEDGER_LOAN_ACTIVE, i % 2, "2025-01-10", 12);
        if (i % 9 == 0) /* rows of another officer between them */
            add_loan(&f, add_person(&f, &f.off2, 100 + i, "李四"), "PCL", 0, 0, "2025-01-10", 12);
    }
    static const core_application_filter all_amounts = {.amount_min = "0.00"};
    static const core_application_filter of_off1 = {.officer = "off1"};
    static const core_borrower_filter named = {.name = "王"};
    static const ledger_loan_filter loans_of_off1 = {.officer = "off1"};
    static const ledger_loan_filter normal = {.category = "normal", .officer = "off1"};
    const struct {
        lister list;
        const core_session *who;
        const void *filter;
        int total;
    } cases[] = {
        {list_apps, &f.off1, NULL, 45},           {list_apps, &f.mgr, &of_off1, 45},
        {list_apps, &f.mgr, &all_amounts, 45},    {list_borrowers, &f.mgr, &named, 45},
        {list_borrowers, &f.rev1, NULL, 0},       {list_loans, &f.off1, NULL, 45},
        {list_loans, &f.mgr, &loans_of_off1, 45}, {list_loans, &f.mgr, &normal, 23},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t walked[MAX_ROWS], indexed[MAX_ROWS], total;
        int n = walk(&f, cases[i].list, cases[i].who, cases[i].filter, 1, walked, &total);
        CHECK_INT(n, cases[i].total);
        CHECK_INT(walk(&f, cases[i].list, cases[i].who, cases[i].filter, 3, indexed, &total), n);
        CHECK(n <= MAX_ROWS && memcmp(walked, indexed, (size_t)n * sizeof walked[0]) == 0);
        CHECK(each_once(walked, n) && ascending(walked, n));
    }
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"paging_walks_every_row_exactly_once_at_any_page_size",
         test_paging_walks_every_row_exactly_once_at_any_page_size},
        {"limit_outside_1_to_1000_is_refused_naming_limit",
         test_limit_outside_1_to_1000_is_refused_naming_limit},
        {"legacy_lists_keep_their_shape", test_legacy_lists_keep_their_shape},
        {"an_officer_never_sees_another_officers_rows_nor_counts_them",
         test_an_officer_never_sees_another_officers_rows_nor_counts_them},
        {"reviewers_see_submitted_work_only_and_admins_nothing",
         test_reviewers_see_submitted_work_only_and_admins_nothing},
        {"application_filters_narrow_to_exactly_their_rows",
         test_application_filters_narrow_to_exactly_their_rows},
        {"a_date_range_lists_in_creation_order_across_pages",
         test_a_date_range_lists_in_creation_order_across_pages},
        {"bad_application_filter_values_are_refused_naming_the_field",
         test_bad_application_filter_values_are_refused_naming_the_field},
        {"borrower_name_search_is_literal_and_finds_chinese_substrings",
         test_borrower_name_search_is_literal_and_finds_chinese_substrings},
        {"name_search_equals_the_plain_scan_after_renames_and_deletes",
         test_name_search_equals_the_plain_scan_after_renames_and_deletes},
        {"trigram_search_equals_the_plain_scan_after_renames_and_deletes",
         test_trigram_search_equals_the_plain_scan_after_renames_and_deletes},
        {"borrower_identity_search_is_exact_and_keeps_the_mask",
         test_borrower_identity_search_is_exact_and_keeps_the_mask},
        {"loan_filters_and_scope", test_loan_filters_and_scope},
        {"both_ways_of_reading_a_page_list_the_same_rows",
         test_both_ways_of_reading_a_page_list_the_same_rows},
    };
    return CHECK_RUN(argc, argv, cases);
}
