/*
 * pki.c - keys, certificates and raw signatures for loandesk's institution CA
 * (DESIGN.md "Signed files", issue 5 "Keys and certificates", issue 4
 * checkpoints). CMS signing of files is in pki_cms.c.
 *
 * Invariants: every key is ECDSA P-256 and every digest SHA-256; a private key
 * leaves this module only as encrypted PKCS#8; certificates are X.509 v3 with
 * random 128-bit serials and key identifiers, and pass OpenSSL's strict and
 * S/MIME-signing checks so stock `openssl cms -verify` accepts what we sign.
 * All times come from the caller (`now`), never from the clock, so issuance is
 * reproducible in tests. Each function frees everything it allocated at one
 * `out:` label and writes its outputs only on success.
 */
#include "pki_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#define SERIAL_BITS 128
#define SALT_LEN    16
#define SCRYPT_R    8
#define SCRYPT_P    1
#define SECONDS_DAY 86400

ld_status pki_fail_ssl(ld_error *err, ld_status code, const char *file, int line, const char *what)
{
    char detail[400];
    size_t used = 0;
    detail[0] = '\0';
    unsigned long e;
    const char *data = NULL;
    int flags = 0;
    /* Oldest first: OpenSSL queues the root cause before the wrappers' errors. */
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        char one[256];
        ERR_error_string_n(e, one, sizeof one);
        const char *extra = (flags & ERR_TXT_STRING) && data != NULL && data[0] != '\0' ? data : "";
        if (used < sizeof detail) {
            int n =
                snprintf(detail + used, sizeof detail - used, "%s%s%s%s%s", used > 0 ? "; " : "",
                         one, extra[0] ? " (" : "", extra, extra[0] ? ")" : "");
            if (n > 0)
                used += (size_t)n;
        }
    }
    if (detail[0] == '\0')
        return ld_error_set(err, code, file, line, "%s", what);
    return ld_error_set(err, code, file, line, "%s: %s", what, detail);
}

void core_pki_buffer_free(void *buffer)
{
    free(buffer);
}

/* A PEM password callback that never asks: an encrypted PEM header where none
 * belongs must fail, not prompt on the terminal. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return 0;
}

static ld_status mem_bio_in(const char *field, const void *bytes, size_t len, BIO **out,
                            ld_error *err)
{
    if (len > INT_MAX)
        return LD_FAIL(err, LD_EINVAL, "%s: too large (%zu bytes)", field, len);
    BIO *bio = BIO_new_mem_buf(len > 0 ? bytes : "", (int)len);
    if (bio == NULL)
        return PKI_FAIL_SSL(err, LD_EINTERNAL, "out of memory");
    *out = bio;
    return LD_OK;
}

ld_status pki_bio_take(BIO *bio, unsigned char **out, size_t *len, ld_error *err)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    if (n < 0)
        return LD_FAIL(err, LD_EINTERNAL, "memory BIO has no data");
    unsigned char *copy = malloc((size_t)n + 1);
    if (copy == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory (%ld bytes)", n);
    if (n > 0)
        memcpy(copy, data, (size_t)n);
    copy[n] = '\0';
    *out = copy;
    if (len != NULL)
        *len = (size_t)n;
    return LD_OK;
}

ld_status pki_cert_parse(const char *field, const char *pem, size_t len, X509 **out, ld_error *err)
{
    if (pem == NULL)
        return LD_FAIL(err, LD_EINVAL, "%s: missing certificate", field);
    BIO *bio = NULL;
    ld_status rc = mem_bio_in(field, pem, len, &bio, err);
    if (rc != LD_OK)
        return rc;
    X509 *cert = PEM_read_bio_X509(bio, NULL, no_password, NULL);
    BIO_free(bio);
    if (cert == NULL) {
        char what[128];
        snprintf(what, sizeof what, "%s: not a PEM certificate", field);
        return PKI_FAIL_SSL(err, LD_EINVAL, what);
    }
    *out = cert;
    return LD_OK;
}

/* Days from 1970-01-01 to a proleptic Gregorian civil date (H. Hinnant's
 * algorithm), so that no libc time-zone function is involved. */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool pki_asn1_time_to_time_t(const ASN1_TIME *t, time_t *out)
{
    struct tm tm;
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    long long days = days_from_civil((long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    *out = (time_t)(days * SECONDS_DAY + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
    return true;
}

static void hex_lower(const unsigned char *bytes, size_t n, char *out, size_t out_size)
{
    static const char digits[] = "0123456789abcdef";
    size_t i = 0;
    for (; i < n && 2 * i + 2 < out_size; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * i] = '\0';
}

/* Copies the first entry of nid in name as UTF-8, or "" when absent. */
static void name_entry_copy(const X509_NAME *name, int nid, char out[CORE_PKI_NAME_MAX])
{
    out[0] = '\0';
    int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    if (idx < 0)
        return;
    const ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0)
        return;
    snprintf(out, CORE_PKI_NAME_MAX, "%.*s", n, (const char *)utf8);
    OPENSSL_free(utf8);
}

ld_status pki_cert_info_fill(X509 *cert, core_pki_cert_info *out, ld_error *err)
{
    core_pki_cert_info info;
    memset(&info, 0, sizeof info);
    const X509_NAME *subject = X509_get_subject_name(cert);
    name_entry_copy(subject, NID_commonName, info.common_name);
    name_entry_copy(subject, NID_organizationalUnitName, info.org_unit);
    name_entry_copy(subject, NID_organizationName, info.organization);
    name_entry_copy(X509_get_issuer_name(cert), NID_commonName, info.issuer_common_name);

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &md_len) != 1)
        return PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot compute fingerprint");
    hex_lower(md, md_len, info.fingerprint, sizeof info.fingerprint);

    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
    BN_free(bn);
    if (hex == NULL)
        return PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot read serial");
    /* BN_bn2hex prints zero as "0"; `openssl x509 -serial` prints "00". */
    snprintf(info.serial, sizeof info.serial, "%s", strcmp(hex, "0") == 0 ? "00" : hex);
    OPENSSL_free(hex);

    if (!pki_asn1_time_to_time_t(X509_get0_notBefore(cert), &info.not_before) ||
        !pki_asn1_time_to_time_t(X509_get0_notAfter(cert), &info.not_after))
        return PKI_FAIL_SSL(err, LD_EINVAL, "certificate: unreadable validity dates");
    uint32_t ext = X509_get_extension_flags(cert);
    info.is_ca = (ext & EXFLAG_BCONS) != 0 && (ext & EXFLAG_CA) != 0;
    *out = info;
    return LD_OK;
}

