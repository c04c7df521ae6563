/*
 * password.h - slow salted password hashes (PBKDF2-HMAC-SHA256, OpenSSL).
 *
 * A stored hash reads "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX", so the work
 * factor can be raised later without invalidating old hashes: verification uses
 * the iterations written in the hash. New hashes use CORE_PASSWORD_ITERATIONS.
 */
#ifndef LD_PASSWORD_H
#define LD_PASSWORD_H

#include <stdbool.h>

#include "ld_error.h"

#define CORE_PASSWORD_ITERATIONS 600000
#define CORE_PASSWORD_HASH_MAX   160
#define CORE_PASSWORD_MIN_LENGTH 10

/* Checks strength: at least CORE_PASSWORD_MIN_LENGTH characters with a letter
 * and a digit. LD_EINVAL naming field. */
ld_status core_password_check_strength(const char *field, const char *password, ld_error *err);

/* Hashes with a fresh 16-byte random salt. */
ld_status core_password_hash(const char *password, char out[CORE_PASSWORD_HASH_MAX], ld_error *err);

/* Compares in constant time; *match false for a wrong password. LD_EINTERNAL when
 * the stored hash is malformed. */
ld_status core_password_verify(const char *password, const char *stored, bool *match,
                               ld_error *err);

#endif
