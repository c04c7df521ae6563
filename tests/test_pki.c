/*
 * test_pki.c - the institution CA, signing certificates, encrypted keys, CMS
 * file signatures and checkpoint signatures (core/pki.h). Besides round trips,
 * every way a signature can be wrong is tried (changed byte, signature of other
 * content, signer of another CA, expired or not-yet-valid certificate, garbage),
 * and the stock `openssl` command line is run on what we produce, and we on
 * what it produces, because auditors will use it (docs/design.md "Signed files").
 * Times are pinned except in the command-line tests, which verify at "now".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pki.h"

#define T0  ((time_t)1700000000) /* 2023-11-14T22:13:20Z */
#define DAY ((time_t)86400)

/* A CA and one user certificate, keys unlocked. */
typedef struct fixture {
    core_pki_key *ca_key;
    char *ca_pem;
    core_pki_key *user_key;
    char *user_pem;
} fixture;

static const core_pki_subject ca_subject = {"loandesk CA Demo Bank", NULL, "Demo Bank"};
static const core_pki_subject alice = {"alice", "officer", "Demo Bank"};

static int fixture_make(fixture *f, time_t now, int ca_days, int user_days)
{
    ld_error err;
    memset(f, 0, sizeof *f);
    if (core_pki_key_generate(&f->ca_key, &err) != LD_OK ||
        core_pki_ca_cert_create(f->ca_key, &ca_subject, ca_days, now, &f->ca_pem, &err) != LD_OK ||
        core_pki_key_generate(&f->user_key, &err) != LD_OK ||
        core_pki_cert_issue(f->ca_key, f->ca_pem, strlen(f->ca_pem), f->user_key, &alice, user_days,
                            now, &f->user_pem, &err) != LD_OK) {
        fprintf(stderr, "fixture: %s\n", err.message);
        return 0;
    }
    return 1;
}

static void fixture_free(fixture *f)
{
    core_pki_key_free(f->ca_key);
    core_pki_key_free(f->user_key);
    core_pki_buffer_free(f->ca_pem);
    core_pki_buffer_free(f->user_pem);
}

/* About the size of a signed inspection workbook, not all one byte value. */
static unsigned char *content_make(size_t len, unsigned seed)
{
    unsigned char *p = malloc(len);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
    return p;
}

static ld_status cms_sign_simple(const fixture *f, const unsigned char *content, size_t len,
                                 time_t when, unsigned char **der, size_t *der_len, ld_error *err)
{
    return core_pki_cms_sign(f->user_key, f->user_pem, strlen(f->user_pem), NULL, 0, content, len,
                             when, der, der_len, err);
}

static void ca_certificate_has_ca_fields(void)
{
    fixture f;
    if (!fixture_make(&f, T0, 3650, 365)) {
        CHECK(0);
        return;
    }
    core_pki_cert_info info;
    ld_error err;
    CHECK_INT(core_pki_cert_inspect(f.ca_pem, strlen(f.ca_pem), &info, &err), LD_OK);
    CHECK_STR(info.common_name, "loandesk CA Demo Bank");
    CHECK_STR(info.organization, "Demo Bank");
    CHECK_STR(info.org_unit, "");
    CHECK_STR(info.issuer_common_name, "loandesk CA Demo Bank");
    CHECK(info.is_ca);
    CHECK_INT(info.not_before, T0);
    CHECK_INT(info.not_after, T0 + 3650 * DAY);
    CHECK_INT(strlen(info.fingerprint), 64);
    CHECK(strspn(info.fingerprint, "0123456789abcdef") == 64);
    /* 128 random bits: 16 bytes, or fewer when the top bytes happen to be 0. */
    CHECK(strlen(info.serial) >= 2 && strlen(info.serial) <= 32);
    CHECK(strspn(info.serial, "0123456789ABCDEF") == strlen(info.serial));
    CHECK(strncmp(f.ca_pem, "-----BEGIN CERTIFICATE-----\n", 28) == 0);

    /* Two CAs never share a serial. */
    core_pki_key *k2 = NULL;
    char *pem2 = NULL;
    core_pki_cert_info info2;
    CHECK_INT(core_pki_key_generate(&k2, &err), LD_OK);
    CHECK_INT(core_pki_ca_cert_create(k2, &ca_subject, 10, T0, &pem2, &err), LD_OK);
    CHECK_INT(core_pki_cert_inspect(pem2, strlen(pem2), &info2, &err), LD_OK);
    CHECK(strcmp(info.serial, info2.serial) != 0);
    CHECK(strcmp(info.fingerprint, info2.fingerprint) != 0);
    core_pki_buffer_free(pem2);
    core_pki_key_free(k2);
    fixture_free(&f);
}

