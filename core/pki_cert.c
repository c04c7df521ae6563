/*
 * pki_cert.c - the institution CA certificate, users' signing certificates and
 * reading certificates back (issue 5, "Keys and certificates").
 *
 * Invariants: certificates are X.509 v3, signed ECDSA P-256 with SHA-256,
 * with random 128-bit serials and subject/authority key identifiers, and pass
 * OpenSSL's strict and S/MIME-signing checks, so stock `openssl cms -verify`
 * accepts what is signed with them. An end-entity certificate never outlives
 * its CA. All times come from the caller (`now`), never from the clock, so
 * issuance is reproducible in tests.
 */
#include "pki_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define SERIAL_BITS 128
#define SECONDS_DAY 86400

ld_status pki_cert_parse(const char *field, const char *pem, size_t len, X509 **out, ld_error *err)
{
    if (pem == NULL)
        return LD_FAIL(err, LD_EINVAL, "%s: missing certificate", field);
    BIO *bio = NULL;
    ld_status rc = pki_mem_bio_in(field, pem, len, &bio, err);
    if (rc != LD_OK)
        return rc;
    X509 *cert = PEM_read_bio_X509(bio, NULL, pki_no_password, NULL);
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
    if (!pki_pkey_is_p256(subject_pkey)) {
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
    rc = pki_bio_take_pem(bio, pem_out, err);
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
    rc = pki_bio_take_pem(bio, pem_out, err);
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
    rc = pki_pubkey_pem(X509_get0_pubkey(cert), pem_out, err);
    X509_free(cert);
    return rc;
}
