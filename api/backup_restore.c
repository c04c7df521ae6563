/*
 * backup_restore.c - `backup verify` and `restore`: an archive is decrypted
 * into a temporary folder (for a restore, beside its destination, so that
 * putting it in place is a rename), every part checked against the
 * manifest, the copy against the manifest's ledger facts, and the whole
 * ledger verified under the auditor's anchor. Nothing of an archive that
 * fails any of this is left anywhere; a restore never goes over anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_int.h"
#include "json_in.h"
#include "ledger_verify.h"
#include "permission.h"

/* Full ledger verification of the copy under the auditor's anchor. Nobody
 * logs in to a copy: the holder of the backup key verifies as an auditor
 * would, reading only. */
static ld_status verify_ledger(const char *db, const ld_trust_anchor *anchor, cJSON *result,
                               ld_error *err)
{
    core_store *store = NULL;
    ledger_verify_report report;
    ledger_verify_options opt = {.ca_file = anchor->ca_file,
                                 .ca_fingerprint = anchor->ca_fingerprint,
                                 .since_path = anchor->since_path};
    core_session who = {.user_id = 0, .role = CORE_ROLE_AUDITOR};
    snprintf(who.username, sizeof who.username, "backup verify");
    ld_status st = core_store_open_existing(db, &store, err);
    if (st != LD_OK)
        return ld_error_recode(err, LD_EVERIFY, "the database in the archive");
    if ((st = core_store_begin_read(store, err)) == LD_OK) {
        st = ledger_verify(store, &who, &opt, &report, err);
        core_store_rollback(store);
    }
    core_store_close(store);
    if (st != LD_OK)
        return st;
    cJSON *v = cJSON_AddObjectToObject(result, "verified");
    core_json_put_int(v, "entries", (int64_t)report.entries);
    core_json_put_int(v, "checkpoints", (int64_t)report.checkpoints);
    core_json_put_int(v, "journal_entries", (int64_t)report.journal_entries);
    core_json_put_int(v, "loans", (int64_t)report.loans);
    core_json_put_int(v, "rows", (int64_t)report.rows);
    return LD_OK;
}

/* Decrypts archive as the book dest (and its files beside it) and checks
 * everything; on failure nothing of it is left. */
static ld_status unpack_and_check(const char *archive, const ld_backup_key *key,
                                  const ld_trust_anchor *anchor, const char *dest, bool durable,
                                  cJSON **out, ld_error *err)
{
    if (anchor == NULL || (anchor->ca_file == NULL && anchor->ca_fingerprint == NULL))
        return LD_FAIL(err, LD_EUSAGE,
                       "a trust anchor is needed: --ca FILE (the CA certificate you hold) or "
                       "--ca-fingerprint SHA256HEX");
    core_backup_secret secret;
    core_backup_reader *r = NULL;
    cJSON *parts = NULL, *manifest = NULL;
    ld_status st = api_backup_secret(key, &secret, err);
    if (st != LD_OK)
        return st;
    st = core_backup_reader_open(archive, &secret, &r, err);
    api_backup_secret_clear(&secret);
    if (st != LD_OK)
        return st;
    st = core_bundle_extract(r, dest, durable, &parts, &manifest, err);
    core_backup_reader_close(r);
    if (st == LD_OK)
        st = core_bundle_check_parts(manifest, parts, err);
    if (st == LD_OK)
        st = api_backup_check_copy(dest, manifest, err);
    cJSON *result = cJSON_CreateObject();
    cJSON_AddStringToObject(result, "archive", archive);
    if (st == LD_OK)
        st = verify_ledger(dest, anchor, result, err);
    if (st != LD_OK) {
        core_bundle_remove(dest);
        cJSON_Delete(result);
        cJSON_Delete(parts);
        cJSON_Delete(manifest);
        return st;
    }
    cJSON_AddItemToObject(result, "ledger",
                          cJSON_DetachItemFromObjectCaseSensitive(manifest, "ledger"));
    cJSON_AddItemToObject(result, "parts", parts);
    cJSON_Delete(manifest);
    *out = result;
    return LD_OK;
}

