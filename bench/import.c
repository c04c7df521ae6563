/*
 * import.c - bench_import: how fast `loandesk import` loads a portfolio, against
 * the targets of issue 2 (at least 50,000 applications/s end to end, and at
 * least 0.4 of a bare prepared-statement insert of the same rows).
 *
 * One run: generate N applications with bench_gen (or take --input), read them
 * once into an in-memory row tape (not timed), then for each repetition
 *   end to end: a fresh database (`loandesk init`, `user add` of an officer,
 *     not timed), then `loandesk import FILE` as a child process, timed from
 *     spawn to exit: start-up, login, parsing, every validation, the inserts,
 *     the audit event, commit and close;
 *   bare: a second fresh database initialised the same way (so with the same
 *     16 KiB pages and schema), then, with plain
 *     sqlite3 prepared statements and the same connection settings as the store
 *     (foreign keys, synchronous=FULL, no allocation statistics, no SQLite
 *     mutexes, the 256 MiB page cache that `loandesk import` gives itself, and
 *     the rollback journal that core_store_begin_large takes for the one large
 *     transaction, back to WAL at the end), one transaction inserting the same
 *     borrower, financial statement, application, guarantor, collateral and
 *     investigation rows plus the one audit event, with no validation; timed
 *     from the first prepare to the close.
 * Medians over the repetitions are reported with their ratio.
 *
 * Bench code may use SQLite directly (the rule that SQL lives in core's store
 * files is for the product). Usage:
 *   bench_import [--count N] [--seed S] [--reps R] [--input FILE.jsonl]
 *                [--loandesk PATH] [--gen PATH] [--workdir DIR] [--keep]
 * The loandesk and bench_gen programs default to the ones beside this binary.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "money.h"

extern char **environ;

#define TARGET_RATE    50000.0
#define TARGET_RATIO   0.4
#define ADMIN_PASSWORD "Bench2026admin"
#define OFFICER_NAME   "officer"
#define OFFICER_PASS   "Bench2026officer"
#define MAX_REPS       9
#define PATH_MAX_LEN   4096
#define MAX_PRODUCTS   64

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_import: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(10);
}

/* ---- child processes ----------------------------------------------------- */

/* Runs argv[0] with the environment minus LOANDESK_DB/USER/PASSWORD/
 * NEW_PASSWORD plus `extra` (NULL-terminated "K=V" strings), stdout and stderr
 * to the given files. Returns the exit status, or -1 if it did not exit. */
static int run(char *const argv[], char *const extra[], const char *out_path, const char *err_path)
{
    static const char *const replaced[] = {
        "LOANDESK_DB=", "LOANDESK_USER=", "LOANDESK_PASSWORD=", "LOANDESK_NEW_PASSWORD=", NULL};
    size_t n = 0, e = 0;
    while (environ[n] != NULL)
        n++;
    while (extra[e] != NULL)
        e++;
    char **envp = calloc(n + e + 1, sizeof *envp);
    if (envp == NULL)
        die("out of memory", NULL);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        bool drop = false;
        for (int r = 0; replaced[r] != NULL; r++)
            drop = drop || strncmp(environ[i], replaced[r], strlen(replaced[r])) == 0;
        if (!drop)
            envp[used++] = environ[i];
    }
    for (size_t i = 0; i < e; i++)
        envp[used++] = extra[i];
    envp[used] = NULL;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    free(envp);
    if (rc != 0)
        die(argv[0], strerror(rc));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid", strerror(errno));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void print_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char line[1024];
    while (fgets(line, sizeof line, f) != NULL)
        fputs(line, stderr);
    fclose(f);
}

/* Runs a step that must succeed, showing its stderr when it does not. */
static void must_run(const char *what, char *const argv[], char *const extra[], const char *dir)
{
    char out[PATH_MAX_LEN], err[PATH_MAX_LEN];
    snprintf(out, sizeof out, "%s/step.out", dir);
    snprintf(err, sizeof err, "%s/step.err", dir);
    int rc = run(argv, extra, out, err);
    if (rc != 0) {
        print_file(err);
        fprintf(stderr, "bench_import: %s failed (exit %d)\n", what, rc);
        exit(10);
    }
}

