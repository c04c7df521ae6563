/*
 * keystore_store.c - storage of the institution's keys and certificates
 * (keystore.h). Rows are never deleted: a retired certificate keeps its row
 * with revoked_at set, so signatures made before can still be judged.
 */
#include "keystore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "permission.h"
#include "store_sql.h"

static ld_status insert_identity(core_store *store, const char *kind, int64_t user_id,
                                 const char *cert_pem, const char *key_pem, time_t now,
                                 ld_error *err)
{
    core_pki_cert_info info;
    ld_status st = core_pki_cert_inspect(cert_pem, strlen(cert_pem), &info, err);
    if (st != LD_OK)
        return st;
    static const char sql[] =
        "INSERT INTO pki_identity (kind, user_id, cert_pem, key_pem, serial, fingerprint, "
        "issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, kind);
    if (user_id > 0)
        sqlite3_bind_int64(stmt, 2, user_id);
    core_store_bind_text(stmt, 3, cert_pem);
    core_store_bind_text(stmt, 4, key_pem);
    core_store_bind_text(stmt, 5, info.serial);
    core_store_bind_text(stmt, 6, info.fingerprint);
    sqlite3_bind_int64(stmt, 7, (sqlite3_int64)now);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "storing a certificate", err);
    return LD_OK;
}

/* The active (not revoked) identity of a kind (and user); copies out. */
static ld_status read_identity(core_store *store, const char *kind, int64_t user_id,
                               char **cert_pem, char **key_pem, ld_error *err)
{
    static const char sql[] =
        "SELECT cert_pem, key_pem FROM pki_identity WHERE kind = ? AND "
        "(? = 0 OR user_id = ?) AND revoked_at IS NULL ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, kind);
    sqlite3_bind_int64(stmt, 2, user_id);
    sqlite3_bind_int64(stmt, 3, user_id);
    int rc = sqlite3_step(stmt);
    ld_status st = LD_OK;
    if (rc == SQLITE_ROW) {
        char *cert = core_store_column_strdup(stmt, 0);
        char *key = key_pem ? core_store_column_strdup(stmt, 1) : NULL;
        if (cert == NULL || (key_pem && key == NULL)) {
            free(cert);
            free(key);
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory reading a certificate");
        } else {
            *cert_pem = cert;
            if (key_pem)
                *key_pem = key;
        }
    } else if (rc == SQLITE_DONE) {
        st = LD_FAIL(err, LD_ENOTFOUND, "no active %s certificate%s", kind,
                     strcmp(kind, "user") == 0 ? " for this user (only officers, reviewers and "
                                                 "managers sign)"
                                               : "; was the database initialised?");
    } else {
        st = core_store_fail(store, "reading certificates", err);
    }
    sqlite3_reset(stmt);
    return st;
}

static ld_status unlock(core_store *store, const char *kind, int64_t user_id, const char *password,
                        core_pki_key **key_out, char **cert_out, ld_error *err)
{
    char *cert = NULL, *key_pem = NULL;
    ld_status st = read_identity(store, kind, user_id, &cert, &key_pem, err);
    if (st != LD_OK)
        return st;
    core_pki_key *key = NULL;
    st = core_pki_key_decrypt(key_pem, strlen(key_pem), password ? password : "", &key, err);
    free(key_pem);
    if (st != LD_OK) {
        free(cert);
        return st;
    }
    *key_out = key;
    if (cert_out != NULL)
        *cert_out = cert;
    else
        free(cert);
    return LD_OK;
}

