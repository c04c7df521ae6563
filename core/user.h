/*
 * user.h - user accounts and authentication.
 *
 * Rules (issue "Foundation"): passwords are PBKDF2 hashes (password.h); five
 * failed logins in a row lock the account until an admin unlocks it; a password
 * older than CORE_PASSWORD_MAX_AGE_DAYS, or one set by an admin, must be changed
 * by its owner before the account can do anything else. Failed logins are counted
 * and recorded even though the command that tried them fails.
 */
#ifndef LD_USER_H
#define LD_USER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <time.h>

#include "ld_error.h"
#include "session.h"
#include "store.h"

#define CORE_PASSWORD_MAX_AGE_DAYS 90
#define CORE_MAX_FAILED_LOGINS     5

/* Creates the first admin account of an empty database (no users yet), in the
 * caller's transaction. LD_ESTATE when users already exist. */
ld_status core_user_init_admin(core_store *store, const char *username, const char *full_name,
                               const char *password, core_session *out, ld_error *err);

/* Authenticates in a transaction of its own (the failure count must persist when
 * the login fails). LD_EPERM for a wrong password, a locked or inactive account,
 * and an expired password unless allow_expired (for `user passwd` only);
 * LD_EINVAL, before any password work, for a user name of CORE_USERNAME_MAX
 * bytes or more, which no account can have. Every refusal is audited. */
ld_status core_user_login(core_store *store, const char *username, const char *password,
                          bool allow_expired, core_session *out, ld_error *err);

typedef struct core_user_spec {
    const char *username;
    const char *full_name;
    core_role role;
    ld_money authority_limit; /* < 0: the policy's default for the role */
    const char *password;
} core_user_spec;

/* Adds an account (admin only). Returns the new id. */
ld_status core_user_add(core_store *store, const core_session *who, const core_user_spec *spec,
                        int64_t *id_out, ld_error *err);

/* All accounts as a JSON array, never with password hashes. */
ld_status core_user_list(core_store *store, const core_session *who, cJSON **out, ld_error *err);

/* Changes a password. A user changes their own (old password required, checked
 * at login); an admin may set anyone's, which then must be changed at next use. */
ld_status core_user_set_password(core_store *store, const core_session *who, const char *username,
                                 const char *new_password, ld_error *err);

/* LD_OK when password is the user's current one, LD_EPERM when it is not
 * (for a session resumed from a token, which proved no password). */
ld_status core_user_password_check(core_store *store, int64_t user_id, const char *password,
                                   ld_error *err);

/* Clears the lock and the failure count (admin only). */
ld_status core_user_unlock(core_store *store, const core_session *who, const char *username,
                           ld_error *err);

/* Deactivates an account for good (admin): it can no longer log in, and its
 * signing certificate is revoked from `at` on. */
ld_status core_user_revoke(core_store *store, const core_session *who, const char *username,
                           time_t at, ld_error *err);

/* Whether the user's password must be changed before anything else: older than
 * CORE_PASSWORD_MAX_AGE_DAYS by the wall clock, or set by an admin. */
ld_status core_user_password_expired(core_store *store, int64_t user_id, bool *out, ld_error *err);

/* The id of a user by name; LD_ENOTFOUND. */
ld_status core_user_id(core_store *store, const char *username, int64_t *id_out, ld_error *err);

/* The user's full name as the institution recorded it (for the signer shown
 * on a signed workbook); LD_ENOTFOUND. */
ld_status core_user_full_name(core_store *store, const char *username, char *out, size_t size,
                              ld_error *err);

/* Looks up an officer's id by username; LD_EINVAL when the user is not an
 * active officer (field names the input). */
ld_status core_user_officer_id(core_store *store, const char *field, const char *username,
                               int64_t *id_out, ld_error *err);

#endif
