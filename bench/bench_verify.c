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
 * ledger_verify runs the same phases and then compares the journal with the
 * log, the loans with their installments and reconciles the journal with the
 * loans, which is not timed here (the synthetic loans come in with an opening
 * journal entry, ledger_synth.h, so the book passes all of it: bench_backup
 * times the whole `ledger verify` of a book written here). Its logins are
 * bench_book.h's: admin, the manager "mgr" and the auditor "aud". Medians of
 * RUNS runs.
 *
 * The book is written as the application writes it (every row through the
 * ledger's row triggers, a real close of business per day, each command
 * sealed by a signed checkpoint), but in bulk: loans in parts of 50,000 per
 * transaction, one transaction per close, synchronous=OFF and a 1 GiB page
 * cache while writing, since what is measured is verification, not
 * durability. Writing can be cut short by a time budget: the book then ends
 * at the last whole close, and the rates printed let the full book's time be
 * extrapolated.
 *
 * Usage:
 *   bench_verify [LOANS] [DAYS] [DB_PATH] [RUNS]          write, then verify
 *   bench_verify build LOANS DAYS DB_PATH [BUDGET_SECONDS] write only
 *   bench_verify extend DB_PATH DAYS [BUDGET_SECONDS]      DAYS more closes, from
 *                                                          the day after the last
 *   bench_verify check DB_PATH [RUNS]                      verify a written book,
 *                                                          printing its size
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_book.h"
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

/* The benchmark book's logins and custody (bench_book.h), so that
 * bench_backup can copy and verify this book as it does its own. */
#define PASSWORD      BENCH_ADMIN_PASSWORD
#define CA_PASSPHRASE BENCH_CA_PASSPHRASE

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
    ld_error err;
    int64_t total = 0;
    if (core_store_query_int(store, "SELECT coalesce(sum(length(body)), 0) FROM ledger_entry", 0,
                             &total, &err) != LD_OK)
        die("reading the log", &err);
    size_t len = 0, cap = (size_t)total + 1;
    unsigned char *buf = malloc(cap);
    if (buf == NULL ||
        sqlite3_prepare_v2(core_store_db(store), "SELECT body FROM ledger_entry ORDER BY seq", -1,
                           &stmt, NULL) != SQLITE_OK)
        die("reading the log", NULL);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(stmt, 0);
        if (len + n > cap)
            die("the log grew while read", NULL);
        memcpy(buf + len, sqlite3_column_blob(stmt, 0), n);
        len += n;
    }
    sqlite3_finalize(stmt);
    *len_out = len;
    return buf;
}

/* Processor time of the calling thread and of the whole process. */
static double cpu_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* general: every entry parsed into a JSON tree, as the replay read the log
 * before the rows reader (the baseline printed beside it). */
static double time_state_replay(core_store *store, bool general, uint64_t *entries, uint64_t *rows,
                                double *cpu)
{
    ld_error err;
    ledger_log *log = NULL;
    ledger_log_iter *iter = NULL;
    ledger_rows_replay *r = NULL;
    double t0 = now_seconds(), c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    if (ledger_log_open(core_store_db(store), &log, &err) != LD_OK ||
        ledger_rows_replay_new(&r, &err) != LD_OK ||
        ledger_rows_replay_reserve(r, ledger_rows_hint(store), &err) != LD_OK ||
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
    *cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    ledger_log_iter_free(iter);
    ledger_rows_replay_free(r);
    ledger_log_close(log);
    return t;
}

/* The one-minute load average, printed beside every figure: on a shared
 * machine the wall-clock seconds are read against it. */
static const char *load_text(char *buf, size_t cap)
{
    char line[128] = "";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f == NULL || fgets(line, sizeof line, f) == NULL)
        line[0] = 0;
    if (f != NULL)
        fclose(f);
    line[strcspn(line, " \n")] = 0;
    snprintf(buf, cap, "load average %s", line[0] ? line : "unknown");
    return buf;
}

