/*
 * test_core.c - the origination core below every front end: the store and its
 * migrations (a newer file is refused, an existing one reopens, module schemas
 * step by version), accounts and logins (PBKDF2 at >= 600000 iterations, five
 * failures lock, 90-day expiry, admin resets must be changed, weak passwords
 * named), the permission matrix of docs/design.md "Roles" with its customer scope
 * rules, borrower and application validation naming the field path, officer
 * isolation and reassignment, guarantor capacity and collateral cover to the
 * fen, and bulk import that keeps nothing unless every line is valid.
 *
 * Every test starts from the fixture (test_core_fixture.c): policy, products
 * and one user per role, "today" fixed at 2026-06-15 through LOANDESK_TODAY.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "application.h"
#include "audit.h"
#include "borrower.h"
#include "check.h"
#include "digest.h"
#include "import.h"
#include "json_in.h"
#include "permission.h"
#include "policy.h"
#include "policy_model.h"
#include "store_sql.h"
#include "test_clock.h"
#include "user.h"

/* fixture (test_core_fixture.c) */
#define FX_TODAY_DATE ld_date_from_ymd(2026, 6, 15) /* the fixture's business date */
typedef struct fx {
    core_store *store;
    core_session admin, off1, off2, rev1, rev2, mgr, aud;
} fx;
#define FX_PASSWORD "Fixture-pass-2026"
void fx_open(fx *f);
void fx_close(fx *f);
cJSON *fx_json(const char *text);
const char *fx_resident_id(char out[19], const char *first17);
const char *fx_credit_code(char out[19], const char *first17);
cJSON *fx_person(const char *first17);
cJSON *fx_company(const char *first17);
void fx_begin(fx *f);
int64_t fx_add_borrower(fx *f, const core_session *officer, cJSON *record);
cJSON *fx_app_json(int64_t borrower_id, const char *amount, const char *extra_json);
int64_t fx_add_app(fx *f, const core_session *officer, int64_t borrower_id, const char *amount,
                   const char *extra_json);
extern const char *const fx_investigation_json;
void fx_add_investigation(fx *f, const core_session *officer, int64_t app_id);
void fx_submit(fx *f, const core_session *officer, int64_t app_id);
long long fx_count(fx *f, const char *sql);
const char *fx_text(fx *f, const char *sql, char *out, size_t size);

/* A failed call: its status, and its message holding the field or reason. */
#define EXPECT_ERR(call, err, code, fragment)                                                      \
    do {                                                                                           \
        CHECK_INT((call), (code));                                                                 \
        CHECK_CONTAINS((err).message, (fragment));                                                 \
    } while (0)

const char *fx_temp_path(char *out, size_t size, const char *name);
void fx_temp_remove(void);

static void remove_db(const char *path)
{
    char aux[300];
    unlink(path);
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
}

static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    long long value = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* ---- store and migrations ---------------------------------------------- */

static void store_fresh_database_has_current_schema_version(void)
{
    core_store *store = NULL;
    ld_error err;
    CHECK(core_store_schema_version() >= 1);
    CHECK_INT(core_store_open(":memory:", &store, &err), LD_OK);
    sqlite3_stmt *stmt = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(core_store_db(store), "PRAGMA user_version", -1, &stmt, NULL) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    CHECK_INT(version, core_store_schema_version());
    CHECK(!core_store_in_transaction(store));
    core_store_close(store);
    core_store_close(NULL); /* harmless */

    char path[300];
    fx_temp_path(path, sizeof path, "fresh.db");
    remove_db(path);
    CHECK_INT(core_store_open(path, &store, &err), LD_OK);
    core_store_close(store);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), core_store_schema_version());
    CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'borrower'"), 1);
    remove_db(path);
}

static void store_refuses_a_database_from_a_newer_loandesk(void)
{
    char path[300], pragma[64], newer[16], ours[16];
    fx_temp_path(path, sizeof path, "newer.db");
    remove_db(path);
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(path, &store, &err), LD_OK);
    core_store_close(store);
    int future = core_store_schema_version() + 1;
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", future);
    CHECK_INT(raw_exec(path, pragma), SQLITE_OK);
    snprintf(newer, sizeof newer, "%d", future);
    snprintf(ours, sizeof ours, "(%d)", core_store_schema_version());

    store = NULL;
    EXPECT_ERR(core_store_open(path, &store, &err), err, LD_ESTATE, "newer than this loandesk");
    CHECK(store == NULL);
    CHECK_CONTAINS(err.message, newer);
    CHECK_CONTAINS(err.message, ours);
    EXPECT_ERR(core_store_open_existing(path, &store, &err), err, LD_ESTATE, "newer");
    CHECK(store == NULL);
    /* Refusing does not touch the file. */
    CHECK_INT(raw_int(path, "PRAGMA user_version"), future);
    remove_db(path);
}

static void store_reopens_an_existing_database_with_its_data(void)
{
    char path[300];
    fx_temp_path(path, sizeof path, "reopen.db");
    remove_db(path);
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(path, &store, &err), LD_OK);
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(core_policy_load(store, NULL, LOANDESK_SOURCE_DIR "/tests/data/policy-core.json",
                               LOANDESK_SOURCE_DIR "/policy/products.json", &err),
              LD_OK);
    CHECK_INT(core_store_commit(store, &err), LD_OK);
    core_store_close(store);

    store = NULL;
    CHECK_INT(core_store_open_existing(path, &store, &err), LD_OK);
    const core_product *product = NULL;
    CHECK_INT(core_product_get(store, "product", "PML", &product, &err), LD_OK);
    CHECK(product != NULL && product->max_term == 360);
    const core_policy_terms *terms = NULL;
    CHECK_INT(core_policy_terms_get(store, &terms, &err), LD_OK);
    CHECK(terms != NULL && terms->reviewer_authority == 100000000);
    core_store_close(store);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), core_store_schema_version());
    /* Opening again through the creating call is the same database. */
    CHECK_INT(core_store_open(path, &store, &err), LD_OK);
    core_store_close(store);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM config_document"), 2);
    remove_db(path);
}

/* The policy document has one parser: what core keeps for the policy in
 * force is the model the rating module scores from, core's terms are inside
 * it, and a load is refused for what only the scorecard part can find. */
static void policy_is_parsed_once_into_the_model_core_and_rating_share(void)
{
    char path[300], bad[300];
    fx_temp_path(path, sizeof path, "model.db");
    fx_temp_path(bad, sizeof bad, "no-grades.json");
    remove_db(path);
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(path, &store, &err), LD_OK);
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(core_policy_load(store, NULL, LOANDESK_SOURCE_DIR "/tests/data/policy-core.json",
                               LOANDESK_SOURCE_DIR "/policy/products.json", &err),
              LD_OK);
    const core_policy_model *model = NULL, *again = NULL;
    const core_policy_terms *terms = NULL;
    const char *text = NULL, *sha = NULL;
    CHECK_INT(core_policy_model_get(store, &model, &err), LD_OK);
    CHECK_INT(core_policy_terms_get(store, &terms, &err), LD_OK);
    CHECK_INT(core_policy_model_get(store, &again, &err), LD_OK);
    CHECK_INT(core_policy_document(store, &text, &sha, &err), LD_OK);
    CHECK(model != NULL && terms == &model->terms && again == model);
    if (model != NULL) {
        CHECK_STR(core_policy_model_version(model), "test-core-1");
        CHECK_STR(core_policy_model_sha256(model), sha);
        CHECK(core_policy_model_lpr(model) == &terms->lpr);
        CHECK_INT(terms->lpr.one_year, 30000);
        /* the inspection checklist is read into the same model */
        CHECK_INT(terms->risk_signal_count, 12);
        const core_risk_signal *signal = core_risk_signal_find(terms, "revenue_drop");
        CHECK(signal != NULL && signal->zh[0] != '\0' && signal->en[0] != '\0');
        CHECK(core_risk_signal_find(terms, "no_such_signal") == NULL);
        CHECK_INT(model->grades[0].spread >= 0, 1);
    }
    /* Without grades the core sections are whole, yet the load is refused. */
    cJSON *doc = cJSON_Parse(text);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "grades");
    char *broken = cJSON_Print(doc);
    FILE *f = fopen(bad, "w");
    CHECK(f != NULL && broken != NULL);
    if (f != NULL) {
        fputs(broken, f);
        fclose(f);
    }
    CHECK_INT(core_policy_load(store, NULL, bad, NULL, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "$.grades: is missing");
    CHECK_INT(core_store_commit(store, &err), LD_OK);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM config_document WHERE name = 'policy'"), 1);
    free(broken);
    cJSON_Delete(doc);
    remove(bad);
    core_store_close(store);
    remove_db(path);
}

static void store_upgrades_an_unversioned_database(void)
{
    char path[300];
    fx_temp_path(path, sizeof path, "old.db");
    remove_db(path);
    CHECK_INT(raw_exec(path, "CREATE TABLE keepsake (note TEXT); INSERT INTO keepsake "
                             "VALUES ('kept')"),
              SQLITE_OK);
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(path, &store, &err), LD_OK);
    core_store_close(store);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), core_store_schema_version());
    CHECK_INT(raw_int(path, "SELECT count(*) FROM keepsake"), 1);
    remove_db(path);
}

static void store_open_existing_refuses_a_missing_file(void)
{
    char path[300];
    fx_temp_path(path, sizeof path, "absent.db");
    remove_db(path);
    core_store *store = NULL;
    ld_error err;
    EXPECT_ERR(core_store_open_existing(path, &store, &err), err, LD_ENOTFOUND, "does not exist");
    CHECK(store == NULL);
    CHECK(access(path, F_OK) != 0); /* and did not create it */
}

static void store_writes_outside_a_transaction_are_refused(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t id = 0;
    cJSON *b = fx_person(NULL);
    CHECK(!core_store_in_transaction(f.store));
    EXPECT_ERR(core_borrower_add(f.store, &f.off1, b, &id, &err), err, LD_EINTERNAL,
               "outside a transaction");
    CHECK_INT(id, 0);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower"), 0);
    /* The same write inside a transaction that is rolled back leaves nothing. */
    fx_begin(&f);
    CHECK(core_store_in_transaction(f.store));
    CHECK_INT(core_borrower_add(f.store, &f.off1, b, &id, &err), LD_OK);
    CHECK(id > 0);
    core_store_rollback(f.store);
    CHECK(!core_store_in_transaction(f.store));
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower"), 0);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'borrower.add'"), 0);
    cJSON_Delete(b);
    fx_close(&f);
}

static void store_module_migrations_step_by_version(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    /* Plain CREATE TABLE: running a step twice would fail, so success on the
     * second call proves applied steps are skipped. */
    static const char *const steps[] = {"CREATE TABLE mod_a (x INTEGER)",
                                        "CREATE TABLE mod_b (y INTEGER)",
                                        "ALTER TABLE mod_a ADD COLUMN z INTEGER"};
    CHECK_INT(core_store_migrate_module(f.store, "testmod", steps, 2, &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT version FROM module_schema WHERE module = 'testmod'"), 2);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM sqlite_master WHERE name IN ('mod_a','mod_b')"),
              2);
    CHECK_INT(core_store_migrate_module(f.store, "testmod", steps, 2, &err), LD_OK);
    CHECK_INT(core_store_migrate_module(f.store, "testmod", steps, 3, &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT version FROM module_schema WHERE module = 'testmod'"), 3);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM pragma_table_info('mod_a') WHERE name = 'z'"), 1);
    /* An older program meets the newer module schema. */
    EXPECT_ERR(core_store_migrate_module(f.store, "testmod", steps, 2, &err), err, LD_ESTATE,
               "testmod");
    CHECK_CONTAINS(err.message, "newer");
    CHECK_INT(fx_count(&f, "SELECT version FROM module_schema WHERE module = 'testmod'"), 3);
    /* Modules are versioned apart. */
    static const char *const other[] = {"CREATE TABLE other_a (x INTEGER)"};
    CHECK_INT(core_store_migrate_module(f.store, "othermod", other, 1, &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT version FROM module_schema WHERE module = 'othermod'"), 1);
    /* A failing step keeps nothing of the run, naming module and version. */
    static const char *const bad[] = {"CREATE TABLE bad_a (x INTEGER)", "THIS IS NOT SQL"};
    CHECK(core_store_migrate_module(f.store, "badmod", bad, 2, &err) != LD_OK);
    CHECK_CONTAINS(err.message, "badmod");
    CHECK_CONTAINS(err.message, "version 2");
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM sqlite_master WHERE name = 'bad_a'"), 0);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM module_schema WHERE module = 'badmod'"), 0);
    CHECK(!core_store_in_transaction(f.store));
    /* Inside the caller's transaction it commits or rolls back with it. */
    static const char *const inner[] = {"CREATE TABLE tx_a (x INTEGER)"};
    fx_begin(&f);
    CHECK_INT(core_store_migrate_module(f.store, "txmod", inner, 1, &err), LD_OK);
    CHECK(core_store_in_transaction(f.store));
    core_store_rollback(f.store);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM sqlite_master WHERE name = 'tx_a'"), 0);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM module_schema WHERE module = 'txmod'"), 0);
    fx_close(&f);
}