ld_status core_keystore_init(core_store *store, const core_session *admin,
                             const char *admin_password, const char *institution, time_t now,
                             ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(admin, CORE_ACT_USER_MANAGE, NULL, err)) != LD_OK)
        return st;
    int64_t existing = 0;
    if ((st = core_store_query_int(store, "SELECT count(*) FROM pki_identity WHERE kind = 'ca'", 0,
                                   &existing, err)) != LD_OK)
        return st;
    if (existing > 0)
        return LD_FAIL(err, LD_ESTATE, "the institution's CA exists already");
    char ca_name[160], signer_name[160];
    snprintf(ca_name, sizeof ca_name, "loandesk CA %s", institution);
    snprintf(signer_name, sizeof signer_name, "loandesk ledger %s", institution);
    core_pki_subject ca_subject = {ca_name, "certification authority", institution};
    core_pki_subject signer_subject = {signer_name, "institution", institution};
    char *ca_key_pem = NULL, *ca_cert = NULL, *signer_key_pem = NULL, *signer_cert = NULL;
    core_pki_key *ca_key = NULL;
    if ((st = core_pki_identity_create(NULL, NULL, 0, &ca_subject, CORE_KEYSTORE_CA_DAYS, now,
                                       admin_password, &ca_key_pem, &ca_cert, err)) != LD_OK ||
        (st = core_pki_key_decrypt(ca_key_pem, strlen(ca_key_pem), admin_password, &ca_key, err)) !=
            LD_OK ||
        (st = core_pki_identity_create(ca_key, ca_cert, strlen(ca_cert), &signer_subject,
                                       CORE_KEYSTORE_CERT_DAYS, now, admin_password,
                                       &signer_key_pem, &signer_cert, err)) != LD_OK ||
        (st = insert_identity(store, "ca", 0, ca_cert, ca_key_pem, now, err)) != LD_OK ||
        (st = insert_identity(store, "institution", 0, signer_cert, signer_key_pem, now, err)) !=
            LD_OK)
        goto out;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "institution", institution);
    st = core_audit_record(store, admin, "pki.init", "pki_identity", 0, detail, err);
    cJSON_Delete(detail);
out:
    core_pki_key_free(ca_key);
    free(ca_key_pem);
    free(ca_cert);
    free(signer_key_pem);
    free(signer_cert);
    return st;
}

ld_status core_keystore_issue_user(core_store *store, const core_session *admin,
                                   const char *admin_password, int64_t user_id,
                                   const char *user_password, time_t now, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(admin, CORE_ACT_USER_MANAGE, NULL, err)) != LD_OK)
        return st;
    static const char sql[] = "SELECT username, role FROM app_user WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, user_id);
    char username[CORE_USERNAME_MAX] = "", role[16] = "";
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        snprintf(username, sizeof username, "%s", (const char *)sqlite3_column_text(stmt, 0));
        snprintf(role, sizeof role, "%s", (const char *)sqlite3_column_text(stmt, 1));
    }
    sqlite3_reset(stmt);
    if (username[0] == '\0')
        return LD_FAIL(err, LD_ENOTFOUND, "user %lld does not exist", (long long)user_id);
    char *ca_cert = NULL, *key_pem = NULL, *cert_pem = NULL;
    core_pki_key *ca_key = NULL;
    core_pki_cert_info ca_info;
    if ((st = unlock(store, "ca", 0, admin_password, &ca_key, &ca_cert, err)) != LD_OK) {
        ld_error_prefix(err, "unlocking the CA with the admin's password");
        goto out;
    }
    if ((st = core_pki_cert_inspect(ca_cert, strlen(ca_cert), &ca_info, err)) != LD_OK)
        goto out;
    core_pki_subject subject = {username, role, ca_info.organization};
    if ((st = core_pki_identity_create(ca_key, ca_cert, strlen(ca_cert), &subject,
                                       CORE_KEYSTORE_CERT_DAYS, now, user_password, &key_pem,
                                       &cert_pem, err)) != LD_OK ||
        (st = insert_identity(store, "user", user_id, cert_pem, key_pem, now, err)) != LD_OK)
        goto out;
    core_pki_cert_info info;
    if ((st = core_pki_cert_inspect(cert_pem, strlen(cert_pem), &info, err)) != LD_OK)
        goto out;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "username", username);
    cJSON_AddStringToObject(detail, "fingerprint", info.fingerprint);
    cJSON_AddStringToObject(detail, "serial", info.serial);
    st = core_audit_record(store, admin, "pki.issue", "user", user_id, detail, err);
    cJSON_Delete(detail);
out:
    core_pki_key_free(ca_key);
    free(ca_cert);
    free(key_pem);
    free(cert_pem);
    return st;
}

/* Re-encrypts the active key of kind (and user) from old_password to
 * new_password. */
