/*
 * test_trust.c - the trust the ledger earns, tried as an adversary would
 * (docs/ledger.md "What verify proves"): tamperings of the database's
 * certificates, checkpoints and keys and of an export, each caught with exit
 * 6 (or a usage error where the auditor brought no anchor) and a message
 * naming what was found; workbooks re-signed by a foreign key; and the key
 * custody that keeps the CA and institution keys apart from every login.
 *
 * One book is made through the operations API (a loan disbursed, repaid,
 * closed at business end, a rating workbook signed) and exported; every
 * database tampering works on a copy of it, every export tampering on a copy
 * of the export. Each account logs in once; copies resume the auditor's
 * session token, so no test pays PBKDF2 again.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_fixture.h"
#include "api_int.h"
#include "application.h"
#include "borrower.h"
#include "check.h"
#include "doc_fixture.h"
#include "digest.h"
#include "ident.h"
#include "json_in.h"
#include "keystore.h"
#include "ledger_events.h"
#include "ledger_verify.h"
#include "log.h"
#include "loandesk/admin.h"
#include "loandesk/reports.h"
#include "loandesk/servicing.h"
#include "merkle.h"
#include "pki.h"
#include "store_sql.h"
#include "trust.h"
#include "user.h"
#include "xlsx_read.h"
#include <zlib.h>

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"
#define TODAY          AFX_TODAY

static char dir[256], base_db[300], ca_path[300], export_dir[300], kept_path[300];
static char key_path[300], workbook[300];
static ld_api *api;
static ld_session *s_admin, *s_off, *s_rev, *s_mgr, *s_aud;
static char aud_token[LD_SESSION_TOKEN_MAX], off_token[LD_SESSION_TOKEN_MAX];
static int64_t app_id, loan_id;

/* Identities an adversary can make: a CA of their own, an "institution"
 * certificate it issued, and a self-signed CA calling itself the
 * institution. */
static core_pki_key *foreign_ca_key, *foreign_key, *self_key, *mgr_key;
static char *foreign_ca_cert, *foreign_cert, *self_cert, *mgr_cert;

/* ---- The book ------------------------------------------------------------------- */

static void die(const char *what, const ld_error *err)
{
    afx_die(what, err);
}

static void add_user(const char *name, core_role role, bool certified)
{
    ld_error err;
    core_user_spec spec = {name, name, role, -1, USER_PASSWORD};
    int64_t id;
    if (core_user_add(api->store, &s_admin->who, &spec, &id, &err) != LD_OK ||
        (certified &&
         core_keystore_issue_user(api->store, &s_admin->who, AFX_CA_PASSPHRASE, id, USER_PASSWORD,
                                  (time_t)core_store_now(api->store), &err) != LD_OK))
        die("adding a user", &err);
}

static void in_tx(ld_status st, const char *what, const ld_error *err)
{
    ld_error e;
    if (st != LD_OK) {
        core_store_rollback(api->store);
        die(what, err);
    }
    if (api_seal(api, NULL, &e) != LD_OK || core_store_commit(api->store, &e) != LD_OK)
        die("commit", &e);
}

static void begin(void)
{
    ld_error err;
    if (core_store_begin(api->store, &err) != LD_OK)
        die("begin", &err);
}

static void make_application(void)
{
    ld_error err;
    char first17[18] = "11010519900501123", id[19];
    memcpy(id, first17, 17);
    id[17] = core_resident_id_check_char(first17);
    id[18] = '\0';
    cJSON *b = cJSON_Parse("{\"kind\": \"individual\", \"name\": \"Zhang San\", \"phone\": "
                           "\"13800138000\", \"address\": \"1 Chang'an Ave\", \"employer\": "
                           "\"Acme\", \"years_employed\": 6, \"monthly_income\": \"30000.00\", "
                           "\"existing_debt\": \"0.00\"}");
    cJSON_AddStringToObject(b, "id_number", id);
    int64_t borrower = 0;
    begin();
    in_tx(core_borrower_add(api->store, &s_off->who, b, &borrower, &err), "borrower", &err);
    cJSON_Delete(b);
    char json[512];
    snprintf(json, sizeof json,
             "{\"borrower_id\": %lld, \"product\": \"PCL\", \"amount\": \"100000.00\", "
             "\"term_months\": 24, \"method\": \"annuity\", \"purpose\": \"renovation\", "
             "\"investigation\": {\"site_visit_date\": \"2026-06-01\", \"operations\": \"ok\", "
             "\"assets_liabilities\": \"ok\", \"repayment_capacity\": \"ok\", \"conclusion\": "
             "\"ok\"}}",
             (long long)borrower);
    cJSON *a = cJSON_Parse(json);
    begin();
    in_tx(core_application_create(api->store, &s_off->who, a, &app_id, &err), "application", &err);
    cJSON_Delete(a);
    begin();
    dfx_complete(api->store, &s_off->who, app_id);
    in_tx(core_application_submit(api->store, &s_off->who, app_id, &err), "submit", &err);
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        die(path, NULL);
}

static char *read_text(const char *path, size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    ld_error err;
    if (core_read_file(path, &text, &n, &err) != LD_OK)
        return NULL;
    if (len != NULL)
        *len = n;
    return text;
}

static void make_adversary(void)
{
    ld_error err;
    core_pki_subject ca = {"loandesk CA Test Bank", "certification authority", "Test Bank"};
    core_pki_subject inst = {"loandesk ledger Test Bank", "institution", "Test Bank"};
    time_t start = 1767225600 - 86400 * 365; /* valid well before the book's first day */
    if (core_pki_key_generate(&foreign_ca_key, &err) != LD_OK ||
        core_pki_ca_cert_create(foreign_ca_key, &ca, 3650, start, &foreign_ca_cert, &err) !=
            LD_OK ||
        core_pki_key_generate(&foreign_key, &err) != LD_OK ||
        core_pki_cert_issue(foreign_ca_key, foreign_ca_cert, strlen(foreign_ca_cert), foreign_key,
                            &inst, 3000, start, &foreign_cert, &err) != LD_OK ||
        core_pki_key_generate(&self_key, &err) != LD_OK ||
        core_pki_ca_cert_create(self_key, &inst, 3650, start, &self_cert, &err) != LD_OK)
        die("adversary", &err);
}

static void world_close(void)
{
    ld_session *all[] = {s_admin, s_off, s_rev, s_mgr, s_aud};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ld_session_free(all[i]);
    ld_api_close(api);
    core_pki_key *keys[] = {foreign_ca_key, foreign_key, self_key, mgr_key};
    char *pems[] = {foreign_ca_cert, foreign_cert, self_cert, mgr_cert};
    for (size_t i = 0; i < 4; i++) {
        core_pki_key_free(keys[i]);
        free(pems[i]);
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void world(void)
{
    api = afx_book_new("trust", ADMIN_PASSWORD, dir, sizeof dir, base_db, sizeof base_db);
    ld_api_default_key_path(base_db, key_path, sizeof key_path);
    ld_error err;
    cJSON *out = NULL;
    s_admin = afx_login(api, "admin", ADMIN_PASSWORD);
    begin();
    add_user("off1", CORE_ROLE_OFFICER, false);
    add_user("rev1", CORE_ROLE_REVIEWER, true);
    add_user("mgr", CORE_ROLE_MANAGER, true);
    add_user("aud", CORE_ROLE_AUDITOR, false);
    if (sqlite3_exec(core_store_db(api->store),
                     "UPDATE app_user SET password_changed_on = '" TODAY "'", NULL, NULL,
                     NULL) != SQLITE_OK)
        die("dating the passwords", NULL);
    in_tx(LD_OK, "users", NULL);
    s_off = afx_login(api, "off1", USER_PASSWORD);
    s_rev = afx_login(api, "rev1", USER_PASSWORD);
    s_mgr = afx_login(api, "mgr", USER_PASSWORD);
    s_aud = afx_login(api, "aud", USER_PASSWORD);
    afx_ca_file(s_aud, dir, ca_path, sizeof ca_path);
    if (ld_session_token_issue(s_aud, aud_token, &err) != LD_OK ||
        ld_session_token_issue(s_off, off_token, &err) != LD_OK ||
        core_keystore_user_signer(api->store, &s_mgr->who, USER_PASSWORD, &mgr_key, &mgr_cert,
                                  &err) != LD_OK)
        die("auditor token, manager key", &err);
    make_adversary();
    atexit(world_close);

    make_application();
    if (ld_application_rate(s_rev, app_id, &out, &err) != LD_OK)
        die("rating", &err);
    cJSON_Delete(out);
    core_approval_terms terms = {.rate = -1};
    begin();
    in_tx(core_application_approve(api->store, &s_rev->who, app_id, &terms, "fine", &err),
          "approve", &err);
    if (ld_loan_disburse(s_mgr, app_id, TODAY, NULL, &out, &err) != LD_OK)
        die("disburse", &err);
    loan_id = (int64_t)cJSON_GetObjectItemCaseSensitive(out, "id")->valuedouble;
    cJSON_Delete(out);
    /* The auditor keeps the checkpoint of this moment. */
    if (ld_ledger_checkpoint(s_mgr, &out, &err) != LD_OK)
        die("checkpoint", &err);
    snprintf(kept_path, sizeof kept_path, "%s/kept-checkpoint", dir);
    const char *block = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "block"));
    write_text(kept_path, block, strlen(block));
    cJSON_Delete(out);
    ld_repayment r = {.amount = "500.00", .date = TODAY};
    if (ld_loan_repay(s_off, loan_id, &r, &out, &err) != LD_OK)
        die("repay", &err);
    cJSON_Delete(out);
    ld_cob_options cob = {.date = TODAY};
    if (ld_cob_run(s_mgr, &cob, &out, &err) != LD_OK)
        die("cob", &err);
    cJSON_Delete(out);
    snprintf(workbook, sizeof workbook, "%s/rating.xlsx", dir);
    ld_report_spec spec = {.path = workbook, .lang = "en"};
    if (ld_report_rating(s_rev, app_id, &spec, USER_PASSWORD, &out, &err) != LD_OK)
        die("rating workbook", &err);
    cJSON_Delete(out);
    r.amount = "300.00";
    if (ld_loan_repay(s_off, loan_id, &r, &out, &err) != LD_OK)
        die("repay", &err);
    cJSON_Delete(out);
    snprintf(export_dir, sizeof export_dir, "%s/export", dir);
    if (ld_ledger_export(s_aud, export_dir, &out, &err) != LD_OK)
        die("export", &err);
    cJSON_Delete(out);
}

