/*
 * bench_collection.c - close of business with collection (清收) beside the
 * same close without it, over the same synthetic book in one run (default
 * 1,000,000 loans, about 10 % past due and so in collection). "Without" is
 * the book closed under the same policy with its collection section off
 * ("collection": {"enabled": false}, docs/policy.md), as a bank that runs no
 * collection cases would close it: the close opens, moves and closes no case
 * and marks no promise. A first close opens the cases; then the next day's
 * close is run alternately with and without collection, each rolled back so
 * both see the same rows, five times each, and the medians of the processor
 * time compared (the wall clock is printed beside it). Target: with
 * collection <= 1.2 x without.
 * Usage: bench_collection [LOANS] [DB_PATH].
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
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

/* Processor time of this process: on a machine shared with other work it
 * varies less than the wall clock. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
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

/* The default policy with its collection section off, written to path. */
static void write_policy_off(const char *path)
{
    FILE *in = fopen(LOANDESK_SOURCE_DIR "/policy/default.json", "rb");
    if (in == NULL) {
        fprintf(stderr, "bench_collection: cannot read the default policy\n");
        exit(1);
    }
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    cJSON *doc = cJSON_Parse(text);
    if (doc == NULL) {
        fprintf(stderr, "bench_collection: the default policy does not parse\n");
        exit(1);
    }
    cJSON *off = cJSON_CreateObject();
    cJSON_AddFalseToObject(off, "enabled");
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "collection");
    cJSON_AddItemToObject(doc, "collection", off);
    char *out = cJSON_Print(doc);
    FILE *f = fopen(path, "wb");
    if (out == NULL || f == NULL || fputs(out, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "bench_collection: cannot write %s\n", path);
        exit(1);
    }
    free(out);
    cJSON_Delete(doc);
}

/* One close of day, timed and rolled back; under the policy at off_policy
 * (loaded before the clock starts) when it is not NULL. */
static void timed_close(core_store *store, const core_session *mgr, ld_date day,
                        const char *off_policy, ledger_cob_result *r, double *wall, double *cpu)
{
    ld_error err;
    ledger_cob_options o = {.date = day};
    if (core_store_begin(store, &err) != LD_OK ||
        (off_policy != NULL && core_policy_load(store, NULL, off_policy, NULL, &err) != LD_OK))
        die("begin", &err);
    double t0 = now_seconds(), c0 = cpu_seconds();
    if (ledger_cob_run(store, mgr, &o, r, &err) != LD_OK)
        die("cob", &err);
    *wall = now_seconds() - t0;
    *cpu = cpu_seconds() - c0;
    core_store_rollback(store);
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
    char off_policy[600];
    snprintf(off_policy, sizeof off_policy, "%s.policy-off.json", path);
    write_policy_off(off_policy);
    double with[ROUNDS], without[ROUNDS], with_wall[ROUNDS], without_wall[ROUNDS];
    ledger_cob_result r, r_off;
    for (int i = 0; i < ROUNDS; i++) {
        timed_close(store, &mgr, day, off_policy, &r_off, &without_wall[i], &without[i]);
        timed_close(store, &mgr, day, NULL, &r, &with_wall[i], &with[i]);
    }
    unlink(off_policy);
    printf("close with collection: %lld cases opened, %lld closed, %lld moved a stage; without: "
           "%lld opened\n",
           (long long)r.cases_opened, (long long)r.cases_closed, (long long)r.case_stage_moves,
           (long long)r_off.cases_opened);
    double w = median(with, ROUNDS), wo = median(without, ROUNDS);
    printf("cob without collection (baseline, collection off): median %.3f s processor, %.3f s "
           "wall, of %d\n",
           wo, median(without_wall, ROUNDS), ROUNDS);
    printf("cob with collection:                               median %.3f s processor, %.3f s "
           "wall, of %d\n",
           w, median(with_wall, ROUNDS), ROUNDS);
    printf("ratio with / without = %.3f processor (target <= 1.2): %s\n", w / wo,
           w / wo <= 1.2 ? "within" : "OVER");
    core_store_close(store);
    return 0;
}