static void user_certificate_names_user_role_and_institution(void)
{
    fixture f;
    if (!fixture_make(&f, T0, 3650, 365)) {
        CHECK(0);
        return;
    }
    core_pki_cert_info info;
    ld_error err;
    CHECK_INT(core_pki_cert_inspect(f.user_pem, strlen(f.user_pem), &info, &err), LD_OK);
    CHECK_STR(info.common_name, "alice");
    CHECK_STR(info.org_unit, "officer");
    CHECK_STR(info.organization, "Demo Bank");
    CHECK_STR(info.issuer_common_name, "loandesk CA Demo Bank");
    CHECK(!info.is_ca);
    CHECK_INT(info.not_before, T0);
    CHECK_INT(info.not_after, T0 + 365 * DAY);
    CHECK_INT(core_pki_key_matches_cert(f.user_key, f.user_pem, strlen(f.user_pem), &err), LD_OK);
    CHECK_INT(core_pki_key_matches_cert(f.ca_key, f.user_pem, strlen(f.user_pem), &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "does not belong");

    /* UTF-8 names (a Chinese institution and user) survive the round trip. */
    core_pki_subject zh = {"张三", "reviewer", "示范银行"};
    char *pem = NULL;
    CHECK_INT(core_pki_cert_issue(f.ca_key, f.ca_pem, strlen(f.ca_pem), f.user_key, &zh, 30, T0,
                                  &pem, &err),
              LD_OK);
    CHECK_INT(core_pki_cert_inspect(pem, strlen(pem), &info, &err), LD_OK);
    CHECK_STR(info.common_name, "张三");
    CHECK_STR(info.organization, "示范银行");
    core_pki_buffer_free(pem);
    fixture_free(&f);
}

static void issuance_is_bounded_by_the_ca(void)
{
    fixture f;
    if (!fixture_make(&f, T0, 100, 30)) {
        CHECK(0);
        return;
    }
    ld_error err;
    char *pem = NULL;
    core_pki_cert_info info;
    size_t ca_len = strlen(f.ca_pem);
    /* Longer than the CA lives: cut to the CA's notAfter. */
    CHECK_INT(core_pki_cert_issue(f.ca_key, f.ca_pem, ca_len, f.user_key, &alice, 365, T0 + DAY,
                                  &pem, &err),
              LD_OK);
    CHECK_INT(core_pki_cert_inspect(pem, strlen(pem), &info, &err), LD_OK);
    CHECK_INT(info.not_after, T0 + 100 * DAY);
    core_pki_buffer_free(pem);
    pem = NULL;
    /* Before and after the CA's validity. */
    CHECK_INT(
        core_pki_cert_issue(f.ca_key, f.ca_pem, ca_len, f.user_key, &alice, 30, T0 - 1, &pem, &err),
        LD_ESTATE);
    CHECK_INT(core_pki_cert_issue(f.ca_key, f.ca_pem, ca_len, f.user_key, &alice, 30,
                                  T0 + 100 * DAY + 1, &pem, &err),
              LD_ESTATE);
    CHECK_CONTAINS(err.message, "ca_cert");
    /* The CA key must match the CA certificate, and the issuer must be a CA. */
    CHECK_INT(
        core_pki_cert_issue(f.user_key, f.ca_pem, ca_len, f.user_key, &alice, 30, T0, &pem, &err),
        LD_EINVAL);
    CHECK_CONTAINS(err.message, "ca_key");
    CHECK_INT(core_pki_cert_issue(f.user_key, f.user_pem, strlen(f.user_pem), f.user_key, &alice,
                                  30, T0, &pem, &err),
              LD_EINVAL);
    CHECK_CONTAINS(err.message, "not a CA");
    /* Bad subjects and validity. */
    core_pki_subject no_cn = {"", "officer", "Demo Bank"};
    CHECK_INT(
        core_pki_cert_issue(f.ca_key, f.ca_pem, ca_len, f.user_key, &no_cn, 30, T0, &pem, &err),
        LD_EINVAL);
    CHECK_CONTAINS(err.message, "common_name");
    core_pki_subject long_cn = {"a-name-that-is-much-longer-than-the-sixty-four-characters-"
                                "that-rfc-5280-allows",
                                NULL, NULL};
    CHECK_INT(
        core_pki_cert_issue(f.ca_key, f.ca_pem, ca_len, f.user_key, &long_cn, 30, T0, &pem, &err),
        LD_EINVAL);
    CHECK_CONTAINS(err.message, "common_name");
    CHECK_INT(
        core_pki_cert_issue(f.ca_key, f.ca_pem, ca_len, f.user_key, &alice, 0, T0, &pem, &err),
        LD_EINVAL);
    CHECK_CONTAINS(err.message, "validity_days");
    CHECK_INT(core_pki_cert_issue(f.ca_key, "junk", 4, f.user_key, &alice, 30, T0, &pem, &err),
              LD_EINVAL);
    CHECK_CONTAINS(err.message, "ca_cert: not a PEM certificate");
    CHECK(pem == NULL);
    fixture_free(&f);
}

static void encrypted_key_round_trips_and_refuses_wrong_password(void)
{
    ld_error err;
    core_pki_key *key = NULL;
    core_pki_key *back = NULL;
    char *pem = NULL;
    const char *password = "correct horse battery staple";
    CHECK_INT(core_pki_key_generate(&key, &err), LD_OK);
    CHECK_INT(core_pki_key_encrypt(key, password, &pem, &err), LD_OK);
    CHECK(strncmp(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38) == 0);

    CHECK_INT(core_pki_key_decrypt(pem, strlen(pem), "Correct horse battery staple", &back, &err),
              LD_EPERM);
    CHECK_CONTAINS(err.message, "wrong password");
    CHECK(strstr(err.message, "horse") == NULL);
    CHECK(back == NULL);
    CHECK_INT(core_pki_key_decrypt(pem, strlen(pem), "", &back, &err), LD_EPERM);

    CHECK_INT(core_pki_key_decrypt(pem, strlen(pem), password, &back, &err), LD_OK);
    /* Same key: same public half, and its signature verifies with a certificate
     * issued for the original. */
    char *pub1 = NULL;
    char *pub2 = NULL;
    CHECK_INT(core_pki_key_public_pem(key, &pub1, &err), LD_OK);
    CHECK_INT(core_pki_key_public_pem(back, &pub2, &err), LD_OK);
    CHECK_STR(pub1, pub2);
    CHECK(strncmp(pub1, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);

    /* Each encryption draws a fresh salt and IV. */
    char *pem2 = NULL;
    CHECK_INT(core_pki_key_encrypt(key, password, &pem2, &err), LD_OK);
    CHECK(strcmp(pem, pem2) != 0);

    CHECK_INT(core_pki_key_encrypt(key, "", &pem2, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "password");

    /* Cleartext keys and other PEM are refused. */
    CHECK_INT(core_pki_key_decrypt(pub1, strlen(pub1), password, &back, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "not an encrypted PKCS#8");
    CHECK_INT(core_pki_key_decrypt("", 0, password, &back, &err), LD_EINVAL);
    /* A damaged body: flip a character in the middle of the base64. */
    pem[strlen(pem) / 2] = pem[strlen(pem) / 2] == 'A' ? 'B' : 'A';
    ld_status rc = core_pki_key_decrypt(pem, strlen(pem), password, &back, &err);
    CHECK(rc == LD_EPERM || rc == LD_EINVAL);

    core_pki_buffer_free(pub1);
    core_pki_buffer_free(pub2);
    core_pki_buffer_free(pem);
    core_pki_buffer_free(pem2);
    core_pki_key_free(back);
    core_pki_key_free(key);
    core_pki_key_free(NULL);
}

static void identity_create_gives_encrypted_key_and_certificate(void)
{
    ld_error err;
    char *ca_key_pem = NULL, *ca_pem = NULL, *user_key_pem = NULL, *user_pem = NULL;
    core_pki_key *ca_key = NULL, *user_key = NULL;
    CHECK_INT(core_pki_identity_create(NULL, NULL, 0, &ca_subject, 3650, T0, "admin-pw",
                                       &ca_key_pem, &ca_pem, &err),
              LD_OK);
    CHECK_INT(core_pki_key_decrypt(ca_key_pem, strlen(ca_key_pem), "admin-pw", &ca_key, &err),
              LD_OK);
    CHECK_INT(core_pki_identity_create(ca_key, ca_pem, strlen(ca_pem), &alice, 365, T0, "alice-pw",
                                       &user_key_pem, &user_pem, &err),
              LD_OK);
    CHECK_INT(core_pki_key_decrypt(user_key_pem, strlen(user_key_pem), "alice-pw", &user_key, &err),
              LD_OK);
    core_pki_cert_info info;
    CHECK_INT(core_pki_cert_inspect(ca_pem, strlen(ca_pem), &info, &err), LD_OK);
    CHECK(info.is_ca);
    if (user_key != NULL)
        CHECK_INT(core_pki_key_matches_cert(user_key, user_pem, strlen(user_pem), &err), LD_OK);
    /* A failure leaves the outputs alone. */
    char *untouched = NULL;
    CHECK_INT(core_pki_identity_create(ca_key, ca_pem, strlen(ca_pem), &alice, 365, T0, "",
                                       &untouched, &untouched, &err),
              LD_EINVAL);
    CHECK(untouched == NULL);
    free(ca_key_pem);
    free(ca_pem);
    free(user_key_pem);
    free(user_pem);
    core_pki_key_free(ca_key);
    core_pki_key_free(user_key);
}

static void cms_sign_verify_round_trip(void)
{
    fixture f;
    if (!fixture_make(&f, T0, 3650, 365)) {
        CHECK(0);
        return;
    }
    ld_error err;
    size_t len = 50 * 1024;
    unsigned char *content = content_make(len, 1);
    unsigned char *der = NULL;
    size_t der_len = 0;
    time_t when = T0 + 7 * DAY + 3661;
    CHECK_INT(cms_sign_simple(&f, content, len, when, &der, &der_len, &err), LD_OK);
    CHECK(der_len > 300 && der_len < 2000);
    CHECK_INT(der[0], 0x30);

    core_pki_signer_info who;
    memset(&who, 0, sizeof who);
    CHECK_INT(
        core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), content, len, der, der_len, &who, &err),
        LD_OK);
    core_pki_cert_info info;
    CHECK_INT(core_pki_cert_inspect(f.user_pem, strlen(f.user_pem), &info, &err), LD_OK);
    CHECK_STR(who.cert.common_name, "alice");
    CHECK_STR(who.cert.org_unit, "officer");
    CHECK_STR(who.cert.organization, "Demo Bank");
    CHECK_STR(who.cert.fingerprint, info.fingerprint);
    CHECK_STR(who.cert.serial, info.serial);
    CHECK_INT(who.signing_time, when);

    /* With the CA certificate carried along it verifies just the same. */
    unsigned char *der2 = NULL;
    size_t der2_len = 0;
    CHECK_INT(core_pki_cms_sign(f.user_key, f.user_pem, strlen(f.user_pem), f.ca_pem,
                                strlen(f.ca_pem), content, len, when, &der2, &der2_len, &err),
              LD_OK);
    CHECK(der2_len > der_len);
    CHECK_INT(
        core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), content, len, der2, der2_len, &who, &err),
        LD_OK);

    /* Empty files can be signed too. */
    free(der2);
    der2 = NULL;
    CHECK_INT(cms_sign_simple(&f, NULL, 0, when, &der2, &der2_len, &err), LD_OK);
    CHECK_INT(core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), NULL, 0, der2, der2_len, &who, &err),
              LD_OK);
    CHECK_INT(
        core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), content, 1, der2, der2_len, &who, &err),
        LD_EVERIFY);
    free(der2);
    free(der);
    free(content);
    fixture_free(&f);
}