static void remove_book(const char *path)
{
    char extra[600];
    unlink(path);
    snprintf(extra, sizeof extra, "%s-wal", path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s.institution-key", path);
    unlink(extra);
}

#define LOANS_PER_PART 50000

static uint64_t log_size(core_store *store)
{
    uint64_t size = 0;
    ld_error err;
    if (ledger_store_log_size(store, &size, &err) != LD_OK)
        die("log size", &err);
    return size;
}

/* Opens the book at path for writing in bulk: no syncs, a large page cache,
 * the ledger attached as the application attaches it. */
static core_store *book_open(const char *path)
{
    ld_error err;
    core_store *store = NULL;
    if (core_store_open(path, &store, &err) != LD_OK ||
        core_store_exec(store, "PRAGMA synchronous = OFF", &err) != LD_OK ||
        core_store_set_cache_mib(store, 1024, &err) != LD_OK ||
        ledger_events_attach(store, &err) != LD_OK)
        die("opening the book", &err);
    return store;
}

/* The first business day of every book; close d (from 0) is on FIRST_DAY + d
 * and its checkpoint is signed at CHECKPOINT_TIME + d days. */
#define FIRST_DAY_YMD   2025, 11, 15 /* a year of closes ends before today */
#define CHECKPOINT_TIME 1767225600

/* Closes of business d = first .. first + days - 1, each sealed by a
 * checkpoint, as the manager mgr. Stops starting closes once budget seconds
 * have passed since start (budget <= 0: no limit). Prints each close and
 * the rates an extrapolation needs. */
static void run_closes(core_store *store, const core_session *mgr, bench_signer *signer,
                       long long loans, int first, int days, double start, double budget)
{
    ld_error err;
    ld_date day = ld_date_from_ymd(FIRST_DAY_YMD);
    char load[64];
    double t0 = now_seconds(), c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    int closed = 0;
    bool made = false;
    for (int d = first; d < first + days; d++) {
        if (budget > 0 && now_seconds() - start > budget) {
            printf("book: time budget of %.0f s spent: stopped after %d of %d closes\n", budget,
                   closed, days);
            break;
        }
        double tc = now_seconds();
        ledger_cob_options o = {.date = day + d};
        ledger_cob_result r;
        uint64_t before = log_size(store);
        if (core_store_begin(store, &err) != LD_OK ||
            ledger_cob_run(store, mgr, &o, &r, &err) != LD_OK ||
            ledger_checkpoint_seal(store, NULL, bench_key, signer, CHECKPOINT_TIME + 86400LL * d,
                                   &made, NULL, &err) != LD_OK ||
            core_store_commit(store, &err) != LD_OK)
            die("cob", &err);
        closed++;
        printf("  close %d (%lld loans): %.2f s, %llu entries appended; %s\n", d + 1,
               (long long)r.loans, now_seconds() - tc,
               (unsigned long long)(log_size(store) - before), load_text(load, sizeof load));
        fflush(stdout);
    }
    double cob_s = now_seconds() - t0, cob_cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    uint64_t entries = log_size(store);
    printf("book: %d closes of business (each signing a checkpoint) in %.1f s (%.1f s CPU), "
           "%.2f s a close, %.2f us a loan-day; %llu log entries in all\n",
           closed, cob_s, cob_cpu, closed ? cob_s / closed : 0.0,
           closed ? 1e6 * cob_s / ((double)closed * (double)loans) : 0.0,
           (unsigned long long)entries);
    if (first + closed < 365 || loans < 1000000) {
        /* A close costs in proportion to the loans it closes. */
        double cob_1m = closed ? cob_s / closed * 1e6 / (double)loans * 365 : 0;
        printf("EXTRAPOLATED, not measured: 365 closes of 1,000,000 loans at this rate: %.0f s "
               "(%.1f min)\n",
               cob_1m, cob_1m / 60);
    }
}

/* Writes the book: count loans, then days closes of business, each sealed by
 * a checkpoint. Stops starting closes once budget seconds have passed
 * (budget <= 0: no limit). Prints the rates an extrapolation needs. */
static void build_book(long long count, int days, const char *path, double budget)
{
    remove_book(path);
    ld_error err;
    core_session admin, mgr = {0};
    ld_date day = ld_date_from_ymd(FIRST_DAY_YMD);
    char key_path[600];
    snprintf(key_path, sizeof key_path, "%s.institution-key", path);
    core_keystore_custody custody = {CA_PASSPHRASE, key_path, NULL};
    bench_signer signer = {NULL, NULL};
    double start = now_seconds();
    core_store *store = book_open(path);
    if (core_store_begin(store, &err) != LD_OK ||
        core_user_init_admin(store, "admin", "Admin", PASSWORD, &admin, &err) != LD_OK ||
        core_policy_load(store, NULL, LOANDESK_SOURCE_DIR "/policy/default.json",
                         LOANDESK_SOURCE_DIR "/policy/products.json", &err) != LD_OK ||
        core_keystore_init(store, &admin, &custody, PASSWORD, "Bench Bank", CHECKPOINT_TIME,
                           &err) != LD_OK ||
        core_keystore_institution_signer(store, key_path, NULL, &signer.key, &signer.cert, &err) !=
            LD_OK)
        die("setup", &err);
    core_user_spec spec = {"mgr", "Manager", CORE_ROLE_MANAGER, -1, PASSWORD};
    /* An auditor, who verifies the book, with a password of their own. */
    core_user_spec audit_spec = {"aud", "Auditor", CORE_ROLE_AUDITOR, -1, "Bench-first-2026"};
    core_session aud = {.role = CORE_ROLE_AUDITOR};
    snprintf(aud.username, sizeof aud.username, "aud");
    bool made = false;
    if (core_user_add(store, &admin, &spec, &mgr.user_id, &err) != LD_OK ||
        core_user_add(store, &admin, &audit_spec, &aud.user_id, &err) != LD_OK ||
        core_user_set_password(store, &aud, "aud", BENCH_USER_PASSWORD, &err) != LD_OK ||
        ledger_checkpoint_seal(store, NULL, bench_key, &signer, CHECKPOINT_TIME, &made, NULL,
                               &err) != LD_OK ||
        core_store_commit(store, &err) != LD_OK)
        die("manager", &err);
    mgr.role = CORE_ROLE_MANAGER;
    snprintf(mgr.username, sizeof mgr.username, "mgr");
    char load[64];
    double t0 = now_seconds(), c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    unsigned rnd = 42;
    for (long long first = 0; first < count; first += LOANS_PER_PART) {
        long long part = count - first < LOANS_PER_PART ? count - first : LOANS_PER_PART;
        if (core_store_begin(store, &err) != LD_OK ||
            ledger_synth_portfolio_part(store, first, part, day, &rnd, &err) != LD_OK ||
            ledger_checkpoint_seal(store, NULL, bench_key, &signer, CHECKPOINT_TIME, &made, NULL,
                                   &err) != LD_OK ||
            core_store_commit(store, &err) != LD_OK)
            die("generating", &err);
    }
    double loans_s = now_seconds() - t0, loans_cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    uint64_t after_loans = log_size(store);
    printf("book: %lld loans written in %.1f s (%.1f s CPU; %.0f loans/s), %llu log entries; %s\n",
           count, loans_s, loans_cpu, (double)count / loans_s, (unsigned long long)after_loans,
           load_text(load, sizeof load));
    if (count < 1000000)
        printf("EXTRAPOLATED, not measured: 1,000,000 loans at this rate: %.0f s\n",
               loans_s * 1e6 / (double)count);
    fflush(stdout);
    run_closes(store, &mgr, &signer, count, 0, days, start, budget);
    core_pki_key_free(signer.key);
    free(signer.cert);
    core_store_close(store);
}

/* Continues a book written by build_book with days more closes of business,
 * from the day after its last, as the same manager and under the same
 * institution key (the key file beside the book). */
static void extend_book(const char *path, int days, double budget)
{
    ld_error err;
    double start = now_seconds();
    if (access(path, R_OK | W_OK) != 0) {
        fprintf(stderr, "bench_verify: %s: no book to extend\n", path);
        exit(1);
    }
    core_store *store = book_open(path);
    char key_path[600];
    snprintf(key_path, sizeof key_path, "%s.institution-key", path);
    bench_signer signer = {NULL, NULL};
    core_session mgr = {0};
    int64_t last = 0, loans = 0;
    if (core_keystore_institution_signer(store, key_path, NULL, &signer.key, &signer.cert, &err) !=
            LD_OK ||
        core_store_query_int(store,
                             "SELECT id FROM app_user WHERE username = 'mgr' AND role = 'manager'",
                             0, &mgr.user_id, &err) != LD_OK ||
        core_store_query_int(store, "SELECT count(*) FROM loan", 0, &loans, &err) != LD_OK ||
        core_store_query_int(store, "SELECT max(date) FROM cob_run", 0, &last, &err) != LD_OK)
        die("not a book written by bench_verify build", &err);
    mgr.role = CORE_ROLE_MANAGER;
    snprintf(mgr.username, sizeof mgr.username, "mgr");
    int first = (int)(last - ld_date_from_ymd(FIRST_DAY_YMD)) + 1;
    if (last == 0 || first < 1) {
        fprintf(stderr, "bench_verify: %s: no close of business to continue from\n", path);
        exit(1);
    }
    char text[LD_DATE_TEXT_MAX];
    printf("book: %lld loans, %d closes so far (the last on %s); %d more\n", (long long)loans,
           first, ld_date_format((ld_date)last, text), days);
    fflush(stdout);
    run_closes(store, &mgr, &signer, loans, first, days, start, budget);
    core_pki_key_free(signer.key);
    free(signer.cert);
    core_store_close(store);
}

/* Verifies the book at path, timing each phase beside bare SHA-256. */
static void check_book(const char *path, int runs)
{
    ld_error err;
    core_store *store = NULL;
    if (core_store_open(path, &store, &err) != LD_OK)
        die("opening the book", &err);
    char *ca = NULL, ca_fingerprint[CORE_PKI_HEX_MAX];
    core_pki_cert_info ca_info;
    if (core_keystore_ca_cert(store, &ca, &err) != LD_OK ||
        core_pki_cert_inspect(ca, strlen(ca), &ca_info, &err) != LD_OK)
        die("the CA certificate", &err);
    memcpy(ca_fingerprint, ca_info.fingerprint, sizeof ca_fingerprint);
    free(ca);
    int64_t loans = 0, closes = 0;
    if (core_store_query_int(store, "SELECT count(*) FROM loan", 0, &loans, &err) != LD_OK ||
        core_store_query_int(store, "SELECT count(*) FROM cob_run", 0, &closes, &err) != LD_OK)
        die("the book", &err);
    uint64_t checkpoints = 0;
    size_t len = 0;
    unsigned char *bytes = log_bytes(store, &len);
    char book_size[200];
    snprintf(book_size, sizeof book_size,
             "%lld loans, %lld closes of business, %llu log entries, %zu log bytes",
             (long long)loans, (long long)closes, (unsigned long long)log_size(store), len);
    printf("book: %s\n", book_size);
    double log_t[15], log_cpu[15], log_busier[15], cp_t[15], replay_t[15], replay_cpu[15],
        general_t[15], sha_t[15], sha_cpu[15];
    uint64_t entries = 0, rows = 0;
    char load[64];
    for (int i = 0; i < runs; i++) {
        ledger_log *log = NULL;
        uint64_t bad = 0, size = 0;
        double t0 = now_seconds(), th0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID),
               p0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
        if (ledger_log_open(core_store_db(store), &log, &err) != LD_OK ||
            ledger_log_verify_all(log, &bad, &err) != LD_OK ||
            ledger_log_size(log, &size, &err) != LD_OK)
            die("verifying the log", &err);
        log_t[i] = now_seconds() - t0;
        double own = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - th0;
        log_cpu[i] = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - p0;
        /* The busier of the two threads: the time on two free cores. */
        log_busier[i] = own > log_cpu[i] - own ? own : log_cpu[i] - own;
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
        replay_t[i] = time_state_replay(store, false, &entries, &rows, &replay_cpu[i]);
        double general_cpu = 0;
        general_t[i] = runs > 1 || getenv("BENCH_VERIFY_GENERAL") != NULL
                           ? time_state_replay(store, true, &entries, &rows, &general_cpu)
                           : 0;
        unsigned char h[CORE_SHA256_BYTES];
        t0 = now_seconds();
        double s0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
        core_sha256(bytes, len, h);
        sha_t[i] = now_seconds() - t0;
        sha_cpu[i] = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - s0;
    }
    double lt = median(log_t, runs), ct = median(cp_t, runs), rt = median(replay_t, runs),
           st = median(sha_t, runs), gt = median(general_t, runs), lc = median(log_cpu, runs),
           lb = median(log_busier, runs), sc = median(sha_cpu, runs);
    double mb = (double)len / 1e6;
    printf("log: %llu entries, %.1f MB; %llu table rows compared; %s\n",
           (unsigned long long)entries, mb, (unsigned long long)rows, load_text(load, sizeof load));
    printf("bare SHA-256 over the log's bytes, one thread: %.3f s wall, %.3f s CPU (%.0f MB/s)\n",
           st, sc, mb / st);
    printf("log hashing (leaves and stored roots): %.3f s wall (%.0f MB/s, %.2f x bare SHA-256); "
           "CPU %.3f s in all, %.3f s on the busier thread (%.2f x bare SHA-256's CPU)\n",
           lt, mb / lt, st / lt, lc, lb, sc / lb);
    printf("checkpoints (%llu judged: chain, signature, root): %.3f s, %.3f ms each\n",
           (unsigned long long)checkpoints, ct, 1e3 * ct / (double)(checkpoints ? checkpoints : 1));
    printf("state replay (parse, replay, compare every covered table): %.3f s wall (%.0f MB/s), "
           "%.3f s CPU\n",
           rt, mb / rt, median(replay_cpu, runs));
    if (gt > 0)
        printf("  baseline, the same replay with every entry parsed as a JSON tree: %.3f s (%.1f "
               "x slower)\n",
               gt, gt / rt);
    printf("full verification, log + checkpoints + state: %.3f s = %.1f x bare SHA-256 "
           "(medians of %d runs)\n",
           lt + ct + rt, (lt + ct + rt) / st, runs);
    printf("  of the book: %s\n", book_size);
    free(bytes);
    core_store_close(store);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "build") == 0) {
        long long count = argc > 2 ? strtoll(argv[2], NULL, 10) : 0;
        int days = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 0;
        double budget = argc > 5 ? (double)strtol(argv[5], NULL, 10) : 0;
        if (count <= 0 || days <= 0 || argc < 5) {
            fprintf(stderr, "usage: bench_verify build LOANS DAYS DB_PATH [BUDGET_SECONDS]\n");
            return 2;
        }
        build_book(count, days, argv[4], budget);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "extend") == 0) {
        int days = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 0;
        double budget = argc > 4 ? (double)strtol(argv[4], NULL, 10) : 0;
        if (argc < 4 || days <= 0 || days > 100000) {
            fprintf(stderr, "usage: bench_verify extend DB_PATH DAYS [BUDGET_SECONDS]\n");
            return 2;
        }
        extend_book(argv[2], days, budget);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "check") == 0) {
        int runs = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
        if (argc < 3 || runs <= 0 || runs > 15) {
            fprintf(stderr, "usage: bench_verify check DB_PATH [RUNS <= 15]\n");
            return 2;
        }
        check_book(argv[2], runs);
        return 0;
    }
    long long count = argc > 1 ? strtoll(argv[1], NULL, 10) : 100000;
    int days = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 30;
    const char *path = argc > 3 ? argv[3] : "/tmp/bench_verify.db";
    int runs = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 3;
    if (count <= 0 || days <= 0 || runs <= 0 || runs > 15) {
        fprintf(stderr, "usage: bench_verify [LOANS] [DAYS] [DB_PATH] [RUNS <= 15]\n"
                        "       bench_verify build LOANS DAYS DB_PATH [BUDGET_SECONDS]\n"
                        "       bench_verify extend DB_PATH DAYS [BUDGET_SECONDS]\n"
                        "       bench_verify check DB_PATH [RUNS <= 15]\n");
        return 2;
    }
    build_book(count, days, path, 0);
    check_book(path, runs);
    return 0;
}