static void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (dir != NULL) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char child[PATH_MAX_LEN];
            snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(child);
            else
                unlink(child);
        }
        closedir(dir);
    }
    rmdir(path);
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

typedef struct config {
    const char *loandesk, *gen, *input;
    char workdir[PATH_MAX_LEN];
    int64_t count, seed;
    int reps;
    bool keep;
} config;

/* A fresh database in dir: `init` with an admin, then an officer account. */
static void make_database(const config *cfg, const char *dir, char *db_path, size_t size)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        die(dir, strerror(errno));
    snprintf(db_path, size, "%s/loandesk.db", dir);
    char db_env[PATH_MAX_LEN + 16];
    snprintf(db_env, sizeof db_env, "LOANDESK_DB=%s", db_path);
    char *init[] = {(char *)cfg->loandesk, "init", "--admin", "admin", "--name",
                    "系统管理员",          NULL};
    char *init_env[] = {db_env, "LOANDESK_PASSWORD=" ADMIN_PASSWORD, NULL};
    must_run("loandesk init", init, init_env, dir);
    char *add[] = {(char *)cfg->loandesk,
                   "user",
                   "add",
                   "--username",
                   OFFICER_NAME,
                   "--name",
                   "陈晓",
                   "--role",
                   "officer",
                   NULL};
    char *add_env[] = {db_env, "LOANDESK_USER=admin", "LOANDESK_PASSWORD=" ADMIN_PASSWORD,
                       "LOANDESK_NEW_PASSWORD=First-pass-2026", NULL};
    must_run("loandesk user add", add, add_env, dir);
    /* A password an admin set is replaced at first use. */
    char *passwd[] = {(char *)cfg->loandesk, "user", "passwd", NULL};
    char *passwd_env[] = {db_env, "LOANDESK_USER=" OFFICER_NAME,
                          "LOANDESK_PASSWORD=First-pass-2026",
                          "LOANDESK_NEW_PASSWORD=" OFFICER_PASS, NULL};
    must_run("loandesk user passwd", passwd, passwd_env, dir);
}

/* ---- the row tape -------------------------------------------------------- */

/* The portfolio's rows, decoded once so the bare insert times SQLite alone.
 * A record is a tag byte naming the table, then its values: 'n' null,
 * 'i' + int64, 't' + uint32 length + bytes + NUL. */
enum {
    T_BORROWER = 'B',
    T_FINANCIAL = 'F',
    T_APPLICATION = 'A',
    T_GUARANTOR = 'G',
    T_COLLATERAL = 'C',
    T_INVESTIGATION = 'I'
};

typedef struct tape {
    unsigned char *data;
    size_t len, cap;
    int64_t applications, borrowers, financials, guarantors, collateral, investigations;
} tape;

static void tape_put(tape *t, const void *bytes, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : (size_t)1 << 20;
        while (cap < t->len + n)
            cap *= 2;
        unsigned char *data = realloc(t->data, cap);
        if (data == NULL)
            die("out of memory for the row tape", NULL);
        t->data = data;
        t->cap = cap;
    }
    memcpy(t->data + t->len, bytes, n);
    t->len += n;
}

static void tape_tag(tape *t, char tag)
{
    tape_put(t, &tag, 1);
}

static void tape_null(tape *t)
{
    tape_tag(t, 'n');
}

static void tape_int(tape *t, int64_t value)
{
    tape_tag(t, 'i');
    tape_put(t, &value, sizeof value);
}

static void tape_text(tape *t, const char *text)
{
    if (text == NULL) {
        tape_null(t);
        return;
    }
    uint32_t n = (uint32_t)strlen(text);
    tape_tag(t, 't');
    tape_put(t, &n, sizeof n);
    tape_put(t, text, n + 1);
}

static const char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static void put_str(tape *t, const cJSON *obj, const char *key)
{
    tape_text(t, str_of(obj, key));
}

static void put_num(tape *t, const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsNumber(item))
        tape_int(t, (int64_t)item->valuedouble);
    else
        tape_null(t);
}

