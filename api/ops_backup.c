/*
 * ops_backup.c - taking a backup (loandesk/backup.h): who may, the audit
 * record, and the archive's life from a temporary name to its own.
 *
 * The archive is written in one pass: the database straight from SQLite's
 * online backup into the encrypted stream (backup_copy.h), the ledger's
 * facts read in the same read transaction, then the files beside the book
 * and the manifest. No plaintext copy of the book is made anywhere. The
 * archive is written as .NAME.partial-PID beside its final name, fsynced,
 * and then linked to that name, so a file with an archive's name is always
 * whole; a partial file left by a killed run is removed by the next backup.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_int.h"
#include "audit.h"
#include "backup_copy.h"
#include "backup_int.h"
#include "json_in.h"
#include "permission.h"
#include "store_sql.h"

#define PARTIAL_MARK ".partial-"
/* Earlier versions made a plaintext copy first; one left by a killed run of
 * theirs is removed too. */
#define OLD_WORK_MARK  ".backup-work-"
#define OLD_SHM_DIR    "/dev/shm"
#define OLD_SHM_PREFIX "loandesk"
#define OLD_SHM_MARK   "-backup-work-"

typedef struct backup_job {
    const char *db_path, *key_path;
    const ld_backup_options *o;
    const ld_backup_key *key;
    core_backup_secret secret;
    char archive[BACKUP_PATH_CAP], partial[BACKUP_PATH_CAP];
    api_backup_facts facts;
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
    if (st != LD_OK || (st = api_backup_secret(job->key, &job->secret, err)) != LD_OK ||
        (st = api_backup_final_name(job->o, job->now, job->archive, err)) != LD_OK)
        return st;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "archive", job->archive);
    cJSON_AddBoolToObject(detail, "institution_key", job->o->with_institution_key);
    st = core_audit_record(call->store, call->who, "backup.create", "backup", 0, detail, err);
    cJSON_Delete(detail);
    return st;
}

/* Within the copy's read transaction: the ledger as the copy holds it. */
static ld_status read_facts(void *ctx, sqlite3 *db, ld_error *err)
{
    return api_backup_facts_read(db, ctx, err);
}

/* The bundle into the open writer w: the database, the other parts, the
 * manifest. */
static ld_status write_bundle(backup_job *job, core_backup_writer *w, ld_error *err)
{
    core_backup_part parts[CORE_BACKUP_ROLE_COUNT];
    size_t count = 0;
    ld_status st = core_backup_parts(job->db_path, job->key_path, job->o->with_institution_key,
                                     parts, &count, err);
    if (st == LD_OK)
        st = core_bundle_begin(w, err);
    /* The database part is the consistent copy, never the live file. */
    if (st == LD_OK)
        st = core_backup_copy_database(job->db_path, w, parts[0].name, read_facts, &job->facts,
                                       job->parts, err);
    for (size_t i = 1; st == LD_OK && i < count; i++)
        st = core_bundle_put(w, &parts[i], job->parts, err);
    if (st == LD_OK) {
        cJSON *m = api_backup_manifest(job->db_path, job->now, &job->facts, job->parts);
        st = core_bundle_end(w, m, err);
        cJSON_Delete(m);
    }
    return st;
}

/* Writes the archive under its partial name, then links it to its own:
 * link() never replaces, so an archive that appeared meanwhile stays. */
static ld_status write_archive(backup_job *job, ld_error *err)
{
    core_backup_writer *w = NULL;
    ld_status st = core_backup_writer_open(job->partial, &job->secret, job->o->chunk_size, &w, err);
    if (st != LD_OK)
        return st;
    if ((st = write_bundle(job, w, err)) != LD_OK) {
        core_backup_writer_abort(w);
        return st;
    }
    if ((st = core_backup_writer_finish(w, err)) != LD_OK)
        return st;
    if (link(job->partial, job->archive) != 0) {
        int code = errno;
        unlink(job->partial);
        return LD_FAIL(err, code == EEXIST ? LD_ESTATE : LD_EINTERNAL, "%s: %s", job->archive,
                       strerror(code));
    }
    unlink(job->partial);
    char dir[BACKUP_PATH_CAP], base[BACKUP_PATH_CAP];
    api_backup_split_path(job->archive, dir, base);
    api_backup_fsync_dir(dir);
    return LD_OK;
}

static ld_status run_backup(backup_job *job, ld_error *err)
{
    char db_dir[BACKUP_PATH_CAP], db_base[BACKUP_PATH_CAP], dir[BACKUP_PATH_CAP],
        base[BACKUP_PATH_CAP];
    api_backup_split_path(job->db_path, db_dir, db_base);
    api_backup_sweep(db_dir, db_base, OLD_WORK_MARK, false);
    api_backup_sweep(OLD_SHM_DIR, OLD_SHM_PREFIX, OLD_SHM_MARK, false);
    api_backup_split_path(job->archive, dir, base);
    api_backup_sweep(dir, ".", PARTIAL_MARK, true);
    snprintf(job->partial, sizeof job->partial, "%s/.%s" PARTIAL_MARK "%ld", dir, base,
             (long)getpid());
    return write_archive(job, err);
}

/* The result: the archive, its size, the ledger's facts, the parts and the
 * archives retention removed. Takes job's parts. */
static cJSON *result_of(backup_job *job, cJSON *removed)
{
    struct stat info;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "archive", job->archive);
    core_json_put_int(r, "bytes", stat(job->archive, &info) == 0 ? (int64_t)info.st_size : 0);
    cJSON *l = cJSON_AddObjectToObject(r, "ledger");
    core_json_put_int(l, "size", (int64_t)job->facts.size);
    cJSON_AddStringToObject(l, "root", job->facts.root);
    cJSON_AddStringToObject(l, "checkpoint",
                            job->facts.checkpoint != NULL ? job->facts.checkpoint : "");
    cJSON_AddItemToObject(r, "parts", job->parts);
    job->parts = NULL;
    cJSON_AddItemToObject(r, "removed", removed);
    return r;
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
    api_backup_secret_clear(&job.secret);
    cJSON *removed = cJSON_CreateArray();
    if (st == LD_OK && options->keep > 0)
        api_backup_retain(options->dir, options->keep, removed);
    if (st == LD_OK)
        *out = result_of(&job, removed);
    else
        cJSON_Delete(removed);
    cJSON_Delete(job.parts);
    api_backup_facts_clear(&job.facts);
    return st;
}