/* ---- users and logins --------------------------------------------------- */

static void user_password_hash_is_salted_pbkdf2_with_600000_iterations(void)
{
    fx f;
    fx_open(&f);
    char hash1[200], hash2[200];
    fx_text(&f, "SELECT password_hash FROM app_user WHERE username = 'off1'", hash1, sizeof hash1);
    fx_text(&f, "SELECT password_hash FROM app_user WHERE username = 'off2'", hash2, sizeof hash2);
    CHECK(strncmp(hash1, "pbkdf2-sha256$", 14) == 0);
    char *end = NULL;
    long iterations = strtol(hash1 + 14, &end, 10);
    CHECK(iterations >= 600000);
    CHECK(end != NULL && *end == '$');
    const char *salt = end ? end + 1 : "";
    const char *sep = strchr(salt, '$');
    CHECK(sep != NULL && sep - salt == 32);      /* 16-byte salt in hex */
    CHECK(sep != NULL && strlen(sep + 1) == 64); /* SHA-256 in hex */
    CHECK(strstr(hash1, FX_PASSWORD) == NULL);
    /* Same password, different salt, different hash. */
    CHECK(strcmp(hash1, hash2) != 0);
    CHECK(strncmp(hash1, hash2, 14) == 0);
    fx_close(&f);
}

static void user_login_with_the_right_password_gives_the_session(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_session s;
    memset(&s, 0, sizeof s);
    CHECK_INT(core_user_login(f.store, "rev1", FX_PASSWORD, false, &s, &err), LD_OK);
    CHECK_INT(s.user_id, f.rev1.user_id);
    CHECK_INT(s.role, CORE_ROLE_REVIEWER);
    CHECK_STR(s.username, "rev1");
    CHECK_INT(s.authority_limit, 100000000); /* policy default: 1,000,000.00 */
    CHECK(!core_store_in_transaction(f.store));
    /* No user or no password is a usage error, before any hashing. */
    EXPECT_ERR(core_user_login(f.store, "", FX_PASSWORD, false, &s, &err), err, LD_EUSAGE,
               "--user");
    EXPECT_ERR(core_user_login(f.store, NULL, FX_PASSWORD, false, &s, &err), err, LD_EUSAGE,
               "--user");
    EXPECT_ERR(core_user_login(f.store, "rev1", NULL, false, &s, &err), err, LD_EUSAGE,
               "LOANDESK_PASSWORD");
    fx_close(&f);
}

static void user_wrong_password_reads_like_an_unknown_user(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_session s = {0};
    char wrong[sizeof err.message], unknown[sizeof err.message];
    EXPECT_ERR(core_user_login(f.store, "off1", "Wrong-pass-123", false, &s, &err), err, LD_EPERM,
               "login failed");
    memcpy(wrong, err.message, sizeof wrong);
    EXPECT_ERR(core_user_login(f.store, "ghost", "Wrong-pass-123", false, &s, &err), err, LD_EPERM,
               "login failed");
    memcpy(unknown, err.message, sizeof unknown);
    CHECK_STR(wrong, unknown);
    CHECK_INT(s.user_id, 0); /* out untouched on failure */
    CHECK_INT(fx_count(&f, "SELECT failed_logins FROM app_user WHERE username = 'off1'"), 1);
    /* Both refusals are kept, naming the account tried. */
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'login' AND outcome "
                           "= 'denied' AND username IN ('off1', 'ghost')"),
              2);
    fx_close(&f);
}

