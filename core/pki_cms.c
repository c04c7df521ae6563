/*
 * pki_cms.c - detached CMS signatures for signed files (docs/design.md "Signed
 * files"): X.p7s is a DER SignedData with no encapsulated content, one signer,
 * ECDSA P-256 with SHA-256, binary mode, signed attributes contentType,
 * messageDigest and signingTime, and the signer's certificate inside, so that
 * `openssl cms -verify -binary -inform DER -in X.p7s -content X -CAfile ca.pem`
 * accepts it with no other input.
 *
 * Verification checks the chain at the signature's signingTime (see pki.h for
 * why and what bounds that claim) and names the first thing that failed:
 * structure, signer count, chain, signature or content digest.
 */
#include "pki_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>

/* Binary: the bytes are hashed as they are, never MIME-canonicalised.
 * No S/MIME capabilities attribute: it says nothing useful about a file. */
#define SIGN_FLAGS (CMS_BINARY | CMS_DETACHED | CMS_NOSMIMECAP)

ld_status core_pki_cms_sign(const core_pki_key *key, const char *cert_pem, size_t cert_len,
                            const char *ca_cert_pem, size_t ca_cert_len,
                            const unsigned char *content, size_t content_len, time_t signing_time,
                            unsigned char **der_out, size_t *der_len, ld_error *err)
{
    ld_status rc = LD_OK;
    X509 *signer = NULL;
    X509 *ca = NULL;
    STACK_OF(X509) *extra = NULL;
    CMS_ContentInfo *cms = NULL;
    ASN1_TIME *when = NULL;
    BIO *in = NULL;
    BIO *out = NULL;

    if ((rc = pki_cert_parse("certificate", cert_pem, cert_len, &signer, err)) != LD_OK)
        goto out;
    if (ca_cert_pem != NULL &&
        (rc = pki_cert_parse("ca_cert", ca_cert_pem, ca_cert_len, &ca, err)) != LD_OK)
        goto out;
    if (EVP_PKEY_eq(X509_get0_pubkey(signer), key->pkey) != 1) {
        ERR_clear_error();
        rc = LD_FAIL(err, LD_EINVAL, "certificate: does not belong to the signing key");
        goto out;
    }
    time_t from, until;
    if (!pki_asn1_time_to_time_t(X509_get0_notBefore(signer), &from) ||
        !pki_asn1_time_to_time_t(X509_get0_notAfter(signer), &until)) {
        rc = PKI_FAIL_SSL(err, LD_EINVAL, "certificate: unreadable validity dates");
        goto out;
    }
    /* A signature the verifier would reject is better refused here. */
    if (signing_time < from || signing_time > until) {
        rc = LD_FAIL(err, LD_ESTATE, "certificate: not valid at the signing time");
        goto out;
    }
    if (ca != NULL) {
        extra = sk_X509_new_null();
        if (extra == NULL || sk_X509_push(extra, ca) <= 0) {
            rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "out of memory");
            goto out;
        }
    }
    if ((rc = pki_mem_bio_in("content", content, content_len, &in, err)) != LD_OK)
        goto out;

    /* CMS_PARTIAL leaves the structure open so that we can set signingTime
     * ourselves; OpenSSL only adds its own (the clock's) when none is there. */
    cms = CMS_sign(NULL, NULL, extra, NULL, SIGN_FLAGS | CMS_PARTIAL);
    CMS_SignerInfo *si = NULL;
    if (cms != NULL)
        si = CMS_add1_signer(cms, signer, key->pkey, EVP_sha256(), SIGN_FLAGS | CMS_PARTIAL);
    if (si == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "signature: cannot set up CMS signer");
        goto out;
    }
    /* UTCTime through 2049, GeneralizedTime after, as RFC 5652 11.3 says. */
    when = ASN1_TIME_set(NULL, signing_time);
    if (when == NULL || CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime,
                                                    ASN1_STRING_type(when), when, -1) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "signature: cannot add signingTime");
        goto out;
    }
    if (CMS_final(cms, in, NULL, SIGN_FLAGS) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "signature: cannot sign content");
        goto out;
    }
    out = BIO_new(BIO_s_mem());
    if (out == NULL || i2d_CMS_bio(out, cms) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "signature: cannot encode DER");
        goto out;
    }
    rc = pki_bio_take(out, der_out, der_len, err);
out:
    BIO_free(out);
    BIO_free(in);
    ASN1_TIME_free(when);
    CMS_ContentInfo_free(cms);
    sk_X509_free(extra); /* the stack only; ca is freed below */
    X509_free(ca);
    X509_free(signer);
    return rc;
}

/* Reads the one signer's signingTime attribute. */
static ld_status signing_time_get(CMS_SignerInfo *si, time_t *out, ld_error *err)
{
    int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (idx < 0) {
        ERR_clear_error();
        return LD_FAIL(err, LD_EVERIFY, "signature: has no signingTime attribute");
    }
    X509_ATTRIBUTE *attr = CMS_signed_get_attr(si, idx);
    ASN1_TYPE *value =
        attr != NULL && X509_ATTRIBUTE_count(attr) == 1 ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
    int type = value != NULL ? ASN1_TYPE_get(value) : V_ASN1_UNDEF;
    if ((type != V_ASN1_UTCTIME && type != V_ASN1_GENERALIZEDTIME) ||
        !pki_asn1_time_to_time_t((const ASN1_TIME *)value->value.asn1_string, out)) {
        ERR_clear_error();
        return LD_FAIL(err, LD_EVERIFY, "signature: malformed signingTime attribute");
    }
    return LD_OK;
}

