/*
 * bench_book.c - the benchmark book the backup benchmarks share (see
 * bench_book.h): created through the operations API as an institution would
 * create it, applicants imported from bench_gen's portfolio file.
 */
#include "bench_book.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loandesk/admin.h"
#include "loandesk/origination.h"

#ifndef BENCH_GEN_PATH
#error "BENCH_GEN_PATH must name the bench_gen program"
#endif

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "bench book: %s: %s\n", what, err != NULL ? err->message : "failed");
    exit(1);
}

int bench_run(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void bench_book_new(const char *dir, const char *db, long borrowers)
{
    ld_error err;
    cJSON *out = NULL;
    ld_api *api = NULL;
    ld_init_spec spec = {.admin_username = "admin",
                         .admin_full_name = "Admin",
                         .admin_password = BENCH_ADMIN_PASSWORD,
                         .institution = "bench",
                         .policy_path = LOANDESK_SOURCE_DIR "/policy/default.json",
                         .products_path = LOANDESK_SOURCE_DIR "/policy/products.json",
                         .ca_passphrase = BENCH_CA_PASSPHRASE};
    if (ld_api_init(db, NULL, &spec, &api, &out, &err) != LD_OK)
        die("init", &err);
    cJSON_Delete(out);
    ld_session *admin = NULL, *off = NULL;
    if (ld_session_login(api, "admin", BENCH_ADMIN_PASSWORD, &admin, &err) != LD_OK)
        die("login", &err);
    /* An officer imports and files; a reviewer and a manager decide; an
     * auditor verifies the ledger. */
    static const char *const users[][3] = {{"off", "officer", NULL},
                                           {"rev", "reviewer", NULL},
                                           {"mgr", "manager", "100000000.00"},
                                           {"aud", "auditor", NULL}};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        ld_session *s = NULL;
        ld_user_spec u = {.username = users[i][0],
                          .full_name = users[i][1],
                          .role = users[i][1],
                          .authority_limit = users[i][2],
                          .password = "Bench-first-2026"};
        if (ld_user_add(admin, &u, BENCH_CA_PASSPHRASE, &out, &err) != LD_OK)
            die("user", &err);
        cJSON_Delete(out);
        if (ld_session_login(api, users[i][0], "Bench-first-2026", &s, &err) != LD_OK ||
            ld_user_passwd(s, NULL, BENCH_USER_PASSWORD, NULL, &out, &err) != LD_OK)
            die("user password", &err);
        cJSON_Delete(out);
        ld_session_free(s);
    }
    char jsonl[600], count[32];
    snprintf(jsonl, sizeof jsonl, "%s/portfolio.jsonl", dir);
    snprintf(count, sizeof count, "%ld", borrowers);
    char *gen[] = {(char *)BENCH_GEN_PATH, (char *)"--count", count, (char *)"--out", jsonl, NULL};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (bench_run(gen) != 0)
        die("bench_gen", NULL);
    if (ld_session_login(api, "off", BENCH_USER_PASSWORD, &off, &err) != LD_OK ||
        ld_import(off, jsonl, &out, &err) != LD_OK)
        die("import", &err);
    cJSON_Delete(out);
    unlink(jsonl);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("book: %ld borrowers and applications imported in %.1f s\n", borrowers,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    ld_session_free(off);
    ld_session_free(admin);
    ld_api_close(api);
}
