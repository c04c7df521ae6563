/*
 * test_store.c - the database file's life: a new file gets the whole schema, an
 * older file is upgraded step by step, a newer one is refused, and a module's
 * own tables are versioned the same way.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "store.h"
#include "store_sql.h"

static char db_path[64];

static void make_path(void)
{
    snprintf(db_path, sizeof db_path, "/tmp/loandesk-store-XXXXXX");
    int fd = mkstemp(db_path);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    unlink(db_path);
}

static void remove_db(void)
{
    char path[96];
    unlink(db_path);
    snprintf(path, sizeof path, "%s-wal", db_path);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", db_path);
    unlink(path);
    snprintf(path, sizeof path, "%s-journal", db_path);
    unlink(path);
}

static bool journal_file_exists(void)
{
    char path[96];
    struct stat info;
    snprintf(path, sizeof path, "%s-journal", db_path);
    return stat(path, &info) == 0;
}

static int64_t raw_int(const char *sql)
{
    sqlite3 *db = NULL;
    int64_t value = -1;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_open(db_path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

/* The journal mode persists in the file: WAL once the store has opened it. */
static bool file_is_wal(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    bool wal = false;
    if (sqlite3_open(db_path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        wal = strcmp((const char *)sqlite3_column_text(stmt, 0), "wal") == 0;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return wal;
}

static void raw_exec(const char *sql)
{
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(db_path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
}

static void new_file_gets_the_whole_schema_in_wal_mode(void)
{
    make_path();
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(db_path, &store, &err), LD_OK);
    core_store_close(store);
    CHECK_INT(raw_int("PRAGMA user_version"), core_store_schema_version());
    CHECK(core_store_schema_version() >= 2);
    CHECK(file_is_wal());
    CHECK_INT(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'rating'"), 1);
    CHECK_INT(raw_int("PRAGMA page_size"), 16384);
    remove_db();
}

/* A file made elsewhere with 4 KiB pages opens, upgrades and keeps its pages. */
static void existing_file_keeps_its_page_size(void)
{
    make_path();
    raw_exec("PRAGMA page_size = 4096; CREATE TABLE scratch (x INTEGER);");
    CHECK_INT(raw_int("PRAGMA page_size"), 4096);
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(db_path, &store, &err), LD_OK);
    core_store_close(store);
    CHECK_INT(raw_int("PRAGMA page_size"), 4096);
    CHECK_INT(raw_int("PRAGMA user_version"), core_store_schema_version());
    CHECK(file_is_wal());
    remove_db();
}

/* What versions 4 (sessions), 5 (the lists' indexes, columns and
 * triggers), 6 (the name postings) and 7 (the name trigrams) added, taken
 * away again to make an older file. */
#define UNDO_VERSIONS_4_TO_7                                                                       \
    "DROP TABLE visit; DROP TABLE complaint; "                                                     \
    "DROP TABLE collection_recovery; DROP TABLE collection_promise; "                              \
    "DROP TABLE collection_action; DROP TABLE collection_stage; DROP TABLE collection_case; "      \
    "DROP TABLE document_check; DROP TABLE document; "                                             \
    "DROP TRIGGER borrower_trigrams_added; DROP TRIGGER borrower_trigrams_changed; "               \
    "DROP TRIGGER borrower_trigrams_removed; DROP TABLE borrower_name_fts; "                       \
    "DROP TRIGGER borrower_name_added; DROP TRIGGER borrower_name_changed; "                       \
    "DROP TRIGGER borrower_name_review_moved; DROP TRIGGER borrower_name_removed; "                \
    "DROP TABLE borrower_name_char; "                                                              \
    "DROP TABLE user_session; "                                                                    \
    "DROP TRIGGER borrower_review_inserted; DROP TRIGGER borrower_review_moved; "                  \
    "DROP TRIGGER IF EXISTS application_grade_rated; "                                             \
    "DROP TRIGGER IF EXISTS application_grade_overridden; "                                        \
    "DROP INDEX application_by_product; DROP INDEX application_by_created; "                       \
    "DROP INDEX application_by_amount; DROP INDEX application_by_grade; "                          \
    "DROP INDEX borrower_by_officer_name; DROP INDEX borrower_by_name; "                           \
    "DROP INDEX borrower_by_review; ALTER TABLE application DROP COLUMN grade; "                   \
    "ALTER TABLE borrower DROP COLUMN under_review; "

/* The migration giving every scorecard fact a place, undone. */
#define UNDO_RATING_FACTS                                                                          \
    "DROP TABLE credit_report; "                                                                   \
    "ALTER TABLE borrower DROP COLUMN employment_type; "                                           \
    "ALTER TABLE borrower DROP COLUMN housing; ALTER TABLE borrower DROP COLUMN education; "       \
    "ALTER TABLE borrower DROP COLUMN years_at_address; "                                          \
    "ALTER TABLE borrower DROP COLUMN tax_rating; ALTER TABLE borrower DROP COLUMN attributes; "   \
    "ALTER TABLE application DROP COLUMN attributes; "                                             \
    "ALTER TABLE rating_override DROP COLUMN pd; ALTER TABLE rating_override DROP COLUMN "         \
    "decision; "                                                                                   \
    "ALTER TABLE rating_override DROP COLUMN recommended_amount; "                                 \
    "ALTER TABLE rating_override DROP COLUMN recommended_term_months; "                            \
    "ALTER TABLE rating_override DROP COLUMN rate; "                                               \
    "ALTER TABLE rating_override DROP COLUMN fee_method; "                                         \
    "ALTER TABLE rating_override DROP COLUMN fee_amount; "                                         \
    "ALTER TABLE rating_override DROP COLUMN result_json; "
#define UNDO_RATING_STATEMENT_LINES                                                                \
    "ALTER TABLE financial_statement DROP COLUMN cost_of_sales; "                                  \
    "ALTER TABLE financial_statement DROP COLUMN receivables; "                                    \
    "ALTER TABLE financial_statement DROP COLUMN interest_expense; "                               \
    "ALTER TABLE financial_statement DROP COLUMN income_tax; "                                     \
    "ALTER TABLE financial_statement DROP COLUMN related_party_sales; "

static void older_file_is_upgraded(void)
{
    make_path();
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(db_path, &store, &err), LD_OK);
    core_store_close(store);
    /* Turn the file back into a version 1 database: version 2 added ratings. */
    raw_exec(UNDO_RATING_FACTS UNDO_RATING_STATEMENT_LINES
             "DROP TABLE rating_override; DROP TABLE rating; DROP TABLE "
             "borrower_dpd; " UNDO_VERSIONS_4_TO_7 "PRAGMA user_version = 1;");
    CHECK_INT(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'rating'"), 0);
    CHECK_INT(core_store_open(db_path, &store, &err), LD_OK);
    core_store_close(store);
    CHECK_INT(raw_int("PRAGMA user_version"), core_store_schema_version());
    CHECK_INT(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'rating'"), 1);
    CHECK_INT(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'borrower_dpd'"), 1);
    remove_db();
}

/* Version 3 rebuilt financial statements as a WITHOUT ROWID table keyed by
 * borrower and year; a version 2 file keeps its statements through it. */
static void financial_statements_survive_the_rebuild(void)
{
    make_path();
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(db_path, &store, &err), LD_OK);
    core_store_close(store);
    raw_exec(UNDO_RATING_FACTS
             "DROP TABLE financial_statement;"
             "CREATE TABLE financial_statement (borrower_id INTEGER NOT NULL REFERENCES "
             "borrower(id), year INTEGER NOT NULL, total_assets INTEGER NOT NULL, "
             "total_liabilities INTEGER NOT NULL, current_assets INTEGER NOT NULL, "
             "current_liabilities INTEGER NOT NULL, inventory INTEGER NOT NULL DEFAULT 0, "
             "revenue INTEGER NOT NULL, net_profit INTEGER NOT NULL, operating_cash_flow "
             "INTEGER NOT NULL, PRIMARY KEY (borrower_id, year));"
             "INSERT INTO borrower (id, kind, name, id_number, officer_id, created_by, "
             "created_at, updated_at) VALUES (7, 'enterprise', 'Co', '91110000100000000X', 1, 1, "
             "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
             "INSERT INTO financial_statement VALUES (7, 2024, 900, 500, 400, 300, 0, 1200, -5, 8),"
             "(7, 2025, 1000, 600, 450, 320, 10, 1300, 20, 30);" UNDO_VERSIONS_4_TO_7
             "PRAGMA user_version = 2;");
    CHECK_INT(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'financial_statement' "
                      "AND sql LIKE '%WITHOUT ROWID%'"),
              0);
    CHECK_INT(core_store_open(db_path, &store, &err), LD_OK);
    core_store_close(store);
    CHECK_INT(raw_int("PRAGMA user_version"), core_store_schema_version());
    CHECK_INT(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'financial_statement' "
                      "AND sql LIKE '%WITHOUT ROWID%'"),
              1);
    CHECK_INT(raw_int("SELECT count(*) FROM financial_statement WHERE borrower_id = 7"), 2);
    CHECK_INT(raw_int("SELECT net_profit FROM financial_statement WHERE year = 2024"), -5);
    CHECK_INT(raw_int("SELECT inventory + operating_cash_flow FROM financial_statement WHERE "
                      "year = 2025"),
              40);
    remove_db();
}

static void newer_file_is_refused_and_left_alone(void)
{
    make_path();
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(db_path, &store, &err), LD_OK);
    core_store_close(store);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", core_store_schema_version() + 1);
    raw_exec(sql);
    store = NULL;
    CHECK_INT(core_store_open(db_path, &store, &err), LD_ESTATE);
    CHECK(store == NULL);
    CHECK_CONTAINS(err.message, "newer than this loandesk supports");
    CHECK_INT(raw_int("PRAGMA user_version"), core_store_schema_version() + 1);
    remove_db();
}

