/*
 * session_store.c - sessions that outlive one call (session.h): a login
 * checks the password once and hands out a bearer token; later calls present
 * the token instead of the password, so a server's requests and an operator's
 * script do not pay PBKDF2 each time.
 *
 * Invariants: only the SHA-256 of a token is stored, so reading the database
 * does not yield a usable session; a token is 256 random bits; a session ends
 * when it is logged out, when it has been idle for CORE_SESSION_IDLE_SECONDS,
 * CORE_SESSION_MAX_SECONDS after it began, or when its account is locked,
 * deactivated or its password expires. Every check runs on each resume, so a
 * lock or a revocation takes effect on the next call, not at expiry.
 */
#include "session.h"

#include <openssl/rand.h>
#include <string.h>

#include "date.h"
#include "digest.h"
#include "store_sql.h"
#include "user.h"

static void token_digest(const char *token, char out[CORE_SHA256_HEX])
{
    core_sha256_hex(token, strlen(token), out);
}

ld_status core_session_open(core_store *store, const core_session *who,
                            char token_out[CORE_SESSION_TOKEN_MAX], ld_error *err)
{
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1)
        return LD_FAIL(err, LD_EINTERNAL, "no randomness for a session token");
    char token[CORE_SESSION_TOKEN_MAX];
    core_hex_encode(random, sizeof random, token);
    char digest[CORE_SHA256_HEX];
    token_digest(token, digest);
    int64_t now = core_store_now(store);
    static const char sql[] = "INSERT INTO user_session (token_sha256, user_id, created_at, "
                              "last_used_at, expires_at) VALUES (?, ?, ?, ?, ?)";
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, digest);
    sqlite3_bind_int64(stmt, 2, who->user_id);
    sqlite3_bind_int64(stmt, 3, now);
    sqlite3_bind_int64(stmt, 4, now);
    sqlite3_bind_int64(stmt, 5, now + CORE_SESSION_MAX_SECONDS);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "opening a session", err);
    memcpy(token_out, token, sizeof token);
    return LD_OK;
}

static bool token_well_formed(const char *token)
{
    if (token == NULL || strlen(token) != CORE_SESSION_TOKEN_MAX - 1)
        return false;
    for (const char *p = token; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

ld_status core_session_resume(core_store *store, const char *token, core_session *out,
                              bool *password_expired, ld_error *err)
{
    static const char ended[] = "session ended: log in again";
    if (!token_well_formed(token))
        return LD_FAIL(err, LD_EPERM, "%s", ended);
    char digest[CORE_SHA256_HEX];
    token_digest(token, digest);
    static const char sql[] =
        "SELECT s.user_id, s.last_used_at, s.expires_at, s.ended, u.username, u.role, "
        "u.authority_limit, u.password_changed_on, u.locked, u.active "
        "FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE s.token_sha256 = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, digest);
    core_session session = {0};
    int64_t last_used = 0, expires = 0;
    int is_ended = 1, locked = 1, active = 0;
    char changed_on[LD_DATE_TEXT_MAX] = "";
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        session.user_id = sqlite3_column_int64(stmt, 0);
        last_used = sqlite3_column_int64(stmt, 1);
        expires = sqlite3_column_int64(stmt, 2);
        is_ended = sqlite3_column_int(stmt, 3);
        snprintf(session.username, sizeof session.username, "%s",
                 (const char *)sqlite3_column_text(stmt, 4));
        core_role_parse("role", (const char *)sqlite3_column_text(stmt, 5), &session.role, NULL);
        session.authority_limit = sqlite3_column_int64(stmt, 6);
        snprintf(changed_on, sizeof changed_on, "%s", (const char *)sqlite3_column_text(stmt, 7));
        locked = sqlite3_column_int(stmt, 8);
        active = sqlite3_column_int(stmt, 9);
    }
    sqlite3_reset(stmt);
    int64_t now = core_store_now(store);
    if (session.user_id == 0 || is_ended || now >= expires ||
        now - last_used > CORE_SESSION_IDLE_SECONDS)
        return LD_FAIL(err, LD_EPERM, "%s", ended);
    if (!active || locked)
        return LD_FAIL(err, LD_EPERM, "session ended: the account is %s",
                       active ? "locked" : "deactivated");
    ld_date changed;
    *password_expired = ld_date_parse("password_changed_on", changed_on, &changed, NULL) != LD_OK ||
                        core_store_clock_date(store) - changed > CORE_PASSWORD_MAX_AGE_DAYS;
    /* The idle clock is kept to CORE_SESSION_TOUCH_SECONDS: a session used
     * many times a second (a server's requests) writes its last use once in
     * that span, not on every call, so reads do not each cost a commit. */
    if (now - last_used < CORE_SESSION_TOUCH_SECONDS) {
        *out = session;
        return LD_OK;
    }
    static const char touch[] = "UPDATE user_session SET last_used_at = ? WHERE token_sha256 = ?";
    if ((stmt = core_store_stmt(store, touch, err)) == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, now);
    core_store_bind_text(stmt, 2, digest);
    /* Outside a transaction the mark is kept when it can be: while another
     * connection holds the write lock (a server's batch of writes, a long
     * signing write) the last use stays as it was, at once rather than
     * after a busy wait, and the next call marks it; the session is checked
     * all the same, and the call is neither refused nor held up. */
    bool own = !core_store_in_transaction(store);
    int rc = own ? core_store_step_nowait(store, stmt) : sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE && !((rc & 0xff) == SQLITE_BUSY && own))
        return core_store_fail(store, "resuming a session", err);
    *out = session;
    return LD_OK;
}

ld_status core_session_end(core_store *store, const char *token, ld_error *err)
{
    if (!token_well_formed(token))
        return LD_OK;
    char digest[CORE_SHA256_HEX];
    token_digest(token, digest);
    static const char sql[] = "UPDATE user_session SET ended = 1 WHERE token_sha256 = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, digest);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "ending a session", err);
}

ld_status core_session_end_all(core_store *store, int64_t user_id, ld_error *err)
{
    static const char sql[] = "UPDATE user_session SET ended = 1 WHERE user_id = ? AND ended = 0";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, user_id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "ending sessions", err);
}
