/*
 * idempotency_store.c - the idempotency table (idempotency.h): one row per
 * (user, key) holding the request's SHA-256 and the answer given. Rows are
 * inserted inside the transaction of the operation they answer, so a stored
 * answer exists exactly when its operation committed, and removed once older
 * than the retention (core_idempotency_purge).
 */
#include "idempotency.h"

#include <stdlib.h>
#include <string.h>

#include "store_sql.h"

ld_status core_idempotency_key_check(const char *key, ld_error *err)
{
    size_t len = key != NULL ? strnlen(key, CORE_IDEMPOTENCY_KEY_MAX) : 0;
    if (len == 0 || len >= CORE_IDEMPOTENCY_KEY_MAX)
        return LD_FAIL(err, LD_EINVAL, "idempotency_key: must have 1 to %d characters",
                       CORE_IDEMPOTENCY_KEY_MAX - 1);
    for (size_t i = 0; i < len; i++)
        if (key[i] < 0x21 || key[i] > 0x7e)
            return LD_FAIL(err, LD_EINVAL,
                           "idempotency_key: only printable ASCII characters, no spaces");
    return LD_OK;
}

ld_status core_idempotency_find(core_store *store, int64_t user_id, const char *key,
                                const char *request_sha256, char **response_out, ld_error *err)
{
    static const char sql[] =
        "SELECT request_sha256, response FROM idempotency WHERE user_id = ? AND key = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, user_id);
    core_store_bind_text(stmt, 2, key);
    ld_status st = LD_OK;
    char *response = NULL;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *digest = (const char *)sqlite3_column_text(stmt, 0);
        if (digest == NULL || strcmp(digest, request_sha256) != 0) {
            st = LD_FAIL(err, LD_ESTATE,
                         "idempotency_key: already used for a different request; use a new key");
        } else {
            const char *text = (const char *)sqlite3_column_text(stmt, 1);
            if ((response = strdup(text != NULL ? text : "null")) == NULL)
                st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
        }
    } else if (rc != SQLITE_DONE) {
        st = core_store_fail(store, "reading a stored answer", err);
    }
    sqlite3_reset(stmt);
    if (st == LD_OK)
        *response_out = response;
    return st;
}

ld_status core_idempotency_put(core_store *store, int64_t user_id, const char *key,
                               const char *request_sha256, const char *response, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    static const char sql[] = "INSERT OR IGNORE INTO idempotency (user_id, key, request_sha256, "
                              "response, created_at) VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, user_id);
    core_store_bind_text(stmt, 2, key);
    core_store_bind_text(stmt, 3, request_sha256);
    core_store_bind_text(stmt, 4, response);
    sqlite3_bind_int64(stmt, 5, core_store_now(store));
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "storing an answer", err);
    if (sqlite3_changes(core_store_db(store)) == 0)
        return LD_FAIL(err, LD_ESTATE,
                       "idempotency_key: another request with this key finished first; retry to "
                       "get its answer");
    return LD_OK;
}

ld_status core_idempotency_purge(core_store *store, int64_t before, int limit, int64_t *removed,
                                 ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    /* idempotency_by_created makes the search for expired answers a seek,
     * so a purge that finds none costs next to nothing. */
    static const char sql[] =
        "DELETE FROM idempotency WHERE (user_id, key) IN (SELECT user_id, key FROM idempotency "
        "WHERE created_at < ? ORDER BY created_at LIMIT ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, before);
    sqlite3_bind_int(stmt, 2, limit);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "removing expired answers", err);
    if (removed != NULL)
        *removed = sqlite3_changes(core_store_db(store));
    return LD_OK;
}
