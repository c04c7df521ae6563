/*
 * digest.c - SHA-256 through OpenSSL's one-shot EVP_Digest, with the
 * algorithm fetched once per process: EVP_sha256() makes every call look
 * the implementation up again among the providers, which cost a server
 * more than the hash of a token itself.
 */
#include "digest.h"

#include <openssl/evp.h>
#include <pthread.h>

static EVP_MD *sha256_fetched;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    /* Kept for the life of the process; NULL (no provider) falls back to
     * the implicit fetch. */
    sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void core_sha256(const void *data, size_t len, unsigned char out[CORE_SHA256_BYTES])
{
    pthread_once(&sha256_once, sha256_fetch);
    unsigned int out_len = 0;
    EVP_Digest(data, len, out, &out_len, sha256_fetched != NULL ? sha256_fetched : EVP_sha256(),
               NULL);
}

void core_hex_encode(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool core_hex_decode(const char *hex, size_t hex_len, unsigned char *out)
{
    if (hex_len % 2 != 0)
        return false;
    for (size_t i = 0; i < hex_len / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

void core_sha256_hex(const void *data, size_t len, char out[CORE_SHA256_HEX])
{
    unsigned char hash[CORE_SHA256_BYTES];
    core_sha256(data, len, hash);
    core_hex_encode(hash, sizeof hash, out);
}