static ld_status rekey(core_store *store, const char *kind, int64_t user_id,
                       const char *old_password, const char *new_password, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    core_pki_key *key = NULL;
    if ((st = unlock(store, kind, user_id, old_password, &key, NULL, err)) != LD_OK)
        return st;
    char *pem = NULL;
    st = core_pki_key_encrypt(key, new_password, &pem, err);
    core_pki_key_free(key);
    if (st != LD_OK)
        return st;
    static const char sql[] = "UPDATE pki_identity SET key_pem = ? WHERE kind = ? AND "
                              "(? = 0 OR user_id = ?) AND revoked_at IS NULL";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL) {
        free(pem);
        return LD_EINTERNAL;
    }
    core_store_bind_text(stmt, 1, pem);
    core_store_bind_text(stmt, 2, kind);
    sqlite3_bind_int64(stmt, 3, user_id);
    sqlite3_bind_int64(stmt, 4, user_id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    free(pem);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "re-encrypting a key", err);
}

ld_status core_keystore_rekey_user(core_store *store, int64_t user_id, const char *old_password,
                                   const char *new_password, ld_error *err)
{
    ld_status st = rekey(store, "user", user_id, old_password, new_password, err);
    return st == LD_ENOTFOUND ? LD_OK : st; /* roles that do not sign hold no key */
}

ld_status core_keystore_rekey_custody(core_store *store, const core_session *admin,
                                      const char *old_password, const char *new_password,
                                      ld_error *err)
{
    static const char *const kinds[] = {"ca", "institution"};
    if (admin->role != CORE_ROLE_ADMIN)
        return LD_OK;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        ld_status st = rekey(store, kinds[i], 0, old_password, new_password, err);
        /* A key the old password does not open is another admin's to keep. */
        if (st != LD_OK && st != LD_EPERM && st != LD_ENOTFOUND)
            return st;
    }
    return LD_OK;
}

ld_status core_keystore_revoke_user(core_store *store, int64_t user_id, time_t at, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    static const char sql[] = "UPDATE pki_identity SET revoked_at = ? WHERE kind = 'user' AND "
                              "user_id = ? AND revoked_at IS NULL";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)at);
    sqlite3_bind_int64(stmt, 2, user_id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "revoking a certificate", err);
}

ld_status core_keystore_ca_cert(core_store *store, char **pem_out, ld_error *err)
{
    return read_identity(store, "ca", 0, pem_out, NULL, err);
}

ld_status core_keystore_institution_cert(core_store *store, char **pem_out, ld_error *err)
{
    return read_identity(store, "institution", 0, pem_out, NULL, err);
}

ld_status core_keystore_institution_signer(core_store *store, const char *password,
                                           core_pki_key **key_out, char **cert_pem_out,
                                           ld_error *err)
{
    ld_status st = unlock(store, "institution", 0, password, key_out, cert_pem_out, err);
    if (st == LD_EPERM)
        ld_error_prefix(err, "institution key (the admin's password unlocks it)");
    return st;
}

ld_status core_keystore_user_signer(core_store *store, const core_session *who,
                                    const char *password, core_pki_key **key_out,
                                    char **cert_pem_out, ld_error *err)
{
    return unlock(store, "user", who->user_id, password, key_out, cert_pem_out, err);
}

ld_status core_keystore_cert_status(core_store *store, const char *fingerprint, bool *known,
                                    time_t *revoked_at, ld_error *err)
{
    static const char sql[] = "SELECT revoked_at FROM pki_identity WHERE fingerprint = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, fingerprint);
    int rc = sqlite3_step(stmt);
    *known = rc == SQLITE_ROW;
    *revoked_at = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL
                      ? (time_t)sqlite3_column_int64(stmt, 0)
                      : 0;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return core_store_fail(store, "reading certificates", err);
    return LD_OK;
}

ld_status core_keystore_reissue_user(core_store *store, const core_session *admin,
                                     const char *admin_password, int64_t user_id,
                                     const char *new_password, time_t now, ld_error *err)
{
    int64_t active = 0;
    ld_status st = core_store_query_int(store,
                                        "SELECT count(*) FROM pki_identity WHERE kind = 'user' "
                                        "AND revoked_at IS NULL AND user_id = ?",
                                        user_id, &active, err);
    if (st != LD_OK || active == 0)
        return st;
    if ((st = core_keystore_revoke_user(store, user_id, now, err)) != LD_OK)
        return st;
    return core_keystore_issue_user(store, admin, admin_password, user_id, new_password, now, err);
}