static void user_five_failed_logins_lock_until_an_admin_unlocks(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_session s;
    for (int i = 1; i <= CORE_MAX_FAILED_LOGINS; i++) {
        CHECK_INT(fx_count(&f, "SELECT locked FROM app_user WHERE username = 'off2'"), 0);
        CHECK_INT(core_user_login(f.store, "off2", "Wrong-pass-123", false, &s, &err), LD_EPERM);
    }
    CHECK_INT(CORE_MAX_FAILED_LOGINS, 5);
    CHECK_INT(fx_count(&f, "SELECT locked FROM app_user WHERE username = 'off2'"), 1);
    /* The sixth attempt, with the right password, is still refused. */
    EXPECT_ERR(core_user_login(f.store, "off2", FX_PASSWORD, false, &s, &err), err, LD_EPERM,
               "locked");
    CHECK_CONTAINS(err.message, "unlock");
    /* Only an admin unlocks. */
    fx_begin(&f);
    EXPECT_ERR(core_user_unlock(f.store, &f.mgr, "off2", &err), err, LD_EPERM, "manage users");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_user_unlock(f.store, &f.admin, "nobody", &err), err, LD_ENOTFOUND, "nobody");
    core_store_rollback(f.store);
    fx_begin(&f);
    CHECK_INT(core_user_unlock(f.store, &f.admin, "off2", &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT locked + failed_logins FROM app_user WHERE username = 'off2'"),
              0);
    CHECK_INT(core_user_login(f.store, "off2", FX_PASSWORD, false, &s, &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'user.unlock'"), 1);
    fx_close(&f);
}

/* A password the admin chose is known to two people: its owner must replace it
 * before doing anything, and the session API hands out a session that may only
 * change it. */
static void user_added_by_an_admin_must_change_the_first_password(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    fx_begin(&f);
    core_user_spec spec = {"newbie", "New Person", CORE_ROLE_OFFICER, -1, "First-pass-2026"};
    int64_t id = 0;
    CHECK_INT(core_user_add(f.store, &f.admin, &spec, &id, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    core_session s;
    EXPECT_ERR(core_user_login(f.store, "newbie", "First-pass-2026", false, &s, &err), err,
               LD_EPERM, "password expired");
    bool expired = false;
    CHECK_INT(core_user_password_expired(f.store, id, &expired, &err), LD_OK);
    CHECK(expired);
    CHECK_INT(core_user_login(f.store, "newbie", "First-pass-2026", true, &s, &err), LD_OK);
    fx_begin(&f);
    CHECK_INT(core_user_set_password(f.store, &s, NULL, "Own-choice-2026", &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_INT(core_user_password_expired(f.store, id, &expired, &err), LD_OK);
    CHECK(!expired);
    CHECK_INT(core_user_login(f.store, "newbie", "Own-choice-2026", false, &s, &err), LD_OK);
    fx_close(&f);
}

static void user_successful_login_resets_the_failure_count(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_session s;
    sqlite3_exec(core_store_db(f.store),
                 "UPDATE app_user SET failed_logins = 4 WHERE username = "
                 "'off1'; UPDATE app_user SET failed_logins = 4 WHERE "
                 "username = 'off2'",
                 NULL, NULL, NULL);
    CHECK_INT(core_user_login(f.store, "off1", FX_PASSWORD, false, &s, &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT failed_logins FROM app_user WHERE username = 'off1'"), 0);
    /* Four earlier failures plus one more is the fifth: locked. */
    CHECK_INT(core_user_login(f.store, "off2", "Wrong-pass-123", false, &s, &err), LD_EPERM);
    CHECK_INT(fx_count(&f, "SELECT locked FROM app_user WHERE username = 'off2'"), 1);
    fx_close(&f);
}

/* Sets off1's password date to `days` before the system clock's today. */
static void age_password(fx *f, int days)
{
    char date[LD_DATE_TEXT_MAX], sql[128];
    ld_date_format(core_store_clock_date(f->store) - days, date);
    snprintf(sql, sizeof sql,
             "UPDATE app_user SET password_changed_on = '%s' WHERE username = 'off1'", date);
    CHECK_INT(sqlite3_exec(core_store_db(f->store), sql, NULL, NULL, NULL), SQLITE_OK);
}

static void user_password_older_than_90_days_must_be_changed(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_session s;
    age_password(&f, 90); /* 90 days: still good */
    CHECK_INT(core_user_login(f.store, "off1", FX_PASSWORD, false, &s, &err), LD_OK);
    age_password(&f, 91);
    EXPECT_ERR(core_user_login(f.store, "off1", FX_PASSWORD, false, &s, &err), err, LD_EPERM,
               "password expired");
    CHECK_CONTAINS(err.message, "user passwd");
    /* The age follows the system clock: a pinned business date does not hide it. */
    test_set_today(f.store, "2026-01-01");
    EXPECT_ERR(core_user_login(f.store, "off1", FX_PASSWORD, false, &s, &err), err, LD_EPERM,
               "password expired");
    /* Only `user passwd` may log in with it, to change it. */
    memset(&s, 0, sizeof s);
    CHECK_INT(core_user_login(f.store, "off1", FX_PASSWORD, true, &s, &err), LD_OK);
    CHECK_INT(s.user_id, f.off1.user_id);
    fx_begin(&f);
    CHECK_INT(core_user_set_password(f.store, &s, NULL, "Renewed-pass-2026", &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    char changed[32], clock_today[LD_DATE_TEXT_MAX];
    CHECK_STR(fx_text(&f, "SELECT password_changed_on FROM app_user WHERE username = 'off1'",
                      changed, sizeof changed),
              ld_date_format(core_store_clock_date(f.store), clock_today));
    CHECK_INT(core_user_login(f.store, "off1", "Renewed-pass-2026", false, &s, &err), LD_OK);
    CHECK_INT(core_user_login(f.store, "off1", FX_PASSWORD, false, &s, &err), LD_EPERM);
    fx_close(&f);
}

static void user_password_reset_by_an_admin_must_be_changed(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_session s;
    fx_begin(&f);
    EXPECT_ERR(core_user_set_password(f.store, &f.off1, "off2", "Temp-pass-2026", &err), err,
               LD_EPERM, "manage users");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_user_set_password(f.store, &f.admin, "ghost", "Temp-pass-2026", &err), err,
               LD_ENOTFOUND, "ghost");
    core_store_rollback(f.store);
    fx_begin(&f);
    CHECK_INT(core_user_set_password(f.store, &f.admin, "off2", "Temp-pass-2026", &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    EXPECT_ERR(core_user_login(f.store, "off2", "Temp-pass-2026", false, &s, &err), err, LD_EPERM,
               "expired");
    CHECK_INT(core_user_login(f.store, "off2", "Temp-pass-2026", true, &s, &err), LD_OK);
    fx_begin(&f);
    CHECK_INT(core_user_set_password(f.store, &s, "off2", "Chosen-pass-2026", &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_INT(core_user_login(f.store, "off2", "Chosen-pass-2026", false, &s, &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'user.passwd' AND "
                           "json_extract(detail, '$.must_change') = 1"),
              1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'user.passwd'"), 2);
    fx_close(&f);
}

static void user_weak_passwords_are_refused_naming_the_field(void)
{
    static const char *const weak[] = {"short1a", "abcdefghijklmnop", "12345678901234", "", NULL};
    fx f;
    fx_open(&f);
    ld_error err;
    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
        core_user_spec spec = {"newbie", "New Person", CORE_ROLE_OFFICER, -1, weak[i]};
        int64_t id = 0;
        fx_begin(&f);
        EXPECT_ERR(core_user_add(f.store, &f.admin, &spec, &id, &err), err, LD_EINVAL,
                   "password: ");
        core_store_rollback(f.store);
        fx_begin(&f);
        EXPECT_ERR(core_user_set_password(f.store, &f.off1, NULL, weak[i], &err), err, LD_EINVAL,
                   "new password: ");
        core_store_rollback(f.store);
    }
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM app_user WHERE username = 'newbie'"), 0);
    /* The first admin too, and only into an empty database. */
    core_session s;
    fx_begin(&f);
    EXPECT_ERR(core_user_init_admin(f.store, "root", "Root", "Strong-pass-2026", &s, &err), err,
               LD_ESTATE, "already initialised");
    core_store_rollback(f.store);
    fx_close(&f);
}

static void user_add_checks_role_name_and_limit(void)
{
    static const struct {
        const char *username, *full_name;
        core_role role;
        ld_money limit;
        const char *fragment;
    } cases[] = {
        {"Bad Name", "X", CORE_ROLE_OFFICER, -1, "username: only lower-case"},
        {"a", "X", CORE_ROLE_OFFICER, -1, "username: must have 2 to"},
        {"x123456789012345678901234567890123456789012345678901234567890123", "X", CORE_ROLE_OFFICER,
         -1, "username: must have"},
        {"newbie", "", CORE_ROLE_OFFICER, -1, "name: is missing"},
        {"newbie", NULL, CORE_ROLE_OFFICER, -1, "name: is missing"},
        {"newbie", "X", CORE_ROLE_OFFICER, 100, "limit: only reviewers and managers"},
        {"newbie", "X", CORE_ROLE_AUDITOR, 100, "limit:"},
    };
    fx f;
    fx_open(&f);
    ld_error err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        core_user_spec spec = {cases[i].username, cases[i].full_name, cases[i].role, cases[i].limit,
                               "Strong-pass-2026"};
        int64_t id = 0;
        fx_begin(&f);
        EXPECT_ERR(core_user_add(f.store, &f.admin, &spec, &id, &err), err, LD_EINVAL,
                   cases[i].fragment);
        core_store_rollback(f.store);
    }
    /* A name taken is a state of the book (409 over HTTP), not bad input. */
    {
        core_user_spec taken = {"off1", "Second", CORE_ROLE_OFFICER, -1, "Strong-pass-2026"};
        int64_t none = 0;
        fx_begin(&f);
        EXPECT_ERR(core_user_add(f.store, &f.admin, &taken, &none, &err), err, LD_ESTATE,
                   "username: off1 is already taken");
        core_store_rollback(f.store);
    }
    core_user_spec ok = {"newbie", "New Person", CORE_ROLE_OFFICER, -1, "Strong-pass-2026"};
    int64_t id = 0;
    for (int role = 0; role < CORE_ROLE_COUNT; role++) {
        const core_session *who[] = {&f.off1, &f.rev1, &f.mgr, &f.aud};
        if (role == CORE_ROLE_ADMIN)
            continue;
        fx_begin(&f);
        EXPECT_ERR(core_user_add(f.store, who[role], &ok, &id, &err), err, LD_EPERM,
                   "may not manage users");
        core_store_rollback(f.store);
    }
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM app_user"), 7);
    /* Default limits come from the policy; the list shows them, never a hash. */
    cJSON *list = NULL;
    CHECK_INT(core_user_list(f.store, &f.admin, &list, &err), LD_OK);
    char *text = cJSON_PrintUnformatted(list);
    CHECK(text != NULL && strstr(text, "pbkdf2") == NULL && strstr(text, "password_hash") == NULL);
    const cJSON *row;
    int seen = 0;
    cJSON_ArrayForEach(row, list)
    {
        const char *name = cJSON_GetObjectItemCaseSensitive(row, "username")->valuestring;
        const char *limit = cJSON_GetObjectItemCaseSensitive(row, "authority_limit")->valuestring;
        if (strcmp(name, "rev1") == 0 && ++seen)
            CHECK_STR(limit, "1000000.00");
        if (strcmp(name, "rev2") == 0 && ++seen)
            CHECK_STR(limit, "50000.00");
        if (strcmp(name, "mgr") == 0 && ++seen)
            CHECK_STR(limit, "10000000.00");
        if (strcmp(name, "off1") == 0 && ++seen)
            CHECK_STR(limit, "0.00");
    }
    CHECK_INT(seen, 4);
    cJSON_free(text);
    cJSON_Delete(list);
    fx_close(&f);
}

static void user_list_is_for_admins_managers_and_auditors(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    const struct {
        const core_session *who;
        ld_status expected;
    } cases[] = {{&f.admin, LD_OK},
                 {&f.mgr, LD_OK},
                 {&f.aud, LD_OK},
                 {&f.off1, LD_EPERM},
                 {&f.rev1, LD_EPERM}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *list = NULL;
        CHECK_INT(core_user_list(f.store, cases[i].who, &list, &err), cases[i].expected);
        CHECK((list != NULL) == (cases[i].expected == LD_OK));
        CHECK(list == NULL || cJSON_GetArraySize(list) == 7);
        cJSON_Delete(list);
    }
    fx_close(&f);
}

static void user_revoked_account_cannot_log_in(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_session s;
    fx_begin(&f);
    EXPECT_ERR(core_user_revoke(f.store, &f.admin, "admin", 1, &err), err, LD_EINVAL,
               "your own account");
    core_store_rollback(f.store);
    fx_begin(&f);
    CHECK_INT(core_user_revoke(f.store, &f.admin, "aud", 1, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    fx_begin(&f);
    EXPECT_ERR(core_user_revoke(f.store, &f.admin, "aud", 1, &err), err, LD_ESTATE,
               "already revoked");
    core_store_rollback(f.store);
    EXPECT_ERR(core_user_login(f.store, "aud", FX_PASSWORD, false, &s, &err), err, LD_EPERM,
               "deactivated");
    /* A revoked officer cannot be given customers. */
    fx_begin(&f);
    CHECK_INT(core_user_revoke(f.store, &f.admin, "off2", 1, &err), LD_OK);
    int64_t id;
    EXPECT_ERR(core_user_officer_id(f.store, "officer", "off2", &id, &err), err, LD_EINVAL,
               "officer: off2 is not an active officer");
    core_store_rollback(f.store);
    fx_close(&f);
}

/* ---- permissions ---------------------------------------------------------- */

/* docs/design.md "Roles", column order officer, reviewer, manager, auditor, admin.
 * Rows the table does not spell out (ledger and report actions) follow the
 * modules' issues: officers record repayments and sign their reports, managers
 * run the ledger, classify and write off, auditors verify. */
static const unsigned char role_may[CORE_ACTION_COUNT][CORE_ROLE_COUNT] = {
    [CORE_ACT_USER_MANAGE] = {0, 0, 0, 0, 1},
    [CORE_ACT_USER_LIST] = {0, 0, 1, 1, 1},
    [CORE_ACT_POLICY_MANAGE] = {0, 0, 0, 0, 1},
    [CORE_ACT_BORROWER_CREATE] = {1, 0, 0, 0, 0},
    [CORE_ACT_CUSTOMER_READ] = {1, 1, 1, 1, 0},
    [CORE_ACT_CUSTOMER_EDIT] = {1, 0, 0, 0, 0},
    [CORE_ACT_CUSTOMER_ASSIGN] = {0, 0, 1, 0, 0},
    [CORE_ACT_APP_SUBMIT] = {1, 0, 0, 0, 0},
    [CORE_ACT_APP_DECIDE] = {0, 1, 1, 0, 0},
    [CORE_ACT_RATING_RUN] = {1, 1, 1, 0, 0},
    [CORE_ACT_RATING_OVERRIDE] = {0, 1, 1, 0, 0},
    [CORE_ACT_REPAYMENT_RECORD] = {1, 0, 1, 0, 0},
    [CORE_ACT_LEDGER_OPERATE] = {0, 0, 1, 0, 0},
    [CORE_ACT_LOAN_CLASSIFY] = {0, 1, 1, 0, 0},
    [CORE_ACT_LOAN_WRITE_OFF] = {0, 0, 1, 0, 0},
    [CORE_ACT_AUDIT_READ] = {0, 0, 1, 1, 1},
    [CORE_ACT_LEDGER_VERIFY] = {0, 1, 1, 1, 0},
    [CORE_ACT_REPORT_SIGN] = {1, 1, 1, 0, 0},
    [CORE_ACT_BORROWER_BLOCKLIST] = {0, 1, 1, 0, 0},
    [CORE_ACT_REPAYMENT_REVERSE] = {0, 0, 1, 0, 0},
    [CORE_ACT_BACKUP] = {0, 0, 0, 0, 1},
    [CORE_ACT_RATING_FIT] = {0, 1, 1, 0, 1},
};

static void perm_matrix_every_role_against_every_action(void)
{
    for (int role = 0; role < CORE_ROLE_COUNT; role++) {
        core_session who = {.user_id = 10 + role, .role = (core_role)role};
        snprintf(who.username, sizeof who.username, "%s", core_role_name((core_role)role));
        for (int action = 0; action < CORE_ACTION_COUNT; action++) {
            ld_error err;
            ld_error_clear(&err);
            ld_status st = core_perm_require(&who, (core_action)action, NULL, &err);
            if (st != (role_may[action][role] ? LD_OK : LD_EPERM))
                fprintf(stderr, "  role %s, action %s: got %d\n", core_role_name((core_role)role),
                        core_action_name((core_action)action), st);
            CHECK_INT(st, role_may[action][role] ? LD_OK : LD_EPERM);
            if (st == LD_EPERM) {
                CHECK_CONTAINS(err.message, "permission denied");
                CHECK_CONTAINS(err.message, core_role_name((core_role)role));
                CHECK_CONTAINS(err.message, core_action_name((core_action)action));
            }
        }
    }
}

static void perm_customer_scope_rules_by_role(void)
{
    /* Officer 10's own customer or officer 99's, with or without an
     * application past draft. */
    const core_customer_scope scopes[4] = {{10, false}, {10, true}, {99, false}, {99, true}};
    static const core_action bound[] = {CORE_ACT_CUSTOMER_READ, CORE_ACT_CUSTOMER_EDIT,
                                        CORE_ACT_APP_SUBMIT};
    for (int role = 0; role < CORE_ROLE_COUNT; role++) {
        core_session who = {.user_id = 10, .role = (core_role)role};
        for (size_t a = 0; a < sizeof bound / sizeof bound[0]; a++) {
            for (int s = 0; s < 4; s++) {
                bool expected = role_may[bound[a]][role];
                if (expected && role == CORE_ROLE_OFFICER)
                    expected = scopes[s].officer_id == who.user_id;
                if (expected && role == CORE_ROLE_REVIEWER)
                    expected = scopes[s].under_review;
                ld_error err;
                ld_status st = core_perm_require(&who, bound[a], &scopes[s], &err);
                if (st != (expected ? LD_OK : LD_EPERM))
                    fprintf(stderr, "  role %s, action %s, scope %d: got %d\n",
                            core_role_name((core_role)role), core_action_name(bound[a]), s, st);
                CHECK_INT(st, expected ? LD_OK : LD_EPERM);
            }
        }
    }
    ld_error err;
    core_session officer = {.user_id = 10, .role = CORE_ROLE_OFFICER};
    EXPECT_ERR(core_perm_require(&officer, CORE_ACT_CUSTOMER_READ, &scopes[2], &err), err, LD_EPERM,
               "assigned to another officer");
    core_session reviewer = {.user_id = 11, .role = CORE_ROLE_REVIEWER};
    EXPECT_ERR(core_perm_require(&reviewer, CORE_ACT_CUSTOMER_READ, &scopes[0], &err), err,
               LD_EPERM, "submitted");
    core_session admin = {.user_id = 12, .role = CORE_ROLE_ADMIN};
    EXPECT_ERR(core_perm_require(&admin, CORE_ACT_CUSTOMER_READ, &scopes[1], &err), err, LD_EPERM,
               "read customer files");
}

static void perm_names_of_roles_and_actions_are_distinct(void)
{
    for (int a = 0; a < CORE_ACTION_COUNT; a++) {
        CHECK(core_action_name((core_action)a) != NULL && core_action_name((core_action)a)[0]);
        for (int b = 0; b < a; b++)
            CHECK(strcmp(core_action_name((core_action)a), core_action_name((core_action)b)) != 0);
    }
    for (int r = 0; r < CORE_ROLE_COUNT; r++) {
        core_role parsed = CORE_ROLE_ADMIN;
        ld_error err;
        CHECK_INT(core_role_parse("role", core_role_name((core_role)r), &parsed, &err), LD_OK);
        CHECK_INT(parsed, r);
    }
    core_role parsed;
    ld_error err;
    EXPECT_ERR(core_role_parse("role", "superuser", &parsed, &err), err, LD_EINVAL, "role:");
    EXPECT_ERR(core_role_parse("role", "Officer", &parsed, &err), err, LD_EINVAL, "role:");
}

/* ---- borrowers ------------------------------------------------------------ */

/* Sets key of record to the JSON value (NULL removes the key). */
static void set_field(cJSON *record, const char *key, const char *value_json)
{
    cJSON_DeleteItemFromObjectCaseSensitive(record, key);
    if (value_json != NULL)
        cJSON_AddItemToObject(record, key, fx_json(value_json));
}

typedef struct field_case {
    const char *key, *value_json, *fragment;
} field_case;

static void borrower_validation_names_the_field(void)
{
    char bad_check[19], id[19], code[19];
    fx_resident_id(bad_check, "11010519900501123");
    bad_check[17] = bad_check[17] == '0' ? '1' : '0';
    char bad_check_json[32], future_json[32], bad_code_json[32];
    snprintf(bad_check_json, sizeof bad_check_json, "\"%s\"", bad_check);
    snprintf(future_json, sizeof future_json, "\"%s\"", fx_resident_id(id, "11010520300101123"));
    fx_credit_code(code, "91310000MA1FL2A3B");
    code[17] = code[17] == '0' ? '1' : '0';
    snprintf(bad_code_json, sizeof bad_code_json, "\"%s\"", code);
    const field_case person[] = {
        {"monthly_income", "12000", "monthly_income: money must be a decimal string"},
        {"monthly_income", "12000.5", "monthly_income: money must be a decimal string"},
        {"monthly_income", "\"1e5\"", "monthly_income"},
        {"monthly_income", "\"12.345\"", "monthly_income"},
        {"monthly_income", "\"-0.00\"", "monthly_income"},
        {"monthly_income", "\"-100.00\"", "monthly_income"},
        {"monthly_income", "\"10000000000000.01\"", "monthly_income"},
        {"monthly_income", NULL, "monthly_income: is required"},
        {"existing_debt", "\" 5.00\"", "existing_debt"},
        {"existing_debt", "\"-5.00\"", "existing_debt"},
        {"nickname", "\"Xiao Zhang\"", "nickname: is not a known field"},
        {"credit_code", "\"91310000MA1FL2A3B0\"", "credit_code: is not a known field"},
        {"name", NULL, "name: is required"},
        {"name", "42", "name: must be a string"},
        {"phone", "\"call me\"", "phone: must be a telephone number"},
        {"phone", "\"123\"", "phone"},
        {"address", NULL, "address: is required"},
        {"kind", "\"robot\"", "kind"},
        {"kind", NULL, "kind"},
        {"years_employed", "61", "years_employed"},
        {"years_employed", "-1", "years_employed"},
        {"years_employed", "\"5\"", "years_employed"},
        {"years_employed", "2.5", "years_employed"},
        {"blocklisted", "\"no\"", "blocklisted"},
        {"id_number", "\"11010519900501123\"", "id_number: a resident ID has 18 characters"},
        {"id_number", "\"1101051990050112AX\"", "id_number: the first 17 characters"},
        {"id_number", bad_check_json, "id_number: check character"},
        {"id_number", future_json, "id_number: birth date 20300101 is in the future"},
        {"id_number", "\"110105199002311230\"", "id_number"},
        {"id_number", "12345", "id_number: must be a string"},
    };
    for (size_t i = 0; i < sizeof person / sizeof person[0]; i++) {
        cJSON *b = fx_person(NULL);
        set_field(b, person[i].key, person[i].value_json);
        ld_error err;
        ld_error_clear(&err);
        EXPECT_ERR(core_borrower_validate(b, "", FX_TODAY_DATE, &err), err, LD_EINVAL,
                   person[i].fragment);
        if (strstr(err.message, person[i].fragment) == NULL)
            fprintf(stderr, "  case %zu (%s)\n", i, person[i].key);
        /* Nested under a path, the full path is named. */
        char nested[160];
        snprintf(nested, sizeof nested, "borrower.%s", person[i].fragment);
        if (strcmp(person[i].key, "kind") != 0)
            EXPECT_ERR(core_borrower_validate(b, "borrower", FX_TODAY_DATE, &err), err, LD_EINVAL,
                       nested);
        cJSON_Delete(b);
    }
    const field_case company[] = {
        {"credit_code", "\"91310000MA1FL2AIBX\"",
         "credit_code: only digits and capital letters other than I, O, S, V, Z"},
        {"credit_code", "\"91310000ma1fl2a3b1\"", "credit_code: only digits"},
        {"credit_code", bad_code_json, "credit_code: check character"},
        {"credit_code", "\"91310000MA1FL2A3\"", "credit_code: a unified social credit code has 18"},
        {"id_number", "\"110105199005011234\"", "id_number: is not a known field"},
        {"financials", NULL, "financials: an enterprise needs financial statements"},
        {"financials", "[]", "financials: an enterprise needs"},
        {"industry_risk_class", "6", "industry_risk_class"},
        {"industry_risk_class", "0", "industry_risk_class"},
        {"years_in_business", "301", "years_in_business"},
        {"registered_capital", "5000000", "registered_capital: money must be a decimal string"},
        {"industry", NULL, "industry: is required"},
        {"financials",
         "[{\"year\": 2025, \"total_assets\": \"100.00\", \"total_liabilities\": \"50.00\","
         " \"current_assets\": \"100.01\", \"current_liabilities\": \"10.00\", \"revenue\": "
         "\"1.00\", \"net_profit\": \"-1.00\", \"operating_cash_flow\": \"0.00\"}]",
         "financials[0].current_assets: must not exceed total_assets"},
        {"financials",
         "[{\"year\": 2025, \"total_assets\": \"100.00\", \"total_liabilities\": \"50.00\","
         " \"current_assets\": \"60.00\", \"current_liabilities\": \"50.01\", \"revenue\": "
         "\"1.00\", \"net_profit\": \"-1.00\", \"operating_cash_flow\": \"0.00\"}]",
         "financials[0].current_liabilities: must not exceed total_liabilities"},
        {"financials",
         "[{\"year\": 2025, \"total_assets\": \"100.00\", \"total_liabilities\": \"50.00\","
         " \"current_assets\": \"60.00\", \"current_liabilities\": \"10.00\", \"revenue\": 1,"
         " \"net_profit\": \"-1.00\", \"operating_cash_flow\": \"0.00\"}]",
         "financials[0].revenue: money must be"},
        {"financials",
         "[{\"year\": 2027, \"total_assets\": \"100.00\", \"total_liabilities\": \"50.00\","
         " \"current_assets\": \"60.00\", \"current_liabilities\": \"10.00\", \"revenue\": "
         "\"1.00\", \"net_profit\": \"-1.00\", \"operating_cash_flow\": \"0.00\"}]",
         "financials[0].year"},
        {"financials",
         "[{\"year\": 2025, \"total_assets\": \"100.00\", \"total_liabilities\": \"50.00\","
         " \"current_assets\": \"60.00\", \"current_liabilities\": \"10.00\", \"revenue\": "
         "\"1.00\", \"net_profit\": \"-1.00\", \"operating_cash_flow\": \"0.00\"},"
         " {\"year\": 2025, \"total_assets\": \"100.00\", \"total_liabilities\": \"50.00\","
         " \"current_assets\": \"60.00\", \"current_liabilities\": \"10.00\", \"revenue\": "
         "\"1.00\", \"net_profit\": \"-1.00\", \"operating_cash_flow\": \"0.00\"}]",
         "financials[1].year: 2025 appears twice"},
        {"financials",
         "[{\"year\": 2025, \"total_assets\": \"100.00\", \"total_liabilities\": \"50.00\","
         " \"current_assets\": \"60.00\", \"current_liabilities\": \"10.00\", \"revenue\": "
         "\"1.00\", \"net_profit\": \"-1.00\", \"operating_cash_flow\": \"0.00\", "
         "\"ebitda\": \"5.00\"}]",
         "financials[0].ebitda: is not a known field"},
        {"financials",
         "[{\"year\": 2025, \"total_assets\": \"100.00\", \"total_liabilities\": \"50.00\","
         " \"current_assets\": \"60.00\", \"current_liabilities\": \"10.00\", \"revenue\": "
         "\"1.00\", \"net_profit\": \"-1.00\"}]",
         "financials[0].operating_cash_flow: is required"},
    };
    for (size_t i = 0; i < sizeof company / sizeof company[0]; i++) {
        cJSON *b = fx_company(NULL);
        set_field(b, company[i].key, company[i].value_json);
        ld_error err;
        ld_error_clear(&err);
        EXPECT_ERR(core_borrower_validate(b, "", FX_TODAY_DATE, &err), err, LD_EINVAL,
                   company[i].fragment);
        if (strstr(err.message, company[i].fragment) == NULL)
            fprintf(stderr, "  company case %zu (%s)\n", i, company[i].key);
        cJSON_Delete(b);
    }
    /* The good records themselves pass. */
    ld_error err;
    cJSON *p = fx_person(NULL), *c = fx_company(NULL);
    CHECK_INT(core_borrower_validate(p, "", FX_TODAY_DATE, &err), LD_OK);
    CHECK_INT(core_borrower_validate(c, "", FX_TODAY_DATE, &err), LD_OK);
    cJSON_Delete(p);
    cJSON_Delete(c);
    CHECK_INT(core_borrower_validate(NULL, "", FX_TODAY_DATE, &err), LD_EINVAL);
}

static void borrower_add_assigns_the_officer_and_records_the_file(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t id = fx_add_borrower(&f, &f.off1, fx_person(NULL));
    int64_t company = fx_add_borrower(&f, &f.off1, fx_company(NULL));
    CHECK(id > 0 && company > id);
    cJSON *shown = NULL;
    CHECK_INT(core_borrower_show(f.store, &f.off1, id, &shown, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(shown, "officer")->valuestring, "off1");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(shown, "birth_date")->valuestring, "1990-05-01");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(shown, "monthly_income")->valuestring, "20000.00");
    /* show output is valid input again (borrower.h). */
    CHECK_INT(core_borrower_validate(shown, "", FX_TODAY_DATE, &err), LD_OK);
    cJSON_Delete(shown);
    CHECK_INT(core_borrower_show(f.store, &f.off1, company, &shown, &err), LD_OK);
    const cJSON *fs = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(shown, "financials"), 0);
    CHECK(fs != NULL);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(fs, "inventory")->valuestring, "2000000.00");
    CHECK_INT(core_borrower_validate(shown, "", FX_TODAY_DATE, &err), LD_OK);
    cJSON_Delete(shown);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'borrower.add' AND "
                           "json_extract(detail, '$.after.name') IS NOT NULL"),
              2);
    /* Only officers register borrowers; the same number cannot come twice. */
    const core_session *not_officers[] = {&f.rev1, &f.mgr, &f.aud, &f.admin};
    for (size_t i = 0; i < 4; i++) {
        cJSON *b = fx_person("11010519850101789");
        int64_t none;
        fx_begin(&f);
        EXPECT_ERR(core_borrower_add(f.store, not_officers[i], b, &none, &err), err, LD_EPERM,
                   "create borrowers");
        core_store_rollback(f.store);
        cJSON_Delete(b);
    }
    cJSON *twin = fx_person(NULL);
    int64_t none;
    fx_begin(&f);
    EXPECT_ERR(core_borrower_add(f.store, &f.off2, twin, &none, &err), err, LD_EINVAL,
               "id_number: a borrower with this number already exists");
    core_store_rollback(f.store);
    cJSON_Delete(twin);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower"), 2);
    EXPECT_ERR(core_borrower_show(f.store, &f.off1, 999, &shown, &err), err, LD_ENOTFOUND,
               "borrower 999 does not exist");
    fx_close(&f);
}

static void borrower_files_are_seen_only_by_those_allowed(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t id = fx_add_borrower(&f, &f.off1, fx_person(NULL));
    const struct {
        const core_session *who;
        ld_status show;
        int listed;
    } before[] = {
        {&f.off1, LD_OK, 1}, {&f.off2, LD_EPERM, 0}, {&f.rev1, LD_EPERM, 0},
        {&f.mgr, LD_OK, 1},  {&f.aud, LD_OK, 1},     {&f.admin, LD_EPERM, -1},
    };
    for (size_t i = 0; i < sizeof before / sizeof before[0]; i++) {
        cJSON *shown = NULL, *list = NULL;
        CHECK_INT(core_borrower_show(f.store, before[i].who, id, &shown, &err), before[i].show);
        CHECK((shown != NULL) == (before[i].show == LD_OK));
        cJSON_Delete(shown);
        ld_status st = core_borrower_list(f.store, before[i].who, &list, &err);
        CHECK_INT(st, before[i].listed < 0 ? LD_EPERM : LD_OK);
        if (list != NULL)
            CHECK_INT(cJSON_GetArraySize(list), before[i].listed);
        cJSON_Delete(list);
    }
    /* Identity numbers: whole for the responsible officer, masked for others. */
    char number[19];
    fx_resident_id(number, "11010519900501123");
    cJSON *list = NULL;
    CHECK_INT(core_borrower_list(f.store, &f.off1, &list, &err), LD_OK);
    CHECK_STR(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "id_number")->valuestring,
        number);
    cJSON_Delete(list);
    CHECK_INT(core_borrower_list(f.store, &f.mgr, &list, &err), LD_OK);
    const char *masked =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "id_number")->valuestring;
    CHECK(strncmp(masked, "110105", 6) == 0 && strstr(masked, "****") != NULL);
    CHECK(strstr(masked, "19900501") == NULL);
    cJSON_Delete(list);
    /* Another officer may not change it either, and nothing changes. */
    cJSON *change = fx_json("{\"phone\": \"13900139000\"}");
    fx_begin(&f);
    EXPECT_ERR(core_borrower_update(f.store, &f.off2, id, change, &err), err, LD_EPERM,
               "assigned to another officer");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_borrower_update(f.store, &f.mgr, id, change, &err), err, LD_EPERM,
               "edit customer files");
    core_store_rollback(f.store);
    cJSON_Delete(change);
    char phone[32];
    CHECK_STR(fx_text(&f, "SELECT phone FROM borrower", phone, sizeof phone), "13800138000");
    /* Once an application is submitted, reviewers may read the customer. */
    int64_t app = fx_add_app(&f, &f.off1, id, NULL, NULL);
    cJSON *shown = NULL;
    EXPECT_ERR(core_application_show(f.store, &f.rev1, app, &shown, &err), err, LD_EPERM,
               "submitted");
    fx_add_investigation(&f, &f.off1, app);
    fx_submit(&f, &f.off1, app);
    CHECK_INT(core_borrower_show(f.store, &f.rev1, id, &shown, &err), LD_OK);
    cJSON_Delete(shown);
    CHECK_INT(core_borrower_list(f.store, &f.rev1, &list, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(list), 1);
    cJSON_Delete(list);
    CHECK_INT(core_borrower_show(f.store, &f.admin, id, &shown, &err), LD_EPERM);
    fx_close(&f);
}

static void borrower_update_records_before_and_after(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t id = fx_add_borrower(&f, &f.off1, fx_person(NULL));
    cJSON *change = fx_json("{\"phone\": \"13900139000\", \"monthly_income\": \"25000.50\"}");
    fx_begin(&f);
    CHECK_INT(core_borrower_update(f.store, &f.off1, id, change, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    cJSON_Delete(change);
    char detail[1000];
    fx_text(&f,
            "SELECT detail FROM audit_event WHERE action = 'borrower.update' ORDER BY id DESC "
            "LIMIT 1",
            detail, sizeof detail);
    cJSON *d = fx_json(detail);
    const cJSON *phone = cJSON_GetObjectItemCaseSensitive(d, "phone");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(phone, "before")->valuestring, "13800138000");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(phone, "after")->valuestring, "13900139000");
    const cJSON *income = cJSON_GetObjectItemCaseSensitive(d, "monthly_income");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(income, "before")->valuestring, "20000.00");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(income, "after")->valuestring, "25000.50");
    /* Unchanged fields are not in the diff. */
    CHECK(cJSON_GetObjectItemCaseSensitive(d, "name") == NULL);
    cJSON_Delete(d);
    /* Identity and kind never change; bad values change nothing. */
    const field_case bad[] = {
        {"kind", "\"enterprise\"", "kind: cannot be changed"},
        {"id_number", "\"110105198501017891\"", "id_number: cannot be changed"},
        {"monthly_income", "30000", "monthly_income: money must be"},
        {"phone", "\"x\"", "phone"},
        {"favourite_colour", "\"red\"", "favourite_colour: is not a known field"},
        {"name", "null", "name: is required"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *c = cJSON_CreateObject();
        set_field(c, bad[i].key, bad[i].value_json);
        fx_begin(&f);
        EXPECT_ERR(core_borrower_update(f.store, &f.off1, id, c, &err), err, LD_EINVAL,
                   bad[i].fragment);
        core_store_rollback(f.store);
        cJSON_Delete(c);
    }
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'borrower.update'"), 1);
    char name[64];
    CHECK_STR(fx_text(&f, "SELECT name FROM borrower", name, sizeof name), "Zhang San");
    cJSON *c = fx_json("{\"phone\": \"13900139000\"}");
    fx_begin(&f);
    EXPECT_ERR(core_borrower_update(f.store, &f.off1, 4242, c, &err), err, LD_ENOTFOUND, "4242");
    core_store_rollback(f.store);
    cJSON_Delete(c);
    fx_close(&f);
}

static void borrower_reassignment_by_a_manager_moves_visibility(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t id = fx_add_borrower(&f, &f.off1, fx_person(NULL));
    int64_t app = fx_add_app(&f, &f.off1, id, NULL, NULL);
    const core_session *not_managers[] = {&f.off1, &f.rev1, &f.aud, &f.admin};
    for (size_t i = 0; i < 4; i++) {
        fx_begin(&f);
        EXPECT_ERR(core_borrower_assign(f.store, not_managers[i], id, "off2", &err), err, LD_EPERM,
                   "reassign customers");
        core_store_rollback(f.store);
    }
    fx_begin(&f);
    EXPECT_ERR(core_borrower_assign(f.store, &f.mgr, id, "rev1", &err), err, LD_EINVAL,
               "officer: rev1 is not an active officer");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_borrower_assign(f.store, &f.mgr, id, "off1", &err), err, LD_EINVAL,
               "already assigned to off1");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_borrower_assign(f.store, &f.mgr, 777, "off2", &err), err, LD_ENOTFOUND, "777");
    core_store_rollback(f.store);
    fx_begin(&f);
    CHECK_INT(core_borrower_assign(f.store, &f.mgr, id, "off2", &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    cJSON *shown = NULL;
    CHECK_INT(core_borrower_show(f.store, &f.off1, id, &shown, &err), LD_EPERM);
    CHECK_INT(core_application_show(f.store, &f.off1, app, &shown, &err), LD_EPERM);
    CHECK_INT(core_borrower_show(f.store, &f.off2, id, &shown, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(shown, "officer")->valuestring, "off2");
    cJSON_Delete(shown);
    CHECK_INT(core_application_show(f.store, &f.off2, app, &shown, &err), LD_OK);
    cJSON_Delete(shown);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'borrower.assign' "
                           "AND json_extract(detail, '$.officer_id.before') = 2 AND "
                           "json_extract(detail, '$.officer_id.after') = 3"),
              1);
    fx_close(&f);
}

/* ---- applications: validation, parts, cover ------------------------------- */

static void app_create_validation_names_the_field(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t borrower = fx_add_borrower(&f, &f.off1, fx_person(NULL));
    char gid[19], own[19], cid[19];
    fx_resident_id(gid, "11010519800101456");
    fx_resident_id(own, "11010519900501123");
    fx_credit_code(cid, "91110000MA01C2D3E");
    char guarantor[400], ownguarantor[400], gbad[400], gcheck[19];
    snprintf(guarantor, sizeof guarantor,
             "{\"kind\": \"person\", \"name\": \"Li Si\", \"id_number\": \"%s\","
             " \"guaranteed_amount\": \"50000.00\", \"net_assets\": \"800000.00\","
             " \"outstanding_guarantees\": \"0.00\"}",
             gid);
    snprintf(ownguarantor, sizeof ownguarantor,
             "{\"guarantors\": [{\"kind\": \"person\", \"name\": \"Self\", \"id_number\": \"%s\","
             " \"guaranteed_amount\": \"50000.00\", \"net_assets\": \"800000.00\","
             " \"outstanding_guarantees\": \"0.00\"}]}",
             own);
    memcpy(gcheck, gid, sizeof gcheck);
    gcheck[17] = gcheck[17] == '0' ? '1' : '0';
    snprintf(gbad, sizeof gbad,
             "{\"guarantors\": [{\"kind\": \"person\", \"name\": \"Li Si\", \"id_number\": "
             "\"%s\", \"guaranteed_amount\": \"50000.00\", \"net_assets\": \"800000.00\","
             " \"outstanding_guarantees\": \"0.00\"}]}",
             gcheck);
    char two_guarantors[1000], g_type[500], g_zero[500], g_enterprise_as_person[500];
    snprintf(two_guarantors, sizeof two_guarantors,
             "{\"guarantors\": [%s, {\"kind\": \"person\", \"name\": \"Wang Wu\", \"id_number\": "
             "\"%s\", \"guaranteed_amount\": \"50000.00\", \"net_assets\": 800000,"
             " \"outstanding_guarantees\": \"0.00\"}]}",
             guarantor, gid);
    snprintf(g_type, sizeof g_type,
             "{\"guarantors\": [{\"kind\": \"person\", \"name\": \"Li Si\", \"id_number\": \"%s\","
             " \"guarantee_type\": \"surety\", \"guaranteed_amount\": \"50000.00\","
             " \"net_assets\": \"800000.00\", \"outstanding_guarantees\": \"0.00\"}]}",
             gid);
    snprintf(g_zero, sizeof g_zero,
             "{\"guarantors\": [{\"kind\": \"person\", \"name\": \"Li Si\", \"id_number\": \"%s\","
             " \"guaranteed_amount\": \"0.00\", \"net_assets\": \"800000.00\","
             " \"outstanding_guarantees\": \"0.00\"}]}",
             gid);
    snprintf(g_enterprise_as_person, sizeof g_enterprise_as_person,
             "{\"guarantors\": [{\"kind\": \"person\", \"name\": \"Acme\", \"id_number\": \"%s\","
             " \"guaranteed_amount\": \"1.00\", \"net_assets\": \"800000.00\","
             " \"outstanding_guarantees\": \"0.00\"}]}",
             cid);
#define COLLATERAL(fields)                                                                         \
    "{\"collateral\": [{\"type\": \"real_estate\", \"arrangement\": \"mortgage\", "                \
    "\"owner_name\": "                                                                             \
    "\"Zhang San\", \"owner_is_borrower\": true, \"certificate_no\": \"京(2024)0001\", "          \
    "\"appraiser\": \"Beijing Appraisal Co\", " fields "}]}"
    const struct {
        const char *extra, *fragment;
    } cases[] = {
        {"{\"amount\": 100000}", "amount: money must be a decimal string"},
        {"{\"amount\": \"1e5\"}", "amount"},
        {"{\"amount\": \"12.345\"}", "amount"},
        {"{\"amount\": \"-0.00\"}", "amount"},
        {"{\"amount\": \"-100000.00\"}", "amount"},
        {"{\"amount\": \"9999.99\"}", "amount: product PCL lends 10000.00 to 500000.00"},
        {"{\"amount\": \"500000.01\"}", "amount: product PCL lends"},
        {"{\"term_months\": 5}", "term_months: product PCL allows 6 to 60 months"},
        {"{\"term_months\": 61}", "term_months: product PCL allows 6 to 60 months"},
        {"{\"term_months\": 0}", "term_months"},
        {"{\"term_months\": 361}", "term_months"},
        {"{\"term_months\": \"24\"}", "term_months: must be a whole number"},
        {"{\"term_months\": 24.5}", "term_months"},
        {"{\"method\": \"interest_only\"}", "method: product PCL does not offer interest_only"},
        {"{\"method\": \"bullet\"}", "method: product PCL does not offer bullet"},
        {"{\"method\": \"balloon\"}", "method"},
        {"{\"product\": \"XYZ\"}", "product"},
        {"{\"product\": \"SWC\", \"amount\": \"200000.00\"}",
         "product: product SWC is for enterprise borrowers"},
        {"{\"colour\": \"red\"}", "colour: is not a known field"},
        {"{\"purpose\": 5}", "purpose: must be a string"},
        {"{\"purpose\": null}", "purpose: is required"},
        {"{\"borrower_id\": 0}", "borrower_id"},
        {"{\"borrower_id\": \"1\"}", "borrower_id"},
        {"{\"guarantors\": {}}", "guarantors: must be an array"},
        {"{\"investigation\": []}", "investigation: must be an object"},
        {two_guarantors, "guarantors[1].net_assets: money must be a decimal string"},
        {gbad, "guarantors[0].id_number: check character"},
        {ownguarantor, "guarantors[0].id_number: the borrower cannot guarantee their own loan"},
        {g_type, "guarantors[0].guarantee_type"},
        {g_zero, "guarantors[0].guaranteed_amount: must be positive"},
        {g_enterprise_as_person, "guarantors[0].id_number"},
        {"{\"guarantors\": [{\"kind\": \"trust\"}]}", "guarantors[0].kind"},
        {COLLATERAL("\"appraised_value\": \"2000000.00\", \"appraisal_date\": \"2026-06-16\", "
                    "\"lien_rank\": 1"),
         "collateral[0].appraisal_date: must not be in the future"},
        {COLLATERAL("\"appraised_value\": \"2000000.00\", \"appraisal_date\": \"2026-02-29\", "
                    "\"lien_rank\": 1"),
         "collateral[0].appraisal_date"},
        {COLLATERAL("\"appraised_value\": 2000000, \"appraisal_date\": \"2026-05-01\", "
                    "\"lien_rank\": 1"),
         "collateral[0].appraised_value: money must be"},
        {COLLATERAL("\"appraised_value\": \"0.00\", \"appraisal_date\": \"2026-05-01\", "
                    "\"lien_rank\": 1"),
         "collateral[0].appraised_value: must be positive"},
        {COLLATERAL("\"appraised_value\": \"2000000.00\", \"appraisal_date\": \"2026-05-01\", "
                    "\"lien_rank\": 2"),
         "collateral[0].prior_claims: a lien of rank 2 must state the prior claims"},
        {COLLATERAL("\"appraised_value\": \"2000000.00\", \"appraisal_date\": \"2026-05-01\", "
                    "\"lien_rank\": 1, \"prior_claims\": \"5.00\""),
         "collateral[0].prior_claims: a first-rank lien has no prior claims"},
        {COLLATERAL("\"appraised_value\": \"2000000.00\", \"appraisal_date\": \"2026-05-01\", "
                    "\"lien_rank\": 10"),
         "collateral[0].lien_rank"},
        {COLLATERAL("\"appraised_value\": \"2000000.00\", \"appraisal_date\": \"2026-05-01\", "
                    "\"lien_rank\": 1, \"hue\": \"blue\""),
         "collateral[0].hue: is not a known field"},
        {"{\"collateral\": [{\"type\": \"real_estate\", \"arrangement\": \"pledge\"}]}",
         "collateral[0].arrangement: real_estate cannot be given as a pledge"},
        {"{\"collateral\": [{\"type\": \"deposit_receipt\", \"arrangement\": \"mortgage\"}]}",
         "collateral[0].arrangement: deposit_receipt cannot be given as a mortgage"},
        {"{\"collateral\": [{\"type\": \"spaceship\", \"arrangement\": \"pledge\"}]}",
         "collateral[0].type"},
        {"{\"investigation\": {\"site_visit_date\": \"2026-06-16\", \"operations\": \"a\", "
         "\"assets_liabilities\": \"b\", \"repayment_capacity\": \"c\", \"conclusion\": \"d\"}}",
         "investigation.site_visit_date: must not be in the future"},
        {"{\"investigation\": {\"site_visit_date\": \"2026-13-01\", \"operations\": \"a\", "
         "\"assets_liabilities\": \"b\", \"repayment_capacity\": \"c\", \"conclusion\": \"d\"}}",
         "investigation.site_visit_date"},
        {"{\"investigation\": {\"site_visit_date\": \"2026-06-01\", \"operations\": \"a\", "
         "\"assets_liabilities\": \"b\", \"repayment_capacity\": \"c\"}}",
         "investigation.conclusion: is required"},
        {"{\"investigation\": {\"site_visit_date\": \"2026-06-01\", \"operations\": \"a\", "
         "\"assets_liabilities\": \"b\", \"repayment_capacity\": \"c\", \"conclusion\": \"d\", "
         "\"weather\": \"fine\"}}",
         "investigation.weather: is not a known field"},
    };
#undef COLLATERAL
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *a = fx_app_json(borrower, NULL, cases[i].extra);
        int64_t id = 0;
        ld_error_clear(&err);
        fx_begin(&f);
        ld_status st = core_application_create(f.store, &f.off1, a, &id, &err);
        core_store_rollback(f.store);
        CHECK_INT(st, LD_EINVAL);
        CHECK_CONTAINS(err.message, cases[i].fragment);
        if (st != LD_EINVAL || strstr(err.message, cases[i].fragment) == NULL)
            fprintf(stderr, "  case %zu: %s\n", i, cases[i].extra);
        cJSON_Delete(a);
    }
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM application"), 0);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM guarantor"), 0);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action LIKE 'app.%'"), 0);
    /* Unknown borrower, and another officer's borrower. */
    cJSON *a = fx_app_json(999, NULL, NULL);
    int64_t id;
    fx_begin(&f);
    EXPECT_ERR(core_application_create(f.store, &f.off1, a, &id, &err), err, LD_ENOTFOUND, "999");
    core_store_rollback(f.store);
    cJSON_Delete(a);
    a = fx_app_json(borrower, NULL, NULL);
    fx_begin(&f);
    EXPECT_ERR(core_application_create(f.store, &f.off2, a, &id, &err), err, LD_EPERM,
               "another officer");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_application_create(f.store, &f.mgr, a, &id, &err), err, LD_EPERM,
               "edit customer files");
    core_store_rollback(f.store);
    /* The good record with all parts goes in whole. */
    char full[1200];
    snprintf(full, sizeof full,
             "{\"guarantors\": [%s], \"collateral\": [{\"type\": \"vehicle\", \"arrangement\": "
             "\"pledge\", \"owner_name\": \"Zhang San\", \"owner_is_borrower\": true, "
             "\"certificate_no\": \"V-1\", \"appraised_value\": \"80000.00\", \"appraisal_date\": "
             "\"2026-06-15\", \"appraiser\": \"Auto Appraisal\", \"lien_rank\": 1}], "
             "\"investigation\": %s}",
             guarantor, fx_investigation_json);
    cJSON_Delete(a);
    a = fx_app_json(borrower, NULL, full);
    fx_begin(&f);
    CHECK_INT(core_application_create(f.store, &f.off1, a, &id, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    cJSON_Delete(a);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM guarantor"), 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM collateral"), 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM investigation"), 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM application WHERE state = 'draft' AND amount = "
                           "10000000 AND created_by = 2"),
              1);
    fx_close(&f);
}

