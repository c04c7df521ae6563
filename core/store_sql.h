/*
 * store_sql.h - for store files only (core/ *_store.c and ledger/ *_store.c):
 * the raw connection, the prepared-statement cache and SQLite error translation.
 * Nothing outside a store file includes this header, so all SQL stays in them.
 */
#ifndef LD_STORE_SQL_H
#define LD_STORE_SQL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "page.h"
#include "session.h"
#include "store.h"

sqlite3 *core_store_db(core_store *store);

/* A cached prepared statement for sql, reset and with bindings cleared. sql must
 * be a string with static storage (the cache keys on it). NULL on failure with
 * err filled (LD_EINTERNAL naming SQLite's message). Do not finalize it. */
sqlite3_stmt *core_store_stmt(core_store *store, const char *sql, ld_error *err);

/* Translates the connection's last error: LD_EINVAL for constraint violations
 * (the message names the constraint), LD_EINTERNAL otherwise. what says what
 * was being done ("inserting borrower"). */
ld_status core_store_fail(core_store *store, const char *what, ld_error *err);

/* Runs one or more statements with no parameters (schema, pragmas). */
ld_status core_store_exec(core_store *store, const char *sql, ld_error *err);

/* Binds text or NULL when text is NULL. */
int core_store_bind_text(sqlite3_stmt *stmt, int index, const char *text);

/* Binds text without copying it: it must stay valid until the statement has
 * been run (core_store_run_write). The pointer is left behind in the cached
 * statement, never read again: core_store_stmt clears the bindings of a
 * statement before handing it out. Bulk import binds millions of strings;
 * copying each cost more than the insert around it. */
int core_store_bind_text_static(sqlite3_stmt *stmt, int index, const char *text);

/* Runs a bound INSERT or UPDATE once and resets it; *id_out (may be NULL)
 * gets the last inserted rowid. A failure is reported as what failed. */
/* sqlite3_step without waiting for another connection's lock: SQLITE_BUSY at
 * once when it is taken. For a write that may be skipped (a session's last
 * use), which must not queue behind a server's stream of batches. */
int core_store_step_nowait(core_store *store, sqlite3_stmt *stmt);

ld_status core_store_run_write(core_store *store, sqlite3_stmt *stmt, const char *what,
                               int64_t *id_out, ld_error *err);

/* Appends the rows stmt (bound) returns to list as objects, each column by
 * its name: NULL left out, text as text; integers as dates when named date,
 * deadline, next_date, stage_since or *_on, as money when named amount, paid
 * or overdue, as true/false when named past_deadline, else as numbers. The
 * caller resets or finalizes stmt. */
ld_status core_store_rows_json(core_store *store, sqlite3_stmt *stmt, cJSON *list, ld_error *err);

/* Copies column text into a fresh malloc'd string ("" for NULL); NULL on OOM. */
char *core_store_column_strdup(sqlite3_stmt *stmt, int column);

/* The value of a single-row, single-column integer query with one optional int64
 * parameter; LD_ENOTFOUND when there is no row. */
ld_status core_store_query_int(core_store *store, const char *sql, int64_t param, int64_t *out,
                               ld_error *err);

/* Brings a module's own tables (ledger, reports) up to date: steps[i] takes
 * the module from version i to i + 1, recorded in table module_schema. Runs in
 * the caller's transaction when one is open, else in its own. LD_ESTATE when
 * the database holds a newer version of the module than this program knows. */
ld_status core_store_migrate_module(core_store *store, const char *module, const char *const *steps,
                                    int count, ld_error *err);

/* One slot for parsed configuration (policy and products), so that a command
 * reading them for many records parses the documents once. Freed with free_fn
 * when replaced or when the store closes. */
void *core_store_config_cache(core_store *store);
void core_store_set_config_cache(core_store *store, void *cache, void (*free_fn)(void *));

/* ---- Composed queries (page_store.c) -------------------------------------
 * A list with optional filters is one query whose WHERE clause depends on
 * which filters are given. core_sql composes it from fixed fragments written
 * in the store files, each value bound to its own `?` in order: no user text
 * ever becomes SQL. The statement is prepared per call (not cached): the
 * fragments make too many combinations to cache, and preparing costs tens of
 * microseconds beside a list's milliseconds. */

#define CORE_SQL_TEXT_MAX  4096
#define CORE_SQL_BINDS_MAX 24

