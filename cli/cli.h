/*
 * cli.h - what every command of the loandesk program shares: the parsed global
 * options, the open store and session, error printing and option lookup.
 *
 * A command handler receives the context and the arguments after its own name
 * (argv[0] is the command's name, e.g. "check" for `loandesk policy check F`),
 * prints its result on stdout, reports failure through cli_fail and returns the
 * process exit code, which is the ld_status of the failure (docs/design.md). The
 * dispatcher opens the store, logs the user in and wraps the handler in one
 * transaction, committed only when the handler returns 0. Handlers stay thin:
 * parse, call a library, print.
 */
#ifndef LD_CLI_H
#define LD_CLI_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "loandesk/api.h"
#include "loandesk/backup.h"

typedef struct cli_ctx {
    const char *db_path;  /* --db, $LOANDESK_DB, or ./loandesk.db */
    const char *username; /* --user or $LOANDESK_USER; NULL when not given */
    bool quiet;           /* --quiet: no progress display */
    bool json;            /* a bare --json (not followed by a file): JSON output */
    ld_clock api_clock;   /* business date ($LOANDESK_TODAY, read once) and wall clock */
    ld_api *api;          /* the operations API on --db, for commands that use it */
    ld_session *s;        /* the logged-in (or resumed) session */
} cli_ctx;

typedef int (*cli_handler)(cli_ctx *ctx, int argc, char **argv);

/* Prints "loandesk: error: MESSAGE" on stderr and returns err->code. */
int cli_fail(const ld_error *err);

/* Prints a usage error for `command` and returns LD_EUSAGE. */
int cli_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Looks for "--name VALUE" in argv; returns VALUE or NULL. */
const char *cli_opt(int argc, char **argv, const char *name);

/* True when the bare flag "--name" is present. */
bool cli_flag(int argc, char **argv, const char *name);

/* The first argument that is neither an option nor an option's value (after
 * argv[0]); NULL when there is none. Options listed in bare_flags take no value. */
const char *cli_positional(int argc, char **argv, const char *const *bare_flags);

/* The password that unlocks the user's signing key, for operations taking a
 * key_password: NULL after a login with a password (the session holds it),
 * else $LOANDESK_PASSWORD (a session resumed from $LOANDESK_SESSION holds
 * none). */
const char *cli_key_password(void);

/* Parses a positive record id ("application: must be a positive number"). */
int cli_parse_id(const char *what, const char *text, int64_t *out);

/* A password from $LOANDESK_PASSWORD (or env_name), or a prompt without echo
 * on a terminal. NULL when neither is available. The result is static. */
const char *cli_password(const char *env_name, const char *prompt);

/* The secrets that guard the institution's keys, from the environment or
 * files it names, never argv (secrets.c): the CA custodians' passphrase
 * (both halves joined; NULL when not given), the institution key file's path
 * and passphrase (NULL: defaults). cli_institution_key_setup hands the last
 * two to the handle; non-zero is an exit code. */
const char *cli_ca_passphrase(void);
const char *cli_institution_key_path(void);
const char *cli_institution_key_passphrase(void);
int cli_institution_key_setup(ld_api *api);

/* The backup custodians' key (LOANDESK_BACKUP_KEY_FILE, else the passphrase
 * from LOANDESK_BACKUP_PASSPHRASE_FILE or LOANDESK_BACKUP_PASSPHRASE); both
 * members NULL when none is set. */
void cli_backup_key(ld_backup_key *out);

/* Strict arguments: each command names the options it takes. An option not in
 * its list, a missing value, or more positional words than it takes is a usage
 * error (exit 1). A word listed among the value options is one even without
 * the two dashes ("-o FILE"). Bare flags take no value; --json is a bare flag unless the
 * command lists it among value options (then "--json FILE" is input, and a
 * bare "--json" still asks for JSON output when the next word is an option or
 * nothing). */
typedef struct cli_spec {
    const char *const *values; /* options that take a value, NULL-terminated */
    const char *const *flags;  /* bare flags, NULL-terminated */
    int max_positionals;       /* words that are not options */
} cli_spec;

#define CLI_MAX_ARGS 64

typedef struct cli_args {
    const char *positional[CLI_MAX_ARGS];
    int positional_count;
} cli_args;

/* Checks argv (after the command's own words) against spec; on error prints it
 * with the command's usage and returns LD_EUSAGE, else 0. */
int cli_check(const char *command, int argc, char **argv, const cli_spec *spec, cli_args *out);

/* Prints value as JSON with --json, else as a table of columns (a list) or a
 * record (columns NULL); frees value; returns 0. */
int cli_show(int argc, char **argv, cJSON *value, const char *const *columns);

/* The command's first positional word parsed as a record id named what. */
int cli_positional_id(int argc, char **argv, const char *what, int64_t *id);

/* A string member of a result ("" when absent) and an integer member (0 when
 * absent), for the sentences handlers print from result documents. */
const char *cli_text(const cJSON *object, const char *key);
long long cli_int(const cJSON *object, const char *key);

/* Output: JSON when --json is given, else a readable form. */
void cli_print_json(const cJSON *value);
void cli_print_record(const cJSON *record);
void cli_print_table(const cJSON *rows, const char *const *columns);

#endif
