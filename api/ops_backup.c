/*
 * ops_backup.c - backups that restore (loandesk/backup.h): the online copy,
 * the manifest, the archive's life from a temporary name to its own,
 * retention, and the verification that restore and `backup verify` share.
 *
 * The plaintext copy of the database is made in memory when it fits
 * (/dev/shm/loandesk-backup-work-PID, 0700: never written to a disk), else
 * in a folder beside the book (<db>.backup-work-PID, 0700); never beside the
 * archive, whose folder may be another machine's: only the encrypted file
 * goes there. A copy left by a killed run is removed by the next backup.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "api_int.h"
#include "audit.h"
#include "backup_bundle.h"
#include "backup_crypt.h"
#include "digest.h"
#include "json_in.h"
#include "ledger_verify.h"
#include "log.h"
#include "loandesk/backup.h"
#include "permission.h"
#include "private_file.h"
#include "store_sql.h"
#include "trust.h"

#define PATH_CAP          CORE_BACKUP_PATH_MAX
#define ARCHIVE_PREFIX    "loandesk-"
#define ARCHIVE_SUFFIX    ".ldbak"
#define WORK_MARK         ".backup-work-"
#define SHM_DIR           "/dev/shm"
#define SHM_PREFIX        "loandesk"
#define SHM_MARK          "-backup-work-"
#define PARTIAL_MARK      ".partial-"
#define COPY_RETRY_MS     50
#define COPY_RETRY_ROUNDS 1200 /* a minute of a writer switching journal modes */

/* ---- The backup key ------------------------------------------------------- */

static ld_status secret_from(const ld_backup_key *key, core_backup_secret *out, ld_error *err)
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

static void secret_clear(core_backup_secret *s)
{
    memset(s->key, 0, sizeof s->key);
}

/* ---- Paths ---------------------------------------------------------------- */

static void split_path(const char *path, char *dir, char *base)
{
    char a[PATH_CAP], b[PATH_CAP];
    snprintf(a, sizeof a, "%s", path);
    snprintf(b, sizeof b, "%s", path);
    snprintf(dir, PATH_CAP, "%s", dirname(a));
    snprintf(base, PATH_CAP, "%s", basename(b));
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Whether name is something a killed run left behind: prefix, then mark
 * (right after prefix, or anywhere after it when anywhere), then the pid of
 * a process that is gone. */
static bool left_by_dead_run(const char *name, const char *prefix, const char *mark, bool anywhere)
{
    size_t plen = strlen(prefix), mlen = strlen(mark);
    if (strncmp(name, prefix, plen) != 0)
        return false;
    const char *at = name + plen, *found = NULL;
    if (!anywhere)
        found = strncmp(at, mark, mlen) == 0 ? at : NULL;
    else
        for (const char *p = strstr(at, mark); p != NULL; p = strstr(p + 1, mark))
            found = p;
    if (found == NULL)
        return false;
    char *end = NULL;
    long pid = strtol(found + mlen, &end, 10);
    if (end == found + mlen || *end != '\0' || pid <= 0)
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes from dir what killed runs left. */
static void sweep_dead_runs(const char *dir, const char *prefix, const char *mark, bool anywhere)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (!left_by_dead_run(e->d_name, prefix, mark, anywhere))
            continue;
        char path[PATH_CAP];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
            core_backup_remove_tree(path);
    }
    if (d != NULL)
        closedir(d);
}

/* ---- The online copy ------------------------------------------------------ */

typedef struct ledger_facts {
    uint64_t size;
    char root[65];
    char *checkpoint; /* the newest checkpoint's block, malloc'd */
    uint64_t checkpoint_size;
} ledger_facts;

/* The ledger's size, root and newest checkpoint in the database db. */
static ld_status facts_of(sqlite3 *db, ledger_facts *out, ld_error *err)
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
        if (has) {
            out->checkpoint_size = last.checkpoint.size;
            st = ledger_checkpoint_block_text(&last, &out->checkpoint, err);
        }
    }
    ledger_checkpoint_record_clear(&last);
    ledger_log_close(log);
    return st;
}

