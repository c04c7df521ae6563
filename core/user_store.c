/*
 * user_store.c - accounts, logins and passwords (user.h), with their SQL.
 */
#include "user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "date.h"
#include "keystore.h"
#include "password.h"
#include "permission.h"
#include "policy.h"
#include "json_in.h"
#include "store_sql.h"
#include "text.h"

/* Written as the change date of an admin-set password: always older than the
 * maximum age, so its owner must replace it. */
#define EXPIRED_ON "1900-01-01"

static ld_status check_username(const char *username, ld_error *err)
{
    size_t len = username ? strlen(username) : 0;
    if (len < 2 || len >= CORE_USERNAME_MAX)
        return LD_FAIL(err, LD_EINVAL, "username: must have 2 to %d characters",
                       CORE_USERNAME_MAX - 1);
    for (size_t i = 0; i < len; i++) {
        char c = username[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return LD_FAIL(err, LD_EINVAL,
                           "username: only lower-case letters, digits, '.', '_' and '-'");
    }
    return LD_OK;
}

static ld_status insert_user(core_store *store, const core_user_spec *spec, ld_money limit,
                             const char *changed_on, int64_t *id_out, ld_error *err)
{
    char hash[CORE_PASSWORD_HASH_MAX];
    ld_status st = core_password_hash(spec->password, hash, err);
    if (st != LD_OK)
        return st;
    static const char sql[] =
        "INSERT INTO app_user (username, full_name, role, authority_limit, password_hash, "
        "password_changed_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    core_store_bind_text(stmt, 1, spec->username);
    core_store_bind_text(stmt, 2, spec->full_name);
    core_store_bind_text(stmt, 3, core_role_name(spec->role));
    sqlite3_bind_int64(stmt, 4, limit);
    core_store_bind_text(stmt, 5, hash);
    core_store_bind_text(stmt, 6, changed_on);
    core_store_bind_text(stmt, 7, now);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        /* A name taken is the state of the book, not a fault of the input
         * (admin.h): LD_ESTATE, 409 over HTTP. */
        int code = sqlite3_extended_errcode(core_store_db(store));
        if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
            return LD_FAIL(err, LD_ESTATE, "username: %s is already taken", spec->username);
        if ((code & 0xff) == SQLITE_CONSTRAINT)
            return LD_FAIL(err, LD_EINVAL, "user: %s", sqlite3_errmsg(core_store_db(store)));
        return core_store_fail(store, "adding a user", err);
    }
    *id_out = sqlite3_last_insert_rowid(core_store_db(store));
    return LD_OK;
}

ld_status core_user_init_admin(core_store *store, const char *username, const char *full_name,
                               const char *password, core_session *out, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    int64_t count = 0;
    if ((st = core_store_query_int(store, "SELECT count(*) FROM app_user", 0, &count, err)) !=
        LD_OK)
        return st;
    if (count > 0)
        return LD_FAIL(err, LD_ESTATE, "the database is already initialised (it has users)");
    if ((st = check_username(username, err)) != LD_OK ||
        (st = core_password_check_strength("password", password, err)) != LD_OK)
        return st;
    core_user_spec spec = {username, full_name, CORE_ROLE_ADMIN, 0, password};
    char today[LD_DATE_TEXT_MAX];
    ld_date_format(core_store_clock_date(store), today);
    int64_t id = 0;
    if ((st = insert_user(store, &spec, 0, today, &id, err)) != LD_OK)
        return st;
    core_session session = {.user_id = id, .role = CORE_ROLE_ADMIN};
    snprintf(session.username, sizeof session.username, "%s", username);
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "username", username);
    cJSON_AddStringToObject(detail, "role", "admin");
    st = core_audit_record(store, &session, "user.init", "user", id, detail, err);
    cJSON_Delete(detail);
    if (st == LD_OK)
        *out = session;
    return st;
}

static ld_status record_failed_login(core_store *store, int64_t user_id, ld_error *err)
{
    static const char sql[] =
        "UPDATE app_user SET failed_logins = failed_logins + 1, "
        "locked = CASE WHEN failed_logins + 1 >= ? THEN 1 ELSE locked END WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int(stmt, 1, CORE_MAX_FAILED_LOGINS);
    sqlite3_bind_int64(stmt, 2, user_id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "counting a failed login", err);
}

/* The row a login checks against. */
typedef struct login_row {
    core_session session;
    char hash[CORE_PASSWORD_HASH_MAX];
    char changed_on[LD_DATE_TEXT_MAX];
    int locked, active;
} login_row;

