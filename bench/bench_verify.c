/*
 * bench_verify.c - verification of a synthetic book whose rows are all in the
 * log (rows.h): LOANS loans written with the ledger attached, then DAYS closes
 * of business, each signing a checkpoint. Timed, each beside bare SHA-256 over
 * the same bytes in memory, measured in the same run:
 *   - the log: every leaf hash and stored subtree root recomputed;
 *   - the checkpoints: every signature and root;
 *   - the state replay: every entry read and replayed ("rows" entries by the
 *     purpose-built reader, rows_reader.h), then every covered table read
 *     once in key order and compared with the replay; beside it the same
 *     replay with every entry parsed into a general JSON tree, as before.
 * The synthetic loans carry no journal (ledger_synth.h), so the journal's
 * reconciliation, which needs one, is left out; ledger_verify runs the same
 * phases and then reconciles. Medians of RUNS runs.
 * Usage: bench_verify [LOANS] [DAYS] [DB_PATH] [RUNS].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "keystore.h"
#include "ledger_verify.h"
#include "ledger_events.h"
#include "ledger_synth.h"
#include "loan.h"
#include "log.h"
#include "policy.h"
#include "pki.h"
#include "proof.h"
#include "rows.h"
#include "store_sql.h"
#include "trust.h"
#include "user.h"

#define PASSWORD      "Bench-pass-2026x"
#define CA_PASSPHRASE "Bench-custodians-2026"

/* The institution key the closes are sealed with, as api_run seals a command. */
typedef struct bench_signer {
    core_pki_key *key;
    char *cert;
} bench_signer;

static ld_status bench_key(void *ctx, const core_pki_key **key, const char **cert, ld_error *err)
{
    (void)err;
    const bench_signer *s = ctx;
    *key = s->key;
    *cert = s->cert;
    return LD_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench_verify: %s: %s\n", what, err != NULL ? err->message : "");
    exit(1);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return v[n / 2];
}

/* The whole log in one buffer: what bare SHA-256 is timed over. */
static unsigned char *log_bytes(core_store *store, size_t *len_out)
{
    sqlite3_stmt *stmt = NULL;
    size_t len = 0, cap = 1 << 20;
    unsigned char *buf = malloc(cap);
    if (buf == NULL ||
        sqlite3_prepare_v2(core_store_db(store), "SELECT body FROM ledger_entry ORDER BY seq", -1,
                           &stmt, NULL) != SQLITE_OK)
        die("reading the log", NULL);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(stmt, 0);
        while (len + n > cap) {
            cap *= 2;
            if ((buf = realloc(buf, cap)) == NULL)
                die("out of memory", NULL);
        }
        memcpy(buf + len, sqlite3_column_blob(stmt, 0), n);
        len += n;
    }
    sqlite3_finalize(stmt);
    *len_out = len;
    return buf;
}

/* general: every entry parsed into a JSON tree, as the replay read the log
 * before the rows reader (the baseline printed beside it). */
static double time_state_replay(core_store *store, bool general, uint64_t *entries, uint64_t *rows)
{
    ld_error err;
    ledger_log *log = NULL;
    ledger_log_iter *iter = NULL;
    ledger_rows_replay *r = NULL;
    double t0 = now_seconds();
    if (ledger_log_open(core_store_db(store), &log, &err) != LD_OK ||
        ledger_rows_replay_new(&r, &err) != LD_OK ||
        ledger_log_iter_new(log, 0, &iter, &err) != LD_OK)
        die("replay", &err);
    *entries = 0;
    for (;;) {
        bool has = false;
        ledger_log_entry e;
        if (ledger_log_iter_next(iter, &has, &e, &err) != LD_OK)
            die("replay", &err);
        if (!has)
            break;
        if (general) {
            cJSON *entry = cJSON_ParseWithLength(e.body, e.len);
            if (entry == NULL || ledger_rows_replay_entry(r, e.seq, entry, &err) != LD_OK)
                die("replay", &err);
            cJSON_Delete(entry);
        } else if (ledger_rows_replay_body(r, e.seq, e.body, e.len, &err) != LD_OK) {
            die("replay", &err);
        }
        (*entries)++;
    }
    if (getenv("BENCH_VERIFY_PHASES") != NULL)
        fprintf(stderr, "replayed in %.3f s%s\n", now_seconds() - t0,
                general ? " (general parser)" : "");
    if (ledger_rows_check(store, log, r, rows, &err) != LD_OK)
        die("comparing the tables", &err);
    double t = now_seconds() - t0;
    ledger_log_iter_free(iter);
    ledger_rows_replay_free(r);
    ledger_log_close(log);
    return t;
}

