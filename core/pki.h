/*
 * pki.h - the institution's public-key machinery: CA, signing certificates,
 * encrypted private keys, detached CMS signatures for files and raw signatures
 * for ledger checkpoints (docs/design.md, "Signed files"; issues 4 and 5).
 *
 * This is a pure wrapper around OpenSSL 3: bytes in, bytes out, no database and
 * no files. Every key is ECDSA P-256 and every digest SHA-256. No OpenSSL type
 * crosses this header: a private key is the opaque core_pki_key, certificates
 * and signatures are PEM text or DER bytes.
 *
 * Ownership: every buffer returned through an `out` parameter (PEM text, DER
 * bytes, signatures) is allocated with malloc and belongs to the caller, who
 * releases it with free() (core_pki_buffer_free is the same, for readability).
 * PEM text returned is NUL-terminated. PEM taken as input is (pointer, length)
 * and needs no terminator. Outputs are written only on success.
 *
 * Errors: LD_EINVAL for malformed input (not PEM, wrong key type, bad names),
 * LD_EPERM for a wrong key password, LD_ESTATE for a certificate used outside
 * its validity, LD_EVERIFY when a signature or a chain does not verify, and
 * LD_EINTERNAL when OpenSSL itself fails. Messages keep OpenSSL's error text.
 * Nothing secret (key bytes, passwords) ever appears in a message.
 */
#ifndef CORE_PKI_H
#define CORE_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ld_error.h"

/* An unlocked ECDSA P-256 private key. */
typedef struct core_pki_key core_pki_key;

#define CORE_PKI_NAME_MAX 256   /* subject fields, UTF-8, NUL-terminated */
#define CORE_PKI_HEX_MAX  65    /* SHA-256 in hex (64) + NUL; serials fit too */
#define CORE_PKI_DAYS_MAX 36600 /* longest validity accepted: about 100 years */
#define CORE_PKI_SCRYPT_N 16384 /* key encryption cost, as `openssl pkcs8 -scrypt` */

/* The subject of a certificate to issue. Strings are UTF-8; organization and
 * org_unit may be NULL to leave them out. For a user: common_name = user name,
 * org_unit = role, organization = institution. */
typedef struct core_pki_subject {
    const char *common_name;
    const char *org_unit;
    const char *organization;
} core_pki_subject;

/* What a certificate says, as text an auditor can compare with `openssl x509`:
 * fingerprint is the lowercase hex SHA-256 of the DER certificate (as
 * `openssl x509 -outform DER | sha256sum` prints it); serial is uppercase hex as
 * `openssl x509 -noout -serial` prints it. Missing name fields are "". */
typedef struct core_pki_cert_info {
    char common_name[CORE_PKI_NAME_MAX];
    char org_unit[CORE_PKI_NAME_MAX];
    char organization[CORE_PKI_NAME_MAX];
    char issuer_common_name[CORE_PKI_NAME_MAX];
    char fingerprint[CORE_PKI_HEX_MAX];
    char serial[CORE_PKI_HEX_MAX];
    time_t not_before;
    time_t not_after;
    bool is_ca;
} core_pki_cert_info;

/* Who signed a file and when, from a verified CMS signature. */
typedef struct core_pki_signer_info {
    core_pki_cert_info cert; /* the signer's certificate */
    time_t signing_time;     /* the signingTime attribute, as the signer stated it */
} core_pki_signer_info;

/* Releases a buffer returned by this module; free(NULL)-like. */
void core_pki_buffer_free(void *buffer);

/* ---- Private keys ---------------------------------------------------------- */

/* Generates a fresh ECDSA P-256 key. *out is released with core_pki_key_free.
 * LD_EINTERNAL if OpenSSL cannot. */
ld_status core_pki_key_generate(core_pki_key **out, ld_error *err);

/* Releases a key and wipes it; NULL is harmless. */
void core_pki_key_free(core_pki_key *key);

/* Writes the key as encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY": PBES2,
 * scrypt N=16384 r=8 p=1, AES-256-CBC), readable by `openssl pkey -passin`.
 * The password is a non-empty NUL-terminated UTF-8 string (LD_EINVAL if empty).
 * *pem_out is the caller's (free). */
ld_status core_pki_key_encrypt(const core_pki_key *key, const char *password, char **pem_out,
                               ld_error *err);

/* Unlocks an encrypted PKCS#8 PEM key. LD_EPERM when the password is wrong,
 * LD_EINVAL when the text is not an encrypted PKCS#8 key (unencrypted keys are
 * refused on purpose) or not a P-256 key. *out is released with
 * core_pki_key_free. */