/* Copies the database at src_path to dst_path with SQLite's online backup in
 * one step, which is one read transaction on the source: a consistent
 * snapshot while writers go on in the WAL. Then the copy's own journal mode
 * is set to rollback (the copy is one file) and its ledger facts read. */
static ld_status online_copy(const char *src_path, const char *dst_path, ledger_facts *facts,
                             ld_error *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    ld_status st = core_private_file_precreate(dst_path, NULL, err);
    if (st != LD_OK)
        return st;
    if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_open_v2(dst_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK) {
        st = LD_FAIL(err, LD_EINTERNAL, "cannot open %s for a backup: %s", src_path,
                     sqlite3_errmsg(src != NULL ? src : dst));
        goto done;
    }
    sqlite3_busy_timeout(src, 5000);
    sqlite3_exec(dst, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL, NULL);
    int rc = SQLITE_BUSY;
    for (int round = 0; round < COPY_RETRY_ROUNDS && (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
         round++) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        if (b == NULL) {
            rc = sqlite3_errcode(dst);
            break;
        }
        rc = sqlite3_backup_step(b, -1);
        int fin = sqlite3_backup_finish(b);
        if (rc == SQLITE_DONE)
            rc = fin == SQLITE_OK ? SQLITE_DONE : fin;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(COPY_RETRY_MS);
    }
    if (rc != SQLITE_DONE) {
        st = LD_FAIL(err, LD_EINTERNAL, "the online copy of %s failed: %s", src_path,
                     sqlite3_errstr(rc));
        goto done;
    }
    if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        st = LD_FAIL(err, LD_EINTERNAL, "the copy: %s", sqlite3_errmsg(dst));
        goto done;
    }
    st = facts_of(dst, facts, err);
done:
    sqlite3_close(src);
    sqlite3_close(dst);
    return st;
}

/* ---- Taking a backup ------------------------------------------------------ */

/* The archive's final name: out, or a new name in dir from the time. */
static ld_status final_name(const ld_backup_options *o, int64_t now, char *path, ld_error *err)
{
    struct stat info;
    if (o->out != NULL) {
        if (lstat(o->out, &info) == 0)
            return LD_FAIL(err, LD_ESTATE, "%s exists already; a backup never replaces a file",
                           o->out);
        snprintf(path, PATH_CAP, "%s", o->out);
        return LD_OK;
    }
    ld_status st = core_private_dir_create(o->dir, err);
    if (st != LD_OK)
        return st;
    time_t t = (time_t)now;
    struct tm tm;
    char stamp[32];
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    for (int n = 1; n < 100; n++) {
        if (n == 1)
            snprintf(path, PATH_CAP, "%s/" ARCHIVE_PREFIX "%s" ARCHIVE_SUFFIX, o->dir, stamp);
        else
            snprintf(path, PATH_CAP, "%s/" ARCHIVE_PREFIX "%s-%02d" ARCHIVE_SUFFIX, o->dir, stamp,
                     n);
        if (lstat(path, &info) != 0)
            return LD_OK;
    }
    return LD_FAIL(err, LD_ESTATE, "%s: too many backups within one second", o->dir);
}

static int newest_first(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

/* Keeps the newest keep archives in dir and lists the ones removed. Names
 * sort by time once their suffix is off ("…Z" before "…Z-02"). */
static void retain(const char *dir, int keep, cJSON *removed)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    size_t plen = strlen(ARCHIVE_PREFIX), slen = strlen(ARCHIVE_SUFFIX);
    while (d != NULL && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= plen + slen || strncmp(e->d_name, ARCHIVE_PREFIX, plen) != 0 ||
            strcmp(e->d_name + len - slen, ARCHIVE_SUFFIX) != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL)
                break;
            names = grown;
        }
        if ((names[n] = strndup(e->d_name, len - slen)) != NULL)
            n++;
    }
    if (d != NULL)
        closedir(d);
    if (names != NULL)
        qsort(names, n, sizeof *names, newest_first);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_CAP];
        if (i >= (size_t)keep &&
            (size_t)snprintf(path, sizeof path, "%s/%s" ARCHIVE_SUFFIX, dir, names[i]) <
                sizeof path &&
            unlink(path) == 0)
            cJSON_AddItemToArray(removed, cJSON_CreateString(path));
        free(names[i]);
    }
    free(names);
    fsync_dir(dir);
}

