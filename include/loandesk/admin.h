/*
 * loandesk/admin.h - accounts, the institution's CA certificate and the policy
 * in force (operations API).
 *
 * Every function takes the session first and reports through err last; the
 * result document through out belongs to the caller and is exactly what the
 * command line prints with --json. Managing accounts and loading policy is the
 * admin's (LD_EPERM for every other role, recorded in the audit trail).
 */
#ifndef LOANDESK_ADMIN_H
#define LOANDESK_ADMIN_H

#include <cjson/cJSON.h>

#include "loandesk/api.h"

/* A new account. role is one of officer, reviewer, manager, auditor, admin;
 * authority_limit a decimal amount ("250000.00"), NULL for the policy's
 * default of the role. The password is one the admin chose: its owner must
 * change it at first use. */
typedef struct ld_user_spec {
    const char *username;
    const char *full_name;
    const char *role;
    const char *authority_limit;
    const char *password;
} ld_user_spec;

/* Adds an account (admin). Officers, reviewers and managers sign workbooks:
 * they get a signing certificate issued under the institution's CA, whose key
 * is unlocked with key_password, the CA custodians' passphrase (never a login
 * password: LD_EUSAGE when NULL for a signing role, LD_EPERM when wrong), and
 * whose own key is encrypted under the new user's password. Result: {"id", "username",
 * "role", "signing_certificate"}. LD_EINVAL naming the field (username, role,
 * limit, password), LD_ESTATE for a name taken, LD_EPERM. */
ld_status ld_user_add(ld_session *session, const ld_user_spec *spec, const char *key_password,
                      cJSON **out, ld_error *err);

/* Every account, never a password hash (admin, manager, auditor): an array of
 * {"id", "username", "name", "role", "authority_limit", "locked", "active",
 * "password_changed_on"}. */
ld_status ld_user_list(ld_session *session, cJSON **out, ld_error *err);

/* Changes a password; allowed while the session's own password must change.
 * username NULL (or the session's own name): the user's own password; their
 * signing key is re-encrypted from key_password (the old password; NULL: the
 * login's) to new_password. Another username (admin only, and not while the
 * admin's own password must change): a temporary password its owner must
 * change at first use; the user's certificate is revoked and a new one issued
 * under the temporary password (CA key unlocked with key_password, the CA
 * custodians' passphrase), and every session of that user ends. No password
 * change touches the CA or institution keys. Result: {"username",
 * "must_change"}. */
ld_status ld_user_passwd(ld_session *session, const char *username, const char *new_password,
                         const char *key_password, cJSON **out, ld_error *err);

/* Clears the lock after failed logins (admin). Result: {"username"}. */
ld_status ld_user_unlock(ld_session *session, const char *username, cJSON **out, ld_error *err);

/* Deactivates an account for good (admin): it can no longer log in, its
 * signing certificate is revoked from now on, and its sessions end. Result:
 * {"username", "revoked_at"}. LD_ESTATE when already revoked. */
ld_status ld_user_revoke(ld_session *session, const char *username, cJSON **out, ld_error *err);

/* The institution's CA certificate, {"pem"}, for `openssl cms -verify -CAfile`
 * and offline verification (any role). */
ld_status ld_pki_ca_cert(ld_session *session, cJSON **out, ld_error *err);

/* Puts a new version of the policy and/or the product catalogue in force
 * (admin); either path may be NULL to keep the current one. The policy must
 * pass the full checker of `policy check` (every scorecard, grade, money
 * field): a policy it refuses is never in force (LD_EINVAL naming the first
 * problem). Result: {"policy", "products"} (the paths loaded, null for the one
 * kept) and "policy_sha256" when a policy was loaded. */
ld_status ld_policy_load(ld_session *session, const char *policy_path, const char *products_path,
                         cJSON **out, ld_error *err);

/* The policy in force, for any role: {"version", "sha256", "policy"} (the
 * document itself as loaded), e.g. as the base of a scorecard fit. LD_ESTATE
 * when none is loaded. */
ld_status ld_policy_show(ld_session *session, cJSON **out, ld_error *err);

#endif
