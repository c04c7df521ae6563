/*
 * backup_copy_store.c - the database into the archive in one pass
 * (backup_copy.h): the snapshot, SQLite's online backup, and the VFS whose
 * one file is a window onto the archive's stream.
 *
 * The stream file ("loandesk-backup-stream" VFS) knows three regions: the
 * head (the first page_size bytes, kept in memory and readable, since SQLite
 * rewrites its header at the commit), the streamed bytes (gone into the
 * archive: never readable, never rewritable), and what lies beyond (empty).
 * Its size is the end of the furthest write. Locks, syncs and journals are
 * nothing to it: the destination connection has no journal and is the
 * file's only user.
 */
#include "backup_copy.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup_bundle.h"

#define STREAM_VFS       "loandesk-backup-stream"
#define FCNTL_ATTACH     0x4c4442     /* above SQLite's own opcodes */
#define LOCK_BYTE_OFFSET 0x40000000LL /* SQLite's PENDING_BYTE: its page is never written */
#define DEST_CACHE_KIB   4096
#define MMAP_BYTES       "17179869184" /* more than a book; SQLite caps it at its own limit */
#define RETRY_MS         50
#define RETRY_ROUNDS     1200 /* a minute of a writer switching journal modes */

/* One copy in progress: what the stream file writes to. */
typedef struct copy_job {
    core_bundle_stream *out;
    uint64_t size;      /* the snapshot's bytes: pages x page size */
    uint32_t page;      /* the head's length: the source's page size */
    uint8_t *head;      /* the first page as last written */
    sqlite3_int64 next; /* the stream's next offset in the file */
    sqlite3_int64 end;  /* the file's size as SQLite sees it */
    bool head_written;
    ld_status st;
    ld_error err;
} copy_job;

typedef struct stream_file {
    sqlite3_file base;
    copy_job *job;
} stream_file;

static sqlite3_vfs *base_vfs;

/* Records the first failure; SQLite then sees an I/O error. */
static int job_fail(copy_job *job, int code, const char *what, sqlite3_int64 off)
{
    if (job->st == LD_OK)
        job->st = LD_FAIL(&job->err, LD_EINTERNAL,
                          "the copy of the database %s at byte %lld: the archive cannot take it",
                          what, (long long)off);
    return code;
}

static uint8_t zero_page[65536]; /* never written */

/* Streams what lies between the stream's end and off: only the lock-byte
 * page may be skipped, and it is carried as the zeros a file holds there. */
static int fill_gap(copy_job *job, sqlite3_int64 off)
{
    if (off == job->next)
        return SQLITE_OK;
    if (job->next != LOCK_BYTE_OFFSET || off != job->next + job->page)
        return job_fail(job, SQLITE_IOERR_WRITE, "skips bytes", job->next);
    if (core_bundle_stream_write(job->out, zero_page, job->page, &job->err) != LD_OK) {
        job->st = job->err.code;
        return SQLITE_IOERR_WRITE;
    }
    job->next = off;
    return SQLITE_OK;
}

static int stream_write(sqlite3_file *f, const void *data, int amt, sqlite3_int64 off)
{
    copy_job *job = ((stream_file *)f)->job;
    const uint8_t *p = data;
    if (job == NULL || amt < 0 || off < 0)
        return SQLITE_IOERR_WRITE;
    if (off + amt > job->end)
        job->end = off + amt;
    if (off < job->page) {
        size_t in_head =
            (size_t)(job->page - off) < (size_t)amt ? (size_t)(job->page - off) : (size_t)amt;
        memcpy(job->head + off, p, in_head);
        job->head_written = true;
        p += in_head;
        off += (sqlite3_int64)in_head;
        amt -= (int)in_head;
        if (amt == 0)
            return SQLITE_OK;
    }
    if (off < job->next)
        return job_fail(job, SQLITE_IOERR_WRITE, "rewrites streamed bytes", off);
    if ((uint64_t)(off + amt) > job->size)
        return job_fail(job, SQLITE_IOERR_WRITE, "grows past the snapshot's size", off);
    int rc = fill_gap(job, off);
    if (rc != SQLITE_OK)
        return rc;
    if (core_bundle_stream_write(job->out, p, (size_t)amt, &job->err) != LD_OK) {
        job->st = job->err.code;
        return SQLITE_IOERR_WRITE;
    }
    job->next += amt;
    return SQLITE_OK;
}

static int stream_read(sqlite3_file *f, void *data, int amt, sqlite3_int64 off)
{
    copy_job *job = ((stream_file *)f)->job;
    if (job == NULL || off >= job->end) {
        memset(data, 0, (size_t)amt);
        return SQLITE_IOERR_SHORT_READ;
    }
    if (off + amt > job->page)
        return job_fail(job, SQLITE_IOERR_READ, "reads back streamed bytes", off);
    memcpy(data, job->head + off, (size_t)amt);
    return SQLITE_OK;
}