static void cms_rejects_changed_content_and_swapped_signature(void)
{
    fixture f;
    if (!fixture_make(&f, T0, 3650, 365)) {
        CHECK(0);
        return;
    }
    ld_error err;
    size_t len = 50 * 1024;
    unsigned char *content = content_make(len, 2);
    unsigned char *other = content_make(len, 3);
    unsigned char *der = NULL, *der_other = NULL;
    size_t der_len = 0, der_other_len = 0;
    size_t ca_len = strlen(f.ca_pem);
    CHECK_INT(cms_sign_simple(&f, content, len, T0 + DAY, &der, &der_len, &err), LD_OK);
    CHECK_INT(cms_sign_simple(&f, other, len, T0 + DAY, &der_other, &der_other_len, &err), LD_OK);

    core_pki_signer_info who;
    memset(&who, 0x5a, sizeof who);
    unsigned char saved = who.cert.common_name[0];
    /* One changed byte, first, middle and last. */
    size_t where[] = {0, len / 2, len - 1};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        content[where[i]] ^= 0x01;
        CHECK_INT(core_pki_cms_verify(f.ca_pem, ca_len, content, len, der, der_len, &who, &err),
                  LD_EVERIFY);
        CHECK_CONTAINS(err.message, "content does not match");
        content[where[i]] ^= 0x01;
    }
    /* One byte more or less. */
    CHECK_INT(core_pki_cms_verify(f.ca_pem, ca_len, content, len - 1, der, der_len, &who, &err),
              LD_EVERIFY);
    /* The signature of another file. */
    CHECK_INT(
        core_pki_cms_verify(f.ca_pem, ca_len, content, len, der_other, der_other_len, &who, &err),
        LD_EVERIFY);
    CHECK_CONTAINS(err.message, "content does not match");
    CHECK_INT((unsigned char)who.cert.common_name[0], saved); /* out untouched */

    /* Changing the signature bytes themselves: the last bytes of the DER are
     * the ECDSA signature value. */
    der[der_len - 3] ^= 0x40;
    CHECK_INT(core_pki_cms_verify(f.ca_pem, ca_len, content, len, der, der_len, &who, &err),
              LD_EVERIFY);
    der[der_len - 3] ^= 0x40;
    /* Truncated, padded and garbage signatures. */
    CHECK_INT(core_pki_cms_verify(f.ca_pem, ca_len, content, len, der, der_len - 1, &who, &err),
              LD_EVERIFY);
    CHECK_INT(core_pki_cms_verify(f.ca_pem, ca_len, content, len, content, 100, &who, &err),
              LD_EVERIFY);
    CHECK_CONTAINS(err.message, "not a DER CMS");
    CHECK_INT(core_pki_cms_verify(f.ca_pem, ca_len, content, len, der, 0, &who, &err), LD_EVERIFY);
    /* A bad trust anchor is the caller's input error, not a bad signature. */
    CHECK_INT(core_pki_cms_verify("nope", 4, content, len, der, der_len, &who, &err), LD_EINVAL);
    /* Still fine after all that. */
    CHECK_INT(core_pki_cms_verify(f.ca_pem, ca_len, content, len, der, der_len, &who, &err), LD_OK);
    free(der);
    free(der_other);
    free(content);
    free(other);
    fixture_free(&f);
}