/* Money as fen; `fallback` < 0 writes NULL when absent. */
static void put_money(tape *t, const cJSON *obj, const char *key, int64_t fallback)
{
    const char *text = str_of(obj, key);
    ld_money fen;
    if (text != NULL && ld_money_parse(key, text, &fen, NULL) == LD_OK)
        tape_int(t, fen);
    else if (fallback >= 0)
        tape_int(t, fallback);
    else
        tape_null(t);
}

static void tape_line(tape *t, const cJSON *line)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(line, "borrower");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(line, "application");
    bool individual = strcmp(str_of(b, "kind") ? str_of(b, "kind") : "", "individual") == 0;
    tape_tag(t, T_BORROWER);
    put_str(t, b, "kind");
    put_str(t, b, "name");
    put_str(t, b, individual ? "id_number" : "credit_code");
    put_str(t, b, "phone");
    put_str(t, b, "address");
    const char *id = str_of(b, "id_number");
    if (individual && id != NULL && strlen(id) == 18) {
        char birth[11];
        snprintf(birth, sizeof birth, "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
        tape_text(t, birth);
    } else {
        tape_null(t);
    }
    put_str(t, b, "employer");
    put_num(t, b, "years_employed");
    put_money(t, b, "monthly_income", -1);
    put_money(t, b, "existing_debt", -1);
    put_money(t, b, "existing_monthly_repayment", -1);
    put_str(t, b, "industry");
    put_num(t, b, "industry_risk_class");
    put_num(t, b, "years_in_business");
    put_money(t, b, "registered_capital", -1);
    tape_int(t, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "blocklisted")));
    t->borrowers++;
    static const char *const statement_money[] = {
        "total_assets", "total_liabilities", "current_assets", "current_liabilities",
        "inventory",    "revenue",           "net_profit",     "operating_cash_flow"};
    const cJSON *fs;
    cJSON_ArrayForEach(fs, cJSON_GetObjectItemCaseSensitive(b, "financials"))
    {
        tape_tag(t, T_FINANCIAL);
        put_num(t, fs, "year");
        for (int i = 0; i < 8; i++)
            put_money(t, fs, statement_money[i],
                      strcmp(statement_money[i], "inventory") == 0 ? 0 : -1);
        t->financials++;
    }
    tape_tag(t, T_APPLICATION);
    put_str(t, a, "product");
    put_money(t, a, "amount", -1);
    put_num(t, a, "term_months");
    put_str(t, a, "method");
    put_str(t, a, "purpose");
    t->applications++;
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(line, "guarantors"))
    {
        tape_tag(t, T_GUARANTOR);
        put_str(t, g, "kind");
        put_str(t, g, "name");
        put_str(t, g, "id_number");
        put_num(t, g, "borrower_id");
        tape_text(t, str_of(g, "guarantee_type") ? str_of(g, "guarantee_type") : "general");
        put_money(t, g, "guaranteed_amount", -1);
        put_money(t, g, "net_assets", -1);
        put_money(t, g, "outstanding_guarantees", -1);
        t->guarantors++;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(line, "collateral"))
    {
        tape_tag(t, T_COLLATERAL);
        put_str(t, c, "type");
        put_str(t, c, "arrangement");
        put_str(t, c, "owner_name");
        tape_int(t, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "owner_is_borrower")));
        put_str(t, c, "certificate_no");
        put_money(t, c, "appraised_value", -1);
        put_str(t, c, "appraisal_date");
        put_str(t, c, "appraiser");
        put_num(t, c, "lien_rank");
        put_money(t, c, "prior_claims", 0);
        put_str(t, c, "registration_no");
        t->collateral++;
    }
    const cJSON *inv = cJSON_GetObjectItemCaseSensitive(line, "investigation");
    if (cJSON_IsObject(inv)) {
        tape_tag(t, T_INVESTIGATION);
        static const char *const keys[] = {"site_visit_date", "operations", "assets_liabilities",
                                           "repayment_capacity", "conclusion"};
        for (int i = 0; i < 5; i++)
            put_str(t, inv, keys[i]);
        t->investigations++;
    }
}

static void tape_load(const char *path, tape *t)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die(path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int64_t lineno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len <= 1)
            continue;
        cJSON *record = cJSON_ParseWithLength(line, (size_t)len);
        if (record == NULL ||
            !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(record, "borrower")) ||
            !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(record, "application"))) {
            fprintf(stderr, "bench_import: %s: line %" PRId64 " is not a portfolio record\n", path,
                    lineno);
            exit(10);
        }
        tape_line(t, record);
        cJSON_Delete(record);
    }
    free(line);
    fclose(f);
}

