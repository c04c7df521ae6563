/*
 * fuzz_backup.c - backup archives (core/backup_crypt.c, core/backup_bundle.c).
 * The first byte picks a mode:
 *   even: the rest is an archive's bytes as found on a disk. Nobody without
 *     the key can make one that authenticates, so reading it to its end must
 *     be refused (LD_EVERIFY, or LD_EINVAL for no file), never accepted.
 *   odd: the rest is the plaintext inside an archive, encrypted here with
 *     the harness's key in small chunks, then read back through
 *     core_bundle_extract into a fresh folder: whatever the names say, every
 *     file and folder it writes is the book or a folder beside it there, no
 *     part that is accepted differs from the manifest's list when the check
 *     passes, and the archive itself always decrypts.
 */
#include "fuzz.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_bundle.h"
#include "backup_crypt.h"

static char work[64];
static core_backup_secret secret;

static void setup(void)
{
    snprintf(work, sizeof work, "/tmp/fuzz-backup-XXXXXX");
    FUZZ_CHECK(mkdtemp(work) != NULL);
    for (size_t i = 0; i < sizeof secret.key; i++)
        secret.key[i] = (uint8_t)(i * 7 + 1);
}

static void spill(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size);
    fclose(f);
}

/* Only book.db and book.db.<role> may exist in the folder after extraction. */
static void only_the_book_in(const char *dir)
{
    DIR *d = opendir(dir);
    FUZZ_CHECK(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 || strcmp(n, "archive") == 0)
            continue;
        bool ok = strcmp(n, "book.db") == 0 || strcmp(n, "book.db.institution-key") == 0 ||
                  strcmp(n, "book.db.documents") == 0 || strcmp(n, "book.db.workbooks") == 0;
        if (!ok)
            fprintf(stderr, "extraction wrote %s\n", n);
        FUZZ_CHECK(ok);
    }
    closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (work[0] == '\0')
        setup();
    if (size < 1)
        return 0;
    char archive[128], dest[128];
    snprintf(archive, sizeof archive, "%s/archive", work);
    snprintf(dest, sizeof dest, "%s/book.db", work);
    unlink(archive);
    core_bundle_remove(dest);
    ld_error err;
    core_backup_reader *r = NULL;
    if ((data[0] & 1) == 0) {
        spill(archive, data + 1, size - 1);
        ld_status st = core_backup_reader_open(archive, &secret, &r, &err);
        if (st == LD_OK) {
            uint8_t buf[4096];
            size_t got = sizeof buf;
            while (st == LD_OK && got == sizeof buf)
                st = core_backup_read(r, buf, sizeof buf, &got, &err);
            core_backup_reader_close(r);
        }
        FUZZ_CHECK(st == LD_EVERIFY || st == LD_EINVAL);
        return 0;
    }
    core_backup_writer *w = NULL;
    FUZZ_CHECK(core_backup_writer_open(archive, &secret, CORE_BACKUP_CHUNK_MIN, &w, &err) == LD_OK);
    FUZZ_CHECK(core_backup_write(w, data + 1, size - 1, &err) == LD_OK);
    FUZZ_CHECK(core_backup_writer_finish(w, &err) == LD_OK);
    FUZZ_CHECK(core_backup_reader_open(archive, &secret, &r, &err) == LD_OK);
    cJSON *parts = NULL, *manifest = NULL;
    ld_status st = core_bundle_extract(r, dest, false, &parts, &manifest, &err);
    core_backup_reader_close(r);
    FUZZ_CHECK(st == LD_OK || st == LD_EVERIFY || st == LD_ESTATE || st == LD_EINVAL ||
               st == LD_EINTERNAL);
    only_the_book_in(work);
    if (st == LD_OK) {
        FUZZ_CHECK(cJSON_IsObject(manifest) && cJSON_IsArray(parts));
        (void)core_bundle_check_parts(manifest, parts, &err);
    }
    cJSON_Delete(parts);
    cJSON_Delete(manifest);
    core_bundle_remove(dest);
    return 0;
}