typedef struct backup_job {
    const char *db_path, *key_path;
    const ld_backup_options *o;
    const ld_backup_key *key;
    core_backup_secret secret;
    char archive[PATH_CAP], partial[PATH_CAP], work[PATH_CAP], copy[PATH_CAP];
    ledger_facts facts;
    cJSON *parts;
    int64_t now;
} backup_job;

/* Who may back up is checked first; then the archive's name and the backup
 * key are settled and the backup recorded in the audit trail, in one short
 * transaction before the copy: the copy then holds its own record, and a
 * backup that cannot be recorded is not taken. */
static ld_status begin_backup(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)out;
    backup_job *job = args;
    ld_status st = core_perm_require(call->who, CORE_ACT_BACKUP, NULL, err);
    if (st != LD_OK || (st = secret_from(job->key, &job->secret, err)) != LD_OK ||
        (st = final_name(job->o, job->now, job->archive, err)) != LD_OK)
        return st;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "archive", job->archive);
    cJSON_AddBoolToObject(detail, "institution_key", job->o->with_institution_key);
    st = core_audit_record(call->store, call->who, "backup.create", "backup", 0, detail, err);
    cJSON_Delete(detail);
    return st;
}

static cJSON *manifest_of(const backup_job *job)
{
    char base[PATH_CAP], dir[PATH_CAP];
    split_path(job->db_path, dir, base);
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "format", "loandesk-backup 1");
    core_json_put_int(m, "created", job->now);
    cJSON_AddStringToObject(m, "database", base);
    cJSON *l = cJSON_AddObjectToObject(m, "ledger");
    core_json_put_int(l, "size", (int64_t)job->facts.size);
    cJSON_AddStringToObject(l, "root", job->facts.root);
    if (job->facts.checkpoint != NULL)
        cJSON_AddStringToObject(l, "checkpoint", job->facts.checkpoint);
    else
        cJSON_AddNullToObject(l, "checkpoint");
    cJSON_AddItemToObject(m, "parts", cJSON_Duplicate(job->parts, true));
    return m;
}

static ld_status write_archive(backup_job *job, ld_error *err)
{
    core_backup_part parts[CORE_BACKUP_ROLE_COUNT];
    size_t count = 0;
    core_backup_writer *w = NULL;
    ld_status st = core_backup_parts(job->db_path, job->key_path, job->o->with_institution_key,
                                     parts, &count, err);
    if (st != LD_OK)
        return st;
    /* The database part is the consistent copy, never the live file. */
    snprintf(parts[0].path, sizeof parts[0].path, "%s", job->copy);
    if ((st = core_backup_writer_open(job->partial, &job->secret, job->o->chunk_size, &w, err)) !=
        LD_OK)
        return st;
    st = core_bundle_begin(w, err);
    for (size_t i = 0; st == LD_OK && i < count; i++)
        st = core_bundle_put(w, &parts[i], job->parts, err);
    if (st == LD_OK) {
        cJSON *m = manifest_of(job);
        st = core_bundle_end(w, m, err);
        cJSON_Delete(m);
    }
    if (st != LD_OK) {
        core_backup_writer_abort(w);
        return st;
    }
    if ((st = core_backup_writer_finish(w, err)) != LD_OK)
        return st;
    /* link() never replaces: an archive that appeared meanwhile stays. */
    if (link(job->partial, job->archive) != 0) {
        int code = errno;
        unlink(job->partial);
        return LD_FAIL(err, code == EEXIST ? LD_ESTATE : LD_EINTERNAL, "%s: %s", job->archive,
                       strerror(code));
    }
    unlink(job->partial);
    char dir[PATH_CAP], base[PATH_CAP];
    split_path(job->archive, dir, base);
    fsync_dir(dir);
    return LD_OK;
}