/* ---- the bare insert ----------------------------------------------------- */

typedef struct reader {
    const unsigned char *at;
} reader;

/* Binds the next `count` tape values to parameters first.. of stmt. */
static void bind_values(reader *r, sqlite3_stmt *stmt, int first, int count)
{
    for (int i = 0; i < count; i++) {
        unsigned char tag = *r->at++;
        if (tag == 'i') {
            int64_t value;
            memcpy(&value, r->at, sizeof value);
            r->at += sizeof value;
            sqlite3_bind_int64(stmt, first + i, value);
        } else if (tag == 't') {
            uint32_t n;
            memcpy(&n, r->at, sizeof n);
            r->at += sizeof n;
            sqlite3_bind_text(stmt, first + i, (const char *)r->at, (int)n, SQLITE_STATIC);
            r->at += n + 1;
        } else {
            sqlite3_bind_null(stmt, first + i);
        }
    }
}

/* The text of the next tape value, which must be text. */
static const char *peek_text(const reader *r)
{
    return *r->at == 't' ? (const char *)r->at + 1 + sizeof(uint32_t) : "";
}

typedef struct product_period {
    char code[32];
    char period[16];
} product_period;

static void check(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        die(what, sqlite3_errmsg(db));
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL), sql);
    return stmt;
}

static void step(sqlite3 *db, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        die(what, sqlite3_errmsg(db));
    sqlite3_reset(stmt);
}

/* Product code -> period, from the catalogue `init` loaded (outside the timing). */
static int read_periods(sqlite3 *db, product_period *out)
{
    sqlite3_stmt *stmt = prepare(db, "SELECT body FROM config_document WHERE name = 'products' "
                                     "ORDER BY id DESC LIMIT 1");
    int count = 0;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *doc = cJSON_Parse((const char *)sqlite3_column_text(stmt, 0));
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "products"))
        {
            if (count == MAX_PRODUCTS || !str_of(p, "code"))
                continue;
            snprintf(out[count].code, sizeof out[count].code, "%s", str_of(p, "code"));
            snprintf(out[count].period, sizeof out[count].period, "%s",
                     str_of(p, "period") ? str_of(p, "period") : "monthly");
            count++;
        }
        cJSON_Delete(doc);
    }
    sqlite3_finalize(stmt);
    return count;
}

/* Inserts the tape into the database at db_path in one transaction; returns
 * the seconds from the first prepare to the close. */
