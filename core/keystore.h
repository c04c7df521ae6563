/*
 * keystore.h - the institution's keys and certificates as stored in the
 * database (issue "Reports", "Keys and certificates").
 *
 * `init` creates the institution's CA, whose key is encrypted under its
 * custodians' passphrase, and its signing identity, whose key goes to a key
 * file of its own; neither is tied to any login. `user add` issues each officer, reviewer
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

/* The organisational unit that marks the institution's checkpoint-signing
 * certificate; users' certificates carry their role there instead, so a
 * manager's certificate from the same CA never passes for it. */
#define CORE_KEYSTORE_INSTITUTION_OU "institution"

/* How the institution's two keys are held, chosen at init by their custodians
 * and never tied to a login (docs/ledger.md, "Key custody"):
 *   - the CA key (issues and revokes user certificates, certifies a new
 *     institution key) is stored encrypted under ca_passphrase, which the CA
 *     custodians hold (dual control: each holds one half; the front end joins
 *     them). At least CORE_KEYSTORE_PASSPHRASE_MIN characters.
 *   - the institution key (signs the ledger's checkpoints) lives in its own
 *     file, institution_key_path, mode 0600, read by the service account
 *     only; plain PKCS#8 when institution_passphrase is NULL, else encrypted
 *     under it. The database keeps its certificate only. */
typedef struct core_keystore_custody {
    const char *ca_passphrase;
    const char *institution_key_path;
    const char *institution_passphrase; /* NULL: a plain key file */
} core_keystore_custody;

#define CORE_KEYSTORE_PASSPHRASE_MIN 12

/* Creates the CA and the institution signing identity (during init, in the
 * caller's transaction) and writes the institution key file. LD_ESTATE when
 * they exist already; LD_EINVAL when a passphrase is too short or equals
 * admin_password (a login password never protects these keys). */
ld_status core_keystore_init(core_store *store, const core_session *admin,
                             const core_keystore_custody *custody, const char *admin_password,
                             const char *institution, time_t now, ld_error *err);

/* Issues a signing certificate for user_id, whose key is encrypted under
 * user_password; the CA key is unlocked with the CA custodians' passphrase
 * (LD_EPERM when wrong). */
ld_status core_keystore_issue_user(core_store *store, const core_session *admin,
                                   const char *ca_passphrase, int64_t user_id,
                                   const char *user_password, time_t now, ld_error *err);

/* Re-encrypts a user's active key under a new password (own password change). */
ld_status core_keystore_rekey_user(core_store *store, int64_t user_id, const char *old_password,
                                   const char *new_password, ld_error *err);

/* After an admin has reset a user's password: the old key is locked under a
 * password nobody else knows, so its certificate is revoked and, when the user
 * had one, a new one is issued under the temporary password. */
ld_status core_keystore_reissue_user(core_store *store, const core_session *admin,
                                     const char *ca_passphrase, int64_t user_id,
                                     const char *new_password, time_t now, ld_error *err);

/* Marks a user's active certificates revoked at `at` (admin). */
ld_status core_keystore_revoke_user(core_store *store, int64_t user_id, time_t at, ld_error *err);

/* The CA certificate in PEM (caller frees with free()). */
ld_status core_keystore_ca_cert(core_store *store, char **pem_out, ld_error *err);

/* The institution signing certificate in PEM (caller frees with free()). */
ld_status core_keystore_institution_cert(core_store *store, char **pem_out, ld_error *err);

/* Reads the institution signing key from its key file (passphrase NULL for a
 * plain one) and returns it with the certificate it belongs to: the newest
 * institution certificate, which the key must match. The key and certificate
 * PEM are the caller's (core_pki_key_free, free). LD_EPERM when the file
 * cannot be read or the passphrase is wrong; LD_EVERIFY when the key is not
 * the one the current institution certificate certifies. */
ld_status core_keystore_institution_signer(core_store *store, const char *key_path,
                                           const char *passphrase, core_pki_key **key_out,
                                           char **cert_pem_out, ld_error *err);

/* Key rotation (admin, with the CA custodians' passphrase): a new institution
 * key, certified by the CA, replaces the key file (written beside it first,
 * then renamed over it). Earlier institution certificates stay in the
 * database, so every checkpoint signed before still names a certificate an
 * auditor can check. fingerprint_out gets the new certificate's. */
ld_status core_keystore_rotate_institution(core_store *store, const core_session *admin,
                                           const char *ca_passphrase, const char *key_path,
                                           const char *passphrase, time_t now,
                                           char fingerprint_out[CORE_PKI_HEX_MAX], ld_error *err);

/* The certificate whose SHA-256 fingerprint is given, of any kind, in PEM
 * (caller frees), with its kind ("ca", "institution", "user") in kind_out.
 * LD_ENOTFOUND when the database holds none. */
ld_status core_keystore_cert_by_fingerprint(core_store *store, const char *fingerprint,
                                            char **pem_out, char kind_out[16], ld_error *err);

/* Every institution certificate ever issued, oldest first, as one PEM text
 * (caller frees). LD_ENOTFOUND when there is none. */
ld_status core_keystore_institution_certs(core_store *store, char **pems_out, ld_error *err);

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
