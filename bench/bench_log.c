/*
 * bench_log.c - ledger log benchmark (issue 4, "Benchmark").
 *
 *   bench_log [ENTRIES [REPS [DB]]]     defaults: 10000000 entries, 3 reps, /tmp/bench_log.db
 *
 * 1. Append: ENTRIES canonical JSON entries (~180-byte repayment events) into a
 *    file database in WAL mode with synchronous=FULL, committed in batches of
 *    10,000 per transaction. Target >= 200,000 entries/s.
 * 2. Verify: ledger_log_verify_all over the whole log, against bare SHA-256 of
 *    the same entry bytes (held in memory, same OpenSSL primitive) in the same
 *    run; median of REPS. Target ratio >= 0.3.
 * 3. Proofs: inclusion proofs for random entries from the full log, and
 *    consistency proofs, one at a time. Target < 10 ms each.
 * 4. A checkpoint per command: commands of one entry each, one transaction
 *    each, on the full log, alternately without and with a signed checkpoint
 *    over what the command appended (ledger_log_seal, ECDSA P-256), as every
 *    command now does; median per-command time of each, side by side.
 *
 * Verification hashes on two threads (log_store.c): the ratio is against
 * bare SHA-256 on one thread, so it can exceed what one core gives.
 *
 * Connection settings as core/store.c opens them: SQLITE_OPEN_NOMUTEX (one
 * thread per connection), memory statistics off, 16 KiB pages, a WAL
 * checkpoint every ~100 MB (6400 pages); plus a 256 MiB page cache.
 * BENCH_WAL_AUTOCHECKPOINT=PAGES overrides the checkpoint interval to see how
 * it affects appends (SQLite's own default is 1000).
 *
 * Timing uses double seconds; no money is involved.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "merkle.h"
#include "pki.h"
#include "trust.h"

#define BATCH 10000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench_log: %s: %s\n", what, err != NULL ? err->message : "");
    exit(10);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_log: %s: %s\n", sql, msg);
        exit(10);
    }
}

/* The key a command signs its checkpoint with. */
typedef struct bench_signer {
    const core_pki_key *key;
    const char *cert;
} bench_signer;

static ld_status bench_key(void *ctx, const core_pki_key **key, const char **cert, ld_error *err)
{
    (void)err;
    const bench_signer *s = ctx;
    *key = s->key;
    *cert = s->cert;
    return LD_OK;
}

/* A repayment event as the lead's ledger will write it, canonical (keys sorted). */
static int entry_text(uint64_t i, char *buf, size_t cap)
{
    uint64_t r = i * 2654435761u;
    return snprintf(buf, cap,
                    "{\"compound_interest\":0,\"date\":\"2024-%02u-%02u\",\"event\":\"repayment\","
                    "\"interest\":%" PRIu64 ",\"loan\":\"LN2024%08" PRIu64
                    "\",\"officer\":\"u%04" PRIu64 "\",\"penalty_interest\":%" PRIu64
                    ",\"principal\":%" PRIu64 ",\"total\":%" PRIu64 ",\"user\":\"u%04" PRIu64 "\"}",
                    (unsigned)(1 + i % 12), (unsigned)(1 + i % 28), r % 500000, i % 1000000,
                    r % 300, (r >> 7) % 1000, (r >> 3) % 50000000, r % 51000000, (r >> 11) % 300);
}

