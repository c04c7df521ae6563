/*
 * keystore_store.c - storage of the institution's keys and certificates
 * (keystore.h). Rows are never deleted: a retired certificate keeps its row
 * with revoked_at set, so signatures made before can still be judged.
 */
#include "keystore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "json_in.h"
#include "permission.h"
#include "private_file.h"
#include "store_sql.h"

#include <unistd.h>

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

/* Wipes and frees a secret held in memory. */
static void secret_free(char *secret)
{
    if (secret == NULL)
        return;
    core_pki_wipe(secret, strlen(secret));
    free(secret);
}

static ld_status check_passphrase(const char *field, const char *passphrase,
                                  const char *admin_password, ld_error *err)
{
    if (passphrase == NULL || strlen(passphrase) < CORE_KEYSTORE_PASSPHRASE_MIN)
        return LD_FAIL(err, LD_EINVAL, "%s: at least %d characters are needed", field,
                       CORE_KEYSTORE_PASSPHRASE_MIN);
    if (admin_password != NULL && strcmp(passphrase, admin_password) == 0)
        return LD_FAIL(err, LD_EINVAL,
                       "%s: must not be the admin's login password (the keys are held apart "
                       "from every login)",
                       field);
    return LD_OK;
}

/* Writes the institution key file: beside path first, then renamed over it,
 * so a reader never sees half a key and a failure leaves the old key. keep_as
 * (may be NULL): where the old key file stays, linked before the rename, so
 * the retired key is kept with its own 0600 file mode. */
static ld_status write_key_file(const core_pki_key *key, const char *path, const char *passphrase,
                                const char *keep_as, ld_error *err)
{
    if (path == NULL || path[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "institution key file: no path given");
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.new", path) >= sizeof tmp)
        return LD_FAIL(err, LD_EINVAL, "institution key file: path too long");
    char *pem = NULL;
    ld_status st = passphrase != NULL ? core_pki_key_encrypt(key, passphrase, &pem, err)
                                      : core_pki_key_write_plain(key, &pem, err);
    if (st != LD_OK)
        return st;
    FILE *f = NULL;
    if ((st = core_private_file_create(tmp, &f, err)) == LD_OK) {
        size_t len = strlen(pem);
        bool ok = fwrite(pem, 1, len, f) == len;
        ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
        ok = fclose(f) == 0 && ok;
        if (ok && keep_as != NULL && link(path, keep_as) != 0 && errno != ENOENT) {
            unlink(tmp);
            secret_free(pem);
            return LD_FAIL(err, LD_EINTERNAL,
                           "institution key file %s: cannot keep the old key as %s: %s", path,
                           keep_as, strerror(errno));
        }
        if (!ok || rename(tmp, path) != 0) {
            unlink(tmp);
            st = LD_FAIL(err, LD_EINTERNAL, "institution key file %s: cannot write it", path);
        }
    }
    secret_free(pem);
    return st;
}

/* A new institution key certified by the CA, its key file written and its
 * certificate stored. */
static ld_status institution_create(core_store *store, const core_pki_key *ca_key,
                                    const char *ca_cert, const char *key_path,
                                    const char *passphrase, const char *keep_old_as, time_t now,
                                    char fingerprint_out[CORE_PKI_HEX_MAX], ld_error *err)
{
    core_pki_cert_info ca_info;
    ld_status st = core_pki_cert_inspect(ca_cert, strlen(ca_cert), &ca_info, err);
    if (st != LD_OK)
        return st;
    char signer_name[300];
    snprintf(signer_name, sizeof signer_name, "loandesk ledger %s", ca_info.organization);
    core_pki_subject subject = {signer_name, CORE_KEYSTORE_INSTITUTION_OU, ca_info.organization};
    core_pki_key *key = NULL;
    char *cert = NULL;
    core_pki_cert_info info;
    if ((st = core_pki_key_generate(&key, err)) == LD_OK &&
        (st = core_pki_cert_issue(ca_key, ca_cert, strlen(ca_cert), key, &subject,
                                  CORE_KEYSTORE_CERT_DAYS, now, &cert, err)) == LD_OK &&
        (st = core_pki_cert_inspect(cert, strlen(cert), &info, err)) == LD_OK &&
        (st = insert_identity(store, "institution", 0, cert, "", now, err)) == LD_OK &&
        (st = write_key_file(key, key_path, passphrase, keep_old_as, err)) == LD_OK &&
        fingerprint_out != NULL)
        memcpy(fingerprint_out, info.fingerprint, CORE_PKI_HEX_MAX);
    core_pki_key_free(key);
    free(cert);
    return st;
}

ld_status core_keystore_init(core_store *store, const core_session *admin,
                             const core_keystore_custody *custody, const char *admin_password,
                             const char *institution, time_t now, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(admin, CORE_ACT_USER_MANAGE, NULL, err)) != LD_OK ||
        (st = check_passphrase("ca passphrase", custody->ca_passphrase, admin_password, err)) !=
            LD_OK ||
        (custody->institution_passphrase != NULL &&
         (st = check_passphrase("institution key passphrase", custody->institution_passphrase,
                                admin_password, err)) != LD_OK))
        return st;
    int64_t existing = 0;
    if ((st = core_store_query_int(store, "SELECT count(*) FROM pki_identity WHERE kind = 'ca'", 0,
                                   &existing, err)) != LD_OK)
        return st;
    if (existing > 0)
        return LD_FAIL(err, LD_ESTATE, "the institution's CA exists already");
    char ca_name[160];
    snprintf(ca_name, sizeof ca_name, "loandesk CA %s", institution);
    core_pki_subject ca_subject = {ca_name, "certification authority", institution};
    char *ca_key_pem = NULL, *ca_cert = NULL;
    core_pki_key *ca_key = NULL;
    if ((st = core_pki_identity_create(NULL, NULL, 0, &ca_subject, CORE_KEYSTORE_CA_DAYS, now,
                                       custody->ca_passphrase, &ca_key_pem, &ca_cert, err)) !=
            LD_OK ||
        (st = core_pki_key_decrypt(ca_key_pem, strlen(ca_key_pem), custody->ca_passphrase, &ca_key,
                                   err)) != LD_OK ||
        (st = insert_identity(store, "ca", 0, ca_cert, ca_key_pem, now, err)) != LD_OK ||
        (st = institution_create(store, ca_key, ca_cert, custody->institution_key_path,
                                 custody->institution_passphrase, NULL, now, NULL, err)) != LD_OK)
        goto out;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "institution", institution);
    cJSON_AddBoolToObject(detail, "institution_key_encrypted",
                          custody->institution_passphrase != NULL);
    st = core_audit_record(store, admin, "pki.init", "pki_identity", 0, detail, err);
    cJSON_Delete(detail);