/* ---- Keys ----------------------------------------------------------------- */

static bool pkey_is_p256(EVP_PKEY *pkey)
{
    char group[64];
    size_t group_len = 0;
    if (!EVP_PKEY_is_a(pkey, "EC"))
        return false;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof group, &group_len) != 1)
        return false;
    return strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0;
}

static ld_status key_wrap(EVP_PKEY *pkey, core_pki_key **out, ld_error *err)
{
    core_pki_key *key = malloc(sizeof *key);
    if (key == NULL) {
        EVP_PKEY_free(pkey);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    key->pkey = pkey;
    *out = key;
    return LD_OK;
}

ld_status core_pki_key_generate(core_pki_key **out, ld_error *err)
{
    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    if (pkey == NULL)
        return PKI_FAIL_SSL(err, LD_EINTERNAL, "key: cannot generate an ECDSA P-256 key");
    return key_wrap(pkey, out, err);
}

void core_pki_key_free(core_pki_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey); /* OpenSSL clears the private scalar on free */
    free(key);
}

ld_status core_pki_key_encrypt(const core_pki_key *key, const char *password, char **pem_out,
                               ld_error *err)
{
    if (password == NULL || password[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "password: must not be empty for a private key");
    size_t pass_len = strlen(password);
    if (pass_len > INT_MAX)
        return LD_FAIL(err, LD_EINVAL, "password: too long");
    ld_status rc = LD_OK;
    PKCS8_PRIV_KEY_INFO *p8inf = NULL;
    X509_ALGOR *pbe = NULL;
    X509_SIG *p8 = NULL;
    BIO *bio = NULL;
    unsigned char salt[SALT_LEN];

    p8inf = EVP_PKEY2PKCS8(key->pkey);
    if (p8inf == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "key: cannot encode as PKCS#8");
        goto out;
    }
    if (RAND_bytes(salt, sizeof salt) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "key: no random salt");
        goto out;
    }
    /* PBES2 with scrypt, as `openssl pkcs8 -topk8 -scrypt` writes: memory-hard,
     * and N stays under OpenSSL's 32 MiB default scrypt limit for reading. */
    pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), salt, sizeof salt, NULL, CORE_PKI_SCRYPT_N,
                                SCRYPT_R, SCRYPT_P);
    if (pbe == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "key: cannot set up scrypt encryption");
        goto out;
    }
    p8 = PKCS8_set0_pbe(password, (int)pass_len, p8inf, pbe);
    if (p8 == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "key: cannot encrypt");
        goto out;
    }
    pbe = NULL; /* now owned by p8 */
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL || PEM_write_bio_PKCS8(bio, p8) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "key: cannot write PEM");
        goto out;
    }
    rc = pki_bio_take(bio, (unsigned char **)pem_out, NULL, err);