static void missing_file_is_not_created_by_open_existing(void)
{
    make_path();
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open_existing(db_path, &store, &err), LD_ENOTFOUND);
    CHECK_CONTAINS(err.message, "loandesk init");
    CHECK(access(db_path, F_OK) != 0);
}

static void module_schema_is_versioned(void)
{
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(":memory:", &store, &err), LD_OK);
    static const char *const steps[] = {"CREATE TABLE widget (id INTEGER PRIMARY KEY)",
                                        "ALTER TABLE widget ADD COLUMN name TEXT"};
    CHECK_INT(core_store_migrate_module(store, "widgets", steps, 1, &err), LD_OK);
    int64_t version = 0;
    CHECK_INT(core_store_query_int(store,
                                   "SELECT version FROM module_schema WHERE module = 'widgets'", 0,
                                   &version, &err),
              LD_OK);
    CHECK_INT(version, 1);
    CHECK_INT(core_store_migrate_module(store, "widgets", steps, 2, &err), LD_OK);
    CHECK_INT(core_store_exec(store, "INSERT INTO widget (name) VALUES ('x')", &err), LD_OK);
    /* a program that knows fewer steps than the file has refuses it */
    CHECK_INT(core_store_migrate_module(store, "widgets", steps, 1, &err), LD_ESTATE);
    CHECK_CONTAINS(err.message, "newer");
    core_store_close(store);
}

