/*
 * digest.c - SHA-256 through OpenSSL's one-shot EVP_Digest.
 */
#include "digest.h"

#include <openssl/evp.h>

void core_sha256(const void *data, size_t len, unsigned char out[CORE_SHA256_BYTES])
{
    unsigned int out_len = 0;
    EVP_Digest(data, len, out, &out_len, EVP_sha256(), NULL);
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

void core_sha256_hex(const void *data, size_t len, char out[CORE_SHA256_HEX])
{
    unsigned char hash[CORE_SHA256_BYTES];
    core_sha256(data, len, hash);
    core_hex_encode(hash, sizeof hash, out);
}