out:
    OPENSSL_cleanse(salt, sizeof salt);
    BIO_free(bio);
    X509_SIG_free(p8);
    X509_ALGOR_free(pbe);
    PKCS8_PRIV_KEY_INFO_free(p8inf);
    return rc;
}

ld_status core_pki_key_decrypt(const char *pem, size_t pem_len, const char *password,
                               core_pki_key **out, ld_error *err)
{
    if (pem == NULL)
        return LD_FAIL(err, LD_EINVAL, "key: missing");
    if (password == NULL)
        password = "";
    size_t pass_len = strlen(password);
    if (pass_len > INT_MAX)
        return LD_FAIL(err, LD_EINVAL, "password: too long");
    ld_status rc = LD_OK;
    BIO *bio = NULL;
    X509_SIG *p8 = NULL;
    PKCS8_PRIV_KEY_INFO *p8inf = NULL;
    EVP_PKEY *pkey = NULL;

    rc = mem_bio_in("key", pem, pem_len, &bio, err);
    if (rc != LD_OK)
        goto out;
    /* Only "ENCRYPTED PRIVATE KEY" parses here: a key stored in clear is
     * refused rather than silently accepted. */
    p8 = PEM_read_bio_PKCS8(bio, NULL, no_password, NULL);
    if (p8 == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EINVAL, "key: not an encrypted PKCS#8 private key");
        goto out;
    }
    p8inf = PKCS8_decrypt(p8, password, (int)pass_len);
    if (p8inf == NULL) {
        /* A wrong password shows up as bad padding or as garbage that does not
         * decode; both mean the same to the user. */
        rc = PKI_FAIL_SSL(err, LD_EPERM, "key: wrong password (or damaged key)");
        goto out;
    }
    pkey = EVP_PKCS82PKEY(p8inf);
    if (pkey == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EINVAL, "key: decrypted but not a usable private key");
        goto out;
    }
    if (!pkey_is_p256(pkey)) {
        ERR_clear_error();
        rc = LD_FAIL(err, LD_EINVAL, "key: not an ECDSA P-256 key");
        goto out;
    }
    rc = key_wrap(pkey, out, err);
    pkey = NULL; /* now owned by the handle, or freed by key_wrap */
out:
    EVP_PKEY_free(pkey);
    PKCS8_PRIV_KEY_INFO_free(p8inf);
    X509_SIG_free(p8);
    BIO_free(bio);
    return rc;
}

static ld_status pubkey_pem(EVP_PKEY *pkey, char **pem_out, ld_error *err)
{
    BIO *bio = BIO_new(BIO_s_mem());
    ld_status rc;
    if (bio == NULL || PEM_write_bio_PUBKEY(bio, pkey) != 1)
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "public key: cannot write PEM");
    else
        rc = pki_bio_take(bio, (unsigned char **)pem_out, NULL, err);
    BIO_free(bio);
    return rc;
}

ld_status core_pki_key_public_pem(const core_pki_key *key, char **pem_out, ld_error *err)
{
    return pubkey_pem(key->pkey, pem_out, err);
}

ld_status core_pki_key_matches_cert(const core_pki_key *key, const char *cert_pem, size_t cert_len,
                                    ld_error *err)
{
    X509 *cert = NULL;
    ld_status rc = pki_cert_parse("certificate", cert_pem, cert_len, &cert, err);
    if (rc != LD_OK)
        return rc;
    if (EVP_PKEY_eq(X509_get0_pubkey(cert), key->pkey) != 1) {
        ERR_clear_error();
        rc = LD_FAIL(err, LD_EINVAL, "certificate: does not belong to this private key");
    }
    X509_free(cert);
    return rc;
}

/* ---- Certificates ---------------------------------------------------------- */