int main(int argc, char **argv)
{
    long long count = argc > 1 ? strtoll(argv[1], NULL, 10) : 100000;
    int days = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 30;
    const char *path = argc > 3 ? argv[3] : "/tmp/bench_verify.db";
    int runs = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 3;
    if (count <= 0 || days <= 0 || runs <= 0 || runs > 15) {
        fprintf(stderr, "usage: bench_verify [LOANS] [DAYS] [DB_PATH] [RUNS <= 15]\n");
        return 2;
    }
    char extra[600];
    unlink(path);
    snprintf(extra, sizeof extra, "%s-wal", path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", path);
    unlink(extra);
    ld_error err;
    core_store *store = NULL;
    core_session admin, mgr = {0};
    ld_date day = ld_date_from_ymd(2026, 1, 15);
    char key_path[600];
    snprintf(key_path, sizeof key_path, "%s.institution-key", path);
    unlink(key_path);
    core_keystore_custody custody = {CA_PASSPHRASE, key_path, NULL};
    bench_signer signer = {NULL, NULL};
    if (core_store_open(path, &store, &err) != LD_OK ||
        ledger_events_attach(store, &err) != LD_OK || core_store_begin(store, &err) != LD_OK ||
        core_user_init_admin(store, "admin", "Admin", PASSWORD, &admin, &err) != LD_OK ||
        core_policy_load(store, NULL, LOANDESK_SOURCE_DIR "/policy/default.json",
                         LOANDESK_SOURCE_DIR "/policy/products.json", &err) != LD_OK ||
        core_keystore_init(store, &admin, &custody, PASSWORD, "Bench Bank", 1767225600, &err) !=
            LD_OK ||
        core_keystore_institution_signer(store, key_path, NULL, &signer.key, &signer.cert, &err) !=
            LD_OK)
        die("setup", &err);
    core_user_spec spec = {"mgr", "Manager", CORE_ROLE_MANAGER, -1, PASSWORD};
    if (core_user_add(store, &admin, &spec, &mgr.user_id, &err) != LD_OK)
        die("manager", &err);
    mgr.role = CORE_ROLE_MANAGER;
    snprintf(mgr.username, sizeof mgr.username, "mgr");
    double t0 = now_seconds();
    if (ledger_synth_portfolio(store, count, day, 42, &err) != LD_OK ||
        core_store_commit(store, &err) != LD_OK)
        die("generating", &err);
    printf("book: %lld loans written in %.1f s\n", count, now_seconds() - t0);
    t0 = now_seconds();
    for (int d = 0; d < days; d++) {
        ledger_cob_options o = {.date = day + d};
        ledger_cob_result r;
        bool made = false;
        if (core_store_begin(store, &err) != LD_OK ||
            ledger_cob_run(store, &mgr, &o, &r, &err) != LD_OK ||
            ledger_checkpoint_seal(store, NULL, bench_key, &signer, 1767225600 + 86400LL * d, &made,
                                   NULL, &err) != LD_OK ||
            core_store_commit(store, &err) != LD_OK)
            die("cob", &err);
    }
    printf("book: %d closes of business (each signing a checkpoint) in %.1f s\n", days,
           now_seconds() - t0);

    char *ca = NULL, ca_fingerprint[CORE_PKI_HEX_MAX];
    core_pki_cert_info ca_info;
    if (core_keystore_ca_cert(store, &ca, &err) != LD_OK ||
        core_pki_cert_inspect(ca, strlen(ca), &ca_info, &err) != LD_OK)
        die("the CA certificate", &err);
    memcpy(ca_fingerprint, ca_info.fingerprint, sizeof ca_fingerprint);
    free(ca);
    uint64_t checkpoints = 0;
    size_t len = 0;
    unsigned char *bytes = log_bytes(store, &len);
    double log_t[15], cp_t[15], replay_t[15], general_t[15], sha_t[15];
    uint64_t entries = 0, rows = 0;
    for (int i = 0; i < runs; i++) {
        ledger_log *log = NULL;
        uint64_t bad = 0, size = 0;
        t0 = now_seconds();
        if (ledger_log_open(core_store_db(store), &log, &err) != LD_OK ||
            ledger_log_verify_all(log, &bad, &err) != LD_OK ||
            ledger_log_size(log, &size, &err) != LD_OK)
            die("verifying the log", &err);
        log_t[i] = now_seconds() - t0;
        /* Checkpoints as ledger verify judges them: under the CA named by
         * its fingerprint, each certificate chain, key line, signature,
         * numbering and the root at its size. */
        uint64_t judged = 0;
        t0 = now_seconds();
        ledger_verify_options vo = {.ca_fingerprint = ca_fingerprint};
        if (ledger_verify_checkpoints(store, &vo, size, &judged, &err) != LD_OK)
            die("checkpoints", &err);
        cp_t[i] = now_seconds() - t0;
        checkpoints = judged;
        ledger_log_close(log);
        replay_t[i] = time_state_replay(store, false, &entries, &rows);
        general_t[i] = time_state_replay(store, true, &entries, &rows);
        unsigned char h[CORE_SHA256_BYTES];
        t0 = now_seconds();
        core_sha256(bytes, len, h);
        sha_t[i] = now_seconds() - t0;
    }
    double lt = median(log_t, runs), ct = median(cp_t, runs), rt = median(replay_t, runs),
           st = median(sha_t, runs), gt = median(general_t, runs);
    double mb = (double)len / 1e6;
    printf("log: %llu entries, %.1f MB; %llu table rows compared\n", (unsigned long long)entries,
           mb, (unsigned long long)rows);
    printf("bare SHA-256 over the log's bytes: %.3f s (%.0f MB/s)\n", st, mb / st);
    printf("log hashing (leaves and stored roots): %.3f s (%.0f MB/s, %.2f x bare SHA-256)\n", lt,
           mb / lt, st / lt);
    printf("checkpoints (%llu judged: chain, signature, root): %.3f s, %.3f ms each\n",
           (unsigned long long)checkpoints, ct, 1e3 * ct / (double)(checkpoints ? checkpoints : 1));
    printf("state replay (parse, replay, compare every covered table): %.3f s (%.0f MB/s)\n", rt,
           mb / rt);
    printf("  baseline, the same replay with every entry parsed as a JSON tree: %.3f s (%.1f x "
           "slower)\n",
           gt, gt / rt);
    printf("full verification, log + checkpoints + state: %.3f s = %.1f x bare SHA-256 "
           "(medians of %d runs)\n",
           lt + ct + rt, (lt + ct + rt) / st, runs);
    free(bytes);
    core_store_close(store);
    return 0;
}
