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

/* The session row of digest; *found false when there is none. */
static ld_status read_row(core_store *store, const char *digest, core_session_row *row, bool *found,
                          ld_error *err)
{
    static const char sql[] =
        "SELECT s.user_id, s.last_used_at, s.expires_at, s.ended, u.username, u.role, "
        "u.authority_limit, u.password_changed_on, u.locked, u.active "
        "FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE s.token_sha256 = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, digest);
    memset(row, 0, sizeof *row);
    int rc = sqlite3_step(stmt);
    *found = rc == SQLITE_ROW;
    if (*found) {
        snprintf(row->digest, sizeof row->digest, "%s", digest);
        row->who.user_id = sqlite3_column_int64(stmt, 0);
        row->last_used = sqlite3_column_int64(stmt, 1);
        row->expires = sqlite3_column_int64(stmt, 2);
        row->ended = sqlite3_column_int(stmt, 3) != 0;
        snprintf(row->who.username, sizeof row->who.username, "%s",
                 (const char *)sqlite3_column_text(stmt, 4));
        core_role_parse("role", (const char *)sqlite3_column_text(stmt, 5), &row->who.role, NULL);
        row->who.authority_limit = sqlite3_column_int64(stmt, 6);
        snprintf(row->changed_on, sizeof row->changed_on, "%s",
                 (const char *)sqlite3_column_text(stmt, 7));
        row->locked = sqlite3_column_int(stmt, 8) != 0;
        row->active = sqlite3_column_int(stmt, 9) != 0;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return core_store_fail(store, "reading a session", err);
    return LD_OK;
}

/* The cache's slot for digest (a hex SHA-256: its first character is as
 * good as any). */
static core_session_row *cache_slot(core_session_cache *cache, const char *digest)
{
    char c = digest[0];
    unsigned n = c >= 'a' ? (unsigned)(c - 'a' + 10) : (unsigned)(c - '0');
    return &cache->rows[n % CORE_SESSION_CACHE_SLOTS];
}

ld_status core_session_check(core_store *store, core_session_cache *cache, const char *token,
                             core_session *out, bool *password_expired, int64_t *touch_due,
                             ld_error *err)
{
    static const char ended[] = "session ended: log in again";
    *touch_due = -1;
    if (!token_well_formed(token))
        return LD_FAIL(err, LD_EPERM, "%s", ended);
    char digest[CORE_SHA256_HEX];
    token_digest(token, digest);
    core_session_row row;
    bool found = false;
    core_session_row *slot = NULL;
    if (cache != NULL && core_store_in_transaction(store)) {
        /* The cache's rule (session.h): rows of one data version only. */
        uint32_t version;
        ld_status st = core_store_data_version(store, &version, err);
        if (st != LD_OK)
            return st;
        if (!cache->valid || cache->data_version != version) {
            memset(cache, 0, sizeof *cache);
            cache->valid = true;
            cache->data_version = version;
        }
        slot = cache_slot(cache, digest);
        if (strcmp(slot->digest, digest) == 0) {
            row = *slot;
            found = true;
        }
    }
    if (!found) {
        ld_status st = read_row(store, digest, &row, &found, err);
        if (st != LD_OK)
            return st;
        if (found && slot != NULL)
            *slot = row;
    }
    int64_t now = core_store_now(store);
    if (!found || row.ended || now >= row.expires ||
        now - row.last_used > CORE_SESSION_IDLE_SECONDS)
        return LD_FAIL(err, LD_EPERM, "%s", ended);
    if (!row.active || row.locked)
        return LD_FAIL(err, LD_EPERM, "session ended: the account is %s",
                       row.active ? "locked" : "deactivated");
    ld_date changed;
    *password_expired =
        ld_date_parse("password_changed_on", row.changed_on, &changed, NULL) != LD_OK ||
        core_store_clock_date(store) - changed > CORE_PASSWORD_MAX_AGE_DAYS;
    /* The idle clock is kept to CORE_SESSION_TOUCH_SECONDS: a session used
     * many times a second (a server's requests) writes its last use once in
     * that span, not on every call, so reads do not each cost a commit. */
    if (now - row.last_used >= CORE_SESSION_TOUCH_SECONDS)
        *touch_due = row.last_used;
    *out = row.who;
    return LD_OK;
}

ld_status core_session_touch(core_store *store, const char *token, int64_t last_used, bool *written,
                             ld_error *err)
{
    if (written != NULL)
        *written = false;
    if (!token_well_formed(token))
        return LD_OK;
    char digest[CORE_SHA256_HEX];
    token_digest(token, digest);
    int64_t now = core_store_now(store);
    static const char touch[] = "UPDATE user_session SET last_used_at = ? WHERE token_sha256 = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, touch, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, now);
    core_store_bind_text(stmt, 2, digest);
    /* Outside a transaction the mark is skipped while another connection
     * holds the write lock (a server's batch of writes, a long signing
     * write), at once rather than after a busy wait, and the next call marks
     * it; but only while the mark written is recent: past
     * CORE_SESSION_TOUCH_STALE_SECONDS the call waits for the lock like any
     * write, so a storm of writes that never lets go of it cannot starve the
     * mark until the idle time-out ends a session in use. */
    bool own = !core_store_in_transaction(store);
    bool may_skip = own && now - last_used < CORE_SESSION_TOUCH_STALE_SECONDS;
    int rc = may_skip ? core_store_step_nowait(store, stmt) : sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE) {
        if (written != NULL)
            *written = true;
        return LD_OK;
    }
    if ((rc & 0xff) == SQLITE_BUSY && may_skip)
        return LD_OK;
    return core_store_fail(store, "marking a session's last use", err);
}

ld_status core_session_resume(core_store *store, const char *token, core_session *out,
                              bool *password_expired, ld_error *err)
{
    int64_t touch_due = -1;
    ld_status st = core_session_check(store, NULL, token, out, password_expired, &touch_due, err);
    if (st == LD_OK && touch_due >= 0)
        st = core_session_touch(store, token, touch_due, NULL, err);
    return st;
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