static void app_product_limits_hold_at_their_boundaries(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    /* today 2026-06-15. Born 2008-06-15: 18 today. Born 2008-06-16: 17. */
    int64_t adult = fx_add_borrower(&f, &f.off1, fx_person("11010520080615123"));
    int64_t minor = fx_add_borrower(&f, &f.off1, fx_person("11010520080616123"));
    /* Born 1965-06-16: 60 now, 65 at a 60-month maturity (2031-06-15);
     * born 1965-06-15: 66 at that maturity. */
    int64_t older = fx_add_borrower(&f, &f.off1, fx_person("11010519650616123"));
    int64_t oldest = fx_add_borrower(&f, &f.off1, fx_person("11010519650615123"));
    const struct {
        int64_t borrower;
        const char *extra;
        ld_status expected;
        const char *fragment;
    } cases[] = {
        {adult, "{\"amount\": \"10000.00\", \"term_months\": 6}", LD_OK, ""},
        {adult, "{\"amount\": \"500000.00\", \"term_months\": 60}", LD_OK, ""},
        {adult, "{\"method\": \"equal_principal\"}", LD_OK, ""},
        {minor, "{}", LD_EINVAL, "borrower_id: the borrower is 17; product PCL needs at least 18"},
        {older, "{\"term_months\": 60}", LD_OK, ""},
        {oldest, "{\"term_months\": 60}", LD_EINVAL,
         "term_months: the borrower would be 66 at maturity; product PCL allows 65"},
        {oldest, "{\"term_months\": 59}", LD_OK, ""},
        /* PBL allows 70 at maturity. */
        {oldest, "{\"product\": \"PBL\", \"term_months\": 60}", LD_OK, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *a = fx_app_json(cases[i].borrower, NULL, cases[i].extra);
        int64_t id = 0;
        ld_error_clear(&err);
        fx_begin(&f);
        ld_status st = core_application_create(f.store, &f.off1, a, &id, &err);
        core_store_rollback(f.store);
        CHECK_INT(st, cases[i].expected);
        CHECK_CONTAINS(err.message, cases[i].fragment);
        if (st != cases[i].expected)
            fprintf(stderr, "  case %zu: %s\n", i, err.message);
        cJSON_Delete(a);
    }
    /* Quarterly products take whole quarters (EFA, enterprises). */
    const core_product *efa = NULL;
    CHECK_INT(core_product_get(f.store, "product", "EFA", &efa, &err), LD_OK);
    CHECK_INT(core_application_check_product(efa, FX_TODAY_DATE, CORE_BORROWER_ENTERPRISE, 0,
                                             100000000, 13, LD_METHOD_ANNUITY, "", &err),
              LD_EINVAL);
    CHECK_CONTAINS(err.message, "term_months");
    CHECK_INT(core_application_check_product(efa, FX_TODAY_DATE, CORE_BORROWER_ENTERPRISE, 0,
                                             100000000, 12, LD_METHOD_ANNUITY, "", &err),
              LD_OK);
    CHECK_INT(core_application_check_product(efa, FX_TODAY_DATE, CORE_BORROWER_ENTERPRISE, 0,
                                             100000000, 12, LD_METHOD_BULLET, "app", &err),
              LD_EINVAL);
    CHECK_CONTAINS(err.message, "app.method");
    fx_close(&f);
}

static void app_guarantor_capacity_is_net_assets_less_outstanding(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t borrower = fx_add_borrower(&f, &f.off1, fx_person(NULL));
    int64_t app = fx_add_app(&f, &f.off1, borrower, NULL, NULL);
    char p1[19], p2[19], c1[19], text[600];
    fx_resident_id(p1, "11010519800101456");
    fx_resident_id(p2, "11010519750202321");
    fx_credit_code(c1, "91110000MA01C2D3E");
    const struct {
        const char *kind, *id, *type, *amount, *net, *outstanding;
        const char *capacity;
        bool is_short;
    } cases[] = {
        {"person", p1, NULL, "100000.00", "300000.00", "250000.00", "50000.00", true},
        {"enterprise", c1, "joint", "100000.00", "1000000.00", "0.00", "1000000.00", false},
        {"person", p2, "general", "0.01", "-100.00", "200.00", "-300.00", true},
    };
    for (size_t i = 0; i < 3; i++) {
        snprintf(text, sizeof text,
                 "{\"kind\": \"%s\", \"name\": \"G%zu\", \"id_number\": \"%s\",%s%s%s "
                 "\"guaranteed_amount\": \"%s\", \"net_assets\": \"%s\", "
                 "\"outstanding_guarantees\": \"%s\"}",
                 cases[i].kind, i, cases[i].id, cases[i].type ? " \"guarantee_type\": \"" : "",
                 cases[i].type ? cases[i].type : "", cases[i].type ? "\"," : "", cases[i].amount,
                 cases[i].net, cases[i].outstanding);
        cJSON *g = fx_json(text);
        int64_t id;
        fx_begin(&f);
        CHECK_INT(core_guarantor_add(f.store, &f.off1, app, g, &id, &err), LD_OK);
        CHECK_INT(core_store_commit(f.store, &err), LD_OK);
        cJSON_Delete(g);
    }
    cJSON *list = NULL;
    CHECK_INT(core_guarantor_list(f.store, &f.off1, app, &list, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(list), 3);
    for (int i = 0; i < 3 && i < cJSON_GetArraySize(list); i++) {
        const cJSON *g = cJSON_GetArrayItem(list, i);
        CHECK_STR(cJSON_GetObjectItemCaseSensitive(g, "capacity")->valuestring, cases[i].capacity);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "short")) == cases[i].is_short);
    }
    /* Not stated: general guarantee, as the Civil Code presumes. */
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "guarantee_type")
                  ->valuestring,
              "general");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 1), "guarantee_type")
                  ->valuestring,
              "joint");
    cJSON_Delete(list);
    core_security_summary s;
    CHECK_INT(core_application_security(f.store, app, &s, &err), LD_OK);
    CHECK_INT(s.guarantor_count, 3);
    CHECK_INT(s.guaranteed, 20000001);
    CHECK_INT(s.guarantor_capacity, 105000000); /* the negative capacity counts as 0 */
    CHECK_INT(s.guarantors_short, 2);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'guarantor.add'"), 3);
    /* Field names of a single part carry no array index. */
    cJSON *bad = fx_json("{\"kind\": \"person\", \"name\": \"X\", \"id_number\": \"1\", "
                         "\"guaranteed_amount\": \"1.00\", \"net_assets\": \"1.00\", "
                         "\"outstanding_guarantees\": \"0.00\"}");
    int64_t none;
    fx_begin(&f);
    EXPECT_ERR(core_guarantor_add(f.store, &f.off1, app, bad, &none, &err), err, LD_EINVAL,
               "id_number: a resident ID has 18 characters");
    core_store_rollback(f.store);
    CHECK(strncmp(err.message, "id_number", 9) == 0);
    fx_begin(&f);
    EXPECT_ERR(core_guarantor_add(f.store, &f.off2, app, bad, &none, &err), err, LD_EPERM,
               "another officer");
    core_store_rollback(f.store);
    cJSON_Delete(bad);
    fx_close(&f);
}