out:
    core_pki_key_free(ca_key);
    free(ca_key_pem);
    free(ca_cert);
    return st;
}

ld_status core_keystore_issue_user(core_store *store, const core_session *admin,
                                   const char *ca_passphrase, int64_t user_id,
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
    if ((st = unlock(store, "ca", 0, ca_passphrase, &ca_key, &ca_cert, err)) != LD_OK) {
        ld_error_recode(err, st, "unlocking the CA key with its custodians' passphrase");
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

ld_status core_keystore_institution_signer(core_store *store, const char *key_path,
                                           const char *passphrase, core_pki_key **key_out,
                                           char **cert_pem_out, ld_error *err)
{
    char *pem = NULL, *cert = NULL;
    size_t len = 0;
    core_pki_key *key = NULL;
    ld_status st = core_read_file(key_path, &pem, &len, err);
    if (st != LD_OK)
        return ld_error_recode(err, LD_EPERM, "institution key file");
    st = core_pki_key_read(pem, len, passphrase, &key, err);
    core_pki_wipe(pem, len);
    free(pem);
    if (st != LD_OK)
        return ld_error_recode(err, st, "institution key file %s", key_path);
    if ((st = read_identity(store, "institution", 0, &cert, NULL, err)) == LD_OK &&
        core_pki_key_matches_cert(key, cert, strlen(cert), err) != LD_OK)
        st = LD_FAIL(err, LD_EVERIFY,
                     "institution key file %s: not the key of the current institution "
                     "certificate",
                     key_path);
    if (st != LD_OK) {
        core_pki_key_free(key);
        free(cert);
        return st;
    }
    *key_out = key;
    *cert_pem_out = cert;
    return LD_OK;
}

ld_status core_keystore_rotate_institution(core_store *store, const core_session *admin,
                                           const char *ca_passphrase, const char *key_path,
                                           const char *passphrase, time_t now,
                                           char fingerprint_out[CORE_PKI_HEX_MAX], ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(admin, CORE_ACT_POLICY_MANAGE, NULL, err)) != LD_OK ||
        (passphrase != NULL &&
         (st = check_passphrase("institution key passphrase", passphrase, NULL, err)) != LD_OK))
        return st;
    core_pki_key *ca_key = NULL;
    char *ca_cert = NULL;
    char fingerprint[CORE_PKI_HEX_MAX];
    if ((st = unlock(store, "ca", 0, ca_passphrase, &ca_key, &ca_cert, err)) != LD_OK) {
        ld_error_recode(err, st, "unlocking the CA key with its custodians' passphrase");
        return st;
    }
    /* The retired key file is kept beside the new one, named by the
     * fingerprint of the certificate it signed under (docs/ledger.md). */
    char *old_cert = NULL, keep_as[4200];
    core_pki_cert_info old_info;
    if ((st = read_identity(store, "institution", 0, &old_cert, NULL, err)) == LD_OK &&
        (st = core_pki_cert_inspect(old_cert, strlen(old_cert), &old_info, err)) == LD_OK &&
        (size_t)snprintf(keep_as, sizeof keep_as, "%s.retired-%s", key_path,
                         old_info.fingerprint) >= sizeof keep_as)
        st = LD_FAIL(err, LD_EINVAL, "institution key file: path too long");
    free(old_cert);
    if (st == LD_OK)
        st = institution_create(store, ca_key, ca_cert, key_path, passphrase, keep_as, now,
                                fingerprint, err);
    core_pki_key_free(ca_key);
    free(ca_cert);
    if (st != LD_OK)
        return st;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "fingerprint", fingerprint);
    st = core_audit_record(store, admin, "pki.rotate", "pki_identity", 0, detail, err);
    cJSON_Delete(detail);
    if (st == LD_OK)
        memcpy(fingerprint_out, fingerprint, CORE_PKI_HEX_MAX);
    return st;
}