int main(int argc, char **argv)
{
    uint64_t entries = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    int reps = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    const char *path = argc > 3 ? argv[3] : "/tmp/bench_log.db";
    if (entries < 2 || reps < 1) {
        fprintf(stderr, "usage: bench_log [ENTRIES>=2 [REPS>=1 [DB]]]\n");
        return 1;
    }
    ld_error err;

    /* The entry bytes, generated once: appended, then hashed bare. */
    size_t cap = (size_t)entries * 200;
    char *bytes = malloc(cap);
    size_t *offset = malloc(((size_t)entries + 1) * sizeof *offset);
    if (bytes == NULL || offset == NULL)
        die("out of memory", NULL);
    size_t at = 0;
    for (uint64_t i = 0; i < entries; i++) {
        offset[i] = at;
        at += (size_t)entry_text(i, bytes + at, cap - at);
    }
    offset[entries] = at;
    printf("entries: %" PRIu64 ", mean %.1f bytes, %.1f MB\n", entries, (double)at / entries,
           at / 1e6);

    char side[512];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    /* Process-wide: no allocation statistics, which would take a global mutex
     * on every SQLite malloc. Must precede the first connection. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3 *db = NULL;
    /* loandesk is single-threaded per connection: no SQLite mutexes. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        die("open", NULL);
    exec(db, "PRAGMA page_size=16384");
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA synchronous=FULL");
    exec(db, "PRAGMA cache_size=-262144"); /* 256 MiB page cache */
    /* The WAL checkpoint interval core/store.c gives every connection, unless
     * BENCH_WAL_AUTOCHECKPOINT says otherwise. */
    const char *autockpt = getenv("BENCH_WAL_AUTOCHECKPOINT");
    long pages = autockpt != NULL ? strtol(autockpt, NULL, 10) : 100L * 1024 * 1024 / 16384;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA wal_autocheckpoint=%ld", pages);
    exec(db, pragma);
    printf("wal_autocheckpoint=%ld pages\n", pages);
    ledger_log *log = NULL;
    if (ledger_log_open(db, &log, &err) != LD_OK)
        die("ledger_log_open", &err);

    /* 1. Append, batches of BATCH entries per transaction. */
    size_t batches = (size_t)((entries + BATCH - 1) / BATCH);
    double *batch_rate = malloc(batches * sizeof *batch_rate);
    double commit_s = 0;
    double t0 = now();
    for (size_t b = 0; b < batches; b++) {
        double tb = now();
        uint64_t first = (uint64_t)b * BATCH, last = first + BATCH;
        if (last > entries)
            last = entries;
        exec(db, "BEGIN");
        for (uint64_t i = first; i < last; i++) {
            uint64_t seq;
            if (ledger_log_append(log, bytes + offset[i], offset[i + 1] - offset[i], &seq, &err) !=
                LD_OK)
                die("append", &err);
        }
        double tc = now();
        exec(db, "COMMIT");
        commit_s += now() - tc;
        batch_rate[b] = (double)(last - first) / (now() - tb);
        if (entries >= 1000000 && (b + 1) % 100 == 0) {
            fprintf(stderr, "\r  appended %" PRIu64 " ...", last);
            fflush(stderr);
        }
    }
    double append_s = now() - t0;
    if (entries >= 1000000)
        fprintf(stderr, "\n");
    printf("append: %" PRIu64 " entries in %.2f s = %.0f entries/s overall, median batch %.0f "
           "entries/s (WAL, synchronous=FULL, %d per transaction; target >= 200000)\n",
           entries, append_s, entries / append_s, median(batch_rate, batches), BATCH);
    printf("  of which COMMIT (WAL write, fsync, checkpoints): %.2f s\n", commit_s);
    free(batch_rate);
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");

    /* 2. Verify against bare SHA-256 of the same bytes, alternating, median of reps. */
    ledger_hasher *hasher = NULL;
    if (ledger_hasher_new(&hasher, &err) != LD_OK)
        die("hasher", &err);
    double *verify_s = malloc((size_t)reps * sizeof *verify_s);
    double *bare_s = malloc((size_t)reps * sizeof *bare_s);
    double *ratio = malloc((size_t)reps * sizeof *ratio);
    double *path_s = malloc((size_t)reps * sizeof *path_s);
    double *bare_cpu_s = malloc((size_t)reps * sizeof *bare_cpu_s);
    uint8_t fold = 0;
    for (int r = 0; r < reps; r++) {
        double tv = now(), main0 = cpu(CLOCK_THREAD_CPUTIME_ID),
               all0 = cpu(CLOCK_PROCESS_CPUTIME_ID);
        uint64_t first_bad = 0;
        if (ledger_log_verify_all(log, &first_bad, &err) != LD_OK)
            die("verify_all", &err);
        verify_s[r] = now() - tv;
        /* CPU of the reading thread and of the hashing thread: the longer of
         * the two is the time on two cores nobody else uses. */
        double main_cpu = cpu(CLOCK_THREAD_CPUTIME_ID) - main0;
        double hash_cpu = cpu(CLOCK_PROCESS_CPUTIME_ID) - all0 - main_cpu;
        path_s[r] = main_cpu > hash_cpu ? main_cpu : hash_cpu;
        printf("  rep %d: reading thread %.2f s CPU, hashing thread %.2f s CPU\n", r + 1, main_cpu,
               hash_cpu);
        double tb = now(), bare0 = cpu(CLOCK_THREAD_CPUTIME_ID);
        for (uint64_t i = 0; i < entries; i++) {
            ledger_hash h;
            if (ledger_hasher_sha256(hasher, bytes + offset[i], offset[i + 1] - offset[i], &h,
                                     &err) != LD_OK)
                die("sha256", &err);
            fold ^= h.bytes[0];
        }
        bare_s[r] = now() - tb;
        bare_cpu_s[r] = cpu(CLOCK_THREAD_CPUTIME_ID) - bare0;
        ratio[r] = bare_s[r] / verify_s[r];
        printf("  rep %d: verify %.2f s (%.0f entries/s), bare SHA-256 %.2f s (%.0f entries/s)\n",
               r + 1, verify_s[r], entries / verify_s[r], bare_s[r], entries / bare_s[r]);
    }
    double v = median(verify_s, (size_t)reps), bare = median(bare_s, (size_t)reps);
    printf("verify: %" PRIu64 " entries in %.2f s = %.0f entries/s (%.0f MB/s of entries)\n",
           entries, v, entries / v, at / v / 1e6);
    printf("bare SHA-256 (same bytes, same primitive): %.2f s = %.0f entries/s (%.0f MB/s)\n", bare,
           entries / bare, at / bare / 1e6);
    printf("verify / bare ratio: %.3f of medians, %.3f median of per-rep ratios (target >= 0.5)   "
           "[fold %u]\n",
           bare / v, median(ratio, (size_t)reps), fold);
    double busier = median(path_s, (size_t)reps), bare_cpu = median(bare_cpu_s, (size_t)reps);
    printf("on two free cores (CPU time, so other processes' load does not count): verify %.3f s "
           "(the busier of its two threads), bare SHA-256 %.3f s; ratio %.3f (target >= 0.5)\n",
           busier, bare_cpu, bare_cpu / busier);
    free(path_s);
    free(bare_cpu_s);
    free(ratio);
    free(verify_s);
    free(bare_s);

    /* 3. Proofs from the full log, one at a time. */
    enum { PROOFS = 1000 };
    double *proof_ms = malloc(PROOFS * sizeof *proof_ms);
    ledger_hash root;
    if (ledger_log_root(log, entries, &root, &err) != LD_OK)
        die("root", &err);
    int bad = 0;
    for (int i = 0; i < PROOFS; i++) {
        uint64_t index = rng() % entries;
        ledger_proof proof;
        double tp = now();
        if (ledger_log_inclusion_proof(log, index, entries, &proof, &err) != LD_OK)
            die("inclusion proof", &err);
        proof_ms[i] = (now() - tp) * 1e3;
        ledger_hash leaf;
        if (ledger_hash_leaf(bytes + offset[index], offset[index + 1] - offset[index], &leaf,
                             &err) != LD_OK ||
            !ledger_inclusion_verify(index, entries, &leaf, proof.hashes, proof.count, &root, &err))
            bad++;
    }
    double first_ms = proof_ms[0];
    double p50 = median(proof_ms, PROOFS);
    printf("inclusion proof (size %" PRIu64 "): first %.3f ms, median %.3f ms, max %.3f ms over "
           "%d random entries, %d failed to verify (target < 10 ms)\n",
           entries, first_ms, p50, proof_ms[PROOFS - 1], PROOFS, bad);
    bad = 0;
    for (int i = 0; i < PROOFS; i++) {
        uint64_t old_size = 1 + rng() % (entries - 1);
        ledger_proof proof;
        ledger_hash old_root;
        double tp = now();
        if (ledger_log_consistency_proof(log, old_size, entries, &proof, &err) != LD_OK)
            die("consistency proof", &err);
        proof_ms[i] = (now() - tp) * 1e3;
        if (ledger_log_root(log, old_size, &old_root, &err) != LD_OK ||
            !ledger_consistency_verify(old_size, entries, &old_root, &root, proof.hashes,
                                       proof.count, &err))
            bad++;
    }
    p50 = median(proof_ms, PROOFS);
    printf("consistency proof (to size %" PRIu64 "): median %.3f ms, max %.3f ms, %d failed\n",
           entries, p50, proof_ms[PROOFS - 1], bad);
    free(proof_ms);

    /* 4. A command's own transaction, without and with its checkpoint. */
    core_pki_key *key = NULL;
    char *cert = NULL;
    core_pki_subject subject = {"bench ledger", "institution", "bench"};
    if (core_pki_key_generate(&key, &err) != LD_OK ||
        core_pki_ca_cert_create(key, &subject, 30, time(NULL), &cert, &err) != LD_OK)
        die("bench key", &err);
    bench_signer signer = {key, cert};
    enum { COMMANDS = 400, ROUNDS = 5 };
    double plain_ms[ROUNDS], sealed_ms[ROUNDS], seal_ms[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
        for (int sealed = 0; sealed < 2; sealed++) {
            double tc = now(), seal_sum = 0;
            for (int c = 0; c < COMMANDS; c++) {
                uint64_t seq;
                char text[256];
                int n =
                    entry_text(entries + (uint64_t)(round * 2 + sealed) * COMMANDS + (uint64_t)c,
                               text, sizeof text);
                exec(db, "BEGIN");
                if (ledger_log_append(log, text, (size_t)n, &seq, &err) != LD_OK)
                    die("append", &err);
                bool made = false;
                double ts = now();
                if (sealed && ledger_log_seal(log, NULL, bench_key, &signer, (int64_t)time(NULL),
                                              &made, NULL, &err) != LD_OK)
                    die("seal", &err);
                if (sealed)
                    seal_sum += now() - ts;
                exec(db, "COMMIT");
            }
            (sealed ? sealed_ms : plain_ms)[round] = (now() - tc) * 1e3 / COMMANDS;
            if (sealed)
                seal_ms[round] = seal_sum * 1e3 / COMMANDS;
        }
    }
    double plain = median(plain_ms, ROUNDS), with_cp = median(sealed_ms, ROUNDS);
    printf("command of one entry, own transaction (WAL, synchronous=FULL): %.3f ms without a "
           "checkpoint, %.3f ms with one (%+.3f ms, x%.2f; medians of %d rounds of %d)\n",
           plain, with_cp, with_cp - plain, with_cp / plain, ROUNDS, COMMANDS);
    /* The checkpoint alone (its root, the ECDSA signature, its row), free of
     * the commit's fsync, whose variance on a shared disk is larger than it. */
    printf("  of which the checkpoint itself: %.3f ms a command (median of %d rounds)\n",
           median(seal_ms, ROUNDS), ROUNDS);
    core_pki_key_free(key);
    free(cert);

    ledger_hasher_free(hasher);
    ledger_log_close(log);
    sqlite3_close(db);
    free(bytes);
    free(offset);
    return 0;
}