static ld_status login_row_read(core_store *store, const char *username, login_row *out,
                                ld_error *err)
{
    static const char sql[] =
        "SELECT id, role, authority_limit, password_hash, password_changed_on, locked, active "
        "FROM app_user WHERE username = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, username);
    memset(out, 0, sizeof *out);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        out->session.user_id = sqlite3_column_int64(stmt, 0);
        core_role_parse("role", (const char *)sqlite3_column_text(stmt, 1), &out->session.role,
                        NULL);
        out->session.authority_limit = sqlite3_column_int64(stmt, 2);
        snprintf(out->hash, sizeof out->hash, "%s", (const char *)sqlite3_column_text(stmt, 3));
        snprintf(out->changed_on, sizeof out->changed_on, "%s",
                 (const char *)sqlite3_column_text(stmt, 4));
        out->locked = sqlite3_column_int(stmt, 5);
        out->active = sqlite3_column_int(stmt, 6);
        snprintf(out->session.username, sizeof out->session.username, "%s", username);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return core_store_fail(store, "reading the account", err);
    return LD_OK;
}

/* A login reads the account and runs PBKDF2 outside any transaction, so the
 * 600,000 iterations never hold the write lock that every other operation
 * (and every other login) needs; the outcome is then recorded in a short
 * transaction that reads the account again. A password changed in between
 * counts as a mismatch, and a failed attempt is counted under the lock, so
 * concurrent attempts all count toward the lockout. */
ld_status core_user_login(core_store *store, const char *username, const char *password,
                          bool allow_expired, core_session *out, ld_error *err)
{
    if (username == NULL || username[0] == '\0')
        return LD_FAIL(err, LD_EUSAGE, "no user given: use --user NAME or set LOANDESK_USER");
    if (password == NULL)
        return LD_FAIL(err, LD_EUSAGE, "no password given: set LOANDESK_PASSWORD");
    /* No account has a name this long (check_username), so the attempt is
     * refused before a PBKDF2 or a lookup is spent on it; the rule is public,
     * so refusing early tells a prober nothing. The trail keeps it bounded. */
    if (strnlen(username, CORE_USERNAME_MAX) >= CORE_USERNAME_MAX) {
        core_audit_record_denial(store, NULL, username, "login",
                                 "login refused: the user name is too long", NULL);
        return LD_FAIL(err, LD_EINVAL, "username: must have at most %d bytes",
                       CORE_USERNAME_MAX - 1);
    }
    login_row first;
    ld_status st = login_row_read(store, username, &first, err);
    if (st != LD_OK)
        return st;
    bool match = false;
    if (first.session.user_id == 0) {
        /* Same work as a real check, so a probe cannot tell unknown names apart. */
        core_password_verify(password,
                             "pbkdf2-sha256$600000$00000000000000000000000000000000$"
                             "0000000000000000000000000000000000000000000000000000000000000000",
                             &match, NULL);
        match = false;
    } else if ((st = core_password_verify(password, first.hash, &match, err)) != LD_OK) {
        return st;
    }
    if ((st = core_store_begin(store, err)) != LD_OK)
        return st;
    login_row row;
    if ((st = login_row_read(store, username, &row, err)) != LD_OK) {
        core_store_rollback(store);
        return st;
    }
    /* The password changed while it was checked: the attempt checked the
     * old one, so it fails, but it does not count against the account. */
    bool rehashed =
        row.session.user_id != first.session.user_id || strcmp(row.hash, first.hash) != 0;
    core_session session = row.session;
    const char *denial = NULL;
    if (session.user_id == 0 || (rehashed && match)) {
        denial = "login failed: unknown user or wrong password";
    } else if (!match) {
        /* Only someone who knows the password learns that the account is locked
         * or deactivated; to anyone else it looks like any failed login. */
        denial = "login failed: unknown user or wrong password";
        if (row.active && !row.locked &&
            (st = record_failed_login(store, session.user_id, err)) != LD_OK) {
            core_store_rollback(store);
            return st;
        }
    } else if (!row.active) {
        denial = "login failed: the account is deactivated";
    } else if (row.locked) {
        denial = "login failed: the account is locked after too many failed logins; an "
                 "admin must unlock it (loandesk user unlock)";
    }
    if (denial == NULL) {
        static const char reset[] = "UPDATE app_user SET failed_logins = 0 WHERE id = ?";
        sqlite3_stmt *ok = core_store_stmt(store, reset, err);
        if (ok == NULL) {
            core_store_rollback(store);
            return LD_EINTERNAL;
        }
        sqlite3_bind_int64(ok, 1, session.user_id);
        sqlite3_step(ok);
        sqlite3_reset(ok);
        ld_date changed;
        if (!allow_expired &&
            (ld_date_parse("password_changed_on", row.changed_on, &changed, NULL) != LD_OK ||
             core_store_clock_date(store) - changed > CORE_PASSWORD_MAX_AGE_DAYS)) {
            denial = "password expired: change it first with `loandesk user passwd`";
        }
    }
    if ((st = core_store_commit(store, err)) != LD_OK)
        return st;
    if (denial != NULL) {
        core_audit_record_denial(store, session.user_id ? &session : NULL, username, "login",
                                 denial, NULL);
        return LD_FAIL(err, LD_EPERM, "%s", denial);
    }
    *out = session;
    return LD_OK;
}

