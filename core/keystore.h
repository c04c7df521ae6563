/*
 * keystore.h - the institution's keys and certificates as stored in the
 * database (issue "Reports", "Keys and certificates").
 *
 * `init` creates the institution's CA and its signing identity, both with keys
 * encrypted under the admin's password. `user add` issues each officer, reviewer
 * and manager a signing certificate whose key is encrypted under that user's
 * password; changing the password re-encrypts the key, and an admin's reset or a
 * revocation retires the certificate (revoked_at). Private keys never leave this
 * module except as unlocked opaque handles (core_pki_key), never as text.
 */
#ifndef LD_KEYSTORE_H
#define LD_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ld_error.h"
#include "pki.h"
#include "session.h"
#include "store.h"

/* Certificates are issued for ten years; the CA lives twenty. */
#define CORE_KEYSTORE_CA_DAYS   7300
#define CORE_KEYSTORE_CERT_DAYS 3650

/* Creates the CA and the institution signing identity (during init, in the
 * caller's transaction). LD_ESTATE when they exist already. */
ld_status core_keystore_init(core_store *store, const core_session *admin,
                             const char *admin_password, const char *institution, time_t now,
                             ld_error *err);

/* Issues a signing certificate for user_id, whose key is encrypted under
 * user_password; the CA key is unlocked with the acting admin's password. */
ld_status core_keystore_issue_user(core_store *store, const core_session *admin,
                                   const char *admin_password, int64_t user_id,
                                   const char *user_password, time_t now, ld_error *err);

/* Re-encrypts a user's active key under a new password (own password change). */
ld_status core_keystore_rekey_user(core_store *store, int64_t user_id, const char *old_password,
                                   const char *new_password, ld_error *err);

/* An admin's own password change: the CA and institution keys that the old
 * password unlocks (those in this admin's custody since init) are re-encrypted
 * under the new one, so the CA can still issue certificates and close of
 * business still signs. Keys the old password does not open are left alone;
 * other roles hold none (LD_OK). */
ld_status core_keystore_rekey_custody(core_store *store, const core_session *admin,
                                      const char *old_password, const char *new_password,
                                      ld_error *err);

/* After an admin has reset a user's password: the old key is locked under a
 * password nobody else knows, so its certificate is revoked and, when the user
 * had one, a new one is issued under the temporary password. */
ld_status core_keystore_reissue_user(core_store *store, const core_session *admin,
                                     const char *admin_password, int64_t user_id,
                                     const char *new_password, time_t now, ld_error *err);

/* Marks a user's active certificates revoked at `at` (admin). */
ld_status core_keystore_revoke_user(core_store *store, int64_t user_id, time_t at, ld_error *err);

/* The CA certificate in PEM (caller frees with free()). */
ld_status core_keystore_ca_cert(core_store *store, char **pem_out, ld_error *err);

/* The institution signing certificate in PEM (caller frees with free()). */
ld_status core_keystore_institution_cert(core_store *store, char **pem_out, ld_error *err);

/* Unlocks the institution signing key with the admin's password. The key and
 * certificate PEM are the caller's (core_pki_key_free, free). LD_EPERM for a
 * wrong password. */
ld_status core_keystore_institution_signer(core_store *store, const char *password,
                                           core_pki_key **key_out, char **cert_pem_out,
                                           ld_error *err);

/* Unlocks the acting user's own signing key with their password. LD_ENOTFOUND
 * when the user has no active certificate (auditors, admins). */
ld_status core_keystore_user_signer(core_store *store, const core_session *who,
                                    const char *password, core_pki_key **key_out,
                                    char **cert_pem_out, ld_error *err);

/* Looks a certificate up by SHA-256 fingerprint: *known false when the
 * institution never issued it; *revoked_at 0 when not revoked. */
ld_status core_keystore_cert_status(core_store *store, const char *fingerprint, bool *known,
                                    time_t *revoked_at, ld_error *err);

#endif
