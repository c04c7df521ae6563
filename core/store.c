/*
 * store.c - opening, migrating and transacting on the SQLite database, and the
 * prepared-statement cache every store file uses.
 *
 * States: closed -> open (autocommit) <-> in transaction. Only core_store_begin,
 * core_store_commit and core_store_rollback move between the last two. The
 * statement cache keys on the address of a static SQL string, so a lookup is a
 * pointer comparison; statements live until the store closes.
 *
 * A database file this store creates is 0600 whatever the umask, and so are
 * SQLite's side files, which take the database file's mode (private_file.h).
 */
#include "store.h"
#include "store_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pending_files.h"
#include "private_file.h"
#include "schema_int.h"

#define STMT_CACHE_SIZE 256

/* How long a command waits for another connection's lock before it reports
 * the database busy. */
#define BUSY_TIMEOUT_MS 5000

struct core_store {
    sqlite3 *db;
    core_event_sink event_sink;
    void *event_context;
    core_commit_hook commit_hook;
    void *commit_context;
    core_begin_hook seal_begin; /* core_store_set_seal_hooks */
    core_commit_hook seal_commit;
    void *seal_context;
    void *config_cache;
    void (*config_cache_free)(void *);
    bool rollback_journal; /* core_store_begin_large switched off the WAL */
    bool reading;          /* in a transaction of core_store_begin_read */
    core_clock clock;      /* injected by the caller; zero = wall clock */
    int64_t iso_second;    /* the second iso_text spells, -1 before the first */
    char iso_text[32];
    int64_t name_common;       /* core_store_set_name_common; 0 = the default */
    core_pending_files *files; /* core_store_defer_file */
    int cached;
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } cache[STMT_CACHE_SIZE];
};

int core_store_schema_version(void)
{
    return core_schema_migration_count;
}

sqlite3 *core_store_db(core_store *store)
{
    return store->db;
}

ld_status core_store_fail(core_store *store, const char *what, ld_error *err)
{
    int code = sqlite3_extended_errcode(store->db);
    const char *message = sqlite3_errmsg(store->db);
    if ((code & 0xff) == SQLITE_CONSTRAINT)
        return LD_FAIL(err, LD_EINVAL, "%s: %s", what, message);
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        return LD_FAIL(err, LD_EINTERNAL, "%s: the database is busy (%s); try again", what,
                       message);
    return LD_FAIL(err, LD_EINTERNAL, "%s: %s", what, message);
}

ld_status core_store_exec(core_store *store, const char *sql, ld_error *err)
{
    char *message = NULL;
    if (sqlite3_exec(store->db, sql, NULL, NULL, &message) != SQLITE_OK) {
        ld_status st = LD_FAIL(err, LD_EINTERNAL, "database: %s", message ? message : "error");
        sqlite3_free(message);
        return st;
    }
    return LD_OK;
}

sqlite3_stmt *core_store_stmt(core_store *store, const char *sql, ld_error *err)
{
    for (int i = 0; i < store->cached; i++) {
        if (store->cache[i].sql == sql) {
            sqlite3_stmt *stmt = store->cache[i].stmt;
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            return stmt;
        }
    }
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
        SQLITE_OK) {
        core_store_fail(store, "preparing a statement", err);
        return NULL;
    }
    if (store->cached < STMT_CACHE_SIZE) {
        store->cache[store->cached].sql = sql;
        store->cache[store->cached].stmt = stmt;
        store->cached++;
        return stmt;
    }
    /* A full cache means a new static SQL string was added somewhere; the
     * assertion tells the developer to raise the limit. */
    sqlite3_finalize(stmt);
    LD_FAIL(err, LD_EINTERNAL, "statement cache is full");
    return NULL;
}

int core_store_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
    if (text == NULL)
        return sqlite3_bind_null(stmt, index);
    return sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

int core_store_bind_text_static(sqlite3_stmt *stmt, int index, const char *text)
{
    if (text == NULL)
        return sqlite3_bind_null(stmt, index);
    return sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

int core_store_step_nowait(core_store *store, sqlite3_stmt *stmt)
{
    sqlite3_busy_timeout(store->db, 0);
    int rc = sqlite3_step(stmt);
    sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS);
    return rc;
}

ld_status core_store_run_write(core_store *store, sqlite3_stmt *stmt, const char *what,
                               int64_t *id_out, ld_error *err)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, what, err);
    if (id_out != NULL)
        *id_out = sqlite3_last_insert_rowid(store->db);
    return LD_OK;
}

