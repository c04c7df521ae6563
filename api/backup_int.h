/*
 * backup_int.h - what the backup files of the operations API share
 * (loandesk/backup.h):
 *   backup_key.c      the backup key as its custodians give it; keygen
 *   backup_folder.c   paths, the archive's name, what killed runs left,
 *                     retention
 *   backup_manifest.c the ledger's facts at the copy, the manifest, and the
 *                     check of a copy against it
 *   ops_backup.c      taking a backup: permission and audit, the archive
 *                     written in one pass, put under its name
 *   backup_restore.c  verification and restore
 */
#ifndef LD_BACKUP_INT_H
#define LD_BACKUP_INT_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdint.h>

#include "backup_bundle.h"
#include "backup_crypt.h"
#include "loandesk/backup.h"

#define BACKUP_PATH_CAP CORE_BACKUP_PATH_MAX

/* ---- The key (backup_key.c) ---------------------------------------------- */

/* The secret key gives: a key file's 32 bytes, or a passphrase of at least
 * 12 characters. LD_EUSAGE when there is none. */
ld_status api_backup_secret(const ld_backup_key *key, core_backup_secret *out, ld_error *err);
void api_backup_secret_clear(core_backup_secret *s);

/* ---- Paths and the archive folder (backup_folder.c) ---------------------- */

/* dirname and basename of path, into buffers of BACKUP_PATH_CAP. */
void api_backup_split_path(const char *path, char *dir, char *base);
/* Makes the entries of dir durable (after a rename, link or unlink). */
void api_backup_fsync_dir(const char *dir);
/* Removes from dir what killed runs left: names that begin with prefix and
 * hold mark (right after prefix, or anywhere after it when anywhere)
 * followed by the pid of a process that is gone. */
void api_backup_sweep(const char *dir, const char *prefix, const char *mark, bool anywhere);
/* The archive's final name: options->out (LD_ESTATE when it exists), or a
 * new loandesk-YYYYMMDDTHHMMSSZ[-NN].ldbak in options->dir (made 0700). */
ld_status api_backup_final_name(const ld_backup_options *o, int64_t now, char *path, ld_error *err);
/* Keeps the newest keep archives in dir, adding each one removed to
 * removed. */
void api_backup_retain(const char *dir, int keep, cJSON *removed);

/* ---- The manifest (backup_manifest.c) ------------------------------------ */

typedef struct api_backup_facts {
    uint64_t size;
    char root[65];
    char *checkpoint; /* the newest checkpoint's block, malloc'd; NULL: none */
} api_backup_facts;

/* The ledger's size, root and newest checkpoint in the database db. */
ld_status api_backup_facts_read(sqlite3 *db, api_backup_facts *out, ld_error *err);
void api_backup_facts_clear(api_backup_facts *f);
/* The manifest: format, time, the database's name, the ledger's facts and
 * the parts (copied). */
cJSON *api_backup_manifest(const char *db_path, int64_t now, const api_backup_facts *facts,
                           const cJSON *parts);
/* The manifest's ledger size, read exactly (a 64-bit count); LD_EVERIFY
 * when it is missing or not a whole number from 0 to 2^53 - 1. */
ld_status api_backup_manifest_size(const cJSON *manifest, uint64_t *out, ld_error *err);
/* LD_OK when the database db passes SQLite's integrity check and its
 * ledger's size, root and newest checkpoint are the manifest's; LD_EVERIFY
 * naming the difference. */
ld_status api_backup_check_copy(const char *db, const cJSON *manifest, ld_error *err);

#endif
