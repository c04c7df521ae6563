/*
 * store_sql.h - for store files only (core/ *_store.c and ledger/ *_store.c):
 * the raw connection, the prepared-statement cache and SQLite error translation.
 * Nothing outside a store file includes this header, so all SQL stays in them.
 */
#ifndef LD_STORE_SQL_H
#define LD_STORE_SQL_H

#include <sqlite3.h>
#include <stdint.h>

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
ld_status core_store_run_write(core_store *store, sqlite3_stmt *stmt, const char *what,
                               int64_t *id_out, ld_error *err);

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

#endif