/* Whether memory (tmpfs at /dev/shm) has room for a copy of the book with
 * a quarter to spare: then the plaintext copy never reaches a disk, and the
 * book is written to one only once, encrypted. */
static bool copy_fits_in_memory(const char *db_path)
{
    struct stat info;
    struct statvfs fs;
    char wal[PATH_CAP];
    uint64_t size = 0;
    if (stat(db_path, &info) == 0)
        size += (uint64_t)info.st_size;
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    if (stat(wal, &info) == 0)
        size += (uint64_t)info.st_size;
    if (statvfs(SHM_DIR, &fs) != 0 || stat(SHM_DIR, &info) != 0 || !S_ISDIR(info.st_mode))
        return false;
    return (uint64_t)fs.f_bavail * fs.f_frsize >= size + size / 4 + (64u << 20);
}

static ld_status run_backup(backup_job *job, ld_error *err)
{
    char db_dir[PATH_CAP], db_base[PATH_CAP], dir[PATH_CAP], base[PATH_CAP];
    split_path(job->db_path, db_dir, db_base);
    sweep_dead_runs(db_dir, db_base, WORK_MARK, false);
    sweep_dead_runs(SHM_DIR, SHM_PREFIX, SHM_MARK, false);
    split_path(job->archive, dir, base);
    sweep_dead_runs(dir, ".", PARTIAL_MARK, true);
    snprintf(job->partial, sizeof job->partial, "%s/.%s" PARTIAL_MARK "%ld", dir, base,
             (long)getpid());
    if (!job->o->copy_beside_book && copy_fits_in_memory(job->db_path))
        snprintf(job->work, sizeof job->work, SHM_DIR "/" SHM_PREFIX SHM_MARK "%ld",
                 (long)getpid());
    else
        snprintf(job->work, sizeof job->work, "%s" WORK_MARK "%ld", job->db_path, (long)getpid());
    snprintf(job->copy, sizeof job->copy, "%s/database", job->work);
    core_backup_remove_tree(job->work);
    ld_status st = core_private_dir_create(job->work, err);
    if (st == LD_OK && (st = online_copy(job->db_path, job->copy, &job->facts, err)) == LD_OK)
        st = write_archive(job, err);
    core_backup_remove_tree(job->work);
    return st;
}

ld_status ld_backup_create(ld_session *session, const ld_backup_key *key,
                           const ld_backup_options *options, cJSON **out, ld_error *err)
{
    if (options == NULL || (options->out == NULL) == (options->dir == NULL))
        return LD_FAIL(err, LD_EUSAGE, "backup: give either --out FILE or --dir DIR");
    if (options->keep < 0 || (options->keep > 0 && options->dir == NULL))
        return LD_FAIL(err, LD_EUSAGE, "keep: a positive count of archives, with --dir");
    ld_api *api = session->api;
    backup_job job;
    memset(&job, 0, sizeof job);
    job.db_path = sqlite3_db_filename(core_store_db(api->store), "main");
    job.key_path = api->key_path;
    job.o = options;
    job.key = key;
    job.now = core_store_now(api->store);
    job.parts = cJSON_CreateArray();
    ld_status st =
        api_run(session, "backup.create", options->out != NULL ? options->out : options->dir, 0,
                begin_backup, &job, NULL, err);
    if (st == LD_OK)
        st = run_backup(&job, err);
    secret_clear(&job.secret);
    cJSON *removed = cJSON_CreateArray();
    if (st == LD_OK && options->keep > 0)
        retain(options->dir, options->keep, removed);
    cJSON *r = NULL;
    if (st == LD_OK) {
        struct stat info;
        r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "archive", job.archive);
        core_json_put_int(r, "bytes", stat(job.archive, &info) == 0 ? (int64_t)info.st_size : 0);
        cJSON *l = cJSON_AddObjectToObject(r, "ledger");
        core_json_put_int(l, "size", (int64_t)job.facts.size);
        cJSON_AddStringToObject(l, "root", job.facts.root);
        cJSON_AddStringToObject(l, "checkpoint",
                                job.facts.checkpoint != NULL ? job.facts.checkpoint : "");
        cJSON_AddItemToObject(r, "parts", job.parts);
        job.parts = NULL;
        cJSON_AddItemToObject(r, "removed", removed);
        removed = NULL;
    }
    cJSON_Delete(removed);
    cJSON_Delete(job.parts);
    free(job.facts.checkpoint);
    if (st != LD_OK) {
        cJSON_Delete(r);
        return st;
    }
    *out = r;
    return LD_OK;
}

