/*
 * bench_backup.c - a backup and its verification on the benchmark book,
 * beside the plain copy they are measured against, in the same run on the
 * same file:
 *   - `loandesk backup` (ld_backup_create: SQLite's online backup streamed
 *     page by page into AES-256-GCM with the SHA-256 of the part taken as
 *     it passes, the manifest, fsync, link) beside `sqlite3 BOOK ".backup
 *     COPY"` (the shell's own online backup; its copy is synced by SQLite);
 *     processor time and wall clock, and the archive's size against the
 *     database's;
 *   - `backup verify` (decrypt, SHA-256 of every part, integrity check, full
 *     ledger verification of the copy) beside `ledger verify` of the book
 *     itself, which is most of its work.
 * The book: the one in DIR when DIR holds book.db, as either of the loan
 * book writers leaves it: `bench_verify build 1000000 DAYS DIR/book.db`, the
 * 1,000,000-loan benchmark book (a migrated portfolio with its opening
 * journal, then DAYS closes of business, ledger_synth.h), or
 * bench_loan_book (loans taken through the operations API from application
 * to disbursement, then closes of business); every row of either is in the
 * signed log and `ledger verify` accepts it in full, journal and loans
 * included. Else a new one with BORROWERS applicants and their draft
 * applications imported from bench_gen (bench_book.h). Backup
 * runs alternate the two sides; medians of RUNS, and of VERIFY_RUNS for the
 * verifications (0 leaves them out). Targets: the backup within 2x the
 * plain copy's time, the archive no larger than the database + 5 %. The
 * load average is printed before and after: the figures are only as quiet
 * as the machine.
 * Usage: bench_backup [BORROWERS] [RUNS] [DIR] [VERIFY_RUNS] (defaults
 * 1000000, 5, a new folder under /tmp, 1; a DIR holding book.db from an
 * earlier run reuses it).
 */
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_book.h"
#include "loandesk/admin.h"
#include "loandesk/backup.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"

#define MAX_RUNS 15

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench_backup: %s: %s\n", what, err != NULL ? err->message : "failed");
    exit(1);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Processor seconds (user and system) of this process, or of its waited-for
 * children: on a machine shared with other work they vary less than the
 * wall clock. */
static double cpu_of(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

/* Processor seconds of the work a backup does and a plain copy does not:
 * SHA-256 and AES-256-GCM over bytes, from memory in 1 MiB chunks, with
 * nothing read or written. */
static double crypto_seconds(long long bytes)
{
    enum { CHUNK = 1 << 20 };
    static unsigned char in[CHUNK], out[CHUNK + 16];
    unsigned char key[32] = {1}, nonce[12] = {0}, tag[16], digest[32];
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0;
    double t0 = cpu_of(RUSAGE_SELF);
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    for (long long done = 0; done < bytes; done += CHUNK) {
        int len = bytes - done < CHUNK ? (int)(bytes - done) : CHUNK;
        nonce[0] = (unsigned char)(done >> 20);
        EVP_DigestUpdate(md, in, (size_t)len);
        EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce);
        EVP_EncryptUpdate(c, out, &n, in, len);
        EVP_EncryptFinal_ex(c, out + n, &n);
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, sizeof tag, tag);
    }
    EVP_DigestFinal_ex(md, digest, NULL);
    double spent = cpu_of(RUSAGE_SELF) - t0;
    EVP_MD_CTX_free(md);
    EVP_CIPHER_CTX_free(c);
    return spent;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long long file_size(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 ? (long long)info.st_size : -1;
}

/* The machine's load average (1, 5 and 15 minutes), as the kernel gives it. */
static void print_load(const char *when)
{
    char text[128] = "";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f != NULL) {
        if (fgets(text, sizeof text, f) == NULL)
            text[0] = '\0';
        fclose(f);
    }
    text[strcspn(text, "\n")] = '\0';
    printf("load average %s: %s\n", when, text[0] != '\0' ? text : "unknown");
}