typedef struct core_sql {
    char text[CORE_SQL_TEXT_MAX];
    size_t len;
    bool overflow; /* a fragment did not fit: core_sql_prepare fails */
    int count;
    struct {
        bool is_text;
        int64_t number;
        const char *text; /* must stay valid until core_sql_prepare */
    } binds[CORE_SQL_BINDS_MAX];
} core_sql;

void core_sql_init(core_sql *q);
/* Appends a fragment without parameters. */
void core_sql_add(core_sql *q, const char *fragment);
/* Appends a fragment holding exactly one `?`, bound to value. */
void core_sql_add_int(core_sql *q, const char *fragment, int64_t value);
void core_sql_add_text(core_sql *q, const char *fragment, const char *value);
/* Appends another composed part with its bindings. */
void core_sql_append(core_sql *q, const core_sql *part);
/* Prepares and binds q; *out is the caller's to sqlite3_finalize. */
ld_status core_sql_prepare(core_store *store, const core_sql *q, sqlite3_stmt **out, ld_error *err);

/* Writes text as a LIKE pattern matching it anywhere ("%text%"), with `\`,
 * `%` and `_` escaped by `\` (use with ESCAPE '\'), so that they match
 * themselves. SQLite's LIKE folds ASCII letters only, which suits names: Latin
 * letters match in either case, Chinese characters exactly. LD_EINVAL naming
 * field when the text is empty or the pattern would not fit in size. */
ld_status core_sql_like_contains(const char *field, const char *text, char *out, size_t size,
                                 ld_error *err);

/* The customer scope of permission.h as conditions on the borrower table,
 * aliased b: an officer sees the customers assigned to them, a reviewer those
 * with an application past draft (borrower.under_review, kept by triggers),
 * managers and auditors all. When the query has a filter with an index of its
 * own (a name), narrow_elsewhere keeps SQLite from choosing the scope's index
 * instead: a reviewer's scope holds most customers and narrows nothing. */
void core_sql_add_customer_scope(core_sql *q, const core_session *who, bool narrow_elsewhere);

/* What every list checks first: that who may read customer files (LD_EPERM
 * for admins) and the page (core_page_check), which *out gets. */
ld_status core_list_begin(const core_session *who, const core_page *page, core_page *out,
                          ld_error *err);

/* The id of the user named username, for a list's officer filter: LD_EINVAL
 * naming field when there is no such user. */
ld_status core_list_officer_id(core_store *store, const char *field, const char *username,
                               int64_t *out, ld_error *err);

/* One page of a list, as two queries. The rows: the ids of the page first,
 * from indexes where they serve, then the columns of those ids only, so a
 * plan that sorts matches sorts ids rather than whole rows:
 *   SELECT columns FROM (SELECT key AS id FROM from WHERE where [after]
 *       order LIMIT page.limit + 1) k display order
 * and the total:
 *   SELECT count(*) FROM count_from WHERE count_where
 * less, when count_less is given, the count of the rows matching it (a
 * scope or filter that keeps most rows is counted as all rows less the few
 * it leaves out: SQLite counts a whole table from its smallest index).
 * Conditions are composed as " AND ..." fragments; an empty one means all
 * rows. after (used when page.after > 0) places the rows after that id in
 * order. Column 0 of columns is the id; row makes the JSON object of the
 * current row; what names the list in errors ("listing loans"). */
typedef struct core_list_query {
    const char *columns, *display, *key, *order;
    const char *from;       /* tables of the key query when many rows match */
    const char *count_from; /* tables of the count */
    const core_sql *where;  /* the conditions; also the count's unless count_where */
    const core_sql *after;
    /* When not NULL, the key query's tables and conditions for a filter that
     * matches few rows (the total at most CORE_LIST_FEW_ROWS pages): through
     * the filter's index, reading the matches and sorting their ids, where a
     * walk in id order would pass many rows that do not match. With many
     * matches, the walk meets a page of them soon. */
    const char *from_few;
    const core_sql *where_few;
    const core_sql *count_where, *count_less;
} core_list_query;

#define CORE_LIST_FEW_ROWS 20

typedef cJSON *(*core_list_row_fn)(sqlite3_stmt *stmt, void *context);

ld_status core_store_list_page(core_store *store, const core_list_query *query,
                               const core_page *page, core_list_row_fn row, void *context,
                               const char *what, core_page_result *out, ld_error *err);

#endif