static void cms_rejects_signer_of_another_ca(void)
{
    fixture ours, theirs;
    if (!fixture_make(&ours, T0, 3650, 365) || !fixture_make(&theirs, T0, 3650, 365)) {
        CHECK(0);
        return;
    }
    ld_error err;
    const unsigned char content[] = "loan ledger workbook";
    unsigned char *der = NULL;
    size_t der_len = 0;
    core_pki_signer_info who;
    /* Even with their CA certificate inside the signature: only ours is trusted. */
    CHECK_INT(core_pki_cms_sign(theirs.user_key, theirs.user_pem, strlen(theirs.user_pem),
                                theirs.ca_pem, strlen(theirs.ca_pem), content, sizeof content,
                                T0 + DAY, &der, &der_len, &err),
              LD_OK);
    CHECK_INT(core_pki_cms_verify(ours.ca_pem, strlen(ours.ca_pem), content, sizeof content, der,
                                  der_len, &who, &err),
              LD_EVERIFY);
    CHECK_CONTAINS(err.message, "not trusted");
    CHECK_INT(core_pki_cms_verify(theirs.ca_pem, strlen(theirs.ca_pem), content, sizeof content,
                                  der, der_len, &who, &err),
              LD_OK);
    free(der);
    der = NULL;

    /* The CA's own key cannot sign files: its certificate lacks digitalSignature. */
    CHECK_INT(core_pki_cms_sign(ours.ca_key, ours.ca_pem, strlen(ours.ca_pem), NULL, 0, content,
                                sizeof content, T0 + DAY, &der, &der_len, &err),
              LD_OK);
    CHECK_INT(core_pki_cms_verify(ours.ca_pem, strlen(ours.ca_pem), content, sizeof content, der,
                                  der_len, &who, &err),
              LD_EVERIFY);
    free(der);
    der = NULL;

    /* Key and certificate must belong together. */
    CHECK_INT(core_pki_cms_sign(ours.user_key, theirs.user_pem, strlen(theirs.user_pem), NULL, 0,
                                content, sizeof content, T0 + DAY, &der, &der_len, &err),
              LD_EINVAL);
    CHECK(der == NULL);
    fixture_free(&ours);
    fixture_free(&theirs);
}

