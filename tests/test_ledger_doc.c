/*
 * test_ledger_doc.c - docs/ledger.md says what verification covers, table by
 * table, and this keeps it true: the table in section 8 between the
 * coverage:begin and coverage:end markers must be exactly the one made here
 * from the covered tables the code records (ledger_rows_table), and every
 * table of a new book must be either covered or named as not covered in the
 * paragraph that follows it. On a difference the expected table is printed;
 * LOANDESK_PRINT_COVERAGE=1 prints it alone, to paste into the document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "api_int.h"
#include "check.h"
#include "json_in.h"
#include "loan_int.h"
#include "rows.h"
#include "store_sql.h"

#define DOC LOANDESK_SOURCE_DIR "/docs/ledger.md"

static const char BEGIN[] = "<!-- coverage:begin";
static const char END[] = "<!-- coverage:end -->";

/* What verification does with a table beyond replaying its rows. */
static const struct {
    const char *table, *how;
} NOTES[] = {
    {"loan_installment", "; each active loan's installments add up to its balances"},
    {"journal_entry", "; reconciliation: the same entries as the events of the log posted"},
    {"journal_line", "; reconciliation: the same lines as the events posted, every entry "
                     "balanced (checked sums), the trial balance, each control account "
                     "against its sub-ledger"},
    {"cob_run", "; its log entry must be a `cob` entry"},
    {"audit_event", "; refused attempts included"},
    {"document", "; offline, each file of an export's archive copy against its `sha256`"},
};

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        t->p = realloc(t->p, cap);
        if (t->p == NULL)
            afx_die("out of memory", NULL);
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n + 1);
    t->len += n;
}

