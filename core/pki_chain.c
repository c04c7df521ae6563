/*
 * pki_chain.c - what verification needs beyond a bare signature: a
 * certificate's chain to a trust anchor the verifier brought from outside,
 * judged at a given time; and the institution key as the service keeps it,
 * in a key file of its own (plain PKCS#8 readable by the service account
 * only, or PKCS#8 encrypted under a passphrase of its custodian).
 *
 * The anchor is always one self-signed CA certificate passed in by the
 * caller: certificates found in the data being verified are candidates for
 * the chain's leaf, never anchors, so a self-made CA in an export or a
 * database proves nothing.
 */
#include "pki_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

ld_status core_pki_cert_chain_check(const char *ca_pem, size_t ca_len, const char *cert_pem,
                                    size_t cert_len, time_t at, ld_error *err)
{
    ld_status rc = LD_OK;
    X509 *ca = NULL, *cert = NULL;
    X509_STORE *store = NULL;
    X509_STORE_CTX *ctx = NULL;
    if ((rc = pki_cert_parse("ca", ca_pem, ca_len, &ca, err)) != LD_OK ||
        (rc = pki_cert_parse("certificate", cert_pem, cert_len, &cert, err)) != LD_OK)
        goto out;
    /* The anchor must be a CA that signed itself: a leaf certificate handed
     * over as "the CA" would otherwise vouch for itself. */
    if (X509_check_ca(ca) == 0 || X509_check_issued(ca, ca) != X509_V_OK) {
        rc = LD_FAIL(err, LD_EVERIFY, "trust anchor: not a self-signed CA certificate");
        goto out;
    }
    store = X509_STORE_new();
    ctx = X509_STORE_CTX_new();
    if (store == NULL || ctx == NULL || X509_STORE_add_cert(store, ca) != 1 ||
        X509_STORE_CTX_init(ctx, store, cert, NULL) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "trust anchor: cannot set up the trust store");
        goto out;
    }
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, at);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
    if (X509_verify_cert(ctx) != 1) {
        int code = X509_STORE_CTX_get_error(ctx);
        ERR_clear_error();
        rc = LD_FAIL(err, LD_EVERIFY, "certificate does not chain to the trust anchor at %lld: %s",
                     (long long)at, X509_verify_cert_error_string(code));
        goto out;
    }
out:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(cert);
    X509_free(ca);
    ERR_clear_error();
    return rc;
}

ld_status core_pki_key_write_plain(const core_pki_key *key, char **pem_out, ld_error *err)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return PKI_FAIL_SSL(err, LD_EINTERNAL, "key: out of memory");
    ld_status rc = LD_OK;
    if (PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL) != 1)
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "key: cannot write PKCS#8");
    else
        rc = pki_bio_take_pem(bio, pem_out, err);
    BIO_free(bio);
    return rc;
}

ld_status core_pki_key_read(const char *pem, size_t pem_len, const char *passphrase,
                            core_pki_key **out, ld_error *err)
{
    if (passphrase != NULL)
        return core_pki_key_decrypt(pem, pem_len, passphrase, out, err);
    if (pem == NULL)
        return LD_FAIL(err, LD_EINVAL, "key: missing");
    BIO *bio = NULL;
    ld_status rc = pki_mem_bio_in("key", pem, pem_len, &bio, err);
    if (rc != LD_OK)
        return rc;
    /* No password callback: an encrypted key read without its passphrase
     * fails here instead of prompting. */
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, pki_no_password, NULL);
    BIO_free(bio);
    if (pkey == NULL)
        return PKI_FAIL_SSL(err, LD_EPERM,
                            "key: not a plain PKCS#8 private key (encrypted keys need their "
                            "passphrase)");
    if (!pki_pkey_is_p256(pkey)) {
        EVP_PKEY_free(pkey);
        ERR_clear_error();
        return LD_FAIL(err, LD_EINVAL, "key: not an ECDSA P-256 key");
    }
    core_pki_key *key = malloc(sizeof *key);
    if (key == NULL) {
        EVP_PKEY_free(pkey);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    key->pkey = pkey;
    *out = key;
    return LD_OK;
}

void core_pki_wipe(void *secret, size_t len)
{
    if (secret != NULL)
        OPENSSL_cleanse(secret, len);
}