static void cms_checks_the_chain_at_the_signing_time(void)
{
    /* Certificates of 2001 that expired long ago: what was signed while they
     * were valid still verifies; nothing can be signed outside their validity. */
    time_t y2001 = (time_t)978307200; /* 2001-01-01T00:00:00Z */
    fixture f;
    if (!fixture_make(&f, y2001, 30, 1)) {
        CHECK(0);
        return;
    }
    ld_error err;
    const unsigned char content[] = "inspection report";
    unsigned char *der = NULL;
    size_t der_len = 0;
    core_pki_signer_info who;
    CHECK_INT(cms_sign_simple(&f, content, sizeof content, y2001 + 3600, &der, &der_len, &err),
              LD_OK);
    CHECK_INT(core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), content, sizeof content, der, der_len,
                                  &who, &err),
              LD_OK);
    CHECK_INT(who.signing_time, y2001 + 3600);
    free(der);
    der = NULL;
    /* The last second of validity is still in; one second before or after is not. */
    CHECK_INT(cms_sign_simple(&f, content, sizeof content, y2001 + DAY, &der, &der_len, &err),
              LD_OK);
    free(der);
    der = NULL;
    CHECK_INT(cms_sign_simple(&f, content, sizeof content, y2001 + DAY + 1, &der, &der_len, &err),
              LD_ESTATE);
    CHECK_INT(cms_sign_simple(&f, content, sizeof content, y2001 - 1, &der, &der_len, &err),
              LD_ESTATE);
    CHECK(der == NULL);
    fixture_free(&f);

    /* After 2049 signingTime is a GeneralizedTime; it must read back exactly. */
    time_t late = (time_t)2522880000; /* 2049-12-12T00:00:00Z */
    if (!fixture_make(&f, late, 100, 60)) {
        CHECK(0);
        return;
    }
    time_t in_2050 = late + 40 * DAY + 59;
    CHECK_INT(cms_sign_simple(&f, content, sizeof content, in_2050, &der, &der_len, &err), LD_OK);
    CHECK_INT(core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), content, sizeof content, der, der_len,
                                  &who, &err),
              LD_OK);
    CHECK_INT(who.signing_time, in_2050);
    free(der);
    fixture_free(&f);
}