static double bare_insert(const char *db_path, const tape *t)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
        die(db_path, sqlite3_errmsg(db));
    check(db,
          sqlite3_exec(db,
                       "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
                       "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; "
                       "PRAGMA cache_size = -262144;",
                       NULL, NULL, NULL),
          "connection settings");
    product_period periods[MAX_PRODUCTS];
    int period_count = read_periods(db, periods);
    int64_t officer = 0;
    sqlite3_stmt *who = prepare(db, "SELECT id FROM app_user WHERE username = '" OFFICER_NAME "'");
    if (sqlite3_step(who) == SQLITE_ROW)
        officer = sqlite3_column_int64(who, 0);
    sqlite3_finalize(who);
    if (officer == 0)
        die("bare insert", "no officer account");
    char stamp[32];
    time_t wall = time(NULL);
    struct tm utc;
    gmtime_r(&wall, &utc);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);

    double start = now();
    /* As the store's core_store_begin_large: the one large transaction runs
     * with a rollback journal, and the file goes back to WAL at the end. */
    check(db, sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL),
          "rollback journal");
    sqlite3_stmt *borrower = prepare(
        db, "INSERT INTO borrower (kind, name, id_number, phone, address, birth_date, employer, "
            "years_employed, monthly_income, existing_debt, existing_monthly_repayment, industry, "
            "industry_risk_class, years_in_business, registered_capital, blocklisted, officer_id, "
            "created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
            "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18, ?18)");
    sqlite3_stmt *financial =
        prepare(db, "INSERT INTO financial_statement (borrower_id, year, total_assets, "
                    "total_liabilities, current_assets, current_liabilities, inventory, revenue, "
                    "net_profit, operating_cash_flow) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *application = prepare(
        db, "INSERT INTO application (borrower_id, product_code, amount, term_months, method, "
            "period, purpose, state, created_by, created_at, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?6, 'draft', ?8, ?9, ?9)");
    sqlite3_stmt *guarantor = prepare(
        db, "INSERT INTO guarantor (application_id, kind, name, id_number, borrower_id, "
            "guarantee_type, guaranteed_amount, net_assets, outstanding_guarantees, created_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *collateral = prepare(
        db, "INSERT INTO collateral (application_id, type, arrangement, owner_name, "
            "owner_is_borrower, certificate_no, appraised_value, appraisal_date, appraiser, "
            "lien_rank, prior_claims, registration_no, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *investigation =
        prepare(db, "INSERT INTO investigation (application_id, site_visit_date, operations, "
                    "assets_liabilities, repayment_capacity, conclusion, recorded_by, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), "BEGIN");
    reader r = {t->data};
    const unsigned char *end = t->data + t->len;
    int64_t borrower_id = 0, app_id = 0;
    while (r.at < end) {
        unsigned char tag = *r.at++;
        switch (tag) {
        case T_BORROWER:
            bind_values(&r, borrower, 1, 16);
            sqlite3_bind_int64(borrower, 17, officer);
            sqlite3_bind_text(borrower, 18, stamp, -1, SQLITE_STATIC);
            step(db, borrower, "borrower");
            borrower_id = sqlite3_last_insert_rowid(db);
            break;
        case T_FINANCIAL:
            sqlite3_bind_int64(financial, 1, borrower_id);
            bind_values(&r, financial, 2, 9);
            step(db, financial, "financial_statement");
            break;
        case T_APPLICATION: {
            const char *code = peek_text(&r);
            const char *period = "monthly";
            for (int i = 0; i < period_count; i++)
                if (strcmp(periods[i].code, code) == 0)
                    period = periods[i].period;
            sqlite3_bind_int64(application, 1, borrower_id);
            bind_values(&r, application, 2, 5);
            sqlite3_bind_text(application, 7, period, -1, SQLITE_STATIC);
            sqlite3_bind_int64(application, 8, officer);
            sqlite3_bind_text(application, 9, stamp, -1, SQLITE_STATIC);
            step(db, application, "application");
            app_id = sqlite3_last_insert_rowid(db);
            break;
        }
        case T_GUARANTOR:
            sqlite3_bind_int64(guarantor, 1, app_id);
            bind_values(&r, guarantor, 2, 8);
            sqlite3_bind_int64(guarantor, 10, officer);
            sqlite3_bind_text(guarantor, 11, stamp, -1, SQLITE_STATIC);
            step(db, guarantor, "guarantor");
            break;
        case T_COLLATERAL:
            sqlite3_bind_int64(collateral, 1, app_id);
            bind_values(&r, collateral, 2, 11);
            sqlite3_bind_int64(collateral, 13, officer);
            sqlite3_bind_text(collateral, 14, stamp, -1, SQLITE_STATIC);
            step(db, collateral, "collateral");
            break;
        case T_INVESTIGATION:
            sqlite3_bind_int64(investigation, 1, app_id);
            bind_values(&r, investigation, 2, 5);
            sqlite3_bind_int64(investigation, 7, officer);
            sqlite3_bind_text(investigation, 8, stamp, -1, SQLITE_STATIC);
            step(db, investigation, "investigation");
            break;
        default:
            die("row tape", "corrupt");
        }
    }
    /* The import's one audit event for the file. */
    sqlite3_stmt *audit = prepare(
        db, "INSERT INTO audit_event (at, user_id, username, action, entity, entity_id, outcome, "
            "detail) VALUES (?, ?, '" OFFICER_NAME "', 'import', 'file', 0, 'ok', '{}')");
    sqlite3_bind_text(audit, 1, stamp, -1, SQLITE_STATIC);
    sqlite3_bind_int64(audit, 2, officer);
    step(db, audit, "audit_event");
    check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "COMMIT");
    sqlite3_stmt *all[] = {borrower,   financial,     application, guarantor,
                           collateral, investigation, audit};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    check(db, sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), "back to WAL");
    if (sqlite3_close(db) != SQLITE_OK)
        die("closing the bare database", NULL);
    return now() - start;
}

