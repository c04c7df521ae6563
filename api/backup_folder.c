/*
 * backup_folder.c - the archive's place: its final name (given, or made
 * from the time in a folder), what killed runs left there (partial archives
 * named after their process), and retention of the newest N archives.
 * Names sort by time: loandesk-YYYYMMDDTHHMMSSZ.ldbak, then -02, -03 for
 * more within one second.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup_int.h"
#include "private_file.h"

#define ARCHIVE_PREFIX "loandesk-"
#define ARCHIVE_SUFFIX ".ldbak"

void api_backup_split_path(const char *path, char *dir, char *base)
{
    char a[BACKUP_PATH_CAP], b[BACKUP_PATH_CAP];
    snprintf(a, sizeof a, "%s", path);
    snprintf(b, sizeof b, "%s", path);
    snprintf(dir, BACKUP_PATH_CAP, "%s", dirname(a));
    snprintf(base, BACKUP_PATH_CAP, "%s", basename(b));
}

void api_backup_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

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

void api_backup_sweep(const char *dir, const char *prefix, const char *mark, bool anywhere)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (!left_by_dead_run(e->d_name, prefix, mark, anywhere))
            continue;
        char path[BACKUP_PATH_CAP];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
            core_backup_remove_tree(path);
    }
    if (d != NULL)
        closedir(d);
}

ld_status api_backup_final_name(const ld_backup_options *o, int64_t now, char *path, ld_error *err)
{
    struct stat info;
    if (o->out != NULL) {
        if (lstat(o->out, &info) == 0)
            return LD_FAIL(err, LD_ESTATE, "%s exists already; a backup never replaces a file",
                           o->out);
        snprintf(path, BACKUP_PATH_CAP, "%s", o->out);
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
            snprintf(path, BACKUP_PATH_CAP, "%s/" ARCHIVE_PREFIX "%s" ARCHIVE_SUFFIX, o->dir,
                     stamp);
        else
            snprintf(path, BACKUP_PATH_CAP, "%s/" ARCHIVE_PREFIX "%s-%02d" ARCHIVE_SUFFIX, o->dir,
                     stamp, n);
        if (lstat(path, &info) != 0)
            return LD_OK;
    }
    return LD_FAIL(err, LD_ESTATE, "%s: too many backups within one second", o->dir);
}

static int newest_first(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

/* Names sort by time once their suffix is off ("…Z" before "…Z-02"). */
void api_backup_retain(const char *dir, int keep, cJSON *removed)
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
        char path[BACKUP_PATH_CAP];
        if (i >= (size_t)keep &&
            (size_t)snprintf(path, sizeof path, "%s/%s" ARCHIVE_SUFFIX, dir, names[i]) <
                sizeof path &&
            unlink(path) == 0)
            cJSON_AddItemToArray(removed, cJSON_CreateString(path));
        free(names[i]);
    }
    free(names);
    api_backup_fsync_dir(dir);
}