/* ---- Copies of the database --------------------------------------------------------- */

static void copy_db(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s.db", dir, name);
    unlink(path);
    sqlite3 *dst = NULL;
    if (sqlite3_open(path, &dst) != SQLITE_OK)
        die("copy open", NULL);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", core_store_db(api->store), "main");
    if (b == NULL || sqlite3_backup_step(b, -1) != SQLITE_DONE)
        die("copy", NULL);
    sqlite3_backup_finish(b);
    sqlite3_close(dst);
}

static void sql_on(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fprintf(stderr, "sql: %s: %s\n", sql, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_close(db);
}

/* Verifies the database at path as the auditor does, with anchor (may be
 * NULL: none). */
static ld_status verify_db(const char *path, const ld_trust_anchor *anchor, ld_error *err)
{
    ld_api *copy = NULL;
    ld_session *s = NULL;
    cJSON *out = NULL;
    ld_status st = ld_api_open(path, &afx_clock, &copy, err);
    if (st == LD_OK && (st = ld_api_set_institution_key(copy, key_path, NULL, err)) == LD_OK &&
        (st = ld_session_resume(copy, aud_token, &s, err)) == LD_OK)
        st = ld_ledger_verify(s, anchor, &out, err);
    cJSON_Delete(out);
    ld_session_free(s);
    ld_api_close(copy);
    return st;
}

static const ld_trust_anchor *ca_anchor(void)
{
    static ld_trust_anchor a;
    a = (ld_trust_anchor){.ca_file = ca_path};
    return &a;
}

/* Signs every stored checkpoint again with key, naming cert on its key line
 * (sizes and roots as stored, numbers by position). */
static void resign_db(const char *path, const core_pki_key *key, const char *cert)
{
    core_pki_cert_info info;
    ld_error err;
    if (core_pki_cert_inspect(cert, strlen(cert), &info, &err) != LD_OK)
        die("resign", &err);
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    ledger_log *log = NULL;
    ledger_checkpoint_record *cps = NULL;
    size_t n = 0;
    if (ledger_log_open(db, &log, &err) != LD_OK ||
        ledger_log_checkpoint_list(log, &cps, &n, &err) != LD_OK)
        die("resign list", &err);
    sqlite3_stmt *up = NULL;
    sqlite3_prepare_v2(db,
                       "UPDATE ledger_checkpoint SET signature = ?1, key_id = ?2 WHERE id = "
                       "(SELECT id FROM ledger_checkpoint ORDER BY id LIMIT 1 OFFSET ?3)",
                       -1, &up, NULL);
    for (size_t i = 0; i < n; i++) {
        char text[LEDGER_CHECKPOINT_TEXT_MAX];
        size_t len = 0;
        unsigned char *sig = NULL;
        size_t sig_len = 0;
        if (ledger_checkpoint_text(&cps[i].checkpoint, text, &len, &err) != LD_OK ||
            core_pki_sign(key, (const unsigned char *)text, len, &sig, &sig_len, &err) != LD_OK)
            die("resign", &err);
        sqlite3_bind_blob(up, 1, sig, (int)sig_len, SQLITE_TRANSIENT);
        sqlite3_bind_text(up, 2, info.fingerprint, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(up, 3, (sqlite3_int64)i);
        sqlite3_step(up);
        sqlite3_reset(up);
        free(sig);
    }
    sqlite3_finalize(up);
    ledger_checkpoint_records_free(cps, n);
    ledger_log_close(log);
    sqlite3_close(db);
}

/* Rebuilds the stored tree after the entries were edited: the entries
 * [0, keep) are appended again to an empty log and every table of the log
 * replaced; checkpoints beyond keep are dropped and the others given the new
 * roots when new_roots (their signatures are left as they were). */
static void rebuild_db(const char *path, uint64_t keep, bool new_roots)
{
    sqlite3 *db = NULL, *mem = NULL;
    sqlite3_open(path, &db);
    sqlite3_open(":memory:", &mem);
    ledger_log *log = NULL;
    ld_error err;
    if (ledger_log_open(mem, &log, &err) != LD_OK)
        die("rebuild", &err);
    sqlite3_stmt *rows = NULL;
    sqlite3_prepare_v2(db, "SELECT body FROM ledger_entry ORDER BY seq", -1, &rows, NULL);
    uint64_t n = 0;
    while (n < keep && sqlite3_step(rows) == SQLITE_ROW) {
        uint64_t seq = 0;
        if (ledger_log_append(log, sqlite3_column_blob(rows, 0),
                              (size_t)sqlite3_column_bytes(rows, 0), &seq, &err) != LD_OK)
            die("rebuild append", &err);
        n++;
    }
    sqlite3_finalize(rows);
    sqlite3_exec(db, "DELETE FROM ledger_entry; DELETE FROM ledger_node;", NULL, NULL, NULL);
    const char *copies[][2] = {
        {"SELECT seq, body, leaf_hash FROM ledger_entry",
         "INSERT INTO ledger_entry(seq, body, leaf_hash) VALUES (?1, ?2, ?3)"},
        {"SELECT level, idx, hash FROM ledger_node",
         "INSERT INTO ledger_node(level, idx, hash) VALUES (?1, ?2, ?3)"}};
    for (int t = 0; t < 2; t++) {
        sqlite3_stmt *from = NULL, *to = NULL;
        sqlite3_prepare_v2(mem, copies[t][0], -1, &from, NULL);
        sqlite3_prepare_v2(db, copies[t][1], -1, &to, NULL);
        while (sqlite3_step(from) == SQLITE_ROW) {
            for (int c = 0; c < 3; c++)
                sqlite3_bind_value(to, c + 1, sqlite3_column_value(from, c));
            sqlite3_step(to);
            sqlite3_reset(to);
        }
        sqlite3_finalize(from);
        sqlite3_finalize(to);
    }
    char sql[128];
    snprintf(sql, sizeof sql, "DELETE FROM ledger_checkpoint WHERE size > %llu",
             (unsigned long long)n);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_stmt *cps = NULL, *up = NULL;
    sqlite3_prepare_v2(db,
                       new_roots ? "SELECT id, size FROM ledger_checkpoint"
                                 : "SELECT id, size FROM ledger_checkpoint WHERE 0",
                       -1, &cps, NULL);
    sqlite3_prepare_v2(db, "UPDATE ledger_checkpoint SET root = ?1 WHERE id = ?2", -1, &up, NULL);
    while (sqlite3_step(cps) == SQLITE_ROW) {
        ledger_hash root;
        if (ledger_log_root(log, (uint64_t)sqlite3_column_int64(cps, 1), &root, &err) != LD_OK)
            die("rebuild root", &err);
        sqlite3_bind_blob(up, 1, root.bytes, LEDGER_HASH_SIZE, SQLITE_TRANSIENT);
        sqlite3_bind_int64(up, 2, sqlite3_column_int64(cps, 0));
        sqlite3_step(up);
        sqlite3_reset(up);
    }
    sqlite3_finalize(cps);
    sqlite3_finalize(up);
    ledger_log_close(log);
    sqlite3_close(mem);
    sqlite3_close(db);
}

static long long count_on(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;
    sqlite3_open(path, &db);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* ---- Database tamperings -------------------------------------------------------------- */

typedef struct db_case {
    const char *name;
    const char *sql;    /* run on the copy first (may be NULL) */
    int resign;         /* 0 none, 1 foreign institution, 2 manager, 3 self-signed */
    int64_t rebuild;    /* >= 0: rebuild the tree keeping that many entries; -1: no */
    bool since;         /* verify with the kept checkpoint */
    const char *expect; /* in the message */
} db_case;

static void run_db_case(const db_case *c, int number)
{
    char path[400], name[32];
    snprintf(name, sizeof name, "db-case-%d", number);
    copy_db(name, path, sizeof path);
    if (c->sql != NULL)
        sql_on(path, c->sql);
    if (c->rebuild >= 0)
        rebuild_db(path, (uint64_t)c->rebuild, c->resign != 5);
    if (c->resign == 1)
        resign_db(path, foreign_key, foreign_cert);
    else if (c->resign == 2)
        resign_db(path, mgr_key, mgr_cert);
    else if (c->resign == 3)
        resign_db(path, self_key, self_cert);
    ld_trust_anchor anchor = {.ca_file = ca_path, .since_path = c->since ? kept_path : NULL};
    ld_error err;
    ld_status st = verify_db(path, &anchor, &err);
    if (st != LD_EVERIFY || strstr(err.message, c->expect) == NULL)
        fprintf(stderr, "database tampering \"%s\": status %d: %s\n", c->name, st, err.message);
    CHECK_INT(st, LD_EVERIFY);
    CHECK_CONTAINS(err.message, c->expect);
    unlink(path);
}

static void the_untouched_book_verifies(void)
{
    ld_error err;
    char path[400];
    copy_db("untouched", path, sizeof path);
    CHECK_INT(verify_db(path, ca_anchor(), &err), LD_OK);
    ld_trust_anchor since = {.ca_file = ca_path, .since_path = kept_path};
    CHECK_INT(verify_db(path, &since, &err), LD_OK);
    /* Every command left its entries under a signed checkpoint. */
    CHECK_INT(count_on(path, "SELECT (SELECT count(*) FROM ledger_entry) - (SELECT size FROM "
                             "ledger_checkpoint ORDER BY id DESC LIMIT 1)"),
              0);
    CHECK(count_on(path, "SELECT count(*) FROM ledger_checkpoint") >= 5);
}

static void database_tamperings_are_caught(void)
{
    /* A forged certificate row, as an insider with write access adds one. */
    char forge_cert[8192], forge_self[8192];
    core_pki_cert_info fi, si;
    ld_error err;
    core_pki_cert_inspect(foreign_cert, strlen(foreign_cert), &fi, &err);
    core_pki_cert_inspect(self_cert, strlen(self_cert), &si, &err);
    snprintf(forge_cert, sizeof forge_cert,
             "UPDATE pki_identity SET cert_pem = '%s', fingerprint = '%s', serial = '%s' WHERE "
             "kind = 'institution'",
             foreign_cert, fi.fingerprint, fi.serial);
    snprintf(forge_self, sizeof forge_self,
             "INSERT INTO pki_identity (kind, cert_pem, key_pem, serial, fingerprint, issued_at) "
             "VALUES ('institution', '%s', '', '%s', '%s', 0)",
             self_cert, si.serial, si.fingerprint);
    static char forge_insert[8192];
    snprintf(forge_insert, sizeof forge_insert,
             "INSERT INTO pki_identity (kind, cert_pem, key_pem, serial, fingerprint, issued_at) "
             "VALUES ('institution', '%s', '', '%s', '%s', 0)",
             foreign_cert, fi.serial, fi.fingerprint);
    const db_case cases[] = {
        {"institution certificate replaced, every checkpoint re-signed", forge_cert, 1, -1, false,
         "does not chain to the trust anchor"},
        {"a second institution certificate added, every checkpoint re-signed by it", forge_insert,
         1, -1, false, "does not chain to the trust anchor"},
        {"self-signed institution certificate added, checkpoints re-signed", forge_self, 3, -1,
         false, "not the institution's checkpoint-signing certificate"},
        {"checkpoints re-signed with a manager's certificate of the same CA", NULL, 2, -1, false,
         "not the institution's checkpoint-signing certificate"},
        {"every checkpoint deleted", "DELETE FROM ledger_checkpoint", 0, -1, false,
         "there is no checkpoint at all"},
        {"one checkpoint deleted from the middle",
         "DELETE FROM ledger_checkpoint WHERE id = (SELECT id FROM ledger_checkpoint ORDER BY id "
         "LIMIT 1 OFFSET 2)",
         0, -1, false, "a checkpoint before it deleted or moved"},
        {"the last checkpoint deleted",
         "DELETE FROM ledger_checkpoint WHERE id = (SELECT max(id) FROM ledger_checkpoint)", 0, -1,
         false, "not covered by any signed checkpoint"},
        {"a key line names no certificate",
         "UPDATE ledger_checkpoint SET key_id = "
         "'00000000000000000000000000000000000000000000000000000000deadbeef' WHERE id = 2",
         0, -1, false, "which is missing"},
        {"a key line names the CA",
         "UPDATE ledger_checkpoint SET key_id = (SELECT fingerprint FROM pki_identity WHERE kind "
         "= 'ca')",
         0, -1, false, "a CA"},
        {"a key line that is no fingerprint", "UPDATE ledger_checkpoint SET key_id = 'institution'",
         0, -1, false, "is not a certificate fingerprint"},
        {"a signature byte changed",
         "UPDATE ledger_checkpoint SET signature = substr(signature, 1, length(signature) - 1) "
         "|| CASE WHEN substr(signature, -1) = X'00' THEN X'01' ELSE X'00' END WHERE id = 3",
         0, -1, false, "signature does not verify"},
        {"a checkpoint's time changed", "UPDATE ledger_checkpoint SET time = time + 1 WHERE id = 2",
         0, -1, false, "signature does not verify"},
        {"a checkpoint's size changed",
         "UPDATE ledger_checkpoint SET size = size - 1 WHERE id = (SELECT max(id) FROM "
         "ledger_checkpoint)",
         0, -1, false, "signature does not verify"},
        {"a checkpoint's root changed",
         "UPDATE ledger_checkpoint SET root = zeroblob(32) WHERE id = 2", 0, -1, false,
         "signature does not verify"},
        {"two checkpoints swapped",
         "UPDATE ledger_checkpoint SET id = -1 WHERE id = 2; UPDATE ledger_checkpoint SET id = 2 "
         "WHERE id = 3; UPDATE ledger_checkpoint SET id = 3 WHERE id = -1",
         0, -1, false, "signature does not verify"},
        {"a checkpoint copied to the end",
         "INSERT INTO ledger_checkpoint(size, root, time, signature, key_id) SELECT size, root, "
         "time, signature, key_id FROM ledger_checkpoint WHERE id = (SELECT max(id) FROM "
         "ledger_checkpoint)",
         0, -1, false, "signature does not verify"},
        {"the institution certificate deleted",
         "DELETE FROM pki_identity WHERE kind = 'institution'", 0, -1, false, "which is missing"},
        {"an entry's body changed and the tree rebuilt",
         "UPDATE ledger_entry SET body = CAST(replace(CAST(body AS TEXT), '50000', '90000') AS "
         "BLOB) WHERE seq = (SELECT max(seq) FROM ledger_entry)",
         0, 1000000, false, "signature does not verify"},
        {"entries cut back to the kept checkpoint's size minus one, tree rebuilt", NULL, 0, 3, true,
         "truncated"},
        {"history before the kept checkpoint rewritten and re-signed by the institution key",
         "UPDATE ledger_entry SET body = CAST(replace(CAST(body AS TEXT), '\"time\":', "
         "'\"time\":1') AS BLOB) WHERE seq = 0",
         4, 1000000, true, "history was rewritten"},
        {"an entry's body changed, tree rebuilt, checkpoints re-signed by a foreign key",
         "UPDATE ledger_entry SET body = CAST(replace(CAST(body AS TEXT), '10000000', "
         "'90000000') AS BLOB)",
         1, 1000000, false, "which is missing"},
        {"the stored tree rebuilt over a changed entry, checkpoints left as signed",
         "UPDATE ledger_entry SET body = CAST(replace(CAST(body AS TEXT), '\"time\":', "
         "'\"time\":2') AS BLOB) WHERE seq = 1",
         5, 1000000, false, "do not hash to its signed root"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        db_case c = cases[i];
        /* 4: re-signed by the real key, as an insider holding the key file
         * could; only the kept checkpoint exposes it. */
        if (c.resign == 4) {
            char path[400];
            snprintf(path, sizeof path, "%s/db-case-%zu", dir, i);
            c.resign = 0;
            copy_db("insider", path, sizeof path);
            sql_on(path, c.sql);
            rebuild_db(path, (uint64_t)c.rebuild, true);
            core_pki_key *key = NULL;
            char *cert = NULL;
            if (core_keystore_institution_signer(api->store, key_path, NULL, &key, &cert, &err) !=
                LD_OK)
                die("institution key", &err);
            resign_db(path, key, cert);
            core_pki_key_free(key);
            free(cert);
            ld_trust_anchor anchor = {.ca_file = ca_path, .since_path = kept_path};
            ld_status st = verify_db(path, &anchor, &err);
            CHECK_INT(st, LD_EVERIFY);
            CHECK_CONTAINS(err.message, c.expect);
            /* Without the kept checkpoint the rewrite cannot be seen: what
             * docs/ledger.md says verify cannot prove. */
            CHECK_INT(verify_db(path, ca_anchor(), &err), LD_OK);
            continue;
        }
        run_db_case(&c, (int)i);
    }
}

static void appended_entries_are_an_unsigned_tail(void)
{
    char path[400];
    copy_db("appended", path, sizeof path);
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    ledger_log *log = NULL;
    ld_error err;
    uint64_t seq = 0;
    static const char forged[] =
        "{\"journal\":[{\"id\":999,\"lines\":[[\"1001\",50000],[\"1301.01\",-50000]]}],"
        "\"loan\":1,\"time\":1781514000,\"type\":\"loan.repay\"}";
    CHECK_INT(ledger_log_open(db, &log, &err), LD_OK);
    CHECK_INT(ledger_log_append(log, forged, strlen(forged), &seq, &err), LD_OK);
    ledger_log_close(log);
    sqlite3_close(db);
    CHECK_INT(verify_db(path, ca_anchor(), &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "not covered by any signed checkpoint");
    char want[64];
    snprintf(want, sizeof want, "entries %llu..%llu", (unsigned long long)seq,
             (unsigned long long)seq);
    CHECK_CONTAINS(err.message, want);
}

/* Entries slipped into the database are never signed over by the next
 * command, whether it writes or only reads: that would launder them. */
static void a_forged_tail_is_never_signed_over(void)
{
    char path[400];
    copy_db("laundering", path, sizeof path);
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    ledger_log *log = NULL;
    ld_error err;
    uint64_t seq = 0;
    static const char forged[] =
        "{\"journal\":[{\"id\":998,\"lines\":[[\"1001\",70000],[\"1301.01\",-70000]]}],"
        "\"loan\":1,\"time\":1781514000,\"type\":\"loan.repay\"}";
    CHECK_INT(ledger_log_open(db, &log, &err), LD_OK);
    CHECK_INT(ledger_log_append(log, forged, strlen(forged), &seq, &err), LD_OK);
    ledger_log_close(log);
    sqlite3_close(db);
    long long checkpoints = count_on(path, "SELECT count(*) FROM ledger_checkpoint");
    ld_api *copy = NULL;
    ld_session *off = NULL, *aud = NULL;
    cJSON *out = NULL;
    CHECK_INT(ld_api_open(path, &afx_clock, &copy, &err), LD_OK);
    CHECK_INT(ld_api_set_institution_key(copy, key_path, NULL, &err), LD_OK);
    CHECK_INT(ld_session_resume(copy, off_token, &off, &err), LD_OK);
    CHECK_INT(ld_session_resume(copy, aud_token, &aud, &err), LD_OK);
    /* A read: nothing appended, nothing signed. */
    CHECK_INT(ld_ledger_prove_inclusion(aud, 0, 0, &out, &err), LD_OK);
    cJSON_Delete(out);
    /* A write: refused, nothing of it kept. */
    ld_repayment r = {.amount = "10.00", .date = TODAY};
    CHECK_INT(ld_loan_repay(off, loan_id, &r, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "written outside loandesk");
    ld_session_free(off);
    ld_session_free(aud);
    ld_api_close(copy);
    CHECK_INT(count_on(path, "SELECT count(*) FROM ledger_checkpoint"), checkpoints);
    CHECK_INT(verify_db(path, ca_anchor(), &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "not covered by any signed checkpoint");
}

static void a_checkpoint_backdated_by_the_key_holder_is_refused(void)
{
    /* Signed with the real key, dated before the institution certificate
     * was issued: the chain does not hold at that time. */
    char path[400];
    copy_db("backdated", path, sizeof path);
    sql_on(path, "UPDATE ledger_checkpoint SET time = 1000 WHERE id = (SELECT min(id) FROM "
                 "ledger_checkpoint)");
    core_pki_key *key = NULL;
    char *cert = NULL;
    ld_error err;
    CHECK_INT(core_keystore_institution_signer(api->store, key_path, NULL, &key, &cert, &err),
              LD_OK);
    resign_db(path, key, cert);
    core_pki_key_free(key);
    free(cert);
    CHECK_INT(verify_db(path, ca_anchor(), &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "not yet valid");
}

static void anchors_come_from_the_auditor(void)
{
    char path[400], foreign_ca[400], kept_forged[400];
    copy_db("anchors", path, sizeof path);
    ld_error err;
    /* No anchor at all: a usage error, before any work. */
    CHECK_INT(verify_db(path, NULL, &err), LD_EUSAGE);
    ld_trust_anchor none = {0};
    CHECK_INT(verify_db(path, &none, &err), LD_EUSAGE);
    /* A CA the auditor does not hold (the adversary's). */
    snprintf(foreign_ca, sizeof foreign_ca, "%s/foreign-ca.pem", dir);
    write_text(foreign_ca, foreign_ca_cert, strlen(foreign_ca_cert));
    ld_trust_anchor wrong = {.ca_file = foreign_ca};
    CHECK_INT(verify_db(path, &wrong, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "does not chain to the trust anchor");
    /* The fingerprint the auditor holds, matched with the database's CA. */
    core_pki_cert_info real;
    char *ca = read_text(ca_path, NULL);
    core_pki_cert_inspect(ca, strlen(ca), &real, &err);
    free(ca);
    ld_trust_anchor by_fp = {.ca_fingerprint = real.fingerprint};
    CHECK_INT(verify_db(path, &by_fp, &err), LD_OK);
    ld_trust_anchor bad_fp = {.ca_fingerprint = "abc"};
    CHECK_INT(verify_db(path, &bad_fp, &err), LD_EINVAL);
    /* The CA certificate in the database replaced by the adversary's: the
     * fingerprint no longer matches. */
    char sql[8192];
    snprintf(sql, sizeof sql, "UPDATE pki_identity SET cert_pem = '%s' WHERE kind = 'ca'",
             foreign_ca_cert);
    sql_on(path, sql);
    CHECK_INT(verify_db(path, &by_fp, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "fingerprint");
    /* A kept checkpoint whose signature was altered. */
    size_t len = 0;
    char *kept = read_text(kept_path, &len);
    char *sig = kept != NULL ? strstr(kept, "signature ") : NULL;
    if (sig != NULL)
        sig[20] = sig[20] == '0' ? '1' : '0';
    snprintf(kept_forged, sizeof kept_forged, "%s/kept-forged", dir);
    write_text(kept_forged, kept, len);
    free(kept);
    char fresh[400];
    copy_db("anchors-since", fresh, sizeof fresh);
    ld_trust_anchor since = {.ca_file = ca_path, .since_path = kept_forged};
    CHECK_INT(verify_db(fresh, &since, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "kept checkpoint");
}

/* ---- Export tamperings ---------------------------------------------------------------- */

static void copy_export(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, name);
    char cmd[900];
    snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s %s", out, export_dir, out);
    if (system(cmd) != 0)
        die("copying the export", NULL);
}

static ld_status verify_export(const char *path, const ld_trust_anchor *anchor, ld_error *err)
{
    cJSON *out = NULL;
    ld_status st = ld_ledger_verify_export(path, anchor, &out, err);
    cJSON_Delete(out);
    return st;
}

static char *part_path(const char *export, const char *name)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", export, name);
    return path;
}

/* Re-signs an export's checkpoints with key and cert, recomputing every root
 * from its entries, and puts cert in institution.pem: what an adversary who
 * changed entries does to an export. */
static void resign_export(const char *export, const core_pki_key *key, const char *cert)
{
    size_t len = 0, cps_len = 0, n = 0;
    char *entries = read_text(part_path(export, "entries.jsonl"), &len);
    char *blocks = read_text(part_path(export, "checkpoints"), &cps_len);
    ledger_checkpoint_record *cps = NULL;
    ld_error err;
    if (entries == NULL || blocks == NULL ||
        ledger_checkpoint_blocks_parse(blocks, cps_len, &cps, &n, &err) != LD_OK)
        die("resign export", &err);
    ledger_hash *leaves = calloc(len + 1, sizeof *leaves);
    uint64_t count = 0;
    for (char *p = entries, *nl; (nl = memchr(p, '\n', (size_t)(entries + len - p))) != NULL;
         p = nl + 1)
        ledger_hash_leaf(p, (size_t)(nl - p), &leaves[count++], &err);
    core_pki_cert_info info;
    core_pki_cert_inspect(cert, strlen(cert), &info, &err);
    FILE *f = fopen(part_path(export, "checkpoints"), "wb");
    for (size_t i = 0; i < n; i++) {
        ledger_checkpoint_record *r = &cps[i];
        if (r->checkpoint.size > count)
            r->checkpoint.size = count;
        ledger_tree_root(leaves, r->checkpoint.size, &r->checkpoint.root, &err);
        char text[LEDGER_CHECKPOINT_TEXT_MAX];
        size_t tl = 0;
        ledger_checkpoint_text(&r->checkpoint, text, &tl, &err);
        free(r->signature);
        core_pki_sign(key, (const unsigned char *)text, tl, &r->signature, &r->signature_len, &err);
        free(r->key_id);
        r->key_id = strdup(info.fingerprint);
        ledger_checkpoint_block_write(f, r, &err);
    }
    fclose(f);
    write_text(part_path(export, "institution.pem"), cert, strlen(cert));
    ledger_checkpoint_records_free(cps, n);
    free(leaves);
    free(entries);
    free(blocks);
}

/* Replaces the first occurrence of from by to in an export's file. */
static void edit_part(const char *export, const char *name, const char *from, const char *to)
{
    size_t len = 0;
    char *text = read_text(part_path(export, name), &len);
    char *at = text != NULL ? strstr(text, from) : NULL;
    if (at == NULL) {
        fprintf(stderr, "edit %s: \"%s\" not found\n", name, from);
        check_failures++;
        free(text);
        return;
    }
    size_t fl = strlen(from), tl = strlen(to);
    char *out = malloc(len - fl + tl + 1);
    size_t head = (size_t)(at - text);
    memcpy(out, text, head);
    memcpy(out + head, to, tl);
    memcpy(out + head + tl, at + fl, len - head - fl);
    write_text(part_path(export, name), out, len - fl + tl);
    free(out);
    free(text);
}

/* Keeps the first `lines` lines of an export's file (blocks of `per` lines). */
static void cut_part(const char *export, const char *name, size_t lines)
{
    size_t len = 0;
    char *text = read_text(part_path(export, name), &len);
    size_t at = 0;
    for (size_t k = 0; k < lines && at < len; at++)
        if (text[at] == '\n')
            k++;
    write_text(part_path(export, name), text, at);
    free(text);
}

/* Swaps two lines of an export's file (0-based). */
static void swap_lines(const char *export, const char *name, size_t a, size_t b)
{
    size_t len = 0;
    char *text = read_text(part_path(export, name), &len);
    char *starts[4096];
    size_t count = 0;
    for (char *p = text; p < text + len && count < 4096; p = strchr(p, '\n') + 1)
        starts[count++] = p;
    if (b >= count)
        die("swap_lines", NULL);
    char *out = malloc(len + 1);
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        size_t k = i == a ? b : i == b ? a : i;
        size_t n = (size_t)(strchr(starts[k], '\n') + 1 - starts[k]);
        memcpy(out + used, starts[k], n);
        used += n;
    }
    write_text(part_path(export, name), out, used);
    free(out);
    free(text);
}

static void expect_export(const char *export, const ld_trust_anchor *anchor, ld_status code,
                          const char *what, const char *expect)
{
    ld_error err;
    ld_status st = verify_export(export, anchor, &err);
    if (st != code || strstr(err.message, expect) == NULL)
        fprintf(stderr, "export tampering \"%s\": status %d: %s\n", what, st, err.message);
    CHECK_INT(st, code);
    CHECK_CONTAINS(err.message, expect);
}

static void the_untouched_export_verifies(void)
{
    ld_error err;
    CHECK_INT(verify_export(export_dir, ca_anchor(), &err), LD_OK);
    ld_trust_anchor since = {.ca_file = ca_path, .since_path = kept_path};
    CHECK_INT(verify_export(export_dir, &since, &err), LD_OK);
}

static void export_tamperings_are_caught(void)
{
    char e[400];
    const ld_trust_anchor *ca = ca_anchor();
    copy_export("x-foreign", e, sizeof e);
    edit_part(e, "entries.jsonl", "10000000", "90000000");
    resign_export(e, foreign_key, foreign_cert);
    expect_export(e, ca, LD_EVERIFY, "loan amount changed, re-signed by a foreign CA's key",
                  "does not chain to the trust anchor");

    copy_export("x-self", e, sizeof e);
    edit_part(e, "entries.jsonl", "10000000", "90000000");
    resign_export(e, self_key, self_cert);
    expect_export(e, ca, LD_EVERIFY, "loan amount changed, self-signed institution.pem",
                  "not the institution's checkpoint-signing certificate");

    copy_export("x-manager", e, sizeof e);
    edit_part(e, "entries.jsonl", "10000000", "90000000");
    resign_export(e, mgr_key, mgr_cert);
    expect_export(e, ca, LD_EVERIFY, "re-signed with a manager's certificate of the same CA",
                  "not the institution's checkpoint-signing certificate");

    copy_export("x-empty", e, sizeof e);
    write_text(part_path(e, "checkpoints"), "", 0);
    write_text(part_path(e, "consistency"), "", 0);
    expect_export(e, ca, LD_EVERIFY, "empty checkpoints", "there is no checkpoint at all");

    copy_export("x-nocp", e, sizeof e);
    unlink(part_path(e, "checkpoints"));
    expect_export(e, ca, LD_EVERIFY, "checkpoints deleted", "checkpoints is missing");

    copy_export("x-nocert", e, sizeof e);
    unlink(part_path(e, "institution.pem"));
    expect_export(e, ca, LD_EVERIFY, "institution.pem deleted", "institution.pem is missing");

    copy_export("x-emptycert", e, sizeof e);
    write_text(part_path(e, "institution.pem"), "", 0);
    expect_export(e, ca, LD_EVERIFY, "institution.pem emptied", "which is missing");

    copy_export("x-noentries", e, sizeof e);
    unlink(part_path(e, "entries.jsonl"));
    expect_export(e, ca, LD_EVERIFY, "entries deleted", "entries.jsonl is missing");

    copy_export("x-append", e, sizeof e);
    {
        size_t len = 0;
        char *text = read_text(part_path(e, "entries.jsonl"), &len);
        static const char forged[] =
            "{\"journal\":[{\"id\":999,\"lines\":[[\"1001\",50000],[\"1301.01\",-50000]]}],"
            "\"loan\":1,\"time\":1781514000,\"type\":\"loan.repay\"}\n";
        char *grown = malloc(len + sizeof forged);
        memcpy(grown, text, len);
        memcpy(grown + len, forged, sizeof forged - 1);
        write_text(part_path(e, "entries.jsonl"), grown, len + sizeof forged - 1);
        free(grown);
        free(text);
    }
    expect_export(e, ca, LD_EVERIFY, "a balanced repayment appended",
                  "not covered by any signed checkpoint");

    /* Cut back to an earlier checkpoint: the entries to its size, the
     * blocks and proofs after it dropped. Only a kept checkpoint shows it. */
    copy_export("x-cut", e, sizeof e);
    {
        size_t len = 0, n = 0;
        char *blocks = read_text(part_path(e, "checkpoints"), &len);
        ledger_checkpoint_record *cps = NULL;
        ld_error err;
        ledger_checkpoint_blocks_parse(blocks, len, &cps, &n, &err);
        cut_part(e, "entries.jsonl", (size_t)cps[1].checkpoint.size);
        cut_part(e, "checkpoints", 2 * (LEDGER_CHECKPOINT_LINES + 3));
        cut_part(e, "consistency", 1);
        ledger_checkpoint_records_free(cps, n);
        free(blocks);
    }
    CHECK_INT(verify_export(e, ca, &(ld_error){0}), LD_OK); /* what verify cannot prove alone */
    ld_trust_anchor since = {.ca_file = ca_path, .since_path = kept_path};
    expect_export(e, &since, LD_EVERIFY, "tail cut back to an earlier checkpoint", "truncated");

    copy_export("x-last", e, sizeof e);
    {
        size_t len = 0;
        char *text = read_text(part_path(e, "entries.jsonl"), &len);
        char *last = text;
        for (char *p = text; p < text + len - 1; p++)
            if (*p == '\n')
                last = p + 1;
        char *t = strstr(last, "\"time\":");
        if (t != NULL)
            t[8] = t[8] == '1' ? '2' : '1';
        write_text(part_path(e, "entries.jsonl"), text, len);
        free(text);
    }
    expect_export(e, ca, LD_EVERIFY, "the last entry changed", "do not hash to its signed root");

    copy_export("x-swap", e, sizeof e);
    swap_lines(e, "entries.jsonl", 1, 2);
    expect_export(e, ca, LD_EVERIFY, "two entries swapped", "do not hash to its signed root");

    copy_export("x-delline", e, sizeof e);
    {
        size_t len = 0;
        char *text = read_text(part_path(e, "entries.jsonl"), &len);
        char *second = strchr(text, '\n') + 1, *third = strchr(second, '\n') + 1;
        memmove(second, third, (size_t)(text + len - third));
        write_text(part_path(e, "entries.jsonl"), text, len - (size_t)(third - second));
        free(text);
    }
    expect_export(e, ca, LD_EVERIFY, "an entry deleted", "do not hash to its signed root");

    copy_export("x-delblock", e, sizeof e);
    {
        size_t len = 0;
        char *text = read_text(part_path(e, "checkpoints"), &len);
        size_t at = 0, lines = 0, first = 0;
        for (; at < len && lines < 2 * (LEDGER_CHECKPOINT_LINES + 3); at++) {
            lines += text[at] == '\n';
            if (lines == LEDGER_CHECKPOINT_LINES + 3 && first == 0)
                first = at + 1; /* where the second block starts */
        }
        memmove(text + first, text + at, len - at);
        write_text(part_path(e, "checkpoints"), text, len - (at - first));
        free(text);
    }
    expect_export(e, ca, LD_EVERIFY, "the second checkpoint deleted", "is signed as number");

    copy_export("x-swapblock", e, sizeof e);
    for (size_t i = 0; i < LEDGER_CHECKPOINT_LINES + 3; i++)
        swap_lines(e, "checkpoints", i, i + LEDGER_CHECKPOINT_LINES + 3);
    expect_export(e, ca, LD_EVERIFY, "two checkpoints swapped", "is signed as number");

    copy_export("x-keyline", e, sizeof e);
    edit_part(e, "checkpoints", "\nkey ", "\nkey 0");
    expect_export(e, ca, LD_EVERIFY, "a key line changed", "certificate fingerprint");

    copy_export("x-sig", e, sizeof e);
    edit_part(e, "checkpoints", "signature 30", "signature 31");
    expect_export(e, ca, LD_EVERIFY, "a signature changed", "checkpoint 1");

    copy_export("x-nocons", e, sizeof e);
    unlink(part_path(e, "consistency"));
    expect_export(e, ca, LD_EVERIFY, "consistency proofs deleted", "consistency is missing");

    copy_export("x-cons", e, sizeof e);
    {
        size_t len = 0;
        char *text = read_text(part_path(e, "consistency"), &len);
        char *h = strrchr(text, ' ');
        if (h != NULL)
            h[1] = h[1] == 'a' ? 'b' : 'a';
        write_text(part_path(e, "consistency"), text, len);
        free(text);
    }
    expect_export(e, ca, LD_EVERIFY, "a consistency proof changed", "consistency:");

    copy_export("x-unbalanced", e, sizeof e);
    {
        size_t len = 0;
        char *text = read_text(part_path(e, "entries.jsonl"), &len);
        char *lines = strstr(text, "\"lines\":[[");
        char *comma = lines != NULL ? strchr(lines + 10, ',') : NULL;
        if (comma != NULL && comma[1] >= '1' && comma[1] <= '8')
            comma[1]++;
        write_text(part_path(e, "entries.jsonl"), text, len);
        free(text);
    }
    expect_export(e, ca, LD_EVERIFY, "a journal line changed", "does not balance");

    copy_export("x-canon", e, sizeof e);
    edit_part(e, "entries.jsonl", "{\"", "{ \"");
    expect_export(e, ca, LD_EVERIFY, "an entry made non-canonical", "entries.jsonl line 1");

    copy_export("x-noanchor", e, sizeof e);
    expect_export(e, NULL, LD_EUSAGE, "no anchor", "trust anchor");
    ld_trust_anchor fp = {.ca_fingerprint =
                              "0000000000000000000000000000000000000000000000000000000000000000"};
    expect_export(e, &fp, LD_EVERIFY, "a fingerprint the CA does not have", "fingerprint");

    copy_export("x-ca", e, sizeof e);
    {
        core_pki_cert_info real;
        ld_error err;
        char *ca_text = read_text(ca_path, NULL);
        core_pki_cert_inspect(ca_text, strlen(ca_text), &real, &err);
        free(ca_text);
        ld_trust_anchor by_fp = {.ca_fingerprint = real.fingerprint};
        CHECK_INT(verify_export(e, &by_fp, &err), LD_OK);
        write_text(part_path(e, "ca.pem"), foreign_ca_cert, strlen(foreign_ca_cert));
        resign_export(e, foreign_key, foreign_cert);
        expect_export(e, &by_fp, LD_EVERIFY, "the export's CA replaced by the adversary's",
                      "fingerprint");
    }
    expect_export("/nonexistent/export", ca, LD_ENOTFOUND, "no such export", "no such export");
}

/* ---- Proofs and workbooks -------------------------------------------------------------- */

static void proofs_are_vouched_for_by_a_signed_checkpoint(void)
{
    ld_error err;
    cJSON *proof = NULL, *out = NULL;
    CHECK_INT(ld_ledger_prove_inclusion(s_aud, 1, 0, &proof, &err), LD_OK);
    CHECK_INT(ld_proof_verify(proof, ca_anchor(), &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK_INT(ld_proof_verify(proof, NULL, &out, &err), LD_EUSAGE);
    /* The certificate swapped for the adversary's. */
    cJSON *copy = cJSON_Duplicate(proof, 1);
    cJSON_ReplaceItemInObject(copy, "certificate", cJSON_CreateString(foreign_cert));
    CHECK_INT(ld_proof_verify(copy, ca_anchor(), &out, &err), LD_EVERIFY);
    cJSON_Delete(copy);
    /* No checkpoint: the root is nobody's word. */
    copy = cJSON_Duplicate(proof, 1);
    cJSON_DeleteItemFromObject(copy, "checkpoint");
    CHECK_INT(ld_proof_verify(copy, ca_anchor(), &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "no signed checkpoint vouches");
    cJSON_Delete(copy);
    /* A root recomputed for a changed entry does not match the signed one. */
    copy = cJSON_Duplicate(proof, 1);
    const char *entry = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(copy, "entry"));
    char *changed = strdup(entry);
    changed[strlen(changed) - 2] ^= 1;
    ledger_hash leaf;
    char hex[LEDGER_HASH_HEX];
    ledger_hash_leaf(changed, strlen(changed), &leaf, &err);
    cJSON_ReplaceItemInObject(copy, "entry", cJSON_CreateString(changed));
    cJSON_ReplaceItemInObject(copy, "leaf_hash",
                              cJSON_CreateString(ledger_hash_to_hex(&leaf, hex)));
    CHECK_INT(ld_proof_verify(copy, ca_anchor(), &out, &err), LD_EVERIFY);
    free(changed);
    cJSON_Delete(copy);
    cJSON_Delete(proof);
}

static void workbooks_are_judged_under_the_auditors_anchor(void)
{
    ld_error err;
    cJSON *out = NULL;
    ld_verify_spec spec = {.path = workbook, .ca_pem_path = ca_path, .export_dir = export_dir};
    /* The export's checkpoint covers the workbook's entry. */
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_OK);
    CHECK(cJSON_GetObjectItemCaseSensitive(out, "checkpoint_size") != NULL &&
          cJSON_GetObjectItemCaseSensitive(out, "checkpoint_size")->valuedouble > 0);
    cJSON_Delete(out);
    spec.ca_pem_path = NULL;
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_EUSAGE);
    CHECK_INT(ld_verify(s_aud, &spec, &out, &err), LD_EUSAGE);
    spec.ca_pem_path = ca_path;
    /* An export that does not verify does not vouch for a workbook. */
    char e[400];
    copy_export("w-empty", e, sizeof e);
    write_text(part_path(e, "checkpoints"), "", 0);
    spec.export_dir = e;
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "ledger export");
    spec.export_dir = NULL;
    /* A cell changed and the file re-signed by the adversary's key. */
    size_t len = 0;
    char *bytes = read_text(workbook, &len);
    char forged[400], p7s[420];
    snprintf(forged, sizeof forged, "%s/forged.xlsx", dir);
    snprintf(p7s, sizeof p7s, "%s.p7s", forged);
    bytes[len / 2] ^= 1;
    write_text(forged, bytes, len);
    unsigned char *der = NULL;
    size_t der_len = 0;
    CHECK_INT(core_pki_cms_sign(foreign_key, foreign_cert, strlen(foreign_cert), foreign_ca_cert,
                                strlen(foreign_ca_cert), (const unsigned char *)bytes, len,
                                1781514000, &der, &der_len, &err),
              LD_OK);
    write_text(p7s, (const char *)der, der_len);
    spec.path = forged;
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_EVERIFY);
    /* Re-signed by a manager's key of the same CA: the signature holds, the
     * ledger has no record of these bytes. */
    free(der);
    der = NULL;
    CHECK_INT(core_pki_cms_sign(mgr_key, mgr_cert, strlen(mgr_cert), NULL, 0,
                                (const unsigned char *)bytes, len, 1781514000, &der, &der_len,
                                &err),
              LD_OK);
    write_text(p7s, (const char *)der, der_len);
    spec.export_dir = export_dir;
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_EVERIFY);
    /* The flipped bit breaks the archive before the ledger is asked. */
    CHECK_CONTAINS(err.message, "forged.xlsx");
    free(der);
    free(bytes);
}

/* ---- Sheet hashes recomputed from the workbook --------------------------------------- */

/* A zip of members[] (stored, not deflated), as any zip tool could repack a
 * workbook. */
static unsigned char *zip_stored(char **names, unsigned char **data, size_t *lens, size_t n,
                                 size_t *out_len)
{
    size_t cap = 1024;
    for (size_t i = 0; i < n; i++)
        cap += 2 * (46 + strlen(names[i])) + lens[i];
    unsigned char *z = malloc(cap), *p = z;
    uint32_t *offsets = calloc(n, sizeof *offsets), *crcs = calloc(n, sizeof *crcs);
#define PUT16(v) (p[0] = (unsigned char)(v), p[1] = (unsigned char)((v) >> 8), p += 2)
#define PUT32(v) (PUT16((v)&0xFFFFu), PUT16((uint32_t)(v) >> 16))
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        offsets[i] = (uint32_t)(p - z);
        crcs[i] = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data[i], (uInt)lens[i]);
        PUT32(0x04034b50u);
        PUT16(20);
        PUT16(0);
        PUT16(0);
        PUT16(0);
        PUT16(0x21);
        PUT32(crcs[i]);
        PUT32((uint32_t)lens[i]);
        PUT32((uint32_t)lens[i]);
        PUT16(nl);
        PUT16(0);
        memcpy(p, names[i], nl);
        p += nl;
        memcpy(p, data[i], lens[i]);
        p += lens[i];
    }
    size_t cd = (size_t)(p - z);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        PUT32(0x02014b50u);
        PUT16(20);
        PUT16(20);
        PUT16(0);
        PUT16(0);
        PUT16(0);
        PUT16(0x21);
        PUT32(crcs[i]);
        PUT32((uint32_t)lens[i]);
        PUT32((uint32_t)lens[i]);
        PUT16(nl);
        PUT16(0);
        PUT16(0);
        PUT16(0);
        PUT16(0);
        PUT32(0);
        PUT32(offsets[i]);
        memcpy(p, names[i], nl);
        p += nl;
    }
    size_t cd_size = (size_t)(p - z) - cd;
    PUT32(0x06054b50u);
    PUT16(0);
    PUT16(0);
    PUT16(n);
    PUT16(n);
    PUT32((uint32_t)cd_size);
    PUT32((uint32_t)cd);
    PUT16(0);
#undef PUT16
#undef PUT32
    *out_len = (size_t)(p - z);
    free(offsets);
    free(crcs);
    return z;
}

/* Replaces the first occurrence of from by to (same length) in buf. */
static bool replace_same(unsigned char *buf, size_t len, const char *from, const char *to)
{
    size_t k = strlen(from);
    for (size_t i = 0; i + k <= len; i++)
        if (memcmp(buf + i, from, k) == 0) {
            memcpy(buf + i, to, k);
            return true;
        }
    return false;
}

/* Changes the first digit of the first number cell of xml (a <v> whose <c>
 * has no t attribute). */
static bool change_a_number(unsigned char *xml, size_t len)
{
    char *s = (char *)xml;
    (void)len;
    for (char *v = strstr(s, "<v>"); v != NULL; v = strstr(v + 3, "<v>")) {
        char *c = v;
        while (c > s && strncmp(c, "<c ", 3) != 0)
            c--;
        char *gt = strchr(c, '>');
        if (gt == NULL || gt > v)
            continue;
        bool typed = false;
        for (char *q = c; q < gt; q++)
            typed = typed || strncmp(q, " t=\"", 4) == 0;
        if (!typed && v[3] >= '0' && v[3] <= '9') {
            v[3] = v[3] == '9' ? '1' : (char)(v[3] + 1);
            return true;
        }
    }
    return false;
}

/* The workbook repacked: its first worksheet's first number changed when
 * change is set, and each (from, to) pair of hex replaced in every member. */
static unsigned char *repack(const unsigned char *zip, size_t len, bool change, const char *from,
                             const char *to, size_t *out_len)
{
    ld_error err;
    char **names = NULL;
    size_t n = 0;
    CHECK_INT(xlsx_zip_list(zip, len, &names, &n, &err), LD_OK);
    unsigned char **data = calloc(n + 1, sizeof *data);
    size_t *lens = calloc(n + 1, sizeof *lens);
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(xlsx_zip_member(zip, len, names[i], 64u << 20, &data[i], &lens[i], &err), LD_OK);
        if (change && strcmp(names[i], "xl/worksheets/sheet1.xml") == 0)
            CHECK(change_a_number(data[i], lens[i]));
        if (from != NULL)
            replace_same(data[i], lens[i], from, to);
    }
    unsigned char *z = zip_stored(names, data, lens, n, out_len);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(data[i]);
    }
    free(names);
    free(data);
    free(lens);
    return z;
}