/* ---- driver -------------------------------------------------------------- */

static double end_to_end(const config *cfg, const char *dir, const char *db_path, const char *input,
                         bool show)
{
    char db_env[PATH_MAX_LEN + 16], out[PATH_MAX_LEN], err[PATH_MAX_LEN];
    snprintf(db_env, sizeof db_env, "LOANDESK_DB=%s", db_path);
    snprintf(out, sizeof out, "%s/import.out", dir);
    snprintf(err, sizeof err, "%s/import.err", dir);
    char *argv[] = {(char *)cfg->loandesk, "import", (char *)input, NULL};
    char *env[] = {db_env, "LOANDESK_USER=" OFFICER_NAME, "LOANDESK_PASSWORD=" OFFICER_PASS, NULL};
    double start = now();
    int rc = run(argv, env, out, err);
    double seconds = now() - start;
    if (rc != 0) {
        print_file(err);
        fprintf(stderr, "bench_import: loandesk import failed (exit %d)\n", rc);
        exit(10);
    }
    if (show) {
        FILE *f = fopen(out, "r");
        char line[512];
        if (f != NULL && fgets(line, sizeof line, f) != NULL)
            printf("  loandesk: %s", line);
        if (f != NULL)
            fclose(f);
    }
    return seconds;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *values, int n)
{
    double sorted[MAX_REPS];
    memcpy(sorted, values, (size_t)n * sizeof *values);
    qsort(sorted, (size_t)n, sizeof *sorted, by_double);
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static bool parse_int(const char *text, int64_t min, int64_t max, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        return false;
    *out = value;
    return true;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_import [--count N] [--seed S] [--reps R] [--input FILE.jsonl] "
                    "[--loandesk PATH] [--gen PATH] [--workdir DIR] [--keep]\n");
    return 1;
}