char *core_store_column_strdup(sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    size_t len = text ? (size_t)sqlite3_column_bytes(stmt, column) : 0;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return NULL;
    if (len > 0)
        memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

ld_status core_store_query_int(core_store *store, const char *sql, int64_t param, int64_t *out,
                               ld_error *err)
{
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return err ? err->code : LD_EINTERNAL;
    if (sqlite3_bind_parameter_count(stmt) > 0)
        sqlite3_bind_int64(stmt, 1, param);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(stmt, 0);
        sqlite3_reset(stmt);
        return LD_OK;
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return LD_FAIL(err, LD_ENOTFOUND, "no such record");
    return core_store_fail(store, "query", err);
}

static ld_status read_user_version(core_store *store, int *out, ld_error *err)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(store->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
        return core_store_fail(store, "reading the schema version", err);
    int rc = sqlite3_step(stmt);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    if (version < 0)
        return core_store_fail(store, "reading the schema version", err);
    *out = version;
    return LD_OK;
}

/* Applies each pending migration in its own transaction, so an interrupted
 * upgrade leaves the file at a whole version, never between two. */
static ld_status migrate(core_store *store, ld_error *err)
{
    int version = 0;
    ld_status st = read_user_version(store, &version, err);
    if (st != LD_OK)
        return st;
    if (version > core_schema_migration_count)
        return LD_FAIL(err, LD_ESTATE,
                       "database schema version %d is newer than this loandesk supports (%d); "
                       "use a newer loandesk",
                       version, core_schema_migration_count);
    for (int v = version; v < core_schema_migration_count; v++) {
        if ((st = core_store_exec(store, "BEGIN IMMEDIATE", err)) != LD_OK)
            return st;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if ((st = core_store_exec(store, core_schema_migrations[v], err)) != LD_OK ||
            (st = core_store_exec(store, pragma, err)) != LD_OK) {
            sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
            ld_error_prefix(err, "upgrading the schema to version %d", v + 1);
            return st;
        }
        if ((st = core_store_exec(store, "COMMIT", err)) != LD_OK)
            return st;
    }
    return LD_OK;
}

static ld_status open_with_flags(const char *path, int flags, core_store **out, ld_error *err)
{
    /* No allocation statistics: they take a process-wide mutex on every SQLite
     * allocation. Only effective before SQLite initialises, hence first. */
    static bool configured = false;
    if (!configured) {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        configured = true;
    }
    core_store *store = calloc(1, sizeof *store);
    if (store == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory opening %s", path);
    ld_status st;
    /* One connection per store, used by one thread: SQLite's own mutexes would
     * only cost time on every call. */
    if (sqlite3_open_v2(path, &store->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        st = LD_FAIL(err, LD_EINTERNAL, "cannot open database %s: %s", path,
                     store->db ? sqlite3_errmsg(store->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(store->db, 1);
    sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS);
    /* A new database gets 16 KiB pages (an existing one keeps its own; the
     * pragma only acts before the first write): a quarter of the WAL frames,
     * write calls and B-tree splits of 4 KiB pages for the same rows, which
     * bulk import and close of business feel most.
     * WAL lets auditors read while a command writes; FULL sync because a lost
     * commit of a repayment is worse than a slower one. Long commands (close of
     * business, imports, log appends) checkpoint the WAL every ~100 MB rather
     * than every 4 MB: fewer, larger checkpoints; closing the last connection
     * checkpoints anyway.
     * Temporary files in memory: a write whose triggers change more rows (a
     * borrower's name postings) keeps a statement journal of every page it
     * touches, and on disk that is a write call per page per row. */
    if ((st = core_store_exec(store,
                              "PRAGMA page_size = 16384;"
                              "PRAGMA journal_mode = WAL;"
                              "PRAGMA foreign_keys = ON;"
                              "PRAGMA synchronous = FULL;"
                              "PRAGMA temp_store = MEMORY;",
                              err)) != LD_OK)
        goto fail;
    int64_t page_size = 4096;
    char pragma[64];
    if ((st = core_store_query_int(store, "PRAGMA page_size", 0, &page_size, err)) != LD_OK)
        goto fail;
    snprintf(pragma, sizeof pragma, "PRAGMA wal_autocheckpoint = %lld",
             (long long)(100 * 1024 * 1024 / (page_size > 0 ? page_size : 4096)));
    if ((st = core_store_exec(store, pragma, err)) != LD_OK)
        goto fail;
    if ((st = migrate(store, err)) != LD_OK)
        goto fail;
    *out = store;
    return LD_OK;
fail:
    core_store_close(store);
    return st;
}

ld_status core_store_open(const char *path, core_store **out, ld_error *err)
{
    /* The file is made here, 0600, before SQLite opens it: SQLite would
     * create it 0644 less the umask, and it gives the -wal, -shm and -journal
     * files the database file's mode. In-memory and temporary databases have
     * no file of their own. */
    bool created = false;
    bool on_disk =
        path[0] != '\0' && strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0;
    ld_status st;
    if (on_disk && (st = core_private_file_precreate(path, &created, err)) != LD_OK)
        return st;
    st = open_with_flags(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, out, err);
    if (st != LD_OK && created)
        unlink(path); /* leave nothing behind that this call made */
    return st;
}

ld_status core_store_open_existing(const char *path, core_store **out, ld_error *err)
{
    struct stat info;
    if (strcmp(path, ":memory:") != 0 && stat(path, &info) != 0)
        return LD_FAIL(err, LD_ENOTFOUND,
                       "database %s does not exist; run `loandesk init` first or give --db", path);
    return open_with_flags(path, SQLITE_OPEN_READWRITE, out, err);
}

void core_store_close(core_store *store)
{
    if (store == NULL)
        return;
    for (int i = 0; i < store->cached; i++)
        sqlite3_finalize(store->cache[i].stmt);
    core_store_set_config_cache(store, NULL, NULL);
    if (store->db != NULL) {
        if (!sqlite3_get_autocommit(store->db))
            sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        /* Back to the WAL for everyone after a large write. Should this fail
         * (a reader kept the file busy past the timeout), the file is still
         * consistent in rollback mode, and the next open sets WAL again. */
        if (store->rollback_journal)
            sqlite3_exec(store->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
        sqlite3_close(store->db);
    }
    core_pending_free(store->files);
    free(store);
}

/* Starts a transaction with the given BEGIN and runs the seal's on_begin. */
static ld_status begin_with(core_store *store, const char *sql, ld_error *err)
{
    if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return core_store_fail(store, "starting a transaction", err);
    if (store->seal_begin != NULL) {
        ld_status st = store->seal_begin(store->seal_context, err);
        if (st != LD_OK) {
            core_store_rollback(store);
            return st;
        }
    }
    return LD_OK;
}

ld_status core_store_begin(core_store *store, ld_error *err)
{
    return begin_with(store, "BEGIN IMMEDIATE", err);
}

/* Runs one of the few statements a read transaction begins and ends with
 * from the statement cache: sqlite3_exec would parse it again on every
 * call, and a server's reads are the most frequent calls there are. */
static int step_cached(core_store *store, const char *sql)
{
    ld_error ignored;
    sqlite3_stmt *stmt = core_store_stmt(store, sql, &ignored);
    if (stmt == NULL)
        return SQLITE_ERROR;
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc;
}

static const char sql_begin_deferred[] = "BEGIN DEFERRED";
static const char sql_commit[] = "COMMIT";
static const char sql_schema_version[] = "PRAGMA main.schema_version";

ld_status core_store_begin_read(core_store *store, ld_error *err)
{
    /* A read appends nothing to the log: the seal has nothing to note at its
     * start nor to sign at its end, and a read of a server is the most
     * frequent call there is. */
    if (step_cached(store, sql_begin_deferred) != SQLITE_DONE)
        return core_store_fail(store, "starting a transaction", err);
    store->reading = true;
    return LD_OK;
}

bool core_store_reading(const core_store *store)
{
    return store->reading && !sqlite3_get_autocommit(store->db);
}

ld_status core_store_data_version(core_store *store, uint32_t *out, ld_error *err)
{
    /* A deferred transaction takes its snapshot at its first read, and the
     * pager notes a change of the file only then: read the header first, so
     * the version is the snapshot's own. */
    if (sqlite3_get_autocommit(store->db))
        return LD_FAIL(err, LD_EINTERNAL, "the data version is read inside a transaction");
    int rc = step_cached(store, sql_schema_version);
    unsigned int version = 0;
    if ((rc != SQLITE_ROW && rc != SQLITE_DONE) ||
        sqlite3_file_control(store->db, "main", SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK)
        return core_store_fail(store, "reading the data version", err);
    *out = version;
    return LD_OK;
}

ld_status core_store_begin_large(core_store *store, ld_error *err)
{
    /* The switch needs the file to itself; with another connection open it
     * fails at once (no busy wait) and the write goes through the WAL. */
    if (!store->rollback_journal && sqlite3_get_autocommit(store->db)) {
        sqlite3_stmt *stmt = NULL;
        sqlite3_busy_timeout(store->db, 0);
        if (sqlite3_prepare_v2(store->db, "PRAGMA journal_mode = DELETE", -1, &stmt, NULL) ==
                SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW &&
            strcmp((const char *)sqlite3_column_text(stmt, 0), "delete") == 0)
            store->rollback_journal = true;
        sqlite3_finalize(stmt);
        sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS);
    }
    return core_store_begin(store, err);
}

bool core_store_uses_rollback_journal(const core_store *store)
{
    return store->rollback_journal;
}

ld_status core_store_commit(core_store *store, ld_error *err)
{
    bool was_reading = store->reading;
    if (store->reading) {
        /* Nothing written may commit unrecorded and unsigned. */
        store->reading = false;
        if (sqlite3_txn_state(store->db, "main") == SQLITE_TXN_WRITE) {
            core_store_rollback(store);
            return LD_FAIL(err, LD_EINTERNAL, "a write was attempted in a read transaction");
        }
    }
    /* What the transaction wrote is recorded (the ledger's rows, rows.h)
     * inside it, so that it commits or vanishes with the writes. */
    else if (!sqlite3_get_autocommit(store->db)) {
        ld_status st = LD_OK;
        if (store->commit_hook != NULL)
            st = store->commit_hook(store->commit_context, err);
        if (st == LD_OK && store->seal_commit != NULL)
            st = store->seal_commit(store->seal_context, err);
        if (st == LD_OK)
            st = core_pending_place(store->files, err);
        if (st != LD_OK) {
            core_store_rollback(store);
            return st;
        }
    }
    if ((was_reading ? step_cached(store, sql_commit) != SQLITE_DONE
                     : sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)) {
        ld_status st = core_store_fail(store, "committing", err);
        core_pending_unplace(store->files);
        core_store_rollback(store);
        return st;
    }
    core_pending_forget(store->files);
    return LD_OK;
}

void core_store_rollback(core_store *store)
{
    store->reading = false;
    /* Configuration read or loaded inside the transaction may be undone with it. */
    core_store_set_config_cache(store, NULL, NULL);
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    core_pending_discard(store->files);
}

ld_status core_store_savepoint(core_store *store, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    if ((st = core_pending_mark(&store->files, err)) != LD_OK)
        return st;
    if (sqlite3_exec(store->db, "SAVEPOINT ld_op", NULL, NULL, NULL) != SQLITE_OK) {
        core_pending_unmark(store->files);
        return core_store_fail(store, "starting a savepoint", err);
    }
    return LD_OK;
}

ld_status core_store_release(core_store *store, ld_error *err)
{
    if (sqlite3_exec(store->db, "RELEASE ld_op", NULL, NULL, NULL) != SQLITE_OK)
        return core_store_fail(store, "releasing a savepoint", err);
    core_pending_unmark(store->files); /* its files now wait for the outer commit */
    return LD_OK;
}

void core_store_rollback_to(core_store *store)
{
    core_store_set_config_cache(store, NULL, NULL);
    /* A failed statement may already have ended the whole transaction (an
     * I/O error, a full disk): then there is no savepoint left to undo, and
     * the caller sees core_store_in_transaction false. */
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK TO ld_op; RELEASE ld_op", NULL, NULL, NULL);
    else
        core_pending_discard(store->files); /* the whole transaction ended */
    core_pending_drop_to_mark(store->files);
}

ld_status core_store_defer_file(core_store *store, const char *part, const char *final,
                                ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    return st != LD_OK ? st : core_pending_add(&store->files, part, final, err);
}

bool core_store_file_deferred(const core_store *store, const char *final)
{
    return core_pending_has(store->files, final);
}

bool core_store_in_transaction(const core_store *store)
{
    return !sqlite3_get_autocommit(store->db);
}

ld_status core_store_require_transaction(const core_store *store, ld_error *err)
{
    if (!core_store_in_transaction(store))
        return LD_FAIL(err, LD_EINTERNAL, "a write was attempted outside a transaction");
    return LD_OK;
}

void *core_store_config_cache(core_store *store)
{
    return store->config_cache;
}

void core_store_set_config_cache(core_store *store, void *cache, void (*free_fn)(void *))
{
    if (store->config_cache != NULL && store->config_cache_free != NULL)
        store->config_cache_free(store->config_cache);
    store->config_cache = cache;
    store->config_cache_free = free_fn;
}

ld_status core_store_migrate_module(core_store *store, const char *module, const char *const *steps,
                                    int count, ld_error *err)
{
    bool own = !core_store_in_transaction(store);
    ld_status st;
    if (own && (st = core_store_begin(store, err)) != LD_OK)
        return st;
    if ((st = core_store_exec(store,
                              "CREATE TABLE IF NOT EXISTS module_schema (module TEXT PRIMARY KEY, "
                              "version INTEGER NOT NULL)",
                              err)) != LD_OK)
        goto out;
    static const char get[] = "SELECT version FROM module_schema WHERE module = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, get, err);
    if (stmt == NULL) {
        st = LD_EINTERNAL;
        goto out;
    }
    core_store_bind_text(stmt, 1, module);
    int version = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (version > count) {
        st = LD_FAIL(err, LD_ESTATE,
                     "the database's %s schema (version %d) is newer than this loandesk "
                     "supports (%d)",
                     module, version, count);
        goto out;
    }
    for (int v = version; v < count; v++) {
        if ((st = core_store_exec(store, steps[v], err)) != LD_OK) {
            ld_error_prefix(err, "upgrading the %s schema to version %d", module, v + 1);
            goto out;
        }
    }
    if (version < count) {
        static const char set[] = "INSERT INTO module_schema (module, version) VALUES (?, ?) "
                                  "ON CONFLICT (module) DO UPDATE SET version = excluded.version";
        if ((stmt = core_store_stmt(store, set, err)) == NULL) {
            st = LD_EINTERNAL;
            goto out;
        }
        core_store_bind_text(stmt, 1, module);
        sqlite3_bind_int(stmt, 2, count);
        int rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            st = core_store_fail(store, "recording a module schema version", err);
    }
out:
    if (own) {
        if (st == LD_OK)
            st = core_store_commit(store, err);
        else
            core_store_rollback(store);
    }
    return st;
}

void core_store_set_event_sink(core_store *store, core_event_sink sink, void *context)
{
    store->event_sink = sink;
    store->event_context = context;
}

void core_store_set_seal_hooks(core_store *store, core_begin_hook on_begin,
                               core_commit_hook before_commit, void *context)
{
    store->seal_begin = on_begin;
    store->seal_commit = before_commit;
    store->seal_context = context;
}

void core_store_set_commit_hook(core_store *store, core_commit_hook hook, void *context)
{
    store->commit_hook = hook;
    store->commit_context = context;
}

bool core_store_has_event_sink(const core_store *store)
{
    return store->event_sink != NULL;
}

ld_status core_event_emit(core_store *store, const char *type, const struct cJSON *fields,
                          ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK || store->event_sink == NULL)
        return st;
    return store->event_sink(store->event_context, type, fields, err);
}

void core_store_set_name_common(core_store *store, int64_t postings)
{
    store->name_common = postings;
}

int64_t core_store_name_common(const core_store *store)
{
    return store->name_common;
}

ld_status core_store_set_cache_mib(core_store *store, int mib, ld_error *err)
{
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", mib * 1024);
    return core_store_exec(store, pragma, err);
}

void core_store_set_clock(core_store *store, const core_clock *clock)
{
    store->clock = *clock;
}

int64_t core_store_now(const core_store *store)
{
    if (store->clock.wall_now != NULL)
        return store->clock.wall_now(store->clock.wall_context);
    return (int64_t)time(NULL);
}

ld_date core_store_clock_date(const core_store *store)
{
    int64_t now = core_store_now(store);
    return (ld_date)(now >= 0 ? now / 86400 : (now - 86399) / 86400);
}

ld_date core_store_today(const core_store *store)
{
    return store->clock.business_date != 0 ? store->clock.business_date
                                           : core_store_clock_date(store);
}

void core_store_now_iso(core_store *store, char buf[32])
{
    /* Bulk commands stamp many rows a second: format each second once. */
    int64_t now = core_store_now(store);
    if (now != store->iso_second) {
        time_t t = (time_t)now;
        struct tm utc;
        gmtime_r(&t, &utc);
        strftime(store->iso_text, sizeof store->iso_text, "%Y-%m-%dT%H:%M:%SZ", &utc);
        store->iso_second = now;
    }
    memcpy(buf, store->iso_text, sizeof store->iso_text);
}