/* What the book holds, counted read-only. */
static void print_book(const char *db)
{
    static const char *const what[][2] = {
        {"loans", "SELECT count(*) FROM loan"},
        {"applications", "SELECT count(*) FROM application"},
        {"journal entries", "SELECT count(*) FROM journal_entry"},
        {"log entries", "SELECT count(*) FROM ledger_entry"},
        {"checkpoints", "SELECT count(*) FROM ledger_checkpoint"},
    };
    sqlite3 *h = NULL;
    printf("book:");
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        for (size_t i = 0; i < sizeof what / sizeof what[0]; i++) {
            sqlite3_stmt *stmt = NULL;
            long long n = -1;
            if (sqlite3_prepare_v2(h, what[i][1], -1, &stmt, NULL) == SQLITE_OK &&
                sqlite3_step(stmt) == SQLITE_ROW)
                n = sqlite3_column_int64(stmt, 0);
            sqlite3_finalize(stmt);
            printf(" %lld %s%s", n, what[i][0], i + 1 < sizeof what / sizeof what[0] ? "," : "\n");
        }
    sqlite3_close(h);
}

int main(int argc, char **argv)
{
    long borrowers = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    int vruns = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 1;
    char dir[512], db[600], key[600], ca[600];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (runs < 1 || runs > MAX_RUNS || vruns < 0 || vruns > MAX_RUNS || borrowers < 1)
        die("usage: bench_backup [BORROWERS] [RUNS 1..15] [DIR] [VERIFY_RUNS 0..15]", NULL);
    if (argc > 3) {
        snprintf(dir, sizeof dir, "%s", argv[3]);
        mkdir(dir, 0700);
    } else {
        snprintf(dir, sizeof dir, "/tmp/bench-backup-XXXXXX");
        if (mkdtemp(dir) == NULL)
            die("temporary folder", NULL);
    }
    snprintf(db, sizeof db, "%s/book.db", dir);
    snprintf(key, sizeof key, "%s/backup.key", dir);
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    if (file_size(db) < 0)
        bench_book_new(dir, db, borrowers);
    else
        printf("book: reusing %s\n", db);

    ld_error err;
    cJSON *out = NULL;
    ld_api *api = NULL;
    ld_session *admin = NULL, *aud = NULL;
    if (file_size(key) < 0 && ld_backup_keygen(key, &out, &err) != LD_OK)
        die("keygen", &err);
    cJSON_Delete(out);
    if (ld_api_open(db, NULL, &api, &err) != LD_OK ||
        ld_session_login(api, "admin", BENCH_ADMIN_PASSWORD, &admin, &err) != LD_OK ||
        ld_session_login(api, "aud", BENCH_USER_PASSWORD, &aud, &err) != LD_OK ||
        ld_pki_ca_cert(admin, &out, &err) != LD_OK)
        die("open", &err);
    FILE *f = fopen(ca, "w");
    if (f == NULL)
        die("ca.pem", NULL);
    fputs(cJSON_GetObjectItemCaseSensitive(out, "pem")->valuestring, f);
    fclose(f);
    cJSON_Delete(out);
    long long db_bytes = file_size(db);
    print_book(db);
    print_load("before");
    printf("database: %lld bytes (%.1f MiB); %d runs, the two sides alternating\n", db_bytes,
           (double)db_bytes / 1048576.0, runs);

    double ours[MAX_RUNS], plain[MAX_RUNS], ver[MAX_RUNS], lver[MAX_RUNS];
    double ours_cpu[MAX_RUNS], plain_cpu[MAX_RUNS];
    long long archive_bytes = 0, plain_bytes = 0;
    ld_backup_key k = {.key_file = key};
    ld_trust_anchor anchor = {.ca_file = ca};
    for (int r = 0; r < runs; r++) {
        char archive[700], copy[700];
        snprintf(archive, sizeof archive, "%s/run%d.ldbak", dir, r);
        snprintf(copy, sizeof copy, "%s/run%d.sqlite", dir, r);
        unlink(archive);
        unlink(copy);
        char cmd[800];
        snprintf(cmd, sizeof cmd, ".backup %s", copy);
        char *sq[] = {(char *)"sqlite3", db, cmd, NULL};
        ld_backup_options o = {.out = archive};
        for (int side = 0; side < 2; side++) {
            bool plain_first = r % 2 == 0;
            double t0 = now_seconds();
            if ((side == 0) == plain_first) {
                double c0 = cpu_of(RUSAGE_CHILDREN);
                if (bench_run(sq) != 0)
                    die("sqlite3 .backup", NULL);
                plain[r] = now_seconds() - t0;
                plain_cpu[r] = cpu_of(RUSAGE_CHILDREN) - c0;
            } else {
                double c0 = cpu_of(RUSAGE_SELF);
                if (ld_backup_create(admin, &k, &o, &out, &err) != LD_OK)
                    die("backup", &err);
                ours[r] = now_seconds() - t0;
                ours_cpu[r] = cpu_of(RUSAGE_SELF) - c0;
                cJSON_Delete(out);
            }
        }
        archive_bytes = file_size(archive);
        plain_bytes = file_size(copy);
        unlink(copy);
        if (r + 1 < runs)
            unlink(archive);
    }
    char last[700];
    snprintf(last, sizeof last, "%s/run%d.ldbak", dir, runs - 1);
    printf("runs by the clock, loandesk / sqlite3:");
    for (int r = 0; r < runs; r++)
        printf(" %.2f/%.2f (cpu %.2f/%.2f)", ours[r], plain[r], ours_cpu[r], plain_cpu[r]);
    printf("\n");
    double m_ours = median(ours, runs), m_plain = median(plain, runs);
    double c_ours = median(ours_cpu, runs), c_plain = median(plain_cpu, runs);
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    printf("\n%-34s %10s %10s %14s\n", "", "median s", "cpu s", "bytes");
    printf("%-34s %10.3f %10.3f %14lld\n", "loandesk backup (encrypted)", m_ours, c_ours,
           archive_bytes);
    printf("%-34s %10.3f %10.3f %14lld\n", "sqlite3 .backup (plain)", m_plain, c_plain,
           plain_bytes);
    printf("time ratio %.2f by the clock, %.2f by processor time (target <= 2.00); archive / "
           "database %.4f (target <= 1.05)\n",
           m_ours / m_plain, c_ours / c_plain, (double)archive_bytes / (double)db_bytes);
    double crypto = crypto_seconds(db_bytes);
    printf("of which the plain copy has no part: SHA-256 and AES-256-GCM of the book's bytes "
           "in memory %.3f s of processor time; the backup without them %.3f s beside the plain "
           "copy's %.3f s\n",
           crypto, c_ours - crypto, c_plain);
    printf("largest resident size of this process: %ld MiB (the book is %.0f MiB; this counts "
           "the book's pages SQLite maps read-only from the kernel's page cache)\n",
           self.ru_maxrss / 1024, (double)db_bytes / 1048576.0);
    double ver_cpu[MAX_RUNS], lver_cpu[MAX_RUNS];
    for (int r = 0; r < vruns; r++) {
        double t0 = now_seconds(), c0 = cpu_of(RUSAGE_SELF);
        if (ld_backup_verify(last, &k, &anchor, dir, &out, &err) != LD_OK)
            die("backup verify", &err);
        ver[r] = now_seconds() - t0;
        ver_cpu[r] = cpu_of(RUSAGE_SELF) - c0;
        cJSON_Delete(out);
        t0 = now_seconds();
        c0 = cpu_of(RUSAGE_SELF);
        if (ld_ledger_verify(aud, &anchor, &out, &err) != LD_OK)
            die("ledger verify", &err);
        lver[r] = now_seconds() - t0;
        lver_cpu[r] = cpu_of(RUSAGE_SELF) - c0;
        if (r == 0) {
            char *text = cJSON_PrintUnformatted(out);
            printf("ledger verify of the book: %s\n", text != NULL ? text : "");
            free(text);
        }
        cJSON_Delete(out);
        out = NULL;
    }
    unlink(last);
    if (vruns > 0) {
        double m_ver = median(ver, vruns), m_lver = median(lver, vruns);
        double mc_ver = median(ver_cpu, vruns), mc_lver = median(lver_cpu, vruns);
        printf("verifications: medians of %d\n", vruns);
        printf("%-34s %10s %10s\n", "", "median s", "cpu s");
        printf("%-34s %10.3f %10.3f\n", "loandesk backup verify", m_ver, mc_ver);
        printf("%-34s %10.3f %10.3f\n", "ledger verify of the book itself", m_lver, mc_lver);
        printf("verify ratio %.2f by the clock, %.2f by processor time (decryption, hashing and "
               "the integrity check on top of the ledger's own verification)\n",
               m_ver / m_lver, mc_ver / mc_lver);
    }
    print_load("after");
    ld_session_free(aud);
    ld_session_free(admin);
    ld_api_close(api);
    return 0;
}