static void app_collateral_cover_is_exact_to_the_fen(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t borrower = fx_add_borrower(&f, &f.off1, fx_person(NULL));
    int64_t app = fx_add_app(&f, &f.off1, borrower, NULL, NULL);
    const struct {
        const char *type, *arrangement, *appraised, *prior;
        int rank;
        const char *lendable;
    } cases[] = {
        /* 1000000.01 x 70 % = 700000.007 -> 700000.01 */
        {"real_estate", "mortgage", "1000000.01", NULL, 1, "700000.01"},
        /* second rank: 700000.01 - 123456.78 */
        {"real_estate", "mortgage", "1000000.01", "123456.78", 2, "576543.23"},
        /* 333.33 x 50 % = 166.665: a tie, rounded away from zero */
        {"vehicle", "pledge", "333.33", NULL, 1, "166.67"},
        /* prior claims above the capped value: nothing to count on */
        {"equipment", "mortgage", "100000.00", "999999.00", 3, "0.00"},
        /* 0.01 x 90 % = 0.009 -> 0.01 */
        {"deposit_receipt", "pledge", "0.01", NULL, 1, "0.01"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[600];
        snprintf(text, sizeof text,
                 "{\"type\": \"%s\", \"arrangement\": \"%s\", \"owner_name\": \"Zhang San\", "
                 "\"owner_is_borrower\": true, \"certificate_no\": \"C-%zu\", "
                 "\"appraised_value\": \"%s\", \"appraisal_date\": \"2026-06-15\", "
                 "\"appraiser\": \"Appraisal Co\", \"lien_rank\": %d%s%s%s}",
                 cases[i].type, cases[i].arrangement, i, cases[i].appraised, cases[i].rank,
                 cases[i].prior ? ", \"prior_claims\": \"" : "",
                 cases[i].prior ? cases[i].prior : "", cases[i].prior ? "\"" : "");
        cJSON *c = fx_json(text);
        int64_t id;
        fx_begin(&f);
        CHECK_INT(core_collateral_add(f.store, &f.off1, app, c, &id, &err), LD_OK);
        CHECK_INT(core_store_commit(f.store, &err), LD_OK);
        cJSON_Delete(c);
    }
    cJSON *list = NULL;
    CHECK_INT(core_collateral_list(f.store, &f.off1, app, &list, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(list), 5);
    for (int i = 0; i < 5 && i < cJSON_GetArraySize(list); i++) {
        const cJSON *c = cJSON_GetArrayItem(list, i);
        CHECK_STR(cJSON_GetObjectItemCaseSensitive(c, "lendable_value")->valuestring,
                  cases[i].lendable);
    }
    const cJSON *first = cJSON_GetArrayItem(list, 0);
    CHECK(first != NULL &&
          strncmp(cJSON_GetObjectItemCaseSensitive(first, "ltv_cap")->valuestring, "70", 2) == 0);
    cJSON_Delete(list);
    core_security_summary s;
    CHECK_INT(core_application_security(f.store, app, &s, &err), LD_OK);
    CHECK_INT(s.collateral_count, 5);
    CHECK_INT(s.appraised, 100000001LL + 100000001LL + 33333 + 10000000 + 1);
    CHECK_INT(s.collateral_cover, 70000001LL + 57654323LL + 16667 + 0 + 1);
    /* show gives the same totals. */
    cJSON *shown = NULL;
    CHECK_INT(core_application_show(f.store, &f.mgr, app, &shown, &err), LD_OK);
    const cJSON *security = cJSON_GetObjectItemCaseSensitive(shown, "security");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(security, "collateral_cover")->valuestring,
              "1276709.92");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(security, "collateral_appraised")->valuestring,
              "2100333.36");
    cJSON_Delete(shown);
    fx_close(&f);
}