static void sign_as(const char *path, const unsigned char *bytes, size_t len,
                    const core_pki_key *key, const char *cert, const char *ca)
{
    ld_error err;
    unsigned char *der = NULL;
    size_t der_len = 0;
    char p7s[420];
    write_text(path, (const char *)bytes, len);
    CHECK_INT(core_pki_cms_sign(key, cert, strlen(cert), ca, ca != NULL ? strlen(ca) : 0, bytes,
                                len, 1781514000, &der, &der_len, &err),
              LD_OK);
    snprintf(p7s, sizeof p7s, "%s.p7s", path);
    write_text(p7s, (const char *)der, der_len);
    free(der);
}

static void workbook_sheets_are_recomputed_and_tied_to_the_ledger(void)
{
    ld_error err;
    cJSON *out = NULL;
    size_t len = 0;
    unsigned char *orig = (unsigned char *)read_text(workbook, &len);
    /* The untouched workbook: every sheet recomputed, matching both lists. */
    ld_verify_spec spec = {.path = workbook, .ca_pem_path = ca_path};
    CHECK_INT(ld_verify(s_aud, &spec, &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "sheets_checked")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "sheets_in_ledger")));
    cJSON_Delete(out);
    xlsx_sheet_digest before[XLSX_SHEETS_MAX], after[XLSX_SHEETS_MAX];
    int nb = 0, na = 0;
    CHECK_INT(xlsx_read_sheets(orig, len, NULL, NULL, before, &nb, &err), LD_OK);

    /* The reviewer's signing key, stolen. */
    core_pki_key *stolen = NULL;
    char *stolen_cert = NULL;
    CHECK_INT(core_keystore_user_signer(s_rev->api->store, &s_rev->who, USER_PASSWORD, &stolen,
                                        &stolen_cert, &err),
              LD_OK);
    char path[400];
    snprintf(path, sizeof path, "%s/sheets.xlsx", dir);
    spec.path = path;

    /* A cell changed, repacked, re-signed by a foreign key: the signature. */
    size_t zlen = 0;
    unsigned char *z = repack(orig, len, true, NULL, NULL, &zlen);
    sign_as(path, z, zlen, foreign_key, foreign_cert, foreign_ca_cert);
    CHECK_INT(ld_verify(s_aud, &spec, &out, &err), LD_EVERIFY);
    CHECK(strstr(err.message, before[0].name) == NULL);

    /* Re-signed with the stolen key, the signature sheet left as it was:
     * refused even without a ledger, naming the sheet. */
    sign_as(path, z, zlen, stolen, stolen_cert, NULL);
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, before[0].name);
    CHECK_CONTAINS(err.message, "signature sheet records");
    CHECK_INT(ld_verify(s_aud, &spec, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, before[0].name);
    free(z);

    /* The signature sheet's hash made to match as well: the file alone
     * cannot tell, the ledger's record of the sheets can. */
    z = repack(orig, len, true, NULL, NULL, &zlen);
    CHECK_INT(xlsx_read_sheets(z, zlen, NULL, NULL, after, &na, &err), LD_OK);
    CHECK(strcmp(after[0].sha256, before[0].sha256) != 0);
    free(z);
    z = repack(orig, len, true, before[0].sha256, after[0].sha256, &zlen);
    sign_as(path, z, zlen, stolen, stolen_cert, NULL);
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK_INT(ld_verify(s_aud, &spec, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, before[0].name);
    CHECK_CONTAINS(err.message, "recorded");
    /* Offline with the export, whose entries hold the workbook's
     * report.signed entry: named the same way as online. */
    spec.export_dir = export_dir;
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, before[0].name);
    CHECK_CONTAINS(err.message, "recorded");
    CHECK(strstr(err.message, "no record of this file") == NULL);
    spec.export_dir = NULL;
    free(z);

    /* Only repacked (same cells, other bytes), re-signed: not the file the
     * ledger recorded, though its sheets are. */
    z = repack(orig, len, false, NULL, NULL, &zlen);
    sign_as(path, z, zlen, stolen, stolen_cert, NULL);
    CHECK_INT(ld_verify(s_aud, &spec, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "repacked");
    free(z);

    /* A member that inflates past its declared size, or a zip bomb's
     * ratio, is refused, not unpacked. */
    unsigned char *bomb = calloc(1, 8u << 20);
    z_stream zs = {0};
    deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    size_t bomb_cap = 64 << 10;
    unsigned char *packed = malloc(bomb_cap);
    zs.next_in = bomb;
    zs.avail_in = 8u << 20;
    zs.next_out = packed;
    zs.avail_out = (uInt)bomb_cap;
    CHECK_INT(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t packed_len = bomb_cap - zs.avail_out;
    deflateEnd(&zs);
    /* A one-member archive whose member is the deflated zeros. */
    size_t nl = strlen("xl/workbook.xml");
    size_t total = 30 + nl + packed_len + 46 + nl + 22;
    unsigned char *arc = calloc(1, total), *p = arc;
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), bomb, 8u << 20);
    unsigned char lh[30] = {0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0};
    memcpy(lh + 14, &crc, 4);
    uint32_t cs = (uint32_t)packed_len, us = 8u << 20;
    memcpy(lh + 18, &cs, 4);
    memcpy(lh + 22, &us, 4);
    lh[26] = (unsigned char)nl;
    memcpy(p, lh, 30);
    memcpy(p + 30, "xl/workbook.xml", nl);
    memcpy(p + 30 + nl, packed, packed_len);
    p += 30 + nl + packed_len;
    unsigned char ch[46] = {0x50, 0x4b, 1, 2, 20, 0, 20, 0, 0, 0, 8, 0};
    memcpy(ch + 16, &crc, 4);
    memcpy(ch + 20, &cs, 4);
    memcpy(ch + 24, &us, 4);
    ch[28] = (unsigned char)nl;
    memcpy(p, ch, 46);
    memcpy(p + 46, "xl/workbook.xml", nl);
    uint32_t cd_off = (uint32_t)(p - arc), cd_size = (uint32_t)(46 + nl);
    p += 46 + nl;
    unsigned char eocd[22] = {0x50, 0x4b, 5, 6, 0, 0, 0, 0, 1, 0, 1, 0};
    memcpy(eocd + 12, &cd_size, 4);
    memcpy(eocd + 16, &cd_off, 4);
    memcpy(p, eocd, 22);
    unsigned char *member = NULL;
    size_t member_len = 0;
    CHECK_INT(xlsx_zip_member(arc, total, "xl/workbook.xml", 64u << 20, &member, &member_len, &err),
              LD_EVERIFY);
    CHECK_CONTAINS(err.message, "zip bomb");
    /* Declared smaller than it inflates. */
    us = 1000;
    memcpy(arc + 22, &us, 4);
    memcpy(arc + cd_off + 24, &us, 4);
    CHECK_INT(xlsx_zip_member(arc, total, "xl/workbook.xml", 64u << 20, &member, &member_len, &err),
              LD_EVERIFY);
    CHECK_CONTAINS(err.message, "declared");
    free(arc);
    free(packed);
    free(bomb);
    core_pki_key_free(stolen);
    free(stolen_cert);
    free(orig);
}

