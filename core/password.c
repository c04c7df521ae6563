/*
 * password.c - PBKDF2-HMAC-SHA256 with a random salt; see password.h for the
 * stored format. Comparison is constant-time (CRYPTO_memcmp) so response time
 * does not reveal how much of a guess matched.
 */
#include "password.h"

#include "digest.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define SALT_BYTES 16
#define HASH_BYTES 32

static bool from_hex(const char *text, size_t text_len, unsigned char *out, size_t out_len)
{
    if (text_len != 2 * out_len)
        return false;
    for (size_t i = 0; i < out_len; i++) {
        int hi = isxdigit((unsigned char)text[2 * i]),
            lo = isxdigit((unsigned char)text[2 * i + 1]);
        if (!hi || !lo)
            return false;
        char pair[3] = {text[2 * i], text[2 * i + 1], '\0'};
        out[i] = (unsigned char)strtoul(pair, NULL, 16);
    }
    return true;
}

ld_status core_password_check_strength(const char *field, const char *password, ld_error *err)
{
    size_t len = password ? strlen(password) : 0;
    if (len < CORE_PASSWORD_MIN_LENGTH)
        return LD_FAIL(err, LD_EINVAL, "%s: must have at least %d characters", field,
                       CORE_PASSWORD_MIN_LENGTH);
    if (len > 256)
        return LD_FAIL(err, LD_EINVAL, "%s: must have at most 256 characters", field);
    bool letter = false, digit = false;
    for (size_t i = 0; i < len; i++) {
        letter |= isalpha((unsigned char)password[i]) != 0;
        digit |= isdigit((unsigned char)password[i]) != 0;
    }
    if (!letter || !digit)
        return LD_FAIL(err, LD_EINVAL, "%s: must contain letters and digits", field);
    return LD_OK;
}

static ld_status derive(const char *password, const unsigned char *salt, int iterations,
                        unsigned char out[HASH_BYTES], ld_error *err)
{
    if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, SALT_BYTES, iterations,
                          EVP_sha256(), HASH_BYTES, out) != 1)
        return LD_FAIL(err, LD_EINTERNAL, "password hashing failed");
    return LD_OK;
}

ld_status core_password_hash(const char *password, char out[CORE_PASSWORD_HASH_MAX], ld_error *err)
{
    unsigned char salt[SALT_BYTES], hash[HASH_BYTES];
    if (RAND_bytes(salt, sizeof salt) != 1)
        return LD_FAIL(err, LD_EINTERNAL, "no randomness available for a password salt");
    ld_status st = derive(password, salt, CORE_PASSWORD_ITERATIONS, hash, err);
    if (st != LD_OK)
        return st;
    char salt_hex[2 * SALT_BYTES + 1], hash_hex[2 * HASH_BYTES + 1];
    core_hex_encode(salt, sizeof salt, salt_hex);
    core_hex_encode(hash, sizeof hash, hash_hex);
    OPENSSL_cleanse(hash, sizeof hash);
    snprintf(out, CORE_PASSWORD_HASH_MAX, "pbkdf2-sha256$%d$%s$%s", CORE_PASSWORD_ITERATIONS,
             salt_hex, hash_hex);
    return LD_OK;
}

ld_status core_password_verify(const char *password, const char *stored, bool *match, ld_error *err)
{
    static const char prefix[] = "pbkdf2-sha256$";
    if (strncmp(stored, prefix, sizeof prefix - 1) != 0)
        return LD_FAIL(err, LD_EINTERNAL, "stored password hash has an unknown format");
    const char *p = stored + sizeof prefix - 1;
    char *end = NULL;
    errno = 0;
    long iterations = strtol(p, &end, 10);
    if (errno != 0 || end == p || *end != '$' || iterations < 1000 || iterations > 100000000)
        return LD_FAIL(err, LD_EINTERNAL, "stored password hash has a bad iteration count");
    const char *salt_hex = end + 1;
    const char *sep = strchr(salt_hex, '$');
    unsigned char salt[SALT_BYTES], expected[HASH_BYTES], actual[HASH_BYTES];
    if (sep == NULL || !from_hex(salt_hex, (size_t)(sep - salt_hex), salt, SALT_BYTES) ||
        !from_hex(sep + 1, strlen(sep + 1), expected, HASH_BYTES))
        return LD_FAIL(err, LD_EINTERNAL, "stored password hash is malformed");
    ld_status st = derive(password, salt, (int)iterations, actual, err);
    if (st != LD_OK)
        return st;
    *match = CRYPTO_memcmp(actual, expected, HASH_BYTES) == 0;
    OPENSSL_cleanse(actual, sizeof actual);
    return LD_OK;
}