static ld_status name_add(X509_NAME *name, int nid, const char *field, const char *value,
                          ld_error *err)
{
    if (value == NULL)
        return LD_OK;
    if (value[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "subject.%s: must not be empty", field);
    /* OpenSSL enforces RFC 5280's upper bounds (64 characters for these). */
    if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, (const unsigned char *)value, -1, -1,
                                   0) != 1) {
        char what[96];
        snprintf(what, sizeof what, "subject.%s: not accepted", field);
        return PKI_FAIL_SSL(err, LD_EINVAL, what);
    }
    return LD_OK;
}

static ld_status add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value, ld_error *err)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (ext == NULL || X509_add_ext(cert, ext, -1) != 1) {
        X509_EXTENSION_free(ext);
        return PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot add an extension");
    }
    X509_EXTENSION_free(ext);
    return LD_OK;
}

static ld_status serial_random(X509 *cert, ld_error *err)
{
    ld_status rc = LD_OK;
    BIGNUM *bn = BN_new();
    ASN1_INTEGER *serial = NULL;
    /* 128 random bits: unique without a counter, and unpredictable, as the CA/B
     * baseline asks. A zero draw (2^-128) becomes 1 to stay positive. */
    if (bn == NULL || BN_rand(bn, SERIAL_BITS, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        (BN_is_zero(bn) && BN_one(bn) != 1) || (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
        X509_set_serialNumber(cert, serial) != 1)
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot draw a serial number");
    ASN1_INTEGER_free(serial);
    BN_free(bn);
    return rc;
}

/* Builds, signs and writes one certificate. issuer == NULL means self-signed
 * CA; otherwise an end-entity signing certificate from issuer/issuer_pkey. */
static ld_status cert_build(EVP_PKEY *subject_pkey, const core_pki_subject *subject, X509 *issuer,
                            EVP_PKEY *issuer_pkey, int validity_days, time_t now, char **pem_out,
                            ld_error *err)
{
    if (subject == NULL || subject->common_name == NULL || subject->common_name[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "subject.common_name: required");
    if (validity_days < 1 || validity_days > CORE_PKI_DAYS_MAX)
        return LD_FAIL(err, LD_EINVAL, "validity_days: must be 1..%d, got %d", CORE_PKI_DAYS_MAX,
                       validity_days);
    if (!pkey_is_p256(subject_pkey)) {
        ERR_clear_error();
        return LD_FAIL(err, LD_EINVAL, "key: not an ECDSA P-256 key");
    }
    ld_status rc = LD_OK;
    X509 *cert = X509_new();
    X509_NAME *name = X509_NAME_new();
    BIO *bio = NULL;
    if (cert == NULL || name == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "out of memory");
        goto out;
    }
    if ((rc = name_add(name, NID_organizationName, "organization", subject->organization, err)) !=
            LD_OK ||
        (rc = name_add(name, NID_organizationalUnitName, "org_unit", subject->org_unit, err)) !=
            LD_OK ||
        (rc = name_add(name, NID_commonName, "common_name", subject->common_name, err)) != LD_OK)
        goto out;

    time_t not_after = now + (time_t)validity_days * SECONDS_DAY;
    if (issuer != NULL) {
        time_t ca_from, ca_until;
        if (!pki_asn1_time_to_time_t(X509_get0_notBefore(issuer), &ca_from) ||
            !pki_asn1_time_to_time_t(X509_get0_notAfter(issuer), &ca_until)) {
            rc = PKI_FAIL_SSL(err, LD_EINVAL, "ca_cert: unreadable validity dates");
            goto out;
        }
        if (now < ca_from || now > ca_until) {
            rc = LD_FAIL(err, LD_ESTATE, "ca_cert: not valid at the issuance time");
            goto out;
        }
        /* A certificate cannot outlive the CA that vouches for it. */
        if (not_after > ca_until)
            not_after = ca_until;
    }
    if (X509_set_version(cert, X509_VERSION_3) != 1 || X509_set_subject_name(cert, name) != 1 ||
        X509_set_issuer_name(cert, issuer != NULL ? X509_get_subject_name(issuer) : name) != 1 ||
        X509_set_pubkey(cert, subject_pkey) != 1 ||
        ASN1_TIME_set(X509_getm_notBefore(cert), now) == NULL ||
        ASN1_TIME_set(X509_getm_notAfter(cert), not_after) == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot fill in fields");
        goto out;
    }
    if ((rc = serial_random(cert, err)) != LD_OK)
        goto out;

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer != NULL ? issuer : cert, cert, NULL, NULL, 0);
    /* The subject key identifier comes first: a self-signed authority key
     * identifier copies it from the certificate being built. */
    if (issuer == NULL) {
        if ((rc = add_ext(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0", err)) !=
                LD_OK ||
            (rc = add_ext(cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign", err)) != LD_OK)
            goto out;
    } else {
        if ((rc = add_ext(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE", err)) != LD_OK ||
            (rc = add_ext(cert, &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation",
                          err)) != LD_OK)
            goto out;
    }
    if ((rc = add_ext(cert, &ctx, NID_subject_key_identifier, "hash", err)) != LD_OK ||
        (rc = add_ext(cert, &ctx, NID_authority_key_identifier, "keyid:always", err)) != LD_OK)
        goto out;

    if (X509_sign(cert, issuer_pkey, EVP_sha256()) <= 0) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot sign");
        goto out;
    }
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL || PEM_write_bio_X509(bio, cert) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot write PEM");
        goto out;
    }
    rc = pki_bio_take(bio, (unsigned char **)pem_out, NULL, err);
out:
    BIO_free(bio);
    X509_NAME_free(name);
    X509_free(cert);
    return rc;
}

ld_status core_pki_ca_cert_create(const core_pki_key *ca_key, const core_pki_subject *subject,
                                  int validity_days, time_t now, char **cert_pem_out, ld_error *err)
{
    return cert_build(ca_key->pkey, subject, NULL, ca_key->pkey, validity_days, now, cert_pem_out,
                      err);
}

ld_status core_pki_cert_issue(const core_pki_key *ca_key, const char *ca_cert_pem,
                              size_t ca_cert_len, const core_pki_key *subject_key,
                              const core_pki_subject *subject, int validity_days, time_t now,
                              char **cert_pem_out, ld_error *err)
{
    X509 *ca = NULL;
    ld_status rc = pki_cert_parse("ca_cert", ca_cert_pem, ca_cert_len, &ca, err);
    if (rc != LD_OK)
        return rc;
    uint32_t ext = X509_get_extension_flags(ca);
    if ((ext & EXFLAG_CA) == 0 || (ext & EXFLAG_BCONS) == 0) {
        rc = LD_FAIL(err, LD_EINVAL, "ca_cert: not a CA certificate");
    } else if (EVP_PKEY_eq(X509_get0_pubkey(ca), ca_key->pkey) != 1) {
        ERR_clear_error();
        rc = LD_FAIL(err, LD_EINVAL, "ca_key: does not belong to ca_cert");
    } else {
        rc = cert_build(subject_key->pkey, subject, ca, ca_key->pkey, validity_days, now,
                        cert_pem_out, err);
    }
    X509_free(ca);
    return rc;
}

ld_status core_pki_identity_create(const core_pki_key *ca_key, const char *ca_cert_pem,
                                   size_t ca_cert_len, const core_pki_subject *subject,
                                   int validity_days, time_t now, const char *password,
                                   char **key_pem_out, char **cert_pem_out, ld_error *err)
{
    core_pki_key *key = NULL;
    char *cert_pem = NULL;
    char *key_pem = NULL;
    ld_status rc = core_pki_key_generate(&key, err);
    if (rc != LD_OK)
        goto out;
    if (ca_key == NULL)
        rc = core_pki_ca_cert_create(key, subject, validity_days, now, &cert_pem, err);
    else
        rc = core_pki_cert_issue(ca_key, ca_cert_pem, ca_cert_len, key, subject, validity_days, now,
                                 &cert_pem, err);
    if (rc != LD_OK)
        goto out;
    rc = core_pki_key_encrypt(key, password, &key_pem, err);
    if (rc != LD_OK)
        goto out;
    *key_pem_out = key_pem;
    *cert_pem_out = cert_pem;
    key_pem = NULL; /* now the caller's */
    cert_pem = NULL;
out:
    free(key_pem);
    free(cert_pem);
    core_pki_key_free(key);
    return rc;
}

ld_status core_pki_cert_inspect(const char *cert_pem, size_t cert_len, core_pki_cert_info *out,
                                ld_error *err)
{
    X509 *cert = NULL;
    ld_status rc = pki_cert_parse("certificate", cert_pem, cert_len, &cert, err);
    if (rc != LD_OK)
        return rc;
    rc = pki_cert_info_fill(cert, out, err);
    X509_free(cert);
    return rc;
}

ld_status core_pki_cert_pem_to_der(const char *cert_pem, size_t cert_len, unsigned char **der_out,
                                   size_t *der_len, ld_error *err)
{
    X509 *cert = NULL;
    ld_status rc = pki_cert_parse("certificate", cert_pem, cert_len, &cert, err);
    if (rc != LD_OK)
        return rc;
    unsigned char *ssl_der = NULL;
    int n = i2d_X509(cert, &ssl_der);
    X509_free(cert);
    if (n <= 0)
        return PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot encode DER");
    unsigned char *copy = malloc((size_t)n);
    if (copy == NULL) {
        OPENSSL_free(ssl_der);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    memcpy(copy, ssl_der, (size_t)n);
    OPENSSL_free(ssl_der);
    *der_out = copy;
    *der_len = (size_t)n;
    return LD_OK;
}

ld_status core_pki_cert_der_to_pem(const unsigned char *der, size_t der_len, char **pem_out,
                                   ld_error *err)
{
    if (der == NULL || der_len == 0 || der_len > LONG_MAX)
        return LD_FAIL(err, LD_EINVAL, "certificate: empty or oversized DER");
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)der_len);
    if (cert == NULL)
        return PKI_FAIL_SSL(err, LD_EINVAL, "certificate: not a DER certificate");
    ld_status rc;
    BIO *bio = NULL;
    if (p != der + der_len) {
        rc = LD_FAIL(err, LD_EINVAL, "certificate: %zu trailing bytes after the DER certificate",
                     (size_t)(der + der_len - p));
        goto out;
    }
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL || PEM_write_bio_X509(bio, cert) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "certificate: cannot write PEM");
        goto out;
    }
    rc = pki_bio_take(bio, (unsigned char **)pem_out, NULL, err);
out:
    BIO_free(bio);
    X509_free(cert);
    return rc;
}

ld_status core_pki_cert_public_pem(const char *cert_pem, size_t cert_len, char **pem_out,
                                   ld_error *err)
{
    X509 *cert = NULL;
    ld_status rc = pki_cert_parse("certificate", cert_pem, cert_len, &cert, err);
    if (rc != LD_OK)
        return rc;
    rc = pubkey_pem(X509_get0_pubkey(cert), pem_out, err);
    X509_free(cert);
    return rc;
}

/* ---- Raw signatures -------------------------------------------------------- */

ld_status core_pki_sign(const core_pki_key *key, const unsigned char *data, size_t data_len,
                        unsigned char **sig_out, size_t *sig_len, ld_error *err)
{
    ld_status rc = LD_OK;
    unsigned char *sig = NULL;
    size_t len = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (data == NULL)
        data = (const unsigned char *)"";
    if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key->pkey) != 1 ||
        EVP_DigestSign(md, NULL, &len, data, data_len) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "signature: cannot start signing");
        goto out;
    }
    sig = malloc(len);
    if (sig == NULL) {
        rc = LD_FAIL(err, LD_EINTERNAL, "out of memory");
        goto out;
    }
    if (EVP_DigestSign(md, sig, &len, data, data_len) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "signature: cannot sign");
        goto out;
    }
    *sig_out = sig;
    *sig_len = len; /* DER ECDSA signatures vary in length; len is the actual one */
    sig = NULL;
out:
    free(sig);
    EVP_MD_CTX_free(md);
    return rc;
}

ld_status core_pki_verify(const char *cert_pem, size_t cert_len, const unsigned char *data,
                          size_t data_len, const unsigned char *sig, size_t sig_len, ld_error *err)
{
    if (sig == NULL || sig_len == 0)
        return LD_FAIL(err, LD_EVERIFY, "signature: empty");
    X509 *cert = NULL;
    ld_status rc = pki_cert_parse("certificate", cert_pem, cert_len, &cert, err);
    if (rc != LD_OK)
        return rc;
    if (data == NULL)
        data = (const unsigned char *)"";
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL ||
        EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(cert)) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "signature: cannot start verifying");
        goto out;
    }
    /* 0 is a wrong signature, a negative value a malformed one: to the caller
     * both mean the bytes were not signed by this certificate's key. */
    if (EVP_DigestVerify(md, sig, sig_len, data, data_len) != 1)
        rc = PKI_FAIL_SSL(err, LD_EVERIFY,
                          "signature: does not match the data and the certificate's key");
out:
    EVP_MD_CTX_free(md);
    X509_free(cert);
    return rc;
}
