/*
 * backup_manifest.c - what an archive says of itself: the ledger's size,
 * root and newest signed checkpoint at the moment of the copy (read within
 * the copy's own read transaction), the parts with their SHA-256; and the
 * check that a copy taken out of an archive is what its manifest says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup_int.h"
#include "digest.h"
#include "json_in.h"
#include "log.h"
#include "trust.h"

ld_status api_backup_facts_read(sqlite3 *db, api_backup_facts *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    ledger_log *log = NULL;
    ledger_hash root;
    ledger_checkpoint_record last;
    bool has = false;
    ld_status st = ledger_log_open(db, &log, err);
    if (st != LD_OK)
        return st;
    memset(&last, 0, sizeof last);
    if ((st = ledger_log_size(log, &out->size, err)) == LD_OK &&
        (st = ledger_log_root(log, out->size, &root, err)) == LD_OK &&
        (st = ledger_log_checkpoint_last(log, &last, &has, err)) == LD_OK) {
        core_hex_encode(root.bytes, sizeof root.bytes, out->root);
        if (has)
            st = ledger_checkpoint_block_text(&last, &out->checkpoint, err);
    }
    ledger_checkpoint_record_clear(&last);
    ledger_log_close(log);
    return st;
}

void api_backup_facts_clear(api_backup_facts *f)
{
    free(f->checkpoint);
    f->checkpoint = NULL;
}

cJSON *api_backup_manifest(const char *db_path, int64_t now, const api_backup_facts *facts,
                           const cJSON *parts)
{
    char base[BACKUP_PATH_CAP], dir[BACKUP_PATH_CAP];
    api_backup_split_path(db_path, dir, base);
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "format", "loandesk-backup 1");
    core_json_put_int(m, "created", now);
    cJSON_AddStringToObject(m, "database", base);
    cJSON *l = cJSON_AddObjectToObject(m, "ledger");
    core_json_put_int(l, "size", (int64_t)facts->size);
    cJSON_AddStringToObject(l, "root", facts->root);
    if (facts->checkpoint != NULL)
        cJSON_AddStringToObject(l, "checkpoint", facts->checkpoint);
    else
        cJSON_AddNullToObject(l, "checkpoint");
    cJSON_AddItemToObject(m, "parts", cJSON_Duplicate(parts, true));
    return m;
}

static const char *text_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static ld_status integrity_check(sqlite3 *h, ld_error *err)
{
    sqlite3_stmt *stmt = NULL;
    ld_status st = LD_OK;
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
        st = LD_FAIL(err, LD_EVERIFY, "the database in the archive does not open: %s",
                     sqlite3_errmsg(h));
    else if (sqlite3_step(stmt) != SQLITE_ROW ||
             strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") != 0)
        st = LD_FAIL(err, LD_EVERIFY, "the database in the archive fails SQLite's integrity check");
    sqlite3_finalize(stmt);
    return st;
}

ld_status api_backup_manifest_size(const cJSON *manifest, uint64_t *out, ld_error *err)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(manifest, "ledger");
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(l, "size");
    int64_t n = 0;
    /* Read exactly: a log past 2^31 entries is a real size, and a size
     * with a fraction, out of range or negative is no size at all. */
    if (!core_json_integer(size, &n) || n < 0)
        return LD_FAIL(err, LD_EVERIFY,
                       "archive manifest: ledger.size is not a whole number of entries");
    *out = (uint64_t)n;
    return LD_OK;
}

ld_status api_backup_check_copy(const char *db, const cJSON *manifest, ld_error *err)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(manifest, "ledger");
    const char *root = text_of(l, "root"), *block = text_of(l, "checkpoint");
    uint64_t size = 0;
    if (root == NULL)
        return LD_FAIL(err, LD_EVERIFY, "archive manifest: no ledger root");
    ld_status st = api_backup_manifest_size(manifest, &size, err);
    if (st != LD_OK)
        return st;
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        st = LD_FAIL(err, LD_EVERIFY, "the database in the archive does not open: %s",
                     sqlite3_errmsg(h));
    else
        st = integrity_check(h, err);
    api_backup_facts f;
    memset(&f, 0, sizeof f);
    if (st == LD_OK && (st = api_backup_facts_read(h, &f, err)) != LD_OK)
        st = ld_error_recode(err, LD_EVERIFY, "the ledger in the archive");
    if (st == LD_OK && (f.size != size || strcmp(f.root, root) != 0))
        st = LD_FAIL(err, LD_EVERIFY,
                     "the ledger in the archive (size %llu, root %s) is not the manifest's "
                     "(size %llu, root %s)",
                     (unsigned long long)f.size, f.root, (unsigned long long)size, root);
    if (st == LD_OK && ((block == NULL) != (f.checkpoint == NULL) ||
                        (block != NULL && strcmp(block, f.checkpoint) != 0)))
        st = LD_FAIL(err, LD_EVERIFY, "the archive's newest checkpoint is not the manifest's");
    api_backup_facts_clear(&f);
    sqlite3_close(h);
    return st;
}
