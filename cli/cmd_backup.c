/*
 * cmd_backup.c - backups that restore: `backup`, `backup verify`, `backup
 * keygen` and `restore` (loandesk/backup.h). Parse, call, print. The backup
 * key comes from the environment (secrets.c), never from argv.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "loandesk/backup.h"

static int need_key(const char *command, ld_backup_key *key)
{
    cli_backup_key(key);
    if (key->key_file == NULL && key->passphrase == NULL)
        return cli_usage(command, "the backup key is needed: LOANDESK_BACKUP_KEY_FILE (a key "
                                  "file from `loandesk backup keygen`) or "
                                  "LOANDESK_BACKUP_PASSPHRASE_FILE");
    if (key->passphrase != NULL && key->passphrase[0] == '\0')
        return LD_EUSAGE; /* the file could not be read; secrets.c said so */
    return 0;
}

static int parse_keep(const char *text, int *out)
{
    char *end = NULL;
    long v = text != NULL ? strtol(text, &end, 10) : 0;
    if (text != NULL && (end == text || *end != '\0' || v < 1 || v > 100000)) {
        fprintf(stderr, "loandesk: error: --keep: must be a whole number from 1 to 100000\n");
        return LD_EINVAL;
    }
    *out = (int)v;
    return 0;
}

int cmd_backup(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--out", "--dir", "--keep", NULL};
    static const char *const flags[] = {"--with-institution-key", NULL};
    static const cli_spec spec = {.values = values, .flags = flags};
    cli_args args;
    ld_backup_key key;
    ld_backup_options o = {.out = cli_opt(argc, argv, "--out"),
                           .dir = cli_opt(argc, argv, "--dir"),
                           .with_institution_key = cli_flag(argc, argv, "--with-institution-key")};
    int rc = cli_check("backup", argc, argv, &spec, &args);
    if (rc != 0 || (rc = parse_keep(cli_opt(argc, argv, "--keep"), &o.keep)) != 0)
        return rc;
    if ((o.out == NULL) == (o.dir == NULL))
        return cli_usage("backup", "give either --out FILE or --dir DIR");
    if (o.keep > 0 && o.dir == NULL)
        return cli_usage("backup", "--keep goes with --dir");
    if ((rc = need_key("backup", &key)) != 0)
        return rc;
    ld_error err;
    cJSON *r = NULL;
    if (ld_backup_create(ctx->s, &key, &o, &r, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    const cJSON *ledger = cJSON_GetObjectItemCaseSensitive(r, "ledger");
    printf("backup written: %s (%lld bytes, %d parts); ledger size %lld, root %s\n",
           cli_text(r, "archive"), cli_int(r, "bytes"),
           cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "parts")),
           cli_int(ledger, "size"), cli_text(ledger, "root"));
    const cJSON *gone;
    cJSON_ArrayForEach(gone, cJSON_GetObjectItemCaseSensitive(r, "removed"))
        printf("removed older backup %s\n", gone->valuestring);
    cJSON_Delete(r);
    return 0;
}

static ld_trust_anchor anchor_of(int argc, char **argv)
{
    return (ld_trust_anchor){.ca_file = cli_opt(argc, argv, "--ca"),
                             .ca_fingerprint = cli_opt(argc, argv, "--ca-fingerprint"),
                             .since_path = cli_opt(argc, argv, "--since")};
}

static void print_verified(const cJSON *r)
{
    const cJSON *ledger = cJSON_GetObjectItemCaseSensitive(r, "ledger");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "verified");
    printf("archive verified: %d parts as the manifest lists them; ledger size %lld, root %s; "
           "%lld entries, %lld checkpoints, %lld journal entries, %lld loans\n",
           cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "parts")),
           cli_int(ledger, "size"), cli_text(ledger, "root"), cli_int(v, "entries"),
           cli_int(v, "checkpoints"), cli_int(v, "journal_entries"), cli_int(v, "loans"));
}

int cmd_backup_verify(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--ca", "--ca-fingerprint", "--since", "--work-dir", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    ld_backup_key key;
    int rc = cli_check("backup verify", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    if (args.positional_count != 1)
        return cli_usage("backup verify", "the archive is required");
    if ((rc = need_key("backup verify", &key)) != 0)
        return rc;
    ld_trust_anchor anchor = anchor_of(argc, argv);
    ld_error err;
    cJSON *r = NULL;
    if (ld_backup_verify(args.positional[0], &key, &anchor, cli_opt(argc, argv, "--work-dir"), &r,
                         &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    print_verified(r);
    cJSON_Delete(r);
    return 0;
}

int cmd_backup_keygen(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--out", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("backup keygen", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *r = NULL;
    if (ld_backup_keygen(cli_opt(argc, argv, "--out"), &r, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    printf("backup key written to %s (mode 0600); give it to the backup custodians\n",
           cli_text(r, "key_file"));
    cJSON_Delete(r);
    return 0;
}

int cmd_restore(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--to", "--ca", "--ca-fingerprint", "--since", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    ld_backup_key key;
    int rc = cli_check("restore", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    if (args.positional_count != 1 || cli_opt(argc, argv, "--to") == NULL)
        return cli_usage("restore", "the archive and --to PATH are required");
    if ((rc = need_key("restore", &key)) != 0)
        return rc;
    ld_trust_anchor anchor = anchor_of(argc, argv);
    ld_error err;
    cJSON *r = NULL;
    if (ld_backup_restore(args.positional[0], &key, &anchor, cli_opt(argc, argv, "--to"), &r,
                          &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, r, NULL);
    print_verified(r);
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(r, "restored"))
        printf("restored %s\n", p->valuestring);
    cJSON_Delete(r);
    return 0;
}