/* ---- hex ------------------------------------------------------------------ */

static void hex_round_trips_and_refuses_what_is_not_hex(void)
{
    const unsigned char bytes[] = {0x00, 0x7f, 0x80, 0xff, 0x5d};
    char hex[11];
    core_hex_encode(bytes, sizeof bytes, hex);
    CHECK_STR(hex, "007f80ff5d");
    unsigned char back[5] = {0};
    CHECK(core_hex_decode(hex, 10, back));
    CHECK(memcmp(back, bytes, sizeof bytes) == 0);
    CHECK(core_hex_decode("007F80FF5D", 10, back));
    CHECK(memcmp(back, bytes, sizeof bytes) == 0);
    CHECK(!core_hex_decode("007f80ff5", 9, back));
    CHECK(!core_hex_decode("007f80ff5g", 10, back));
    CHECK(!core_hex_decode("00 f80ff5d", 10, back));
    CHECK(core_hex_decode("", 0, back));
}

/* ---- JSON integers --------------------------------------------------------- */

static void json_integers_are_exact_within_two_to_the_53(void)
{
    cJSON *parsed = cJSON_Parse("[9007199254740991,-9007199254740991,1E2,-0,9007199254740992,"
                                "-9007199254740992,1.5,1e300,\"7\",null]");
    int64_t v = 0;
    CHECK(core_json_integer(cJSON_GetArrayItem(parsed, 0), &v));
    CHECK(v == INT64_C(9007199254740991));
    CHECK(core_json_integer(cJSON_GetArrayItem(parsed, 1), &v));
    CHECK(v == -INT64_C(9007199254740991));
    CHECK(core_json_integer(cJSON_GetArrayItem(parsed, 2), &v));
    CHECK_INT(v, 100);
    CHECK(core_json_integer(cJSON_GetArrayItem(parsed, 3), NULL));
    for (int i = 4; i < 10; i++)
        CHECK(!core_json_integer(cJSON_GetArrayItem(parsed, i), &v));
    CHECK_INT(v, 100); /* a refusal leaves *out alone */
    cJSON_Delete(parsed);

    cJSON *item = core_json_int_item(-INT64_C(9007199254740991));
    CHECK(core_json_integer(item, &v));
    CHECK(v == -INT64_C(9007199254740991));
    cJSON_Delete(item);
}

