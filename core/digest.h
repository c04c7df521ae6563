/*
 * digest.h - SHA-256 of byte strings, as raw bytes or lower-case hex.
 */
#ifndef LD_DIGEST_H
#define LD_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define CORE_SHA256_BYTES 32
#define CORE_SHA256_HEX   65

void core_sha256(const void *data, size_t len, unsigned char out[CORE_SHA256_BYTES]);
void core_sha256_hex(const void *data, size_t len, char out[CORE_SHA256_HEX]);
void core_hex_encode(const unsigned char *bytes, size_t len, char *out);
/* Decodes hex_len hex digits (either case) into hex_len / 2 bytes; false,
 * with out unspecified, when hex_len is odd or a character is not a digit. */
bool core_hex_decode(const char *hex, size_t hex_len, unsigned char *out);

#endif
