/*
 * fuzz_verify_offline.c - offline verification of a ledger export
 * (ledger_verify_offline in ledger/attest_store.c). The input holds four
 * files of an export separated by NUL bytes: entries.jsonl, checkpoints,
 * institution.pem and consistency, written into a temporary directory for
 * each run. The trust anchor is a CA made at start-up, whose key the input
 * cannot know. The verifier must never crash, must refuse with LD_EVERIFY,
 * LD_EINVAL or LD_ENOTFOUND, and when it accepts, its report must count
 * every line and every checkpoint block of the files.
 */
#include "fuzz.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger_verify.h"
#include "pki.h"

static char dir[64];

static void remove_dir(void)
{
    const char *names[] = {"entries.jsonl", "checkpoints", "institution.pem", "consistency",
                           "anchor.pem"};
    char path[128];
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static char anchor_path[128];

static void make_dir(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/loandesk-fuzz-XXXXXX", base);
    FUZZ_CHECK(mkdtemp(dir) != NULL);
    atexit(remove_dir);
    core_pki_key *key = NULL;
    char *pem = NULL;
    core_pki_subject subject = {"loandesk fuzz CA", "certification authority", "loandesk"};
    FUZZ_CHECK(core_pki_key_generate(&key, NULL) == LD_OK);
    FUZZ_CHECK(core_pki_ca_cert_create(key, &subject, 30, time(NULL), &pem, NULL) == LD_OK);
    snprintf(anchor_path, sizeof anchor_path, "%s/anchor.pem", dir);
    FILE *f = fopen(anchor_path, "wb");
    FUZZ_CHECK(f != NULL);
    fputs(pem, f);
    FUZZ_CHECK(fclose(f) == 0);
    free(pem);
    core_pki_key_free(key);
}

static void write_part(const char *name, const uint8_t *bytes, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(bytes, 1, len, f) == len || len == 0);
    FUZZ_CHECK(fclose(f) == 0);
}

/* The next part of the input up to a NUL (or the end). */
static size_t next_part(const uint8_t *data, size_t size, size_t at, size_t *len)
{
    const uint8_t *nul = at < size ? memchr(data + at, '\0', size - at) : NULL;
    *len = nul != NULL ? (size_t)(nul - (data + at)) : size - (at < size ? at : size);
    return nul != NULL ? (size_t)(nul - data) + 1 : size;
}

static uint64_t count_byte(const uint8_t *bytes, size_t len, uint8_t byte)
{
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += bytes[i] == byte;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dir[0] == '\0')
        make_dir();
    size_t entries_len, checkpoints_len, pem_len, consistency_len;
    size_t at = next_part(data, size, 0, &entries_len);
    const uint8_t *entries = data, *checkpoints = data + at;
    at = next_part(data, size, at, &checkpoints_len);
    const uint8_t *pem = data + at;
    at = next_part(data, size, at, &pem_len);
    const uint8_t *consistency = data + at;
    next_part(data, size, at, &consistency_len);
    write_part("entries.jsonl", entries, entries_len);
    write_part("checkpoints", checkpoints, checkpoints_len);
    write_part("institution.pem", pem, pem_len);
    write_part("consistency", consistency, consistency_len);

    ledger_verify_report report;
    ld_error err;
    ledger_verify_options anchor = {.ca_file = anchor_path};
    ld_status st = ledger_verify_offline(dir, &anchor, &report, &err);
    if (st != LD_OK) {
        FUZZ_CHECK(st == LD_EVERIFY || st == LD_EINVAL || st == LD_ENOTFOUND);
        FUZZ_CHECK(err.code == st);
        return 0;
    }
    FUZZ_CHECK(report.entries == count_byte(entries, entries_len, '\n'));
    FUZZ_CHECK(report.checkpoints * (LEDGER_CHECKPOINT_LINES + 3) ==
               count_byte(checkpoints, checkpoints_len, '\n'));
    return 0;
}