/* True when the comma separated list holds the column name. */
static bool listed(const char *list, const char *name, size_t n)
{
    for (const char *p = list; p != NULL && *p;) {
        size_t m = strcspn(p, ",");
        if (m == n && memcmp(p, name, n) == 0)
            return true;
        p += m;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return false;
}

/* The columns of list not in update_of, comma separated, into out. */
static void not_listed(const char *list, const char *update_of, text *out)
{
    bool first = true;
    for (const char *p = list; *p;) {
        size_t m = strcspn(p, ",");
        if (!listed(update_of, p, m)) {
            char name[64];
            snprintf(name, sizeof name, "%s%.*s", first ? "" : ", ", (int)m, p);
            put(out, name);
            first = false;
        }
        p += m;
        while (*p == ',' || *p == ' ')
            p++;
    }
}

/* The coverage table, as section 8 must hold it. */
static char *coverage_table(void)
{
    text t = {0};
    put(&t, "| table | key | columns the log proves | how verify checks them |\n"
            "|---|---|---|---|\n");
    ledger_rows_table_info info;
    for (int i = 0; ledger_rows_table(i, &info); i++) {
        char line[512];
        snprintf(line, sizeof line, "| `%s` | %s%s%s | ", info.name, info.k1,
                 info.k2 != NULL ? ", " : "", info.k2 != NULL ? info.k2 : "");
        put(&t, line);
        put(&t, info.columns);
        put(&t, " | log replay: the last image of each row, column by column, and each "
                "change's image before against the one the log last recorded");
        if (strcmp(info.name, "loan") == 0) {
            put(&t, "; the columns the close of business writes (");
            not_listed(info.columns, info.update_of, &t);
            put(&t, ") of a loan unchanged since the last close: that close's book digest, the "
                    "book index naming the loan");
        }
        if (info.v1 > 0) {
            /* The columns after the first v1, which format 1 images left out. */
            const char *added = info.columns;
            for (int k = 0; k < info.v1 && added != NULL; k++)
                added = strchr(added + (k > 0), ',');
            put(&t, "; the columns format 2 added (");
            put(&t, added != NULL ? added + 2 : "?");
            put(&t, "): in a book written before format 2, from the row's first format 2 "
                    "image on (section 7)");
        }
        if (strcmp(info.name, "loan") != 0 && info.update_of != NULL &&
            strcmp(info.update_of, info.columns) == 0)
            put(&t, "; the table's other columns are not covered");
        for (size_t k = 0; k < sizeof NOTES / sizeof NOTES[0]; k++)
            if (strcmp(NOTES[k].table, info.name) == 0)
                put(&t, NOTES[k].how);
        put(&t, " |\n");
    }
    return t.p;
}

static void read_doc(char **doc, size_t *len)
{
    ld_error err;
    if (core_read_file(DOC, doc, len, &err) != LD_OK)
        afx_die("reading docs/ledger.md", &err);
}

static void section_8_is_the_coverage_the_code_records(void)
{
    char *want = coverage_table();
    size_t len = 0;
    char *doc = NULL;
    read_doc(&doc, &len);
    char *begin = strstr(doc, BEGIN), *end = begin != NULL ? strstr(begin, END) : NULL;
    CHECK(begin != NULL && end != NULL);
    if (begin != NULL && end != NULL) {
        char *body = strchr(begin, '\n');
        CHECK(body != NULL && body < end);
        if (body != NULL && body < end) {
            body++;
            size_t n = (size_t)(end - body);
            bool same = n == strlen(want) && memcmp(body, want, n) == 0;
            CHECK(same);
            if (!same)
                fprintf(stderr, "docs/ledger.md, section 8, should read between the markers:\n%s",
                        want);
        }
    }
    free(doc);
    free(want);
}

/* Every column of covered table name is in its image or named as not
 * covered (`table.column`) in para. */
static void columns_covered_or_named(ld_api *api, const char *name, const char *para)
{
    ledger_rows_table_info info = {0};
    for (int i = 0; ledger_rows_table(i, &info); i++)
        if (strcmp(info.name, name) == 0)
            break;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", name);
    sqlite3_stmt *stmt = NULL;
    CHECK_INT(sqlite3_prepare_v2(core_store_db(api->store), sql, -1, &stmt, NULL), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *column = (const char *)sqlite3_column_text(stmt, 0);
        char quoted[160];
        snprintf(quoted, sizeof quoted, "`%s.%s`", name, column);
        if (!listed(info.columns, column, strlen(column)) &&
            (para == NULL || strstr(para, quoted) == NULL)) {
            fprintf(stderr,
                    "column %s.%s is neither in the table's image nor named under \"Not "
                    "covered:\"\n",
                    name, column);
            check_failures++;
        }
    }
    sqlite3_finalize(stmt);
}

/* Every table of a new book is covered or named as not covered. */
static void every_table_is_covered_or_said_not_to_be(void)
{
    size_t len = 0;
    char *doc = NULL;
    read_doc(&doc, &len);
    char *end = strstr(doc, END);
    char *para = end != NULL ? strstr(end, "Not covered:") : NULL;
    CHECK(para != NULL);
    char *stop = para != NULL ? strstr(para, "\n\n") : NULL;
    if (stop != NULL)
        *stop = '\0';
    char dir[256], db[300];
    ld_api *api = afx_book_new("ledger-doc", "Admin-pass-2026", dir, sizeof dir, db, sizeof db);
    ld_error err;
    /* Each module's tables as a book in use has them. */
    if (ledger_loan_migrate(api->store, &err) != LD_OK)
        afx_die("migrating", &err);
    sqlite3_stmt *stmt = NULL;
    CHECK_INT(sqlite3_prepare_v2(core_store_db(api->store),
                                 "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                 "LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%' ORDER BY name",
                                 -1, &stmt, NULL),
              SQLITE_OK);
    int tables = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        tables++;
        bool covered = false;
        ledger_rows_table_info info;
        for (int i = 0; ledger_rows_table(i, &info) && !covered; i++)
            covered = strcmp(info.name, name) == 0;
        char quoted[128];
        snprintf(quoted, sizeof quoted, "`%s`", name);
        if (!covered && (para == NULL || strstr(para, quoted) == NULL)) {
            fprintf(stderr, "table %s is neither covered nor named under \"Not covered:\"\n", name);
            check_failures++;
        }
        if (covered)
            columns_covered_or_named(api, name, para);
    }
    sqlite3_finalize(stmt);
    CHECK(tables > 20);
    ld_api_close(api);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(doc);
}

int main(int argc, char **argv)
{
    if (getenv("LOANDESK_PRINT_COVERAGE") != NULL) {
        char *t = coverage_table();
        fputs(t, stdout);
        free(t);
        return 0;
    }
    static const check_case cases[] = {
        {"section_8_is_the_coverage_the_code_records", section_8_is_the_coverage_the_code_records},
        {"every_table_is_covered_or_said_not_to_be", every_table_is_covered_or_said_not_to_be},
    };
    return CHECK_RUN(argc, argv, cases);
}