ld_status core_keystore_cert_by_fingerprint(core_store *store, const char *fingerprint,
                                            char **pem_out, char kind_out[16], ld_error *err)
{
    static const char sql[] = "SELECT cert_pem, kind FROM pki_identity WHERE fingerprint = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, fingerprint);
    int rc = sqlite3_step(stmt);
    ld_status st = LD_OK;
    if (rc == SQLITE_ROW) {
        char *pem = core_store_column_strdup(stmt, 0);
        const unsigned char *kind = sqlite3_column_text(stmt, 1);
        if (pem == NULL)
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory reading a certificate");
        else {
            *pem_out = pem;
            snprintf(kind_out, 16, "%s", kind != NULL ? (const char *)kind : "");
        }
    } else if (rc == SQLITE_DONE) {
        st = LD_FAIL(err, LD_ENOTFOUND, "no certificate with fingerprint %s", fingerprint);
    } else {
        st = core_store_fail(store, "reading certificates", err);
    }
    sqlite3_reset(stmt);
    return st;
}

ld_status core_keystore_institution_certs(core_store *store, char **pems_out, ld_error *err)
{
    static const char sql[] =
        "SELECT cert_pem FROM pki_identity WHERE kind = 'institution' ORDER BY id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char *all = NULL;
    size_t used = 0;
    ld_status st = LD_OK;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *pem = (const char *)sqlite3_column_text(stmt, 0);
        size_t n = pem != NULL ? strlen(pem) : 0;
        char *grown = realloc(all, used + n + 1);
        if (grown == NULL) {
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory reading certificates");
            break;
        }
        all = grown;
        memcpy(all + used, pem, n);
        used += n;
        all[used] = '\0';
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "reading certificates", err);
    sqlite3_reset(stmt);
    if (st == LD_OK && all == NULL)
        st =
            LD_FAIL(err, LD_ENOTFOUND, "no institution certificate; was the database initialised?");
    if (st != LD_OK) {
        free(all);
        return st;
    }
    *pems_out = all;
    return LD_OK;
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
                                     const char *ca_passphrase, int64_t user_id,
                                     const char *new_password, time_t now, ld_error *err)
{
    int64_t active = 0;
    ld_status st = core_store_query_int(store,
                                        "SELECT count(*) FROM pki_identity WHERE kind = 'user' "
                                        "AND revoked_at IS NULL AND user_id = ?",
                                        user_id, &active, err);
    if (st != LD_OK || active == 0)
        return st;
    if (ca_passphrase == NULL)
        return LD_FAIL(err, LD_EUSAGE,
                       "the user signs workbooks: a new certificate needs the CA custodians' "
                       "passphrase (LOANDESK_CA_PASSPHRASE)");
    if ((st = core_keystore_revoke_user(store, user_id, now, err)) != LD_OK)
        return st;
    return core_keystore_issue_user(store, admin, ca_passphrase, user_id, new_password, now, err);
}
