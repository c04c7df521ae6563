/*
 * secrets.c - where the command line finds the secrets that guard the
 * institution's keys (docs/ledger.md, "Key custody"). None is ever taken from argv, which
 * other users of the machine can read in the process list:
 *
 *   LOANDESK_CA_PASSPHRASE_FILE / LOANDESK_CA_PASSPHRASE
 *       the first CA custodian's half of the CA passphrase;
 *   LOANDESK_CA_PASSPHRASE2_FILE / LOANDESK_CA_PASSPHRASE2
 *       the second custodian's half (dual control), joined to the first;
 *   LOANDESK_INSTITUTION_KEY
 *       the institution key file (default: beside the database);
 *   LOANDESK_INSTITUTION_KEY_PASSPHRASE_FILE
 *       a file holding the key file's passphrase, when it is encrypted;
 *   LOANDESK_BACKUP_KEY_FILE, or LOANDESK_BACKUP_PASSPHRASE_FILE /
 *   LOANDESK_BACKUP_PASSPHRASE
 *       the backup custodians' key file, or their passphrase.
 *
 * A _FILE variable names a file whose first line is the secret; it wins
 * over the plain variable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The secret from file_var's file or value_var, into buf; NULL when neither
 * is set, or "" with a message when the file cannot be read. */
static const char *secret_from(const char *file_var, const char *value_var, char *buf, size_t cap)
{
    const char *path = getenv(file_var);
    if (path != NULL && path[0] != '\0') {
        FILE *f = fopen(path, "r");
        if (f == NULL || fgets(buf, (int)cap, f) == NULL) {
            if (f != NULL)
                fclose(f);
            fprintf(stderr, "loandesk: error: %s: cannot read %s\n", file_var, path);
            buf[0] = '\0';
            return buf;
        }
        fclose(f);
        buf[strcspn(buf, "\r\n")] = '\0';
        return buf;
    }
    const char *value = getenv(value_var);
    if (value == NULL)
        return NULL;
    snprintf(buf, cap, "%s", value);
    return buf;
}

const char *cli_ca_passphrase(void)
{
    static char joined[1100];
    char first[512], second[512];
    const char *a =
        secret_from("LOANDESK_CA_PASSPHRASE_FILE", "LOANDESK_CA_PASSPHRASE", first, sizeof first);
    const char *b = secret_from("LOANDESK_CA_PASSPHRASE2_FILE", "LOANDESK_CA_PASSPHRASE2", second,
                                sizeof second);
    if (a == NULL)
        return NULL;
    /* Two halves are joined with a line break, so that no other split of the
     * same characters gives the same passphrase. */
    if (b != NULL)
        snprintf(joined, sizeof joined, "%s\n%s", a, b);
    else
        snprintf(joined, sizeof joined, "%s", a);
    memset(first, 0, sizeof first);
    memset(second, 0, sizeof second);
    return joined;
}

const char *cli_institution_key_path(void)
{
    const char *path = getenv("LOANDESK_INSTITUTION_KEY");
    return path != NULL && path[0] != '\0' ? path : NULL;
}

const char *cli_institution_key_passphrase(void)
{
    static char buf[512];
    const char *path = getenv("LOANDESK_INSTITUTION_KEY_PASSPHRASE_FILE");
    if (path == NULL || path[0] == '\0')
        return NULL;
    return secret_from("LOANDESK_INSTITUTION_KEY_PASSPHRASE_FILE", "", buf, sizeof buf);
}

int cli_institution_key_setup(ld_api *api)
{
    const char *path = cli_institution_key_path(), *pass = cli_institution_key_passphrase();
    if (path == NULL && pass == NULL)
        return 0;
    ld_error err;
    if (ld_api_set_institution_key(api, path, pass, &err) != LD_OK)
        return cli_fail(&err);
    return 0;
}

void cli_backup_key(ld_backup_key *out)
{
    static char buf[512];
    const char *file = getenv("LOANDESK_BACKUP_KEY_FILE");
    out->key_file = file != NULL && file[0] != '\0' ? file : NULL;
    out->passphrase = out->key_file != NULL
                          ? NULL
                          : secret_from("LOANDESK_BACKUP_PASSPHRASE_FILE",
                                        "LOANDESK_BACKUP_PASSPHRASE", buf, sizeof buf);
}
