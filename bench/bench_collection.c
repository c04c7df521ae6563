/*
 * bench_collection.c - close of business with collection (清收) beside the
 * same close without its collection pass, over the same synthetic book in
 * one run (default 1,000,000 loans, about 10 % past due and so in
 * collection). A first close opens the cases; then the next day's close is
 * run alternately with and without the pass, each rolled back so both see
 * the same rows, five times each, and the medians compared. Target: with
 * collection <= 1.2 x without.
 * Usage: bench_collection [LOANS] [DB_PATH].
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ledger_events.h"
#include "ledger_synth.h"
#include "loan.h"
#include "policy.h"
#include "store.h"
#include "user.h"

#define ROUNDS 5

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench_collection: %s: %s\n", what, err->message);
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

/* One close of day, timed and rolled back. */
static double timed_close(core_store *store, const core_session *mgr, ld_date day, bool skip,
                          ledger_cob_result *r)
{
    ld_error err;
    ledger_cob_options o = {.date = day, .skip_collection = skip};
    if (core_store_begin(store, &err) != LD_OK)
        die("begin", &err);
    double t0 = now_seconds();
    if (ledger_cob_run(store, mgr, &o, r, &err) != LD_OK)
        die("cob", &err);
    double t = now_seconds() - t0;
    core_store_rollback(store);
    return t;
}

int main(int argc, char **argv)
{
    long long count = argc > 1 ? strtoll(argv[1], NULL, 10) : 1000000;
    const char *path = argc > 2 ? argv[2] : "/tmp/bench_collection.db";
    char extra[600];
    unlink(path);
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
    if (ledger_synth_portfolio(store, count, day, 42, &err) != LD_OK ||
        core_store_commit(store, &err) != LD_OK)
        die("generating", &err);
    ledger_cob_options first = {.date = day};
    ledger_cob_result fr;
    double t0 = now_seconds();
    if (core_store_begin(store, &err) != LD_OK ||
        ledger_cob_run(store, &mgr, &first, &fr, &err) != LD_OK ||
        core_store_commit(store, &err) != LD_OK)
        die("first cob", &err);
    int64_t open_cases = fr.cases_opened;
    printf("book: %lld loans; first close %.2f s opened %lld collection cases (%.1f %% of the "
           "book)\n",
           count, now_seconds() - t0, (long long)open_cases,
           count > 0 ? 100.0 * (double)open_cases / (double)count : 0.0);
    day++;
    double with[ROUNDS], without[ROUNDS];
    ledger_cob_result r;
    for (int i = 0; i < ROUNDS; i++) {
        without[i] = timed_close(store, &mgr, day, true, &r);
        with[i] = timed_close(store, &mgr, day, false, &r);
    }
    printf("last close with collection: %lld cases opened, %lld closed, %lld moved a stage\n",
           (long long)r.cases_opened, (long long)r.cases_closed, (long long)r.case_stage_moves);
    double w = median(with, ROUNDS), wo = median(without, ROUNDS);
    printf("cob without collection (baseline): median %.3f s of %d\n", wo, ROUNDS);
    printf("cob with collection:               median %.3f s of %d\n", w, ROUNDS);
    printf("ratio with / without = %.3f (target <= 1.2): %s\n", w / wo,
           w / wo <= 1.2 ? "within" : "OVER");
    core_store_close(store);
    return 0;
}
