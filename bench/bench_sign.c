/*
 * bench_sign.c - how fast core/pki signs and verifies: detached CMS signatures
 * of a workbook-sized file (issue 5 asks for 50 signed inspection workbooks a
 * second overall, so signing must be a small part of that), checkpoint
 * signatures, and unlocking an encrypted key (scrypt, paid once per command).
 * Bare SHA-256 over the same bytes is printed alongside for scale.
 *
 * Usage: bench_sign [FILE_BYTES]   (default 51200). Each figure runs for about
 * a second of wall time. Integer arithmetic only, like the rest of loandesk.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "pki.h"

#define RUN_NS 1000000000LL

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void report(const char *what, int64_t ops, int64_t ns)
{
    int64_t per_s = ns > 0 ? ops * 1000000000LL / ns : 0;
    int64_t us_each = ops > 0 ? ns / ops / 1000 : 0;
    printf("%-34s %10" PRId64 " /s  %8" PRId64 " us each  (%" PRId64 " ops)\n", what, per_s,
           us_each, ops);
}

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench_sign: %s: %s\n", what, err->message);
    exit(1);
}

int main(int argc, char **argv)
{
    size_t len = 51200;
    if (argc > 1) {
        char *end = NULL;
        unsigned long long v = strtoull(argv[1], &end, 10);
        if (end == argv[1] || *end != '\0' || v == 0 || v > (1ULL << 30)) {
            fprintf(stderr, "usage: bench_sign [FILE_BYTES (1..2^30)]\n");
            return 1;
        }
        len = (size_t)v;
    }
    ld_error err;
    time_t now = time(NULL);
    core_pki_key *ca_key = NULL, *key = NULL;
    char *ca_pem = NULL, *cert_pem = NULL, *key_pem = NULL;
    core_pki_subject ca_subject = {"loandesk CA bench", NULL, "Bench Bank"};
    core_pki_subject user = {"bench", "officer", "Bench Bank"};
    if (core_pki_key_generate(&ca_key, &err) != LD_OK ||
        core_pki_ca_cert_create(ca_key, &ca_subject, 3650, now, &ca_pem, &err) != LD_OK ||
        core_pki_key_generate(&key, &err) != LD_OK ||
        core_pki_cert_issue(ca_key, ca_pem, strlen(ca_pem), key, &user, 365, now, &cert_pem,
                            &err) != LD_OK ||
        core_pki_key_encrypt(key, "bench password", &key_pem, &err) != LD_OK)
        die("setup", &err);

    unsigned char *content = malloc(len);
    if (content == NULL)
        return 1;
    for (size_t i = 0; i < len; i++)
        content[i] = (unsigned char)(i * 131 + (i >> 8));
    printf("file size %zu bytes\n", len);

    int64_t ops = 0, t0 = now_ns(), t;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len;
    do {
        EVP_Digest(content, len, md, &md_len, EVP_sha256(), NULL);
        ops++;
    } while ((t = now_ns() - t0) < RUN_NS);
    report("bare SHA-256 of the file", ops, t);

    unsigned char *der = NULL;
    size_t der_len = 0;
    ops = 0;
    t0 = now_ns();
    do {
        free(der);
        der = NULL;
        if (core_pki_cms_sign(key, cert_pem, strlen(cert_pem), NULL, 0, content, len, now, &der,
                              &der_len, &err) != LD_OK)
            die("cms sign", &err);
        ops++;
    } while ((t = now_ns() - t0) < RUN_NS);
    report("CMS detached sign", ops, t);

    core_pki_signer_info who;
    ops = 0;
    t0 = now_ns();
    do {
        if (core_pki_cms_verify(ca_pem, strlen(ca_pem), content, len, der, der_len, &who, &err) !=
            LD_OK)
            die("cms verify", &err);
        ops++;
    } while ((t = now_ns() - t0) < RUN_NS);
    report("CMS verify (chain to CA)", ops, t);

    const unsigned char checkpoint[] = "size 10000000\nroot 00112233445566778899aabbccddeeff\n";
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    ops = 0;
    t0 = now_ns();
    do {
        free(sig);
        sig = NULL;
        if (core_pki_sign(key, checkpoint, sizeof checkpoint - 1, &sig, &sig_len, &err) != LD_OK)
            die("sign", &err);
        ops++;
    } while ((t = now_ns() - t0) < RUN_NS);
    report("checkpoint sign", ops, t);

    ops = 0;
    t0 = now_ns();
    do {
        if (core_pki_verify(cert_pem, strlen(cert_pem), checkpoint, sizeof checkpoint - 1, sig,
                            sig_len, &err) != LD_OK)
            die("verify", &err);
        ops++;
    } while ((t = now_ns() - t0) < RUN_NS);
    report("checkpoint verify", ops, t);

    ops = 0;
    t0 = now_ns();
    do {
        core_pki_key *unlocked = NULL;
        if (core_pki_key_decrypt(key_pem, strlen(key_pem), "bench password", &unlocked, &err) !=
            LD_OK)
            die("key decrypt", &err);
        core_pki_key_free(unlocked);
        ops++;
    } while ((t = now_ns() - t0) < RUN_NS);
    report("key unlock (scrypt N=16384)", ops, t);

    free(sig);
    free(der);
    free(content);
    free(key_pem);
    free(cert_pem);
    free(ca_pem);
    core_pki_key_free(key);
    core_pki_key_free(ca_key);
    return 0;
}
