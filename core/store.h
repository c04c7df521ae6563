/*
 * store.h - the loandesk database: one SQLite file per institution.
 *
 * Opening a store applies the connection settings every command relies on (WAL,
 * foreign keys, synchronous=FULL because the file holds money) and brings the
 * schema up to date: an older file is upgraded step by step inside one
 * transaction per step; a file written by a newer loandesk is refused.
 *
 * Transactions: a command runs in exactly one write transaction, begun with
 * core_store_begin and ended with core_store_commit or core_store_rollback by the
 * front end. Every core function that changes data checks that a transaction is
 * open (LD_EINTERNAL otherwise), so no front end can write outside one.
 */
#ifndef LD_STORE_H
#define LD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"

typedef struct core_store core_store;

/* The schema version this build writes (PRAGMA user_version). */
int core_store_schema_version(void);

/* Opens (creating when absent) and migrates the database at path; ":memory:"
 * gives a private in-memory database for tests. LD_ESTATE when the file is newer
 * than this program; LD_EINTERNAL on I/O or SQLite failure. *out is owned by the
 * caller and freed with core_store_close. */
ld_status core_store_open(const char *path, core_store **out, ld_error *err);

/* Opens an existing database without creating it: LD_ENOTFOUND when absent. */
ld_status core_store_open_existing(const char *path, core_store **out, ld_error *err);

/* Closes the store, rolling back an open transaction. NULL is harmless. */
void core_store_close(core_store *store);

/* BEGIN IMMEDIATE: takes the write lock up front so a command never fails half
 * way for lack of it. */
ld_status core_store_begin(core_store *store, ld_error *err);

/* A transaction that only reads (BEGIN DEFERRED): one consistent snapshot,
 * taking no write lock, so reads on other connections run beside it and
 * never wait for each other. The seal hooks do not run for it. A write
 * inside it is a programming error: its commit rolls it back and fails
 * (LD_EINTERNAL). */
ld_status core_store_begin_read(core_store *store, ld_error *err);
ld_status core_store_commit(core_store *store, ld_error *err);

/* True inside a transaction of core_store_begin_read. */
bool core_store_reading(const core_store *store);

/* Inside a transaction: a number that differs from the one read in an
 * earlier transaction of this connection whenever anything was committed to
 * the database file in between, by this connection or any other, in this
 * process or another (SQLITE_FCNTL_DATA_VERSION, read after the snapshot is
 * taken). What was read in a transaction of the same version still holds. */
ld_status core_store_data_version(core_store *store, uint32_t *out, ld_error *err);

/* As core_store_begin, for one transaction of many megabytes (a bulk import).
 * SQLite's WAL writes every page twice, once to the log and again when the log
 * is checkpointed into the file, and its documentation advises a rollback
 * journal for transactions beyond a few dozen megabytes. So when this is the
 * only connection to the file, the transaction runs with a rollback journal:
 * pages appended to the file are written once, and only pages that existed
 * before are copied to the journal. It is just as atomic and durable (a crash
 * leaves a hot journal that the next open rolls back). Connections that arrive
 * meanwhile cannot read beside it: they wait for the commit (up to the busy
 * timeout); loandesk commands wait for the write lock anyway. A reader that
 * still holds the file past the busy timeout when the commit needs it fails
 * the commit, and the transaction is rolled back whole. With another
 * connection already open the switch is not possible, and the transaction
 * runs in the WAL as usual. core_store_close returns the file to WAL. */
ld_status core_store_begin_large(core_store *store, ld_error *err);

/* True when core_store_begin_large took the rollback journal on this store. */
bool core_store_uses_rollback_journal(const core_store *store);
void core_store_rollback(core_store *store);
bool core_store_in_transaction(const core_store *store);

/* Savepoints inside the open transaction, for a unit that commits many
 * operations at once (the operations API's group commit): each operation runs
 * between core_store_savepoint and core_store_release, and one that fails is
 * undone alone by core_store_rollback_to, everything it wrote with it (its
 * rows, log entries and the ledger's record of changed rows, which lives in a
 * temporary table of the same transaction). Savepoints nest. Rolling back to
 * one also drops the configuration cache, as core_store_rollback does. */
ld_status core_store_savepoint(core_store *store, ld_error *err);
ld_status core_store_release(core_store *store, ld_error *err);
void core_store_rollback_to(core_store *store);