static void checkpoint_signature_detects_flipped_bits(void)
{
    fixture f;
    if (!fixture_make(&f, T0, 3650, 365)) {
        CHECK(0);
        return;
    }
    ld_error err;
    unsigned char checkpoint[] = "loandesk checkpoint v1\nsize 1024\nroot "
                                 "5d1f2c3e4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"
                                 "\ntime 2023-11-14T22:13:20Z\n";
    size_t len = sizeof checkpoint - 1;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    size_t cert_len = strlen(f.user_pem);
    CHECK_INT(core_pki_sign(f.user_key, checkpoint, len, &sig, &sig_len, &err), LD_OK);
    CHECK(sig_len >= 8 && sig_len <= 72);
    CHECK_INT(sig[0], 0x30);
    CHECK_INT(core_pki_verify(f.user_pem, cert_len, checkpoint, len, sig, sig_len, &err), LD_OK);
    /* Every bit of the data matters. */
    int missed = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            checkpoint[i] ^= (unsigned char)(1u << bit);
            if (core_pki_verify(f.user_pem, cert_len, checkpoint, len, sig, sig_len, &err) !=
                LD_EVERIFY)
                missed++;
            checkpoint[i] ^= (unsigned char)(1u << bit);
        }
    }
    CHECK_INT(missed, 0);
    /* And every byte of the signature. */
    missed = 0;
    for (size_t i = 0; i < sig_len; i++) {
        sig[i] ^= 0x10;
        if (core_pki_verify(f.user_pem, cert_len, checkpoint, len, sig, sig_len, &err) !=
            LD_EVERIFY)
            missed++;
        sig[i] ^= 0x10;
    }
    CHECK_INT(missed, 0);
    CHECK_INT(core_pki_verify(f.user_pem, cert_len, checkpoint, len - 1, sig, sig_len, &err),
              LD_EVERIFY);
    CHECK_INT(core_pki_verify(f.user_pem, cert_len, checkpoint, len, sig, sig_len - 1, &err),
              LD_EVERIFY);
    CHECK_INT(core_pki_verify(f.user_pem, cert_len, checkpoint, len, sig, 0, &err), LD_EVERIFY);
    /* Another key's certificate. */
    CHECK_INT(core_pki_verify(f.ca_pem, strlen(f.ca_pem), checkpoint, len, sig, sig_len, &err),
              LD_EVERIFY);
    CHECK_CONTAINS(err.message, "does not match");
    CHECK_INT(core_pki_verify("x", 1, checkpoint, len, sig, sig_len, &err), LD_EINVAL);
    /* Still good. */
    CHECK_INT(core_pki_verify(f.user_pem, cert_len, checkpoint, len, sig, sig_len, &err), LD_OK);
    free(sig);
    fixture_free(&f);
}