/* Turns a failed CMS_verify into a reason a person can act on, keeping
 * OpenSSL's own text (for chain errors it carries the X509 verify reason). */
static ld_status verify_failure(ld_error *err)
{
    unsigned long e = ERR_peek_last_error();
    const char *why = "signature: does not verify";
    if (ERR_GET_LIB(e) == ERR_LIB_CMS) {
        switch (ERR_GET_REASON(e)) {
        case CMS_R_CONTENT_VERIFY_ERROR:
            why = "signature: content does not match (file changed, or signature made for "
                  "another file)";
            break;
        case CMS_R_VERIFICATION_FAILURE:
            why = "signature: invalid (signed attributes altered or signed with another key)";
            break;
        case CMS_R_CERTIFICATE_VERIFY_ERROR:
            why = "signature: signer is not trusted (certificate does not chain to the CA at "
                  "the signing time)";
            break;
        case CMS_R_SIGNER_CERTIFICATE_NOT_FOUND:
            why = "signature: unknown signer (signer certificate not included)";
            break;
        default:
            break;
        }
    }
    return PKI_FAIL_SSL(err, LD_EVERIFY, why);
}

ld_status core_pki_cms_verify(const char *ca_cert_pem, size_t ca_cert_len,
                              const unsigned char *content, size_t content_len,
                              const unsigned char *der, size_t der_len, core_pki_signer_info *out,
                              ld_error *err)
{
    ld_status rc = LD_OK;
    X509 *ca = NULL;
    CMS_ContentInfo *cms = NULL;
    X509_STORE *store = NULL;
    BIO *in = NULL;
    STACK_OF(X509) *signers = NULL;
    core_pki_signer_info info;
    memset(&info, 0, sizeof info);

    if ((rc = pki_cert_parse("ca_cert", ca_cert_pem, ca_cert_len, &ca, err)) != LD_OK)
        goto out;
    if (der == NULL || der_len == 0 || der_len > LONG_MAX) {
        rc = LD_FAIL(err, LD_EVERIFY, "signature: empty");
        goto out;
    }
    const unsigned char *p = der;
    cms = d2i_CMS_ContentInfo(NULL, &p, (long)der_len);
    if (cms == NULL) {
        rc = PKI_FAIL_SSL(err, LD_EVERIFY, "signature: not a DER CMS structure");
        goto out;
    }
    if (p != der + der_len) {
        rc = LD_FAIL(err, LD_EVERIFY, "signature: trailing bytes after the CMS structure");
        goto out;
    }
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        rc = LD_FAIL(err, LD_EVERIFY, "signature: not a CMS SignedData");
        goto out;
    }
    if (CMS_is_detached(cms) != 1) {
        rc = LD_FAIL(err, LD_EVERIFY, "signature: not detached (it carries its own content)");
        goto out;
    }
    STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
    if (sk_CMS_SignerInfo_num(infos) != 1) {
        rc = LD_FAIL(err, LD_EVERIFY, "signature: expected exactly one signer, found %d",
                     sk_CMS_SignerInfo_num(infos));
        goto out;
    }
    if ((rc = signing_time_get(sk_CMS_SignerInfo_value(infos, 0), &info.signing_time, err)) !=
        LD_OK)
        goto out;

    /* The CA is the only trust anchor; certificates inside the signature are
     * only candidates for building the chain. The check time is the signing
     * time, so an expired (but then valid) certificate still verifies. */
    store = X509_STORE_new();
    if (store == NULL || X509_STORE_add_cert(store, ca) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "ca_cert: cannot set up trust store");
        goto out;
    }
    X509_VERIFY_PARAM *param = X509_STORE_get0_param(store);
    X509_VERIFY_PARAM_set_time(param, info.signing_time);
    if (X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "ca_cert: cannot set verification flags");
        goto out;
    }
    if ((rc = pki_mem_bio_in("content", content, content_len, &in, err)) != LD_OK)
        goto out;
    if (CMS_verify(cms, NULL, store, in, NULL, CMS_BINARY) != 1) {
        rc = verify_failure(err);
        goto out;
    }
    signers = CMS_get0_signers(cms);
    if (sk_X509_num(signers) != 1) {
        rc = PKI_FAIL_SSL(err, LD_EINTERNAL, "signature: verified but signer unknown");
        goto out;
    }
    if ((rc = pki_cert_info_fill(sk_X509_value(signers, 0), &info.cert, err)) != LD_OK)
        goto out;
    *out = info;
out:
    sk_X509_free(signers); /* the certificates belong to cms */
    BIO_free(in);
    X509_STORE_free(store);
    CMS_ContentInfo_free(cms);
    X509_free(ca);
    return rc;
}