/* A file the open transaction writes beside the database (the document
 * archive) exists only if the transaction commits: the caller writes it at
 * part and registers it here; core_store_commit renames part to final just
 * before COMMIT (and removes it again if COMMIT fails), and a rollback, whole
 * or to a savepoint taken before, removes part. A crash between the rename
 * and the COMMIT can leave a file no row names, never a row naming a missing
 * file. core_store_file_deferred: final already waits for this commit. */
ld_status core_store_defer_file(core_store *store, const char *part, const char *final,
                                ld_error *err);
bool core_store_file_deferred(const core_store *store, const char *final);

/* Sets the page cache for this connection (bulk loads touch unique indexes in
 * random order; a cache that holds them avoids spilling pages mid-transaction). */
ld_status core_store_set_cache_mib(core_store *store, int mib, ld_error *err);

/* The postings from which a name search's character counts as common
 * (borrower_store.c); 0 restores the default. Tests lower it so that a small
 * book takes the path a large one takes for its most frequent characters. */
void core_store_set_name_common(core_store *store, int64_t postings);
int64_t core_store_name_common(const core_store *store);

/* LD_EINTERNAL unless a transaction is open: the guard of every write path. */
ld_status core_store_require_transaction(const core_store *store, ld_error *err);

/* Events: workflow decisions that must also reach the tamper-evident ledger
 * (submission, rating, approval, rejection, withdrawal, signed reports). Core
 * emits them inside the command's transaction; the ledger module, attached by
 * the front end, appends them to its log in that same transaction, so a
 * decision and its log entry commit or vanish together. fields holds integers
 * and strings only (money in fen, rates in millionths). A sink's failure fails
 * the command. Without a sink (unit tests of core alone) events go nowhere. */
struct cJSON;
typedef ld_status (*core_event_sink)(void *context, const char *type, const struct cJSON *fields,
                                     ld_error *err);

void core_store_set_event_sink(core_store *store, core_event_sink sink, void *context);
bool core_store_has_event_sink(const core_store *store);

/* Called by core_store_commit inside the transaction, before it commits: the
 * ledger records there the rows the transaction wrote. A hook's failure rolls
 * the transaction back and fails the commit. */
typedef ld_status (*core_commit_hook)(void *context, ld_error *err);
void core_store_set_commit_hook(core_store *store, core_commit_hook hook, void *context);

/* The seal: on_begin runs right after a transaction begins, before_commit
 * last before it commits (after the commit hook). The operations API sets
 * them so that every transaction of its connection, whoever opened it (an
 * operation, a login, an audited refusal), leaves what it appended to the
 * log covered by a signed checkpoint, and signs over nothing that was
 * already unsigned when it began. A failure of either rolls the transaction
 * back. */
typedef ld_status (*core_begin_hook)(void *context, ld_error *err);
void core_store_set_seal_hooks(core_store *store, core_begin_hook on_begin,
                               core_commit_hook before_commit, void *context);
ld_status core_event_emit(core_store *store, const char *type, const struct cJSON *fields,
                          ld_error *err);

/* The clock a store's operations read. Core and ledger read no environment
 * variable and no system clock of their own: the caller (the operations API)
 * injects both. business_date is the day the books are kept on (accrual, value
 * dates, ages, "not in the future"); 0 means today's UTC date from the wall
 * clock. wall_now gives Unix seconds for audit instants, ledger entry times,
 * password ages and session expiry; NULL means time(NULL). */
typedef struct core_clock {
    ld_date business_date;
    int64_t (*wall_now)(void *context);
    void *wall_context;
} core_clock;

/* Replaces the store's clock (copied). A new store has the zero clock: today
 * from the wall clock and time(NULL). */
void core_store_set_clock(core_store *store, const core_clock *clock);

/* The business date (see core_clock). */
ld_date core_store_today(const core_store *store);

/* Unix seconds from the wall clock, never the business date. */
int64_t core_store_now(const core_store *store);

/* The wall clock's UTC date: for security rules such as password age, which
 * the business date must not move. */
ld_date core_store_clock_date(const core_store *store);

/* The wall clock as ISO-8601 UTC ("2026-06-15T09:30:00Z"), for audit rows. */
void core_store_now_iso(core_store *store, char buf[32]);

#endif