ld_status core_user_add(core_store *store, const core_session *who, const core_user_spec *spec,
                        int64_t *id_out, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_USER_MANAGE, NULL, err)) != LD_OK ||
        (st = check_username(spec->username, err)) != LD_OK)
        return st;
    if (spec->full_name == NULL || spec->full_name[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "name: is missing");
    if ((st = core_text_check("name", spec->full_name, strlen(spec->full_name), CORE_TEXT_NONBLANK,
                              err)) != LD_OK)
        return st;
    if ((st = core_password_check_strength("password", spec->password, err)) != LD_OK)
        return st;
    ld_money limit = spec->authority_limit;
    if (limit < 0) {
        if ((st = core_policy_default_authority(store, spec->role, &limit, err)) != LD_OK)
            return st;
    } else if (spec->role != CORE_ROLE_REVIEWER && spec->role != CORE_ROLE_MANAGER && limit > 0) {
        return LD_FAIL(err, LD_EINVAL, "limit: only reviewers and managers approve loans");
    }
    /* The admin chose this password, so its owner must replace it at first use. */
    int64_t id = 0;
    if ((st = insert_user(store, spec, limit, EXPIRED_ON, &id, err)) != LD_OK)
        return st;
    cJSON *after = cJSON_CreateObject();
    cJSON_AddStringToObject(after, "username", spec->username);
    cJSON_AddStringToObject(after, "full_name", spec->full_name);
    cJSON_AddStringToObject(after, "role", core_role_name(spec->role));
    char money[LD_MONEY_TEXT_MAX];
    cJSON_AddStringToObject(after, "authority_limit", ld_money_format(limit, money));
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddItemToObject(detail, "after", after);
    st = core_audit_record(store, who, "user.add", "user", id, detail, err);
    cJSON_Delete(detail);
    if (st == LD_OK)
        *id_out = id;
    return st;
}

ld_status core_user_list(core_store *store, const core_session *who, cJSON **out, ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_USER_LIST, NULL, err);
    if (st != LD_OK)
        return st;
    static const char sql[] =
        "SELECT id, username, full_name, role, authority_limit, password_changed_on, locked, "
        "active, failed_logins FROM app_user ORDER BY id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    cJSON *rows = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *row = cJSON_CreateObject();
        char money[LD_MONEY_TEXT_MAX];
        core_json_put_int(row, "id", sqlite3_column_int64(stmt, 0));
        cJSON_AddStringToObject(row, "username", (const char *)sqlite3_column_text(stmt, 1));
        cJSON_AddStringToObject(row, "name", (const char *)sqlite3_column_text(stmt, 2));
        cJSON_AddStringToObject(row, "role", (const char *)sqlite3_column_text(stmt, 3));
        cJSON_AddStringToObject(row, "authority_limit",
                                ld_money_format(sqlite3_column_int64(stmt, 4), money));
        cJSON_AddStringToObject(row, "password_changed_on",
                                (const char *)sqlite3_column_text(stmt, 5));
        cJSON_AddBoolToObject(row, "locked", sqlite3_column_int(stmt, 6));
        cJSON_AddBoolToObject(row, "active", sqlite3_column_int(stmt, 7));
        cJSON_AddNumberToObject(row, "failed_logins", sqlite3_column_int(stmt, 8));
        cJSON_AddItemToArray(rows, row);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(rows);
        return core_store_fail(store, "listing users", err);
    }
    *out = rows;
    return LD_OK;
}

static ld_status user_id_by_name(core_store *store, const char *username, int64_t *id_out,
                                 ld_error *err)
{
    static const char sql[] = "SELECT id FROM app_user WHERE username = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, username);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id_out = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return LD_FAIL(err, LD_ENOTFOUND, "user %s does not exist", username);
    return LD_OK;
}