/* ---- Key custody ----------------------------------------------------------------------- */

static void keys_are_held_apart_from_every_login(void)
{
    /* The key file is the service account's alone; the database holds no
     * institution key, and no login password opens the CA's. */
    struct stat sb;
    CHECK_INT(stat(key_path, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    CHECK_INT(count_on(base_db, "SELECT count(*) FROM pki_identity WHERE kind = 'institution' "
                                "AND key_pem <> ''"),
              0);
    ld_error err;
    char *ca_key = NULL;
    int64_t ignored = 0;
    (void)ignored;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3_open(base_db, &db);
    sqlite3_prepare_v2(db, "SELECT key_pem FROM pki_identity WHERE kind = 'ca'", -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        ca_key = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    core_pki_key *k = NULL;
    CHECK(ca_key != NULL);
    if (ca_key != NULL) {
        CHECK_INT(core_pki_key_decrypt(ca_key, strlen(ca_key), ADMIN_PASSWORD, &k, &err), LD_EPERM);
        CHECK_INT(core_pki_key_decrypt(ca_key, strlen(ca_key), AFX_CA_PASSPHRASE, &k, &err), LD_OK);
        core_pki_key_free(k);
    }
    free(ca_key);
}

static void init_refuses_a_login_password_as_custodian_secret(void)
{
    char d[300], db[340];
    snprintf(d, sizeof d, "%s/second", dir);
    mkdir(d, 0700);
    snprintf(db, sizeof db, "%s/book.db", d);
    ld_init_spec spec = {.admin_username = "admin",
                         .admin_full_name = "Administrator",
                         .admin_password = "Admin-pass-2026-x",
                         .institution = "Second Bank",
                         .policy_path = LOANDESK_SOURCE_DIR "/policy/default.json",
                         .products_path = LOANDESK_SOURCE_DIR "/policy/products.json",
                         .ca_passphrase = "Admin-pass-2026-x"};
    ld_api *a = NULL;
    cJSON *out = NULL;
    ld_error err;
    CHECK_INT(ld_api_init(db, &afx_clock, &spec, &a, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "must not be the admin's login password");
    spec.ca_passphrase = "short";
    unlink(db);
    CHECK_INT(ld_api_init(db, &afx_clock, &spec, &a, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "ca passphrase");
    char key[400];
    ld_api_default_key_path(db, key, sizeof key);
    CHECK(access(key, F_OK) != 0); /* nothing left behind */
    /* An encrypted key file: the service needs its passphrase, from a file. */
    unlink(db);
    spec.ca_passphrase = "Second-CA-custodians";
    spec.institution_key_passphrase = "Second-service-secret";
    CHECK_INT(ld_api_init(db, &afx_clock, &spec, &a, &out, &err), LD_OK);
    cJSON_Delete(out);
    ld_api_close(a);
    char *text = read_text(key, NULL);
    CHECK(text != NULL && strstr(text, "ENCRYPTED PRIVATE KEY") != NULL);
    free(text);
    CHECK_INT(ld_api_open(db, &afx_clock, &a, &err), LD_OK);
    ld_session *s = NULL;
    CHECK_INT(ld_session_login(a, "admin", "Admin-pass-2026-x", &s, &err), LD_OK);
    /* Only the key file's passphrase opens it; no login password does. */
    ld_user_spec u = {
        .username = "m2", .full_name = "M", .role = "manager", .password = "M-pass-2026x"};
    /* Every write is signed: without the key file's passphrase nothing is written. */
    CHECK_INT(ld_user_add(s, &u, "Second-CA-custodians", &out, &err), LD_EPERM);
    CHECK_INT(ld_api_set_institution_key(a, key, "Second-service-secret", &err), LD_OK);
    CHECK_INT(ld_user_add(s, &u, "Second-CA-custodians", &out, &err), LD_OK);
    cJSON_Delete(out);
    core_pki_key *k = NULL;
    char *cert = NULL;
    CHECK_INT(core_keystore_institution_signer(a->store, key, NULL, &k, &cert, &err), LD_EPERM);
    CHECK_INT(core_keystore_institution_signer(a->store, key, "Admin-pass-2026-x", &k, &cert, &err),
              LD_EPERM);
    CHECK_INT(
        core_keystore_institution_signer(a->store, key, "Second-service-secret", &k, &cert, &err),
        LD_OK);
    core_pki_key_free(k);
    free(cert);
    /* Rotation keeps the key encrypted under the passphrase given. */
    CHECK_INT(ld_ledger_key_rotate(s, "Second-CA-custodians", "Second-service-secret", &out, &err),
              LD_OK);
    cJSON_Delete(out);
    text = read_text(key, NULL);
    CHECK(text != NULL && strstr(text, "ENCRYPTED PRIVATE KEY") != NULL);
    free(text);
    ld_session_free(s);
    ld_api_close(a);
}

static void user_add_works_after_the_admins_password_change(void)
{
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_user_passwd(s_admin, NULL, "Admin-changed-2026", ADMIN_PASSWORD, &out, &err),
              LD_OK);
    cJSON_Delete(out);
    ld_user_spec u = {
        .username = "rev9", .full_name = "R", .role = "reviewer", .password = "Rev9-pass-2026"};
    CHECK_INT(ld_user_add(s_admin, &u, "Admin-changed-2026", &out, &err), LD_EPERM);
    CHECK_INT(ld_user_add(s_admin, &u, AFX_CA_PASSPHRASE, &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "signing_certificate")));
    cJSON_Delete(out);
    /* Close of business by the manager: no one's password. */
    ld_cob_options cob = {.date = TODAY};
    CHECK_INT(ld_cob_run(s_mgr, &cob, &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK_INT(verify_db(base_db, ca_anchor(), &err), LD_OK);
}

static void an_unreadable_key_stops_the_write(void)
{
    ld_error err;
    cJSON *out = NULL;
    long long before = count_on(base_db, "SELECT count(*) FROM loan_repayment");
    char missing[400];
    snprintf(missing, sizeof missing, "%s/no-such-key", dir);
    CHECK_INT(ld_api_set_institution_key(api, missing, NULL, &err), LD_OK);
    ld_repayment r = {.amount = "1.00", .date = TODAY};
    CHECK_INT(ld_loan_repay(s_off, loan_id, &r, &out, &err), LD_EPERM);
    CHECK_CONTAINS(err.message, "institution key file");
    CHECK_INT(count_on(base_db, "SELECT count(*) FROM loan_repayment"), before);
    CHECK_INT(ld_api_set_institution_key(api, key_path, NULL, &err), LD_OK);
    CHECK_INT(ld_loan_repay(s_off, loan_id, &r, &out, &err), LD_OK);
    cJSON_Delete(out);
}

static void rotation_keeps_old_checkpoints_verifiable(void)
{
    ld_error err;
    cJSON *out = NULL;
    char old_fp[CORE_PKI_HEX_MAX] = "";
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3_open(base_db, &db);
    sqlite3_prepare_v2(db, "SELECT key_id FROM ledger_checkpoint ORDER BY id DESC LIMIT 1", -1, &st,
                       NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(old_fp, sizeof old_fp, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK_INT(ld_ledger_key_rotate(s_mgr, AFX_CA_PASSPHRASE, NULL, &out, &err), LD_EPERM);
    CHECK_INT(ld_ledger_key_rotate(s_admin, "not-the-passphrase", NULL, &out, &err), LD_EPERM);
    CHECK_INT(ld_ledger_key_rotate(s_admin, AFX_CA_PASSPHRASE, NULL, &out, &err), LD_OK);
    char new_fp[CORE_PKI_HEX_MAX];
    snprintf(new_fp, sizeof new_fp, "%s",
             cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "fingerprint")));
    cJSON_Delete(out);
    CHECK(strcmp(old_fp, new_fp) != 0);
    /* The retired key stays beside the new one, the service account's only,
     * named by its certificate's fingerprint; the new key is another file. */
    char retired[700];
    snprintf(retired, sizeof retired, "%s.retired-%s", key_path, old_fp);
    struct stat kept, now_key;
    CHECK_INT(stat(retired, &kept), 0);
    CHECK_INT((int)(kept.st_mode & 0777), 0600);
    CHECK_INT(stat(key_path, &now_key), 0);
    CHECK(kept.st_ino != now_key.st_ino);
    ld_repayment r = {.amount = "2.00", .date = TODAY};
    CHECK_INT(ld_loan_repay(s_off, loan_id, &r, &out, &err), LD_OK);
    cJSON_Delete(out);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM ledger_checkpoint WHERE key_id = '%s'", new_fp);
    CHECK(count_on(base_db, sql) >= 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM ledger_checkpoint WHERE key_id = '%s'", old_fp);
    CHECK(count_on(base_db, sql) >= 1);
    CHECK_INT(verify_db(base_db, ca_anchor(), &err), LD_OK);
    char e[400];
    snprintf(e, sizeof e, "%s/export-rotated", dir);
    CHECK_INT(ld_ledger_export(s_aud, e, &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK_INT(verify_export(e, ca_anchor(), &err), LD_OK);
    /* The workbook signed before the rotation still verifies. */
    ld_verify_spec spec = {.path = workbook, .ca_pem_path = ca_path, .export_dir = e};
    CHECK_INT(ld_verify_offline(&spec, &out, &err), LD_OK);
    cJSON_Delete(out);
}

int main(int argc, char **argv)
{
    world();
    static const check_case tests[] = {
        {"the_untouched_book_verifies", the_untouched_book_verifies},
        {"database_tamperings_are_caught", database_tamperings_are_caught},
        {"appended_entries_are_an_unsigned_tail", appended_entries_are_an_unsigned_tail},
        {"a_forged_tail_is_never_signed_over", a_forged_tail_is_never_signed_over},
        {"a_checkpoint_backdated_by_the_key_holder_is_refused",
         a_checkpoint_backdated_by_the_key_holder_is_refused},
        {"anchors_come_from_the_auditor", anchors_come_from_the_auditor},
        {"the_untouched_export_verifies", the_untouched_export_verifies},
        {"export_tamperings_are_caught", export_tamperings_are_caught},
        {"proofs_are_vouched_for_by_a_signed_checkpoint",
         proofs_are_vouched_for_by_a_signed_checkpoint},
        {"workbooks_are_judged_under_the_auditors_anchor",
         workbooks_are_judged_under_the_auditors_anchor},
        {"workbook_sheets_are_recomputed_and_tied_to_the_ledger",
         workbook_sheets_are_recomputed_and_tied_to_the_ledger},
        {"keys_are_held_apart_from_every_login", keys_are_held_apart_from_every_login},
        {"init_refuses_a_login_password_as_custodian_secret",
         init_refuses_a_login_password_as_custodian_secret},
        {"an_unreadable_key_stops_the_write", an_unreadable_key_stops_the_write},
        {"user_add_works_after_the_admins_password_change",
         user_add_works_after_the_admins_password_change},
        {"rotation_keeps_old_checkpoints_verifiable", rotation_keeps_old_checkpoints_verifiable},
    };
    return CHECK_RUN(argc, argv, tests);
}