ld_status ld_backup_verify(const char *archive, const ld_backup_key *key,
                           const ld_trust_anchor *anchor, const char *work_dir, cJSON **out,
                           ld_error *err)
{
    if (archive == NULL)
        return LD_FAIL(err, LD_EUSAGE, "archive: is required");
    const char *tmp = work_dir != NULL ? work_dir : getenv("TMPDIR");
    char work[BACKUP_PATH_CAP], dest[BACKUP_PATH_CAP];
    snprintf(work, sizeof work, "%s/loandesk-verify-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(work) == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "%s: cannot make a temporary folder: %s", work,
                       strerror(errno));
    snprintf(dest, sizeof dest, "%s/book.db", work);
    ld_status st = unpack_and_check(archive, key, anchor, dest, false, out, err);
    core_backup_remove_tree(work);
    return st;
}

/* Anything already at to or beside it. */
static ld_status refuse_occupied(const char *to, ld_error *err)
{
    char path[BACKUP_PATH_CAP];
    struct stat info;
    static const char *const side[] = {"-wal", "-shm", "-journal"};
    for (int role = 0; role < CORE_BACKUP_ROLE_COUNT; role++) {
        core_backup_beside(to, (core_backup_role)role, path, sizeof path);
        if (lstat(path, &info) == 0)
            return LD_FAIL(err, LD_ESTATE,
                           "%s exists already; a restore goes to a new place, never over a book",
                           path);
    }
    for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
        snprintf(path, sizeof path, "%s%s", to, side[i]);
        if (lstat(path, &info) == 0)
            return LD_FAIL(err, LD_ESTATE, "%s exists already", path);
    }
    return LD_OK;
}

/* Moves what was restored as dest to its place as to; the database last, so
 * that a book appears only whole. */
static ld_status put_in_place(const char *dest, const char *to, cJSON *placed, ld_error *err)
{
    char from[BACKUP_PATH_CAP], target[BACKUP_PATH_CAP];
    struct stat info;
    ld_status st = refuse_occupied(to, err);
    for (int role = CORE_BACKUP_ROLE_COUNT - 1; st == LD_OK && role >= 0; role--) {
        core_backup_beside(dest, (core_backup_role)role, from, sizeof from);
        core_backup_beside(to, (core_backup_role)role, target, sizeof target);
        if (lstat(from, &info) != 0)
            continue;
        bool ok = S_ISDIR(info.st_mode) ? rename(from, target) == 0
                                        : link(from, target) == 0 && unlink(from) == 0;
        if (!ok)
            st = LD_FAIL(err, LD_EINTERNAL, "%s: %s", target, strerror(errno));
        else
            cJSON_AddItemToArray(placed, cJSON_CreateString(target));
    }
    return st;
}

ld_status ld_backup_restore(const char *archive, const ld_backup_key *key,
                            const ld_trust_anchor *anchor, const char *to, cJSON **out,
                            ld_error *err)
{
    if (archive == NULL || to == NULL)
        return LD_FAIL(err, LD_EUSAGE, "restore: the archive and --to PATH are required");
    ld_status st = refuse_occupied(to, err);
    if (st != LD_OK)
        return st;
    char dir[BACKUP_PATH_CAP], base[BACKUP_PATH_CAP], work[BACKUP_PATH_CAP], dest[BACKUP_PATH_CAP];
    api_backup_split_path(to, dir, base);
    if ((size_t)snprintf(work, sizeof work, "%s/.loandesk-restore-XXXXXX", dir) >= sizeof work ||
        mkdtemp(work) == NULL)
        return LD_FAIL(err, LD_EINVAL, "%s: cannot make a temporary folder there: %s", dir,
                       strerror(errno));
    snprintf(dest, sizeof dest, "%s/%s", work, base);
    cJSON *result = NULL;
    st = unpack_and_check(archive, key, anchor, dest, true, &result, err);
    if (st == LD_OK) {
        cJSON *placed = cJSON_AddArrayToObject(result, "restored");
        if ((st = put_in_place(dest, to, placed, err)) != LD_OK) {
            /* Nothing half-restored stays. */
            const cJSON *p;
            cJSON_ArrayForEach(p, placed) core_backup_remove_tree(p->valuestring);
        }
    }
    core_bundle_remove(dest);
    core_backup_remove_tree(work);
    api_backup_fsync_dir(dir);
    if (st != LD_OK) {
        cJSON_Delete(result);
        return st;
    }
    *out = result;
    return LD_OK;
}