ld_status core_user_password_check(core_store *store, int64_t user_id, const char *password,
                                   ld_error *err)
{
    static const char sql[] = "SELECT password_hash FROM app_user WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, user_id);
    int rc = sqlite3_step(stmt);
    char *stored = rc == SQLITE_ROW ? core_store_column_strdup(stmt, 0) : NULL;
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return LD_FAIL(err, LD_ENOTFOUND, "no such user");
    if (rc != SQLITE_ROW)
        return core_store_fail(store, "reading a password", err);
    if (stored == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    bool match = false;
    ld_status st = core_password_verify(password != NULL ? password : "", stored, &match, err);
    free(stored);
    if (st == LD_OK && !match)
        st = LD_FAIL(err, LD_EPERM, "permission denied: the current password is wrong");
    return st;
}

ld_status core_user_set_password(core_store *store, const core_session *who, const char *username,
                                 const char *new_password, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK)
        return st;
    bool own = username == NULL || strcmp(username, who->username) == 0;
    if (!own && (st = core_perm_require(who, CORE_ACT_USER_MANAGE, NULL, err)) != LD_OK)
        return st;
    if ((st = core_password_check_strength("new password", new_password, err)) != LD_OK)
        return st;
    int64_t id = who->user_id;
    if (!own && (st = user_id_by_name(store, username, &id, err)) != LD_OK)
        return st;
    char hash[CORE_PASSWORD_HASH_MAX];
    if ((st = core_password_hash(new_password, hash, err)) != LD_OK)
        return st;
    char today[LD_DATE_TEXT_MAX];
    ld_date_format(core_store_clock_date(store), today);
    static const char sql[] =
        "UPDATE app_user SET password_hash = ?, password_changed_on = ? WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, hash);
    core_store_bind_text(stmt, 2, own ? today : EXPIRED_ON);
    sqlite3_bind_int64(stmt, 3, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "changing a password", err);
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "username", own ? who->username : username);
    cJSON_AddBoolToObject(detail, "must_change", !own);
    st = core_audit_record(store, who, "user.passwd", "user", id, detail, err);
    cJSON_Delete(detail);
    return st;
}

ld_status core_user_unlock(core_store *store, const core_session *who, const char *username,
                           ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_USER_MANAGE, NULL, err)) != LD_OK)
        return st;
    int64_t id = 0;
    if ((st = user_id_by_name(store, username, &id, err)) != LD_OK)
        return st;
    static const char sql[] = "UPDATE app_user SET locked = 0, failed_logins = 0 WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "unlocking a user", err);
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "username", username);
    st = core_audit_record(store, who, "user.unlock", "user", id, detail, err);
    cJSON_Delete(detail);
    return st;
}

ld_status core_user_officer_id(core_store *store, const char *field, const char *username,
                               int64_t *id_out, ld_error *err)
{
    static const char sql[] =
        "SELECT id FROM app_user WHERE username = ? AND role = 'officer' AND active = 1";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, username);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *id_out = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return LD_FAIL(err, LD_EINVAL, "%s: %s is not an active officer", field,
                       username ? username : "(none)");
    return LD_OK;
}

ld_status core_user_id(core_store *store, const char *username, int64_t *id_out, ld_error *err)
{
    return user_id_by_name(store, username, id_out, err);
}

ld_status core_user_full_name(core_store *store, const char *username, char *out, size_t size,
                              ld_error *err)
{
    static const char sql[] = "SELECT full_name FROM app_user WHERE username = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_text(stmt, 1, username, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    ld_status st = LD_OK;
    if (rc == SQLITE_ROW)
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    else if (rc == SQLITE_DONE)
        st = LD_FAIL(err, LD_ENOTFOUND, "username: no user %s", username);
    else
        st = core_store_fail(store, "reading a user", err);
    sqlite3_reset(stmt);
    return st;
}

ld_status core_user_revoke(core_store *store, const core_session *who, const char *username,
                           time_t at, ld_error *err)
{
    ld_status st;
    int64_t id = 0;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_USER_MANAGE, NULL, err)) != LD_OK ||
        (st = user_id_by_name(store, username, &id, err)) != LD_OK)
        return st;
    if (id == who->user_id)
        return LD_FAIL(err, LD_EINVAL, "username: you cannot revoke your own account");
    static const char sql[] = "UPDATE app_user SET active = 0 WHERE id = ? AND active = 1";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    int changed = sqlite3_changes(core_store_db(store));
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "revoking a user", err);
    if (changed == 0)
        return LD_FAIL(err, LD_ESTATE, "user %s is already revoked", username);
    if ((st = core_keystore_revoke_user(store, id, at, err)) != LD_OK)
        return st;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "username", username);
    core_json_put_int(detail, "revoked_at", at);
    st = core_audit_record(store, who, "user.revoke", "user", id, detail, err);
    cJSON_Delete(detail);
    return st;
}

ld_status core_user_password_expired(core_store *store, int64_t user_id, bool *out, ld_error *err)
{
    static const char sql[] = "SELECT password_changed_on FROM app_user WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, user_id);
    char changed_on[LD_DATE_TEXT_MAX] = "";
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        snprintf(changed_on, sizeof changed_on, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return LD_FAIL(err, LD_ENOTFOUND, "user %lld does not exist", (long long)user_id);
    ld_date changed;
    *out = ld_date_parse("password_changed_on", changed_on, &changed, NULL) != LD_OK ||
           core_store_clock_date(store) - changed > CORE_PASSWORD_MAX_AGE_DAYS;
    return LD_OK;
}
