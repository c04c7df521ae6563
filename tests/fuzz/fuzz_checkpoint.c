/*
 * fuzz_checkpoint.c - signed checkpoints (ledger/proof.c and the raw
 * signatures of core/pki.c). The input is a checkpoint block as an export
 * writes it: the five signed lines, then "signature HEX". The parser accepts
 * only the one text form, so accepted text must be exactly what
 * ledger_checkpoint_text writes for the parsed value. The signature in the
 * input is checked against a certificate made at start-up, whose key the
 * input cannot know: it must never verify, while the same text signed with
 * that key verifies, and the signature does not carry over to other text.
 */
#include "fuzz.h"

#include <time.h>

#include "digest.h"
#include "pki.h"
#include "proof.h"

static core_pki_key *signer;
static char *signer_cert;

static void make_signer(void)
{
    core_pki_subject subject = {"loandesk fuzz institution", "institution", "loandesk"};
    FUZZ_CHECK(core_pki_key_generate(&signer, NULL) == LD_OK);
    FUZZ_CHECK(core_pki_ca_cert_create(signer, &subject, 30, time(NULL), &signer_cert, NULL) ==
               LD_OK);
}

/* The length of the signed lines of text[0..len), or len when fewer. */
static size_t signed_lines(const char *text, size_t len)
{
    size_t at = 0;
    for (int line = 0; line < LEDGER_CHECKPOINT_LINES; line++) {
        const char *nl = memchr(text + at, '\n', len - at);
        if (nl == NULL)
            return len;
        at = (size_t)(nl - text) + 1;
    }
    return at;
}

static void check_signatures(const char *text, size_t text_len, const char *rest, size_t rest_len)
{
    size_t cert_len = strlen(signer_cert);
    const char *prefix = "signature ";
    if (rest_len > 10 && memcmp(rest, prefix, 10) == 0) {
        const char *hex = rest + 10;
        const char *nl = memchr(hex, '\n', rest_len - 10);
        size_t hex_len = nl != NULL ? (size_t)(nl - hex) : rest_len - 10;
        unsigned char sig[256];
        if (hex_len / 2 <= sizeof sig && core_hex_decode(hex, hex_len, sig))
            FUZZ_CHECK(core_pki_verify(signer_cert, cert_len, (const unsigned char *)text, text_len,
                                       sig, hex_len / 2, NULL) != LD_OK);
    }

    unsigned char *own = NULL;
    size_t own_len = 0;
    FUZZ_CHECK(core_pki_sign(signer, (const unsigned char *)text, text_len, &own, &own_len, NULL) ==
               LD_OK);
    FUZZ_CHECK(core_pki_verify(signer_cert, cert_len, (const unsigned char *)text, text_len, own,
                               own_len, NULL) == LD_OK);
    char *changed = fuzz_text((const uint8_t *)text, text_len);
    changed[text_len / 2] ^= 0x01;
    FUZZ_CHECK(core_pki_verify(signer_cert, cert_len, (const unsigned char *)changed, text_len, own,
                               own_len, NULL) == LD_EVERIFY);
    free(changed);
    free(own);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (signer == NULL)
        make_signer();
    const char *text = (const char *)data;
    size_t text_len = signed_lines(text, size);
    ledger_checkpoint checkpoint;
    ld_error err;
    if (ledger_checkpoint_parse(text, text_len, &checkpoint, &err) != LD_OK) {
        FUZZ_CHECK(err.code == LD_EINVAL);
        return 0;
    }
    char again[LEDGER_CHECKPOINT_TEXT_MAX];
    size_t again_len = 0;
    FUZZ_CHECK(ledger_checkpoint_text(&checkpoint, again, &again_len, NULL) == LD_OK);
    FUZZ_CHECK(again_len == text_len && memcmp(again, text, text_len) == 0);
    FUZZ_CHECK(checkpoint.time >= 0);
    check_signatures(text, text_len, text + text_len, size - text_len);
    return 0;
}