static void writes_need_a_transaction(void)
{
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(":memory:", &store, &err), LD_OK);
    CHECK_INT(core_store_require_transaction(store, &err), LD_EINTERNAL);
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK(core_store_in_transaction(store));
    CHECK_INT(core_store_require_transaction(store, &err), LD_OK);
    core_store_rollback(store);
    CHECK(!core_store_in_transaction(store));
    core_store_close(store);
}

/* A file with one row in `scratch`, closed: the starting point of the tests of
 * large writes. */
static void make_scratch_file(void)
{
    make_path();
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(db_path, &store, &err), LD_OK);
    core_store_close(store);
    raw_exec("CREATE TABLE scratch (x INTEGER, pad TEXT); INSERT INTO scratch VALUES (0, '');");
}

/* Alone on the file, a large write takes a rollback journal; after the commit
 * and close the file is a WAL database again, with the rows and no journal. */
static void large_write_alone_uses_a_rollback_journal_then_wal_again(void)
{
    make_scratch_file();
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open_existing(db_path, &store, &err), LD_OK);
    CHECK(!core_store_uses_rollback_journal(store));
    CHECK_INT(core_store_begin_large(store, &err), LD_OK);
    CHECK(core_store_uses_rollback_journal(store));
    CHECK(core_store_in_transaction(store));
    CHECK(!file_is_wal());
    CHECK_INT(core_store_exec(store, "INSERT INTO scratch VALUES (1, 'a')", &err), LD_OK);
    CHECK_INT(core_store_commit(store, &err), LD_OK);
    core_store_close(store);
    CHECK(file_is_wal());
    CHECK(!journal_file_exists());
    CHECK_INT(raw_int("SELECT count(*) FROM scratch"), 2);
    remove_db();
}

/* With another connection open the switch is impossible: the write goes
 * through the WAL, and the other connection reads beside it meanwhile. */
