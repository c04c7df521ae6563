/*
 * page.h - one page of a list (applications, borrowers, loans) and what a
 * front end needs to show it: the rows, how many rows match in all, and where
 * the next page starts.
 *
 * Paging is by keyset, not by offset: a page asks for the rows after the id of
 * the last row it has seen, so page 10,000 costs what page 1 costs, and a row
 * added or changed meanwhile neither repeats nor hides a row of a later page.
 * Rows come in id order unless a list says otherwise (the application list
 * orders by creation time when filtered by creation date); the cursor is
 * always the id of the last row seen, and the list finds that row's place in
 * its order itself.
 *
 * total counts every row that matches the filter and that the caller may see
 * (the data scope of permission.h), on every page, so a front end can say
 * "50 of 20,008" and show that more rows exist.
 */
#ifndef LD_PAGE_H
#define LD_PAGE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "ld_error.h"

#define CORE_PAGE_LIMIT_DEFAULT 50
#define CORE_PAGE_LIMIT_MAX     1000

typedef struct core_page {
    int limit;     /* rows per page, 1..CORE_PAGE_LIMIT_MAX */
    int64_t after; /* id of the last row seen; 0 = from the start */
} core_page;

/* The first page of CORE_PAGE_LIMIT_DEFAULT rows. */
#define CORE_PAGE_FIRST ((core_page){.limit = CORE_PAGE_LIMIT_DEFAULT, .after = 0})

typedef struct core_page_result {
    cJSON *rows;        /* JSON array of row objects; the caller owns it */
    int64_t total;      /* rows matching in all pages, within the caller's scope */
    bool has_more;      /* rows follow this page */
    int64_t next_after; /* page.after for the next page; 0 when !has_more */
} core_page_result;

/* LD_EINVAL naming "limit" (outside 1..CORE_PAGE_LIMIT_MAX) or "after"
 * (negative). page may be NULL, meaning CORE_PAGE_FIRST; *out gets the page
 * to run. */
ld_status core_page_check(const core_page *page, core_page *out, ld_error *err);

/* The page as one JSON document, as front ends print it with --json:
 * {"rows": [...], "total": N, "has_more": true|false, "next_after": id}
 * (next_after 0 when no rows follow). The rows move into the document:
 * *result is cleared. NULL on out of memory, with *result left as it was. */
cJSON *core_page_result_json(core_page_result *result);

/* Frees the rows and clears the result; NULL is harmless. */
void core_page_result_free(core_page_result *result);

#endif
