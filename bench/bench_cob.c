/*
 * bench_cob.c - close of business for one business day over a synthetic book
 * (default 1,000,000 loans, about 10 % overdue), timed against a bare C loop
 * that reads, computes and writes the same loan rows in one transaction, in
 * the same run on the same file. Targets: COB <= 10 s and <= 5x the bare
 * loop. The book is written with the ledger attached, so every loan row is in
 * the log (rows.h); a first close establishes the book digest (it checks every
 * loan against the log replayed from the start), and the close of the next day,
 * which checks every loan against that digest, is the one timed. The close is
 * sealed as every command is (a signed checkpoint over what it appended,
 * trust.h), and that checkpoint's share of the time is printed beside it.
 * Usage: bench_cob [LOANS] [DB_PATH].
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "loan.h"
#include "ledger_events.h"
#include "ledger_synth.h"
#include "pki.h"
#include "policy.h"
#include "trust.h"
#include "user.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Processor time of this process: on a machine shared with other work it
 * varies less than the wall clock. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The institution key the close is sealed with. */
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

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench_cob: %s: %s\n", what, err->message);
    exit(1);
}

int main(int argc, char **argv)
{
    long long count = argc > 1 ? strtoll(argv[1], NULL, 10) : 1000000;
    const char *path = argc > 2 ? argv[2] : "/tmp/bench_cob.db";
    unlink(path);
    char extra[600];
    snprintf(extra, sizeof extra, "%s-wal", path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", path);
    unlink(extra);
    ld_error err;
    core_store *store = NULL;
    core_session admin, mgr = {0};
    ld_date day = ld_date_from_ymd(2026, 6, 15);
    if (core_store_open(path, &store, &err) != LD_OK ||
        ledger_events_attach(store, &err) != LD_OK || core_store_begin(store, &err) != LD_OK ||
        core_user_init_admin(store, "admin", "Admin", "Bench-pass-2026x", &admin, &err) != LD_OK ||
        core_policy_load(store, NULL, LOANDESK_SOURCE_DIR "/policy/default.json",
                         LOANDESK_SOURCE_DIR "/policy/products.json", &err) != LD_OK)
        die("setup", &err);
    core_user_spec spec = {"mgr", "Manager", CORE_ROLE_MANAGER, -1, "Bench-pass-2026x"};
    if (core_user_add(store, &admin, &spec, &mgr.user_id, &err) != LD_OK)
        die("manager", &err);
    mgr.role = CORE_ROLE_MANAGER;
    snprintf(mgr.username, sizeof mgr.username, "mgr");
    double t0 = now_seconds();
    if (ledger_synth_portfolio(store, count, day, 42, &err) != LD_OK ||
        core_store_commit(store, &err) != LD_OK)
        die("generating", &err);
    printf("generated %lld loans in %.2f s (their rows logged)\n", count, now_seconds() - t0);

    ledger_cob_options first = {.date = day};
    ledger_cob_result fr;
    t0 = now_seconds();
    if (core_store_begin(store, &err) != LD_OK ||
        ledger_cob_run(store, &mgr, &first, &fr, &err) != LD_OK ||
        core_store_commit(store, &err) != LD_OK)
        die("first cob", &err);
    printf("first cob: %lld loans in %.2f s (checked against the whole log)\n", (long long)fr.loans,
           now_seconds() - t0);
    day++;

    /* The bare loop, rolled back so that COB sees the same rows. */
    int64_t rows = 0;
    if (core_store_begin(store, &err) != LD_OK)
        die("begin", &err);
    t0 = now_seconds();
    if (ledger_synth_bare_pass(store, day, &rows, &err) != LD_OK)
        die("bare pass", &err);
    double bare = now_seconds() - t0;
    core_store_rollback(store);

    core_pki_key *key = NULL;
    char *cert = NULL;
    core_pki_subject subject = {"bench ledger", "institution", "bench"};
    if (core_pki_key_generate(&key, &err) != LD_OK ||
        core_pki_ca_cert_create(key, &subject, 30, time(NULL), &cert, &err) != LD_OK)
        die("bench key", &err);
    bench_signer signer = {key, cert};
    ledger_cob_options o = {.date = day};
    ledger_cob_result r;
    if (core_store_begin(store, &err) != LD_OK)
        die("begin", &err);
    t0 = now_seconds();
    double c0 = cpu_seconds();
    if (ledger_cob_run(store, &mgr, &o, &r, &err) != LD_OK)
        die("cob", &err);
    double before_seal = now_seconds();
    bool made = false;
    if (ledger_checkpoint_seal(store, NULL, bench_key, &signer, 1781514000, &made, NULL, &err) !=
        LD_OK)
        die("seal", &err);
    double seal = now_seconds() - before_seal;
    if (core_store_commit(store, &err) != LD_OK)
        die("cob", &err);
    double cob = now_seconds() - t0, cob_cpu = cpu_seconds() - c0;
    printf("bare loop: %lld rows in %.2f s\n", (long long)rows, bare);
    printf("cob:       %lld loans in %.2f s (%lld newly overdue, %lld category changes, %lld "
           "journal entries)\n",
           (long long)r.loans, cob, (long long)r.newly_overdue, (long long)r.category_changes,
           (long long)r.journal_entries);
    printf("cob processor time: %.3f s\n", cob_cpu);
    printf("  of which the signed checkpoint: %.2f ms (%.3f %% of the close)\n", seal * 1e3,
           100.0 * seal / cob);
    printf("ratio cob / bare = %.2f (target <= 5); cob %s 10 s\n", cob / bare,
           cob <= 10.0 ? "within" : "OVER");
    core_store_close(store);
    core_pki_key_free(key);
    free(cert);
    return 0;
}