static void large_write_beside_a_reader_stays_in_wal(void)
{
    make_scratch_file();
    sqlite3 *reader = NULL;
    sqlite3_stmt *count = NULL;
    CHECK(sqlite3_open(db_path, &reader) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(reader, "SELECT count(*) FROM scratch", -1, &count, NULL) ==
          SQLITE_OK);
    CHECK(sqlite3_step(count) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int64(count, 0), 1);
    sqlite3_reset(count);

    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open_existing(db_path, &store, &err), LD_OK);
    CHECK_INT(core_store_begin_large(store, &err), LD_OK);
    CHECK(!core_store_uses_rollback_journal(store));
    CHECK_INT(core_store_exec(store, "INSERT INTO scratch VALUES (1, 'a')", &err), LD_OK);
    CHECK(sqlite3_step(count) == SQLITE_ROW); /* reads the last commit meanwhile */
    CHECK_INT(sqlite3_column_int64(count, 0), 1);
    sqlite3_reset(count);
    CHECK_INT(core_store_commit(store, &err), LD_OK);
    CHECK(sqlite3_step(count) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int64(count, 0), 2);
    sqlite3_finalize(count);
    core_store_close(store);
    sqlite3_close(reader);
    CHECK(file_is_wal());
    remove_db();
}

/* A process that dies in the middle of a large write, after SQLite has already
 * written some of its pages into the file, leaves a hot journal; the next open
 * rolls it back: the file holds exactly what it held, and is WAL again. */
static void crash_in_a_large_write_leaves_the_file_as_it_was(void)
{
    make_scratch_file();
    struct stat before, during, after;
    CHECK(stat(db_path, &before) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        core_store *store = NULL;
        ld_error err;
        /* A 1 MiB cache and 8 MiB of rows: pages spill into the file. */
        bool ok = core_store_open_existing(db_path, &store, &err) == LD_OK &&
                  core_store_set_cache_mib(store, 1, &err) == LD_OK &&
                  core_store_begin_large(store, &err) == LD_OK &&
                  core_store_uses_rollback_journal(store) &&
                  core_store_exec(store,
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
                                  "n WHERE i < 20000) INSERT INTO scratch SELECT i, "
                                  "hex(randomblob(200)) FROM n; "
                                  "UPDATE scratch SET pad = 'changed' WHERE x = 0",
                                  &err) == LD_OK;
        _exit(ok ? 0 : 1); /* no commit, no close: as if the power failed */
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(journal_file_exists());
    CHECK(stat(db_path, &during) == 0);
    CHECK(during.st_size > before.st_size); /* pages reached the file before the crash */

    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open_existing(db_path, &store, &err), LD_OK);
    core_store_close(store);
    CHECK(file_is_wal());
    CHECK(!journal_file_exists());
    CHECK(stat(db_path, &after) == 0);
    CHECK_INT(after.st_size, before.st_size);
    CHECK_INT(raw_int("SELECT count(*) FROM scratch"), 1);
    CHECK_INT(raw_int("SELECT count(*) FROM scratch WHERE pad = ''"), 1);
    CHECK_INT(raw_int("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
              1);
    remove_db();
}

static const check_case cases[] = {
    {"new_file_gets_the_whole_schema_in_wal_mode", new_file_gets_the_whole_schema_in_wal_mode},
    {"existing_file_keeps_its_page_size", existing_file_keeps_its_page_size},
    {"older_file_is_upgraded", older_file_is_upgraded},
    {"financial_statements_survive_the_rebuild", financial_statements_survive_the_rebuild},
    {"newer_file_is_refused_and_left_alone", newer_file_is_refused_and_left_alone},
    {"missing_file_is_not_created_by_open_existing", missing_file_is_not_created_by_open_existing},
    {"module_schema_is_versioned", module_schema_is_versioned},
    {"writes_need_a_transaction", writes_need_a_transaction},
    {"large_write_alone_uses_a_rollback_journal_then_wal_again",
     large_write_alone_uses_a_rollback_journal_then_wal_again},
    {"large_write_beside_a_reader_stays_in_wal", large_write_beside_a_reader_stays_in_wal},
    {"crash_in_a_large_write_leaves_the_file_as_it_was",
     crash_in_a_large_write_leaves_the_file_as_it_was},
};

int main(int argc, char **argv)
{
    return CHECK_RUN(argc, argv, cases);
}
