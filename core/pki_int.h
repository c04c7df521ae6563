/*
 * pki_int.h - what pki.c, pki_cert.c and pki_cms.c share: the key handle's layout, OpenSSL
 * error translation and small conversions. Private to core's pki files; the
 * OpenSSL types named here must not leak past them.
 */
#ifndef CORE_PKI_INT_H
#define CORE_PKI_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki.h"

struct core_pki_key {
    EVP_PKEY *pkey; /* always an EC P-256 key with its private half */
};

/* Fills err with code and "<what>: <OpenSSL error text>" (every queued error,
 * oldest first) and empties OpenSSL's error queue for this thread, so a later
 * failure never reports a stale reason. Returns code. */
ld_status pki_fail_ssl(ld_error *err, ld_status code, const char *file, int line, const char *what);
#define PKI_FAIL_SSL(err, code, what) pki_fail_ssl((err), (code), __FILE__, __LINE__, (what))

/* A PEM password callback that never asks: an encrypted PEM header where none
 * belongs must fail, not prompt on the terminal. */
int pki_no_password(char *buf, int size, int rwflag, void *u);

/* A read-only memory BIO over bytes (LD_EINVAL above INT_MAX bytes). */
ld_status pki_mem_bio_in(const char *field, const void *bytes, size_t len, BIO **out,
                         ld_error *err);

/* True for an EC key on P-256. */
bool pki_pkey_is_p256(EVP_PKEY *pkey);

/* SubjectPublicKeyInfo PEM of a key's public half. */
ld_status pki_pubkey_pem(EVP_PKEY *pkey, char **pem_out, ld_error *err);

/* Parses one PEM certificate. field names the input in messages. LD_EINVAL. */
ld_status pki_cert_parse(const char *field, const char *pem, size_t len, X509 **out, ld_error *err);

/* Fills info from a parsed certificate. LD_EINTERNAL only if OpenSSL fails. */
ld_status pki_cert_info_fill(X509 *cert, core_pki_cert_info *out, ld_error *err);

/* ASN1_TIME -> seconds since the epoch. false if t is not a valid time. */
bool pki_asn1_time_to_time_t(const ASN1_TIME *t, time_t *out);

/* Copies a memory BIO's contents into a fresh malloc'd buffer with a NUL after
 * the last byte (PEM callers use it as a string). */
ld_status pki_bio_take(BIO *bio, unsigned char **out, size_t *len, ld_error *err);

/* The same for PEM text, returned as a NUL-terminated string. */
ld_status pki_bio_take_pem(BIO *bio, char **out, ld_error *err);

#endif
