/*
 * verify_archive.c - the customer archive's copy in an export, checked
 * against the log offline (verify_archive.h).
 *
 * The log records each document's row, its SHA-256 included, in `rows`
 * entries (rows.h). The export's entries were judged against the signed
 * checkpoints before this runs, so the hashes read from them are the
 * institution's record; a file is then proven by its content alone. Only
 * entries that name the document table are parsed.
 */
#include "verify_archive.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "digest.h"
#include "document.h"
#include "json_in.h"

/* Image columns of a document row (rows_store.c): id, borrower_id,
 * application_id, loan_id, type, sha256, content_type, size, file_name, ... */
#define DOC_SHA256    5
#define DOC_FILE_NAME 8

typedef struct doc_rec {
    int64_t id;
    char sha[CORE_SHA256_HEX];
    char file_name[128];
    bool present; /* the log's last image of the row is a row */
    bool found;   /* its file is in the copy */
    uint64_t seq; /* the entry of the last image */
} doc_rec;

typedef struct doc_set {
    doc_rec *docs;
    size_t len, cap;
} doc_set;

static doc_rec *doc_get(doc_set *s, int64_t id)
{
    for (size_t i = s->len; i-- > 0;)
        if (s->docs[i].id == id)
            return &s->docs[i];
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        doc_rec *grown = realloc(s->docs, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        s->docs = grown;
        s->cap = cap;
    }
    doc_rec *d = &s->docs[s->len++];
    memset(d, 0, sizeof *d);
    d->id = id;
    return d;
}

static bool mentions_documents(const char *line, size_t n)
{
    static const char key[] = "[\"document\",";
    size_t k = sizeof key - 1;
    for (size_t i = 0; i + k <= n; i++)
        if (line[i] == '[' && memcmp(line + i, key, k) == 0)
            return true;
    return false;
}

/* Applies the document rows of one rows entry. */
static ld_status read_rows(doc_set *s, const char *line, size_t n, uint64_t seq, ld_error *err)
{
    cJSON *entry = cJSON_ParseWithLength(line, n);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "type");
    ld_status st = LD_OK;
    if (cJSON_IsString(type) && strcmp(type->valuestring, "rows") == 0) {
        const cJSON *row;
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(entry, "rows"))
        {
            const cJSON *table = cJSON_GetArrayItem(row, 0);
            if (!cJSON_IsString(table) || strcmp(table->valuestring, "document") != 0)
                continue;
            int64_t id = 0;
            const cJSON *after = cJSON_GetArrayItem(row, 4);
            if (!core_json_integer(cJSON_GetArrayItem(row, 1), &id)) {
                st = LD_FAIL(err, LD_EVERIFY, "log entry %" PRIu64 ": a document row without an id",
                             seq);
                break;
            }
            doc_rec *d = doc_get(s, id);
            if (d == NULL) {
                st = LD_FAIL(err, LD_EINTERNAL, "out of memory reading the archive's rows");
                break;
            }
            d->seq = seq;
            d->present = cJSON_IsArray(after);
            if (!d->present)
                continue;
            const cJSON *sha = cJSON_GetArrayItem(after, DOC_SHA256);
            const cJSON *name = cJSON_GetArrayItem(after, DOC_FILE_NAME);
            if (!cJSON_IsString(sha) || strlen(sha->valuestring) != CORE_SHA256_HEX - 1) {
                st = LD_FAIL(err, LD_EVERIFY,
                             "log entry %" PRIu64 ": document %" PRId64 " has no SHA-256", seq, id);
                break;
            }
            snprintf(d->sha, sizeof d->sha, "%s", sha->valuestring);
            snprintf(d->file_name, sizeof d->file_name, "%s",
                     cJSON_IsString(name) ? name->valuestring : "");
        }
    }
    cJSON_Delete(entry);
    return st;
}

/* True when the log recorded a document row with this hash at any time. */
static bool recorded(const doc_set *s, const char *sha, doc_rec **present)
{
    bool any = false;
    for (size_t i = 0; i < s->len; i++)
        if (strcmp(s->docs[i].sha, sha) == 0) {
            any = true;
            if (s->docs[i].present)
                *present = &s->docs[i];
        }
    return any;
}

/* Checks one file of the copy: its content hashes to its name, a hash the
 * log recorded for a document. */
static ld_status check_file(doc_set *s, const char *path, const char *name, ld_error *err)
{
    struct stat sb;
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return LD_FAIL(err, LD_EVERIFY, "documents/%s in the export is not a file", name);
    if (sb.st_size > CORE_DOC_MAX_BYTES)
        return LD_FAIL(err, LD_EVERIFY,
                       "documents/%s in the export is larger than any stored document", name);
    char *bytes = NULL;
    size_t len = 0;
    ld_status st = core_read_file(path, &bytes, &len, err);
    if (st != LD_OK)
        return ld_error_recode(err, LD_EVERIFY, "documents/%s in the export", name);
    char hex[CORE_SHA256_HEX];
    core_sha256_hex(bytes, len, hex);
    free(bytes);
    doc_rec *present = NULL;
    bool known = recorded(s, name, &present);
    if (!known)
        return LD_FAIL(err, LD_EVERIFY,
                       "documents/%s in the export: no document in the log has this SHA-256 "
                       "(an archived file that was never recorded)",
                       name);
    if (strcmp(hex, name) != 0)
        return LD_FAIL(err, LD_EVERIFY,
                       "documents/%s in the export was changed: its content hashes to %s, not to "
                       "the SHA-256 the log recorded for it",
                       name, hex);
    for (size_t i = 0; i < s->len; i++)
        if (strcmp(s->docs[i].sha, name) == 0)
            s->docs[i].found = true;
    return LD_OK;
}

ld_status ledger_verify_archive(const char *dir, const char *entries, size_t len, uint64_t *files,
                                ld_error *err)
{
    *files = 0;
    char docs_dir[4096];
    if ((size_t)snprintf(docs_dir, sizeof docs_dir, "%s/documents", dir) >= sizeof docs_dir)
        return LD_FAIL(err, LD_EINVAL, "dir: path too long");
    struct stat sb;
    if (stat(docs_dir, &sb) != 0)
        return LD_OK;
    if (!S_ISDIR(sb.st_mode))
        return LD_FAIL(err, LD_EVERIFY, "documents in the export is not a directory");
    doc_set s = {NULL, 0, 0};
    ld_status st = LD_OK;
    uint64_t seq = 0;
    for (const char *p = entries, *end = entries + len; p < end && st == LD_OK; seq++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        if (mentions_documents(p, n))
            st = read_rows(&s, p, n, seq, err);
        p += n + 1;
    }
    DIR *d = st == LD_OK ? opendir(docs_dir) : NULL;
    if (st == LD_OK && d == NULL)
        st =
            LD_FAIL(err, LD_EVERIFY, "documents in the export cannot be read: %s", strerror(errno));
    struct dirent *e;
    while (st == LD_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", docs_dir, e->d_name);
        if ((st = check_file(&s, path, e->d_name, err)) == LD_OK)
            (*files)++;
    }
    if (d != NULL)
        closedir(d);
    /* Every document the log leaves in place must have been copied. */
    for (size_t i = 0; st == LD_OK && i < s.len; i++)
        if (s.docs[i].present && !s.docs[i].found)
            st = LD_FAIL(err, LD_EVERIFY,
                         "documents/%s is missing from the export: document %" PRId64
                         " (%s) recorded in log entry %" PRIu64,
                         s.docs[i].sha, s.docs[i].id, s.docs[i].file_name, s.docs[i].seq);
    free(s.docs);
    return st;
}