static int stream_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    copy_job *job = ((stream_file *)f)->job;
    if (job == NULL)
        return size == 0 ? SQLITE_OK : SQLITE_IOERR_TRUNCATE;
    if (size == job->end)
        return SQLITE_OK;
    return job_fail(job, SQLITE_IOERR_TRUNCATE, "truncates the file", size);
}

static int stream_size(sqlite3_file *f, sqlite3_int64 *out)
{
    copy_job *job = ((stream_file *)f)->job;
    *out = job != NULL ? job->end : 0;
    return SQLITE_OK;
}

static int stream_control(sqlite3_file *f, int op, void *arg)
{
    if (op != FCNTL_ATTACH)
        return SQLITE_NOTFOUND;
    ((stream_file *)f)->job = arg;
    return SQLITE_OK;
}

static int stream_close(sqlite3_file *f)
{
    (void)f;
    return SQLITE_OK;
}

static int stream_sync(sqlite3_file *f, int flags)
{
    (void)f;
    (void)flags;
    return SQLITE_OK;
}

static int stream_lock(sqlite3_file *f, int level)
{
    (void)f;
    (void)level;
    return SQLITE_OK;
}

static int stream_reserved(sqlite3_file *f, int *out)
{
    (void)f;
    *out = 0;
    return SQLITE_OK;
}

static int stream_sector(sqlite3_file *f)
{
    (void)f;
    return 4096;
}

static int stream_device(sqlite3_file *f)
{
    (void)f;
    return 0;
}

static const sqlite3_io_methods stream_methods = {
    .iVersion = 1,
    .xClose = stream_close,
    .xRead = stream_read,
    .xWrite = stream_write,
    .xTruncate = stream_truncate,
    .xSync = stream_sync,
    .xFileSize = stream_size,
    .xLock = stream_lock,
    .xUnlock = stream_lock,
    .xCheckReservedLock = stream_reserved,
    .xFileControl = stream_control,
    .xSectorSize = stream_sector,
    .xDeviceCharacteristics = stream_device,
};

/* Only the main database opens; with no journal nothing else is asked for. */
static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    (void)name;
    if ((flags & SQLITE_OPEN_MAIN_DB) == 0)
        return SQLITE_CANTOPEN;
    stream_file *s = (stream_file *)f;
    memset(s, 0, sizeof *s);
    s->base.pMethods = &stream_methods;
    if (out_flags != NULL)
        *out_flags = flags;
    return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    (void)name;
    (void)sync_dir;
    return SQLITE_OK;
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    (void)name;
    (void)flags;
    *out = 0;
    return SQLITE_OK;
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    sqlite3_snprintf(n, out, "%s", name);
    return SQLITE_OK;
}

/* Time, randomness and sleep are the default VFS's. */
static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return base_vfs->xRandomness(base_vfs, n, out);
}

static int vfs_sleep(sqlite3_vfs *vfs, int microseconds)
{
    (void)vfs;
    return base_vfs->xSleep(base_vfs, microseconds);
}

/* Version 2 of the VFS, so that SQLite asks for the time in integer
 * milliseconds only. */
static int vfs_current_time(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    if (base_vfs->iVersion >= 2 && base_vfs->xCurrentTimeInt64 != NULL)
        return base_vfs->xCurrentTimeInt64(base_vfs, out);
    return SQLITE_ERROR;
}

static int vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return base_vfs->xGetLastError(base_vfs, n, out);
}

static sqlite3_vfs stream_vfs = {
    .iVersion = 2,
    .szOsFile = sizeof(stream_file),
    .mxPathname = 1024,
    .zName = STREAM_VFS,
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_full_pathname,
    .xRandomness = vfs_randomness,
    .xSleep = vfs_sleep,
    .xCurrentTimeInt64 = vfs_current_time,
    .xGetLastError = vfs_last_error,
};

static pthread_once_t registered = PTHREAD_ONCE_INIT;
static int register_rc = SQLITE_ERROR;

static void register_vfs(void)
{
    base_vfs = sqlite3_vfs_find(NULL);
    register_rc = base_vfs != NULL ? sqlite3_vfs_register(&stream_vfs, 0) : SQLITE_ERROR;
}