ld_status core_pki_key_decrypt(const char *pem, size_t pem_len, const char *password,
                               core_pki_key **out, ld_error *err);

/* The key's public half as SubjectPublicKeyInfo PEM ("PUBLIC KEY"). */
ld_status core_pki_key_public_pem(const core_pki_key *key, char **pem_out, ld_error *err);

/* LD_OK when the certificate carries this key's public half, LD_EINVAL if not. */
ld_status core_pki_key_matches_cert(const core_pki_key *key, const char *cert_pem, size_t cert_len,
                                    ld_error *err);

/* ---- Certificates ---------------------------------------------------------- */

/* Self-signs the institution's CA certificate for ca_key: subject from
 * `subject` (common_name required, e.g. "loandesk CA <institution>"), random
 * 128-bit serial, valid from `now` for validity_days (1..CORE_PKI_DAYS_MAX),
 * basicConstraints critical CA:TRUE pathlen:0, keyUsage critical
 * keyCertSign+cRLSign, subject and authority key identifiers. */
ld_status core_pki_ca_cert_create(const core_pki_key *ca_key, const core_pki_subject *subject,
                                  int validity_days, time_t now, char **cert_pem_out,
                                  ld_error *err);

/* Issues a signing certificate for subject_key's public half, signed by the CA:
 * basicConstraints critical CA:FALSE, keyUsage critical digitalSignature +
 * nonRepudiation, no extendedKeyUsage (so S/MIME-purpose checks such as
 * `openssl cms -verify` accept it), key identifiers, random 128-bit serial.
 * Valid from `now` for validity_days, cut to the CA's own notAfter.
 * LD_EINVAL if ca_key does not match ca_cert or ca_cert is not a CA; LD_ESTATE
 * if the CA certificate is not valid at `now`. */
ld_status core_pki_cert_issue(const core_pki_key *ca_key, const char *ca_cert_pem,
                              size_t ca_cert_len, const core_pki_key *subject_key,
                              const core_pki_subject *subject, int validity_days, time_t now,
                              char **cert_pem_out, ld_error *err);

/* Convenience for `init` and `user add`: generates a key, issues its
 * certificate (ca_key == NULL: a self-signed CA, ca_cert_pem ignored) and
 * returns the encrypted key PEM and the certificate PEM, both the caller's. */
ld_status core_pki_identity_create(const core_pki_key *ca_key, const char *ca_cert_pem,
                                   size_t ca_cert_len, const core_pki_subject *subject,
                                   int validity_days, time_t now, const char *password,
                                   char **key_pem_out, char **cert_pem_out, ld_error *err);

/* Reads a PEM certificate's subject, issuer CN, fingerprint, serial, validity
 * and CA flag. LD_EINVAL if the text is not a certificate. */
ld_status core_pki_cert_inspect(const char *cert_pem, size_t cert_len, core_pki_cert_info *out,
                                ld_error *err);

/* PEM certificate -> DER bytes, and back. */
ld_status core_pki_cert_pem_to_der(const char *cert_pem, size_t cert_len, unsigned char **der_out,
                                   size_t *der_len, ld_error *err);
ld_status core_pki_cert_der_to_pem(const unsigned char *der, size_t der_len, char **pem_out,
                                   ld_error *err);

/* The certificate's public key as SubjectPublicKeyInfo PEM, e.g. for
 * `openssl dgst -sha256 -verify pub.pem`. */
ld_status core_pki_cert_public_pem(const char *cert_pem, size_t cert_len, char **pem_out,
                                   ld_error *err);

/* ---- Detached CMS signatures (signed files) -------------------------------- */

/* Signs content with a detached CMS SignedData in DER, as docs/design.md
 * "Signed files" requires: ECDSA P-256 with SHA-256, binary mode (no MIME
 * canonicalisation), the signer certificate included (and the CA certificate
 * too when ca_cert_pem is not NULL), signed attributes contentType,
 * messageDigest and signingTime = signing_time (callers pass time(NULL); tests
 * pin it). `openssl cms -verify -binary -inform DER -in X.p7s -content X
 * -CAfile ca.pem` accepts the result. LD_EINVAL if key and certificate do not
 * match; LD_ESTATE if the certificate is not valid at signing_time.
 * ECDSA is randomised: signing the same bytes twice gives different DER.
 * *der_out is the caller's (free). */