static void pem_der_and_public_key_helpers(void)
{
    fixture f;
    if (!fixture_make(&f, T0, 3650, 365)) {
        CHECK(0);
        return;
    }
    ld_error err;
    unsigned char *der = NULL;
    size_t der_len = 0;
    char *pem = NULL;
    CHECK_INT(core_pki_cert_pem_to_der(f.user_pem, strlen(f.user_pem), &der, &der_len, &err),
              LD_OK);
    CHECK_INT(der[0], 0x30);
    CHECK_INT(core_pki_cert_der_to_pem(der, der_len, &pem, &err), LD_OK);
    CHECK_STR(pem, f.user_pem);
    free(pem);
    pem = NULL;
    CHECK_INT(core_pki_cert_der_to_pem(der, der_len - 1, &pem, &err), LD_EINVAL);
    CHECK_INT(core_pki_cert_der_to_pem(der, 0, &pem, &err), LD_EINVAL);
    CHECK(pem == NULL);
    /* PEM without a terminating NUL, with text around it, as read from a file. */
    size_t n = strlen(f.user_pem);
    char *framed = malloc(n + 32);
    memcpy(framed, "subject=alice\n", 14);
    memcpy(framed + 14, f.user_pem, n);
    core_pki_cert_info info;
    CHECK_INT(core_pki_cert_inspect(framed, n + 14, &info, &err), LD_OK);
    CHECK_STR(info.common_name, "alice");
    CHECK_INT(core_pki_cert_inspect(framed, 14, &info, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "certificate: not a PEM certificate");
    free(framed);

    char *from_cert = NULL;
    char *from_key = NULL;
    CHECK_INT(core_pki_cert_public_pem(f.user_pem, strlen(f.user_pem), &from_cert, &err), LD_OK);
    CHECK_INT(core_pki_key_public_pem(f.user_key, &from_key, &err), LD_OK);
    CHECK_STR(from_cert, from_key);
    free(from_cert);
    free(from_key);
    free(der);
    fixture_free(&f);
}

/* ---- The stock openssl command line ---------------------------------------- */

static int have_openssl(void)
{
    static int known = -1;
    if (known < 0) {
        known = system("openssl version >/dev/null 2>&1") == 0;
        if (!known)
            printf("     (openssl command not found: command-line checks skipped)\n");
    }
    return known;
}

static int write_file(const char *dir, const char *name, const void *bytes, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        return 0;
    int ok = fwrite(bytes, 1, len, fp) == len;
    return fclose(fp) == 0 && ok;
}

static unsigned char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0, used = 0;
    for (;;) {
        if (used == cap) {
            cap = cap ? cap * 2 : 4096;
            unsigned char *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = grown;
        }
        size_t got = fread(buf + used, 1, cap - used, fp);
        used += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    *len = used;
    return buf;
}

/* Runs a shell command in dir with its output silenced; returns its exit code. */
static int run_in(const char *dir, const char *command)
{
    char line[2048];
    snprintf(line, sizeof line, "cd '%s' && %s >/dev/null 2>&1", dir, command);
    int status = system(line);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

#define CMS_VERIFY_CMD                                                                             \
    "openssl cms -verify -binary -inform DER -in X.xlsx.p7s -content X.xlsx -CAfile ca.pem "       \
    "-out /dev/null"

static void openssl_command_line_accepts_our_output(void)
{
    if (!have_openssl())
        return;
    char dir[] = "/tmp/loandesk-pki-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return;
    }
    /* The command line verifies at the current time, so issue for now. */
    time_t now = time(NULL);
    fixture f;
    if (!fixture_make(&f, now - 60, 3650, 365)) {
        CHECK(0);
        return;
    }
    ld_error err;
    size_t len = 50 * 1024;
    unsigned char *content = content_make(len, 4);
    unsigned char *der = NULL;
    size_t der_len = 0;
    CHECK_INT(cms_sign_simple(&f, content, len, now, &der, &der_len, &err), LD_OK);
    CHECK(write_file(dir, "ca.pem", f.ca_pem, strlen(f.ca_pem)));
    CHECK(write_file(dir, "alice.pem", f.user_pem, strlen(f.user_pem)));
    CHECK(write_file(dir, "X.xlsx", content, len));
    CHECK(write_file(dir, "X.xlsx.p7s", der, der_len));

    CHECK_INT(run_in(dir, CMS_VERIFY_CMD), 0);
    CHECK_INT(run_in(dir, "openssl verify -x509_strict -purpose smimesign -CAfile ca.pem "
                          "alice.pem"),
              0);
    CHECK_INT(run_in(dir, "openssl verify -x509_strict -CAfile ca.pem ca.pem"), 0);
    /* The extensions issue 5 asks for, as openssl prints them. */
    CHECK_INT(run_in(dir, "openssl x509 -in ca.pem -noout -text | grep -A1 'Basic Constraints: "
                          "critical' | grep -q 'CA:TRUE'"),
              0);
    CHECK_INT(run_in(dir, "openssl x509 -in alice.pem -noout -text | grep -A1 'Key Usage: "
                          "critical' | grep -q 'Digital Signature, Non Repudiation'"),
              0);
    CHECK_INT(run_in(dir, "openssl x509 -in alice.pem -noout -text | grep -q 'Extended Key'"), 1);
    /* Serial and fingerprint read the way openssl prints them. */
    core_pki_cert_info info;
    CHECK_INT(core_pki_cert_inspect(f.user_pem, strlen(f.user_pem), &info, &err), LD_OK);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "test \"$(openssl x509 -in alice.pem -noout -serial)\" = 'serial=%s'",
             info.serial);
    CHECK_INT(run_in(dir, cmd), 0);
    snprintf(cmd, sizeof cmd,
             "openssl x509 -in alice.pem -outform DER | openssl dgst -sha256 -r | grep -q '^%s '",
             info.fingerprint);
    CHECK_INT(run_in(dir, cmd), 0);

    /* A changed byte fails there too. */
    content[len / 3] ^= 0x80;
    CHECK(write_file(dir, "X.xlsx", content, len));
    CHECK(run_in(dir, CMS_VERIFY_CMD) != 0);
    content[len / 3] ^= 0x80;
    CHECK(write_file(dir, "X.xlsx", content, len));
    CHECK_INT(run_in(dir, CMS_VERIFY_CMD), 0);

    /* An encrypted key file opens with the password in openssl and not without. */
    char *key_pem = NULL;
    CHECK_INT(core_pki_key_encrypt(f.user_key, "pa55 word", &key_pem, &err), LD_OK);
    CHECK(write_file(dir, "alice.key", key_pem, strlen(key_pem)));
    CHECK_INT(run_in(dir, "openssl pkey -in alice.key -passin 'pass:pa55 word' -noout"), 0);
    CHECK(run_in(dir, "openssl pkey -in alice.key -passin pass:wrong -noout") != 0);
    CHECK_INT(run_in(dir, "openssl asn1parse -in alice.key | grep -q :scrypt"), 0);

    /* A checkpoint signature checks with `openssl dgst` and the certificate's key. */
    const unsigned char checkpoint[] = "size 7\nroot 00ff\n";
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    CHECK_INT(core_pki_sign(f.user_key, checkpoint, sizeof checkpoint - 1, &sig, &sig_len, &err),
              LD_OK);
    CHECK(write_file(dir, "checkpoint", checkpoint, sizeof checkpoint - 1));
    CHECK(write_file(dir, "checkpoint.sig", sig, sig_len));
    CHECK_INT(run_in(dir, "openssl x509 -in alice.pem -noout -pubkey > alice.pub && "
                          "openssl dgst -sha256 -verify alice.pub -signature checkpoint.sig "
                          "checkpoint"),
              0);

    /* And the other way: a signature made by `openssl cms -sign` verifies here. */
    CHECK_INT(run_in(dir, "openssl cms -sign -binary -outform DER -in X.xlsx -signer alice.pem "
                          "-inkey alice.key -passin 'pass:pa55 word' -md sha256 -out cli.p7s"),
              0);
    unsigned char *cli_der = NULL;
    size_t cli_len = 0;
    cli_der = read_file(dir, "cli.p7s", &cli_len);
    CHECK(cli_der != NULL);
    core_pki_signer_info who;
    if (cli_der != NULL) {
        CHECK_INT(core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), content, len, cli_der, cli_len,
                                      &who, &err),
                  LD_OK);
        CHECK_STR(who.cert.common_name, "alice");
        CHECK(who.signing_time >= now - 5 && who.signing_time <= time(NULL) + 5);
    }
    free(cli_der);
    /* An attached (non-detached) signature is not what docs/design.md specifies. */
    CHECK_INT(run_in(dir, "openssl cms -sign -nodetach -binary -outform DER -in X.xlsx "
                          "-signer alice.pem -inkey alice.key -passin 'pass:pa55 word' "
                          "-out attached.p7s"),
              0);
    cli_der = read_file(dir, "attached.p7s", &cli_len);
    if (cli_der != NULL)
        CHECK_INT(core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), content, len, cli_der, cli_len,
                                      &who, &err),
                  LD_EVERIFY);
    CHECK_CONTAINS(err.message, "not detached");
    free(cli_der);
    /* Without the signer's certificate inside, the signer is unknown. */
    CHECK_INT(run_in(dir, "openssl cms -sign -nocerts -binary -outform DER -in X.xlsx "
                          "-signer alice.pem -inkey alice.key -passin 'pass:pa55 word' "
                          "-out nocerts.p7s"),
              0);
    cli_der = read_file(dir, "nocerts.p7s", &cli_len);
    if (cli_der != NULL)
        CHECK_INT(core_pki_cms_verify(f.ca_pem, strlen(f.ca_pem), content, len, cli_der, cli_len,
                                      &who, &err),
                  LD_EVERIFY);
    CHECK_CONTAINS(err.message, "unknown signer");
    free(cli_der);

    if (getenv("KEEP"))
        return;
    CHECK_INT(run_in(dir, "rm -f ca.pem alice.pem alice.key alice.pub X.xlsx X.xlsx.p7s "
                          "checkpoint checkpoint.sig cli.p7s attached.p7s nocerts.p7s"),
              0);
    CHECK_INT(rmdir(dir), 0);
    free(sig);
    free(key_pem);
    free(der);
    free(content);
    fixture_free(&f);
}