/* ---- Verification --------------------------------------------------------- */

static const char *text_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The copy at db agrees with the manifest: SQLite's integrity check, and the
 * ledger's size, root and newest checkpoint as the manifest records them. */
static ld_status check_copy(const char *db, const cJSON *manifest, ld_error *err)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(manifest, "ledger");
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(l, "size");
    const char *root = text_of(l, "root"), *block = text_of(l, "checkpoint");
    if (!cJSON_IsNumber(size) || root == NULL)
        return LD_FAIL(err, LD_EVERIFY, "archive manifest: no ledger size and root");
    sqlite3 *h = NULL;
    sqlite3_stmt *stmt = NULL;
    ld_status st = LD_OK;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK) {
        st = LD_FAIL(err, LD_EVERIFY, "the database in the archive does not open: %s",
                     sqlite3_errmsg(h));
    } else if (sqlite3_step(stmt) != SQLITE_ROW ||
               strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") != 0) {
        st = LD_FAIL(err, LD_EVERIFY,
                     "the database in the archive fails SQLite's integrity "
                     "check");
    }
    sqlite3_finalize(stmt);
    ledger_facts f;
    memset(&f, 0, sizeof f);
    if (st == LD_OK && (st = facts_of(h, &f, err)) != LD_OK)
        st = ld_error_recode(err, LD_EVERIFY, "the ledger in the archive");
    if (st == LD_OK && (f.size != (uint64_t)size->valueint || strcmp(f.root, root) != 0))
        st = LD_FAIL(err, LD_EVERIFY,
                     "the ledger in the archive (size %llu, root %s) is not the manifest's "
                     "(size %lld, root %s)",
                     (unsigned long long)f.size, f.root, (long long)size->valueint, root);
    if (st == LD_OK && (block == NULL) != (f.checkpoint == NULL))
        st = LD_FAIL(err, LD_EVERIFY, "the archive's newest checkpoint is not the manifest's");
    if (st == LD_OK && block != NULL && strcmp(block, f.checkpoint) != 0)
        st = LD_FAIL(err, LD_EVERIFY, "the archive's newest checkpoint is not the manifest's");
    free(f.checkpoint);
    sqlite3_close(h);
    return st;
}

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
    ld_status st = secret_from(key, &secret, err);
    if (st != LD_OK)
        return st;
    st = core_backup_reader_open(archive, &secret, &r, err);
    secret_clear(&secret);
    if (st != LD_OK)
        return st;
    st = core_bundle_extract(r, dest, durable, &parts, &manifest, err);
    core_backup_reader_close(r);
    if (st == LD_OK)
        st = core_bundle_check_parts(manifest, parts, err);
    if (st == LD_OK)
        st = check_copy(dest, manifest, err);
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
    char work[PATH_CAP], dest[PATH_CAP];
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
    char path[PATH_CAP];
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
    char from[PATH_CAP], target[PATH_CAP];
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
    char dir[PATH_CAP], base[PATH_CAP], work[PATH_CAP], dest[PATH_CAP];
    split_path(to, dir, base);
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
    fsync_dir(dir);
    if (st != LD_OK) {
        cJSON_Delete(result);
        return st;
    }
    *out = result;
    return LD_OK;
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
