/*
 * tar.c - a small ustar writer for the ledger export's few files (entries,
 * checkpoints, the institution's certificate): each file a 512-byte header
 * and its bytes padded to 512, the archive closed by two empty blocks. Names
 * are sorted, times fixed at 0 and owners empty, so the same export gives the
 * same bytes.
 */
#include "server_private.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BLOCK         512
#define TAR_FILES_MAX 64
#define TAR_FILE_MAX  ((size_t)1 << 30)

typedef struct tar_buffer {
    char *data;
    size_t len, size;
} tar_buffer;

static bool reserve(tar_buffer *b, size_t more)
{
    if (more <= b->size - b->len)
        return true;
    size_t size = b->size == 0 ? 65536 : b->size;
    while (size - b->len < more)
        size *= 2;
    char *grown = realloc(b->data, size);
    if (grown == NULL)
        return false;
    b->data = grown;
    b->size = size;
    return true;
}

static void octal(char *field, size_t width, unsigned long long value)
{
    snprintf(field, width, "%0*llo", (int)width - 1, value);
}

static bool append_file(tar_buffer *b, const char *name, const char *data, size_t len)
{
    size_t padded = (len + BLOCK - 1) / BLOCK * BLOCK;
    if (!reserve(b, BLOCK + padded))
        return false;
    char *h = b->data + b->len;
    memset(h, 0, BLOCK);
    snprintf(h, 100, "%s", name);
    octal(h + 100, 8, 0644);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, len);
    octal(h + 136, 12, 0);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    memcpy(h + BLOCK, data, len);
    memset(h + BLOCK + len, 0, padded - len);
    b->len += BLOCK + padded;
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

ld_status srv_tar_dir(const char *dir, char **out, size_t *out_len, ld_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return srv_fail_plain(err, LD_EINTERNAL, "the export folder cannot be read");
    char *names[TAR_FILES_MAX];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < TAR_FILES_MAX) {
        if (e->d_name[0] == '.' || strlen(e->d_name) >= 100)
            continue;
        names[count] = strdup(e->d_name);
        if (names[count] != NULL)
            count++;
    }
    closedir(d);
    qsort(names, (size_t)count, sizeof names[0], by_name);
    tar_buffer b = {0};
    ld_status st = LD_OK;
    for (int i = 0; i < count && st == LD_OK; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat info;
        if (stat(path, &info) != 0 || !S_ISREG(info.st_mode))
            continue;
        char *data = NULL;
        size_t len = 0;
        if ((st = srv_read_file(path, TAR_FILE_MAX, &data, &len, err)) != LD_OK)
            break;
        if (!append_file(&b, names[i], data, len))
            st = srv_fail_plain(err, LD_EINTERNAL, "out of memory");
        free(data);
    }
    for (int i = 0; i < count; i++)
        free(names[i]);
    if (st == LD_OK && !reserve(&b, 2 * BLOCK))
        st = srv_fail_plain(err, LD_EINTERNAL, "out of memory");
    if (st != LD_OK) {
        free(b.data);
        return st;
    }
    memset(b.data + b.len, 0, 2 * BLOCK);
    b.len += 2 * BLOCK;
    *out = b.data;
    *out_len = b.len;
    return LD_OK;
}
