/*
 * cli.h - what every command of the loandesk program shares: the parsed global
 * options, error printing and the exit-code rule (the ld_status of the failure).
 *
 * A command handler receives the context and the arguments after its own name
 * (argv[0] is the command's name, e.g. "check" for `loandesk policy check F`),
 * prints its result on stdout, reports failure through cli_fail and returns the
 * process exit code. Handlers stay thin: parse, call a library, print.
 */
#ifndef LD_CLI_H
#define LD_CLI_H

#include <stdbool.h>

#include "ld_error.h"

typedef struct cli_ctx {
    const char *db_path;  /* --db, $LOANDESK_DB, or ./loandesk.db */
    const char *username; /* --user or $LOANDESK_USER; NULL when not given */
    bool json;            /* --json: machine-readable output */
    bool quiet;           /* --quiet: no progress display */
} cli_ctx;

typedef int (*cli_handler)(cli_ctx *ctx, int argc, char **argv);

/* Prints "loandesk: error: MESSAGE" on stderr and returns err->code. */
int cli_fail(const ld_error *err);

/* Prints a usage error for `command` and returns LD_EUSAGE. */
int cli_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Looks for "--name VALUE" in argv; returns VALUE or NULL. Marks both used. */
const char *cli_opt(int argc, char **argv, const char *name);

/* True when the bare flag "--name" is present. */
bool cli_flag(int argc, char **argv, const char *name);

#endif
