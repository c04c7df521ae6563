/*
 * cmd_serve.c - `loandesk serve`: reads the options, sets the clock the
 * books are kept by and runs the HTTP server (server/server.h) until Ctrl-C
 * or SIGTERM.
 *
 * For tests only, LOANDESK_WALL_CLOCK_FILE names a file holding a number of
 * seconds added to the system clock, read at each look at the clock, so a
 * test can age sessions past their time-outs without waiting (docs/http.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "server.h"

static int64_t wall_from_file(void *context)
{
    const char *path = context;
    long long skew = 0;
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        char line[32] = "";
        if (fgets(line, sizeof line, f) != NULL) {
            char *end = NULL;
            errno = 0;
            long long value = strtoll(line, &end, 10);
            if (errno == 0 && end != line)
                skew = value;
        }
        fclose(f);
    }
    return (int64_t)time(NULL) + skew;
}

static void announce(const char *url, void *context)
{
    (void)context;
    printf("loandesk: serving %s/api/v1/ (Ctrl-C stops)\n", url);
    fflush(stdout);
}

static int parse_count(const char *what, const char *text, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 1 || value > max)
        return cli_usage("serve", "%s: must be a whole number from 1 to %ld", what, max);
    *out = value;
    return 0;
}

int cmd_serve(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {
        "--listen",     "--threads",    "--reports-dir", "--max-body",
        "--max-import", "--per-client", "--timeout",     NULL};
    static const char *const flags[] = {"--trust-proxy", NULL};
    static const cli_spec spec = {.values = values, .flags = flags};
    cli_args args;
    int rc = cli_check("serve", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    server_options o = {
        .db_path = ctx->db_path,
        .listen = cli_opt(argc, argv, "--listen"),
        .reports_dir = cli_opt(argc, argv, "--reports-dir"),
        .trust_proxy = cli_flag(argc, argv, "--trust-proxy"),
        .clock = &ctx->api_clock,
        .ready = announce,
    };
    struct {
        const char *option;
        long max;
        long value;
    } counts[] = {{"--threads", 64, 0},
                  {"--max-body", 1L << 30, 0},
                  {"--max-import", 1L << 30, 0},
                  {"--per-client", 1024, 0},
                  {"--timeout", 3600, 0}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        const char *text = cli_opt(argc, argv, counts[i].option);
        if (text != NULL &&
            (rc = parse_count(counts[i].option, text, counts[i].max, &counts[i].value)) != 0)
            return rc;
    }
    o.threads = (int)counts[0].value;
    o.body_max = (size_t)counts[1].value;
    o.import_max = (size_t)counts[2].value;
    o.per_client = (unsigned)counts[3].value;
    o.timeout_seconds = (unsigned)counts[4].value;
    const char *clock_file = getenv("LOANDESK_WALL_CLOCK_FILE");
    if (clock_file != NULL && clock_file[0] != '\0') {
        ctx->api_clock.wall_now = wall_from_file;
        ctx->api_clock.wall_context = (void *)clock_file;
    }
    ld_error err;
    if (server_run(&o, &err) != LD_OK)
        return cli_fail(&err);
    return 0;
}