/* ---- import --------------------------------------------------------------- */

static const char *write_file(char *path, size_t size, const char *name, const char *text)
{
    fx_temp_path(path, size, name);
    FILE *out = fopen(path, "wb");
    if (out == NULL) {
        perror(path);
        exit(99);
    }
    fputs(text, out);
    fclose(out);
    return path;
}

/* One import line: a person (first17 of their ID) with a PCL application,
 * and optionally a guarantor, collateral and an investigation. */
static char *import_line(const char *first17, bool parts, const char *app_extra)
{
    cJSON *line = cJSON_CreateObject();
    cJSON_AddItemToObject(line, "borrower", fx_person(first17));
    cJSON *app = fx_app_json(1, NULL, app_extra);
    if (app_extra == NULL || strstr(app_extra, "borrower_id") == NULL)
        cJSON_DeleteItemFromObjectCaseSensitive(app, "borrower_id");
    cJSON_AddItemToObject(line, "application", app);
    if (parts) {
        char gid[19], text[400];
        fx_resident_id(gid, "11010519800101456");
        snprintf(text, sizeof text,
                 "[{\"kind\": \"person\", \"name\": \"Li Si\", \"id_number\": \"%s\", "
                 "\"guaranteed_amount\": \"50000.00\", \"net_assets\": \"800000.00\", "
                 "\"outstanding_guarantees\": \"0.00\"}]",
                 gid);
        cJSON_AddItemToObject(line, "guarantors", fx_json(text));
        cJSON_AddItemToObject(
            line, "collateral",
            fx_json("[{\"type\": \"vehicle\", \"arrangement\": \"pledge\", \"owner_name\": "
                    "\"Zhang San\", \"owner_is_borrower\": true, \"certificate_no\": \"V-1\", "
                    "\"appraised_value\": \"80000.00\", \"appraisal_date\": \"2026-06-15\", "
                    "\"appraiser\": \"Auto Appraisal\", \"lien_rank\": 1}]"));
        cJSON_AddItemToObject(line, "investigation", fx_json(fx_investigation_json));
    }
    char *text = cJSON_PrintUnformatted(line);
    cJSON_Delete(line);
    return text;
}

/* The triggers that keep the name postings (an import suspends them). */
#define NAME_TRIGGERS_COUNT                                                                        \
    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "                       \
    "('borrower_name_added', 'borrower_name_changed', 'borrower_name_review_moved', "              \
    "'borrower_name_removed')"

static void import_good_file_keeps_every_line_with_one_audit_event(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char *l1 = import_line("11010519900501123", true, NULL);
    char *l2 = import_line("11010519850303222", false, "{\"term_months\": 12}");
    cJSON *company = cJSON_CreateObject();
    cJSON_AddItemToObject(company, "borrower", fx_company(NULL));
    cJSON_AddItemToObject(company, "application",
                          fx_json("{\"product\": \"SWC\", \"amount\": \"800000.00\", "
                                  "\"term_months\": 12, \"method\": \"bullet\", \"purpose\": "
                                  "\"stock for the season\"}"));
    char *l3 = cJSON_PrintUnformatted(company);
    cJSON_Delete(company);
    char content[8000], path[300];
    snprintf(content, sizeof content, "%s\n\n%s\r\n%s", l1, l2, l3); /* no final newline */
    write_file(path, sizeof path, "good.jsonl", content);
    core_import_stats stats;
    memset(&stats, 0, sizeof stats);
    fx_begin(&f);
    CHECK_INT(core_import_jsonl(f.store, &f.off1, path, &stats, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_INT(stats.lines, 3);
    CHECK_INT(stats.borrowers, 3);
    CHECK_INT(stats.applications, 3);
    CHECK_INT(stats.guarantors, 1);
    CHECK_INT(stats.collateral, 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower WHERE officer_id = 2"), 3);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM application WHERE state = 'draft'"), 3);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM application WHERE product_code = 'SWC' AND "
                           "amount = 80000000 AND method = 'bullet'"),
              1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM guarantor"), 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM collateral"), 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM investigation"), 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM financial_statement"), 1);
    /* The names were posted once at the end, and the triggers are back. */
    CHECK_INT(fx_count(&f, NAME_TRIGGERS_COUNT), 4);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower_name_char WHERE borrower_id IN (SELECT "
                           "id FROM borrower)"),
              fx_count(&f, "WITH RECURSIVE at(id, name, n) AS (SELECT id, lower(name), 1 FROM "
                           "borrower UNION ALL SELECT id, name, n + 1 FROM at WHERE n < "
                           "length(name)) SELECT count(*) FROM (SELECT DISTINCT substr(name, n, "
                           "1), id FROM at)"));
    CHECK(fx_count(&f, "SELECT count(*) FROM borrower_name_char") > 3);
    /* One event for the file, with its digest and counts; none per record. */
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'import'"), 1);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action IN ('borrower.add', "
                           "'app.create', 'guarantor.add')"),
              0);
    char sha[CORE_SHA256_HEX], stored[100];
    core_sha256_hex(content, strlen(content), sha);
    fx_text(&f, "SELECT json_extract(detail, '$.sha256') FROM audit_event WHERE action = 'import'",
            stored, sizeof stored);
    CHECK_STR(stored, sha);
    CHECK_INT(fx_count(&f, "SELECT json_extract(detail, '$.applications') FROM audit_event WHERE "
                           "action = 'import'"),
              3);
    free(l1);
    free(l2);
    free(l3);
    unlink(path);
    fx_close(&f);
}