ld_status core_pki_cms_sign(const core_pki_key *key, const char *cert_pem, size_t cert_len,
                            const char *ca_cert_pem, size_t ca_cert_len,
                            const unsigned char *content, size_t content_len, time_t signing_time,
                            unsigned char **der_out, size_t *der_len, ld_error *err);

/* Verifies a detached CMS signature over content: exactly one signer, the
 * signature over the signed attributes, the content digest, and the signer
 * certificate's chain to the CA in ca_cert_pem (the only trust anchor; other
 * certificates in the signature are merely untrusted helpers) with S/MIME
 * signing purpose and X.509 strict checks.
 *
 * Check time: the chain is checked at the signature's signingTime, not at the
 * time of verification, so a workbook signed while a certificate was valid
 * still verifies after that certificate (or the CA) expired. signingTime is the
 * signer's own claim; what bounds it is the ledger entry that records the
 * file's hash under a checkpoint signed by the institution, which the caller
 * compares. Revocation is also the caller's: compare the time the ledger
 * recorded the file (better than signing_time, which a revoked signer who
 * still holds the key could backdate) with the revocation time of
 * out->cert.serial / fingerprint.
 *
 * LD_EVERIFY with the reason for: not a detached CMS signature, no signing
 * time, content changed or signature made for other content, bad signature,
 * unknown signer or chain not leading to the CA, certificate not valid at the
 * signing time. LD_EINVAL if ca_cert_pem is not a certificate or content is
 * 2 GiB or more (files are hashed in memory; same limit for signing).
 * *out is written only on success. */
ld_status core_pki_cms_verify(const char *ca_cert_pem, size_t ca_cert_len,
                              const unsigned char *content, size_t content_len,
                              const unsigned char *der, size_t der_len, core_pki_signer_info *out,
                              ld_error *err);

/* ---- Raw signatures (ledger checkpoints) ----------------------------------- */

/* ECDSA P-256 over SHA-256(data); *sig_out is the DER ECDSA-Sig-Value, the
 * caller's (free). Same format as `openssl dgst -sha256 -sign`. */
ld_status core_pki_sign(const core_pki_key *key, const unsigned char *data, size_t data_len,
                        unsigned char **sig_out, size_t *sig_len, ld_error *err);

/* Checks a signature from core_pki_sign with the public key of a PEM
 * certificate. Pure: no chain, no time, works offline. LD_EVERIFY if the
 * signature does not match; LD_EINVAL if the certificate cannot be read. */
ld_status core_pki_verify(const char *cert_pem, size_t cert_len, const unsigned char *data,
                          size_t data_len, const unsigned char *sig, size_t sig_len, ld_error *err);

/* The same check for many signatures under one certificate: the certificate
 * is read once (reading it costs more than the signature check), then each
 * signature is checked as core_pki_verify would. */
typedef struct core_pki_verifier core_pki_verifier;

ld_status core_pki_verifier_new(const char *cert_pem, size_t cert_len, core_pki_verifier **out,
                                ld_error *err);
ld_status core_pki_verifier_check(const core_pki_verifier *v, const unsigned char *data,
                                  size_t data_len, const unsigned char *sig, size_t sig_len,
                                  ld_error *err);
void core_pki_verifier_free(core_pki_verifier *v);

/* ---- Trust anchors and key files ----------------------------------------- */

/* Checks that the certificate chains to the CA in ca_pem, the trust anchor
 * the verifier brought (never one taken from the data being checked), with
 * both valid at `at` (the time the certificate was used), X.509 strict
 * checks. LD_EVERIFY with OpenSSL's reason when it does not, or when ca_pem
 * is not a self-signed CA; LD_EINVAL when either text is not a certificate. */
ld_status core_pki_cert_chain_check(const char *ca_pem, size_t ca_len, const char *cert_pem,
                                    size_t cert_len, time_t at, ld_error *err);

/* The key as plain PKCS#8 PEM ("PRIVATE KEY"), for a key file only its
 * service account may read (the caller writes it 0600). *pem_out is the
 * caller's (free; wipe it first). */
ld_status core_pki_key_write_plain(const core_pki_key *key, char **pem_out, ld_error *err);

/* Reads a key file's text: encrypted PKCS#8 when passphrase is not NULL (as
 * core_pki_key_decrypt), plain PKCS#8 when it is NULL. LD_EPERM when the key
 * is encrypted and no or a wrong passphrase was given. */
ld_status core_pki_key_read(const char *pem, size_t pem_len, const char *passphrase,
                            core_pki_key **out, ld_error *err);

/* Overwrites a secret (passphrase, key text) in a way the compiler keeps. */
void core_pki_wipe(void *secret, size_t len);

#endif