/* Begins the read transaction that is the snapshot, and reads its size. */
static ld_status begin_snapshot(sqlite3 *src, uint32_t *page, uint64_t *pages, ld_error *err)
{
    int rc = SQLITE_BUSY;
    for (int round = 0; round < RETRY_ROUNDS; round++) {
        sqlite3_stmt *size = NULL;
        rc = sqlite3_exec(src, "BEGIN", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_prepare_v2(src,
                                    "SELECT page_size, page_count FROM pragma_page_size, "
                                    "pragma_page_count",
                                    -1, &size, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(size)) == SQLITE_ROW) {
            *page = (uint32_t)sqlite3_column_int64(size, 0);
            *pages = (uint64_t)sqlite3_column_int64(size, 1);
            rc = SQLITE_OK;
        }
        sqlite3_finalize(size);
        if (rc == SQLITE_OK)
            return LD_OK;
        sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        sqlite3_sleep(RETRY_MS);
    }
    return LD_FAIL(err, LD_EINTERNAL, "the online copy cannot begin: %s", sqlite3_errstr(rc));
}

/* The destination: the stream file, no journal, a small cache (spilled
 * pages go straight to the archive). */
static ld_status open_destination(copy_job *job, sqlite3 **out, ld_error *err)
{
    sqlite3 *dst = NULL;
    char pragmas[128];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -%d",
             DEST_CACHE_KIB);
    if (sqlite3_open_v2(STREAM_VFS, &dst,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        STREAM_VFS) != SQLITE_OK ||
        sqlite3_file_control(dst, "main", FCNTL_ATTACH, job) != SQLITE_OK ||
        sqlite3_exec(dst, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        ld_status st = LD_FAIL(err, LD_EINTERNAL, "the backup's stream does not open: %s",
                               dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
        sqlite3_close(dst);
        return st;
    }
    *out = dst;
    return LD_OK;
}

/* SQLite's online backup in one step, from the snapshot already begun. */
static ld_status run_backup(sqlite3 *dst, sqlite3 *src, copy_job *job, ld_error *err)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "the online copy: %s", sqlite3_errmsg(dst));
    int rc = sqlite3_backup_step(b, -1);
    int fin = sqlite3_backup_finish(b);
    if (job->st != LD_OK) {
        *err = job->err;
        return job->st;
    }
    if (rc != SQLITE_DONE || fin != SQLITE_OK)
        return LD_FAIL(err, LD_EINTERNAL, "the online copy failed: %s",
                       sqlite3_errstr(rc != SQLITE_DONE ? rc : fin));
    if (!job->head_written || (uint64_t)job->end != job->size || (uint64_t)job->next != job->size)
        return LD_FAIL(err, LD_EINTERNAL,
                       "the online copy wrote %lld bytes of the snapshot's %" PRIu64,
                       (long long)job->end, job->size);
    return LD_OK;
}

ld_status core_backup_copy_database(const char *db_path, core_backup_writer *w, const char *name,
                                    core_backup_snapshot_fn in_snapshot, void *ctx,
                                    cJSON *parts_out, ld_error *err)
{
    pthread_once(&registered, register_vfs);
    if (register_rc != SQLITE_OK)
        return LD_FAIL(err, LD_EINTERNAL, "the backup's stream cannot be registered with SQLite");
    sqlite3 *src = NULL, *dst = NULL;
    copy_job job;
    memset(&job, 0, sizeof job);
    uint64_t pages = 0;
    ld_status st = LD_OK;
    if (sqlite3_open_v2(db_path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        st = LD_FAIL(err, LD_EINTERNAL, "cannot open %s for a backup: %s", db_path,
                     src != NULL ? sqlite3_errmsg(src) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(src, 5000);
    /* The book's pages are read through a map rather than copied out of
     * the kernel first (SQLite caps the map at its own limit, 2 GiB here;
     * pages past it, and those in the WAL, are read as usual). */
    sqlite3_exec(src, "PRAGMA mmap_size = " MMAP_BYTES, NULL, NULL, NULL);
    if ((st = begin_snapshot(src, &job.page, &pages, err)) != LD_OK ||
        (st = in_snapshot(ctx, src, err)) != LD_OK)
        goto done;
    if (job.page < 512 || job.page > sizeof zero_page || pages == 0) {
        st = LD_FAIL(err, LD_EINTERNAL, "%s: page size %" PRIu32 " and %" PRIu64 " pages", db_path,
                     job.page, pages);
        goto done;
    }
    job.size = pages * job.page;
    job.next = job.page;
    if ((job.head = calloc(1, job.page)) == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
        goto done;
    }
    if ((st = core_bundle_stream_begin(w, name, job.size, job.page, &job.out, err)) != LD_OK ||
        (st = open_destination(&job, &dst, err)) != LD_OK ||
        (st = run_backup(dst, src, &job, err)) != LD_OK ||
        (st = core_bundle_stream_write(job.out, job.head, job.page, err)) != LD_OK)
        goto done;
    st = core_bundle_stream_end(job.out, parts_out, err);
done:
    sqlite3_close(dst);
    if (src != NULL)
        sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(src);
    core_bundle_stream_free(job.out);
    free(job.head);
    return st;
}
