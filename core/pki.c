/*
 * pki.c - keys and raw signatures for loandesk's institution PKI (docs/design.md
 * "Signed files", issue 5 "Keys and certificates", issue 4 checkpoints), and
 * the helpers the other pki files share. Certificates are in pki_cert.c, CMS
 * file signatures in pki_cms.c.
 *
 * Invariants: every key is ECDSA P-256 and every digest SHA-256; a private key
 * leaves this module only as encrypted PKCS#8; OpenSSL's error queue is empty
 * after every call, so a failure never reports a stale reason. Each function
 * frees everything it allocated at one `out:` label and writes its outputs
 * only on success.
 */
#include "pki_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>

#define SALT_LEN 16
#define SCRYPT_R 8
#define SCRYPT_P 1

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

int pki_no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return 0;
}

ld_status pki_mem_bio_in(const char *field, const void *bytes, size_t len, BIO **out, ld_error *err)
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

ld_status pki_bio_take_pem(BIO *bio, char **out, ld_error *err)
{
    unsigned char *bytes = NULL;
    ld_status rc = pki_bio_take(bio, &bytes, NULL, err);
    if (rc == LD_OK)
        *out = (char *)bytes;
    return rc;
}

/* ---- Keys ----------------------------------------------------------------- */

bool pki_pkey_is_p256(EVP_PKEY *pkey)
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
    rc = pki_bio_take_pem(bio, pem_out, err);
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

    rc = pki_mem_bio_in("key", pem, pem_len, &bio, err);
    if (rc != LD_OK)
        goto out;
    /* Only "ENCRYPTED PRIVATE KEY" parses here: a key stored in clear is
     * refused rather than silently accepted. */
    p8 = PEM_read_bio_PKCS8(bio, NULL, pki_no_password, NULL);
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
    if (!pki_pkey_is_p256(pkey)) {
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

ld_status pki_pubkey_pem(EVP_PKEY *pkey, char **pem_out, ld_error *err)
{
    BIO *bio = BIO_new(BIO_s_mem());
    ld_status rc;
    if (bio == NULL || PEM_write_bio_PUBKEY(bio, pkey) != 1)
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "public key: cannot write PEM");
    else
        rc = pki_bio_take_pem(bio, pem_out, err);
    BIO_free(bio);
    return rc;
}

ld_status core_pki_key_public_pem(const core_pki_key *key, char **pem_out, ld_error *err)
{
    return pki_pubkey_pem(key->pkey, pem_out, err);
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

struct core_pki_verifier {
    EVP_PKEY *key;
};

ld_status core_pki_verifier_new(const char *cert_pem, size_t cert_len, core_pki_verifier **out,
                                ld_error *err)
{
    X509 *cert = NULL;
    ld_status rc = pki_cert_parse("certificate", cert_pem, cert_len, &cert, err);
    if (rc != LD_OK)
        return rc;
    core_pki_verifier *v = calloc(1, sizeof *v);
    EVP_PKEY *key = X509_get0_pubkey(cert);
    if (v == NULL || key == NULL || EVP_PKEY_up_ref(key) != 1) {
        free(v);
        X509_free(cert);
        return PKI_FAIL_SSL(err, LD_EINVAL, "certificate: no public key");
    }
    v->key = key;
    X509_free(cert);
    *out = v;
    return LD_OK;
}

ld_status core_pki_verifier_check(const core_pki_verifier *v, const unsigned char *data,
                                  size_t data_len, const unsigned char *sig, size_t sig_len,
                                  ld_error *err)
{
    if (sig == NULL || sig_len == 0)
        return LD_FAIL(err, LD_EVERIFY, "signature: empty");
    if (data == NULL)
        data = (const unsigned char *)"";
    ld_status rc = LD_OK;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, v->key) != 1) {
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
    return rc;
}

void core_pki_verifier_free(core_pki_verifier *v)
{
    if (v == NULL)
        return;
    EVP_PKEY_free(v->key);
    free(v);
}

ld_status core_pki_verify(const char *cert_pem, size_t cert_len, const unsigned char *data,
                          size_t data_len, const unsigned char *sig, size_t sig_len, ld_error *err)
{
    if (sig == NULL || sig_len == 0)
        return LD_FAIL(err, LD_EVERIFY, "signature: empty");
    core_pki_verifier *v = NULL;
    ld_status rc = core_pki_verifier_new(cert_pem, cert_len, &v, err);
    if (rc == LD_OK)
        rc = core_pki_verifier_check(v, data, data_len, sig, sig_len, err);
    core_pki_verifier_free(v);
    return rc;
}