int main(int argc, char **argv)
{
    config cfg = {.count = 1000000, .seed = 1, .reps = 3};
    /* As the store: no allocation statistics (a process-wide mutex per
     * allocation); only effective before SQLite initialises. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    static char self_dir[PATH_MAX_LEN], loandesk[PATH_MAX_LEN], gen[PATH_MAX_LEN];
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t number;
        if (strcmp(argv[i], "--count") == 0 && value && parse_int(value, 1, INT32_MAX, &cfg.count))
            i++;
        else if (strcmp(argv[i], "--seed") == 0 && value &&
                 parse_int(value, 0, INT64_MAX, &cfg.seed))
            i++;
        else if (strcmp(argv[i], "--reps") == 0 && value &&
                 parse_int(value, 1, MAX_REPS, &number)) {
            cfg.reps = (int)number;
            i++;
        } else if (strcmp(argv[i], "--input") == 0 && value)
            cfg.input = argv[++i];
        else if (strcmp(argv[i], "--loandesk") == 0 && value)
            cfg.loandesk = argv[++i];
        else if (strcmp(argv[i], "--gen") == 0 && value)
            cfg.gen = argv[++i];
        else if (strcmp(argv[i], "--workdir") == 0 && value)
            base = argv[++i];
        else if (strcmp(argv[i], "--keep") == 0)
            cfg.keep = true;
        else
            return usage();
    }
    /* The programs beside this one, unless named. */
    ssize_t n = readlink("/proc/self/exe", self_dir, sizeof self_dir - 1);
    if (n > 0) {
        self_dir[n] = '\0';
        char *slash = strrchr(self_dir, '/');
        if (slash != NULL)
            *slash = '\0';
    } else {
        snprintf(self_dir, sizeof self_dir, ".");
    }
    if (cfg.loandesk == NULL) {
        snprintf(loandesk, sizeof loandesk, "%s/loandesk", self_dir);
        cfg.loandesk = loandesk;
    }
    if (cfg.gen == NULL) {
        snprintf(gen, sizeof gen, "%s/bench_gen", self_dir);
        cfg.gen = gen;
    }
    if (access(cfg.loandesk, X_OK) != 0)
        die(cfg.loandesk, "not found; name it with --loandesk");
    snprintf(cfg.workdir, sizeof cfg.workdir, "%s/loandesk-bench-XXXXXX", base);
    if (mkdtemp(cfg.workdir) == NULL)
        die(cfg.workdir, strerror(errno));

    char input[PATH_MAX_LEN];
    double gen_seconds = 0;
    if (cfg.input != NULL) {
        snprintf(input, sizeof input, "%s", cfg.input);
    } else {
        if (access(cfg.gen, X_OK) != 0)
            die(cfg.gen, "not found; name it with --gen or give --input");
        snprintf(input, sizeof input, "%s/portfolio.jsonl", cfg.workdir);
        char count_text[32], seed_text[32];
        snprintf(count_text, sizeof count_text, "%" PRId64, cfg.count);
        snprintf(seed_text, sizeof seed_text, "%" PRId64, cfg.seed);
        char *gen_argv[] = {(char *)cfg.gen, "--count", count_text, "--seed",
                            seed_text,       "--out",   input,      NULL};
        char *no_env[] = {NULL};
        double start = now();
        must_run("bench_gen", gen_argv, no_env, cfg.workdir);
        gen_seconds = now() - start;
    }
    double load_start = now();
    tape t = {0};
    tape_load(input, &t);
    double load_seconds = now() - load_start;
    double apps = (double)t.applications;
    printf("bench_import: %" PRId64 " applications (%" PRId64 " borrowers, %" PRId64
           " financial statements, %" PRId64 " guarantors, %" PRId64 " collateral items, %" PRId64
           " investigations)\n",
           t.applications, t.borrowers, t.financials, t.guarantors, t.collateral, t.investigations);
    printf("  portfolio %s: %.1f MB", input, (double)file_size(input) / 1e6);
    if (cfg.input == NULL)
        printf(", generated in %.1f s (seed %" PRId64 ")", gen_seconds, cfg.seed);
    printf("; decoded for the bare insert in %.1f s (not timed)\n", load_seconds);
    fflush(stdout);

    double e2e[MAX_REPS], bare[MAX_REPS];
    int64_t db_bytes = 0;
    for (int rep = 0; rep < cfg.reps; rep++) {
        char dir[PATH_MAX_LEN], db_path[PATH_MAX_LEN];
        snprintf(dir, sizeof dir, "%s/e2e-%d", cfg.workdir, rep + 1);
        make_database(&cfg, dir, db_path, sizeof db_path);
        e2e[rep] = end_to_end(&cfg, dir, db_path, input, rep == 0);
        db_bytes = file_size(db_path);
        if (!cfg.keep)
            remove_tree(dir);
        snprintf(dir, sizeof dir, "%s/bare-%d", cfg.workdir, rep + 1);
        make_database(&cfg, dir, db_path, sizeof db_path);
        bare[rep] = bare_insert(db_path, &t);
        if (!cfg.keep)
            remove_tree(dir);
        printf("  run %d: end to end %.2f s (%.0f applications/s), bare %.2f s (%.0f "
               "applications/s)\n",
               rep + 1, e2e[rep], apps / e2e[rep], bare[rep], apps / bare[rep]);
        fflush(stdout);
    }
    double e2e_rate = apps / median(e2e, cfg.reps), bare_rate = apps / median(bare, cfg.reps);
    double ratio = e2e_rate / bare_rate;
    printf("  database after import: %.1f MB\n", (double)db_bytes / 1e6);
    printf("median of %d run%s:\n", cfg.reps, cfg.reps > 1 ? "s" : "");
    printf("  end to end (loandesk import):   %9.0f applications/s\n", e2e_rate);
    printf("  bare prepared-statement insert: %9.0f applications/s\n", bare_rate);
    printf("  ratio end to end / bare:        %9.2f\n", ratio);
    printf("targets: end to end >= %.0f applications/s: %s; ratio >= %.1f: %s\n", TARGET_RATE,
           e2e_rate >= TARGET_RATE ? "met" : "MISSED", TARGET_RATIO,
           ratio >= TARGET_RATIO ? "met" : "MISSED");
    free(t.data);
    if (!cfg.keep)
        remove_tree(cfg.workdir);
    else
        printf("kept %s\n", cfg.workdir);
    return 0;
}