static void import_one_bad_line_keeps_nothing_and_names_line_and_field(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char *good1 = import_line("11010519900501123", true, NULL);
    char *good2 = import_line("11010519850303222", false, NULL);
    char *bad_amount = import_line("11010519850303222", false, "{\"amount\": \"1e5\"}");
    char *bad_age = import_line("11010519650615123", false, "{\"term_months\": 60}");
    char *with_id = import_line("11010519850303222", false, "{\"borrower_id\": 1}");
    char *bad_id = import_line("11010519850303222", false, NULL);
    char *p = strstr(bad_id, "\"id_number\":\"");
    if (p != NULL)
        p[13 + 17] = p[13 + 17] == '0' ? '1' : '0'; /* spoil the check character */
    /* A guarantor whose net assets are a JSON number. */
    char *bad_guarantor = import_line("11010519850303222", true, NULL);
    char *q = strstr(bad_guarantor, "\"net_assets\":\"800000.00\"");
    if (q != NULL)
        memcpy(q, "\"net_assets\": 800000    ", 24);
    const struct {
        const char *second, *third, *fragment;
    } cases[] = {
        {bad_guarantor, NULL, "line 2: guarantors[0].net_assets: money must be"},
        {bad_amount, NULL, "line 2: application.amount"},
        {bad_age, NULL, "line 2: application.term_months: the borrower would be 66"},
        {with_id, NULL, "line 2: application.borrower_id: not allowed"},
        {bad_id, NULL, "line 2: borrower.id_number: check character"},
        {good1, NULL, "line 2: "}, /* the same borrower twice */
        {"{\"borrower\": {}, \"application\": {}, \"notes\": \"x\"}", NULL,
         "line 2: notes: is not a known field"},
        {"{\"application\": {}}", NULL, "line 2: borrower: is required"},
        {good2, "{not json", "line 3: not valid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char content[8000], path[300];
        snprintf(content, sizeof content, "%s\n%s\n%s%s", good1, cases[i].second,
                 cases[i].third ? cases[i].third : "", cases[i].third ? "\n" : "");
        write_file(path, sizeof path, "bad.jsonl", content);
        core_import_stats stats = {.lines = -7};
        ld_error_clear(&err);
        fx_begin(&f);
        CHECK_INT(core_import_jsonl(f.store, &f.off1, path, &stats, &err), LD_EINVAL);
        core_store_rollback(f.store);
        CHECK_CONTAINS(err.message, cases[i].fragment);
        if (strstr(err.message, cases[i].fragment) == NULL)
            fprintf(stderr, "  case %zu\n", i);
        CHECK_INT(stats.lines, -7);
        CHECK_INT(fx_count(&f, "SELECT (SELECT count(*) FROM borrower) + (SELECT count(*) FROM "
                               "application) + (SELECT count(*) FROM guarantor) + (SELECT "
                               "count(*) FROM collateral) + (SELECT count(*) FROM investigation)"),
                  0);
        CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'import'"), 0);
        CHECK_INT(fx_count(&f, NAME_TRIGGERS_COUNT), 4); /* restored by the rollback */
        unlink(path);
    }
    char path[300];
    core_import_stats stats;
    write_file(path, sizeof path, "empty.jsonl", "\n\n");
    fx_begin(&f);
    EXPECT_ERR(core_import_jsonl(f.store, &f.off1, path, &stats, &err), err, LD_EINVAL,
               "no records");
    core_store_rollback(f.store);
    unlink(path);
    fx_temp_path(path, sizeof path, "missing.jsonl");
    fx_begin(&f);
    EXPECT_ERR(core_import_jsonl(f.store, &f.off1, path, &stats, &err), err, LD_ENOTFOUND,
               "missing.jsonl");
    core_store_rollback(f.store);
    fx_begin(&f);
    EXPECT_ERR(core_import_jsonl(f.store, &f.rev1, path, &stats, &err), err, LD_EPERM,
               "create borrowers");
    core_store_rollback(f.store);
    free(good1);
    free(good2);
    free(bad_amount);
    free(bad_age);
    free(with_id);
    free(bad_id);
    free(bad_guarantor);
    fx_close(&f);
}

/* Writes lines 1..count of distinct people (every third with parts), with
 * line `dup_at` repeating line 10's person and line `bad_at` asking for a
 * malformed amount (0: none), and returns the file's path. */
static const char *write_many_lines(char *path, size_t size, int count, int dup_at, int bad_at)
{
    fx_temp_path(path, size, "many.jsonl");
    FILE *out = fopen(path, "wb");
    if (out == NULL) {
        perror(path);
        exit(99);
    }
    for (int n = 1; n <= count; n++) {
        char first17[18];
        snprintf(first17, sizeof first17, "11010519850303%03d", (n == dup_at ? 10 : n) % 1000);
        char *line = import_line(first17, n % 3 == 0, n == bad_at ? "{\"amount\": \"1e5\"}" : NULL);
        fprintf(out, "%s\n", line);
        free(line);
    }
    fclose(out);
    return path;
}

static void import_many_lines_are_stored_and_refused_in_file_order(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    char path[300];
    /* Seven hundred lines cross several of the reader's batches. */
    write_many_lines(path, sizeof path, 700, 0, 0);
    core_import_stats stats = {0};
    fx_begin(&f);
    CHECK_INT(core_import_jsonl(f.store, &f.off1, path, &stats, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_INT(stats.lines, 700);
    CHECK_INT(stats.guarantors, 233);
    CHECK_INT(stats.collateral, 233);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower"), 700);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM investigation"), 233);
    /* Borrowers, applications and parts are stored line by line, in order:
     * the n-th application belongs to the n-th borrower, and the parts sit on
     * every third line's application. */
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM application a JOIN borrower b ON b.id = "
                           "a.borrower_id WHERE a.id - (SELECT min(id) FROM application) != "
                           "b.id - (SELECT min(id) FROM borrower) OR b.id_number NOT LIKE "
                           "'11010519850303' || substr('00' || (b.id - (SELECT min(id) FROM "
                           "borrower) + 1), -3) || '_'"),
              0);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM guarantor g JOIN application a ON a.id = "
                           "g.application_id WHERE (a.id - (SELECT min(id) FROM application) + "
                           "1) % 3 != 0"),
              0);
    unlink(path);

    /* A duplicate found by the database (line 600) and a malformed field found
     * by validation: whichever comes first in the file is the one reported. */
    const struct {
        int dup_at, bad_at;
        const char *fragment;
    } cases[] = {
        {600, 0, "line 600: borrower.id_number: a borrower with this number already exists"},
        {0, 300, "line 300: application.amount"},
        {520, 530, "line 520: borrower.id_number: a borrower with this number already exists"},
        {530, 520, "line 520: application.amount"},
        {257, 258, "line 257: borrower.id_number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx g;
        fx_open(&g);
        write_many_lines(path, sizeof path, 700, cases[i].dup_at, cases[i].bad_at);
        stats.lines = -7;
        ld_error_clear(&err);
        fx_begin(&g);
        CHECK_INT(core_import_jsonl(g.store, &g.off1, path, &stats, &err), LD_EINVAL);
        core_store_rollback(g.store);
        CHECK_CONTAINS(err.message, cases[i].fragment);
        CHECK_INT(stats.lines, -7);
        CHECK_INT(fx_count(&g, "SELECT (SELECT count(*) FROM borrower) + (SELECT count(*) FROM "
                               "application) + (SELECT count(*) FROM guarantor)"),
                  0);
        unlink(path);
        fx_close(&g);
    }
    fx_close(&f);
}

/* ---- audit trail ---------------------------------------------------------- */

static void audit_trail_is_read_by_auditors_managers_and_admins(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    int64_t id = fx_add_borrower(&f, &f.off1, fx_person(NULL));
    const struct {
        const core_session *who;
        ld_status expected;
    } cases[] = {{&f.aud, LD_OK},
                 {&f.mgr, LD_OK},
                 {&f.admin, LD_OK},
                 {&f.off1, LD_EPERM},
                 {&f.rev1, LD_EPERM}};
    core_audit_filter filter = {.entity = "borrower", .entity_id = id};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *rows = NULL;
        CHECK_INT(core_audit_list(f.store, cases[i].who, &filter, &rows, &err), cases[i].expected);
        if (rows != NULL) {
            CHECK_INT(cJSON_GetArraySize(rows), 1);
            const cJSON *row = cJSON_GetArrayItem(rows, 0);
            CHECK_STR(cJSON_GetObjectItemCaseSensitive(row, "user")->valuestring, "off1");
            CHECK_STR(cJSON_GetObjectItemCaseSensitive(row, "action")->valuestring, "borrower.add");
            CHECK_STR(cJSON_GetObjectItemCaseSensitive(row, "outcome")->valuestring, "ok");
        }
        cJSON_Delete(rows);
    }
    /* A refusal is kept in a transaction of its own, never inside another. */
    fx_begin(&f);
    CHECK(core_audit_record_denial(f.store, &f.off2, NULL, "borrower show", "refused", &err) !=
          LD_OK);
    core_store_rollback(f.store);
    CHECK_INT(core_audit_record_denial(f.store, &f.off2, NULL, "borrower show", "refused: 1", &err),
              LD_OK);
    core_audit_filter by_user = {.username = "off2"};
    cJSON *rows = NULL;
    CHECK_INT(core_audit_list(f.store, &f.aud, &by_user, &rows, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(rows), 1);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rows, 0), "outcome")->valuestring,
              "denied");
    cJSON_Delete(rows);
    /* Newest first, limited. */
    core_audit_filter newest = {.limit = 1};
    CHECK_INT(core_audit_list(f.store, &f.aud, &newest, &rows, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(rows), 1);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rows, 0), "user")->valuestring,
              "off2");
    cJSON_Delete(rows);
    fx_close(&f);
}

static void audit_diff_lists_only_changed_fields(void)
{
    cJSON *before = fx_json("{\"a\": \"1.00\", \"b\": 2, \"c\": \"same\"}");
    cJSON *after = fx_json("{\"a\": \"1.50\", \"b\": 2, \"c\": \"same\", \"d\": true}");
    cJSON *diff = core_audit_diff(before, after);
    char *text = cJSON_PrintUnformatted(diff);
    CHECK_STR(text, "{\"a\":{\"before\":\"1.00\",\"after\":\"1.50\"},\"d\":{\"before\":null,"
                    "\"after\":true}}");
    cJSON_free(text);
    cJSON_Delete(diff);
    diff = core_audit_diff(before, before);
    CHECK_INT(cJSON_GetArraySize(diff), 0);
    cJSON_Delete(diff);
    cJSON_Delete(before);
    cJSON_Delete(after);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"store_fresh_database_has_current_schema_version",
         store_fresh_database_has_current_schema_version},
        {"store_refuses_a_database_from_a_newer_loandesk",
         store_refuses_a_database_from_a_newer_loandesk},
        {"store_reopens_an_existing_database_with_its_data",
         store_reopens_an_existing_database_with_its_data},
        {"policy_is_parsed_once_into_the_model_core_and_rating_share",
         policy_is_parsed_once_into_the_model_core_and_rating_share},
        {"store_upgrades_an_unversioned_database", store_upgrades_an_unversioned_database},
        {"store_open_existing_refuses_a_missing_file", store_open_existing_refuses_a_missing_file},
        {"store_writes_outside_a_transaction_are_refused",
         store_writes_outside_a_transaction_are_refused},
        {"store_module_migrations_step_by_version", store_module_migrations_step_by_version},
        {"user_password_hash_is_salted_pbkdf2_with_600000_iterations",
         user_password_hash_is_salted_pbkdf2_with_600000_iterations},
        {"user_login_with_the_right_password_gives_the_session",
         user_login_with_the_right_password_gives_the_session},
        {"user_wrong_password_reads_like_an_unknown_user",
         user_wrong_password_reads_like_an_unknown_user},
        {"user_five_failed_logins_lock_until_an_admin_unlocks",
         user_five_failed_logins_lock_until_an_admin_unlocks},
        {"user_successful_login_resets_the_failure_count",
         user_successful_login_resets_the_failure_count},
        {"user_added_by_an_admin_must_change_the_first_password",
         user_added_by_an_admin_must_change_the_first_password},
        {"user_password_older_than_90_days_must_be_changed",
         user_password_older_than_90_days_must_be_changed},
        {"user_password_reset_by_an_admin_must_be_changed",
         user_password_reset_by_an_admin_must_be_changed},
        {"user_weak_passwords_are_refused_naming_the_field",
         user_weak_passwords_are_refused_naming_the_field},
        {"user_add_checks_role_name_and_limit", user_add_checks_role_name_and_limit},
        {"user_list_is_for_admins_managers_and_auditors",
         user_list_is_for_admins_managers_and_auditors},
        {"user_revoked_account_cannot_log_in", user_revoked_account_cannot_log_in},
        {"perm_matrix_every_role_against_every_action",
         perm_matrix_every_role_against_every_action},
        {"perm_customer_scope_rules_by_role", perm_customer_scope_rules_by_role},
        {"perm_names_of_roles_and_actions_are_distinct",
         perm_names_of_roles_and_actions_are_distinct},
        {"borrower_validation_names_the_field", borrower_validation_names_the_field},
        {"borrower_add_assigns_the_officer_and_records_the_file",
         borrower_add_assigns_the_officer_and_records_the_file},
        {"borrower_files_are_seen_only_by_those_allowed",
         borrower_files_are_seen_only_by_those_allowed},
        {"borrower_update_records_before_and_after", borrower_update_records_before_and_after},
        {"borrower_reassignment_by_a_manager_moves_visibility",
         borrower_reassignment_by_a_manager_moves_visibility},
        {"app_create_validation_names_the_field", app_create_validation_names_the_field},
        {"app_product_limits_hold_at_their_boundaries",
         app_product_limits_hold_at_their_boundaries},
        {"app_guarantor_capacity_is_net_assets_less_outstanding",
         app_guarantor_capacity_is_net_assets_less_outstanding},
        {"app_collateral_cover_is_exact_to_the_fen", app_collateral_cover_is_exact_to_the_fen},
        {"hex_round_trips_and_refuses_what_is_not_hex",
         hex_round_trips_and_refuses_what_is_not_hex},
        {"json_integers_are_exact_within_two_to_the_53",
         json_integers_are_exact_within_two_to_the_53},
        {"import_good_file_keeps_every_line_with_one_audit_event",
         import_good_file_keeps_every_line_with_one_audit_event},
        {"import_one_bad_line_keeps_nothing_and_names_line_and_field",
         import_one_bad_line_keeps_nothing_and_names_line_and_field},
        {"import_many_lines_are_stored_and_refused_in_file_order",
         import_many_lines_are_stored_and_refused_in_file_order},
        {"audit_trail_is_read_by_auditors_managers_and_admins",
         audit_trail_is_read_by_auditors_managers_and_admins},
        {"audit_diff_lists_only_changed_fields", audit_diff_lists_only_changed_fields},
    };
    int failures = CHECK_RUN(argc, argv, cases);
    fx_temp_remove();
    return failures;
}
