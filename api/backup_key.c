/*
 * backup_key.c - the backup key as its custodians give it (a key file, or a
 * passphrase read by the front end from a file or the environment, never
 * from a command line) and `backup keygen`.
 */
#include <string.h>

#include "backup_int.h"

ld_status api_backup_secret(const ld_backup_key *key, core_backup_secret *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    if (key == NULL || (key->key_file == NULL && key->passphrase == NULL))
        return LD_FAIL(err, LD_EUSAGE,
                       "a backup key is needed: LOANDESK_BACKUP_KEY_FILE (a key file) or "
                       "LOANDESK_BACKUP_PASSPHRASE_FILE");
    if (key->key_file != NULL)
        return core_backup_key_file_read(key->key_file, out->key, err);
    if (strlen(key->passphrase) < 12)
        return LD_FAIL(err, LD_EINVAL, "backup passphrase: must be at least 12 characters");
    out->is_passphrase = true;
    out->passphrase = key->passphrase;
    return LD_OK;
}

void api_backup_secret_clear(core_backup_secret *s)
{
    memset(s->key, 0, sizeof s->key);
}

ld_status ld_backup_keygen(const char *path, cJSON **out, ld_error *err)
{
    if (path == NULL)
        return LD_FAIL(err, LD_EUSAGE, "keygen: --out FILE is required");
    ld_status st = core_backup_key_file_new(path, err);
    if (st != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key_file", path);
    *out = o;
    return LD_OK;
}