static const check_case cases[] = {
    {"ca_certificate_has_ca_fields", ca_certificate_has_ca_fields},
    {"user_certificate_names_user_role_and_institution",
     user_certificate_names_user_role_and_institution},
    {"issuance_is_bounded_by_the_ca", issuance_is_bounded_by_the_ca},
    {"encrypted_key_round_trips_and_refuses_wrong_password",
     encrypted_key_round_trips_and_refuses_wrong_password},
    {"identity_create_gives_encrypted_key_and_certificate",
     identity_create_gives_encrypted_key_and_certificate},
    {"cms_sign_verify_round_trip", cms_sign_verify_round_trip},
    {"cms_rejects_changed_content_and_swapped_signature",
     cms_rejects_changed_content_and_swapped_signature},
    {"cms_rejects_signer_of_another_ca", cms_rejects_signer_of_another_ca},
    {"cms_checks_the_chain_at_the_signing_time", cms_checks_the_chain_at_the_signing_time},
    {"checkpoint_signature_detects_flipped_bits", checkpoint_signature_detects_flipped_bits},
    {"pem_der_and_public_key_helpers", pem_der_and_public_key_helpers},
    {"openssl_command_line_accepts_our_output", openssl_command_line_accepts_our_output},
};

int main(int argc, char **argv)
{
    return CHECK_RUN(argc, argv, cases);
}
